/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Selective acknowledgments.
 *
 * Receive side (RFC 2018 §4, RFC 2883): the blocks of our next ACK come
 * from the reassembly queue. An optional D-SACK block reporting a duplicate
 * goes first; then the block holding the most recently received
 * out-of-order segment; then the other blocks in sequence order.
 *
 * Send side (RFC 6675): the scoreboard is up to TT_SACK_SLOTS disjoint
 * ranges [l, r) above snd.una the peer has SACKed, sorted. A hole is an
 * unSACKed range below the highest SACKed sequence; loss recovery
 * retransmits holes in order while pipe < cwnd (tcp_output.c). Ranges that
 * do not fit are dropped from the top: the lowest holes are the ones that
 * matter. RTO clears the scoreboard (RFC 6675 §5.1).
 */

#include "tt_tcp.h"

#define DUPTHRESH TT_DUPACK_THRESH

/* Contiguous ranges of the reassembly queue, in order, at most @p max. */
static unsigned int
ooo_ranges(const struct tt_tcb *t, struct tt_sack_blk *out, unsigned int max)
{
	struct rte_mbuf *q;
	unsigned int n = 0;

	for (q = t->ooo_head; q != NULL; q = mbuf_meta(q)->qnext) {
		uint32_t l = mbuf_meta(q)->seq, r = l + q->pkt_len;

		if (q->pkt_len == 0)
			continue;
		if (n > 0 && out[n - 1].r == l) {
			out[n - 1].r = r;
			continue;
		}
		if (n == max)
			break;
		out[n].l = l;
		out[n].r = r;
		n++;
	}
	return n;
}

/* RFC 2018 §4 and RFC 2883 §4: the blocks for our next ACK, at most @p max. */
uint32_t
sack_rcv_blocks(const struct tt_tcb *t, struct tt_sack_blk *b, unsigned int max)
{
	struct tt_sack_blk r[TT_SACK_SLOTS * 2];
	unsigned int nr, n = 0, i, first = UINT32_MAX;

	if (t->flags & TT_TF_DSACK)
		b[n++] = t->rcv.dsack;
	nr = ooo_ranges(t, r, RTE_DIM(r));
	for (i = 0; i < nr; i++) {
		if (seq_in(t->rcv.sack_last, r[i].l, r[i].r)) {
			first = i;
			if (n < max)
				b[n++] = r[i];
			break;
		}
	}
	for (i = 0; i < nr && n < max; i++)
		if (i != first)
			b[n++] = r[i];
	return n;
}

/* RFC 2883: a duplicate [l, r) arrived; the next ACK reports it first. */
void
sack_note_dup(struct tt_tcb *t, uint32_t l, uint32_t r)
{
	if (!(t->flags & TT_TF_SACK) || !seq_lt(l, r))
		return;
	t->rcv.dsack.l = l;
	t->rcv.dsack.r = r;
	t->flags |= TT_TF_DSACK;
}

/* Drop what snd.una has passed. */
void
sack_trim(struct tt_tcb *t)
{
	unsigned int i = 0, k;

	while (i < t->n_sacked && seq_leq(t->sacked[i].r, t->snd.una))
		i++;
	for (k = i; k < t->n_sacked; k++)
		t->sacked[k - i] = t->sacked[k];
	t->n_sacked -= i;
	if (t->n_sacked > 0 && seq_lt(t->sacked[0].l, t->snd.una))
		t->sacked[0].l = t->snd.una;
	if (seq_lt(t->snd.high_rxt, t->snd.una))
		t->snd.high_rxt = t->snd.una;
}

static void
sb_insert(struct tt_tcb *t, uint32_t l, uint32_t r)
{
	struct tt_sack_blk *sb = t->sacked;
	unsigned int i = 0, j, k;

	/* First range that ends at or after l. */
	while (i < t->n_sacked && seq_lt(sb[i].r, l))
		i++;
	/* Ranges i..j-1 touch [l, r): merge them. */
	j = i;
	while (j < t->n_sacked && seq_leq(sb[j].l, r)) {
		l = seq_min(l, sb[j].l);
		r = seq_max(r, sb[j].r);
		j++;
	}
	if (j > i) {
		sb[i].l = l;
		sb[i].r = r;
		for (k = j; k < t->n_sacked; k++)
			sb[i + 1 + k - j] = sb[k];
		t->n_sacked -= (uint8_t)(j - i - 1);
		return;
	}
	if (t->n_sacked == TT_SACK_SLOTS) {
		if (i == TT_SACK_SLOTS)
			return;			/* above everything kept: forget it */
		t->n_sacked--;			/* forget the highest range */
	}
	for (k = t->n_sacked; k > i; k--)
		sb[k] = sb[k - 1];
	sb[i].l = l;
	sb[i].r = r;
	t->n_sacked++;
}

/* RFC 6675 §5 (Update()): merge the blocks of an ACK into the scoreboard. */
void
sack_update(struct tt_tcb *t, const struct tt_seg *s)
{
	uint32_t una = seq_in(s->ack, t->snd.una, t->snd.max + 1) ? s->ack : t->snd.una;
	unsigned int k;

	for (k = 0; k < s->nsack; k++) {
		uint32_t l = s->sack[k].l, r = s->sack[k].r;

		/* D-SACK blocks and blocks for data never sent are ignored. */
		if (!seq_lt(l, r) || !seq_gt(r, una) || seq_gt(r, t->snd.max) ||
		    seq_lt(l, t->snd.una))
			continue;
		sb_insert(t, seq_max(l, una), r);
	}
}

/*
 * RFC 6675 §4 IsLost(): more than (DupThresh - 1) * SMSS bytes or DupThresh
 * ranges SACKed above @p seq.
 */
bool
sack_is_lost(const struct tt_tcb *t, uint32_t seq)
{
	uint32_t bytes = 0, blocks = 0;
	unsigned int i;

	for (i = 0; i < t->n_sacked; i++) {
		if (seq_leq(t->sacked[i].l, seq))
			continue;
		bytes += t->sacked[i].r - t->sacked[i].l;
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
	uint32_t start = t->snd.una, pipe = 0;
	uint32_t hrx = seq_max(t->snd.high_rxt, t->snd.una);
	unsigned int i;

	for (i = 0; i < t->n_sacked; i++) {
		uint32_t l = t->sacked[i].l;

		if (seq_lt(start, l)) {
			if (!sack_is_lost(t, start))
				pipe += l - start;
			if (seq_gt(hrx, start))
				pipe += seq_min(hrx, l) - start;
		}
		start = seq_max(start, t->sacked[i].r);
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
	uint32_t start = t->snd.una;
	uint32_t hrx = seq_max(t->snd.high_rxt, t->snd.una);
	unsigned int i;

	for (i = 0; i < t->n_sacked; i++) {
		uint32_t s = seq_max(start, hrx);

		if (seq_lt(s, t->sacked[i].l)) {
			if (lost_only && !sack_is_lost(t, s))
				return false;	/* holes above are lost even less */
			*l = s;
			*r = t->sacked[i].l;
			return true;
		}
		start = seq_max(start, t->sacked[i].r);
	}
	return false;
}
