/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_WHEEL_H
#define TT_WHEEL_H

/**
 * @file
 * A hashed hierarchical timer wheel (Varghese & Lauck), one per worker,
 * single-threaded. Nodes are intrusive (embedded in the TCB or TIME_WAIT
 * record); arm and cancel are O(1); advancing costs time proportional to
 * the slots passed plus the nodes that expire or cascade.
 *
 * Time is in abstract ticks (tcpterm uses 1 tick = 1 ms from the TSC).
 * The wheel's clock is 64-bit; a node keeps only the low 32 bits of its
 * expiry, read relative to the wheel's clock: a node can be armed at most
 * TT_WHEEL_MAX_AHEAD (2^31 - 1) ticks after wh->now, and an expiry 2^31 or
 * more ahead in 32-bit arithmetic reads as in the past (due at once).
 * Nodes are linked by 32-bit indexes into the array of nodes given to
 * tt_wheel_init(), so a node is 12 bytes.
 * Geometry: see the block comment in tt_wheel.c.
 */

#include <stdint.h>
#include <stdbool.h>

#define TT_WHEEL_BITS 6				/**< log2(slots per level) */
#define TT_WHEEL_SLOTS (1u << TT_WHEEL_BITS)	/**< 64 slots per level */
#define TT_WHEEL_LEVELS 6			/**< 6 levels: 2^36 ticks of range */

#define TT_WHEEL_MAX_AHEAD INT32_MAX	/**< farthest expiry: wh->now + 2^31 - 1 */
#define TT_WHEEL_MAX_NODES (UINT32_C(1) << 30)	/**< nodes one wheel can index */

/** Intrusive node. Zero-initialised means "not armed". */
struct tt_wheel_node {
	uint32_t next;		/**< index + 1 of the next node, 0 at the end */
	uint32_t prev;		/**< 0 when not armed; see tt_wheel.c "Lists" */
	uint32_t expire;	/**< low 32 bits of the tick of expiry */
};

/**
 * One wheel per worker. Only @c now and @c n_armed are for reading by
 * users; the rest is private.
 */
struct tt_wheel {
	uint64_t now;		/**< last tick processed */
	uint64_t n_armed;	/**< nodes currently armed */
	uint64_t occupied[TT_WHEEL_LEVELS];	/**< bit s set: slot level * 64 + s non-empty */
	/** List heads (index + 1 of the first node): the slots, then expired, deferred. */
	uint32_t head[TT_WHEEL_LEVELS * TT_WHEEL_SLOTS + 2];
	uint32_t expired_tail;	/**< last due node not yet fired (cap hit), 0: none */
	uint32_t deferred_tail;	/**< last due node armed from a callback, 0: none */
	char *base;		/**< node of index 1 */
	size_t stride;		/**< bytes from one node to the next */
	uint32_t n_nodes;	/**< nodes in the array */
	bool in_advance;	/**< inside tt_wheel_advance() */
};

/** Callback for an expired node; the node is already disarmed and may be re-armed or freed. */
typedef void (*tt_wheel_fn)(struct tt_wheel_node *n, void *arg);

/**
 * Initialise an empty wheel whose current tick is @p now, for the @p n_nodes
 * nodes (at most TT_WHEEL_MAX_NODES) found @p stride bytes apart from
 * @p nodes: every node armed on this wheel must be one of them.
 * @return 0, or -EINVAL if @p n_nodes is too large.
 */
int tt_wheel_init(struct tt_wheel *wh, uint64_t now, struct tt_wheel_node *nodes,
		  size_t stride, uint32_t n_nodes);

/**
 * Arm @p n to fire at the tick whose low 32 bits are @p expire, the first
 * such tick after wh->now if (int32_t)(expire - (uint32_t)wh->now) > 0
 * (at most TT_WHEEL_MAX_AHEAD ticks ahead), else the next advance (due).
 * An armed node is moved. O(1).
 */
void tt_wheel_arm(struct tt_wheel *wh, struct tt_wheel_node *n, uint32_t expire);

/** Disarm @p n if armed. O(1). */
void tt_wheel_cancel(struct tt_wheel *wh, struct tt_wheel_node *n);

/** True if @p n is armed. */
static inline bool
tt_wheel_armed(const struct tt_wheel_node *n)
{
	return n->prev != 0;
}

/** True if 32-bit tick @p a is before @p b (wrap-safe, within 2^31). */
static inline bool
tt_wheel_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/**
 * True if tt_wheel_advance(@p wh, @p now, ...) would have anything to do:
 * a tick after wh->now to process, or due nodes the cap left. A worker
 * polls the wheel on every loop iteration and the tick is a millisecond,
 * so this read-only check saves nearly all of those calls.
 */
static inline bool
tt_wheel_pending(const struct tt_wheel *wh, uint64_t now)
{
	return now > wh->now || wh->expired_tail != 0;
}

/**
 * Advance the wheel to tick @p now and call @p fn for nodes whose expiry
 * is <= @p now: never early, each exactly once per arming, at most @p max
 * calls; due nodes beyond the cap fire on the next call (they stay counted
 * in n_armed until then and may still be cancelled).
 *
 * The callback may arm or cancel any node, its own included. A node it
 * arms to a tick not after the tick being processed (wh->now during the
 * callback) fires on the next call, never in this one, so a callback that
 * re-arms itself to "now" cannot loop; a node it arms to a later tick
 * <= @p now may fire later in this call. The callback must not call
 * tt_wheel_advance() on the same wheel (such a call returns 0).
 *
 * When the cap stops the walk, wh->now stays at the last tick processed
 * (< @p now) and the next call resumes from there.
 * @return number of callbacks made.
 */
unsigned int tt_wheel_advance(struct tt_wheel *wh, uint64_t now, unsigned int max,
			      tt_wheel_fn fn, void *arg);

#endif /* TT_WHEEL_H */
