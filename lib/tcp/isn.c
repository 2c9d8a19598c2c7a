/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * RFC 6528 initial sequence numbers: ISN = M + F(4-tuple, secret), M a
 * 4-microsecond clock and F SipHash-2-4 keyed with a per-boot secret.
 */

#include <string.h>

#include <rte_common.h>

#include "tt_tcp.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;			\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;			\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
	} while (0)

/* SipHash-2-4 (Aumasson & Bernstein), little-endian message words. */
uint64_t
tt_siphash24(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = 0x736f6d6570736575ULL ^ key[0];
	uint64_t v1 = 0x646f72616e646f6dULL ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ key[0];
	uint64_t v3 = 0x7465646279746573ULL ^ key[1];
	uint64_t b = (uint64_t)len << 56;
	uint64_t m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (m = 0; i < len; i++)
		b |= (uint64_t)p[i] << (8 * (i & 7));
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t
tcp_isn(const struct tt_worker *w, const struct tt_flow_key *key)
{
	return (uint32_t)(w->now_us / 4) + (uint32_t)tt_siphash24(w->isn_secret, key, sizeof(*key));
}

/*
 * tcp_isn() and tcp_ts_offset() of @p key from one SipHash: the ISN adds
 * its low half, the timestamp offset is its high half, as each alone.
 */
uint32_t
tcp_isn_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key, uint32_t *ts_offset)
{
	uint64_t h = tt_siphash24(w->isn_secret, key, sizeof(*key));

	*ts_offset = (uint32_t)(h >> 32);
	return (uint32_t)(w->now_us / 4) + (uint32_t)h;
}
