/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * The data path in both directions, one behaviour per test, as
 * packet-level scripts against the real services: echo on 7 (zero copy,
 * tt_recved() only as the echo is acknowledged), source on 19 (chargen).
 * Peer payload bytes follow a pattern of their stream offset, so an echo
 * proves every byte came back once and in order.
 */

#include <stdlib.h>
#include <string.h>

#include "tt_harness.h"

#define WIN 65535

/* Byte @p off of the peer's stream (offset 0 is relative sequence 1). */
static uint8_t
pat(uint32_t off)
{
	return (uint8_t)('A' + off % 53 + (off / 53) % 7);
}

/* Peer data [rel_seq, rel_seq + len) with the pattern bytes, ACK 1, window WIN. */
static void
send_data(struct th *h, uint32_t rel_seq, uint32_t len)
{
	static uint8_t buf[2048];
	uint32_t i;

	assert_true(len <= sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = pat(rel_seq - 1 + i);
	th_send(h, "PA", rel_seq, 1, WIN, buf, len);
}

/* The last segment's payload is the pattern for [rel_seq, rel_seq + len). */
static void
assert_pattern(const struct th *h, uint32_t rel_seq, uint32_t len)
{
	uint32_t i;

	assert_int_equal(h->last.len, len);
	for (i = 0; i < len; i++)
		if (h->last.data[i] != pat(rel_seq - 1 + i))
			fail_msg("echo byte %u (rel seq %u) is 0x%02x, want 0x%02x", i,
				 rel_seq + i, h->last.data[i], pat(rel_seq - 1 + i));
}

/* Echo of peer bytes [rel_seq, rel_seq + len) carrying ACK @p ack. */
#define expect_echo(h, rel_seq, ack, len) do {			\
		th_expect(h, "PA", rel_seq, ack, len);		\
		assert_pattern(h, rel_seq, len);		\
	} while (0)

/* Immediate duplicate ACK for rcv.nxt = @p ack, window unchanged. */
#define expect_dupack(h, ack) do {				\
		th_expect(h, "A", 1, ack, 0);			\
		assert_int_equal((h)->last.win, WIN);		\
	} while (0)

/* RFC 864 chargen stream byte at offset @p off (what source sends). */
static uint8_t
chargen(uint32_t off)
{
	uint32_t line = (off / 74) % 95, col = off % 74;

	if (col == 72)
		return '\r';
	if (col == 73)
		return '\n';
	return (uint8_t)(' ' + (line + col) % 95);
}

static void
assert_chargen(const struct th *h, uint32_t rel_seq)
{
	uint32_t i;

	for (i = 0; i < h->last.len; i++)
		if (h->last.data[i] != chargen(rel_seq - 1 + i))
			fail_msg("source byte at rel seq %u is 0x%02x, want 0x%02x", rel_seq + i,
				 h->last.data[i], chargen(rel_seq - 1 + i));
}

/* Handshake to @p port whose final ACK offers window @p win. */
static void
handshake_win(struct th *h, uint16_t port, uint16_t win)
{
	h->local_port = port;
	th_send(h, "S", 0, 0, WIN, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	th_send(h, "A", 1, 1, win, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* Source's initial flight of @p n full segments of @p mss from rel seq 1. */
static void
expect_source_flight(struct th *h, uint32_t first, unsigned int n, uint32_t mss)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		th_expect(h, "A", first + i * mss, 1, mss);
		assert_chargen(h, first + i * mss);
	}
}

/* A receive buffer of 4096 bytes: the window closes after a few segments. */
static int
setup_rcv4096(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.rcv_window = 4096;
	th_start(h);
	*state = h;
	return 0;
}

/* A send buffer of 1024 bytes (the minimum) and a 4096-byte receive window. */
static int
setup_sndbuf1024(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.rcv_window = 4096;
	h->cfg.tcp.snd_buf = 1024;
	th_start(h);
	*state = h;
	return 0;
}

/*
 * Limited transmit (RFC 3042) off: the fast-retransmit tests below pin
 * RFC 5681/6582 alone, with nothing sent on the first two duplicate ACKs.
 * test_tcp_cc.c covers limited transmit.
 */
static int
setup_no_limited_transmit(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.limited_transmit = 0;
	th_start(h);
	*state = h;
	return 0;
}

/* A send buffer of 4096 bytes: source has a finite amount queued. */
static int
setup_sndbuf4096(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	h->cfg.tcp.snd_buf = 4096;
	th_start(h);
	*state = h;
	return 0;
}

/* ---- Out-of-order delivery (RFC 9293 §3.10.7.4 seventh, RFC 5681 §4.2) ---- */

/* Segments 3, 2, 1: two duplicate ACKs, then one echo of all 300 bytes. */
static void
test_ooo_reverse_321_dupacks_then_echo_in_order(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 201, 100);
	expect_dupack(h, 1);
	th_expect_none(h);
	send_data(h, 101, 100);
	expect_dupack(h, 1);
	th_expect_none(h);
	assert_int_equal(tcb_ooo_segs(th_tcb(h)), 2);
	assert_int_equal(tcb_ooo_bytes(th_tcb(h)), 200);
	send_data(h, 1, 100);
	expect_echo(h, 1, 301, 300);
	th_expect_none(h);
	assert_int_equal(th_stat(h, ooo_segs_rx), 2);
	assert_int_equal(th_tcb(h)->rcv.nxt, h->irs + 301);
	assert_int_equal(tcb_ooo_segs(th_tcb(h)), 0);
	assert_int_equal(tcb_ooo_bytes(th_tcb(h)), 0);
}

/* Segments 2, 3, 1. */
static void
test_ooo_231_dupacks_then_echo_in_order(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 101, 100);
	expect_dupack(h, 1);
	send_data(h, 201, 100);
	expect_dupack(h, 1);
	th_expect_none(h);
	send_data(h, 1, 100);
	expect_echo(h, 1, 301, 300);
	th_expect_none(h);
	assert_int_equal(th_stat(h, ooo_segs_rx), 2);
}

/* Segments 1, 3, 2: 1 echoes at once, 3 draws a duplicate ACK for 101, 2 releases 2+3. */
static void
test_ooo_132_echo_dupack_then_echo_rest(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 1, 100);
	expect_echo(h, 1, 101, 100);
	send_data(h, 201, 100);
	th_expect(h, "A", 101, 101, 0);
	assert_int_equal(h->last.win, WIN - 100);	/* 100 held, unacknowledged echo */
	th_expect_none(h);
	send_data(h, 101, 100);
	expect_echo(h, 101, 301, 200);
	th_expect_none(h);
	assert_int_equal(th_stat(h, ooo_segs_rx), 1);
}

/* ---- Overlaps and duplicates: each byte delivered exactly once ---- */

/* Queued [201,301); [151,251) overlaps its front; [1,151) fills: echo 1..300 once. */
static void
test_overlap_front_of_queued_segment(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 201, 100);
	expect_dupack(h, 1);
	send_data(h, 151, 100);
	expect_dupack(h, 1);
	assert_int_equal(tcb_ooo_bytes(th_tcb(h)), 150);
	send_data(h, 1, 150);
	expect_echo(h, 1, 301, 300);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tcp_payload_tx), 300);
}

/* Queued [201,301); [251,351) overlaps its back: echo 1..350 once. */
static void
test_overlap_back_of_queued_segment(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 201, 100);
	expect_dupack(h, 1);
	send_data(h, 251, 100);
	expect_dupack(h, 1);
	assert_int_equal(tcb_ooo_bytes(th_tcb(h)), 150);
	send_data(h, 1, 200);
	expect_echo(h, 1, 351, 350);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tcp_payload_tx), 350);
}

/* The same out-of-order segment twice: two duplicate ACKs, queued once. */
static void
test_exact_duplicate_ooo_segment_queued_once(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 201, 100);
	expect_dupack(h, 1);
	send_data(h, 201, 100);
	expect_dupack(h, 1);
	assert_int_equal(tcb_ooo_segs(th_tcb(h)), 1);
	assert_int_equal(tcb_ooo_bytes(th_tcb(h)), 100);
	send_data(h, 1, 200);
	expect_echo(h, 1, 301, 300);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tcp_payload_tx), 300);
}

/* One segment covering two queued ones replaces them. */
static void
test_segment_covering_two_queued_replaces_them(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 201, 50);
	expect_dupack(h, 1);
	send_data(h, 301, 50);
	expect_dupack(h, 1);
	assert_int_equal(tcb_ooo_segs(th_tcb(h)), 2);
	send_data(h, 151, 250);
	expect_dupack(h, 1);
	assert_int_equal(tcb_ooo_segs(th_tcb(h)), 1);
	assert_int_equal(tcb_ooo_bytes(th_tcb(h)), 250);
	send_data(h, 1, 150);
	expect_echo(h, 1, 401, 400);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tcp_payload_tx), 400);
}

/* A segment whose front was already received: only the new tail is delivered. */
static void
test_in_order_overlap_with_received_delivers_new_bytes(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 1, 100);
	expect_echo(h, 1, 101, 100);
	send_data(h, 51, 100);
	expect_echo(h, 101, 151, 50);
	th_expect_none(h);
	assert_int_equal(th_stat(h, tcp_payload_tx), 150);
}

/* An old duplicate (entirely before rcv.nxt) is ACKed and dropped, not echoed. */
static void
test_old_duplicate_acked_and_dropped(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 1, 100);
	expect_echo(h, 1, 101, 100);
	send_data(h, 1, 100);
	th_expect(h, "A", 101, 101, 0);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_out_of_window), 1);
	assert_int_equal(th_stat(h, tcp_payload_tx), 100);
}

/* ---- Receive window (RFC 9293 §3.8.6, §3.10.7.4 first step) ---- */

/* Data past the advertised right edge is trimmed; what fits is echoed. */
static void
test_data_beyond_window_trimmed(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	assert_int_equal(h->last.win, 4096);	/* the SYN-ACK */
	send_data(h, 1, 1400);
	expect_echo(h, 1, 1401, 1400);
	assert_int_equal(h->last.win, 2696);
	send_data(h, 1401, 1400);
	expect_echo(h, 1401, 2801, 1400);
	assert_int_equal(h->last.win, 1296);
	send_data(h, 2801, 1400);
	expect_echo(h, 2801, 4097, 1296);
	assert_int_equal(h->last.win, 0);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_rcv_window_full), 1);
	assert_int_equal(th_tcb(h)->rcv.nxt, h->irs + 4097);
}

/*
 * Open an echo connection (rcv_window 4096) and send @p n of the segments
 * 1400, 1400, 1296 bytes, each echoed at once; with all three the window
 * is shut, as checked.
 */
static void
echo_into_window(struct th *h, unsigned int n)
{
	static const uint32_t len[] = { 1400, 1400, 1296 };
	uint32_t seq = 1;
	unsigned int i;

	th_handshake(h, 7);
	for (i = 0; i < n && i < RTE_DIM(len); i++) {
		send_data(h, seq, len[i]);
		expect_echo(h, seq, seq + len[i], len[i]);
		seq += len[i];
	}
	if (n >= RTE_DIM(len))
		assert_int_equal(h->last.win, 0);
}

/* With the window closed, new data is outside it: ACK (window 0) and drop. */
static void
test_data_into_zero_window_acked_and_dropped(void **state)
{
	struct th *h = *state;

	echo_into_window(h, 3);
	assert_int_equal(th_drop(h, tcp_rcv_window_full), 0);
	send_data(h, 4097, 100);
	th_expect(h, "A", 4097, 4097, 0);
	assert_int_equal(h->last.win, 0);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_out_of_window), 1);
	assert_int_equal(th_tcb(h)->rcv.nxt, h->irs + 4097);
}

/* A segment wholly beyond an open window: ACK for rcv.nxt and drop. */
static void
test_segment_entirely_beyond_window_acked_and_dropped(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 1 + 70000, 100);
	th_expect(h, "A", 1, 1, 0);
	assert_int_equal(h->last.win, WIN);
	th_expect_none(h);
	assert_int_equal(th_drop(h, tcp_out_of_window), 1);
	assert_int_equal(th_stat(h, ooo_segs_rx), 0);
	assert_null(tcb_ooo_head(th_tcb(h)));
}

/* Echo not acknowledged: the advertised window shrinks by what is held, to 0. */
static void
test_rcv_window_shrinks_to_zero_when_echo_unacked(void **state)
{
	struct th *h = *state;
	uint32_t seq = 1;
	uint32_t want = 4096;

	th_handshake(h, 7);
	while (want > 0) {
		uint32_t n = RTE_MIN(1000u, want);

		send_data(h, seq, n);
		seq += n;
		want -= n;
		expect_echo(h, seq - n, seq, n);
		assert_int_equal(h->last.win, want);
		assert_int_equal(th_tcb(h)->rcv.held, 4096 - want);
	}
	th_expect_none(h);
}

/* One ACK of the whole echo reopens the window: a window update is sent. */
static void
test_rcv_window_reopens_on_ack_of_echo(void **state)
{
	struct th *h = *state;

	echo_into_window(h, 3);
	th_send(h, "A", 4097, 4097, WIN, NULL, 0);
	th_expect(h, "A", 4097, 4097, 0);
	assert_int_equal(h->last.win, 4096);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->rcv.held, 0);
}

/*
 * RFC 9293 §3.10.7.4's "special allowance" for valid ACKs at a zero window:
 * the peer's ACK of the echo sits above RCV.NXT (its last bytes were
 * trimmed at our window edge, so its SND.NXT is ahead). Dropping it would
 * leave the echo unacknowledged and the window shut for good; its ACK is
 * taken, its text is not.
 */
static void
test_zero_window_takes_ack_above_rcv_nxt(void **state)
{
	struct th *h = *state;

	echo_into_window(h, 3);
	th_send(h, "A", 4097 + 50, 4097, WIN, NULL, 0);
	th_expect(h, "A", 4097, 4097, 0);
	assert_int_equal(h->last.win, 4096);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->rcv.held, 0);
	assert_int_equal(th_tcb(h)->snd.una - h->iss, 4097);
	/* Beyond an open window: its text is dropped, an old ACK changes nothing. */
	th_send(h, "A", 4097 + 8192, 1, WIN, NULL, 0);
	th_expect(h, "A", 4097, 4097, 0);
	assert_int_equal(th_tcb(h)->snd.una - h->iss, 4097);
}

/*
 * The same at a full but open window: the peer's last segment, up to our
 * window's edge, was lost, so its ACKs carry SEQ = the edge, just outside
 * [RCV.NXT, RCV.NXT + RCV.WND). Their ACK field is still taken.
 */
static void
test_ack_at_window_edge_taken(void **state)
{
	struct th *h = *state;

	echo_into_window(h, 2);
	assert_int_equal(h->last.win, 4096 - 2800);
	/* [2801, 4097) is lost; the peer's ACK of our echo carries SEQ 4097. */
	th_send(h, "A", 4097, 2801, WIN, NULL, 0);
	th_expect(h, "A", 2801, 2801, 0);
	assert_int_equal(th_tcb(h)->snd.una - h->iss, 2801);
	assert_int_equal(th_tcb(h)->rcv.held, 0);
	assert_int_equal(h->last.win, 4096);
}

/*
 * ACKs that each free less than the update threshold still reopen the
 * window once it can grow by min(MSS, buffer/2) over what was advertised
 * (RFC 9293 §3.8.6.2.2).
 */
static void
test_rcv_window_reopens_after_piecemeal_acks(void **state)
{
	struct th *h = *state;

	echo_into_window(h, 3);
	/* 1400 free: less than min(2 * MSS, 4096 / 2), still closed. */
	th_send(h, "A", 4097, 1401, WIN, NULL, 0);
	th_expect_none(h);
	/* 2800 free over an advertised 0: update. */
	th_send(h, "A", 4097, 2801, WIN, NULL, 0);
	th_expect(h, "A", 4097, 4097, 0);
	assert_int_equal(h->last.win, 2800);
	th_expect_none(h);
	/* The peer can use it. */
	send_data(h, 4097, 1000);
	expect_echo(h, 4097, 5097, 1000);
}

/* ---- Send window and congestion window ---- */

/* RFC 6928: a large peer window lets source send 10 full segments, no more. */
static void
test_initial_window_ten_segments(void **state)
{
	struct th *h = *state;

	th_handshake(h, 19);
	expect_source_flight(h, 1, 10, 1460);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.cwnd, 14600);
	assert_int_equal(th_tcb(h)->snd.nxt - th_tcb(h)->snd.una, 14600);
}

/* Peer window 3000, MSS 1460: never more than 3000 bytes unacknowledged. */
static void
test_send_window_limits_flight(void **state)
{
	struct th *h = *state;

	handshake_win(h, 19, 3000);
	expect_source_flight(h, 1, 2, 1460);
	th_expect_none(h);
	/* Each ACK of one segment lets exactly one more go. */
	th_send(h, "A", 1, 1461, 3000, NULL, 0);
	expect_source_flight(h, 2921, 1, 1460);
	th_expect_none(h);
	th_send(h, "A", 1, 2921, 3000, NULL, 0);
	expect_source_flight(h, 4381, 1, 1460);
	th_expect_none(h);
	assert_true(th_tcb(h)->snd.nxt - th_tcb(h)->snd.una <= 3000);
	/* The window shrinks to 1000 with 1460 in flight: nothing more. */
	th_send(h, "A", 1, 4381, 1000, NULL, 0);
	th_expect_none(h);
	/* All acknowledged: one 1000-byte segment fills the window. */
	th_send(h, "A", 1, 5841, 1000, NULL, 0);
	th_expect(h, "A", 5841, 1, 1000);
	assert_chargen(h, 5841);
	th_expect_none(h);
}

/* ---- Fast retransmit and NewReno (RFC 5681 §3.2, RFC 6582) ---- */

static void
three_dupacks(struct th *h, uint32_t ack)
{
	th_send(h, "A", 1, ack, WIN, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, ack, WIN, NULL, 0);
	th_expect_none(h);
	th_send(h, "A", 1, ack, WIN, NULL, 0);
}

/* The third duplicate ACK retransmits snd.una once, before any RTO. */
static void
test_fast_retransmit_on_third_dupack(void **state)
{
	struct th *h = *state;

	th_handshake(h, 19);
	expect_source_flight(h, 1, 10, 1460);
	three_dupacks(h, 1);
	th_expect(h, "PA", 1, 1, 1460);
	assert_chargen(h, 1);
	th_expect_none(h);
	assert_int_equal(th_stat(h, dup_acks_rx), 3);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	assert_int_equal(th_stat(h, retransmits), 1);
	assert_int_equal(th_stat(h, rto_expired), 0);
	assert_int_equal(th_tcb(h)->snd.ssthresh, 7300);
	assert_int_equal(th_tcb(h)->snd.cwnd, 7300 + 3 * 1460);
	/* Further duplicates inflate cwnd; no second retransmission. */
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	th_expect_none(h);
	/* cwnd 16060 now exceeds the 14600 in flight: one new segment. */
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	expect_source_flight(h, 14601, 1, 1460);
	th_expect_none(h);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	assert_int_equal(th_stat(h, retransmits), 1);
}

/* A duplicate ACK with a different window is a window update, not a duplicate. */
static void
test_ack_with_new_window_is_not_dupack(void **state)
{
	struct th *h = *state;

	th_handshake(h, 19);
	expect_source_flight(h, 1, 10, 1460);
	th_send(h, "A", 1, 1, WIN - 1, NULL, 0);
	th_send(h, "A", 1, 1, WIN - 2, NULL, 0);
	th_send(h, "A", 1, 1, WIN - 3, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, dup_acks_rx), 0);
	assert_int_equal(th_stat(h, fast_retransmits), 0);
}

/* RFC 6582 §3.2 step 5: a partial ACK retransmits the next hole; the full ACK ends recovery. */
static void
test_newreno_partial_ack_retransmits_next_hole(void **state)
{
	struct th *h = *state;

	th_handshake(h, 19);
	expect_source_flight(h, 1, 10, 1460);
	three_dupacks(h, 1);
	th_expect(h, "PA", 1, 1, 1460);
	th_expect_none(h);
	th_send(h, "A", 1, 1461, WIN, NULL, 0);
	th_expect(h, "PA", 1461, 1, 1460);
	assert_chargen(h, 1461);
	th_expect_none(h);
	assert_int_equal(th_stat(h, retransmits), 2);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
	assert_true(th_tcb(h)->flags & TT_TF_IN_RECOVERY);
	/* Full ACK: recovery ends, cwnd = min(ssthresh, max(flight, MSS) + MSS) = 2920. */
	th_send(h, "A", 1, 14601, WIN, NULL, 0);
	assert_false(th_tcb(h)->flags & TT_TF_IN_RECOVERY);
	assert_int_equal(th_tcb(h)->snd.cwnd, 2920);
	expect_source_flight(h, 14601, 2, 1460);
	th_expect_none(h);
	assert_int_equal(th_stat(h, retransmits), 2);
}

/* ---- MSS option (RFC 9293 §3.7.1, RFC 6691) ---- */

static void
handshake_mss(struct th *h, uint16_t port, uint16_t mss)
{
	h->local_port = port;
	th_send_abs(h, "S", h->irs, 0, WIN, NULL, 0, mss);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	th_send(h, "A", 1, 1, WIN, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

/* The peer's MSS 536: source sends 536-byte segments, ten of them. */
static void
test_peer_mss_536_honoured(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 19, 536);
	assert_int_equal(th_tcb(h)->mss, 536);
	expect_source_flight(h, 1, 10, 536);
	th_expect_none(h);
}

/* A tiny MSS (20) is clamped to [tcp] min_mss (default 216). */
static void
test_tiny_peer_mss_clamped_to_min(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 19, 20);
	assert_int_equal(th_tcb(h)->mss, 216);
	expect_source_flight(h, 1, 10, 216);
	th_expect_none(h);
}

/* No MSS option: the default 536 (RFC 9293 §3.7.1). */
static void
test_no_mss_option_defaults_to_536(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 19, 0);
	assert_int_equal(th_tcb(h)->mss, TT_DEFAULT_MSS);
	expect_source_flight(h, 1, 10, 536);
	th_expect_none(h);
}

/* An MSS above what our MTU carries is capped at MTU - 40. */
static void
test_large_peer_mss_capped_at_mtu(void **state)
{
	struct th *h = *state;

	handshake_mss(h, 19, 9000);
	assert_int_equal(th_tcb(h)->mss, 1460);
	expect_source_flight(h, 1, 10, 1460);
	th_expect_none(h);
}

/* ---- Sequence numbers wrapping at 2^32 ---- */

/* The peer's sequence numbers wrap mid-stream; reassembly and ACKs follow. */
static void
test_peer_seq_wrap_ooo_and_echo(void **state)
{
	struct th *h = *state;

	h->irs = 0xffffff00;
	th_handshake(h, 7);
	assert_int_equal(h->last.abs_ack, 0xffffff01u);	/* the SYN-ACK */
	/* [1,201) before the wrap, [201,401) across it, [401,601) after. */
	send_data(h, 401, 200);
	expect_dupack(h, 1);
	assert_int_equal(h->last.abs_ack, 0xffffff01u);
	send_data(h, 201, 200);
	expect_dupack(h, 1);
	send_data(h, 1, 200);
	expect_echo(h, 1, 601, 600);
	assert_int_equal(h->last.abs_ack, 601u - 0x100u);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->rcv.nxt, 601u - 0x100u);
	/* The peer acknowledges the echo; more data, then a FIN, past the wrap. */
	th_send(h, "PA", 601, 601, WIN, NULL, 0);
	th_expect_none(h);
	send_data(h, 601, 100);
	expect_echo(h, 601, 701, 100);
	th_send(h, "FA", 701, 701, WIN, NULL, 0);
	th_expect(h, "FA", 701, 702, 0);
	th_send(h, "A", 702, 702, WIN, NULL, 0);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* Start the clock where tcpterm's ISN for the next connection is @p iss. */
static void
clock_for_iss(struct th *h, uint16_t port, uint32_t iss)
{
	struct tt_flow_key k = {
		.raddr = TH_PEER_IP,
		.laddr = TH_LOCAL_IP,
		.rport = rte_cpu_to_be_16(h->peer_port),
		.lport = rte_cpu_to_be_16(port),
	};
	uint32_t now = tcp_isn(h->w, &k);

	/* RFC 6528: the ISN advances by one every 4 us. */
	h->now_us += 4ull * (uint32_t)(iss - now);
	tt_worker_set_clock(h->w, h->now_us);
	tt_worker_timers(h->w);
	assert_int_equal(tcp_isn(h->w, &k), iss);
}

/* tcpterm's sequence numbers wrap: ACKs, window growth and fast retransmit across it. */
static void
test_local_seq_wrap_source(void **state)
{
	struct th *h = *state;

	clock_for_iss(h, 19, 0xffffff00);
	th_handshake(h, 19);
	assert_int_equal(h->iss, 0xffffff00u);
	expect_source_flight(h, 1, 10, 1460);
	assert_int_equal(h->last.abs_seq, (uint32_t)(0xffffff01u + 9 * 1460));
	/* Two segments acknowledged across the wrap: slow start sends three. */
	th_send(h, "A", 1, 2921, WIN, NULL, 0);
	assert_int_equal(th_tcb(h)->snd.una, 2921u - 0x100u);
	expect_source_flight(h, 14601, 3, 1460);
	th_expect_none(h);
	/* Three duplicates for the wrapped snd.una. */
	three_dupacks(h, 2921);
	th_expect(h, "PA", 2921, 1, 1460);
	assert_chargen(h, 2921);
	th_expect_none(h);
	assert_int_equal(th_stat(h, fast_retransmits), 1);
}

/*
 * The send queue's tail lives in its first mbuf (sndq_tail()): it is the
 * last mbuf of the chain and the chain holds [snd.una, snd.end) while ACKs
 * free and trim the first mbufs and the source appends, filling the tail.
 */
static void
assert_sndq_consistent(struct th *h)
{
	struct tt_tcb *t = th_tcb(h);
	struct rte_mbuf *q, *last = NULL;
	uint32_t bytes = 0;

	for (q = t->sndq_head; q != NULL; q = q->next) {
		bytes += q->data_len;
		last = q;
	}
	assert_ptr_equal(sndq_tail(t), last);
	assert_int_equal(bytes, t->snd.end - t->snd.una);
}

static void
test_send_queue_tail_follows_acks(void **state)
{
	struct th *h = *state;
	static const uint32_t acks[] = { 1001, 2921, 4000, 4381, 14601, 20000 };
	uint32_t nxt = 1 + 10 * 1460;
	unsigned int i;

	th_handshake(h, 19);
	expect_source_flight(h, 1, 10, 1460);
	assert_true(th_tcb(h)->sndq_head != NULL);
	assert_sndq_consistent(h);
	for (i = 0; i < RTE_DIM(acks); i++) {
		struct th_seg *s = &h->last;

		th_send(h, "A", 1, acks[i], WIN, NULL, 0);
		assert_int_equal(th_tcb(h)->snd.una - h->iss, acks[i]);
		assert_sndq_consistent(h);
		/* What goes out next is the right stretch of the pattern. */
		while (th_recv(h, s)) {
			assert_int_equal(s->seq, nxt);
			assert_chargen(h, s->seq);
			nxt += s->len;
		}
	}
	assert_int_equal(th_tcb(h)->snd.nxt - h->iss, nxt);
}

/* tcpterm's echo crosses its own wrap; the peer's ACKs across it reopen the window. */
static void
test_local_seq_wrap_echo(void **state)
{
	struct th *h = *state;

	clock_for_iss(h, 7, 0xfffffff0);
	th_handshake(h, 7);
	send_data(h, 1, 100);
	expect_echo(h, 1, 101, 100);
	assert_int_equal(h->last.abs_seq, 0xfffffff1u);
	send_data(h, 101, 100);
	expect_echo(h, 101, 201, 100);
	assert_int_equal(h->last.abs_seq, 0xfffffff1u + 100);
	th_send(h, "A", 201, 201, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.una, 0xfffffff0u + 201);
	assert_int_equal(th_tcb(h)->rcv.held, 0);
}

/* ---- Half close and piggybacking ---- */

/* After the peer's FIN, source still sends what it queued, then its FIN. */
static void
test_source_sends_queued_data_after_peer_fin(void **state)
{
	struct th *h = *state;

	handshake_win(h, 19, 2000);
	expect_source_flight(h, 1, 1, 1460);
	th_expect_none(h);
	th_send(h, "FA", 1, 1, 2000, NULL, 0);
	th_expect(h, "A", 1461, 2, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_LAST_ACK);	/* source shut down at once */
	th_send(h, "A", 2, 1461, 2000, NULL, 0);
	th_expect(h, "A", 1461, 2, 1460);
	assert_chargen(h, 1461);
	th_expect_none(h);
	th_send(h, "A", 2, 2921, 2000, NULL, 0);
	th_expect(h, "FPA", 2921, 2, 4096 - 2920);
	assert_chargen(h, 2921);
	th_expect_none(h);
	th_send(h, "A", 2, 4098, 2000, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* CLOSE_WAIT: echo holds data it could not yet send; it sends it, then FIN. */
static void
test_close_wait_echo_sends_pending_then_fin(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 1, 1900);
	/* A 1024-byte send buffer: the first 1024 bytes go now. */
	expect_echo(h, 1, 1901, 1024);
	th_expect_none(h);
	th_send(h, "FA", 1901, 1, WIN, NULL, 0);
	th_expect(h, "A", 1025, 1902, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSE_WAIT);
	/* The ACK makes room: the other 876 bytes and the FIN. */
	th_send(h, "A", 1902, 1025, WIN, NULL, 0);
	th_expect(h, "FPA", 1025, 1902, 876);
	assert_pattern(h, 1025, 876);
	assert_int_equal(th_state(h), TT_LAST_ACK);
	th_send(h, "A", 1902, 1902, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_state(h), TT_CLOSED);
}

/* The echo carries the ACK of the data: no pure ACK, now or when the delayed-ACK timer is due. */
static void
test_ack_piggybacked_on_echo(void **state)
{
	struct th *h = *state;

	th_handshake(h, 7);
	send_data(h, 1, 10);
	expect_echo(h, 1, 11, 10);
	th_expect_none(h);
	/* Past the 40 ms delayed-ACK timer, short of the 200 ms minimum RTO. */
	th_advance(h, 150);
	th_expect_none(h);
	assert_int_equal(th_stat(h, delayed_acks), 0);
	assert_int_equal(th_stat(h, tcp_segs_tx), 2);	/* SYN-ACK and the echo */
	/* Both directions at once: the peer's next data acknowledges the echo. */
	send_data(h, 11, 20);
	expect_echo(h, 11, 31, 20);
	assert_int_equal(th_tcb(h)->snd.una, h->iss + 1);
	th_send(h, "PA", 31, 31, WIN, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_tcb(h)->snd.una, h->iss + 31);
}

#define T(f) cmocka_unit_test_setup_teardown(f, th_setup, th_teardown)
#define T_RCV4096(f) cmocka_unit_test_setup_teardown(f, setup_rcv4096, th_teardown)
#define T_NOLT(f) cmocka_unit_test_setup_teardown(f, setup_no_limited_transmit, th_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ooo_reverse_321_dupacks_then_echo_in_order),
		T(test_ooo_231_dupacks_then_echo_in_order),
		T(test_ooo_132_echo_dupack_then_echo_rest),
		T(test_overlap_front_of_queued_segment),
		T(test_overlap_back_of_queued_segment),
		T(test_exact_duplicate_ooo_segment_queued_once),
		T(test_segment_covering_two_queued_replaces_them),
		T(test_in_order_overlap_with_received_delivers_new_bytes),
		T(test_old_duplicate_acked_and_dropped),
		T_RCV4096(test_data_beyond_window_trimmed),
		T_RCV4096(test_data_into_zero_window_acked_and_dropped),
		T(test_segment_entirely_beyond_window_acked_and_dropped),
		T_RCV4096(test_rcv_window_shrinks_to_zero_when_echo_unacked),
		T_RCV4096(test_rcv_window_reopens_on_ack_of_echo),
		T_RCV4096(test_zero_window_takes_ack_above_rcv_nxt),
		T_RCV4096(test_ack_at_window_edge_taken),
		T_RCV4096(test_rcv_window_reopens_after_piecemeal_acks),
		T(test_initial_window_ten_segments),
		T(test_send_window_limits_flight),
		T_NOLT(test_fast_retransmit_on_third_dupack),
		T(test_ack_with_new_window_is_not_dupack),
		T_NOLT(test_newreno_partial_ack_retransmits_next_hole),
		T(test_peer_mss_536_honoured),
		T(test_tiny_peer_mss_clamped_to_min),
		T(test_no_mss_option_defaults_to_536),
		T(test_large_peer_mss_capped_at_mtu),
		T(test_peer_seq_wrap_ooo_and_echo),
		T_NOLT(test_local_seq_wrap_source),
		T(test_local_seq_wrap_echo),
		T(test_send_queue_tail_follows_acks),
		cmocka_unit_test_setup_teardown(test_source_sends_queued_data_after_peer_fin,
						setup_sndbuf4096, th_teardown),
		cmocka_unit_test_setup_teardown(test_close_wait_echo_sends_pending_then_fin,
						setup_sndbuf1024, th_teardown),
		T(test_ack_piggybacked_on_echo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
