/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * The worker: set-up from the configuration, the run-to-completion loop
 * (receive a burst per port, process it, run the wheel, flush), teardown.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "tt_net.h"
#include "tt_tcp.h"

int tt_meta_offset = -1;

int
tt_stack_init(void)
{
	static const struct rte_mbuf_dynfield meta = {
		.name = "tcpterm_meta",
		.size = sizeof(struct tt_mbuf_meta),
		.align = __alignof__(struct tt_mbuf_meta),
	};

	if (tt_meta_offset >= 0)
		return 0;
	tt_prf_init(true);	/* AES-NI for ISNs and cookies where the CPU has it */
	tt_meta_offset = rte_mbuf_dynfield_register(&meta);
	return tt_meta_offset < 0 ? -rte_errno : 0;
}

struct tt_worker *tt_worker_slots[TT_WORKER_SLOTS];

/* Free what tt_worker_create() allocated; each piece may be missing. */
static void
worker_free(struct tt_worker *w)
{
	if (tt_worker_slots[w->slot] == w)
		tt_worker_slots[w->slot] = NULL;
	rte_ring_free(w->cmds);
	rte_free(w->flow_heads);
	rte_free(w->tcbs);
	rte_free(w->tws);
	rte_free(w->tw_heads);
	rte_free(w->exts);
	rte_mempool_free(w->pool);
	rte_mempool_free(w->clone_pool);
	rte_free(w);
}

struct tt_worker *
tt_worker_create(const struct tt_worker_params *p)
{
	static unsigned int instance;	/* control plane only: unique object names */
	const struct tt_config *cfg = p->cfg;
	struct tt_worker *w;
	char name[RTE_MEMZONE_NAMESIZE];
	unsigned int i;

	if (tt_meta_offset < 0 || p->n_ports == 0 || p->n_ports > cfg->n_ports) {
		rte_errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < TT_WORKER_SLOTS && tt_worker_slots[i] != NULL; i++)
		;
	if (i == TT_WORKER_SLOTS)
		goto nomem;
	w = rte_zmalloc_socket("tt_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, p->socket);
	if (w == NULL)
		goto nomem;
	w->slot = (uint8_t)i;
	tt_worker_slots[i] = w;
	instance++;
	w->id = p->id;
	w->cfg = cfg;
	w->n_ports = p->n_ports;
	w->tsc_hz = rte_get_tsc_hz();
	w->tsc_us_mult = tt_tsc_us_mult(w->tsc_hz);
	w->tsc0 = rte_rdtsc();
	w->next_lport = (uint32_t)rte_rand();
	if (p->isn_secret[0] == 0 && p->isn_secret[1] == 0) {
		uint64_t secret[2] = { rte_rand(), rte_rand() };

		tt_prf_set_key(&w->isn_key, secret);
	} else {
		tt_prf_set_key(&w->isn_key, p->isn_secret);
	}
	tt_syncookie_init(&w->syncookie, 0);

	snprintf(name, sizeof(name), "tt_mb_%u_%u", p->id, instance);
	w->pool = rte_pktmbuf_pool_create(name, cfg->limits.mbufs, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, p->socket);
	snprintf(name, sizeof(name), "tt_cl_%u_%u", p->id, instance);
	w->clone_pool = rte_pktmbuf_pool_create(name, cfg->limits.mbufs, 256, 0, 0, p->socket);
	if (w->pool == NULL || w->clone_pool == NULL)
		goto fail;

	/* The flow table (tcb.c): one bucket per TCB, a power of two. */
	w->flow_mask = rte_align32pow2(RTE_MAX(cfg->tcp.max_connections, 2u)) - 1;
	w->flow_heads = rte_zmalloc_socket("tt_flows", ((size_t)w->flow_mask + 1) * sizeof(uint32_t),
					   RTE_CACHE_LINE_SIZE, p->socket);
	if (w->flow_heads == NULL)
		goto fail;

	w->n_tcbs = cfg->tcp.max_connections;
	w->tcbs = rte_zmalloc_socket("tt_tcbs", (size_t)w->n_tcbs * sizeof(struct tt_tcb),
				     RTE_CACHE_LINE_SIZE, p->socket);
	w->n_tws = cfg->tcp.max_time_wait;
	w->tws = rte_zmalloc_socket("tt_tws", (size_t)w->n_tws * sizeof(struct tt_tw),
				    RTE_CACHE_LINE_SIZE, p->socket);
	/* One bucket per record, a power of two: chains of about one. */
	w->tw_mask = rte_align32pow2(RTE_MAX(w->n_tws, 2u)) - 1;
	w->tw_heads = rte_zmalloc_socket("tt_tw_heads", ((size_t)w->tw_mask + 1) * sizeof(uint32_t),
					 RTE_CACHE_LINE_SIZE, p->socket);
	w->n_exts = cfg->tcp.max_sack_state;
	w->exts = rte_zmalloc_socket("tt_exts", (size_t)w->n_exts * sizeof(struct tt_tcb_ext),
				     RTE_CACHE_LINE_SIZE, p->socket);
	if (w->tcbs == NULL || w->tws == NULL || w->tw_heads == NULL || w->exts == NULL)
		goto fail;
	for (i = w->n_exts; i-- > 0;) {
		w->exts[i].free_next = w->ext_free;
		w->ext_free = &w->exts[i];
	}
	for (i = w->n_tcbs; i-- > 0;) {
		w->tcbs[i].flow_next = w->tcb_free;
		w->tcb_free = i + 1;
	}
	/* only TCBs use the wheel: it names them by index */
	if (tt_wheel_init(&w->wheel, 0, &w->tcbs[0].tnode, sizeof(struct tt_tcb), w->n_tcbs) != 0)
		goto fail;
	snprintf(name, sizeof(name), "tt_cmd_%u_%u", p->id, instance);
	w->cmds = rte_ring_create_elem(name, sizeof(struct tt_cmd), 64, p->socket, RING_F_SC_DEQ);
	if (w->cmds == NULL)
		goto fail;

	for (i = 0; i < p->n_ports; i++) {
		const struct tt_port_cfg *pc = &cfg->ports[i];
		struct tt_wport *wp = &w->ports[i];

		wp->port_id = p->ports[i].port_id;
		wp->rxq = p->ports[i].rxq;
		wp->rxq_stride = p->ports[i].rxq_stride;
		wp->tx_cksum = p->ports[i].tx_cksum;
		wp->n_rxq = RTE_MAX(p->ports[i].n_rxq, (uint16_t)(wp->rxq == TT_NO_QUEUE ? 0 : wp->rxq + 1));
		wp->txq = p->ports[i].txq;
		wp->mac = p->ports[i].mac;
		wp->fake_tx = p->ports[i].fake_tx;
		wp->addr = pc->addr;
		wp->n_addrs = pc->n_addrs == 0 ? 1 : pc->n_addrs;
		wp->mask = pc->prefix == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - pc->prefix));
		wp->gateway = pc->gateway;
		wp->mtu = pc->mtu;
	}
	w->n_state[TT_LISTEN] = cfg->n_listeners;
	if (p->steer != NULL && p->steer->n_workers > 1) {
		w->steer = p->steer;
		w->inbox = p->steer->rings[p->id];
	}
	return w;
nomem:
	rte_errno = ENOMEM;
	return NULL;
fail:
	rte_errno = rte_errno ? rte_errno : ENOMEM;
	worker_free(w);
	return NULL;
}

static void __rte_noinline
worker_tx_flush_port(struct tt_worker *w, struct tt_wport *p)
{
	uint16_t sent = 0;
	unsigned int tries;

	if (p->tx_n == 0)
		return;
	if (p->fake_tx != NULL) {
		sent = (uint16_t)rte_ring_enqueue_burst(p->fake_tx, (void **)p->tx_buf, p->tx_n, NULL);
	} else {
		for (tries = 0; tries < 4 && sent < p->tx_n; tries++)
			sent += rte_eth_tx_burst(p->port_id, p->txq, p->tx_buf + sent,
						 (uint16_t)(p->tx_n - sent));
	}
	if (unlikely(sent < p->tx_n)) {
		w->drops[TT_DROP_tx_ring_full] += p->tx_n - sent;
		rte_pktmbuf_free_bulk(p->tx_buf + sent, p->tx_n - sent);
	}
	p->tx_n = 0;
}

void
tt_worker_tx(struct tt_worker *w, unsigned int port, struct rte_mbuf *m)
{
	struct tt_wport *p = &w->ports[port];

	TT_STAT_INC(w, tx_packets);
	TT_STAT_ADD(w, tx_bytes, rte_pktmbuf_pkt_len(m));
	p->tx_buf[p->tx_n++] = m;
	if (unlikely(p->tx_n == TT_TX_BUF))
		worker_tx_flush_port(w, p);
}

void __rte_noinline
tt_worker_flush(struct tt_worker *w)
{
	unsigned int i;

	/* Called on every loop iteration: the call only for a port with frames. */
	for (i = 0; i < w->n_ports; i++)
		if (w->ports[i].tx_n != 0)
			worker_tx_flush_port(w, &w->ports[i]);
}

void __rte_noinline
tt_worker_set_clock(struct tt_worker *w, uint64_t now_us)
{
	w->now_us = now_us;
	w->now_ms = now_us / 1000;
}

unsigned int __rte_noinline
tt_worker_timers(struct tt_worker *w)
{
	unsigned int n = 0;

	if (tt_wheel_pending(&w->wheel, w->now_ms))
		n = tt_wheel_advance(&w->wheel, w->now_ms, TT_WHEEL_BUDGET, tcp_wheel_expire, w);
	/* The call only when the oldest TIME_WAIT record is due. */
	if (tw_due(w))
		n += tw_expire(w, TT_WHEEL_BUDGET);
	return n;
}

/*
 * The owner of an IPv4/TCP frame, read from its headers before any other
 * check (the owner validates everything), or -1 for frames any worker may
 * handle (ARP, ICMP, drops).
 */
static int
steer_peek(const struct tt_worker *w, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	struct tt_flow_key key;
	uint32_t ihl;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ip) ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) || ip->next_proto_id != IPPROTO_TCP ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return -1;
	ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (ihl < sizeof(*ip) || rte_pktmbuf_data_len(m) < sizeof(*eth) + ihl + 4)
		return -1;
	key.raddr = ip->src_addr;
	key.laddr = ip->dst_addr;
	memcpy(&key.rport, (const uint8_t *)ip + ihl, 4);	/* source and destination port */
	return (int)tt_steer_owner(w->steer, &key);
}

static bool
is_arp_reply(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_arp_hdr *arp = (const struct rte_arp_hdr *)(eth + 1);

	return eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP) &&
	       rte_pktmbuf_data_len(m) >= sizeof(*eth) + sizeof(*arp) &&
	       arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY);
}

static void
handoff(struct tt_worker *w, unsigned int owner, unsigned int port, struct rte_mbuf *m)
{
	m->port = (uint16_t)port;	/* the port index travels with the frame */
	if (unlikely(rte_ring_mp_enqueue(w->steer->rings[owner], m) != 0)) {
		TT_DROP(w, handoff_ring_full);
		rte_pktmbuf_free(m);
		return;
	}
	TT_STAT_INC(w, handoff_out);
}

/* Every worker keeps its own ARP cache: a reply one worker receives is shared. */
static void
share_arp_reply(struct tt_worker *w, unsigned int port, const struct rte_mbuf *m)
{
	unsigned int i;

	for (i = 0; i < w->steer->n_workers; i++) {
		struct rte_mbuf *c;

		if (i == w->id)
			continue;
		c = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
		if (c == NULL) {
			TT_DROP(w, mbuf_alloc);
			continue;
		}
		TT_STAT_INC(w, arp_shared);
		handoff(w, i, port, c);
	}
}

/*
 * Two stages per burst: classify and decode every frame (handing those
 * another worker owns to it), hash its flow once and prefetch the
 * flow-table bucket and, for a SYN while TIME_WAIT records exist, the
 * TIME_WAIT bucket (a new connection's SYN misses the flow table and is
 * looked up there), and for a FIN the TIME_WAIT bucket too (the FIN that
 * ends FIN-WAIT-2 links a record into it: a table of a second of closes
 * is far bigger than the caches); then prefetch the first TCB and
 * TIME_WAIT record of those buckets, then look each flow up and run the
 * segments in arrival order. The lookups come last, one by one, so a
 * segment sees the flows the ones before it created or freed.
 */
static void
worker_input(struct tt_worker *w, unsigned int port, struct rte_mbuf **pkts, uint16_t n,
	     bool from_wire)
{
	struct tt_seg segs[TT_BURST];
	uint32_t hashes[TT_BURST];
	uint16_t i, j, nseg = 0;
	bool tw = w->tw_used > 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (from_wire) {
			TT_STAT_INC(w, rx_packets);
			TT_STAT_ADD(w, rx_bytes, rte_pktmbuf_pkt_len(m));
			if (w->steer != NULL) {
				int owner = steer_peek(w, m);

				if (owner >= 0 && (unsigned int)owner != w->id) {
					handoff(w, (unsigned int)owner, port, m);
					continue;
				}
				if (owner < 0 && is_arp_reply(m))
					share_arp_reply(w, port, m);
			}
		}
		if (eth_input(w, port, m, &segs[nseg])) {
			uint32_t h = flow_hash(&segs[nseg].key);

			hashes[nseg] = h;
			rte_prefetch0(&w->flow_heads[h & w->flow_mask]);
			if ((segs[nseg].flags & TT_TH_FIN) || (tw && (segs[nseg].flags & TT_TH_SYN)))
				rte_prefetch0(&w->tw_heads[h & w->tw_mask]);
			nseg++;
		}
	}
	for (j = 0; j < nseg; j++) {
		uint32_t first = w->flow_heads[hashes[j] & w->flow_mask];

		if (first != 0)
			rte_prefetch0(&w->tcbs[first - 1]);
		if (tw && (segs[j].flags & TT_TH_SYN)) {
			first = w->tw_heads[hashes[j] & w->tw_mask];
			if (first != 0)
				rte_prefetch0(&w->tws[first - 1]);
		}
	}
	for (j = 0; j < nseg; j++)
		tcp_input(w, &segs[j], flow_lookup_hash(w, hashes[j], &segs[j].key));
}

void __rte_noinline
tt_worker_input(struct tt_worker *w, unsigned int port, struct rte_mbuf **pkts, uint16_t n)
{
	while (n > TT_BURST) {
		worker_input(w, port, pkts, TT_BURST, true);
		pkts += TT_BURST;
		n -= TT_BURST;
	}
	worker_input(w, port, pkts, n, true);
}

/* Frames handed over by other workers, processed as if received here. */
static unsigned int
worker_drain_inbox(struct tt_worker *w)
{
	struct rte_mbuf *pkts[TT_BURST];
	unsigned int n, i, start;

	if (w->inbox == NULL)
		return 0;
	n = rte_ring_sc_dequeue_burst(w->inbox, (void **)pkts, TT_BURST, NULL);
	w->stats[TT_STAT_handoff_in] += n;
	for (start = 0, i = 1; i <= n; i++) {
		if (i == n || pkts[i]->port != pkts[start]->port) {
			worker_input(w, pkts[start]->port, pkts + start, (uint16_t)(i - start), false);
			start = i;
		}
	}
	return n;
}

/*
 * One loop iteration. Its steps (and tw_expire(), tt_wheel_advance(),
 * worker_tx_flush_port()) stay out of line, __rte_noinline: each runs at
 * most once per iteration and port, and tests/bench/bench_profile.sh
 * splits the worker's instruction counts by them, which link-time
 * inlining would fold into this function.
 */
unsigned int __rte_noinline
tt_worker_poll(struct tt_worker *w)
{
	struct rte_mbuf *pkts[TT_BURST];
	unsigned int i, total = 0, fired;
	uint64_t start = rte_rdtsc();

	w->now_tsc = start;
	tt_worker_set_clock(w, tt_tsc_to_us(start - w->tsc0, w->tsc_us_mult));
	for (i = 0; i < w->n_ports; i++) {
		struct tt_wport *p = &w->ports[i];
		uint16_t q, n;

		if (p->rxq == TT_NO_QUEUE)
			continue;
		for (q = p->rxq; q < p->n_rxq; q = p->rxq_stride ? (uint16_t)(q + p->rxq_stride) : p->n_rxq) {
			n = rte_eth_rx_burst(p->port_id, q, pkts, (uint16_t)w->cfg->workers.burst);
			if (n > 0) {
				tt_worker_input(w, i, pkts, n);
				total += n;
			}
		}
	}
	total += worker_drain_inbox(w);
	if (unlikely(!rte_ring_empty(w->cmds)))
		total += tt_worker_commands(w);
	if (w->app_poll != NULL)
		total += w->app_poll(w, w->app_arg);
	fired = tt_worker_timers(w);
	tt_worker_flush(w);
	w->loops++;
	if (total > 0 || fired > 0) {
		w->busy_loops++;
		w->busy_tsc += rte_rdtsc() - start;
	}
	return total;
}

/* Reset every live connection (appliance stopping). */
static void
worker_reset_all(struct tt_worker *w, bool send_rst)
{
	uint32_t i;

	for (i = 0; i < w->n_tcbs; i++) {
		struct tt_tcb *t = &w->tcbs[i];

		if (t->state == TT_CLOSED)
			continue;
		if (send_rst)
			tcp_send_rst(w, t);
		tcb_close(w, t, TT_CLOSE_SHUTDOWN);
	}
	tt_worker_flush(w);
}

int
tt_worker_main(void *arg)
{
	struct tt_worker *w = arg;

	while (!w->stop)
		tt_worker_poll(w);
	worker_reset_all(w, true);
	return 0;
}

void
tt_worker_drain(struct tt_worker *w)
{
	struct rte_mbuf *m;
	uint32_t i;

	while (w->inbox != NULL && rte_ring_sc_dequeue(w->inbox, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	worker_reset_all(w, false);
	tw_free_all(w);
	arp_flush(w);
	for (i = 0; i < w->n_ports; i++) {
		rte_pktmbuf_free_bulk(w->ports[i].tx_buf, w->ports[i].tx_n);
		w->ports[i].tx_n = 0;
	}
}

void
tt_worker_destroy(struct tt_worker *w)
{
	if (w == NULL)
		return;
	tt_worker_drain(w);
	worker_free(w);
}

int
tt_worker_post(struct tt_worker *w, const struct tt_cmd *cmd)
{
	struct tt_cmd copy = *cmd;

	return rte_ring_mp_enqueue_elem(w->cmds, &copy, sizeof(copy)) == 0 ? 0 : -ENOBUFS;
}

unsigned int
tt_worker_commands(struct tt_worker *w)
{
	struct tt_cmd cmd;
	unsigned int n = 0;
	uint32_t i;

	while (rte_ring_sc_dequeue_elem(w->cmds, &cmd, sizeof(cmd)) == 0) {
		n++;
		if (cmd.type != TT_CMD_CONNECT)
			continue;
		for (i = 0; i < cmd.count; i++) {
			struct tt_conn *c;

			if (tt_connect(w, cmd.port, cmd.raddr, cmd.rport, cmd.svc, cmd.opts, &c) != 0)
				TT_STAT_INC(w, active_open_failed);
		}
	}
	return n;
}
