/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * TCP options: decoding into struct tt_seg (STYLE habit 1), negotiation on
 * the SYN (RFC 7323 window scale and timestamps, RFC 2018 SACK-permitted)
 * and the option block of each segment we send.
 *
 * Layout, padded with NOPs to 32-bit words as Linux does:
 *   SYN:   MSS(4) [SACKOK(2) TS(10) | NOP NOP TS(10) | NOP NOP SACKOK(2)] [NOP WS(3)]
 *          at most 20 bytes;
 *   other: [NOP NOP TS(10)] [NOP NOP SACK(2 + 8n)], n <= 3 with timestamps,
 *          n <= 4 without: at most 40 bytes.
 */

#include <string.h>

#include "tt_tcp.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACKOK 4
#define OPT_SACK 5
#define OPT_TS 8

/* Parse the option list; unknown options are skipped by length, malformed ones fail. */
/* A 32-bit field at any alignment (options sit at odd offsets). */
static inline uint32_t
be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

int
tcp_parse_options(const uint8_t *opt, uint32_t len, struct tt_seg *s)
{
	uint32_t i = 0;

	/*
	 * The two layouts nearly every segment has, Linux's and ours (see the
	 * top of this file), decoded at once; they mean what the loop below
	 * would make of them. After the handshake: NOP NOP TS.
	 */
	if (len == 12 && be32_at(opt) == 0x0101080a) {
		s->opts |= TT_SOPT_TS;
		s->ts_val = be32_at(opt + 4);
		s->ts_ecr = be32_at(opt + 8);
		return 0;
	}
	/* A SYN's: MSS SACKOK TS NOP WS. */
	if (len == 20 && (s->flags & TT_TH_SYN) && (be32_at(opt) >> 16) == 0x0204 &&
	    be32_at(opt + 4) == 0x0402080a && (be32_at(opt + 16) >> 8) == 0x010303) {
		s->mss = (uint16_t)((opt[2] << 8) | opt[3]);
		s->opts |= TT_SOPT_SACKOK | TT_SOPT_TS | TT_SOPT_WS;
		s->ts_val = be32_at(opt + 8);
		s->ts_ecr = be32_at(opt + 12);
		s->wscale = RTE_MIN(opt[19], (uint8_t)TT_MAX_WSCALE);
		return 0;
	}
	while (i < len) {
		uint8_t kind = opt[i];
		uint8_t olen;

		if (kind == OPT_EOL)
			break;
		if (kind == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return -1;
		switch (kind) {
		case OPT_MSS:
			if (olen != 4)
				return -1;
			if (s->flags & TT_TH_SYN)
				s->mss = (uint16_t)((opt[i + 2] << 8) | opt[i + 3]);
			break;
		case OPT_WS:
			if (olen != 3)
				return -1;
			if (s->flags & TT_TH_SYN) {	/* RFC 7323 §2.2: ignored elsewhere */
				s->opts |= TT_SOPT_WS;
				s->wscale = RTE_MIN(opt[i + 2], (uint8_t)TT_MAX_WSCALE);
			}
			break;
		case OPT_SACKOK:
			if (olen != 2)
				return -1;
			if (s->flags & TT_TH_SYN)
				s->opts |= TT_SOPT_SACKOK;
			break;
		case OPT_TS:
			if (olen != 10)
				return -1;
			s->opts |= TT_SOPT_TS;
			s->ts_val = be32_at(opt + i + 2);
			s->ts_ecr = be32_at(opt + i + 6);
			break;
		case OPT_SACK: {
			uint32_t n = (olen - 2u) / 8, k;

			if (olen < 10 || (olen - 2u) % 8 != 0 || n > RTE_DIM(s->sack))
				return -1;
			for (k = 0; k < n; k++) {
				const uint8_t *b = opt + i + 2 + 8 * k;

				s->sack[k].l = be32_at(b);
				s->sack[k].r = be32_at(b + 4);
			}
			s->nsack = (uint8_t)n;
			break;
		}
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/* RFC 7323 §2.3: the smallest shift that lets the field express the configured window. */
uint8_t
tcp_rcv_wscale(const struct tt_tcp_cfg *cfg)
{
	/* window >> shift <= 0xffff: shift = floor(log2(window)) - 15, in one count of zeros. */
	if (cfg->rcv_window <= TT_MAX_WIN)
		return 0;
	return (uint8_t)RTE_MIN(16u - (uint32_t)__builtin_clz(cfg->rcv_window),
				(uint32_t)TT_MAX_WSCALE);
}

/*
 * Put the options of a handshake in use on @p t: the peer's shift @p wscale
 * when @p ws, timestamps with TS.Recent = @p ts_val when @p ts, SACK when
 * @p sack. Each must already be both configured and offered by the peer.
 */
static void
opts_apply(struct tt_worker *w, struct tt_tcb *t, bool ws, uint8_t wscale, bool ts,
	   uint32_t ts_val, bool sack)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;

	t->flags &= ~(TT_TF_WSCALE | TT_TF_TS | TT_TF_SACK);
	t->snd_wscale = 0;
	t->rcv_wscale = 0;
	if (ws) {
		t->flags |= TT_TF_WSCALE;
		t->snd_wscale = wscale;
		t->rcv_wscale = tcp_rcv_wscale(cfg);
	}
	if (ts) {
		t->flags |= TT_TF_TS;
		t->ts_recent = ts_val;
		t->ts_recent_ms = (uint32_t)w->now_ms;
		/* RFC 6691: the 12 option bytes in every segment come out of the MSS. */
		t->mss = (uint16_t)RTE_MAX((uint32_t)t->mss - 12, (uint32_t)TT_MIN_MSS);
	}
	if (sack)
		t->flags |= TT_TF_SACK;
}

/*
 * The peer's SYN (passive open) or SYN-ACK (active open): an option is in
 * use when it is configured and the peer sent it (our own SYN offered
 * everything configured).
 */
void
tcp_opts_negotiate(struct tt_worker *w, struct tt_tcb *t, const struct tt_seg *s)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;

	opts_apply(w, t, cfg->window_scaling && (s->opts & TT_SOPT_WS), s->wscale,
		   cfg->timestamps && (s->opts & TT_SOPT_TS), s->ts_val,
		   cfg->sack && (s->opts & TT_SOPT_SACKOK));
}

/*
 * The SYN a cookie stood for (tt_syncookie.h): what it remembers, which is
 * nothing but the MSS unless timestamps were on (then @p s, the completing
 * ACK, carries them and its TSval is TS.Recent).
 */
void
tcp_opts_cookie(struct tt_worker *w, struct tt_tcb *t, const struct tt_syncookie_opts *o,
		const struct tt_seg *s)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;
	bool ts = o->ts_ok && cfg->timestamps && (s->opts & TT_SOPT_TS);

	opts_apply(w, t, ts && cfg->window_scaling && o->wscale != TT_SYNCOOKIE_WSCALE_NONE,
		   (uint8_t)RTE_MIN(o->wscale, (uint8_t)TT_MAX_WSCALE), ts, s->ts_val,
		   ts && cfg->sack && o->sack_ok);
}

/* Append the word of the bytes @p b0 .. @p b3, in that order on the wire. */
static inline void
opt_word(struct tt_opts *o, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	const uint8_t b[4] = { b0, b1, b2, b3 };
	uint32_t v;

	memcpy(&v, b, 4);
	o->w[o->len / 4] = v;
	o->sum += v;
	o->len += 4;
}

/* Append the 32-bit value @p val (host order) as a word. */
static inline void
opt_be32(struct tt_opts *o, uint32_t val)
{
	uint32_t v = rte_cpu_to_be_32(val);

	o->w[o->len / 4] = v;
	o->sum += v;
	o->len += 4;
}

/* NOP, NOP, TS into @p o: the timestamps of any segment but a SYN, 12 bytes. */
void
tcp_opts_build_ts(struct tt_opts *o, uint32_t ts_val, uint32_t ts_ecr)
{
	o->len = 0;
	o->sum = 0;
	opt_word(o, OPT_NOP, OPT_NOP, OPT_TS, 10);
	opt_be32(o, ts_val);
	opt_be32(o, ts_ecr);
}

/*
 * The options of a SYN or SYN-ACK sent on @p port into @p o: our
 * MSS, then what @p ws, @p ts and @p sack ask for (TS carrying @p ts_val,
 * @p ts_ecr). Used for a TCB's SYN and for a cookie's SYN-ACK, which has
 * none. At most 20 bytes.
 */
void
tcp_opts_build_syn(struct tt_worker *w, uint8_t port, bool ws, bool ts, bool sack,
		   uint32_t ts_val, uint32_t ts_ecr, struct tt_opts *o)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;
	uint16_t mss = RTE_MIN(cfg->mss, (uint16_t)(w->ports[port].mtu - 40));

	o->len = 0;
	o->sum = 0;
	opt_word(o, OPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss);
	if (ts) {
		if (sack)
			opt_word(o, OPT_SACKOK, 2, OPT_TS, 10);
		else
			opt_word(o, OPT_NOP, OPT_NOP, OPT_TS, 10);
		opt_be32(o, ts_val);
		opt_be32(o, ts_ecr);
	} else if (sack) {
		opt_word(o, OPT_NOP, OPT_NOP, OPT_SACKOK, 2);
	}
	if (ws)
		opt_word(o, OPT_NOP, OPT_WS, 3, tcp_rcv_wscale(cfg));
}

/*
 * The options of a segment with @p flags and @p len payload bytes into @p o.
 * SACK blocks go only where they fit beside the payload within the MSS.
 */
void
tcp_opts_build(struct tt_worker *w, struct tt_tcb *t, uint8_t flags, uint32_t len,
	       struct tt_opts *o)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;
	struct tt_sack_blk b[4];
	uint32_t nb, max, k;

	if (flags & TT_TH_SYN) {
		/* Our SYN of an active open offers what is configured; a SYN-ACK answers. */
		bool offer = t->state == TT_SYN_SENT;
		bool ws = offer ? cfg->window_scaling : (t->flags & TT_TF_WSCALE) != 0;
		bool ts = offer ? cfg->timestamps : (t->flags & TT_TF_TS) != 0;
		bool sack = offer ? cfg->sack : (t->flags & TT_TF_SACK) != 0;

		tcp_opts_build_syn(w, t->port, ws, ts, sack, tcp_ts_now(w, t),
				   (t->flags & TT_TF_TS) ? t->ts_recent : 0, o);
		return;
	}
	if (t->flags & TT_TF_TS) {
		tcp_opts_build_ts(o, tcp_ts_now(w, t), t->ts_recent);
	} else {
		o->len = 0;
		o->sum = 0;
	}
	if (!(t->flags & TT_TF_SACK) || !(flags & TT_TH_ACK))
		return;
	max = (t->flags & TT_TF_TS) ? 3 : 4;
	if (len > 0)
		max = RTE_MIN(max, len + 4 >= (uint32_t)t->mss ? 0 : ((uint32_t)t->mss - len - 4) / 8);
	nb = max > 0 ? sack_rcv_blocks(t, b, max) : 0;
	if (nb == 0)
		return;
	opt_word(o, OPT_NOP, OPT_NOP, OPT_SACK, (uint8_t)(2 + 8 * nb));
	for (k = 0; k < nb; k++) {
		opt_be32(o, b[k].l);
		opt_be32(o, b[k].r);
	}
}
