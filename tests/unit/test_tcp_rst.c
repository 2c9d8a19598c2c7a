/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Resets, one (state, event) per test: RST arrival in every state (RFC 9293
 * §3.10.7.4 with RFC 5961 §3), challenge ACKs and their rate limit (RFC 5961
 * §4, §7), resets for segments that belong to no connection (RFC 9293
 * §3.10.7.1-2), TIME_WAIT (RFC 1337, RFC 6191) and the RST of ABORT
 * (RFC 9293 §3.10.4).
 *
 * A recording service on REC_PORT lets a test drive the close side and see
 * exactly how often, and why, the service was told the connection ended:
 * payload starting with 'C' makes it call tt_shutdown(), 'X' tt_abort();
 * rec.shut_on_fin makes it answer the peer's FIN with its own.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt_harness.h"

#define REC_PORT 5000
#define CLOSED_PORT 12345	/* no listener */
#define WIN 65535

static const char GET_CLOSE[] = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

static struct {
	unsigned int accepts;
	unsigned int closes;
	enum tt_close_reason reason;
	bool shut_on_fin;
} rec;

static int
rec_on_accept(struct tt_conn *c, const void *opts)
{
	(void)c;
	(void)opts;
	rec.accepts++;
	return 0;
}

static void
rec_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	char cmd = *rte_pktmbuf_mtod(m, const char *);
	uint32_t len = rte_pktmbuf_pkt_len(m);

	rte_pktmbuf_free(m);
	if (cmd == 'X') {
		tt_abort(c);
		return;
	}
	tt_recved(c, len);
	if (cmd == 'C')
		tt_shutdown(c);
}

static void
rec_on_peer_fin(struct tt_conn *c)
{
	if (rec.shut_on_fin)
		tt_shutdown(c);
}

static void
rec_on_close(struct tt_conn *c, enum tt_close_reason why)
{
	(void)c;
	rec.closes++;
	rec.reason = why;
}

static const struct tt_service rec_svc = {
	.name = "rec",
	.on_accept = rec_on_accept,
	.on_data = rec_on_data,
	.on_peer_fin = rec_on_peer_fin,
	.on_close = rec_on_close,
};

/* th_init() plus the recording listener. */
static void
rst_init(struct th *h)
{
	struct tt_listen_cfg *l;

	th_init(h);
	l = &h->cfg.listeners[h->cfg.n_listeners++];
	snprintf(l->name, sizeof(l->name), "rec");
	l->addr = 0;
	l->port = REC_PORT;
	l->svc = &rec_svc;
	l->opts = NULL;
	memset(&rec, 0, sizeof(rec));
}

static int
rst_setup(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	rst_init(h);
	th_start(h);
	*state = h;
	return 0;
}

/* ---- fixtures: a connection on REC_PORT in each state ---- */

static void
to_established(struct th *h)
{
	th_handshake(h, REC_PORT);
	th_expect_none(h);
	assert_int_equal(rec.accepts, 1);
}

/* Peer FIN: ACKed, rcv.nxt = 2. */
static void
to_close_wait(struct th *h)
{
	to_established(h);
	th_send(h, "FA", 1, 1, WIN, NULL, 0);
	th_expect(h, "A", 1, 2, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSE_WAIT);
}

/* Peer FIN answered by ours: snd.max = 2, rcv.nxt = 2. */
static void
to_last_ack(struct th *h)
{
	rec.shut_on_fin = true;
	to_established(h);
	th_send(h, "FA", 1, 1, WIN, NULL, 0);
	th_expect(h, "FA", 1, 2, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_LAST_ACK);
}

/* One byte 'C' makes the service close: our FIN at seq 1, rcv.nxt = 2. */
static void
to_fin_wait_1(struct th *h)
{
	to_established(h);
	th_send(h, "PA", 1, 1, WIN, "C", 1);
	th_expect(h, "FA", 1, 2, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_1);
}

static void
to_fin_wait_2(struct th *h)
{
	to_fin_wait_1(h);
	th_send(h, "A", 2, 2, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_2);
}

/* The peer's FIN crosses ours: rcv.nxt = 3, our FIN unacknowledged. */
static void
to_closing(struct th *h)
{
	to_fin_wait_1(h);
	th_send(h, "FA", 2, 1, WIN, NULL, 0);
	th_expect(h, "A", 2, 3, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSING);
}

/* http on port 80 closes first; the peer's FIN completes it. Returns the response length. */
static uint32_t
to_time_wait(struct th *h)
{
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, WIN, GET_CLOSE, n);
	th_expect(h, "FPA", 1, 1 + n, TH_ANY_LEN);
	rlen = h->last.len;
	th_send(h, "FA", 1 + n, 2 + rlen, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	return rlen;
}

/* An exact RST closed the connection: nothing sent, service told once, state counts clear. */
static void
assert_reset_closed(struct th *h, int was)
{
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, was), 0);
	assert_int_equal(th_stat(h, conn_reset_rx), 1);
	assert_int_equal(th_stat(h, rst_sent), 0);
	assert_int_equal(rec.closes, 1);
	assert_int_equal(rec.reason, TT_CLOSE_RESET);
}

/* ---- RST with SEG.SEQ == RCV.NXT (RFC 5961 §3.2 case 2) ---- */

/* SYN_RCVD from a passive open: the TCB goes, LISTEN stays; no user is told (RFC 9293 §3.10.7.4). */
static void
test_syn_rcvd_rst_exact_removed_silently(void **state)
{
	struct th *h = *state;

	h->local_port = REC_PORT;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	th_send(h, "R", 1, 0, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
	assert_int_equal(th_stat(h, conn_reset_rx), 1);
	assert_int_equal(rec.accepts, 0);
	assert_int_equal(rec.closes, 0);
	/* The listener still answers. */
	h->peer_port++;
	th_handshake(h, REC_PORT);
}

static void
test_established_rst_exact_closes(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "R", 1, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_ESTABLISHED);
}

/* RST carrying an ACK: the ACK field plays no part in accepting it. */
static void
test_established_rst_ack_exact_closes(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "RA", 1, 1, 0, NULL, 0);
	assert_reset_closed(h, TT_ESTABLISHED);
}

static void
test_close_wait_rst_exact_closes(void **state)
{
	struct th *h = *state;

	to_close_wait(h);
	th_send(h, "R", 2, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_CLOSE_WAIT);
}

static void
test_fin_wait_1_rst_exact_closes(void **state)
{
	struct th *h = *state;

	to_fin_wait_1(h);
	th_send(h, "R", 2, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_FIN_WAIT_1);
}

static void
test_fin_wait_2_rst_exact_closes(void **state)
{
	struct th *h = *state;

	to_fin_wait_2(h);
	th_send(h, "R", 2, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_FIN_WAIT_2);
}

static void
test_closing_rst_exact_closes(void **state)
{
	struct th *h = *state;

	to_closing(h);
	th_send(h, "R", 3, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_CLOSING);
}

static void
test_last_ack_rst_exact_closes(void **state)
{
	struct th *h = *state;

	to_last_ack(h);
	th_send(h, "R", 2, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_LAST_ACK);
}

/* ---- RST in the window but not at RCV.NXT: challenge ACK (RFC 5961 §3.2 case 3) ---- */

static void
test_established_rst_in_window_challenge_ack(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "R", 100, 0, 0, NULL, 0);
	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, challenge_acks), 1);
	assert_int_equal(th_drop(h, tcp_rst_invalid), 1);
	assert_int_equal(th_stat(h, conn_reset_rx), 0);
	assert_int_equal(rec.closes, 0);
	/* A genuine peer answers the challenge with a RST at the ACK it carried. */
	th_send(h, "R", 1, 0, 0, NULL, 0);
	assert_reset_closed(h, TT_ESTABLISHED);
}

/* The last sequence number in the window is still "in window". */
static void
test_established_rst_window_edge_challenge_ack(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "R", 1 + WIN - 1, 0, 0, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, challenge_acks), 1);
}

/* Data carried by a RST does not move its sequence number to RCV.NXT. */
static void
test_established_rst_with_old_data_challenge_ack(void **state)
{
	struct th *h = *state;

	to_established(h);
	/* Starts one byte before RCV.NXT, so it overlaps the window. */
	th_send(h, "R", 0, 0, 0, "xy", 2);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, challenge_acks), 1);
}

static void
test_syn_rcvd_rst_in_window_challenge_ack(void **state)
{
	struct th *h = *state;

	h->local_port = REC_PORT;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_send(h, "R", 50, 0, 0, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(th_stat(h, challenge_acks), 1);
}

static void
test_close_wait_rst_in_window_challenge_ack(void **state)
{
	struct th *h = *state;

	to_close_wait(h);
	th_send(h, "R", 3, 0, 0, NULL, 0);
	th_expect(h, "A", 1, 2, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSE_WAIT);
	assert_int_equal(th_stat(h, challenge_acks), 1);
}

/* ---- RST outside the window: dropped silently (RFC 5961 §3.2 case 1) ---- */

static void
test_established_rst_out_of_window_dropped(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "R", 1 + WIN, 0, 0, NULL, 0);	/* just past the right edge */
	th_expect_none(h);
	th_send(h, "R", 0, 0, 0, NULL, 0);		/* just before RCV.NXT */
	th_expect_none(h);
	th_send(h, "RA", 0x40000000, 1, 0, NULL, 0);	/* far away */
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_drop(h, tcp_out_of_window), 3);
	assert_int_equal(th_stat(h, challenge_acks), 0);
	assert_int_equal(th_stat(h, conn_reset_rx), 0);
	assert_int_equal(rec.closes, 0);
}

/* ---- challenge ACK rate limit (RFC 5961 §7): 1000 per second per worker ---- */

static void
test_established_challenge_ack_rate_limit(void **state)
{
	struct th *h = *state;
	unsigned int i;

	to_established(h);
	for (i = 0; i < 1000; i++) {
		th_send(h, "R", 2 + i, 0, 0, NULL, 0);
		th_expect(h, "A", 1, 1, 0);
	}
	assert_int_equal(th_stat(h, challenge_acks), 1000);
	assert_int_equal(th_drop(h, challenge_ack_limit), 0);
	/* The 1001st in the same virtual second is not answered. */
	th_send(h, "R", 5000, 0, 0, NULL, 0);
	th_expect_none(h);
	th_send(h, "S", 1, 0, WIN, NULL, 0);	/* SYN challenges share the budget */
	th_expect_none(h);
	assert_int_equal(th_stat(h, challenge_acks), 1000);
	assert_int_equal(th_drop(h, challenge_ack_limit), 2);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	/* The next second has a fresh budget. */
	th_advance(h, 1000);
	th_send(h, "R", 5000, 0, 0, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, challenge_acks), 1001);
	assert_int_equal(th_drop(h, challenge_ack_limit), 2);
}

static int
challenge5_setup(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	rst_init(h);
	h->cfg.tcp.challenge_ack_limit = 5;
	th_start(h);
	*state = h;
	return 0;
}

/* [tcp] challenge_ack_limit sets the per-second budget. */
static void
test_established_challenge_ack_limit_configured(void **state)
{
	struct th *h = *state;
	unsigned int i;

	to_established(h);
	for (i = 0; i < 5; i++) {
		th_send(h, "R", 2 + i, 0, 0, NULL, 0);
		th_expect(h, "A", 1, 1, 0);
	}
	th_send(h, "R", 100, 0, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, challenge_acks), 5);
	assert_int_equal(th_drop(h, challenge_ack_limit), 1);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* ---- SYN in a synchronized state (RFC 5961 §4.2) ---- */

static void
test_established_syn_in_window_challenge_ack(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "S", 1, 0, WIN, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, challenge_acks), 1);
	assert_int_equal(th_drop(h, tcp_syn_in_window), 1);
	assert_int_equal(rec.closes, 0);
}

/* The original SYN again (below RCV.NXT): unacceptable, so an ACK, and nothing else. */
static void
test_established_old_syn_acked(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(rec.closes, 0);
}

/* ---- CLOSED: no listener (RFC 9293 §3.10.7.1) ---- */

static void
test_closed_rst_not_answered(void **state)
{
	struct th *h = *state;

	h->local_port = CLOSED_PORT;
	th_send(h, "R", 0, 0, 0, NULL, 0);
	th_expect_none(h);
	th_send(h, "RA", 0, 77, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, rst_sent), 0);
	assert_int_equal(th_drop(h, tcp_no_listener), 2);
}

/* No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, the SYN counting one. */
static void
test_closed_syn_rst_ack(void **state)
{
	struct th *h = *state;

	h->local_port = CLOSED_PORT;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "RA", 0, 1, 0);
	assert_int_equal(h->last.abs_seq, 0);
	assert_int_equal(h->last.abs_ack, h->irs + 1);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, rst_sent), 1);
	assert_int_equal(th_drop(h, tcp_no_listener), 1);
}

/* ACK set: <SEQ=SEG.ACK><CTL=RST>. h->iss is 0 here, so relative is absolute. */
static void
test_closed_ack_rst(void **state)
{
	struct th *h = *state;

	h->local_port = CLOSED_PORT;
	th_send(h, "A", 1, 12345, WIN, NULL, 0);
	th_expect(h, "R", 12345, 0, 0);
	assert_int_equal(h->last.abs_seq, 12345);
	assert_int_equal(h->last.abs_ack, 0);
	th_expect_none(h);
	/* SYN+ACK likewise. */
	th_send(h, "SA", 0, 999, WIN, NULL, 0);
	th_expect(h, "R", 999, 0, 0);
	th_expect_none(h);
	/* Data with ACK likewise. */
	th_send(h, "PA", 1, 4242, WIN, "abc", 3);
	th_expect(h, "R", 4242, 0, 0);
	th_expect_none(h);
}

/* Data or FIN without ACK: the ACK covers the payload and the FIN. */
static void
test_closed_data_no_ack_rst_ack(void **state)
{
	struct th *h = *state;

	h->local_port = CLOSED_PORT;
	th_send(h, "P", 1, 0, WIN, "0123456789", 10);
	th_expect(h, "RA", 0, 11, 0);
	assert_int_equal(h->last.abs_seq, 0);
	th_send(h, "F", 1, 0, WIN, NULL, 0);
	th_expect(h, "RA", 0, 2, 0);
	th_send(h, "FP", 1, 0, WIN, "abc", 3);
	th_expect(h, "RA", 0, 5, 0);
	th_expect_none(h);
}

/* ---- LISTEN (RFC 9293 §3.10.7.2) ---- */

/* An ACK to a listener: <SEQ=SEG.ACK><CTL=RST>, no TCB. */
static void
test_listen_ack_rst(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "A", 1, 5000, WIN, NULL, 0);
	th_expect(h, "R", 5000, 0, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_drop(h, tcp_listen_noise), 1);
}

static void
test_listen_rst_ignored(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "R", 1, 0, 0, NULL, 0);
	th_expect_none(h);
	th_send(h, "RA", 1, 1, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, rst_sent), 0);
	assert_int_equal(th_drop(h, tcp_listen_noise), 2);
}

/* Neither SYN, RST nor ACK: dropped without an answer. */
static void
test_listen_data_no_ack_dropped(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "P", 1, 0, WIN, "abc", 3);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_drop(h, tcp_listen_noise), 1);
}

/* ---- SYN_RCVD ---- */

/* An ACK of something never sent: <SEQ=SEG.ACK><CTL=RST>; the half-open connection stays. */
static void
test_syn_rcvd_ack_unsent_rst(void **state)
{
	struct th *h = *state;

	h->local_port = REC_PORT;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_send(h, "A", 1, 5, WIN, NULL, 0);	/* beyond SND.NXT = ISS+1 */
	th_expect(h, "R", 5, 0, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(th_drop(h, tcp_ack_unsent), 1);
	assert_int_equal(rec.accepts, 0);
	/* The right ACK still completes the handshake. */
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(rec.accepts, 1);
}

/* An ACK of our ISS acknowledges nothing (SND.UNA < SEG.ACK fails). */
static void
test_syn_rcvd_ack_of_iss_rst(void **state)
{
	struct th *h = *state;

	h->local_port = REC_PORT;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_send(h, "A", 1, 0, WIN, NULL, 0);
	th_expect(h, "R", 0, 0, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(rec.accepts, 0);
}

/* The peer lost our SYN-ACK and sends its SYN again: the same SYN-ACK again. */
static void
test_syn_rcvd_syn_retransmit_synack(void **state)
{
	struct th *h = *state;

	h->local_port = REC_PORT;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_advance(h, 100);
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 1);
	assert_int_equal(th_stat(h, retransmits), 1);
	assert_int_equal(th_stat(h, challenge_acks), 0);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* ---- TIME_WAIT ---- */

/* RFC 1337: a RST does not cut 2MSL short. */
static void
test_time_wait_rst_ignored(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;

	to_time_wait(h);
	th_send(h, "R", 2 + n, 0, 0, NULL, 0);
	th_expect_none(h);
	th_send(h, "RA", 2 + n, 2, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	assert_int_equal(th_drop(h, tcp_rst_time_wait), 2);
	assert_int_equal(th_stat(h, rst_sent), 0);
	/* 2MSL still runs from the peer's FIN. */
	th_advance(h, 1999);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	th_advance(h, 1);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* RFC 6191 / RFC 1122 §4.2.2.13: a SYN above the old RCV.NXT opens a new incarnation. */
static void
test_time_wait_syn_higher_seq_reuses(void **state)
{
	struct th *h = *state;
	uint32_t rlen = to_time_wait(h);
	uint32_t old_snd_nxt = h->iss + 2 + rlen;

	th_advance(h, 100);
	h->irs += 100000;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_expect_none(h);
	/* RFC 6528's clock moved 25000 in 100 ms: the new ISS is above the old sequence space. */
	assert_true(seq_gt(h->iss, old_snd_nxt));
	assert_int_equal(th_stat(h, time_wait_reused), 1);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 0);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* An old SYN (below RCV.NXT) gets the TIME_WAIT ACK and changes nothing. */
static void
test_time_wait_syn_lower_seq_acked(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen = to_time_wait(h);

	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	assert_int_equal(th_stat(h, time_wait_reused), 0);
	assert_int_equal(th_stat(h, conn_syn_rcvd), 1);
}

/* ---- RST we send: ABORT (RFC 9293 §3.10.4) ---- */

static void
test_established_abort_sends_rst(void **state)
{
	struct th *h = *state;

	to_established(h);
	th_send(h, "PA", 1, 1, WIN, "X", 1);
	/* <SEQ=SND.NXT><CTL=RST>, with an ACK of what arrived. */
	th_expect(h, "RA", 1, 2, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_ESTABLISHED), 0);
	assert_int_equal(th_stat(h, conn_aborted), 1);
	assert_int_equal(th_stat(h, conn_reset_tx), 1);
	assert_int_equal(th_stat(h, rst_sent), 1);
	assert_int_equal(rec.closes, 1);
	assert_int_equal(rec.reason, TT_CLOSE_ABORT);
	/* The peer's next segment finds no connection and is reset. */
	th_send(h, "PA", 2, 1, WIN, "y", 1);
	th_expect(h, "R", 1, 0, 0);
	th_expect_none(h);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, rst_setup, th_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_syn_rcvd_rst_exact_removed_silently),
		T(test_established_rst_exact_closes),
		T(test_established_rst_ack_exact_closes),
		T(test_close_wait_rst_exact_closes),
		T(test_fin_wait_1_rst_exact_closes),
		T(test_fin_wait_2_rst_exact_closes),
		T(test_closing_rst_exact_closes),
		T(test_last_ack_rst_exact_closes),
		T(test_established_rst_in_window_challenge_ack),
		T(test_established_rst_window_edge_challenge_ack),
		T(test_established_rst_with_old_data_challenge_ack),
		T(test_syn_rcvd_rst_in_window_challenge_ack),
		T(test_close_wait_rst_in_window_challenge_ack),
		T(test_established_rst_out_of_window_dropped),
		T(test_established_challenge_ack_rate_limit),
		cmocka_unit_test_setup_teardown(test_established_challenge_ack_limit_configured,
						challenge5_setup, th_teardown),
		T(test_established_syn_in_window_challenge_ack),
		T(test_established_old_syn_acked),
		T(test_closed_rst_not_answered),
		T(test_closed_syn_rst_ack),
		T(test_closed_ack_rst),
		T(test_closed_data_no_ack_rst_ack),
		T(test_listen_ack_rst),
		T(test_listen_rst_ignored),
		T(test_listen_data_no_ack_dropped),
		T(test_syn_rcvd_ack_unsent_rst),
		T(test_syn_rcvd_ack_of_iss_rst),
		T(test_syn_rcvd_syn_retransmit_synack),
		T(test_time_wait_rst_ignored),
		T(test_time_wait_syn_higher_seq_reuses),
		T(test_time_wait_syn_lower_seq_acked),
		T(test_established_abort_sends_rst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
