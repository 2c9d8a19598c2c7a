/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * SYN cookies, RFC 4987 §3.6 (after FreeBSD's tcp_syncache.c and Linux's
 * syncookies.c): when a listener's backlog is full, or always with
 * `syn_cookies = always`, a SYN is answered with a SYN-ACK whose ISN
 * encodes what the connection needs, and no state is kept. The ACK that
 * completes the handshake returns ISN + 1; if the cookie in it checks out,
 * the TCB is built then.
 *
 * The cookie (32 bits); the SYN-ACK's ISN is the cookie plus the peer's
 * ISN, as in Linux, so each connection's ISS is unpredictable to others
 * and an ACK whose SEQ - 1 is not the SYN's ISN decodes to other fields,
 * which fail the MAC:
 *
 *    31    29 28    26 25                                          0
 *   +--------+--------+---------------------------------------------+
 *   | count  |  mssi  |                 MAC (26 bits)               |
 *   +--------+--------+---------------------------------------------+
 *
 *   count  the time counter C = now_ms / 64000 (TT_SYNCOOKIE_PERIOD_MS),
 *          modulo 8. On return, age = (C_now - count) mod 8; a cookie is
 *          valid for age 0..2 (TT_SYNCOOKIE_MAX_AGE: made in this period
 *          or one of the two before, so 128 to 192 s); the full counter is
 *          rebuilt as C_now - age and goes into the MAC, so a cookie
 *          eight periods old does not pass for a new one.
 *   mssi   index into tt_syncookie_mss[]: the largest entry not above the
 *          MSS we may send (the peer's option capped by our MTU).
 *   MAC    the low 26 bits of tt_prf() (AES-128, or SipHash-2-4 on CPUs
 *          without AES), keyed with the secret of the counter's
 *          generation, of the 16-byte block
 *              4-tuple (12 bytes, flow-key order) |
 *              counter << 9 | ts_bits << 3 | mssi (4, little-endian)
 *          so each field above, the full counter (mod 2^23: 17 years of
 *          periods, while a secret lives two) and the options in the TSval
 *          are authenticated, and the peer's ISN through the sum: a blind
 *          forger has a 2^-26 chance per guess.
 *
 * Secrets: generation G = now_ms / 128000 (TT_SYNCOOKIE_ROTATE_MS, two
 * counter periods); key[G & 1] is G's secret. Entering a new generation
 * draws a fresh secret into the slot of G - 2 and keeps G - 1's, so a
 * cookie from the previous generation still validates; one from two
 * generations ago is gone with its secret (and is older than the maximum
 * age anyway: both rules reject it). A cookie's generation is its full
 * counter / 2, so no bit of the ISN is spent on it.
 *
 * The TSval (RFC 7323, when the SYN carried timestamps), as Linux does:
 *
 *      5     4     3         0
 *   +-----+-----+-------------+
 *   |  1  | sack|   wscale    |     the low 6 bits of our TSval
 *   +-----+-----+-------------+
 *
 *   bit 5 is always set, so ts_bits == 0 means "no timestamps" and then
 *   neither window scaling nor SACK survive the cookie (the peer's shift
 *   and SACK-permitted are lost, as in Linux). wscale 15 = no option.
 *   The SYN-ACK sends TSval = (clock & ~0x3f) | ts_bits, 64 less if that
 *   is ahead of the clock (Linux's rule: our TSvals never go backwards),
 *   where clock is the connection's (now_ms + tcp_ts_offset() of the
 *   4-tuple), the one its TCB will go on with. The peer echoes it in the
 *   ACK's TSecr, which tt_syncookie_decode() takes. When timestamps are
 *   not both configured and offered, the SYN-ACK carries the MSS option
 *   only (neither WS nor SACK-permitted could be remembered).
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_random.h>

#include "tt_prf.h"
#include "tt_syncookie.h"
#include "tt_tcp.h"

#define COUNT_SHIFT 29
#define COUNT_MASK 0x7u
#define MSSI_SHIFT 26
#define MSSI_MASK 0x7u
#define MAC_MASK ((1u << MSSI_SHIFT) - 1)
#define TS_ON 0x20u
#define TS_SACK 0x10u
#define TS_WSCALE_MASK 0x0fu

/* 88 is TT_MIN_MSS, so every MSS tcpterm may use has an entry not above it. */
const uint16_t tt_syncookie_mss[TT_SYNCOOKIE_N_MSS] = {
	88, 536, 1220, 1360, 1440, 1452, 1460, 8960
};

static void
secret_draw(struct tt_prf_key *k)
{
	uint64_t secret[2] = { rte_rand(), rte_rand() };

	tt_prf_set_key(k, secret);
}

void
tt_syncookie_init(struct tt_syncookie *sc, uint64_t now_ms)
{
	memset(sc, 0, sizeof(*sc));
	secret_draw(&sc->key[0]);
	secret_draw(&sc->key[1]);
	sc->gen = now_ms / TT_SYNCOOKIE_ROTATE_MS;
}

void
tt_syncookie_rotate(struct tt_syncookie *sc, uint64_t now_ms)
{
	uint64_t g = now_ms / TT_SYNCOOKIE_ROTATE_MS;

	if (likely(g <= sc->gen))
		return;
	secret_draw(&sc->key[g & 1]);
	if (g > sc->gen + 1)
		secret_draw(&sc->key[(g - 1) & 1]);	/* nothing made in g - 1 */
	sc->gen = g;
}

/*
 * The cookie before the peer's ISN is added: count, mssi and the MAC of
 * the 4-tuple with count << 9 | ts_bits << 3 | mssi. With @p ts_key, also
 * *ts_offset, tcp_ts_offset() of the 4-tuple under that key (the worker's
 * ISN key), computed beside the MAC: the two do not wait on each other.
 */
static inline uint32_t
cookie_make(const struct tt_prf_key *secret, const struct tt_flow_key *key, uint64_t count,
	    uint32_t mssi, uint32_t ts_bits, const struct tt_prf_key *ts_key, uint32_t *ts_offset)
{
	uint32_t word = (uint32_t)count << 9 | ts_bits << 3 | mssi;
	uint64_t mac, flow;

	if (ts_key != NULL) {
		mac = tt_prf2(secret, word, ts_key, 0, key, &flow);
		*ts_offset = (uint32_t)(flow >> 32);
	} else {
		mac = tt_prf(secret, key, word);
	}
	return (uint32_t)(count & COUNT_MASK) << COUNT_SHIFT | mssi << MSSI_SHIFT |
	       ((uint32_t)mac & MAC_MASK);
}

uint32_t
tt_syncookie_encode(struct tt_syncookie *sc, uint64_t now_ms, const struct tt_flow_key *key,
		    uint32_t peer_isn, const struct tt_syncookie_opts *o, uint32_t *ts_bits,
		    const struct tt_prf_key *ts_key, uint32_t *ts_offset)
{
	uint64_t count = now_ms / TT_SYNCOOKIE_PERIOD_MS;
	uint64_t gen = count / TT_SYNCOOKIE_ROTATE_PERIODS;
	uint32_t mssi;
	uint32_t tsb = 0;

	tt_syncookie_rotate(sc, now_ms);
	/* The largest entry not above the MSS, from the top: most SYNs offer 1460. */
	for (mssi = TT_SYNCOOKIE_N_MSS - 1; mssi > 0 && tt_syncookie_mss[mssi] > o->mss; mssi--)
		;
	if (o->ts_ok)
		tsb = TS_ON | (o->sack_ok ? TS_SACK : 0) |
		      (RTE_MIN(o->wscale, (uint8_t)TT_SYNCOOKIE_WSCALE_NONE) & TS_WSCALE_MASK);
	*ts_bits = tsb;
	return cookie_make(&sc->key[gen & 1], key, count, mssi, tsb, ts_key, ts_offset) + peer_isn;
}

int
tt_syncookie_decode(struct tt_syncookie *sc, uint64_t now_ms, const struct tt_flow_key *key,
		    uint32_t peer_isn, uint32_t iss, const uint32_t *tsecr,
		    struct tt_syncookie_opts *o)
{
	uint32_t cookie = iss - peer_isn;
	uint64_t now_count = now_ms / TT_SYNCOOKIE_PERIOD_MS;
	uint32_t age = (uint32_t)(now_count - (cookie >> COUNT_SHIFT)) & COUNT_MASK;
	uint32_t mssi = (cookie >> MSSI_SHIFT) & MSSI_MASK;
	uint32_t tsb = tsecr != NULL ? *tsecr & TT_SYNCOOKIE_TS_MASK : 0;
	uint64_t count, gen;

	if (!(tsb & TS_ON))
		tsb = 0;	/* a TSecr that echoes no cookie TSval: an MSS-only cookie */

	tt_syncookie_rotate(sc, now_ms);
	if (age > TT_SYNCOOKIE_MAX_AGE || age > now_count)
		return -ETIMEDOUT;
	count = now_count - age;
	gen = count / TT_SYNCOOKIE_ROTATE_PERIODS;
	if (gen != sc->gen && gen + 1 != sc->gen)
		return -ETIMEDOUT;		/* its secret is gone */
	if (cookie_make(&sc->key[gen & 1], key, count, mssi, tsb, NULL, NULL) != cookie)
		return -EINVAL;
	o->mss = tt_syncookie_mss[mssi];
	o->ts_ok = (tsb & TS_ON) != 0;
	o->sack_ok = o->ts_ok && (tsb & TS_SACK) != 0;
	o->wscale = o->ts_ok ? (uint8_t)(tsb & TS_WSCALE_MASK) : TT_SYNCOOKIE_WSCALE_NONE;
	return 0;
}

/* The window a cookie SYN-ACK offers, and the one its TCB starts with. */
uint16_t
tcp_syncookie_window(const struct tt_worker *w)
{
	return (uint16_t)RTE_MIN(w->cfg->tcp.rcv_window, (uint32_t)TT_MAX_WIN);
}

void
tcp_syncookie_send(struct tt_worker *w, struct tt_seg *s, uint16_t mss)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;
	bool ts = cfg->timestamps && (s->opts & TT_SOPT_TS);
	struct tt_syncookie_opts o = {
		.mss = mss,
		.wscale = ts && cfg->window_scaling && (s->opts & TT_SOPT_WS) ?
			  s->wscale : TT_SYNCOOKIE_WSCALE_NONE,
		.sack_ok = ts && cfg->sack && (s->opts & TT_SOPT_SACKOK),
		.ts_ok = ts,
	};
	struct tt_opts opts;
	uint32_t ts_bits, ts_offset = 0, tsval = 0;
	uint32_t iss = tt_syncookie_encode(&w->syncookie, w->now_ms, &s->key, s->seq, &o, &ts_bits,
					   ts ? &w->isn_key : NULL, &ts_offset);

	if (ts) {
		uint32_t clock = (uint32_t)w->now_ms + ts_offset;	/* tcp_ts_offset() */

		tsval = (clock & ~TT_SYNCOOKIE_TS_MASK) | ts_bits;
		if (seq_gt(tsval, clock))
			tsval -= TT_SYNCOOKIE_TS_MASK + 1;
	}
	tcp_opts_build_syn(w, s->port, o.wscale != TT_SYNCOOKIE_WSCALE_NONE, ts, o.sack_ok,
			   tsval, s->ts_val, &opts);
	TT_STAT_INC(w, syncookies_sent);
	w->syncookie.valid_until_ms = w->now_ms +
		(uint64_t)(TT_SYNCOOKIE_MAX_AGE + 1) * TT_SYNCOOKIE_PERIOD_MS;
	/* The SYN's own mbuf carries the SYN-ACK: no state, and no allocation either. */
	tcp_reply_opts(w, s, iss, s->seq + 1, TT_TH_SYN | TT_TH_ACK, tcp_syncookie_window(w),
		       &opts);
}

int
tcp_syncookie_check(struct tt_worker *w, const struct tt_seg *s, const uint32_t *tsecr,
		    struct tt_syncookie_opts *o)
{
	/* Like Linux, look for cookies only while some may be out there. */
	if (w->cfg->tcp.syn_cookies == TT_SYNCOOKIES_OFF || w->now_ms >= w->syncookie.valid_until_ms)
		return -ENOENT;
	return tt_syncookie_decode(&w->syncookie, w->now_ms, &s->key, s->seq - 1, s->ack - 1,
				   tsecr, o);
}
