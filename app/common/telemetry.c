/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * DPDK telemetry under /tcpterm/. Callbacks run on the telemetry thread and
 * read the workers' counters without locks: each is a 64-bit word written
 * by one worker only.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_telemetry.h>

#include "app.h"

static struct tt_app *tel_app;

void
tt_app_sum(const struct tt_app *app, uint64_t *stats, uint64_t *drops, uint64_t *states)
{
	unsigned int i, k;

	if (stats != NULL)
		memset(stats, 0, sizeof(uint64_t) * TT_NB_STATS);
	if (drops != NULL)
		memset(drops, 0, sizeof(uint64_t) * TT_NB_DROPS);
	if (states != NULL)
		memset(states, 0, sizeof(uint64_t) * TT_NB_STATES);
	for (i = 0; i < app->n_workers; i++) {
		const struct tt_worker *w = app->workers[i];

		for (k = 0; stats != NULL && k < TT_NB_STATS; k++)
			stats[k] += w->stats[k];
		for (k = 0; drops != NULL && k < TT_NB_DROPS; k++)
			drops[k] += w->drops[k];
		for (k = 0; states != NULL && k < TT_NB_STATES; k++)
			states[k] += (k == TT_LISTEN && i > 0) ? 0 : w->n_state[k];
	}
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t stats[TT_NB_STATS], drops[TT_NB_DROPS], total = 0;
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned int k;

	(void)cmd;
	(void)params;
	tt_app_sum(tel_app, stats, drops, NULL);
	rte_tel_data_start_dict(d);
	for (k = 0; k < TT_NB_STATS; k++)
		rte_tel_data_add_dict_u64(d, tt_stat_names[k], stats[k]);
	for (k = 0; k < TT_NB_DROPS; k++) {
		snprintf(key, sizeof(key), "drop_%s", tt_drop_names[k]);
		rte_tel_data_add_dict_u64(d, key, drops[k]);
		total += drops[k];
	}
	rte_tel_data_add_dict_u64(d, "drops", total);
	return 0;
}

void
tt_app_busy_update(struct tt_app *app)
{
	uint64_t now = rte_rdtsc(), elapsed = now - app->last_tsc;
	unsigned int i;

	/*
	 * By time, not by iterations: an iteration that finds nothing takes a
	 * fraction of one that works, so counting iterations reads far too low.
	 */
	for (i = 0; i < app->n_workers; i++) {
		uint64_t busy = app->workers[i]->busy_tsc;

		app->busy_pct[i] = app->last_tsc != 0 && elapsed > 0 ?
			(unsigned int)RTE_MIN(100u, 100 * (busy - app->last_busy[i]) / elapsed) : 0;
		app->last_busy[i] = busy;
	}
	app->last_tsc = now;
}

/* Per-worker figures, by name; index w of each array is worker w. */
static uint64_t
worker_value(unsigned int i, unsigned int what)
{
	const struct tt_worker *w = tel_app->workers[i];
	uint64_t live = 0;
	unsigned int k;

	switch (what) {
	case 0: return tel_app->worker_lcore[i];
	case 1: return w->stats[TT_STAT_rx_packets];
	case 2: return w->stats[TT_STAT_tx_packets];
	case 3: return w->stats[TT_STAT_handoff_in];
	case 4: return w->stats[TT_STAT_handoff_out];
	case 5: return w->drops[TT_DROP_handoff_ring_full];
	case 6:
		for (k = 0; k < TT_NB_STATES; k++)
			if (k != TT_LISTEN && k != TT_TIME_WAIT)
				live += w->n_state[k];
		return live;
	case 7: return w->n_state[TT_TIME_WAIT];
	case 8: return w->stats[TT_STAT_conn_established];
	case 9: return tel_app->busy_pct[i];
	/* Approximate while the worker runs (caches are read without locks), exact when idle. */
	case 10: return rte_mempool_in_use_count(w->pool);
	case 11: return rte_mempool_in_use_count(w->clone_pool);
	case 12: return w->busy_tsc;
	case 13: return w->loops;
	default: return w->busy_loops;
	}
}

static const char *const worker_fields[] = {
	"lcore", "rx_packets", "tx_packets", "handoff_in", "handoff_out", "ring_drops",
	"connections", "time_wait", "connections_opened", "busy_percent",
	"mbufs_in_use", "clones_in_use", "busy_cycles", "polls", "busy_polls",
};

/*
 * /tcpterm/workers: {field: [worker 0, worker 1, ...]};
 * /tcpterm/workers,N: {field: value} for worker N.
 */
static int
tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i, f;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params != NULL && params[0] != '\0') {
		char *end;
		unsigned long n = strtoul(params, &end, 10);

		if (*end != '\0' || n >= tel_app->n_workers)
			return -EINVAL;
		for (f = 0; f < RTE_DIM(worker_fields); f++)
			rte_tel_data_add_dict_u64(d, worker_fields[f], worker_value((unsigned int)n, f));
		rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
		return 0;
	}
	rte_tel_data_add_dict_u64(d, "workers", tel_app->n_workers);
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	for (f = 0; f < RTE_DIM(worker_fields); f++) {
		struct rte_tel_data *a = rte_tel_data_alloc();

		if (a == NULL)
			return -ENOMEM;
		rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
		for (i = 0; i < tel_app->n_workers; i++)
			rte_tel_data_add_array_u64(a, worker_value(i, f));
		if (rte_tel_data_add_dict_container(d, worker_fields[f], a, 0) != 0)
			return -ENOSPC;
	}
	return 0;
}

/*
 * /tcpterm/connect,A.B.C.D:PORT[,N]: every worker opens N (default 1)
 * connections to the address with the probe client. The request is posted
 * to each worker's command ring; results show in /tcpterm/stats
 * (active_open_ok, active_open_failed).
 */
static int
tel_connect(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tt_cmd c = { .type = TT_CMD_CONNECT, .count = 1, .svc = tel_app->probe };
	char host[INET_ADDRSTRLEN];
	unsigned int port, count = 1, i, posted = 0;
	struct in_addr a;
	int n = 0;

	(void)cmd;
	if (params == NULL ||
	    sscanf(params, "%15[0-9.]:%u%n,%u%n", host, &port, &n, &count, &n) < 2 ||
	    params[n] != '\0' || inet_pton(AF_INET, host, &a) != 1 || port == 0 || port > 65535 ||
	    count == 0 || count > 10000)
		return -EINVAL;
	c.raddr = a.s_addr;
	c.rport = rte_cpu_to_be_16((uint16_t)port);
	c.count = count;
	for (i = 0; i < tel_app->n_workers; i++)
		posted += tt_worker_post(tel_app->workers[i], &c) == 0;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "workers", posted);
	rte_tel_data_add_dict_u64(d, "connections", (uint64_t)posted * count);
	return 0;
}

static int
tel_states(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t states[TT_NB_STATES];
	unsigned int k;

	(void)cmd;
	(void)params;
	tt_app_sum(tel_app, NULL, NULL, states);
	rte_tel_data_start_dict(d);
	for (k = 0; k < TT_NB_STATES; k++)
		rte_tel_data_add_dict_u64(d, tt_state_names[k], states[k]);
	return 0;
}

/* Resident set size of this process in bytes (/proc/self/statm), 0 if unknown. */
static uint64_t
rss_bytes(void)
{
	unsigned long long size, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)getpagesize();
}

/*
 * /tcpterm/memory: what the DPDK heaps hold (every table is preallocated
 * there from [tcp] max_connections and max_time_wait: compare two
 * capacities to get the cost per connection), the process RSS, and the
 * sizes of the per-connection records.
 */
static int
tel_memory(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint64_t total = 0, alloc = 0, tcbs = 0, tws = 0, exts = 0, exts_used = 0, live = 0, tw = 0;
	unsigned int s, i, k;

	(void)cmd;
	(void)params;
	for (s = 0; s < rte_socket_count(); s++) {
		struct rte_malloc_socket_stats st;

		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0) {
			total += st.heap_totalsz_bytes;
			alloc += st.heap_allocsz_bytes;
		}
	}
	for (i = 0; i < tel_app->n_workers; i++) {
		const struct tt_worker *w = tel_app->workers[i];

		tcbs += w->n_tcbs;
		tws += w->n_tws;
		exts += w->n_exts;
		exts_used += w->ext_used;
		for (k = 0; k < TT_NB_STATES; k++)
			if (k != TT_LISTEN && k != TT_TIME_WAIT)
				live += w->n_state[k];
		tw += w->n_state[TT_TIME_WAIT];
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "heap_total_bytes", total);
	rte_tel_data_add_dict_u64(d, "heap_alloc_bytes", alloc);
	rte_tel_data_add_dict_u64(d, "rss_bytes", rss_bytes());
	rte_tel_data_add_dict_u64(d, "tcb_capacity", tcbs);
	rte_tel_data_add_dict_u64(d, "time_wait_capacity", tws);
	rte_tel_data_add_dict_u64(d, "sack_state_capacity", exts);
	rte_tel_data_add_dict_u64(d, "sack_state_in_use", exts_used);
	rte_tel_data_add_dict_u64(d, "tcb_bytes", tt_tcb_size());
	rte_tel_data_add_dict_u64(d, "sack_state_bytes", tt_tcb_ext_size());
	rte_tel_data_add_dict_u64(d, "time_wait_record_bytes", tt_tw_size());
	rte_tel_data_add_dict_u64(d, "connections", live);
	rte_tel_data_add_dict_u64(d, "time_wait", tw);
	return 0;
}

/* Help texts must stay under RTE_TEL_MAX_STRING_LEN or registration fails. */
int
tt_telemetry_register(struct tt_app *app)
{
	int ret;

	tel_app = app;
	ret = rte_telemetry_register_cmd("/tcpterm/stats", tel_stats,
		"Counters summed over workers: packets, bytes, connections, retransmissions, "
		"drops by reason (drop_*).");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/tcpterm/states", tel_states,
			"Connections per RFC 9293 state (LISTEN counts listeners).");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/tcpterm/workers", tel_workers,
			"Per worker: packets, hand-offs, ring drops, connections, busy% "
			"(last second), mbufs in use. Parameter: worker index");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/tcpterm/memory", tel_memory,
			"DPDK heap bytes allocated, process RSS, table capacities and record sizes.");
	if (ret == 0 && app->probe != NULL)
		ret = rte_telemetry_register_cmd("/tcpterm/connect", tel_connect,
			"Each worker opens N probe connections. Parameters: A.B.C.D:PORT[,N]");
	return ret;
}
