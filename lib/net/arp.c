/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>

#include "tt_net.h"

#define ARP_PROBE 8		/* linear probe length */
#define ARP_RETRY_MS 1000	/* at most one request per address per second */

/* The slot @p ip hashes to: arp_slot() looks there first. */
static inline struct tt_arp_entry *
arp_home(struct tt_wport *p, uint32_t ip)
{
	return &p->arp[rte_hash_crc_4byte(ip, 0) & (TT_ARP_SLOTS - 1)];
}

static struct tt_arp_entry *
arp_slot(struct tt_wport *p, uint32_t ip, bool create)
{
	uint32_t h = rte_hash_crc_4byte(ip, 0);
	struct tt_arp_entry *victim = NULL;
	unsigned int i;

	for (i = 0; i < ARP_PROBE; i++) {
		struct tt_arp_entry *e = &p->arp[(h + i) & (TT_ARP_SLOTS - 1)];

		if (e->ip == ip)
			return e;
		if (e->ip == 0 && victim == NULL)
			victim = e;
	}
	if (!create)
		return NULL;
	if (victim == NULL) {
		/* Table crowded here: evict the home slot. */
		victim = &p->arp[h & (TT_ARP_SLOTS - 1)];
		rte_pktmbuf_free(victim->pending);
	}
	memset(victim, 0, sizeof(*victim));
	victim->ip = ip;
	return victim;
}

static void
arp_send(struct tt_worker *w, unsigned int port, uint16_t op, uint32_t sip, uint32_t tip,
	 const struct rte_ether_addr *tha, struct rte_mbuf *m)
{
	struct tt_wport *p = &w->ports[port];
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL) {
		m = rte_pktmbuf_alloc(w->pool);
		if (m == NULL) {
			TT_DROP(w, mbuf_alloc);
			return;
		}
	} else {
		/* Reuse the request's first segment; reset would orphan a chained tail. */
		if (m->next != NULL) {
			rte_pktmbuf_free(m->next);
			m->next = NULL;
		}
		rte_pktmbuf_reset(m);
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	arp = (struct rte_arp_hdr *)(eth + 1);
	if (op == RTE_ARP_OP_REQUEST)
		memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	else
		rte_ether_addr_copy(tha, &eth->dst_addr);
	rte_ether_addr_copy(&p->mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&p->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = sip;
	if (op == RTE_ARP_OP_REQUEST)
		memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	else
		rte_ether_addr_copy(tha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = tip;
	tt_worker_tx(w, port, m);
}

void
arp_learn(struct tt_worker *w, unsigned int port, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct tt_wport *p = &w->ports[port];
	struct tt_arp_entry *e = arp_home(p, ip);
	struct rte_mbuf *held;

	/* Every frame of an on-link peer gleans: nearly always what is known already. */
	if (likely(e->ip == ip && e->resolved && e->pending == NULL &&
		   rte_is_same_ether_addr(&e->mac, mac)))
		return;
	e = arp_slot(p, ip, true);
	rte_ether_addr_copy(mac, &e->mac);
	e->resolved = 1;
	held = e->pending;
	e->pending = NULL;
	if (held != NULL) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(held, struct rte_ether_hdr *);

		rte_ether_addr_copy(mac, &eth->dst_addr);
		tt_worker_tx(w, port, held);
	}
}

int
arp_resolve(struct tt_worker *w, unsigned int port, uint32_t ip, struct rte_mbuf *m,
	    struct rte_ether_addr *mac)
{
	struct tt_wport *p = &w->ports[port];
	struct tt_arp_entry *e = arp_home(p, ip);

	if (likely(e->ip == ip && e->resolved)) {
		rte_ether_addr_copy(&e->mac, mac);
		return 0;
	}
	e = arp_slot(p, ip, true);
	if (likely(e->resolved)) {
		rte_ether_addr_copy(&e->mac, mac);
		return 0;
	}
	if (e->pending != NULL) {
		TT_DROP(w, arp_unresolved);
		rte_pktmbuf_free(e->pending);
	}
	e->pending = m;
	if (e->req_ms == 0 || w->now_ms - e->req_ms >= ARP_RETRY_MS) {
		e->req_ms = w->now_ms == 0 ? 1 : w->now_ms;
		TT_STAT_INC(w, arp_requests_tx);
		arp_send(w, port, RTE_ARP_OP_REQUEST, p->addr, ip, NULL, NULL);
	}
	return -EAGAIN;
}

/* RFC 826 packet reception, answering for our address only. */
void
arp_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m)
{
	struct tt_wport *p = &w->ports[port];
	struct rte_arp_hdr *arp;
	struct rte_ether_addr sha;
	uint32_t sip, tip;
	uint16_t op;

	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr) + sizeof(*arp)) {
		TT_DROP(w, arp_malformed);
		goto drop;
	}
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) ||
	    !rte_is_unicast_ether_addr(&arp->arp_data.arp_sha)) {
		TT_DROP(w, arp_malformed);
		goto drop;
	}
	sip = arp->arp_data.arp_sip;
	tip = arp->arp_data.arp_tip;
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &sha);

	/* Learn the sender if it is on-link; refresh only what we know otherwise. */
	if (sip != 0 && (sip & p->mask) == (p->addr & p->mask) && !tt_wport_is_local(p, sip)) {
		if (tt_wport_is_local(p, tip) || arp_slot(p, sip, false) != NULL)
			arp_learn(w, port, sip, &sha);
	}
	if (!tt_wport_is_local(p, tip)) {
		TT_DROP(w, arp_not_for_us);
		goto drop;
	}
	if (op == RTE_ARP_OP_REQUEST) {
		TT_STAT_INC(w, arp_requests_rx);
		TT_STAT_INC(w, arp_replies_tx);
		arp_send(w, port, RTE_ARP_OP_REPLY, tip, sip, &sha, m);
		return;
	}
drop:
	rte_pktmbuf_free(m);
}

void
arp_flush(struct tt_worker *w)
{
	unsigned int i, j;

	for (i = 0; i < w->n_ports; i++) {
		for (j = 0; j < TT_ARP_SLOTS; j++) {
			rte_pktmbuf_free(w->ports[i].arp[j].pending);
			w->ports[i].arp[j].pending = NULL;
		}
	}
}
