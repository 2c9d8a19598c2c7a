/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Unit tests of the built-in services (echo, discard, source, http) against
 * a fake of the tcpterm.h calls: one connection whose send space the test
 * sets, a record of every byte the service queued, and counters for
 * tt_recved(), tt_shutdown() and tt_abort(). Payload comes in real mbufs
 * from a pool made under EAL (no hugepages); every test ends with the pool
 * back at its starting use count.
 *
 * It links the services but not the stack: the fakes below provide the
 * symbols the stack would.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tcpterm.h"
#include "services.h"

#define OUT_MAX (1u << 20)

/* The fake connection. */
struct tt_conn {
	_Alignas(RTE_CACHE_LINE_SIZE) char ctx[TT_APP_CTX_SIZE];
	const struct tt_service *svc;
	const void *opts;	/* what tt_conn_opts() reports */
	uint32_t space;		/* what tt_send_space() reports */
	uint32_t copy_limit;	/* most bytes one tt_send_copy() queues; 0: no limit */
	int send_err;		/* nonzero: sends fail with this */
	uint64_t unacked;	/* queued, not yet acknowledged */
	uint64_t delivered;	/* payload bytes handed to on_data() */
	uint64_t recved;	/* sum of tt_recved() */
	unsigned int shutdowns;
	unsigned int aborts;
	unsigned int closed;
	unsigned int enobufs;	/* tt_send() refused for lack of space */
	unsigned int bad;	/* contract violations seen by the fakes */
	size_t out_len;
	char out[OUT_MAX];
};

static struct rte_mempool *pool;
static unsigned int pool_in_use;
static struct tt_conn conn;

/* --- fakes of the stack --- */

void *
tt_conn_ctx(struct tt_conn *c)
{
	return c->ctx;
}

const void *
tt_conn_opts(const struct tt_conn *c)
{
	return c->opts;
}

uint32_t
tt_send_space(const struct tt_conn *c)
{
	return c->space;
}

static void
out_append(struct tt_conn *c, const void *p, size_t len)
{
	if (c->out_len + len > OUT_MAX) {
		c->bad++;
		return;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
}

int
tt_send(struct tt_conn *c, struct rte_mbuf *m)
{
	struct rte_mbuf *s;
	uint32_t len = 0;
	unsigned int nseg = 0;

	for (s = m; s != NULL; s = s->next) {
		len += s->data_len;
		nseg++;
	}
	if (len != m->pkt_len || nseg != m->nb_segs)
		c->bad++;	/* malformed chain */
	if (c->shutdowns > 0 || c->closed > 0)
		c->bad++;	/* send after shutdown */
	if (c->send_err != 0) {
		rte_pktmbuf_free(m);
		return c->send_err;
	}
	if (m->pkt_len > c->space) {
		c->enobufs++;
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	for (s = m; s != NULL; s = s->next)
		out_append(c, rte_pktmbuf_mtod(s, const void *), s->data_len);
	c->space -= len;
	c->unacked += len;
	rte_pktmbuf_free(m);
	return (int)len;
}

int
tt_send_copy(struct tt_conn *c, const void *buf, uint32_t len)
{
	uint32_t n = RTE_MIN(len, c->space);

	if (c->shutdowns > 0 || c->closed > 0)
		c->bad++;
	if (c->send_err != 0)
		return c->send_err;
	if (c->copy_limit != 0)
		n = RTE_MIN(n, c->copy_limit);
	out_append(c, buf, n);
	c->space -= n;
	c->unacked += n;
	return (int)n;
}

void
tt_recved(struct tt_conn *c, uint32_t len)
{
	c->recved += len;
	if (c->recved > c->delivered)
		c->bad++;
}

int
tt_shutdown(struct tt_conn *c)
{
	if (c->shutdowns++ > 0)
		return -ENOTCONN;
	return 0;
}

void
tt_abort(struct tt_conn *c)
{
	c->aborts++;
	if (c->closed++ == 0 && c->svc->on_close != NULL)
		c->svc->on_close(c, TT_CLOSE_ABORT);
}

struct rte_mbuf *
tt_conn_alloc_mbuf(struct tt_conn *c __rte_unused)
{
	return rte_pktmbuf_alloc(pool);
}

void
tt_conn_tuple(const struct tt_conn *c __rte_unused, uint32_t *laddr, uint16_t *lport,
	      uint32_t *raddr, uint16_t *rport)
{
	*laddr = 0;
	*lport = 0;
	*raddr = 0;
	*rport = 0;
}

unsigned int
tt_conn_worker_id(const struct tt_conn *c __rte_unused)
{
	return 0;
}

/* --- helpers --- */

/* An mbuf chain holding @p data, in segments of the lengths in @p segs. */
static struct rte_mbuf *
mk_chain_segs(const void *data, size_t len, const size_t *segs, size_t nsegs)
{
	struct rte_mbuf *head = NULL, *m;
	const char *p = data;
	size_t i, n;
	char *d;

	for (i = 0; i < nsegs; i++) {
		n = segs[i];
		assert_true(n <= len);
		m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		d = rte_pktmbuf_append(m, (uint16_t)n);
		assert_non_null(d);
		memcpy(d, p, n);
		if (head == NULL)
			head = m;
		else
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
		p += n;
		len -= n;
	}
	assert_int_equal(len, 0);
	return head;
}

/* An mbuf chain holding @p data in segments of @p seglen bytes. */
static struct rte_mbuf *
mk_chain(const void *data, size_t len, size_t seglen)
{
	size_t segs[512];
	size_t n = 0, left = len;

	do {
		assert_true(n < RTE_DIM(segs));
		segs[n] = RTE_MIN(left, seglen);
		left -= segs[n++];
	} while (left > 0);
	return mk_chain_segs(data, len, segs, n);
}

static void
conn_open(const struct tt_service *svc, const void *opts, uint32_t space)
{
	memset(&conn, 0, sizeof(conn));
	conn.svc = svc;
	conn.opts = opts;
	conn.space = space;
	if (svc->on_accept != NULL)
		assert_int_equal(svc->on_accept(&conn, opts), 0);
}

static void
deliver_mbuf(struct rte_mbuf *m)
{
	conn.delivered += m->pkt_len;
	conn.svc->on_data(&conn, m);
}

static void
deliver(const void *data, size_t len, size_t seglen)
{
	deliver_mbuf(mk_chain(data, len, seglen));
}

static void
deliver_str(const char *s)
{
	deliver(s, strlen(s), 2000);
}

/* The peer acknowledges @p n bytes. */
static void
ack(uint32_t n)
{
	assert_true(n <= conn.unacked);
	conn.unacked -= n;
	conn.space += n;
	if (conn.svc->on_sent != NULL)
		conn.svc->on_sent(&conn, n);
}

static void
peer_fin(void)
{
	if (conn.svc->on_peer_fin != NULL)
		conn.svc->on_peer_fin(&conn);
}

static void
conn_close(enum tt_close_reason reason)
{
	if (conn.closed++ == 0 && conn.svc->on_close != NULL)
		conn.svc->on_close(&conn, reason);
}

static void
assert_out(const char *expect, size_t len)
{
	if (conn.out_len != len || memcmp(conn.out, expect, len) != 0) {
		print_error("output (%zu bytes):\n%.*s\nexpected (%zu bytes):\n%.*s\n",
			    conn.out_len, (int)conn.out_len, conn.out, len, (int)len, expect);
		fail();
	}
}

static int
setup(void **state __rte_unused)
{
	pool_in_use = rte_mempool_in_use_count(pool);
	return 0;
}

static int
teardown(void **state __rte_unused)
{
	conn_close(TT_CLOSE_NORMAL);
	assert_int_equal(conn.bad, 0);
	assert_int_equal(conn.enobufs, 0);
	assert_int_equal(rte_mempool_in_use_count(pool), pool_in_use);
	return 0;
}

/* --- http --- */

#define HDR_200 "HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Type: text/plain\r\n" \
	"Content-Length: 19\r\n"
#define BODY_200 "Hello from tcpterm\n"
#define OK_KEEP HDR_200 "\r\n" BODY_200
#define OK_CLOSE HDR_200 "Connection: close\r\n\r\n" BODY_200
#define OK_KEEP10 HDR_200 "Connection: keep-alive\r\n\r\n" BODY_200
#define HEAD_KEEP HDR_200 "\r\n"
#define NA_KEEP "HTTP/1.1 405 Method Not Allowed\r\nServer: tcpterm\r\n" \
	"Content-Type: text/plain\r\nContent-Length: 19\r\nAllow: GET, HEAD\r\n\r\n" \
	"Method Not Allowed\n"
#define BAD_REQ "HTTP/1.1 400 Bad Request\r\nServer: tcpterm\r\n" \
	"Content-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\n" \
	"Bad Request\n"

#define GET "GET / HTTP/1.1\r\nHost: example\r\nUser-Agent: test\r\n\r\n"
#define HEAD "HEAD /x HTTP/1.1\r\nHost: example\r\n\r\n"

#define ASSERT_OUT(lit) assert_out(lit, sizeof(lit) - 1)

static void *http_opts;

static void
http_open(uint32_t space)
{
	conn_open(&tt_svc_http, http_opts, space);
}

static void
test_http_get(void **state __rte_unused)
{
	http_open(65536);
	deliver_str(GET);
	ASSERT_OUT(OK_KEEP);
	assert_int_equal(conn.recved, strlen(GET));
	assert_int_equal(conn.shutdowns, 0);
	peer_fin();
	assert_int_equal(conn.shutdowns, 1);
}

static void
test_http_head(void **state __rte_unused)
{
	http_open(65536);
	deliver_str(HEAD);
	ASSERT_OUT(HEAD_KEEP);
	assert_int_equal(conn.recved, strlen(HEAD));
	assert_int_equal(conn.shutdowns, 0);
}

static void
test_http_split_byte_by_byte(void **state __rte_unused)
{
	static const char req[] = GET HEAD;
	size_t i;

	http_open(65536);
	for (i = 0; i < sizeof(req) - 1; i++) {
		deliver(req + i, 1, 1);
		if (i < strlen(GET) - 1)
			assert_int_equal(conn.out_len, 0);
		else if (i < sizeof(req) - 2)
			ASSERT_OUT(OK_KEEP);
		assert_int_equal(conn.recved, i + 1);
	}
	ASSERT_OUT(OK_KEEP HEAD_KEEP);
	assert_int_equal(conn.shutdowns, 0);
}

static void
test_http_pipelined_three(void **state __rte_unused)
{
	http_open(65536);
	deliver_str(GET HEAD GET);
	ASSERT_OUT(OK_KEEP HEAD_KEEP OK_KEEP);
	assert_int_equal(conn.recved, conn.delivered);
	assert_int_equal(conn.shutdowns, 0);
}

static void
test_http_multiseg_chain(void **state __rte_unused)
{
	static const char req[] = GET HEAD GET;
	size_t first = strlen(GET) + strlen(HEAD) + 10;

	http_open(65536);
	/* Two requests and a bit of a third across 7-byte segments. */
	deliver(req, first, 7);
	ASSERT_OUT(OK_KEEP HEAD_KEEP);
	/* The rest of the third across 3-byte segments. */
	deliver(req + first, sizeof(req) - 1 - first, 3);
	ASSERT_OUT(OK_KEEP HEAD_KEEP OK_KEEP);
	assert_int_equal(conn.recved, conn.delivered);
}

static void
test_http_connection_close(void **state __rte_unused)
{
	http_open(65536);
	deliver_str("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" GET);
	ASSERT_OUT(OK_CLOSE);
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, conn.delivered);
	/* Later input is ignored but keeps the window open. */
	deliver_str(GET);
	ASSERT_OUT(OK_CLOSE);
	assert_int_equal(conn.recved, conn.delivered);
	peer_fin();
	assert_int_equal(conn.shutdowns, 1);
}

static void
test_http_10_close(void **state __rte_unused)
{
	http_open(65536);
	deliver_str("GET / HTTP/1.0\r\n\r\n");
	ASSERT_OUT(OK_CLOSE);
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, conn.delivered);
}

static void
test_http_10_keep_alive(void **state __rte_unused)
{
	http_open(65536);
	deliver_str("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
		    "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	ASSERT_OUT(OK_KEEP10 OK_KEEP10);
	assert_int_equal(conn.shutdowns, 0);
}

static void
test_http_post_405(void **state __rte_unused)
{
	static const char req[] =
		"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
		"PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nGET /\r\n3\r\n\r\n\r\r\n0\r\n\r\n"
		GET;

	http_open(65536);
	/* Body split across segments, with request-like bytes inside it. */
	deliver(req, sizeof(req) - 1, 13);
	ASSERT_OUT(NA_KEEP NA_KEEP OK_KEEP);
	assert_int_equal(conn.shutdowns, 0);
	assert_int_equal(conn.recved, conn.delivered);
}

static void
test_http_garbage_400(void **state __rte_unused)
{
	http_open(65536);
	deliver_str(GET "\x01\x02garbage / HTTP/1.1\r\n\r\n" GET);
	ASSERT_OUT(OK_KEEP BAD_REQ);
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, conn.delivered);
	deliver_str(GET);
	ASSERT_OUT(OK_KEEP BAD_REQ);
	assert_int_equal(conn.recved, conn.delivered);
}

/* No 101 is ever sent, so an upgrade request is an ordinary one. */
static void
test_http_upgrade_ignored(void **state __rte_unused)
{
	http_open(65536);
	deliver_str("GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
		    GET);
	ASSERT_OUT(OK_KEEP OK_KEEP);
	assert_int_equal(conn.shutdowns, 0);
	assert_int_equal(conn.recved, conn.delivered);
}

/* CONNECT: 405 and close, since tunnel bytes may follow. */
static void
test_http_connect_405_close(void **state __rte_unused)
{
	http_open(65536);
	deliver_str("CONNECT example:443 HTTP/1.1\r\nHost: example:443\r\n\r\n"
		    "\x16\x03\x01 tls bytes");
	ASSERT_OUT("HTTP/1.1 405 Method Not Allowed\r\nServer: tcpterm\r\n"
		   "Content-Type: text/plain\r\nContent-Length: 19\r\nAllow: GET, HEAD\r\n"
		   "Connection: close\r\n\r\nMethod Not Allowed\n");
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, conn.delivered);
}

/* Send space runs out mid-response; acks resume parsing in order. */
static void
run_send_space(uint32_t space, uint32_t copy_limit, uint32_t step)
{
	static const char req[] = GET HEAD "DELETE /x HTTP/1.1\r\n\r\n" GET GET;
	static const char expect[] = OK_KEEP HEAD_KEEP NA_KEEP OK_KEEP OK_KEEP HEAD_KEEP;
	int rounds = 0;

	http_open(space);
	conn.copy_limit = copy_limit;
	deliver(req, sizeof(req) - 1, 50);
	assert_true(conn.out_len <= space);
	/* The window stays closed over what is not parsed yet. */
	assert_true(conn.recved < conn.delivered);
	/* More input while stalled is queued behind. */
	deliver_str(HEAD);
	while (conn.unacked > 0) {
		ack(RTE_MIN(step, (uint32_t)conn.unacked));
		assert_true(++rounds < 10000);
	}
	assert_out(expect, sizeof(expect) - 1);
	assert_int_equal(conn.recved, conn.delivered);
	assert_int_equal(conn.shutdowns, 0);
}

/*
 * The rx list's tail lives in its first segment: while a response is
 * stalled, input is appended, the first segments are parsed and freed (the
 * tail moves to the new first) and more is appended after each step.
 */
static void
test_http_rx_tail_follows_first(void **state __rte_unused)
{
	static const char req[] = GET HEAD GET HEAD GET;
	static const char expect[] = OK_KEEP HEAD_KEEP OK_KEEP HEAD_KEEP OK_KEEP;
	size_t off = 0, n;
	int rounds = 0;

	http_open(8);
	/* A chain of 5-byte segments, then single segments, then a 2-byte chain. */
	deliver(req, 40, 5);
	for (off = 40; off < 60; off += 4)
		deliver(req + off, 4, 4);
	while (off < sizeof(req) - 1) {
		n = RTE_MIN((size_t)11, sizeof(req) - 1 - off);
		deliver(req + off, n, 2);
		off += n;
		/* parse a little between appends: first segments go */
		if (conn.unacked > 0)
			ack(RTE_MIN(5u, (uint32_t)conn.unacked));
	}
	while (conn.unacked > 0) {
		ack(RTE_MIN(3u, (uint32_t)conn.unacked));
		assert_true(++rounds < 10000);
	}
	assert_out(expect, sizeof(expect) - 1);
	assert_int_equal(conn.recved, conn.delivered);
	assert_int_equal(conn.delivered, sizeof(req) - 1);
}

static void
test_http_send_space(void **state __rte_unused)
{
	run_send_space(40, 0, 17);
}

static void
test_http_send_space_short_copy(void **state __rte_unused)
{
	run_send_space(200, 9, 200);
}

static void
test_http_send_space_one(void **state __rte_unused)
{
	run_send_space(1, 0, 1);
}

static void
test_http_peer_fin_while_stalled(void **state __rte_unused)
{
	http_open(10);
	deliver_str(GET GET);
	peer_fin();
	assert_int_equal(conn.shutdowns, 0);
	while (conn.unacked > 0)
		ack((uint32_t)conn.unacked);
	ASSERT_OUT(OK_KEEP OK_KEEP);
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, conn.delivered);
}

static void
test_http_close_while_stalled(void **state __rte_unused)
{
	http_open(5);
	deliver(GET GET GET, strlen(GET GET GET), 11);
	deliver_str(GET);
	assert_int_equal(conn.out_len, 5);
	/* The teardown closes and checks every mbuf came back. */
}

static void
test_http_partial_then_fin(void **state __rte_unused)
{
	http_open(65536);
	deliver_str("GET / HTTP/1.1\r\nHo");
	peer_fin();
	assert_int_equal(conn.out_len, 0);
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, conn.delivered);
}

static void
test_http_cannot_send(void **state __rte_unused)
{
	http_open(65536);
	conn.send_err = -ENOTCONN;
	deliver_str(GET GET);
	conn.send_err = 0;
	assert_int_equal(conn.out_len, 0);
	deliver_str(GET);
	assert_int_equal(conn.out_len, 0);
	assert_int_equal(conn.recved, conn.delivered);
}

static void
test_http_opts(void **state __rte_unused)
{
	const struct tt_service *s = &tt_svc_http;
	char big[1100];
	char msg[128];
	void *o;

	o = calloc(1, s->opts_size);
	assert_non_null(o);
	s->opts_init(o);

	msg[0] = '\0';
	assert_int_equal(s->opt(o, "status", "abc", msg, sizeof(msg)), -EINVAL);
	assert_true(msg[0] != '\0');
	assert_int_equal(s->opt(o, "status", "99", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "status", "600", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "status", "200x", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "status", "", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "status", "-200", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "color", "red", msg, sizeof(msg)), -ENOENT);
	memset(big, 'a', 1025);
	big[1025] = '\0';
	assert_int_equal(s->opt(o, "body", big, msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "body", "bad \\q", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "content_type", "", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(s->opt(o, "content_type", "a\r\nX: y", msg, sizeof(msg)), -EINVAL);
	/* Failed values changed nothing. */
	conn_open(s, o, 65536);
	deliver_str(GET);
	ASSERT_OUT(OK_KEEP);
	conn_close(TT_CLOSE_NORMAL);

	big[1024] = '\0';
	assert_int_equal(s->opt(o, "body", big, msg, sizeof(msg)), 0);
	conn_open(s, o, 65536);
	deliver_str(HEAD);
	ASSERT_OUT("HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Type: text/plain\r\n"
		   "Content-Length: 1024\r\n\r\n");
	conn_close(TT_CLOSE_NORMAL);

	assert_int_equal(s->opt(o, "status", "404", msg, sizeof(msg)), 0);
	assert_int_equal(s->opt(o, "body", "no\\tsuch\\\\thing\\r\\n", msg, sizeof(msg)), 0);
	assert_int_equal(s->opt(o, "content_type", "text/html; charset=utf-8", msg,
			     sizeof(msg)), 0);
	conn_open(s, o, 65536);
	deliver_str("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
	ASSERT_OUT("HTTP/1.1 404 Not Found\r\nServer: tcpterm\r\n"
		   "Content-Type: text/html; charset=utf-8\r\nContent-Length: 15\r\n"
		   "Connection: close\r\n\r\nno\tsuch\\thing\r\n");
	conn_close(TT_CLOSE_NORMAL);

	/* No content for 204; a code with no name gets its class's. */
	assert_int_equal(s->opt(o, "status", "204", msg, sizeof(msg)), 0);
	conn_open(s, o, 65536);
	deliver_str(GET);
	ASSERT_OUT("HTTP/1.1 204 No Content\r\nServer: tcpterm\r\n"
		   "Content-Type: text/html; charset=utf-8\r\n\r\n");
	conn_close(TT_CLOSE_NORMAL);
	assert_int_equal(s->opt(o, "status", "599", msg, sizeof(msg)), 0);
	assert_int_equal(s->opt(o, "body", "x", msg, sizeof(msg)), 0);
	conn_open(s, o, 65536);
	deliver_str(GET);
	ASSERT_OUT("HTTP/1.1 599 Server Error\r\nServer: tcpterm\r\n"
		   "Content-Type: text/html; charset=utf-8\r\nContent-Length: 1\r\n\r\nx");
	free(o);
}

/*
 * The fast path against http_parser: every request of a corpus (valid,
 * HEAD, HTTP/1.0, Connection variants, bodies, upgrades, malformed ones,
 * every byte value in the target, a header name and a header value, and
 * pairs of them pipelined) goes through a listener with fast_path = on and
 * one with it off, in one segment, in 1- and 7-byte segments and split in
 * two at every offset, and then the peer's FIN; both must send the same
 * bytes, report the same bytes consumed and shut down alike.
 */
struct http_outcome {
	char out[4096];
	size_t out_len;
	uint64_t recved;
	uint64_t delivered;
	unsigned int shutdowns;
};

static void
http_run(void *opts, const char *req, size_t len, const size_t *segs, size_t nsegs,
	 uint32_t space, struct http_outcome *r)
{
	size_t i, off = 0;

	conn_open(&tt_svc_http, opts, space);
	for (i = 0; i < nsegs && off < len; i++) {
		size_t n = RTE_MIN(segs[i], len - off);

		deliver(req + off, n, n);
		off += n;
	}
	if (off < len)
		deliver(req + off, len - off, 2000);
	while (conn.unacked > 0)
		ack((uint32_t)conn.unacked);
	peer_fin();
	while (conn.unacked > 0)
		ack((uint32_t)conn.unacked);
	assert_true(conn.out_len <= sizeof(r->out));
	memcpy(r->out, conn.out, conn.out_len);
	r->out_len = conn.out_len;
	r->recved = conn.recved;
	r->delivered = conn.delivered;
	r->shutdowns = conn.shutdowns;
	conn_close(TT_CLOSE_NORMAL);
	assert_int_equal(conn.bad, 0);
	assert_int_equal(rte_mempool_in_use_count(pool), pool_in_use);
}

static void
http_compare_segs(void *fast, void *slow, const char *req, size_t len, const size_t *segs,
		  size_t nsegs, uint32_t space)
{
	static struct http_outcome a, b;

	http_run(fast, req, len, segs, nsegs, space, &a);
	http_run(slow, req, len, segs, nsegs, space, &b);
	if (a.out_len != b.out_len || memcmp(a.out, b.out, a.out_len) != 0 ||
	    a.recved != b.recved || a.shutdowns != b.shutdowns) {
		print_error("request (%zu bytes, first segment %zu):\n%.*s\n"
			    "fast path (%zu bytes, %" PRIu64 " consumed, %u shutdowns):\n%.*s\n"
			    "http_parser (%zu bytes, %" PRIu64 " consumed, %u shutdowns):\n%.*s\n",
			    len, nsegs > 0 ? segs[0] : len, (int)len, req,
			    a.out_len, a.recved, a.shutdowns, (int)a.out_len, a.out,
			    b.out_len, b.recved, b.shutdowns, (int)b.out_len, b.out);
		fail();
	}
}

static void
http_compare(void *fast, void *slow, const char *req, size_t len)
{
	static size_t ones[2048], sevens[2048];
	size_t i, split[2];

	for (i = 0; i < RTE_DIM(ones); i++) {
		ones[i] = 1;
		sevens[i] = 7;
	}
	http_compare_segs(fast, slow, req, len, NULL, 0, 65536);
	http_compare_segs(fast, slow, req, len, NULL, 0, 50);	/* responses wait for acks */
	if (len <= RTE_DIM(ones))
		http_compare_segs(fast, slow, req, len, ones, len, 65536);
	http_compare_segs(fast, slow, req, len, sevens, RTE_DIM(sevens), 65536);
	for (i = 1; i < len; i++) {
		split[0] = i;
		split[1] = len - i;
		http_compare_segs(fast, slow, req, len, split, 2, 65536);
	}
}

static void
test_http_fast_path_matches_parser(void **state __rte_unused)
{
	static const char *const corpus[] = {
		GET, HEAD,
		"GET / HTTP/1.1\r\n\r\n",
		"HEAD / HTTP/1.0\r\n\r\n",
		"GET /index.html?a=1&b=%20#frag HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: Keep-Alive  \r\n\r\n",
		"GET / HTTP/1.0\r\nconnection:\tKEEP-ALIVE\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection:close\r\n\r\n",
		"GET / HTTP/1.1\r\nCONNECTION: Close \r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: close\t\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: close, keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: closed\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: clos\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection:\r\n\r\n",
		"GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
		"GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n",
		"GET / HTTP/1.1\r\nProxy-Connection: close\r\n\r\n",
		"GET / HTTP/1.0\r\nProxy-Connection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nConnectionx: close\r\n\r\n",
		"GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
		"GET / HTTP/1.1\r\ncontent-length: 3\r\n\r\nGET",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"HEAD / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi",
		"PUT /x HTTP/1.1\r\n\r\n", "DELETE /x HTTP/1.1\r\n\r\n", "OPTIONS * HTTP/1.1\r\n\r\n",
		"CONNECT h:443 HTTP/1.1\r\n\r\n",
		"GETX / HTTP/1.1\r\n\r\n", "get / HTTP/1.1\r\n\r\n", "GE / HTTP/1.1\r\n\r\n",
		"GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 \r\n\r\n", "GET /  HTTP/1.1\r\n\r\n",
		"GET * HTTP/1.1\r\n\r\n", "GET http://h/p HTTP/1.1\r\n\r\n", "GET HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.2\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "GET / HTTP/0.9\r\n\r\n",
		"GET / HTTP/1.10\r\n\r\n", "GET / http/1.1\r\n\r\n", "GET / HTTP/1.1\r\r\n\r\n",
		"GET / HTTP/1.1\n\n", "GET / HTTP/1.1\r\nHost: x\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\n",
		"GET / HTTP/1.1\r\nHost: x\r\n\r", "GET / HTTP/1.1\r\nHost: x\r\n",
		"GET / HTTP/1.1", "GET /", "\r\nGET / HTTP/1.1\r\n\r\n", "\r\n\r\n",
		"GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\n: empty\r\n\r\n",
		"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET / HTTP/1.1\r\nX : y\r\n\r\n",
		"GET / HTTP/1.1\r\nX: y\r\n folded\r\n\r\n", "GET / HTTP/1.1\r\nX: y\r\n\tfolded\r\n\r\n",
		"GET / HTTP/1.1\r\nX:\r\n\r\n", "GET / HTTP/1.1\r\nX: a\x01" "b\r\n\r\n",
		"GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n\r\n",
	};
	char req[1024];
	void *slow;
	char msg[64];
	size_t i, j, k, n;
	unsigned int c;

	slow = calloc(1, tt_svc_http.opts_size);
	assert_non_null(slow);
	tt_svc_http.opts_init(slow);
	assert_int_equal(tt_svc_http.opt(slow, "fast_path", "maybe", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(tt_svc_http.opt(slow, "fast_path", "off", msg, sizeof(msg)), 0);

	for (i = 0; i < RTE_DIM(corpus); i++)
		http_compare(http_opts, slow, corpus[i], strlen(corpus[i]));
	/* Two requests in a row, pipelined: every pair of the corpus. */
	for (i = 0; i < RTE_DIM(corpus); i++) {
		for (j = 0; j < RTE_DIM(corpus); j++) {
			n = (size_t)snprintf(req, sizeof(req), "%s%s", corpus[i], corpus[j]);
			http_compare_segs(http_opts, slow, req, n, NULL, 0, 65536);
			for (k = 1; k < n; k += 11) {
				size_t split[2] = { k, n - k };

				http_compare_segs(http_opts, slow, req, n, split, 2, 65536);
			}
		}
	}
	/* Every byte value in the target, a header name and a header value. */
	for (c = 0; c < 256; c++) {
		n = (size_t)snprintf(req, sizeof(req), "GET /a%cb HTTP/1.1\r\n\r\n" GET, c);
		http_compare(http_opts, slow, req, n);
		n = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nX%cY: z\r\n\r\n" GET, c);
		http_compare(http_opts, slow, req, n);
		n = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nX: a%cb\r\n\r\n" GET, c);
		http_compare(http_opts, slow, req, n);
		n = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nConnection: close%c\r\n\r\n", c);
		http_compare(http_opts, slow, req, n);
	}
	free(slow);
}

/* --- echo --- */

static void
fill_pattern(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + (i * 7 + seed) % 26);
}

static void
test_echo_basic(void **state __rte_unused)
{
	conn_open(&tt_svc_echo, NULL, 65536);
	deliver_str("hello");
	assert_out("hello", 5);
	/* The window reopens only as the echo is acknowledged. */
	assert_int_equal(conn.recved, 0);
	ack(3);
	assert_int_equal(conn.recved, 3);
	ack(2);
	assert_int_equal(conn.recved, 5);
	peer_fin();
	assert_int_equal(conn.shutdowns, 1);
}

static void
test_echo_send_space_order(void **state __rte_unused)
{
	static char in[4000];
	size_t off = 0, n;
	unsigned int i;

	fill_pattern(in, sizeof(in), 3);
	conn_open(&tt_svc_echo, NULL, 100);
	for (i = 0; off < sizeof(in); i++) {
		n = RTE_MIN(sizeof(in) - off, (size_t)(37 + i * 11));
		deliver(in + off, n, 1 + i % 3 * 20);
		off += n;
		assert_true(conn.recved + conn.unacked <= conn.delivered);
		if (i % 2 == 1 && conn.unacked > 0)
			ack((uint32_t)RTE_MIN(conn.unacked, (uint64_t)(13 + i)));
	}
	while (conn.unacked > 0)
		ack((uint32_t)RTE_MIN(conn.unacked, (uint64_t)29));
	assert_out(in, sizeof(in));
	assert_int_equal(conn.recved, sizeof(in));
}

/* A send buffer smaller than what is pending: split and copy. */
static void
test_echo_small_send_buffer(void **state __rte_unused)
{
	static char in[3000];
	static const size_t segs[] = { 0, 30, 0, 20, 700, 0, 50, 1200 };
	int rounds = 0;

	fill_pattern(in, sizeof(in), 5);
	conn_open(&tt_svc_echo, NULL, 64);
	deliver_mbuf(mk_chain_segs(in, 2000, segs, RTE_DIM(segs)));
	deliver(in + 2000, 1000, 300);
	while (conn.unacked > 0) {
		ack((uint32_t)conn.unacked);
		assert_true(++rounds < 1000);
	}
	assert_out(in, sizeof(in));
	assert_int_equal(conn.recved, sizeof(in));
}

static void
test_echo_fin_after_drain(void **state __rte_unused)
{
	static char in[500];

	fill_pattern(in, sizeof(in), 7);
	conn_open(&tt_svc_echo, NULL, 100);
	deliver(in, 90, 90);
	deliver(in + 90, 410, 200);
	peer_fin();
	assert_int_equal(conn.shutdowns, 0);
	while (conn.unacked > 0)
		ack((uint32_t)conn.unacked);
	assert_out(in, sizeof(in));
	assert_int_equal(conn.shutdowns, 1);
	assert_int_equal(conn.recved, sizeof(in));
}

static void
test_echo_close_with_pending(void **state __rte_unused)
{
	static char in[1000];

	fill_pattern(in, sizeof(in), 9);
	conn_open(&tt_svc_echo, NULL, 10);
	deliver(in, 500, 100);
	deliver(in + 500, 500, 7);
	/* Nothing in flight and 10 bytes of space: 10 bytes copied. */
	assert_out(in, 10);
	conn_close(TT_CLOSE_RESET);
}

/* --- discard --- */

static void
test_discard(void **state __rte_unused)
{
	static char in[5000];

	fill_pattern(in, sizeof(in), 1);
	conn_open(&tt_svc_discard, NULL, 65536);
	deliver(in, 1, 1);
	deliver(in, 3000, 700);
	deliver(in, 5000, 1500);
	assert_int_equal(conn.recved, 8001);
	assert_int_equal(conn.out_len, 0);
	peer_fin();
	assert_int_equal(conn.shutdowns, 1);
}

/* --- source --- */

static char
chargen_byte(size_t k)
{
	size_t line = k / 74 % 95, col = k % 74;

	if (col == 72)
		return '\r';
	if (col == 73)
		return '\n';
	return (char)(' ' + (line + col) % 95);
}

static void
assert_chargen(void)
{
	size_t k;

	for (k = 0; k < conn.out_len; k++) {
		if (conn.out[k] != chargen_byte(k)) {
			print_error("stream differs at byte %zu\n", k);
			fail();
		}
	}
}

static void
run_source(uint32_t copy_limit)
{
	static const uint32_t acks[] = { 333, 1, 5000, 7029, 7030, 7031, 12345, 2, 20000 };
	size_t len;
	unsigned int i;
	uint32_t a;

	memset(&conn, 0, sizeof(conn));
	conn.svc = &tt_svc_source;
	conn.space = 1000;
	conn.copy_limit = copy_limit;
	assert_int_equal(conn.svc->on_accept(&conn, NULL), 0);
	/* The accept fills the first space (or what the first copy took). */
	assert_int_equal(conn.out_len, copy_limit != 0 ? RTE_MIN(copy_limit, 1000u) : 1000);
	/* Acks of assorted sizes, some beyond what is in flight (the send
	 * buffer grows), each refilled where the last one stopped.
	 */
	for (i = 0; i < RTE_DIM(acks) || conn.out_len < 40000; i++) {
		a = acks[i % RTE_DIM(acks)];
		if (a > conn.unacked)
			conn.space += a - (uint32_t)conn.unacked;
		ack((uint32_t)RTE_MIN((uint64_t)a, conn.unacked));
		if (copy_limit == 0)
			assert_int_equal(conn.space, 0);
		assert_true(i < 1000);
	}
	assert_true(conn.out_len > 40000);
	assert_chargen();
	deliver_str("ignored");
	assert_int_equal(conn.recved, conn.delivered);
	peer_fin();
	assert_int_equal(conn.shutdowns, 1);
	len = conn.out_len;
	ack((uint32_t)conn.unacked);
	assert_int_equal(conn.out_len, len);
}

static void
test_source_continuity(void **state __rte_unused)
{
	run_source(0);
}

static void
test_source_short_copies(void **state __rte_unused)
{
	run_source(777);
}

static void
test_service_table(void **state __rte_unused)
{
	const char *names[] = { "echo", "discard", "source", "http" };
	unsigned int i;

	for (i = 0; tt_services[i] != NULL; i++) {
		assert_true(i < RTE_DIM(names));
		assert_string_equal(tt_services[i]->name, names[i]);
	}
	assert_int_equal(i, RTE_DIM(names));
	conn_open(&tt_svc_discard, NULL, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	static char *eal_args[] = {
		"test", "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
		"--log-level=4", "--file-prefix=tthttp",
	};
	const struct CMUnitTest tests[] = {
		T(test_http_get),
		T(test_http_head),
		T(test_http_split_byte_by_byte),
		T(test_http_pipelined_three),
		T(test_http_rx_tail_follows_first),
		T(test_http_multiseg_chain),
		T(test_http_connection_close),
		T(test_http_10_close),
		T(test_http_10_keep_alive),
		T(test_http_post_405),
		T(test_http_garbage_400),
		T(test_http_upgrade_ignored),
		T(test_http_connect_405_close),
		T(test_http_send_space),
		T(test_http_send_space_short_copy),
		T(test_http_send_space_one),
		T(test_http_peer_fin_while_stalled),
		T(test_http_close_while_stalled),
		T(test_http_partial_then_fin),
		T(test_http_cannot_send),
		T(test_http_opts),
		T(test_http_fast_path_matches_parser),
		T(test_echo_basic),
		T(test_echo_send_space_order),
		T(test_echo_small_send_buffer),
		T(test_echo_fin_after_drain),
		T(test_echo_close_with_pending),
		T(test_discard),
		T(test_source_continuity),
		T(test_source_short_copies),
		T(test_service_table),
	};
	int ret;

	if (rte_eal_init((int)RTE_DIM(eal_args), eal_args) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("tthttp", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	http_opts = calloc(1, tt_svc_http.opts_size);
	if (http_opts == NULL)
		return 1;
	tt_svc_http.opts_init(http_opts);

	ret = cmocka_run_group_tests(tests, NULL, NULL);

	free(http_opts);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return ret;
}
