/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Echo (RFC 862), zero copy: the mbuf handed to on_data() goes straight back
 * out through tt_send().
 *
 * Flow control: received bytes are reported with tt_recved() only once
 * their echo has been acknowledged (on_sent()), so what a connection holds,
 * queued or unacknowledged, is bounded by its receive window.
 *
 * tt_send() frees the chain when the send buffer cannot take all of it, so
 * a chain is only sent once tt_send_space() covers it. Until then it waits,
 * with everything received after it, in one pending chain, and on_sent()
 * retries. If nothing is in flight and the pending chain still does not fit
 * (the send buffer is configured smaller than the receive window), what fits
 * is sent: whole leading segments zero copy, else part of the first segment
 * copied.
 *
 * The peer's FIN is answered with ours once nothing is pending.
 */

#include <errno.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "services.h"

struct echo_ctx {
	struct rte_mbuf *pend;		/* chain waiting for send space, or NULL */
	struct rte_mbuf *pend_tail;	/* last segment of pend */
	uint32_t unacked;		/* echoed, not yet acknowledged nor tt_recved() */
	uint8_t peer_fin;		/* FIN received */
	uint8_t shut;			/* tt_shutdown() called */
	uint8_t dead;			/* the connection can no longer send */
};

_Static_assert(sizeof(struct echo_ctx) <= TT_APP_CTX_SIZE, "echo ctx too large");

/* Free the pending chain and reopen the window for it. */
static void
echo_drop_pending(struct tt_conn *c, struct echo_ctx *x)
{
	uint32_t len;

	if (x->pend == NULL)
		return;
	len = x->pend->pkt_len;
	rte_pktmbuf_free(x->pend);
	x->pend = NULL;
	x->pend_tail = NULL;
	tt_recved(c, len);
}

/* The connection cannot send any more: behave like discard from now on. */
static void
echo_set_dead(struct tt_conn *c, struct echo_ctx *x)
{
	x->dead = 1;
	echo_drop_pending(c, x);
}

/*
 * Send @p m, which the caller checked fits in the send space.
 * @return 0, or -1 if @p c was aborted and must not be touched.
 */
static int
echo_send(struct tt_conn *c, struct echo_ctx *x, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;
	int ret;

	ret = tt_send(c, m);
	if (likely(ret >= 0)) {
		x->unacked += len;
		return 0;
	}
	if (ret == -ENOTCONN) {
		tt_recved(c, len);
		echo_set_dead(c, x);
		return 0;
	}
	/* -ENOBUFS despite the space check: the bytes are lost, and an echo
	 * stream with a hole in it must not go on.
	 */
	tt_abort(c);
	return -1;
}

/* Append @p m to the pending chain. */
static int
echo_queue(struct echo_ctx *x, struct rte_mbuf *m)
{
	if (x->pend == NULL) {
		x->pend = m;
	} else {
		if (unlikely(x->pend->nb_segs + m->nb_segs > RTE_MBUF_MAX_NB_SEGS))
			return -EOVERFLOW;
		x->pend_tail->next = m;
		x->pend->nb_segs += m->nb_segs;
		x->pend->pkt_len += m->pkt_len;
	}
	x->pend_tail = rte_pktmbuf_lastseg(m);
	return 0;
}

/* Unlink and free the first segment of the pending chain. */
static void
echo_pop_seg(struct echo_ctx *x)
{
	struct rte_mbuf *m = x->pend;
	struct rte_mbuf *rest = m->next;

	if (rest != NULL) {
		rest->pkt_len = m->pkt_len - m->data_len;
		rest->nb_segs = m->nb_segs - 1;
		m->next = NULL;
		m->nb_segs = 1;
	} else {
		x->pend_tail = NULL;
	}
	x->pend = rest;
	rte_pktmbuf_free_seg(m);
}

/*
 * Send up to @p space bytes (> 0, less than the pending length) from the
 * head of the pending chain.
 * @return 0 if something was sent, 1 if nothing could be, -1 if @p c is gone.
 */
static int
echo_send_part(struct tt_conn *c, struct echo_ctx *x, uint32_t space)
{
	struct rte_mbuf *m = x->pend;
	struct rte_mbuf *s, *last = NULL;
	uint32_t len = 0;
	uint16_t nseg = 0;
	int n;

	for (s = m; s != NULL && len + s->data_len <= space; s = s->next) {
		len += s->data_len;
		nseg++;
		last = s;
	}
	if (len > 0) {
		/* Split after the last whole segment that fits; send the head. */
		s = last->next;
		s->pkt_len = m->pkt_len - len;
		s->nb_segs = m->nb_segs - nseg;
		last->next = NULL;
		m->pkt_len = len;
		m->nb_segs = nseg;
		x->pend = s;
		return echo_send(c, x, m);
	}

	/* The first non-empty segment alone is larger than the space. */
	while (x->pend->data_len == 0)
		echo_pop_seg(x);
	m = x->pend;
	n = tt_send_copy(c, rte_pktmbuf_mtod(m, const void *), space);
	if (n < 0) {
		echo_set_dead(c, x);
		return 1;
	}
	if (n == 0)
		return 1;
	rte_pktmbuf_adj(m, (uint16_t)n);
	x->unacked += (uint32_t)n;
	return 0;
}

static void
echo_maybe_shutdown(struct tt_conn *c, struct echo_ctx *x)
{
	if (x->peer_fin != 0 && x->shut == 0 && x->pend == NULL && x->dead == 0) {
		x->shut = 1;
		tt_shutdown(c);
	}
}

/* Send what is pending as far as send space allows. */
static void
echo_flush(struct tt_conn *c, struct echo_ctx *x)
{
	struct rte_mbuf *m;
	uint32_t space;
	int ret;

	while (x->pend != NULL) {
		m = x->pend;
		space = tt_send_space(c);
		if (space >= m->pkt_len) {
			x->pend = NULL;
			x->pend_tail = NULL;
			if (echo_send(c, x, m) < 0)
				return;
			break;
		}
		/* Acknowledgements will make room: wait for on_sent(). */
		if (x->unacked > 0 || space == 0)
			return;
		ret = echo_send_part(c, x, space);
		if (ret < 0)
			return;
		if (ret > 0)
			break;
	}
	echo_maybe_shutdown(c, x);
}

static void
echo_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	struct echo_ctx *x = tt_conn_ctx(c);
	uint32_t len = m->pkt_len;

	if (unlikely(x->dead != 0 || len == 0)) {
		rte_pktmbuf_free(m);
		tt_recved(c, len);
		return;
	}
	if (likely(x->pend == NULL && tt_send_space(c) >= len)) {
		echo_send(c, x, m);
		return;
	}
	if (unlikely(echo_queue(x, m) < 0)) {
		/* More segments held than a chain can count: cannot happen
		 * within a receive window unless the peer is hostile.
		 */
		rte_pktmbuf_free(m);
		tt_abort(c);
		return;
	}
	echo_flush(c, x);
}

static void
echo_on_sent(struct tt_conn *c, uint32_t acked)
{
	struct echo_ctx *x = tt_conn_ctx(c);
	uint32_t n = RTE_MIN(acked, x->unacked);

	if (n > 0) {
		x->unacked -= n;
		tt_recved(c, n);
	}
	if (x->pend != NULL)
		echo_flush(c, x);
}

static void
echo_on_peer_fin(struct tt_conn *c)
{
	struct echo_ctx *x = tt_conn_ctx(c);

	x->peer_fin = 1;
	echo_maybe_shutdown(c, x);
}

static void
echo_on_close(struct tt_conn *c, enum tt_close_reason reason __rte_unused)
{
	struct echo_ctx *x = tt_conn_ctx(c);

	rte_pktmbuf_free(x->pend);
	x->pend = NULL;
	x->pend_tail = NULL;
}

const struct tt_service tt_svc_echo = {
	.name = "echo",
	.on_data = echo_on_data,
	.on_sent = echo_on_sent,
	.on_peer_fin = echo_on_peer_fin,
	.on_close = echo_on_close,
};
