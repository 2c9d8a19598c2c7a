/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * The generator's data path, on each worker: gen_poll() runs once per loop
 * iteration (tt_worker::app_poll) and opens connections or sends requests
 * as the mode and the clock say; gen_svc is the client service every
 * connection runs, which parses answers, records latencies and closes.
 *
 * Open loop (--rate): operation k of a worker is due at t0 + k / rate;
 * t0 is the start of the run, for rps the moment its connections are open.
 * Its latency is measured from that due time, not from when it could be
 * started, so a stack that falls behind shows it in the percentiles
 * instead of hiding it (no coordinated omission).
 *
 * Nothing here allocates, locks or logs: connection slots, timestamp
 * rings and request bytes are prepared by gen_worker_init() and the
 * main lcore.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "gen.h"

#define GEN_OPEN_BUDGET 32	/* connections opened per loop iteration */
#define GEN_SEND_BUDGET 256	/* rps open loop: requests sent per loop iteration */
#define GEN_DRAIN_BUDGET 8	/* connections closed per loop iteration after the run */
#define GEN_DRAIN_WINDOW 256	/* ... while fewer than this are closing */
#define GEN_HTTP_MAX_HDR 8192	/* a response header longer than this is malformed */
#define GEN_BULK_CHUNK 16384

#define GEN_CNT_NAME(name) #name,
const char *const gen_counter_names[GEN_NB_COUNTERS] = { GEN_COUNTERS(GEN_CNT_NAME) };
#undef GEN_CNT_NAME

#define GC_ESTABLISHED 0x01
#define GC_SHUT 0x02		/* tt_shutdown() called */
#define GC_WARM 0x04		/* the warm-up connection: not counted */
#define GC_ABORTED 0x08		/* we reset it: on_close counts nothing more */

/* The service context of one connection (TT_APP_CTX_SIZE bytes at most). */
struct gen_conn {
	struct gen_worker *g;
	struct gen_http_parser hp;
	uint32_t slot;
	uint32_t echo_got;	/* bytes of the current echo answer received */
	uint16_t inflight;	/* requests sent and not yet answered */
	uint16_t ts_head;	/* oldest of them in the slot's timestamp ring */
	uint8_t flags;
};

_Static_assert(sizeof(struct gen_conn) <= TT_APP_CTX_SIZE, "gen_conn too large");

static uint8_t bulk_pattern[GEN_BULK_CHUNK];

/*
 * Response parsing: a header that arrives whole is read in one pass
 * over its line ends (memchr), one split across segments byte by byte;
 * the body in bulk.
 */

static const char http_cl[] = "\ncontent-length:";
static const char http_eoh[] = "\r\n\r\n";

static void
http_next_response(struct gen_http_parser *st)
{
	uint32_t body = st->clen;

	memset(st, 0, sizeof(*st));
	st->body_left = body;
	st->in_body = body > 0;
}

/*
 * Does the line at @p q (at least 15 bytes readable) start with
 * "content-length:" (any case)? Setting bit 0x20 of a byte lowercases an
 * ASCII letter, and the bytes that then equal a given lowercase letter
 * are exactly that letter in either case; '-' and ':' already have the
 * bit, and CR and 0x1a would pass as them, so those two places are
 * compared as they are. Two 8-byte words cover the 15 bytes.
 */
static inline bool
http_is_cl_line(const uint8_t *q)
{
	const uint64_t lower = UINT64_C(0x2020202020202020);
	uint64_t a, b, ka, kb;

	memcpy(&a, q, 8);
	memcpy(&b, q + 7, 8);
	memcpy(&ka, http_cl + 1, 8);
	memcpy(&kb, http_cl + 8, 8);
	return (a | lower) == ka && (b | lower) == kb && q[7] == '-' && q[14] == ':';
}

/*
 * A header that starts at @p p and ends (CR LF CR LF) within its first
 * @p len bytes, read in one pass over its line ends with the same rules,
 * and the same verdicts, as the byte-by-byte reader below: "HTTP/" then
 * three digits at bytes 10..12, the first line that starts
 * "content-length:" (any case) followed by blanks and at least one digit,
 * at most GEN_HTTP_MAX_HDR bytes. @return the header's length, 0 when it
 * is not all here or is shorter than a status line (the byte-by-byte
 * reader takes it), or -1 for a malformed response.
 */
static int
http_header_whole(struct gen_http_parser *st, const uint8_t *p, uint32_t len, uint32_t *bad_status)
{
	const uint8_t *lim = p + RTE_MIN(len, (uint32_t)GEN_HTTP_MAX_HDR);
	const uint8_t *q = p, *nl, *cl = NULL, *end = NULL;
	uint32_t clen = 0, k;

	while ((nl = memchr(q, '\n', (size_t)(lim - q))) != NULL) {
		q = nl + 1;
		/* The first CR LF CR LF: a LF after a CR, then CR LF. */
		if (nl > p && nl[-1] == '\r' && lim - q >= 2 && q[0] == '\r' && q[1] == '\n') {
			end = q + 2;
			break;
		}
		if (cl == NULL && (size_t)(lim - q) >= sizeof(http_cl) - 2 && http_is_cl_line(q))
			cl = q + sizeof(http_cl) - 2;
	}
	if (end == NULL || end - p < 12)
		return 0;
	if (memcmp(p, "HTTP/", 5) != 0)
		return -1;
	for (k = 9; k < 12; k++)
		if (p[k] < '0' || p[k] > '9')
			return -1;
	st->status = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0'));
	if (cl == NULL || st->status < 100)
		return -1;
	/* Blanks, then at least one digit; the header's CR ends either. */
	for (q = cl; *q == ' ' || *q == '\t'; q++)
		;
	if (*q < '0' || *q > '9')
		return -1;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (clen > 100000000u)
			return -1;
		clen = clen * 10 + (uint32_t)(*q - '0');
	}
	if (st->status < 200 || st->status > 299)
		(*bad_status)++;
	st->clen = clen;
	return (int)(end - p);
}

int
gen_http_feed(struct gen_http_parser *st, const uint8_t *p, uint32_t len, uint32_t *bad_status)
{
	uint32_t i = 0;
	int done = 0;

	while (i < len) {
		uint8_t c, lc;

		if (st->in_body) {
			uint32_t n = RTE_MIN(st->body_left, len - i);

			st->body_left -= n;
			i += n;
			if (st->body_left == 0) {
				st->in_body = 0;
				done++;
			}
			continue;
		}
		if (st->hdr_len == 0) {
			/* A response starts: its whole header is usually here. */
			int n = http_header_whole(st, p + i, len - i, bad_status);

			if (n < 0)
				return -1;
			if (n > 0) {
				i += (uint32_t)n;
				http_next_response(st);
				if (!st->in_body)
					done++;
				continue;
			}
		}
		c = p[i++];
		if (++st->hdr_len > GEN_HTTP_MAX_HDR)
			return -1;
		/* Status line: "HTTP/1.x NNN ..." */
		if (st->hdr_len <= 5 && c != "HTTP/"[st->hdr_len - 1])
			return -1;
		if (st->hdr_len >= 10 && st->hdr_len <= 12) {
			if (c < '0' || c > '9')
				return -1;
			st->status = (uint16_t)(st->status * 10 + (c - '0'));
		}
		/* Content-Length: name matched case-insensitively, then digits. */
		lc = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
		switch (st->cl_state) {
		case 0:
			if (lc == (uint8_t)http_cl[st->cl_match])
				st->cl_match++;
			else
				st->cl_match = c == '\n';
			if (st->cl_match == sizeof(http_cl) - 1)
				st->cl_state = 1;
			break;
		case 1:		/* after the colon: blanks, then at least one digit */
		case 3:		/* in the digits */
			if (c >= '0' && c <= '9') {
				if (st->clen > 100000000u)
					return -1;
				st->clen = st->clen * 10 + (uint32_t)(c - '0');
				st->cl_state = 3;
			} else if (st->cl_state == 1 && (c == ' ' || c == '\t')) {
				break;
			} else if (st->cl_state == 3) {
				st->cl_state = 2;
			} else {
				return -1;
			}
			break;
		default:
			break;
		}
		if (c == (uint8_t)http_eoh[st->eoh])
			st->eoh++;
		else
			st->eoh = c == '\r';
		if (st->eoh == 4) {
			/* tcpterm frames every response by Content-Length; nothing else is expected. */
			if (st->cl_state != 2 || st->status < 100)
				return -1;
			if (st->status < 200 || st->status > 299)
				(*bad_status)++;
			http_next_response(st);
			if (!st->in_body)
				done++;
		}
	}
	return done;
}

/* Connections. */

static inline uint64_t *
slot_ts(struct gen_worker *g, uint32_t slot, uint32_t i)
{
	uint32_t k = g->o->pipeline;

	/* i is nearly always below 2 * pipeline: no division (tens of cycles) then. */
	i = i < k ? i : i < 2 * k ? i - k : i % k;
	return &g->ts[(uint64_t)slot * k + i];
}

static void
gen_shutdown(struct tt_conn *c, struct gen_conn *x)
{
	if (x->flags & GC_SHUT)
		return;
	x->flags |= GC_SHUT;
	x->g->closing++;
	tt_shutdown(c);
}

/* Reset @p c after a protocol error; @p c is gone on return. */
static void
gen_abort(struct gen_worker *g, struct tt_conn *c, struct gen_conn *x)
{
	g->cnt[GEN_CNT_err_protocol]++;
	x->flags |= GC_ABORTED;
	tt_abort(c);
}

/*
 * Queue @p n requests started at @p t (TSC). @return 0, or -1 when the
 * stack could not take them all (counted; the caller resets @p c).
 */
static int
gen_send_requests(struct gen_worker *g, struct tt_conn *c, struct gen_conn *x, uint32_t n,
		  uint64_t t)
{
	uint32_t len = n * g->o->req_len, i;

	if (unlikely(tt_send_copy(c, g->o->reqbuf, len) != (int)len)) {
		g->cnt[GEN_CNT_err_incomplete]++;
		x->flags |= GC_ABORTED;
		return -1;
	}
	for (i = 0; i < n; i++)
		*slot_ts(g, x->slot, (uint32_t)x->ts_head + x->inflight + i) = t;
	x->inflight = (uint16_t)(x->inflight + n);
	g->cnt[GEN_CNT_requests] += n;
	return 0;
}

static void
gen_ready_push(struct gen_worker *g, uint32_t slot)
{
	if (g->n_ready < g->ready_cap)
		g->ready[g->n_ready++] = slot;
}

static void
bulk_fill(struct tt_conn *c)
{
	uint32_t space, want;
	int n;

	while ((space = tt_send_space(c)) > 0) {
		want = RTE_MIN(space, (uint32_t)sizeof(bulk_pattern));
		n = tt_send_copy(c, bulk_pattern, want);
		if (n < (int)want)	/* mbufs ran short: go on from on_sent() */
			break;
	}
}

/* Work on an established connection when the run has ended. */
static void
gen_drain_conn(struct tt_conn *c, struct gen_conn *x)
{
	if ((x->flags & GC_ESTABLISHED) && x->inflight == 0)
		gen_shutdown(c, x);
}

static int
gen_on_accept(struct tt_conn *c, const void *opts)
{
	struct gen_conn *x = tt_conn_ctx(c);
	struct gen_worker *g = x->g;
	const struct gen_opts *o = g->o;

	(void)opts;
	x->flags |= GC_ESTABLISHED;
	g->handshakes--;
	tt_set_nodelay(c, 1);
	if (x->flags & GC_WARM) {
		gen_shutdown(c, x);
		return 0;
	}
	g->cnt[GEN_CNT_conn_established]++;
	/* After the run a cps operation still completes; other modes close. */
	if (*g->phase != GEN_PH_RUN && o->mode != GEN_CPS) {
		gen_shutdown(c, x);
		return 0;
	}
	switch (o->mode) {
	case GEN_CPS:
		/* The slot's first timestamp is when the connection was due. */
		x->inflight = 1;
		if (tt_send_copy(c, o->reqbuf, o->req_len) != (int)o->req_len) {
			g->cnt[GEN_CNT_err_incomplete]++;
			x->flags |= GC_ABORTED;
			return -1;
		}
		g->cnt[GEN_CNT_requests]++;
		break;
	case GEN_RPS:
		if (o->rate == 0) {
			if (gen_send_requests(g, c, x, o->pipeline, rte_rdtsc()) != 0)
				return -1;
		} else {
			uint32_t i;

			for (i = 0; i < o->pipeline; i++)
				gen_ready_push(g, x->slot);
		}
		break;
	case GEN_BULK:
		if (!o->bulk_recv)
			bulk_fill(c);
		break;
	case GEN_HOLD:
		break;
	}
	return 0;
}

/*
 * One answer is complete: record it and go on as the mode says. A closed
 * loop's next request is counted in @p resend; the caller sends them all
 * at once when it has read everything that arrived. @p run: the run was
 * on when the caller began, read once for all its answers: had the phase
 * turned in between, the connection could be shut (gen_drain_conn())
 * with requests counted in @p resend, which it then could not send.
 */
static void
gen_answered(struct gen_worker *g, struct tt_conn *c, struct gen_conn *x, uint64_t now,
	     bool run, uint32_t *resend)
{
	const struct gen_opts *o = g->o;
	uint64_t t = *slot_ts(g, x->slot, x->ts_head);

	x->ts_head = x->ts_head + 1u == o->pipeline ? 0 : (uint16_t)(x->ts_head + 1);	/* < pipeline */
	x->inflight--;
	g->cnt[GEN_CNT_responses]++;
	tt_histo_record(&g->lat, (uint64_t)((double)(now - t) * g->ns_per_tsc));
	if (o->mode == GEN_CPS) {
		/* HTTP asked for Connection: close, tcpterm closes; echo: we close. */
		if (o->payload == GEN_ECHO)
			gen_shutdown(c, x);
		return;
	}
	if (!run) {
		gen_drain_conn(c, x);
		return;
	}
	if (o->rate != 0) {
		gen_ready_push(g, x->slot);
		return;
	}
	(*resend)++;
}

static void
gen_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	struct gen_conn *x = tt_conn_ctx(c);
	struct gen_worker *g = x->g;
	const struct gen_opts *o = g->o;
	uint32_t len = rte_pktmbuf_pkt_len(m), bad = 0, resend = 0;
	uint64_t now;
	bool run;
	struct rte_mbuf *s;
	int n;

	g->cnt[GEN_CNT_bytes_rx] += len;
	if ((x->flags & GC_WARM) || o->mode == GEN_BULK || o->mode == GEN_HOLD) {
		rte_pktmbuf_free(m);
		tt_recved(c, len);
		return;
	}
	/*
	 * The poll's TSC, read just before its receive bursts: when this
	 * answer came in, as near as the generator can tell, and no read of
	 * the TSC (tens of cycles: 3.5 % of the worker's time at 2.9 M
	 * answers/s under perf) per answer. The requests it sends now carry
	 * it too, though they leave with the poll's flush.
	 */
	now = g->w->now_tsc;
	run = *g->phase == GEN_PH_RUN;
	if (o->payload == GEN_HTTP) {
		for (s = m; s != NULL; s = s->next) {
			n = gen_http_feed(&x->hp, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len, &bad);
			g->cnt[GEN_CNT_err_protocol] += bad;
			bad = 0;
			if (unlikely(n < 0 || n > x->inflight)) {
				rte_pktmbuf_free(m);
				gen_abort(g, c, x);
				return;
			}
			while (n-- > 0)
				gen_answered(g, c, x, now, run, &resend);
		}
	} else {
		uint32_t left = len;

		while (left > 0) {
			uint32_t take;

			if (unlikely(x->inflight == 0)) {	/* more than was sent */
				rte_pktmbuf_free(m);
				gen_abort(g, c, x);
				return;
			}
			take = RTE_MIN(left, o->size - x->echo_got);
			x->echo_got += take;
			left -= take;
			if (x->echo_got == o->size) {
				x->echo_got = 0;
				gen_answered(g, c, x, now, run, &resend);
			}
		}
	}
	rte_pktmbuf_free(m);
	/* The closed loop's next requests, in one piece of the send queue. */
	if (resend > 0 && gen_send_requests(g, c, x, resend, now) != 0) {
		tt_abort(c);
		return;
	}
	tt_recved(c, len);
}

static void
gen_on_sent(struct tt_conn *c, uint32_t acked)
{
	struct gen_conn *x = tt_conn_ctx(c);
	struct gen_worker *g = x->g;

	g->cnt[GEN_CNT_bytes_tx] += acked;
	if (g->o->mode == GEN_BULK && !g->o->bulk_recv && !(x->flags & (GC_SHUT | GC_WARM)) &&
	    *g->phase == GEN_PH_RUN)
		bulk_fill(c);
}

static void
gen_on_peer_fin(struct tt_conn *c)
{
	gen_shutdown(c, tt_conn_ctx(c));
}

static void
gen_on_close(struct tt_conn *c, enum tt_close_reason reason)
{
	struct gen_conn *x = tt_conn_ctx(c);
	struct gen_worker *g = x->g;
	bool est = x->flags & GC_ESTABLISHED;

	g->conns[x->slot] = NULL;
	g->free_slots[g->n_free++] = x->slot;
	g->active--;
	if (!est)
		g->handshakes--;
	if (x->flags & GC_SHUT)
		g->closing--;
	if (x->flags & GC_WARM) {
		/* gen_poll() opens the next one. */
		if (reason != TT_CLOSE_NORMAL || !est) {
			g->warm = -1;
		} else {
			g->warm_done++;
			g->warm = 1;
		}
		return;
	}
	if (x->flags & GC_ABORTED)
		return;
	switch (reason) {
	case TT_CLOSE_NORMAL:
		g->cnt[GEN_CNT_conn_closed]++;
		if (x->inflight > 0)
			g->cnt[GEN_CNT_err_incomplete]++;
		break;
	case TT_CLOSE_RESET:
		g->cnt[est ? GEN_CNT_err_reset : GEN_CNT_err_connect]++;
		break;
	case TT_CLOSE_TIMEOUT:
		g->cnt[est ? GEN_CNT_err_timeout : GEN_CNT_err_connect]++;
		break;
	case TT_CLOSE_REFUSED:
		g->cnt[GEN_CNT_err_connect]++;
		break;
	case TT_CLOSE_SHUTDOWN:
		g->cnt[GEN_CNT_unfinished]++;
		break;
	case TT_CLOSE_ABORT:
		break;
	}
}

static const struct tt_service gen_svc = {
	.name = "tcpterm-gen",
	.on_accept = gen_on_accept,
	.on_data = gen_on_data,
	.on_sent = gen_on_sent,
	.on_peer_fin = gen_on_peer_fin,
	.on_close = gen_on_close,
};

/*
 * Open a connection whose operation started at @p t (TSC).
 * @return 0, or a negative errno (no slot, no local port, no TCB).
 */
static int
gen_open(struct gen_worker *g, uint64_t t, uint8_t flags)
{
	const struct gen_opts *o = g->o;
	struct tt_conn *c;
	struct gen_conn *x;
	uint32_t slot;
	int ret;

	if (g->n_free == 0)
		return -ENOSPC;
	ret = tt_connect(g->w, 0, o->raddr, rte_cpu_to_be_16(o->rport), &gen_svc, NULL, &c);
	if (ret != 0) {
		if (!(flags & GC_WARM))
			g->cnt[GEN_CNT_err_connect]++;
		return ret;
	}
	slot = g->free_slots[--g->n_free];
	x = tt_conn_ctx(c);
	x->g = g;
	x->slot = slot;
	x->flags = flags;
	g->conns[slot] = c;
	*slot_ts(g, slot, 0) = t;
	g->active++;
	g->handshakes++;
	if (!(flags & GC_WARM))
		g->cnt[GEN_CNT_conn_opened]++;
	return 0;
}

/* The phase changed: act once on the new one. */
static void
gen_enter_phase(struct gen_worker *g, uint32_t phase)
{
	g->seen_phase = phase;
	switch (phase) {
	case GEN_PH_RUN:
		g->run_tsc = rte_rdtsc();
		/* rps: the schedule starts once its connections are open (gen_rps_open_loop()). */
		g->t0 = g->o->mode == GEN_RPS ? 0 : g->run_tsc;
		g->scheduled = 0;
		break;
	case GEN_PH_DRAIN:
		g->drain_pos = 0;
		break;
	default:
		break;
	}
}

/*
 * After the run, close idle connections a few per iteration and only while
 * few are closing: each close draws two or three frames from the peer,
 * and thousands at once would overflow the rings between us.
 */
static unsigned int
gen_drain_some(struct gen_worker *g)
{
	unsigned int work = 0;

	while (g->drain_pos < g->n_slots && work < GEN_DRAIN_BUDGET &&
	       g->closing < GEN_DRAIN_WINDOW) {
		struct tt_conn *c = g->conns[g->drain_pos++];

		if (c != NULL) {
			gen_drain_conn(c, tt_conn_ctx(c));
			work++;
		}
	}
	return work;
}

/* Operations due by @p now in the open loop. */
static inline uint64_t
gen_due(const struct gen_worker *g, uint64_t now)
{
	return (uint64_t)((double)(now - g->t0) / g->tsc_per_op) + 1;
}

static inline uint64_t
gen_due_time(const struct gen_worker *g, uint64_t k)
{
	return g->t0 + (uint64_t)((double)k * g->tsc_per_op);
}

/* rps, open loop: the next due requests go to connections with a free pipeline place. */
static unsigned int
gen_rps_open_loop(struct gen_worker *g, uint64_t now)
{
	uint64_t due;
	unsigned int work = 0;

	/*
	 * Request 0 is due when every connection is open (or a second into
	 * the run, if some never open): requests due while the connections
	 * were still opening would wait for them and show the handshakes in
	 * the latencies as a backlog that takes the surplus rate to clear.
	 */
	if (g->t0 == 0) {
		if ((g->active < g->target || g->handshakes > 0) &&
		    now - g->run_tsc < rte_get_tsc_hz())
			return 0;
		g->t0 = now;
	}
	due = gen_due(g, now);
	while (g->scheduled < due && g->n_ready > 0 && work < GEN_SEND_BUDGET) {
		uint32_t slot = g->ready[--g->n_ready];
		struct tt_conn *c = g->conns[slot];
		struct gen_conn *x;

		if (c == NULL)
			continue;
		x = tt_conn_ctx(c);
		if (!(x->flags & GC_ESTABLISHED) || (x->flags & GC_SHUT) ||
		    x->inflight >= g->o->pipeline)
			continue;
		if (gen_send_requests(g, c, x, 1, gen_due_time(g, g->scheduled)) != 0)
			tt_abort(c);
		g->scheduled++;
		work++;
	}
	return work;
}

unsigned int
gen_poll(struct tt_worker *w, void *arg)
{
	struct gen_worker *g = arg;
	const struct gen_opts *o = g->o;
	uint32_t phase = *g->phase;
	unsigned int work = 0;
	uint64_t now;

	(void)w;
	if (unlikely(phase != g->seen_phase))
		gen_enter_phase(g, phase);
	if (phase == GEN_PH_DRAIN)
		return gen_drain_some(g);
	/* Warm-up: --warmup connections, one after the other. */
	if (phase == GEN_PH_WARMUP && g->warm >= 0 && g->active == 0 &&
	    g->warm_done < g->o->warm_conns) {
		if (gen_open(g, rte_rdtsc(), GC_WARM) != 0)
			g->warm = -1;
		return 1;
	}
	if (phase != GEN_PH_RUN)
		return 0;
	/*
	 * A closed loop with every connection open has nothing to start: most
	 * iterations under load. Return before reading the TSC, which costs
	 * tens of cycles.
	 */
	if (o->rate == 0 && g->active >= g->target)
		return 0;
	now = rte_rdtsc();
	if (o->mode == GEN_CPS || (o->mode == GEN_HOLD && o->rate != 0)) {
		if (o->rate == 0) {
			while (g->active < g->target && work < GEN_OPEN_BUDGET &&
			       gen_open(g, now, 0) == 0)
				work++;
			return work;
		}
		/* Open loop: a due operation waits while --concurrency are in flight. */
		while (g->scheduled < gen_due(g, now) && g->active < g->target &&
		       work < GEN_OPEN_BUDGET) {
			gen_open(g, gen_due_time(g, g->scheduled), 0);
			g->scheduled++;
			work++;
		}
		return work;
	}
	/* rps, bulk, hold: keep --concurrency connections open. */
	while (g->active < g->target && work < GEN_OPEN_BUDGET &&
	       (o->mode != GEN_HOLD || g->handshakes < 1024) && gen_open(g, now, 0) == 0)
		work++;
	if (o->mode == GEN_RPS && o->rate != 0)
		work += gen_rps_open_loop(g, now);
	return work;
}

int
gen_worker_init(struct gen_worker *g, struct tt_worker *w, const struct gen_opts *o,
		const volatile uint32_t *phase, unsigned int id, unsigned int n_workers)
{
	uint64_t rate;
	uint32_t i;

	g->w = w;
	g->o = o;
	g->phase = phase;
	g->id = id;
	g->seen_phase = GEN_PH_IDLE;
	g->ns_per_tsc = 1e9 / (double)rte_get_tsc_hz();
	/* Worker i takes an equal share of the concurrency and of the rate. */
	g->target = o->concurrency / n_workers + (id < o->concurrency % n_workers);
	rate = o->rate / n_workers + (id < o->rate % n_workers);
	g->tsc_per_op = rate > 0 ? (double)rte_get_tsc_hz() / (double)rate : 1e30;
	tt_histo_reset(&g->lat);
	/* One spare slot for the warm-up connection. */
	g->n_slots = g->target + 1;
	g->conns = calloc(g->n_slots, sizeof(*g->conns));
	g->ts = calloc((size_t)g->n_slots * o->pipeline, sizeof(*g->ts));
	g->free_slots = calloc(g->n_slots, sizeof(*g->free_slots));
	g->ready_cap = g->n_slots * o->pipeline;
	g->ready = calloc(g->ready_cap, sizeof(*g->ready));
	if (g->conns == NULL || g->ts == NULL || g->free_slots == NULL || g->ready == NULL) {
		gen_worker_fini(g);
		return -ENOMEM;
	}
	for (i = 0; i < g->n_slots; i++)
		g->free_slots[i] = g->n_slots - 1 - i;
	g->n_free = g->n_slots;
	for (i = 0; i < sizeof(bulk_pattern); i++)
		bulk_pattern[i] = (uint8_t)('a' + i % 26);
	w->app_poll = gen_poll;
	w->app_arg = g;
	return 0;
}

int
gen_build_request(struct gen_opts *o, const char *host)
{
	char one[1024];
	uint32_t i;
	int n;

	if (o->payload == GEN_HTTP) {
		n = snprintf(one, sizeof(one), "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", o->path, host,
			     o->mode == GEN_CPS ? "Connection: close\r\n" : "");
		if (n < 0 || (size_t)n >= sizeof(one))
			return -EINVAL;
		o->req_len = (uint32_t)n;
	} else {
		o->req_len = o->size;
	}
	o->reqbuf = malloc((size_t)o->req_len * o->pipeline);
	if (o->reqbuf == NULL)
		return -ENOMEM;
	for (i = 0; i < o->pipeline; i++) {
		char *p = o->reqbuf + (size_t)i * o->req_len;
		uint32_t k;

		if (o->payload == GEN_HTTP) {
			memcpy(p, one, o->req_len);
			continue;
		}
		for (k = 0; k < o->req_len; k++)
			p[k] = (char)('a' + k % 26);
	}
	return 0;
}

void
gen_worker_fini(struct gen_worker *g)
{
	free(g->conns);
	free(g->ts);
	free(g->free_slots);
	free(g->ready);
	g->conns = NULL;
	g->ts = NULL;
	g->free_slots = NULL;
	g->ready = NULL;
}
