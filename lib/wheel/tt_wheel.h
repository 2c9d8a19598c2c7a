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
 * Geometry: see the block comment in tt_wheel.c.
 */

#include <stdint.h>
#include <stdbool.h>

#define TT_WHEEL_BITS 6				/**< log2(slots per level) */
#define TT_WHEEL_SLOTS (1u << TT_WHEEL_BITS)	/**< 64 slots per level */
#define TT_WHEEL_LEVELS 6			/**< 6 levels: 2^36 ticks of range */

/** Intrusive node. Zero-initialised means "not armed". */
struct tt_wheel_node {
	struct tt_wheel_node *next;
	struct tt_wheel_node **pprev;	/**< NULL when not armed */
	uint64_t expire;		/**< absolute tick of expiry */
};

/**
 * One wheel per worker. Only @c now and @c n_armed are for reading by
 * users; the rest is private. The struct holds pointers into itself:
 * initialise it in place with tt_wheel_init() and never copy it.
 */
struct tt_wheel {
	uint64_t now;		/**< last tick processed */
	uint64_t n_armed;	/**< nodes currently armed */
	uint64_t occupied[TT_WHEEL_LEVELS];	/**< bit s set: slots[level][s] non-empty */
	struct tt_wheel_node *slots[TT_WHEEL_LEVELS][TT_WHEEL_SLOTS];
	struct tt_wheel_node *expired;	/**< due nodes not yet fired (cap hit), FIFO */
	struct tt_wheel_node **expired_tail;	/**< &last->next, or &expired */
	struct tt_wheel_node *deferred;	/**< due nodes armed from a callback */
	struct tt_wheel_node **deferred_tail;	/**< &last->next, or &deferred */
	bool in_advance;	/**< inside tt_wheel_advance() */
};

/** Callback for an expired node; the node is already disarmed and may be re-armed or freed. */
typedef void (*tt_wheel_fn)(struct tt_wheel_node *n, void *arg);

/** Initialise an empty wheel whose current tick is @p now. */
void tt_wheel_init(struct tt_wheel *wh, uint64_t now);

/**
 * Arm @p n to fire at tick @p expire (a tick <= now fires on the next
 * advance). An armed node is moved. O(1).
 */
void tt_wheel_arm(struct tt_wheel *wh, struct tt_wheel_node *n, uint64_t expire);

/** Disarm @p n if armed. O(1). */
void tt_wheel_cancel(struct tt_wheel *wh, struct tt_wheel_node *n);

/** True if @p n is armed. */
static inline bool
tt_wheel_armed(const struct tt_wheel_node *n)
{
	return n->pprev != 0;
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
