/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_TCP_H
#define TT_TCP_H

/**
 * @file
 * TCP internals shared by tcp_input.c, tcp_output.c, tcb.c, tcp_timer.c,
 * tcp_reass.c and tcp_api.c. Not part of the service API.
 */

#include <stdint.h>
#include <stdbool.h>

#include <string.h>

#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "tcpterm.h"
#include "tt_worker.h"
#include "cc.h"

/* Sequence-space comparisons (RFC 9293 §3.4); never a raw '<' on sequence numbers. */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
/** lo <= x < hi, in sequence space. */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t hi) { return x - lo < hi - lo; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

#define TT_TH_FIN 0x01
#define TT_TH_SYN 0x02
#define TT_TH_RST 0x04
#define TT_TH_PSH 0x08
#define TT_TH_ACK 0x10
#define TT_TH_URG 0x20

#define TT_DEFAULT_MSS 536	/**< RFC 9293 §3.7.1 / RFC 6691: no MSS option */
#define TT_MIN_MSS 88		/**< lowest [tcp] min_mss; the clamp itself is configured */
#define TT_DUPACK_THRESH 3	/**< RFC 5681 §3.2 */
#define TT_MAX_WIN 65535	/**< the 16-bit window field; scaled per connection */
#define TT_MAX_WSCALE 14	/**< RFC 7323 §2.3 */
#define TT_SACK_SLOTS 8		/**< scoreboard ranges kept per connection */
#define TT_SACK_HIST 4		/**< RFC 2018 §4: recently reported receive ranges remembered */
#define TT_OPT_SPACE 40		/**< RFC 9293: at most 40 bytes of options */
#define TT_RTO_AFTER_SYN_TIMEOUT_MS 3000 /**< RFC 6298 §5.7 */

/**
 * The options of a segment we send, as tcp_options.c builds them: whole
 * 32-bit words in wire byte order, and their sum, so that the segment's
 * checksum adds one value instead of reading the bytes back.
 */
struct tt_opts {
	uint32_t len;			/**< bytes: a multiple of 4, at most TT_OPT_SPACE */
	uint64_t sum;			/**< the words as tt_l4_sum() would add them */
	uint32_t w[TT_OPT_SPACE / 4];	/**< the words */
};

/* Options seen in a segment (struct tt_seg opts). */
#define TT_SOPT_WS	0x01	/**< RFC 7323 window scale (SYN only) */
#define TT_SOPT_TS	0x02	/**< RFC 7323 timestamps */
#define TT_SOPT_SACKOK	0x04	/**< RFC 2018 SACK-permitted (SYN only) */

/** A range of sequence space [l, r). */
struct tt_sack_blk {
	uint32_t l;
	uint32_t r;
};

/** Flow key: the 4-tuple, network byte order, as stored in the flow table. */
struct tt_flow_key {
	uint32_t raddr;
	uint32_t laddr;
	uint16_t rport;
	uint16_t lport;
} __rte_packed;

/**
 * A received segment, validated and decoded once (STYLE habit 1): the state
 * machine reads this, never the wire.
 */
struct tt_seg {
	struct tt_flow_key key;
	uint32_t seq;
	uint32_t ack;
	uint32_t len;		/**< payload bytes */
	uint16_t wnd;
	uint16_t mss;		/**< MSS option, 0 if absent */
	uint8_t flags;		/**< TT_TH_* */
	uint8_t port;		/**< port index */
	uint8_t opts;		/**< TT_SOPT_* */
	uint8_t wscale;		/**< window scale option */
	uint8_t nsack;		/**< SACK blocks in sack[] */
	uint32_t ts_val;	/**< timestamps option */
	uint32_t ts_ecr;
	struct tt_sack_blk sack[4];	/**< RFC 2018 blocks, as sent */
	struct rte_mbuf *m;	/**< the frame; its data starts at the payload */
};

/** Length in sequence space: payload plus SYN and FIN. */
static inline uint32_t
seg_seqlen(const struct tt_seg *s)
{
	return s->len + !!(s->flags & TT_TH_SYN) + !!(s->flags & TT_TH_FIN);
}

/* TCB flags. */
#define TT_TF_ACKNOW	0x0001	/**< send an ACK at the next output */
#define TT_TF_DELACK	0x0002	/**< an ACK is being delayed */
#define TT_TF_FIN_QUEUED 0x0004	/**< shutdown: FIN follows snd_end */
#define TT_TF_ACCEPTED	0x0008	/**< the service owns the connection */
#define TT_TF_BUSY	0x0010	/**< the stack is processing this TCB */
#define TT_TF_FREE	0x0020	/**< free when no longer busy */
#define TT_TF_RCVD_FIN	0x0040	/**< peer FIN processed */
#define TT_TF_IN_RECOVERY 0x0080 /**< NewReno fast recovery */
#define TT_TF_RTT_TIMING 0x0100	/**< rtt_seq is being timed */
#define TT_TF_ACTIVE	0x0200	/**< active open */
#define TT_TF_BACKLOG	0x0400	/**< counted in w->syn_backlog[lidx] while SYN_RCVD */
#define TT_TF_NODELAY	0x0800	/**< Nagle off (tt_set_nodelay(), [tcp] nagle) */
#define TT_TF_KEEPALIVE	0x1000	/**< keepalive on (tt_set_keepalive(), [tcp] keepalive) */
#define TT_TF_WSCALE	0x2000	/**< RFC 7323 window scaling in use */
#define TT_TF_TS	0x4000	/**< RFC 7323 timestamps in use */
#define TT_TF_SACK	0x8000	/**< RFC 2018 SACK in use */
#define TT_TF_DSACK	0x10000	/**< RFC 2883: report dsack in the next ACK */
#define TT_TF_TLP	0x20000	/**< RFC 8985 §7: a tail loss probe is out */
#define TT_TF_UNDO	0x40000	/**< RFC 3522: this recovery may prove spurious (undo_*) */
#define TT_TF_RTO_SYN	0x80000	/**< RFC 6298 §5.7: RTO at least 3 s until the next RTT sample */
#define TT_TF_ZWND	0x100000 /**< the peer's window is shut, since zwnd_since */

struct tt_tcb_ext;

/*
 * Timer kinds share deadline slots (STYLE habit 13, as Linux's icsk
 * retransmit timer serves RTO, probe0, TLP and RACK): a kind is armed when
 * its slot holds it (tkind[]) with a deadline. The send slot watches what
 * is in flight or waiting: the retransmission timer, the persist timer
 * (only with nothing in flight, RFC 9293 §3.8.6.1) and the loss timer
 * (tail loss probe or recovery, tcp_loss_timer_arm(), which stands in for
 * the RTO until it fires or stops, RFC 8985 §7.3). The idle slot holds
 * keepalive or, in FIN_WAIT_2, the FIN_WAIT_2 timer that replaces it.
 */
enum tt_timer_slot {
	TT_TSLOT_SEND,		/**< RTX, PERSIST, LOSS */
	TT_TSLOT_DELACK,	/**< DELACK */
	TT_TSLOT_IDLE,		/**< KEEPALIVE, CONN (FIN_WAIT_2) */
	TT_NB_TSLOTS
};

static inline unsigned int
tcb_timer_slot(enum tt_timer_kind k)
{
	switch (k) {
	case TT_TIMER_DELACK:
		return TT_TSLOT_DELACK;
	case TT_TIMER_CONN:
	case TT_TIMER_KEEPALIVE:
		return TT_TSLOT_IDLE;
	default:
		return TT_TSLOT_SEND;
	}
}

/**
 * A TCP control block (RFC 9293 §3.3.1 names, STYLE habit 14).
 *
 * Sized for millions of idle connections (issue 5: 256 bytes of heap per
 * idle established connection): no pointer that can be derived. The worker
 * is tt_worker_slots[wslot] (tcb_worker()), the service and its options
 * the listener's (cfg->listeners[lidx]) or, for an active open, the
 * worker's tt_connect() table (w->active_svcs[lidx]) (tcb_svc()), the
 * congestion-control algorithm tt_cc_algos[cc_id] (tcb_cc()); a free TCB
 * is chained through flow_next. Not cache aligned: the flow-table walk
 * reads key..flow_next, bytes 12 to 36. The size is a multiple of 8, so
 * in the line-aligned array a TCB starts 8-aligned within a line; at
 * 232 bytes it starts at each multiple of 8 in turn, and the walk
 * straddles two lines for half of the TCBs (those starting at 32 or more).
 */
struct tt_tcb {
	struct tt_wheel_node tnode;	/**< the one wheel entry: earliest deadline */
	struct tt_flow_key key;
	uint8_t state;			/**< enum tt_tcp_state */
	uint8_t port;
	uint8_t rxt_shift;		/**< consecutive retransmission timeouts */
	uint8_t dupacks;
	uint8_t probes;			/**< zero-window probes since the peer last ACKed */
	/** listener index in cfg->listeners, or with TT_TF_ACTIVE in w->active_svcs */
	uint8_t lidx;
	uint8_t ka_probes;		/**< keepalive probes since the peer last spoke */
	uint8_t loss_shift;		/**< recovery timer back-off since the last ACK with news */
	/** flow table chain (in the pool: free list): index + 1 of the next TCB, 0 = none */
	uint32_t flow_next;
	uint8_t snd_wscale;		/**< RFC 7323: the peer's shift, applied to SEG.WND */
	uint8_t rcv_wscale;		/**< RFC 7323: our shift, applied to what we advertise */
	uint8_t wslot;			/**< the owning worker: tt_worker_slots[wslot] */
	uint8_t cc_id;			/**< enum tt_cc_id, chosen at creation (tcb_init_send) */
	uint32_t flags;			/**< TT_TF_* */
	uint16_t mss;			/**< effective send MSS */
	uint16_t lt_bytes;		/**< sent by limited transmit since the last new ACK (RFC 3042) */

	struct {
		uint32_t una;
		uint32_t nxt;
		uint32_t max;		/**< highest sequence sent + 1 */
		uint32_t wnd;
		uint32_t wl1;		/**< SND.WL2 is snd.una (tcp_input.c) */
		uint32_t end;		/**< sequence after the last queued data byte */
		uint32_t cwnd;
		uint32_t ssthresh;
		uint32_t recover;	/**< RFC 6582 */
		uint32_t max_wnd;	/**< largest window the peer offered */
		uint32_t sml;		/**< end of the last sub-MSS segment sent (Nagle) */
	} snd;
	struct {
		uint32_t nxt;
		uint32_t adv;		/**< right edge advertised */
		uint32_t held;		/**< delivered, not yet tt_recved() */
	} rcv;
	uint8_t rcv_unacked;		/**< full segments received since our last ACK */
	/** the kind (enum tt_timer_kind) each deadline slot holds (tcb_timer_slot()) */
	uint8_t tkind[TT_NB_TSLOTS];

	/* RFC 7323 §4.3 and §5. */
	uint32_t ts_recent;
	uint32_t ts_recent_ms;		/**< our ms clock when ts_recent was taken */
	uint32_t ts_offset;		/**< per-connection TSval offset */
	uint32_t last_ack_sent;

	/* RFC 6298, microseconds. */
	uint32_t srtt;
	uint32_t rttvar;			/* the RTO is a function of these (tcp_rto_base()) */
	uint32_t rtt_seq;
	/*
	 * A timed segment is new data in flight; the window counts as shut
	 * only with nothing in flight and none can go until it opens, which
	 * ends TT_TF_ZWND before anything is sent: never both at once.
	 */
	union {
		/** low 32 bits of the µs clock when rtt_seq went out (TT_TF_RTT_TIMING) */
		uint32_t rtt_start_us;
		/** ms clock when the peer's window shut (TT_TF_ZWND) */
		uint32_t zwnd_since;
	};

	/** Low 32 bits of the ms tick each slot's timer is due at, 0 = off (tcp_timer.c) */
	uint32_t deadline[TT_NB_TSLOTS];

	/**
	 * SACK state and the reassembly queue while there is any: index + 1
	 * in the worker's pool (w->exts), 0 when quiet (tcb_ext())
	 */
	uint32_t ext_idx;
	union tt_cc_state cc_state;

	/*
	 * Send queue: [snd.una, snd.end) as single mbufs linked by next; the
	 * last one is in the first one's mbuf_meta() qnext (sndq_tail()).
	 */
	struct rte_mbuf *sndq_head;

	uint8_t app[TT_APP_CTX_SIZE] __rte_aligned(8);
};
_Static_assert(sizeof(struct tt_tcb) <= 232, "issue 5: a TCB is at most 232 bytes");

/**
 * Hot/cold split: the SACK state and reassembly queue only a connection
 * with data out of order (receive side) or SACKed data in flight (send
 * side) needs. Taken from
 * the worker's preallocated pool ([tcp] max_sack_state) when the first
 * SACK block, out-of-order segment or duplicate arrives, given back by
 * tcb_unbusy() once the connection is quiet again (scoreboard empty,
 * reassembly queue empty, no D-SACK to report). With the pool empty the
 * connection goes on without it, counted in sack_state_unavailable: it
 * drops out-of-order segments (drop tcp_ooo_no_state) with a duplicate
 * ACK each, reports no D-SACK and, as a sender, ignores the blocks
 * (recovery by duplicate ACKs and the retransmission timer).
 *
 * It also holds the sender's recovery-only state: HighRxt and the time of
 * the latest hole retransmission mean nothing without a scoreboard, and
 * the block stays while in recovery (tcb_ext_put()); without one, a SACK
 * sender counts no duplicate ACKs from blocks it cannot keep and recovers
 * by the tail loss probe and the RTO from snd.una. The undo
 * hold keeps the block until snd.una passes it. A block taken starts
 * with HighRxt and the hold at snd.una (tcb_ext_get()).
 */
struct tt_tcb_ext {
	/** RFC 6675 scoreboard: SACKed ranges above snd.una, sorted, disjoint. */
	struct tt_sack_blk sacked[TT_SACK_SLOTS];
	/** RFC 2018 §4: a sequence inside each recently reported range, newest first */
	uint32_t sack_hist[TT_SACK_HIST];
	union {
		struct tt_sack_blk dsack;	/**< RFC 2883: duplicate to report (TT_TF_DSACK) */
		struct tt_tcb_ext *free_next;	/**< in the pool */
	};
	uint8_t n_sacked;		/**< ranges in sacked[] */
	uint8_t n_hist;			/**< entries in sack_hist[] */
	/*
	 * Out-of-order segments sorted by sequence (tcp_reass.c): a connection
	 * holds them only with this block; without one they are dropped.
	 */
	uint16_t ooo_segs;		/**< mbufs in the reassembly queue */
	uint32_t ooo_bytes;
	/* RFC 3522 (Eifel detection, TT_TF_UNDO): the window before the
	 * recovery, and our TSval on its first retransmission. */
	uint32_t undo_cwnd;
	uint32_t undo_ssthresh;
	uint32_t undo_ts;
	uint32_t undo_hold;		/**< RFC 3522: no new undo decision until snd.una passes this */
	uint32_t high_rxt;		/**< RFC 6675 HighRxt */
	uint32_t rxt_last_ms;		/**< ms clock of the latest hole retransmission */
	struct rte_mbuf *ooo_head;
};
_Static_assert(sizeof(struct tt_tcb_ext) == 128, "a SACK state block is 128 bytes");

/** The worker that owns @p t. */
static inline struct tt_worker *
tcb_worker(const struct tt_tcb *t)
{
	return tt_worker_slots[t->wslot];
}

/** The SACK state block of @p t, NULL when it has none (ext_idx). */
static inline struct tt_tcb_ext *
tcb_ext(const struct tt_tcb *t)
{
	return t->ext_idx == 0 ? NULL : &tcb_worker(t)->exts[t->ext_idx - 1];
}

/** The first out-of-order segment, NULL when none. */
static inline struct rte_mbuf *
tcb_ooo_head(const struct tt_tcb *t)
{
	return t->ext_idx == 0 ? NULL : tcb_ext(t)->ooo_head;
}

/** Mbufs in the reassembly queue. */
static inline uint32_t
tcb_ooo_segs(const struct tt_tcb *t)
{
	return t->ext_idx == 0 ? 0 : tcb_ext(t)->ooo_segs;
}

/** Payload bytes in the reassembly queue. */
static inline uint32_t
tcb_ooo_bytes(const struct tt_tcb *t)
{
	return t->ext_idx == 0 ? 0 : tcb_ext(t)->ooo_bytes;
}

/** Ranges in the SACK scoreboard. */
static inline unsigned int
tcb_n_sacked(const struct tt_tcb *t)
{
	return t->ext_idx == 0 ? 0 : tcb_ext(t)->n_sacked;
}

/**
 * A connection in TIME_WAIT shrinks to this record (DESIGN §3): enough to
 * ACK a retransmitted FIN (with timestamps if the connection used them,
 * RFC 7323 §3.2; the TSval offset is a function of the tuple,
 * tcp_ts_offset()), refuse old duplicates and time out after 2MSL.
 *
 * Records live outside the flow table and the timer wheel, in a table of
 * their own (tcb.c): a circular array in the order the records were made,
 * which is the order they expire in because every record lasts [tcp]
 * time_wait_ms (a FIN that restarts 2MSL moves its record to the head),
 * and chained hash buckets of 32-bit indexes. So a record costs its
 * 36 bytes plus a 4-byte bucket head or two, not an rte_hash entry and a
 * wheel node.
 */
struct tt_tw {
	struct tt_flow_key key;
	uint32_t snd_nxt;
	uint32_t rcv_nxt;
	uint32_t ts_recent;	/**< RFC 7323 TS.Recent, for TSecr and RFC 6191 */
	uint32_t expire_ms;	/**< low 32 bits of the ms tick when 2MSL ends */
	uint32_t next;		/**< next record in the hash chain: index + 1, 0 = none */
	uint16_t rcv_wnd;	/**< the window field, already scaled down */
	uint8_t port;
	uint8_t flags;		/**< TT_TWF_* */
};
#define TT_TWF_LIVE	0x01	/**< in the hash table (else a hole the tail skips) */
#define TT_TWF_TS	0x02	/**< the connection used timestamps */
_Static_assert(sizeof(struct tt_tw) == 36, "a TIME_WAIT record is 36 bytes");

static inline struct tt_tcb *
tcb_of(struct tt_conn *c)
{
	return (struct tt_tcb *)c;
}

static inline struct tt_conn *
conn_of(struct tt_tcb *t)
{
	return (struct tt_conn *)t;
}

/* Per-mbuf dynamic field: sequence and link for the out-of-order queue. */
struct tt_mbuf_meta {
	struct rte_mbuf *qnext;
	uint32_t seq;
	uint8_t fin;
};
extern int tt_meta_offset;
static inline struct tt_mbuf_meta *
mbuf_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, tt_meta_offset, struct tt_mbuf_meta *);
}

/*
 * CRC32-C of the 4-tuple, a 32-bit word at a time: rte_hash_crc() reads
 * 8-byte words, which a key in a 36-byte TIME_WAIT record need not be
 * aligned for.
 */
static inline uint32_t
flow_hash(const struct tt_flow_key *key)
{
	uint32_t a, b, c;

	memcpy(&a, &key->raddr, sizeof(a));
	memcpy(&b, &key->laddr, sizeof(b));
	memcpy(&c, &key->rport, sizeof(c));	/* rport and lport */
	return rte_hash_crc_4byte(c, rte_hash_crc_4byte(b, rte_hash_crc_4byte(a, 0)));
}

/* tcb.c: pools, flow table, TIME_WAIT records, state bookkeeping. */
struct tt_tcb *tcb_alloc(struct tt_worker *w, const struct tt_flow_key *key, uint8_t port);
void tcb_set_state(struct tt_worker *w, struct tt_tcb *t, uint8_t state);
void tcb_close(struct tt_worker *w, struct tt_tcb *t, enum tt_close_reason why);
void tcb_release(struct tt_worker *w, struct tt_tcb *t);
void tcb_enter_time_wait(struct tt_worker *w, struct tt_tcb *t);
void tw_free(struct tt_worker *w, struct tt_tw *tw);
struct tt_tcb_ext *tcb_ext_get(struct tt_tcb *t);
void tcb_ext_put(struct tt_worker *w, struct tt_tcb *t);
struct tt_tw *tw_restart(struct tt_worker *w, struct tt_tw *tw);
struct tt_tw *tw_lookup(struct tt_worker *w, const struct tt_flow_key *key);
/** True if tw_expire() has a record to expire: the oldest one is due. */
static inline bool
tw_due(const struct tt_worker *w)
{
	return w->tw_used != 0 && (int32_t)(w->tw_wait_ms - (uint32_t)w->now_ms) <= 0;
}
unsigned int tw_expire(struct tt_worker *w, unsigned int budget);
void tw_free_all(struct tt_worker *w);
/** The TCB or (tagged, flow_is_tw()) TIME_WAIT record of @p key, or NULL. */
void *flow_lookup(struct tt_worker *w, const struct tt_flow_key *key);
/** As flow_lookup(), @p hash being flow_hash(key) (a burst hashes once, to prefetch). */
void *flow_lookup_hash(struct tt_worker *w, uint32_t hash, const struct tt_flow_key *key);
/** As tw_lookup(), @p hash being flow_hash(key). */
struct tt_tw *tw_lookup_hash(struct tt_worker *w, uint32_t hash, const struct tt_flow_key *key);
static inline bool flow_is_tw(const void *v) { return ((uintptr_t)v & 1) != 0; }
static inline struct tt_tw *flow_tw(void *v) { return (struct tt_tw *)((uintptr_t)v & ~(uintptr_t)1); }
static inline void *tw_flow(struct tt_tw *tw) { return (void *)((uintptr_t)tw | 1); }
uint32_t tcb_rcv_window(const struct tt_tcb *t);
void tcb_init_send(struct tt_worker *w, struct tt_tcb *t);
void tcb_init_send_iss(struct tt_worker *w, struct tt_tcb *t, uint32_t iss);
void tcb_backlog_add(struct tt_worker *w, struct tt_tcb *t, unsigned int lidx);
uint32_t tcp_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key);

/* tcp_timer.c */
void tcb_timer_set(struct tt_worker *w, struct tt_tcb *t, enum tt_timer_kind k, uint64_t at_ms);
void tcp_loss_timer_stop(struct tt_worker *w, struct tt_tcb *t);

/** Low 32 bits of the ms tick timer @p k is due at, 0 if it is not armed. */
static inline uint32_t
tcb_timer_deadline(const struct tt_tcb *t, enum tt_timer_kind k)
{
	unsigned int s = tcb_timer_slot(k);

	return t->tkind[s] == k ? t->deadline[s] : 0;
}

/** Disarm timer @p k; a slot holding another kind keeps it. */
static inline void
tcb_timer_clear(struct tt_tcb *t, enum tt_timer_kind k)
{
	unsigned int s = tcb_timer_slot(k);

	if (t->tkind[s] == k)
		t->deadline[s] = 0;
}
void tcp_wheel_expire(struct tt_wheel_node *n, void *arg);
void tcb_unbusy(struct tt_worker *w, struct tt_tcb *t);
void tcp_loss_timer_arm(struct tt_worker *w, struct tt_tcb *t);
bool tcp_lost_retransmits(struct tt_worker *w, struct tt_tcb *t);
void tcp_rto_sample(struct tt_tcb *t, uint32_t rtt_us);
uint32_t tcp_rto_base(const struct tt_tcb *t, const struct tt_tcp_cfg *cfg);
uint32_t tcp_rto_current(const struct tt_tcb *t, const struct tt_tcp_cfg *cfg);

/*
 * The peer spoke (an acceptable segment): keepalive's idle time starts
 * again. Called for every such segment, so it only stores a later deadline
 * (see tcb_timer_set()); unanswered probes are forgotten.
 */
static inline void
tcb_keepalive_reset(struct tt_worker *w, struct tt_tcb *t)
{
	if (likely(!(t->flags & TT_TF_KEEPALIVE)))
		return;
	/* FIN_WAIT_2's own timer holds the idle slot and bounds the wait. */
	if (t->tkind[TT_TSLOT_IDLE] == TT_TIMER_CONN && t->deadline[TT_TSLOT_IDLE] != 0)
		return;
	t->ka_probes = 0;
	tcb_timer_set(w, t, TT_TIMER_KEEPALIVE, w->now_ms + w->cfg->tcp.keepalive_idle_ms);
}

/*
 * The last mbuf of the send queue, NULL when it is empty. It is kept in
 * the first mbuf's qnext (a send-queue mbuf is in no reassembly queue),
 * not in the TCB: 8 bytes less per connection, idle or not.
 */
static inline struct rte_mbuf *
sndq_tail(const struct tt_tcb *t)
{
	return t->sndq_head == NULL ? NULL : mbuf_meta(t->sndq_head)->qnext;
}

/* tcp_output.c */
void tcp_output(struct tt_worker *w, struct tt_tcb *t);
void tcp_retransmit_una(struct tt_worker *w, struct tt_tcb *t);
void tcp_retransmit_hole(struct tt_worker *w, struct tt_tcb *t);
void tcp_send_tlp(struct tt_worker *w, struct tt_tcb *t);
void tcp_send_rst(struct tt_worker *w, struct tt_tcb *t);
void tcp_send_probe(struct tt_worker *w, struct tt_tcb *t, uint32_t seq);
void tcp_respond(struct tt_worker *w, uint8_t port, const struct tt_flow_key *key,
		 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd);
void tcp_reply_rst(struct tt_worker *w, const struct tt_seg *s);
/** As tcp_respond() with the options @p o (none if NULL). */
void tcp_respond_opts(struct tt_worker *w, uint8_t port, const struct tt_flow_key *key,
		      uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		      const struct tt_opts *o);
/**
 * As tcp_respond_opts(), answering the segment @p s in its own mbuf, which
 * is taken from it (s->m becomes NULL), when that mbuf can be rewritten.
 */
void tcp_reply_opts(struct tt_worker *w, struct tt_seg *s, uint32_t seq, uint32_t ack,
		    uint8_t flags, uint16_t wnd, const struct tt_opts *o);
void sndq_drop(struct tt_tcb *t, uint32_t bytes);
void sndq_free(struct tt_tcb *t);

/**
 * The 16-bit window field for @p wnd bytes with our shift (RFC 7323 §2.3):
 * never 0 through rounding when there is room.
 */
static inline uint16_t
tcb_wnd_field(const struct tt_tcb *t, uint32_t wnd, bool syn)
{
	uint8_t shift = syn ? 0 : t->rcv_wscale;
	uint32_t f = RTE_MIN(wnd >> shift, (uint32_t)TT_MAX_WIN);

	return (uint16_t)(f == 0 && wnd != 0 ? 1 : f);
}

/** SEG.WND in bytes: scaled by the peer's shift except in a SYN (RFC 7323 §2.2). */
static inline uint32_t
seg_wnd(const struct tt_tcb *t, const struct tt_seg *s)
{
	return (s->flags & TT_TH_SYN) ? s->wnd : (uint32_t)s->wnd << t->snd_wscale;
}

/* tcp_options.c */
int tcp_parse_options(const uint8_t *opt, uint32_t len, struct tt_seg *s);
uint8_t tcp_rcv_wscale(const struct tt_tcp_cfg *cfg);
void tcp_opts_negotiate(struct tt_worker *w, struct tt_tcb *t, const struct tt_seg *s);
void tcp_opts_cookie(struct tt_worker *w, struct tt_tcb *t, const struct tt_syncookie_opts *o,
		     const struct tt_seg *s);
void tcp_opts_build(struct tt_worker *w, struct tt_tcb *t, uint8_t flags, uint32_t len,
		    struct tt_opts *o);
void tcp_opts_build_ts(struct tt_opts *o, uint32_t ts_val, uint32_t ts_ecr);
void tcp_opts_build_syn(struct tt_worker *w, uint8_t port, bool ws, bool ts, bool sack,
			uint32_t ts_val, uint32_t ts_ecr, struct tt_opts *o);
static inline uint32_t tcp_ts_now(const struct tt_worker *w, const struct tt_tcb *t)
{
	return (uint32_t)w->now_ms + t->ts_offset;
}

/* tcp_sack.c */
uint32_t sack_rcv_blocks(const struct tt_tcb *t, struct tt_sack_blk *b, unsigned int max);
void sack_note_dup(struct tt_tcb *t, uint32_t l, uint32_t r);
void sack_note_ooo(struct tt_tcb *t, uint32_t seq);
uint32_t sack_update(struct tt_tcb *t, const struct tt_seg *s);
void sack_trim(struct tt_tcb *t);
bool sack_is_lost(const struct tt_tcb *t, uint32_t seq);
uint32_t sack_pipe(const struct tt_tcb *t);
bool sack_next_hole(const struct tt_tcb *t, bool lost_only, uint32_t *l, uint32_t *r);

/* tcp_reass.c */
void reass_insert(struct tt_worker *w, struct tt_tcb *t, struct rte_mbuf *m, uint32_t seq, uint32_t len, bool fin);
struct rte_mbuf *reass_pop(struct tt_tcb *t, bool *fin, uint32_t *len);
void reass_free(struct tt_tcb *t);
struct rte_mbuf *mbuf_trim_front(struct rte_mbuf *m, uint32_t n);
void mbuf_trim_back(struct rte_mbuf *m, uint32_t n);

/* tcp_input.c */
void tcp_input(struct tt_worker *w, struct tt_seg *s, void *flow);
int tcp_decode(struct tt_worker *w, struct rte_mbuf *m, uint8_t port, uint32_t l3_off, struct tt_seg *s);

/* syncookie.c: the worker's side of tt_syncookie.h. */
uint16_t tcp_syncookie_window(const struct tt_worker *w);
/**
 * Answer the SYN @p s with a cookie SYN-ACK, built in the SYN's mbuf (s->m
 * becomes NULL); @p mss is the MSS we may send.
 */
void tcp_syncookie_send(struct tt_worker *w, struct tt_seg *s, uint16_t mss);
/**
 * Check the ACK @p s (no TCB, to a listener) as the end of a cookie
 * handshake; @p tsecr its TSecr or NULL. @return 0 with @p o filled,
 * -ENOENT when no cookie can be outstanding (syn_cookies off, none sent
 * lately), or tt_syncookie_decode()'s error.
 */
int tcp_syncookie_check(struct tt_worker *w, const struct tt_seg *s, const uint32_t *tsecr,
			struct tt_syncookie_opts *o);

/* isn.c */
uint32_t tcp_isn(const struct tt_worker *w, const struct tt_flow_key *key);
uint32_t tcp_isn_ts_offset(const struct tt_worker *w, const struct tt_flow_key *key,
			   uint32_t *ts_offset);

/*
 * ISS and IRS are not kept: they only matter before our SYN is
 * acknowledged (SYN_SENT, SYN_RCVD), where SND.UNA is still ISS and, in
 * SYN_RCVD, RCV.NXT is IRS + 1 (data and FIN wait for ESTABLISHED).
 */

/** Our initial send sequence number; only while our SYN is unacknowledged. */
static inline uint32_t
tcb_iss(const struct tt_tcb *t)
{
	return t->snd.una;
}

/** The peer's initial sequence number; only in SYN_RCVD. */
static inline uint32_t
tcb_irs(const struct tt_tcb *t)
{
	return t->rcv.nxt - 1;
}


/** The service of @p t: its listener's, or the one given to tt_connect(). */
static inline const struct tt_service *
tcb_svc(const struct tt_tcb *t)
{
	const struct tt_worker *w = tcb_worker(t);

	if (t->flags & TT_TF_ACTIVE)
		return w->active_svcs[t->lidx].svc;
	return w->cfg->listeners[t->lidx].svc;
}

/** The options passed to the service's on_accept(). */
static inline const void *
tcb_svc_opts(const struct tt_tcb *t)
{
	const struct tt_worker *w = tcb_worker(t);

	if (t->flags & TT_TF_ACTIVE)
		return w->active_svcs[t->lidx].opts;
	return w->cfg->listeners[t->lidx].opts;
}

/** The congestion-control algorithm of @p t. */
static inline const struct tt_cc_algo *
tcb_cc(const struct tt_tcb *t)
{
	return tt_cc_algos[t->cc_id];
}

#endif /* TT_TCP_H */
