/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * RFC 6528 initial sequence numbers: ISN = M + F(4-tuple, secret), M a
 * 4-microsecond clock and F SipHash-2-4 keyed with a per-boot secret.
 */

#include "tt_siphash.h"
#include "tt_tcp.h"

/*
 * SipHash-2-4 of the 12 bytes of @p key, from its words: the addresses as
 * one, then the ports with the length. tcp_syncookie_send() computes the
 * same hash beside its cookie's, from the same steps.
 */
_Static_assert(sizeof(struct tt_flow_key) == 12, "a 4-tuple is 12 bytes, unpadded");

static inline uint64_t
siphash_flow(const uint64_t secret[2], const struct tt_flow_key *key)
{
	uint64_t v[4], addrs;
	uint32_t ports;

	tt_siphash_load12(key, &addrs, &ports);
	tt_siphash12_begin(v, secret, addrs);
	return tt_siphash12_end(v, ports);
}

uint32_t
tcp_isn(const struct tt_worker *w, const struct tt_flow_key *key)
{
	return (uint32_t)(w->now_us / 4) + (uint32_t)siphash_flow(w->isn_secret, key);
}

/*
 * tcp_isn() and tcp_ts_offset() of @p key from one SipHash: the ISN adds
 * its low half, the timestamp offset is its high half, as each alone.
 */
uint32_t
tcp_isn_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key, uint32_t *ts_offset)
{
	uint64_t h = siphash_flow(w->isn_secret, key);

	*ts_offset = (uint32_t)(h >> 32);
	return (uint32_t)(w->now_us / 4) + (uint32_t)h;
}

/*
 * RFC 7323 §5.4: a keyed per-connection offset hides our clock. A function
 * of the 4-tuple, so a cookie SYN-ACK sends the TSval its TCB will continue;
 * the high half of the hash whose low half tcp_isn() adds.
 */
uint32_t
tcp_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key)
{
	return (uint32_t)(siphash_flow(w->isn_secret, key) >> 32);
}
