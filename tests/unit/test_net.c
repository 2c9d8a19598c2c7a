/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * The layers under TCP, one behaviour per test: Ethernet classification,
 * ARP, ICMP echo, IPv4 validation and TCP decoding. Frames are built here
 * byte by byte and fed to the worker; every discarded frame must draw
 * exactly one named drop and no reply. Ends with a random-frame run.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "tt_harness.h"
#include "tt_net.h"

#define ETH_LEN ((uint32_t)sizeof(struct rte_ether_hdr))
#define IP_LEN ((uint32_t)sizeof(struct rte_ipv4_hdr))
#define TCP_LEN ((uint32_t)sizeof(struct rte_tcp_hdr))
#define FRAME_MAX 2048

static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr local_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};

/* A raw frame under construction. */
struct frame {
	uint8_t b[FRAME_MAX];
	uint32_t len;
};

static struct rte_ether_hdr *
eth_of(struct frame *f)
{
	return (struct rte_ether_hdr *)f->b;
}

static struct rte_ipv4_hdr *
ip_of(struct frame *f)
{
	return (struct rte_ipv4_hdr *)(f->b + ETH_LEN);
}

/* The L4 header behind an IPv4 header of any IHL. */
static void *
l4_of(struct frame *f)
{
	return f->b + ETH_LEN + (ip_of(f)->version_ihl & 0xf) * 4u;
}

static void
eth_build(struct frame *f, const struct rte_ether_addr *dst, uint16_t type)
{
	memset(f, 0, sizeof(*f));
	eth_of(f)->dst_addr = *dst;
	eth_of(f)->src_addr = peer_mac;
	eth_of(f)->ether_type = rte_cpu_to_be_16(type);
	f->len = ETH_LEN;
}

static void
ip_cksum_fix(struct frame *f)
{
	struct rte_ipv4_hdr *ip = ip_of(f);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* TCP checksum over the segment the IP header describes (IHL 5). */
static void
tcp_cksum_fix(struct frame *f)
{
	struct rte_tcp_hdr *th = l4_of(f);

	th->cksum = 0;
	th->cksum = rte_ipv4_udptcp_cksum(ip_of(f), th);
}

/* A TCP segment from the peer to 198.18.0.2, with options and payload. */
static void
tcp_build(struct frame *f, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
	  uint8_t flags, const uint8_t *opt, uint32_t optlen, const void *data, uint32_t dlen)
{
	struct rte_tcp_hdr *th;

	eth_build(f, &local_mac, RTE_ETHER_TYPE_IPV4);
	ipv4_fill(ip_of(f), TH_PEER_IP, TH_LOCAL_IP, IPPROTO_TCP,
		  (uint16_t)(IP_LEN + TCP_LEN + optlen + dlen));
	th = l4_of(f);
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((TCP_LEN + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = RTE_BE16(65535);
	if (optlen > 0)
		memcpy(th + 1, opt, optlen);
	if (dlen > 0)
		memcpy((uint8_t *)(th + 1) + optlen, data, dlen);
	f->len = ETH_LEN + IP_LEN + TCP_LEN + optlen + dlen;
	tcp_cksum_fix(f);
}

/* A SYN with an MSS option to @p port: the valid frame the drop tests spoil. */
static void
syn_build(struct frame *f, uint16_t port)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };

	tcp_build(f, TH_PEER_PORT, port, 1000000, 0, TT_TH_SYN, mss, sizeof(mss), NULL, 0);
}

static void
icmp_build(struct frame *f, uint8_t type, uint16_t id, uint16_t seq, const void *data,
	   uint32_t dlen)
{
	struct rte_icmp_hdr *ic;

	eth_build(f, &local_mac, RTE_ETHER_TYPE_IPV4);
	ipv4_fill(ip_of(f), TH_PEER_IP, TH_LOCAL_IP, IPPROTO_ICMP,
		  (uint16_t)(IP_LEN + sizeof(*ic) + dlen));
	ic = l4_of(f);
	ic->icmp_type = type;
	ic->icmp_code = 0;
	ic->icmp_ident = rte_cpu_to_be_16(id);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seq);
	if (dlen > 0)
		memcpy(ic + 1, data, dlen);
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + dlen);
	f->len = ETH_LEN + IP_LEN + (uint32_t)sizeof(*ic) + dlen;
}

static void
arp_build(struct frame *f, uint16_t op, uint32_t tip)
{
	struct rte_arp_hdr *a;

	eth_build(f, &(struct rte_ether_addr){{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }},
		  RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(f->b + ETH_LEN);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = peer_mac;
	a->arp_data.arp_sip = TH_PEER_IP;
	a->arp_data.arp_tip = tip;
	f->len = ETH_LEN + (uint32_t)sizeof(*a);
}

/* Feed @p len bytes of @p b, split into a chain after @p split bytes (0: one segment). */
static void
feed_bytes(struct th *h, const uint8_t *b, uint32_t len, uint32_t split)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	assert_non_null(m);
	if (split == 0 || split >= len) {
		if (len > 0)
			memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, len);
	} else {
		struct rte_mbuf *m2 = rte_pktmbuf_alloc(h->pool);

		assert_non_null(m2);
		memcpy(rte_pktmbuf_append(m, (uint16_t)split), b, split);
		memcpy(rte_pktmbuf_append(m2, (uint16_t)(len - split)), b + split, len - split);
		assert_int_equal(rte_pktmbuf_chain(m, m2), 0);
	}
	tt_worker_input(h->w, 0, &m, 1);
	tt_worker_flush(h->w);
}

static void
feed(struct th *h, const struct frame *f)
{
	feed_bytes(h, f->b, f->len, 0);
}

/* Take the next frame tcpterm sent, linearised; @return its length or -1. */
static int
take(struct th *h, struct frame *out)
{
	struct rte_mbuf *m;
	const void *p;
	uint32_t len;

	if (rte_ring_dequeue(h->tx, (void **)&m) != 0)
		return -1;
	len = rte_pktmbuf_pkt_len(m);
	assert_true(len <= FRAME_MAX);
	p = rte_pktmbuf_read(m, 0, len, out->b);
	if (p != out->b)
		memcpy(out->b, p, len);
	out->len = len;
	rte_pktmbuf_free(m);
	return (int)len;
}

/* Feed @p f and assert it drew exactly one drop, @p drop, and no reply. */
static void
expect_drop_(struct th *h, const struct frame *f, enum tt_drop drop, const char *file, int line)
{
	uint64_t before[TT_NB_DROPS];
	unsigned int i;

	memcpy(before, h->w->drops, sizeof(before));
	feed(h, f);
	for (i = 0; i < TT_NB_DROPS; i++) {
		uint64_t want = before[i] + (i == (unsigned int)drop);

		if (h->w->drops[i] != want) {
			print_error("%s:%d: drop %s is %" PRIu64 ", want %" PRIu64 "\n", file, line,
				    tt_drop_names[i], h->w->drops[i], want);
			_fail(file, line);
		}
	}
	if (th_pending(h) != 0) {
		print_error("%s:%d: %u frame(s) sent in reply to a dropped frame\n", file, line,
			    th_pending(h));
		_fail(file, line);
	}
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
}
#define expect_drop(h, f, name) expect_drop_(h, f, TT_DROP_##name, __FILE__, __LINE__)

/* ---- ARP (RFC 826) ---- */

/* A request for our address: a reply from our MAC with the fields swapped. */
static void
test_arp_request_for_us_replied(void **state)
{
	struct th *h = *state;
	struct frame f, r;
	struct rte_arp_hdr *a;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	feed(h, &f);
	assert_int_equal(take(h, &r), ETH_LEN + sizeof(*a));
	assert_true(rte_is_same_ether_addr(&eth_of(&r)->dst_addr, &peer_mac));
	assert_true(rte_is_same_ether_addr(&eth_of(&r)->src_addr, &local_mac));
	assert_int_equal(eth_of(&r)->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	a = (struct rte_arp_hdr *)(r.b + ETH_LEN);
	assert_int_equal(a->arp_hardware, RTE_BE16(RTE_ARP_HRD_ETHER));
	assert_int_equal(a->arp_protocol, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	assert_int_equal(a->arp_hlen, 6);
	assert_int_equal(a->arp_plen, 4);
	assert_int_equal(a->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_sha, &local_mac));
	assert_int_equal(a->arp_data.arp_sip, TH_LOCAL_IP);
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_tha, &peer_mac));
	assert_int_equal(a->arp_data.arp_tip, TH_PEER_IP);
	assert_int_equal(take(h, &r), -1);
	assert_int_equal(th_stat(h, arp_requests_rx), 1);
	assert_int_equal(th_stat(h, arp_replies_tx), 1);
}

/* A request for another address on the link: no reply, counted. */
static void
test_arp_request_for_other_ip_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REQUEST, RTE_BE32(0xc6120003));
	expect_drop(h, &f, arp_not_for_us);
	assert_int_equal(th_stat(h, arp_replies_tx), 0);
}

/* A reply to us is learned and not answered. */
static void
test_arp_reply_for_us_not_answered(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REPLY, TH_LOCAL_IP);
	feed(h, &f);
	assert_int_equal(th_pending(h), 0);
	assert_int_equal(th_stat(h, arp_replies_tx), 0);
	assert_int_equal(th_stat(h, arp_requests_rx), 0);
}

/* A request padded over a second segment: answered, and that segment freed. */
static void
test_arp_request_in_chained_frame_replied(void **state)
{
	struct th *h = *state;
	struct frame f, r;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	memset(f.b + f.len, 0, 60 - f.len);
	f.len = 60;
	feed_bytes(h, f.b, f.len, 50);
	assert_int_equal(take(h, &r), ETH_LEN + sizeof(struct rte_arp_hdr));
	assert_int_equal(((struct rte_arp_hdr *)(r.b + ETH_LEN))->arp_opcode,
			 RTE_BE16(RTE_ARP_OP_REPLY));
	assert_int_equal(take(h, &r), -1);
	/* The teardown asserts the request's second segment went back to its pool. */
}

static void
test_arp_bad_hlen_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	((struct rte_arp_hdr *)(f.b + ETH_LEN))->arp_hlen = 8;
	expect_drop(h, &f, arp_malformed);
}

static void
test_arp_bad_plen_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	((struct rte_arp_hdr *)(f.b + ETH_LEN))->arp_plen = 16;
	expect_drop(h, &f, arp_malformed);
}

static void
test_arp_bad_opcode_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, 3, TH_LOCAL_IP);		/* RARP request */
	expect_drop(h, &f, arp_malformed);
}

static void
test_arp_bad_hardware_type_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	((struct rte_arp_hdr *)(f.b + ETH_LEN))->arp_hardware = RTE_BE16(6);
	expect_drop(h, &f, arp_malformed);
}

static void
test_arp_multicast_sender_mac_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	((struct rte_arp_hdr *)(f.b + ETH_LEN))->arp_data.arp_sha.addr_bytes[0] = 0x01;
	expect_drop(h, &f, arp_malformed);
}

static void
test_arp_short_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	arp_build(&f, RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	f.len = ETH_LEN + 20;
	expect_drop(h, &f, arp_malformed);
}

/* ---- ICMP (RFC 792) ---- */

static void
assert_echo_reply(struct th *h, uint16_t id, uint16_t seq, const uint8_t *data, uint32_t dlen)
{
	struct frame r;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;

	assert_int_equal(take(h, &r), ETH_LEN + IP_LEN + sizeof(*ic) + dlen);
	assert_true(rte_is_same_ether_addr(&eth_of(&r)->dst_addr, &peer_mac));
	assert_true(rte_is_same_ether_addr(&eth_of(&r)->src_addr, &local_mac));
	assert_int_equal(eth_of(&r)->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	ip = ip_of(&r);
	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(rte_ipv4_cksum(ip), 0);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), IP_LEN + sizeof(*ic) + dlen);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(ip->src_addr, TH_LOCAL_IP);
	assert_int_equal(ip->dst_addr, TH_PEER_IP);
	assert_true(ip->time_to_live > 0);
	ic = (struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(ic->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(ic->icmp_code, 0);
	assert_int_equal(rte_be_to_cpu_16(ic->icmp_ident), id);
	assert_int_equal(rte_be_to_cpu_16(ic->icmp_seq_nb), seq);
	assert_int_equal(rte_raw_cksum(ic, sizeof(*ic) + dlen), 0xffff);
	assert_memory_equal(ic + 1, data, dlen);
	assert_int_equal(take(h, &r), -1);
}

/* An echo request: a reply with the same id, sequence and payload, valid checksums. */
static void
test_icmp_echo_request_replied(void **state)
{
	struct th *h = *state;
	struct frame f;
	uint8_t data[56];
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3 + 1);
	icmp_build(&f, RTE_IP_ICMP_ECHO_REQUEST, 0x1234, 7, data, sizeof(data));
	feed(h, &f);
	assert_echo_reply(h, 0x1234, 7, data, sizeof(data));
	assert_int_equal(th_stat(h, icmp_echo_replies), 1);
}

/* An odd-sized payload in a frame padded to the minimum: the padding is not echoed. */
static void
test_icmp_echo_odd_payload_padded_frame(void **state)
{
	struct th *h = *state;
	struct frame f;
	static const uint8_t data[3] = { 0xab, 0xcd, 0xef };

	icmp_build(&f, RTE_IP_ICMP_ECHO_REQUEST, 1, 2, data, sizeof(data));
	memset(f.b + f.len, 0x5a, 60 - f.len);
	f.len = 60;
	feed(h, &f);
	assert_echo_reply(h, 1, 2, data, sizeof(data));
}

/* A request with IP options: answered behind a plain 20-byte header. */
static void
test_icmp_echo_with_ip_options_replied_without(void **state)
{
	struct th *h = *state;
	struct frame f, g;
	static const uint8_t data[8] = "pingpong";
	struct rte_ipv4_hdr *ip;

	icmp_build(&g, RTE_IP_ICMP_ECHO_REQUEST, 9, 10, data, sizeof(data));
	/* Insert 4 bytes of options (NOPs + EOL) after the IP header. */
	memcpy(&f, &g, ETH_LEN + IP_LEN);
	memcpy(f.b + ETH_LEN + IP_LEN, (const uint8_t[]){ 1, 1, 1, 0 }, 4);
	memcpy(f.b + ETH_LEN + IP_LEN + 4, g.b + ETH_LEN + IP_LEN, g.len - ETH_LEN - IP_LEN);
	f.len = g.len + 4;
	ip = ip_of(&f);
	ip->version_ihl = 0x46;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(f.len - ETH_LEN));
	ip_cksum_fix(&f);
	feed(h, &f);
	assert_echo_reply(h, 9, 10, data, sizeof(data));
}

static void
test_icmp_bad_checksum_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	icmp_build(&f, RTE_IP_ICMP_ECHO_REQUEST, 1, 1, "abcd", 4);
	((struct rte_icmp_hdr *)l4_of(&f))->icmp_cksum ^= 0x0101;
	expect_drop(h, &f, icmp_malformed);
}

static void
test_icmp_short_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	icmp_build(&f, RTE_IP_ICMP_ECHO_REQUEST, 1, 1, NULL, 0);
	ip_of(&f)->total_length = rte_cpu_to_be_16(IP_LEN + 4);
	ip_cksum_fix(&f);
	expect_drop(h, &f, icmp_malformed);
}

/* An echo reply, a timestamp request, an unreachable: not answered. */
static void
test_icmp_other_types_dropped(void **state)
{
	struct th *h = *state;
	static const uint8_t types[] = { RTE_IP_ICMP_ECHO_REPLY, 3, 13, 11 };
	struct frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(types); i++) {
		icmp_build(&f, types[i], 1, 1, "abcdefgh", 8);
		expect_drop(h, &f, icmp_type);
	}
	/* An echo request with a non-zero code is not one either. */
	icmp_build(&f, RTE_IP_ICMP_ECHO_REQUEST, 1, 1, "abcdefgh", 8);
	((struct rte_icmp_hdr *)l4_of(&f))->icmp_code = 1;
	expect_drop(h, &f, icmp_type);
	assert_int_equal(th_drop(h, icmp_type), RTE_DIM(types) + 1);
	assert_int_equal(th_stat(h, icmp_echo_replies), 0);
}

/* ---- IPv4 receive checks (RFC 791, RFC 1122 §3.2.1) ---- */

static void
test_ip_version_6_in_ipv4_frame_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->version_ihl = 0x65;
	ip_cksum_fix(&f);
	expect_drop(h, &f, ip_version);
}

static void
test_ip_ihl_below_5_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->version_ihl = 0x44;
	expect_drop(h, &f, ip_hdr_len);
}

static void
test_ip_ihl_beyond_frame_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->version_ihl = 0x4f;		/* 60 bytes of header in a 44-byte packet */
	f.len = ETH_LEN + 40;
	expect_drop(h, &f, ip_hdr_len);
}

static void
test_ip_short_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	f.len = ETH_LEN + 10;
	expect_drop(h, &f, ip_short);
}

static void
test_ip_total_len_beyond_frame_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->total_length = rte_cpu_to_be_16((uint16_t)(f.len - ETH_LEN + 1));
	ip_cksum_fix(&f);
	expect_drop(h, &f, ip_total_len);
}

static void
test_ip_total_len_below_header_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->total_length = rte_cpu_to_be_16(19);
	ip_cksum_fix(&f);
	expect_drop(h, &f, ip_total_len);
}

static void
test_ip_bad_header_checksum_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->hdr_checksum ^= RTE_BE16(0x0100);
	expect_drop(h, &f, ip_cksum);
}

static void
test_ip_more_fragments_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ip_cksum_fix(&f);
	expect_drop(h, &f, ip_fragment);
}

static void
test_ip_fragment_offset_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG | 1);
	ip_cksum_fix(&f);
	expect_drop(h, &f, ip_fragment);
}

static void
test_ip_dst_not_ours_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->dst_addr = RTE_BE32(0xc6120003);
	ip_cksum_fix(&f);
	tcp_cksum_fix(&f);
	expect_drop(h, &f, ip_not_for_us);
}

/* 0.0.0.0, limited and subnet broadcast, multicast and our own address as source. */
static void
test_ip_invalid_sources_dropped(void **state)
{
	struct th *h = *state;
	static const uint32_t srcs[] = {
		RTE_BE32(0x00000000), RTE_BE32(0xffffffff), RTE_BE32(0xc61200ff),
		RTE_BE32(0xe0000001), RTE_BE32(0xefffffff), TH_LOCAL_IP,
	};
	struct frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(srcs); i++) {
		syn_build(&f, 7);
		ip_of(&f)->src_addr = srcs[i];
		ip_cksum_fix(&f);
		tcp_cksum_fix(&f);
		expect_drop(h, &f, ip_src_invalid);
	}
	assert_int_equal(th_drop(h, ip_src_invalid), RTE_DIM(srcs));
}

static void
test_ip_udp_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;
	struct rte_udp_hdr *u;

	eth_build(&f, &local_mac, RTE_ETHER_TYPE_IPV4);
	ipv4_fill(ip_of(&f), TH_PEER_IP, TH_LOCAL_IP, IPPROTO_UDP, (uint16_t)(IP_LEN + 12));
	u = l4_of(&f);
	u->src_port = RTE_BE16(5000);
	u->dst_port = RTE_BE16(7);
	u->dgram_len = RTE_BE16(12);
	memcpy(u + 1, "ping", 4);
	u->dgram_cksum = 0;
	f.len = ETH_LEN + IP_LEN + 12;
	expect_drop(h, &f, ip_proto);
}

/* ---- Ethernet ---- */

static void
test_eth_other_unicast_dst_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	eth_of(&f)->dst_addr.addr_bytes[5] = 0x99;
	expect_drop(h, &f, eth_dst);
}

static void
test_eth_multicast_dst_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	eth_of(&f)->dst_addr = (struct rte_ether_addr){{ 0x01, 0x00, 0x5e, 0, 0, 1 }};
	expect_drop(h, &f, eth_dst);
}

static void
test_eth_ipv6_type_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	eth_of(&f)->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	expect_drop(h, &f, eth_type);
}

static void
test_eth_vlan_type_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	eth_of(&f)->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
	expect_drop(h, &f, eth_type);
}

static void
test_eth_runt_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	f.len = 10;
	expect_drop(h, &f, eth_short);
}

/* ---- TCP decoding ---- */

/* The reference frame the TCP drop tests spoil is itself accepted. */
static void
test_tcp_valid_syn_answered(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	h->local_port = 7;
	feed(h, &f);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
}

static void
test_tcp_bad_checksum_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	((struct rte_tcp_hdr *)l4_of(&f))->cksum ^= 0x0100;
	expect_drop(h, &f, tcp_cksum);
}

static void
test_tcp_data_offset_below_5_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	((struct rte_tcp_hdr *)l4_of(&f))->data_off = 4 << 4;
	tcp_cksum_fix(&f);
	expect_drop(h, &f, tcp_hdr_len);
}

static void
test_tcp_data_offset_beyond_segment_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	((struct rte_tcp_hdr *)l4_of(&f))->data_off = 15 << 4;	/* 60 bytes in a 24-byte segment */
	tcp_cksum_fix(&f);
	expect_drop(h, &f, tcp_hdr_len);
}

static void
test_tcp_shorter_than_header_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	ip_of(&f)->total_length = rte_cpu_to_be_16(IP_LEN + 12);
	ip_cksum_fix(&f);
	f.len = ETH_LEN + IP_LEN + 12;
	expect_drop(h, &f, tcp_short);
}

static void
test_tcp_syn_fin_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	((struct rte_tcp_hdr *)l4_of(&f))->tcp_flags = TT_TH_SYN | TT_TH_FIN;
	tcp_cksum_fix(&f);
	expect_drop(h, &f, tcp_bad_flags);
}

static void
test_tcp_syn_rst_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_build(&f, 7);
	((struct rte_tcp_hdr *)l4_of(&f))->tcp_flags = TT_TH_SYN | TT_TH_RST;
	tcp_cksum_fix(&f);
	expect_drop(h, &f, tcp_bad_flags);
}

static void
syn_with_options(struct frame *f, const uint8_t *opt, uint32_t optlen)
{
	tcp_build(f, TH_PEER_PORT, 7, 1000000, 0, TT_TH_SYN, opt, optlen, NULL, 0);
}

static void
test_tcp_option_length_zero_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_with_options(&f, (const uint8_t[]){ 8, 0, 1, 1 }, 4);
	expect_drop(h, &f, tcp_bad_options);
}

static void
test_tcp_option_length_one_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_with_options(&f, (const uint8_t[]){ 1, 1, 4, 1 }, 4);
	expect_drop(h, &f, tcp_bad_options);
}

static void
test_tcp_option_past_header_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_with_options(&f, (const uint8_t[]){ 1, 1, 8, 10 }, 4);
	expect_drop(h, &f, tcp_bad_options);
}

static void
test_tcp_option_kind_without_length_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_with_options(&f, (const uint8_t[]){ 1, 1, 1, 2 }, 4);
	expect_drop(h, &f, tcp_bad_options);
}

static void
test_tcp_mss_option_wrong_length_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_with_options(&f, (const uint8_t[]){ 2, 3, 5, 1 }, 4);
	expect_drop(h, &f, tcp_bad_options);
}

/* NOPs, an unknown option and EOL followed by junk are fine; the MSS is read. */
static void
test_tcp_unknown_options_skipped(void **state)
{
	struct th *h = *state;
	struct frame f;

	syn_with_options(&f, (const uint8_t[]){ 1, 30, 4, 0, 0, 2, 4, 2, 24, 0, 0xff, 0xff }, 12);
	h->local_port = 7;
	feed(h, &f);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(th_tcb(h)->mss, 536);
	assert_int_equal(th_drop(h, tcp_bad_options), 0);
}

static void
test_tcp_src_port_zero_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	tcp_build(&f, 0, 7, 1000000, 0, TT_TH_SYN, NULL, 0, NULL, 0);
	expect_drop(h, &f, tcp_bad_port);
}

static void
test_tcp_dst_port_zero_dropped(void **state)
{
	struct th *h = *state;
	struct frame f;

	tcp_build(&f, TH_PEER_PORT, 0, 1000000, 0, TT_TH_SYN, NULL, 0, NULL, 0);
	expect_drop(h, &f, tcp_bad_port);
}

/* ---- Ethernet padding ---- */

/* Pad a TCP frame to @p len with non-zero bytes. */
static void
pad(struct frame *f, uint32_t len)
{
	memset(f->b + f->len, 0xa5, len - f->len);
	f->len = len;
}

/* 60-byte minimum frames: the padding after a 40-byte ACK or 2-byte segment is no payload. */
static void
test_eth_padding_not_payload(void **state)
{
	struct th *h = *state;
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	uint32_t irs = h->irs;
	struct frame f;

	h->local_port = 7;
	tcp_build(&f, TH_PEER_PORT, 7, irs, 0, TT_TH_SYN, mss, 4, NULL, 0);
	pad(&f, 60);
	feed(h, &f);
	th_expect(h, "SA", 0, 1, 0);
	tcp_build(&f, TH_PEER_PORT, 7, irs + 1, h->iss + 1, TT_TH_ACK, NULL, 0, NULL, 0);
	assert_int_equal(f.len, 54);
	pad(&f, 60);
	feed(h, &f);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_tcb(h)->rcv.nxt, irs + 1);
	tcp_build(&f, TH_PEER_PORT, 7, irs + 1, h->iss + 1, TT_TH_ACK | TT_TH_PSH, NULL, 0,
		  "hi", 2);
	pad(&f, 60);
	feed(h, &f);
	th_expect(h, "PA", 1, 3, 2);
	assert_memory_equal(h->last.data, "hi", 2);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tcp_payload_rx), 2);
	assert_int_equal(th_tcb(h)->rcv.nxt, irs + 3);
}

/* Bytes beyond the IP datagram in a chained frame are trimmed too, whatever the layout. */
static void
test_eth_padding_in_chained_frame_trimmed(void **state)
{
	struct th *h = *state;
	struct frame f;

	th_handshake(h, 7);
	tcp_build(&f, TH_PEER_PORT, 7, h->irs + 1, h->iss + 1, TT_TH_ACK | TT_TH_PSH, NULL, 0,
		  "hi", 2);
	pad(&f, 80);
	/* The second segment holds only 14 of the 24 bytes of padding. */
	feed_bytes(h, f.b, f.len, 66);
	th_expect(h, "PA", 1, 3, 2);
	assert_memory_equal(h->last.data, "hi", 2);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_cksum), 0);
}

/* ---- Robustness ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	/* xorshift64*: reproducible across runs. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* Recompute IP and L4 checksums where the (mutated) headers make that possible. */
static void
fix_cksums(struct frame *f)
{
	struct rte_ipv4_hdr *ip = ip_of(f);
	uint32_t hlen, tlen;

	if (f->len < ETH_LEN + IP_LEN || eth_of(f)->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return;
	hlen = (ip->version_ihl & 0xf) * 4u;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (hlen < IP_LEN || f->len < ETH_LEN + hlen)
		return;
	ip_cksum_fix(f);
	if (tlen < hlen || ETH_LEN + tlen > f->len)
		return;
	if (ip->next_proto_id == IPPROTO_TCP && tlen - hlen >= TCP_LEN) {
		struct rte_tcp_hdr *th = l4_of(f);

		th->cksum = 0;
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	} else if (ip->next_proto_id == IPPROTO_ICMP && tlen - hlen >= 8) {
		struct rte_icmp_hdr *ic = l4_of(f);

		ic->icmp_cksum = 0;
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, tlen - hlen);
	}
}

/* 100,000 random frames and mutations of valid ones: no crash, every mbuf returned. */
static void
test_random_frames_robust(void **state)
{
	struct th *h = *state;
	struct frame base[6], f;
	uint8_t data[300];
	unsigned int i, j, n = 100000;
	struct rte_mbuf *m;

	th_handshake(h, 7);		/* an established echo connection to aim at */
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	syn_build(&base[0], 7);
	syn_build(&base[1], 19);
	tcp_build(&base[2], TH_PEER_PORT, 7, h->irs + 1, h->iss + 1, TT_TH_ACK | TT_TH_PSH, NULL,
		  0, data, sizeof(data));
	tcp_build(&base[3], TH_PEER_PORT, 7, h->irs + 1, h->iss + 1, TT_TH_ACK | TT_TH_FIN, NULL,
		  0, NULL, 0);
	arp_build(&base[4], RTE_ARP_OP_REQUEST, TH_LOCAL_IP);
	icmp_build(&base[5], RTE_IP_ICMP_ECHO_REQUEST, 1, 2, data, 64);
	for (i = 0; i < n; i++) {
		uint32_t kind = rnd() % 8;
		uint32_t split = 0;

		if (kind < 2) {
			/* Pure random bytes; half of them get a plausible Ethernet+IPv4 front. */
			f.len = rnd() % 1600;
			for (j = 0; j < f.len; j++)
				f.b[j] = (uint8_t)rnd();
			if (kind == 1 && f.len >= ETH_LEN + IP_LEN) {
				eth_of(&f)->dst_addr = local_mac;
				eth_of(&f)->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
				ip_of(&f)->version_ihl = 0x45;
				ip_of(&f)->fragment_offset = 0;
				ip_of(&f)->dst_addr = TH_LOCAL_IP;
				ip_of(&f)->src_addr = TH_PEER_IP;
				ip_of(&f)->next_proto_id = (rnd() & 1) ? IPPROTO_TCP : IPPROTO_ICMP;
				ip_of(&f)->total_length =
					rte_cpu_to_be_16((uint16_t)(f.len - ETH_LEN - rnd() % 8));
				fix_cksums(&f);
			}
		} else {
			/* A valid frame, a few bytes changed, sometimes cut or extended. */
			uint32_t muts = 1 + rnd() % 6;

			f = base[rnd() % RTE_DIM(base)];
			for (j = 0; j < muts; j++) {
				uint32_t pos = rnd() % f.len;

				if (rnd() & 1)
					f.b[pos] ^= (uint8_t)(1u << (rnd() % 8));
				else
					f.b[pos] = (uint8_t)rnd();
			}
			switch (rnd() % 8) {
			case 0:
				f.len = rnd() % (f.len + 1);
				break;
			case 1:
				for (j = rnd() % 64; j > 0 && f.len < 1600; j--)
					f.b[f.len++] = (uint8_t)rnd();
				break;
			default:
				break;
			}
			if (kind >= 4)
				fix_cksums(&f);
		}
		if (f.len > 1 && rnd() % 8 == 0)
			split = 1 + rnd() % (f.len - 1);
		feed_bytes(h, f.b, f.len, split);
		while (rte_ring_dequeue(h->tx, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		if (i % 1000 == 999)
			th_advance(h, 50);
	}
	th_advance(h, 1000);
	while (rte_ring_dequeue(h->tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	assert_int_equal(th_stat(h, rx_packets), 2 + n);
	/* The teardown asserts every pool is back to zero mbufs in use. */
}

#define T(f) cmocka_unit_test_setup_teardown(f, th_setup, th_teardown)

/*
 * With TX checksum offload the SYN-ACK leaves the sums to the NIC: flags and
 * header lengths set, IP checksum zero, TCP checksum the pseudo-header sum;
 * completing it the way a NIC does gives a valid segment.
 */
static void
test_tx_checksum_offload_synack(void **state)
{
	struct th *h = calloc(1, sizeof(*h));
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m = NULL;
	const uint64_t want = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM;

	(void)state;
	th_init(h);
	h->tx_cksum = true;
	th_start(h);
	h->local_port = 80;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	assert_int_equal(rte_ring_dequeue(h->tx, (void **)&m), 0);
	assert_int_equal(m->ol_flags & want, want);
	assert_int_equal(m->l2_len, sizeof(struct rte_ether_hdr));
	assert_int_equal(m->l3_len, sizeof(struct rte_ipv4_hdr));
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(tcp->tcp_flags, TT_TH_SYN | TT_TH_ACK);
	assert_int_equal(ip->hdr_checksum, 0);
	assert_int_equal(tcp->cksum, rte_ipv4_phdr_cksum(ip, m->ol_flags));
	/* What the NIC does: IP header sum, and the L4 sum over the segment. */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	tcp->cksum = 0;
	tcp->cksum = (uint16_t)~tt_l4_sum(m, ip, sizeof(struct rte_ether_hdr) + sizeof(*ip));
	assert_int_equal(rte_ipv4_cksum(ip), 0);
	assert_int_equal(tt_l4_sum(m, ip, sizeof(struct rte_ether_hdr) + sizeof(*ip)), 0xffff);
	rte_pktmbuf_free(m);
	th_stop(h);
	free(h);
}

/*
 * RFC 1071 the slow way: the pseudo-header and the L4 bytes in network
 * order, 16 bits at a time, folded; returned in the byte order tt_l4_sum()
 * uses (the sum as it lies in memory).
 */
static uint16_t
ref_l4_sum(const struct rte_ipv4_hdr *ip, const uint8_t *l4, uint32_t len)
{
	uint32_t src = rte_be_to_cpu_32(ip->src_addr), dst = rte_be_to_cpu_32(ip->dst_addr);
	uint64_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
		       ip->next_proto_id + len;
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)l4[i] << 8 | l4[i + 1];
	if (len & 1)
		sum += (uint32_t)l4[len - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return rte_cpu_to_be_16((uint16_t)sum);
}

/*
 * tt_l4_sum() against the reference on random lengths, random data, L4
 * offsets and mbuf data offsets of both parities, and chains split at
 * random points (odd-sized pieces put later pieces at odd stream offsets:
 * the case DPDK 22.11's rte_raw_cksum_mbuf() gets wrong), empty pieces
 * and a header-only first piece included.
 */
static void
test_l4_sum_matches_reference(void **state)
{
	struct th *h = calloc(1, sizeof(*h));
	static uint8_t l4[9000];
	struct rte_ipv4_hdr ip;
	unsigned int iter;

	(void)state;
	th_init(h);
	th_start(h);
	srand(1071);
	for (iter = 0; iter < 4000; iter++) {
		uint32_t len = (uint32_t)rand() % (iter < 2000 ? 128 : 6000);
		uint32_t pre = (uint32_t)rand() % 64;	/* bytes before the L4 header */
		uint32_t nseg = 1 + (uint32_t)rand() % 5, done = 0, k;
		struct rte_mbuf *head = NULL, *tail = NULL;

		for (k = 0; k < len; k++)
			l4[k] = (uint8_t)rand();
		/* All-ones stretches: the carries a lost one would show. */
		if (iter % 7 == 0)
			memset(l4, 0xff, RTE_MIN(len, 300u));
		memset(&ip, 0, sizeof(ip));
		ip.version_ihl = RTE_IPV4_VHL_DEF;
		ip.next_proto_id = IPPROTO_TCP;
		ip.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(ip) + len));
		ip.src_addr = (uint32_t)rand() ^ (uint32_t)rand() << 16;
		ip.dst_addr = iter % 5 == 0 ? 0xffffffff : (uint32_t)rand() ^ (uint32_t)rand() << 16;
		/* At least nseg pieces, more when the rest does not fit the last one. */
		for (k = 0; k < nseg || done < len; k++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);
			uint32_t room, take, lead;
			uint8_t *d;

			assert_non_null(m);
			lead = (uint32_t)rand() % 8;	/* data at odd and even addresses */
			rte_pktmbuf_prepend(m, 0);
			m->data_off = (uint16_t)(m->data_off - RTE_MIN((uint32_t)m->data_off, 64u) + lead);
			room = rte_pktmbuf_tailroom(m) - (k == 0 ? pre : 0);
			take = k + 1 >= nseg ? len - done : (uint32_t)rand() % (len - done + 1);
			take = RTE_MIN(take, room);
			d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)((k == 0 ? pre : 0) + take));
			assert_non_null(d);
			if (k == 0) {
				memset(d, 0xa5, pre);	/* not summed */
				d += pre;
			}
			memcpy(d, l4 + done, take);
			done += take;
			if (head == NULL) {
				head = m;
			} else {
				tail->next = m;
				head->nb_segs++;
				head->pkt_len += m->data_len;
			}
			tail = m;
		}
		assert_int_equal(done, len);
		assert_int_equal(tt_l4_sum(head, &ip, pre), ref_l4_sum(&ip, l4, len));
		rte_pktmbuf_free(head);
	}
	th_stop(h);
	free(h);
}

/*
 * tt_ipv4_cksum() against DPDK's rte_ipv4_cksum() on random headers, with
 * and without options, all-ones words (the carries) and right checksums
 * (which must read 0) included; and the checksum ipv4_fill() computes from
 * its arguments against DPDK's over the header it wrote.
 */
static void
test_ipv4_cksum_matches_rte(void **state)
{
	uint8_t b[60];
	unsigned int iter, k;

	(void)state;
	srand(791);
	for (iter = 0; iter < 20000; iter++) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;
		uint32_t ihl = iter % 3 == 0 ? 5 + (uint32_t)rand() % 11 : 5;

		for (k = 0; k < sizeof(b); k++)
			b[k] = iter % 11 == 0 ? 0xff : (uint8_t)rand();
		if (iter % 13 == 0)
			memset(b, 0, sizeof(b));
		ip->version_ihl = (uint8_t)(0x40 | ihl);
		assert_int_equal(tt_ipv4_cksum(ip), rte_ipv4_cksum(ip));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		assert_int_equal(tt_ipv4_cksum(ip), 0);
		/* ipv4_fill() sums its values, not the header: all-ones ones for the carries. */
		ipv4_fill(ip, iter % 11 == 0 ? UINT32_MAX : (uint32_t)rand(),
			  iter % 7 == 0 ? UINT32_MAX : (uint32_t)rand(), (uint8_t)rand(),
			  iter % 5 == 0 ? UINT16_MAX : (uint16_t)rand());
		assert_int_equal(rte_ipv4_cksum(ip), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_arp_request_for_us_replied),
		T(test_arp_request_for_other_ip_dropped),
		T(test_arp_reply_for_us_not_answered),
		T(test_arp_request_in_chained_frame_replied),
		T(test_arp_bad_hlen_dropped),
		T(test_arp_bad_plen_dropped),
		T(test_arp_bad_opcode_dropped),
		T(test_arp_bad_hardware_type_dropped),
		T(test_arp_multicast_sender_mac_dropped),
		T(test_arp_short_dropped),
		T(test_icmp_echo_request_replied),
		T(test_icmp_echo_odd_payload_padded_frame),
		T(test_icmp_echo_with_ip_options_replied_without),
		T(test_icmp_bad_checksum_dropped),
		T(test_icmp_short_dropped),
		T(test_icmp_other_types_dropped),
		T(test_ip_version_6_in_ipv4_frame_dropped),
		T(test_ip_ihl_below_5_dropped),
		T(test_ip_ihl_beyond_frame_dropped),
		T(test_ip_short_dropped),
		T(test_ip_total_len_beyond_frame_dropped),
		T(test_ip_total_len_below_header_dropped),
		T(test_ip_bad_header_checksum_dropped),
		T(test_ip_more_fragments_dropped),
		T(test_ip_fragment_offset_dropped),
		T(test_ip_dst_not_ours_dropped),
		T(test_ip_invalid_sources_dropped),
		T(test_ip_udp_dropped),
		T(test_eth_other_unicast_dst_dropped),
		T(test_eth_multicast_dst_dropped),
		T(test_eth_ipv6_type_dropped),
		T(test_eth_vlan_type_dropped),
		T(test_eth_runt_dropped),
		T(test_tcp_valid_syn_answered),
		T(test_tcp_bad_checksum_dropped),
		T(test_tcp_data_offset_below_5_dropped),
		T(test_tcp_data_offset_beyond_segment_dropped),
		T(test_tcp_shorter_than_header_dropped),
		T(test_tcp_syn_fin_dropped),
		T(test_tcp_syn_rst_dropped),
		T(test_tcp_option_length_zero_dropped),
		T(test_tcp_option_length_one_dropped),
		T(test_tcp_option_past_header_dropped),
		T(test_tcp_option_kind_without_length_dropped),
		T(test_tcp_mss_option_wrong_length_dropped),
		T(test_tcp_unknown_options_skipped),
		T(test_tcp_src_port_zero_dropped),
		T(test_tcp_dst_port_zero_dropped),
		T(test_eth_padding_not_payload),
		T(test_eth_padding_in_chained_frame_trimmed),
		T(test_random_frames_robust),
		cmocka_unit_test(test_tx_checksum_offload_synack),
		cmocka_unit_test(test_l4_sum_matches_reference),
		cmocka_unit_test(test_ipv4_cksum_matches_rte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
