/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <string.h>

#include <rte_hash_crc.h>

#include "tt_tcp.h"

/*
 * The flow table: the 4-tuple of every TCB, chained hashing over 32-bit
 * indexes into the worker's TCB array (index + 1; 0 ends a chain), one
 * bucket per TCB rounded up to a power of two. The key and the link are
 * in the TCB's first cache line, so an entry costs the TCB 4 bytes and a
 * bucket 4 to 8: an rte_hash entry (key store, buckets, extendable
 * buckets and the free-slot ring) cost 50 to 80. A burst's buckets and
 * first TCBs are prefetched before it is processed (worker.c).
 */
static inline bool
flow_key_eq(const struct tt_flow_key *a, const struct tt_flow_key *b)
{
	return a->raddr == b->raddr && a->laddr == b->laddr && a->rport == b->rport &&
	       a->lport == b->lport;
}

static inline uint32_t *
flow_bucket(struct tt_worker *w, const struct tt_flow_key *key)
{
	return &w->flow_heads[flow_hash(key) & w->flow_mask];
}

void *
flow_lookup_hash(struct tt_worker *w, uint32_t hash, const struct tt_flow_key *key)
{
	struct tt_tw *tw;
	uint32_t i;

	for (i = w->flow_heads[hash & w->flow_mask]; i != 0; i = w->tcbs[i - 1].flow_next)
		if (flow_key_eq(&w->tcbs[i - 1].key, key))
			return &w->tcbs[i - 1];
	tw = tw_lookup_hash(w, hash, key);
	return tw == NULL ? NULL : tw_flow(tw);
}

void *
flow_lookup(struct tt_worker *w, const struct tt_flow_key *key)
{
	return flow_lookup_hash(w, flow_hash(key), key);
}

static void
flow_link(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t *b = flow_bucket(w, &t->key);

	t->flow_next = *b;
	*b = (uint32_t)(t - w->tcbs) + 1;
	w->n_flows++;
}

static void
flow_unlink(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t *p = flow_bucket(w, &t->key), me = (uint32_t)(t - w->tcbs) + 1;

	while (*p != me)
		p = &w->tcbs[*p - 1].flow_next;
	*p = t->flow_next;
	w->n_flows--;
}

/*
 * Per-state counts feed /tcpterm/states; CLOSED is not counted (a free TCB).
 * A passive open leaving SYN_RCVD, whichever way (ESTABLISHED, reset,
 * timeout, drain: they all come through here), frees its backlog slot.
 */
void
tcb_set_state(struct tt_worker *w, struct tt_tcb *t, uint8_t state)
{
	if ((t->flags & TT_TF_BACKLOG) && state != TT_SYN_RCVD) {
		w->syn_backlog[t->lidx]--;
		t->flags &= ~TT_TF_BACKLOG;
	}
	if (t->state != TT_CLOSED)
		w->n_state[t->state]--;
	if (state != TT_CLOSED)
		w->n_state[state]++;
	t->state = state;
}

struct tt_tcb *
tcb_alloc(struct tt_worker *w, const struct tt_flow_key *key, uint8_t port)
{
	struct tt_tcb *t;

	if (unlikely(w->tcb_free == 0)) {
		TT_DROP(w, tcb_pool_full);
		return NULL;
	}
	t = &w->tcbs[w->tcb_free - 1];
	w->tcb_free = t->flow_next;
	memset(t, 0, offsetof(struct tt_tcb, app));
	t->key = *key;
	t->port = port;
	t->wslot = w->slot;
	flow_link(w, t);
	return t;
}

/*
 * The SACK state of @p t, taken from the worker's pool if it has none;
 * NULL (counted) when the pool is empty.
 */
struct tt_tcb_ext *
tcb_ext_get(struct tt_tcb *t)
{
	struct tt_worker *w = tcb_worker(t);
	struct tt_tcb_ext *x = tcb_ext(t);

	if (likely(x != NULL))
		return x;
	x = w->ext_free;
	if (unlikely(x == NULL)) {
		TT_STAT_INC(w, sack_state_unavailable);
		return NULL;
	}
	w->ext_free = x->free_next;
	w->ext_used++;
	memset(x, 0, sizeof(*x));
	x->high_rxt = t->snd.una;	/* nothing retransmitted, no undo hold */
	x->undo_hold = t->snd.una;
	t->ext_idx = (uint32_t)(x - w->exts) + 1;
	TT_STAT_INC(w, sack_state_taken);
	return x;
}

static void
tcb_ext_free(struct tt_worker *w, struct tt_tcb *t)
{
	struct tt_tcb_ext *x = tcb_ext(t);

	t->ext_idx = 0;
	x->free_next = w->ext_free;
	w->ext_free = x;
	w->ext_used--;
}

/*
 * Give @p t's SACK state back once the connection is quiet: nothing SACKed
 * in flight, nothing out of order, no D-SACK to report.
 */
void
tcb_ext_put(struct tt_worker *w, struct tt_tcb *t)
{
	const struct tt_tcb_ext *x = tcb_ext(t);

	if (x != NULL && x->n_sacked == 0 && x->ooo_head == NULL &&
	    !(t->flags & (TT_TF_DSACK | TT_TF_IN_RECOVERY | TT_TF_UNDO)) &&
	    seq_geq(t->snd.una, x->undo_hold))
		tcb_ext_free(w, t);
}

/* Return a TCB to the pool: every mbuf it holds is freed, its wheel entry cancelled. */
void
tcb_release(struct tt_worker *w, struct tt_tcb *t)
{
	tt_wheel_cancel(&w->wheel, &t->tnode);
	sndq_free(t);
	reass_free(t);
	if (t->ext_idx != 0)
		tcb_ext_free(w, t);
	if (!(t->flags & TT_TF_FREE) || t->state != TT_TIME_WAIT) {
		/* A TCB that became a TIME_WAIT record already gave its key away. */
		flow_unlink(w, t);
	}
	tcb_set_state(w, t, TT_CLOSED);
	t->flags = 0;
	t->flow_next = w->tcb_free;
	w->tcb_free = (uint32_t)(t - w->tcbs) + 1;
}

static void
tcb_notify_close(struct tt_tcb *t, enum tt_close_reason why)
{
	const struct tt_service *svc = tcb_svc(t);

	if (!(t->flags & TT_TF_ACCEPTED))
		return;
	t->flags &= ~TT_TF_ACCEPTED;
	if (svc != NULL && svc->on_close != NULL)
		svc->on_close(conn_of(t), why);
}

/*
 * End a connection for good. The service hears about it once; the memory is
 * released now, or when the code processing this TCB lets go of it.
 */
void
tcb_close(struct tt_worker *w, struct tt_tcb *t, enum tt_close_reason why)
{
	if (t->flags & TT_TF_FREE)
		return;
	tcb_notify_close(t, why);
	TT_STAT_INC(w, conn_closed);
	if (t->flags & TT_TF_BUSY) {
		t->flags |= TT_TF_FREE;
		return;
	}
	tcb_release(w, t);
}

/*
 * The TIME_WAIT table. Every record lasts [tcp] time_wait_ms, so records
 * expire in the order they were made: they are taken from a circular
 * array at tw_tail + tw_used and expire from tw_tail, with no timer node.
 * A record freed early (RFC 6191 reuse, a FIN restarting 2MSL, which
 * moves the record to the head) leaves a hole that counts against the
 * capacity until the tail passes it, at most time_wait_ms later. Lookup
 * is by chained hashing over 32-bit indexes (index + 1; 0 ends a chain).
 */
static inline uint32_t *
tw_bucket(struct tt_worker *w, const struct tt_flow_key *key)
{
	return &w->tw_heads[flow_hash(key) & w->tw_mask];
}

struct tt_tw *
tw_lookup_hash(struct tt_worker *w, uint32_t hash, const struct tt_flow_key *key)
{
	uint32_t i;

	if (w->tw_used == 0)
		return NULL;
	for (i = w->tw_heads[hash & w->tw_mask]; i != 0; i = w->tws[i - 1].next) {
		struct tt_tw *tw = &w->tws[i - 1];

		if (memcmp(&tw->key, key, sizeof(*key)) == 0)
			return tw;
	}
	return NULL;
}

struct tt_tw *
tw_lookup(struct tt_worker *w, const struct tt_flow_key *key)
{
	return w->tw_used == 0 ? NULL : tw_lookup_hash(w, flow_hash(key), key);
}

/* A slot at the head of the array, NULL when none is left. */
static struct tt_tw *
tw_take(struct tt_worker *w)
{
	uint32_t i;

	if (w->tw_used == w->n_tws)
		return NULL;
	/* The first record of an empty table: tw_expire() must look at it, not an old expiry. */
	if (w->tw_used == 0)
		w->tw_wait_ms = (uint32_t)w->now_ms;
	i = w->tw_tail + w->tw_used;
	if (i >= w->n_tws)
		i -= w->n_tws;
	w->tw_used++;
	return &w->tws[i];
}

static void
tw_link(struct tt_worker *w, struct tt_tw *tw)
{
	uint32_t *b = tw_bucket(w, &tw->key);

	tw->next = *b;
	*b = (uint32_t)(tw - w->tws) + 1;
	tw->flags |= TT_TWF_LIVE;
	tw->expire_ms = (uint32_t)(w->now_ms + w->cfg->tcp.time_wait_ms);
}

static void
tw_unlink(struct tt_worker *w, struct tt_tw *tw)
{
	uint32_t *p = tw_bucket(w, &tw->key), me = (uint32_t)(tw - w->tws) + 1;

	while (*p != me)
		p = &w->tws[*p - 1].next;
	*p = tw->next;
	tw->flags &= ~TT_TWF_LIVE;
}

/*
 * RFC 9293 §3.10.7.4: TIME-WAIT. The TCB becomes a compact record in the
 * TIME_WAIT table and leaves the flow table; the TCB goes back to the pool.
 */
void
tcb_enter_time_wait(struct tt_worker *w, struct tt_tcb *t)
{
	struct tt_tw *tw = tw_take(w);

	tcb_notify_close(t, TT_CLOSE_NORMAL);
	TT_STAT_INC(w, conn_closed);
	if (unlikely(tw == NULL)) {
		/* No record left: forget the connection (counted), as Linux does past tw_buckets. */
		TT_DROP(w, time_wait_pool_full);
		if (t->flags & TT_TF_BUSY)
			t->flags |= TT_TF_FREE;
		else
			tcb_release(w, t);
		return;
	}
	memset(tw, 0, sizeof(*tw));
	tw->key = t->key;
	tw->snd_nxt = t->snd.max;
	tw->rcv_nxt = t->rcv.nxt;
	tw->rcv_wnd = tcb_wnd_field(t, tcb_rcv_window(t), false);
	tw->port = t->port;
	if (t->flags & TT_TF_TS) {
		tw->flags = TT_TWF_TS;
		tw->ts_recent = t->ts_recent;
	}
	flow_unlink(w, t);
	tw_link(w, tw);
	w->n_state[TT_TIME_WAIT]++;
	TT_STAT_INC(w, time_wait_entered);

	tcb_set_state(w, t, TT_TIME_WAIT);
	t->flags |= TT_TF_FREE;
	if (!(t->flags & TT_TF_BUSY))
		tcb_release(w, t);
}

/* Delete a TIME_WAIT record; its slot is reused once the tail reaches it. */
void
tw_free(struct tt_worker *w, struct tt_tw *tw)
{
	tw_unlink(w, tw);
	w->n_state[TT_TIME_WAIT]--;
}

/*
 * 2MSL starts again (a FIN in TIME_WAIT): the record moves to the head so
 * the array stays in expiry order; with no slot free it stays, and the
 * records behind it wait for it. @return the record, wherever it is now.
 */
struct tt_tw *
tw_restart(struct tt_worker *w, struct tt_tw *tw)
{
	struct tt_tw *n = tw_take(w);

	if (n == NULL) {
		tw->expire_ms = (uint32_t)(w->now_ms + w->cfg->tcp.time_wait_ms);
		return tw;
	}
	tw_unlink(w, tw);
	*n = *tw;
	tw_link(w, n);
	return n;
}

/*
 * RFC 9293: 2MSL passed; delete up to @p budget records. @return records
 * deleted. Every record behind the tail expires no earlier than the tail
 * (they are made in time order, and a restarted one moves to the head or
 * only gets later), so once the tail is found not yet due, nothing is until
 * its expiry: the loop then neither runs nor reads the tail's cold record.
 * While records exist, tw_wait_ms is at most time_wait_ms ahead of the
 * clock (tw_take() sets it to now for the first one), well inside the
 * 32-bit comparison's range.
 */
unsigned int __rte_noinline
tw_expire(struct tt_worker *w, unsigned int budget)
{
	unsigned int n = 0;

	if (!tw_due(w))
		return 0;
	while (w->tw_used > 0 && n < budget) {
		struct tt_tw *tw = &w->tws[w->tw_tail];

		if (tw->flags & TT_TWF_LIVE) {
			if ((int32_t)(tw->expire_ms - (uint32_t)w->now_ms) > 0) {
				w->tw_wait_ms = tw->expire_ms;
				break;
			}
			TT_STAT_INC(w, time_wait_expired);
			tw_free(w, tw);
			n++;
		}
		w->tw_used--;
		if (++w->tw_tail == w->n_tws)
			w->tw_tail = 0;
	}
	return n;
}

/* Delete every TIME_WAIT record (drain). */
void
tw_free_all(struct tt_worker *w)
{
	while (w->tw_used > 0) {
		struct tt_tw *tw = &w->tws[w->tw_tail];

		if (tw->flags & TT_TWF_LIVE)
			tw_free(w, tw);
		w->tw_used--;
		if (++w->tw_tail == w->n_tws)
			w->tw_tail = 0;
	}
	w->tw_tail = 0;
}

/* A passive open of listener @p lidx takes one of its backlog slots until it leaves SYN_RCVD. */
void
tcb_backlog_add(struct tt_worker *w, struct tt_tcb *t, unsigned int lidx)
{
	t->lidx = (uint8_t)lidx;
	t->flags |= TT_TF_BACKLOG;
	w->syn_backlog[lidx]++;
}

/*
 * Send side of a new connection: RFC 6528 ISN, RFC 6928 initial window (or
 * [tcp] initial_window), RFC 6298 initial RTO, the congestion-control algorithm,
 * the Nagle and keepalive switches.
 */
static void
tcb_init_send_common(struct tt_worker *w, struct tt_tcb *t, uint32_t iss, uint32_t ts_offset)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;

	t->snd.una = t->snd.nxt = t->snd.max = t->snd.recover = iss;
	t->snd.end = iss + 1;
	t->snd.sml = iss;
	if (cfg->initial_window != 0)
		t->snd.cwnd = cfg->initial_window * t->mss;
	else
		t->snd.cwnd = RTE_MIN(10u * t->mss, RTE_MAX(2u * t->mss, 14600u));
	t->snd.ssthresh = UINT32_MAX;
	t->cc_id = (uint8_t)(cfg->congestion_control < TT_CC_NB ? cfg->congestion_control
								  : TT_CC_NEWRENO);
	tcb_cc(t)->init(t);
	/* Per-connection switches start from [tcp]; tt_set_nodelay() changes them. */
	if (!cfg->nagle)
		t->flags |= TT_TF_NODELAY;
	if (cfg->keepalive)
		t->flags |= TT_TF_KEEPALIVE;
	t->ts_offset = ts_offset;
}

void
tcb_init_send(struct tt_worker *w, struct tt_tcb *t)
{
	uint32_t ts_offset, iss = tcp_isn_ts_offset(w, &t->key, &ts_offset);

	tcb_init_send_common(w, t, iss, ts_offset);
}

/* As tcb_init_send() with a given ISN (a SYN cookie's). */
void
tcb_init_send_iss(struct tt_worker *w, struct tt_tcb *t, uint32_t iss)
{
	tcb_init_send_common(w, t, iss, tcp_ts_offset(w, &t->key));
}

/* Window we can offer: buffer less what the service holds and what waits out of order. */
uint32_t
tcb_rcv_window(const struct tt_tcb *t)
{
	uint32_t buf = tcb_worker(t)->cfg->tcp.rcv_window;
	uint32_t used = t->rcv.held + tcb_ooo_bytes(t);

	/* RFC 7323 §2.3: the most the window field can say with our shift. */
	return used >= buf ? 0 : RTE_MIN(buf - used, (uint32_t)TT_MAX_WIN << t->rcv_wscale);
}

size_t
tt_tcb_size(void)
{
	return sizeof(struct tt_tcb);
}

size_t
tt_tw_size(void)
{
	return sizeof(struct tt_tw);
}

size_t
tt_tcb_ext_size(void)
{
	return sizeof(struct tt_tcb_ext);
}
