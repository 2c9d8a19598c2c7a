/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_SIPHASH_H
#define TT_SIPHASH_H

/**
 * @file
 * SipHash-2-4 (Aumasson & Bernstein) on a message given as 64-bit words:
 * tt_prf()'s fallback (prf.c) knows its block's shape, so it passes its
 * words as values. No loop over a length, no byte-wise tail, and no load
 * of a message just stored piecewise into a buffer, which the store buffer
 * could not forward. The unit tests hold these steps, and tt_prf() built
 * from them, to the byte-wise reference and the paper's test vectors.
 */

#include <stdint.h>

#define TT_SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/** One SipRound on the state @p v. */
static inline void
tt_sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = TT_SIP_ROTL(v[1], 13); v[1] ^= v[0]; v[0] = TT_SIP_ROTL(v[0], 32);
	v[2] += v[3]; v[3] = TT_SIP_ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = TT_SIP_ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = TT_SIP_ROTL(v[1], 17); v[1] ^= v[2]; v[2] = TT_SIP_ROTL(v[2], 32);
}

/** The state keyed with @p key, before any message word. */
static inline void
tt_siphash_init(uint64_t v[4], const uint64_t key[2])
{
	v[0] = 0x736f6d6570736575ULL ^ key[0];
	v[1] = 0x646f72616e646f6dULL ^ key[1];
	v[2] = 0x6c7967656e657261ULL ^ key[0];
	v[3] = 0x7465646279746573ULL ^ key[1];
}

/** Absorb one message word @p m (two c-rounds). */
static inline void
tt_siphash_word(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	tt_sipround(v);
	tt_sipround(v);
	v[0] ^= m;
}

/**
 * Absorb the last word @p b (the message's final 0..7 bytes, little-endian,
 * with its length modulo 256 in the top byte) and finish (four d-rounds).
 */
static inline uint64_t
tt_siphash_final(uint64_t v[4], uint64_t b)
{
	tt_siphash_word(v, b);
	v[2] ^= 0xff;
	tt_sipround(v);
	tt_sipround(v);
	tt_sipround(v);
	tt_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

#endif /* TT_SIPHASH_H */
