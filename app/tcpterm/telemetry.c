/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * DPDK telemetry under /tcpterm/. Callbacks run on the telemetry thread and
 * read the workers' counters without locks: each is a 64-bit word written
 * by one worker only.
 */

#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "app.h"

static const struct tt_app *tel_app;

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

int
tt_telemetry_register(const struct tt_app *app)
{
	int ret;

	tel_app = app;
	ret = rte_telemetry_register_cmd("/tcpterm/stats", tel_stats,
		"Counters summed over workers: packets, bytes, connections, retransmissions, "
		"drops by reason (drop_*).");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/tcpterm/states", tel_states,
			"Connections per RFC 9293 state (LISTEN counts listeners).");
	return ret;
}
