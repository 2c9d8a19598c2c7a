/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Out-of-order reassembly: a per-TCB list of payload mbufs sorted by
 * sequence number, with no overlaps (a newcomer is trimmed against what is
 * already queued). Bounded by the receive window (segments beyond it were
 * trimmed on arrival) and by a count of mbufs. The queue lives in the
 * TCB's SACK state block (struct tt_tcb_ext): no block, no queue.
 */

#include <rte_mbuf.h>

#include "tt_tcp.h"

/* Drop @p n bytes from the front of a chain; returns the new head. */
struct rte_mbuf *
mbuf_trim_front(struct rte_mbuf *m, uint32_t n)
{
	while (n > 0 && n >= m->data_len && m->next != NULL) {
		struct rte_mbuf *next = m->next;

		n -= m->data_len;
		next->pkt_len = m->pkt_len - m->data_len;
		next->nb_segs = (uint16_t)(m->nb_segs - 1);
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
	n = RTE_MIN(n, (uint32_t)m->data_len);
	m->data_off += n;
	m->data_len -= n;
	m->pkt_len -= n;
	return m;
}

/* Drop @p n bytes from the end of a chain. */
void
mbuf_trim_back(struct rte_mbuf *m, uint32_t n)
{
	uint32_t keep = m->pkt_len > n ? m->pkt_len - n : 0;
	uint32_t sum = 0;
	uint16_t segs = 0;
	struct rte_mbuf *seg = m;

	for (;;) {
		segs++;
		if (sum + seg->data_len >= keep || seg->next == NULL)
			break;
		sum += seg->data_len;
		seg = seg->next;
	}
	seg->data_len = (uint16_t)(keep - sum);
	if (seg->next != NULL) {
		rte_pktmbuf_free(seg->next);
		seg->next = NULL;
	}
	m->pkt_len = keep;
	m->nb_segs = segs;
}

static uint32_t
q_end(struct rte_mbuf *q)
{
	return mbuf_meta(q)->seq + q->pkt_len;
}

static void
q_unlink_free(struct tt_tcb *t, struct rte_mbuf **link)
{
	struct tt_tcb_ext *x = tcb_ext(t);
	struct rte_mbuf *q = *link;

	*link = mbuf_meta(q)->qnext;
	x->ooo_bytes -= q->pkt_len;
	x->ooo_segs--;
	tcb_worker(t)->ooo_mbufs--;
	rte_pktmbuf_free(q);
}

/* Queue @p m; @p t has its SACK state block (tcb_ext_get()). */
void
reass_insert(struct tt_worker *w, struct tt_tcb *t, struct rte_mbuf *m, uint32_t seq,
	     uint32_t len, bool fin)
{
	struct tt_tcb_ext *x = tcb_ext(t);
	struct rte_mbuf **link = &x->ooo_head;
	struct rte_mbuf *prev = NULL;

	(void)w;
	while (*link != NULL && seq_lt(mbuf_meta(*link)->seq, seq)) {
		prev = *link;
		link = &mbuf_meta(prev)->qnext;
	}
	/* Overlap with the predecessor: keep the bytes already queued. */
	if (prev != NULL && seq_gt(q_end(prev), seq)) {
		uint32_t d = q_end(prev) - seq;

		if (d >= len && !(fin && d == len)) {
			sack_note_dup(t, seq, seq + len);	/* RFC 2883 */
			rte_pktmbuf_free(m);
			return;
		}
		d = RTE_MIN(d, len);
		sack_note_dup(t, seq, seq + d);
		m = mbuf_trim_front(m, d);
		seq += d;
		len -= d;
	}
	/* Successors inside the newcomer go; one overlapping its end trims it. */
	while (*link != NULL && seq_leq(mbuf_meta(*link)->seq, seq + len)) {
		struct rte_mbuf *q = *link;

		if (seq_leq(q_end(q), seq + len) && !(mbuf_meta(q)->seq == seq + len && len != 0)) {
			sack_note_dup(t, mbuf_meta(q)->seq, q_end(q));	/* RFC 2883 */
			fin = fin || mbuf_meta(q)->fin;
			q_unlink_free(t, link);
			continue;
		}
		if (seq_lt(mbuf_meta(q)->seq, seq + len)) {
			mbuf_trim_back(m, seq + len - mbuf_meta(q)->seq);
			len = mbuf_meta(q)->seq - seq;
			fin = false;
		}
		break;
	}
	mbuf_meta(m)->seq = seq;
	mbuf_meta(m)->fin = fin;
	mbuf_meta(m)->qnext = *link;
	*link = m;
	x->ooo_bytes += len;
	x->ooo_segs++;
	tcb_worker(t)->ooo_mbufs++;
}

/* The head of the queue if it starts at rcv.nxt (trimmed to it), else NULL. */
struct rte_mbuf *
reass_pop(struct tt_tcb *t, bool *fin, uint32_t *len)
{
	struct tt_tcb_ext *x = tcb_ext(t);

	while (x != NULL && x->ooo_head != NULL) {
		struct rte_mbuf *q = x->ooo_head;
		uint32_t seq = mbuf_meta(q)->seq;

		if (seq_gt(seq, t->rcv.nxt))
			return NULL;
		if (seq_lt(seq, t->rcv.nxt) && seq_leq(q_end(q), t->rcv.nxt) && !mbuf_meta(q)->fin) {
			q_unlink_free(t, &x->ooo_head);
			continue;
		}
		x->ooo_head = mbuf_meta(q)->qnext;
		x->ooo_bytes -= q->pkt_len;
		x->ooo_segs--;
		tcb_worker(t)->ooo_mbufs--;
		*fin = mbuf_meta(q)->fin != 0;
		if (seq_lt(seq, t->rcv.nxt))
			q = mbuf_trim_front(q, t->rcv.nxt - seq);
		*len = q->pkt_len;
		return q;
	}
	if (x != NULL)
		x->n_hist = 0;	/* nothing left to report */
	return NULL;
}

void
reass_free(struct tt_tcb *t)
{
	while (tcb_ooo_head(t) != NULL)
		q_unlink_free(t, &tcb_ext(t)->ooo_head);
}
