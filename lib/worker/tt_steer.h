/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_STEER_H
#define TT_STEER_H

/**
 * @file
 * Flow ownership (DESIGN §2). owner(flow) is a pure function: the flow's
 * Toeplitz hash under our symmetric key, through a software mirror of the
 * port's RSS redirection table, gives a queue, and queue q belongs to
 * worker q. A NIC that hashes the same way delivers every packet to its
 * owner; elsewhere (one queue, net_tap, no Toeplitz) the receiving worker
 * passes the frame to the owner's hand-off ring (multi-producer, single
 * consumer) and the owner processes it exactly as if received.
 *
 * The key 0x6d5a repeated (Woo & Park, "Scalable TCP Session Monitoring
 * with Symmetric Receive-side Scaling") makes the hash of (a, b, pa, pb)
 * equal to that of (b, a, pb, pa): both directions of a flow agree.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ring.h>
#include <rte_thash.h>

#define TT_RSS_KEY_LEN 40
#define TT_RETA_MAX 512
#define TT_STEER_MAX_WORKERS 128

struct tt_flow_key;

/** Built by the control plane before workers start; read-only afterwards. */
struct tt_steer {
	unsigned int n_workers;
	uint16_t reta_size;			/**< power of two */
	uint16_t reta[TT_RETA_MAX];		/**< entry -> worker (= queue) */
	uint8_t key[TT_RSS_KEY_LEN] __rte_aligned(4);
	uint8_t key_be[TT_RSS_KEY_LEN] __rte_aligned(4);	/**< rte_convert_rss_key() form */
	bool nic_steers;			/**< NIC hashes with key and reta */
	struct rte_ring *rings[TT_STEER_MAX_WORKERS];	/**< hand-off, one per worker */
};

/** The symmetric Toeplitz key. */
extern const uint8_t tt_rss_key_symmetric[TT_RSS_KEY_LEN];

/**
 * Fill @p s for @p n_workers: the symmetric key and a round-robin RETA of
 * @p reta_size entries (0: a 128-entry software table). Rings are the
 * caller's.
 */
void tt_steer_init(struct tt_steer *s, unsigned int n_workers, uint16_t reta_size);

/**
 * Toeplitz hash of a flow key (its fields are the received packet's src,
 * dst, sport, dport), as a NIC programmed with s->key computes it.
 * rte_softrss_be() takes the key pre-swapped but the tuple, like
 * rte_softrss(), as host-order words (struct rte_ipv4_tuple); the flow key
 * is in network order, so each of its three words is swapped first.
 */
static inline uint32_t
tt_steer_hash(const struct tt_steer *s, const struct tt_flow_key *k)
{
	uint32_t t[RTE_THASH_V4_L4_LEN];

	memcpy(t, k, sizeof(t));	/* raddr, laddr, rport:lport */
	t[0] = rte_be_to_cpu_32(t[0]);
	t[1] = rte_be_to_cpu_32(t[1]);
	t[2] = rte_be_to_cpu_32(t[2]);	/* sport << 16 | dport, as rte_ipv4_tuple */
	return rte_softrss_be(t, RTE_THASH_V4_L4_LEN, s->key_be);
}

/** The worker that owns flow @p k. */
static inline unsigned int
tt_steer_owner(const struct tt_steer *s, const struct tt_flow_key *k)
{
	if (s == NULL || s->n_workers <= 1)
		return 0;
	return s->reta[tt_steer_hash(s, k) & (s->reta_size - 1)];
}

#endif /* TT_STEER_H */
