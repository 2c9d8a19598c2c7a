/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * SYN cookies (RFC 4987): the encoding as pure functions first (round
 * trip, rotation, forgeries), then packet-level scripts through a worker.
 */

#include <errno.h>
#include <string.h>

#include <rte_random.h>

#include "tt_harness.h"
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
	uint32_t c = tt_syncookie_encode(sc, now, &fkey, peer_isn, o, &ts_bits);

	/* What the SYN-ACK would send as TSval: a clock with the option bits below. */
	*tsval = (0x12345678u & ~TT_SYNCOOKIE_TS_MASK) | ts_bits;
	if (!o->ts_ok)
		assert_int_equal(ts_bits, 0);
	return c;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_roundtrip_every_mss_and_option, pure_setup),
		cmocka_unit_test_setup(test_mss_rounds_down, pure_setup),
		cmocka_unit_test_setup(test_secret_rotation, pure_setup),
		cmocka_unit_test_setup(test_forged_cookies_rejected, pure_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
