/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/* Port set-up: one RX/TX queue pair per worker, and a report of what the port can do. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <rte_ethdev.h>

#include "app.h"


static void
port_report(uint16_t port_id, const struct rte_eth_dev_info *info, unsigned int n_queues)
{
	struct rte_ether_addr mac;
	char name[RTE_ETH_NAME_MAX_LEN];

	rte_eth_macaddr_get(port_id, &mac);
	rte_eth_dev_get_name_by_port(port_id, name);
	printf("port %u: %s (driver %s), MAC " RTE_ETHER_ADDR_PRT_FMT "\n", port_id, name,
	       info->driver_name, RTE_ETHER_ADDR_BYTES(&mac));
	printf("  queues: using %u of %u RX, %u of %u TX\n", n_queues, info->max_rx_queues,
	       n_queues, info->max_tx_queues);
	printf("  RSS: %s (hash functions 0x%" PRIx64 ", RETA size %u, key %u bytes)\n",
	       info->flow_type_rss_offloads ? "yes" : "no", info->flow_type_rss_offloads,
	       info->reta_size, info->hash_key_size);
	printf("  RX checksum offload: IPv4 %s, TCP %s\n",
	       (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) ? "yes" : "no",
	       (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) ? "yes" : "no");
	printf("  TX multi-segment: %s; TCP checksums: %s\n",
	       (info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) ? "yes" : "no",
	       tt_port_tx_cksum(port_id) ? "NIC offload" :
	       strcmp(info->driver_name, "net_tap") == 0 ?
	       "software (net_tap's offload mis-sums odd-sized chained segments)" : "software");
}

/*
 * Program our key and a round-robin RETA and read the table back into the
 * software mirror. Only then can we say the NIC delivers flows to their
 * owners; net_tap never does (the kernel's tun driver picks queues itself).
 */
static void
port_rss_setup(uint16_t port_id, const struct rte_eth_dev_info *info, unsigned int n_queues,
	       struct tt_steer *steer)
{
	struct rte_eth_rss_reta_entry64 reta[TT_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];
	uint16_t size = info->reta_size;
	unsigned int i;

	steer->nic_steers = false;
	if (size == 0 || size > TT_RETA_MAX || !rte_is_power_of_2(size) ||
	    strcmp(info->driver_name, "net_tap") == 0)
		return;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ULL << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			(uint16_t)(i % n_queues);
	}
	if (rte_eth_dev_rss_reta_update(port_id, reta, size) != 0 ||
	    rte_eth_dev_rss_reta_query(port_id, reta, size) != 0)
		return;
	for (i = 0; i < size; i++)
		steer->reta[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
	steer->reta_size = size;
	steer->nic_steers = true;
}

bool
tt_port_tx_cksum(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	const uint64_t need = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;

	if (rte_eth_dev_info_get(port_id, &info) != 0)
		return false;
	return (info.tx_offload_capa & need) == need && strcmp(info.driver_name, "net_tap") != 0;
}

int
tt_port_start(uint16_t port_id, unsigned int n_queues, bool rss,
	      struct rte_mempool *const *pools, uint16_t mtu, const struct tt_workers_cfg *wc, struct tt_steer *steer,
	      char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nrxd = (uint16_t)wc->rx_desc, ntxd = (uint16_t)wc->tx_desc;
	uint8_t key[64];
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
	if (tt_port_tx_cksum(port_id))
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (n_queues > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_TCP) &&
	    info.hash_key_size >= TT_RSS_KEY_LEN && info.hash_key_size <= sizeof(key)) {
		/* The symmetric key, repeated to the length the NIC wants. */
		for (q = 0; q < info.hash_key_size; q++)
			key[q] = steer->key[q % TT_RSS_KEY_LEN];
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = key;
		conf.rx_adv_conf.rss_conf.rss_key_len = info.hash_key_size;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_IPV4);
	}
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
	/* With fewer receiving workers than queues, owners come from the software table alone. */
	if (conf.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS && rss)
		port_rss_setup(port_id, &info, n_queues, steer);
	port_report(port_id, &info, n_queues);
	printf("  steering: %s\n", n_queues <= 1 ? "one worker, none needed" :
	       !rss ? "software: only some workers receive, the others get frames by hand-off" :
	       steer->nic_steers ? "NIC RSS delivers flows to their owners (Toeplitz, symmetric key)" :
	       "software: owner(flow) by Toeplitz hash, hand-off through rings");
	return 0;
}

void
tt_port_stop(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}

int
tt_port_wait_link(uint16_t port_id, unsigned int timeout_ms)
{
	struct rte_eth_link link;
	unsigned int waited;

	for (waited = 0; waited <= timeout_ms; waited += 10) {
		if (rte_eth_link_get_nowait(port_id, &link) == 0 && link.link_status == RTE_ETH_LINK_UP)
			return 0;
		usleep(10 * 1000);
	}
	return -ETIMEDOUT;
}
