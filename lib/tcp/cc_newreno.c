/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * NewReno window arithmetic: RFC 5681 slow start and congestion avoidance,
 * ssthresh = max(FlightSize / 2, 2 * SMSS) on a loss (eq. 4), a loss
 * window of one segment on a timeout, and RFC 6582's window after a full
 * acknowledgment. The recovery itself (retransmissions, inflation,
 * deflation) is tcp_input.c's, see cc.h.
 */

#include <rte_common.h>

#include "tt_tcp.h"

static void
newreno_init(struct tt_tcb *t)
{
	RTE_SET_USED(t);
}

/* RFC 5681 §3.1: slow start by at most SMSS per ACK, then about SMSS per RTT. */
static void
newreno_on_ack(struct tt_tcb *t, uint32_t acked, uint64_t now_us)
{
	RTE_SET_USED(now_us);
	if (t->snd.cwnd < t->snd.ssthresh)
		t->snd.cwnd += RTE_MIN(acked, (uint32_t)t->mss);
	else
		t->snd.cwnd += RTE_MAX(1u, (uint32_t)t->mss * t->mss / t->snd.cwnd);
}

/* RFC 5681 §3.2 step 2 (eq. 4); RFC 6582 §3.2 step 2 then inflates by 3 SMSS. */
static void
newreno_on_loss(struct tt_tcb *t, uint32_t flight, uint64_t now_us)
{
	RTE_SET_USED(now_us);
	t->snd.ssthresh = RTE_MAX(flight / 2, 2u * t->mss);
	t->snd.cwnd = t->snd.ssthresh;
}

/* RFC 5681 §3.1 eq. 4 and the loss window LW = 1 SMSS. */
static void
newreno_on_rto(struct tt_tcb *t, uint32_t flight, uint64_t now_us)
{
	RTE_SET_USED(now_us);
	t->snd.ssthresh = RTE_MAX(flight / 2, 2u * t->mss);
	t->snd.cwnd = t->mss;
}

const struct tt_cc_algo tt_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.on_ack = newreno_on_ack,
	.on_loss = newreno_on_loss,
	.on_recovery_exit = tt_cc_recovery_exit_default,
	.on_rto = newreno_on_rto,
};
