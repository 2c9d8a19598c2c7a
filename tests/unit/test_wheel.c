/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Unit tests of the timer wheel alone: plain C, no EAL. A test node wraps
 * a wheel node with what the test expects of it; the callback checks each
 * firing against that.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tt_wheel.h"

#define RANGE (UINT64_C(1) << (TT_WHEEL_BITS * TT_WHEEL_LEVELS))	/* an epoch */
#define AHEAD ((uint64_t)TT_WHEEL_MAX_AHEAD)	/* farthest an expiry may be */
#define NO_CAP UINT32_MAX

struct tnode {
	struct tt_wheel_node node;
	unsigned int id;
	unsigned int fired;		/* callbacks received */
	uint64_t fired_at;		/* wh->now at the last callback */
};

/* Per-test context handed to the callback. */
struct tctx {
	struct tt_wheel *wh;
	uint64_t target;		/* the now passed to tt_wheel_advance() */
	unsigned int calls;		/* callbacks in this advance */
	/* test 5 behaviours */
	struct tnode *pair[2];		/* the first of the two to fire cancels the other */
	uint64_t rearm_period;		/* self re-arm expire + period */
	bool rearm_now;			/* self re-arm to wh->now (already due) */
	struct tnode *arm_other;	/* arm this one at arm_other_at */
	uint64_t arm_other_at;
	struct tnode *defer[2];		/* arm both to wh->now, then cancel one */
	unsigned int defer_cancel;	/* which one */
};

/* Initialise @p wh for the @p n test nodes of array @p t. */
static void
wheel_init(struct tt_wheel *wh, uint64_t now, struct tnode *t, uint32_t n)
{
	assert_int_equal(tt_wheel_init(wh, now, &t[0].node, sizeof(t[0]), n), 0);
}

/* The node's expiry is the low 32 bits of full tick @p e. */
static bool
expire_is(const struct tt_wheel_node *n, uint64_t e)
{
	return n->expire == (uint32_t)e;
}

/* Wrap-safe: the node's 32-bit expiry is not after the wheel's clock. */
static bool
not_early(const struct tt_wheel_node *n, const struct tt_wheel *wh)
{
	return (int32_t)(n->expire - (uint32_t)wh->now) <= 0;
}

static struct tnode *
tnode_of(struct tt_wheel_node *n)
{
	return (struct tnode *)((char *)n - offsetof(struct tnode, node));
}

static void
on_fire(struct tt_wheel_node *n, void *arg)
{
	struct tctx *c = arg;
	struct tnode *t = tnode_of(n);

	assert_false(tt_wheel_armed(n));
	assert_true(not_early(n, c->wh));	/* never early */
	assert_true(c->wh->now <= c->target);
	t->fired++;
	t->fired_at = c->wh->now;
	c->calls++;
	if (c->pair[0] == t || c->pair[1] == t) {
		tt_wheel_cancel(c->wh, &c->pair[c->pair[0] == t ? 1 : 0]->node);
		c->pair[0] = NULL;
		c->pair[1] = NULL;
	}
	if (c->rearm_period != 0)
		tt_wheel_arm(c->wh, n, n->expire + (uint32_t)c->rearm_period);
	if (c->rearm_now) {
		c->rearm_now = false;
		tt_wheel_arm(c->wh, n, (uint32_t)c->wh->now);
	}
	if (c->arm_other != NULL) {
		tt_wheel_arm(c->wh, &c->arm_other->node, (uint32_t)c->arm_other_at);
		c->arm_other = NULL;
	}
	if (c->defer[0] != NULL) {
		tt_wheel_arm(c->wh, &c->defer[0]->node, (uint32_t)c->wh->now);
		tt_wheel_arm(c->wh, &c->defer[1]->node, (uint32_t)(c->wh->now - 1));
		tt_wheel_cancel(c->wh, &c->defer[c->defer_cancel]->node);
		c->defer[0] = NULL;
	}
}

static unsigned int
advance(struct tctx *c, uint64_t now, unsigned int max)
{
	unsigned int r;

	bool pending = tt_wheel_pending(c->wh, now);
	uint64_t before = c->wh->now;

	c->target = now;
	c->calls = 0;
	r = tt_wheel_advance(c->wh, now, max, on_fire, c);
	assert_int_equal(r, c->calls);
	assert_true(r <= max);
	/* Nothing pending: the call may be skipped, it does nothing. */
	if (!pending) {
		assert_int_equal(r, 0);
		assert_int_equal(c->wh->now, before);
	}
	return r;
}

/*
 * Arm one node at @p expire (at most AHEAD after @p start) from @p start and
 * check it fires at exactly expire.
 */
static void
check_exact(uint64_t start, uint64_t expire, bool tick_by_tick)
{
	struct tt_wheel wh;
	struct tnode t = {.id = 0};
	struct tctx c = {.wh = &wh};
	uint64_t now, end;

	assert_true(expire > start && expire - start <= AHEAD);
	wheel_init(&wh, start, &t, 1);
	tt_wheel_arm(&wh, &t.node, (uint32_t)expire);
	assert_true(tt_wheel_armed(&t.node));
	assert_int_equal(wh.n_armed, 1);
	if (tick_by_tick) {
		for (now = start + 1; now < expire; now++)
			assert_int_equal(advance(&c, now, NO_CAP), 0);
	} else {
		/* big uneven strides, to cross level boundaries mid-way */
		for (now = start; expire - now > 1;) {
			now += (expire - now) / 3 + 1;
			if (now >= expire)
				now = expire - 1;
			assert_int_equal(advance(&c, now, NO_CAP), 0);
		}
		assert_int_equal(advance(&c, expire - 1, NO_CAP), 0);
	}
	assert_int_equal(t.fired, 0);
	assert_true(tt_wheel_armed(&t.node));
	assert_int_equal(advance(&c, expire, NO_CAP), 1);
	assert_int_equal(t.fired, 1);
	assert_int_equal(t.fired_at, expire);
	assert_false(tt_wheel_armed(&t.node));
	assert_int_equal(wh.n_armed, 0);
	end = expire <= UINT64_MAX - 10 * RANGE ? expire + 10 * RANGE : UINT64_MAX;
	assert_int_equal(advance(&c, end, NO_CAP), 0);
	assert_int_equal(wh.now, end);
}

/* 1. A timer fires at its exact tick, not one tick early. */
static void
test_exact_tick(void **state)
{
	static const uint64_t d[] = {1, 2, 63, 64, 65, 127, 128, 4095, 4096, 4097, 5000, 70000};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		check_exact(0, d[i], true);
		check_exact(37, 37 + d[i], true);
		check_exact(4095, 4095 + d[i], true);
	}
}

/* 1b. Arming at or before now fires on the next advance, even to the same now. */
static void
test_already_due(void **state)
{
	struct tt_wheel wh;
	struct tnode t[3] = {{.id = 0}, {.id = 1}, {.id = 2}};
	struct tctx c = {.wh = &wh};

	(void)state;
	wheel_init(&wh, 1000, t, 3);
	tt_wheel_arm(&wh, &t[0].node, 1000);
	tt_wheel_arm(&wh, &t[1].node, 3);
	tt_wheel_arm(&wh, &t[2].node, 0);
	assert_int_equal(wh.n_armed, 3);
	assert_int_equal(advance(&c, 1000, NO_CAP), 3);
	assert_int_equal(t[0].fired + t[1].fired + t[2].fired, 3);
	assert_int_equal(wh.n_armed, 0);
	/* and a clock that goes back does nothing */
	assert_int_equal(advance(&c, 10, NO_CAP), 0);
	assert_int_equal(wh.now, 1000);
}

/* 2. Cancel prevents firing; re-arming an armed node moves it. */
static void
test_cancel_rearm(void **state)
{
	struct tt_wheel wh;
	struct tnode tn[4] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}};
	struct tnode *a = &tn[0], *b = &tn[1], *d = &tn[2], *e = &tn[3];
	struct tctx c = {.wh = &wh};

	(void)state;
	wheel_init(&wh, 0, tn, 4);
	tt_wheel_cancel(&wh, &a->node);		/* not armed: no-op */
	assert_int_equal(wh.n_armed, 0);

	tt_wheel_arm(&wh, &a->node, 100);
	tt_wheel_arm(&wh, &d->node, 100);	/* same slot as a */
	tt_wheel_arm(&wh, &e->node, 100);
	tt_wheel_cancel(&wh, &a->node);
	tt_wheel_cancel(&wh, &a->node);		/* twice: no-op */
	tt_wheel_cancel(&wh, &e->node);
	assert_false(tt_wheel_armed(&a->node));
	assert_int_equal(wh.n_armed, 1);
	assert_int_equal(advance(&c, 1000, NO_CAP), 1);
	assert_int_equal(a->fired, 0);
	assert_int_equal(e->fired, 0);
	assert_int_equal(d->fired, 1);
	assert_int_equal(d->fired_at, 100);

	/* move later */
	tt_wheel_arm(&wh, &b->node, 1050);
	tt_wheel_arm(&wh, &b->node, 1200);
	assert_int_equal(wh.n_armed, 1);
	assert_int_equal(advance(&c, 1100, NO_CAP), 0);
	assert_int_equal(advance(&c, 1199, NO_CAP), 0);
	assert_int_equal(advance(&c, 1200, NO_CAP), 1);
	assert_int_equal(b->fired_at, 1200);

	/* move earlier, across levels, from the farthest expiry */
	tt_wheel_arm(&wh, &b->node, (uint32_t)(1200 + AHEAD));
	tt_wheel_arm(&wh, &b->node, 1200 + 70000);
	tt_wheel_arm(&wh, &b->node, 1205);
	assert_int_equal(wh.n_armed, 1);
	assert_int_equal(advance(&c, 1204, NO_CAP), 0);
	assert_int_equal(advance(&c, 1205, NO_CAP), 1);
	assert_int_equal(b->fired, 2);

	/* cancel a due node sitting on the expired list */
	tt_wheel_arm(&wh, &b->node, 10);
	tt_wheel_cancel(&wh, &b->node);
	assert_int_equal(advance(&c, 2000, NO_CAP), 0);
	assert_int_equal(b->fired, 2);

	/* cancel a far node */
	tt_wheel_arm(&wh, &b->node, (uint32_t)(2000 + AHEAD));
	tt_wheel_cancel(&wh, &b->node);
	assert_int_equal(advance(&c, 2000 + 2 * AHEAD, NO_CAP), 0);
	assert_int_equal(wh.n_armed, 0);

	/* cancel a node in the overflow bucket: a near tick past an epoch boundary */
	assert_int_equal(advance(&c, RANGE - 1000, NO_CAP), 0);
	tt_wheel_arm(&wh, &b->node, (uint32_t)(RANGE + 5000));
	assert_true((wh.occupied[TT_WHEEL_LEVELS - 1] & 1) != 0);
	tt_wheel_cancel(&wh, &b->node);
	assert_true((wh.occupied[TT_WHEEL_LEVELS - 1] & 1) == 0);
	assert_int_equal(advance(&c, RANGE + 6000, NO_CAP), 0);
	assert_int_equal(wh.n_armed, 0);
	assert_int_equal(b->fired, 2);
}

/*
 * 3. Far-future timers (levels 2..5, up to the farthest expiry), across
 * epoch boundaries and wraps of the 32-bit tick, fire exactly on time.
 */
static void
test_far_future(void **state)
{
	static const uint64_t starts[] = {0, 12345, RANGE - 3, UINT64_C(0x123456789abcd),
					  (UINT64_C(1) << 32) - 3, (UINT64_C(5) << 32) - AHEAD / 2};
	uint64_t d, s;
	unsigned int level;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		s = starts[i];
		for (level = 2; level < TT_WHEEL_LEVELS; level++) {
			d = UINT64_C(1) << (TT_WHEEL_BITS * level);
			check_exact(s, s + d / 64, false);
			check_exact(s, s + d - 1, false);
			check_exact(s, s + d, false);
			check_exact(s, s + d + 1, false);
			check_exact(s, s + d + d / 3 + 7, false);
		}
		/* level 5 holds what is left of the 32-bit range */
		check_exact(s, s + AHEAD / 2 + 12345, false);
		check_exact(s, s + AHEAD - 1, false);
		check_exact(s, s + AHEAD, false);
	}
	/* a level-2 timer, walked tick by tick through every cascade */
	check_exact(100, 100 + 3 * 4096 + 17, true);
	/* near the end of time */
	check_exact(UINT64_MAX - 5000, UINT64_MAX, true);
	check_exact(UINT64_MAX - AHEAD - 1, UINT64_MAX - 1, false);
	/* the 32-bit tick wrapping, tick by tick */
	check_exact((UINT64_C(1) << 32) - 100, (UINT64_C(1) << 32) + 5000, true);
}

/*
 * 3a. The arming range: an expiry is its low 32 bits, read against the
 * wheel's clock. TT_WHEEL_MAX_AHEAD ahead is the farthest; one tick more
 * (2^31) reads as in the past and is due at once, as is anything in the
 * upper half of the 32-bit circle; 2^32 + d ahead is d ahead.
 */
static void
test_range_limits(void **state)
{
	struct tt_wheel wh;
	struct tnode t[4] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}};
	struct tctx c = {.wh = &wh};
	const uint64_t s = (UINT64_C(7) << 32) - 10;	/* the 32-bit tick wraps 10 ticks on */

	(void)state;
	assert_int_equal(TT_WHEEL_MAX_AHEAD, (UINT64_C(1) << 31) - 1);
	wheel_init(&wh, s, t, 4);
	tt_wheel_arm(&wh, &t[0].node, (uint32_t)(s + AHEAD));
	tt_wheel_arm(&wh, &t[1].node, (uint32_t)(s + AHEAD + 1));
	tt_wheel_arm(&wh, &t[2].node, (uint32_t)(s + (UINT64_C(1) << 32) - 1));
	tt_wheel_arm(&wh, &t[3].node, (uint32_t)(s + (UINT64_C(1) << 32) + 25));
	assert_int_equal(wh.n_armed, 4);
	/* 2^31 and 2^32 - 1 ahead are due now */
	assert_int_equal(advance(&c, s, NO_CAP), 2);
	assert_int_equal(t[1].fired, 1);
	assert_int_equal(t[2].fired, 1);
	assert_int_equal(t[1].fired_at, s);
	/* 2^32 + 25 ahead is 25 ahead, past the wrap */
	assert_int_equal(advance(&c, s + 24, NO_CAP), 0);
	assert_int_equal(advance(&c, s + 25, NO_CAP), 1);
	assert_int_equal(t[3].fired_at, s + 25);
	assert_int_equal(t[3].node.expire, 15);
	/* the farthest fires on time */
	assert_int_equal(advance(&c, s + AHEAD - 1, NO_CAP), 0);
	assert_true(tt_wheel_armed(&t[0].node));
	assert_int_equal(advance(&c, s + AHEAD, NO_CAP), 1);
	assert_int_equal(t[0].fired_at, s + AHEAD);
	assert_int_equal(wh.n_armed, 0);

	/* wrap-safe ordering of 32-bit ticks */
	assert_true(tt_wheel_before(UINT32_MAX - 5, 3));
	assert_false(tt_wheel_before(3, UINT32_MAX - 5));
	assert_false(tt_wheel_before(7, 7));
	assert_true(tt_wheel_before(0, INT32_MAX));

	/* the wheel indexes at most TT_WHEEL_MAX_NODES nodes */
	assert_int_equal(tt_wheel_init(&wh, 0, &t[0].node, sizeof(t[0]), TT_WHEEL_MAX_NODES + 1),
			 -EINVAL);
	assert_int_equal(tt_wheel_init(&wh, 0, &t[0].node, sizeof(t[0]), TT_WHEEL_MAX_NODES), 0);
}

/*
 * 3c. Nodes are named by index in an array of any stride: the first and
 * the last node of a TCB-sized array share a slot, each unlinked alone.
 */
struct big {
	uint8_t before[40];
	struct tt_wheel_node node;
	uint8_t after[268];
	unsigned int fired;
};

static void
big_fire(struct tt_wheel_node *n, void *arg)
{
	(void)arg;
	((struct big *)((char *)n - offsetof(struct big, node)))->fired++;
}

static void
test_node_index(void **state)
{
	enum { N = 1000 };
	static struct big b[N];
	struct tt_wheel wh;
	unsigned int i;

	(void)state;
	memset(b, 0, sizeof(b));
	assert_int_equal(tt_wheel_init(&wh, 0, &b[0].node, sizeof(b[0]), N), 0);
	tt_wheel_arm(&wh, &b[0].node, 300);
	tt_wheel_arm(&wh, &b[N - 1].node, 300);
	tt_wheel_arm(&wh, &b[N / 2].node, 300);
	tt_wheel_cancel(&wh, &b[N - 1].node);		/* the first in the slot */
	tt_wheel_cancel(&wh, &b[0].node);		/* the last in the slot */
	assert_true(wh.occupied[1] != 0);
	tt_wheel_cancel(&wh, &b[N / 2].node);
	assert_true(wh.occupied[1] == 0);
	for (i = 0; i < N; i++)
		tt_wheel_arm(&wh, &b[i].node, 300 + i % 7);
	assert_int_equal(tt_wheel_advance(&wh, 10000, NO_CAP, big_fire, NULL), N);
	for (i = 0; i < N; i++) {
		assert_int_equal(b[i].fired, 1);
		assert_false(tt_wheel_armed(&b[i].node));
	}
	/* the bytes around the nodes were never written */
	for (i = 0; i < N; i++)
		assert_true(b[i].before[39] == 0 && b[i].after[0] == 0);
}

/* 3b. Many timers spread over all levels, one huge jump: all fire, quickly. */
static void
test_huge_jump(void **state)
{
	enum { N = 4096 };
	static struct tnode t[N];
	struct tt_wheel wh;
	struct tctx c = {.wh = &wh};
	unsigned int i;

	(void)state;
	memset(t, 0, sizeof(t));
	wheel_init(&wh, 5, t, N);
	/* nothing armed: a jump of 2^62 is O(1) */
	assert_int_equal(advance(&c, UINT64_C(1) << 62, NO_CAP), 0);
	assert_int_equal(wh.now, UINT64_C(1) << 62);
	wheel_init(&wh, 5, t, N);
	for (i = 0; i < N; i++)
		tt_wheel_arm(&wh, &t[i].node, (uint32_t)(5 + (UINT64_C(1) << (i % 31)) + i));
	assert_int_equal(advance(&c, UINT64_C(1) << 46, NO_CAP), N);
	for (i = 0; i < N; i++) {
		assert_int_equal(t[i].fired, 1);
		assert_int_equal(t[i].fired_at, 5 + (UINT64_C(1) << (i % 31)) + i);
	}
	assert_int_equal(wh.n_armed, 0);
}

/* 4. The cap defers firing to the next calls and nothing is lost. */
static void
test_cap(void **state)
{
	enum { N = 150 };
	struct tnode t[N];
	struct tt_wheel wh;
	struct tctx c = {.wh = &wh};
	unsigned int i, total = 0, r, victim = N;

	(void)state;
	memset(t, 0, sizeof(t));
	wheel_init(&wh, 0, t, N);
	for (i = 0; i < N; i++) {
		t[i].id = i;
		tt_wheel_arm(&wh, &t[i].node, i < 100 ? 10 : 20 + i);
	}
	assert_int_equal(advance(&c, 5000, 0), 0);
	assert_int_equal(wh.n_armed, N);
	assert_int_equal(advance(&c, 5000, 30), 30);
	total = 30;
	assert_int_equal(wh.n_armed, N - total);
	/* the walk stopped at the tick with leftovers */
	assert_int_equal(wh.now, 10);
	/* leftovers are pending even at a tick already processed */
	assert_true(tt_wheel_pending(&wh, 10));
	assert_true(tt_wheel_pending(&wh, 5));
	/* a cancelled leftover does not fire */
	for (i = 0; i < 100; i++) {
		if (t[i].fired == 0) {
			tt_wheel_cancel(&wh, &t[i].node);
			victim = i;
			break;
		}
	}
	while ((r = advance(&c, 5000, 30)) != 0) {
		assert_true(r == 30 || wh.n_armed == 0);
		total += r;
	}
	assert_int_equal(total, N - 1);
	assert_int_equal(wh.n_armed, 0);
	assert_int_equal(wh.now, 5000);
	assert_false(tt_wheel_pending(&wh, 5000));
	assert_true(tt_wheel_pending(&wh, 5001));
	assert_true(victim < 100);
	for (i = 0; i < N; i++) {
		assert_int_equal(t[i].fired, i == victim ? 0 : 1);
		if (t[i].fired != 0)
			assert_true(expire_is(&t[i].node, t[i].fired_at));
	}
}

/* 5. A callback re-arming itself, cancelling a due peer, arming another node. */
static void
test_callback_actions(void **state)
{
	struct tt_wheel wh;
	struct tnode tn[5] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}};
	struct tnode *a = &tn[0], *b = &tn[1], *p = &tn[2], *o = &tn[3], *q = &tn[4];
	struct tnode *left[2];
	unsigned int nleft = 0, i;
	struct tctx c = {.wh = &wh};

	(void)state;
	wheel_init(&wh, 0, tn, 5);

	/* a and b due on the same tick: the first to fire cancels the other */
	tt_wheel_arm(&wh, &a->node, 50);
	tt_wheel_arm(&wh, &b->node, 50);
	c.pair[0] = a;
	c.pair[1] = b;
	assert_int_equal(advance(&c, 60, NO_CAP), 1);
	assert_int_equal(advance(&c, 60, NO_CAP), 0);
	assert_int_equal(a->fired + b->fired, 1);
	assert_int_equal(wh.n_armed, 0);

	/* periodic self re-arm: fires on every period within one advance */
	tt_wheel_arm(&wh, &p->node, 100);
	c.rearm_period = 100;
	assert_int_equal(advance(&c, 1000, NO_CAP), 10);
	assert_int_equal(p->fired_at, 1000);
	assert_int_equal(p->node.expire, 1100);
	assert_true(tt_wheel_armed(&p->node));
	assert_int_equal(advance(&c, 100000, 7), 7);
	assert_int_equal(p->fired_at, 1700);
	c.rearm_period = 0;
	assert_int_equal(advance(&c, 100000, NO_CAP), 1);
	assert_int_equal(p->fired, 18);
	assert_false(tt_wheel_armed(&p->node));

	/* self re-arm to an already-due tick: fires on the next call, once */
	tt_wheel_arm(&wh, &p->node, 100010);
	c.rearm_now = true;
	assert_int_equal(advance(&c, 200000, NO_CAP), 1);
	assert_true(tt_wheel_armed(&p->node));
	assert_int_equal(p->node.expire, 100010);
	assert_int_equal(advance(&c, 200000, NO_CAP), 1);
	assert_int_equal(p->fired, 20);
	assert_int_equal(wh.n_armed, 0);

	/* a callback arming another node later in the same advance */
	tt_wheel_arm(&wh, &p->node, 200100);
	c.arm_other = o;
	c.arm_other_at = 200000 + 5000;
	assert_int_equal(advance(&c, 300000, NO_CAP), 2);
	assert_int_equal(o->fired_at, 205000);

	/* a callback cancelling a due node left over by the cap */
	a->fired = b->fired = q->fired = 0;
	tt_wheel_arm(&wh, &a->node, 300500);
	tt_wheel_arm(&wh, &b->node, 300500);
	tt_wheel_arm(&wh, &q->node, 300500);
	assert_int_equal(advance(&c, 400000, 1), 1);
	assert_int_equal(wh.n_armed, 2);
	assert_int_equal(wh.now, 300500);
	if (a->fired == 0)
		left[nleft++] = a;
	if (b->fired == 0)
		left[nleft++] = b;
	if (q->fired == 0)
		left[nleft++] = q;
	assert_int_equal(nleft, 2);
	c.pair[0] = left[0];
	c.pair[1] = left[1];
	assert_int_equal(advance(&c, 400000, NO_CAP), 1);
	assert_int_equal(wh.n_armed, 0);
	assert_int_equal(a->fired + b->fired + q->fired, 2);
	assert_int_equal(left[0]->fired + left[1]->fired, 1);
	assert_int_equal(p->fired, 21);
	assert_int_equal(o->fired, 1);

	/*
	 * A callback arms two nodes already due (kept for the next call) and
	 * cancels one of them; a due node armed after the call queues behind
	 * the survivor and both fire on the next call.
	 */
	for (i = 0; i < 2; i++) {
		a->fired = b->fired = q->fired = 0;
		tt_wheel_arm(&wh, &p->node, (uint32_t)(wh.now + 10));
		c.defer[0] = a;
		c.defer[1] = b;
		c.defer_cancel = i;
		assert_int_equal(advance(&c, wh.now + 20, NO_CAP), 1);
		assert_int_equal(wh.n_armed, 1);
		tt_wheel_arm(&wh, &q->node, (uint32_t)wh.now);
		assert_int_equal(wh.n_armed, 2);
		assert_int_equal(advance(&c, wh.now, NO_CAP), 2);
		assert_int_equal(a->fired, i == 0 ? 0 : 1);
		assert_int_equal(b->fired, i == 0 ? 1 : 0);
		assert_int_equal(q->fired, 1);
		assert_int_equal(wh.n_armed, 0);
	}
}

/*
 * 6. Randomised operations against a reference model. The model keeps, per
 * node, whether it is armed and at which expiry; the callback checks each
 * firing against it and sometimes acts on the wheel itself.
 */
enum { RND_NODES = 10000, RND_OPS = 1000000 };

struct rnd {
	struct tt_wheel wh;
	struct tnode node[RND_NODES];
	bool armed[RND_NODES];
	uint64_t expire[RND_NODES];
	uint64_t arm_seq[RND_NODES];		/* advances done when it was armed */
	bool arm_in_cb[RND_NODES];		/* armed from a callback */
	uint64_t n_armed;
	uint64_t clock;				/* the test's clock */
	uint64_t target;
	uint64_t seq;				/* advances so far */
	uint64_t full_seq;			/* last advance that did not hit the cap */
	uint64_t full_target;			/* and its now */
	uint64_t x;				/* xorshift64* state */
	unsigned int last_armed;		/* node of the latest arm */
	unsigned int calls;
	bool cb_actions;
};

static uint64_t
rnd_next(struct rnd *r)
{
	r->x ^= r->x >> 12;
	r->x ^= r->x << 25;
	r->x ^= r->x >> 27;
	return r->x * UINT64_C(0x2545F4914F6CDD1D);
}

static uint64_t
rnd_below(struct rnd *r, uint64_t n)
{
	return rnd_next(r) % n;
}

/*
 * An expiry relative to the wheel's clock (the one tt_wheel_arm() reads it
 * against), spread over every level up to the farthest expiry.
 */
static uint64_t
rnd_expiry(struct rnd *r, uint64_t now)
{
	unsigned int k = (unsigned int)rnd_below(r, 10);

	switch (k) {
	case 0:
		return now - rnd_below(r, now < 100 ? now + 1 : 100);	/* due */
	case 1:
		return now;
	case 7:
		return now + 1 + rnd_below(r, AHEAD);			/* level 5 */
	case 8:
		return now + AHEAD - rnd_below(r, 64);			/* the farthest */
	case 9:
		return now + rnd_below(r, 4096);
	default:
		/* levels 0..4: 1 .. 64^(k-1) */
		return now + 1 + rnd_below(r, UINT64_C(1) << (TT_WHEEL_BITS * (k - 1)));
	}
}

static void
rnd_arm(struct rnd *r, unsigned int i, uint64_t e, bool in_cb)
{
	if (!r->armed[i])
		r->n_armed++;
	r->armed[i] = true;
	r->expire[i] = e;
	r->arm_seq[i] = r->seq;
	r->arm_in_cb[i] = in_cb;
	r->last_armed = i;
	tt_wheel_arm(&r->wh, &r->node[i].node, (uint32_t)e);
	assert_true(expire_is(&r->node[i].node, r->expire[i]));
}

static void
rnd_cancel(struct rnd *r, unsigned int i)
{
	if (r->armed[i])
		r->n_armed--;
	r->armed[i] = false;
	tt_wheel_cancel(&r->wh, &r->node[i].node);
}

static void
rnd_fire(struct tt_wheel_node *n, void *arg)
{
	struct rnd *r = arg;
	unsigned int i = tnode_of(n)->id;
	unsigned int k, j;

	/* armed, at the model's expiry, fired once, never early */
	if (!r->armed[i] || !expire_is(n, r->expire[i]) || r->expire[i] > r->wh.now ||
	    r->wh.now > r->target)
		fail_msg("node %u fired wrongly: armed %d expire %llu/%llu now %llu target %llu",
			 i, r->armed[i], (unsigned long long)n->expire,
			 (unsigned long long)r->expire[i], (unsigned long long)r->wh.now,
			 (unsigned long long)r->target);
	/* not late: armed before the last uncapped advance, due by its now */
	if (r->arm_seq[i] < r->full_seq && r->expire[i] <= r->full_target)
		fail_msg("node %u due at %llu armed at advance %llu fired late",
			 i, (unsigned long long)r->expire[i], (unsigned long long)r->arm_seq[i]);
	assert_false(tt_wheel_armed(n));
	r->armed[i] = false;
	r->n_armed--;
	r->calls++;
	if (!r->cb_actions)
		return;
	k = (unsigned int)rnd_below(r, 16);
	if (k == 0)
		rnd_arm(r, i, rnd_expiry(r, r->wh.now), true);
	else if (k == 1) {
		j = (unsigned int)rnd_below(r, RND_NODES);
		rnd_arm(r, j, rnd_expiry(r, r->wh.now), true);
	}
	else if (k <= 3)
		rnd_cancel(r, (unsigned int)rnd_below(r, RND_NODES));
	else if (k == 4)
		rnd_cancel(r, r->last_armed);	/* often the tail of a due list */
}

/* After an advance that did not hit the cap, nothing due may be left armed. */
static void
rnd_check_all_due_fired(struct rnd *r)
{
	unsigned int i;

	for (i = 0; i < RND_NODES; i++) {
		if (r->armed[i] && r->expire[i] <= r->clock &&
		    !(r->arm_in_cb[i] && r->arm_seq[i] == r->seq))
			fail_msg("node %u due at %llu still armed at %llu", i,
				 (unsigned long long)r->expire[i], (unsigned long long)r->clock);
	}
}

static void
rnd_advance(struct rnd *r, uint64_t to, unsigned int max)
{
	unsigned int n;

	bool pending = tt_wheel_pending(&r->wh, to);
	uint64_t before = r->wh.now;

	r->seq++;
	r->target = to;
	r->calls = 0;
	n = tt_wheel_advance(&r->wh, to, max, rnd_fire, r);
	assert_int_equal(n, r->calls);
	assert_true(n <= max);
	if (!pending) {
		assert_int_equal(n, 0);
		assert_int_equal(r->wh.now, before);
	}
	if (to > r->clock)
		r->clock = to;
	if (n < max) {
		r->full_seq = r->seq;
		r->full_target = to;
		if ((r->seq % 128) == 0)
			rnd_check_all_due_fired(r);
	}
}

static void
test_random(void **state)
{
	struct rnd *r;
	unsigned int op, i, k, max;
	uint64_t step;
	struct timespec t0, t1;

	(void)state;
	r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->x = UINT64_C(0x9E3779B97F4A7C15);
	r->clock = 1000;
	r->cb_actions = true;
	wheel_init(&r->wh, r->clock, r->node, RND_NODES);
	for (i = 0; i < RND_NODES; i++)
		r->node[i].id = i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (op = 0; op < RND_OPS; op++) {
		k = (unsigned int)rnd_below(r, 100);
		i = (unsigned int)rnd_below(r, RND_NODES);
		if (k < 55) {
			rnd_arm(r, i, rnd_expiry(r, r->wh.now), false);
		} else if (k < 62) {
			rnd_cancel(r, i);
		} else if (k < 65) {
			rnd_cancel(r, r->last_armed);
		} else {
			/* mostly short steps, rarely a long sleep */
			k = (unsigned int)rnd_below(r, 100000);
			if (k < 60000)
				step = rnd_below(r, 64);
			else if (k < 90000)
				step = rnd_below(r, 4096);
			else if (k < 99000)
				step = rnd_below(r, UINT64_C(1) << 20);
			else if (k < 99900)
				step = rnd_below(r, UINT64_C(1) << 26);
			else if (k < 99995)
				step = rnd_below(r, UINT64_C(1) << 32);
			else
				step = rnd_below(r, 4 * RANGE);
			k = (unsigned int)rnd_below(r, 8);
			max = k == 0 ? (unsigned int)rnd_below(r, 4) :
			      k == 1 ? (unsigned int)rnd_below(r, 100) : NO_CAP;
			/* sometimes re-advance to the same now, to drain leftovers */
			rnd_advance(r, rnd_below(r, 16) == 0 ? r->clock : r->clock + step, max);
		}
		if (r->wh.n_armed != r->n_armed)
			fail_msg("op %u: n_armed %llu, model %llu", op,
				 (unsigned long long)r->wh.n_armed, (unsigned long long)r->n_armed);
		assert_true(r->wh.now <= r->clock);
	}
	for (i = 0; i < RND_NODES; i++)
		assert_int_equal(tt_wheel_armed(&r->node[i].node), r->armed[i]);

	/* far ahead with no cap and no callback actions: everything fires */
	r->cb_actions = false;
	rnd_advance(r, r->clock + 8 * RANGE, NO_CAP);
	assert_int_equal(r->n_armed, 0);
	assert_int_equal(r->wh.n_armed, 0);
	for (i = 0; i < RND_NODES; i++)
		assert_false(tt_wheel_armed(&r->node[i].node));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("random: %u ops on %u nodes, %llu advances, %.3f s\n", RND_OPS, RND_NODES,
	       (unsigned long long)r->seq,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_tick),
		cmocka_unit_test(test_already_due),
		cmocka_unit_test(test_cancel_rearm),
		cmocka_unit_test(test_far_future),
		cmocka_unit_test(test_range_limits),
		cmocka_unit_test(test_node_index),
		cmocka_unit_test(test_huge_jump),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_callback_actions),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
