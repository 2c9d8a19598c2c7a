/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <string.h>

#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tt_net.h"
#include "tt_tcp.h"

/*
 * Ones'-complement sum of @p len bytes at @p p as little-endian 16-bit
 * words (the last odd byte the low half of one), not folded: at most
 * 2^33. 2^16 = 1 modulo 0xffff, and 0xffff divides 2^64 - 1, so 64-bit
 * words summed with end-around carries give the same result as 16-bit
 * words (RFC 1071 §2(C)). `s += x; s += s < x;` is that sum; compilers
 * make it an add and an add-with-carry per word, where splitting words
 * into 32-bit halves costs more and invites vector shuffles that do not
 * pay on a header-sized input. Each step waits on the carry before it, so
 * the 16-byte loop keeps two sums, one per word, for the CPU to run side
 * by side: on this host's EPYC, 1460 bytes took 115 TSC cycles against
 * 210-225 with one sum, 200 bytes 15-21 against 18-32, and a 40-byte
 * header the same 5. Unaligned 8-byte loads are cheap on the CPUs DPDK
 * runs on.
 */
static inline uint64_t
raw_sum(const uint8_t *p, uint32_t len)
{
	uint64_t s = 0, t = 0, x, y;

	while (len >= 16) {
		memcpy(&x, p, 8);
		memcpy(&y, p + 8, 8);
		s += x;
		s += s < x;
		t += y;
		t += t < y;
		p += 16;
		len -= 16;
	}
	s += t;
	s += s < t;
	if (len & 8) {
		memcpy(&x, p, 8);
		s += x;
		s += s < x;
		p += 8;
	}
	/*
	 * The last 0..7 bytes without a variable-length copy: each piece starts
	 * at an even offset, so it is whole 16-bit words, and a last odd byte is
	 * the low half of one (little-endian, as a zero-padded load would read it).
	 */
	x = 0;
	if (len & 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		x = v;
		p += 4;
	}
	if (len & 2) {
		uint16_t v;

		memcpy(&v, p, 2);
		x += v;
		p += 2;
	}
	if (len & 1)
		x += *p;
	s += x;
	s += s < x;
	return (s & 0xffffffff) + (s >> 32);
}

void
ipv4_fill(struct rte_ipv4_hdr *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len)
{
	uint16_t len = rte_cpu_to_be_16(total_len);
	/*
	 * The checksum from the values, not read back from the header just
	 * written: loads that span several fresh narrow stores cannot be
	 * forwarded from them and wait for them to reach the cache. The five
	 * terms are the header's 32-bit words as tt_ipv4_cksum() loads them.
	 */
	uint64_t sum = (uint64_t)(RTE_IPV4_VHL_DEF | (uint32_t)len << 16) +
		       ((uint32_t)RTE_BE16(RTE_IPV4_HDR_DF_FLAG) << 16) + (64u | (uint32_t)proto << 8) +
		       src + dst;

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = len;
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = (uint16_t)~tt_sum_fold(sum);
}

/*
 * rte_ipv4_cksum() sums 16-bit words one at a time; a header without
 * options is five 32-bit words, summed into 64 bits and folded (same
 * result, RFC 1071 §2(C), see raw_sum()). Headers with options take
 * DPDK's path.
 */
uint16_t
tt_ipv4_cksum(const struct rte_ipv4_hdr *ip)
{
	uint32_t x[5];

	if (unlikely(ip->version_ihl != RTE_IPV4_VHL_DEF))
		return rte_ipv4_cksum(ip);
	memcpy(x, ip, sizeof(x));
	return (uint16_t)~tt_sum_fold((uint64_t)x[0] + x[1] + x[2] + x[3] + x[4]);
}

/* tt_l4_sum_tail() of a chain, piece by piece: out of line, as chains are rare. */
static uint16_t __rte_noinline
l4_sum_chain(const struct rte_mbuf *m, uint32_t off, uint64_t sum)
{
	uint32_t done = 0;

	for (; m != NULL; m = m->next) {
		uint32_t len = m->data_len;
		uint16_t part;

		if (off >= len) {
			off -= len;
			continue;
		}
		part = tt_sum_fold(raw_sum(rte_pktmbuf_mtod_offset(m, const uint8_t *, off), len - off));
		/* A piece starting at an odd stream offset has its bytes in the other lanes. */
		if (done & 1)
			part = rte_bswap16(part);
		sum += part;
		done += len - off;
		off = 0;
	}
	return tt_sum_fold(sum);
}

uint16_t
tt_l4_sum_tail(const struct rte_mbuf *m, uint32_t off, uint64_t sum)
{
	if (likely(m->next == NULL && off <= m->data_len))
		return tt_sum_fold(sum + raw_sum(rte_pktmbuf_mtod_offset(m, const uint8_t *, off),
						 m->data_len - off));
	return l4_sum_chain(m, off, sum);
}

uint16_t
tt_l4_sum(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t l4_off)
{
	uint32_t l4_len = rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip);

	return tt_l4_sum_tail(m, l4_off, tt_pseudo_sum(ip->src_addr, ip->dst_addr,
						       ip->next_proto_id, l4_len));
}

void
ipv4_output(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, uint32_t dst)
{
	const struct tt_wport *p = &w->ports[port];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint32_t nexthop = dst;

	if ((dst & p->mask) != (p->addr & p->mask)) {
		nexthop = p->gateway;
		if (nexthop == 0) {
			TT_DROP(w, no_route);
			rte_pktmbuf_free(m);
			return;
		}
	}
	rte_ether_addr_copy(&p->mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (arp_resolve(w, port, nexthop, m, &eth->dst_addr) != 0)
		return;
	tt_worker_tx(w, port, m);
}

/* RFC 792 echo: answer in place. */
static void
icmp_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, struct rte_ipv4_hdr *ip,
	   uint32_t l4_off, uint32_t l4_len)
{
	struct rte_icmp_hdr *icmp;
	uint32_t src;

	if (l4_len < sizeof(*icmp) || rte_pktmbuf_data_len(m) < l4_off + l4_len) {
		TT_DROP(w, icmp_malformed);
		goto drop;
	}
	icmp = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, l4_off);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		TT_DROP(w, icmp_type);
		goto drop;
	}
	if (rte_raw_cksum(icmp, l4_len) != 0xffff) {
		TT_DROP(w, icmp_malformed);
		goto drop;
	}
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, l4_len);
	/* IP options are not echoed: the message moves right behind a plain header. */
	if (l4_off != sizeof(struct rte_ether_hdr) + sizeof(*ip))
		memmove(ip + 1, icmp, l4_len);
	src = ip->src_addr;
	ipv4_fill(ip, ip->dst_addr, src, IPPROTO_ICMP, (uint16_t)(sizeof(*ip) + l4_len));
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) -
			 (sizeof(struct rte_ether_hdr) + sizeof(*ip) + l4_len));
	TT_STAT_INC(w, icmp_echo_replies);
	ipv4_output(w, port, m, src);
	return;
drop:
	rte_pktmbuf_free(m);
}

/* RFC 791 / RFC 1122 §3.2.1 receive checks, in order; each failure is a counted drop. */
int
ipv4_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, uint32_t l3_off,
	   struct tt_seg *s)
{
	struct tt_wport *p = &w->ports[port];
	struct rte_ipv4_hdr *ip;
	uint32_t hlen, tlen, avail;

	if (unlikely(rte_pktmbuf_data_len(m) < l3_off + sizeof(*ip))) {
		TT_DROP(w, ip_short);
		goto drop;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3_off);
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		TT_DROP(w, ip_version);
		goto drop;
	}
	hlen = rte_ipv4_hdr_len(ip);
	if (unlikely(hlen < sizeof(*ip) || rte_pktmbuf_data_len(m) < l3_off + hlen)) {
		TT_DROP(w, ip_hdr_len);
		goto drop;
	}
	tlen = rte_be_to_cpu_16(ip->total_length);
	avail = rte_pktmbuf_pkt_len(m) - l3_off;
	if (unlikely(tlen < hlen || tlen > avail)) {
		TT_DROP(w, ip_total_len);
		goto drop;
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    unlikely(tt_ipv4_cksum(ip) != 0)) {
		TT_DROP(w, ip_cksum);
		goto drop;
	}
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		TT_DROP(w, ip_fragment);
		goto drop;
	}
	if (unlikely(!tt_wport_is_local(p, ip->dst_addr))) {
		TT_DROP(w, ip_not_for_us);
		goto drop;
	}
	if (unlikely(ip->src_addr == 0 || tt_wport_is_local(p, ip->src_addr) ||
		     ip->src_addr == RTE_BE32(0xffffffff) ||
		     (ip->src_addr & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000) ||	/* multicast */
		     (ip->src_addr | p->mask) == RTE_BE32(0xffffffff))) {
		TT_DROP(w, ip_src_invalid);
		goto drop;
	}
	/*
	 * Ethernet padding beyond the IP datagram (RFC 791: the total length
	 * rules); it may span segments of a chain, which rte_pktmbuf_trim() cannot.
	 */
	if (avail > tlen)
		mbuf_trim_back(m, avail - tlen);

	/* Glean the sender's MAC when it is on-link (answers need no ARP round trip). */
	if ((ip->src_addr & p->mask) == (p->addr & p->mask)) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

		arp_learn(w, port, ip->src_addr, &eth->src_addr);
	}

	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		return tcp_decode(w, m, (uint8_t)port, l3_off, s) == 0;
	case IPPROTO_ICMP:
		icmp_input(w, port, m, ip, l3_off + hlen, tlen - hlen);
		return 0;
	default:
		TT_DROP(w, ip_proto);
		goto drop;
	}
drop:
	rte_pktmbuf_free(m);
	return 0;
}
