/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/* The service API of tcpterm.h. Every call runs on the connection's owning worker. */

#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tt_tcp.h"

void *
tt_conn_ctx(struct tt_conn *c)
{
	return tcb_of(c)->app;
}

const void *
tt_conn_opts(const struct tt_conn *c)
{
	return tcb_svc_opts((const struct tt_tcb *)c);
}

static bool
can_send(const struct tt_tcb *t)
{
	return (t->state == TT_ESTABLISHED || t->state == TT_CLOSE_WAIT) &&
	       !(t->flags & (TT_TF_FIN_QUEUED | TT_TF_FREE));
}

uint32_t
tt_send_space(const struct tt_conn *c)
{
	const struct tt_tcb *t = (const struct tt_tcb *)c;
	uint32_t queued = t->snd.end - t->snd.una;
	uint32_t buf = tcb_worker(t)->cfg->tcp.snd_buf;

	if (!can_send(t))
		return 0;
	return queued >= buf ? 0 : buf - queued;
}

/* Push now unless the stack is inside this TCB already (it sends on the way out). */
static void
kick(struct tt_tcb *t)
{
	if (!(t->flags & TT_TF_BUSY)) {
		t->flags |= TT_TF_BUSY;
		tcp_output(tcb_worker(t), t);
		tcb_unbusy(tcb_worker(t), t);
	}
}

static void
sndq_append(struct tt_tcb *t, struct rte_mbuf *seg)
{
	seg->next = NULL;
	seg->nb_segs = 1;
	seg->pkt_len = seg->data_len;
	if (t->sndq_head == NULL)
		t->sndq_head = seg;
	else
		sndq_tail(t)->next = seg;
	mbuf_meta(t->sndq_head)->qnext = seg;
	t->snd.end += seg->data_len;
}

int
tt_send(struct tt_conn *c, struct rte_mbuf *m)
{
	struct tt_tcb *t = tcb_of(c);
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (!can_send(t)) {
		rte_pktmbuf_free(m);
		return -ENOTCONN;
	}
	if (len > tt_send_space(c)) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		if (m->data_len == 0) {
			m->next = NULL;
			rte_pktmbuf_free_seg(m);
		} else {
			sndq_append(t, m);
		}
		m = next;
	}
	kick(t);
	return (int)len;
}

int
tt_send_copy(struct tt_conn *c, const void *buf, uint32_t len)
{
	struct tt_tcb *t = tcb_of(c);
	const uint8_t *p = buf;
	uint32_t done = 0;
	struct rte_mbuf *tail = sndq_tail(t);

	if (!can_send(t))
		return -ENOTCONN;
	len = RTE_MIN(len, tt_send_space(c));
	/* Fill the tail mbuf first if it is ours alone. */
	if (tail != NULL && RTE_MBUF_DIRECT(tail) && rte_mbuf_refcnt_read(tail) == 1) {
		uint32_t n = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(tail));

		memcpy(rte_pktmbuf_mtod_offset(tail, uint8_t *, tail->data_len), p, n);
		tail->data_len += n;
		tail->pkt_len = tail->data_len;
		t->snd.end += n;
		done = n;
	}
	while (done < len) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(tcb_worker(t)->pool);
		uint32_t n;

		if (m == NULL) {
			TT_DROP(tcb_worker(t), mbuf_alloc);
			break;
		}
		n = RTE_MIN(len - done, (uint32_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), p + done, n);
		m->data_len = (uint16_t)n;
		sndq_append(t, m);
		done += n;
	}
	if (done > 0)
		kick(t);
	return (int)done;
}

void
tt_recved(struct tt_conn *c, uint32_t len)
{
	struct tt_tcb *t = tcb_of(c);
	uint32_t adv = seq_gt(t->rcv.adv, t->rcv.nxt) ? t->rcv.adv - t->rcv.nxt : 0;
	uint32_t wnd;

	t->rcv.held -= RTE_MIN(len, t->rcv.held);
	wnd = tcb_rcv_window(t);
	/*
	 * Announce a window that can open by two segments or half the buffer
	 * beyond the one last advertised (RFC 1122 §4.2.3.3, RFC 9293
	 * §3.8.6.2.2), however many calls freed the space.
	 */
	if (wnd > adv && wnd - adv >= RTE_MIN(2u * t->mss, tcb_worker(t)->cfg->tcp.rcv_window / 2) &&
	    (t->state == TT_ESTABLISHED || t->state == TT_FIN_WAIT_1 || t->state == TT_FIN_WAIT_2)) {
		t->flags |= TT_TF_ACKNOW;
		kick(t);
	}
}

/* RFC 9293 §3.10.4 CLOSE: queue a FIN behind the data. */
int
tt_shutdown(struct tt_conn *c)
{
	struct tt_tcb *t = tcb_of(c);

	if (!can_send(t))
		return -ENOTCONN;
	t->flags |= TT_TF_FIN_QUEUED;
	tcb_set_state(tcb_worker(t), t, t->state == TT_ESTABLISHED ? TT_FIN_WAIT_1 : TT_LAST_ACK);
	kick(t);
	return 0;
}

int
tt_set_nodelay(struct tt_conn *c, int on)
{
	struct tt_tcb *t = tcb_of(c);

	if (t->state == TT_CLOSED || (t->flags & TT_TF_FREE))
		return -ENOTCONN;
	if (on) {
		t->flags |= TT_TF_NODELAY;
		kick(t);	/* what Nagle held goes now */
	} else {
		t->flags &= ~TT_TF_NODELAY;
	}
	return 0;
}

int
tt_set_keepalive(struct tt_conn *c, int on)
{
	struct tt_tcb *t = tcb_of(c);

	if (t->state == TT_CLOSED || (t->flags & TT_TF_FREE))
		return -ENOTCONN;
	if (!on) {
		t->flags &= ~TT_TF_KEEPALIVE;
		tcb_timer_clear(t, TT_TIMER_KEEPALIVE);
		return 0;
	}
	t->flags |= TT_TF_KEEPALIVE;
	/* Idle time counts from now; a handshake in progress arms it on completion. */
	if (t->state != TT_SYN_SENT && t->state != TT_SYN_RCVD)
		tcb_keepalive_reset(tcb_worker(t), t);
	return 0;
}

void
tt_abort(struct tt_conn *c)
{
	struct tt_tcb *t = tcb_of(c);

	if (t->flags & TT_TF_FREE)
		return;
	TT_STAT_INC(tcb_worker(t), conn_aborted);
	tcp_send_rst(tcb_worker(t), t);
	tcb_close(tcb_worker(t), t, TT_CLOSE_ABORT);
}

struct rte_mbuf *
tt_conn_alloc_mbuf(struct tt_conn *c)
{
	return rte_pktmbuf_alloc(tcb_worker(tcb_of(c))->pool);
}

/*
 * A local port in [local_port_min, local_port_max] whose flow this worker
 * owns and that is free. The search starts after the last port handed out
 * and is bounded by the range; about one port in n_workers qualifies.
 * *@p swept says whether the cursor passed the end of the range.
 */
static int
pick_local_port(struct tt_worker *w, struct tt_flow_key *key, bool *swept)
{
	const struct tt_tcp_cfg *cfg = &w->cfg->tcp;
	uint32_t range = (uint32_t)cfg->local_port_max - cfg->local_port_min + 1;
	uint32_t start = w->next_lport % range;	/* no wrap at 2^32: every port visited once */
	uint32_t i;

	for (i = 0; i < range; i++) {
		uint16_t lport = (uint16_t)(cfg->local_port_min + (start + i) % range);

		key->lport = rte_cpu_to_be_16(lport);
		if (tt_steer_owner(w->steer, key) != w->id || flow_lookup(w, key) != NULL)
			continue;
		w->next_lport = (start + i + 1) % range;
		*swept = start + i + 1 >= range;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/*
 * A free local address and port: the port's addresses are used in turn,
 * each for one sweep of the port range, or until the range has no free
 * port left that maps to us. The peer keeps a tuple in TIME_WAIT for 2MSL
 * after it closes; staying on one address would bring each tuple back
 * after one sweep (64k connections), moving on brings it back after
 * n_addrs sweeps.
 */
static int
pick_local(struct tt_worker *w, unsigned int port, struct tt_flow_key *key)
{
	const struct tt_wport *p = &w->ports[port];
	bool swept = false;
	uint32_t i;

	for (i = 0; i < p->n_addrs; i++) {
		uint32_t idx = (w->next_laddr + i) % p->n_addrs;

		key->laddr = rte_cpu_to_be_32(rte_be_to_cpu_32(p->addr) + idx);
		if (pick_local_port(w, key, &swept) == 0) {
			w->next_laddr = swept ? (idx + 1) % p->n_addrs : idx;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

/*
 * The index of (@p svc, @p opts) in the worker's table of active-open
 * services, added if new; -ENOSPC when TT_ACTIVE_SVCS pairs are in use.
 * A TCB keeps this byte, not two pointers. Pairs are never removed: a
 * client uses one or a few for the life of the process.
 */
static int
active_svc_index(struct tt_worker *w, const struct tt_service *svc, const void *opts)
{
	uint32_t i;

	for (i = 0; i < w->n_active_svcs; i++)
		if (w->active_svcs[i].svc == svc && w->active_svcs[i].opts == opts)
			return (int)i;
	if (i == TT_ACTIVE_SVCS)
		return -ENOSPC;
	w->active_svcs[i].svc = svc;
	w->active_svcs[i].opts = opts;
	w->n_active_svcs++;
	return (int)i;
}

/* RFC 9293 §3.10.1 OPEN, active: SYN-SENT and our SYN. */
int
tt_connect(struct tt_worker *w, unsigned int port, uint32_t raddr, uint16_t rport,
	   const struct tt_service *svc, const void *opts, struct tt_conn **out)
{
	struct tt_flow_key key;
	struct tt_tcb *t;
	int ret, sidx;

	if (port >= w->n_ports || svc == NULL || rport == 0)
		return -EINVAL;
	sidx = active_svc_index(w, svc, opts);
	if (sidx < 0)
		return sidx;
	key.raddr = raddr;
	key.rport = rport;
	ret = pick_local(w, port, &key);
	if (ret != 0)
		return ret;
	t = tcb_alloc(w, &key, (uint8_t)port);
	if (t == NULL)
		return -ENOMEM;
	t->lidx = (uint8_t)sidx;
	t->flags |= TT_TF_ACTIVE | TT_TF_ACCEPTED | TT_TF_BUSY;
	memset(t->app, 0, sizeof(t->app));
	t->mss = (uint16_t)RTE_MIN((uint32_t)w->cfg->tcp.mss, (uint32_t)w->ports[port].mtu - 40);
	tcb_init_send(w, t);
	tcb_set_state(w, t, TT_SYN_SENT);
	TT_STAT_INC(w, conn_active_open);
	tcp_output(w, t);
	tcb_unbusy(w, t);
	*out = conn_of(t);
	return 0;
}

struct tt_worker *
tt_conn_worker(struct tt_conn *c)
{
	return tcb_worker(tcb_of(c));
}

unsigned int
tt_conn_worker_id(const struct tt_conn *c)
{
	return tcb_worker((const struct tt_tcb *)c)->id;
}

void
tt_conn_tuple(const struct tt_conn *c, uint32_t *laddr, uint16_t *lport, uint32_t *raddr,
	      uint16_t *rport)
{
	const struct tt_tcb *t = (const struct tt_tcb *)c;

	*laddr = t->key.laddr;
	*lport = t->key.lport;
	*raddr = t->key.raddr;
	*rport = t->key.rport;
}
