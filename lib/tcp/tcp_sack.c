/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Selective acknowledgments.
 *
 * Receive side (RFC 2018 §4, RFC 2883): the blocks of our next ACK come
 * from the reassembly queue. An optional D-SACK block reporting a duplicate
 * goes first; then the range holding the most recently received
 * out-of-order segment, then the other ranges reported recently (newest
 * first, remembered in sack_hist), then the lowest ranges.
 *
 * Send side (RFC 6675): the scoreboard is up to TT_SACK_SLOTS disjoint
 * ranges [l, r) above snd.una the peer has SACKed, sorted. A hole is an
 * unSACKed range below the highest SACKed sequence; loss recovery
 * retransmits holes in order while pipe < cwnd (tcp_output.c). Ranges that
 * do not fit are dropped from the top: the lowest holes are the ones that
 * matter. RTO clears the scoreboard (RFC 6675 §5.1).
 *
 * All of this lives in the TCB's extension (struct tt_tcb_ext), taken
 * when first needed and given back when the connection is quiet; without
 * one (none yet, or the pool empty) the scoreboard and history are empty.
 */

#include <string.h>

#include "tt_tcp.h"

#define DUPTHRESH TT_DUPACK_THRESH

/* The contiguous range starting at @p q, as [l, r); returns the mbuf after it. */
static struct rte_mbuf *
range_at(struct rte_mbuf *q, struct tt_sack_blk *rg)
{
	rg->l = mbuf_meta(q)->seq;
	rg->r = rg->l + q->pkt_len;
	for (q = mbuf_meta(q)->qnext; q != NULL && mbuf_meta(q)->seq == rg->r;
	     q = mbuf_meta(q)->qnext)
		rg->r += q->pkt_len;
	return q;
}

/* The contiguous range of the reassembly queue holding @p seq, if any. */
static bool
ooo_range_of(const struct tt_tcb *t, uint32_t seq, struct tt_sack_blk *rg)
{
	struct rte_mbuf *q = tcb_ooo_head(t);

	while (q != NULL) {
		q = range_at(q, rg);
		if (seq_in(seq, rg->l, rg->r))
			return true;
		if (seq_lt(seq, rg->l))
			return false;
	}
	return false;
}

/*
 * RFC 2018 §4: an out-of-order segment starting at @p seq was queued (or
 * was a duplicate of queued data). Its range becomes the newest entry of the
 * history; an older entry inside the same range goes, since that range now
 * leads.
 */
void
sack_note_ooo(struct tt_tcb *t, uint32_t seq)
{
	uint32_t old[TT_SACK_HIST];
	struct tt_tcb_ext *x;
	struct tt_sack_blk rg;
	unsigned int i, n = 0;

	if (!(t->flags & TT_TF_SACK))
		return;
	if (!ooo_range_of(t, seq, &rg))
		return;
	x = tcb_ext_get(t);
	if (x == NULL)
		return;
	memcpy(old, x->sack_hist, sizeof(old));
	for (i = 0; i < x->n_hist; i++)
		if (!seq_in(old[i], rg.l, rg.r) && n < TT_SACK_HIST - 1)
			x->sack_hist[1 + n++] = old[i];
	x->sack_hist[0] = seq;
	x->n_hist = (uint8_t)(n + 1);
}

static bool
blk_listed(const struct tt_sack_blk *b, unsigned int n, uint32_t l)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (b[i].l == l)
			return true;
	return false;
}

/*
 * RFC 2018 §4 and RFC 2883 §4: the blocks for our next ACK, at most @p max.
 * A D-SACK block goes first; then the range holding the most recently
 * received segment and the other recently reported ranges, newest first,
 * so that each range is repeated in several ACKs and a lost ACK costs the
 * sender nothing; any room left goes to the lowest ranges, the holes the
 * sender needs to fill first.
 */
uint32_t
sack_rcv_blocks(const struct tt_tcb *t, struct tt_sack_blk *b, unsigned int max)
{
	const struct tt_tcb_ext *x = tcb_ext(t);
	unsigned int n = 0, i, first, n_hist = x == NULL ? 0 : x->n_hist;
	struct tt_sack_blk rg;
	struct rte_mbuf *q;

	if ((t->flags & TT_TF_DSACK) && x != NULL)
		b[n++] = x->dsack;
	first = n;
	for (i = 0; i < n_hist && n < max; i++)
		if (ooo_range_of(t, x->sack_hist[i], &rg) &&
		    !blk_listed(b + first, n - first, rg.l))
			b[n++] = rg;
	for (q = tcb_ooo_head(t); q != NULL && n < max;) {
		q = range_at(q, &rg);
		if (seq_lt(rg.l, rg.r) && !blk_listed(b + first, n - first, rg.l))
			b[n++] = rg;
	}
	return n;
}

/* RFC 2883: a duplicate [l, r) arrived; the next ACK reports it first. */
void
sack_note_dup(struct tt_tcb *t, uint32_t l, uint32_t r)
{
	struct tt_tcb_ext *x;

	if (!(t->flags & TT_TF_SACK) || !seq_lt(l, r))
		return;
	x = tcb_ext_get(t);
	if (x == NULL)
		return;
	x->dsack.l = l;
	x->dsack.r = r;
	t->flags |= TT_TF_DSACK;
}

/* Drop what snd.una has passed. */
void
sack_trim(struct tt_tcb *t)
{
	struct tt_tcb_ext *x = tcb_ext(t);
	unsigned int i = 0, k;

	while (x != NULL && i < x->n_sacked && seq_leq(x->sacked[i].r, t->snd.una))
		i++;
	if (x != NULL) {
		for (k = i; k < x->n_sacked; k++)
			x->sacked[k - i] = x->sacked[k];
		x->n_sacked -= i;
		if (x->n_sacked > 0 && seq_lt(x->sacked[0].l, t->snd.una))
			x->sacked[0].l = t->snd.una;
	}
	if (x != NULL && seq_lt(x->high_rxt, t->snd.una))
		x->high_rxt = t->snd.una;
}

static void
sb_insert(struct tt_tcb_ext *x, uint32_t l, uint32_t r)
{
	struct tt_sack_blk *sb = x->sacked;
	unsigned int i = 0, j, k;

	/* First range that ends at or after l. */
	while (i < x->n_sacked && seq_lt(sb[i].r, l))
		i++;
	/* Ranges i..j-1 touch [l, r): merge them. */
	j = i;
	while (j < x->n_sacked && seq_leq(sb[j].l, r)) {
		l = seq_min(l, sb[j].l);
		r = seq_max(r, sb[j].r);
		j++;
	}
	if (j > i) {
		sb[i].l = l;
		sb[i].r = r;
		for (k = j; k < x->n_sacked; k++)
			sb[i + 1 + k - j] = sb[k];
		x->n_sacked -= (uint8_t)(j - i - 1);
		return;
	}
	if (x->n_sacked == TT_SACK_SLOTS) {
		if (i == TT_SACK_SLOTS)
			return;			/* above everything kept: forget it */
		x->n_sacked--;			/* forget the highest range */
	}
	for (k = x->n_sacked; k > i; k--)
		sb[k] = sb[k - 1];
	sb[i].l = l;
	sb[i].r = r;
	x->n_sacked++;
}

static uint32_t
sb_bytes(const struct tt_tcb_ext *x)
{
	uint32_t bytes = 0;
	unsigned int i;

	for (i = 0; x != NULL && i < x->n_sacked; i++)
		bytes += x->sacked[i].r - x->sacked[i].l;
	return bytes;
}

/*
 * RFC 6675 §5 (Update()): merge the blocks of an ACK into the scoreboard.
 * @return how many bytes the scoreboard gained: nonzero makes the ACK a
 * "duplicate acknowledgment" in RFC 6675 §2's sense, data on it or not.
 */
uint32_t
sack_update(struct tt_tcb *t, const struct tt_seg *s)
{
	uint32_t una = seq_in(s->ack, t->snd.una, t->snd.max + 1) ? s->ack : t->snd.una;
	uint32_t before = sb_bytes(tcb_ext(t)), after;
	struct tt_tcb_ext *x = NULL;
	unsigned int k;

	for (k = 0; k < s->nsack; k++) {
		uint32_t l = s->sack[k].l, r = s->sack[k].r;

		/* D-SACK blocks and blocks for data never sent are ignored. */
		if (!seq_lt(l, r) || !seq_gt(r, una) || seq_gt(r, t->snd.max) ||
		    seq_lt(l, t->snd.una))
			continue;
		if (x == NULL) {
			x = tcb_ext_get(t);
			if (x == NULL)
				return 0;	/* no room for a scoreboard: as without SACK */
		}
		sb_insert(x, seq_max(l, una), r);
	}
	after = sb_bytes(tcb_ext(t));
	return after > before ? after - before : 0;
}

/*
 * RFC 6675 §4 IsLost(): more than (DupThresh - 1) * SMSS bytes or DupThresh
 * ranges SACKed above @p seq.
 */
bool
sack_is_lost(const struct tt_tcb *t, uint32_t seq)
{
	const struct tt_tcb_ext *x = tcb_ext(t);
	uint32_t bytes = 0, blocks = 0;
	unsigned int i;

	for (i = 0; x != NULL && i < x->n_sacked; i++) {
		if (seq_leq(x->sacked[i].l, seq))
			continue;
		bytes += x->sacked[i].r - x->sacked[i].l;
		blocks++;
	}
	return bytes > (DUPTHRESH - 1) * (uint32_t)t->mss || blocks >= DUPTHRESH;
}

/*
 * RFC 6675 §4 SetPipe(): unSACKed bytes in flight, each counted once if not
 * lost and once more if retransmitted. Above the highest SACKed byte nothing
 * is lost or retransmitted.
 */
uint32_t
sack_pipe(const struct tt_tcb *t)
{
	const struct tt_tcb_ext *x = tcb_ext(t);
	uint32_t start = t->snd.una, pipe = 0;
	uint32_t hrx = x != NULL ? seq_max(x->high_rxt, t->snd.una) : t->snd.una;
	unsigned int i;

	for (i = 0; x != NULL && i < x->n_sacked; i++) {
		uint32_t l = x->sacked[i].l;

		if (seq_lt(start, l)) {
			if (!sack_is_lost(t, start))
				pipe += l - start;
			if (seq_gt(hrx, start))
				pipe += seq_min(hrx, l) - start;
		}
		start = seq_max(start, x->sacked[i].r);
	}
	if (seq_lt(start, t->snd.max))
		pipe += t->snd.max - start;
	return pipe;
}

/*
 * RFC 6675 §4 NextSeg() rules 1 and 3: the first unSACKed range at or above
 * HighRxt and below the highest SACKed byte; with @p lost_only, only if it
 * is lost.
 */
bool
sack_next_hole(const struct tt_tcb *t, bool lost_only, uint32_t *l, uint32_t *r)
{
	const struct tt_tcb_ext *x = tcb_ext(t);
	uint32_t start = t->snd.una;
	uint32_t hrx = x != NULL ? seq_max(x->high_rxt, t->snd.una) : t->snd.una;
	unsigned int i;

	for (i = 0; x != NULL && i < x->n_sacked; i++) {
		uint32_t s = seq_max(start, hrx);

		if (seq_lt(s, x->sacked[i].l)) {
			if (lost_only && !sack_is_lost(t, s))
				return false;	/* holes above are lost even less */
			*l = s;
			*r = x->sacked[i].l;
			return true;
		}
		start = seq_max(start, x->sacked[i].r);
	}
	return false;
}
