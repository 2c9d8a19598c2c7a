/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_APP_H
#define TT_APP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_launch.h>
#include <rte_mempool.h>

#include "tt_worker.h"

#define TT_MAX_WORKERS RTE_MAX_LCORE

/** Everything the control plane knows; workers see only their own struct. */
struct tt_app {
	struct tt_config cfg;
	struct tt_steer *steer;
	unsigned int n_workers;
	struct tt_worker *workers[TT_MAX_WORKERS];
	unsigned int worker_lcore[TT_MAX_WORKERS];
	uint16_t port_ids[TT_MAX_PORTS];
	unsigned int ports_started;
	/** Client service of /tcpterm/connect; NULL: the command is not registered. */
	const struct tt_service *probe;
	/* Per worker, over the last second (control plane only). */
	uint64_t last_tsc;
	uint64_t last_busy[TT_MAX_WORKERS];
	unsigned int busy_pct[TT_MAX_WORKERS];
};

/** The signal that asked the app to stop (SIGINT or SIGTERM), 0 until then. */
extern volatile sig_atomic_t tt_app_quit;

/** Make SIGINT and SIGTERM set tt_app_quit. */
void tt_app_signals(void);

/** An app's own command line (after "--"): 0 go on, 1 done (--help), negative: usage error. */
typedef int (tt_app_parse_t)(int argc, char **argv, void *opts);

/**
 * The start of every app's main(): rte_eal_init(), then @p parse on the
 * arguments after the EAL's, then the configuration file *@p config
 * (read after @p parse, which may set it) with the services @p svcs.
 * Errors are printed as one line prefixed by @p prog.
 * @return 0 to go on; otherwise the app exits with *@p status (0 after
 *   --help, 1 for an EAL or configuration error, 2 for a usage error),
 *   the EAL already cleaned up.
 */
int tt_app_init(struct tt_app *app, const char *prog, int argc, char **argv,
		tt_app_parse_t *parse, void *opts, const char *const *config,
		const struct tt_service *const *svcs, int *status);

/**
 * Pick the worker lcores (every EAL worker lcore, up to `[workers] count`),
 * create the steering table, hand-off rings and workers from app->cfg,
 * and start every configured port.
 * @return 0, or a negative errno with @p err set (one line).
 */
int tt_app_setup(struct tt_app *app, char *err, size_t errlen);

/**
 * Launch @p fn on every worker lcore, with argument @p args[i] for worker
 * i, or the worker itself when @p args is NULL.
 */
void tt_app_launch(struct tt_app *app, lcore_function_t *fn, void *const *args);

/** Tell every worker to stop and wait for the worker lcores. */
void tt_app_stop(struct tt_app *app);

/** Stop the ports, drain and free the workers, rings and steering table. */
void tt_app_teardown(struct tt_app *app);


/**
 * Wait up to @p timeout_ms for the link of @p port_id to come up
 * (net_memif: until the peer connected).
 * @return 0 when up, -ETIMEDOUT otherwise.
 */
int tt_port_wait_link(uint16_t port_id, unsigned int timeout_ms);

/**
 * Configure and start @p port_id with one RX/TX queue pair per worker, RX
 * queue q filled from @p pools[q]; with @p rss false the NIC's RETA is not
 * used for ownership (not every worker polls its queue); prints what the port supports. With
 * several queues it asks for RSS on TCP/IPv4 with @p steer's symmetric key
 * and a round-robin RETA, reads the RETA back into @p steer, and sets
 * steer->nic_steers when the port really hashes that way.
 * @return 0, or a negative errno with @p err set.
 */
int tt_port_start(uint16_t port_id, unsigned int n_queues, bool rss,
		  struct rte_mempool *const *pools,
		  uint16_t mtu, const struct tt_workers_cfg *wc, struct tt_steer *steer,
		  char *err, size_t errlen);

/**
 * Whether TCP segments on @p port_id can leave IPv4 and TCP checksums to
 * the NIC: it must offer both offloads, and not be net_tap, whose software
 * "offload" in DPDK 22.11 sums chained segments without minding odd
 * offsets (zero-copy chains have them) and so sends bad checksums.
 */
bool tt_port_tx_cksum(uint16_t port_id);

/** Stop and close a port started by tt_port_start(). */
void tt_port_stop(uint16_t port_id);

/** Register the /tcpterm/... telemetry commands over @p app. */
int tt_telemetry_register(struct tt_app *app);

/**
 * Update busy_pct: the share of the time since the last call that each
 * worker spent in loop iterations that did work. Call once a second.
 */
void tt_app_busy_update(struct tt_app *app);

/** Sum one worker counter array over all workers. */
void tt_app_sum(const struct tt_app *app, uint64_t *stats, uint64_t *drops, uint64_t *states);

/** mbufs of worker @p i's pools (direct and clones) in use now. */
uint64_t tt_app_mbufs_in_use(const struct tt_app *app, unsigned int i);

#endif /* TT_APP_H */
