/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Flow ownership (DESIGN §2, tt_steer.h): the Toeplitz hash against the
 * published verification vectors, the symmetry of our key, the RETA mirror,
 * local-port selection for active opens and the hand-off of frames another
 * worker owns.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "tt_harness.h"

#define N_WORKERS 4
#define RING_SIZE 1024

/* ---- Toeplitz against the Microsoft RSS verification suite ---- */

/*
 * "Verifying the RSS Hash Calculation" (Microsoft), also the Intel 82599
 * datasheet §7.1.2.8.3 and DPDK app/test/test_thash.c: the key and the five
 * IPv4 rows, source -> destination, with ports (L4) and without (L3).
 */
static const uint8_t ms_key[TT_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const struct {
	uint32_t src;		/* host order */
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint32_t hash_l4;
	uint32_t hash_l3;
} ms_v4[] = {
	{ RTE_IPV4(66, 9, 149, 187), RTE_IPV4(161, 142, 100, 80), 2794, 1766,
	  0x51ccc178, 0x323e8fc2 },
	{ RTE_IPV4(199, 92, 111, 2), RTE_IPV4(65, 69, 140, 83), 14230, 4739,
	  0xc626b0ea, 0xd718262a },
	{ RTE_IPV4(24, 19, 198, 95), RTE_IPV4(12, 22, 207, 184), 12898, 38024,
	  0x5c2b394a, 0xd2d0a5de },
	{ RTE_IPV4(38, 27, 205, 30), RTE_IPV4(209, 142, 163, 6), 48228, 2217,
	  0xafc7327f, 0x82989176 },
	{ RTE_IPV4(153, 39, 163, 191), RTE_IPV4(202, 188, 127, 2), 44251, 1303,
	  0x10e828a2, 0x5d1809c5 },
};

static void
steer_with_key(struct tt_steer *s, const uint8_t key[TT_RSS_KEY_LEN])
{
	memset(s, 0, sizeof(*s));
	s->n_workers = 1;
	s->reta_size = 128;
	memcpy(s->key, key, TT_RSS_KEY_LEN);
	rte_convert_rss_key((const uint32_t *)s->key, (uint32_t *)s->key_be, TT_RSS_KEY_LEN);
}

/* A flow key as tcp_decode() fills it from a packet src:sport -> dst:dport. */
static struct tt_flow_key
flow_key(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	struct tt_flow_key k = {
		.raddr = rte_cpu_to_be_32(src),
		.laddr = rte_cpu_to_be_32(dst),
		.rport = rte_cpu_to_be_16(sport),
		.lport = rte_cpu_to_be_16(dport),
	};

	return k;
}

/* DPDK's generic implementation with the original key and a host-order tuple. */
static void
test_toeplitz_ms_vectors_rte_softrss(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(ms_v4); i++) {
		union rte_thash_tuple t;

		memset(&t, 0, sizeof(t));
		t.v4.src_addr = ms_v4[i].src;
		t.v4.dst_addr = ms_v4[i].dst;
		t.v4.sport = ms_v4[i].sport;
		t.v4.dport = ms_v4[i].dport;
		assert_int_equal(rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, ms_key),
				 ms_v4[i].hash_l4);
		assert_int_equal(rte_softrss((uint32_t *)&t, RTE_THASH_V4_L3_LEN, ms_key),
				 ms_v4[i].hash_l3);
	}
}

/*
 * tcpterm's path: a struct tt_flow_key in network order, as decoded from a
 * received packet, hashed by tt_steer_hash() with key_be. It must give what
 * a NIC programmed with the same key gives, or a NIC that steers delivers
 * flows to workers that do not own them.
 */
static void
test_toeplitz_ms_vectors_tt_steer_hash(void **state)
{
	struct tt_steer s;
	unsigned int i;

	(void)state;
	steer_with_key(&s, ms_key);
	for (i = 0; i < RTE_DIM(ms_v4); i++) {
		struct tt_flow_key k = flow_key(ms_v4[i].src, ms_v4[i].dst, ms_v4[i].sport,
						ms_v4[i].dport);
		uint32_t h = tt_steer_hash(&s, &k);

		if (h != ms_v4[i].hash_l4)
			print_error("row %u: tt_steer_hash 0x%08x, published 0x%08x\n", i, h,
				    ms_v4[i].hash_l4);
		assert_int_equal(h, ms_v4[i].hash_l4);
	}
}

/* L3 only: the address half of the same key, through tcpterm's key layout. */
static void
test_toeplitz_ms_vectors_l3_flow_key(void **state)
{
	struct tt_steer s;
	unsigned int i;

	(void)state;
	steer_with_key(&s, ms_key);
	for (i = 0; i < RTE_DIM(ms_v4); i++) {
		uint32_t t[RTE_THASH_V4_L4_LEN];
		struct tt_flow_key k = flow_key(ms_v4[i].src, ms_v4[i].dst, ms_v4[i].sport,
						ms_v4[i].dport);

		/* The host-order words of the flow key are the rte_ipv4_tuple. */
		memcpy(t, &k, sizeof(t));
		t[0] = rte_be_to_cpu_32(t[0]);
		t[1] = rte_be_to_cpu_32(t[1]);
		t[2] = rte_be_to_cpu_32(t[2]);
		assert_int_equal(rte_softrss_be(t, RTE_THASH_V4_L3_LEN, s.key_be), ms_v4[i].hash_l3);
		assert_int_equal(rte_softrss_be(t, RTE_THASH_V4_L4_LEN, s.key_be), ms_v4[i].hash_l4);
	}
}

/* ---- The symmetric key ---- */

static struct tt_flow_key
random_key(void)
{
	uint64_t r = rte_rand();
	struct tt_flow_key k = {
		.raddr = (uint32_t)rte_rand(),
		.laddr = (uint32_t)rte_rand(),
		.rport = (uint16_t)r,
		.lport = (uint16_t)(r >> 16),
	};

	return k;
}

/* Woo & Park: with 0x6d5a repeated, (a, b, pa, pb) and (b, a, pb, pa) hash alike. */
static void
test_symmetric_key_both_directions_agree(void **state)
{
	struct tt_steer s;
	unsigned int i;

	(void)state;
	tt_steer_init(&s, N_WORKERS, 128);
	assert_memory_equal(s.key, tt_rss_key_symmetric, TT_RSS_KEY_LEN);
	for (i = 0; i < 100000; i++) {
		struct tt_flow_key k = random_key();
		struct tt_flow_key rev = {
			.raddr = k.laddr, .laddr = k.raddr, .rport = k.lport, .lport = k.rport,
		};

		assert_int_equal(tt_steer_hash(&s, &k), tt_steer_hash(&s, &rev));
		assert_int_equal(tt_steer_owner(&s, &k), tt_steer_owner(&s, &rev));
	}
}

/* The symmetric key is a Toeplitz key like any other: it agrees with rte_softrss. */
static void
test_symmetric_key_matches_rte_softrss(void **state)
{
	struct tt_steer s;
	unsigned int i;

	(void)state;
	tt_steer_init(&s, N_WORKERS, 128);
	for (i = 0; i < 10000; i++) {
		struct tt_flow_key k = random_key();
		union rte_thash_tuple t;

		memset(&t, 0, sizeof(t));
		t.v4.src_addr = rte_be_to_cpu_32(k.raddr);
		t.v4.dst_addr = rte_be_to_cpu_32(k.laddr);
		t.v4.sport = rte_be_to_cpu_16(k.rport);
		t.v4.dport = rte_be_to_cpu_16(k.lport);
		assert_int_equal(tt_steer_hash(&s, &k),
				 rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, tt_rss_key_symmetric));
	}
}

/* ---- owner() through the RETA ---- */

static void
test_owner_follows_reta_evenly(void **state)
{
	static const unsigned int sizes[] = { 2, 3, 4, 8 };
	unsigned int z;

	(void)state;
	for (z = 0; z < RTE_DIM(sizes); z++) {
		unsigned int n = sizes[z], i;
		uint32_t share[8] = { 0 };
		const uint32_t flows = 100000;
		struct tt_steer s;

		tt_steer_init(&s, n, 128);
		assert_int_equal(s.n_workers, n);
		assert_int_equal(s.reta_size, 128);
		for (i = 0; i < flows; i++) {
			struct tt_flow_key k = random_key();
			unsigned int o = tt_steer_owner(&s, &k);

			assert_int_equal(o, s.reta[tt_steer_hash(&s, &k) & (s.reta_size - 1)]);
			assert_true(o < n);
			share[o]++;
		}
		/*
		 * 128 round-robin entries over n workers: worker i holds
		 * ceil or floor of 128/n of them; within 10% of that share.
		 */
		for (i = 0; i < n; i++) {
			uint32_t entries = 128 / n + (i < 128 % n);
			double want = (double)flows * entries / 128;

			if (share[i] < want * 0.9 || share[i] > want * 1.1)
				print_error("%u workers: worker %u got %u flows, want ~%.0f\n", n, i,
					    share[i], want);
			assert_true(share[i] >= want * 0.9 && share[i] <= want * 1.1);
		}
	}
}

/* A RETA other than round-robin is followed entry by entry. */
static void
test_owner_follows_custom_reta(void **state)
{
	struct tt_steer s;
	unsigned int i;

	(void)state;
	tt_steer_init(&s, N_WORKERS, 64);
	assert_int_equal(s.reta_size, 64);
	for (i = 0; i < s.reta_size; i++)
		s.reta[i] = (uint16_t)((i * 7 + 3) % N_WORKERS);
	for (i = 0; i < 20000; i++) {
		struct tt_flow_key k = random_key();

		assert_int_equal(tt_steer_owner(&s, &k), s.reta[tt_steer_hash(&s, &k) & 63]);
	}
}

static void
test_owner_single_worker_is_zero(void **state)
{
	struct tt_steer s;
	unsigned int i;

	(void)state;
	tt_steer_init(&s, 1, 128);
	assert_int_equal(s.n_workers, 1);
	for (i = 0; i < 10000; i++) {
		struct tt_flow_key k = random_key();

		assert_int_equal(tt_steer_owner(&s, &k), 0);
		assert_int_equal(tt_steer_owner(NULL, &k), 0);
	}
	tt_steer_init(&s, 0, 0);	/* 0 workers means one; 0 entries a 128-entry table */
	assert_int_equal(s.n_workers, 1);
	assert_int_equal(s.reta_size, 128);
	tt_steer_init(&s, 4, 100);	/* not a power of two */
	assert_int_equal(s.reta_size, 128);
}

/* ---- A worker inside a 4-worker steering set ---- */

struct steer_fx {
	struct th h;
	struct tt_steer s;
};

static void
fx_rings(struct tt_steer *s)
{
	static unsigned int n;
	unsigned int i;

	for (i = 0; i < s->n_workers; i++) {
		char name[32];

		snprintf(name, sizeof(name), "th_steer_%u", n++);
		s->rings[i] = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
		assert_non_null(s->rings[i]);
	}
}

static unsigned int
ring_drain(struct rte_ring *r)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(r, (void **)&m) == 0) {
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static struct steer_fx *
fx_start(unsigned int id, void (*tweak)(struct th *h))
{
	struct steer_fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	th_init(&f->h);
	if (tweak != NULL)
		tweak(&f->h);
	tt_steer_init(&f->s, N_WORKERS, 128);
	fx_rings(&f->s);
	th_start_steer(&f->h, &f->s, id);
	assert_int_equal(f->h.w->id, id);
	assert_ptr_equal(f->h.w->steer, &f->s);
	assert_ptr_equal(f->h.w->inbox, f->s.rings[id]);
	return f;
}

static void
fx_stop(struct steer_fx *f)
{
	unsigned int i;

	for (i = 0; i < f->s.n_workers; i++)
		if (i != f->h.w->id)
			ring_drain(f->s.rings[i]);
	th_stop(&f->h);		/* drains our own inbox, checks every pool */
	for (i = 0; i < f->s.n_workers; i++)
		rte_ring_free(f->s.rings[i]);
	free(f);
}

static struct tt_flow_key
conn_key(struct tt_conn *c)
{
	struct tt_flow_key k;
	uint32_t laddr, raddr;
	uint16_t lport, rport;

	tt_conn_tuple(c, &laddr, &lport, &raddr, &rport);
	k.laddr = laddr;
	k.lport = lport;
	k.raddr = raddr;
	k.rport = rport;
	return k;
}

/* A client that does nothing: the tests look at the TCBs. */
static const struct tt_service idle_client = { .name = "idle" };

/*
 * tt_connect() from each of the four workers: every local port lies in the
 * range, none repeats, and the flow as the reply will arrive
 * {raddr, laddr, rport, lport} is owned by the worker that opened it.
 */
static void
test_connect_picks_owned_distinct_ports(void **state)
{
	unsigned int id;

	(void)state;
	for (id = 0; id < N_WORKERS; id++) {
		struct steer_fx *f = fx_start(id, NULL);
		struct th *h = &f->h;
		const uint16_t lo = h->cfg.tcp.local_port_min, hi = h->cfg.tcp.local_port_max;
		static uint8_t used[65536];
		unsigned int i;

		memset(used, 0, sizeof(used));
		th_send_arp_reply(h);
		for (i = 0; i < 500; i++) {
			struct tt_conn *c = NULL;
			struct tt_flow_key k;
			uint16_t lport;

			assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client,
						    NULL, &c), 0);
			assert_non_null(c);
			assert_int_equal(tt_conn_worker_id(c), id);
			k = conn_key(c);
			assert_int_equal(k.raddr, TH_PEER_IP);
			assert_int_equal(k.laddr, TH_LOCAL_IP);
			assert_int_equal(k.rport, RTE_BE16(80));
			lport = rte_be_to_cpu_16(k.lport);
			assert_true(lport >= lo && lport <= hi);
			assert_int_equal(used[lport], 0);
			used[lport] = 1;
			assert_int_equal(tt_steer_owner(&f->s, &k), id);
		}
		tt_worker_flush(h->w);
		assert_int_equal(th_states(h, TT_SYN_SENT), 500);
		assert_int_equal(th_stat(h, conn_active_open), 500);
		assert_int_equal(th_pending(h), 500);	/* one SYN each */
		/* Only the ARP reply went to the other workers. */
		assert_int_equal(th_stat(h, handoff_out), N_WORKERS - 1);
		assert_int_equal(th_stat(h, arp_shared), N_WORKERS - 1);
		fx_stop(f);
	}
}

/* Ports [40000, 40019]: how many worker 2 owns towards peer:80. */
static void
narrow_range(struct th *h)
{
	h->cfg.tcp.local_port_min = 40000;
	h->cfg.tcp.local_port_max = 40019;
	h->cfg.limits.mbufs = 1023;
}

static unsigned int
owned_in_range(const struct steer_fx *f, unsigned int id, uint16_t rport, uint8_t owned[20])
{
	unsigned int p, n = 0;

	for (p = 40000; p <= 40019; p++) {
		struct tt_flow_key k = {
			.raddr = TH_PEER_IP, .laddr = TH_LOCAL_IP,
			.rport = rte_cpu_to_be_16(rport), .lport = rte_cpu_to_be_16((uint16_t)p),
		};

		owned[p - 40000] = tt_steer_owner(&f->s, &k) == id;
		n += owned[p - 40000];
	}
	return n;
}

/*
 * A narrow range runs out: exactly the owned ports are handed out, then
 * -EADDRNOTAVAIL with no TCB, flow or mbuf taken; a port freed is reused.
 */
static void
test_connect_narrow_range_exhausted(void **state)
{
	struct steer_fx *f = fx_start(2, narrow_range);
	struct th *h = &f->h;
	struct tt_conn *conns[20];
	uint8_t owned[20];
	unsigned int n = owned_in_range(f, 2, 80, owned), i;
	struct tt_conn *c = NULL;
	uint16_t freed;

	(void)state;
	assert_true(n > 0 && n < 20);
	th_send_arp_reply(h);
	for (i = 0; i < n; i++) {
		uint16_t lport;

		assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, NULL,
					    &conns[i]), 0);
		lport = rte_be_to_cpu_16(conn_key(conns[i]).lport);
		assert_true(lport >= 40000 && lport <= 40019);
		assert_true(owned[lport - 40000]);
		owned[lport - 40000] = 2;	/* taken */
	}
	tt_worker_flush(h->w);
	assert_int_equal(th_pending(h), n);
	assert_int_equal(th_states(h, TT_SYN_SENT), n);
	for (i = 0; i < 3; i++) {
		c = NULL;
		assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, NULL,
					    &c), -EADDRNOTAVAIL);
		assert_null(c);
	}
	tt_worker_flush(h->w);
	assert_int_equal(th_pending(h), n);		/* nothing sent */
	assert_int_equal(th_states(h, TT_SYN_SENT), n);	/* nothing allocated */
	assert_int_equal(th_stat(h, conn_active_open), n);
	assert_int_equal(h->w->n_flows, n);

	/* Another remote port is another set of flows. */
	{
		uint8_t owned81[20];

		if (owned_in_range(f, 2, 81, owned81) > 0) {
			assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(81), &idle_client,
						    NULL, &c), 0);
			tt_abort(c);
		}
	}

	/* Freeing one makes exactly its port available again. */
	freed = rte_be_to_cpu_16(conn_key(conns[0]).lport);
	tt_abort(conns[0]);
	assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, NULL, &c), 0);
	assert_int_equal(rte_be_to_cpu_16(conn_key(c).lport), freed);
	assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, NULL, &c),
			 -EADDRNOTAVAIL);
	fx_stop(f);
}

/*
 * A TCB keeps a byte for its worker and one for its (service, options)
 * pair: each connection finds both again, the same pair is one entry, and
 * a worker takes TT_ACTIVE_SVCS pairs, refusing the next with -ENOSPC and
 * nothing allocated or sent.
 */
static void
test_connect_service_table(void **state)
{
	struct steer_fx *f = fx_start(1, NULL);
	struct th *h = &f->h;
	static const int opts[TT_ACTIVE_SVCS + 1];
	struct tt_conn *c;
	unsigned int i;

	(void)state;
	th_send_arp_reply(h);
	for (i = 0; i < TT_ACTIVE_SVCS; i++) {
		assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client,
					    &opts[i], &c), 0);
		assert_ptr_equal(tt_conn_worker(c), h->w);
		assert_int_equal(tt_conn_worker_id(c), 1);
		assert_ptr_equal(tcb_svc(tcb_of(c)), &idle_client);
		assert_ptr_equal(tcb_svc_opts(tcb_of(c)), &opts[i]);
	}
	assert_int_equal(h->w->n_active_svcs, TT_ACTIVE_SVCS);
	/* The same pair again: its entry. */
	assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, &opts[3], &c),
			 0);
	assert_ptr_equal(tcb_svc_opts(tcb_of(c)), &opts[3]);
	tt_worker_flush(h->w);
	assert_int_equal(th_pending(h), TT_ACTIVE_SVCS + 1);
	c = NULL;
	assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client,
				    &opts[TT_ACTIVE_SVCS], &c), -ENOSPC);
	assert_null(c);
	tt_worker_flush(h->w);
	assert_int_equal(th_pending(h), TT_ACTIVE_SVCS + 1);	/* nothing sent */
	assert_int_equal(th_states(h, TT_SYN_SENT), TT_ACTIVE_SVCS + 1);
	assert_int_equal(h->w->n_flows, TT_ACTIVE_SVCS + 1);
	fx_stop(f);
}

/*
 * Wherever the search starts (next_lport is drawn at random), it visits
 * every port of the range once. With 20 ports and a start just below 2^32
 * (2^32 mod 20 = 16), a search that wraps at 2^32 would skip 40016-40019;
 * every worker is tried so that one of them owns a port there.
 */
static void
test_connect_search_covers_range_from_any_start(void **state)
{
	static const uint32_t starts[] = { 0, 7, 19, 0x7fffffff, UINT32_MAX - 3, UINT32_MAX };
	unsigned int z, id;

	(void)state;
	for (id = 0; id < N_WORKERS; id++) {
		for (z = 0; z < RTE_DIM(starts); z++) {
			struct steer_fx *f = fx_start(id, narrow_range);
			struct th *h = &f->h;
			uint8_t owned[20];
			unsigned int n = owned_in_range(f, id, 80, owned), i;
			struct tt_conn *c;

			th_send_arp_reply(h);
			h->w->next_lport = starts[z];
			for (i = 0; i < n; i++) {
				int rc = tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client,
						    NULL, &c);

				if (rc != 0)
					print_error("worker %u, start %u: connect %u of %u owned ports: %d\n",
						    id, starts[z], i + 1, n, rc);
				assert_int_equal(rc, 0);
			}
			assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client,
						    NULL, &c), -EADDRNOTAVAIL);
			fx_stop(f);
		}
	}
}

/*
 * The first search starts at a random 32-bit next_lport. From
 * UINT32_MAX - 1 over a 6-port range (2^32 mod 6 = 4), a search that let
 * next_lport + i wrap would visit offsets 2, 3 and then 0-3, never 4 or 5:
 * a range whose only ports this worker owns lie there would be reported
 * exhausted although the range has free owned ports.
 */
static void
test_connect_first_search_from_top_of_u32(void **state)
{
	unsigned int id;

	(void)state;
	for (id = 0; id < N_WORKERS; id++) {
		struct steer_fx *f = fx_start(id, narrow_range);
		struct th *h = &f->h;
		struct tt_conn *c = NULL;
		uint32_t lo;
		uint16_t lport;

		/* A range whose owned ports are all at offsets 4-5. */
		for (lo = 1024; lo + 5 <= 65535; lo++) {
			unsigned int i, low = 0, high = 0;

			for (i = 0; i < 6; i++) {
				struct tt_flow_key k = {
					.raddr = TH_PEER_IP, .laddr = TH_LOCAL_IP,
					.rport = RTE_BE16(80),
					.lport = rte_cpu_to_be_16((uint16_t)(lo + i)),
				};

				if (tt_steer_owner(&f->s, &k) == id)
					*(i < 4 ? &low : &high) += 1;
			}
			if (low == 0 && high > 0)
				break;
		}
		assert_true(lo + 5 <= 65535);
		h->cfg.tcp.local_port_min = (uint16_t)lo;	/* the worker reads h->cfg */
		h->cfg.tcp.local_port_max = (uint16_t)(lo + 5);
		th_send_arp_reply(h);
		h->w->next_lport = UINT32_MAX - 1;
		assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, NULL,
					    &c), 0);
		lport = rte_be_to_cpu_16(conn_key(c).lport);
		assert_true(lport >= lo + 4 && lport <= lo + 5);
		fx_stop(f);
	}
}

/* A local port this worker owns for (peer, 7), and one that worker @p other owns. */
static uint16_t
peer_port_owned_by(const struct steer_fx *f, unsigned int owner, uint16_t lport)
{
	uint32_t p;

	for (p = 40000; p < 65535; p++) {
		struct tt_flow_key k = {
			.raddr = TH_PEER_IP, .laddr = TH_LOCAL_IP,
			.rport = rte_cpu_to_be_16((uint16_t)p), .lport = rte_cpu_to_be_16(lport),
		};

		if (tt_steer_owner(&f->s, &k) == owner)
			return (uint16_t)p;
	}
	fail_msg("no peer port owned by %u", owner);
	return 0;
}

/*
 * Worker 1 receives a SYN that worker 2 owns: nothing is sent, the frame
 * goes unchanged to worker 2's ring, and worker 2 (fed the frame) answers
 * it; a SYN worker 1 owns draws its SYN-ACK directly.
 */
static void
test_handoff_syn_to_owner(void **state)
{
	struct steer_fx *f = fx_start(1, NULL);
	struct th *h = &f->h;
	struct th h2;
	struct rte_mbuf *m;
	const struct rte_tcp_hdr *tcp;
	uint16_t other = peer_port_owned_by(f, 2, 7);
	uint16_t mine = peer_port_owned_by(f, 1, 7);

	(void)state;
	h->local_port = 7;
	h->peer_port = other;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect_none(h);
	assert_int_equal(th_stat(h, handoff_out), 1);
	assert_int_equal(th_stat(h, rx_packets), 1);
	assert_int_equal(th_stat(h, tcp_segs_rx), 0);	/* not decoded here */
	assert_int_equal(th_states(h, TT_SYN_RCVD), 0);
	assert_int_equal(rte_ring_count(f->s.rings[0]), 0);
	assert_int_equal(rte_ring_count(f->s.rings[1]), 0);
	assert_int_equal(rte_ring_count(f->s.rings[2]), 1);
	assert_int_equal(rte_ring_count(f->s.rings[3]), 0);
	assert_int_equal(rte_ring_dequeue(f->s.rings[2], (void **)&m), 0);
	assert_int_equal(m->port, 0);
	tcp = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
				      sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr));
	assert_int_equal(tcp->src_port, rte_cpu_to_be_16(other));
	assert_int_equal(tcp->dst_port, RTE_BE16(7));
	assert_int_equal(tcp->tcp_flags, TT_TH_SYN);

	/* Worker 2 of the same set takes it as its own. */
	th_init(&h2);
	th_start_steer(&h2, &f->s, 2);
	h2.local_port = 7;
	h2.peer_port = other;
	h2.irs = h->irs;
	tt_worker_input(h2.w, 0, &m, 1);
	tt_worker_flush(h2.w);
	th_expect(&h2, "SA", 0, 1, 0);
	assert_int_equal(th_stat(&h2, handoff_out), 0);
	assert_int_equal(th_states(&h2, TT_SYN_RCVD), 1);
	th_stop(&h2);

	/* A flow worker 1 owns is answered by worker 1. */
	h->peer_port = mine;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(th_stat(h, handoff_out), 1);
	assert_int_equal(th_states(h, TT_SYN_RCVD), 1);
	assert_int_equal(rte_ring_count(f->s.rings[2]), 0);
	fx_stop(f);
}

/* A stopping worker frees what waits in its inbox (tt_worker_drain). */
static void
test_handoff_inbox_freed_on_drain(void **state)
{
	struct steer_fx *f = fx_start(1, NULL);
	struct th *h = &f->h;
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	(void)state;
	assert_non_null(m);
	assert_int_equal(rte_ring_mp_enqueue(f->s.rings[1], m), 0);
	tt_worker_drain(h->w);
	assert_int_equal(rte_ring_count(f->s.rings[1]), 0);
	assert_int_equal(rte_mempool_in_use_count(h->pool), 0);
	fx_stop(f);
}

/*
 * An ARP reply received by one worker is copied to every other worker's
 * ring (each keeps its own ARP cache) and learnt locally.
 */
static void
test_handoff_arp_reply_shared(void **state)
{
	struct steer_fx *f = fx_start(1, NULL);
	struct th *h = &f->h;
	unsigned int i;

	(void)state;
	th_send_arp_reply(h);
	th_expect_none(h);
	assert_int_equal(th_stat(h, arp_shared), N_WORKERS - 1);
	assert_int_equal(th_stat(h, handoff_out), N_WORKERS - 1);
	for (i = 0; i < N_WORKERS; i++) {
		struct rte_mbuf *m = NULL;
		const struct rte_ether_hdr *eth;

		if (i == 1) {
			assert_int_equal(rte_ring_count(f->s.rings[i]), 0);
			continue;
		}
		assert_int_equal(rte_ring_count(f->s.rings[i]), 1);
		assert_int_equal(rte_ring_dequeue(f->s.rings[i], (void **)&m), 0);
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
		assert_int_equal(rte_pktmbuf_pkt_len(m),
				 sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr));
		assert_int_equal(m->port, 0);
		rte_pktmbuf_free(m);
	}
	/* Learnt here too: the SYN of an active open goes out at once. */
	{
		struct tt_conn *c;

		assert_int_equal(tt_connect(h->w, 0, TH_PEER_IP, RTE_BE16(80), &idle_client, NULL,
					    &c), 0);
		tt_worker_flush(h->w);
		assert_int_equal(th_pending(h), 1);
		assert_int_equal(th_stat(h, arp_requests_tx), 0);
	}
	fx_stop(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toeplitz_ms_vectors_rte_softrss),
		cmocka_unit_test(test_toeplitz_ms_vectors_tt_steer_hash),
		cmocka_unit_test(test_toeplitz_ms_vectors_l3_flow_key),
		cmocka_unit_test(test_symmetric_key_both_directions_agree),
		cmocka_unit_test(test_symmetric_key_matches_rte_softrss),
		cmocka_unit_test(test_owner_follows_reta_evenly),
		cmocka_unit_test(test_owner_follows_custom_reta),
		cmocka_unit_test(test_owner_single_worker_is_zero),
		cmocka_unit_test(test_connect_picks_owned_distinct_ports),
		cmocka_unit_test(test_connect_narrow_range_exhausted),
		cmocka_unit_test(test_connect_service_table),
		cmocka_unit_test(test_connect_search_covers_range_from_any_start),
		cmocka_unit_test(test_connect_first_search_from_top_of_u32),
		cmocka_unit_test(test_handoff_syn_to_owner),
		cmocka_unit_test(test_handoff_inbox_freed_on_drain),
		cmocka_unit_test(test_handoff_arp_reply_shared),
	};

	th_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
