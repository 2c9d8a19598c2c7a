/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_WORKER_H
#define TT_WORKER_H

/**
 * @file
 * A worker: one pinned lcore that owns one RX and one TX queue of every
 * port and every connection whose packets it receives. Everything the data
 * path touches hangs off struct tt_worker; nothing is shared.
 */

#include <stdint.h>
#include <stdbool.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "tt_config.h"
#include "tt_prf.h"
#include "tt_stats.h"
#include "tt_steer.h"
#include "tt_syncookie.h"
#include "tt_wheel.h"

#define TT_BURST 64		/**< most frames handled per burst (RTE_HASH_LOOKUP_BULK_MAX) */
#define TT_TX_BUF 64		/**< packets buffered per port before a forced flush */
#define TT_ARP_SLOTS 256	/**< ARP cache entries per port and worker (power of 2) */
#define TT_TICK_US 1000		/**< timer wheel tick: 1 ms */
#define TT_WHEEL_BUDGET 4096	/**< expirations handled per loop iteration */

struct tt_tcb;
struct tt_tcb_ext;
struct tt_tw;

/** One ARP cache entry; a single packet may wait for resolution. */
struct tt_arp_entry {
	uint32_t ip;			/**< network order, 0 = free */
	uint8_t resolved;
	struct rte_ether_addr mac;
	uint64_t req_ms;		/**< last request sent */
	struct rte_mbuf *pending;	/**< one packet held until resolved */
};

/** A port as one worker sees it: its queues, addresses and TX buffer. */
struct tt_wport {
	uint16_t port_id;
	uint16_t rxq;
	uint16_t rxq_stride;
	uint16_t n_rxq;
	uint16_t txq;
	uint16_t mtu;
	bool tx_cksum;			/**< TCP segments leave checksums to the NIC */
	uint32_t addr;			/**< network order; the first of n_addrs */
	uint32_t n_addrs;		/**< consecutive local addresses from addr */
	uint32_t mask;			/**< network order */
	uint32_t gateway;		/**< network order, 0 = none */
	struct rte_ether_addr mac;
	struct rte_ring *fake_tx;	/**< tests: transmit into this ring */
	uint16_t tx_n;
	struct rte_mbuf *tx_buf[TT_TX_BUF];
	struct tt_arp_entry arp[TT_ARP_SLOTS];
};

/** What tt_worker_create() needs to know about one port. */
#define TT_NO_QUEUE UINT16_MAX	/**< a worker that polls no RX queue of this port */

struct tt_port_params {
	uint16_t port_id;
	uint16_t rxq;			/**< first RX queue polled; TT_NO_QUEUE: hand-off only */
	uint16_t rxq_stride;		/**< then rxq + stride, ... below n_rxq (0: just rxq) */
	uint16_t n_rxq;			/**< RX queues of the port */
	bool tx_cksum;			/**< NIC fills IPv4 and TCP checksums */
	uint16_t txq;
	struct rte_ether_addr mac;
	struct rte_ring *fake_tx;	/**< non-NULL: no ethdev, packets go here */
};

struct tt_worker_params {
	unsigned int id;
	int socket;
	const struct tt_config *cfg;
	unsigned int n_ports;
	struct tt_port_params ports[TT_MAX_PORTS];
	uint64_t isn_secret[2];		/**< RFC 6528 key; 0,0 = draw one */
	const struct tt_steer *steer;	/**< NULL or one worker: no hand-off */
};

/** A request from the control plane, copied into the worker's command ring. */
struct tt_cmd {
	uint32_t type;			/**< TT_CMD_* */
	uint32_t count;			/**< CONNECT: connections to open */
	uint32_t raddr;			/**< CONNECT: network order */
	uint16_t rport;			/**< CONNECT: network order */
	uint16_t port;			/**< CONNECT: port index */
	const struct tt_service *svc;	/**< CONNECT: the client service */
	const void *opts;
};

#define TT_CMD_CONNECT 1

#define TT_WORKER_SLOTS 256	/**< workers alive at once in a process (struct tt_tcb::wslot) */
#define TT_ACTIVE_SVCS 16	/**< distinct (service, options) pairs tt_connect() takes per worker */

/** A service and its options, for the TCBs of active opens (struct tt_tcb::lidx). */
struct tt_active_svc {
	const struct tt_service *svc;
	const void *opts;
};

struct tt_worker {
	/* Read-mostly, first cache line. */
	unsigned int id;
	uint8_t slot;			/**< index in tt_worker_slots[] */
	const struct tt_config *cfg;
	struct rte_mempool *pool;	/**< direct mbufs: RX, headers, copies */
	struct rte_mempool *clone_pool;	/**< indirect mbufs for zero-copy TX */
	uint32_t *flow_heads;		/**< flow table: index + 1 of a bucket's first TCB (tcb.c) */
	uint32_t flow_mask;		/**< buckets - 1 */
	uint32_t n_flows;		/**< TCBs in the flow table */
	unsigned int n_ports;
	volatile bool stop;		/**< set by the control plane */
	const struct tt_steer *steer;	/**< ownership and hand-off rings */
	struct rte_ring *inbox;		/**< frames other workers hand to us */
	struct rte_ring *cmds;		/**< struct tt_cmd from the control plane */
	/**
	 * Application work run once per loop iteration, after input and
	 * before the timers and the TX flush (a load generator opens
	 * connections and sends from here); NULL: none. Set before launch.
	 * @return work items done (counts the iteration as busy when > 0).
	 */
	unsigned int (*app_poll)(struct tt_worker *w, void *arg);
	void *app_arg;

	/* Clock: microseconds and wheel ticks since start. */
	uint64_t now_us;
	uint64_t now_ms;
	uint64_t now_tsc;	/**< the TSC as this poll began (tt_worker_poll()), its bursts came in */
	uint64_t tsc0;
	uint64_t tsc_hz;
	uint64_t tsc_us_mult;		/**< tt_tsc_us_mult(tsc_hz) */

	/* Connections. */
	struct tt_tcb *tcbs;
	uint32_t tcb_free;		/**< index + 1 of the first free TCB, 0 = none */
	uint32_t n_tcbs;
	struct tt_tcb_ext *exts;	/**< SACK state pool ([tcp] max_sack_state) */
	struct tt_tcb_ext *ext_free;
	uint32_t n_exts;
	uint32_t ext_used;
	struct tt_tw *tws;		/**< TIME_WAIT records, a circular array (tcb.c) */
	uint32_t *tw_heads;		/**< hash buckets: index + 1 of the first record, 0 = none */
	uint32_t tw_mask;		/**< buckets - 1 */
	uint32_t tw_wait_ms;		/**< no record expires before this ms tick (low 32 bits) */
	uint32_t n_tws;
	uint32_t tw_tail;		/**< oldest slot in use */
	uint32_t tw_used;		/**< slots from tw_tail on in use, holes included */
	uint32_t next_lport;		/**< active opens: where the port search resumes */
	uint32_t next_laddr;		/**< active opens: local address index in use */
	struct tt_active_svc active_svcs[TT_ACTIVE_SVCS];	/**< tt_connect()'s services */
	uint32_t n_active_svcs;
	struct tt_wheel wheel;
	struct tt_prf_key isn_key;	/**< RFC 6528 and RFC 7323 §5.4 secret (isn.c) */
	struct tt_syncookie syncookie;	/**< RFC 4987 secrets (syncookie.c) */
	uint32_t syn_backlog[TT_MAX_LISTENERS];	/**< SYN_RCVD TCBs per listener (cfg->listeners[i]) */
	uint32_t challenge_acks_sec;	/**< RFC 5961 §7 rate limit window */
	uint32_t ooo_mbufs;		/**< mbufs held in all reassembly queues */
	uint64_t challenge_sec;

	struct tt_wport ports[TT_MAX_PORTS];

	/* Counters, written by this worker only, read by the control plane. */
	uint64_t n_state[TT_NB_STATES] __rte_cache_aligned;
	uint64_t stats[TT_NB_STATS] __rte_cache_aligned;
	uint64_t drops[TT_NB_DROPS] __rte_cache_aligned;
	uint64_t loops;
	uint64_t busy_loops;
	uint64_t busy_tsc;		/**< TSC cycles spent in iterations that did work */
} __rte_cache_aligned;

/** Whether @p a (network order) is one of port @p p's addresses. */
static inline bool
tt_wport_is_local(const struct tt_wport *p, uint32_t a)
{
	return rte_be_to_cpu_32(a) - rte_be_to_cpu_32(p->addr) < p->n_addrs;
}

/**
 * Every live worker by slot: a TCB names its worker by a byte
 * (struct tt_tcb::wslot). Written by the control plane in
 * tt_worker_create() and tt_worker_destroy(), read-only while workers run.
 */
extern struct tt_worker *tt_worker_slots[TT_WORKER_SLOTS];

#define TT_STAT_INC(w, name) ((w)->stats[TT_STAT_##name]++)
#define TT_STAT_ADD(w, name, n) ((w)->stats[TT_STAT_##name] += (n))
#define TT_DROP(w, name) ((w)->drops[TT_DROP_##name]++)

/**
 * Set up what the stack needs once per process: the mbuf dynamic field,
 * and tt_prf_init() (AES where the CPU has it). Call on the main lcore
 * after rte_eal_init() and before any worker.
 * @return 0 or a negative errno.
 */
int tt_stack_init(void);

/**
 * Create a worker: pools, flow table, TCB and TIME_WAIT pools, timer wheel,
 * all sized from @p p->cfg and allocated on @p p->socket.
 * @return the worker, or NULL with rte_errno set.
 */
struct tt_worker *tt_worker_create(const struct tt_worker_params *p);

/**
 * Close every connection without sending anything, delete every TIME_WAIT
 * record and free every mbuf the worker holds (queues, ARP, TX buffers):
 * afterwards its pools are back to zero in use.
 */
void tt_worker_drain(struct tt_worker *w);

/** Reset every connection, free every mbuf the worker holds and the worker. */
void tt_worker_destroy(struct tt_worker *w);

#define TT_TSC_US_SHIFT 44

/** The multiplier tt_tsc_to_us() takes for a TSC of @p tsc_hz (at least 1). */
static inline uint64_t
tt_tsc_us_mult(uint64_t tsc_hz)
{
	return (uint64_t)(((unsigned __int128)1000000 << TT_TSC_US_SHIFT) / tsc_hz);
}

/**
 * Microseconds in @p tsc_delta TSC cycles, @p mult from tt_tsc_us_mult():
 * a multiply and a shift instead of a division each loop iteration, in
 * 128 bits so that it never wraps (tsc_delta x 10^6 leaves 64 bits after
 * two hours at 2.5 GHz). Never above the exact quotient, and below it by
 * less than 1 + tsc_delta / 2^44 (at 4 GHz, 20 microseconds a day).
 */
static inline uint64_t
tt_tsc_to_us(uint64_t tsc_delta, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)tsc_delta * mult) >> TT_TSC_US_SHIFT);
}

/** Set the clock (microseconds since start): the TSC in production, virtual in tests. */
void tt_worker_set_clock(struct tt_worker *w, uint64_t now_us);

/** Process a burst received on port index @p port; takes ownership of the mbufs. */
void tt_worker_input(struct tt_worker *w, unsigned int port, struct rte_mbuf **pkts, uint16_t n);

/** Run the timer wheel up to the current clock. @return timers fired. */
unsigned int tt_worker_timers(struct tt_worker *w);

/** Transmit everything buffered. */
void tt_worker_flush(struct tt_worker *w);

/** One loop iteration: read the TSC, receive, process, timers, flush. @return packets received. */
unsigned int tt_worker_poll(struct tt_worker *w);

/** lcore entry point: poll until w->stop, then reset connections and flush. */
int tt_worker_main(void *arg);

/** sizeof(struct tt_tcb): bytes per preallocated connection, beside its flow-table entry. */
size_t tt_tcb_size(void);

/** sizeof(struct tt_tcb_ext): bytes per preallocated SACK state block. */
size_t tt_tcb_ext_size(void);

/** sizeof(struct tt_tw): bytes per preallocated TIME_WAIT record, beside its flow-table entry. */
size_t tt_tw_size(void);

/** Queue one frame for transmission on port index @p port (the TX buffer). */
void tt_worker_tx(struct tt_worker *w, unsigned int port, struct rte_mbuf *m);

/**
 * Post a command to @p w from the control plane (any thread); the worker
 * runs it in its loop. @return 0, or -ENOBUFS when the ring is full.
 */
int tt_worker_post(struct tt_worker *w, const struct tt_cmd *cmd);

/** Run the commands waiting for @p w (its loop does; tests may). @return commands run. */
unsigned int tt_worker_commands(struct tt_worker *w);

#endif /* TT_WORKER_H */
