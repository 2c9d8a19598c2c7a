/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Congestion control (lib/tcp/cc*.c): NewReno's cwnd/ssthresh trajectory
 * on one loss and on an RTO, limited transmit, CUBIC against RFC 9438's
 * formulas, and the choice of algorithm from [tcp] congestion_control.
 * Packet-level scenarios use the harness (source on port 19 keeps the
 * window full); the algorithm functions are also driven directly on a bare
 * struct tt_tcb. Doubles appear only here, as the reference.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services.h"
#include "tt_harness.h"

#define WIN 65535
#define MSS 1460u

/* ---- helpers ---- */

/* Take every segment tcpterm sent; each must carry @p len bytes of new data. */
static unsigned int
drain_data(struct th *h, uint32_t len)
{
	struct th_seg s;
	unsigned int n = 0;

	while (th_recv(h, &s)) {
		assert_int_equal(s.len, len);
		n++;
	}
	return n;
}

static int
setup_with(void **state, uint8_t cc, uint8_t lt, uint32_t iw)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.congestion_control = cc;
	h->cfg.tcp.limited_transmit = lt;
	h->cfg.tcp.initial_window = iw;
	th_start(h);
	*state = h;
	return 0;
}

static int setup_newreno(void **state) { return setup_with(state, TT_CC_NEWRENO, 1, 0); }
static int setup_newreno_no_lt(void **state) { return setup_with(state, TT_CC_NEWRENO, 0, 0); }
static int setup_cubic(void **state) { return setup_with(state, TT_CC_CUBIC, 1, 0); }
static int setup_iw4(void **state) { return setup_with(state, TT_CC_NEWRENO, 1, 4); }

/* A bare TCB running @p algo: MSS 1460, cwnd @p cwnd, SRTT @p srtt_ms. */
static void
bare_tcb(struct tt_tcb *t, const struct tt_cc_algo *algo, uint32_t cwnd, uint32_t srtt_ms)
{
	memset(t, 0, sizeof(*t));
	t->mss = MSS;
	t->snd.cwnd = cwnd;
	t->snd.ssthresh = UINT32_MAX;
	t->srtt = srtt_ms * 1000;
	t->cc_id = algo == &tt_cc_cubic ? TT_CC_CUBIC : TT_CC_NEWRENO;
	algo->init(t);
}

/* ---- NewReno, packet level ---- */

/*
 * RFC 5681/6582 on one loss: slow start, limited transmit on dupacks 1-2,
 * fast retransmit with ssthresh = FlightSize/2 (limited-transmit data left
 * out) and cwnd = ssthresh + 3 SMSS, inflation, the full ACK deflating to
 * min(ssthresh, FlightSize + SMSS), slow start up to ssthresh, then
 * congestion avoidance at SMSS^2/cwnd per ACK.
 */
static void
test_newreno_one_loss_trajectory(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;
	uint32_t cwnd;
	unsigned int i;

	th_handshake(h, 19);
	t = th_tcb(h);
	assert_ptr_equal(tcb_cc(t), &tt_cc_newreno);
	assert_int_equal(drain_data(h, MSS), 10);
	assert_int_equal(t->snd.cwnd, 10 * MSS);
	assert_int_equal(t->snd.ssthresh, UINT32_MAX);

	/* Slow start: one segment ACKed, cwnd + 1 SMSS, two go out. */
	th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, 11 * MSS);
	assert_int_equal(drain_data(h, MSS), 2);	/* 11 in flight: 1461..17521 */

	/* Limited transmit: one new segment per dupack, cwnd untouched. */
	th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	th_expect(h, "A", 1 + 12 * MSS, 1, MSS);
	th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	th_expect(h, "A", 1 + 13 * MSS, 1, MSS);
	th_expect_none(h);
	assert_int_equal(t->snd.cwnd, 11 * MSS);

	/* Third: FlightSize 11 segments (not 13), ssthresh 5.5, cwnd 8.5. */
	th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	th_expect(h, "PA", 1 + MSS, 1, MSS);
	th_expect_none(h);
	assert_true(t->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(t->snd.ssthresh, 11 * MSS / 2);
	assert_int_equal(t->snd.cwnd, 11 * MSS / 2 + 3 * MSS);
	assert_int_equal(t->snd.recover, h->iss + 1 + 14 * MSS);

	/* Inflation: 13 in flight; 6 more dupacks take cwnd to 14.5 segments. */
	for (i = 0; i < 5; i++)
		th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	cwnd = 11 * MSS / 2 + 9 * MSS;
	assert_int_equal(t->snd.cwnd, cwnd);
	assert_int_equal(drain_data(h, MSS), 1);	/* the half segment left waits (SWS) */

	/* Full ACK of everything up to recover: one segment beyond it is still out. */
	th_send(h, "A", 1, 1 + 14 * MSS, WIN, NULL, 0);
	assert_false(t->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(t->snd.cwnd, RTE_MIN(11 * MSS / 2, MSS + MSS));
	assert_int_equal(drain_data(h, MSS), 1);

	/* Slow start again until ssthresh... */
	th_send(h, "A", 1, 1 + 15 * MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, 3 * MSS);
	th_send(h, "A", 1, 1 + 16 * MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, 4 * MSS);
	th_send(h, "A", 1, 1 + 17 * MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, 5 * MSS);
	th_send(h, "A", 1, 1 + 18 * MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, 6 * MSS);		/* >= ssthresh 5.5 */
	/* ...then congestion avoidance. */
	cwnd = t->snd.cwnd;
	th_send(h, "A", 1, 1 + 19 * MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, cwnd + MSS * MSS / cwnd);
	drain_data(h, MSS);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	assert_int_equal(th_stat(h, rto_expired), 0);
}

/* RFC 5681 §3.1 eq. 4 on a timeout: ssthresh = FlightSize/2, cwnd = 1 SMSS, slow start again. */
static void
test_newreno_rto_trajectory(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	th_handshake(h, 19);
	t = th_tcb(h);
	assert_int_equal(drain_data(h, MSS), 10);
	th_advance(h, 200);		/* RTO: rto_min, the handshake's RTT was ~0 */
	th_expect(h, "A", 1, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, rto_expired), 1);
	assert_int_equal(t->snd.ssthresh, 10 * MSS / 2);
	assert_int_equal(t->snd.cwnd, MSS);
	/* Each ACK grows cwnd by one segment while below ssthresh. */
	th_send(h, "A", 1, 1 + MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.cwnd, 2 * MSS);
	assert_int_equal(drain_data(h, MSS), 2);
}

/* RFC 3042 needs room in the peer's window: with exactly the flight offered, nothing goes. */
static void
test_limited_transmit_respects_peer_window(void **state)
{
	struct th *h = *state;

	h->local_port = 19;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_send(h, "A", 1, 1, 10 * MSS, NULL, 0);
	assert_int_equal(drain_data(h, MSS), 10);
	th_send(h, "A", 1, 1, 10 * MSS, NULL, 0);
	th_send(h, "A", 1, 1, 10 * MSS, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, 1, 10 * MSS, NULL, 0);
	th_expect(h, "PA", 1, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.ssthresh, 5 * MSS);
}

/* limited_transmit = off: the first two duplicate ACKs send nothing. */
static void
test_limited_transmit_off(void **state)
{
	struct th *h = *state;

	th_handshake(h, 19);
	assert_int_equal(drain_data(h, MSS), 10);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect(h, "PA", 1, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.ssthresh, 5 * MSS);
	assert_int_equal(th_tcb(h)->snd.cwnd, 8 * MSS);
}

/* initial_window = 4: four segments, not RFC 6928's ten. */
static void
test_initial_window_from_config(void **state)
{
	struct th *h = *state;

	th_handshake(h, 19);
	assert_int_equal(th_tcb(h)->snd.cwnd, 4 * MSS);
	assert_int_equal(drain_data(h, MSS), 4);
}

/* congestion_control = cubic: the TCB runs CUBIC; a loss cuts by beta = 0.7. */
static void
test_cubic_selected_by_config(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	th_handshake(h, 19);
	t = th_tcb(h);
	assert_ptr_equal(tcb_cc(t), &tt_cc_cubic);
	assert_int_equal(drain_data(h, MSS), 10);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	assert_int_equal(drain_data(h, MSS), 2);		/* limited transmit */
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect(h, "PA", 1, 1, MSS);
	th_expect_none(h);
	assert_int_equal(t->snd.ssthresh, 10 * MSS * 7 / 10);
	assert_int_equal(t->snd.cwnd, 10 * MSS * 7 / 10 + 3 * MSS);
	assert_int_equal(t->cc_state.cubic.w_max, 10 * MSS);
	assert_int_equal(t->cc_state.cubic.cwnd_prior, 10 * MSS);
}

/* ---- NewReno, bare TCB ---- */

static void
test_newreno_bare_slow_start_and_avoidance(void **state)
{
	struct tt_tcb t;

	(void)state;
	bare_tcb(&t, &tt_cc_newreno, 2 * MSS, 100);
	t.snd.ssthresh = 4 * MSS;
	tt_cc_newreno.on_ack(&t, 3 * MSS, 0);	/* at most one SMSS per ACK */
	assert_int_equal(t.snd.cwnd, 3 * MSS);
	tt_cc_newreno.on_ack(&t, 100, 0);	/* a small ACK grows by what it ACKs */
	assert_int_equal(t.snd.cwnd, 3 * MSS + 100);
	t.snd.cwnd = 4 * MSS;
	tt_cc_newreno.on_ack(&t, MSS, 0);
	assert_int_equal(t.snd.cwnd, 4 * MSS + MSS / 4);
	/* Loss: half the flight, at least 2 SMSS; RTO: one segment. */
	tt_cc_newreno.on_loss(&t, 3 * MSS, 0);
	assert_int_equal(t.snd.ssthresh, 2 * MSS);
	assert_int_equal(t.snd.cwnd, 2 * MSS);
	tt_cc_newreno.on_rto(&t, 20 * MSS, 0);
	assert_int_equal(t.snd.ssthresh, 10 * MSS);
	assert_int_equal(t.snd.cwnd, MSS);
	/* RFC 6582 §3.2 step 3. */
	t.snd.cwnd = 20 * MSS;
	tt_cc_newreno.on_recovery_exit(&t, 0);
	assert_int_equal(t.snd.cwnd, 2 * MSS);
	t.snd.cwnd = 20 * MSS;
	tt_cc_newreno.on_recovery_exit(&t, 30 * MSS);
	assert_int_equal(t.snd.cwnd, 10 * MSS);
}

/* ---- CUBIC, bare TCB ---- */

#define C_CUBIC 0.4
#define BETA_CUBIC 0.7

static double
w_cubic(double t_s, double k_s, double w_max_seg)
{
	return C_CUBIC * pow(t_s - k_s, 3) + w_max_seg;
}

/*
 * ACK-clocked congestion avoidance: one ACK of one MSS every RTT * MSS /
 * cwnd, until @p until_us.
 */
static void
ack_clock(struct tt_tcb *t, uint64_t *now_us, uint64_t until_us)
{
	while (*now_us < until_us) {
		*now_us += (uint64_t)t->srtt * MSS / t->snd.cwnd;
		tcb_cc(t)->on_ack(t, MSS, *now_us);
	}
}

/* A first loss at cwnd 100 segments, recovery over: cwnd 70 at the start of CA. */
static void
cubic_after_loss(struct tt_tcb *t, uint32_t srtt_ms)
{
	bare_tcb(t, &tt_cc_cubic, 100 * MSS, srtt_ms);
	tt_cc_cubic.on_loss(t, 100 * MSS, 0);
	assert_int_equal(t->snd.ssthresh, 70 * MSS);
	assert_int_equal(t->snd.cwnd, 70 * MSS);
}

/* §4.6: ssthresh = cwnd * 0.7, W_max = cwnd, not below 2 SMSS. */
static void
test_cubic_multiplicative_decrease(void **state)
{
	struct tt_tcb t;

	(void)state;
	cubic_after_loss(&t, 100);
	assert_int_equal(t.cc_state.cubic.w_max, 100 * MSS);
	assert_int_equal(t.cc_state.cubic.cwnd_prior, 100 * MSS);
	bare_tcb(&t, &tt_cc_cubic, 2 * MSS, 100);
	tt_cc_cubic.on_loss(&t, 2 * MSS, 0);
	assert_int_equal(t.snd.ssthresh, 2 * MSS);
}

/* §4.7: a loss below the last W_max remembers only (1 + beta) / 2 of cwnd. */
static void
test_cubic_fast_convergence(void **state)
{
	struct tt_tcb t;

	(void)state;
	cubic_after_loss(&t, 100);
	t.snd.cwnd = 90 * MSS;
	tt_cc_cubic.on_loss(&t, 90 * MSS, 0);
	assert_int_equal(t.cc_state.cubic.w_max, (uint32_t)(90 * MSS * (1 + BETA_CUBIC) / 2));
	assert_int_equal(t.snd.ssthresh, 63 * MSS);
	/* A loss above W_max takes cwnd as it is. */
	t.snd.cwnd = 200 * MSS;
	tt_cc_cubic.on_loss(&t, 200 * MSS, 0);
	assert_int_equal(t.cc_state.cubic.w_max, 200 * MSS);
}

/*
 * §4.2-4.5: cwnd follows W_cubic(t) = C (t - K)^3 + W_max with
 * K = cbrt(W_max (1 - beta) / C). RTT 100 ms keeps W_est below W_cubic
 * over these 5 s, so the cubic region is what is measured.
 */
static void
test_cubic_growth_follows_rfc9438(void **state)
{
	static const double at_s[] = { 0.5, 1.0, 2.0, 3.0, 4.0, 4.5, 5.0, 5.5 };
	const double k_s = cbrt(100 * (1 - BETA_CUBIC) / C_CUBIC);
	struct tt_tcb t;
	uint64_t now_us = 10 * 1000000ull;
	uint64_t start_us;
	unsigned int i;

	(void)state;
	cubic_after_loss(&t, 100);
	/* The first ACK in CA starts the epoch and computes K. */
	tt_cc_cubic.on_ack(&t, MSS, now_us);
	start_us = now_us;
	assert_true(fabs(t.cc_state.cubic.k_ms - k_s * 1000) <= 1.0);
	assert_int_equal(t.cc_state.cubic.w_max, 100 * MSS);
	for (i = 0; i < RTE_DIM(at_s); i++) {
		double want, got;

		ack_clock(&t, &now_us, start_us + (uint64_t)(at_s[i] * 1e6));
		want = w_cubic((now_us - start_us) / 1e6, k_s, 100);
		got = (double)t.snd.cwnd / MSS;
		print_message("t=%.1f s cwnd %.2f W_cubic %.2f W_est %.2f\n", at_s[i], got, want,
			      (double)t.cc_state.cubic.w_est / MSS);
		assert_true(t.cc_state.cubic.w_est < t.snd.cwnd);
		assert_true(fabs(got - want) <= 0.25);
	}
}

/*
 * §4.3: with a short RTT W_est (alpha_cubic = 9/17 segments per RTT, 1 once
 * past cwnd_prior) overtakes W_cubic and cwnd follows W_est.
 */
static void
test_cubic_reno_friendly_region(void **state)
{
	const double alpha = 3 * (1 - BETA_CUBIC) / (1 + BETA_CUBIC);
	const double k_s = cbrt(100 * (1 - BETA_CUBIC) / C_CUBIC);
	struct tt_tcb t;
	uint64_t now_us = 10 * 1000000ull;
	uint64_t start_us = now_us;
	double w_est = 70, cwnd = 70;

	(void)state;
	cubic_after_loss(&t, 10);
	/* The reference: per ACK, W_est += alpha / cwnd (1 / cwnd past cwnd_prior). */
	while (now_us < start_us + 1000000) {
		now_us += (uint64_t)t.srtt * MSS / t.snd.cwnd;
		tt_cc_cubic.on_ack(&t, MSS, now_us);
		w_est += (w_est >= 100 ? 1 : alpha) / cwnd;
		if (w_est > cwnd && w_est > w_cubic((now_us - start_us) / 1e6, k_s, 100))
			cwnd = w_est;
	}
	print_message("cwnd %.2f W_est %.2f ref %.2f W_cubic(1 s) %.2f\n",
		      (double)t.snd.cwnd / MSS, (double)t.cc_state.cubic.w_est / MSS, w_est,
		      w_cubic(1, k_s, 100));
	assert_int_equal(t.snd.cwnd, t.cc_state.cubic.w_est);
	assert_true(t.snd.cwnd > w_cubic(1, k_s, 100) * MSS);
	assert_true(fabs((double)t.snd.cwnd / MSS - w_est) <= 0.01 * w_est);
}

/* §4.8: RTO gives one segment and ssthresh = 0.7 FlightSize; the next epoch has K = 0. */
static void
test_cubic_rto(void **state)
{
	struct tt_tcb t;
	uint64_t now_us = 1000000;

	(void)state;
	bare_tcb(&t, &tt_cc_cubic, 100 * MSS, 100);
	tt_cc_cubic.on_rto(&t, 100 * MSS, now_us);
	assert_int_equal(t.snd.cwnd, MSS);
	assert_int_equal(t.snd.ssthresh, 70 * MSS);
	/* Slow start to ssthresh... */
	while (t.snd.cwnd < t.snd.ssthresh)
		tt_cc_cubic.on_ack(&t, MSS, now_us += 1000);
	assert_int_equal(t.cc_state.cubic.epoch_ms, 0);
	/* ...then CA from W_max = cwnd_epoch, K = 0, W_est = cwnd_epoch. */
	tt_cc_cubic.on_ack(&t, MSS, now_us += 1000);
	assert_int_equal(t.cc_state.cubic.k_ms, 0);
	assert_int_equal(t.cc_state.cubic.w_max, 70 * MSS);
	assert_true(t.snd.cwnd >= 70 * MSS);
}

/* ---- configuration ---- */

static int
load_tcp(struct tt_config *cfg, const char *tcp_lines, char *err, size_t errlen)
{
	static const struct tt_service *const none[] = { NULL };
	char path[] = "/tmp/tt_cc_conf_XXXXXX";
	FILE *f;
	int fd, rc;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "[port0]\naddress = 198.18.0.2/24\n[tcp]\n%s", tcp_lines);
	fclose(f);
	rc = tt_config_load(cfg, path, none, err, errlen);
	unlink(path);
	return rc;
}

static void
test_config_congestion_control(void **state)
{
	struct tt_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(load_tcp(&cfg, "mss = 1460\n", err, sizeof(err)), 0);
	assert_int_equal(cfg.tcp.congestion_control, TT_CC_CUBIC);
	assert_int_equal(cfg.tcp.limited_transmit, 1);
	assert_int_equal(cfg.tcp.initial_window, 0);
	tt_config_free(&cfg);
	assert_int_equal(load_tcp(&cfg, "congestion_control = cubic\nlimited_transmit = off\n"
				  "initial_window = 4\n", err, sizeof(err)), 0);
	assert_int_equal(cfg.tcp.congestion_control, TT_CC_CUBIC);
	assert_int_equal(cfg.tcp.limited_transmit, 0);
	assert_int_equal(cfg.tcp.initial_window, 4);
	tt_config_free(&cfg);
	assert_int_equal(load_tcp(&cfg, "congestion_control = newreno\n", err, sizeof(err)), 0);
	assert_int_equal(cfg.tcp.congestion_control, TT_CC_NEWRENO);
	tt_config_free(&cfg);

	assert_int_equal(load_tcp(&cfg, "congestion_control = vegas\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[tcp] congestion_control: 'vegas' is not newreno or cubic"));
	assert_int_equal(load_tcp(&cfg, "limited_transmit = yes\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[tcp] limited_transmit: 'yes' is not on or off"));
	assert_int_equal(load_tcp(&cfg, "initial_window = 65\n", err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "[tcp] initial_window: '65' is out of range 1..64"));
	assert_int_equal(load_tcp(&cfg, "initial_window = 0\n", err, sizeof(err)), -ERANGE);
	assert_ptr_equal(tt_cc_get(TT_CC_CUBIC), &tt_cc_cubic);
	assert_string_equal(tt_cc_name(TT_CC_NEWRENO), "newreno");
	assert_int_equal(tt_cc_by_name("cubic"), TT_CC_CUBIC);
	assert_int_equal(tt_cc_by_name("reno"), -1);
}

#define T(f, s) cmocka_unit_test_setup_teardown(f, s, th_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_newreno_one_loss_trajectory, setup_newreno),
		T(test_newreno_rto_trajectory, setup_newreno),
		T(test_limited_transmit_respects_peer_window, setup_newreno),
		T(test_limited_transmit_off, setup_newreno_no_lt),
		T(test_initial_window_from_config, setup_iw4),
		T(test_cubic_selected_by_config, setup_cubic),
		cmocka_unit_test(test_newreno_bare_slow_start_and_avoidance),
		cmocka_unit_test(test_cubic_multiplicative_decrease),
		cmocka_unit_test(test_cubic_fast_convergence),
		cmocka_unit_test(test_cubic_growth_follows_rfc9438),
		cmocka_unit_test(test_cubic_reno_friendly_region),
		cmocka_unit_test(test_cubic_rto),
		cmocka_unit_test(test_config_congestion_control),
	};

	th_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
