/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Nagle (RFC 1122 §4.2.3.4, RFC 9293 §3.7.4, Minshall's variant) and its
 * per-connection switch tt_set_nodelay(); keepalive (RFC 1122 §4.2.3.6)
 * and tt_set_keepalive(); the minimum MSS clamp ([tcp] min_mss).
 * Keepalive tests run with idle 1000 ms, interval 100 ms, count 3.
 *
 * A small service on SVC_PORT remembers its connection so that a test can
 * call tt_send_copy(), tt_shutdown() and tt_set_nodelay() on it as a
 * service timer would, and see exactly which segments leave. It discards
 * what it receives.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt_harness.h"

#define SVC_PORT 6000
#define WIN 65535
#define MSS 1460

static struct {
	struct tt_conn *conn;
	unsigned int closes;
	enum tt_close_reason reason;
} svc;

static int
svc_on_accept(struct tt_conn *c, const void *opts)
{
	(void)opts;
	svc.conn = c;
	return 0;
}

static void
svc_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	rte_pktmbuf_free(m);
	tt_recved(c, len);
}

static void
svc_on_close(struct tt_conn *c, enum tt_close_reason why)
{
	(void)c;
	svc.conn = NULL;
	svc.closes++;
	svc.reason = why;
}

static const struct tt_service test_svc = {
	.name = "sender",
	.on_accept = svc_on_accept,
	.on_data = svc_on_data,
	.on_close = svc_on_close,
};

/* th_init() plus the sender listener; @p tune changes h->cfg before the start. */
static int
setup_with(void **state, void (*tune)(struct tt_config *cfg))
{
	struct th *h = calloc(1, sizeof(*h));
	struct tt_listen_cfg *l;

	th_init(h);
	l = &h->cfg.listeners[h->cfg.n_listeners++];
	snprintf(l->name, sizeof(l->name), "sender");
	l->addr = 0;
	l->port = SVC_PORT;
	l->svc = &test_svc;
	l->opts = NULL;
	if (tune != NULL)
		tune(&h->cfg);
	memset(&svc, 0, sizeof(svc));
	th_start(h);
	*state = h;
	return 0;
}

static void
tune_nagle(struct tt_config *cfg)
{
	cfg->tcp.nagle = 1;
}

static int
nagle_setup(void **state)
{
	return setup_with(state, tune_nagle);
}

/* The harness default: nagle = off. */
static int
nodelay_setup(void **state)
{
	return setup_with(state, NULL);
}

static void
tune_min_mss_88(struct tt_config *cfg)
{
	cfg->tcp.min_mss = 88;
}

static int
min_mss_88_setup(void **state)
{
	return setup_with(state, tune_min_mss_88);
}

static void
tune_min_mss_536(struct tt_config *cfg)
{
	cfg->tcp.min_mss = 536;
}

static int
min_mss_536_setup(void **state)
{
	return setup_with(state, tune_min_mss_536);
}

#define KA_IDLE 1000
#define KA_INTVL 100
#define KA_COUNT 3

static void
tune_ka_params(struct tt_config *cfg)
{
	cfg->tcp.keepalive_idle_ms = KA_IDLE;
	cfg->tcp.keepalive_interval_ms = KA_INTVL;
	cfg->tcp.keepalive_count = KA_COUNT;
}

static void
tune_keepalive(struct tt_config *cfg)
{
	tune_ka_params(cfg);
	cfg->tcp.keepalive = 1;
}

static int
keepalive_setup(void **state)
{
	return setup_with(state, tune_keepalive);
}

/* keepalive = off, with the short times (as if someone forgot the switch). */
static int
keepalive_off_setup(void **state)
{
	return setup_with(state, tune_ka_params);
}

static void
established(struct th *h)
{
	th_handshake(h, SVC_PORT);
	th_expect_none(h);
	assert_non_null(svc.conn);
}

/* Queue @p len bytes of 'x' from the service; the worker loop then flushes TX. */
static void
svc_send(struct th *h, uint32_t len)
{
	static uint8_t buf[8192];

	memset(buf, 'x', sizeof(buf));
	assert_true(len <= sizeof(buf));
	assert_int_equal(tt_send_copy(svc.conn, buf, len), len);
	tt_worker_flush(h->w);
}

static void
svc_shutdown(struct th *h)
{
	assert_int_equal(tt_shutdown(svc.conn), 0);
	tt_worker_flush(h->w);
}

static void
svc_keepalive(struct th *h, int on)
{
	assert_int_equal(tt_set_keepalive(svc.conn, on), 0);
	tt_worker_flush(h->w);
}

/* Advance to one tick before @p ms from now and assert silence, then to it. */
static void
advance_to_deadline(struct th *h, uint64_t ms)
{
	th_advance(h, ms - 1);
	th_expect_none(h);
	th_advance(h, 1);
}

static void
svc_nodelay(struct th *h, int on)
{
	assert_int_equal(tt_set_nodelay(svc.conn, on), 0);
	tt_worker_flush(h->w);
}

/* ---- Nagle ---- */

/* Nothing in flight: a small segment leaves at once. */
static void
test_nagle_small_segment_sent_when_idle(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	th_expect_none(h);
}

/*
 * A small segment in flight: later small writes wait (and coalesce) until
 * it is acknowledged, then leave as one segment.
 */
static void
test_nagle_holds_small_segment_until_ack(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_expect_none(h);
	svc_send(h, 7);
	th_expect_none(h);
	/* Time alone releases nothing (short of the RTO, rto_min 200 ms here). */
	assert_int_equal(tcp_rto_base(th_tcb(h), &h->w->cfg->tcp), 200);
	th_advance(h, 199);
	th_expect_none(h);
	th_send(h, "A", 1, 11, WIN, NULL, 0);
	th_expect(h, "PA", 11, 1, 12);
	th_expect_none(h);
	/* Still held behind the new small segment. */
	svc_send(h, 3);
	th_expect_none(h);
	th_send(h, "A", 1, 23, WIN, NULL, 0);
	th_expect(h, "PA", 23, 1, 3);
	th_expect_none(h);
}

/* A partial ACK that leaves the small segment unacknowledged releases nothing. */
static void
test_nagle_partial_ack_keeps_holding(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_send(h, "A", 1, 6, WIN, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, 11, WIN, NULL, 0);
	th_expect(h, "PA", 11, 1, 5);
	th_expect_none(h);
}

/* Full-sized segments are never held, whatever is in flight. */
static void
test_nagle_full_segment_never_held(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	/* 1500 queued: one full segment goes, the 40-byte tail waits. */
	svc_send(h, 1500);
	th_expect(h, "A", 11, 1, MSS);
	th_expect_none(h);
	th_send(h, "A", 1, 11, WIN, NULL, 0);
	th_expect(h, "PA", 11 + MSS, 1, 40);
	th_expect_none(h);
}

/*
 * Minshall: the short tail of a larger write behind full segments leaves
 * with them, so a response is not held for the peer's delayed ACK.
 */
static void
test_nagle_tail_behind_full_segments_not_held(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 3000);
	th_expect(h, "A", 1, 1, MSS);
	th_expect(h, "A", 1 + MSS, 1, MSS);
	th_expect(h, "PA", 1 + 2 * MSS, 1, 80);
	th_expect_none(h);
	/* Now a small segment is in flight: the next small write waits for it. */
	svc_send(h, 10);
	th_expect_none(h);
	th_send(h, "A", 1, 1 + 2 * MSS, WIN, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, 3001, WIN, NULL, 0);
	th_expect(h, "PA", 3001, 1, 10);
	th_expect_none(h);
}

/* No delay for the FIN when nothing is outstanding: data and FIN in one segment. */
static void
test_nagle_fin_follows_data_at_once(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	svc_shutdown(h);
	/* tt_send_copy() already sent the data; the FIN follows at once. */
	th_expect(h, "PA", 1, 1, 10);
	th_expect(h, "FA", 11, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_FIN_WAIT_1);
}

/* A small write followed by shutdown while a small segment is in flight: data+FIN not held. */
static void
test_nagle_segment_with_fin_not_held(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_expect_none(h);
	svc_shutdown(h);
	th_expect(h, "FPA", 11, 1, 5);
	th_expect_none(h);
}

/* Retransmission after an RTO is not held by Nagle. */
static void
test_nagle_rto_retransmission_not_held(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_expect_none(h);
	/* Go back to SND.UNA: the held bytes ride along with the retransmission. */
	th_advance(h, tcp_rto_base(th_tcb(h), &h->w->cfg->tcp));
	th_expect(h, "PA", 1, 1, 15);
	th_expect_none(h);
}

/* tt_set_nodelay(c, 1): every small write goes out at once. */
static void
test_nodelay_api_sends_at_once(void **state)
{
	struct th *h = *state;

	established(h);
	svc_nodelay(h, 1);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_expect(h, "PA", 11, 1, 5);
	svc_send(h, 7);
	th_expect(h, "PA", 16, 1, 7);
	th_expect_none(h);
}

/* Turning Nagle off releases what it held, at once. */
static void
test_nodelay_api_releases_held_data(void **state)
{
	struct th *h = *state;

	established(h);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_expect_none(h);
	svc_nodelay(h, 1);
	th_expect(h, "PA", 11, 1, 5);
	th_expect_none(h);
}

/* [tcp] nagle = off, then tt_set_nodelay(c, 0) turns it back on for one connection. */
static void
test_nagle_config_off_and_api_on(void **state)
{
	struct th *h = *state;

	established(h);
	assert_true(th_tcb(h)->flags & TT_TF_NODELAY);
	svc_send(h, 10);
	th_expect(h, "PA", 1, 1, 10);
	svc_send(h, 5);
	th_expect(h, "PA", 11, 1, 5);
	svc_nodelay(h, 0);
	svc_send(h, 5);
	th_expect_none(h);
	th_send(h, "A", 1, 16, WIN, NULL, 0);
	th_expect(h, "PA", 16, 1, 5);
	th_expect_none(h);
}

/*
 * The echo service under Nagle: a second small piece that arrives before
 * the first echo is acknowledged waits for that ACK; the delayed ACK goes
 * out on its own timer meanwhile. No deadlock: the peer's ACK releases it.
 */
static void
test_nagle_echo_waits_for_ack_of_previous_echo(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	th_send(h, "PA", 1, 1, WIN, "a", 1);
	th_expect(h, "PA", 1, 2, 1);
	th_send(h, "PA", 2, 1, WIN, "b", 1);
	th_expect_none(h);
	th_advance(h, 40);
	th_expect(h, "A", 2, 3, 0);		/* delayed ACK of 'b' */
	th_expect_none(h);
	th_send(h, "A", 3, 2, WIN, NULL, 0);	/* the peer acknowledges 'a' */
	th_expect(h, "PA", 2, 3, 1);
	assert_int_equal(h->last.data[0], 'b');
	th_expect_none(h);
}

/* ---- Keepalive ---- */

/*
 * Idle for keepalive_idle_ms: a probe <SEQ=SND.NXT-1><ACK=RCV.NXT>, no
 * data, then one per interval; the interval after the last unanswered one
 * the connection is reset and the service told TT_CLOSE_TIMEOUT.
 */
static void
test_keepalive_probes_then_reset(void **state)
{
	struct th *h = *state;
	unsigned int i;

	established(h);
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 0, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, keepalive_probes), 1);
	for (i = 2; i <= KA_COUNT; i++) {
		advance_to_deadline(h, KA_INTVL);
		th_expect(h, "A", 0, 1, 0);
		th_expect_none(h);
		assert_int_equal(th_stat(h, keepalive_probes), i);
	}
	advance_to_deadline(h, KA_INTVL);
	th_expect(h, "RA", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(svc.closes, 1);
	assert_int_equal(svc.reason, TT_CLOSE_TIMEOUT);
	assert_int_equal(th_stat(h, conn_timeout), 1);
	assert_int_equal(th_stat(h, keepalive_probes), KA_COUNT);
}

/* The peer answers the second probe: the connection stays, idle starts over. */
static void
test_keepalive_answered_probe_keeps_connection(void **state)
{
	struct th *h = *state;

	established(h);
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 0, 1, 0);
	advance_to_deadline(h, KA_INTVL);
	th_expect(h, "A", 0, 1, 0);
	th_advance(h, 10);
	th_send(h, "A", 1, 1, WIN, NULL, 0);	/* the answer: ACK of SND.NXT */
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->ka_probes, 0);
	/* Next probe a whole idle period after the answer, then the full count again. */
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 0, 1, 0);
	advance_to_deadline(h, KA_INTVL);
	th_expect(h, "A", 0, 1, 0);
	advance_to_deadline(h, KA_INTVL);
	th_expect(h, "A", 0, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, keepalive_probes), 5);
	assert_int_equal(svc.closes, 0);
}

/* Data from the peer restarts the idle time; our own sending does not count. */
static void
test_keepalive_traffic_resets_idle(void **state)
{
	struct th *h = *state;

	established(h);
	th_advance(h, 600);
	th_send(h, "PA", 1, 1, WIN, "hi", 2);
	th_advance(h, 40);
	th_expect(h, "A", 1, 3, 0);		/* delayed ACK */
	th_advance(h, 500);
	svc_send(h, 4);				/* ours, 540 ms after the peer's data */
	th_expect(h, "PA", 1, 3, 4);
	th_send(h, "A", 3, 5, WIN, NULL, 0);	/* its ACK is the peer speaking */
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 4, 3, 0);		/* SND.NXT - 1 */
	th_expect_none(h);
	assert_int_equal(th_stat(h, keepalive_probes), 1);
}

/* keepalive = off: nothing at all for ten idle periods. */
static void
test_keepalive_off_sends_nothing(void **state)
{
	struct th *h = *state;

	established(h);
	th_advance(h, 10 * KA_IDLE);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, keepalive_probes), 0);
	assert_int_equal(tcb_timer_deadline(th_tcb(h), TT_TIMER_KEEPALIVE), 0);
}

/* keepalive = off, tt_set_keepalive(c, 1): idle counts from the call. */
static void
test_keepalive_api_on(void **state)
{
	struct th *h = *state;

	established(h);
	th_advance(h, 5000);
	svc_keepalive(h, 1);
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 0, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, keepalive_probes), 1);
}

/* keepalive = on, tt_set_keepalive(c, 0) while probing: no more probes, no reset. */
static void
test_keepalive_api_off(void **state)
{
	struct th *h = *state;

	established(h);
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 0, 1, 0);
	svc_keepalive(h, 0);
	th_advance(h, 10 * KA_IDLE);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, keepalive_probes), 1);
}

/* Our data in flight: the RTX timer watches the peer, keepalive stays quiet. */
static void
test_keepalive_quiet_while_data_in_flight(void **state)
{
	struct th *h = *state;

	established(h);
	th_advance(h, 900);
	svc_send(h, 4);
	th_expect(h, "PA", 1, 1, 4);
	/* rto_min 200: retransmissions at +200, +400 (back-off), no probe at idle. */
	th_advance(h, 200);
	th_expect(h, "PA", 1, 1, 4);
	th_advance(h, 400);
	th_expect(h, "PA", 1, 1, 4);
	th_expect_none(h);
	assert_int_equal(th_stat(h, keepalive_probes), 0);
	/* Acknowledged at 1500: the next probe comes an idle period later. */
	th_send(h, "A", 1, 5, WIN, NULL, 0);
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 4, 1, 0);
	th_expect_none(h);
}

/* CLOSE_WAIT is idle too (RFC 1122: the connection, not the direction). */
static void
test_keepalive_probes_in_close_wait(void **state)
{
	struct th *h = *state;

	established(h);
	th_send(h, "FA", 1, 1, WIN, NULL, 0);
	th_expect(h, "A", 1, 2, 0);
	assert_int_equal(th_state(h), TT_CLOSE_WAIT);
	advance_to_deadline(h, KA_IDLE);
	th_expect(h, "A", 0, 2, 0);
	th_expect_none(h);
}

/* ---- Minimum MSS clamp ([tcp] min_mss) ---- */

static void
handshake_mss(struct th *h, uint16_t mss)
{
	h->local_port = SVC_PORT;
	th_send_abs(h, "S", h->irs, 0, WIN, NULL, 0, mss);
	th_expect(h, "SA", 0, 1, 0);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_non_null(svc.conn);
}

/* Default 216: an MSS of 20 is raised to it; 1000 bytes become 5 segments, not 50. */
static void
test_min_mss_default_216(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 20);
	assert_int_equal(th_tcb(h)->mss, 216);
	svc_nodelay(h, 1);
	svc_send(h, 1000);
	th_expect(h, "A", 1, 1, 216);
	th_expect(h, "A", 217, 1, 216);
	th_expect(h, "A", 433, 1, 216);
	th_expect(h, "A", 649, 1, 216);
	th_expect(h, "PA", 865, 1, 136);
	th_expect_none(h);
}

/* An MSS above the clamp is honoured as sent. */
static void
test_min_mss_leaves_larger_mss_alone(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 300);
	assert_int_equal(th_tcb(h)->mss, 300);
}

static void
test_min_mss_config_88(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 20);
	assert_int_equal(th_tcb(h)->mss, 88);
	svc_send(h, 100);
	th_expect(h, "A", 1, 1, 88);
	th_expect(h, "PA", 89, 1, 12);
	th_expect_none(h);
}

static void
test_min_mss_config_536(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 100);
	assert_int_equal(th_tcb(h)->mss, 536);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nagle_small_segment_sent_when_idle,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_holds_small_segment_until_ack,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_partial_ack_keeps_holding,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_full_segment_never_held,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_tail_behind_full_segments_not_held,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_fin_follows_data_at_once,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_segment_with_fin_not_held,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_rto_retransmission_not_held,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nodelay_api_sends_at_once,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nodelay_api_releases_held_data,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_config_off_and_api_on,
						nodelay_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_echo_waits_for_ack_of_previous_echo,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_probes_then_reset,
						keepalive_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_answered_probe_keeps_connection,
						keepalive_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_traffic_resets_idle,
						keepalive_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_off_sends_nothing,
						keepalive_off_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_api_on,
						keepalive_off_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_api_off,
						keepalive_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_quiet_while_data_in_flight,
						keepalive_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_probes_in_close_wait,
						keepalive_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_min_mss_default_216,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_min_mss_leaves_larger_mss_alone,
						nagle_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_min_mss_config_88,
						min_mss_88_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_min_mss_config_536,
						min_mss_536_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
