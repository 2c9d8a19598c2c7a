/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_HARNESS_H
#define TT_HARNESS_H

/**
 * @file
 * Packet-level test harness (STYLE habit 9). A worker runs in-process on a
 * fake port: frames built here go to tt_worker_input(), frames it sends land
 * in an rte_ring and are decoded back. The clock is virtual. Sequence
 * numbers in tests are written relative to the peer's ISN (h->irs) and to
 * tcpterm's ISN (h->iss, learned from its SYN-ACK).
 *
 *	th_send(h, "S", 0, 0, 65535, NULL, 0);	    peer SYN, seq irs+0
 *	th_expect(h, "SA", 0, 1, 0);		    SYN-ACK, seq iss+0, ack irs+1
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "tt_config.h"
#include "tt_tcp.h"
#include "tt_worker.h"

#define TH_PEER_IP RTE_BE32(0xc6120001)		/* 198.18.0.1 */
#define TH_LOCAL_IP RTE_BE32(0xc6120002)	/* 198.18.0.2 */
#define TH_PEER_PORT 40000
#define TH_MAX_DATA 65536
#define TH_ANY_LEN UINT32_MAX	/* th_expect(): any payload length */

struct th_seg {
	char flags[8];		/* e.g. "SA", "A", "FA", "PA", "RA": letters in order F S R P A */
	uint32_t seq;		/* relative to h->iss */
	uint32_t ack;		/* relative to h->irs */
	uint32_t abs_seq;
	uint32_t abs_ack;
	uint16_t win;
	uint16_t mss;		/* MSS option, 0 if none */
	uint32_t optlen;	/* option bytes */
	int wscale;		/* window scale option, -1 if none */
	bool sack_permitted;
	bool ts;		/* timestamps option present */
	uint32_t ts_val;
	uint32_t ts_ecr;
	uint32_t nsack;		/* SACK blocks, relative to h->irs */
	uint32_t sack[4][2];
	uint32_t len;
	uint8_t data[TH_MAX_DATA];
};

struct th {
	struct tt_config cfg;
	struct tt_worker *w;
	struct rte_ring *tx;
	struct rte_mempool *pool;	/* frames the peer sends */
	uint64_t now_us;
	uint16_t peer_port;		/* host order */
	uint16_t local_port;		/* host order */
	uint32_t irs;			/* the peer's ISN */
	uint32_t iss;			/* tcpterm's ISN */
	struct th_seg last;		/* the last segment th_recv() returned */
	bool tx_cksum;			/* set before th_start(): NIC checksum offload */
};

/** Initialise EAL once per process (--no-huge, no PCI, one lcore) and the stack. */
void th_eal_init(void);

/**
 * Fill @p h->cfg with a small test configuration: port0 198.18.0.2/24,
 * listeners echo:7, discard:9, source:19, http:80 (the real services),
 * 1024 connections, 8191 mbufs, time_wait 2000 ms, rcv_window 65535, Nagle off (so an echo
 * goes out at once whatever is unacknowledged). Tests may change h->cfg
 * before th_start().
 */
void th_init(struct th *h);

/** Create the worker from h->cfg; the clock starts at 1 s. */
void th_start(struct th *h);

/**
 * As th_start(), but the worker is worker @p id of the steering set @p s
 * (its hand-off inbox is s->rings[id]); @p s must outlive the worker. The
 * other workers' rings are the test's to drain before th_stop().
 */
void th_start_steer(struct th *h, const struct tt_steer *s, unsigned int id);

/**
 * Check that nothing is left in the TX ring, drain the worker and assert
 * every pool is back to zero mbufs in use; then free everything.
 */
void th_stop(struct th *h);

/** cmocka setup/teardown wrappers around th_init+th_start and th_stop (state is a struct th). */
int th_setup(void **state);
int th_teardown(void **state);

/** Send one segment from the peer; @p flags as in struct th_seg; seq/ack relative. */
void th_send(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	     const void *data, uint32_t len);

/** As th_send() with absolute numbers and an MSS option (0: none). */
void th_send_abs(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
		 const void *data, uint32_t len, uint16_t mss);

/**
 * As th_send() (relative numbers) with the option bytes @p opts (a multiple
 * of 4 bytes, built with th_opt_*()) and no implicit MSS.
 */
void th_send_opts(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
		  const void *data, uint32_t len, const uint8_t *opts, uint32_t optlen);

/* Option builders: each appends at @p p and returns the bytes written (a multiple of 4). */
uint32_t th_opt_mss(uint8_t *p, uint16_t mss);
uint32_t th_opt_ws(uint8_t *p, uint8_t shift);		/* NOP, WS */
uint32_t th_opt_sackok(uint8_t *p);			/* NOP, NOP, SACK-permitted */
uint32_t th_opt_ts(uint8_t *p, uint32_t val, uint32_t ecr);	/* NOP, NOP, TS */
/** NOP, NOP, SACK with @p n blocks [l, r) relative to h->iss. */
uint32_t th_opt_sack(struct th *h, uint8_t *p, unsigned int n, const uint32_t blk[][2]);

/** The peer sends an ARP reply (198.18.0.1 is at its MAC) to our address. */
void th_send_arp_reply(struct th *h);

/** Take the next frame tcpterm sent, decode and checksum-check it. @return false if none. */
bool th_recv(struct th *h, struct th_seg *out);

/** Assert the next segment has these flags, relative seq/ack and payload length. */
void th_expect_(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint32_t len,
		const char *file, int line);
#define th_expect(h, flags, seq, ack, len) th_expect_(h, flags, seq, ack, len, __FILE__, __LINE__)

/** Assert tcpterm sent nothing. */
void th_expect_none_(struct th *h, const char *file, int line);
#define th_expect_none(h) th_expect_none_(h, __FILE__, __LINE__)

/** Number of frames waiting in the TX ring. */
unsigned int th_pending(struct th *h);

/** Move the virtual clock by @p ms and run the timer wheel. */
void th_advance(struct th *h, uint64_t ms);

/** Open a connection to @p port: SYN, SYN-ACK expected, ACK. Leaves ESTABLISHED. */
void th_handshake(struct th *h, uint16_t port);

/** The TCB of the current 4-tuple, or NULL. */
struct tt_tcb *th_tcb(struct th *h);

/** The current connection's state: a TCB's, TIME_WAIT for a record, CLOSED for none. */
int th_state(struct th *h);

/** Per-state count, worker counter and drop counter. */
uint64_t th_states(struct th *h, int state);
#define th_stat(h, name) ((h)->w->stats[TT_STAT_##name])
#define th_drop(h, name) ((h)->w->drops[TT_DROP_##name])

#endif /* TT_HARNESS_H */
