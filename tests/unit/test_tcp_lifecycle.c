/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * The two connection lifecycles of RFC 9293, one transition per test, as
 * packet-level scripts against the real services (echo on 7, http on 80).
 */

#include <stdlib.h>
#include <string.h>

#include "tt_harness.h"

static const char GET_CLOSE[] = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

/* LISTEN + SYN -> SYN_RCVD, SYN-ACK with our MSS; ACK -> ESTABLISHED. */
static void
test_listen_syn_to_established(void **state)
{
	struct th *h = *state;

	h->local_port = 7;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 1);
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(th_stat(h, conn_established), 1);
}

/* ESTABLISHED: echo returns the data with the ACK piggybacked. */
static void
test_established_echo(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	th_send(h, "PA", 1, 1, 65535, "hello", 5);
	th_expect(h, "PA", 1, 6, 5);
	assert_memory_equal(h->last.data, "hello", 5);
	th_send(h, "A", 6, 6, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.una, h->iss + 6);
}

/* Peer closes first: FIN -> CLOSE_WAIT (ACK), echo shuts down -> LAST_ACK, ACK -> CLOSED. */
static void
test_peer_close_first(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	th_send(h, "FA", 1, 1, 65535, NULL, 0);
	/* echo answers the FIN with its own at once: FIN+ACK in one segment. */
	th_expect(h, "FA", 1, 2, 0);
	assert_int_equal(th_state(h), TT_LAST_ACK);
	th_send(h, "A", 2, 2, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, conn_closed), 1);
}

/* tcpterm closes first: FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT -> CLOSED after exactly 2MSL. */
static void
test_local_close_first_time_wait(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, 65535, GET_CLOSE, n);
	th_expect(h, "FPA", 1, 1 + n, TH_ANY_LEN);
	rlen = h->last.len;
	assert_true(rlen > 0);
	assert_non_null(memmem(h->last.data, rlen, "Connection: close", 17));
	assert_int_equal(th_state(h), TT_FIN_WAIT_1);
	th_send(h, "A", 1 + n, 2 + rlen, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_FIN_WAIT_2);
	th_send(h, "FA", 1 + n, 2 + rlen, 65535, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 1);
	th_advance(h, 1999);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	th_advance(h, 1);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(th_stat(h, time_wait_expired), 1);
}

/* TIME_WAIT: a retransmitted FIN is ACKed and restarts 2MSL. */
static void
test_time_wait_fin_restarts_2msl(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, 65535, GET_CLOSE, n);
	th_expect(h, "FPA", 1, 1 + n, TH_ANY_LEN);
	rlen = h->last.len;
	th_send(h, "FA", 1 + n, 2 + rlen, 65535, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	th_advance(h, 1500);
	th_send(h, "FA", 1 + n, 2 + rlen, 65535, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	th_advance(h, 1999);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	th_advance(h, 1);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* Simultaneous close: FIN crosses ours in FIN_WAIT_1 -> CLOSING; its ACK -> TIME_WAIT. */
static void
test_simultaneous_close_closing(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen;

	th_handshake(h, 80);
	th_send(h, "PA", 1, 1, 65535, GET_CLOSE, n);
	th_expect(h, "FPA", 1, 1 + n, TH_ANY_LEN);
	rlen = h->last.len;
	/* The peer's FIN acknowledges the data but not our FIN. */
	th_send(h, "FA", 1 + n, 1 + rlen, 65535, NULL, 0);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_int_equal(th_state(h), TT_CLOSING);
	th_send(h, "A", 2 + n, 2 + rlen, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
}

static int
setup_8(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.max_connections = 8;
	th_start(h);
	*state = h;
	return 0;
}

/*
 * The flow table has one bucket per TCB, so eight connections in eight
 * buckets share some: each still finds its own TCB, and taking three out
 * of the middle of their chains (RST) leaves the others reachable, the
 * freed TCBs reusable.
 */
static void
test_flow_table_chains(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t[8];
	unsigned int i;

	for (i = 0; i < 8; i++) {
		h->peer_port = (uint16_t)(50001 + i);
		th_handshake(h, 7);
		t[i] = th_tcb(h);
		assert_non_null(t[i]);
		assert_int_equal(rte_be_to_cpu_16(t[i]->key.rport), 50001 + i);
	}
	assert_int_equal(h->w->n_flows, 8);
	for (i = 1; i < 8; i += 3) {
		h->peer_port = (uint16_t)(50001 + i);
		th_send(h, "R", 1, 0, 0, NULL, 0);
		assert_int_equal(th_state(h), TT_CLOSED);
	}
	assert_int_equal(h->w->n_flows, 5);
	for (i = 0; i < 8; i++) {
		h->peer_port = (uint16_t)(50001 + i);
		if (i % 3 == 1) {
			assert_null(th_tcb(h));
			continue;
		}
		assert_ptr_equal(th_tcb(h), t[i]);
		assert_int_equal(th_state(h), TT_ESTABLISHED);
	}
	for (i = 1; i < 8; i += 3) {
		h->peer_port = (uint16_t)(50101 + i);
		th_handshake(h, 7);
	}
	assert_int_equal(h->w->n_flows, 8);
	assert_int_equal(th_states(h, TT_ESTABLISHED), 8);
	th_expect_none(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listen_syn_to_established, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_established_echo, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_peer_close_first, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_local_close_first_time_wait, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_fin_restarts_2msl, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_close_closing, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_flow_table_chains, setup_8, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
