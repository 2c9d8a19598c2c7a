/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Building and sending segments. Each segment is a fresh header mbuf
 * followed by indirect mbufs attached to the ranges of the send queue it
 * carries (DESIGN §5), so a retransmission is the same operation as a
 * first transmission; only a payload of up to TX_COPY_MAX bytes is copied
 * behind the headers instead (sndq_copy()).
 */

#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tt_net.h"
#include "tt_tcp.h"

#define HDRS_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + \
		  sizeof(struct rte_tcp_hdr))
#define L4_OFF (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr))
/* Payloads up to this many bytes are copied behind the headers, longer ones attached. */
#define TX_COPY_MAX 512u
_Static_assert(HDRS_LEN + TT_OPT_SPACE + TX_COPY_MAX <= RTE_MBUF_DEFAULT_DATAROOM,
	       "a copied payload fits the header mbuf");

static __rte_always_inline struct rte_mbuf *
seg_alloc(struct tt_worker *w, uint32_t optlen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);

	if (unlikely(m == NULL)) {
		TT_DROP(w, mbuf_alloc);
		return NULL;
	}
	rte_pktmbuf_append(m, HDRS_LEN + optlen);
	return m;
}

/*
 * The option words of @p o to @p dst, one 4-byte store each: no call for
 * a copy of 12 or 20 bytes, and no wide load across the narrow stores that
 * just built them (which the store buffer could not forward).
 */
static inline void
opts_put(uint8_t *dst, const struct tt_opts *o)
{
	switch (o->len / 4) {
	case 10: memcpy(dst + 36, &o->w[9], 4);	/* fall through */
	case 9: memcpy(dst + 32, &o->w[8], 4);	/* fall through */
	case 8: memcpy(dst + 28, &o->w[7], 4);	/* fall through */
	case 7: memcpy(dst + 24, &o->w[6], 4);	/* fall through */
	case 6: memcpy(dst + 20, &o->w[5], 4);	/* fall through */
	case 5: memcpy(dst + 16, &o->w[4], 4);	/* fall through */
	case 4: memcpy(dst + 12, &o->w[3], 4);	/* fall through */
	case 3: memcpy(dst + 8, &o->w[2], 4);	/* fall through */
	case 2: memcpy(dst + 4, &o->w[1], 4);	/* fall through */
	case 1: memcpy(dst, &o->w[0], 4);	/* fall through */
	default: break;
	}
}

/*
 * Fill the TCP header, the options @p o (room for them made by seg_alloc())
 * and the IP header of @p m (payload already behind them), checksum it and
 * send it.
 */
static void
seg_send(struct tt_worker *w, uint8_t port, struct rte_mbuf *m, const struct tt_flow_key *key,
	 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const struct tt_opts *o)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
							  sizeof(struct rte_ether_hdr));
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint32_t optlen = o != NULL ? o->len : 0;
	uint32_t payload = rte_pktmbuf_pkt_len(m) - HDRS_LEN - optlen;
	uint32_t seq_be = rte_cpu_to_be_32(seq);
	uint32_t ack_be = (flags & TT_TH_ACK) ? rte_cpu_to_be_32(ack) : 0;
	uint8_t off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	uint16_t wnd_be = rte_cpu_to_be_16(wnd);

	th->src_port = key->lport;
	th->dst_port = key->rport;
	th->sent_seq = seq_be;
	th->recv_ack = ack_be;
	th->data_off = off;
	th->tcp_flags = flags;
	th->rx_win = wnd_be;
	th->cksum = 0;
	th->tcp_urp = 0;
	if (optlen != 0)
		opts_put((uint8_t *)(th + 1), o);
	ipv4_fill(ip, key->laddr, key->raddr, IPPROTO_TCP,
		  (uint16_t)(rte_pktmbuf_pkt_len(m) - sizeof(struct rte_ether_hdr)));
	if (w->ports[port].tx_cksum) {
		/* The NIC sums the chain; we give it the pseudo-header sum. */
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM;
		m->l2_len = sizeof(struct rte_ether_hdr);
		m->l3_len = sizeof(struct rte_ipv4_hdr);
		ip->hdr_checksum = 0;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		/* The header's and the options' words as values (see ipv4_fill()), then the payload. */
		uint64_t sum = tt_pseudo_sum(key->laddr, key->raddr, IPPROTO_TCP,
					     rte_pktmbuf_pkt_len(m) - L4_OFF) +
			       (key->lport | (uint32_t)key->rport << 16) + seq_be + ack_be +
			       (off | (uint32_t)flags << 8 | (uint32_t)wnd_be << 16) +
			       (o != NULL ? o->sum : 0);

		th->cksum = (uint16_t)~(payload == 0 ? tt_sum_fold(sum) :
					   tt_l4_sum_tail(m, HDRS_LEN + optlen, sum));
	}
	TT_STAT_INC(w, tcp_segs_tx);
	TT_STAT_ADD(w, tcp_payload_tx, payload);
	if (flags & TT_TH_RST)
		TT_STAT_INC(w, rst_sent);
	ipv4_output(w, port, m, key->raddr);
}

void
tcp_respond(struct tt_worker *w, uint8_t port, const struct tt_flow_key *key,
	    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd)
{
	tcp_respond_opts(w, port, key, seq, ack, flags, wnd, NULL);
}

/*
 * A segment with options that no TCB's output path stands behind: a cookie
 * SYN-ACK, a probe, a TIME_WAIT ACK (options from tcp_options.c).
 */
void
tcp_respond_opts(struct tt_worker *w, uint8_t port, const struct tt_flow_key *key,
		 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const struct tt_opts *o)
{
	struct rte_mbuf *m = seg_alloc(w, o != NULL ? o->len : 0);

	if (m == NULL)
		return;
	seg_send(w, port, m, key, seq, ack, flags, wnd, o);
}

/*
 * A reply built in the mbuf of the segment it answers, as testpmd's
 * macswap sends frames back: no allocation and no free, and the buffer is
 * already in the cache. Any direct, unshared, single-segment mbuf will do;
 * it is reset to an empty one of its pool with the default headroom,
 * exactly what seg_alloc() would have returned. Others are freed here and
 * the reply gets a fresh mbuf.
 */
void
tcp_reply_opts(struct tt_worker *w, struct tt_seg *s, uint32_t seq, uint32_t ack,
	       uint8_t flags, uint16_t wnd, const struct tt_opts *o)
{
	struct rte_mbuf *m = s->m;

	s->m = NULL;
	if (unlikely(m == NULL || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
		     m->next != NULL ||
		     m->buf_len < RTE_PKTMBUF_HEADROOM + HDRS_LEN + TT_OPT_SPACE)) {
		rte_pktmbuf_free(m);
		tcp_respond_opts(w, s->port, &s->key, seq, ack, flags, wnd, o);
		return;
	}
	rte_pktmbuf_reset(m);
	rte_pktmbuf_append(m, HDRS_LEN + (o != NULL ? o->len : 0));
	seg_send(w, s->port, m, &s->key, seq, ack, flags, wnd, o);
}

/* RFC 9293 §3.10.7.1: the reset for a segment that belongs to no connection. */
void
tcp_reply_rst(struct tt_worker *w, const struct tt_seg *s)
{
	if (s->flags & TT_TH_RST)
		return;
	if (s->flags & TT_TH_ACK)
		tcp_respond(w, s->port, &s->key, s->ack, 0, TT_TH_RST, 0);
	else
		tcp_respond(w, s->port, &s->key, 0, s->seq + seg_seqlen(s),
			    TT_TH_RST | TT_TH_ACK, 0);
}

/* RFC 9293 §3.10.4 ABORT: <SEQ=SND.NXT><CTL=RST>. */
void
tcp_send_rst(struct tt_worker *w, struct tt_tcb *t)
{
	TT_STAT_INC(w, conn_reset_tx);
	tcp_respond(w, t->port, &t->key, t->snd.max, t->rcv.nxt, TT_TH_RST | TT_TH_ACK, 0);
}

/*
 * The window to advertise (RFC 9293 §3.8.6.2.2 receiver SWS avoidance): the
 * right edge moves only by at least min(buffer/2, MSS) and never moves back.
 */
static uint16_t
rcv_wnd_advertise(struct tt_worker *w, struct tt_tcb *t, bool syn)
{
	uint32_t edge = t->rcv.nxt + tcb_rcv_window(t);
	uint32_t step = RTE_MIN(w->cfg->tcp.rcv_window / 2, (uint32_t)t->mss);

	if (seq_geq(edge, t->rcv.adv + step) || seq_lt(t->rcv.adv, t->rcv.nxt))
		t->rcv.adv = edge;
	/* RFC 7323 §2.3: the field carries the window right-shifted by our shift. */
	return tcb_wnd_field(t, t->rcv.adv - t->rcv.nxt, syn);
}

/*
 * A probe of @p t (zero window, keepalive): <SEQ=@p seq><ACK=RCV.NXT>, no
 * data, outside tcp_xmit()'s bookkeeping, but with the TCB's options
 * (RFC 7323 §3.2 wants timestamps on every segment but a RST) and the
 * window as any segment would announce it: a window taken from elsewhere
 * could reach past the edge RCV.ADV that the sequence check holds the peer
 * to, and the peer's bytes beyond it would be trimmed.
 */
void
tcp_send_probe(struct tt_worker *w, struct tt_tcb *t, uint32_t seq)
{
	struct tt_opts o;
	uint16_t wnd;

	tcp_opts_build(w, t, TT_TH_ACK, 0, &o);
	wnd = rcv_wnd_advertise(w, t, false);
	tcp_respond_opts(w, t->port, &t->key, seq, t->rcv.nxt, TT_TH_ACK, wnd, &o);
}

/* The send-queue mbuf holding byte @p off of the queue; @p off becomes the offset in it. */
static inline struct rte_mbuf *
sndq_at(struct rte_mbuf *q, uint32_t *off)
{
	while (q != NULL && *off >= q->data_len) {
		*off -= q->data_len;
		q = q->next;
	}
	return q;
}

/* Chain indirect mbufs covering [off, off + len) of the send queue behind @p hdr. */
static int
sndq_attach(struct tt_worker *w, struct tt_tcb *t, struct rte_mbuf *hdr, uint32_t off,
	    uint32_t len)
{
	struct rte_mbuf *q = sndq_at(t->sndq_head, &off);
	struct rte_mbuf *tail = hdr;

	while (len > 0 && q != NULL) {
		uint32_t n = RTE_MIN((uint32_t)q->data_len - off, len);
		struct rte_mbuf *mi = rte_pktmbuf_alloc(w->clone_pool);

		if (unlikely(mi == NULL)) {
			TT_DROP(w, mbuf_alloc);
			return -1;
		}
		rte_pktmbuf_attach(mi, q);
		mi->data_off += off;
		mi->data_len = (uint16_t)n;
		mi->pkt_len = n;
		tail->next = mi;
		tail = mi;
		hdr->nb_segs++;
		hdr->pkt_len += n;
		len -= n;
		off = 0;
		q = q->next;
	}
	return len == 0 ? 0 : -1;
}

/*
 * Copy [off, off + len) of the send queue into header mbuf @p hdr, after
 * its headers, instead of attaching it: for a short payload an indirect
 * mbuf costs more than the bytes (an allocation from a second pool, an
 * atomic reference count taken and dropped, one more segment for the
 * driver to walk). @p hdr has room (TX_COPY_MAX < the data room less the
 * headers).
 */
static int
sndq_copy(struct rte_mbuf *hdr, struct rte_mbuf *q, uint32_t off, uint32_t len)
{
	uint8_t *dst = (uint8_t *)rte_pktmbuf_append(hdr, (uint16_t)len);

	q = sndq_at(q, &off);
	while (len > 0 && q != NULL) {
		uint32_t n = RTE_MIN((uint32_t)q->data_len - off, len);

		memcpy(dst, rte_pktmbuf_mtod_offset(q, const uint8_t *, off), n);
		dst += n;
		len -= n;
		off = 0;
		q = q->next;
	}
	return len == 0 ? 0 : -1;
}

/* One segment of [seq, seq + len) plus @p flags, with its options (tcp_options.c). */
static int
tcp_xmit(struct tt_worker *w, struct tt_tcb *t, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct tt_opts o;
	struct rte_mbuf *m;
	uint16_t wnd;

	/* Every segment but our first SYN of an active open carries an ACK. */
	if (t->state != TT_SYN_SENT)
		flags |= TT_TH_ACK;
	tcp_opts_build(w, t, flags, len, &o);
	m = seg_alloc(w, o.len);
	if (m == NULL)
		return -1;
	if (len > 0 && (len <= TX_COPY_MAX ? sndq_copy(m, t->sndq_head, seq - t->snd.una, len) :
				 sndq_attach(w, t, m, seq - t->snd.una, len)) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	if (seq_lt(seq, t->snd.max)) {
		TT_STAT_INC(w, retransmits);
		t->flags &= ~TT_TF_RTT_TIMING;	/* Karn's rule */
	} else if (!(t->flags & (TT_TF_RTT_TIMING | TT_TF_ZWND)) &&
		   (len > 0 || (flags & (TT_TH_SYN | TT_TH_FIN)))) {
		t->flags |= TT_TF_RTT_TIMING;
		t->rtt_seq = seq;
		t->rtt_start_us = (uint32_t)w->now_us;
	}
	wnd = rcv_wnd_advertise(w, t, (flags & TT_TH_SYN) != 0);
	seg_send(w, t->port, m, &t->key, seq, t->rcv.nxt, flags, wnd, &o);
	if (flags & TT_TH_ACK)
		t->last_ack_sent = t->rcv.nxt;
	t->flags &= ~(TT_TF_ACKNOW | TT_TF_DELACK | TT_TF_DSACK);
	tcb_timer_clear(t, TT_TIMER_DELACK);
	t->rcv_unacked = 0;
	return 0;
}

/* Retransmit one segment at snd.una (fast retransmit, NewReno partial ACK). */
void
tcp_retransmit_una(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t avail = t->snd.end - t->snd.una;
	uint32_t len = RTE_MIN(avail, (uint32_t)t->mss);
	uint8_t flags = 0;

	if (len == avail && (t->flags & TT_TF_FIN_QUEUED))
		flags |= TT_TH_FIN;
	if (len == 0 && flags == 0)
		return;
	tcp_xmit(w, t, t->snd.una, len, flags | (len ? TT_TH_PSH : 0));
}

/*
 * Nagle (RFC 1122 §4.2.3.4, RFC 9293 §3.7.4) in Minshall's variant, as
 * Linux has it: the last, sub-MSS piece of the queue waits while an earlier
 * sub-MSS segment is unacknowledged. Full segments never wait, and neither
 * does the short tail of a larger write behind full segments, so a response
 * is not held for the peer's delayed ACK; a run of small writes still goes
 * out one segment per round trip. A segment that carries our FIN is never
 * held (the caller checks), and TT_TF_NODELAY turns it off.
 */
static bool
nagle_hold(const struct tt_tcb *t)
{
	if ((t->flags & TT_TF_NODELAY) || seq_lt(t->snd.nxt, t->snd.max))
		return false;	/* retransmissions after an RTO are never held */
	return seq_gt(t->snd.sml, t->snd.una) && seq_leq(t->snd.sml, t->snd.max);
}

/*
 * RFC 6675 §5: retransmit the first unSACKed segment at or above HighRxt
 * (the lowest hole on entering recovery), at most an MSS, with the FIN if
 * the hole reaches it. @return 0, or -1 if there was nothing to send.
 */
static int
sack_xmit_hole(struct tt_worker *w, struct tt_tcb *t, uint32_t l, uint32_t r)
{
	uint32_t dend = seq_min(r, t->snd.end);
	uint32_t len = seq_lt(l, dend) ? RTE_MIN(dend - l, (uint32_t)t->mss) : 0;
	struct tt_tcb_ext *x;
	uint8_t flags = 0;

	if ((t->flags & TT_TF_FIN_QUEUED) && l + len == t->snd.end && seq_gt(r, t->snd.end))
		flags |= TT_TH_FIN;
	if (len == 0 && flags == 0)
		return -1;
	if (tcp_xmit(w, t, l, len, flags | (len ? TT_TH_PSH : 0)) != 0)
		return -1;
	TT_STAT_INC(w, sack_retransmits);
	x = tcb_ext(t);
	if (x != NULL) {
		x->high_rxt = l + len + !!(flags & TT_TH_FIN);
		x->rxt_last_ms = (uint32_t)w->now_ms;
	}
	return 0;
}

/* Fast retransmit with SACK: the first hole, or snd.una if nothing is SACKed. */
void
tcp_retransmit_hole(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t l, r;

	if (!sack_next_hole(t, false, &l, &r)) {
		l = t->snd.una;
		r = t->snd.max;
	}
	sack_xmit_hole(w, t, l, r);
}

/* RFC 6675 §5 step (C): holes while pipe < cwnd; @p lost_only for NextSeg rule 1. */
static void
sack_send_holes(struct tt_worker *w, struct tt_tcb *t, bool lost_only)
{
	uint32_t l, r;

	while (sack_pipe(t) + t->mss <= t->snd.cwnd && sack_next_hole(t, lost_only, &l, &r))
		if (sack_xmit_hole(w, t, l, r) != 0)
			break;
}

/*
 * Send what the windows allow: SYN-ACK, data (MSS-sized, sender SWS avoidance
 * per RFC 9293 §3.8.6.2.1, Nagle), FIN after the last byte, else a pending ACK.
 */
void
tcp_output(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t max0 = t->snd.max;
	bool sack_recovery;

	if (t->state == TT_CLOSED || (t->flags & TT_TF_FREE))
		return;
	if (t->state == TT_SYN_RCVD || t->state == TT_SYN_SENT) {
		if (t->snd.nxt == tcb_iss(t)) {
			uint8_t flags = TT_TH_SYN;

			if (tcp_xmit(w, t, tcb_iss(t), 0, flags) == 0) {
				t->snd.nxt = tcb_iss(t) + 1;
				t->snd.max = seq_max(t->snd.max, t->snd.nxt);
			}
		}
		goto ack;
	}
	sack_recovery = (t->flags & (TT_TF_SACK | TT_TF_IN_RECOVERY)) ==
			(TT_TF_SACK | TT_TF_IN_RECOVERY);
	if (sack_recovery)
		sack_send_holes(w, t, true);	/* NextSeg rule 1: lost holes first */
	for (;;) {
		uint32_t win = RTE_MIN(t->snd.wnd, t->snd.cwnd);
		uint32_t inflight = t->snd.nxt - t->snd.una;
		uint32_t usable = win > inflight ? win - inflight : 0;
		uint32_t avail = seq_lt(t->snd.nxt, t->snd.end) ? t->snd.end - t->snd.nxt : 0;
		uint32_t len = RTE_MIN(RTE_MIN(avail, usable), (uint32_t)t->mss);
		uint8_t flags = 0;

		if (sack_recovery) {
			/* RFC 6675 NextSeg rule 2: new data as pipe and the peer's window allow. */
			uint32_t pipe = sack_pipe(t);

			usable = t->snd.wnd > inflight ? t->snd.wnd - inflight : 0;
			usable = RTE_MIN(usable, t->snd.cwnd > pipe ? t->snd.cwnd - pipe : 0);
			len = RTE_MIN(RTE_MIN(avail, usable), (uint32_t)t->mss);
		}
		if (len > 0) {
			/* Sender SWS: a window-limited runt waits unless nothing is in flight. */
			if (len < t->mss && len < avail && inflight > 0 && len < t->snd.max_wnd / 2)
				break;
			if (len == avail) {
				flags |= TT_TH_PSH;
				if (t->flags & TT_TF_FIN_QUEUED)
					flags |= TT_TH_FIN;
				else if (len < t->mss && nagle_hold(t))
					break;
			}
		} else if ((t->flags & TT_TF_FIN_QUEUED) && t->snd.nxt == t->snd.end) {
			flags = TT_TH_FIN;
		} else {
			break;
		}
		if (tcp_xmit(w, t, t->snd.nxt, len, flags) != 0)
			break;
		if (len > 0 && len < t->mss)
			t->snd.sml = t->snd.nxt + len;
		t->snd.nxt += len + !!(flags & TT_TH_FIN);
		t->snd.max = seq_max(t->snd.max, t->snd.nxt);
	}
	if (sack_recovery)
		sack_send_holes(w, t, false);	/* NextSeg rule 3: any hole */
	/* RFC 9293 §3.8.6.1: nothing in flight, data waiting, window shut: persist. */
	if (t->snd.wnd == 0 && seq_lt(t->snd.nxt, t->snd.end) && t->snd.una == t->snd.max &&
	    tcb_timer_deadline(t, TT_TIMER_PERSIST) == 0) {
		if (!(t->flags & TT_TF_ZWND)) {
			t->flags |= TT_TF_ZWND;
			t->zwnd_since = (uint32_t)w->now_ms;
		}
		tcb_timer_set(w, t, TT_TIMER_PERSIST, w->now_ms + tcp_rto_current(t, &w->cfg->tcp));
	}
ack:
	if (t->flags & TT_TF_ACKNOW)
		tcp_xmit(w, t, t->snd.nxt, 0, 0);
	if (t->snd.una != t->snd.max && tcb_timer_deadline(t, TT_TIMER_RTX) == 0 &&
	    tcb_timer_deadline(t, TT_TIMER_LOSS) == 0)
		tcb_timer_set(w, t, TT_TIMER_RTX, w->now_ms + tcp_rto_current(t, &w->cfg->tcp));
	if (t->snd.max != max0)
		tcp_loss_timer_stop(w, t);	/* new data: the probe timer starts over */
	tcp_loss_timer_arm(w, t);
}

/*
 * RFC 8985 §7.3: a tail loss probe is one new segment if the windows allow
 * it, else the last segment sent (with our FIN if that went too).
 */
void
tcp_send_tlp(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t max = t->snd.max, fin, dend, len;

	if (t->snd.nxt == t->snd.max && seq_lt(t->snd.nxt, t->snd.end) &&
	    t->snd.wnd > t->snd.nxt - t->snd.una) {
		uint32_t cwnd = t->snd.cwnd;

		t->snd.cwnd = (t->snd.nxt - t->snd.una) + t->mss;
		tcp_output(w, t);
		t->snd.cwnd = cwnd;
		if (t->snd.max != max)
			return;
	}
	fin = (t->flags & TT_TF_FIN_QUEUED) && t->snd.max == t->snd.end + 1;
	dend = t->snd.max - fin;
	len = RTE_MIN(dend - t->snd.una, (uint32_t)t->mss);
	tcp_xmit(w, t, dend - len, len, (fin ? TT_TH_FIN : 0) | (len ? TT_TH_PSH : 0));
}

/* Drop @p bytes acknowledged bytes from the head of the send queue. */
void
sndq_drop(struct tt_tcb *t, uint32_t bytes)
{
	while (bytes > 0 && t->sndq_head != NULL) {
		struct rte_mbuf *q = t->sndq_head;

		if (q->data_len <= bytes) {
			bytes -= q->data_len;
			t->sndq_head = q->next;
			if (q->next != NULL)	/* the new first mbuf keeps the tail */
				mbuf_meta(q->next)->qnext = mbuf_meta(q)->qnext;
			q->next = NULL;
			rte_pktmbuf_free_seg(q);
		} else {
			q->data_off += bytes;
			q->data_len -= bytes;
			q->pkt_len = q->data_len;
			bytes = 0;
		}
	}
}

void
sndq_free(struct tt_tcb *t)
{
	struct rte_mbuf *q = t->sndq_head;

	while (q != NULL) {
		struct rte_mbuf *next = q->next;

		q->next = NULL;
		rte_pktmbuf_free_seg(q);
		q = next;
	}
	t->sndq_head = NULL;
}
