/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_GEN_H
#define TT_GEN_H

/**
 * @file
 * tcpterm-gen: a load generator on the tcpterm stack. The main lcore
 * parses the command line, sets up ports and workers (app/common), moves
 * the run through its phases and prints reports; each worker opens
 * connections and sends requests from its loop (tt_worker::app_poll) and
 * sees the answers through the client services in gen.c. A worker's
 * counters and latency histogram are written by that worker alone and
 * read by the main lcore without locks.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "histo.h"
#include "tcpterm.h"
#include "tt_worker.h"

/** What the generator does (the MODE argument). */
enum gen_mode {
	GEN_CPS,	/**< a new connection per request, full four-way close */
	GEN_RPS,	/**< N keep-alive connections, K requests in flight each */
	GEN_BULK,	/**< stream to discard or from source */
	GEN_HOLD,	/**< open N connections and keep them idle */
};

/** What a request looks like. */
enum gen_payload {
	GEN_HTTP,	/**< HTTP/1.1 GET, response framed by Content-Length */
	GEN_ECHO,	/**< --size bytes, answered by as many bytes */
};

/** Everything the command line says; read-only once workers run. */
struct gen_opts {
	enum gen_mode mode;
	enum gen_payload payload;
	uint32_t raddr;			/**< target, network order */
	uint16_t rport;			/**< target port, host order */
	uint32_t duration_s;		/**< length of the measured run */
	uint32_t concurrency;		/**< connections in flight (cps) or open (rps, bulk, hold) */
	uint64_t rate;			/**< open loop: operations per second, all workers; 0 = closed loop */
	uint32_t pipeline;		/**< rps: requests in flight per connection */
	uint32_t size;			/**< echo: request bytes */
	bool bulk_recv;			/**< bulk: read from source instead of sending to discard */
	uint32_t drain_ms;		/**< after the run: how long connections may take to close */
	uint32_t warm_conns;		/**< --warmup: connections per worker before the run */
	uint32_t wait_peer_s;		/**< after the summary: keep the port open until the peer goes */
	const char *path;		/**< http: request path */
	const char *json;		/**< --json FILE or NULL */
	const char *config;
	const char *address;		/**< --address A.B.C.D/P overriding [port0] address */
	const char *gateway;		/**< --gateway A.B.C.D overriding [port0] gateway */
	uint32_t addresses;		/**< --addresses K overriding [port0] addresses */
	bool quiet;
	/* Derived. */
	char *reqbuf;			/**< --pipeline requests back to back */
	uint32_t req_len;		/**< bytes of one request */
};

/** Phases of a run, set by the main lcore, read by the workers. */
enum gen_phase {
	GEN_PH_IDLE,
	GEN_PH_WARMUP,	/**< one connection per worker: ARP and the target answer */
	GEN_PH_RUN,	/**< the measured run */
	GEN_PH_DRAIN,	/**< no new work; connections close */
};

/* Per-worker counters (STYLE habit 11: one list). */
#define GEN_COUNTERS(X)			\
	X(conn_opened)			\
	X(conn_established)		\
	X(conn_closed)			\
	X(requests)			\
	X(responses)			\
	X(bytes_tx)			\
	X(bytes_rx)			\
	X(err_reset)			\
	X(err_timeout)			\
	X(err_connect)			\
	X(err_protocol)			\
	X(err_incomplete)		\
	X(unfinished)

#define GEN_ENUM_CNT(name) GEN_CNT_##name,
enum gen_counter { GEN_COUNTERS(GEN_ENUM_CNT) GEN_NB_COUNTERS };
#undef GEN_ENUM_CNT

extern const char *const gen_counter_names[GEN_NB_COUNTERS];

/*
 * Warm-up connections per worker (--warmup's default), one after the
 * other, before the run. Each is at least two frames each way, so the
 * link's rings go round at least twice (memif here: 4096 slots). A memif
 * link's buffers are pages of shared memory that fault at first touch:
 * about 2,300 per process, and until they had, a round trip took 0.5 ms
 * instead of 2 us (the first 60-70 ms of traffic, which a one-connection
 * warm-up left to the run). A slow target (under valgrind) gets
 * GEN_WARM_MORE_MS for them after its first answer.
 */
#define GEN_WARM_CONNS 4096
#define GEN_WARM_MORE_MS 2000

/** One worker's generator state; allocated on its socket, touched by it alone. */
struct gen_worker {
	struct tt_worker *w;
	const struct gen_opts *o;
	const volatile uint32_t *phase;	/**< enum gen_phase, written by the main lcore */
	unsigned int id;
	double tsc_per_op;		/**< open loop: TSC cycles between operations */
	double ns_per_tsc;
	uint64_t run_tsc;		/**< TSC at the start of GEN_PH_RUN */
	uint64_t t0;			/**< open loop: TSC when operation 0 was due (0: not yet) */
	uint64_t scheduled;		/**< open loop: operations started so far */
	uint32_t target;		/**< this worker's share of --concurrency */
	uint32_t seen_phase;
	uint32_t n_slots;
	struct tt_conn **conns;		/**< slot -> connection, NULL = free */
	uint64_t *ts;			/**< slot * pipeline + i: request start (TSC) */
	uint32_t *free_slots;		/**< stack of free slots */
	uint32_t n_free;
	uint32_t *ready;		/**< rps open loop: slots with a free pipeline place */
	uint32_t n_ready;
	uint32_t ready_cap;
	uint32_t handshakes;		/**< connections in SYN_SENT */
	uint32_t drain_pos;		/**< GEN_PH_DRAIN: next slot to close */
	uint32_t closing;		/**< tt_shutdown() called, not closed yet */
	/* Read by the main lcore. */
	volatile int32_t warm;		/**< 0 running, 1 answered, -1 failed */
	volatile uint32_t warm_done;	/**< warm-up connections closed normally */
	volatile uint32_t active;	/**< connections open or opening */
	uint64_t cnt[GEN_NB_COUNTERS] __rte_cache_aligned;
	struct tt_histo lat __rte_cache_aligned;	/**< latency, nanoseconds */
} __rte_cache_aligned;

/**
 * Allocate @p g's connection tables for @p o (control plane, before
 * launch). @return 0 or -ENOMEM.
 */
int gen_worker_init(struct gen_worker *g, struct tt_worker *w, const struct gen_opts *o,
		    const volatile uint32_t *phase, unsigned int id, unsigned int n_workers);

/** Free what gen_worker_init() allocated. */
void gen_worker_fini(struct gen_worker *g);

/** The per-iteration hook (tt_worker::app_poll) with @p arg a struct gen_worker. */
unsigned int gen_poll(struct tt_worker *w, void *arg);

/** Build o->reqbuf from the options. @return 0 or -ENOMEM. */
int gen_build_request(struct gen_opts *o, const char *host);

/**
 * Feed @p len bytes of an HTTP response stream to the parser state in
 * @p st; exposed for tests. @return responses completed, or -1 for a
 * malformed response.
 */
struct gen_http_parser {
	uint32_t body_left;	/**< body bytes still to come */
	uint32_t clen;		/**< Content-Length being read */
	uint16_t hdr_len;	/**< header bytes seen */
	uint16_t status;	/**< status code being read */
	uint8_t in_body;	/**< 1 in a body */
	uint8_t eoh;		/**< progress through CR LF CR LF */
	uint8_t cl_match;	/**< progress through "\ncontent-length:" */
	uint8_t cl_state;	/**< 0 no, 1 reading digits, 2 read */
};

int gen_http_feed(struct gen_http_parser *st, const uint8_t *p, uint32_t len, uint32_t *bad_status);

#endif /* TT_GEN_H */
