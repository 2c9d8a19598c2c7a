/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * tcpterm: the appliance. The main lcore is the control plane: it reads the
 * configuration, sets up ports and workers, serves telemetry and prints one
 * line of statistics per second. Workers run on the other lcores.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pdump.h>

#include "app.h"
#include "services.h"

#define DEFAULT_CONFIG "config/tcpterm.conf"

static volatile sig_atomic_t quit_signal;

static void
on_signal(int sig)
{
	quit_signal = sig;
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- [-f FILE] [-q]\n"
		"  -f, --config FILE  configuration (default " DEFAULT_CONFIG ")\n"
		"  -q, --quiet        no per-second statistics line\n"
		"  -h, --help         this text\n", prog);
}

struct opts {
	const char *config;
	int quiet;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->config = DEFAULT_CONFIG;
	o->quiet = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->config = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		case ':':
			fprintf(stderr, "tcpterm: option '%s' needs an argument\n", argv[optind - 1]);
			usage(stderr, argv[0]);
			return -EINVAL;
		default:
			fprintf(stderr, "tcpterm: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tcpterm: unexpected argument '%s'\n", argv[optind]);
		usage(stderr, argv[0]);
		return -EINVAL;
	}
	return 0;
}

/* One line per second: rates from the difference with the previous second. */
static void
print_stats(const struct tt_app *app, uint64_t *prev)
{
	uint64_t stats[TT_NB_STATS], drops[TT_NB_DROPS], states[TT_NB_STATES];
	uint64_t drop_total = 0;
	char busy[8 * TT_STEER_MAX_WORKERS] = "";
	size_t off = 0;
	unsigned int k;

	tt_app_sum(app, stats, drops, states);
	for (k = 0; k < TT_NB_DROPS; k++)
		drop_total += drops[k];
	for (k = 0; k < app->n_workers && off < sizeof(busy); k++)
		off += (size_t)snprintf(busy + off, sizeof(busy) - off, " %u%%", app->busy_pct[k]);
	printf("rx %8" PRIu64 " pps  tx %8" PRIu64 " pps | est %6" PRIu64 " syn %4" PRIu64
	       " fin %5" PRIu64 " tw %6" PRIu64 " | new/s %6" PRIu64 " closed/s %6" PRIu64
	       " rst/s %4" PRIu64 " | rexmit %6" PRIu64 " drops %6" PRIu64 " | busy%s\n",
	       stats[TT_STAT_rx_packets] - prev[TT_STAT_rx_packets],
	       stats[TT_STAT_tx_packets] - prev[TT_STAT_tx_packets],
	       states[TT_ESTABLISHED], states[TT_SYN_RCVD],
	       states[TT_FIN_WAIT_1] + states[TT_FIN_WAIT_2] + states[TT_CLOSE_WAIT] +
	       states[TT_CLOSING] + states[TT_LAST_ACK], states[TT_TIME_WAIT],
	       stats[TT_STAT_conn_established] - prev[TT_STAT_conn_established],
	       stats[TT_STAT_conn_closed] - prev[TT_STAT_conn_closed],
	       (stats[TT_STAT_conn_reset_rx] + stats[TT_STAT_conn_reset_tx]) -
	       (prev[TT_STAT_conn_reset_rx] + prev[TT_STAT_conn_reset_tx]),
	       stats[TT_STAT_retransmits], drop_total, busy);
	fflush(stdout);
	memcpy(prev, stats, sizeof(stats));
}

static int
app_setup(struct tt_app *app, char *err, size_t errlen)
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

int
main(int argc, char **argv)
{
	static struct tt_app app;
	uint64_t prev[TT_NB_STATS] = { 0 };
	char err[512];
	struct opts o;
	uint64_t next_print;
	unsigned int i;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "tcpterm: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argv[ret] = argv[0];
	argc -= ret;
	argv += ret;
	ret = parse_args(argc, argv, &o);
	if (ret != 0) {
		rte_eal_cleanup();
		return ret > 0 ? 0 : 2;
	}
	ret = tt_config_load(&app.cfg, o.config, tt_services, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "tcpterm: %s\n", err);
		rte_eal_cleanup();
		return 1;
	}
	ret = app_setup(&app, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "tcpterm: %s\n", err);
		goto out;
	}
	if (tt_telemetry_register(&app) != 0)
		fprintf(stderr, "tcpterm: warning: telemetry commands not registered\n");
	/* Live capture with dpdk-dumpcap / dpdk-pdump (secondary processes). */
	if (rte_pdump_init() != 0)
		fprintf(stderr, "tcpterm: warning: packet capture unavailable: %s\n",
			rte_strerror(rte_errno));

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (i = 0; i < app.cfg.n_listeners; i++) {
		const struct tt_listen_cfg *l = &app.cfg.listeners[i];
		char addr[16] = "*";

		if (l->addr != 0) {
			const uint8_t *b = (const uint8_t *)&l->addr;

			snprintf(addr, sizeof(addr), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		}
		printf("listening on %s:%u (%s, [listen.%s])\n", addr, l->port, l->svc->name, l->name);
	}
	printf("tcpterm ready: %u worker(s), config %s\n", app.n_workers, app.cfg.path);
	fflush(stdout);
	for (i = 0; i < app.n_workers; i++)
		rte_eal_remote_launch(tt_worker_main, app.workers[i], app.worker_lcore[i]);

	next_print = rte_get_timer_cycles() + rte_get_timer_hz();
	while (!quit_signal) {
		usleep(50 * 1000);
		if (rte_get_timer_cycles() >= next_print) {
			next_print += rte_get_timer_hz();
			tt_app_busy_update(&app);
			if (!o.quiet)
				print_stats(&app, prev);
		}
	}
	printf("tcpterm: %s received, resetting connections and stopping\n",
	       quit_signal == SIGINT ? "SIGINT" : "SIGTERM");
	for (i = 0; i < app.n_workers; i++)
		app.workers[i]->stop = true;
	rte_eal_mp_wait_lcore();
	ret = 0;
out:
	for (i = 0; i < app.ports_started; i++)
		tt_port_stop(app.port_ids[i]);
	/* Connections may hold frames from another worker's pool: drain all, then free. */
	for (i = 0; i < app.n_workers; i++)
		tt_worker_drain(app.workers[i]);
	for (i = 0; i < app.n_workers; i++)
		tt_worker_destroy(app.workers[i]);
	if (app.steer != NULL) {
		for (i = 0; i < app.n_workers; i++)
			rte_ring_free(app.steer->rings[i]);
		rte_free(app.steer);
	}
	rte_pdump_uninit();
	tt_config_free(&app.cfg);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
