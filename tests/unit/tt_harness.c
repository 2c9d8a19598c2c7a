/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "services.h"
#include "tt_harness.h"
#include "tt_net.h"

static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr local_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};

void
th_eal_init(void)
{
	static bool done;
	char prefix[64];
	char *argv[] = { "tt_unit", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
			 "-l", "0", "--log-level=error", prefix, NULL };

	if (done)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=ttunit%d", getpid());
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "harness: rte_eal_init failed\n");
		exit(1);
	}
	if (tt_stack_init() != 0) {
		fprintf(stderr, "harness: tt_stack_init failed\n");
		exit(1);
	}
	done = true;
}

static const struct tt_service *
svc_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; tt_services[i] != NULL; i++)
		if (strcmp(tt_services[i]->name, name) == 0)
			return tt_services[i];
	return NULL;
}

static void
add_listener(struct th *h, const char *name, uint16_t port)
{
	struct tt_listen_cfg *l = &h->cfg.listeners[h->cfg.n_listeners++];
	const struct tt_service *svc = svc_by_name(name);

	assert_non_null(svc);
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->addr = 0;
	l->port = port;
	l->svc = svc;
	l->opts = svc->opts_size ? calloc(1, svc->opts_size) : NULL;
	if (svc->opts_init != NULL)
		svc->opts_init(l->opts);
}

void
th_init(struct th *h)
{
	memset(h, 0, sizeof(*h));
	th_eal_init();
	tt_config_defaults(&h->cfg);
	snprintf(h->cfg.path, sizeof(h->cfg.path), "unit-test");
	h->cfg.n_ports = 1;
	h->cfg.ports[0].addr = TH_LOCAL_IP;
	h->cfg.ports[0].prefix = 24;
	h->cfg.ports[0].gateway = 0;
	h->cfg.ports[0].mtu = 1500;
	h->cfg.tcp.max_connections = 1024;
	h->cfg.tcp.max_time_wait = 1024;
	h->cfg.tcp.time_wait_ms = 2000;
	/* Each test looks at one mechanism; Nagle's holds are tested on their own. */
	h->cfg.tcp.nagle = 0;
	h->cfg.tcp.rcv_window = 65535;	/* unscaled windows: segment scripts read plainly */
	h->cfg.limits.mbufs = 8191;
	add_listener(h, "echo", 7);
	add_listener(h, "discard", 9);
	add_listener(h, "source", 19);
	add_listener(h, "http", 80);
	h->peer_port = TH_PEER_PORT;
	h->irs = 1000000;
}

static void
th_start_with(struct th *h, const struct tt_steer *s, unsigned int id)
{
	static unsigned int n;
	struct tt_worker_params p = { 0 };
	char name[32];

	snprintf(name, sizeof(name), "th_tx_%u", n);
	h->tx = rte_ring_create(name, 4096, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "th_pool_%u", n++);
	h->pool = rte_pktmbuf_pool_create(name, 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  SOCKET_ID_ANY);
	assert_non_null(h->tx);
	assert_non_null(h->pool);
	p.id = id;
	p.socket = SOCKET_ID_ANY;
	p.cfg = &h->cfg;
	p.n_ports = 1;
	p.ports[0].mac = local_mac;
	p.ports[0].fake_tx = h->tx;
	p.ports[0].tx_cksum = h->tx_cksum;
	p.isn_secret[0] = 0x0123456789abcdefULL;
	p.isn_secret[1] = 0xfedcba9876543210ULL;
	p.steer = s;
	h->w = tt_worker_create(&p);
	assert_non_null(h->w);
	h->now_us = 1000000;
	tt_worker_set_clock(h->w, h->now_us);
	tt_worker_timers(h->w);
}

void
th_start(struct th *h)
{
	th_start_with(h, NULL, 0);
}

void
th_start_steer(struct th *h, const struct tt_steer *s, unsigned int id)
{
	th_start_with(h, s, id);
}

void
th_stop(struct th *h)
{
	struct rte_mbuf *m;
	unsigned int i;

	while (rte_ring_dequeue(h->tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	tt_worker_drain(h->w);
	while (rte_ring_dequeue(h->tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_in_use_count(h->w->pool), 0);
	assert_int_equal(rte_mempool_in_use_count(h->w->clone_pool), 0);
	assert_int_equal(rte_mempool_in_use_count(h->pool), 0);
	for (i = 0; i < TT_NB_STATES; i++)
		if (i != TT_LISTEN)
			assert_int_equal(h->w->n_state[i], 0);
	tt_worker_destroy(h->w);
	rte_mempool_free(h->pool);
	rte_ring_free(h->tx);
	for (i = 0; i < h->cfg.n_listeners; i++)
		free(h->cfg.listeners[i].opts);
}

int
th_setup(void **state)
{
	struct th *h = calloc(1, sizeof(*h));

	th_init(h);
	th_start(h);
	*state = h;
	return 0;
}

int
th_teardown(void **state)
{
	struct th *h = *state;

	th_stop(h);
	free(h);
	return 0;
}

static uint8_t
flags_parse(const char *f)
{
	uint8_t v = 0;

	for (; *f != '\0'; f++) {
		switch (*f) {
		case 'F': v |= TT_TH_FIN; break;
		case 'S': v |= TT_TH_SYN; break;
		case 'R': v |= TT_TH_RST; break;
		case 'P': v |= TT_TH_PSH; break;
		case 'A': v |= TT_TH_ACK; break;
		case 'U': v |= TT_TH_URG; break;
		case '.': v |= TT_TH_ACK; break;
		default: fail_msg("bad flag letter '%c'", *f);
		}
	}
	return v;
}

static void
flags_str(uint8_t v, char *out)
{
	static const struct { uint8_t bit; char c; } order[] = {
		{ TT_TH_FIN, 'F' }, { TT_TH_SYN, 'S' }, { TT_TH_RST, 'R' },
		{ TT_TH_PSH, 'P' }, { TT_TH_ACK, 'A' }, { TT_TH_URG, 'U' },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(order); i++)
		if (v & order[i].bit)
			*out++ = order[i].c;
	*out = '\0';
}

static void
send_frame(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	   const void *data, uint32_t len, const uint8_t *opts, uint32_t optlen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint32_t hdrs = sizeof(*eth) + sizeof(*ip) + sizeof(*th) + optlen;

	assert_non_null(m);
	assert_true(hdrs + len <= rte_pktmbuf_tailroom(m));
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(hdrs + len));
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	th = (struct rte_tcp_hdr *)(ip + 1);
	eth->dst_addr = local_mac;
	eth->src_addr = peer_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ipv4_fill(ip, TH_PEER_IP, TH_LOCAL_IP, IPPROTO_TCP, (uint16_t)(hdrs - sizeof(*eth) + len));
	th->src_port = rte_cpu_to_be_16(h->peer_port);
	th->dst_port = rte_cpu_to_be_16(h->local_port);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags_parse(flags);
	th->rx_win = rte_cpu_to_be_16(win);
	th->cksum = 0;
	th->tcp_urp = 0;
	assert_true(optlen % 4 == 0 && optlen <= 40);
	if (optlen > 0)
		memcpy(th + 1, opts, optlen);
	if (len > 0)
		memcpy((uint8_t *)th + sizeof(*th) + optlen, data, len);
	th->cksum = (uint16_t)~tt_l4_sum(m, ip, sizeof(*eth) + sizeof(*ip));
	tt_worker_input(h->w, 0, &m, 1);
	tt_worker_flush(h->w);
}

void
th_send_abs(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	    const void *data, uint32_t len, uint16_t mss)
{
	uint8_t o[4];

	send_frame(h, flags, seq, ack, win, data, len, o, mss ? th_opt_mss(o, mss) : 0);
}

void
th_send_opts(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	     const void *data, uint32_t len, const uint8_t *opts, uint32_t optlen)
{
	send_frame(h, flags, h->irs + seq, h->iss + ack, win, data, len, opts, optlen);
}

uint32_t
th_opt_mss(uint8_t *p, uint16_t mss)
{
	p[0] = 2;
	p[1] = 4;
	p[2] = (uint8_t)(mss >> 8);
	p[3] = (uint8_t)mss;
	return 4;
}

uint32_t
th_opt_ws(uint8_t *p, uint8_t shift)
{
	p[0] = 1;
	p[1] = 3;
	p[2] = 3;
	p[3] = shift;
	return 4;
}

uint32_t
th_opt_sackok(uint8_t *p)
{
	p[0] = 1;
	p[1] = 1;
	p[2] = 4;
	p[3] = 2;
	return 4;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t
th_opt_ts(uint8_t *p, uint32_t val, uint32_t ecr)
{
	p[0] = 1;
	p[1] = 1;
	p[2] = 8;
	p[3] = 10;
	put32(p + 4, val);
	put32(p + 8, ecr);
	return 12;
}

uint32_t
th_opt_sack(struct th *h, uint8_t *p, unsigned int n, const uint32_t blk[][2])
{
	unsigned int i;

	p[0] = 1;
	p[1] = 1;
	p[2] = 5;
	p[3] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < n; i++) {
		put32(p + 4 + 8 * i, h->iss + blk[i][0]);
		put32(p + 8 + 8 * i, h->iss + blk[i][1]);
	}
	return 4 + 8 * n;
}

/* Decode every option tcpterm sent; it must send only well-formed lists. */
static void
opts_decode(struct th *h, const uint8_t *o, uint32_t len, bool syn, struct th_seg *out)
{
	uint32_t i = 0;

	out->optlen = len;
	out->wscale = -1;
	while (i < len) {
		uint8_t kind = o[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		assert_true(i + 1 < len);
		olen = o[i + 1];
		assert_true(olen >= 2 && i + olen <= len);
		switch (kind) {
		case 2:
			assert_int_equal(olen, 4);
			assert_true(syn);
			out->mss = (uint16_t)((o[i + 2] << 8) | o[i + 3]);
			break;
		case 3:
			assert_int_equal(olen, 3);
			assert_true(syn);
			out->wscale = o[i + 2];
			break;
		case 4:
			assert_int_equal(olen, 2);
			assert_true(syn);
			out->sack_permitted = true;
			break;
		case 5: {
			uint32_t k;

			assert_true(olen >= 10 && (olen - 2) % 8 == 0 && (olen - 2) / 8 <= 4);
			out->nsack = (olen - 2u) / 8;
			for (k = 0; k < out->nsack; k++) {
				out->sack[k][0] = get32(o + i + 2 + 8 * k) - h->irs;
				out->sack[k][1] = get32(o + i + 6 + 8 * k) - h->irs;
			}
			break;
		}
		case 8:
			assert_int_equal(olen, 10);
			out->ts = true;
			out->ts_val = get32(o + i + 2);
			out->ts_ecr = get32(o + i + 6);
			break;
		default:
			fail_msg("tcpterm sent option kind %u", kind);
		}
		i += olen;
	}
}

void
th_send(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint16_t win,
	const void *data, uint32_t len)
{
	uint16_t mss = strchr(flags, 'S') != NULL ? 1460 : 0;

	th_send_abs(h, flags, h->irs + seq, h->iss + ack, win, data, len, mss);
}

void
th_send_arp_reply(struct th *h)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	assert_non_null(m);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*a));
	a = (struct rte_arp_hdr *)(eth + 1);
	eth->dst_addr = local_mac;
	eth->src_addr = peer_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	a->arp_data.arp_sha = peer_mac;
	a->arp_data.arp_sip = TH_PEER_IP;
	a->arp_data.arp_tha = local_mac;
	a->arp_data.arp_tip = TH_LOCAL_IP;
	tt_worker_input(h->w, 0, &m, 1);
	tt_worker_flush(h->w);
}

bool
th_recv(struct th *h, struct th_seg *out)
{
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint32_t thlen, l4;
	struct rte_mbuf *seg;
	uint32_t off, copied = 0;

	for (;;) {
		const struct rte_ether_hdr *eth;

		if (rte_ring_dequeue(h->tx, (void **)&m) != 0)
			return false;
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
			break;
		rte_pktmbuf_free(m);	/* ARP */
	}
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr,
					   &peer_mac));
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	assert_int_equal(rte_ipv4_cksum(ip), 0);
	assert_int_equal(ip->next_proto_id, IPPROTO_TCP);
	assert_int_equal(ip->src_addr, TH_LOCAL_IP);
	assert_int_equal(ip->dst_addr, TH_PEER_IP);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length) + sizeof(struct rte_ether_hdr),
			 rte_pktmbuf_pkt_len(m));
	l4 = sizeof(struct rte_ether_hdr) + sizeof(*ip);
	assert_int_equal(tt_l4_sum(m, ip, l4), 0xffff);
	th = (struct rte_tcp_hdr *)(ip + 1);
	thlen = (uint32_t)(th->data_off >> 4) * 4;
	memset(out, 0, offsetof(struct th_seg, data));
	flags_str(th->tcp_flags, out->flags);
	out->abs_seq = rte_be_to_cpu_32(th->sent_seq);
	out->abs_ack = rte_be_to_cpu_32(th->recv_ack);
	out->win = rte_be_to_cpu_16(th->rx_win);
	assert_true(thlen >= sizeof(*th) && thlen <= 60);
	opts_decode(h, (const uint8_t *)(th + 1), thlen - sizeof(*th),
		    (th->tcp_flags & TT_TH_SYN) != 0, out);
	if ((th->tcp_flags & TT_TH_SYN) && (th->tcp_flags & TT_TH_ACK))
		h->iss = out->abs_seq;
	out->seq = out->abs_seq - h->iss;
	out->ack = out->abs_ack - h->irs;
	out->len = rte_pktmbuf_pkt_len(m) - l4 - thlen;
	/* Copy the payload across the chain. */
	off = l4 + thlen;
	for (seg = m; seg != NULL && copied < RTE_MIN(out->len, (uint32_t)TH_MAX_DATA);
	     seg = seg->next) {
		uint32_t n;

		if (off >= seg->data_len) {
			off -= seg->data_len;
			continue;
		}
		n = RTE_MIN(seg->data_len - off, (uint32_t)TH_MAX_DATA - copied);
		memcpy(out->data + copied, rte_pktmbuf_mtod_offset(seg, uint8_t *, off), n);
		copied += n;
		off = 0;
	}
	rte_pktmbuf_free(m);
	h->last = *out;
	return true;
}

void
th_expect_(struct th *h, const char *flags, uint32_t seq, uint32_t ack, uint32_t len,
	   const char *file, int line)
{
	struct th_seg *s = &h->last;
	char want[8];

	if (!th_recv(h, s))
		_fail(file, line);
	flags_str(flags_parse(flags), want);
	if (strcmp(s->flags, want) != 0 || s->seq != seq ||
	    (strchr(want, 'A') != NULL && s->ack != ack) || (len != TH_ANY_LEN && s->len != len)) {
		print_error("%s:%d: expected %s seq=%u ack=%u len=%u, got %s seq=%u ack=%u len=%u win=%u\n",
			    file, line, want, seq, ack, len, s->flags, s->seq, s->ack, s->len, s->win);
		_fail(file, line);
	}
}

void
th_expect_none_(struct th *h, const char *file, int line)
{
	struct th_seg *s = &h->last;

	if (th_recv(h, s)) {
		print_error("%s:%d: expected nothing, got %s seq=%u ack=%u len=%u\n", file, line,
			    s->flags, s->seq, s->ack, s->len);
		_fail(file, line);
	}
}

unsigned int
th_pending(struct th *h)
{
	return rte_ring_count(h->tx);
}

void
th_advance(struct th *h, uint64_t ms)
{
	uint64_t end = h->now_us + ms * 1000;

	/* Step through each millisecond so timers fire at their own tick. */
	while (h->now_us < end) {
		h->now_us = RTE_MIN(h->now_us + 1000, end);
		tt_worker_set_clock(h->w, h->now_us);
		tt_worker_timers(h->w);
	}
	tt_worker_flush(h->w);
}

void
th_handshake(struct th *h, uint16_t port)
{
	h->local_port = port;
	th_send(h, "S", 0, 0, 65535, NULL, 0);
	th_expect(h, "SA", 0, 1, 0);
	assert_int_equal(h->last.mss, 1460);
	th_send(h, "A", 1, 1, 65535, NULL, 0);
	assert_int_equal(th_state(h), TT_ESTABLISHED);
}

struct tt_tcb *
th_tcb(struct th *h)
{
	struct tt_flow_key k = {
		.raddr = TH_PEER_IP,
		.laddr = TH_LOCAL_IP,
		.rport = rte_cpu_to_be_16(h->peer_port),
		.lport = rte_cpu_to_be_16(h->local_port),
	};
	void *v = flow_lookup(h->w, &k);

	return (v == NULL || flow_is_tw(v)) ? NULL : v;
}

int
th_state(struct th *h)
{
	struct tt_flow_key k = {
		.raddr = TH_PEER_IP,
		.laddr = TH_LOCAL_IP,
		.rport = rte_cpu_to_be_16(h->peer_port),
		.lport = rte_cpu_to_be_16(h->local_port),
	};
	void *v = flow_lookup(h->w, &k);

	if (v == NULL)
		return TT_CLOSED;
	if (flow_is_tw(v))
		return TT_TIME_WAIT;
	return ((struct tt_tcb *)v)->state;
}

uint64_t
th_states(struct th *h, int state)
{
	return h->w->n_state[state];
}
