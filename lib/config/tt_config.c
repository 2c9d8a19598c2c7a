/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Configuration parsing and validation.
 *
 * The file is read twice. A line scan first checks the syntax that
 * rte_cfgfile accepts too quietly: it skips any line without '=' (so a
 * mistyped "mss 1460" would vanish), truncates long names and values, and
 * reports its own failures only to the log without a reason. The scan
 * mirrors rte_cfgfile's line rules ('#' comments, "\#" escape, whitespace
 * stripped with isspace()) and turns every such problem into an error with
 * a line number. rte_cfgfile then loads the file (flags 0: no empty values,
 * no entries outside a section) and everything after works on its sections
 * and entries. Nothing here needs the EAL: rte_cfgfile uses malloc() and
 * rte_log(), both usable before rte_eal_init().
 *
 * Validation is complete before anything is returned: every section and
 * key is known, every value is in range, cross-key rules hold, every
 * listener names a known service and binds an address of some port.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <arpa/inet.h>

#include <rte_common.h>
#include <rte_cfgfile.h>

#include "tt_config.h"
#include "cc.h"

/* Comment character: '#' as in most appliance configs ("\#" is a literal '#'). */
#define CFG_COMMENT '#'
/* Longest line rte_cfgfile reads: its buffer is CFG_NAME_LEN + CFG_VALUE_LEN + 4. */
#define CFG_LINE_MAX (CFG_NAME_LEN + CFG_VALUE_LEN + 2)
#define CFG_WHAT_LEN 512
#define CFG_SVC_MSG_LEN 256

/*
 * Ranges of the integer keys. Times are in milliseconds.
 *
 *   section   key              min     max        default
 *   [portN]   mtu              576     9000       1500
 *   [tcp]     mss              88      9000       1460, capped at (smallest MTU - 40)
 *                                                 when not set; when set it must fit
 *                                                 every port's MTU - 40
 *             rcv_window       1024    2^30-1     1 MiB (65535 with window_scaling
 *                                                 off); at most 65535 with
 *                                                 window_scaling off (RFC 7323 §2.3)
 *             snd_buf          1024    16 MiB     262144
 *             rto_init_ms      1       600000     1000 (RFC 6298); must lie in
 *                                                 rto_min_ms..rto_max_ms (when not
 *                                                 set it is clamped into that range)
 *             rto_min_ms       1       600000     200; at most rto_max_ms
 *             rto_max_ms       1       600000     60000 (RFC 6298 allows >= 60 s)
 *             max_retries      1       64         8
 *             syn_retries      0       64         5
 *             time_wait_ms     10      600000     60000 (2MSL; small values for tests)
 *             delayed_ack_ms   0       499        40 (RFC 9293 3.8.6.3: < 0.5 s; 0 = off)
 *             fin_wait_2_ms    10      3600000    60000
 *             max_connections  1       16 Mi      65536 (per worker)
 *             max_time_wait    1       32 Mi      2 * max_connections (per worker)
 *             max_sack_state   1       16 Mi      max_connections / 8, at least
 *                                                 min(64, max_connections), at most
 *                                                 [limits] mbufs (per worker)
 *             local_port_min   1024    65535      32768 (active opens)
 *             local_port_max   1024    65535      60999; at least local_port_min
 *             initial_window   1       64         not set: RFC 6928, min(10 MSS,
 *                                                 max(2 MSS, 14600)) bytes; set: segments
 *             congestion_control  newreno | cubic (default cubic, as Linux)
 *             limited_transmit    on | off (RFC 3042, default on)
 *             backlog          1       16 Mi      1024 (half-open, per listener and worker)
 *             syn_cookies      auto | always | off    auto (not an integer)
 *             min_mss          88      536        216 (FreeBSD's net.inet.tcp.minmss):
 *                                                 a peer's smaller MSS is raised to it
 *             nagle            on|off             on (RFC 1122 4.2.3.4)
 *             keepalive        on|off             off (RFC 1122 4.2.3.6)
 *             keepalive_idle_ms 10     86400000   7200000 (RFC 1122: >= 2 h by default)
 *             keepalive_interval_ms 10 86400000   75000
 *             keepalive_count  1       127        9
 *             zero_window_timeout_ms 0 86400000   600000 (0: never)
 *             challenge_ack_limit 1    1000000    1000 (RFC 5961 §7, per second and worker)
 *             window_scaling   on|off             on
 *             timestamps       on|off             on
 *             sack             on|off             on
 *   [limits]  mbufs            1023    16 Mi      65535 (per worker pool)
 *   [workers] count            0       128        0 (one per EAL worker lcore)
 *             burst            1       64         64
 *             rx_desc          64      32768      1024
 *             tx_desc          64      32768      1024
 *             handoff_ring     256     1 Mi       4096 (a power of two)
 *             rx_workers       0       128        0 (all workers); at most count
 *   [listen.] address port     1       65535
 */
#define CFG_MTU_MIN 576
#define CFG_MTU_MAX 9000
#define CFG_MTU_DEFAULT 1500
#define CFG_TCP_OVERHEAD 40	/* IPv4 + TCP headers without options */

enum cfg_tcp_key {
	TK_MSS,
	TK_RCV_WINDOW,
	TK_SND_BUF,
	TK_RTO_INIT,
	TK_RTO_MIN,
	TK_RTO_MAX,
	TK_MAX_RETRIES,
	TK_SYN_RETRIES,
	TK_TIME_WAIT,
	TK_DELAYED_ACK,
	TK_FIN_WAIT_2,
	TK_MAX_CONN,
	TK_MAX_TIME_WAIT,
	TK_MAX_SACK_STATE,
	TK_LPORT_MIN,
	TK_LPORT_MAX,
	TK_INITIAL_WINDOW,
	TK_BACKLOG,
	TK_MIN_MSS,
	TK_NAGLE,
	TK_KEEPALIVE,
	TK_KA_IDLE,
	TK_KA_INTERVAL,
	TK_KA_COUNT,
	TK_LIMITED_TRANSMIT,
	TK_ZWND_TIMEOUT,
	TK_CHALLENGE_LIMIT,
	TK_WINDOW_SCALING,
	TK_TIMESTAMPS,
	TK_SACK,
	TK_COUNT
};

struct cfg_uint_key {
	const char *name;
	size_t off;		/* offset in struct tt_tcp_cfg */
	size_t size;		/* 1, 2 or 4 bytes */
	uint64_t min;
	uint64_t max;
	bool onoff;		/* `on` or `off`, stored as 1 or 0 */
};

#define TCP_KEY(n, lo, hi) { #n, offsetof(struct tt_tcp_cfg, n), \
	sizeof(((struct tt_tcp_cfg *)0)->n), lo, hi, false }
#define TCP_ONOFF(n) { #n, offsetof(struct tt_tcp_cfg, n), \
	sizeof(((struct tt_tcp_cfg *)0)->n), 0, 1, true }

/*
 * SACK state blocks: one per eight connections, at least 64 (or one per
 * connection), and no more than the worker's mbufs. A connection needs a
 * block while it holds segments out of order or SACKed data in flight,
 * in recovery or with an undo pending (tt_tcp.h, struct tt_tcb_ext): all
 * of these hold at least one of the pool's mbufs (in the reassembly queue
 * or the send queue), so more blocks than mbufs would never all be in use.
 * (The exceptions are brief: a D-SACK to report, only a FIN in flight;
 * without a block they are counted in sack_state_unavailable and the
 * connection goes on, tt_tcp.h.)
 */
static uint32_t
tt_default_sack_state(uint32_t max_connections, uint32_t mbufs)
{
	return RTE_MIN(RTE_MAX(max_connections / 8, RTE_MIN(max_connections, 64u)), mbufs);
}

static const struct cfg_uint_key tcp_keys[TK_COUNT] = {
	[TK_MSS] = TCP_KEY(mss, 88, 9000),
	[TK_RCV_WINDOW] = TCP_KEY(rcv_window, 1024, (1u << 30) - 1),
	[TK_SND_BUF] = TCP_KEY(snd_buf, 1024, 16u << 20),
	[TK_RTO_INIT] = TCP_KEY(rto_init_ms, 1, 600000),
	[TK_RTO_MIN] = TCP_KEY(rto_min_ms, 1, 600000),
	[TK_RTO_MAX] = TCP_KEY(rto_max_ms, 1, 600000),
	[TK_MAX_RETRIES] = TCP_KEY(max_retries, 1, 64),
	[TK_SYN_RETRIES] = TCP_KEY(syn_retries, 0, 64),
	[TK_TIME_WAIT] = TCP_KEY(time_wait_ms, 10, 600000),
	[TK_DELAYED_ACK] = TCP_KEY(delayed_ack_ms, 0, 499),
	[TK_FIN_WAIT_2] = TCP_KEY(fin_wait_2_ms, 10, 3600000),
	[TK_MAX_CONN] = TCP_KEY(max_connections, 1, 16u << 20),
	[TK_MAX_TIME_WAIT] = TCP_KEY(max_time_wait, 1, 32u << 20),
	[TK_MAX_SACK_STATE] = TCP_KEY(max_sack_state, 1, 16u << 20),
	[TK_LPORT_MIN] = TCP_KEY(local_port_min, 1024, 65535),
	[TK_LPORT_MAX] = TCP_KEY(local_port_max, 1024, 65535),
	[TK_INITIAL_WINDOW] = TCP_KEY(initial_window, 1, 64),
	[TK_BACKLOG] = TCP_KEY(backlog, 1, 16u << 20),
	[TK_MIN_MSS] = TCP_KEY(min_mss, 88, 536),
	[TK_NAGLE] = TCP_ONOFF(nagle),
	[TK_KEEPALIVE] = TCP_ONOFF(keepalive),
	[TK_KA_IDLE] = TCP_KEY(keepalive_idle_ms, 10, 86400000),
	[TK_KA_INTERVAL] = TCP_KEY(keepalive_interval_ms, 10, 86400000),
	[TK_KA_COUNT] = TCP_KEY(keepalive_count, 1, 127),
	[TK_LIMITED_TRANSMIT] = TCP_ONOFF(limited_transmit),
	[TK_ZWND_TIMEOUT] = TCP_KEY(zero_window_timeout_ms, 0, 86400000),
	[TK_CHALLENGE_LIMIT] = TCP_KEY(challenge_ack_limit, 1, 1000000),
	[TK_WINDOW_SCALING] = TCP_ONOFF(window_scaling),
	[TK_TIMESTAMPS] = TCP_ONOFF(timestamps),
	[TK_SACK] = TCP_ONOFF(sack),
};

static const char *const syn_cookies_names[] = {
	[TT_SYNCOOKIES_AUTO] = "auto",
	[TT_SYNCOOKIES_ALWAYS] = "always",
	[TT_SYNCOOKIES_OFF] = "off",
};



#define WORKERS_KEY(n, lo, hi) { #n, offsetof(struct tt_workers_cfg, n), \
	sizeof(((struct tt_workers_cfg *)0)->n), lo, hi, false }

static const struct cfg_uint_key workers_keys[] = {
	WORKERS_KEY(count, 0, 128),
	WORKERS_KEY(burst, 1, 64),
	WORKERS_KEY(rx_desc, 64, 32768),
	WORKERS_KEY(tx_desc, 64, 32768),
	WORKERS_KEY(handoff_ring, 256, 1u << 20),
	WORKERS_KEY(rx_workers, 0, 128),
};

#define CFG_MBUFS_MIN 1023
#define CFG_MBUFS_MAX (16u << 20)

/* One section as rte_cfgfile holds it. */
struct cfg_section {
	char name[CFG_NAME_LEN];
	struct rte_cfgfile_entry *entries;
	int n_entries;
};

struct cfg_ctx {
	const char *path;
	char *err;
	size_t errlen;
	const struct tt_service *const *svcs;
	struct cfg_section *sects;
	int n_sects;
};

/*
 * Write one line "<file>: [<section>] <key>: <what>" (section and key
 * optional) into the caller's buffer and return @p rc.
 */
static int __rte_format_printf(5, 6)
cfg_error(const struct cfg_ctx *ctx, int rc, const char *sect, const char *key,
	  const char *fmt, ...)
{
	char what[CFG_WHAT_LEN];
	va_list ap;
	char *p;

	if (ctx->err == NULL || ctx->errlen == 0)
		return rc;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	if (sect == NULL)
		snprintf(ctx->err, ctx->errlen, "%s: %s", ctx->path, what);
	else if (key == NULL)
		snprintf(ctx->err, ctx->errlen, "%s: [%s]: %s", ctx->path, sect, what);
	else
		snprintf(ctx->err, ctx->errlen, "%s: [%s] %s: %s", ctx->path, sect, key, what);

	/* Keep it one printable line whatever the file contained. */
	for (p = ctx->err; *p != '\0'; p++) {
		if (iscntrl((unsigned char)*p))
			*p = '?';
	}
	return rc;
}

/* Strip leading and trailing isspace() characters in place, as rte_cfgfile does. */
static char *
cfg_strip(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Check one line (no newline) already cut of its comment; @p sect tracks [section]. */
static int
cfg_scan_line(const struct cfg_ctx *ctx, char *line, unsigned int lineno,
	      char *sect, bool *have_sect)
{
	char *s = cfg_strip(line);
	char *end, *eq, *name, *key, *value;

	if (*s == '\0')
		return 0;

	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return cfg_error(ctx, -EINVAL, NULL, NULL,
					 "line %u: section header without ']'", lineno);
		*end = '\0';
		if (*cfg_strip(end + 1) != '\0')
			return cfg_error(ctx, -EINVAL, NULL, NULL,
					 "line %u: unexpected text after ']'", lineno);
		name = cfg_strip(s + 1);
		if (strlen(name) >= CFG_NAME_LEN)
			return cfg_error(ctx, -EINVAL, NULL, NULL,
					 "line %u: section name longer than %d characters",
					 lineno, CFG_NAME_LEN - 1);
		strcpy(sect, name);
		*have_sect = true;
		return 0;
	}

	eq = strchr(s, '=');
	if (eq == NULL) {
		if (*have_sect)
			return cfg_error(ctx, -EINVAL, sect, NULL,
					 "line %u: expected 'key = value', got '%s'", lineno, s);
		return cfg_error(ctx, -EINVAL, NULL, NULL,
				 "line %u: expected '[section]', got '%s'", lineno, s);
	}
	*eq = '\0';
	key = cfg_strip(s);
	value = cfg_strip(eq + 1);

	if (!*have_sect)
		return cfg_error(ctx, -EINVAL, NULL, NULL,
				 "line %u: key '%s' before any [section]", lineno, key);
	if (*key == '\0')
		return cfg_error(ctx, -EINVAL, sect, NULL,
				 "line %u: missing key name before '='", lineno);
	if (strlen(key) >= CFG_NAME_LEN)
		return cfg_error(ctx, -EINVAL, sect, NULL,
				 "line %u: key name longer than %d characters",
				 lineno, CFG_NAME_LEN - 1);
	if (*value == '\0')
		return cfg_error(ctx, -EINVAL, sect, key, "empty value (line %u)", lineno);
	if (strlen(value) >= CFG_VALUE_LEN)
		return cfg_error(ctx, -EINVAL, sect, key,
				 "value longer than %d characters (line %u)",
				 CFG_VALUE_LEN - 1, lineno);
	return 0;
}

/* The syntax pass: see the comment at the top of the file. */
static int
cfg_scan(const struct cfg_ctx *ctx)
{
	char sect[CFG_NAME_LEN] = "";
	bool have_sect = false;
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	f = fopen(ctx->path, "r");
	if (f == NULL) {
		rc = -errno;
		return cfg_error(ctx, rc, NULL, NULL, "cannot open: %s", strerror(-rc));
	}

	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n;
		char *hash;

		lineno++;
		if (memchr(line, '\0', len) != NULL) {
			rc = cfg_error(ctx, -EINVAL, NULL, NULL,
				       "line %u: contains a NUL byte", lineno);
			break;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > CFG_LINE_MAX) {
			rc = cfg_error(ctx, -EINVAL, NULL, NULL,
				       "line %u: longer than %d characters", lineno, CFG_LINE_MAX);
			break;
		}
		/* rte_cfgfile looks at the first comment character only. */
		hash = memchr(line, CFG_COMMENT, len);
		if (hash != NULL && (hash == line || hash[-1] != '\\'))
			*hash = '\0';
		rc = cfg_scan_line(ctx, line, lineno, sect, &have_sect);
	}
	if (rc == 0 && ferror(f))
		rc = cfg_error(ctx, -EIO, NULL, NULL, "read error");

	free(line);
	fclose(f);
	return rc;
}

/* Copy every section out of rte_cfgfile, in file order. */
static int
cfg_read_sections(struct cfg_ctx *ctx, struct rte_cfgfile *file)
{
	int n, i;

	n = rte_cfgfile_num_sections(file, "", 0);
	if (n <= 0)
		return 0;
	ctx->sects = calloc(n, sizeof(*ctx->sects));
	if (ctx->sects == NULL)
		return cfg_error(ctx, -ENOMEM, NULL, NULL, "out of memory");

	for (i = 0; i < n; i++) {
		struct cfg_section *s = &ctx->sects[i];
		int ne;

		ne = rte_cfgfile_section_num_entries_by_index(file, s->name, i);
		if (ne < 0)
			return cfg_error(ctx, -EINVAL, NULL, NULL, "cannot be parsed");
		ctx->n_sects = i + 1;
		if (ne == 0)
			continue;
		s->entries = calloc(ne, sizeof(*s->entries));
		if (s->entries == NULL)
			return cfg_error(ctx, -ENOMEM, NULL, NULL, "out of memory");
		s->n_entries = rte_cfgfile_section_entries_by_index(file, i, s->name,
								     s->entries, ne);
		if (s->n_entries != ne)
			return cfg_error(ctx, -EINVAL, NULL, NULL, "cannot be parsed");
	}
	return 0;
}

static void
cfg_free_sections(struct cfg_ctx *ctx)
{
	int i;

	if (ctx->sects == NULL)
		return;
	for (i = 0; i < ctx->n_sects; i++)
		free(ctx->sects[i].entries);
	free(ctx->sects);
	ctx->sects = NULL;
	ctx->n_sects = 0;
}

/* Port index of a "portN" section name, or -1. */
static int
cfg_port_index(const char *name)
{
	if (strncmp(name, "port", 4) != 0 || name[4] < '0' || name[4] > '9' || name[5] != '\0')
		return -1;
	return name[4] - '0';
}

static bool
cfg_is_listener(const char *name)
{
	return strncmp(name, "listen.", 7) == 0;
}

/* Every section known, none twice, no key twice within a section. */
static int
cfg_check_sections(const struct cfg_ctx *ctx)
{
	int i, j, k;

	for (i = 0; i < ctx->n_sects; i++) {
		const struct cfg_section *s = &ctx->sects[i];
		int port = cfg_port_index(s->name);

		if (port >= TT_MAX_PORTS)
			return cfg_error(ctx, -EINVAL, s->name, NULL,
					 "unknown section (ports are port0..port%d)",
					 TT_MAX_PORTS - 1);
		if (port < 0 && strcmp(s->name, "tcp") != 0 && strcmp(s->name, "limits") != 0 &&
		    strcmp(s->name, "workers") != 0 && !cfg_is_listener(s->name))
			return cfg_error(ctx, -EINVAL, s->name, NULL,
					 "unknown section (expected port0..port%d, tcp, limits, "
					 "workers or listen.NAME)", TT_MAX_PORTS - 1);
		for (j = 0; j < i; j++) {
			if (strcmp(ctx->sects[j].name, s->name) == 0)
				return cfg_error(ctx, -EINVAL, s->name, NULL,
						 "section appears more than once");
		}
		for (j = 0; j < s->n_entries; j++) {
			for (k = 0; k < j; k++) {
				if (strcmp(s->entries[k].name, s->entries[j].name) == 0)
					return cfg_error(ctx, -EINVAL, s->name,
							 s->entries[j].name,
							 "key appears more than once");
			}
		}
	}
	return 0;
}

static const struct cfg_section *
cfg_find_section(const struct cfg_ctx *ctx, const char *name)
{
	int i;

	for (i = 0; i < ctx->n_sects; i++) {
		if (strcmp(ctx->sects[i].name, name) == 0)
			return &ctx->sects[i];
	}
	return NULL;
}

static const char *
cfg_find_entry(const struct cfg_section *s, const char *key)
{
	int i;

	for (i = 0; i < s->n_entries; i++) {
		if (strcmp(s->entries[i].name, key) == 0)
			return s->entries[i].value;
	}
	return NULL;
}

/*
 * Decimal unsigned integer in [min, max]: digits only (no sign, no space,
 * no hex), the whole value, no overflow.
 */
static int
cfg_parse_uint(const struct cfg_ctx *ctx, const char *sect, const char *key,
	       const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)value[0]))
		return cfg_error(ctx, -EINVAL, sect, key,
				 "'%s' is not an integer in %" PRIu64 "..%" PRIu64,
				 value, min, max);
	errno = 0;
	v = strtoull(value, &end, 10);
	if (*end != '\0')
		return cfg_error(ctx, -EINVAL, sect, key,
				 "'%s' is not an integer in %" PRIu64 "..%" PRIu64
				 " (unexpected '%s')", value, min, max, end);
	if (errno == ERANGE || v < min || v > max)
		return cfg_error(ctx, -ERANGE, sect, key,
				 "'%s' is out of range %" PRIu64 "..%" PRIu64, value, min, max);
	*out = v;
	return 0;
}

/* A switch: exactly `on` or `off`. */
static int
cfg_parse_onoff(const struct cfg_ctx *ctx, const char *sect, const char *key,
		const char *value, uint64_t *out)
{
	if (strcmp(value, "on") == 0)
		*out = 1;
	else if (strcmp(value, "off") == 0)
		*out = 0;
	else
		return cfg_error(ctx, -EINVAL, sect, key, "'%s' is not on or off", value);
	return 0;
}

/* Dotted quad into network order; inet_pton() rejects everything else. */
static int
cfg_parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

static uint32_t
cfg_mask(unsigned int prefix)
{
	return prefix == 0 ? 0 : htonl(UINT32_MAX << (32 - prefix));
}

static void
cfg_ntoa(uint32_t addr, char *buf)
{
	struct in_addr a = { .s_addr = addr };

	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* `address = A.B.C.D/P`: a unicast host address that is not the subnet's network or broadcast. */
static int
cfg_parse_port_address(const struct cfg_ctx *ctx, const char *sect, const char *value,
		       struct tt_port_cfg *pc)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash;
	uint64_t prefix;
	uint32_t a, h, mask;
	size_t len;
	int rc;

	slash = strchr(value, '/');
	if (slash == NULL)
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not A.B.C.D/PREFIX (prefix length missing)", value);
	len = (size_t)(slash - value);
	if (len >= sizeof(buf))
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not A.B.C.D/PREFIX", value);
	memcpy(buf, value, len);
	buf[len] = '\0';
	if (cfg_parse_ipv4(buf, &a) != 0)
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not A.B.C.D/PREFIX ('%s' is not an IPv4 address)",
				 value, buf);
	rc = cfg_parse_uint(ctx, sect, "address", slash + 1, 1, 32, &prefix);
	if (rc != 0)
		return cfg_error(ctx, rc, sect, "address",
				 "'%s': prefix length '%s' is not an integer in 1..32",
				 value, slash + 1);

	h = ntohl(a);
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 14)
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not a unicast host address", value);
	mask = cfg_mask((unsigned int)prefix);
	if (prefix <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask))
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is the network or broadcast address of its subnet", value);
	pc->addr = a;
	pc->prefix = (uint8_t)prefix;
	return 0;
}

static int
cfg_parse_port(const struct cfg_ctx *ctx, const struct cfg_section *s, struct tt_port_cfg *pc)
{
	const char *gw = NULL;
	bool have_addr = false;
	uint64_t v;
	int i, rc;

	pc->mtu = CFG_MTU_DEFAULT;
	pc->n_addrs = 1;
	for (i = 0; i < s->n_entries; i++) {
		const char *key = s->entries[i].name;
		const char *value = s->entries[i].value;

		if (strcmp(key, "address") == 0) {
			rc = cfg_parse_port_address(ctx, s->name, value, pc);
			if (rc != 0)
				return rc;
			have_addr = true;
		} else if (strcmp(key, "gateway") == 0) {
			gw = value;	/* checked once the prefix is known */
		} else if (strcmp(key, "mtu") == 0) {
			rc = cfg_parse_uint(ctx, s->name, key, value, CFG_MTU_MIN, CFG_MTU_MAX, &v);
			if (rc != 0)
				return rc;
			pc->mtu = (uint16_t)v;
		} else if (strcmp(key, "addresses") == 0) {
			rc = cfg_parse_uint(ctx, s->name, key, value, 1, 65536, &v);
			if (rc != 0)
				return rc;
			pc->n_addrs = (uint32_t)v;
		} else {
			return cfg_error(ctx, -EINVAL, s->name, key,
					 "unknown key (expected address, addresses, gateway or mtu)");
		}
	}
	if (!have_addr)
		return cfg_error(ctx, -EINVAL, s->name, "address",
				 "missing (required: address = A.B.C.D/PREFIX)");
	if (pc->n_addrs > 1) {
		uint32_t mask = cfg_mask(pc->prefix);
		uint64_t last = (uint64_t)ntohl(pc->addr) + pc->n_addrs - 1;

		if (last > UINT32_MAX || (htonl((uint32_t)last) & mask) != (pc->addr & mask) ||
		    (pc->prefix <= 30 && (htonl((uint32_t)last) & ~mask) == ~mask))
			return cfg_error(ctx, -EINVAL, s->name, "addresses",
					 "%u addresses from %s do not fit in its subnet",
					 pc->n_addrs, "address");
	}

	if (gw != NULL) {
		uint32_t mask = cfg_mask(pc->prefix);
		uint32_t g;

		if (cfg_parse_ipv4(gw, &g) != 0)
			return cfg_error(ctx, -EINVAL, s->name, "gateway",
					 "'%s' is not an IPv4 address", gw);
		if ((g & mask) != (pc->addr & mask))
			return cfg_error(ctx, -EINVAL, s->name, "gateway",
					 "'%s' is outside the port's subnet", gw);
		if (g == pc->addr)
			return cfg_error(ctx, -EINVAL, s->name, "gateway",
					 "'%s' is the port's own address", gw);
		if (pc->prefix <= 30 && ((g & ~mask) == 0 || (g & ~mask) == ~mask))
			return cfg_error(ctx, -EINVAL, s->name, "gateway",
					 "'%s' is the network or broadcast address of the subnet",
					 gw);
		pc->gateway = g;
	}
	return 0;
}

/* [port0].. contiguous, each valid, no address used twice. */
static int
cfg_parse_ports(const struct cfg_ctx *ctx, struct tt_config *cfg)
{
	const struct cfg_section *found[TT_MAX_PORTS];
	char name[CFG_NAME_LEN];
	unsigned int i, j;
	int rc;

	for (i = 0; i < TT_MAX_PORTS; i++) {
		snprintf(name, sizeof(name), "port%u", i);
		found[i] = cfg_find_section(ctx, name);
	}
	if (found[0] == NULL)
		return cfg_error(ctx, -EINVAL, "port0", NULL,
				 "missing section (at least one port is required)");
	for (i = 1; i < TT_MAX_PORTS; i++) {
		if (found[i] != NULL && found[i - 1] == NULL)
			return cfg_error(ctx, -EINVAL, found[i]->name, NULL,
					 "ports must be numbered from port0 without gaps "
					 "([port%u] is missing)", i - 1);
	}

	for (i = 0; i < TT_MAX_PORTS && found[i] != NULL; i++) {
		rc = cfg_parse_port(ctx, found[i], &cfg->ports[i]);
		if (rc != 0)
			return rc;
		for (j = 0; j < i; j++) {
			if (cfg->ports[j].addr == cfg->ports[i].addr)
				return cfg_error(ctx, -EINVAL, found[i]->name, "address",
						 "same address as [port%u]", j);
		}
		cfg->n_ports = i + 1;
	}
	return 0;
}

static void
cfg_store(void *base, const struct cfg_uint_key *k, uint64_t v)
{
	char *p = (char *)base + k->off;

	if (k->size == sizeof(uint8_t)) {
		*(uint8_t *)p = (uint8_t)v;
	} else if (k->size == sizeof(uint16_t)) {
		uint16_t v16 = (uint16_t)v;

		memcpy(p, &v16, sizeof(v16));
	} else {
		uint32_t v32 = (uint32_t)v;

		memcpy(p, &v32, sizeof(v32));
	}
}

static int
cfg_parse_syn_cookies(const struct cfg_ctx *ctx, const char *sect, const char *key,
		      const char *value, struct tt_tcp_cfg *t)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(syn_cookies_names); i++) {
		if (strcmp(value, syn_cookies_names[i]) == 0) {
			t->syn_cookies = i;
			return 0;
		}
	}
	return cfg_error(ctx, -EINVAL, sect, key, "'%s' is not auto, always or off", value);
}

static int
cfg_parse_tcp(const struct cfg_ctx *ctx, struct tt_config *cfg)
{
	const struct cfg_section *s = cfg_find_section(ctx, "tcp");
	struct tt_tcp_cfg *t = &cfg->tcp;
	bool set[TK_COUNT] = { false };
	uint16_t min_mtu = UINT16_MAX;
	unsigned int min_port = 0, p;
	uint64_t v;
	int i, k, rc;

	for (i = 0; s != NULL && i < s->n_entries; i++) {
		const char *key = s->entries[i].name;
		const char *value = s->entries[i].value;

		if (strcmp(key, "congestion_control") == 0) {
			int id = tt_cc_by_name(value);

			if (id < 0)
				return cfg_error(ctx, -EINVAL, s->name, key,
						 "'%s' is not newreno or cubic", value);
			t->congestion_control = (uint8_t)id;
			continue;
		}
		if (strcmp(key, "syn_cookies") == 0) {
			rc = cfg_parse_syn_cookies(ctx, s->name, key, s->entries[i].value, t);
			if (rc != 0)
				return rc;
			continue;
		}
		for (k = 0; k < TK_COUNT; k++) {
			if (strcmp(key, tcp_keys[k].name) == 0)
				break;
		}
		if (k == TK_COUNT)
			return cfg_error(ctx, -EINVAL, s->name, key, "unknown key");
		if (tcp_keys[k].onoff)
			rc = cfg_parse_onoff(ctx, s->name, key, s->entries[i].value, &v);
		else
			rc = cfg_parse_uint(ctx, s->name, key, s->entries[i].value,
					    tcp_keys[k].min, tcp_keys[k].max, &v);
		if (rc != 0)
			return rc;
		cfg_store(t, &tcp_keys[k], v);
		set[k] = true;
	}

	/* Defaults that follow other keys. */
	if (!set[TK_MAX_TIME_WAIT])
		t->max_time_wait = 2 * t->max_connections;
	if (!set[TK_MAX_SACK_STATE])
		t->max_sack_state = tt_default_sack_state(t->max_connections, cfg->limits.mbufs);
	for (p = 0; p < cfg->n_ports; p++) {
		if (cfg->ports[p].mtu < min_mtu) {
			min_mtu = cfg->ports[p].mtu;
			min_port = p;
		}
	}
	if (cfg->n_ports > 0 && t->mss > min_mtu - CFG_TCP_OVERHEAD) {
		if (!set[TK_MSS])
			t->mss = min_mtu - CFG_TCP_OVERHEAD;
		else
			return cfg_error(ctx, -EINVAL, "tcp", "mss",
					 "%u exceeds the MTU of [port%u] minus %d (%u)",
					 t->mss, min_port, CFG_TCP_OVERHEAD,
					 min_mtu - CFG_TCP_OVERHEAD);
	}
	if (!t->window_scaling && !set[TK_RCV_WINDOW])
		t->rcv_window = 65535;	/* the default without scaling */
	if (!t->window_scaling && t->rcv_window > 65535)
		return cfg_error(ctx, -EINVAL, "tcp", "rcv_window",
				 "%u needs window_scaling = on (at most 65535 without)",
				 t->rcv_window);
	if (t->rto_min_ms > t->rto_max_ms)
		return cfg_error(ctx, -EINVAL, "tcp", "rto_min_ms",
				 "%u is greater than rto_max_ms (%u)",
				 t->rto_min_ms, t->rto_max_ms);
	if (t->local_port_min > t->local_port_max)
		return cfg_error(ctx, -EINVAL, "tcp", "local_port_min",
				 "%u is greater than local_port_max (%u)",
				 t->local_port_min, t->local_port_max);
	if (!set[TK_RTO_INIT])
		t->rto_init_ms = RTE_MIN(RTE_MAX(t->rto_init_ms, t->rto_min_ms), t->rto_max_ms);
	else if (t->rto_init_ms < t->rto_min_ms || t->rto_init_ms > t->rto_max_ms)
		return cfg_error(ctx, -EINVAL, "tcp", "rto_init_ms",
				 "%u is outside rto_min_ms..rto_max_ms (%u..%u)",
				 t->rto_init_ms, t->rto_min_ms, t->rto_max_ms);
	return 0;
}

static int
cfg_parse_limits(const struct cfg_ctx *ctx, struct tt_config *cfg)
{
	const struct cfg_section *s = cfg_find_section(ctx, "limits");
	uint64_t v;
	int i, rc;

	for (i = 0; s != NULL && i < s->n_entries; i++) {
		const char *key = s->entries[i].name;

		if (strcmp(key, "mbufs") != 0)
			return cfg_error(ctx, -EINVAL, s->name, key,
					 "unknown key (expected mbufs)");
		rc = cfg_parse_uint(ctx, s->name, key, s->entries[i].value,
				    CFG_MBUFS_MIN, CFG_MBUFS_MAX, &v);
		if (rc != 0)
			return rc;
		cfg->limits.mbufs = (uint32_t)v;
	}
	return 0;
}

static int
cfg_parse_workers(const struct cfg_ctx *ctx, struct tt_config *cfg)
{
	const struct cfg_section *s = cfg_find_section(ctx, "workers");
	uint64_t v;
	size_t k;
	int i, rc;

	for (i = 0; s != NULL && i < s->n_entries; i++) {
		const char *key = s->entries[i].name;

		for (k = 0; k < RTE_DIM(workers_keys); k++)
			if (strcmp(key, workers_keys[k].name) == 0)
				break;
		if (k == RTE_DIM(workers_keys))
			return cfg_error(ctx, -EINVAL, s->name, key, "unknown key (expected count, "
					 "burst, rx_desc, tx_desc, handoff_ring or rx_workers)");
		rc = cfg_parse_uint(ctx, s->name, key, s->entries[i].value,
				    workers_keys[k].min, workers_keys[k].max, &v);
		if (rc != 0)
			return rc;
		if (strcmp(key, "handoff_ring") == 0 && !rte_is_power_of_2((uint32_t)v))
			return cfg_error(ctx, -EINVAL, s->name, key, "%" PRIu64 " is not a power of two", v);
		*(uint32_t *)((char *)&cfg->workers + workers_keys[k].off) = (uint32_t)v;
	}
	if (cfg->workers.count != 0 && cfg->workers.rx_workers > cfg->workers.count)
		return cfg_error(ctx, -EINVAL, "workers", "rx_workers",
				 "%u is more than count (%u)", cfg->workers.rx_workers,
				 cfg->workers.count);
	return 0;
}

/* `address = *:PORT` or `A.B.C.D:PORT`, A.B.C.D being the address of a port. */
static int
cfg_parse_listen_address(const struct cfg_ctx *ctx, const struct tt_config *cfg,
			 const char *sect, const char *value, struct tt_listen_cfg *l)
{
	char host[INET_ADDRSTRLEN];
	const char *colon;
	uint64_t port;
	unsigned int i;
	size_t len;
	int rc;

	colon = strrchr(value, ':');
	if (colon == NULL)
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not *:PORT or A.B.C.D:PORT", value);
	len = (size_t)(colon - value);
	if (len >= sizeof(host))
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not *:PORT or A.B.C.D:PORT", value);
	memcpy(host, value, len);
	host[len] = '\0';

	rc = cfg_parse_uint(ctx, sect, "address", colon + 1, 1, 65535, &port);
	if (rc != 0)
		return cfg_error(ctx, rc, sect, "address",
				 "'%s': port '%s' is not an integer in 1..65535",
				 value, colon + 1);
	l->port = (uint16_t)port;

	if (strcmp(host, "*") == 0) {
		l->addr = 0;
		return 0;
	}
	if (cfg_parse_ipv4(host, &l->addr) != 0)
		return cfg_error(ctx, -EINVAL, sect, "address",
				 "'%s' is not *:PORT or A.B.C.D:PORT ('%s' is not an IPv4 address)",
				 value, host);
	for (i = 0; i < cfg->n_ports; i++) {
		if (cfg->ports[i].addr == l->addr)
			return 0;
	}
	return cfg_error(ctx, -EINVAL, sect, "address",
			 "'%s': %s is not the address of any [portN]", value, host);
}

static const struct tt_service *
cfg_find_service(const struct cfg_ctx *ctx, const char *name)
{
	const struct tt_service *const *s;

	for (s = ctx->svcs; s != NULL && *s != NULL; s++) {
		if ((*s)->name != NULL && strcmp((*s)->name, name) == 0)
			return *s;
	}
	return NULL;
}

static int
cfg_unknown_service(const struct cfg_ctx *ctx, const char *sect, const char *name)
{
	const struct tt_service *const *s;
	char known[CFG_WHAT_LEN / 2] = "";
	size_t off = 0;

	for (s = ctx->svcs; s != NULL && *s != NULL && off < sizeof(known); s++) {
		int n = snprintf(known + off, sizeof(known) - off, "%s%s",
				 off == 0 ? "" : ", ", (*s)->name);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return cfg_error(ctx, -EINVAL, sect, "service", "unknown service '%s' (known: %s)",
			 name, known[0] == '\0' ? "none" : known);
}

/* The service's options block: opts_init(), then opt() for each remaining key in file order. */
static int
cfg_listener_opts(const struct cfg_ctx *ctx, const struct cfg_section *s,
		  struct tt_listen_cfg *l)
{
	const struct tt_service *svc = l->svc;
	char msg[CFG_SVC_MSG_LEN];
	int i, rc;

	if (svc->opts_size > 0) {
		l->opts = calloc(1, svc->opts_size);
		if (l->opts == NULL)
			return cfg_error(ctx, -ENOMEM, s->name, NULL, "out of memory");
	}
	if (svc->opts_init != NULL)
		svc->opts_init(l->opts);

	for (i = 0; i < s->n_entries; i++) {
		const char *key = s->entries[i].name;
		const char *value = s->entries[i].value;

		if (strcmp(key, "address") == 0 || strcmp(key, "service") == 0)
			continue;
		if (svc->opt == NULL)
			return cfg_error(ctx, -EINVAL, s->name, key,
					 "unknown key (service '%s' takes no options)", svc->name);
		msg[0] = '\0';
		rc = svc->opt(l->opts, key, value, msg, sizeof(msg));
		msg[sizeof(msg) - 1] = '\0';
		if (rc == 0)
			continue;
		if (rc == -ENOENT)
			return cfg_error(ctx, -EINVAL, s->name, key,
					 "unknown key for service '%s'", svc->name);
		if (rc > 0)
			rc = -EINVAL;
		if (msg[0] != '\0')
			return cfg_error(ctx, rc, s->name, key, "%s", msg);
		return cfg_error(ctx, rc, s->name, key, "invalid value '%s' (%s)",
				 value, strerror(-rc));
	}
	return 0;
}

static int
cfg_parse_listener(const struct cfg_ctx *ctx, struct tt_config *cfg, const struct cfg_section *s)
{
	const char *name = s->name + strlen("listen.");
	const char *addr, *svcname, *c;
	struct tt_listen_cfg *l;
	unsigned int i;
	int rc;

	if (*name == '\0' || strlen(name) >= TT_NAME_LEN)
		return cfg_error(ctx, -EINVAL, s->name, NULL,
				 "listener name must be 1..%d characters", TT_NAME_LEN - 1);
	for (c = name; *c != '\0'; c++) {
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return cfg_error(ctx, -EINVAL, s->name, NULL,
					 "listener name may only contain letters, digits, "
					 "'_' and '-'");
	}
	if (cfg->n_listeners >= TT_MAX_LISTENERS)
		return cfg_error(ctx, -ENOSPC, s->name, NULL,
				 "too many listeners (at most %d)", TT_MAX_LISTENERS);

	addr = cfg_find_entry(s, "address");
	if (addr == NULL)
		return cfg_error(ctx, -EINVAL, s->name, "address",
				 "missing (required: address = *:PORT or A.B.C.D:PORT)");
	svcname = cfg_find_entry(s, "service");
	if (svcname == NULL)
		return cfg_error(ctx, -EINVAL, s->name, "service",
				 "missing (required: service = NAME)");

	/* Counted at once so that a failure below frees its options too. */
	l = &cfg->listeners[cfg->n_listeners++];
	memset(l, 0, sizeof(*l));
	strcpy(l->name, name);

	rc = cfg_parse_listen_address(ctx, cfg, s->name, addr, l);
	if (rc != 0)
		return rc;
	for (i = 0; i + 1 < cfg->n_listeners; i++) {
		const struct tt_listen_cfg *o = &cfg->listeners[i];
		char a[INET_ADDRSTRLEN];

		if (o->port != l->port || (o->addr != l->addr && o->addr != 0 && l->addr != 0))
			continue;
		if (o->addr == 0)
			strcpy(a, "*");
		else
			cfg_ntoa(o->addr, a);
		return cfg_error(ctx, -EADDRINUSE, s->name, "address",
				 "'%s' overlaps [listen.%s] (%s:%u)", addr, o->name, a, o->port);
	}

	l->svc = cfg_find_service(ctx, svcname);
	if (l->svc == NULL)
		return cfg_unknown_service(ctx, s->name, svcname);
	return cfg_listener_opts(ctx, s, l);
}

static int
cfg_parse_listeners(const struct cfg_ctx *ctx, struct tt_config *cfg)
{
	int i, rc;

	for (i = 0; i < ctx->n_sects; i++) {
		if (!cfg_is_listener(ctx->sects[i].name))
			continue;
		rc = cfg_parse_listener(ctx, cfg, &ctx->sects[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
tt_config_defaults(struct tt_config *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < TT_MAX_PORTS; i++) {
		cfg->ports[i].mtu = CFG_MTU_DEFAULT;
		cfg->ports[i].n_addrs = 1;
	}

	cfg->tcp.mss = 1460;
	cfg->tcp.rcv_window = 1048576;
	cfg->tcp.snd_buf = 262144;
	cfg->tcp.rto_init_ms = 1000;
	cfg->tcp.rto_min_ms = 200;
	cfg->tcp.rto_max_ms = 60000;
	cfg->tcp.max_retries = 8;
	cfg->tcp.syn_retries = 5;
	cfg->tcp.time_wait_ms = 60000;
	cfg->tcp.delayed_ack_ms = 40;
	cfg->tcp.fin_wait_2_ms = 60000;
	cfg->tcp.max_connections = 65536;
	cfg->tcp.max_time_wait = 2 * 65536;
	cfg->tcp.max_sack_state = tt_default_sack_state(65536, 65535);

	cfg->tcp.local_port_min = 32768;
	cfg->tcp.local_port_max = 60999;
	cfg->tcp.initial_window = 0;
	cfg->tcp.congestion_control = TT_CC_CUBIC;
	cfg->tcp.limited_transmit = 1;
	cfg->tcp.backlog = 1024;
	cfg->tcp.syn_cookies = TT_SYNCOOKIES_AUTO;
	cfg->tcp.min_mss = 216;
	cfg->tcp.nagle = 1;
	cfg->tcp.keepalive = 0;
	cfg->tcp.keepalive_idle_ms = 7200000;
	cfg->tcp.keepalive_interval_ms = 75000;
	cfg->tcp.keepalive_count = 9;
	cfg->tcp.zero_window_timeout_ms = 600000;
	cfg->tcp.challenge_ack_limit = 1000;
	cfg->tcp.window_scaling = 1;
	cfg->tcp.timestamps = 1;
	cfg->tcp.sack = 1;

	cfg->limits.mbufs = 65535;

	cfg->workers.count = 0;
	cfg->workers.burst = 64;
	cfg->workers.rx_desc = 1024;
	cfg->workers.tx_desc = 1024;
	cfg->workers.handoff_ring = 4096;
}

int
tt_config_load(struct tt_config *cfg, const char *path,
	       const struct tt_service *const *svcs, char *err, size_t errlen)
{
	const struct rte_cfgfile_parameters params = { .comment_character = CFG_COMMENT };
	struct cfg_ctx ctx = {
		.path = path != NULL ? path : "(null)",
		.err = err,
		.errlen = errlen,
		.svcs = svcs,
	};
	struct rte_cfgfile *file;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (cfg == NULL)
		return cfg_error(&ctx, -EINVAL, NULL, NULL, "no configuration to fill");
	tt_config_defaults(cfg);
	if (path == NULL)
		return cfg_error(&ctx, -EINVAL, NULL, NULL, "no file name given");
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);

	rc = cfg_scan(&ctx);
	if (rc != 0)
		return rc;

	file = rte_cfgfile_load_with_params(path, 0, &params);
	if (file == NULL)
		return cfg_error(&ctx, -EINVAL, NULL, NULL, "cannot be parsed");
	rc = cfg_read_sections(&ctx, file);
	rte_cfgfile_close(file);

	if (rc == 0)
		rc = cfg_check_sections(&ctx);
	if (rc == 0)
		rc = cfg_parse_ports(&ctx, cfg);
	if (rc == 0)
		rc = cfg_parse_limits(&ctx, cfg);	/* first: [tcp] defaults follow mbufs */
	if (rc == 0)
		rc = cfg_parse_tcp(&ctx, cfg);
	if (rc == 0)
		rc = cfg_parse_workers(&ctx, cfg);
	if (rc == 0)
		rc = cfg_parse_listeners(&ctx, cfg);

	cfg_free_sections(&ctx);
	if (rc != 0)
		tt_config_free(cfg);
	return rc;
}

void
tt_config_free(struct tt_config *cfg)
{
	unsigned int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n_listeners && i < TT_MAX_LISTENERS; i++) {
		free(cfg->listeners[i].opts);
		cfg->listeners[i].opts = NULL;
	}
}
