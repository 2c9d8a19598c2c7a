/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Active open (RFC 9293 §3.5, §3.10.1 OPEN, §3.10.7.3 SYN-SENT), one
 * transition per test, with a small client service defined here. The peer
 * is the server (h->peer_port = SERVER_PORT); sequence numbers are relative
 * to its ISN (h->irs) and to ours (h->iss, taken from the SYN we send).
 */

#include <string.h>

#include "tt_harness.h"

#define SERVER_PORT 8080

/* What the client service saw. */
static struct {
	unsigned int accepts;
	unsigned int closes;
	enum tt_close_reason reason;
	struct tt_conn *conn;
	uint32_t rx_len;
	uint8_t rx[4096];
} cli;

struct cli_opts {
	const char *greeting;	/* sent from on_accept, if any */
};

static int
cli_on_accept(struct tt_conn *c, const void *opts)
{
	const struct cli_opts *o = opts;

	cli.accepts++;
	cli.conn = c;
	if (o != NULL && o->greeting != NULL)
		assert_int_equal(tt_send_copy(c, o->greeting, (uint32_t)strlen(o->greeting)),
				 (int)strlen(o->greeting));
	return 0;
}

static void
cli_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const void *p;

	assert_true(cli.rx_len + len <= sizeof(cli.rx));
	p = rte_pktmbuf_read(m, 0, len, cli.rx + cli.rx_len);
	if (p != cli.rx + cli.rx_len)
		memcpy(cli.rx + cli.rx_len, p, len);
	cli.rx_len += len;
	rte_pktmbuf_free(m);
	tt_recved(c, len);
}

static void
cli_on_close(struct tt_conn *c, enum tt_close_reason reason)
{
	(void)c;
	cli.closes++;
	cli.reason = reason;
	cli.conn = NULL;
}

static const struct tt_service cli_svc = {
	.name = "test-client",
	.on_accept = cli_on_accept,
	.on_data = cli_on_data,
	.on_close = cli_on_close,
};

static int
setup(void **state)
{
	memset(&cli, 0, sizeof(cli));
	return th_setup(state);
}

static int
teardown(void **state)
{
	return th_teardown(state);
}

/*
 * tt_connect() to the peer's SERVER_PORT: learn the local port from the
 * TCB and our ISN from the SYN, which must be a bare SYN with our MSS.
 */
static struct tt_tcb *
active_open(struct th *h, const struct cli_opts *opts)
{
	struct tt_conn *c = NULL;
	struct tt_tcb *t;

	th_send_arp_reply(h);	/* the peer is known: the SYN goes out at once */
	assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, rte_cpu_to_be_16(SERVER_PORT), &cli_svc,
				    opts, &c), 0);
	tt_worker_flush(h->w);
	assert_non_null(c);
	t = (struct tt_tcb *)c;
	h->local_port = rte_be_to_cpu_16(t->key.lport);
	h->peer_port = SERVER_PORT;
	assert_ptr_equal(th_tcb(h), t);
	assert_true(th_recv(h, &h->last));
	assert_string_equal(h->last.flags, "S");
	h->iss = h->last.abs_seq;
	assert_int_equal(h->iss, tcb_iss(t));
	assert_int_equal(h->last.abs_ack, 0);
	assert_int_equal(h->last.len, 0);
	assert_int_equal(h->last.mss, 1460);
	th_expect_none(h);
	return t;
}

/* OPEN: a bare SYN (no ACK) with the MSS option; SYN_SENT; counted; the service waits. */
static void
test_closed_connect_sends_syn(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t = active_open(h, NULL);

	assert_int_equal(th_state(h), TT_SYN_SENT);
	assert_int_equal(th_states(h, TT_SYN_SENT), 1);
	assert_int_equal(th_stat(h, conn_active_open), 1);
	assert_int_equal(th_stat(h, active_open_ok), 0);
	assert_true(h->local_port >= h->cfg.tcp.local_port_min &&
		    h->local_port <= h->cfg.tcp.local_port_max);
	assert_int_equal(t->snd.una, h->iss);
	assert_int_equal(t->snd.nxt, h->iss + 1);
	assert_int_equal(cli.accepts, 0);
	assert_int_equal(cli.closes, 0);
}

/*
 * OPEN: the ISN is RFC 6528's (clock plus the keyed hash of the 4-tuple)
 * and the timestamp offset RFC 7323's, both from the one hash, each as
 * tcp_isn() and tcp_ts_offset() give it alone.
 */
static void
test_closed_connect_isn_and_ts_offset(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t = active_open(h, NULL);
	uint32_t ts_offset;

	assert_int_equal(tcb_iss(t), tcp_isn(h->w, &t->key));
	assert_int_equal(t->ts_offset, tcp_ts_offset(h->w, &t->key));
	assert_int_equal(tcp_isn_ts_offset(h->w, &t->key, &ts_offset), tcb_iss(t));
	assert_int_equal(ts_offset, t->ts_offset);
	assert_int_equal(h->iss, tcb_iss(t));
}

/* Before the peer's address is known the SYN waits for ARP, then leaves. */
static void
test_closed_connect_waits_for_arp(void **state)
{
	struct th *h = *state;
	struct tt_conn *c = NULL;
	struct th_seg s;

	assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, rte_cpu_to_be_16(SERVER_PORT), &cli_svc,
				    NULL, &c), 0);
	tt_worker_flush(h->w);
	assert_int_equal(th_stat(h, arp_requests_tx), 1);
	assert_false(th_recv(h, &s));		/* only the ARP request went out */
	th_send_arp_reply(h);
	assert_true(th_recv(h, &s));
	assert_string_equal(s.flags, "S");
}

/* SYN_SENT + SYN-ACK -> ESTABLISHED: our ACK, on_accept once, active_open_ok. */
/* Send what is buffered and drop it unread (frames from other local addresses). */
static void
tx_discard(struct th *h)
{
	struct rte_mbuf *m;

	tt_worker_flush(h->w);
	while (rte_ring_dequeue(h->tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

/*
 * OPEN with two local addresses: the port range is swept on the first,
 * then on the second, then on the first again, so a tuple comes back only
 * after two sweeps (the peer may hold it in TIME_WAIT for 2MSL), not one.
 */
static void
test_closed_connect_addresses_take_turns_by_sweep(void **state)
{
	struct th *h = *state;
	uint32_t addr0 = rte_be_to_cpu_32(h->w->ports[0].addr);
	unsigned int i;

	h->cfg.tcp.local_port_min = 40000;	/* the worker reads h->cfg */
	h->cfg.tcp.local_port_max = 40009;
	h->w->ports[0].n_addrs = 2;
	h->w->next_lport = 0;
	h->w->next_laddr = 0;
	th_send_arp_reply(h);
	for (i = 0; i < 30; i++) {
		struct tt_conn *c = NULL;
		uint32_t laddr, raddr;
		uint16_t lport, rport;

		assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, rte_cpu_to_be_16(SERVER_PORT),
					    &cli_svc, NULL, &c), 0);
		tt_conn_tuple(c, &laddr, &lport, &raddr, &rport);
		assert_int_equal(rte_be_to_cpu_16(lport), 40000 + i % 10);
		assert_int_equal(rte_be_to_cpu_32(laddr), addr0 + (i / 10) % 2);
		tt_abort(c);
		tx_discard(h);
	}
	assert_int_equal(th_stat(h, conn_active_open), 30);
	assert_int_equal(cli.closes, 30);
}

static void
test_syn_sent_synack_to_established(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t = active_open(h, NULL);

	th_send_abs(h, "SA", h->irs, h->iss + 1, 65535, NULL, 0, 1000);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_states(h, TT_SYN_SENT), 0);
	assert_int_equal(th_states(h, TT_ESTABLISHED), 1);
	assert_int_equal(cli.accepts, 1);
	assert_ptr_equal(cli.conn, (struct tt_conn *)t);
	assert_int_equal(th_stat(h, active_open_ok), 1);
	assert_int_equal(th_stat(h, conn_established), 1);
	/* IRS is not kept past the handshake: RCV.NXT shows it */
	assert_int_equal(t->rcv.nxt, h->irs + 1);
	assert_int_equal(t->snd.una, h->iss + 1);
	assert_int_equal(t->snd.wnd, 65535);
	assert_int_equal(t->mss, 1000);		/* the peer's MSS is smaller than ours */
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), 0);
	/* The handshake does not repeat: a duplicate SYN-ACK draws only an ACK. */
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(cli.accepts, 1);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* ESTABLISHED after an active open: data both ways, then an orderly close. */
static void
test_established_data_exchange(void **state)
{
	static const struct cli_opts greet = { .greeting = "HELLO" };
	struct th *h = *state;

	active_open(h, &greet);
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	/* The greeting queued in on_accept carries the handshake's ACK. */
	th_expect(h, "PA", 1, 1, 5);
	assert_memory_equal(h->last.data, "HELLO", 5);
	th_expect_none(h);
	assert_int_equal(cli.accepts, 1);
	th_send(h, "PA", 1, 6, 65535, "world", 5);
	assert_int_equal(cli.rx_len, 5);
	assert_memory_equal(cli.rx, "world", 5);
	th_advance(h, h->cfg.tcp.delayed_ack_ms);
	th_expect(h, "A", 6, 6, 0);
	assert_int_equal(th_tcb(h)->snd.una, h->iss + 6);
	/* The server closes; the client's FIN follows when it shuts down. */
	th_send(h, "FA", 6, 6, 65535, NULL, 0);
	th_expect(h, "A", 6, 7, 0);
	assert_int_equal(th_state(h), TT_CLOSE_WAIT);
	assert_int_equal(tt_shutdown(cli.conn), 0);
	tt_worker_flush(h->w);		/* outside a callback: the test flushes */
	th_expect(h, "FA", 6, 7, 0);
	th_send(h, "A", 7, 7, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(cli.closes, 1);
	assert_int_equal(cli.reason, TT_CLOSE_NORMAL);
}

/*
 * SYN_SENT, no answer: the SYN goes again after 1 s, 2 s, 4 s, ... (RFC
 * 6298 §5.5); after syn_retries retransmissions the next timeout gives up:
 * on_close(TIMEOUT), active_open_failed, and no RST (the peer never spoke).
 */
static void
test_syn_sent_retransmit_backoff_give_up(void **state)
{
	struct th *h = *state;
	uint32_t rto = h->cfg.tcp.rto_init_ms, n;

	active_open(h, NULL);
	assert_true(h->cfg.tcp.syn_retries >= 1);
	for (n = 1; n <= h->cfg.tcp.syn_retries; n++) {
		th_advance(h, rto - 1);
		th_expect_none(h);
		th_advance(h, 1);
		th_expect(h, "S", 0, 0, 0);
		assert_int_equal(h->last.abs_ack, 0);
		assert_int_equal(h->last.mss, 1460);
		assert_int_equal(th_state(h), TT_SYN_SENT);
		assert_int_equal(th_stat(h, rto_expired), n);
		rto = RTE_MIN(rto * 2, h->cfg.tcp.rto_max_ms);
	}
	assert_int_equal(cli.closes, 0);
	th_advance(h, rto - 1);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_SENT);
	th_advance(h, 1);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_SYN_SENT), 0);
	assert_int_equal(cli.accepts, 0);
	assert_int_equal(cli.closes, 1);
	assert_int_equal(cli.reason, TT_CLOSE_TIMEOUT);
	assert_int_equal(th_stat(h, active_open_failed), 1);
	assert_int_equal(th_stat(h, conn_timeout), 1);
	assert_int_equal(th_stat(h, rst_sent), 0);
}

/* RFC 6298 §5.7: the SYN timed out, so the connection starts with an RTO of 3 s. */
static void
test_syn_sent_synack_after_timeout_rto_3s(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t = active_open(h, NULL);

	th_advance(h, h->cfg.tcp.rto_init_ms);
	th_expect(h, "S", 0, 0, 0);
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(t->rxt_shift, 0);
	assert_int_equal(tcp_rto_base(t, &h->w->cfg->tcp), 3000);
	assert_int_equal(t->srtt, 0);		/* Karn: no sample from a retransmitted SYN */
}

/* RFC 9293 §3.10.7.3: RST with an acceptable ACK in SYN_SENT -> refused, CLOSED. */
static void
test_syn_sent_rst_ack_refused(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	th_send(h, "RA", 0, 1, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_states(h, TT_SYN_SENT), 0);
	assert_int_equal(cli.accepts, 0);
	assert_int_equal(cli.closes, 1);
	assert_int_equal(cli.reason, TT_CLOSE_REFUSED);
	assert_int_equal(th_stat(h, active_open_failed), 1);
	assert_int_equal(th_stat(h, conn_reset_rx), 1);
	/* Nothing is left to retransmit. */
	th_advance(h, 10000);
	th_expect_none(h);
}

/* RST without ACK in SYN_SENT: dropped, the SYN stands. */
static void
test_syn_sent_rst_without_ack_ignored(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	th_send(h, "R", 0, 0, 0, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_SENT);
	assert_int_equal(th_drop(h, tcp_rst_invalid), 1);
	assert_int_equal(cli.closes, 0);
	/* The handshake still completes. */
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(cli.accepts, 1);
}

/* RST whose ACK does not cover our SYN (SEG.ACK =< ISS or > SND.NXT): dropped, no reply. */
static void
test_syn_sent_rst_bad_ack_ignored(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	th_send(h, "RA", 0, 0, 0, NULL, 0);		/* SEG.ACK = ISS */
	th_send(h, "RA", 0, 2, 0, NULL, 0);		/* beyond SND.NXT */
	th_send(h, "RA", 0, (uint32_t)-5, 0, NULL, 0);	/* old */
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_SENT);
	assert_int_equal(th_drop(h, tcp_ack_unsent), 3);
	assert_int_equal(th_stat(h, rst_sent), 0);
	assert_int_equal(cli.closes, 0);
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* SYN-ACK with an unacceptable ACK: RST <SEQ=SEG.ACK><CTL=RST>, still SYN_SENT. */
static void
test_syn_sent_synack_bad_ack_draws_rst(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	th_send(h, "SA", 0, 5, 65535, NULL, 0);
	th_expect(h, "R", 5, 0, 0);
	th_send(h, "SA", 0, 0, 65535, NULL, 0);		/* SEG.ACK = ISS */
	th_expect(h, "R", 0, 0, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_SENT);
	assert_int_equal(th_stat(h, rst_sent), 2);
	assert_int_equal(cli.accepts, 0);
	assert_int_equal(cli.closes, 0);
	/* The real SYN-ACK still completes the handshake. */
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(cli.accepts, 1);
}

/* A segment with neither SYN nor RST in SYN_SENT is dropped. */
static void
test_syn_sent_bare_ack_dropped(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	th_send(h, "A", 0, 1, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_SENT);
	assert_int_equal(cli.accepts, 0);
}

/*
 * Simultaneous open (RFC 9293 §3.5 figure 8): a bare SYN in SYN_SENT ->
 * SYN_RCVD and our SYN again with an ACK <SEQ=ISS><ACK=peer ISN+1>.
 */
static void
syn_sent_crossing_syn(struct th *h)
{
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.abs_seq, tcb_iss(th_tcb(h)));
	assert_int_equal(tcb_irs(th_tcb(h)), h->irs);
	assert_int_equal(h->last.mss, 1460);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(th_states(h, TT_SYN_SENT), 0);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 1);
	assert_int_equal(cli.accepts, 0);
}

/* ... and the peer's ACK of our SYN completes it: ESTABLISHED, on_accept. */
static void
test_syn_sent_simultaneous_open_ack(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	syn_sent_crossing_syn(h);
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(cli.accepts, 1);
	assert_int_equal(th_stat(h, active_open_ok), 1);
	assert_int_equal(th_stat(h, conn_syn_rcvd), 0);	/* not a passive open */
}

/*
 * ... or the peer's own SYN-ACK (figure 8, line 6: <SEQ=300><ACK=101>
 * <CTL=SYN,ACK> takes SYN-RECEIVED to ESTABLISHED).
 */
static void
test_syn_sent_simultaneous_open_synack(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	syn_sent_crossing_syn(h);
	th_send(h, "SA", 0, 1, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(cli.accepts, 1);
	assert_int_equal(th_stat(h, active_open_ok), 1);
	assert_int_equal(th_tcb(h)->snd.una, h->iss + 1);
	assert_int_equal(th_tcb(h)->rcv.nxt, h->irs + 1);
	th_expect_none(h);
	/* The connection works: data flows. */
	th_send(h, "PA", 1, 1, 65535, "x", 1);
	assert_int_equal(cli.rx_len, 1);
}

/* In SYN_RCVD after a crossing SYN, the peer's SYN again draws our SYN-ACK again. */
static void
test_syn_rcvd_active_dup_syn_resends_synack(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	syn_sent_crossing_syn(h);
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(cli.accepts, 1);
}

/* SYN-ACK carrying data: the handshake completes, the data is not acknowledged. */
static void
test_syn_sent_synack_with_data_not_acked(void **state)
{
	struct th *h = *state;

	active_open(h, NULL);
	th_send(h, "SA", 0, 1, 65535, "early", 5);
	th_expect(h, "A", 1, 1, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_drop(h, tcp_syn_data), 1);
	assert_int_equal(cli.accepts, 1);
	assert_int_equal(cli.rx_len, 0);
	assert_int_equal(th_tcb(h)->rcv.nxt, h->irs + 1);
	/* The peer sends it again and it is taken. */
	th_send(h, "PA", 1, 1, 65535, "early", 5);
	assert_int_equal(cli.rx_len, 5);
	assert_memory_equal(cli.rx, "early", 5);
	th_advance(h, h->cfg.tcp.delayed_ack_ms);
	th_expect(h, "A", 1, 6, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_closed_connect_sends_syn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_connect_isn_and_ts_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_connect_waits_for_arp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_connect_addresses_take_turns_by_sweep, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_synack_to_established, setup, teardown),
		cmocka_unit_test_setup_teardown(test_established_data_exchange, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_retransmit_backoff_give_up, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_synack_after_timeout_rto_3s, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_rst_ack_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_rst_without_ack_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_rst_bad_ack_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_synack_bad_ack_draws_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_bare_ack_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_simultaneous_open_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_simultaneous_open_synack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_rcvd_active_dup_syn_resends_synack, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_syn_sent_synack_with_data_not_acked, setup,
						teardown),
	};

	th_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
