/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * What every application on the stack does around its workers: pick the
 * worker lcores, create the steering table, hand-off rings and workers,
 * start the ports, launch, stop and free it all. Shared by tcpterm and
 * tcpterm-gen.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "app.h"

volatile sig_atomic_t tt_app_quit;

static void
app_on_signal(int sig)
{
	tt_app_quit = sig;
}

void
tt_app_signals(void)
{
	signal(SIGINT, app_on_signal);
	signal(SIGTERM, app_on_signal);
}

int
tt_app_init(struct tt_app *app, const char *prog, int argc, char **argv,
	    tt_app_parse_t *parse, void *opts, const char *const *config,
	    const struct tt_service *const *svcs, int *status)
{
	char err[512];
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "%s: EAL initialisation failed: %s\n", prog, rte_strerror(rte_errno));
		*status = 1;
		return -1;
	}
	argv[ret] = argv[0];
	ret = parse(argc - ret, argv + ret, opts);
	if (ret != 0) {
		rte_eal_cleanup();
		*status = ret > 0 ? 0 : 2;
		return -1;
	}
	ret = tt_config_load(&app->cfg, *config, svcs, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rte_eal_cleanup();
		*status = 1;
		return -1;
	}
	return 0;
}

int
tt_app_setup(struct tt_app *app, char *err, size_t errlen)
{
	struct rte_mempool *pools[TT_MAX_WORKERS];
	struct rte_ether_addr macs[TT_MAX_PORTS];
	unsigned int lcore, i, q, n_lcores = 0, n_rx;
	uint16_t avail = rte_eth_dev_count_avail();
	uint16_t pid;
	int ret;

	if (avail < app->cfg.n_ports) {
		snprintf(err, errlen, "%s configures %u port(s) but DPDK found %u "
			 "(give one with e.g. --vdev=net_tap0,iface=tt0)",
			 app->cfg.path, app->cfg.n_ports, avail);
		return -ENODEV;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (app->cfg.workers.count != 0 && n_lcores == app->cfg.workers.count)
			break;
		if (n_lcores == TT_STEER_MAX_WORKERS)
			break;
		app->worker_lcore[n_lcores++] = lcore;
	}
	if (n_lcores == 0) {
		snprintf(err, errlen, "no worker lcore: give at least two lcores (e.g. -l 0-1); "
			 "the main lcore is the control plane");
		return -EINVAL;
	}
	if (app->cfg.workers.count > n_lcores) {
		snprintf(err, errlen, "%s: [workers] count: %u workers need %u worker lcores, "
			 "EAL has %u (-l/--lcores)", app->cfg.path, app->cfg.workers.count,
			 app->cfg.workers.count, n_lcores);
		return -EINVAL;
	}
	ret = tt_stack_init();
	if (ret != 0) {
		snprintf(err, errlen, "stack init failed: %s", strerror(-ret));
		return ret;
	}
	app->steer = rte_zmalloc("tt_steer", sizeof(*app->steer), RTE_CACHE_LINE_SIZE);
	if (app->steer == NULL) {
		snprintf(err, errlen, "out of memory for the steering table");
		return -ENOMEM;
	}
	/* Workers 0..n_rx-1 poll the RX queues between them (worker i: i, i+n_rx, ...). */
	n_rx = app->cfg.workers.rx_workers == 0 ? n_lcores :
		RTE_MIN(app->cfg.workers.rx_workers, n_lcores);
	/* Flows map to RX queues, and queue q is worker q's. */
	tt_steer_init(app->steer, n_lcores, 0);
	i = 0;
	RTE_ETH_FOREACH_DEV(pid) {
		if (i == app->cfg.n_ports)
			break;
		app->port_ids[i] = pid;
		rte_eth_macaddr_get(pid, &macs[i]);
		i++;
	}
	for (q = 0; q < n_lcores && n_lcores > 1; q++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "tt_handoff_%u", q);
		app->steer->rings[q] = rte_ring_create(name, app->cfg.workers.handoff_ring,
					(int)rte_lcore_to_socket_id(app->worker_lcore[q]), RING_F_SC_DEQ);
		if (app->steer->rings[q] == NULL) {
			snprintf(err, errlen, "cannot create hand-off ring %u: %s", q,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	/* One worker per lcore, each on its own socket, owning queue q of every port. */
	for (q = 0; q < n_lcores; q++) {
		struct tt_worker_params wp = { 0 };

		wp.id = q;
		wp.socket = (int)rte_lcore_to_socket_id(app->worker_lcore[q]);
		wp.cfg = &app->cfg;
		wp.n_ports = app->cfg.n_ports;
		wp.steer = app->steer;
		for (i = 0; i < app->cfg.n_ports; i++) {
			wp.ports[i].port_id = app->port_ids[i];
			wp.ports[i].rxq = q < n_rx ? (uint16_t)q : TT_NO_QUEUE;
			wp.ports[i].rxq_stride = (uint16_t)n_rx;
			wp.ports[i].n_rxq = (uint16_t)n_lcores;
			wp.ports[i].txq = (uint16_t)q;
			wp.ports[i].mac = macs[i];
			wp.ports[i].tx_cksum = tt_port_tx_cksum(app->port_ids[i]);
		}
		app->workers[q] = tt_worker_create(&wp);
		if (app->workers[q] == NULL) {
			snprintf(err, errlen, "cannot create worker %u: %s (mbufs = %u, "
				 "max_connections = %u per worker)", q, rte_strerror(rte_errno),
				 app->cfg.limits.mbufs, app->cfg.tcp.max_connections);
			return -ENOMEM;
		}
		app->n_workers = q + 1;
		pools[q] = app->workers[q]->pool;
	}
	for (i = 0; i < app->cfg.n_ports; i++) {
		ret = tt_port_start(app->port_ids[i], n_lcores, n_rx == n_lcores, pools,
				    app->cfg.ports[i].mtu,
				    &app->cfg.workers, app->steer, err, errlen);
		if (ret != 0)
			return ret;
		app->ports_started = i + 1;
	}
	return 0;
}

void
tt_app_launch(struct tt_app *app, lcore_function_t *fn, void *const *args)
{
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		rte_eal_remote_launch(fn, args != NULL ? args[i] : app->workers[i],
				      app->worker_lcore[i]);
}

void
tt_app_stop(struct tt_app *app)
{
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		app->workers[i]->stop = true;
	rte_eal_mp_wait_lcore();
}

void
tt_app_teardown(struct tt_app *app)
{
	unsigned int i;

	for (i = 0; i < app->ports_started; i++)
		tt_port_stop(app->port_ids[i]);
	app->ports_started = 0;
	/* Connections may hold frames from another worker's pool: drain all, then free. */
	for (i = 0; i < app->n_workers; i++)
		tt_worker_drain(app->workers[i]);
	for (i = 0; i < app->n_workers; i++)
		tt_worker_destroy(app->workers[i]);
	if (app->steer != NULL) {
		for (i = 0; i < app->n_workers; i++)
			rte_ring_free(app->steer->rings[i]);
		rte_free(app->steer);
		app->steer = NULL;
	}
	app->n_workers = 0;
}

uint64_t
tt_app_mbufs_in_use(const struct tt_app *app, unsigned int i)
{
	const struct tt_worker *w = app->workers[i];

	return rte_mempool_in_use_count(w->pool) + rte_mempool_in_use_count(w->clone_pool);
}
