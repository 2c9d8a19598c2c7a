/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * SYN cookies (RFC 4987): the encoding as pure functions first (round
 * trip, rotation, forgeries), then packet-level scripts through a worker.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "tt_harness.h"
#include "tt_prf.h"
#include "tt_siphash.h"
#include "tt_syncookie.h"

#define T0_MS 1000000ULL	/* a clock well past zero, inside generation 7 */

static const struct tt_flow_key fkey = {
	.raddr = TH_PEER_IP,
	.laddr = TH_LOCAL_IP,
	.rport = RTE_BE16(TH_PEER_PORT),
	.lport = RTE_BE16(7),
};

static int
pure_setup(void **state)
{
	(void)state;
	th_eal_init();
	return 0;
}

static uint32_t
encode(struct tt_syncookie *sc, uint64_t now, const struct tt_syncookie_opts *o,
       uint32_t peer_isn, uint32_t *tsval)
{
	uint32_t ts_bits;
	uint32_t c = tt_syncookie_encode(sc, now, &fkey, peer_isn, o, &ts_bits, NULL, NULL);

	/* What the SYN-ACK would send as TSval: a clock with the option bits below. */
	*tsval = (0x12345678u & ~TT_SYNCOOKIE_TS_MASK) | ts_bits;
	if (!o->ts_ok)
		assert_int_equal(ts_bits, 0);
	return c;
}

/* SipHash-2-4 as the paper writes it: little-endian words, the tail byte by byte. */
static uint64_t
ref_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void
ref_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ref_rotl(v[1], 13); v[1] ^= v[0]; v[0] = ref_rotl(v[0], 32);
	v[2] += v[3]; v[3] = ref_rotl(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ref_rotl(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ref_rotl(v[1], 17); v[1] ^= v[2]; v[2] = ref_rotl(v[2], 32);
}

static uint64_t
ref_siphash24(const uint64_t k[2], const uint8_t *p, size_t len)
{
	uint64_t v[4] = { 0x736f6d6570736575ULL ^ k[0], 0x646f72616e646f6dULL ^ k[1],
			  0x6c7967656e657261ULL ^ k[0], 0x7465646279746573ULL ^ k[1] };
	uint64_t m;
	size_t i, j;

	for (i = 0; i + 8 <= len; i += 8) {
		for (m = 0, j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v[3] ^= m;
		ref_round(v);
		ref_round(v);
		v[0] ^= m;
	}
	for (m = (uint64_t)len << 56, j = 0; i + j < len; j++)
		m |= (uint64_t)p[i + j] << (8 * j);
	v[3] ^= m;
	ref_round(v);
	ref_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (j = 0; j < 4; j++)
		ref_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* SipHash-2-4 of @p len bytes from tt_siphash.h's steps, as isn.c and syncookie.c use them. */
static uint64_t
steps_siphash24(const uint64_t k[2], const uint8_t *p, size_t len)
{
	uint64_t v[4], m, b = (uint64_t)len << 56;
	size_t i;

	tt_siphash_init(v, k);
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);
		tt_siphash_word(v, rte_le_to_cpu_64(m));
	}
	for (; i < len; i++)
		b |= (uint64_t)p[i] << (8 * (i & 7));
	return tt_siphash_final(v, b);
}

/*
 * tt_siphash.h's steps make SipHash-2-4: the paper's test vectors (key
 * 00..0f, message 00..len-1) for the empty and the one-byte message, and
 * the reference above for every length to 64 under random keys (every
 * tail length, at every alignment).
 */
static void
test_siphash_reference(void **state)
{
	const uint64_t k[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t buf[80];
	unsigned int len, off, r;

	(void)state;
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)len;
	assert_true(steps_siphash24(k, buf, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(steps_siphash24(k, buf, 1) == 0x74f839c593dc67fdULL);
	assert_true(ref_siphash24(k, buf, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(ref_siphash24(k, buf, 1) == 0x74f839c593dc67fdULL);
	for (r = 0; r < 50; r++) {
		uint64_t key[2] = { rte_rand(), rte_rand() };

		for (len = 0; len < sizeof(buf); len++)
			buf[len] = (uint8_t)rte_rand();
		for (len = 0; len <= 64; len++)
			for (off = 0; off < 8; off++)
				assert_true(steps_siphash24(key, buf + off, len) ==
					    ref_siphash24(key, buf + off, len));
	}
}

/* The implementations this CPU can run: SipHash always, AES with AES-NI. */
static unsigned int
prf_modes(bool modes[2])
{
	unsigned int n = 0;

	modes[n++] = false;
	if (tt_prf_init(true))
		modes[n++] = true;
	else
		print_message("no AES instructions on this CPU: tt_prf() checked as SipHash only\n");
	tt_prf_init(false);
	return n;
}

/* The 16-byte block tt_prf() takes: the 4-tuple's 12 bytes, then @p word little-endian. */
static void
prf_block(uint8_t b[16], const struct tt_flow_key *k, uint32_t word)
{
	uint32_t le = rte_cpu_to_le_32(word);

	memcpy(b, k, 12);
	memcpy(b + 12, &le, 4);
}

/*
 * tt_prf() as AES-128: FIPS-197's two worked examples (Appendix B, and
 * C.1), the first 8 bytes of the ciphertext as a little-endian word; as
 * SipHash: the reference SipHash-2-4 of the block, under random keys. In
 * both, tt_prf2() is two tt_prf(), and the key is the 16 secret bytes.
 */
static void
test_prf_reference(void **state)
{
	static const struct {
		uint8_t key[16], in[16];
		uint64_t out;
	} fips[] = {
		{ { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
		    0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c },
		  { 0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d,
		    0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34 },
		  0xfb09dc021d842539ULL },	/* 39 25 84 1d 02 dc 09 fb ... */
		{ { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f },
		  { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff },
		  0x30047b6ad8e0c469ULL },	/* 69 c4 e0 d8 6a 7b 04 30 ... */
	};
	bool was = tt_prf_is_aes(), modes[2];
	unsigned int n = prf_modes(modes), m, i;

	(void)state;
	for (m = 0; m < n; m++) {
		assert_int_equal(tt_prf_init(modes[m]), modes[m]);
		assert_int_equal(tt_prf_is_aes(), modes[m]);
		for (i = 0; modes[m] && i < RTE_DIM(fips); i++) {
			struct tt_prf_key k;
			struct tt_flow_key fk;
			uint64_t secret[2];
			uint32_t word;

			memcpy(secret, fips[i].key, 16);
			secret[0] = rte_le_to_cpu_64(secret[0]);
			secret[1] = rte_le_to_cpu_64(secret[1]);
			memcpy(&fk, fips[i].in, 12);
			memcpy(&word, fips[i].in + 12, 4);
			tt_prf_set_key(&k, secret);
			assert_true(tt_prf(&k, &fk, rte_le_to_cpu_32(word)) == fips[i].out);
		}
		for (i = 0; i < 500; i++) {
			uint64_t s1[2] = { rte_rand(), rte_rand() }, s2[2] = { rte_rand(), rte_rand() };
			struct tt_flow_key fk = {
				.raddr = (uint32_t)rte_rand(), .laddr = (uint32_t)rte_rand(),
				.rport = (uint16_t)rte_rand(), .lport = (uint16_t)rte_rand(),
			};
			uint32_t w1 = (uint32_t)rte_rand(), w2 = (uint32_t)rte_rand();
			struct tt_prf_key k1, k2;
			uint64_t second = 0;
			uint8_t b[16];

			tt_prf_set_key(&k1, s1);
			tt_prf_set_key(&k2, s2);
			if (!modes[m]) {
				prf_block(b, &fk, w1);
				assert_true(tt_prf(&k1, &fk, w1) == ref_siphash24(s1, b, sizeof(b)));
			}
			assert_true(tt_prf2(&k1, w1, &k2, w2, &fk, &second) == tt_prf(&k1, &fk, w1));
			assert_true(second == tt_prf(&k2, &fk, w2));
			assert_true(tt_prf(&k1, &fk, w1) != tt_prf(&k1, &fk, w1 ^ 1));
		}
	}
	tt_prf_init(was);
}

/*
 * RFC 6528's ISN and RFC 7323's timestamp offset are tt_prf() of the
 * 4-tuple (with 0) under the worker's secret: its low half plus the
 * 4-microsecond clock, and its high half; with SipHash, the reference
 * SipHash-2-4 of those 16 bytes.
 */
static void
test_isn_and_ts_offset_are_prf_of_the_tuple(void **state)
{
	struct tt_worker *w = rte_zmalloc("test_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	bool was = tt_prf_is_aes(), modes[2];
	unsigned int n = prf_modes(modes), m, r;

	(void)state;
	assert_non_null(w);
	for (m = 0; m < n; m++) {
		tt_prf_init(modes[m]);
		for (r = 0; r < 200; r++) {
			struct tt_flow_key k = {
				.raddr = (uint32_t)rte_rand(), .laddr = (uint32_t)rte_rand(),
				.rport = (uint16_t)rte_rand(), .lport = (uint16_t)rte_rand(),
			};
			uint64_t h, secret[2] = { rte_rand(), rte_rand() };
			uint32_t ts_offset;
			uint8_t b[16];

			tt_prf_set_key(&w->isn_key, secret);
			w->now_us = rte_rand() >> 8;
			h = tt_prf(&w->isn_key, &k, 0);
			if (!modes[m]) {
				prf_block(b, &k, 0);
				assert_true(h == ref_siphash24(secret, b, sizeof(b)));
			}
			assert_int_equal(tcp_ts_offset(w, &k), (uint32_t)(h >> 32));
			assert_int_equal(tcp_isn(w, &k), (uint32_t)(w->now_us / 4) + (uint32_t)h);
			assert_int_equal(tcp_isn_ts_offset(w, &k, &ts_offset), tcp_isn(w, &k));
			assert_int_equal(ts_offset, (uint32_t)(h >> 32));
		}
	}
	tt_prf_init(was);
	rte_free(w);
}

/*
 * The SYN-ACK's ISN is the cookie plus the peer's ISN; the cookie is the
 * counter mod 8, the MSS index and the low 26 bits of tt_prf() of the
 * 4-tuple with count << 9 | TS bits << 3 | MSS index under the
 * generation's secret (with SipHash, the reference SipHash of that block).
 * Asked for the timestamp offset as well, it gives the same ISN, and the
 * high half of tt_prf() of the 4-tuple with 0 under the key it is given.
 */
static void
test_mac_is_prf_of_the_block(void **state)
{
	struct tt_syncookie sc;
	bool was = tt_prf_is_aes(), modes[2];
	unsigned int n = prf_modes(modes), m, r;

	(void)state;
	for (m = 0; m < n; m++) {
		tt_prf_init(modes[m]);
		tt_syncookie_init(&sc, T0_MS);
		for (r = 0; r < 200; r++) {
			uint64_t now = T0_MS + rte_rand_max(4 * TT_SYNCOOKIE_PERIOD_MS);
			uint64_t count = now / TT_SYNCOOKIE_PERIOD_MS;
			const struct tt_prf_key *gen_key =
				&sc.key[(count / TT_SYNCOOKIE_ROTATE_PERIODS) & 1];
			struct tt_syncookie_opts o = {
				.mss = (uint16_t)(88 + rte_rand_max(9000)),
				.wscale = (uint8_t)rte_rand_max(16),
				.sack_ok = rte_rand() & 1, .ts_ok = rte_rand() & 1,
			};
			uint32_t peer_isn = (uint32_t)rte_rand(), ts_bits, ts_bits2, ts_offset;
			uint32_t iss, c, mssi, word;
			uint64_t ts_secret[2] = { rte_rand(), rte_rand() };
			struct tt_prf_key ts_key;
			struct tt_flow_key k = {
				.raddr = (uint32_t)rte_rand(), .laddr = (uint32_t)rte_rand(),
				.rport = (uint16_t)rte_rand(), .lport = (uint16_t)rte_rand(),
			};
			uint8_t b[16];

			tt_prf_set_key(&ts_key, ts_secret);
			iss = tt_syncookie_encode(&sc, now, &k, peer_isn, &o, &ts_bits, NULL, NULL);
			assert_int_equal(tt_syncookie_encode(&sc, now, &k, peer_isn, &o, &ts_bits2,
							     &ts_key, &ts_offset), iss);
			assert_int_equal(ts_bits2, ts_bits);
			assert_int_equal(ts_offset, (uint32_t)(tt_prf(&ts_key, &k, 0) >> 32));
			c = iss - peer_isn;
			mssi = (c >> 26) & 7;
			word = (uint32_t)count << 9 | ts_bits << 3 | mssi;
			assert_int_equal(c >> 29, count & 7);
			assert_int_equal(c & ((1u << 26) - 1),
					 tt_prf(gen_key, &k, word) & ((1u << 26) - 1));
			if (!modes[m]) {
				prf_block(b, &k, word);
				assert_int_equal(c & ((1u << 26) - 1),
						 ref_siphash24(gen_key->sip, b, sizeof(b)) &
						 ((1u << 26) - 1));
			}
		}
	}
	tt_prf_init(was);
}

/* Every MSS entry x every option combination comes back as it went in. */
static void
test_roundtrip_every_mss_and_option(void **state)
{
	struct tt_syncookie sc;
	unsigned int i, ts, sack, ws;

	(void)state;
	tt_syncookie_init(&sc, T0_MS);
	for (i = 0; i < TT_SYNCOOKIE_N_MSS; i++) {
		for (ts = 0; ts < 2; ts++) {
			for (sack = 0; sack < 2; sack++) {
				for (ws = 0; ws <= 15; ws++) {	/* 0..14 and NONE */
					struct tt_syncookie_opts in = {
						.mss = tt_syncookie_mss[i], .wscale = (uint8_t)ws,
						.sack_ok = sack, .ts_ok = ts,
					};
					struct tt_syncookie_opts out;
					uint32_t peer_isn = (uint32_t)rte_rand();
					uint32_t tsval;
					uint32_t c = encode(&sc, T0_MS, &in, peer_isn, &tsval);

					assert_int_equal(tt_syncookie_decode(&sc, T0_MS + 10, &fkey,
									      peer_isn, c,
									      ts ? &tsval : NULL,
									      &out), 0);
					assert_int_equal(out.mss, in.mss);
					assert_int_equal(out.ts_ok, in.ts_ok);
					if (ts) {
						assert_int_equal(out.sack_ok, in.sack_ok);
						assert_int_equal(out.wscale, in.wscale);
					} else {
						/* Without timestamps there is nowhere to keep them. */
						assert_false(out.sack_ok);
						assert_int_equal(out.wscale, TT_SYNCOOKIE_WSCALE_NONE);
					}
				}
			}
		}
	}
}

/* An MSS between entries is rounded down; below the smallest, the smallest. */
static void
test_mss_rounds_down(void **state)
{
	static const uint16_t in[] = { 88, 100, 535, 536, 1219, 1300, 1459, 1460, 8959, 9000 };
	static const uint16_t want[] = { 88, 88, 88, 536, 536, 1220, 1452, 1460, 1460, 8960 };
	struct tt_syncookie sc;
	unsigned int i;

	(void)state;
	tt_syncookie_init(&sc, T0_MS);
	for (i = 0; i < RTE_DIM(in); i++) {
		struct tt_syncookie_opts o = { .mss = in[i], .wscale = TT_SYNCOOKIE_WSCALE_NONE };
		uint32_t tsval;
		uint32_t c = encode(&sc, T0_MS, &o, 42, &tsval);

		assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 42, c, NULL, &o), 0);
		assert_int_equal(o.mss, want[i]);
	}
}

/*
 * An MSS-only cookie whose ACK carries a TSecr anyway (a peer that sends
 * timestamps unasked): without the "on" bit the TSecr is no cookie TSval and
 * the cookie still checks out; with it, the MAC decides.
 */
static void
test_mss_only_cookie_ignores_foreign_tsecr(void **state)
{
	struct tt_syncookie_opts o = { .mss = 1460, .wscale = TT_SYNCOOKIE_WSCALE_NONE };
	struct tt_syncookie_opts out;
	struct tt_syncookie sc;
	uint32_t tsval, tsecr;
	uint32_t c;

	(void)state;
	tt_syncookie_init(&sc, T0_MS);
	c = encode(&sc, T0_MS, &o, 42, &tsval);
	tsecr = 0;
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 42, c, &tsecr, &out), 0);
	assert_false(out.ts_ok);
	assert_int_equal(out.mss, 1460);
	tsecr = 0xabcdef1f;			/* bit 5 clear */
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 42, c, &tsecr, &out), 0);
	assert_false(out.ts_ok);
	assert_int_equal(out.wscale, TT_SYNCOOKIE_WSCALE_NONE);
	tsecr = 0xabcdef27;			/* claims timestamps and shift 7 */
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 42, c, &tsecr, &out), -EINVAL);
}

/*
 * Age and rotation: valid through TT_SYNCOOKIE_MAX_AGE counter periods,
 * including across a secret rotation (the previous secret is kept); a
 * cookie from two generations ago is rejected.
 */
static void
test_secret_rotation(void **state)
{
	const uint64_t P = TT_SYNCOOKIE_PERIOD_MS, R = TT_SYNCOOKIE_ROTATE_MS;
	struct tt_syncookie_opts o = { .mss = 1460, .wscale = TT_SYNCOOKIE_WSCALE_NONE };
	struct tt_syncookie sc;
	uint64_t g0 = (T0_MS / R + 1) * R;	/* start of a generation */
	uint64_t late = g0 + R - 1;		/* last ms of that generation */
	uint64_t gen0;
	uint32_t c, tsval;

	(void)state;
	tt_syncookie_init(&sc, T0_MS);

	/* Made at the very end of generation G, checked in G + 1: previous secret. */
	c = encode(&sc, late, &o, 7, &tsval);
	gen0 = sc.gen;
	assert_int_equal(tt_syncookie_decode(&sc, late + 1, &fkey, 7, c, NULL, &o), 0);
	assert_int_equal(sc.gen, gen0 + 1);		/* rotated */
	assert_int_equal(tt_syncookie_decode(&sc, late + 2 * P, &fkey, 7, c, NULL, &o), 0);
	/* Two generations later: the secret is gone (and too old). */
	assert_int_equal(tt_syncookie_decode(&sc, late + 1 + R, &fkey, 7, c, NULL, &o),
			 -ETIMEDOUT);
	assert_int_equal(sc.gen, gen0 + 2);

	/* Made at the start of a generation: valid for MAX_AGE more periods, no longer. */
	c = encode(&sc, g0 + 4 * R, &o, 7, &tsval);
	assert_int_equal(tt_syncookie_decode(&sc, g0 + 4 * R + (TT_SYNCOOKIE_MAX_AGE + 1) * P - 1,
					     &fkey, 7, c, NULL, &o), 0);
	assert_int_equal(tt_syncookie_decode(&sc, g0 + 4 * R + (TT_SYNCOOKIE_MAX_AGE + 1) * P,
					     &fkey, 7, c, NULL, &o), -ETIMEDOUT);
	/* Eight periods on, the 3-bit counter wraps to the same value: the MAC says no. */
	assert_int_equal(tt_syncookie_decode(&sc, g0 + 4 * R + 8 * P, &fkey, 7, c, NULL, &o),
			 -EINVAL);

	/* A cookie from the future (clock of another worker, or forged): rejected. */
	c = encode(&sc, g0 + 9 * R, &o, 7, &tsval);
	assert_int_equal(tt_syncookie_decode(&sc, g0 + 9 * R - P, &fkey, 7, c, NULL, &o),
			 -ETIMEDOUT);

	/* Another worker's (or a restarted worker's) secrets do not accept it. */
	{
		struct tt_syncookie other;

		tt_syncookie_init(&other, g0 + 9 * R);
		c = encode(&sc, g0 + 9 * R, &o, 7, &tsval);
		assert_int_equal(tt_syncookie_decode(&other, g0 + 9 * R, &fkey, 7, c, NULL, &o),
				 -EINVAL);
	}
}

/* Forgeries: random ISNs, each MAC bit flipped, another tuple, another peer ISN, TSval bits. */
static void
test_forged_cookies_rejected(void **state)
{
	struct tt_syncookie_opts o = { .mss = 1460, .wscale = 7, .sack_ok = true, .ts_ok = true };
	struct tt_syncookie_opts out;
	struct tt_flow_key k2;
	struct tt_syncookie sc;
	uint32_t c, tsval, bad;
	unsigned int i, accepted = 0;

	(void)state;
	tt_syncookie_init(&sc, T0_MS);
	c = encode(&sc, T0_MS, &o, 1000, &tsval);
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 1000, c, &tsval, &out), 0);

	/* A blind guess passes with probability 2^-26 (and must also hit a valid counter). */
	for (i = 0; i < 100000; i++)
		if (tt_syncookie_decode(&sc, T0_MS, &fkey, 1000, (uint32_t)rte_rand(), &tsval,
					&out) == 0)
			accepted++;
	assert_int_equal(accepted, 0);
	/* Every single bit flip: MAC, MSS index or counter. */
	for (i = 0; i < 32; i++)
		assert_int_not_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 1000, c ^ (1u << i),
							 &tsval, &out), 0);
	/* Each field of the 4-tuple. */
	k2 = fkey;
	k2.raddr ^= RTE_BE32(1);
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &k2, 1000, c, &tsval, &out), -EINVAL);
	k2 = fkey;
	k2.laddr ^= RTE_BE32(0x100);
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &k2, 1000, c, &tsval, &out), -EINVAL);
	k2 = fkey;
	k2.rport ^= RTE_BE16(1);
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &k2, 1000, c, &tsval, &out), -EINVAL);
	k2 = fkey;
	k2.lport = RTE_BE16(80);
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &k2, 1000, c, &tsval, &out), -EINVAL);
	/* The peer's ISN. */
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 1001, c, &tsval, &out), -EINVAL);
	/* The options in the TSval are authenticated too; and they cannot be dropped. */
	for (i = 0; i < 6; i++) {
		bad = tsval ^ (1u << i);
		assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 1000, c, &bad, &out),
				 -EINVAL);
	}
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 1000, c, NULL, &out), -EINVAL);
	/* The upper TSval bits are the clock: not part of the cookie. */
	bad = tsval ^ 0xffffffc0u;
	assert_int_equal(tt_syncookie_decode(&sc, T0_MS, &fkey, 1000, c, &bad, &out), 0);
}

/* Packet level. */

static int
setup_with(void **state, uint32_t mode, uint32_t backlog)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.syn_cookies = mode;
	h->cfg.tcp.backlog = backlog;
	h->cfg.tcp.syn_retries = 1;
	th_start(h);
	*state = h;
	return 0;
}

static int
setup_always(void **state)
{
	return setup_with(state, TT_SYNCOOKIES_ALWAYS, 1024);
}

static int
setup_auto4(void **state)
{
	return setup_with(state, TT_SYNCOOKIES_AUTO, 4);
}

static int
setup_off4(void **state)
{
	return setup_with(state, TT_SYNCOOKIES_OFF, 4);
}

static int
setup_always_1m(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.syn_cookies = TT_SYNCOOKIES_ALWAYS;
	h->cfg.tcp.rcv_window = 1u << 20;	/* our shift is 5 */
	th_start(h);
	*state = h;
	return 0;
}

/* A peer segment with a timestamps option. */
static void
send_ts(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	const void *data, uint32_t len, uint32_t tsval, uint32_t tsecr)
{
	uint8_t b[12];

	th_send_opts(h, flags, seq, ack, win, data, len, b, th_opt_ts(b, tsval, tsecr));
}

/* The SYN-ACK of a cookie: MSS option, our window, and nothing kept. */
static void
expect_cookie_synack(struct th *h)
{
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	assert_int_equal(h->last.win, 65535);
	assert_null(th_tcb(h));
}

/* always: SYN -> SYN-ACK carrying the cookie; no TCB, no state counted. */
static void
test_always_syn_keeps_no_state(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	expect_cookie_synack(h);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
	assert_int_equal(h->w->syn_backlog[0], 0);
	assert_int_equal(th_stat(h, syncookies_sent), 1);
	assert_int_equal(th_stat(h, conn_syn_rcvd), 0);
	/* The peer lost it and sends its SYN again: another cookie, still no state. */
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	expect_cookie_synack(h);
	assert_int_equal(th_stat(h, syncookies_sent), 2);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/*
 * always: the SYN-ACK goes out in the SYN's own mbuf (the peer's pool has
 * the one buffer in use, the worker's none), and once it is sent nothing
 * is left in either.
 */
static void
test_always_synack_in_syn_mbuf(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	assert_int_equal(rte_ring_count(h->tx), 1);
	assert_int_equal(rte_mempool_in_use_count(h->pool), 1);
	assert_int_equal(rte_mempool_in_use_count(h->w->pool), 0);
	expect_cookie_synack(h);
	assert_int_equal(rte_mempool_in_use_count(h->pool), 0);
	assert_int_equal(rte_mempool_in_use_count(h->w->pool), 0);
	/* With data on the SYN (not acknowledged): the same, the data gone with the SYN. */
	th_send(h, "S", 0, 0, 65535, "hello", 5);
	assert_int_equal(rte_mempool_in_use_count(h->pool), 1);
	expect_cookie_synack(h);
	assert_int_equal(rte_mempool_in_use_count(h->pool), 0);
	assert_int_equal(rte_mempool_in_use_count(h->w->pool), 0);
}

/* always: the completing ACK -> ESTABLISHED, echo accepts, the first data echoes. */
static void
test_always_ack_establishes_echo(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	h->local_port = 7;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	expect_cookie_synack(h);
	th_send(h, "A", 1, 1, 32000, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, syncookies_ok), 1);
	assert_int_equal(th_stat(h, conn_established), 1);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
	assert_int_equal(th_states(h, TT_ESTABLISHED), 1);
	t = th_tcb(h);
	assert_non_null(t);
	/* IRS and ISS are not kept past the handshake: RCV.NXT and SND.UNA show them */
	assert_int_equal(t->rcv.nxt, h->irs + 1);
	assert_int_equal(t->snd.una, h->iss + 1);
	assert_int_equal(t->snd.nxt, h->iss + 1);
	assert_int_equal(t->snd.wnd, 32000);
	assert_int_equal(t->mss, 1460);
	assert_true(t->flags & TT_TF_ACCEPTED);
	assert_false(t->flags & TT_TF_BACKLOG);
	th_send(h, "PA", 1, 1, 65535, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	assert_memory_equal(h->last.data, "hello", 5);
	/* And it closes like any other connection. */
	th_send(h, "FA", 6, 6, 65535, NULL, 0);
	th_expect(h, "FA", 6, 7, 0);
	th_send(h, "A", 7, 7, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* always: the MSS comes back from the cookie's table (1300 -> 1220) and segments obey it. */
static void
test_always_mss_honoured(void **state)
{
	struct th *h = *state;
	uint8_t data[1400];

	memset(data, 'm', sizeof(data));
	h->local_port = 7;
	th_send_abs(h, "S", h->irs, 0, 65535, NULL, 0, 1300);
	expect_cookie_synack(h);
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_tcb(h)->mss, 1220);
	th_send(h, "PA", 1, 1, 65535, data, sizeof(data));
	th_expect(h, "A", 1, 1401, 1220);
	th_expect(h, "PA", 1221, 1401, 180);
	th_expect_none(h);
}

/* always: an ACK that carries data completes the handshake and delivers the data. */
static void
test_always_ack_with_data(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	expect_cookie_synack(h);
	th_send(h, "PA", 1, 1, 65535, "abc", 3);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	th_expect(h, "PA", 1, 4, 3);
	assert_memory_equal(h->last.data, "abc", 3);
	assert_int_equal(th_stat(h, syncookies_ok), 1);
	assert_int_equal(th_stat(h, tcp_payload_rx), 3);
}

/* always: a wrong cookie is reset and counted; so is one past its age. */
static void
test_always_bad_cookie_reset(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	expect_cookie_synack(h);
	th_send(h, "A", 1, 2, 65535, NULL, 0);		/* ACK = cookie + 2 */
	th_expect(h, "R", 2, 0, 0);
	assert_int_equal(th_drop(h, syncookies_failed), 1);
	assert_int_equal(th_state(h), TT_CLOSED);
	th_send(h, "A", 2, 1, 65535, NULL, 0);		/* another peer ISN */
	th_expect(h, "R", 1, 0, 0);
	assert_int_equal(th_drop(h, syncookies_failed), 2);
	/* A SYN-ACK to the listener is no cookie's business. */
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	th_expect(h, "R", 1, 0, 0);
	assert_int_equal(th_drop(h, syncookies_failed), 2);
	/* 192 s later the right cookie is too old (and no cookie is outstanding any more). */
	th_advance(h, (TT_SYNCOOKIE_MAX_AGE + 1) * TT_SYNCOOKIE_PERIOD_MS);
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	th_expect(h, "R", 1, 0, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, syncookies_ok), 0);
}

/*
 * always, rcv_window 1 MiB: a SYN offering WS 7, SACK-permitted and
 * timestamps gets a cookie SYN-ACK with all three (TSval's low bits carry
 * them, TSecr echoes the SYN); the ACK echoing that TSval builds a TCB that
 * scales windows both ways, sends SACK blocks and echoes the peer's TSval.
 */
static void
test_always_cookie_carries_options(void **state)
{
	struct th *h = *state;
	uint8_t b[40], d[100];
	uint32_t n, synack_ts;
	struct tt_tcb *t;

	memset(d, 'o', sizeof(d));
	h->local_port = 9;
	n = th_opt_mss(b, 1460);
	n += th_opt_sackok(b + n);
	n += th_opt_ts(b + n, 1000, 0);
	n += th_opt_ws(b + n, 7);
	th_send_opts(h, "S", 0, 0, 65535, NULL, 0, b, n);
	th_expect(h, "SA", 0, 1, 0);
	assert_null(th_tcb(h));
	assert_int_equal(h->last.mss, 1460);
	assert_int_equal(h->last.win, 65535);
	assert_int_equal(h->last.wscale, 5);
	assert_true(h->last.sack_permitted);
	assert_true(h->last.ts);
	assert_int_equal(h->last.ts_ecr, 1000);
	assert_int_equal(h->last.ts_val & TT_SYNCOOKIE_TS_MASK, 0x20 | 0x10 | 7);
	assert_int_equal(h->last.optlen, 20);	/* the layout of a TCB's SYN-ACK */
	synack_ts = h->last.ts_val;

	send_ts(h, "A", 1, 1, 512, NULL, 0, 1001, synack_ts);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, syncookies_ok), 1);
	t = th_tcb(h);
	assert_int_equal(t->flags & (TT_TF_WSCALE | TT_TF_TS | TT_TF_SACK),
			 TT_TF_WSCALE | TT_TF_TS | TT_TF_SACK);
	assert_int_equal(t->snd_wscale, 7);
	assert_int_equal(t->rcv_wscale, 5);
	assert_int_equal(t->snd.wnd, 512u << 7);
	assert_int_equal(t->ts_recent, 1001);
	assert_int_equal(t->mss, 1460 - 12);
	/* The cookie's TSval is the TCB's clock, rounded down: it never runs backwards. */
	assert_true(seq_leq(synack_ts, tcp_ts_now(h->w, t)));
	assert_true(tcp_ts_now(h->w, t) - synack_ts < 64);

	/* Out of order: the ACK carries a SACK block, TS echoing TS.Recent, a scaled window. */
	th_advance(h, 3);
	send_ts(h, "A", 101, 1, 512, d, 100, 1004, synack_ts);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(h->last.nsack, 1);
	assert_int_equal(h->last.sack[0][0], 101);
	assert_int_equal(h->last.sack[0][1], 201);
	assert_true(h->last.ts);
	assert_int_equal(h->last.ts_ecr, 1001);
	assert_int_equal(h->last.ts_val, tcp_ts_now(h->w, t));
	assert_int_equal(h->last.win, (t->rcv.adv - t->rcv.nxt) >> 5);
	send_ts(h, "A", 1, 1, 512, d, 100, 1005, synack_ts);
	th_expect(h, "A", 1, 201, 0);
	assert_int_equal(h->last.nsack, 0);
	assert_int_equal(h->last.ts_ecr, 1005);
	th_expect_none(h);
}

/* always: without timestamps in the SYN a cookie keeps the MSS only, as in Linux. */
static void
test_always_cookie_without_ts_mss_only(void **state)
{
	struct th *h = *state;
	uint8_t b[40];
	uint32_t n;
	struct tt_tcb *t;

	h->local_port = 9;
	n = th_opt_mss(b, 1460);
	n += th_opt_sackok(b + n);
	n += th_opt_ws(b + n, 7);
	th_send_opts(h, "S", 0, 0, 65535, NULL, 0, b, n);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	assert_int_equal(h->last.wscale, -1);
	assert_false(h->last.sack_permitted);
	assert_false(h->last.ts);
	assert_int_equal(h->last.optlen, 4);
	th_send(h, "A", 1, 1, 512, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	t = th_tcb(h);
	assert_int_equal(t->flags & (TT_TF_WSCALE | TT_TF_TS | TT_TF_SACK), 0);
	assert_int_equal(t->snd_wscale, 0);
	assert_int_equal(t->rcv_wscale, 0);
	assert_int_equal(t->snd.wnd, 512);
	assert_int_equal(t->mss, 1460);
}

/* always: the ACK of a timestamp cookie must echo its TSval; without it the MAC fails. */
static void
test_always_cookie_ts_ack_without_ts_reset(void **state)
{
	struct th *h = *state;
	uint8_t b[40];
	uint32_t n;

	h->local_port = 9;
	n = th_opt_mss(b, 1460);
	n += th_opt_ts(b + n, 1000, 0);
	th_send_opts(h, "S", 0, 0, 65535, NULL, 0, b, n);
	th_expect(h, "SA", 0, 1, 0);
	assert_true(h->last.ts);
	assert_int_equal(h->last.wscale, -1);
	assert_false(h->last.sack_permitted);
	assert_int_equal(h->last.ts_val & TT_SYNCOOKIE_TS_MASK, 0x20 | TT_SYNCOOKIE_WSCALE_NONE);
	th_send(h, "A", 1, 1, 512, NULL, 0);
	th_expect(h, "R", 1, 0, 0);
	assert_int_equal(th_drop(h, syncookies_failed), 1);
	send_ts(h, "A", 1, 1, 512, NULL, 0, 1001, h->last.ts_val ^ 0x10);
	assert_int_equal(th_state(h), TT_CLOSED);
	th_expect(h, "R", 1, 0, 0);
}

/* auto: with no cookie sent, a stray ACK is listener noise, not a failed cookie. */
static void
test_auto_stray_ack_not_a_cookie(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	th_expect(h, "R", 1, 0, 0);
	assert_int_equal(th_drop(h, tcp_listen_noise), 1);
	assert_int_equal(th_drop(h, syncookies_failed), 0);
}

/* Open @p n half-open connections to port 7 from peer ports 40000..; their ISNs in @p iss. */
static void
half_open(struct th *h, unsigned int n, uint32_t *iss)
{
	unsigned int i;

	h->local_port = 7;
	for (i = 0; i < n; i++) {
		h->peer_port = (uint16_t)(TH_PEER_PORT + i);
		th_send(h, "S", 0, 0, 65535, NULL, 0);
		th_expect(h, "SA", 0, 1, 0);
		iss[i] = h->iss;
	}
}

/* auto, backlog 4: four SYNs get TCBs, the fifth a cookie; both kinds complete. */
static void
test_auto_backlog_full_sends_cookie(void **state)
{
	struct th *h = *state;
	uint32_t iss[5];

	half_open(h, 4, iss);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 4);
	assert_int_equal(h->w->syn_backlog[0], 4);
	assert_int_equal(th_stat(h, syncookies_sent), 0);
	h->peer_port = TH_PEER_PORT + 4;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	expect_cookie_synack(h);
	iss[4] = h->iss;
	assert_int_equal(th_stat(h, syncookies_sent), 1);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 4);
	assert_int_equal(h->w->syn_backlog[0], 4);

	/* The cookie completes; the backlog is untouched by it. */
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(h->w->syn_backlog[0], 4);
	/* One of the four completes: a slot frees, the next SYN gets a TCB again. */
	h->peer_port = TH_PEER_PORT;
	h->iss = iss[0];
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(h->w->syn_backlog[0], 3);
	h->peer_port = TH_PEER_PORT + 5;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(h->w->syn_backlog[0], 4);
	assert_int_equal(th_stat(h, syncookies_sent), 1);
	/* The backlog is per listener: discard on 9 still has room. */
	h->local_port = 9;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(h->w->syn_backlog[1], 1);
}

/* off, backlog 4: the fifth SYN is dropped and counted; nothing is sent. */
static void
test_off_backlog_full_drops(void **state)
{
	struct th *h = *state;
	uint32_t iss[4];

	half_open(h, 4, iss);
	h->peer_port = TH_PEER_PORT + 4;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_drop(h, syn_backlog_full), 1);
	assert_int_equal(th_stat(h, syncookies_sent), 0);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 4);
	/* off never looks for cookies: an ACK is listener noise. */
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	th_expect(h, "R", 1, 0, 0);
	assert_int_equal(th_drop(h, syncookies_failed), 0);
}

/* A SYN_RCVD TCB gives its backlog slot back however it leaves: RST, timeout, drain. */
static void
test_backlog_released_on_every_exit(void **state)
{
	struct th *h = *state;
	uint32_t iss[4];

	half_open(h, 4, iss);
	assert_int_equal(h->w->syn_backlog[0], 4);
	/* RST at RCV.NXT. */
	h->peer_port = TH_PEER_PORT + 1;
	h->iss = iss[1];
	th_send(h, "R", 1, 0, 0, NULL, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(h->w->syn_backlog[0], 3);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 3);
	/* The SYN-ACKs time out (syn_retries = 1: one retransmission, then gone). */
	th_advance(h, 1000);
	assert_int_equal(th_stat(h, syn_ack_retransmits), 3);
	while (th_recv(h, &h->last))
		;
	th_advance(h, 2000);
	assert_int_equal(th_stat(h, conn_timeout), 3);
	assert_int_equal(h->w->syn_backlog[0], 0);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
	/* Drain (shutdown) with half-open connections. */
	half_open(h, 2, iss);
	assert_int_equal(h->w->syn_backlog[0], 2);
	tt_worker_drain(h->w);
	assert_int_equal(h->w->syn_backlog[0], 0);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
}

/* The implementation a run of the group uses (the pure tests also try both). */
static int
group_aes(void **state)
{
	(void)state;
	th_eal_init();
	tt_prf_init(true);
	return 0;
}

static int
group_siphash(void **state)
{
	(void)state;
	th_eal_init();
	tt_prf_init(false);
	return 0;
}

static int
group_aes_teardown(void **state)
{
	return group_aes(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_siphash_reference, pure_setup),
		cmocka_unit_test_setup(test_prf_reference, pure_setup),
		cmocka_unit_test_setup(test_mac_is_prf_of_the_block, pure_setup),
		cmocka_unit_test_setup(test_isn_and_ts_offset_are_prf_of_the_tuple, pure_setup),
		cmocka_unit_test_setup(test_roundtrip_every_mss_and_option, pure_setup),
		cmocka_unit_test_setup(test_mss_rounds_down, pure_setup),
		cmocka_unit_test_setup(test_mss_only_cookie_ignores_foreign_tsecr, pure_setup),
		cmocka_unit_test_setup(test_secret_rotation, pure_setup),
		cmocka_unit_test_setup(test_forged_cookies_rejected, pure_setup),
		cmocka_unit_test_setup_teardown(test_always_syn_keeps_no_state, setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_always_synack_in_syn_mbuf, setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_always_ack_establishes_echo, setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_always_mss_honoured, setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_always_ack_with_data, setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_always_bad_cookie_reset, setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_always_cookie_carries_options, setup_always_1m,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_always_cookie_without_ts_mss_only, setup_always,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_always_cookie_ts_ack_without_ts_reset,
						setup_always, th_teardown),
		cmocka_unit_test_setup_teardown(test_auto_stray_ack_not_a_cookie, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_auto_backlog_full_sends_cookie, setup_auto4, th_teardown),
		cmocka_unit_test_setup_teardown(test_off_backlog_full_drops, setup_off4, th_teardown),
		cmocka_unit_test_setup_teardown(test_backlog_released_on_every_exit, setup_auto4, th_teardown),
	};

	/* Everything once with AES (where the CPU has it), once with SipHash. */
	return cmocka_run_group_tests_name("tt_prf() with AES where the CPU has it", tests,
					   group_aes, NULL) |
	       cmocka_run_group_tests_name("tt_prf() with SipHash", tests, group_siphash,
					   group_aes_teardown);
}
