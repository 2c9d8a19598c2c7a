/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "tt_net.h"

/* Classify by EtherType; VLAN-tagged and other frames are counted drops. */
int
eth_input(struct tt_worker *w, unsigned int port, struct rte_mbuf *m, struct tt_seg *s)
{
	const struct tt_wport *p = &w->ports[port];
	const struct rte_ether_hdr *eth;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eth))) {
		TT_DROP(w, eth_short);
		rte_pktmbuf_free(m);
		return 0;
	}
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, &p->mac) &&
		     !rte_is_broadcast_ether_addr(&eth->dst_addr))) {
		TT_DROP(w, eth_dst);
		rte_pktmbuf_free(m);
		return 0;
	}
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return ipv4_input(w, port, m, sizeof(*eth), s);
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		arp_input(w, port, m);
		return 0;
	default:
		TT_DROP(w, eth_type);
		rte_pktmbuf_free(m);
		return 0;
	}
}
