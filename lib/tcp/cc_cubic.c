/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * CUBIC, RFC 9438, in integer arithmetic.
 *
 * Windows are bytes and times milliseconds. With C = 0.4 segments/s^3,
 *
 *	W_cubic(t) = W_max +/- d^3 * SMSS / 2.5e9	(bytes, d = |t - K| in ms)
 *	K          = cbrt((W_max - cwnd_epoch) * 2.5e9 / SMSS)	(ms, §4.2)
 *
 * d is capped at CUBIC_D_MAX_MS so that d^3 * SMSS stays below 2^64 for
 * any 16-bit MSS (60000^3 * 65535 < 1.5e19); 60 s away from K the curve is
 * thousands of segments from W_max and the per-RTT target is clamped to
 * 1.5 cwnd anyway. K needs (W_max - cwnd_epoch) * 2.5e9 < 2^64, true for
 * any 32-bit byte difference. The cube root is the bitwise method (Hacker's
 * Delight icbrt), run once per epoch, never per ACK.
 *
 * beta_cubic = 7/10 and alpha_cubic = 3 (1 - beta) / (1 + beta) = 9/17
 * are exact ratios. The per-ACK increments of cwnd and of W_est keep their
 * remainders (cwnd_rem, west_rem) so that many small ACKs add up exactly.
 *
 * The origin of the curve is W_max. When an epoch starts at or above W_max
 * (no loss yet, or after an RTO, which clears W_max per §4.8) K is 0 and
 * W_max becomes cwnd_epoch, as Linux's bictcp_origin_point does.
 */

#include <string.h>

#include <rte_common.h>

#include "tt_tcp.h"

#define CUBIC_BETA_NUM 7	/* beta_cubic = 0.7 (§4.6) */
#define CUBIC_BETA_DEN 10
#define CUBIC_ALPHA_NUM 9	/* alpha_cubic = 3 * 0.3 / 1.7 = 9/17 (§4.3) */
#define CUBIC_ALPHA_DEN 17
#define CUBIC_INV_C_NS 2500000000ull	/* 1e9 ms^3 per s^3 / C */
#define CUBIC_D_MAX_MS 60000u

/* floor(cbrt(x)), bit by bit: three bits of x per bit of the root. */
static uint32_t
cubic_cbrt(uint64_t x)
{
	uint64_t y = 0;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		uint64_t b;

		y <<= 1;
		b = 3 * y * (y + 1) + 1;	/* (y + 1)^3 - y^3, this bit */
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return (uint32_t)y;
}

/* W_cubic(t) in bytes (RFC 9438 eq. 1), saturated to [0, UINT32_MAX]. */
static uint32_t
cubic_w(const struct tt_cc_cubic *c, uint32_t mss, uint32_t t_ms)
{
	uint64_t d = t_ms >= c->k_ms ? t_ms - c->k_ms : c->k_ms - t_ms;
	uint64_t delta;

	d = RTE_MIN(d, (uint64_t)CUBIC_D_MAX_MS);
	delta = d * d * d * mss / CUBIC_INV_C_NS;
	if (t_ms >= c->k_ms)
		return (uint32_t)RTE_MIN((uint64_t)c->w_max + delta, (uint64_t)UINT32_MAX);
	return delta >= c->w_max ? 0 : c->w_max - (uint32_t)delta;
}

/* §4.2: a congestion-avoidance stage begins; cwnd is cwnd_epoch. */
static void
cubic_epoch_start(struct tt_tcb *t, struct tt_cc_cubic *c, uint32_t now_ms)
{
	c->epoch_ms = now_ms != 0 ? now_ms : 1;
	if (c->w_max <= t->snd.cwnd) {
		c->k_ms = 0;
		c->w_max = t->snd.cwnd;
	} else {
		c->k_ms = cubic_cbrt((uint64_t)(c->w_max - t->snd.cwnd) * CUBIC_INV_C_NS / t->mss);
	}
	c->w_est = t->snd.cwnd;		/* §4.3 */
	c->cwnd_rem = 0;
	c->west_rem = 0;
}

static void
cubic_init(struct tt_tcb *t)
{
	memset(&t->cc_state.cubic, 0, sizeof(t->cc_state.cubic));
}

static void
cubic_on_ack(struct tt_tcb *t, uint32_t acked, uint64_t now_us)
{
	struct tt_cc_cubic *c = &t->cc_state.cubic;
	uint32_t now_ms = (uint32_t)(now_us / 1000);
	uint32_t cwnd = t->snd.cwnd;
	uint32_t t_ms, rtt_ms, target, w_t;
	uint64_t num;

	if (cwnd < t->snd.ssthresh) {
		/* §4.10: standard slow start (RFC 5681). */
		t->snd.cwnd += RTE_MIN(acked, (uint32_t)t->mss);
		return;
	}
	if (c->epoch_ms == 0)
		cubic_epoch_start(t, c, now_ms);
	t_ms = now_ms - c->epoch_ms;
	rtt_ms = t->srtt / 1000;

	/* §4.3: W_est grows by alpha_cubic segments per RTT, by 1 once past cwnd_prior. */
	num = (uint64_t)acked * t->mss *
	      (c->w_est >= c->cwnd_prior ? CUBIC_ALPHA_DEN : CUBIC_ALPHA_NUM) + c->west_rem;
	c->w_est += (uint32_t)(num / ((uint64_t)CUBIC_ALPHA_DEN * cwnd));
	c->west_rem = (uint32_t)RTE_MIN(num % ((uint64_t)CUBIC_ALPHA_DEN * cwnd),
					(uint64_t)UINT32_MAX);

	w_t = cubic_w(c, t->mss, t_ms);
	if (w_t < c->w_est) {
		/* Reno-friendly region: cwnd follows W_est. */
		if (c->w_est > cwnd) {
			t->snd.cwnd = c->w_est;
			c->cwnd_rem = 0;
		}
		return;
	}
	/* §4.4-4.5: towards W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd]. */
	target = cubic_w(c, t->mss, t_ms + rtt_ms);
	target = RTE_MAX(target, cwnd);
	target = (uint32_t)RTE_MIN((uint64_t)target, (uint64_t)cwnd * 3 / 2);
	num = (uint64_t)acked * (target - cwnd) + c->cwnd_rem;
	t->snd.cwnd = cwnd + (uint32_t)(num / cwnd);
	c->cwnd_rem = (uint32_t)(num % cwnd);
}

/* §4.6-4.7: multiplicative decrease and fast convergence. */
static void
cubic_reduce(struct tt_tcb *t, struct tt_cc_cubic *c, uint32_t flight)
{
	uint32_t cwnd = t->snd.cwnd;

	if (cwnd < c->w_max)
		c->w_max = (uint32_t)((uint64_t)cwnd * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) /
				      (2 * CUBIC_BETA_DEN));
	else
		c->w_max = cwnd;
	c->cwnd_prior = cwnd;
	c->epoch_ms = 0;
	t->snd.ssthresh = RTE_MAX((uint32_t)((uint64_t)flight * CUBIC_BETA_NUM / CUBIC_BETA_DEN),
				  2u * t->mss);
}

static void
cubic_on_loss(struct tt_tcb *t, uint32_t flight, uint64_t now_us)
{
	RTE_SET_USED(now_us);
	cubic_reduce(t, &t->cc_state.cubic, flight);
	t->snd.cwnd = t->snd.ssthresh;
}

/*
 * §4.8: the window goes to one segment as Reno's does, ssthresh as on a
 * loss; the next epoch starts with K = 0 from the window it starts at.
 */
static void
cubic_on_rto(struct tt_tcb *t, uint32_t flight, uint64_t now_us)
{
	struct tt_cc_cubic *c = &t->cc_state.cubic;

	RTE_SET_USED(now_us);
	cubic_reduce(t, c, flight);
	c->w_max = 0;
	t->snd.cwnd = t->mss;
}

const struct tt_cc_algo tt_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.on_ack = cubic_on_ack,
	.on_loss = cubic_on_loss,
	.on_recovery_exit = tt_cc_recovery_exit_default,
	.on_rto = cubic_on_rto,
};
