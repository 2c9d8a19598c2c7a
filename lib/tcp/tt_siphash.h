/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_SIPHASH_H
#define TT_SIPHASH_H

/**
 * @file
 * SipHash-2-4 (Aumasson & Bernstein) on a message given as 64-bit words:
 * the ISN, timestamp-offset and cookie callers know their message's shape,
 * so they pass its words as values. No loop over a length, no byte-wise
 * tail, and no load of a message just stored piecewise into a buffer,
 * which the store buffer could not forward. The unit tests hold these
 * steps, and the hashes isn.c and syncookie.c build from them, to the
 * byte-wise reference and the paper's test vectors.
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

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

/**
 * The two words of a 12-byte message at @p p (a 4-tuple): its first 8
 * bytes and its last 4, little-endian.
 */
static inline void
tt_siphash_load12(const void *p, uint64_t *w0, uint32_t *w1)
{
	memcpy(w0, p, 8);
	memcpy(w1, (const uint8_t *)p + 8, 4);
	*w0 = rte_le_to_cpu_64(*w0);
	*w1 = rte_le_to_cpu_32(*w1);
}

/**
 * SipHash-2-4 of a 12-byte message from its words (tt_siphash_load12()),
 * in two steps, so a caller can run another hash's rounds between them:
 * tt_siphash12_begin() absorbs @p w0 into a state keyed with @p key,
 * tt_siphash12_end() absorbs @p w1 and finishes.
 */
static inline void
tt_siphash12_begin(uint64_t v[4], const uint64_t key[2], uint64_t w0)
{
	tt_siphash_init(v, key);
	tt_siphash_word(v, w0);
}

static inline uint64_t
tt_siphash12_end(uint64_t v[4], uint32_t w1)
{
	return tt_siphash_final(v, w1 | 12ULL << 56);
}

#endif /* TT_SIPHASH_H */
