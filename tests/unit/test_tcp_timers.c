/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Timers on the virtual clock, one (state, timer event) per test: SYN-ACK
 * and data retransmission (RFC 6298, Karn), delayed ACKs (RFC 1122
 * §4.2.3.2, RFC 5681 §4.2), FIN retransmission, the FIN_WAIT_2 timeout,
 * 2MSL and zero-window probes (RFC 9293 §3.8.6.1). Every deadline is
 * checked from both sides: nothing one tick before, exactly one segment at it.
 * Defaults: rto_init 1000 ms, rto_min 200, rto_max 60000, max_retries 8,
 * syn_retries 5, delayed_ack 40 ms; the harness sets time_wait 2000 ms.
 */

#include <stdlib.h>
#include <string.h>

#include "tt_harness.h"

#define WIN 65535
#define MSS 1460

static const char GET_CLOSE[] = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
#define GET_LEN ((uint32_t)sizeof(GET_CLOSE) - 1)

/* Advance to one tick before @p ms from now and assert silence, then to it. */
static void
advance_to_deadline(struct th *h, uint64_t ms)
{
	th_advance(h, ms - 1);
	th_expect_none(h);
	th_advance(h, 1);
}

/*
 * Handshake whose ACK arrives @p rtt_ms after the SYN-ACK (one RTT sample,
 * RFC 6298 §2.2) and advertises @p win.
 */
static void
handshake_rtt(struct th *h, uint16_t port, uint32_t rtt_ms, uint16_t win)
{
	h->local_port = port;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_advance(h, rtt_ms);
	th_expect_none(h);
	th_send(h, "A", 1, 1, win, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* ---- SYN_RCVD: SYN-ACK retransmission ---- */

/* RFC 6298 §5.5: 1000, 2000, 4000, 8000, 16000 ms; after syn_retries the half-open TCB goes. */
static void
test_syn_rcvd_synack_rto_backoff_then_dropped(void **state)
{
	struct th *h = *state;
	uint64_t rto = 1000;
	unsigned int i;

	h->local_port = 7;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	for (i = 1; i <= 5; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "SA", 0, 1, 0);
		assert_int_equal(h->last.mss, 1460);
		th_expect_none(h);
		assert_int_equal(th_stat(h, syn_ack_retransmits), i);
		assert_int_equal(th_tcb(h)->rxt_shift, i);
		rto *= 2;
	}
	/* The sixth expiry (32 s) gives up silently. */
	advance_to_deadline(h, rto);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
	assert_int_equal(th_stat(h, conn_timeout), 1);
	assert_int_equal(th_stat(h, syn_ack_retransmits), 5);
	assert_int_equal(th_stat(h, conn_established), 0);
}

/*
 * RFC 6298 §5.7: the retransmission timer expired awaiting the ACK of our
 * SYN, so RTO starts at 3 s when data transmission begins; Karn: no sample.
 */
static void
test_syn_rcvd_synack_rtx_then_ack_rto_3s(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	h->local_port = 7;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	advance_to_deadline(h, 1000);
	th_expect(h, "SA", 0, 1, 0);
	th_advance(h, 10);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	t = th_tcb(h);
	assert_int_equal(t->srtt, 0);
	assert_int_equal(t->rxt_shift, 0);
	assert_int_equal(tcp_rto_base(t, &h->w->cfg->tcp), 3000);
	th_send(h, "PA", 1, 1, WIN, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	advance_to_deadline(h, 3000);
	th_expect(h, "PA", 1, 6, 5);
	th_expect_none(h);
}

/* ---- ESTABLISHED: data retransmission (RFC 6298) ---- */

/* RTT 100 ms: SRTT 100, RTTVAR 50, RTO = SRTT + 4*RTTVAR = 300 ms (above rto_min). */
static void
test_established_rto_from_rtt_sample(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_rtt(h, 7, 100, WIN);
	t = th_tcb(h);
	assert_int_equal(t->srtt, 100000);
	assert_int_equal(t->rttvar, 50000);
	assert_int_equal(tcp_rto_base(t, &h->w->cfg->tcp), 300);
	th_send(h, "PA", 1, 1, WIN, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), h->now_us / 1000 + 300);
	advance_to_deadline(h, 300);
	th_expect(h, "PA", 1, 6, 5);
	assert_memory_equal(h->last.data, "hello", 5);
	th_expect_none(h);
	assert_int_equal(th_stat(h, retransmits), 1);
	assert_int_equal(th_stat(h, rto_expired), 1);
	assert_int_equal(t->rxt_shift, 1);
}

/* RTT 50 ms: SRTT + 4*RTTVAR = 150 ms, so rto_min (200) applies. */
static void
test_established_rto_clamped_to_rto_min(void **state)
{
	struct th *h = *state;

	handshake_rtt(h, 7, 50, WIN);
	assert_int_equal(th_tcb(h)->srtt, 50000);
	assert_int_equal(th_tcb(h)->rttvar, 25000);
	assert_int_equal(tcp_rto_base(th_tcb(h), &h->w->cfg->tcp), 200);
	th_send(h, "PA", 1, 1, WIN, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	advance_to_deadline(h, 200);
	th_expect(h, "PA", 1, 6, 5);
	th_expect_none(h);
}

/* A second clean sample: SRTT = 7/8 SRTT + 1/8 R, RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|. */
static void
test_established_second_rtt_sample(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_rtt(h, 7, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	th_advance(h, 200);
	th_expect_none(h);
	th_send(h, "A", 6, 6, WIN, NULL, 0);
	t = th_tcb(h);
	assert_int_equal(t->rttvar, 62500);	/* (3*50000 + |100000-200000|) / 4 */
	assert_int_equal(t->srtt, 112500);	/* (7*100000 + 200000) / 8 */
	assert_int_equal(tcp_rto_base(t, &h->w->cfg->tcp), 363);	/* 112.5 + 250 ms, rounded up */
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), 0);
	th_send(h, "PA", 6, 6, WIN, "again", 5);
	th_expect(h, "PA", 6, 11, 5);
	advance_to_deadline(h, 363);
	th_expect(h, "PA", 6, 11, 5);
	th_expect_none(h);
}

/*
 * RFC 6298 §5.5: doubling on every expiry, capped at rto_max (60 s); after
 * max_retries (8) retransmissions the next expiry resets the connection.
 */
static void
test_established_rto_backoff_then_reset(void **state)
{
	struct th *h = *state;
	uint64_t rto = 300;
	unsigned int i;

	handshake_rtt(h, 7, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	for (i = 1; i <= 8; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "PA", 1, 6, 5);
		th_expect_none(h);
		assert_int_equal(th_tcb(h)->rxt_shift, i);
		assert_int_equal(th_stat(h, retransmits), i);
		rto = RTE_MIN(rto * 2, (uint64_t)60000);
	}
	assert_int_equal(rto, 60000);		/* 300 << 8 = 76800, capped */
	advance_to_deadline(h, rto);
	/* <SEQ=SND.NXT><CTL=RST> (with ACK) and the connection is gone. */
	th_expect(h, "RA", 6, 6, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_ESTABLISHED), 0);
	assert_int_equal(th_stat(h, conn_timeout), 1);
	assert_int_equal(th_stat(h, conn_reset_tx), 1);
}

/* Karn's rule: the ACK of a retransmitted segment is no RTT sample. */
static void
test_established_karn_no_sample_from_retransmission(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_rtt(h, 7, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	advance_to_deadline(h, 300);
	th_expect(h, "PA", 1, 6, 5);
	th_advance(h, 10);
	th_send(h, "A", 6, 6, WIN, NULL, 0);
	th_expect_none(h);
	t = th_tcb(h);
	assert_int_equal(t->snd.una, h->iss + 6);
	assert_int_equal(t->srtt, 100000);
	assert_int_equal(t->rttvar, 50000);
	assert_int_equal(tcp_rto_base(t, &h->w->cfg->tcp), 300);
	/* New data is timed again. */
	th_send(h, "PA", 6, 6, WIN, "again", 5);
	th_expect(h, "PA", 6, 11, 5);
	th_advance(h, 100);
	th_send(h, "A", 11, 11, WIN, NULL, 0);
	assert_int_equal(t->srtt, 100000);	/* (7*100000 + 100000) / 8 */
	assert_int_equal(t->rttvar, 37500);	/* (3*50000 + 0) / 4 */
	assert_int_equal(tcp_rto_base(t, &h->w->cfg->tcp), 250);
}

/* An ACK of new data ends the back-off: the next segment waits one plain RTO. */
static void
test_established_ack_resets_backoff(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_rtt(h, 7, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, "a", 1);
	th_expect(h, "PA", 1, 2, 1);
	advance_to_deadline(h, 300);
	th_expect(h, "PA", 1, 2, 1);
	advance_to_deadline(h, 600);
	th_expect(h, "PA", 1, 2, 1);
	t = th_tcb(h);
	assert_int_equal(t->rxt_shift, 2);
	th_send(h, "A", 2, 2, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(t->rxt_shift, 0);
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), 0);
	th_send(h, "PA", 2, 2, WIN, "b", 1);
	th_expect(h, "PA", 2, 3, 1);
	advance_to_deadline(h, 300);
	th_expect(h, "PA", 2, 3, 1);
	th_expect_none(h);
}

/* A partial ACK while backed off restarts the timer at the plain RTO (RFC 6298 §5.3). */
static void
test_established_partial_ack_restarts_rto(void **state)
{
	struct th *h = *state;

	handshake_rtt(h, 7, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, "a", 1);
	th_expect(h, "PA", 1, 2, 1);
	th_advance(h, 100);
	th_send(h, "PA", 2, 1, WIN, "b", 1);
	th_expect(h, "PA", 2, 3, 1);
	/* The timer runs from the first segment. */
	advance_to_deadline(h, 200);
	th_expect(h, "PA", 1, 3, 2);		/* go back to SND.UNA: both bytes */
	th_expect_none(h);
	th_advance(h, 50);
	th_send(h, "A", 3, 2, WIN, NULL, 0);	/* acknowledges 'a' only */
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->rxt_shift, 0);
	advance_to_deadline(h, 300);
	th_expect(h, "PA", 2, 3, 1);
	th_expect_none(h);
}

/* ---- ESTABLISHED: delayed ACK ---- */

static uint8_t payload[2 * MSS];

/* One full-sized segment: the ACK waits exactly delayed_ack_ms. */
static void
test_established_one_segment_delayed_ack(void **state)
{
	struct th *h = *state;

	th_handshake(h, 9);
	th_send(h, "A", 1, 1, WIN, payload, MSS);
	th_expect_none(h);
	advance_to_deadline(h, 40);
	th_expect(h, "A", 1, 1 + MSS, 0);
	assert_int_equal(h->last.win, WIN);
	th_expect_none(h);
	assert_int_equal(th_stat(h, delayed_acks), 1);
	th_advance(h, 1000);
	th_expect_none(h);
}

/* RFC 1122 §4.2.3.2 / RFC 5681 §4.2: at least every second full-sized segment, at once. */
static void
test_established_two_segments_acked_at_once(void **state)
{
	struct th *h = *state;

	th_handshake(h, 9);
	th_send(h, "A", 1, 1, WIN, payload, MSS);
	th_expect_none(h);
	th_advance(h, 20);
	th_expect_none(h);
	th_send(h, "A", 1 + MSS, 1, WIN, payload + MSS, MSS);
	th_expect(h, "A", 1, 1 + 2 * MSS, 0);
	th_expect_none(h);
	/* The pending delayed ACK went with it. */
	th_advance(h, 100);
	th_expect_none(h);
	assert_int_equal(th_stat(h, delayed_acks), 0);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_DELACK), 0);
}

/* RFC 5681 §4.2: an out-of-order segment draws a duplicate ACK at once. */
static void
test_established_ooo_segment_acked_at_once(void **state)
{
	struct th *h = *state;

	th_handshake(h, 9);
	th_send(h, "A", 101, 1, WIN, payload, 100);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, ooo_segs_rx), 1);
	th_advance(h, 100);
	th_expect_none(h);
}

/* A segment that fills the gap is ACKed at once, up to the end of what was queued. */
static void
test_established_gap_fill_acked_at_once(void **state)
{
	struct th *h = *state;

	th_handshake(h, 9);
	th_send(h, "A", 101, 1, WIN, payload, 100);
	th_expect(h, "A", 1, 1, 0);
	th_send(h, "A", 1, 1, WIN, payload, 100);
	th_expect(h, "A", 1, 201, 0);
	th_expect_none(h);
	th_advance(h, 100);
	th_expect_none(h);
	assert_int_equal(th_stat(h, delayed_acks), 0);
}

/* ---- FIN_WAIT_1: FIN retransmission ---- */

/* Nothing acknowledged: response and FIN go again together at RTO, 2*RTO, 4*RTO. */
static void
test_fin_wait_1_fin_retransmitted_with_backoff(void **state)
{
	struct th *h = *state;
	uint32_t rlen;
	uint64_t rto = 300;
	unsigned int i;

	handshake_rtt(h, 80, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, GET_LEN);
	th_expect(h, "FPA", 1, 1 + GET_LEN, TH_ANY_LEN);
	rlen = h->last.len;
	assert_true(rlen > 0 && rlen <= MSS);
	assert_int_equal(th_state(h), TT_FIN_WAIT_1);
	for (i = 0; i < 3; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "FPA", 1, 1 + GET_LEN, rlen);
		th_expect_none(h);
		rto *= 2;
	}
	assert_int_equal(th_state(h), TT_FIN_WAIT_1);
	th_send(h, "A", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_2);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_RTX), 0);
}

/* The data acknowledged, the FIN not: a bare FIN at RTO (reset by that ACK), then 2*RTO. */
static void
test_fin_wait_1_bare_fin_retransmitted(void **state)
{
	struct th *h = *state;
	uint32_t rlen;

	handshake_rtt(h, 80, 100, WIN);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, GET_LEN);
	th_expect(h, "FPA", 1, 1 + GET_LEN, TH_ANY_LEN);
	rlen = h->last.len;
	th_advance(h, 100);
	th_send(h, "A", 1 + GET_LEN, 1 + rlen, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_1);
	/* That ACK timed the response: R = 100 ms, so SRTT 100, RTTVAR 37.5, RTO 250 ms. */
	assert_int_equal(th_tcb(h)->srtt, 100000);
	assert_int_equal(th_tcb(h)->rttvar, 37500);
	assert_int_equal(tcp_rto_base(th_tcb(h), &h->w->cfg->tcp), 250);
	advance_to_deadline(h, 250);
	th_expect(h, "FA", 1 + rlen, 1 + GET_LEN, 0);
	th_expect_none(h);
	advance_to_deadline(h, 500);
	th_expect(h, "FA", 1 + rlen, 1 + GET_LEN, 0);
	th_expect_none(h);
	advance_to_deadline(h, 1000);
	th_expect(h, "FA", 1 + rlen, 1 + GET_LEN, 0);
	th_expect_none(h);
	th_send(h, "FA", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + GET_LEN, 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
}

/* ---- FIN_WAIT_2 timeout ---- */

static int
fw2_setup(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.fin_wait_2_ms = 100;
	th_start(h);
	*state = h;
	return 0;
}

/* Our FIN acknowledged, the peer silent: reset after exactly fin_wait_2_ms. */
static void
test_fin_wait_2_timeout_resets(void **state)
{
	struct th *h = *state;
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, GET_LEN);
	th_expect(h, "FPA", 1, 1 + GET_LEN, TH_ANY_LEN);
	rlen = h->last.len;
	th_send(h, "A", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_2);
	th_advance(h, 99);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_2);
	th_advance(h, 1);
	th_expect(h, "RA", 2 + rlen, 1 + GET_LEN, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_FIN_WAIT_2), 0);
	assert_int_equal(th_stat(h, conn_timeout), 1);
}

/* The peer's FIN before the timeout: TIME_WAIT, and the FIN_WAIT_2 timer is gone with the TCB. */
static void
test_fin_wait_2_peer_fin_before_timeout(void **state)
{
	struct th *h = *state;
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, GET_LEN);
	th_expect(h, "FPA", 1, 1 + GET_LEN, TH_ANY_LEN);
	rlen = h->last.len;
	th_send(h, "A", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_advance(h, 99);
	th_send(h, "FA", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + GET_LEN, 0);
	th_advance(h, 200);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	assert_int_equal(th_stat(h, conn_timeout), 0);
}

/* ---- TIME_WAIT: 2MSL per connection ---- */

static void
http_to_time_wait(struct th *h)
{
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, GET_LEN);
	th_expect(h, "FPA", 1, 1 + GET_LEN, TH_ANY_LEN);
	rlen = h->last.len;
	th_send(h, "FA", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + GET_LEN, 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
}

static int
state_of(struct th *h, uint16_t peer_port)
{
	uint16_t save = h->peer_port;
	int s;

	h->peer_port = peer_port;
	s = th_state(h);
	h->peer_port = save;
	return s;
}

/* Three connections enter TIME_WAIT at 0, 500 and 1200 ms; each leaves exactly 2000 ms later. */
static void
test_time_wait_several_expire_each_at_2msl(void **state)
{
	struct th *h = *state;
	const uint16_t a = 40001, b = 40002, c = 40003;

	h->peer_port = a;
	http_to_time_wait(h);
	th_advance(h, 500);
	h->peer_port = b;
	http_to_time_wait(h);
	th_advance(h, 700);
	h->peer_port = c;
	http_to_time_wait(h);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 3);

	th_advance(h, 799);			/* t = 1999 */
	assert_int_equal(state_of(h, a), TT_TIME_WAIT);
	th_advance(h, 1);			/* t = 2000 */
	assert_int_equal(state_of(h, a), TT_CLOSED);
	assert_int_equal(state_of(h, b), TT_TIME_WAIT);
	assert_int_equal(state_of(h, c), TT_TIME_WAIT);
	assert_int_equal(th_stat(h, time_wait_expired), 1);

	th_advance(h, 499);			/* t = 2499 */
	assert_int_equal(state_of(h, b), TT_TIME_WAIT);
	th_advance(h, 1);			/* t = 2500 */
	assert_int_equal(state_of(h, b), TT_CLOSED);
	assert_int_equal(state_of(h, c), TT_TIME_WAIT);
	assert_int_equal(th_stat(h, time_wait_expired), 2);

	th_advance(h, 699);			/* t = 3199 */
	assert_int_equal(state_of(h, c), TT_TIME_WAIT);
	th_advance(h, 1);			/* t = 3200 */
	assert_int_equal(state_of(h, c), TT_CLOSED);
	assert_int_equal(th_stat(h, time_wait_expired), 3);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 0);
	th_expect_none(h);
}

/*
 * The TIME_WAIT table expires records in the order they were made; a FIN
 * that restarts 2MSL moves its record to the head and leaves a hole: a at
 * 0 ms, b at 500 ms, a's FIN again at 1000 ms. b leaves at 2500 ms past
 * a's hole, a at 3000 ms, and every slot is free again.
 */
static void
test_time_wait_fin_restart_moves_record(void **state)
{
	struct th *h = *state;
	const uint16_t a = 40011, b = 40012;
	uint32_t rlen, iss_a;

	h->peer_port = a;
	http_to_time_wait(h);
	rlen = h->last.seq - 2;		/* our response: the ACK above is at 2 + rlen */
	iss_a = h->iss;
	th_advance(h, 500);
	h->peer_port = b;
	http_to_time_wait(h);
	assert_int_equal(h->w->tw_used, 2);
	th_advance(h, 500);			/* t = 1000 */
	h->peer_port = a;
	h->iss = iss_a;
	th_send(h, "FA", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + GET_LEN, 0);
	assert_int_equal(th_stat(h, time_wait_fin_acked), 1);
	assert_int_equal(h->w->tw_used, 3);	/* a's old slot is a hole until the tail passes */
	assert_int_equal(th_states(h, TT_TIME_WAIT), 2);

	th_advance(h, 1499);			/* t = 2499 */
	assert_int_equal(state_of(h, b), TT_TIME_WAIT);
	th_advance(h, 1);			/* t = 2500 */
	assert_int_equal(state_of(h, b), TT_CLOSED);
	assert_int_equal(state_of(h, a), TT_TIME_WAIT);
	assert_int_equal(h->w->tw_used, 1);
	th_advance(h, 499);			/* t = 2999 */
	assert_int_equal(state_of(h, a), TT_TIME_WAIT);
	th_advance(h, 1);			/* t = 3000 */
	assert_int_equal(state_of(h, a), TT_CLOSED);
	assert_int_equal(h->w->tw_used, 0);
	assert_int_equal(th_stat(h, time_wait_expired), 2);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 0);
	th_expect_none(h);
}

static int
tw2_setup(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.max_time_wait = 2;
	th_start(h);
	*state = h;
	return 0;
}

/*
 * Two TIME_WAIT records and no more: a third connection closing is
 * forgotten and counted, never lost halfway; a FIN restarting 2MSL with
 * no slot free keeps its record in place. The wrap-around of the circular
 * array reuses the slots once they expire.
 */
static void
test_time_wait_table_full(void **state)
{
	struct th *h = *state;
	uint32_t rlen, iss_a;

	h->peer_port = 40021;
	http_to_time_wait(h);
	rlen = h->last.seq - 2;
	iss_a = h->iss;
	h->peer_port = 40022;
	http_to_time_wait(h);
	assert_int_equal(h->w->tw_used, 2);

	/* Full: a FIN again keeps the record where it is, 2MSL from now. */
	th_advance(h, 1000);
	h->peer_port = 40021;
	h->iss = iss_a;
	th_send(h, "FA", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + GET_LEN, 0);
	assert_int_equal(h->w->tw_used, 2);

	/* Full: the third connection closes without a record. */
	h->peer_port = 40023;
	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, GET_LEN);
	th_expect(h, "FPA", 1, 1 + GET_LEN, TH_ANY_LEN);
	rlen = h->last.len;
	th_send(h, "FA", 1 + GET_LEN, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + GET_LEN, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_drop(h, time_wait_pool_full), 1);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 2);

	/* 40021's record, restarted in place, holds the tail until 3000 ms. */
	th_advance(h, 1999);			/* t = 2999 */
	assert_int_equal(state_of(h, 40021), TT_TIME_WAIT);
	assert_int_equal(state_of(h, 40022), TT_TIME_WAIT);
	th_advance(h, 1);			/* t = 3000 */
	assert_int_equal(state_of(h, 40021), TT_CLOSED);
	assert_int_equal(state_of(h, 40022), TT_CLOSED);
	assert_int_equal(h->w->tw_used, 0);

	/* The slots wrap around. */
	h->peer_port = 40024;
	http_to_time_wait(h);
	h->peer_port = 40025;
	http_to_time_wait(h);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 2);
	th_advance(h, 2000);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 0);
	assert_int_equal(th_stat(h, time_wait_expired), 4);
	th_expect_none(h);
}

/* ---- ESTABLISHED, zero window: persist (RFC 9293 §3.8.6.1) ---- */

/*
 * Source (port 19) always has data; the peer's handshake ACK offers window
 * 0, so nothing may be sent but window probes: SND.UNA-1, no payload, which
 * draws an ACK carrying the current window. RTO 300 ms (RTT 100).
 */
static void
zero_window_open(struct th *h)
{
	handshake_rtt(h, 19, 100, 0);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.wnd, 0);
	assert_true(seq_gt(th_tcb(h)->snd.end, th_tcb(h)->snd.nxt));
}

/* Window opens: a full initial window (RFC 6928, 10 segments) goes out at once. */
static void
expect_initial_window(struct th *h)
{
	unsigned int i;

	for (i = 0; i < 10; i++)
		th_expect(h, "A", 1 + i * MSS, 1, MSS);
	th_expect_none(h);
}

static void
test_established_zero_window_probes_backoff(void **state)
{
	struct th *h = *state;
	uint64_t rto = 300;
	unsigned int i;

	zero_window_open(h);
	for (i = 1; i <= 4; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "A", 0, 1, 0);
		th_expect_none(h);
		assert_int_equal(th_stat(h, persist_probes), i);
		rto *= 2;
	}
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, tcp_payload_tx), 0);
	/* The window opens. */
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	expect_initial_window(h);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_PERSIST), 0);
	assert_int_equal(th_tcb(h)->rxt_shift, 0);
}

/*
 * RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17: as long as the receiver ACKs the probes,
 * the connection stays open however long the window stays shut.
 */
static void
test_established_zero_window_answered_probes_keep_open(void **state)
{
	struct th *h = *state;
	uint64_t rto = 300;
	unsigned int i;

	zero_window_open(h);
	for (i = 1; i <= 12; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "A", 0, 1, 0);
		th_expect_none(h);
		th_send(h, "A", 1, 1, 0, NULL, 0);	/* still shut */
		th_expect_none(h);
		assert_int_equal(th_state(h), TT_ESTABLISHED);
		rto = RTE_MIN(rto * 2, (uint64_t)60000);		/* the back-off goes on */
	}
	assert_int_equal(th_stat(h, persist_probes), 12);
	assert_int_equal(th_stat(h, conn_timeout), 0);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	expect_initial_window(h);
}

static int
zwnd_bound_setup(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.zero_window_timeout_ms = 5000;
	th_start(h);
	*state = h;
	return 0;
}

/*
 * A peer that answers every probe but never opens its window is reset once
 * the window has been shut zero_window_timeout_ms: probes at 300, 900, 2100
 * and 4500 ms; at 9300 ms (>= 5000) a RST instead of the fifth probe.
 */
static void
test_established_zero_window_answered_probes_bounded(void **state)
{
	struct th *h = *state;
	uint64_t rto = 300;
	unsigned int i;

	zero_window_open(h);
	for (i = 1; i <= 4; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "A", 0, 1, 0);
		th_expect_none(h);
		th_send(h, "A", 1, 1, 0, NULL, 0);	/* answered, still shut */
		th_expect_none(h);
		rto *= 2;
	}
	advance_to_deadline(h, rto);
	th_expect(h, "RA", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, conn_timeout), 1);
	assert_int_equal(th_stat(h, persist_probes), 4);
}

/* Probes nobody answers: after max_retries of them the connection is reset. */
static void
test_established_zero_window_silent_peer_reset(void **state)
{
	struct th *h = *state;
	uint64_t rto = 300;
	unsigned int i;

	zero_window_open(h);
	for (i = 1; i <= 8; i++) {
		advance_to_deadline(h, rto);
		th_expect(h, "A", 0, 1, 0);
		th_expect_none(h);
		rto = RTE_MIN(rto * 2, (uint64_t)60000);
	}
	advance_to_deadline(h, rto);
	th_expect(h, "RA", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, conn_timeout), 1);
	assert_int_equal(th_stat(h, persist_probes), 8);
}

/* The window shuts after data was sent: retransmission (not persist) covers what is in flight. */
/*
 * The initial window goes out and is all acknowledged with a zero window;
 * the persist timer (not the RTO) takes the send slot and probes once at
 * the RTO (RTT 100: 250 ms); then the window opens and, slow start having
 * grown cwnd by one MSS for the one ACK, eleven segments go out.
 */
static void
shut_probe_then_open(struct th *h)
{
	unsigned int i;

	handshake_rtt(h, 19, 100, WIN);
	expect_initial_window(h);
	th_advance(h, 100);
	th_send(h, "A", 1, 1 + 10 * MSS, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_RTX), 0);
	assert_true(tcb_timer_deadline(th_tcb(h), TT_TIMER_PERSIST) != 0);
	assert_int_equal(th_tcb(h)->tkind[TT_TSLOT_SEND], TT_TIMER_PERSIST);
	advance_to_deadline(h, 250);
	th_expect(h, "A", 10 * MSS, 1, 0);
	th_expect_none(h);
	th_send(h, "A", 1, 1 + 10 * MSS, WIN, NULL, 0);
	for (i = 0; i < 11; i++)
		th_expect(h, "A", 1 + (10 + i) * MSS, 1, MSS);
	th_expect_none(h);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_PERSIST), 0);
}

static void
test_established_window_shut_in_flight_then_persist(void **state)
{
	struct th *h = *state;

	shut_probe_then_open(h);
	assert_int_equal(th_tcb(h)->rxt_shift, 0);
}

/*
 * RTX and persist share the send slot: once the window opens and data is
 * in flight, the persist deadline is gone and the RTO (not a probe) runs
 * with the slot, backed off from the unanswered probe.
 */
static void
test_established_persist_then_rtx_shares_slot(void **state)
{
	struct th *h = *state;

	shut_probe_then_open(h);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_RTX), h->now_us / 1000 + 250);
	/* Nothing is acknowledged: the RTO goes back to snd.una, no probe. */
	advance_to_deadline(h, 250);
	th_expect(h, "A", 1 + 10 * MSS, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, rto_expired), 1);
	assert_int_equal(th_stat(h, persist_probes), 1);
	assert_int_equal(th_tcb(h)->tkind[TT_TSLOT_SEND], TT_TIMER_RTX);
}

/*
 * RFC 9293 §3.10.7.4 with SND.UNA for SND.WL2: a reordered older ACK (same
 * SEG.SEQ, SEG.ACK below SND.UNA) does not shut the window that a later
 * ACK opened; the next new ACK does update it.
 */
static void
test_established_old_ack_does_not_update_window(void **state)
{
	struct th *h = *state;
	uint32_t wnd;

	handshake_rtt(h, 19, 100, WIN);
	expect_initial_window(h);
	th_advance(h, 100);
	th_send(h, "A", 1, 1 + 5 * MSS, WIN, NULL, 0);
	while (th_recv(h, &h->last))
		;
	wnd = th_tcb(h)->snd.wnd;
	assert_true(wnd != 0);
	th_send(h, "A", 1, 1 + 2 * MSS, 0, NULL, 0);
	assert_int_equal(th_tcb(h)->snd.wnd, wnd);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_PERSIST), 0);
	th_send(h, "A", 1, 1 + 6 * MSS, 0, NULL, 0);
	assert_int_equal(th_tcb(h)->snd.wnd, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, th_setup, th_teardown)

/*
 * The worker's clock from the TSC: never above the exact microseconds,
 * within the stated bound below them, and no wrap after hours of uptime
 * (delta x 10^6 in 64 bits wrapped after about two hours at 2.5 GHz).
 */
static void
test_clock_tsc_to_us_exact_and_no_wrap(void **state)
{
	static const uint64_t hzs[] = { 1000000000ull, 2494225000ull, 2994374123ull, 4000000000ull };
	unsigned int i, k;

	(void)state;
	for (i = 0; i < sizeof(hzs) / sizeof(hzs[0]); i++) {
		uint64_t hz = hzs[i], mult = tt_tsc_us_mult(hz);
		const uint64_t deltas[] = {
			0, 1, hz / 1000000 - 1, hz / 1000000, hz - 1, hz, 3 * hz + 12345,
			7400 * hz, 3 * 3600 * hz + 777, 86400 * hz + 999999, 366 * 86400 * hz,
		};

		for (k = 0; k < sizeof(deltas) / sizeof(deltas[0]); k++) {
			uint64_t exact = (uint64_t)((unsigned __int128)deltas[k] * 1000000 / hz);
			uint64_t got = tt_tsc_to_us(deltas[k], mult);

			assert_true(got <= exact);
			assert_true(exact - got <= 1 + (deltas[k] >> TT_TSC_US_SHIFT));
		}
		/* A day at this clock: off by a few tens of microseconds at most. */
		assert_true(86400000000ull - tt_tsc_to_us(86400 * hz, mult) <= 21);
		/* Monotonic across a second. */
		assert_true(tt_tsc_to_us(hz - 1, mult) <= tt_tsc_to_us(hz, mult));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_tsc_to_us_exact_and_no_wrap),
		T(test_syn_rcvd_synack_rto_backoff_then_dropped),
		T(test_syn_rcvd_synack_rtx_then_ack_rto_3s),
		T(test_established_rto_from_rtt_sample),
		T(test_established_rto_clamped_to_rto_min),
		T(test_established_second_rtt_sample),
		T(test_established_rto_backoff_then_reset),
		T(test_established_karn_no_sample_from_retransmission),
		T(test_established_ack_resets_backoff),
		T(test_established_partial_ack_restarts_rto),
		T(test_established_one_segment_delayed_ack),
		T(test_established_two_segments_acked_at_once),
		T(test_established_ooo_segment_acked_at_once),
		T(test_established_gap_fill_acked_at_once),
		T(test_fin_wait_1_fin_retransmitted_with_backoff),
		T(test_fin_wait_1_bare_fin_retransmitted),
		cmocka_unit_test_setup_teardown(test_fin_wait_2_timeout_resets, fw2_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_fin_wait_2_peer_fin_before_timeout, fw2_setup,
						th_teardown),
		T(test_time_wait_several_expire_each_at_2msl),
		T(test_time_wait_fin_restart_moves_record),
		cmocka_unit_test_setup_teardown(test_time_wait_table_full, tw2_setup, th_teardown),
		T(test_established_zero_window_probes_backoff),
		T(test_established_zero_window_answered_probes_keep_open),
		T(test_established_zero_window_silent_peer_reset),
		cmocka_unit_test_setup_teardown(test_established_zero_window_answered_probes_bounded,
						zwnd_bound_setup, th_teardown),
		T(test_established_window_shut_in_flight_then_persist),
		T(test_established_persist_then_rtx_shares_slot),
		T(test_established_old_ack_does_not_update_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
