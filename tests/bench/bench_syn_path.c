/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * tcpterm's own time per SYN answered with a cookie, with no NIC and no
 * peer in the way:
 *
 *   bench_syn_path PCAP [SECONDS]
 *
 * PCAP is bench_testpmd.sh's input (tests/bench/gen_syn_pcap.py: an ARP
 * request from the gateway 198.18.0.1, then SYNs from distinct sources to
 * 198.18.0.2:80). Its frames are replayed, over and over, into one worker
 * of the library on a fake port (tests/unit/tt_harness.c: transmit goes
 * into an rte_ring) configured as bench_testpmd.sh's tcpterm is, with
 * `syn_cookies = always`. Each burst of 64 frames is copied into mbufs
 * first, as a PMD's receive does, then timed with the TSC through what a
 * poll of the worker does with it: the clock, tt_worker_input(), the
 * timers and the flush. What memif or a NIC costs on either side is left
 * out, so this is the part of bench_testpmd.sh's SYN-ACK rate that
 * tcpterm's code decides. Runs SECONDS (default 5, 1..60) of wall time
 * and prints, for each second and as the median of them, the ns and TSC
 * cycles of tcpterm's time per SYN. Exit status 1 if a SYN went
 * unanswered (every SYN must draw a SYN-ACK) or a mempool did not return
 * to empty, 2 for bad arguments.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "tt_harness.h"

#define BURST 64
#define MAX_FRAMES (1u << 20)
#define MAX_FRAME 256
#define MAX_SECONDS 60

struct frame {
	uint8_t data[MAX_FRAME] __rte_aligned(8);
	uint16_t len;
	bool syn;
};

static struct frame *frames;
static unsigned int n_frames, n_syns;

static void
usage_exit(const char *why)
{
	fprintf(stderr, "bench_syn_path: %s\nusage: bench_syn_path PCAP [SECONDS]\n", why);
	exit(2);
}

static bool
is_syn(const uint8_t *p, uint32_t len)
{
	const struct rte_ether_hdr *eth = (const void *)p;
	const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
	const struct rte_tcp_hdr *th;

	if (len < sizeof(*eth) + sizeof(*ip) + sizeof(*th) ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) || ip->next_proto_id != IPPROTO_TCP)
		return false;
	th = (const void *)((const uint8_t *)ip + rte_ipv4_hdr_len(ip));
	return (th->tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG;
}

/*
 * The frames of a classic pcap file (microsecond or nanosecond, in this
 * machine's byte order, as gen_syn_pcap.py writes it), their destination
 * MAC set to @p mac unless broadcast.
 */
static void
load_pcap(const char *path, const struct rte_ether_addr *mac)
{
	uint32_t hdr[6], rec[4];
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "bench_syn_path: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (fread(hdr, sizeof(hdr), 1, f) != 1 || (hdr[0] != 0xa1b2c3d4 && hdr[0] != 0xa1b23c4d) ||
	    hdr[5] != 1)
		usage_exit("PCAP is not a pcap file of Ethernet frames in this machine's byte order");
	frames = calloc(MAX_FRAMES, sizeof(*frames));
	if (frames == NULL)
		usage_exit("out of memory");
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		struct frame *fr = &frames[n_frames];

		if (n_frames == MAX_FRAMES || rec[2] > MAX_FRAME || rec[2] < RTE_ETHER_HDR_LEN)
			usage_exit("PCAP has over 2^20 frames or a frame over 256 bytes or under 14");
		if (fread(fr->data, rec[2], 1, f) != 1)
			usage_exit("PCAP ends inside a frame");
		fr->len = (uint16_t)rec[2];
		if (!rte_is_broadcast_ether_addr((const struct rte_ether_addr *)fr->data))
			memcpy(fr->data, mac, RTE_ETHER_ADDR_LEN);
		fr->syn = is_syn(fr->data, fr->len);
		n_syns += fr->syn;
		n_frames++;
	}
	fclose(f);
	if (n_syns == 0)
		usage_exit("PCAP holds no SYN");
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of @p n values (sorts them). */
static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
	static const struct rte_ether_addr local_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};
	double ns[MAX_SECONDS], cyc_per[MAX_SECONDS], med_ns;
	uint64_t hz, tsc0, next, syns = 0, sent0, syns_sec = 0, cyc_sec = 0;
	unsigned int secs = 5, sec = 0, pos = 0;
	struct th *h = calloc(1, sizeof(*h));
	struct tt_config defaults;
	char *end;

	if (argc < 2 || argc > 3)
		usage_exit("one or two arguments");
	if (argc == 3) {
		unsigned long v = strtoul(argv[2], &end, 10);

		if (*argv[2] == '\0' || *end != '\0' || v < 1 || v > MAX_SECONDS)
			usage_exit("SECONDS must be an integer in 1..60");
		secs = (unsigned int)v;
	}
	if (h == NULL)
		usage_exit("out of memory");
	load_pcap(argv[1], &local_mac);

	/* bench_testpmd.sh's tcpterm: 198.18.0.2/24 behind 198.18.0.1, cookies always. */
	th_init(h);
	tt_config_defaults(&defaults);
	h->cfg.tcp = defaults.tcp;	/* not the unit tests' choices */
	h->cfg.tcp.syn_cookies = TT_SYNCOOKIES_ALWAYS;
	h->cfg.tcp.max_connections = 4096;
	h->cfg.ports[0].gateway = RTE_BE32(0xc6120001);
	th_start(h);
	sent0 = th_stat(h, syncookies_sent);
	hz = rte_get_tsc_hz();
	tsc0 = rte_rdtsc();
	next = tsc0 + hz;
	while (sec < secs) {
		struct rte_mbuf *pkts[BURST];
		uint64_t t0, now;
		unsigned int n = 0, burst_syns = 0;

		if (rte_pktmbuf_alloc_bulk(h->pool, pkts, BURST) != 0) {
			fprintf(stderr, "bench_syn_path: the input mempool ran dry\n");
			return 1;
		}
		for (n = 0; n < BURST; n++, pos = pos + 1 == n_frames ? 0 : pos + 1) {
			const struct frame *fr = &frames[pos];

			memcpy(rte_pktmbuf_mtod(pkts[n], void *), fr->data, fr->len);
			pkts[n]->data_len = fr->len;
			pkts[n]->pkt_len = fr->len;
			burst_syns += fr->syn;
		}
		/* The worker's poll, less its receive (tt_worker_poll()). */
		t0 = rte_rdtsc();
		tt_worker_set_clock(h->w, h->now_us + (t0 - tsc0) * 1000000 / hz);
		tt_worker_input(h->w, 0, pkts, BURST);
		tt_worker_timers(h->w);
		tt_worker_flush(h->w);
		now = rte_rdtsc();
		cyc_sec += now - t0;
		syns_sec += burst_syns;
		while ((n = rte_ring_dequeue_burst(h->tx, (void **)pkts, BURST, NULL)) > 0)
			rte_pktmbuf_free_bulk(pkts, n);
		if (now >= next) {
			ns[sec] = (double)cyc_sec * 1e9 / (double)hz / (double)syns_sec;
			cyc_per[sec] = (double)cyc_sec / (double)syns_sec;
			printf("second %2u: %10.1f ns, %7.1f TSC cycles per SYN; %5.1f %% of the "
			       "second in tcpterm's code\n", sec + 1, ns[sec], cyc_per[sec],
			       100.0 * (double)cyc_sec / (double)hz);
			syns += syns_sec;
			syns_sec = cyc_sec = 0;
			next += hz;
			sec++;
		}
	}
	if (th_stat(h, syncookies_sent) - sent0 != syns) {
		fprintf(stderr, "bench_syn_path: %" PRIu64 " SYNs, but %" PRIu64 " SYN-ACK cookies\n",
			syns, th_stat(h, syncookies_sent) - sent0);
		return 1;
	}
	printf("bench_syn_path: %u frames in the pcap (%u SYNs), %" PRIu64 " SYNs answered with "
	       "cookies; TSC %.3f GHz\n", n_frames, n_syns, syns, (double)hz / 1e9);
	med_ns = median(ns, secs);
	printf("bench_syn_path: tcpterm's time per cookie SYN-ACK, the median of %u seconds: "
	       "%.1f ns, %.1f TSC cycles (%.2f M SYN-ACKs/s of its time)\n",
	       secs, med_ns, median(cyc_per, secs), 1e3 / med_ns);
	th_stop(h);
	free(h);
	free(frames);
	return 0;
}
