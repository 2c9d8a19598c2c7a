/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_NET_H
#define TT_NET_H

/**
 * @file
 * Ethernet classification, ARP, IPv4 and ICMP echo. Frames are built and
 * parsed with DPDK's rte_ether/rte_arp/rte_ip/rte_icmp structs.
 */

#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tt_worker.h"

struct tt_seg;

/**
 * Classify one received frame. ARP, ICMP and drops are handled here and
 * consume @p m; a valid TCP segment is decoded into @p s and left to the
 * caller, which looks up its flow for the whole burst at once.
 * @return 1 if @p s holds a TCP segment, 0 if @p m was consumed.
 */
int eth_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, struct tt_seg *s);

/** Handle an ARP frame; consumes @p m. */
void arp_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m);

/** Validate the IPv4 header at @p l3_off, then ICMP or TCP; as eth_input(). */
int ipv4_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, uint32_t l3_off,
	       struct tt_seg *s);

/**
 * Send a frame whose IPv4 header (after the Ethernet header at the start of
 * @p m) is complete: resolves the next hop for @p dst (network order), writes
 * the Ethernet header and queues it; consumes @p m.
 */
void ipv4_output(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, uint32_t dst);

/**
 * Next-hop MAC for @p ip (network order). On a miss the frame @p m is held
 * (replacing any older one, counted) and a rate-limited request goes out.
 * @return 0 with @p mac set, or -EAGAIN when @p m was taken.
 */
int arp_resolve(struct tt_worker *w, unsigned int port, uint32_t ip, struct rte_mbuf *m,
		struct rte_ether_addr *mac);

/** Learn (or refresh) @p ip at @p mac and release a held frame. */
void arp_learn(struct tt_worker *w, unsigned int port, uint32_t ip, const struct rte_ether_addr *mac);

/** Drop every packet held for ARP resolution (worker teardown). */
void arp_flush(struct tt_worker *w);

/**
 * Ones'-complement sum of the IPv4 pseudo-header and the L4 bytes at
 * @p l4_off to the end of the chain, folded to 16 bits and not complemented:
 * a received segment is intact when this is 0xffff; a sender stores its
 * complement. DPDK 22.11's rte_raw_cksum_mbuf() loses carries when a
 * segment starts at an odd offset (it truncates before byte-swapping), so
 * zero-copy chains built from odd-sized pieces need this one.
 */
uint16_t tt_l4_sum(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t l4_off);

/** The IPv4 pseudo-header (RFC 9293 §3.1) as a ones'-complement sum, not folded. */
static inline uint64_t
tt_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len)
{
	return (uint64_t)src + dst + rte_cpu_to_be_16((uint16_t)(proto + l4_len));
}

/** Fold the ones'-complement sum @p s to 16 bits, end-around carries included. */
static inline uint16_t
tt_sum_fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/**
 * As tt_l4_sum(), from byte @p off of the chain to its end, plus @p sum (a
 * sum of 32-bit words of the bytes before @p off, pseudo-header included,
 * not folded; @p off even): a sender that knows its header's words sums
 * them as values rather than reading back the stores it just made.
 */
uint16_t tt_l4_sum_tail(const struct rte_mbuf *m, uint32_t off, uint64_t sum);

/**
 * The IPv4 header checksum of @p ip as rte_ipv4_cksum() computes it (0 for
 * a header whose checksum field is right), quicker for a header without
 * options.
 */
uint16_t tt_ipv4_cksum(const struct rte_ipv4_hdr *ip);

/** Fill an IPv4 header: version, lengths, TTL 64, DF, protocol, addresses, checksum. */
void ipv4_fill(struct rte_ipv4_hdr *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len);

#endif /* TT_NET_H */
