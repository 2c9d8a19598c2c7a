/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Configuration parser: the shipped config/tcpterm.conf, a full custom
 * file, and one test per class of error, each checking the exact line the
 * operator would see. Fixtures are written from strings to temporary files,
 * so the test needs nothing but itself (and the source tree for the
 * shipped file). Needs no EAL.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "tt_config.h"

/* ---- A fake service table: same names as the real services ---- */

struct fake_http_opts {
	unsigned int status;
	char body[128];
	char content_type[64];
};

static void
fake_http_opts_init(void *opts)
{
	struct fake_http_opts *o = opts;

	o->status = 200;
	strcpy(o->content_type, "text/plain");
}

static int
fake_http_opt(void *opts, const char *key, const char *value, char *msg, size_t msglen)
{
	struct fake_http_opts *o = opts;
	unsigned long v;
	char *end;

	if (strcmp(key, "status") == 0) {
		errno = 0;
		v = strtoul(value, &end, 10);
		if (errno != 0 || *end != '\0' || v < 100 || v > 599) {
			snprintf(msg, msglen, "'%s' is not a status code in 100..599", value);
			return -EINVAL;
		}
		o->status = (unsigned int)v;
		return 0;
	}
	if (strcmp(key, "body") == 0) {
		if (strlen(value) >= sizeof(o->body)) {
			snprintf(msg, msglen, "longer than %zu bytes", sizeof(o->body) - 1);
			return -EINVAL;
		}
		strcpy(o->body, value);
		return 0;
	}
	if (strcmp(key, "content_type") == 0) {
		if (strlen(value) >= sizeof(o->content_type))
			return -EINVAL;	/* no message: the parser supplies one */
		strcpy(o->content_type, value);
		return 0;
	}
	return -ENOENT;
}

static const struct tt_service fake_echo = { .name = "echo" };
static const struct tt_service fake_discard = { .name = "discard" };
static const struct tt_service fake_source = { .name = "source" };
static const struct tt_service fake_http = {
	.name = "http",
	.opts_size = sizeof(struct fake_http_opts),
	.opts_init = fake_http_opts_init,
	.opt = fake_http_opt,
};

static const struct tt_service *const fake_services[] = {
	&fake_echo, &fake_discard, &fake_source, &fake_http, NULL,
};

/* ---- Fixtures ---- */

static char fx_path[256];
static char fx_err[512];
static struct tt_config fx_cfg;

/* Write @p len bytes to a fresh temporary file, load it, remove it. */
static int
load_bytes(const char *text, size_t len)
{
	const char *dir = getenv("TMPDIR");
	size_t off = 0;
	int fd, rc;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(fx_path, sizeof(fx_path), "%s/tt_config_XXXXXX", dir);
	fd = mkstemp(fx_path);
	assert_true(fd >= 0);
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		assert_true(n > 0);
		off += (size_t)n;
	}
	assert_int_equal(close(fd), 0);

	memset(fx_err, 'X', sizeof(fx_err));
	rc = tt_config_load(&fx_cfg, fx_path, fake_services, fx_err, sizeof(fx_err));
	unlink(fx_path);
	if (rc == 0)
		assert_string_equal(fx_err, "");
	return rc;
}

static int
load_text(const char *text)
{
	return load_bytes(text, strlen(text));
}

/*
 * Load @p text, expect failure with @p rc and the message
 * "<tmpfile>: <expected>" exactly.
 */
static void
expect_error(const char *text, int rc, const char *expected)
{
	char want[768];

	assert_int_equal(load_text(text), rc);
	snprintf(want, sizeof(want), "%s: %s", fx_path, expected);
	assert_string_equal(fx_err, want);
	/* Cleaned up by the failed load already; freeing again is harmless. */
	tt_config_free(&fx_cfg);
}

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

#define PORT0 "[port0]\naddress = 198.19.0.2/24\n"

/* ---- The shipped configuration ---- */

/* config/tcpterm.conf relative to this source file (meson compiles from the build root). */
static int
default_config_path(char *buf, size_t len)
{
	const char *root = getenv("TT_SOURCE_ROOT");
	const char *file = __FILE__;
	const char *slash = strrchr(file, '/');
	int i;

	for (i = 0; i < 4; i++) {
		if (i == 0 && root == NULL)
			continue;
		if (i == 0)
			snprintf(buf, len, "%s/config/tcpterm.conf", root);
		else if (i == 1 && slash != NULL)
			snprintf(buf, len, "%.*s/../../config/tcpterm.conf",
				 (int)(slash - file), file);
		else if (i == 1)
			snprintf(buf, len, "../../config/tcpterm.conf");
		else if (i == 2)
			snprintf(buf, len, "config/tcpterm.conf");
		else
			snprintf(buf, len, "../config/tcpterm.conf");
		if (access(buf, R_OK) == 0)
			return 0;
	}
	return -1;
}

static void
test_default_config(void **state)
{
	static const char *const names[] = { "echo", "discard", "source", "http" };
	static const uint16_t ports[] = { 7, 9, 19, 80 };
	const struct tt_service *svcs[] = { &fake_echo, &fake_discard, &fake_source, &fake_http };
	struct tt_config defaults;
	const struct fake_http_opts *h;
	char path[512];
	unsigned int i;
	int rc;

	(void)state;
	if (default_config_path(path, sizeof(path)) != 0)
		fail_msg("config/tcpterm.conf not found (set TT_SOURCE_ROOT)");
	rc = tt_config_load(&fx_cfg, path, fake_services, fx_err, sizeof(fx_err));
	if (rc != 0)
		fail_msg("%s", fx_err);

	assert_string_equal(fx_cfg.path, path);
	assert_int_equal(fx_cfg.n_ports, 1);
	assert_int_equal(fx_cfg.ports[0].addr, ip("198.18.0.2"));
	assert_int_equal(fx_cfg.ports[0].prefix, 24);
	assert_int_equal(fx_cfg.ports[0].gateway, ip("198.18.0.1"));
	assert_int_equal(fx_cfg.ports[0].mtu, 1500);

	/* Every [tcp] and [limits] key is written out at its default. */
	tt_config_defaults(&defaults);
	assert_memory_equal(&fx_cfg.tcp, &defaults.tcp, sizeof(defaults.tcp));
	assert_memory_equal(&fx_cfg.limits, &defaults.limits, sizeof(defaults.limits));

	assert_int_equal(fx_cfg.n_listeners, 4);
	for (i = 0; i < 4; i++) {
		const struct tt_listen_cfg *l = &fx_cfg.listeners[i];

		assert_string_equal(l->name, names[i]);
		assert_int_equal(l->addr, 0);
		assert_int_equal(l->port, ports[i]);
		assert_ptr_equal(l->svc, svcs[i]);
	}
	assert_null(fx_cfg.listeners[0].opts);
	h = fx_cfg.listeners[3].opts;
	assert_non_null(h);
	assert_int_equal(h->status, 200);	/* from opts_init */
	assert_string_equal(h->content_type, "text/plain");
	tt_config_free(&fx_cfg);
}

static void
test_defaults(void **state)
{
	struct tt_config c;

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(c.n_ports, 0);
	assert_int_equal(c.n_listeners, 0);
	assert_int_equal(c.tcp.mss, 1460);
	assert_int_equal(c.tcp.rcv_window, 1048576);
	assert_int_equal(c.tcp.snd_buf, 262144);
	assert_int_equal(c.tcp.rto_init_ms, 1000);
	assert_int_equal(c.tcp.rto_min_ms, 200);
	assert_int_equal(c.tcp.rto_max_ms, 60000);
	assert_int_equal(c.tcp.max_retries, 8);
	assert_int_equal(c.tcp.syn_retries, 5);
	assert_int_equal(c.tcp.time_wait_ms, 60000);
	assert_int_equal(c.tcp.delayed_ack_ms, 40);
	assert_int_equal(c.tcp.fin_wait_2_ms, 60000);
	assert_int_equal(c.tcp.max_connections, 65536);
	assert_int_equal(c.tcp.max_time_wait, 131072);
	assert_int_equal(c.tcp.max_sack_state, 8192);
	assert_int_equal(c.tcp.backlog, 1024);
	assert_int_equal(c.tcp.syn_cookies, TT_SYNCOOKIES_AUTO);
	assert_int_equal(c.tcp.min_mss, 216);
	assert_int_equal(c.tcp.nagle, 1);
	assert_int_equal(c.tcp.keepalive, 0);
	assert_int_equal(c.tcp.keepalive_idle_ms, 7200000);
	assert_int_equal(c.tcp.keepalive_interval_ms, 75000);
	assert_int_equal(c.tcp.keepalive_count, 9);
	assert_int_equal(c.limits.mbufs, 65535);
	assert_int_equal(c.tcp.window_scaling, 1);
	assert_int_equal(c.tcp.timestamps, 1);
	assert_int_equal(c.tcp.sack, 1);
}

/* A minimal file: one port, everything else default. */
static void
test_minimal(void **state)
{
	(void)state;
	assert_int_equal(load_text(PORT0), 0);
	assert_int_equal(fx_cfg.n_ports, 1);
	assert_int_equal(fx_cfg.ports[0].addr, ip("198.19.0.2"));
	assert_int_equal(fx_cfg.ports[0].gateway, 0);
	assert_int_equal(fx_cfg.ports[0].mtu, 1500);
	assert_int_equal(fx_cfg.tcp.mss, 1460);
	assert_int_equal(fx_cfg.n_listeners, 0);
	tt_config_free(&fx_cfg);
}

/* Every key set away from its default, two ports, options, comments and odd spacing. */
static void
test_full(void **state)
{
	const struct fake_http_opts *h;

	(void)state;
	assert_int_equal(load_text(
		"# comment line\n"
		"  [ port0 ]   # trailing comment\n"
		"address=192.0.2.10/28\n"
		"\tgateway   =   192.0.2.1\t\n"
		"mtu = 9000\r\n"
		"[port1]\n"
		"address = 198.51.100.7/31\n"
		"mtu = 1280\n"
		"[tcp]\n"
		"rcv_window = 32768\n"
		"snd_buf = 1024\n"
		"rto_init_ms = 300\n"
		"rto_min_ms = 10\n"
		"rto_max_ms = 5000\n"
		"max_retries = 3\n"
		"syn_retries = 0\n"
		"time_wait_ms = 2000\n"
		"delayed_ack_ms = 0\n"
		"fin_wait_2_ms = 10\n"
		"max_connections = 1000\n"
		"min_mss = 536\n"
		"nagle = off\n"
		"keepalive = on\n"
		"keepalive_idle_ms = 1000\n"
		"keepalive_interval_ms = 100\n"
		"keepalive_count = 3\n"
		"[limits]\n"
		"mbufs = 0004095\n"
		"[listen.web-1]\n"
		"service = http\n"
		"address = 198.51.100.7:8080\n"
		"status = 404\n"
		"body = a \\# is not a comment here\n"
		"[listen.web_2]\n"
		"address = 192.0.2.10:8080\n"
		"service = http\n"
		"[listen.echo]\n"
		"address = *:7\n"
		"service = echo\n"), 0);

	assert_int_equal(fx_cfg.n_ports, 2);
	assert_int_equal(fx_cfg.ports[0].addr, ip("192.0.2.10"));
	assert_int_equal(fx_cfg.ports[0].prefix, 28);
	assert_int_equal(fx_cfg.ports[0].gateway, ip("192.0.2.1"));
	assert_int_equal(fx_cfg.ports[0].mtu, 9000);
	assert_int_equal(fx_cfg.ports[1].addr, ip("198.51.100.7"));
	assert_int_equal(fx_cfg.ports[1].prefix, 31);
	assert_int_equal(fx_cfg.ports[1].gateway, 0);
	assert_int_equal(fx_cfg.ports[1].mtu, 1280);

	/* mss not set: follows the smallest MTU. */
	assert_int_equal(fx_cfg.tcp.mss, 1240);
	assert_int_equal(fx_cfg.tcp.rcv_window, 32768);
	assert_int_equal(fx_cfg.tcp.snd_buf, 1024);
	assert_int_equal(fx_cfg.tcp.rto_init_ms, 300);
	assert_int_equal(fx_cfg.tcp.rto_min_ms, 10);
	assert_int_equal(fx_cfg.tcp.rto_max_ms, 5000);
	assert_int_equal(fx_cfg.tcp.max_retries, 3);
	assert_int_equal(fx_cfg.tcp.syn_retries, 0);
	assert_int_equal(fx_cfg.tcp.time_wait_ms, 2000);
	assert_int_equal(fx_cfg.tcp.delayed_ack_ms, 0);
	assert_int_equal(fx_cfg.tcp.fin_wait_2_ms, 10);
	assert_int_equal(fx_cfg.tcp.max_connections, 1000);
	assert_int_equal(fx_cfg.tcp.max_time_wait, 2000);	/* 2 x max_connections */
	assert_int_equal(fx_cfg.tcp.max_sack_state, 125);	/* max_connections / 8 */
	assert_int_equal(fx_cfg.tcp.min_mss, 536);
	assert_int_equal(fx_cfg.tcp.nagle, 0);
	assert_int_equal(fx_cfg.tcp.keepalive, 1);
	assert_int_equal(fx_cfg.tcp.keepalive_idle_ms, 1000);
	assert_int_equal(fx_cfg.tcp.keepalive_interval_ms, 100);
	assert_int_equal(fx_cfg.tcp.keepalive_count, 3);
	assert_int_equal(fx_cfg.limits.mbufs, 4095);

	assert_int_equal(fx_cfg.n_listeners, 3);
	assert_string_equal(fx_cfg.listeners[0].name, "web-1");
	assert_int_equal(fx_cfg.listeners[0].addr, ip("198.51.100.7"));
	assert_int_equal(fx_cfg.listeners[0].port, 8080);
	assert_ptr_equal(fx_cfg.listeners[0].svc, &fake_http);
	h = fx_cfg.listeners[0].opts;
	assert_int_equal(h->status, 404);
	assert_string_equal(h->body, "a # is not a comment here");
	/* Same port on another address does not overlap. */
	assert_string_equal(fx_cfg.listeners[1].name, "web_2");
	assert_int_equal(fx_cfg.listeners[1].addr, ip("192.0.2.10"));
	h = fx_cfg.listeners[1].opts;
	assert_int_equal(h->status, 200);
	assert_string_equal(fx_cfg.listeners[2].name, "echo");
	assert_null(fx_cfg.listeners[2].opts);
	tt_config_free(&fx_cfg);
}

/* Defaults that depend on other keys. */
static void
test_derived_defaults(void **state)
{
	(void)state;
	/* rto_init_ms not set: clamped into [rto_min_ms, rto_max_ms]. */
	assert_int_equal(load_text(PORT0 "[tcp]\nrto_max_ms = 500\n"), 0);
	assert_int_equal(fx_cfg.tcp.rto_init_ms, 500);
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text(PORT0 "[tcp]\nrto_min_ms = 3000\n"), 0);
	assert_int_equal(fx_cfg.tcp.rto_init_ms, 3000);
	tt_config_free(&fx_cfg);
	/* Explicit values win over derived ones. */
	assert_int_equal(load_text(PORT0 "[tcp]\nmax_connections = 10\nmax_time_wait = 7\n"), 0);
	assert_int_equal(fx_cfg.tcp.max_time_wait, 7);
	assert_int_equal(fx_cfg.tcp.max_sack_state, 10);	/* at least min(64, max_connections) */
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text(PORT0 "[tcp]\nmax_sack_state = 3\n"), 0);
	assert_int_equal(fx_cfg.tcp.max_sack_state, 3);
	tt_config_free(&fx_cfg);
	/* No more SACK state blocks than mbufs, wherever [limits] is in the file. */
	assert_int_equal(load_text(PORT0 "[tcp]\nmax_connections = 1000000\n"
				   "[limits]\nmbufs = 32767\n"), 0);
	assert_int_equal(fx_cfg.tcp.max_sack_state, 32767);
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text(PORT0 "[limits]\nmbufs = 200000\n"
				   "[tcp]\nmax_connections = 1000000\n"), 0);
	assert_int_equal(fx_cfg.tcp.max_sack_state, 125000);	/* max_connections / 8 */
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text(PORT0 "[tcp]\nmax_connections = 1000000\nmax_sack_state = 50000\n"
				   "[limits]\nmbufs = 32767\n"), 0);
	assert_int_equal(fx_cfg.tcp.max_sack_state, 50000);	/* explicit: as set */
	tt_config_free(&fx_cfg);
	/* Range limits are inclusive. */
	assert_int_equal(load_text("[port0]\naddress = 198.19.0.2/24\nmtu = 576\n"
				   "[tcp]\nmss = 536\ntime_wait_ms = 10\n"
				   "max_connections = 16777216\n"
				   "[limits]\nmbufs = 1023\n"), 0);
	assert_int_equal(fx_cfg.tcp.mss, 536);
	assert_int_equal(fx_cfg.tcp.max_time_wait, 33554432);
	tt_config_free(&fx_cfg);
}

/* ---- One test per class of error ---- */

static void
test_err_missing_file(void **state)
{
	int rc;

	(void)state;
	rc = tt_config_load(&fx_cfg, "/nonexistent/tcpterm.conf", fake_services,
			    fx_err, sizeof(fx_err));
	assert_int_equal(rc, -ENOENT);
	assert_string_equal(fx_err,
			    "/nonexistent/tcpterm.conf: cannot open: No such file or directory");
	tt_config_free(&fx_cfg);
}

static void
test_err_syntax(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nmss 1460\n", -EINVAL,
		     "[tcp]: line 4: expected 'key = value', got 'mss 1460'");
	expect_error(PORT0 "[tcp\n", -EINVAL, "line 3: section header without ']'");
	expect_error(PORT0 "[tcp] x\n", -EINVAL, "line 3: unexpected text after ']'");
	expect_error("mss = 1460\n" PORT0, -EINVAL, "line 1: key 'mss' before any [section]");
	expect_error("hello\n" PORT0, -EINVAL, "line 1: expected '[section]', got 'hello'");
	expect_error(PORT0 " = 5\n", -EINVAL, "[port0]: line 3: missing key name before '='");
}

static void
test_err_empty_value(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nmss =   # nothing\n", -EINVAL,
		     "[tcp] mss: empty value (line 4)");
	expect_error("[port0]\naddress =\n", -EINVAL, "[port0] address: empty value (line 2)");
}

static void
test_err_too_long(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), PORT0 "[listen.a]\naddress = *:80\nservice = http\n"
		 "body = %0300d\n", 0);
	expect_error(text, -EINVAL, "[listen.a] body: value longer than 255 characters (line 6)");
	snprintf(text, sizeof(text), PORT0 "# %0400d\n", 0);
	expect_error(text, -EINVAL, "line 3: longer than 322 characters");
	snprintf(text, sizeof(text), PORT0 "[listen.%070d]\n", 0);
	expect_error(text, -EINVAL, "line 3: section name longer than 63 characters");
}

static void
test_err_nul_byte(void **state)
{
	static const char text[] = "[port0]\naddress = 198.19.0.2/24\x00\n";

	(void)state;
	assert_int_equal(load_bytes(text, sizeof(text) - 1), -EINVAL);
	assert_non_null(strstr(fx_err, ": line 2: contains a NUL byte"));
}

static void
test_err_bad_integer(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nmss = abc\n", -EINVAL,
		     "[tcp] mss: 'abc' is not an integer in 88..9000");
	expect_error(PORT0 "[tcp]\nmax_retries = -1\n", -EINVAL,
		     "[tcp] max_retries: '-1' is not an integer in 1..64");
	expect_error(PORT0 "[tcp]\nmax_retries = +3\n", -EINVAL,
		     "[tcp] max_retries: '+3' is not an integer in 1..64");
	expect_error(PORT0 "[limits]\nmbufs = 0x1000\n", -EINVAL,
		     "[limits] mbufs: '0x1000' is not an integer in 1023..16777216 "
		     "(unexpected 'x1000')");
}

static void
test_err_trailing_junk(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\ntime_wait_ms = 2000ms\n", -EINVAL,
		     "[tcp] time_wait_ms: '2000ms' is not an integer in 10..600000 "
		     "(unexpected 'ms')");
	expect_error(PORT0 "[tcp]\nsnd_buf = 1 000\n", -EINVAL,
		     "[tcp] snd_buf: '1 000' is not an integer in 1024..16777216 "
		     "(unexpected ' 000')");
}

static void
test_err_out_of_range(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nrcv_window = 1073741824\n", -ERANGE,
		     "[tcp] rcv_window: '1073741824' is out of range 1024..1073741823");
	expect_error(PORT0 "[tcp]\ntime_wait_ms = 9\n", -ERANGE,
		     "[tcp] time_wait_ms: '9' is out of range 10..600000");
	expect_error(PORT0 "[tcp]\nsnd_buf = 99999999999999999999999\n", -ERANGE,
		     "[tcp] snd_buf: '99999999999999999999999' is out of range 1024..16777216");
	expect_error(PORT0 "[tcp]\nmax_connections = 4294967297\n", -ERANGE,
		     "[tcp] max_connections: '4294967297' is out of range 1..16777216");
	expect_error("[port0]\naddress = 198.19.0.2/24\nmtu = 9001\n", -ERANGE,
		     "[port0] mtu: '9001' is out of range 576..9000");
	expect_error(PORT0 "[limits]\nmbufs = 1022\n", -ERANGE,
		     "[limits] mbufs: '1022' is out of range 1023..16777216");
	expect_error(PORT0 "[tcp]\nmin_mss = 87\n", -ERANGE,
		     "[tcp] min_mss: '87' is out of range 88..536");
	expect_error(PORT0 "[tcp]\nmin_mss = 537\n", -ERANGE,
		     "[tcp] min_mss: '537' is out of range 88..536");
	expect_error(PORT0 "[tcp]\nkeepalive_count = 0\n", -ERANGE,
		     "[tcp] keepalive_count: '0' is out of range 1..127");
	expect_error(PORT0 "[tcp]\nkeepalive_idle_ms = 9\n", -ERANGE,
		     "[tcp] keepalive_idle_ms: '9' is out of range 10..86400000");
}

/* Switches take exactly `on` or `off`. */
static void
test_err_onoff(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nnagle = yes\n", -EINVAL,
		     "[tcp] nagle: 'yes' is not on or off");
	expect_error(PORT0 "[tcp]\nkeepalive = 1\n", -EINVAL,
		     "[tcp] keepalive: '1' is not on or off");
	expect_error(PORT0 "[tcp]\nnagle = On\n", -EINVAL,
		     "[tcp] nagle: 'On' is not on or off");
	assert_int_equal(load_text(PORT0 "[tcp]\nnagle = on\nkeepalive = off\n"), 0);
	assert_int_equal(fx_cfg.tcp.nagle, 1);
	assert_int_equal(fx_cfg.tcp.keepalive, 0);
	tt_config_free(&fx_cfg);
}

/* `addresses = K`: K consecutive addresses, all inside the port's subnet. */
static void
test_port_addresses(void **state)
{
	(void)state;
	assert_int_equal(load_text(PORT0), 0);
	assert_int_equal(fx_cfg.ports[0].n_addrs, 1);
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text("[port0]\naddress = 198.19.0.2/24\naddresses = 16\n"), 0);
	assert_int_equal(fx_cfg.ports[0].n_addrs, 16);
	tt_config_free(&fx_cfg);
	expect_error("[port0]\naddress = 198.19.0.250/24\naddresses = 6\n", -EINVAL,
		     "[port0] addresses: 6 addresses from address do not fit in its subnet");
	expect_error("[port0]\naddress = 198.19.0.2/24\naddresses = 0\n", -ERANGE,
		     "[port0] addresses: '0' is out of range 1..65536");
}

static void
test_err_unknown_key(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nmsss = 1460\n", -EINVAL, "[tcp] msss: unknown key");
	expect_error("[port0]\naddress = 198.19.0.2/24\nnetmask = 255.0.0.0\n", -EINVAL,
		     "[port0] netmask: unknown key (expected address, addresses, gateway or mtu)");
	expect_error(PORT0 "[limits]\nconnections = 5\n", -EINVAL,
		     "[limits] connections: unknown key (expected mbufs)");
	/* Keys are case-sensitive. */
	expect_error(PORT0 "[tcp]\nMSS = 1460\n", -EINVAL, "[tcp] MSS: unknown key");
}

static void
test_err_duplicates(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nmss = 1000\nmss = 1200\n", -EINVAL,
		     "[tcp] mss: key appears more than once");
	expect_error(PORT0 "[tcp]\nmss = 1000\n[tcp]\nsnd_buf = 2048\n", -EINVAL,
		     "[tcp]: section appears more than once");
}

static void
test_err_unknown_section(void **state)
{
	(void)state;
	expect_error(PORT0 "[foo]\nx = 1\n", -EINVAL,
		     "[foo]: unknown section (expected port0..port3, tcp, limits, workers or listen.NAME)");
	expect_error(PORT0 "[port4]\naddress = 198.19.4.2/24\n", -EINVAL,
		     "[port4]: unknown section (ports are port0..port3)");
	expect_error(PORT0 "[TCP]\n", -EINVAL,
		     "[TCP]: unknown section (expected port0..port3, tcp, limits, workers or listen.NAME)");
	expect_error(PORT0 "[listen.]\naddress = *:1\nservice = echo\n", -EINVAL,
		     "[listen.]: listener name must be 1..31 characters");
	expect_error(PORT0 "[listen.a b]\naddress = *:1\nservice = echo\n", -EINVAL,
		     "[listen.a b]: listener name may only contain letters, digits, '_' and '-'");
}

static void
test_err_missing_port0(void **state)
{
	(void)state;
	expect_error("[tcp]\nmss = 1000\n", -EINVAL,
		     "[port0]: missing section (at least one port is required)");
	expect_error("", -EINVAL, "[port0]: missing section (at least one port is required)");
	expect_error(PORT0 "[port2]\naddress = 198.19.2.2/24\n", -EINVAL,
		     "[port2]: ports must be numbered from port0 without gaps "
		     "([port1] is missing)");
	expect_error("[port0]\nmtu = 1500\n", -EINVAL,
		     "[port0] address: missing (required: address = A.B.C.D/PREFIX)");
}

static void
test_err_bad_address(void **state)
{
	(void)state;
	expect_error("[port0]\naddress = 198.19.0.256/24\n", -EINVAL,
		     "[port0] address: '198.19.0.256/24' is not A.B.C.D/PREFIX "
		     "('198.19.0.256' is not an IPv4 address)");
	expect_error("[port0]\naddress = 198.19.0.2\n", -EINVAL,
		     "[port0] address: '198.19.0.2' is not A.B.C.D/PREFIX (prefix length missing)");
	expect_error("[port0]\naddress = host.example/24\n", -EINVAL,
		     "[port0] address: 'host.example/24' is not A.B.C.D/PREFIX "
		     "('host.example' is not an IPv4 address)");
	expect_error("[port0]\naddress = 224.0.0.1/24\n", -EINVAL,
		     "[port0] address: '224.0.0.1/24' is not a unicast host address");
	expect_error("[port0]\naddress = 198.19.0.0/24\n", -EINVAL,
		     "[port0] address: '198.19.0.0/24' is the network or broadcast address "
		     "of its subnet");
	expect_error(PORT0 "[port1]\naddress = 198.19.0.2/16\n", -EINVAL,
		     "[port1] address: same address as [port0]");
	expect_error("[port0]\naddress = 198.19.0.2/24\ngateway = 198.19.0.x\n", -EINVAL,
		     "[port0] gateway: '198.19.0.x' is not an IPv4 address");
}

static void
test_err_bad_prefix(void **state)
{
	(void)state;
	expect_error("[port0]\naddress = 198.19.0.2/33\n", -ERANGE,
		     "[port0] address: '198.19.0.2/33': prefix length '33' is not an integer "
		     "in 1..32");
	expect_error("[port0]\naddress = 198.19.0.2/0\n", -ERANGE,
		     "[port0] address: '198.19.0.2/0': prefix length '0' is not an integer in 1..32");
	expect_error("[port0]\naddress = 198.19.0.2/24x\n", -EINVAL,
		     "[port0] address: '198.19.0.2/24x': prefix length '24x' is not an integer "
		     "in 1..32");
	expect_error("[port0]\naddress = 198.19.0.2/\n", -EINVAL,
		     "[port0] address: '198.19.0.2/': prefix length '' is not an integer in 1..32");
}

static void
test_err_gateway_outside_prefix(void **state)
{
	(void)state;
	expect_error("[port0]\naddress = 198.19.0.2/24\ngateway = 198.19.1.1\n", -EINVAL,
		     "[port0] gateway: '198.19.1.1' is outside the port's subnet");
	expect_error("[port0]\naddress = 198.19.0.2/24\ngateway = 198.19.0.2\n", -EINVAL,
		     "[port0] gateway: '198.19.0.2' is the port's own address");
	expect_error("[port0]\naddress = 198.19.0.2/24\ngateway = 198.19.0.255\n", -EINVAL,
		     "[port0] gateway: '198.19.0.255' is the network or broadcast address "
		     "of the subnet");
}

static void
test_err_unknown_service(void **state)
{
	(void)state;
	expect_error(PORT0 "[listen.x]\naddress = *:70\nservice = gopher\n", -EINVAL,
		     "[listen.x] service: unknown service 'gopher' "
		     "(known: echo, discard, source, http)");
	expect_error(PORT0 "[listen.x]\naddress = *:70\n", -EINVAL,
		     "[listen.x] service: missing (required: service = NAME)");
}

static void
test_err_bad_listener_port(void **state)
{
	(void)state;
	expect_error(PORT0 "[listen.x]\naddress = *:0\nservice = echo\n", -ERANGE,
		     "[listen.x] address: '*:0': port '0' is not an integer in 1..65535");
	expect_error(PORT0 "[listen.x]\naddress = *:65536\nservice = echo\n", -ERANGE,
		     "[listen.x] address: '*:65536': port '65536' is not an integer in 1..65535");
	expect_error(PORT0 "[listen.x]\naddress = *:http\nservice = echo\n", -EINVAL,
		     "[listen.x] address: '*:http': port 'http' is not an integer in 1..65535");
	expect_error(PORT0 "[listen.x]\naddress = 80\nservice = echo\n", -EINVAL,
		     "[listen.x] address: '80' is not *:PORT or A.B.C.D:PORT");
	expect_error(PORT0 "[listen.x]\naddress = 198.19.0.9:80\nservice = echo\n", -EINVAL,
		     "[listen.x] address: '198.19.0.9:80': 198.19.0.9 is not the address "
		     "of any [portN]");
	expect_error(PORT0 "[listen.x]\naddress = 198.19.0:80\nservice = echo\n", -EINVAL,
		     "[listen.x] address: '198.19.0:80' is not *:PORT or A.B.C.D:PORT "
		     "('198.19.0' is not an IPv4 address)");
	expect_error(PORT0 "[listen.x]\nservice = echo\n", -EINVAL,
		     "[listen.x] address: missing (required: address = *:PORT or A.B.C.D:PORT)");
}

static void
test_err_duplicate_listener(void **state)
{
	(void)state;
	expect_error(PORT0 "[listen.a]\naddress = *:80\nservice = http\n"
		     "[listen.b]\naddress = *:80\nservice = echo\n", -EADDRINUSE,
		     "[listen.b] address: '*:80' overlaps [listen.a] (*:80)");
	expect_error(PORT0 "[listen.a]\naddress = 198.19.0.2:80\nservice = http\n"
		     "[listen.b]\naddress = *:80\nservice = echo\n", -EADDRINUSE,
		     "[listen.b] address: '*:80' overlaps [listen.a] (198.19.0.2:80)");
	expect_error(PORT0 "[listen.a]\naddress = *:80\nservice = http\n"
		     "[listen.b]\naddress = 198.19.0.2:80\nservice = echo\n", -EADDRINUSE,
		     "[listen.b] address: '198.19.0.2:80' overlaps [listen.a] (*:80)");
	expect_error(PORT0 "[listen.a]\naddress = *:80\nservice = echo\n"
		     "[listen.a]\naddress = *:81\nservice = echo\n", -EINVAL,
		     "[listen.a]: section appears more than once");
}

static void
test_err_too_many_listeners(void **state)
{
	char text[8192];
	size_t off;
	int i;

	(void)state;
	off = (size_t)snprintf(text, sizeof(text), PORT0);
	for (i = 0; i <= TT_MAX_LISTENERS; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"[listen.l%d]\naddress = *:%d\nservice = http\n",
					i, 1000 + i);
	expect_error(text, -ENOSPC, "[listen.l32]: too many listeners (at most 32)");
}

static void
test_err_service_option(void **state)
{
	(void)state;
	expect_error(PORT0 "[listen.web]\naddress = *:80\nservice = http\nstatus = 700\n", -EINVAL,
		     "[listen.web] status: '700' is not a status code in 100..599");
	expect_error(PORT0 "[listen.web]\naddress = *:80\nservice = http\nfoo = bar\n", -EINVAL,
		     "[listen.web] foo: unknown key for service 'http'");
	expect_error(PORT0 "[listen.web]\naddress = *:80\nservice = http\n"
		     "content_type = "
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		     -EINVAL,
		     "[listen.web] content_type: invalid value "
		     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' "
		     "(Invalid argument)");
	expect_error(PORT0 "[listen.e]\naddress = *:7\nservice = echo\nsize = 5\n", -EINVAL,
		     "[listen.e] size: unknown key (service 'echo' takes no options)");
	/* A failure after earlier listeners allocated options leaks none of them. */
	expect_error(PORT0 "[listen.w1]\naddress = *:80\nservice = http\n"
		     "[listen.w2]\naddress = *:81\nservice = http\nstatus = 99\n", -EINVAL,
		     "[listen.w2] status: '99' is not a status code in 100..599");
}

static void
test_err_mss_above_mtu(void **state)
{
	(void)state;
	expect_error("[port0]\naddress = 198.19.0.2/24\nmtu = 1400\n[tcp]\nmss = 1400\n", -EINVAL,
		     "[tcp] mss: 1400 exceeds the MTU of [port0] minus 40 (1360)");
	expect_error(PORT0 "[port1]\naddress = 198.19.1.2/24\nmtu = 576\n[tcp]\nmss = 1460\n",
		     -EINVAL, "[tcp] mss: 1460 exceeds the MTU of [port1] minus 40 (536)");
}

static void
test_err_rto_order(void **state)
{
	(void)state;
	expect_error(PORT0 "[tcp]\nrto_min_ms = 5000\nrto_max_ms = 1000\n", -EINVAL,
		     "[tcp] rto_min_ms: 5000 is greater than rto_max_ms (1000)");
	expect_error(PORT0 "[tcp]\nrto_init_ms = 100\n", -EINVAL,
		     "[tcp] rto_init_ms: 100 is outside rto_min_ms..rto_max_ms (200..60000)");
}

/* [tcp] backlog and syn_cookies: each value, and the errors. */
static void
test_syn_flood_keys(void **state)
{
	static const char *const modes[] = { "auto", "always", "off" };
	static const uint32_t want[] = {
		TT_SYNCOOKIES_AUTO, TT_SYNCOOKIES_ALWAYS, TT_SYNCOOKIES_OFF
	};
	char text[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(text, sizeof(text), PORT0 "[tcp]\nbacklog = %u\nsyn_cookies = %s\n",
			 i + 1, modes[i]);
		assert_int_equal(load_text(text), 0);
		assert_int_equal(fx_cfg.tcp.backlog, i + 1);
		assert_int_equal(fx_cfg.tcp.syn_cookies, want[i]);
		tt_config_free(&fx_cfg);
	}
	expect_error(PORT0 "[tcp]\nsyn_cookies = yes\n", -EINVAL,
		     "[tcp] syn_cookies: 'yes' is not auto, always or off");
	expect_error(PORT0 "[tcp]\nsyn_cookies = Auto\n", -EINVAL,
		     "[tcp] syn_cookies: 'Auto' is not auto, always or off");
	expect_error(PORT0 "[tcp]\nbacklog = 0\n", -ERANGE,
		     "[tcp] backlog: '0' is out of range 1..16777216");
}

/* RFC 7323 / RFC 2018 switches: on|off only; a large window needs scaling. */
static void
test_tcp_option_switches(void **state)
{
	(void)state;
	assert_int_equal(load_text(PORT0 "[tcp]\nwindow_scaling = off\ntimestamps = off\n"
				   "sack = off\n"), 0);
	assert_int_equal(fx_cfg.tcp.window_scaling, 0);
	assert_int_equal(fx_cfg.tcp.timestamps, 0);
	assert_int_equal(fx_cfg.tcp.sack, 0);
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text(PORT0 "[tcp]\nrcv_window = 1048576\n"), 0);
	assert_int_equal(fx_cfg.tcp.rcv_window, 1048576);
	assert_int_equal(fx_cfg.tcp.window_scaling, 1);
	tt_config_free(&fx_cfg);
	expect_error(PORT0 "[tcp]\nsack = yes\n", -EINVAL, "[tcp] sack: 'yes' is not on or off");
	expect_error(PORT0 "[tcp]\nwindow_scaling = off\nrcv_window = 70000\n", -EINVAL,
		     "[tcp] rcv_window: 70000 needs window_scaling = on (at most 65535 without)");
}

/* [workers] and the active-open port range: values, ranges and their errors. */
static void
test_workers_and_local_ports(void **state)
{
	struct tt_config *c = &fx_cfg;

	(void)state;
	assert_int_equal(load_text(PORT0 "[workers]\ncount = 4\nburst = 16\nrx_desc = 512\n"
				     "tx_desc = 2048\nhandoff_ring = 8192\n"
				     "[tcp]\nlocal_port_min = 40000\nlocal_port_max = 40999\n"), 0);
	assert_int_equal(c->workers.count, 4);
	assert_int_equal(c->workers.burst, 16);
	assert_int_equal(c->workers.rx_desc, 512);
	assert_int_equal(c->workers.tx_desc, 2048);
	assert_int_equal(c->workers.handoff_ring, 8192);
	assert_int_equal(c->tcp.local_port_min, 40000);
	assert_int_equal(c->tcp.local_port_max, 40999);
	tt_config_free(c);
	assert_int_equal(load_text(PORT0), 0);
	assert_int_equal(c->workers.count, 0);
	assert_int_equal(c->workers.burst, 64);
	assert_int_equal(c->workers.handoff_ring, 4096);
	assert_int_equal(c->tcp.local_port_min, 32768);
	assert_int_equal(c->tcp.local_port_max, 60999);
	tt_config_free(c);
	expect_error(PORT0 "[workers]\nburst = 65\n", -ERANGE,
		     "[workers] burst: '65' is out of range 1..64");
	expect_error(PORT0 "[workers]\nhandoff_ring = 5000\n", -EINVAL,
		     "[workers] handoff_ring: 5000 is not a power of two");
	expect_error(PORT0 "[workers]\nthreads = 2\n", -EINVAL,
		     "[workers] threads: unknown key (expected count, burst, rx_desc, tx_desc, "
		     "handoff_ring or rx_workers)");
	expect_error(PORT0 "[workers]\ncount = 2\nrx_workers = 3\n", -EINVAL,
		     "[workers] rx_workers: 3 is more than count (2)");
	expect_error(PORT0 "[tcp]\nlocal_port_min = 50000\nlocal_port_max = 40000\n", -EINVAL,
		     "[tcp] local_port_min: 50000 is greater than local_port_max (40000)");
}

/* zero_window_timeout_ms (0 allowed: never) and challenge_ack_limit. */
static void
test_zero_window_and_challenge_keys(void **state)
{
	(void)state;
	assert_int_equal(load_text(PORT0), 0);
	assert_int_equal(fx_cfg.tcp.zero_window_timeout_ms, 600000);
	assert_int_equal(fx_cfg.tcp.challenge_ack_limit, 1000);
	tt_config_free(&fx_cfg);
	assert_int_equal(load_text(PORT0 "[tcp]\nzero_window_timeout_ms = 0\n"
				   "challenge_ack_limit = 10\n"), 0);
	assert_int_equal(fx_cfg.tcp.zero_window_timeout_ms, 0);
	assert_int_equal(fx_cfg.tcp.challenge_ack_limit, 10);
	tt_config_free(&fx_cfg);
	expect_error(PORT0 "[tcp]\nchallenge_ack_limit = 0\n", -ERANGE,
		     "[tcp] challenge_ack_limit: '0' is out of range 1..1000000");
}

/* NULL or tiny error buffers truncate but never overflow; NULL arguments are errors. */
static void
test_err_buffer(void **state)
{
	char small[16];

	(void)state;
	assert_int_equal(tt_config_load(&fx_cfg, "/nonexistent", fake_services, NULL, 0),
			 -ENOENT);
	assert_int_equal(tt_config_load(&fx_cfg, "/nonexistent", fake_services, small,
					sizeof(small)), -ENOENT);
	assert_string_equal(small, "/nonexistent: c");
	assert_int_equal(tt_config_load(&fx_cfg, NULL, fake_services, small, sizeof(small)),
			 -EINVAL);
	assert_int_equal(tt_config_load(NULL, "/nonexistent", fake_services, small, sizeof(small)),
			 -EINVAL);
}

/*
 * Random byte edits of a valid file: every result is either a clean load
 * or one line naming the file. ASan/LSan catch the rest.
 */
static void
test_mutations(void **state)
{
	static const char base[] =
		"[port0]\naddress = 198.19.0.2/24 # c\ngateway = 198.19.0.1\nmtu = 1500\n"
		"[port1]\naddress = 198.19.1.2/24\n"
		"[tcp]\nmss = 1400\nrto_min_ms = 200\nrto_max_ms = 60000\n"
		"[limits]\nmbufs = 8191\n"
		"[listen.a]\naddress = *:80\nservice = http\nstatus = 200\nbody = x\\#y\n"
		"[listen.b]\naddress = 198.19.1.2:7\nservice = echo\n";
	static const char alphabet[] = "[]=#\\\n\r\t :./*-_0123456789axport.listen\xff";
	char buf[sizeof(base) + 8];
	unsigned int seed = 12345;
	int i, j, ok = 0;

	(void)state;
	for (i = 0; i < 3000; i++) {
		size_t len = sizeof(base) - 1;
		int edits = 1 + rand_r(&seed) % 4;

		memcpy(buf, base, sizeof(base));
		for (j = 0; j < edits; j++) {
			size_t at = (size_t)rand_r(&seed) % len;
			int what = rand_r(&seed) % 8;

			if (what == 0)
				buf[at] = '\0';
			else if (what == 1 && len > 1)
				memmove(buf + at, buf + at + 1, len-- - at - 1);
			else
				buf[at] = alphabet[(size_t)rand_r(&seed) % (sizeof(alphabet) - 1)];
		}
		if (load_bytes(buf, len) == 0) {
			ok++;
			tt_config_free(&fx_cfg);
			continue;
		}
		assert_int_equal(strncmp(fx_err, fx_path, strlen(fx_path)), 0);
		assert_true(strlen(fx_err) > strlen(fx_path) + 2);
		assert_null(strchr(fx_err, '\n'));
	}
	/* Some edits (in comments, values) keep the file valid. */
	assert_true(ok > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_config),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_derived_defaults),
		cmocka_unit_test(test_err_missing_file),
		cmocka_unit_test(test_err_syntax),
		cmocka_unit_test(test_err_empty_value),
		cmocka_unit_test(test_err_too_long),
		cmocka_unit_test(test_err_nul_byte),
		cmocka_unit_test(test_err_bad_integer),
		cmocka_unit_test(test_err_trailing_junk),
		cmocka_unit_test(test_err_out_of_range),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_port_addresses),
		cmocka_unit_test(test_err_duplicates),
		cmocka_unit_test(test_err_unknown_section),
		cmocka_unit_test(test_err_missing_port0),
		cmocka_unit_test(test_err_bad_address),
		cmocka_unit_test(test_err_bad_prefix),
		cmocka_unit_test(test_err_gateway_outside_prefix),
		cmocka_unit_test(test_err_unknown_service),
		cmocka_unit_test(test_err_bad_listener_port),
		cmocka_unit_test(test_err_duplicate_listener),
		cmocka_unit_test(test_err_too_many_listeners),
		cmocka_unit_test(test_err_service_option),
		cmocka_unit_test(test_err_mss_above_mtu),
		cmocka_unit_test(test_err_rto_order),
		cmocka_unit_test(test_syn_flood_keys),
		cmocka_unit_test(test_err_onoff),
		cmocka_unit_test(test_tcp_option_switches),
		cmocka_unit_test(test_workers_and_local_ports),
		cmocka_unit_test(test_zero_window_and_challenge_keys),
		cmocka_unit_test(test_err_buffer),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
