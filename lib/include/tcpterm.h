/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TCPTERM_H
#define TCPTERM_H

/**
 * @file
 * The contract between the tcpterm stack and the services that run on it.
 *
 * Every callback runs on the worker lcore that owns the connection, so a
 * service needs no locks: all calls below must be made from that same
 * worker, from inside one of its callbacks (or a service timer on it).
 *
 * Flow control follows the lwIP model: payload handed to on_data() closes
 * the advertised receive window by its length until the service reports it
 * consumed with tt_recved(). A service that forwards data elsewhere (echo)
 * calls tt_recved() only once the data has left, which bounds the memory a
 * connection can hold by configuration.
 */

#include <stdint.h>
#include <stddef.h>

#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A connection, as seen by a service. Opaque. */
struct tt_conn;

/**
 * Bytes of per-connection storage reserved for the service. It counts in
 * the memory of every connection, idle or not: keep in it only what
 * cannot be found again (the options are tt_conn_opts()).
 */
#define TT_APP_CTX_SIZE 40

/** Why a connection ended, passed to tt_service::on_close(). */
enum tt_close_reason {
	TT_CLOSE_NORMAL = 0,	/**< Orderly close, both FINs acknowledged. */
	TT_CLOSE_RESET,		/**< The peer sent a valid RST. */
	TT_CLOSE_ABORT,		/**< The service called tt_abort(). */
	TT_CLOSE_TIMEOUT,	/**< Retransmissions or a state timer gave up. */
	TT_CLOSE_SHUTDOWN,	/**< The appliance is stopping. */
	TT_CLOSE_REFUSED,	/**< Active open answered with RST. */
};

/**
 * A service: a const table of callbacks in a file of its own
 * (see app/tcpterm/services/). Unused callbacks may be NULL.
 */
struct tt_service {
	/** Name used by the `service =` key of a listener. */
	const char *name;
	/** Size of the per-listener options block passed to opt() and on_accept(). */
	size_t opts_size;
	/**
	 * Set defaults in a zeroed options block. Called once per listener
	 * before any opt() call.
	 */
	void (*opts_init)(void *opts);
	/**
	 * Parse one listener key that the stack does not know.
	 * @return 0 on success, -EINVAL for a bad value (msg says why),
	 *   -ENOENT for a key this service does not have.
	 */
	int (*opt)(void *opts, const char *key, const char *value,
		   char *msg, size_t msglen);
	/**
	 * A connection reached ESTABLISHED: accepted on a listener of this
	 * service (its context zeroed first), or opened by tt_connect() (its
	 * context kept from the tt_connect() call).
	 * @return 0 to keep the connection, negative to reset it.
	 */
	int (*on_accept)(struct tt_conn *c, const void *opts);
	/**
	 * In-order payload arrived. The service owns @p m (a possibly chained
	 * mbuf whose data is exactly the payload) and must free it or pass it
	 * to tt_send(). The receive window closes by its length until the
	 * service calls tt_recved().
	 */
	void (*on_data)(struct tt_conn *c, struct rte_mbuf *m);
	/**
	 * The peer acknowledged @p acked bytes of sent data: send space grew.
	 */
	void (*on_sent)(struct tt_conn *c, uint32_t acked);
	/** The peer sent FIN: no more data will arrive. */
	void (*on_peer_fin)(struct tt_conn *c);
	/**
	 * The connection is gone for the service; @p c must not be used
	 * after this returns. Called exactly once per accepted connection.
	 */
	void (*on_close)(struct tt_conn *c, enum tt_close_reason reason);
};

/**
 * Per-connection storage for the service: TT_APP_CTX_SIZE bytes,
 * zeroed before on_accept().
 */
void *tt_conn_ctx(struct tt_conn *c);

/**
 * The options on_accept() was given for @p c: its listener's, or those
 * passed to tt_connect(). Valid for the life of the connection.
 */
const void *tt_conn_opts(const struct tt_conn *c);

/** Bytes that tt_send()/tt_send_copy() can queue now. */
uint32_t tt_send_space(const struct tt_conn *c);

/**
 * Queue an mbuf (chain) for sending, zero copy. The stack takes ownership
 * of @p m in every case, also on error (it frees it then).
 * @return bytes queued, or -ENOTCONN if the connection can no longer send,
 *   -ENOBUFS if the send buffer cannot take all of it (nothing is queued).
 */
int tt_send(struct tt_conn *c, struct rte_mbuf *m);

/**
 * Copy @p len bytes into the send queue.
 * @return bytes queued (possibly fewer than @p len when send space or mbufs
 *   run short), or -ENOTCONN.
 */
int tt_send_copy(struct tt_conn *c, const void *buf, uint32_t len);

/** Report @p len bytes handed over by on_data() as consumed: opens the window. */
void tt_recved(struct tt_conn *c, uint32_t len);

/**
 * Close the sending direction: a FIN follows the queued data.
 * @return 0, or -ENOTCONN if already shut down or closed.
 */
int tt_shutdown(struct tt_conn *c);

/**
 * Turn Nagle's algorithm off or on for @p c, as TCP_NODELAY does on a
 * socket. With Nagle on (the default, `[tcp] nagle`), the last piece of
 * queued data, if shorter than the MSS, waits while an earlier short
 * segment is unacknowledged (Minshall's variant of RFC 1122 §4.2.3.4):
 * many small tt_send() calls then cost one segment per round trip rather
 * than one each, but a short write can wait up to a round trip plus the
 * peer's delayed-ACK time (often 40 ms). Full segments, the tail of a
 * write larger than the MSS behind full segments, and a FIN are never held.
 * Turning @p on makes any held data leave now.
 * @param on non-zero: no delay (Nagle off); zero: Nagle on.
 * @return 0, or -ENOTCONN if the connection is closed.
 */
int tt_set_nodelay(struct tt_conn *c, int on);

/**
 * Turn keepalive on or off for @p c, as SO_KEEPALIVE does on a socket
 * (RFC 1122 §4.2.3.6; default from `[tcp] keepalive`, off). When the peer
 * has sent nothing for `keepalive_idle_ms` and nothing of ours is in
 * flight, a probe <SEQ=SND.NXT-1> without data goes out, then one every
 * `keepalive_interval_ms`; any segment from the peer ends the probing and
 * restarts the idle time. After `keepalive_count` unanswered probes the
 * connection is reset and on_close() gets TT_CLOSE_TIMEOUT. Turning it on
 * starts the idle time now.
 * @param on non-zero: probe; zero: never probe.
 * @return 0, or -ENOTCONN if the connection is closed.
 */
int tt_set_keepalive(struct tt_conn *c, int on);

/**
 * Reset the connection (RST) and free it. on_close() runs with
 * TT_CLOSE_ABORT before this returns; @p c is invalid afterwards.
 */
void tt_abort(struct tt_conn *c);

/** Allocate an mbuf from the owning worker's pool (for zero-copy sends). */
struct rte_mbuf *tt_conn_alloc_mbuf(struct tt_conn *c);

struct tt_worker;

/**
 * Open a connection (RFC 9293 active OPEN) from worker @p w, port index
 * @p port, to @p raddr:@p rport (network order). The local port is taken
 * from [tcp] local_port_min..local_port_max such that the flow's owner
 * (its RSS hash through the RETA) is @p w itself: replies reach this
 * worker without a hand-off. @p svc gets on_accept() once the handshake
 * completes, or on_close() (TT_CLOSE_REFUSED, TT_CLOSE_TIMEOUT) if it
 * fails; its context (tt_conn_ctx()) is zeroed now and kept.
 * Must run on @p w's lcore.
 * @return 0 with *@p out set, -EADDRNOTAVAIL when no local port in the
 *   range maps to this worker and is free, -ENOMEM when the TCB pool or
 *   flow table is full, -EINVAL for a bad port index, -ENOSPC when this
 *   worker already opened connections with 16 other (@p svc, @p opts)
 *   pairs (a connection keeps a byte for them, not two pointers).
 */
int tt_connect(struct tt_worker *w, unsigned int port, uint32_t raddr, uint16_t rport,
	       const struct tt_service *svc, const void *opts, struct tt_conn **out);

/** The worker that owns @p c. */
struct tt_worker *tt_conn_worker(struct tt_conn *c);

/** Index of the worker that owns @p c. */
unsigned int tt_conn_worker_id(const struct tt_conn *c);

/** Addresses of the connection, network byte order. */
void tt_conn_tuple(const struct tt_conn *c, uint32_t *laddr, uint16_t *lport,
		   uint32_t *raddr, uint16_t *rport);

#ifdef __cplusplus
}
#endif

#endif /* TCPTERM_H */
