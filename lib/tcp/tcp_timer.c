/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * What each TCP timer does when it fires.
 *
 * A TCB has one wheel entry and three deadline slots (STYLE habit 13),
 * each holding one timer kind at a time (enum tt_timer_slot, tt_tcp.h).
 * Setting a deadline later than the wheel entry leaves the wheel alone, so
 * re-arming the retransmission timer on every ACK costs a store; setting an
 * earlier one moves the entry (O(1)). When the entry fires, every slot whose
 * deadline has passed runs its kind, and the entry is re-armed at the
 * earliest deadline left. TIME_WAIT records expire from their own table
 * (tcb.c).
 *
 * The send slot holds one of RTX, PERSIST and LOSS. PERSIST runs only with
 * nothing in flight, when RTX has nothing to watch. LOSS (a tail loss probe
 * or the recovery timer) is always due before the RTO would be, and holds
 * the slot instead of it: when LOSS fires or is stopped with data still in
 * flight, the RTO starts again from then (tcp_loss_timer_stop(); RFC 8985
 * §7.3: after a probe, re-arm the RTO, not the probe timer).
 *
 * Deadlines are the low 32 bits of the ms tick, compared with the clock in
 * sequence-space fashion (every timer is due within 2^31 ms, 24 days, of
 * being set: the longest, keepalive, is at most a day), and 0 means off: a
 * deadline whose low bits are 0 is stored as 1, a millisecond late once
 * every 49.7 days.
 */

#include <rte_common.h>

#include "tt_tcp.h"

void
tcb_timer_set(struct tt_worker *w, struct tt_tcb *t, enum tt_timer_kind k, uint64_t at_ms)
{
	unsigned int s = tcb_timer_slot(k);

	t->deadline[s] = (uint32_t)at_ms == 0 ? 1 : (uint32_t)at_ms;
	t->tkind[s] = (uint8_t)k;
	if (!tt_wheel_armed(&t->tnode) || tt_wheel_before((uint32_t)at_ms, t->tnode.expire))
		tt_wheel_arm(&w->wheel, &t->tnode, (uint32_t)at_ms);
}

/* RFC 6298 §2: SRTT and RTTVAR from one measurement (microseconds). */
void
tcp_rto_sample(struct tt_tcb *t, uint32_t rtt_us)
{
	t->flags &= ~TT_TF_RTO_SYN;	/* RFC 6298 §5.7: until the next sample */
	if (rtt_us == 0)
		rtt_us = 1;
	if (t->srtt == 0) {
		t->srtt = rtt_us;
		t->rttvar = rtt_us / 2;
	} else {
		uint32_t delta = t->srtt > rtt_us ? t->srtt - rtt_us : rtt_us - t->srtt;

		t->rttvar = (3 * t->rttvar + delta) / 4;
		t->srtt = (7 * t->srtt + rtt_us) / 8;
	}
}

/*
 * RFC 6298 §2: the RTO before back-off, in ms: rto_init_ms until the first
 * sample (srtt 0; a sample is at least 1 µs), then SRTT + max(G, 4 RTTVAR)
 * within [rto_min_ms, rto_max_ms]; at least 3 s after a timed-out
 * handshake until the next sample (§5.7, TT_TF_RTO_SYN). Computed, not
 * stored: four bytes less per connection, a few operations per call.
 */
uint32_t
tcp_rto_base(const struct tt_tcb *t, const struct tt_tcp_cfg *cfg)
{
	uint64_t rto;

	if (t->srtt == 0) {
		rto = cfg->rto_init_ms;
	} else {
		uint64_t rto_us = t->srtt + RTE_MAX((uint64_t)TT_TICK_US, 4 * (uint64_t)t->rttvar);

		rto = RTE_MIN(RTE_MAX((rto_us + 999) / 1000, (uint64_t)cfg->rto_min_ms),
			      (uint64_t)cfg->rto_max_ms);
	}
	if (unlikely(t->flags & TT_TF_RTO_SYN) && rto < TT_RTO_AFTER_SYN_TIMEOUT_MS)
		rto = RTE_MIN((uint64_t)TT_RTO_AFTER_SYN_TIMEOUT_MS, (uint64_t)cfg->rto_max_ms);
	return (uint32_t)rto;
}

/* RFC 6298 §5.5: the current RTO with exponential back-off, capped. */
uint32_t
tcp_rto_current(const struct tt_tcb *t, const struct tt_tcp_cfg *cfg)
{
	uint64_t rto = (uint64_t)tcp_rto_base(t, cfg) << RTE_MIN(t->rxt_shift, 31);

	return (uint32_t)RTE_MIN(rto, (uint64_t)cfg->rto_max_ms);
}

/* RFC 6298 §5.4-5.7 and RFC 5681 §3.1 (loss on RTO): go back to snd.una. */
static void
timer_rtx(struct tt_worker *w, struct tt_tcb *t)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;

	if (t->snd.una == t->snd.max)
		return;
	if (t->state == TT_SYN_RCVD || t->state == TT_SYN_SENT) {
		if (t->rxt_shift >= cfg->syn_retries) {
			TT_STAT_INC(w, conn_timeout);
			if (t->flags & TT_TF_ACTIVE)
				TT_STAT_INC(w, active_open_failed);
			tcb_close(w, t, TT_CLOSE_TIMEOUT);
			return;
		}
		TT_STAT_INC(w, syn_ack_retransmits);
	} else if (t->rxt_shift >= cfg->max_retries) {
		TT_STAT_INC(w, conn_timeout);
		tcp_send_rst(w, t);
		tcb_close(w, t, TT_CLOSE_TIMEOUT);
		return;
	}
	t->rxt_shift++;
	TT_STAT_INC(w, rto_expired);
	tcb_cc(t)->on_rto(t, t->snd.max - t->snd.una, w->now_us);
	t->flags &= ~(TT_TF_IN_RECOVERY | TT_TF_RTT_TIMING | TT_TF_TLP | TT_TF_UNDO);	/* Karn */
	t->loss_shift = 0;
	t->dupacks = 0;
	t->lt_bytes = 0;
	if (t->ext_idx != 0)
		tcb_ext(t)->n_sacked = 0;	/* RFC 6675 §5.1: everything unacknowledged counts as lost */
	t->snd.recover = t->snd.max;	/* RFC 6582 §3.2 step 1: no fast recovery below it */
	t->snd.nxt = t->snd.una;
	tcp_output(w, t);
	tcb_timer_set(w, t, TT_TIMER_RTX, w->now_ms + tcp_rto_current(t, cfg));
}

/* RFC 9293 §3.8.6.1: probe a zero window, backing off like retransmissions. */
static void
timer_persist(struct tt_worker *w, struct tt_tcb *t)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;

	if (t->snd.wnd != 0 || !seq_lt(t->snd.nxt, t->snd.end))
		return;
	/*
	 * RFC 9293 §3.8.6.1: give up on probes the peer left unanswered; and,
	 * since a peer that answers but never opens its window would hold the
	 * connection and its send queue for ever (RFC 9293 §3.8.6.1 lets an
	 * implementation bound that against resource exhaustion), after
	 * zero_window_timeout_ms with the window shut.
	 */
	if (t->probes >= cfg->max_retries ||
	    (cfg->zero_window_timeout_ms != 0 && (t->flags & TT_TF_ZWND) &&
	     (uint32_t)w->now_ms - t->zwnd_since >= cfg->zero_window_timeout_ms)) {
		TT_STAT_INC(w, conn_timeout);
		tcp_send_rst(w, t);
		tcb_close(w, t, TT_CLOSE_TIMEOUT);
		return;
	}
	t->probes++;
	if (t->rxt_shift < 31)		/* back-off saturates; the series may be endless */
		t->rxt_shift++;
	TT_STAT_INC(w, persist_probes);
	/* An old sequence number draws an ACK carrying the current window. */
	tcp_send_probe(w, t, t->snd.una - 1);
	tcb_timer_set(w, t, TT_TIMER_PERSIST, w->now_ms + tcp_rto_current(t, cfg));
}

/* RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: the delayed ACK is due. */
static void
timer_delack(struct tt_worker *w, struct tt_tcb *t)
{
	if (!(t->flags & TT_TF_DELACK))
		return;
	TT_STAT_INC(w, delayed_acks);
	t->flags |= TT_TF_ACKNOW;
	tcp_output(w, t);
}

/* FIN_WAIT_2 with a silent peer: give up (the peer gets a RST if it speaks again). */
static void
timer_conn(struct tt_worker *w, struct tt_tcb *t)
{
	if (t->state != TT_FIN_WAIT_2)
		return;
	TT_STAT_INC(w, conn_timeout);
	tcp_send_rst(w, t);
	tcb_close(w, t, TT_CLOSE_TIMEOUT);
}

/*
 * RFC 1122 §4.2.3.6 (RFC 9293 §3.8.4): keepalive_idle_ms after the peer
 * last spoke, an idle connection gets a probe, then one every
 * keepalive_interval_ms; after keepalive_count unanswered probes it is
 * reset. Any acceptable segment restarts the idle time
 * (tcb_keepalive_reset()). A connection is idle only in ESTABLISHED,
 * CLOSE_WAIT or FIN_WAIT_2 with nothing in flight or waiting: otherwise
 * the RTX or persist timer already watches the peer, and keepalive looks
 * again after another idle period.
 */
static void
timer_keepalive(struct tt_worker *w, struct tt_tcb *t)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;

	if (!(t->flags & TT_TF_KEEPALIVE))
		return;
	if ((t->state != TT_ESTABLISHED && t->state != TT_CLOSE_WAIT &&
	     t->state != TT_FIN_WAIT_2) ||
	    t->snd.una != t->snd.max || seq_lt(t->snd.nxt, t->snd.end)) {
		t->ka_probes = 0;
		tcb_timer_set(w, t, TT_TIMER_KEEPALIVE, w->now_ms + cfg->keepalive_idle_ms);
		return;
	}
	if (t->ka_probes >= cfg->keepalive_count) {
		TT_STAT_INC(w, conn_timeout);
		tcp_send_rst(w, t);
		tcb_close(w, t, TT_CLOSE_TIMEOUT);
		return;
	}
	t->ka_probes++;
	TT_STAT_INC(w, keepalive_probes);
	/*
	 * <SEQ=SND.NXT-1><ACK=RCV.NXT>, no data: an old sequence number that
	 * the peer must answer with an ACK.
	 */
	tcp_send_probe(w, t, t->snd.nxt - 1);
	tcb_timer_set(w, t, TT_TIMER_KEEPALIVE, w->now_ms + cfg->keepalive_interval_ms);
}

/*
 * Time-based loss detection on a SACK connection (RFC 8985, reduced to
 * what a scoreboard of ranges supports). Two jobs share the LOSS timer:
 *
 * - In recovery, a retransmitted hole that is still unfilled once every
 *   retransmission is older than SRTT + SRTT/4 (RACK's reordering window)
 *   was lost again: RFC 6675 alone never sends it twice and waits for the
 *   RTO. HighRxt goes back to snd.una and the holes go out again (checked
 *   on each ACK, tcp_lost_retransmits()); and when ACKs stop for that long
 *   in recovery, the first hole goes regardless (timer_loss()).
 * - Outside recovery, a tail loss probe (RFC 8985 §7) 2 SRTT after the
 *   last send or ACK of new data: one segment (new data, else the last one
 *   sent again) whose ACK carries the SACK blocks that start recovery,
 *   where otherwise only the RTO would tell.
 */
static uint32_t
rack_wait_ms(const struct tt_tcb *t)
{
	return (t->srtt + t->srtt / 4 + 999) / 1000 + 1;
}

#define LOSS_SHIFT_MAX 10	/* the recovery timer's back-off: at most 1024 x */
#define TLP_DELACK_MS 200	/* RFC 8985 §7.2 WCDelAckT: a lone segment may wait for a delayed ACK */

/* RFC 8985 §7.2: the probe timeout, 2 SRTT, plus WCDelAckT for a lone segment. */
static uint32_t
tlp_pto_ms(const struct tt_tcb *t)
{
	uint32_t pto = 2 * ((t->srtt + 999) / 1000) + 1;

	if (t->snd.max - t->snd.una <= t->mss)
		pto += TLP_DELACK_MS;
	return pto;
}

void
tcp_loss_timer_arm(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t rto = tcp_rto_current(t, &w->cfg->tcp);
	uint64_t at;

	if (!(t->flags & TT_TF_SACK) || t->snd.una == t->snd.max || t->srtt == 0 ||
	    seq_lt(t->snd.nxt, t->snd.max) ||	/* going back after an RTO */
	    (t->state != TT_ESTABLISHED && t->state != TT_CLOSE_WAIT &&
	     t->state != TT_FIN_WAIT_1 && t->state != TT_CLOSING && t->state != TT_LAST_ACK)) {
		tcp_loss_timer_stop(w, t);
		return;
	}
	if (t->flags & TT_TF_IN_RECOVERY) {
		uint64_t wait = (uint64_t)rack_wait_ms(t) << t->loss_shift;
		uint64_t spent = wait - rack_wait_ms(t);	/* the earlier waits since news */

		/*
		 * An ACK with news stops it (tcp_ack_new(), tcp_input's SACK
		 * step) and it starts again here: it fires when news stops, and
		 * again after twice as long, four times... until an ACK brings
		 * news (loss_shift back to 0): a dead peer gets a handful of
		 * these before the RTO, not one every SRTT + SRTT/4. Other
		 * segments do not put it off, so a peer that keeps talking
		 * without filling the hole still meets it. Once the waits since
		 * news add up to the RTO, the RTO takes over the slot, due an
		 * RTO after the news, as it would have been had it run all along.
		 */
		if (tcb_timer_deadline(t, TT_TIMER_LOSS) != 0 &&
		    (int32_t)(tcb_timer_deadline(t, TT_TIMER_LOSS) - (uint32_t)w->now_ms) > 0)
			return;
		if (spent + wait >= rto) {
			tcb_timer_clear(t, TT_TIMER_LOSS);
			if (t->deadline[TT_TSLOT_SEND] == 0)
				tcb_timer_set(w, t, TT_TIMER_RTX, w->now_ms + rto - RTE_MIN(spent, (uint64_t)rto));
			return;
		}
		at = w->now_ms + wait;
	} else {
		uint32_t pto = tlp_pto_ms(t);

		if (t->flags & TT_TF_TLP) {
			tcp_loss_timer_stop(w, t);	/* one probe; then the RTO */
			return;
		}
		/*
		 * RFC 8985 §7.2: armed when new data goes out or new data is
		 * acknowledged (both clear the deadline first), not put off by
		 * every segment we send or take.
		 */
		if (tcb_timer_deadline(t, TT_TIMER_LOSS) != 0 &&
		    (int32_t)(tcb_timer_deadline(t, TT_TIMER_LOSS) - (uint32_t)w->now_ms) > 0)
			return;
		if (pto >= rto) {
			tcp_loss_timer_stop(w, t);
			return;
		}
		at = w->now_ms + pto;
	}
	tcb_timer_set(w, t, TT_TIMER_LOSS, at);
}

/*
 * The loss timer gives the send slot back: with data in flight the RTO
 * runs again from now (RFC 8985 §7.3), as when the RTO was last restarted;
 * an RTX or PERSIST deadline in the slot stays as it is.
 */
void
tcp_loss_timer_stop(struct tt_worker *w, struct tt_tcb *t)
{
	tcb_timer_clear(t, TT_TIMER_LOSS);
	if (t->deadline[TT_TSLOT_SEND] == 0 && t->snd.una != t->snd.max)
		tcb_timer_set(w, t, TT_TIMER_RTX, w->now_ms + tcp_rto_current(t, &w->cfg->tcp));
}

/*
 * In recovery: are the retransmitted holes below HighRxt overdue? If so,
 * send them again (the caller runs tcp_output()). @return true if so.
 */
bool
tcp_lost_retransmits(struct tt_worker *w, struct tt_tcb *t)
{
	struct tt_tcb_ext *x = tcb_ext(t);

	if (!(t->flags & TT_TF_IN_RECOVERY) || !(t->flags & TT_TF_SACK) || x == NULL ||
	    !seq_lt(t->snd.una, x->high_rxt) ||
	    (uint32_t)w->now_ms - x->rxt_last_ms < rack_wait_ms(t))
		return false;
	TT_STAT_INC(w, lost_retransmits);
	x->high_rxt = t->snd.una;
	return true;
}

static void
timer_loss(struct tt_worker *w, struct tt_tcb *t)
{
	if (t->snd.una == t->snd.max)
		return;
	if (!(t->flags & TT_TF_SACK)) {
		tcp_loss_timer_stop(w, t);
		return;
	}
	if (t->flags & TT_TF_IN_RECOVERY) {
		/*
		 * No ACK for SRTT + SRTT/4: what was retransmitted is lost
		 * again, and the first hole goes now even if the scoreboard
		 * does not call it lost yet or pipe says wait (RACK marks it
		 * lost by time; RFC 6675's rescue retransmission is the same
		 * idea), since only the RTO would come after.
		 */
		(void)tcp_lost_retransmits(w, t);
		TT_STAT_INC(w, recovery_timeouts);
		if (t->loss_shift < LOSS_SHIFT_MAX)
			t->loss_shift++;
		tcp_retransmit_hole(w, t);	/* one segment: no burst without an ACK */
		tcp_loss_timer_arm(w, t);
		return;
	}
	if (!(t->flags & TT_TF_TLP)) {
		uint32_t rto = tcp_rto_current(t, &w->cfg->tcp);
		uint32_t pto = RTE_MIN(tlp_pto_ms(t), rto);

		t->flags |= TT_TF_TLP;
		TT_STAT_INC(w, tail_loss_probes);
		tcp_send_tlp(w, t);
		/*
		 * RFC 8985 §7.3: the RTO, not another probe, watches what is
		 * in flight; due an RTO after the probe timer was armed (as
		 * Linux counts it from the first unacknowledged segment's
		 * transmission), as if it had run meanwhile.
		 */
		if (t->snd.una != t->snd.max)
			tcb_timer_set(w, t, TT_TIMER_RTX, w->now_ms + rto - pto);
		return;
	}
	tcp_loss_timer_stop(w, t);
}

typedef void (*timer_fn)(struct tt_worker *w, struct tt_tcb *t);

static const timer_fn timer_handlers[TT_NB_TIMERS] = {
	[TT_TIMER_RTX] = timer_rtx,
	[TT_TIMER_PERSIST] = timer_persist,
	[TT_TIMER_DELACK] = timer_delack,
	[TT_TIMER_CONN] = timer_conn,
	[TT_TIMER_KEEPALIVE] = timer_keepalive,
	[TT_TIMER_LOSS] = timer_loss,
};

/* Re-arm the TCB's wheel entry at its earliest deadline, or release it if it was closed. */
void
tcb_unbusy(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t first_rel = UINT32_MAX;
	uint32_t first;
	unsigned int k;

	t->flags &= ~TT_TF_BUSY;
	if (t->flags & TT_TF_FREE) {
		tcb_release(w, t);
		return;
	}
	if (t->ext_idx != 0)
		tcb_ext_put(w, t);
	/* The earliest armed deadline, one already past counting as now. */
	for (k = 0; k < TT_NB_TSLOTS; k++) {
		int32_t rel;

		if (t->deadline[k] == 0)
			continue;
		rel = (int32_t)(t->deadline[k] - (uint32_t)w->now_ms);
		if (rel < 0)
			rel = 0;
		if ((uint32_t)rel < first_rel)
			first_rel = (uint32_t)rel;
	}
	if (first_rel == UINT32_MAX)
		return;
	first = (uint32_t)w->now_ms + first_rel;
	if (!tt_wheel_armed(&t->tnode) || tt_wheel_before(first, t->tnode.expire))
		tt_wheel_arm(&w->wheel, &t->tnode, first);
}

void
tcp_wheel_expire(struct tt_wheel_node *n, void *arg)
{
	struct tt_worker *w = arg;
	struct tt_tcb *t;
	unsigned int k;

	t = container_of(n, struct tt_tcb, tnode);
	t->flags |= TT_TF_BUSY;
	for (k = 0; k < TT_NB_TSLOTS; k++) {
		if (t->deadline[k] == 0 || (int32_t)(t->deadline[k] - (uint32_t)w->now_ms) > 0)
			continue;
		t->deadline[k] = 0;
		timer_handlers[t->tkind[k]](w, t);
		if (t->flags & TT_TF_FREE)
			break;
	}
	tcb_unbusy(w, t);
}
