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
#include "tt_prf.h"

#define DEFAULT_CONFIG "config/tcpterm.conf"


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
parse_args(int argc, char **argv, void *opts)
{
	struct opts *o = opts;
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

int
main(int argc, char **argv)
{
	static struct tt_app app;
	uint64_t prev[TT_NB_STATS] = { 0 };
	char err[512];
	struct opts o = { 0 };
	uint64_t next_print;
	unsigned int i;
	int ret;

	if (tt_app_init(&app, "tcpterm", argc, argv, parse_args, &o, &o.config, tt_services,
			&ret) != 0)
		return ret;
	ret = tt_app_setup(&app, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "tcpterm: %s\n", err);
		goto out;
	}
	app.probe = &tt_svc_probe;
	if (tt_telemetry_register(&app) != 0)
		fprintf(stderr, "tcpterm: warning: telemetry commands not registered\n");
	/* Live capture with dpdk-dumpcap / dpdk-pdump (secondary processes). */
	if (rte_pdump_init() != 0)
		fprintf(stderr, "tcpterm: warning: packet capture unavailable: %s\n",
			rte_strerror(rte_errno));

	tt_app_signals();
	for (i = 0; i < app.cfg.n_listeners; i++) {
		const struct tt_listen_cfg *l = &app.cfg.listeners[i];
		char addr[16] = "*";

		if (l->addr != 0) {
			const uint8_t *b = (const uint8_t *)&l->addr;

			snprintf(addr, sizeof(addr), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		}
		printf("listening on %s:%u (%s, [listen.%s])\n", addr, l->port, l->svc->name, l->name);
	}
	printf("ISNs, timestamp offsets and SYN cookies keyed with %s\n",
	       tt_prf_is_aes() ? "AES-128 (AES-NI)" : "SipHash-2-4 (no AES instructions)");
	printf("tcpterm ready: %u worker(s), config %s\n", app.n_workers, app.cfg.path);
	fflush(stdout);
	tt_app_launch(&app, tt_worker_main, NULL);

	next_print = rte_get_timer_cycles() + rte_get_timer_hz();
	while (!tt_app_quit) {
		usleep(50 * 1000);
		if (rte_get_timer_cycles() >= next_print) {
			next_print += rte_get_timer_hz();
			tt_app_busy_update(&app);
			if (!o.quiet)
				print_stats(&app, prev);
		}
	}
	printf("tcpterm: %s received, resetting connections and stopping\n",
	       tt_app_quit == SIGINT ? "SIGINT" : "SIGTERM");
	tt_app_stop(&app);
	ret = 0;
out:
	tt_app_teardown(&app);
	rte_pdump_uninit();
	tt_config_free(&app.cfg);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
