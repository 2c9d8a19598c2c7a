/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Hashed hierarchical timer wheel (Varghese & Lauck), cascading, exact.
 *
 * Geometry
 *   A tick is read as 6-bit groups: group L is bits [6L, 6L + 6). There are
 *   6 levels of 64 slots; a slot of level L is 64^L ticks wide and the level
 *   spans 64^(L + 1) ticks:
 *
 *	level	slot width	level span
 *	0	1		64
 *	1	64		4096
 *	2	4096		2^18
 *	3	2^18		2^24
 *	4	2^24		2^30
 *	5	2^30		2^36	(the wheel's range)
 *
 * Placement, relative to wh->now (the last tick processed)
 *   A node with expire e > now goes to level L = msb(e ^ now) / 6, the
 *   highest group in which e and now differ, at slot s = group L of e.
 *   Since e > now, s is strictly greater than group L of now, and every
 *   group above L is equal in e and now. This is the invariant kept for
 *   every node in slots[L][s], as now moves forward.
 *   A node with e <= now is due: it goes on the expired list.
 *
 * Cascading, and why never early and never late
 *   slots[L][s] comes due at the tick T whose groups above L are those of
 *   now, whose group L is s, and whose lower groups are 0: the first tick
 *   at which group L of the clock equals s. Every node in it has e >= T
 *   (same groups from L up, lower groups >= 0), so none is overdue before T.
 *   At T the slot is emptied and each node is placed again relative to T:
 *   it either fires (e == T) or lands at a lower level, in a slot strictly
 *   ahead of T's group there. A node thus moves down at most once per level
 *   and fires exactly at tick e. Slots at level 0 hold nodes that differ
 *   from now only in group 0, so a level-0 slot holds exactly the nodes
 *   with e == T. At most one slot comes due per tick: that of the highest
 *   level whose slot boundary the tick is (a lower level's slot there
 *   would be slot 0, never used). Because the groups of now are only ever
 *   passed upwards, the invariant also holds after now jumps over ticks
 *   where no slot comes due.
 *
 * Beyond the range
 *   Slot 0 is never used at any level by the rule above (s > group L of now
 *   >= 0). Level 5 slot 0 is the overflow bucket: a node whose e differs
 *   from now above bit 36 (e lies past the current 2^36-aligned epoch) is
 *   clamped there. By the rule above that slot comes due at the next epoch
 *   boundary (group 5 and all lower groups zero); its nodes are placed
 *   again relative to the boundary, back into overflow if still an epoch
 *   or more away. e lies in a later epoch, so e >= the boundary: never
 *   early. A far node is touched once per epoch boundary it waits for.
 *
 * Advancing, and large jumps
 *   Each level has a 64-bit occupancy bitmap. Nothing happens before the
 *   first slot due at the lowest non-empty level L (any slot of a higher
 *   level comes due later, after group L wraps), so the next interesting
 *   tick is found in O(levels) with ctz() and the ticks up to it are
 *   skipped without being visited; the overflow bucket, if alone, makes the
 *   next epoch boundary the next tick. tt_wheel_advance() therefore costs
 *   O(levels) per slot that comes due plus O(1) per node moved or fired,
 *   whatever now - wh->now is: a worker waking after 2^40 ticks with no
 *   node armed returns at once.
 *
 * Expired list, cap and callbacks
 *   Due nodes are appended to the FIFO expired list and fired from its head,
 *   oldest first, at most max per call. When the cap is spent, the walk
 *   stops before the next tick that has work, so wh->now may lag the now
 *   asked for; the next call fires the leftovers first, then resumes the
 *   walk. A callback may arm and cancel nodes. A node it arms to a tick
 *   <= wh->now (the tick being processed) goes on the deferred list, which
 *   is appended to the expired list when the call returns: a callback
 *   re-arming itself to "now" fires on the next call and cannot loop. A
 *   node it arms to a later tick goes into the wheel as usual and fires in
 *   this call if the walk reaches it. Cancel works on every list, in O(1):
 *   a due node cancelled before its callback never fires.
 *
 * Ticks and the range
 *   The wheel's clock (wh->now) is 64-bit; a node keeps the low 32 bits of
 *   its expiry. Arming reads them relative to wh->now: d = expire - now in
 *   32-bit arithmetic, due if (int32_t)d <= 0, else at tick now + d, at most
 *   2^31 - 1 ahead. A node in a slot is never overdue and was at most 2^31 - 1
 *   ahead when armed, so its 64-bit expiry is always now + (expire - now)
 *   mod 2^32: placement and cascading work on that full tick, and the 32-bit
 *   tick wrapping (every 2^32 ticks) is just another carry between groups.
 *   The overflow bucket is still used: a near tick past an epoch boundary
 *   differs from now above bit 36.
 *
 * Lists
 *   Nodes live in one array given to tt_wheel_init() and are named by index
 *   + 1 (0 is "none"). Every list is singly linked through next; prev names
 *   whatever points at the node: the previous node's index + 1, or
 *   HEAD_TAG | h for list head h (slots 0..383, then expired, deferred), so
 *   unlinking needs no list head. The expired and deferred lists also keep
 *   their last node for FIFO appends; a slot's occupancy bit is cleared when
 *   its last node goes, recognised by that node's prev being the slot head.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#include "tt_wheel.h"

#define WHEEL_MASK ((uint64_t)TT_WHEEL_SLOTS - 1)
#define WHEEL_RANGE_BITS (TT_WHEEL_BITS * TT_WHEEL_LEVELS)
#define WHEEL_OVF_LEVEL (TT_WHEEL_LEVELS - 1)
#define WHEEL_OVF_SLOT 0u
#define HEAD_TAG UINT32_C(0x80000000)
#define HEAD_EXPIRED (TT_WHEEL_LEVELS * TT_WHEEL_SLOTS)
#define HEAD_DEFERRED (HEAD_EXPIRED + 1)

static inline unsigned int
wheel_shift(unsigned int level)
{
	return level * TT_WHEEL_BITS;
}

static inline uint64_t
wheel_bit(unsigned int slot)
{
	return UINT64_C(1) << slot;
}

static inline struct tt_wheel_node *
node_at(const struct tt_wheel *wh, uint32_t idx)
{
	return (struct tt_wheel_node *)(wh->base + (size_t)(idx - 1) * wh->stride);
}

static inline uint32_t
node_idx(const struct tt_wheel *wh, const struct tt_wheel_node *n)
{
	return (uint32_t)(((const char *)n - wh->base) / wh->stride) + 1;
}

/* The link that points at a node whose prev is @p prev. */
static inline uint32_t *
link_of(struct tt_wheel *wh, uint32_t prev)
{
	if (prev & HEAD_TAG)
		return &wh->head[prev & ~HEAD_TAG];
	return &node_at(wh, prev)->next;
}

/* Append node @p me to the FIFO list @p h (expired or deferred) ending at *@p tailp. */
static inline void
fifo_append(struct tt_wheel *wh, unsigned int h, uint32_t *tailp, struct tt_wheel_node *n,
	    uint32_t me)
{
	n->next = 0;
	if (*tailp == 0) {
		n->prev = HEAD_TAG | h;
		wh->head[h] = me;
	} else {
		n->prev = *tailp;
		node_at(wh, *tailp)->next = me;
	}
	*tailp = me;
}

static inline void
due_append(struct tt_wheel *wh, struct tt_wheel_node *n, uint32_t me, bool deferred)
{
	if (deferred)
		fifo_append(wh, HEAD_DEFERRED, &wh->deferred_tail, n, me);
	else
		fifo_append(wh, HEAD_EXPIRED, &wh->expired_tail, n, me);
}

static inline void
slot_push(struct tt_wheel *wh, unsigned int level, unsigned int slot, struct tt_wheel_node *n,
	  uint32_t me)
{
	unsigned int h = level * TT_WHEEL_SLOTS + slot;

	n->next = wh->head[h];
	if (n->next != 0)
		node_at(wh, n->next)->prev = me;
	n->prev = HEAD_TAG | h;
	wh->head[h] = me;
	wh->occupied[level] |= wheel_bit(slot);
}

/* Put @p n, whose full expiry @p e is > wh->now, in its slot (see the top comment). */
static inline void
wheel_place(struct tt_wheel *wh, struct tt_wheel_node *n, uint32_t me, uint64_t e)
{
	uint64_t diff = e ^ wh->now;
	unsigned int level, slot;

	if ((diff >> WHEEL_RANGE_BITS) != 0) {
		level = WHEEL_OVF_LEVEL;
		slot = WHEEL_OVF_SLOT;
	} else {
		level = (unsigned int)(63 - __builtin_clzll(diff)) / TT_WHEEL_BITS;
		slot = (unsigned int)((e >> wheel_shift(level)) & WHEEL_MASK);
	}
	slot_push(wh, level, slot, n, me);
}

/*
 * Unlink node @p me from whichever list holds it. When it was the last
 * node, the list's tail (expired, deferred) or occupancy bit (slot) is
 * fixed: a slot is left empty exactly when n was both first and last, i.e.
 * when n->prev is the slot head itself.
 */
static void
node_unlink(struct tt_wheel *wh, struct tt_wheel_node *n, uint32_t me)
{
	uint32_t next = n->next;
	uint32_t prev = n->prev;
	uint32_t h;

	*link_of(wh, prev) = next;
	if (next != 0) {
		node_at(wh, next)->prev = prev;
		return;
	}
	if (wh->expired_tail == me) {
		wh->expired_tail = (prev & HEAD_TAG) ? 0 : prev;
		return;
	}
	if (wh->deferred_tail == me) {
		wh->deferred_tail = (prev & HEAD_TAG) ? 0 : prev;
		return;
	}
	if (prev & HEAD_TAG) {
		h = prev & ~HEAD_TAG;
		wh->occupied[h / TT_WHEEL_SLOTS] &= ~wheel_bit(h % TT_WHEEL_SLOTS);
	}
}

int
tt_wheel_init(struct tt_wheel *wh, uint64_t now, struct tt_wheel_node *nodes, size_t stride,
	      uint32_t n_nodes)
{
	if (n_nodes > TT_WHEEL_MAX_NODES)
		return -EINVAL;
	memset(wh, 0, sizeof(*wh));
	wh->now = now;
	wh->base = (char *)nodes;
	wh->stride = stride;
	wh->n_nodes = n_nodes;
	return 0;
}

void
tt_wheel_arm(struct tt_wheel *wh, struct tt_wheel_node *n, uint32_t expire)
{
	uint32_t me = node_idx(wh, n);
	int32_t ahead = (int32_t)(expire - (uint32_t)wh->now);

	if (n->prev != 0)
		node_unlink(wh, n, me);
	else
		wh->n_armed++;
	n->expire = expire;
	if (ahead > 0)
		wheel_place(wh, n, me, wh->now + (uint64_t)ahead);
	else
		due_append(wh, n, me, wh->in_advance);
}

void
tt_wheel_cancel(struct tt_wheel *wh, struct tt_wheel_node *n)
{
	if (n->prev == 0)
		return;
	node_unlink(wh, n, node_idx(wh, n));
	n->next = 0;
	n->prev = 0;
	wh->n_armed--;
}

/* Empty slot @p h of @p level, which comes due at wh->now: fire or move down. */
static void
wheel_cascade(struct tt_wheel *wh, unsigned int level, unsigned int slot)
{
	unsigned int h = level * TT_WHEEL_SLOTS + slot;
	uint32_t me = wh->head[h], next;
	struct tt_wheel_node *n;
	uint32_t ahead;

	wh->head[h] = 0;
	wh->occupied[level] &= ~wheel_bit(slot);
	for (; me != 0; me = next) {
		n = node_at(wh, me);
		next = n->next;
		/* never overdue in a slot: the distance is exact (see the top comment) */
		ahead = n->expire - (uint32_t)wh->now;
		if (ahead == 0)
			due_append(wh, n, me, false);
		else
			wheel_place(wh, n, me, wh->now + ahead);
	}
}
/*
 * Process tick @p t (> 0). At most one slot comes due at a tick: the one of
 * the highest level L whose slot boundary t is (t's groups below L are 0),
 * at group L of t. The slots at group 0 of the lower levels are never used,
 * and group L of t is non-zero except at an epoch boundary, where L is the
 * top level and slot 0 is the overflow bucket.
 */
static void
wheel_tick(struct tt_wheel *wh, uint64_t t)
{
	unsigned int level, slot;

	wh->now = t;
	level = (unsigned int)__builtin_ctzll(t) / TT_WHEEL_BITS;
	if (level > WHEEL_OVF_LEVEL)
		level = WHEEL_OVF_LEVEL;
	slot = (unsigned int)((t >> wheel_shift(level)) & WHEEL_MASK);
	if ((wh->occupied[level] & wheel_bit(slot)) != 0)
		wheel_cascade(wh, level, slot);
}

/*
 * The next tick after wh->now at which a slot comes due, if any: the first
 * occupied slot of the lowest non-empty level, else the next epoch boundary
 * when only the overflow bucket holds nodes.
 */
static bool
wheel_next_tick(const struct tt_wheel *wh, uint64_t *tick)
{
	const uint64_t epoch_mask = (UINT64_C(1) << WHEEL_RANGE_BITS) - 1;
	uint64_t occ, span_mask;
	unsigned int level;

	for (level = 0; level < TT_WHEEL_LEVELS; level++) {
		occ = wh->occupied[level];
		if (level == WHEEL_OVF_LEVEL)
			occ &= ~wheel_bit(WHEEL_OVF_SLOT);
		if (occ == 0)
			continue;
		span_mask = (UINT64_C(1) << wheel_shift(level + 1)) - 1;
		*tick = (wh->now & ~span_mask) |
			((uint64_t)__builtin_ctzll(occ) << wheel_shift(level));
		return true;
	}
	if ((wh->occupied[WHEEL_OVF_LEVEL] & wheel_bit(WHEEL_OVF_SLOT)) != 0 &&
	    (wh->now | epoch_mask) != UINT64_MAX) {
		*tick = (wh->now | epoch_mask) + 1;
		return true;
	}
	return false;
}

/* Fire up to @p budget nodes from the head of the expired list. */
static unsigned int
wheel_fire(struct tt_wheel *wh, unsigned int budget, tt_wheel_fn fn, void *arg)
{
	struct tt_wheel_node *n;
	unsigned int fired = 0;
	uint32_t me;

	while (fired < budget && (me = wh->head[HEAD_EXPIRED]) != 0) {
		n = node_at(wh, me);
		node_unlink(wh, n, me);
		n->next = 0;
		n->prev = 0;
		wh->n_armed--;
		fired++;
		fn(n, arg);
	}
	return fired;
}

/* Out of line for tests/bench/bench_profile.sh's accounting (see tt_worker_poll()). */
unsigned int __attribute__((noinline))
tt_wheel_advance(struct tt_wheel *wh, uint64_t now, unsigned int max, tt_wheel_fn fn, void *arg)
{
	unsigned int fired = 0;
	uint64_t t;

	if (wh->in_advance)
		return 0;
	wh->in_advance = true;
	for (;;) {
		fired += wheel_fire(wh, max - fired, fn, arg);
		if (wh->expired_tail != 0 || wh->now >= now)
			break;
		if (!wheel_next_tick(wh, &t) || t > now) {
			wh->now = now;
			break;
		}
		if (fired == max) {
			/* cap spent: stop just before the tick that has work */
			wh->now = t - 1;
			break;
		}
		wheel_tick(wh, t);
	}
	/* due nodes armed by callbacks fire on the next call */
	if (wh->deferred_tail != 0) {
		uint32_t first = wh->head[HEAD_DEFERRED];

		if (wh->expired_tail == 0) {
			wh->head[HEAD_EXPIRED] = first;
			node_at(wh, first)->prev = HEAD_TAG | HEAD_EXPIRED;
		} else {
			node_at(wh, wh->expired_tail)->next = first;
			node_at(wh, first)->prev = wh->expired_tail;
		}
		wh->expired_tail = wh->deferred_tail;
		wh->head[HEAD_DEFERRED] = 0;
		wh->deferred_tail = 0;
	}
	wh->in_advance = false;
	return fired;
}
