/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * tcpterm-gen: the load generator. The main lcore parses the command line,
 * reads the configuration (tt_config, as tcpterm does), sets up ports and
 * workers (app/common), then walks the run through its phases: warm-up
 * (one connection per worker, so ARP is resolved and the target answers),
 * the measured run, and a drain in which connections close. Once a
 * second it reads the workers' counters and histograms without locks and
 * prints one line; at the end a summary and, with --json, a file.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "app.h"
#include "gen.h"

#define DEFAULT_CONFIG "config/tcpterm-gen.conf"
#define WARMUP_MS 5000
#define LINK_MS 10000

static volatile uint32_t gen_phase = GEN_PH_IDLE;

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- MODE -t A.B.C.D[:PORT] [options]\n"
		"MODE:\n"
		"  cps    a new connection per request, full four-way close\n"
		"  rps    keep-alive connections, --pipeline requests in flight each\n"
		"  bulk   stream to the discard port (9) or, with --recv, from the source port (19)\n"
		"  hold   open --concurrency connections and keep them idle\n"
		"options:\n"
		"  -t, --target A.B.C.D[:PORT]  tcpterm's address (port: 80 http, 7 echo, 9/19 bulk)\n"
		"  -p, --payload http|echo      HTTP/1.1 GET (default) or --size bytes echoed\n"
		"  -d, --duration S             length of the run, 1..86400 (default 10)\n"
		"  -c, --concurrency N          connections in flight (cps) or open (others)\n"
		"                               (defaults: cps, rps 64; bulk 1; hold 1000)\n"
		"  -r, --rate R                 open loop: connections/s (cps, hold) or\n"
		"                               requests/s (rps); default closed loop\n"
		"  -P, --pipeline K             rps: requests in flight per connection, 1..256\n"
		"  -s, --size B                 echo request bytes, 1..65536 (default 64)\n"
		"      --recv                   bulk: read from the source port instead of sending\n"
		"      --path PATH              http request path (default /)\n"
		"      --drain-ms MS            time connections get to close after the run\n"
		"                               (default 2000)\n"
		"      --warmup N               connections each worker opens and closes,\n"
		"                               one after the other, before the run, 1..65536\n"
		"                               (default 4096)\n"
		"      --json FILE              write the summary as JSON\n"
		"      --wait-peer S            after the summary, keep the port open (workers\n"
		"                               stopped) until the peer closes the link, at most\n"
		"                               S seconds (net_memif: stop the peer first)\n"
		"  -f, --config FILE            configuration (default " DEFAULT_CONFIG ")\n"
		"      --address A.B.C.D/P      own address (overrides [port0] address)\n"
		"      --gateway A.B.C.D        next hop (overrides [port0] gateway)\n"
		"      --addresses K            own addresses: K consecutive ones from --address\n"
		"                               (overrides [port0] addresses)\n"
		"  -q, --quiet                  no per-second lines\n"
		"  -h, --help                   this text\n", prog);
}

/* One line on stderr, exit status 2. */
static int
bad_usage(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "tcpterm-gen: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, " (see --help)\n");
	return -EINVAL;
}

static int
parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char range[64];
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < min || v > max) {
		snprintf(range, sizeof(range), "%" PRIu64 "..%" PRIu64, min, max);
		fprintf(stderr, "tcpterm-gen: %s: '%s' is not an integer in %s (see --help)\n",
			opt, s, range);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int ret = parse_u64(opt, s, min, max, &v);

	if (ret == 0)
		*out = (uint32_t)v;
	return ret;
}

/* A.B.C.D[:PORT]: port 0 = none given. */
static int
parse_target(const char *s, struct gen_opts *o)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strchr(s, ':');
	size_t n = colon != NULL ? (size_t)(colon - s) : strlen(s);
	struct in_addr a;

	if (n == 0 || n >= sizeof(host))
		return bad_usage("--target: '%s' is not A.B.C.D[:PORT]%s", s, "");
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1)
		return bad_usage("--target: '%s' is not A.B.C.D[:PORT]%s", s, "");
	o->raddr = a.s_addr;
	o->rport = 0;
	if (colon != NULL) {
		uint32_t port;

		if (parse_u32("--target port", colon + 1, 1, 65535, &port) != 0)
			return -EINVAL;
		o->rport = (uint16_t)port;
	}
	return 0;
}

enum {
	OPT_RECV = 256,
	OPT_PATH,
	OPT_DRAIN,
	OPT_JSON,
	OPT_ADDRESS,
	OPT_GATEWAY,
	OPT_ADDRESSES,
	OPT_WAIT_PEER,
	OPT_WARMUP,
};

static int
parse_args(int argc, char **argv, void *opts)
{
	struct gen_opts *o = opts;
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "payload", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "pipeline", required_argument, NULL, 'P' },
		{ "size", required_argument, NULL, 's' },
		{ "recv", no_argument, NULL, OPT_RECV },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "drain-ms", required_argument, NULL, OPT_DRAIN },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "config", required_argument, NULL, 'f' },
		{ "address", required_argument, NULL, OPT_ADDRESS },
		{ "gateway", required_argument, NULL, OPT_GATEWAY },
		{ "addresses", required_argument, NULL, OPT_ADDRESSES },
		{ "wait-peer", required_argument, NULL, OPT_WAIT_PEER },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode = NULL, *target = NULL;
	bool have_conc = false;
	int c, ret = 0;

	memset(o, 0, sizeof(*o));
	o->config = DEFAULT_CONFIG;
	o->duration_s = 10;
	o->pipeline = 1;
	o->size = 64;
	o->drain_ms = 2000;
	o->warm_conns = GEN_WARM_CONNS;
	o->path = "/";
	optind = 1;
	opterr = 0;
	while (ret == 0 && (c = getopt_long(argc, argv, ":t:p:d:c:r:P:s:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "http") == 0)
				o->payload = GEN_HTTP;
			else if (strcmp(optarg, "echo") == 0)
				o->payload = GEN_ECHO;
			else
				ret = bad_usage("--payload: unknown payload '%s' (want http or echo)%s",
						optarg, "");
			break;
		case 'd':
			ret = parse_u32("--duration", optarg, 1, 86400, &o->duration_s);
			break;
		case 'c':
			ret = parse_u32("--concurrency", optarg, 1, 16777216, &o->concurrency);
			have_conc = true;
			break;
		case 'r':
			ret = parse_u64("--rate", optarg, 1, 1000000000, &o->rate);
			break;
		case 'P':
			ret = parse_u32("--pipeline", optarg, 1, 256, &o->pipeline);
			break;
		case 's':
			ret = parse_u32("--size", optarg, 1, 65536, &o->size);
			break;
		case OPT_RECV:
			o->bulk_recv = true;
			break;
		case OPT_PATH:
			if (optarg[0] != '/' || strlen(optarg) > 512 || strpbrk(optarg, " \r\n") != NULL)
				ret = bad_usage("--path: '%s' is not a path (/..., no blanks, at most "
						"512 characters)%s", optarg, "");
			o->path = optarg;
			break;
		case OPT_DRAIN:
			ret = parse_u32("--drain-ms", optarg, 0, 600000, &o->drain_ms);
			break;
		case OPT_WARMUP:
			ret = parse_u32("--warmup", optarg, 1, 65536, &o->warm_conns);
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case 'f':
			o->config = optarg;
			break;
		case OPT_ADDRESS:
			o->address = optarg;
			break;
		case OPT_GATEWAY:
			o->gateway = optarg;
			break;
		case OPT_ADDRESSES:
			ret = parse_u32("--addresses", optarg, 1, 65536, &o->addresses);
			break;
		case OPT_WAIT_PEER:
			ret = parse_u32("--wait-peer", optarg, 0, 600, &o->wait_peer_s);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		case ':':
			ret = bad_usage("option '%s' needs an argument%s", argv[optind - 1], "");
			break;
		default:
			ret = bad_usage("unknown option '%s'%s", argv[optind - 1], "");
			break;
		}
	}
	if (ret != 0)
		return ret;
	if (optind < argc)
		mode = argv[optind++];
	if (optind < argc)
		return bad_usage("unexpected argument '%s'%s", argv[optind], "");
	if (mode == NULL)
		return bad_usage("missing MODE (cps, rps, bulk or hold)%s%s", "", "");
	if (strcmp(mode, "cps") == 0)
		o->mode = GEN_CPS;
	else if (strcmp(mode, "rps") == 0)
		o->mode = GEN_RPS;
	else if (strcmp(mode, "bulk") == 0)
		o->mode = GEN_BULK;
	else if (strcmp(mode, "hold") == 0)
		o->mode = GEN_HOLD;
	else
		return bad_usage("unknown mode '%s' (want cps, rps, bulk or hold)%s", mode, "");
	if (target == NULL)
		return bad_usage("missing --target A.B.C.D[:PORT]%s%s", "", "");
	if (parse_target(target, o) != 0)
		return -EINVAL;
	if (o->pipeline > 1 && o->mode != GEN_RPS)
		return bad_usage("--pipeline applies to rps only, not %s%s", mode, "");
	if (o->rate != 0 && o->mode == GEN_BULK)
		return bad_usage("--rate applies to cps, rps and hold, not %s%s", mode, "");
	if (o->bulk_recv && o->mode != GEN_BULK)
		return bad_usage("--recv applies to bulk only, not %s%s", mode, "");
	if (!have_conc)
		o->concurrency = o->mode == GEN_BULK ? 1 : o->mode == GEN_HOLD ? 1000 : 64;
	if (o->rport == 0) {
		if (o->mode == GEN_BULK)
			o->rport = o->bulk_recv ? 19 : 9;
		else
			o->rport = o->payload == GEN_HTTP ? 80 : 7;
	}
	return 0;
}

static int
parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = a.s_addr;
	return 0;
}

/* --address, --gateway and --addresses over [port0]; checks what the options need. */
static int
apply_overrides(struct tt_app *app, const struct gen_opts *o)
{
	struct tt_port_cfg *pc = &app->cfg.ports[0];
	unsigned int n_workers;

	if (o->address != NULL) {
		char host[INET_ADDRSTRLEN];
		const char *slash = strchr(o->address, '/');
		uint32_t prefix;

		if (slash == NULL || (size_t)(slash - o->address) >= sizeof(host))
			return bad_usage("--address: '%s' is not A.B.C.D/P%s", o->address, "");
		memcpy(host, o->address, (size_t)(slash - o->address));
		host[slash - o->address] = '\0';
		if (parse_ipv4(host, &pc->addr) != 0)
			return bad_usage("--address: '%s' is not A.B.C.D/P%s", o->address, "");
		if (parse_u32("--address prefix", slash + 1, 1, 32, &prefix) != 0)
			return -EINVAL;
		pc->prefix = (uint8_t)prefix;
	}
	if (o->gateway != NULL && parse_ipv4(o->gateway, &pc->gateway) != 0)
		return bad_usage("--gateway: '%s' is not A.B.C.D%s", o->gateway, "");
	if (o->addresses != 0)
		pc->n_addrs = o->addresses;
	if ((uint64_t)rte_be_to_cpu_32(pc->addr) + pc->n_addrs - 1 > UINT32_MAX ||
	    pc->prefix == 0 ||
	    ((rte_be_to_cpu_32(pc->addr) + pc->n_addrs - 1) >> (32 - pc->prefix)) !=
	    (rte_be_to_cpu_32(pc->addr) >> (32 - pc->prefix)))
		return bad_usage("--addresses: %s addresses from [port0] address do not fit its "
				 "subnet%s", "the", "");
	n_workers = rte_lcore_count() > 1 ? rte_lcore_count() - 1 : 1;
	if (app->cfg.workers.count != 0 && app->cfg.workers.count < n_workers)
		n_workers = app->cfg.workers.count;
	if ((o->concurrency + n_workers - 1) / n_workers > app->cfg.tcp.max_connections) {
		fprintf(stderr, "tcpterm-gen: --concurrency %u needs %u connections per worker "
			"(%u workers), %s: [tcp] max_connections is %u\n", o->concurrency,
			(o->concurrency + n_workers - 1) / n_workers, n_workers, app->cfg.path,
			app->cfg.tcp.max_connections);
		return -EINVAL;
	}
	if (rte_be_to_cpu_32(o->raddr) - rte_be_to_cpu_32(pc->addr) < pc->n_addrs) {
		fprintf(stderr, "tcpterm-gen: --target is one of the generator's own %u address(es) "
			"([port0] address and addresses of %s, or --address/--addresses)\n",
			pc->n_addrs, app->cfg.path);
		return -EINVAL;
	}
	if (o->pipeline * o->req_len > app->cfg.tcp.snd_buf) {
		fprintf(stderr, "tcpterm-gen: --pipeline %u requests of %u bytes exceed [tcp] snd_buf "
			"(%u) of %s (see --help)\n", o->pipeline, o->req_len, app->cfg.tcp.snd_buf,
			app->cfg.path);
		return -EINVAL;
	}
	return 0;
}

/* What the main lcore reads from the workers at one instant. */
struct gen_snap {
	uint64_t cnt[GEN_NB_COUNTERS];
	uint64_t retransmits;
	uint64_t drops[TT_NB_DROPS];
	uint64_t active;
	uint64_t tsc;
	struct tt_histo lat;
};

static void
snap_take(struct gen_snap *s, struct gen_worker *const *gw, const struct tt_app *app)
{
	unsigned int i, k;

	memset(s->cnt, 0, sizeof(s->cnt));
	s->retransmits = 0;
	memset(s->drops, 0, sizeof(s->drops));
	s->active = 0;
	tt_histo_reset(&s->lat);
	s->tsc = rte_rdtsc();
	for (i = 0; i < app->n_workers; i++) {
		for (k = 0; k < GEN_NB_COUNTERS; k++)
			s->cnt[k] += gw[i]->cnt[k];
		/* Every segment sent again, SYNs included (syn_ack_retransmits is a subset). */
		s->retransmits += app->workers[i]->stats[TT_STAT_retransmits];
		for (k = 0; k < TT_NB_DROPS; k++)
			s->drops[k] += app->workers[i]->drops[k];
		s->active += gw[i]->active;
		tt_histo_merge(&s->lat, &gw[i]->lat);
	}
}

static uint64_t
snap_errors(const struct gen_snap *s)
{
	return s->cnt[GEN_CNT_err_reset] + s->cnt[GEN_CNT_err_timeout] +
	       s->cnt[GEN_CNT_err_connect] + s->cnt[GEN_CNT_err_protocol] +
	       s->cnt[GEN_CNT_err_incomplete];
}

static double
us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

/* One per-second line from two snapshots. */
static void
print_second(unsigned int sec, const struct gen_snap *a, const struct gen_snap *b, double hz)
{
	static struct tt_histo d;
	double secs = (double)(b->tsc - a->tsc) / hz;
	uint64_t bytes;

	if (secs <= 0)
		secs = 1;
	tt_histo_delta(&d, &b->lat, &a->lat);
	bytes = b->cnt[GEN_CNT_bytes_rx] + b->cnt[GEN_CNT_bytes_tx] -
		a->cnt[GEN_CNT_bytes_rx] - a->cnt[GEN_CNT_bytes_tx];
	printf("%4us conn/s %8.0f req/s %9.0f Gbit/s %6.3f | active %7" PRIu64
	       " | errors %" PRIu64 " rexmit %" PRIu64 " | us p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f\n",
	       sec, (double)(b->cnt[GEN_CNT_conn_closed] - a->cnt[GEN_CNT_conn_closed]) / secs,
	       (double)(b->cnt[GEN_CNT_responses] - a->cnt[GEN_CNT_responses]) / secs,
	       (double)bytes * 8 / secs / 1e9, b->active, snap_errors(b) - snap_errors(a),
	       b->retransmits - a->retransmits,
	       us(tt_histo_percentile(&d, 50)), us(tt_histo_percentile(&d, 90)),
	       us(tt_histo_percentile(&d, 99)), us(tt_histo_percentile(&d, 99.9)));
	fflush(stdout);
}

static const char *const mode_names[] = { "cps", "rps", "bulk", "hold" };

/* The figures of a run: rates over the run, counts after the drain. */
struct gen_result {
	double secs;
	double cps, rps, gbps;
	uint64_t active_max, active_end;
	uint64_t mbufs_start, mbufs_end;
	uint64_t warm_conns;	/* warm-up connections closed normally before the run */
	double busy_pct;	/* workers' share of the run in iterations that found work, averaged */
};

/* Sum of the workers' busy TSC cycles (tt_worker::busy_tsc). */
static uint64_t
busy_tsc_sum(const struct tt_app *app)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		sum += app->workers[i]->busy_tsc;
	return sum;
}

static void
print_summary(const struct gen_opts *o, const struct gen_snap *end, const struct gen_result *r)
{
	const struct tt_histo *h = &end->lat;
	unsigned int k, n;

	printf("tcpterm-gen %s: %.2f s, %" PRIu64 " connections (%.0f/s), %" PRIu64
	       " requests (%.0f/s), %.3f Gbit/s\n", mode_names[o->mode], r->secs,
	       end->cnt[GEN_CNT_conn_closed], r->cps, end->cnt[GEN_CNT_responses], r->rps, r->gbps);
	printf("  concurrent: max %" PRIu64 ", at the end of the run %" PRIu64
	       "; workers busy %.1f %% of the run\n", r->active_max, r->active_end, r->busy_pct);
	printf("  errors: %" PRIu64 " (resets %" PRIu64 ", timeouts %" PRIu64 ", connect failures %"
	       PRIu64 ", protocol %" PRIu64 ", incomplete %" PRIu64 "); retransmissions %" PRIu64
	       "; unfinished at exit %" PRIu64 "\n", snap_errors(end), end->cnt[GEN_CNT_err_reset],
	       end->cnt[GEN_CNT_err_timeout], end->cnt[GEN_CNT_err_connect],
	       end->cnt[GEN_CNT_err_protocol], end->cnt[GEN_CNT_err_incomplete], end->retransmits,
	       end->cnt[GEN_CNT_unfinished]);
	printf("  latency us: n %" PRIu64 " min %.1f mean %.1f p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f "
	       "max %.1f\n", h->count, h->count ? us(h->min) : 0.0,
	       h->count ? us(h->sum / h->count) : 0.0, us(tt_histo_percentile(h, 50)),
	       us(tt_histo_percentile(h, 90)), us(tt_histo_percentile(h, 99)),
	       us(tt_histo_percentile(h, 99.9)), us(h->max));
	printf("  warm-up connections: %" PRIu64 "; mbufs in use: %" PRIu64 " after warm-up, %"
	       PRIu64 " after the drain\n", r->warm_conns, r->mbufs_start, r->mbufs_end);
	printf("  frames dropped by the generator's stack:");
	for (k = 0, n = 0; k < TT_NB_DROPS; k++) {
		if (end->drops[k] == 0)
			continue;
		printf(" %s %" PRIu64, tt_drop_names[k], end->drops[k]);
		n++;
	}
	printf("%s\n", n == 0 ? " none" : "");
}

static int
write_json(const struct gen_opts *o, const struct tt_app *app, const struct gen_snap *end,
	   const struct gen_result *r)
{
	const struct tt_histo *h = &end->lat;
	const uint8_t *a = (const uint8_t *)&o->raddr;
	char tmp[TT_PATH_LEN + 8];
	unsigned int k;
	FILE *f;

	/* Written aside and renamed: a script waiting for the file never reads half of it. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", o->json);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "tcpterm-gen: cannot write %s: %s\n", tmp, strerror(errno));
		return -errno;
	}
	fprintf(f, "{\n  \"mode\": \"%s\",\n  \"payload\": \"%s\",\n  \"target\": \"%u.%u.%u.%u:%u\",\n",
		mode_names[o->mode], o->mode == GEN_BULK ? (o->bulk_recv ? "recv" : "send") :
		o->payload == GEN_HTTP ? "http" : "echo", a[0], a[1], a[2], a[3], o->rport);
	fprintf(f, "  \"workers\": %u,\n  \"concurrency\": %u,\n  \"rate\": %" PRIu64
		",\n  \"pipeline\": %u,\n  \"duration_s\": %.3f,\n", app->n_workers, o->concurrency,
		o->rate, o->pipeline, r->secs);
	fprintf(f, "  \"connections\": %" PRIu64 ",\n  \"connections_per_s\": %.1f,\n"
		"  \"requests\": %" PRIu64 ",\n  \"requests_per_s\": %.1f,\n  \"gbit_per_s\": %.4f,\n",
		end->cnt[GEN_CNT_conn_closed], r->cps, end->cnt[GEN_CNT_responses], r->rps, r->gbps);
	fprintf(f, "  \"concurrent_max\": %" PRIu64 ",\n  \"concurrent_end\": %" PRIu64 ",\n",
		r->active_max, r->active_end);
	fprintf(f, "  \"worker_busy_percent\": %.1f,\n", r->busy_pct);
	fprintf(f, "  \"errors\": {\"total\": %" PRIu64 ", \"resets\": %" PRIu64 ", \"timeouts\": %"
		PRIu64 ", \"connect_failures\": %" PRIu64 ", \"protocol\": %" PRIu64
		", \"incomplete\": %" PRIu64 ", \"retransmissions\": %" PRIu64 "},\n",
		snap_errors(end), end->cnt[GEN_CNT_err_reset], end->cnt[GEN_CNT_err_timeout],
		end->cnt[GEN_CNT_err_connect], end->cnt[GEN_CNT_err_protocol],
		end->cnt[GEN_CNT_err_incomplete], end->retransmits);
	fprintf(f, "  \"latency_us\": {\"count\": %" PRIu64 ", \"min\": %.3f, \"mean\": %.3f, "
		"\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"p99.9\": %.3f, \"max\": %.3f},\n",
		h->count, h->count ? us(h->min) : 0.0, h->count ? us(h->sum / h->count) : 0.0,
		us(tt_histo_percentile(h, 50)), us(tt_histo_percentile(h, 90)),
		us(tt_histo_percentile(h, 99)), us(tt_histo_percentile(h, 99.9)), us(h->max));
	fprintf(f, "  \"mbufs_in_use\": {\"start\": %" PRIu64 ", \"end\": %" PRIu64 "},\n",
		r->mbufs_start, r->mbufs_end);
	fprintf(f, "  \"warmup_connections\": %" PRIu64 ",\n", r->warm_conns);
	fprintf(f, "  \"counters\": {");
	for (k = 0; k < GEN_NB_COUNTERS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "", gen_counter_names[k], end->cnt[k]);
	fprintf(f, "}\n}\n");
	if (fclose(f) != 0 || rename(tmp, o->json) != 0) {
		fprintf(stderr, "tcpterm-gen: cannot write %s: %s\n", o->json, strerror(errno));
		return -EIO;
	}
	return 0;
}

static uint64_t
mbufs_in_use(const struct tt_app *app)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < app->n_workers; i++)
		n += tt_app_mbufs_in_use(app, i);
	return n;
}

static uint64_t
active_conns(struct gen_worker *const *gw, unsigned int n)
{
	uint64_t a = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		a += gw[i]->active;
	return a;
}

static void
sleep_ms(unsigned int ms)
{
	usleep(ms * 1000u);
}

/* Until the link of @p port_id is down, at most @p timeout_ms. @return 0 or -ETIMEDOUT. */
static int
wait_link_down(uint16_t port_id, unsigned int timeout_ms)
{
	struct rte_eth_link link;
	unsigned int waited;

	for (waited = 0; waited <= timeout_ms && !tt_app_quit; waited += 10) {
		if (rte_eth_link_get_nowait(port_id, &link) == 0 && link.link_status == RTE_ETH_LINK_DOWN)
			return 0;
		sleep_ms(10);
	}
	return -ETIMEDOUT;
}

/*
 * Warm-up: every worker opens and closes --warmup connections, one after
 * the other; the first must close normally within WARMUP_MS, the rest get
 * GEN_WARM_MORE_MS after that. @return 0, -ECONNREFUSED or -ETIMEDOUT.
 */
static int
gen_warmup(const struct gen_opts *o, struct gen_worker *const *gw, unsigned int n)
{
	unsigned int i, waited, answered, done, limit = WARMUP_MS;
	bool all_answered = false;

	gen_phase = GEN_PH_WARMUP;
	for (waited = 0; waited < limit && !tt_app_quit; waited += 10) {
		for (i = 0, answered = 0, done = 0; i < n; i++) {
			if (gw[i]->warm < 0)
				return -ECONNREFUSED;
			answered += gw[i]->warm > 0;
			done += gw[i]->warm_done >= o->warm_conns;
		}
		if (done == n)
			return 0;
		if (answered == n && !all_answered) {
			all_answered = true;
			limit = waited + GEN_WARM_MORE_MS;	/* then the rest, for so long */
		}
		sleep_ms(10);
	}
	return all_answered ? 0 : -ETIMEDOUT;
}

/* The measured run and the drain; fills @p r and @p end. */
static void
gen_run(const struct gen_opts *o, struct tt_app *app, struct gen_worker *const *gw,
	struct gen_snap *end, struct gen_result *r)
{
	static struct gen_snap prev, cur, run_end;
	double hz = (double)rte_get_tsc_hz();
	uint64_t t0, next, busy0;
	unsigned int sec = 0, waited;
	uint64_t bytes;

	snap_take(&prev, gw, app);
	r->mbufs_start = mbufs_in_use(app);
	gen_phase = GEN_PH_RUN;
	t0 = rte_rdtsc();
	busy0 = busy_tsc_sum(app);
	next = t0 + (uint64_t)hz;
	while (!tt_app_quit && sec < o->duration_s) {
		sleep_ms(5);
		if (rte_rdtsc() < next)
			continue;
		next += (uint64_t)hz;
		sec++;
		snap_take(&cur, gw, app);
		if (cur.active > r->active_max)
			r->active_max = cur.active;
		if (!o->quiet)
			print_second(sec, &prev, &cur, hz);
		memcpy(&prev, &cur, sizeof(prev));
	}
	snap_take(&run_end, gw, app);
	gen_phase = GEN_PH_DRAIN;
	r->secs = (double)(run_end.tsc - t0) / hz;
	r->busy_pct = 100.0 * (double)(busy_tsc_sum(app) - busy0) /
		      ((double)(run_end.tsc - t0) * app->n_workers);
	r->active_end = run_end.active;
	if (run_end.active > r->active_max)
		r->active_max = run_end.active;
	for (waited = 0; waited < o->drain_ms && active_conns(gw, app->n_workers) > 0; waited += 10)
		sleep_ms(10);
	sleep_ms(20);	/* the last ACKs leave */
	r->mbufs_end = mbufs_in_use(app);
	snap_take(end, gw, app);
	/* Rates count what completed during the run itself. */
	bytes = run_end.cnt[GEN_CNT_bytes_rx] + run_end.cnt[GEN_CNT_bytes_tx];
	r->cps = (double)run_end.cnt[GEN_CNT_conn_closed] / r->secs;
	r->rps = (double)run_end.cnt[GEN_CNT_responses] / r->secs;
	r->gbps = (double)bytes * 8 / r->secs / 1e9;
}

int
main(int argc, char **argv)
{
	static const struct tt_service *const no_services[] = { NULL };
	static struct tt_app app;
	static struct gen_snap end;
	struct gen_worker *gw[TT_MAX_WORKERS] = { NULL };
	struct gen_result r = { 0 };
	struct gen_opts o = { 0 };
	char err[512], host[INET_ADDRSTRLEN];
	unsigned int i;
	int ret, status = 1;

	if (tt_app_init(&app, "tcpterm-gen", argc, argv, parse_args, &o, &o.config, no_services,
			&ret) != 0)
		return ret;
	inet_ntop(AF_INET, &o.raddr, host, sizeof(host));
	if (gen_build_request(&o, host) != 0 || apply_overrides(&app, &o) != 0) {
		free(o.reqbuf);
		tt_config_free(&app.cfg);
		rte_eal_cleanup();
		return 2;
	}
	ret = tt_app_setup(&app, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "tcpterm-gen: %s\n", err);
		goto out;
	}
	if (tt_telemetry_register(&app) != 0)
		fprintf(stderr, "tcpterm-gen: warning: telemetry commands not registered\n");
	for (i = 0; i < app.n_workers; i++) {
		gw[i] = rte_zmalloc_socket("gen_worker", sizeof(*gw[i]), RTE_CACHE_LINE_SIZE,
					   (int)rte_lcore_to_socket_id(app.worker_lcore[i]));
		if (gw[i] == NULL ||
		    gen_worker_init(gw[i], app.workers[i], &o, &gen_phase, i, app.n_workers) != 0) {
			fprintf(stderr, "tcpterm-gen: out of memory for worker %u's connection table\n", i);
			goto out;
		}
	}
	tt_app_signals();
	tt_app_launch(&app, tt_worker_main, NULL);
	if (tt_port_wait_link(app.port_ids[0], LINK_MS) != 0) {
		fprintf(stderr, "tcpterm-gen: port 0: link still down after %u ms (no peer?)\n", LINK_MS);
		goto stop;
	}
	ret = gen_warmup(&o, gw, app.n_workers);
	if (ret != 0) {
		fprintf(stderr, "tcpterm-gen: %s:%u does not answer (warm-up connection %s)\n", host,
			o.rport, ret == -ETIMEDOUT ? "timed out" : "failed");
		goto stop;
	}
	for (i = 0; i < app.n_workers; i++)
		r.warm_conns += gw[i]->warm_done;
	if (o.rate != 0)
		snprintf(err, sizeof(err), "open loop at %" PRIu64 "/s", o.rate);
	else
		snprintf(err, sizeof(err), "closed loop");
	printf("tcpterm-gen: %s to %s:%u, %u worker(s), concurrency %u, %s, %u s\n",
	       mode_names[o.mode], host, o.rport, app.n_workers, o.concurrency, err, o.duration_s);
	fflush(stdout);
	gen_run(&o, &app, gw, &end, &r);
	status = 0;
stop:
	gen_phase = GEN_PH_DRAIN;
	tt_app_stop(&app);
	if (status == 0) {
		/* Connections the drain left were reset when the workers stopped. */
		snap_take(&end, gw, &app);
		print_summary(&o, &end, &r);
		if (o.json != NULL && write_json(&o, &app, &end, &r) != 0)
			status = 1;
		fflush(stdout);
	}
	/*
	 * DPDK 22.11's net_memif unmaps the shared rings when its peer goes
	 * while a worker may still be polling them (a crash on that side). So
	 * the side that stays must have stopped polling first: with
	 * --wait-peer our workers are stopped and we leave only once the peer
	 * has closed the link.
	 */
	if (o.wait_peer_s > 0 && app.ports_started > 0 &&
	    wait_link_down(app.port_ids[0], o.wait_peer_s * 1000u) != 0)
		fprintf(stderr, "tcpterm-gen: --wait-peer: the link is still up after %u s\n",
			o.wait_peer_s);
out:
	tt_app_teardown(&app);
	for (i = 0; i < TT_MAX_WORKERS; i++) {
		if (gw[i] != NULL) {
			gen_worker_fini(gw[i]);
			rte_free(gw[i]);
		}
	}
	free(o.reqbuf);
	tt_config_free(&app.cfg);
	rte_eal_cleanup();
	return status;
}
