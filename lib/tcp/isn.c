/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * RFC 6528 initial sequence numbers: ISN = M + F(4-tuple, secret), M a
 * 4-microsecond clock and F tt_prf() under a per-boot secret; the same F's
 * other half is the RFC 7323 timestamp offset.
 */

#include "tt_prf.h"
#include "tt_tcp.h"

/* F of the 4-tuple: the ISN adds its low half, the timestamp offset is its high half. */
static inline uint64_t
flow_prf(const struct tt_worker *w, const struct tt_flow_key *key)
{
	return tt_prf(&w->isn_key, key, 0);
}

uint32_t
tcp_isn(const struct tt_worker *w, const struct tt_flow_key *key)
{
	return (uint32_t)(w->now_us / 4) + (uint32_t)flow_prf(w, key);
}

/* tcp_isn() and tcp_ts_offset() of @p key from one F. */
uint32_t
tcp_isn_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key, uint32_t *ts_offset)
{
	uint64_t h = flow_prf(w, key);

	*ts_offset = (uint32_t)(h >> 32);
	return (uint32_t)(w->now_us / 4) + (uint32_t)h;
}

/*
 * RFC 7323 §5.4: a keyed per-connection offset hides our clock. A function
 * of the 4-tuple, so a cookie SYN-ACK sends the TSval its TCB will continue
 * (tcp_syncookie_send() computes it beside the cookie's MAC).
 */
uint32_t
tcp_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key)
{
	return (uint32_t)(flow_prf(w, key) >> 32);
}
