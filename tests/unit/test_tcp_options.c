/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * TCP options, packet by packet: RFC 7323 window scaling and timestamps
 * (RTT, PAWS, TS.Recent), RFC 2018/2883 SACK blocks and the RFC 6675
 * scoreboard that retransmits only holes.
 */

#include <stdlib.h>
#include <string.h>

#include "tt_harness.h"

#define WIN 65535
#define MSS 1460

/* What the peer's SYN carries. */
struct peer_opts {
	bool ws;
	uint8_t shift;
	bool ts;
	uint32_t tsval;
	bool sackok;
};

/* Peer SYN with @p o, SYN-ACK expected (left in h->last). */
static void
syn_opts(struct th *h, uint16_t port, uint16_t win, const struct peer_opts *o)
{
	uint8_t b[40];
	uint32_t n = th_opt_mss(b, MSS);

	h->local_port = port;
	if (o->sackok)
		n += th_opt_sackok(b + n);
	if (o->ts)
		n += th_opt_ts(b + n, o->tsval, 0);
	if (o->ws)
		n += th_opt_ws(b + n, o->shift);
	th_send_opts(h, "S", 0, 0, win, NULL, 0, b, n);
	th_expect(h, "SA", 0, 1, 0);
}

/* A peer segment carrying a timestamp (TSecr = our last TSval) when @p tsval != 0. */
static void
send_ts(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	const void *data, uint32_t len, uint32_t tsval, uint32_t tsecr)
{
	uint8_t b[12];

	th_send_opts(h, flags, seq, ack, win, data, len, b, tsval ? th_opt_ts(b, tsval, tsecr) : 0);
}

/* Handshake with every option offered; the final ACK carries TSval @p tsval. */
static void
handshake_all(struct th *h, uint16_t port, uint16_t win, uint8_t shift, uint32_t tsval)
{
	struct peer_opts o = { .ws = true, .shift = shift, .ts = true, .tsval = tsval,
			       .sackok = true };

	syn_opts(h, port, win, &o);
	send_ts(h, "A", 1, 1, win, NULL, 0, tsval, h->last.ts_val);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

static void
handshake_sack_only(struct th *h, uint16_t port, uint16_t win)
{
	struct peer_opts o = { .sackok = true };

	syn_opts(h, port, win, &o);
	th_send(h, "A", 1, 1, win, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

static void
fill(uint8_t *buf, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)('a' + i % 26);
}

/* ---- Negotiation (RFC 7323 §2.2, §3.2; RFC 2018 §2) ---- */

/*
 * Every combination of (configured on/off) x (offered by the peer or not)
 * for WS, TS and SACK-permitted: the SYN-ACK carries exactly the options
 * both sides want, the MSS first, within 20 bytes, and the peer's window is
 * scaled afterwards only when both sides sent WS.
 */
static void
test_negotiation_matrix(void **state)
{
	struct th *h = *state;
	unsigned int cfg, peer;

	for (cfg = 0; cfg < 8; cfg++) {
		for (peer = 0; peer < 8; peer++) {
			struct peer_opts o = { .ws = peer & 1, .shift = 3, .ts = peer & 2,
					       .tsval = 777, .sackok = peer & 4 };
			bool ws = (cfg & 1) && (peer & 1);
			bool ts = (cfg & 2) && (peer & 2);
			bool sack = (cfg & 4) && (peer & 4);
			struct tt_tcb *t;

			h->cfg.tcp.window_scaling = cfg & 1;
			h->cfg.tcp.timestamps = (cfg & 2) != 0;
			h->cfg.tcp.sack = (cfg & 4) != 0;
			h->peer_port = (uint16_t)(TH_PEER_PORT + cfg * 8 + peer);
			syn_opts(h, 9, 1000, &o);
			assert_int_equal(h->last.mss, MSS);
			assert_int_equal(h->last.wscale, ws ? 0 : -1);
			assert_int_equal(h->last.ts, ts);
			if (ts)
				assert_int_equal(h->last.ts_ecr, 777);
			assert_int_equal(h->last.sack_permitted, sack);
			assert_true(h->last.optlen <= 20);
			assert_int_equal(h->last.win, 65535);
			/* The SYN's own window is never scaled; the ACK's is. */
			t = th_tcb(h);
			assert_int_equal(t->snd.wnd, 1000);
			send_ts(h, "A", 1, 1, 1000, NULL, 0, ts ? 778 : 0, h->last.ts_val);
			assert_int_equal(th_state(h), TT_ESTABLISHED);
			assert_int_equal(t->snd.wnd, ws ? 8000 : 1000);
			assert_int_equal(!!(t->flags & TT_TF_TS), ts);
			assert_int_equal(!!(t->flags & TT_TF_SACK), sack);
			assert_int_equal(t->mss, ts ? MSS - 12 : MSS);
			th_send(h, "R", 1, 0, 0, NULL, 0);
			assert_int_equal(th_state(h), TT_CLOSED);
			th_expect_none(h);
		}
	}
}

/* An unknown option is skipped by its length; a malformed WS drops the SYN, counted. */
static void
test_unknown_option_skipped_malformed_dropped(void **state)
{
	struct th *h = *state;
	uint8_t unk[8] = { 30, 4, 0xaa, 0xbb, 0, 0, 0, 0 };
	uint8_t bad[4] = { 3, 4, 7, 0 };

	h->local_port = 9;
	th_opt_mss(unk + 4, MSS);
	th_send_opts(h, "S", 0, 0, WIN, NULL, 0, unk, 8);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, MSS);
	h->peer_port++;
	th_send_opts(h, "S", 0, 0, WIN, NULL, 0, bad, 4);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_bad_options), 1);
}

/* ---- Window scaling (RFC 7323 §2) ---- */

static int
setup_rcv_1m(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.rcv_window = 1u << 20;
	th_start(h);
	*state = h;
	return 0;
}

/*
 * rcv_window 1 MiB: shift 5 (the smallest with 2^20 >> s <= 65535); the
 * SYN-ACK's window is unscaled (65535), later ones are right-shifted, and
 * data up to the real 1 MiB window is accepted.
 */
static void
test_large_window_shift_5(void **state)
{
	struct th *h = *state;
	static uint8_t buf[1400];
	struct tt_tcb *t;
	uint32_t i;

	handshake_all(h, 9, 512, 7, 100);
	/* SYN-ACK: recorded before the ACK. */
	t = th_tcb(h);
	assert_int_equal(t->rcv_wscale, 5);
	assert_int_equal(t->snd_wscale, 7);
	assert_int_equal(t->snd.wnd, 512u << 7);
	fill(buf, sizeof(buf));
	/* Beyond 65535 bytes, without waiting for window updates (discard reads at once). */
	for (i = 0; i < 60; i++)
		send_ts(h, "A", 1 + i * 1400, 1, 512, buf, 1400, 101 + i, 0);
	th_advance(h, 50);
	while (th_recv(h, &h->last))
		;
	assert_int_equal(h->last.flags[0], 'A');
	assert_int_equal(h->last.ack, 1 + 60 * 1400);
	assert_int_equal(h->last.win, (1u << 20) >> 5);
	assert_int_equal(th_drop(h, tcp_rcv_window_full), 0);
	assert_int_equal(th_drop(h, tcp_out_of_window), 0);
	/* Rounding never turns room into a zero window. */
	assert_int_equal(tcb_wnd_field(t, 10, false), 1);
	assert_int_equal(tcb_wnd_field(t, 0, false), 0);
	assert_int_equal(tcb_wnd_field(t, 1u << 30, false), 65535);
	assert_int_equal(tcb_wnd_field(t, 100000, true), 65535);
}

/* The SYN-ACK for rcv_window 1 MiB offers shift 5 and window 65535 unscaled. */
static void
test_large_window_synack(void **state)
{
	struct th *h = *state;
	struct peer_opts o = { .ws = true, .shift = 0 };

	syn_opts(h, 9, WIN, &o);
	assert_int_equal(h->last.wscale, 5);
	assert_int_equal(h->last.win, 65535);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_send(h, "R", 1, 0, 0, NULL, 0);
}

/* ---- Timestamps (RFC 7323 §3-5) ---- */

/* Every segment carries TSval = our clock + offset, TSecr = TS.Recent. */
static void
test_ts_in_every_segment(void **state)
{
	struct th *h = *state;
	uint8_t data[100];
	uint32_t ts0;

	handshake_all(h, 7, WIN, 0, 5000);
	ts0 = th_tcb(h)->ts_offset + (uint32_t)h->w->now_ms;
	fill(data, sizeof(data));
	th_advance(h, 7);
	send_ts(h, "PA", 1, 1, WIN, data, 100, 5007, ts0);
	th_expect(h, "PA", 1, 101, 100);
	assert_true(h->last.ts);
	assert_int_equal(h->last.ts_val, ts0 + 7);
	assert_int_equal(h->last.ts_ecr, 5007);
	assert_int_equal(h->last.optlen, 12);
}

/* PAWS (§5.3): an older TSval is dropped with an ACK and counted; the data is not taken. */
static void
test_paws_rejects_old_tsval(void **state)
{
	struct th *h = *state;
	uint8_t data[100];

	handshake_all(h, 7, WIN, 0, 1000);
	fill(data, sizeof(data));
	send_ts(h, "PA", 1, 1, WIN, data, 100, 2000, 0);
	th_expect(h, "PA", 1, 101, 100);
	send_ts(h, "PA", 101, 101, WIN, data, 100, 1999, 0);
	th_expect(h, "A", 101, 101, 0);
	assert_int_equal(h->last.ts_ecr, 2000);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_paws), 1);
	assert_int_equal(th_tcb(h)->rcv.nxt - h->irs, 101);
	/* A RST is not subject to PAWS (§5.3 R1 applies to non-RST segments). */
	send_ts(h, "R", 101, 0, 0, NULL, 0, 1, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* TSvals compare like sequence numbers: a clock that wrapped is newer, not older. */
static void
test_paws_accepts_after_ts_wrap(void **state)
{
	struct th *h = *state;
	uint8_t data[100];

	handshake_all(h, 7, WIN, 0, 0xfffffff0u);
	fill(data, sizeof(data));
	send_ts(h, "PA", 1, 1, WIN, data, 100, 0x10, 0);
	th_expect(h, "PA", 1, 101, 100);
	assert_int_equal(h->last.ts_ecr, 0x10);
	assert_int_equal(th_drop(h, tcp_paws), 0);
	assert_int_equal(th_tcb(h)->ts_recent, 0x10);
}

/* TS.Recent older than 24 days is invalid (§5.5): an old TSval is then accepted. */
static void
test_paws_ts_recent_expires(void **state)
{
	struct th *h = *state;
	uint8_t data[100];
	struct tt_tcb *t;

	handshake_all(h, 7, WIN, 0, 50000);
	t = th_tcb(h);
	t->ts_recent_ms -= 24u * 24 * 3600 * 1000 + 1;
	fill(data, sizeof(data));
	send_ts(h, "PA", 1, 1, WIN, data, 100, 10, 0);
	th_expect(h, "PA", 1, 101, 100);
	assert_int_equal(th_drop(h, tcp_paws), 0);
	assert_int_equal(t->ts_recent, 10);
}

/*
 * §4.3: TS.Recent takes SEG.TSval only from a segment with SEG.SEQ <=
 * Last.ACK.sent; an out-of-order segment's newer TSval is not echoed.
 */
static void
test_ts_recent_last_ack_sent_rule(void **state)
{
	struct th *h = *state;
	uint8_t data[100];

	handshake_all(h, 9, WIN, 0, 1000);
	fill(data, sizeof(data));
	send_ts(h, "PA", 201, 1, WIN, data, 100, 3000, 0);
	th_expect(h, "A", 1, 1, 0);			/* dup ACK for the gap */
	assert_int_equal(h->last.ts_ecr, 1000);
	assert_int_equal(th_tcb(h)->ts_recent, 1000);
	send_ts(h, "PA", 1, 1, WIN, data, 100, 2000, 0);	/* in order */
	th_expect(h, "A", 1, 101, 0);
	assert_int_equal(h->last.ts_ecr, 2000);
	send_ts(h, "PA", 101, 1, WIN, data, 100, 2500, 0);	/* fills the gap */
	th_expect(h, "A", 1, 301, 0);
	assert_int_equal(h->last.ts_ecr, 2500);
}

/* §4.1: RTT from TSecr on every ACK of new data, including the handshake's. */
static void
test_rtt_from_tsecr(void **state)
{
	struct th *h = *state;
	struct peer_opts o = { .ts = true, .tsval = 1, .sackok = true };
	uint32_t synack_ts;
	struct tt_tcb *t;

	syn_opts(h, 19, WIN, &o);
	synack_ts = h->last.ts_val;
	th_advance(h, 20);
	send_ts(h, "A", 1, 1, WIN, NULL, 0, 21, synack_ts);
	t = th_tcb(h);
	assert_int_equal(t->srtt, 20000);
	/* source sends at once; its segments carry our clock 20 ms on. */
	th_expect(h, "A", 1, 1, MSS - 12);
	assert_int_equal(h->last.ts_val, synack_ts + 20);
	while (th_recv(h, &h->last))
		;
	th_advance(h, 100);
	send_ts(h, "A", 1, 1 + (MSS - 12), WIN, NULL, 0, 121, synack_ts + 20);
	assert_int_equal(t->srtt, (7 * 20000 + 100000) / 8);
	while (th_recv(h, &h->last))
		;
}

/* Timestamps across sequence wrap (irs and iss near 2^32) and across our TS clock wrap. */
static void
test_ts_across_seq_and_clock_wrap(void **state)
{
	struct th *h = *state;
	struct peer_opts o = { .ts = true, .tsval = 0xfffffffe };
	uint8_t data[200];
	struct tt_tcb *t;
	uint32_t tsv;

	h->irs = 0xffffff80u;
	syn_opts(h, 7, WIN, &o);
	t = th_tcb(h);
	/*
	 * Our clock is 5 ms before wrapping. The SYN-ACK went out on the old
	 * offset; the ACK echoes it as if it had gone out on this one (a 0 ms
	 * sample): an echo of the old TSval would be a sample of the offsets'
	 * difference, any number of ms, as the 4-tuple's hash falls.
	 */
	t->ts_offset = 0xfffffffbu - (uint32_t)h->w->now_ms;
	send_ts(h, "A", 1, 1, WIN, NULL, 0, 0xffffffff, 0xfffffffbu);
	fill(data, sizeof(data));
	send_ts(h, "PA", 1, 1, WIN, data, 200, 3, 0xfffffffbu);	/* crosses seq 2^32 */
	th_expect(h, "PA", 1, 201, 200);
	assert_int_equal(h->last.ts_ecr, 3);
	tsv = h->last.ts_val;
	assert_int_equal(tsv, 0xfffffffbu);
	th_advance(h, 10);
	send_ts(h, "A", 201, 201, WIN, NULL, 0, 13, tsv);
	/* Samples: 0 ms (handshake, counted as 1 us), then 10 ms across the wrap. */
	assert_int_equal(t->srtt, (7 * 1 + 10000) / 8);
	assert_int_equal(t->snd.una - h->iss, 201);
	assert_int_equal(th_drop(h, tcp_paws), 0);
	/* The next segment's TSval has wrapped past 0. */
	send_ts(h, "PA", 201, 201, WIN, data, 10, 14, tsv);
	th_expect(h, "PA", 201, 211, 10);
	assert_int_equal(h->last.ts_val, 0xfffffffbu + 10);
	assert_true(h->last.ts_val < 10);
}

/* ---- SACK blocks (RFC 2018 §4, RFC 2883) ---- */

static void
expect_sack(struct th *h, uint32_t ack, unsigned int n, const uint32_t blk[][2])
{
	unsigned int i;

	th_expect(h, "A", 1, ack, 0);
	if (h->last.nsack != n)
		fail_msg("%u SACK blocks, want %u", h->last.nsack, n);
	for (i = 0; i < n; i++)
		if (h->last.sack[i][0] != blk[i][0] || h->last.sack[i][1] != blk[i][1])
			fail_msg("block %u is [%u, %u), want [%u, %u)", i, h->last.sack[i][0],
				 h->last.sack[i][1], blk[i][0], blk[i][1]);
}

/*
 * Each out-of-order segment draws an ACK whose first block holds it; the
 * blocks after it are the ones reported most recently (RFC 2018 §4).
 */
static void
test_sack_blocks_most_recent_first(void **state)
{
	struct th *h = *state;
	uint8_t d[100];

	handshake_sack_only(h, 9, WIN);
	fill(d, sizeof(d));
	th_send(h, "A", 101, 1, WIN, d, 100);
	expect_sack(h, 1, 1, (const uint32_t[][2]){ { 101, 201 } });
	th_send(h, "A", 501, 1, WIN, d, 100);
	expect_sack(h, 1, 2, (const uint32_t[][2]){ { 501, 601 }, { 101, 201 } });
	th_send(h, "A", 301, 1, WIN, d, 100);
	expect_sack(h, 1, 3, (const uint32_t[][2]){ { 301, 401 }, { 501, 601 }, { 101, 201 } });
	/* [201, 301) joins two blocks; the joined block goes first. */
	th_send(h, "A", 201, 1, WIN, d, 100);
	expect_sack(h, 1, 2, (const uint32_t[][2]){ { 101, 401 }, { 501, 601 } });
	/* The gap fills: ACK to 401, one block left. */
	th_send(h, "A", 1, 1, WIN, d, 100);
	expect_sack(h, 401, 1, (const uint32_t[][2]){ { 501, 601 } });
	th_send(h, "A", 401, 1, WIN, d, 100);
	th_expect(h, "A", 1, 601, 0);
	assert_int_equal(h->last.nsack, 0);
}

/* Without timestamps up to 4 blocks fit; with them 3 (12 + 4 + 24 = 40 bytes). */
static void
test_sack_max_blocks(void **state)
{
	struct th *h = *state;
	uint8_t d[100];
	unsigned int i;

	handshake_sack_only(h, 9, WIN);
	fill(d, sizeof(d));
	for (i = 0; i < 5; i++) {
		th_send(h, "A", 201 + 200 * i, 1, WIN, d, 100);
		th_expect(h, "A", 1, 1, 0);
	}
	assert_int_equal(h->last.nsack, 4);
	assert_int_equal(h->last.optlen, 36);
	for (i = 0; i < 4; i++)
		assert_int_equal(h->last.sack[i][0], 1001 - 200 * i);
	th_send(h, "R", 1, 0, 0, NULL, 0);

	h->peer_port++;
	handshake_all(h, 9, WIN, 0, 10);
	for (i = 0; i < 5; i++) {
		send_ts(h, "A", 201 + 200 * i, 1, WIN, d, 100, 11 + i, 0);
		th_expect(h, "A", 1, 1, 0);
	}
	assert_true(h->last.ts);
	assert_int_equal(h->last.nsack, 3);
	assert_int_equal(h->last.optlen, 40);
	for (i = 0; i < 3; i++)
		assert_int_equal(h->last.sack[i][0], 1001 - 200 * i);
}

/*
 * Twenty ranges, more than any fixed table: the newest is always first and
 * the three before it follow, newest first, so a range is repeated in four
 * ACKs; a duplicate of the lowest range puts a D-SACK block first and
 * brings that range back to the front.
 */
static void
test_sack_blocks_many_ranges(void **state)
{
	struct th *h = *state;
	uint8_t d[100];
	unsigned int i, k;

	handshake_sack_only(h, 9, WIN);
	fill(d, sizeof(d));
	for (i = 0; i < 20; i++) {
		th_send(h, "A", 201 + 200 * i, 1, WIN, d, 100);
		th_expect(h, "A", 1, 1, 0);
		assert_int_equal(h->last.nsack, RTE_MIN(i + 1, 4u));
		for (k = 0; k < h->last.nsack; k++) {
			assert_int_equal(h->last.sack[k][0], 201 + 200 * (i - k));
			assert_int_equal(h->last.sack[k][1], 301 + 200 * (i - k));
		}
	}
	th_send(h, "A", 201, 1, WIN, d, 100);
	expect_sack(h, 1, 4, (const uint32_t[][2]){ { 201, 301 }, { 201, 301 }, { 4001, 4101 },
						     { 3801, 3901 } });
}

/* RFC 2883: a duplicate is reported in the first block, below or above rcv.nxt. */
static void
test_dsack_for_duplicates(void **state)
{
	struct th *h = *state;
	uint8_t d[100];

	handshake_sack_only(h, 9, WIN);
	fill(d, sizeof(d));
	th_send(h, "A", 1, 1, WIN, d, 100);
	th_advance(h, 50);		/* delayed ACK */
	th_expect(h, "A", 1, 101, 0);
	assert_int_equal(h->last.nsack, 0);
	/* Old duplicate below rcv.nxt. */
	th_send(h, "A", 1, 1, WIN, d, 100);
	expect_sack(h, 101, 1, (const uint32_t[][2]){ { 1, 101 } });
	/* Duplicate of queued out-of-order data: D-SACK, then the block holding it. */
	th_send(h, "A", 301, 1, WIN, d, 100);
	expect_sack(h, 101, 1, (const uint32_t[][2]){ { 301, 401 } });
	th_send(h, "A", 301, 1, WIN, d, 100);
	expect_sack(h, 101, 2, (const uint32_t[][2]){ { 301, 401 }, { 301, 401 } });
	/* Reported once. */
	th_send(h, "A", 501, 1, WIN, d, 100);
	expect_sack(h, 101, 2, (const uint32_t[][2]){ { 501, 601 }, { 301, 401 } });
}

/* ---- Scoreboard and loss recovery (RFC 6675) ---- */

static void
sack_ack(struct th *h, uint32_t ack, unsigned int n, const uint32_t blk[][2])
{
	uint8_t b[40];

	th_send_opts(h, "A", 1, ack, 8760, NULL, 0, b, th_opt_sack(h, b, n, blk));
}

/* A source connection (SACK, peer window 8760): six full segments go out at once. */
static void
six_segments_out(struct th *h)
{
	unsigned int i;

	handshake_sack_only(h, 19, 8760);
	for (i = 0; i < 6; i++)
		th_expect(h, "A", 1 + i * MSS, 1, MSS);
}

/* A SACK echo connection: three full segments in, each echoed as it arrives. */
static void
echo_three_segments(struct th *h)
{
	uint8_t d[MSS];
	uint32_t i;

	fill(d, sizeof(d));
	handshake_sack_only(h, 7, WIN);
	for (i = 0; i < 3; i++) {
		th_send(h, i == 2 ? "PA" : "A", 1 + i * MSS, 1, WIN, d, MSS);
		th_expect(h, "PA", 1 + i * MSS, 1 + (i + 1) * MSS, MSS);
	}
}

/*
 * Six segments in flight (peer window 8760), the 1st and 3rd lost: the
 * SACKs for the other four retransmit exactly the two holes, each once,
 * as pipe falls below cwnd; SACKed segments never go again.
 */
static void
test_sack_retransmits_only_holes(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	th_expect_none(h);
	t = th_tcb(h);
	sack_ack(h, 1, 1, (const uint32_t[][2]){ { 1461, 2921 } });
	sack_ack(h, 1, 2, (const uint32_t[][2]){ { 4381, 5841 }, { 1461, 2921 } });
	th_expect_none(h);
	/* 4380 bytes SACKed above snd.una > 2 * MSS: the first hole is lost. */
	sack_ack(h, 1, 2, (const uint32_t[][2]){ { 4381, 7301 }, { 1461, 2921 } });
	th_expect(h, "PA", 1, 1, MSS);
	th_expect_none(h);
	assert_true(t->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(t->snd.cwnd, 4380);
	assert_int_equal(tcb_n_sacked(t), 2);
	/* Now the second hole is lost too, and pipe (1460) leaves room. */
	sack_ack(h, 1, 2, (const uint32_t[][2]){ { 4381, 8761 }, { 1461, 2921 } });
	th_expect(h, "PA", 2921, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, retransmits), 2);
	assert_int_equal(th_stat(h, sack_retransmits), 2);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	/* Partial ACK: nothing is retransmitted again; pipe lets two new segments go. */
	sack_ack(h, 2921, 1, (const uint32_t[][2]){ { 4381, 8761 } });
	th_expect(h, "A", 8761, 1, MSS);
	th_expect(h, "A", 10221, 1, MSS);
	th_expect_none(h);
	assert_int_equal(tcb_n_sacked(t), 1);
	/* Full ACK of what was out at entry ends recovery and empties the scoreboard. */
	th_send(h, "A", 1, 8761, 8760, NULL, 0);
	assert_false(t->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(tcb_n_sacked(t), 0);
	assert_int_equal(th_stat(h, retransmits), 2);
	while (th_recv(h, &h->last))
		;
}

#define TSMSS (MSS - 12)	/* a full segment with the timestamps option */

/* An ACK with timestamps (TSecr @p ecr) and SACK blocks. */
static void
ts_sack_ack(struct th *h, uint32_t ack, uint32_t ecr, unsigned int n, const uint32_t blk[][2])
{
	uint8_t b[40];
	uint32_t len = th_opt_ts(b, 20, ecr);

	if (n > 0)
		len += th_opt_sack(h, b + len, n, blk);
	th_send_opts(h, "A", 1, ack, 8760, NULL, 0, b, len);
}

/*
 * RFC 3522 Eifel detection. Six segments out at TSval T; the SACKs say the
 * first is lost and recovery halves the window, its retransmission going
 * with TSval T + 2. (a) The ACK that covers it echoes T: the original was
 * only late, so the window comes back and recovery ends. (b) Echoing
 * T + 2, the retransmission was needed: the reduced window stays.
 */
static void
eifel_run(struct th *h, bool late_original)
{
	struct tt_tcb *t;
	uint32_t cwnd, ts0;
	unsigned int i;

	handshake_all(h, 19, 8760, 0, 10);
	for (i = 0; i < 6; i++)
		th_expect(h, "A", 1 + i * TSMSS, 1, TSMSS);
	ts0 = h->last.ts_val;
	t = th_tcb(h);
	cwnd = t->snd.cwnd;
	th_advance(h, 2);
	ts_sack_ack(h, 1, ts0, 1, (const uint32_t[][2]){ { 1 + TSMSS, 1 + 6 * TSMSS } });
	th_expect(h, "PA", 1, 1, TSMSS);
	assert_int_equal(h->last.ts_val, ts0 + 2);
	assert_true(t->flags & TT_TF_IN_RECOVERY);
	assert_true(t->snd.cwnd < cwnd);
	ts_sack_ack(h, t->snd.recover - h->iss, late_original ? ts0 : ts0 + 2, 0, NULL);
	assert_false(t->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(th_stat(h, spurious_recoveries), late_original ? 1 : 0);
	if (late_original)
		assert_true(t->snd.cwnd >= cwnd);
	else
		assert_true(t->snd.cwnd < cwnd);
	while (th_recv(h, &h->last))
		;
}

static void
test_eifel_undoes_spurious_recovery(void **state)
{
	eifel_run(*state, true);
}

static void
test_eifel_keeps_needed_recovery(void **state)
{
	eifel_run(*state, false);
}

/*
 * RFC 6675 §5.1, RFC 6582 §3.2 step 1: after an RTO, no fast recovery
 * until the ACK passes what was outstanding at the timeout. The first ACK
 * of go-back-N re-reports SACKs the cleared scoreboard had forgotten; it
 * must not start a recovery (and a second window cut) in the middle.
 */
static void
test_no_fast_recovery_after_rto(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	t = th_tcb(h);
	th_advance(h, 200);
	while (th_recv(h, &h->last))
		;
	assert_int_equal(th_stat(h, rto_expired), 1);
	sack_ack(h, 1461, 1, (const uint32_t[][2]){ { 2921, 8761 } });
	while (th_recv(h, &h->last))
		;
	assert_int_equal(th_stat(h, fast_retransmits), 0);
	assert_false(t->flags & TT_TF_IN_RECOVERY);
}

/*
 * A tail loss probe whose answer only D-SACKs the probe: the original had
 * arrived (RFC 8985 §7.4), nothing is lost and no recovery starts.
 */
static void
test_tail_loss_probe_dsack_alone_is_no_loss(void **state)
{
	struct th *h = *state;
	uint8_t b[40], d[100];

	fill(d, sizeof(d));
	echo_three_segments(h);
	th_advance(h, 10);
	th_expect(h, "PA", 1 + 2 * MSS, 1 + 3 * MSS, MSS);	/* the probe */
	th_send(h, "PA", 1 + 3 * MSS, 1, WIN, d, 100);		/* data on an old ACK */
	th_expect(h, "PA", 1 + 3 * MSS, 1 + 3 * MSS + 100, 100);
	th_send_opts(h, "A", 1 + 3 * MSS + 100, 1 + 3 * MSS, WIN, NULL, 0, b,
		     th_opt_sack(h, b, 1, (const uint32_t[][2]){ { 1 + 2 * MSS, 1 + 3 * MSS } }));
	assert_int_equal(th_stat(h, fast_retransmits), 0);
	assert_false(th_tcb(h)->flags & TT_TF_IN_RECOVERY);
	while (th_recv(h, &h->last))
		;
}

/*
 * RFC 5961's spirit for the zero/full-window ACK allowance: a blind ACK far
 * beyond our window (window 0) is not taken, so it cannot shut our send
 * window and put SND.WL1 ahead of the real peer's updates.
 */
static void
test_blind_ack_beyond_window_ignored(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	t = th_tcb(h);
	th_send(h, "A", 1, 8761, 8760, NULL, 0);	/* all six acknowledged */
	assert_int_equal(t->snd.una - h->iss, 8761);
	while (th_recv(h, &h->last))
		;
	th_send(h, "A", 1 + 65535 + 4000, t->snd.una - h->iss, 0, NULL, 0);
	while (th_recv(h, &h->last))
		;
	th_send(h, "A", 1, t->snd.max - h->iss, 8760, NULL, 0);
	while (th_recv(h, &h->last))
		;
	assert_int_not_equal(t->snd.wnd, 0);
}

/*
 * Eifel undoes once per loss episode: segment 1 arrives late (undone,
 * rightly), segment 3 is really lost; the ACK of segment 3's first
 * retransmission echoes a TSval older than the next recovery's, but that
 * recovery is not undone (its undo waits until the first one's data is
 * all acknowledged).
 */
static void
test_eifel_undoes_once(void **state)
{
	struct th *h = *state;
	const uint32_t S = TSMSS;
	struct tt_tcb *t;
	unsigned int i;
	uint32_t ts0;

	handshake_all(h, 19, 8760, 0, 10);
	for (i = 0; i < 6; i++)
		th_expect(h, "A", 1 + i * S, 1, S);
	ts0 = h->last.ts_val;
	t = th_tcb(h);
	th_advance(h, 2);
	ts_sack_ack(h, 1, ts0, 2, (const uint32_t[][2]){ { 1 + S, 1 + 2 * S },
							 { 1 + 3 * S, 1 + 6 * S } });
	while (th_recv(h, &h->last))
		;
	th_advance(h, 2);
	ts_sack_ack(h, 1 + 2 * S, ts0, 1, (const uint32_t[][2]){ { 1 + 3 * S, 1 + 6 * S } });
	while (th_recv(h, &h->last))
		;
	th_advance(h, 2);
	ts_sack_ack(h, 1 + 2 * S, ts0, 1, (const uint32_t[][2]){ { 1 + 3 * S, t->snd.max - h->iss } });
	while (th_recv(h, &h->last))
		;
	th_advance(h, 1);
	ts_sack_ack(h, t->snd.max - h->iss, ts0 + 2, 0, NULL);
	while (th_recv(h, &h->last))
		;
	assert_true(th_stat(h, spurious_recoveries) <= 1);
}

/*
 * One-byte segments every other sequence number: each pins an mbuf. The
 * reassembly queue holds buffers for twice the window we can announce
 * (rcv_window is 1 MiB, but without window scaling that is 65535: 2 x 31
 * + 16 mbufs of 2 KiB), not one per payload byte; the rest is dropped and
 * counted, and the worker's total goes back to 0.
 */
static void
test_ooo_runts_bounded_by_buffers(void **state)
{
	struct th *h = *state;
	uint8_t d = 0x55;
	unsigned int i;

	th_handshake(h, 9);
	for (i = 0; i < 3000; i++) {
		th_send(h, "A", 3 + 2 * i, 1, 65535, &d, 1);
		while (th_recv(h, &h->last))
			;
	}
	assert_int_equal(tcb_ooo_segs(th_tcb(h)), 2 * (65535 / RTE_MBUF_DEFAULT_DATAROOM) + 16);
	assert_int_equal(h->w->ooo_mbufs, tcb_ooo_segs(th_tcb(h)));
	assert_int_equal(th_drop(h, tcp_rcv_window_full), 3000 - tcb_ooo_segs(th_tcb(h)));
	th_send(h, "R", 1, 0, 0, NULL, 0);
	assert_int_equal(h->w->ooo_mbufs, 0);
}

/*
 * The probe timer holds the send slot instead of the RTO; once the probe
 * is out, RFC 8985 §7.3: the RTO (not another probe) takes the slot, due
 * an RTO after the probe timer was armed, and fires.
 */
static void
test_tail_loss_probe_then_rto(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	t = th_tcb(h);
	assert_int_equal(t->tkind[TT_TSLOT_SEND], TT_TIMER_LOSS);
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), 0);
	th_advance(h, 5);
	th_expect(h, "PA", 1 + 5 * MSS, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tail_loss_probes), 1);
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_LOSS), 0);
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), h->now_us / 1000 + 195);
	th_advance(h, 194);
	th_expect_none(h);
	assert_int_equal(th_stat(h, rto_expired), 0);
	th_advance(h, 1);
	assert_int_equal(th_stat(h, rto_expired), 1);
	th_expect(h, "A", 1, 1, MSS);
	assert_int_equal(tcb_timer_deadline(t, TT_TIMER_RTX), h->now_us / 1000 + 400);
	assert_int_equal(th_stat(h, tail_loss_probes), 1);
}

/* RFC 6675 §5.1: the RTO forgets the scoreboard and goes back to snd.una. */
static void
test_sack_scoreboard_cleared_on_rto(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	t = th_tcb(h);
	sack_ack(h, 1, 1, (const uint32_t[][2]){ { 2921, 4381 } });
	assert_int_equal(tcb_n_sacked(t), 1);
	/* The tail loss probe (2 SRTT, the last segment again) goes first. */
	th_advance(h, 5);
	th_expect(h, "PA", 1 + 5 * MSS, 1, MSS);
	assert_int_equal(th_stat(h, tail_loss_probes), 1);
	th_advance(h, 195);		/* rto_min: the handshake RTT was 0 */
	assert_int_equal(th_stat(h, rto_expired), 1);
	assert_int_equal(tcb_n_sacked(t), 0);
	th_expect(h, "A", 1, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tail_loss_probes), 1);	/* one per episode */
}

/*
 * An echo peer's ACKs ride on its data. RFC 6675 §2: an ACK that SACKs new
 * data is a duplicate acknowledgment with data on it or not, so recovery
 * starts on SACKs alone, with no pure duplicate ACK.
 */
static void
test_sack_recovery_on_data_acks(void **state)
{
	struct th *h = *state;
	uint8_t b[40], d[10];

	fill(d, sizeof(d));
	six_segments_out(h);
	th_send_opts(h, "PA", 1, 1, 8760, d, 10, b,
		     th_opt_sack(h, b, 1, (const uint32_t[][2]){ { 1461, 2921 } }));
	assert_false(th_tcb(h)->flags & TT_TF_IN_RECOVERY);
	th_send_opts(h, "PA", 11, 1, 8760, d, 10, b,
		     th_opt_sack(h, b, 1, (const uint32_t[][2]){ { 1461, 5841 } }));
	assert_true(th_tcb(h)->flags & TT_TF_IN_RECOVERY);
	th_expect(h, "PA", 1, 11, MSS);	/* the ACK is processed before the data */
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	assert_int_equal(th_stat(h, rto_expired), 0);
	while (th_recv(h, &h->last))
		;
}

/*
 * A retransmission lost again: RFC 6675 alone would wait for the RTO.
 * Once the retransmission is older than SRTT + SRTT/4 and the hole is still
 * there, HighRxt goes back and the hole is sent again (RACK, RFC 8985).
 */
static void
test_sack_lost_retransmission(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	t = th_tcb(h);
	sack_ack(h, 1, 1, (const uint32_t[][2]){ { 1461, 8761 } });
	th_expect(h, "PA", 1, 1, MSS);
	th_expect_none(h);
	assert_true(t->flags & TT_TF_IN_RECOVERY);
	/* Before the reordering window has passed: nothing. */
	th_advance(h, 1);
	th_expect_none(h);
	/* Then the hole goes again, long before the RTO. */
	th_advance(h, 2);
	th_expect(h, "PA", 1, 1, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, lost_retransmits), 1);
	assert_int_equal(th_stat(h, recovery_timeouts), 1);	/* no ACK came: the timer sent it */
	assert_int_equal(th_stat(h, rto_expired), 0);
	/* It arrives: recovery ends with everything acknowledged. */
	th_send(h, "A", 1, 8761, 8760, NULL, 0);
	assert_false(t->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(th_stat(h, rto_expired), 0);
	while (th_recv(h, &h->last))
		;
}

/*
 * The probe itself arrived before (the peer had the last segment): its ACK
 * carries only a D-SACK and a SACK already known, nothing new. The hole
 * below is overdue all the same; recovery starts on it (no RTO).
 */
static void
test_tail_loss_probe_dsack_starts_recovery(void **state)
{
	struct th *h = *state;
	uint8_t b[40];

	echo_three_segments(h);
	/* The second is lost; the third is SACKed. */
	th_send_opts(h, "A", 1 + 3 * MSS, 1 + MSS, WIN, NULL, 0, b,
		     th_opt_sack(h, b, 1, (const uint32_t[][2]){ { 1 + 2 * MSS, 1 + 3 * MSS } }));
	th_expect_none(h);
	th_advance(h, 10);
	th_expect(h, "PA", 1 + 2 * MSS, 1 + 3 * MSS, MSS);	/* the probe */
	th_send_opts(h, "A", 1 + 3 * MSS, 1 + MSS, WIN, NULL, 0, b,
		     th_opt_sack(h, b, 2, (const uint32_t[][2]){ { 1 + 2 * MSS, 1 + 3 * MSS },
								{ 1 + 2 * MSS, 1 + 3 * MSS } }));
	th_expect(h, "PA", 1 + MSS, 1 + 3 * MSS, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	assert_int_equal(th_stat(h, rto_expired), 0);
	th_send(h, "A", 1 + 3 * MSS, 1 + 3 * MSS, WIN, NULL, 0);
}

/*
 * A peer that died in the middle of recovery: the recovery timer sends the
 * hole, then backs off (2, 4, 8... times SRTT + SRTT/4) while no ACK
 * brings news, so a dead peer gets a handful of retransmissions before
 * the RTO, not one every SRTT + SRTT/4 (about a hundred here).
 */
static void
test_recovery_timer_backs_off_without_acks(void **state)
{
	struct th *h = *state;
	unsigned int frames = 0;

	six_segments_out(h);
	sack_ack(h, 1, 1, (const uint32_t[][2]){ { 1461, 8761 } });
	th_expect(h, "PA", 1, 1, MSS);
	th_advance(h, 199);
	while (th_recv(h, &h->last)) {
		assert_int_equal(h->last.seq, 1);
		frames++;
	}
	/* Waits of 2, 4, 8, 16, 32, 64 and 128 ms fit in 199 ms: 6 of them. */
	assert_true(frames >= 5 && frames <= 7);
	assert_int_equal(th_stat(h, recovery_timeouts), frames);
	assert_int_equal(th_stat(h, rto_expired), 0);
	th_advance(h, 2);
	assert_int_equal(th_stat(h, rto_expired), 1);
	th_expect(h, "A", 1, 1, MSS);
	th_advance(h, 300);
	th_expect_none(h);	/* the next RTO is backed off to 400 ms */
	assert_int_equal(th_stat(h, recovery_timeouts), frames);
}

/*
 * Tail loss (RFC 8985 §7): the last two segments of a response are lost
 * and no ACK will come. 2 SRTT later the last segment goes again; its SACK
 * shows the hole before it, which is retransmitted at once: no RTO.
 */
static void
test_tail_loss_probe(void **state)
{
	struct th *h = *state;
	uint8_t b[40];
	struct tt_tcb *t;

	echo_three_segments(h);
	t = th_tcb(h);
	th_expect_none(h);
	/* Only the first arrives. */
	th_send(h, "A", 1 + 3 * MSS, 1 + MSS, WIN, NULL, 0);
	th_expect_none(h);
	th_advance(h, 10);
	th_expect(h, "PA", 1 + 2 * MSS, 1 + 3 * MSS, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tail_loss_probes), 1);
	th_send_opts(h, "A", 1 + 3 * MSS, 1 + MSS, WIN, NULL, 0, b,
		     th_opt_sack(h, b, 1, (const uint32_t[][2]){ { 1 + 2 * MSS, 1 + 3 * MSS } }));
	th_expect(h, "PA", 1 + MSS, 1 + 3 * MSS, MSS);
	th_expect_none(h);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	th_send(h, "A", 1 + 3 * MSS, 1 + 3 * MSS, WIN, NULL, 0);
	assert_int_equal(t->snd.una, t->snd.max);
	assert_int_equal(th_stat(h, rto_expired), 0);
}

/* ---- Timestamps outside tcp_xmit(): probes and TIME_WAIT (RFC 7323 §3.2) ---- */

static int
setup_keepalive(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.keepalive = 1;
	h->cfg.tcp.keepalive_idle_ms = 1000;
	h->cfg.tcp.keepalive_interval_ms = 100;
	h->cfg.tcp.keepalive_count = 3;
	th_start(h);
	*state = h;
	return 0;
}

/* Advance the clock 1 ms at a time (at most @p max_ms) until tcpterm sends something. */
static void
advance_until_sent(struct th *h, uint32_t max_ms)
{
	uint32_t i;

	for (i = 0; i < max_ms && th_pending(h) == 0; i++)
		th_advance(h, 1);
	assert_true(th_pending(h) > 0);
}

/* A zero-window probe carries TSval = our clock, TSecr = TS.Recent, like any segment. */
static void
test_ts_in_persist_probe(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_all(h, 19, 0, 0, 7000);	/* source, window 0: only probes may go */
	th_expect_none(h);
	t = th_tcb(h);
	advance_until_sent(h, 5000);
	th_expect(h, "A", 0, 1, 0);
	assert_int_equal(th_stat(h, persist_probes), 1);
	assert_true(h->last.ts);
	assert_int_equal(h->last.optlen, 12);
	assert_int_equal(h->last.ts_val, tcp_ts_now(h->w, t));
	assert_int_equal(h->last.ts_ecr, 7000);
	th_expect_none(h);
}

/* keepalive, rcv_window 1 MiB: the probe's window field is scaled by our shift. */
static int
setup_keepalive_1m(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.rcv_window = 1u << 20;
	h->cfg.tcp.keepalive = 1;
	h->cfg.tcp.keepalive_idle_ms = 1000;
	h->cfg.tcp.keepalive_interval_ms = 100;
	h->cfg.tcp.keepalive_count = 3;
	th_start(h);
	*state = h;
	return 0;
}

static void
test_keepalive_probe_window_scaled(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_all(h, 9, WIN, 0, 100);
	t = th_tcb(h);
	assert_int_equal(t->rcv_wscale, 5);
	advance_until_sent(h, 2000);
	th_expect(h, "A", 0, 1, 0);
	assert_int_equal(th_stat(h, keepalive_probes), 1);
	assert_int_equal(h->last.win, (t->rcv.adv - t->rcv.nxt) >> 5);
	assert_true(h->last.win < 65535);
	th_expect_none(h);
}

/* A keepalive probe carries timestamps too. */
static void
test_ts_in_keepalive_probe(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	handshake_all(h, 9, WIN, 0, 8000);
	t = th_tcb(h);
	advance_until_sent(h, 2000);
	th_expect(h, "A", 0, 1, 0);
	assert_int_equal(th_stat(h, keepalive_probes), 1);
	assert_true(h->last.ts);
	assert_int_equal(h->last.optlen, 12);
	assert_int_equal(h->last.ts_val, tcp_ts_now(h->w, t));
	assert_int_equal(h->last.ts_ecr, 8000);
	th_expect_none(h);
}

static const char GET_CLOSE[] = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

/*
 * tcpterm closes first (http, Connection: close) on a connection with
 * timestamps and enters TIME_WAIT; returns the length of the response.
 * The peer's segments carry TSval 9000, 9001, 9002.
 */
static uint32_t
time_wait_with_ts(struct th *h)
{
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen;

	handshake_all(h, 80, WIN, 0, 9000);
	send_ts(h, "PA", 1, 1, WIN, GET_CLOSE, n, 9001, h->last.ts_val);
	th_expect(h, "FPA", 1, 1 + n, TH_ANY_LEN);
	rlen = h->last.len;
	send_ts(h, "FA", 1 + n, 2 + rlen, WIN, NULL, 0, 9002, h->last.ts_val);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_true(h->last.ts);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	return rlen;
}

/* TIME_WAIT: the ACK of a retransmitted FIN carries TS, echoing the FIN's newer TSval. */
static void
test_ts_in_time_wait_ack(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen, last_ts;

	rlen = time_wait_with_ts(h);
	last_ts = h->last.ts_val;
	th_advance(h, 500);
	send_ts(h, "FA", 1 + n, 2 + rlen, WIN, NULL, 0, 9500, last_ts);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_int_equal(th_stat(h, time_wait_fin_acked), 1);
	assert_true(h->last.ts);
	assert_int_equal(h->last.optlen, 12);
	assert_int_equal(h->last.ts_val, last_ts + 500);	/* the connection's clock goes on */
	assert_int_equal(h->last.ts_ecr, 9500);
	th_expect_none(h);
}

/* A new SYN for the current tuple: MSS, and TS with @p tsval unless 0; @p seq relative. */
static void
syn_ts(struct th *h, uint32_t seq, uint32_t tsval)
{
	uint8_t b[16];
	uint32_t n = th_opt_mss(b, MSS);

	if (tsval != 0)
		n += th_opt_ts(b + n, tsval, 0);
	th_send_opts(h, "S", seq, 0, WIN, NULL, 0, b, n);
}

/*
 * RFC 6191: the old connection used timestamps, so a SYN whose TSval is
 * newer than TS.Recent reuses the tuple even with a lower ISN.
 */
static void
test_time_wait_syn_newer_tsval_reuses(void **state)
{
	struct th *h = *state;

	time_wait_with_ts(h);
	th_advance(h, 100);
	syn_ts(h, 0, 9100);			/* the old ISN again: below RCV.NXT */
	assert_int_equal(th_stat(h, time_wait_reused), 1);
	th_expect(h, "SA", 0, 1, 0);
	assert_true(h->last.ts);
	assert_int_equal(h->last.ts_ecr, 9100);
	assert_int_equal(th_state(h), TT_SYN_RCVD);
	assert_int_equal(th_states(h, TT_TIME_WAIT), 0);
	th_expect_none(h);
}

/*
 * RFC 6191: a SYN with a TSval older than TS.Recent is an old duplicate even
 * with a higher ISN: it gets the TIME_WAIT ACK, the record stays. A SYN
 * without timestamps falls back to the sequence number rule.
 */
static void
test_time_wait_syn_older_tsval_acked(void **state)
{
	struct th *h = *state;
	uint32_t n = sizeof(GET_CLOSE) - 1;
	uint32_t rlen;

	rlen = time_wait_with_ts(h);
	syn_ts(h, 100000, 8999);
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_true(h->last.ts);
	assert_int_equal(h->last.ts_ecr, 9002);
	assert_int_equal(th_stat(h, time_wait_reused), 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	syn_ts(h, 9002, 9002);			/* not newer either */
	th_expect(h, "A", 2 + rlen, 2 + n, 0);
	assert_int_equal(th_state(h), TT_TIME_WAIT);
	/* No timestamps in the new SYN: a higher ISN may reuse the tuple (RFC 6191 §2). */
	syn_ts(h, 100000, 0);
	assert_int_equal(th_stat(h, time_wait_reused), 1);
	th_expect(h, "SA", 0, 100001, 0);
	assert_false(h->last.ts);
	th_expect_none(h);
}

/* ---- SACK state: taken when needed, given back when quiet (struct tt_tcb_ext) ---- */

/*
 * Receive side: an idle connection holds no SACK state; the first
 * out-of-order segment takes a block from the pool, and the segment that
 * fills the gap gives it back.
 */
static void
test_sack_state_taken_and_returned_rcv(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;
	uint8_t d[100];

	handshake_sack_only(h, 9, WIN);
	t = th_tcb(h);
	assert_null(tcb_ext(t));
	assert_int_equal(h->w->ext_used, 0);
	fill(d, sizeof(d));
	th_send(h, "A", 101, 1, WIN, d, 100);
	expect_sack(h, 1, 1, (const uint32_t[][2]){ { 101, 201 } });
	assert_non_null(tcb_ext(t));
	assert_int_equal(h->w->ext_used, 1);
	assert_int_equal(th_stat(h, sack_state_taken), 1);
	th_send(h, "A", 1, 1, WIN, d, 100);
	th_expect(h, "A", 1, 201, 0);
	assert_int_equal(h->last.nsack, 0);
	assert_null(tcb_ext(t));
	assert_int_equal(h->w->ext_used, 0);
	/* A duplicate takes one for its D-SACK block, given back once reported. */
	th_send(h, "A", 1, 1, WIN, d, 100);
	expect_sack(h, 201, 1, (const uint32_t[][2]){ { 1, 101 } });
	assert_null(tcb_ext(t));
	assert_int_equal(th_stat(h, sack_state_taken), 2);
}

/*
 * Send side: the first SACK block takes a scoreboard, the ACK that covers
 * everything SACKed gives it back; a connection closing with one returns it.
 */
static void
test_sack_state_taken_and_returned_snd(void **state)
{
	struct th *h = *state;
	struct tt_tcb *t;

	six_segments_out(h);
	t = th_tcb(h);
	assert_null(tcb_ext(t));
	sack_ack(h, 1, 1, (const uint32_t[][2]){ { 1461, 2921 } });
	assert_non_null(tcb_ext(t));
	assert_int_equal(tcb_n_sacked(t), 1);
	th_send(h, "A", 1, 2921, 8760, NULL, 0);
	assert_null(tcb_ext(t));
	assert_int_equal(h->w->ext_used, 0);
	sack_ack(h, 2921, 1, (const uint32_t[][2]){ { 4381, 5841 } });
	assert_int_equal(h->w->ext_used, 1);
	th_send(h, "R", 1, 0, 0, NULL, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
	assert_int_equal(h->w->ext_used, 0);
	while (th_recv(h, &h->last))
		;
}

static int
setup_one_sack_state(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.max_sack_state = 1;
	th_start(h);
	*state = h;
	return 0;
}

/*
 * One block in the pool, two connections with data out of order: the
 * reassembly queue lives in the block, so the second, without one,
 * drops its out-of-order segments (counted in tcp_ooo_no_state and
 * sack_state_unavailable) with a plain duplicate ACK each, and takes the
 * data when it comes in order.
 */
static void
test_sack_state_pool_empty(void **state)
{
	struct th *h = *state;
	struct tt_tcb *a, *b;
	uint8_t d[100], d4[400];

	fill(d, sizeof(d));
	handshake_sack_only(h, 9, WIN);
	a = th_tcb(h);
	th_send(h, "A", 101, 1, WIN, d, 100);
	expect_sack(h, 1, 1, (const uint32_t[][2]){ { 101, 201 } });
	assert_non_null(tcb_ext(a));

	h->peer_port++;
	handshake_sack_only(h, 9, WIN);
	b = th_tcb(h);
	th_send(h, "A", 301, 1, WIN, d, 100);
	expect_sack(h, 1, 0, NULL);
	assert_null(tcb_ext(b));
	assert_int_equal(th_stat(h, sack_state_unavailable), 1);
	assert_int_equal(th_drop(h, tcp_ooo_no_state), 1);
	assert_int_equal(h->w->ooo_mbufs, 1);		/* a's segment only */
	th_send(h, "A", 101, 1, WIN, d, 100);
	expect_sack(h, 1, 0, NULL);
	assert_int_equal(th_drop(h, tcp_ooo_no_state), 2);
	assert_int_equal(th_stat(h, sack_state_unavailable), 2);
	th_expect_none(h);
	/* In order it is taken, whether ACKed at once or after the delayed-ACK timer. */
	fill(d4, sizeof(d4));
	th_send(h, "A", 1, 1, WIN, d4, 400);
	th_advance(h, 500);
	th_expect(h, "A", 1, 401, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
	assert_int_equal(h->w->ooo_mbufs, 1);
	assert_null(tcb_ext(b));
	assert_int_equal(h->w->ext_used, 1);
	assert_int_equal(th_stat(h, conn_reset_rx) + th_stat(h, conn_reset_tx), 0);
}

/*
 * A SACK sender without a SACK state block (the pool taken): the blocks
 * are ignored, HighRxt is snd.una, and recovery falls to the timers: the
 * tail loss probe, then the RTO back to snd.una. The block arrives free
 * of any earlier HighRxt when one can be had again.
 */
static void
test_sack_sender_without_state(void **state)
{
	struct th *h = *state;
	struct tt_tcb_ext *pool = h->w->ext_free;
	struct tt_tcb *t;
	unsigned int i;

	h->w->ext_free = NULL;			/* every block taken */
	six_segments_out(h);
	t = th_tcb(h);
	for (i = 0; i < 3; i++)
		sack_ack(h, 1, 1, (const uint32_t[][2]){ { 1461, 1461 + (i + 1) * MSS } });
	th_expect_none(h);
	assert_null(tcb_ext(t));
	assert_int_equal(tcb_n_sacked(t), 0);
	assert_false(tcp_lost_retransmits(h->w, t));
	th_advance(h, 5);
	th_expect(h, "PA", 1 + 5 * MSS, 1, MSS);	/* the probe */
	th_expect_none(h);
	th_advance(h, 195);
	assert_int_equal(th_stat(h, rto_expired), 1);
	th_expect(h, "A", 1, 1, MSS);
	th_expect_none(h);
	h->w->ext_free = pool;
	sack_ack(h, 1461, 1, (const uint32_t[][2]){ { 2921, 4381 } });
	assert_non_null(tcb_ext(t));
	/* Taken before the ACK moved snd.una: at or below it, nothing retransmitted. */
	assert_true(seq_leq(tcb_ext(t)->high_rxt, t->snd.una));
	assert_true(seq_leq(tcb_ext(t)->undo_hold, t->snd.una));
	assert_int_equal(th_stat(h, conn_reset_rx) + th_stat(h, conn_reset_tx), 0);
}

/* Decode @p len option bytes as a segment with @p flags; 0 or -1 as tcp_parse_options(). */
static int
parse(const uint8_t *o, uint32_t len, uint8_t flags, struct tt_seg *s)
{
	memset(s, 0, sizeof(*s));
	s->flags = flags;
	return tcp_parse_options(o, len, s);
}

static void
assert_same_opts(const struct tt_seg *a, const struct tt_seg *b)
{
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->opts, b->opts);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->ts_val, b->ts_val);
	assert_int_equal(a->ts_ecr, b->ts_ecr);
	assert_int_equal(a->nsack, b->nsack);
}

/*
 * The layouts decoded at once (NOP NOP TS; a SYN's MSS SACKOK TS NOP WS)
 * mean what the same options in another order, which the general loop
 * decodes, mean: on a SYN and not, every window shift (15 and up capped
 * at 14), and one byte off the pattern anywhere still decodes (or fails)
 * as the loop says.
 */
static void
test_common_layouts_as_general_parse(void **state)
{
	const uint8_t flags[] = { TT_TH_SYN, TT_TH_SYN | TT_TH_ACK, TT_TH_ACK, TT_TH_ACK | TT_TH_PSH };
	struct tt_seg a, b;
	unsigned int f, ws, i;

	(void)state;
	for (f = 0; f < RTE_DIM(flags); f++) {
		/* NOP NOP TS against TS NOP NOP. */
		const uint8_t ts[12] = { 1, 1, 8, 10, 0x81, 2, 3, 4, 0xf5, 6, 7, 8 };
		const uint8_t ts2[12] = { 8, 10, 0x81, 2, 3, 4, 0xf5, 6, 7, 8, 1, 1 };

		assert_int_equal(parse(ts, sizeof(ts), flags[f], &a), 0);
		assert_int_equal(parse(ts2, sizeof(ts2), flags[f], &b), 0);
		assert_same_opts(&a, &b);
		assert_int_equal(a.opts, TT_SOPT_TS);
		assert_int_equal(a.ts_val, 0x81020304);
		assert_int_equal(a.ts_ecr, 0xf5060708);
		for (ws = 0; ws < 256; ws += (ws < 20 ? 1 : 47)) {
			/* MSS SACKOK TS NOP WS against MSS NOP WS SACKOK TS EOL. */
			const uint8_t syn[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4,
						  5, 6, 7, 8, 1, 3, 3, (uint8_t)ws };
			const uint8_t syn2[20] = { 2, 4, 0x05, 0xb4, 1, 3, 3, (uint8_t)ws, 4, 2,
						   8, 10, 1, 2, 3, 4, 5, 6, 7, 8 };

			assert_int_equal(parse(syn, sizeof(syn), flags[f], &a), 0);
			assert_int_equal(parse(syn2, sizeof(syn2), flags[f], &b), 0);
			assert_same_opts(&a, &b);
			if (flags[f] & TT_TH_SYN) {
				assert_int_equal(a.mss, 1460);
				assert_int_equal(a.opts, TT_SOPT_SACKOK | TT_SOPT_TS | TT_SOPT_WS);
				assert_int_equal(a.wscale, RTE_MIN(ws, 14u));
			} else {
				assert_int_equal(a.opts, TT_SOPT_TS);	/* RFC 7323 §2.2, RFC 2018 */
			}
		}
		/* Each byte of the patterns changed: whatever it means, the same both ways. */
		for (i = 0; i < 20; i++) {
			uint8_t syn[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4,
					    5, 6, 7, 8, 1, 3, 3, 7 };
			uint8_t t[12] = { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
			int ra, rb;

			syn[i] ^= 0x01;
			ra = parse(syn, sizeof(syn), flags[f], &a);
			/* The loop alone: the same bytes behind a leading NOP, one shorter at the end. */
			{
				uint8_t g[21];

				g[0] = 1;
				memcpy(g + 1, syn, sizeof(syn));
				rb = parse(g, sizeof(g), flags[f], &b);
			}
			assert_int_equal(ra, rb);
			if (ra == 0)
				assert_same_opts(&a, &b);
			if (i < 12) {
				uint8_t g[13];

				t[i] ^= 0x01;
				ra = parse(t, sizeof(t), flags[f], &a);
				g[0] = 1;
				memcpy(g + 1, t, sizeof(t));
				rb = parse(g, sizeof(g), flags[f], &b);
				assert_int_equal(ra, rb);
				if (ra == 0)
					assert_same_opts(&a, &b);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_layouts_as_general_parse),
		cmocka_unit_test_setup_teardown(test_negotiation_matrix, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_option_skipped_malformed_dropped,
						th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_large_window_shift_5, setup_rcv_1m, th_teardown),
		cmocka_unit_test_setup_teardown(test_large_window_synack, setup_rcv_1m, th_teardown),
		cmocka_unit_test_setup_teardown(test_ts_in_every_segment, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_paws_rejects_old_tsval, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_paws_accepts_after_ts_wrap, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_paws_ts_recent_expires, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_ts_recent_last_ack_sent_rule, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_rtt_from_tsecr, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_ts_across_seq_and_clock_wrap, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_ts_in_persist_probe, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_ts_in_keepalive_probe, setup_keepalive,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_probe_window_scaled, setup_keepalive_1m,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_ts_in_time_wait_ack, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_syn_newer_tsval_reuses, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_syn_older_tsval_acked, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_blocks_most_recent_first, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_max_blocks, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_dsack_for_duplicates, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_retransmits_only_holes, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_blocks_many_ranges, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_recovery_on_data_acks, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_lost_retransmission, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_tail_loss_probe, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_recovery_timer_backs_off_without_acks, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_tail_loss_probe_dsack_starts_recovery, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_eifel_undoes_spurious_recovery, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_eifel_keeps_needed_recovery, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_no_fast_recovery_after_rto, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_tail_loss_probe_dsack_alone_is_no_loss, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_blind_ack_beyond_window_ignored, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_eifel_undoes_once, th_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_ooo_runts_bounded_by_buffers, setup_rcv_1m,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_scoreboard_cleared_on_rto, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_tail_loss_probe_then_rto, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_sender_without_state, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_state_taken_and_returned_rcv, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_state_taken_and_returned_snd, th_setup,
						th_teardown),
		cmocka_unit_test_setup_teardown(test_sack_state_pool_empty, setup_one_sack_state,
						th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
