/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_CC_H
#define TT_CC_H

/**
 * @file
 * Congestion control behind a table of callbacks (STYLE habit 6, FreeBSD
 * netinet/cc): one const struct tt_cc_algo per algorithm, one file each.
 *
 * The split with tcp_input.c follows FreeBSD's: an algorithm decides the
 * window (growth on ACKs, ssthresh and the reduced cwnd on a congestion
 * signal, the window after recovery); the loss-recovery machinery that is
 * the same for every algorithm stays in tcp_input.c — duplicate-ACK
 * counting, limited transmit (RFC 3042), the retransmission itself, and the
 * RFC 6582 inflation by 3 SMSS and per duplicate ACK and deflation on a
 * partial ACK. A SACK scoreboard (RFC 6675) replaces that machinery without
 * touching the algorithms.
 *
 * All windows are in bytes. An algorithm keeps its per-connection state in
 * struct tt_tcb::cc_state, a union of the structs below.
 */

#include <stdint.h>

struct tt_tcb;

/** Congestion-control algorithms, as named by `[tcp] congestion_control`. */
enum tt_cc_id {
	TT_CC_NEWRENO,
	TT_CC_CUBIC,
	TT_CC_NB
};

struct tt_cc_algo {
	/** The name `[tcp] congestion_control` selects it by. */
	const char *name;
	/**
	 * A new connection: snd.cwnd is the initial window and snd.ssthresh
	 * "arbitrarily high" (RFC 5681 §3.1); set up cc_state.
	 */
	void (*init)(struct tt_tcb *t);
	/**
	 * An ACK of new data outside recovery (@p acked bytes, SYN/FIN
	 * included): slow start or congestion avoidance. @p now_us is the
	 * worker's clock.
	 */
	void (*on_ack)(struct tt_tcb *t, uint32_t acked, uint64_t now_us);
	/**
	 * Congestion signal from the third duplicate ACK, before recovery
	 * begins: set snd.ssthresh and the reduced snd.cwnd. @p flight is
	 * FlightSize without what limited transmit sent (RFC 5681 §3.2 step 2).
	 */
	void (*on_loss)(struct tt_tcb *t, uint32_t flight, uint64_t now_us);
	/**
	 * Recovery ends on a full acknowledgment (RFC 6582 §3.2 step 3): set
	 * snd.cwnd from the inflated window. @p flight is what is still
	 * outstanding.
	 */
	void (*on_recovery_exit)(struct tt_tcb *t, uint32_t flight);
	/**
	 * Retransmission timeout (RFC 5681 §3.1 eq. 4): snd.ssthresh and a
	 * loss window of one segment. @p flight as when the timer fired.
	 */
	void (*on_rto)(struct tt_tcb *t, uint32_t flight, uint64_t now_us);
};

/** NewReno's state: none beyond cwnd and ssthresh. */
struct tt_cc_newreno {
	uint8_t unused;
};

/** CUBIC (RFC 9438) state; windows in bytes, times in ms. */
struct tt_cc_cubic {
	uint32_t w_max;		/**< W_max, the origin of W_cubic (§4.2) */
	uint32_t cwnd_prior;	/**< cwnd when ssthresh was last set (§4.3, §4.6) */
	uint32_t w_est;		/**< Reno-friendly estimate W_est (§4.3) */
	uint32_t k_ms;		/**< K of the current epoch */
	uint32_t epoch_ms;	/**< start of the congestion-avoidance stage, 0: none */
	uint32_t cwnd_rem;	/**< carry of the per-ACK cwnd increment, < cwnd */
	uint32_t west_rem;	/**< carry of the per-ACK W_est increment */
};

/** Per-connection congestion-control state. */
union tt_cc_state {
	struct tt_cc_newreno newreno;
	struct tt_cc_cubic cubic;
};

extern const struct tt_cc_algo tt_cc_newreno;
extern const struct tt_cc_algo tt_cc_cubic;
/** Every algorithm, by enum tt_cc_id (struct tt_tcb keeps the id). */
extern const struct tt_cc_algo *const tt_cc_algos[TT_CC_NB];

/** The algorithm for @p id; NewReno for an unknown one. */
const struct tt_cc_algo *tt_cc_get(enum tt_cc_id id);

/** The id whose name is @p name, or -1. Used by the configuration parser. */
int tt_cc_by_name(const char *name);

/** The name of @p id ("newreno", "cubic"), or NULL. */
const char *tt_cc_name(enum tt_cc_id id);

/** RFC 6582 §3.2 step 3 (option 1), shared by the algorithms: cwnd after a full ACK. */
void tt_cc_recovery_exit_default(struct tt_tcb *t, uint32_t flight);

#endif /* TT_CC_H */
