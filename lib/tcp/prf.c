/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * tt_prf.h's function: AES-128 with AES-NI, or SipHash-2-4. The AES code
 * is compiled for the AES instructions by function attribute (DPDK's
 * baseline, -march=corei7, has none) and runs only after tt_prf_init()
 * found them with CPUID.
 */

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cpuflags.h>

#include "tt_prf.h"
#include "tt_siphash.h"
#include "tt_tcp.h"

#ifdef RTE_ARCH_X86
#include <wmmintrin.h>
#define TT_PRF_AES 1
#define TT_AES_FN __attribute__((target("aes")))
#else
#define TT_PRF_AES 0
#define TT_AES_FN
#endif

_Static_assert(sizeof(struct tt_flow_key) == 12, "a 4-tuple is 12 bytes, unpadded");

/* Set at start, before any worker runs; read-only after. SipHash until then. */
static bool prf_aes;

/*
 * CPUID once (in a VM each CPUID instruction exits to the hypervisor), on
 * the first key or tt_prf_init(), both before workers run.
 */
static bool
cpu_has_aes(void)
{
#if TT_PRF_AES
	static int has = -1;

	if (unlikely(has < 0))
		has = rte_cpu_get_flag_enabled(RTE_CPUFLAG_AES) > 0;
	return has > 0;
#else
	return false;
#endif
}

bool
tt_prf_init(bool allow_aes)
{
	prf_aes = allow_aes && cpu_has_aes();
	return prf_aes;
}

bool
tt_prf_is_aes(void)
{
	return prf_aes;
}

/* The block's two words: the 4-tuple's first 8 bytes, its last 4 with @p word above. */
static inline void
prf_words(const struct tt_flow_key *key, uint32_t word, uint64_t *lo, uint64_t *hi)
{
	uint32_t ports;

	memcpy(lo, key, 8);
	memcpy(&ports, (const uint8_t *)key + 8, 4);
	*lo = rte_le_to_cpu_64(*lo);
	*hi = rte_le_to_cpu_32(ports) | (uint64_t)word << 32;
}

/* SipHash-2-4 of the 16-byte block: two words and the length block. */
static inline void
sip_begin(uint64_t v[4], const uint64_t key[2], uint64_t lo, uint64_t hi)
{
	tt_siphash_init(v, key);
	tt_siphash_word(v, lo);
	tt_siphash_word(v, hi);
}

static inline uint64_t
sip_end(uint64_t v[4])
{
	return tt_siphash_final(v, 16ULL << 56);
}

#if TT_PRF_AES
/* One step of the AES-128 key schedule (FIPS-197 §5.2): @p t is aeskeygenassist's. */
static inline TT_AES_FN __m128i
aes_key_step(__m128i k, __m128i t)
{
	t = _mm_shuffle_epi32(t, 0xff);
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	return _mm_xor_si128(k, t);
}

static TT_AES_FN void
aes_expand(uint8_t rk[11][16], const uint64_t secret[2])
{
	__m128i k = _mm_set_epi64x((long long)secret[1], (long long)secret[0]);

	/* aeskeygenassist takes its round constant as an immediate. */
#define AES_STEP(i, rcon) do {							\
		k = aes_key_step(k, _mm_aeskeygenassist_si128(k, rcon));	\
		_mm_store_si128((__m128i *)rk[i], k);				\
	} while (0)
	_mm_store_si128((__m128i *)rk[0], k);
	AES_STEP(1, 0x01);
	AES_STEP(2, 0x02);
	AES_STEP(3, 0x04);
	AES_STEP(4, 0x08);
	AES_STEP(5, 0x10);
	AES_STEP(6, 0x20);
	AES_STEP(7, 0x40);
	AES_STEP(8, 0x80);
	AES_STEP(9, 0x1b);
	AES_STEP(10, 0x36);
#undef AES_STEP
}

static inline TT_AES_FN __m128i
aes_block(uint64_t lo, uint64_t hi)
{
	return _mm_set_epi64x((long long)hi, (long long)lo);
}

static inline TT_AES_FN __m128i
aes_rk(const struct tt_prf_key *k, unsigned int i)
{
	return _mm_load_si128((const __m128i *)k->aes[i]);
}
#endif

void
tt_prf_set_key(struct tt_prf_key *k, const uint64_t secret[2])
{
	memset(k, 0, sizeof(*k));
	k->sip[0] = secret[0];
	k->sip[1] = secret[1];
#if TT_PRF_AES
	if (cpu_has_aes())
		aes_expand(k->aes, secret);
#endif
}

TT_AES_FN uint64_t
tt_prf(const struct tt_prf_key *k, const struct tt_flow_key *key, uint32_t word)
{
	uint64_t lo, hi, v[4];

	prf_words(key, word, &lo, &hi);
#if TT_PRF_AES
	if (likely(prf_aes)) {
		__m128i b = _mm_xor_si128(aes_block(lo, hi), aes_rk(k, 0));
		unsigned int i;

		for (i = 1; i < 10; i++)
			b = _mm_aesenc_si128(b, aes_rk(k, i));
		b = _mm_aesenclast_si128(b, aes_rk(k, 10));
		return (uint64_t)_mm_cvtsi128_si64(b);
	}
#endif
	sip_begin(v, k->sip, lo, hi);
	return sip_end(v);
}

TT_AES_FN uint64_t
tt_prf2(const struct tt_prf_key *k1, uint32_t w1, const struct tt_prf_key *k2, uint32_t w2,
	const struct tt_flow_key *key, uint64_t *out2)
{
	uint64_t lo, hi1, hi2, v[4], u[4], r;

	prf_words(key, w1, &lo, &hi1);
	hi2 = (hi1 & 0xffffffffULL) | (uint64_t)w2 << 32;
#if TT_PRF_AES
	if (likely(prf_aes)) {
		__m128i a = _mm_xor_si128(aes_block(lo, hi1), aes_rk(k1, 0));
		__m128i b = _mm_xor_si128(aes_block(lo, hi2), aes_rk(k2, 0));
		unsigned int i;

		for (i = 1; i < 10; i++) {
			a = _mm_aesenc_si128(a, aes_rk(k1, i));
			b = _mm_aesenc_si128(b, aes_rk(k2, i));
		}
		a = _mm_aesenclast_si128(a, aes_rk(k1, 10));
		b = _mm_aesenclast_si128(b, aes_rk(k2, 10));
		*out2 = (uint64_t)_mm_cvtsi128_si64(b);
		return (uint64_t)_mm_cvtsi128_si64(a);
	}
#endif
	/* Two independent chains of SipRounds, for the CPU to run side by side. */
	sip_begin(v, k1->sip, lo, hi1);
	sip_begin(u, k2->sip, lo, hi2);
	r = sip_end(v);
	*out2 = sip_end(u);
	return r;
}
