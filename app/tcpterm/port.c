/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/* Port set-up: one RX/TX queue pair per worker, and a report of what the port can do. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "app.h"

#define RX_DESC 1024
#define TX_DESC 1024

static void
port_report(uint16_t port_id, const struct rte_eth_dev_info *info, unsigned int n_queues)
{
	struct rte_ether_addr mac;
	char name[RTE_ETH_NAME_MAX_LEN];

	rte_eth_macaddr_get(port_id, &mac);
	rte_eth_dev_get_name_by_port(port_id, name);
	printf("port %u: %s (driver %s), MAC " RTE_ETHER_ADDR_PRT_FMT "\n", port_id, name,
	       info->driver_name, RTE_ETHER_ADDR_BYTES(&mac));
	printf("  queues: using %u of %u RX / %u TX\n", n_queues, info->max_rx_queues,
	       info->max_tx_queues);
	printf("  RSS: %s (hash functions 0x%" PRIx64 ", RETA size %u, key %u bytes)\n",
	       info->flow_type_rss_offloads ? "yes" : "no", info->flow_type_rss_offloads,
	       info->reta_size, info->hash_key_size);
	printf("  RX checksum offload: IPv4 %s, TCP %s\n",
	       (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) ? "yes" : "no",
	       (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) ? "yes" : "no");
	printf("  TX multi-segment: %s; checksums computed in software\n",
	       (info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) ? "yes" : "no");
}

int
tt_port_start(uint16_t port_id, unsigned int n_queues, struct rte_mempool *const *pools,
	      uint16_t mtu, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nrxd = RX_DESC, ntxd = TX_DESC;
	unsigned int q;
	int ret;

	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		snprintf(err, errlen, "port %u: cannot read device info: %s", port_id, strerror(-ret));
		return ret;
	}
	if (n_queues > info.max_rx_queues || n_queues > info.max_tx_queues) {
		snprintf(err, errlen, "port %u: %u queue pairs needed, driver %s offers %u RX / %u TX",
			 port_id, n_queues, info.driver_name, info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	if (!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)) {
		snprintf(err, errlen, "port %u: driver %s cannot send multi-segment mbufs "
			 "(zero-copy TX needs them)", port_id, info.driver_name);
		return -ENOTSUP;
	}
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	ret = rte_eth_dev_configure(port_id, (uint16_t)n_queues, (uint16_t)n_queues, &conf);
	if (ret != 0) {
		snprintf(err, errlen, "port %u: configure failed: %s", port_id, strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_set_mtu(port_id, mtu);
	if (ret != 0 && ret != -ENOTSUP) {
		snprintf(err, errlen, "port %u: cannot set MTU %u: %s", port_id, mtu, strerror(-ret));
		return ret;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nrxd, &ntxd);
	for (q = 0; q < n_queues; q++) {
		struct rte_eth_txconf txconf = info.default_txconf;

		txconf.offloads = conf.txmode.offloads;
		ret = rte_eth_rx_queue_setup(port_id, (uint16_t)q, nrxd,
					     rte_eth_dev_socket_id(port_id), NULL, pools[q]);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, (uint16_t)q, ntxd,
						     rte_eth_dev_socket_id(port_id), &txconf);
		if (ret != 0) {
			snprintf(err, errlen, "port %u: queue %u set-up failed: %s", port_id, q,
				 strerror(-ret));
			return ret;
		}
	}
	ret = rte_eth_dev_start(port_id);
	if (ret != 0) {
		snprintf(err, errlen, "port %u: start failed: %s", port_id, strerror(-ret));
		return ret;
	}
	port_report(port_id, &info, n_queues);
	return 0;
}

void
tt_port_stop(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}
