/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Segment arrival, RFC 9293 §3.10.7. A segment is decoded once into a
 * struct tt_seg (tcp_decode); then, for a connection, the steps run in the
 * RFC's order, one function each: check sequence, check RST, check SYN,
 * check ACK, process data, check FIN.
 */

#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tt_net.h"
#include "tt_tcp.h"

/*
 * Out-of-order mbufs held per connection: buffers for twice the window we
 * can announce (as Linux sizes its receive buffer against truesize, not
 * payload), so a peer sending runts pins no more buffers than one sending
 * full segments. All reassembly queues of a worker together hold at most a
 * quarter of its pool, so a few such peers cannot starve the others' RX.
 */
static inline bool
ooo_room(const struct tt_worker *w, const struct tt_tcb *t)
{
	uint32_t win = RTE_MIN(w->cfg->tcp.rcv_window, (uint32_t)TT_MAX_WIN << t->rcv_wscale);
	uint32_t per_conn = 2u * (win / RTE_MBUF_DEFAULT_DATAROOM) + 16u;

	return tcb_ooo_segs(t) < RTE_MIN(per_conn, (uint32_t)UINT16_MAX) &&
	       w->ooo_mbufs < w->cfg->limits.mbufs / 4;
}	/* out-of-order mbufs held per connection */
#define PAWS_IDLE_MS (24u * 24 * 3600 * 1000)	/* RFC 7323 §5.5: TS.Recent expires */

enum step { STEP_CONTINUE, STEP_DROP, STEP_ACK_ONLY };

static void tcp_input_conn(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s);

/* Validate and decode; on success @p m's data starts at the payload. */
int
tcp_decode(struct tt_worker *w, struct rte_mbuf *m, uint8_t port, uint32_t l3_off,
	   struct tt_seg *s)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
								l3_off);
	uint32_t l4_off = l3_off + rte_ipv4_hdr_len(ip);
	uint32_t l4_len = rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip);
	const struct rte_tcp_hdr *th;
	uint32_t thlen;

	if (unlikely(l4_len < sizeof(*th) || rte_pktmbuf_data_len(m) < l4_off + sizeof(*th))) {
		TT_DROP(w, tcp_short);
		goto drop;
	}
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, l4_off);
	thlen = (uint32_t)(th->data_off >> 4) * 4;
	if (unlikely(thlen < sizeof(*th) || thlen > l4_len ||
		     rte_pktmbuf_data_len(m) < l4_off + thlen)) {
		TT_DROP(w, tcp_hdr_len);
		goto drop;
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) != RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	    unlikely(tt_l4_sum(m, ip, l4_off) != 0xffff)) {
		TT_DROP(w, tcp_cksum);
		goto drop;
	}
	if (unlikely(th->src_port == 0 || th->dst_port == 0)) {
		TT_DROP(w, tcp_bad_port);
		goto drop;
	}
	s->flags = th->tcp_flags & 0x3f;
	if (unlikely((s->flags & TT_TH_SYN) && (s->flags & (TT_TH_FIN | TT_TH_RST)))) {
		TT_DROP(w, tcp_bad_flags);
		goto drop;
	}
	s->mss = 0;
	s->opts = 0;
	s->wscale = 0;
	s->nsack = 0;
	if (thlen > sizeof(*th) &&
	    unlikely(tcp_parse_options((const uint8_t *)(th + 1), thlen - sizeof(*th), s) != 0)) {
		TT_DROP(w, tcp_bad_options);
		goto drop;
	}
	s->key.raddr = ip->src_addr;
	s->key.laddr = ip->dst_addr;
	s->key.rport = th->src_port;
	s->key.lport = th->dst_port;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->wnd = rte_be_to_cpu_16(th->rx_win);
	s->len = l4_len - thlen;
	s->port = port;
	rte_pktmbuf_adj(m, (uint16_t)(l4_off + thlen));
	s->m = m;
	TT_STAT_INC(w, tcp_segs_rx);
	TT_STAT_ADD(w, tcp_payload_rx, s->len);
	return 0;
drop:
	rte_pktmbuf_free(m);
	return -1;
}

static const struct tt_listen_cfg *
listener_find(const struct tt_config *cfg, uint32_t laddr, uint16_t lport)
{
	unsigned int i;

	for (i = 0; i < cfg->n_listeners; i++) {
		const struct tt_listen_cfg *l = &cfg->listeners[i];

		if (l->port == lport && (l->addr == 0 || l->addr == laddr))
			return l;
	}
	return NULL;
}

/*
 * RFC 6691: the MSS we may send, from the peer's option and our MTU. A tiny
 * advertised MSS is raised to [tcp] min_mss (as FreeBSD's minmss and Linux's
 * tcp_min_snd_mss do) so that one response cannot become thousands of
 * segments; min_mss <= 536 <= MTU - 40, so the MTU still bounds it.
 */
static uint16_t
tcp_send_mss(const struct tt_worker *w, const struct tt_seg *s)
{
	uint32_t mss = s->mss != 0 ? s->mss : TT_DEFAULT_MSS;

	mss = RTE_MIN(mss, (uint32_t)w->ports[s->port].mtu - 40);
	return (uint16_t)RTE_MAX(mss, (uint32_t)w->cfg->tcp.min_mss);
}

/*
 * RFC 4987 §3.6: an ACK for no connection may complete a SYN-cookie
 * handshake. The TCB is rebuilt as the cookie's SYN-ACK would have left it
 * in SYN_RCVD (IRS = SEG.SEQ - 1, ISS = SEG.ACK - 1, the MSS from the
 * cookie, the window that SYN-ACK offered), then the ordinary steps take
 * it to ESTABLISHED, run on_accept and process any data or FIN the segment
 * carries, as Linux does with the child socket of a cookie.
 * @return false when the segment is no cookie's business (the caller resets).
 */
static bool
tcp_listen_cookie_ack(struct tt_worker *w, struct tt_seg *s, const struct tt_listen_cfg *lst)
{
	struct tt_syncookie_opts o;
	struct tt_tcb *t;
	int rc;

	if (s->flags & TT_TH_SYN)
		return false;
	rc = tcp_syncookie_check(w, s, w->cfg->tcp.timestamps && (s->opts & TT_SOPT_TS) ?
				 &s->ts_ecr : NULL, &o);
	if (rc == -ENOENT)
		return false;
	if (rc != 0) {
		TT_DROP(w, syncookies_failed);
		tcp_respond(w, s->port, &s->key, s->ack, 0, TT_TH_RST, 0);
		return true;
	}
	t = tcb_alloc(w, &s->key, s->port);
	if (t == NULL)
		return true;		/* counted; the peer's retransmission may find room */
	TT_STAT_INC(w, syncookies_ok);
	t->lidx = (uint8_t)(lst - w->cfg->listeners);
	t->rcv.nxt = s->seq;
	t->rcv.adv = s->seq + tcp_syncookie_window(w);
	t->mss = (uint16_t)RTE_MIN((uint32_t)o.mss, (uint32_t)w->ports[s->port].mtu - 40);
	tcp_opts_cookie(w, t, &o, s);
	tcb_init_send_iss(w, t, s->ack - 1);
	t->last_ack_sent = s->seq;	/* the SYN-ACK's ACK: TS.Recent is this TSval */
	t->snd.nxt = t->snd.max = s->ack;	/* our SYN went out */
	t->snd.wl1 = s->seq - 1;
	tcb_set_state(w, t, TT_SYN_RCVD);
	tcp_input_conn(w, t, s);
	return true;
}

/*
 * A SYN to a listener: a TCB in SYN_RCVD while the listener's backlog has
 * room on this worker; beyond it (or always) a cookie and no state, or
 * with syn_cookies = off a counted drop.
 */
static void
tcp_listen_syn(struct tt_worker *w, struct tt_seg *s, const struct tt_listen_cfg *lst)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;
	unsigned int lidx = (unsigned int)(lst - w->cfg->listeners);
	struct tt_tcb *t;

	if (unlikely(cfg->syn_cookies == TT_SYNCOOKIES_ALWAYS ||
		     w->syn_backlog[lidx] >= cfg->backlog)) {
		if (cfg->syn_cookies == TT_SYNCOOKIES_OFF) {
			TT_DROP(w, syn_backlog_full);
			return;
		}
		if (s->len > 0)
			TT_DROP(w, tcp_syn_data);	/* not acknowledged: sent again */
		tcp_syncookie_send(w, s, tcp_send_mss(w, s));
		return;
	}
	t = tcb_alloc(w, &s->key, s->port);
	if (t == NULL)
		return;
	if (s->len > 0)
		TT_DROP(w, tcp_syn_data);	/* not acknowledged: the peer sends it again */
	t->lidx = (uint8_t)lidx;
	t->rcv.nxt = s->seq + 1;
	t->rcv.adv = t->rcv.nxt;
	t->mss = tcp_send_mss(w, s);
	tcp_opts_negotiate(w, t, s);
	tcb_init_send(w, t);
	t->snd.wnd = s->wnd;
	t->snd.max_wnd = s->wnd;
	t->snd.wl1 = s->seq;
	tcb_set_state(w, t, TT_SYN_RCVD);
	tcb_backlog_add(w, t, lidx);
	TT_STAT_INC(w, conn_syn_rcvd);
	t->flags |= TT_TF_BUSY;
	tcp_output(w, t);
	tcb_unbusy(w, t);
}

/* RFC 9293 §3.10.7.1-2: a segment for no connection, LISTEN or CLOSED. */
static void
tcp_input_listen(struct tt_worker *w, struct tt_seg *s)
{
	const struct tt_listen_cfg *lst;

	lst = listener_find(w->cfg, s->key.laddr, rte_be_to_cpu_16(s->key.lport));
	if (lst == NULL) {
		/* CLOSED: everything but a RST draws a RST. */
		TT_DROP(w, tcp_no_listener);
		tcp_reply_rst(w, s);
		return;
	}
	if (s->flags & TT_TH_RST) {
		TT_DROP(w, tcp_listen_noise);
		return;
	}
	if (s->flags & TT_TH_ACK) {
		if (tcp_listen_cookie_ack(w, s, lst))
			return;
		TT_DROP(w, tcp_listen_noise);
		tcp_respond(w, s->port, &s->key, s->ack, 0, TT_TH_RST, 0);
		return;
	}
	if (!(s->flags & TT_TH_SYN)) {
		TT_DROP(w, tcp_listen_noise);
		return;
	}
	tcp_listen_syn(w, s, lst);
}

/*
 * The ACK a TIME_WAIT record sends, with timestamps if the connection used
 * them (RFC 7323 §3.2); a segment up to RCV.NXT with a newer TSval (the
 * peer's FIN again) moves TS.Recent as it would have in the TCB (§4.3).
 */
static void
tcp_time_wait_ack(struct tt_worker *w, struct tt_tw *tw, const struct tt_seg *s)
{
	struct tt_opts opts, *o = NULL;

	if (tw->flags & TT_TWF_TS) {
		if ((s->opts & TT_SOPT_TS) && !(s->flags & TT_TH_SYN) &&
		    seq_geq(s->ts_val, tw->ts_recent) && seq_leq(s->seq, tw->rcv_nxt))
			tw->ts_recent = s->ts_val;
		tcp_opts_build_ts(&opts, (uint32_t)w->now_ms + tcp_ts_offset(w, &tw->key),
				  tw->ts_recent);
		o = &opts;
	}
	tcp_respond_opts(w, tw->port, &tw->key, tw->snd_nxt, tw->rcv_nxt, TT_TH_ACK, tw->rcv_wnd, o);
}

/*
 * RFC 6191 §2: may a new SYN take over this TIME_WAIT tuple? When the old
 * connection used timestamps and the new one would (configured, offered),
 * a TSval newer than TS.Recent decides; otherwise (RFC 1122 §4.2.2.13) a
 * sequence number above the old RCV.NXT.
 */
static bool
time_wait_reusable(const struct tt_worker *w, const struct tt_tw *tw, const struct tt_seg *s)
{
	if ((tw->flags & TT_TWF_TS) && w->cfg->tcp.timestamps && (s->opts & TT_SOPT_TS))
		return seq_gt(s->ts_val, tw->ts_recent);
	return seq_gt(s->seq, tw->rcv_nxt);
}

/*
 * TIME_WAIT record: RFC 1337 ignores RST; RFC 6191 lets a new SYN with a
 * newer timestamp, or without timestamps a higher sequence number, reuse
 * the tuple; anything else (the peer's FIN again, chiefly, or an old SYN)
 * is answered with an ACK and a FIN restarts 2MSL.
 */
static void
tcp_input_time_wait(struct tt_worker *w, struct tt_tw *tw, struct tt_seg *s)
{
	if (s->flags & TT_TH_RST) {
		TT_DROP(w, tcp_rst_time_wait);
		return;
	}
	if ((s->flags & TT_TH_SYN) && !(s->flags & TT_TH_ACK) && time_wait_reusable(w, tw, s)) {
		TT_STAT_INC(w, time_wait_reused);
		tw_free(w, tw);
		tcp_input_listen(w, s);
		return;
	}
	if (s->flags & TT_TH_FIN) {
		TT_STAT_INC(w, time_wait_fin_acked);
		tw = tw_restart(w, tw);
	}
	tcp_time_wait_ack(w, tw, s);
}

/* RFC 5961 §7: challenge ACKs, at most [tcp] challenge_ack_limit per second and worker. */
static void
tcp_challenge_ack(struct tt_worker *w, struct tt_tcb *t)
{
	uint64_t sec = w->now_ms / 1000;

	if (sec != w->challenge_sec) {
		w->challenge_sec = sec;
		w->challenge_acks_sec = 0;
	}
	if (w->challenge_acks_sec >= w->cfg->tcp.challenge_ack_limit) {
		TT_DROP(w, challenge_ack_limit);
		return;
	}
	w->challenge_acks_sec++;
	TT_STAT_INC(w, challenge_acks);
	t->flags |= TT_TF_ACKNOW;
}

/*
 * First: check sequence number (RFC 9293 §3.10.7.4, the four-case table),
 * then trim the segment to the receive window.
 */
static enum step
step_check_seq(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s)
{
	uint32_t wnd = seq_gt(t->rcv.adv, t->rcv.nxt) ? t->rcv.adv - t->rcv.nxt : 0;
	uint32_t slen;
	bool ok;

	/*
	 * RFC 9293 §3.5 figure 8, simultaneous open: in SYN-RECEIVED the peer's
	 * own SYN-ACK <SEQ=IRS><ACK=ISS+1> completes the handshake as its ACK
	 * would (Linux does the same); its SYN is the one already taken.
	 */
	if (t->state == TT_SYN_RCVD && (t->flags & TT_TF_ACTIVE) &&
	    (s->flags & (TT_TH_SYN | TT_TH_ACK | TT_TH_FIN)) == (TT_TH_SYN | TT_TH_ACK) &&
	    s->len == 0 && s->seq == tcb_irs(t) && seq_gt(s->ack, t->snd.una) &&
	    seq_leq(s->ack, t->snd.max)) {
		s->flags &= ~TT_TH_SYN;
		s->seq++;
	}
	slen = seg_seqlen(s);
	if (slen == 0)
		ok = wnd == 0 ? s->seq == t->rcv.nxt : seq_in(s->seq, t->rcv.nxt, t->rcv.nxt + wnd);
	else
		ok = wnd != 0 && (seq_in(s->seq, t->rcv.nxt, t->rcv.nxt + wnd) ||
				  seq_in(s->seq + slen - 1, t->rcv.nxt, t->rcv.nxt + wnd));
	if (!ok) {
		/* A SYN_RCVD peer that lost our SYN-ACK sends its SYN again. */
		if (t->state == TT_SYN_RCVD && (s->flags & TT_TH_SYN) && s->seq == tcb_irs(t)) {
			t->snd.nxt = tcb_iss(t);
			return STEP_DROP;
		}
		TT_DROP(w, tcp_out_of_window);
		if (!(s->flags & TT_TH_RST))
			t->flags |= TT_TF_ACKNOW;
		/* RFC 2883: data wholly received before is reported as a D-SACK. */
		if (s->len > 0 && seq_leq(s->seq + s->len, t->rcv.nxt))
			sack_note_dup(t, s->seq, s->seq + s->len);
		/*
		 * RFC 9293 §3.10.7.4: with a zero window no segment is
		 * acceptable, "but special allowance should be made to accept
		 * valid ACKs". The same holds for a full window: a peer whose
		 * last segment up to our window's edge was lost sends its ACKs
		 * with SEQ at or past the edge. Ignoring them while our own
		 * window waits on those very ACKs (an echo whose send queue is
		 * full) stalls both sides into timeouts, or for good with a
		 * zero window. The text of such a segment is dropped; its ACK
		 * still has to pass step_check_ack() (RFC 5961 §5.2). Only a
		 * segment's worth past the edge (or one window unit, for
		 * rounding) is taken: a blind ACK far beyond it could otherwise
		 * shut our send window and set SND.WL1 ahead of the real peer.
		 */
		if ((s->flags & TT_TH_ACK) && !(s->flags & (TT_TH_RST | TT_TH_SYN)) &&
		    seq_in(s->seq, t->rcv.nxt,
			   t->rcv.nxt + wnd + RTE_MAX((uint32_t)t->mss, 1u << t->rcv_wscale) + 1)) {
			s->len = 0;
			s->flags &= ~TT_TH_FIN;
			return STEP_ACK_ONLY;
		}
		return STEP_DROP;
	}
	/* Leading part already received. */
	if (seq_lt(s->seq, t->rcv.nxt)) {
		uint32_t d = t->rcv.nxt - s->seq;

		if (s->flags & TT_TH_SYN) {
			s->flags &= ~TT_TH_SYN;
			s->seq++;
			d--;
		}
		if (d >= s->len) {
			d = s->len;
		}
		if (d > 0) {
			sack_note_dup(t, s->seq, s->seq + d);
			s->m = mbuf_trim_front(s->m, d);
			s->len -= d;
			s->seq += d;
		}
	}
	/* Trailing part beyond the window (a FIN there is not yet acceptable). */
	if (s->len > 0 && seq_gt(s->seq + s->len, t->rcv.nxt + wnd)) {
		uint32_t d = s->seq + s->len - (t->rcv.nxt + wnd);

		mbuf_trim_back(s->m, d);
		s->len -= d;
		s->flags &= ~TT_TH_FIN;
		TT_DROP(w, tcp_rcv_window_full);
	}
	return STEP_CONTINUE;
}

/*
 * RFC 7323 §5.3 R1 (PAWS), before the sequence check: a segment whose
 * TSval is older than TS.Recent is an old duplicate; drop it with an ACK.
 * A TS.Recent older than 24 days no longer says anything (§5.5).
 */
static enum step
step_paws(struct tt_worker *w, struct tt_tcb *t, const struct tt_seg *s)
{
	if (!(t->flags & TT_TF_TS) || !(s->opts & TT_SOPT_TS) || (s->flags & TT_TH_RST) ||
	    !seq_lt(s->ts_val, t->ts_recent))
		return STEP_CONTINUE;
	if ((uint32_t)w->now_ms - t->ts_recent_ms > PAWS_IDLE_MS) {
		t->ts_recent = s->ts_val;
		t->ts_recent_ms = (uint32_t)w->now_ms;
		return STEP_CONTINUE;
	}
	TT_DROP(w, tcp_paws);
	t->flags |= TT_TF_ACKNOW;
	return STEP_DROP;
}

/* RFC 7323 §4.3 (2): an acceptable segment's TSval becomes TS.Recent if it covers Last.ACK.sent. */
static void
ts_recent_update(struct tt_worker *w, struct tt_tcb *t, const struct tt_seg *s, uint32_t orig_seq)
{
	if ((t->flags & TT_TF_TS) && (s->opts & TT_SOPT_TS) &&
	    seq_geq(s->ts_val, t->ts_recent) && seq_leq(orig_seq, t->last_ack_sent)) {
		t->ts_recent = s->ts_val;
		t->ts_recent_ms = (uint32_t)w->now_ms;
	}
}

/* Second: check the RST bit (RFC 9293 §3.10.7.4 with RFC 5961 §3.2). */
static enum step
step_check_rst(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s, uint32_t orig_seq)
{
	if (!(s->flags & TT_TH_RST))
		return STEP_CONTINUE;
	if (orig_seq != t->rcv.nxt) {
		TT_DROP(w, tcp_rst_invalid);
		tcp_challenge_ack(w, t);
		return STEP_DROP;
	}
	TT_STAT_INC(w, conn_reset_rx);
	tcb_close(w, t, TT_CLOSE_RESET);
	return STEP_DROP;
}

/* Fourth: check the SYN bit; in a synchronized state it draws a challenge ACK (RFC 5961 §4). */
static enum step
step_check_syn(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s)
{
	if (!(s->flags & TT_TH_SYN))
		return STEP_CONTINUE;
	TT_DROP(w, tcp_syn_in_window);
	tcp_challenge_ack(w, t);
	return STEP_DROP;
}

/* ESTABLISHED: the service takes over (an active open's context is the caller's). */
static void
svc_accept(struct tt_worker *w, struct tt_tcb *t)
{
	const struct tt_service *svc = tcb_svc(t);

	TT_STAT_INC(w, conn_established);
	if (t->flags & TT_TF_ACTIVE) {
		TT_STAT_INC(w, active_open_ok);
	} else {
		memset(t->app, 0, sizeof(t->app));
		t->flags |= TT_TF_ACCEPTED;
	}
	if (svc->on_accept != NULL && svc->on_accept(conn_of(t), tcb_svc_opts(t)) < 0) {
		TT_STAT_INC(w, conn_aborted);
		tcp_send_rst(w, t);
		tcb_close(w, t, TT_CLOSE_ABORT);
	}
}

/*
 * RFC 3522 Eifel detection, on the first ACK of new data after fast
 * recovery began: if it echoes a TSval older than our first
 * retransmission, it was sent for an original, which was late, not lost
 * (reordering). The recovery was spurious: the window goes back to what
 * it was (Linux does the same "undo"), and recovery ends.
 */
static void
tcp_eifel_check(struct tt_worker *w, struct tt_tcb *t, const struct tt_seg *s)
{
	struct tt_tcb_ext *x = tcb_ext(t);

	t->flags &= ~TT_TF_UNDO;		/* one decision per recovery */
	if (x == NULL || !(t->flags & TT_TF_IN_RECOVERY) || !(s->opts & TT_SOPT_TS) ||
	    s->ts_ecr == 0 || !seq_lt(s->ts_ecr, x->undo_ts))
		return;
	TT_STAT_INC(w, spurious_recoveries);
	t->snd.cwnd = RTE_MAX(t->snd.cwnd, x->undo_cwnd);
	t->snd.ssthresh = RTE_MAX(t->snd.ssthresh, x->undo_ssthresh);
	t->flags &= ~TT_TF_IN_RECOVERY;
	x->undo_hold = t->snd.recover;	/* its retransmissions are still in flight */
	x->high_rxt = t->snd.una;
	t->snd.recover = t->snd.una;
}

/*
 * New data acknowledged: RTT sample, send queue, RFC 5681/6582 window
 * growth. @p syn: the ACK that completes the handshake, covering our SYN.
 */
static void
tcp_ack_new(struct tt_worker *w, struct tt_tcb *t, const struct tt_seg *s, bool syn)
{
	const struct tt_service *svc = tcb_svc(t);
	uint32_t acked = s->ack - t->snd.una;
	uint32_t data = acked;

	if (syn)
		data--;			/* our SYN */
	if ((t->flags & TT_TF_FIN_QUEUED) && seq_gt(s->ack, t->snd.end))
		data--;			/* our FIN */
	if ((t->flags & TT_TF_TS) && (s->opts & TT_SOPT_TS) && s->ts_ecr != 0 &&
	    seq_leq(s->ts_ecr, tcp_ts_now(w, t))) {
		/* RFC 7323 §4.1: every ACK of new data is a sample; no Karn needed. */
		t->flags &= ~TT_TF_RTT_TIMING;
		tcp_rto_sample(t, (tcp_ts_now(w, t) - s->ts_ecr) * 1000u);
	} else if ((t->flags & TT_TF_RTT_TIMING) && seq_gt(s->ack, t->rtt_seq)) {
		t->flags &= ~TT_TF_RTT_TIMING;
		tcp_rto_sample(t, ((uint32_t)w->now_us - t->rtt_start_us));
	}
	t->snd.una = s->ack;
	if (t->flags & TT_TF_UNDO)
		tcp_eifel_check(w, t, s);
	if (seq_lt(t->snd.nxt, t->snd.una))
		t->snd.nxt = t->snd.una;
	sndq_drop(t, data);
	sack_trim(t);
	t->rxt_shift = 0;

	if (t->flags & TT_TF_IN_RECOVERY) {
		if (seq_geq(s->ack, t->snd.recover)) {
			/* RFC 6582 §3.2 step 3: full acknowledgment. */
			tcb_cc(t)->on_recovery_exit(t, t->snd.max - t->snd.una);
			t->flags &= ~TT_TF_IN_RECOVERY;
		} else if (t->flags & TT_TF_SACK) {
			/* RFC 6675 §5: partial ACK; tcp_output sends the next holes as pipe allows. */
		} else {
			/* Partial acknowledgment: resend the next hole, deflate. */
			tcp_retransmit_una(w, t);
			t->snd.cwnd = t->snd.cwnd > acked ? t->snd.cwnd - acked : 0;
			t->snd.cwnd += t->mss;
		}
	} else if (data != 0) {
		/* RFC 5681 §3.1: only ACKs of new data grow cwnd; the SYN's ACK leaves IW (RFC 6928). */
		tcb_cc(t)->on_ack(t, acked, w->now_us);
	}
	t->dupacks = 0;
	t->lt_bytes = 0;

	/* RFC 6298 §5.2-5.3 */
	if (t->snd.una == t->snd.max) {
		tcb_timer_clear(t, TT_TIMER_RTX);
		tcb_timer_clear(t, TT_TIMER_LOSS);
	} else
		tcb_timer_set(w, t, TT_TIMER_RTX, w->now_ms + tcp_rto_current(t, &w->cfg->tcp));
	tcb_timer_clear(t, TT_TIMER_PERSIST);

	if (data > 0 && (t->flags & TT_TF_ACCEPTED) && svc->on_sent != NULL)
		svc->on_sent(conn_of(t), data);
}

/*
 * RFC 3042 limited transmit: one new segment on each of the first two
 * duplicate ACKs, if the peer's window allows; cwnd itself is unchanged
 * (tcp_output() sees it one segment above what is in flight, then it is
 * restored). What is sent is left out of FlightSize at the third.
 */
static void
tcp_limited_transmit(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t cwnd = t->snd.cwnd;
	uint32_t max = t->snd.max;

	if (t->snd.nxt != t->snd.max)
		return;		/* going back after an RTO: no new data */
	t->snd.cwnd = (t->snd.nxt - t->snd.una) + t->mss;
	tcp_output(w, t);
	t->snd.cwnd = cwnd;
	t->lt_bytes = (uint16_t)(t->lt_bytes + (t->snd.max - max));
}

/*
 * RFC 5681 §3.2 fast retransmit on the third duplicate ACK, or, with SACK,
 * as soon as the scoreboard says snd.una is lost (RFC 6675 §5).
 */
static void
tcp_ack_dup(struct tt_worker *w, struct tt_tcb *t)
{
	bool sack = (t->flags & TT_TF_SACK) != 0;

	TT_STAT_INC(w, dup_acks_rx);
	/*
	 * With a tail loss probe out, everything below it was sent at least
	 * 2 SRTT ago: a hole the probe's ACK reveals is lost (RFC 8985 §7.4).
	 */
	if ((++t->dupacks == TT_DUPACK_THRESH ||
	     (sack && (sack_is_lost(t, t->snd.una) ||
		       ((t->flags & TT_TF_TLP) && tcb_n_sacked(t) > 0)))) &&
	    !(t->flags & TT_TF_IN_RECOVERY) && seq_geq(t->snd.una, t->snd.recover)) {
		/* RFC 3522: remember what to go back to if the data was only late. */
		struct tt_tcb_ext *x = tcb_ext(t);

		if (sack && (t->flags & TT_TF_TS) && x != NULL && seq_geq(t->snd.una, x->undo_hold)) {
			x->undo_cwnd = t->snd.cwnd;
			x->undo_ssthresh = t->snd.ssthresh;
			x->undo_ts = tcp_ts_now(w, t);
			t->flags |= TT_TF_UNDO;
		}
		/* The algorithm sets ssthresh, and cwnd to the reduced window. */
		tcb_cc(t)->on_loss(t, t->snd.max - t->snd.una - t->lt_bytes, w->now_us);
		t->snd.recover = t->snd.max;
		TT_STAT_INC(w, fast_retransmits);
		t->flags |= TT_TF_IN_RECOVERY;
		if (sack) {
			/* RFC 6675 §5 steps 4.2-4.3: cwnd = ssthresh, first hole now, the rest by pipe. */
			t->snd.cwnd = t->snd.ssthresh;
			if (x != NULL)
				x->high_rxt = t->snd.una;
			tcp_retransmit_hole(w, t);
			return;
		}
		tcp_retransmit_una(w, t);
		t->snd.cwnd += 3u * t->mss;	/* RFC 6582 §3.2 step 2 */
	} else if (t->dupacks > TT_DUPACK_THRESH && (t->flags & TT_TF_IN_RECOVERY) && !sack) {
		t->snd.cwnd += t->mss;		/* inflate: a segment left the network */
	} else if (t->dupacks < TT_DUPACK_THRESH && !(t->flags & TT_TF_IN_RECOVERY) &&
		   w->cfg->tcp.limited_transmit) {
		tcp_limited_transmit(w, t);
	}
}

/* Fifth: check the ACK field (RFC 9293 §3.10.7.4, RFC 5961 §5.2). */
static enum step
step_check_ack(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s)
{
	uint32_t sacked = 0;
	bool advanced;

	if (!(s->flags & TT_TH_ACK)) {
		TT_DROP(w, tcp_no_ack);
		return STEP_DROP;
	}
	if (t->state == TT_SYN_RCVD) {
		bool synack_timed_out = t->rxt_shift > 0;

		if (!seq_gt(s->ack, t->snd.una) || seq_gt(s->ack, t->snd.max)) {
			TT_DROP(w, tcp_ack_unsent);
			tcp_respond(w, s->port, &s->key, s->ack, 0, TT_TH_RST, 0);
			return STEP_DROP;
		}
		tcb_set_state(w, t, TT_ESTABLISHED);
		tcp_ack_new(w, t, s, true);
		/* RFC 6298 §5.7: the SYN-ACK timed out, so data starts with an RTO of 3 s. */
		if (synack_timed_out)
			t->flags |= TT_TF_RTO_SYN;
		t->snd.wnd = seg_wnd(t, s);
		t->snd.max_wnd = RTE_MAX(t->snd.max_wnd, t->snd.wnd);
		t->snd.wl1 = s->seq;
		svc_accept(w, t);
		return (t->flags & TT_TF_FREE) ? STEP_DROP : STEP_CONTINUE;
	}
	if (seq_gt(s->ack, t->snd.max)) {
		TT_DROP(w, tcp_ack_unsent);
		t->flags |= TT_TF_ACKNOW;
		return STEP_DROP;
	}
	if (seq_lt(s->ack, t->snd.una - RTE_MAX(t->snd.max_wnd, 1u))) {
		TT_DROP(w, tcp_old_ack);
		tcp_challenge_ack(w, t);
		return STEP_DROP;
	}
	/* RFC 9293 §3.8.6.1: a peer that answers zero-window probes keeps the connection. */
	t->probes = 0;
	if ((t->flags & TT_TF_SACK) && s->nsack > 0)
		sacked = sack_update(t, s);
	advanced = seq_gt(s->ack, t->snd.una);
	if (advanced) {
		tcp_loss_timer_stop(w, t);	/* re-armed from here (tcp_output) */
		tcp_ack_new(w, t, s, false);
		if (t->flags & TT_TF_FREE)
			return STEP_DROP;
	}
	if (t->flags & TT_TF_SACK) {
		/*
		 * RFC 6675 §2 and §5: an ACK that SACKs new data is a duplicate
		 * acknowledgment, cumulative or not, data on it or not (an echo
		 * peer's ACKs ride on its data). So is any answer to a tail loss
		 * probe while the scoreboard holds SACKed data above a hole: the
		 * hole is overdue (a D-SACK of the probe with no hole proves
		 * the original arrived, RFC 8985 §7.4, and starts nothing).
		 */
		if ((sacked > 0 || ((t->flags & TT_TF_TLP) && tcb_n_sacked(t) > 0)) &&
		    t->snd.max != t->snd.una)
			tcp_ack_dup(w, t);
		/* An ACK with news is evidence that later segments got through. */
		if (advanced || sacked > 0)
			(void)tcp_lost_retransmits(w, t);	/* tcp_output() follows */
		if (advanced || sacked > 0) {
			t->flags &= ~TT_TF_TLP;		/* the probe, or what it chased, arrived */
			t->loss_shift = 0;
			tcp_loss_timer_stop(w, t);	/* news: it starts again (tcp_output) */
		}
	} else if (!advanced && s->ack == t->snd.una && s->len == 0 && !(s->flags & TT_TH_FIN) &&
		   seg_wnd(t, s) == t->snd.wnd && t->snd.max != t->snd.una) {
		tcp_ack_dup(w, t);
	}
	/*
	 * Send window update (RFC 9293 §3.10.7.4, SND.WL1/SND.WL2). SND.WL2,
	 * the ACK of the last update, is at or below SND.UNA, which this ACK
	 * has already moved: as Linux (tcp_may_update_window()), an ACK
	 * below SND.UNA is too old to update the window, and SND.UNA stands
	 * in for SND.WL2.
	 */
	if (seq_lt(t->snd.wl1, s->seq) || (t->snd.wl1 == s->seq && seq_leq(t->snd.una, s->ack))) {
		t->snd.wnd = seg_wnd(t, s);
		t->snd.max_wnd = RTE_MAX(t->snd.max_wnd, t->snd.wnd);
		t->snd.wl1 = s->seq;
		if (s->wnd != 0) {
			tcb_timer_clear(t, TT_TIMER_PERSIST);
			t->flags &= ~TT_TF_ZWND;
			if (t->snd.una == t->snd.max)
				t->rxt_shift = 0;
		}
	}
	if ((t->flags & TT_TF_FIN_QUEUED) && t->snd.una == t->snd.end + 1) {
		/* Our FIN is acknowledged. */
		switch (t->state) {
		case TT_FIN_WAIT_1:
			tcb_set_state(w, t, TT_FIN_WAIT_2);
			tcb_timer_set(w, t, TT_TIMER_CONN, w->now_ms + w->cfg->tcp.fin_wait_2_ms);
			break;
		case TT_CLOSING:
			tcb_enter_time_wait(w, t);
			return STEP_DROP;
		case TT_LAST_ACK:
			tcb_close(w, t, TT_CLOSE_NORMAL);
			return STEP_DROP;
		default:
			break;
		}
	}
	return STEP_CONTINUE;
}

static void
svc_deliver(struct tt_worker *w, struct tt_tcb *t, struct rte_mbuf *m, uint32_t len)
{
	const struct tt_service *svc = tcb_svc(t);

	if (len == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	t->rcv.nxt += len;
	t->rcv.held += len;
	if (svc->on_data != NULL) {
		svc->on_data(conn_of(t), m);
	} else {
		rte_pktmbuf_free(m);
		t->rcv.held -= len;
	}
	(void)w;
}

/*
 * Seventh and eighth: process the segment text and check FIN. In-order data
 * goes to the service together with whatever the reassembly queue can now
 * release; a segment beyond a gap waits there and draws an immediate ACK.
 */
static void
step_data_fin(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s)
{
	bool fin = (s->flags & TT_TH_FIN) != 0;
	bool had_gap = tcb_ooo_head(t) != NULL;

	if (s->len == 0 && !fin) {
		rte_pktmbuf_free(s->m);
		s->m = NULL;
		return;
	}
	if (t->state != TT_ESTABLISHED && t->state != TT_FIN_WAIT_1 && t->state != TT_FIN_WAIT_2) {
		/* Past the peer's FIN: nothing more can legitimately arrive. */
		TT_DROP(w, tcp_data_after_fin);
		rte_pktmbuf_free(s->m);
		s->m = NULL;
		t->flags |= TT_TF_ACKNOW;
		return;
	}
	if (s->seq != t->rcv.nxt) {
		if (!ooo_room(w, t)) {
			TT_DROP(w, tcp_rcv_window_full);
			rte_pktmbuf_free(s->m);
		} else if (tcb_ext_get(t) == NULL) {
			/* The queue lives in the SACK state block: none left. */
			TT_DROP(w, tcp_ooo_no_state);
			rte_pktmbuf_free(s->m);
		} else {
			TT_STAT_INC(w, ooo_segs_rx);
			reass_insert(w, t, s->m, s->seq, s->len, fin);
			sack_note_ooo(t, s->seq);
		}
		s->m = NULL;
		t->flags |= TT_TF_ACKNOW;	/* RFC 5681 §4.2: duplicate ACK at once */
		return;
	}
	svc_deliver(w, t, s->m, s->len);
	s->m = NULL;
	while (!fin && !(t->flags & TT_TF_FREE)) {
		uint32_t len;
		bool qfin;
		struct rte_mbuf *q = reass_pop(t, &qfin, &len);

		if (q == NULL)
			break;
		svc_deliver(w, t, q, len);
		fin = qfin;
	}
	if (t->flags & TT_TF_FREE)
		return;
	if (s->len > 0) {
		/* RFC 1122 §4.2.3.2: ACK at least every second full segment; at once on a gap fill. */
		t->rcv_unacked++;
		if (had_gap || w->cfg->tcp.delayed_ack_ms == 0 || t->rcv_unacked >= 2) {
			t->flags |= TT_TF_ACKNOW;
		} else if (!(t->flags & TT_TF_DELACK)) {
			t->flags |= TT_TF_DELACK;
			tcb_timer_set(w, t, TT_TIMER_DELACK, w->now_ms + w->cfg->tcp.delayed_ack_ms);
		}
	}
	if (!fin)
		return;

	/* Eighth: the FIN (RFC 9293 §3.10.7.4). */
	t->rcv.nxt++;
	t->flags |= TT_TF_RCVD_FIN | TT_TF_ACKNOW;
	switch (t->state) {
	case TT_ESTABLISHED:
		tcb_set_state(w, t, TT_CLOSE_WAIT);
		break;
	case TT_FIN_WAIT_1:
		tcb_set_state(w, t, TT_CLOSING);
		break;
	case TT_FIN_WAIT_2:
		tcb_timer_clear(t, TT_TIMER_CONN);
		tcp_output(w, t);
		tcb_enter_time_wait(w, t);
		return;
	default:
		break;
	}
	{
		const struct tt_service *svc = tcb_svc(t);

		if ((t->flags & TT_TF_ACCEPTED) && svc->on_peer_fin != NULL)
			svc->on_peer_fin(conn_of(t));
	}
}

/* RFC 9293 §3.10.7.3: SYN-SENT, our active open waiting for the peer's SYN. */
static void
tcp_input_syn_sent(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s)
{
	bool ack_ok = false;

	if (s->flags & TT_TH_ACK) {
		if (seq_leq(s->ack, tcb_iss(t)) || seq_gt(s->ack, t->snd.max)) {
			TT_DROP(w, tcp_ack_unsent);
			if (!(s->flags & TT_TH_RST))
				tcp_respond(w, s->port, &s->key, s->ack, 0, TT_TH_RST, 0);
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TT_TH_RST) {
		if (ack_ok) {
			/* Connection refused. */
			TT_STAT_INC(w, conn_reset_rx);
			TT_STAT_INC(w, active_open_failed);
			tcb_close(w, t, TT_CLOSE_REFUSED);
		} else {
			TT_DROP(w, tcp_rst_invalid);
		}
		return;
	}
	if (!(s->flags & TT_TH_SYN)) {
		TT_DROP(w, tcp_no_ack);
		return;
	}
	if (s->len > 0)
		TT_DROP(w, tcp_syn_data);	/* not acknowledged: the peer sends it again */
	t->rcv.nxt = s->seq + 1;
	t->rcv.adv = t->rcv.nxt;
	t->mss = RTE_MIN(t->mss, tcp_send_mss(w, s));
	tcp_opts_negotiate(w, t, s);
	t->snd.wnd = s->wnd;
	t->snd.max_wnd = s->wnd;
	t->snd.wl1 = s->seq;
	if (!ack_ok) {
		/* Simultaneous open: SYN_RCVD, our SYN goes again with an ACK. */
		tcb_set_state(w, t, TT_SYN_RCVD);
		t->snd.nxt = tcb_iss(t);
		return;
	}
	{
		bool syn_timed_out = t->rxt_shift > 0;

		tcb_set_state(w, t, TT_ESTABLISHED);
		tcp_ack_new(w, t, s, true);
		if (syn_timed_out)		/* RFC 6298 §5.7 */
			t->flags |= TT_TF_RTO_SYN;
	}
	t->flags |= TT_TF_ACKNOW;
	tcb_keepalive_reset(w, t);
	svc_accept(w, t);
}

/* A segment for an existing connection, in the RFC's order of steps. */
static void
tcp_input_conn(struct tt_worker *w, struct tt_tcb *t, struct tt_seg *s)
{
	uint32_t orig_seq = s->seq;

	t->flags |= TT_TF_BUSY;
	if (t->state == TT_SYN_SENT) {
		tcp_input_syn_sent(w, t, s);
		goto out;
	}
	if (step_paws(w, t, s) == STEP_DROP)
		goto out;
	switch (step_check_seq(w, t, s)) {
	case STEP_DROP:
		goto out;
	case STEP_ACK_ONLY:
		if (t->state != TT_SYN_RCVD)
			(void)step_check_ack(w, t, s);	/* the text is dropped */
		goto out;
	default:
		break;
	}
	ts_recent_update(w, t, s, orig_seq);
	if (step_check_rst(w, t, s, orig_seq) == STEP_DROP ||
	    step_check_syn(w, t, s) == STEP_DROP ||
	    step_check_ack(w, t, s) == STEP_DROP)
		goto out;
	tcb_keepalive_reset(w, t);
	/* Sixth, the URG bit, is ignored (RFC 6093). */
	step_data_fin(w, t, s);
out:
	if (s->m != NULL) {
		rte_pktmbuf_free(s->m);
		s->m = NULL;
	}
	tcp_output(w, t);
	tcb_unbusy(w, t);
}

void
tcp_input(struct tt_worker *w, struct tt_seg *s, void *flow)
{
	if (flow == NULL) {
		tcp_input_listen(w, s);
		if (s->m != NULL)	/* not taken by an answer built in it */
			rte_pktmbuf_free(s->m);
	} else if (flow_is_tw(flow)) {
		tcp_input_time_wait(w, flow_tw(flow), s);
		rte_pktmbuf_free(s->m);
	} else {
		tcp_input_conn(w, (struct tt_tcb *)flow, s);
	}
}
