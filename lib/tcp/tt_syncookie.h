/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_SYNCOOKIE_H
#define TT_SYNCOOKIE_H

/**
 * @file
 * SYN cookies (RFC 4987 §3.6): the state of a half-open connection folded
 * into the ISN of our SYN-ACK (and, when the SYN offered timestamps, the low
 * bits of its TSval), authenticated with tt_prf() under a per-worker secret
 * that rotates. The bit layout is described at the top of syncookie.c.
 *
 * These functions are pure but for the secrets: they read the clock they
 * are given and touch no packet, so they are unit-tested on their own.
 */

#include <stdint.h>
#include <stdbool.h>

#include "tt_prf.h"

struct tt_flow_key;

#define TT_SYNCOOKIE_PERIOD_MS 64000	/**< granularity of the time counter */
#define TT_SYNCOOKIE_MAX_AGE 2		/**< periods a cookie outlives the one it was made in */
#define TT_SYNCOOKIE_ROTATE_PERIODS 2	/**< a secret's lifetime, in periods */
#define TT_SYNCOOKIE_ROTATE_MS (TT_SYNCOOKIE_PERIOD_MS * TT_SYNCOOKIE_ROTATE_PERIODS)
#define TT_SYNCOOKIE_N_MSS 8		/**< entries in tt_syncookie_mss[] */
#define TT_SYNCOOKIE_WSCALE_NONE 0xf	/**< no window scale option */
#define TT_SYNCOOKIE_TS_MASK 0x3fu	/**< TSval bits that carry the options */

/** The MSS values a cookie can carry, ascending. */
extern const uint16_t tt_syncookie_mss[TT_SYNCOOKIE_N_MSS];

/** What a cookie remembers of the peer's SYN. */
struct tt_syncookie_opts {
	uint16_t mss;		/**< encode: the MSS we may send; decode: a table entry <= it */
	uint8_t wscale;		/**< the peer's shift, 0..14, or TT_SYNCOOKIE_WSCALE_NONE */
	bool sack_ok;		/**< SACK-permitted */
	bool ts_ok;		/**< timestamps; wscale and sack_ok need them to survive */
};

/** A worker's cookie secrets: the current generation's and the previous one's. */
struct tt_syncookie {
	struct tt_prf_key key[2];	/**< key[g & 1]: the secret of generation g */
	uint64_t gen;		/**< current generation: now_ms / TT_SYNCOOKIE_ROTATE_MS */
	uint64_t valid_until_ms; /**< cookies sent recently: ACKs are checked until then */
};

/** Draw fresh secrets for both generation slots. Needs the EAL (rte_rand()). */
void tt_syncookie_init(struct tt_syncookie *sc, uint64_t now_ms);

/**
 * Move to the generation of @p now_ms: a fresh secret replaces the one two
 * generations old (both, after a longer pause). Encode and decode call it.
 */
void tt_syncookie_rotate(struct tt_syncookie *sc, uint64_t now_ms);

/**
 * Make the cookie for a SYN.
 *
 * @param key      the flow, as in the flow table
 * @param peer_isn the SYN's sequence number
 * @param o        the options to remember; mss is rounded down to a table
 *                 entry (the smallest one if it is below all of them)
 * @param ts_bits  receives the value for the low 6 bits of our TSval:
 *                 0 when !o->ts_ok (send no timestamp then)
 * @param ts_key   NULL, or a key: then @p ts_offset receives the high half
 *                 of tt_prf(ts_key, key, 0), computed beside the cookie's
 *                 MAC (tcp_ts_offset() is that, under the worker's ISN key)
 * @return the ISN of the SYN-ACK: the cookie plus @p peer_isn.
 */
uint32_t tt_syncookie_encode(struct tt_syncookie *sc, uint64_t now_ms,
			     const struct tt_flow_key *key, uint32_t peer_isn,
			     const struct tt_syncookie_opts *o, uint32_t *ts_bits,
			     const struct tt_prf_key *ts_key, uint32_t *ts_offset);

/**
 * Check the cookie an ACK returns and recover the options.
 *
 * @param peer_isn the ACK's SEG.SEQ - 1
 * @param iss      the ACK's SEG.ACK - 1: the SYN-ACK's ISN
 * @param tsecr    the ACK's TSecr, or NULL if it carries no timestamps; one
 *                 whose bit 5 is clear echoes no cookie TSval and counts as NULL
 * @return 0 with @p o filled; -ETIMEDOUT for a cookie older than
 *   TT_SYNCOOKIE_MAX_AGE periods (or from the future); -EINVAL for a MAC
 *   that does not match.
 */
int tt_syncookie_decode(struct tt_syncookie *sc, uint64_t now_ms,
			const struct tt_flow_key *key, uint32_t peer_isn, uint32_t iss,
			const uint32_t *tsecr, struct tt_syncookie_opts *o);

#endif /* TT_SYNCOOKIE_H */
