/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * HTTP/1.1 responder on libhttp-parser's streaming parser.
 *
 * Every segment of every mbuf goes through http_parser_execute(), so a
 * request may be split anywhere. Responses are prebuilt per listener when
 * the options are parsed (status line, headers and body in one buffer, one
 * per persistence variant); a HEAD answer is the header prefix of the GET
 * one. GET and HEAD get the configured response, other methods 405, a parse
 * error 400 and a close.
 *
 * Ordering and flow control: on_message_complete() only records which
 * response is due and pauses the parser. The driver (http_drain()) then
 * queues that response with tt_send_copy(), as much as send space allows;
 * until all of it is queued the parser stays stopped, the unparsed rest of
 * the input stays in the context (rx, a list of segments whose data_off and
 * data_len are advanced as bytes are parsed) and on_sent() resumes. Bytes
 * are reported with tt_recved() as the parser consumes them, so a client
 * pipelining faster than it reads sees the window close.
 *
 * Fast path: most requests are a GET or HEAD with a few ordinary headers
 * and no body, whole in one segment. http_fast() recognises a strict
 * subset of what http_parser accepts and answers it as on_message_complete()
 * would, while the parser sits between messages (it needs no state then and
 * is left as it is); anything else, or anything it is unsure of, is left to
 * http_parser, which has consumed nothing of it.
 *
 * Close: when the request asks for it (http_should_keep_alive() false),
 * after a 400, or after the peer's FIN once every complete request is
 * answered, the service calls tt_shutdown() after the last response and
 * from then on frees whatever arrives, reopening the window for it.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "services.h"

#define HTTP_BODY_MAX 1024	/* bytes of `body`, after escapes */
#define HTTP_CTYPE_MAX 128	/* `content_type`, with its NUL */
#define HTTP_HDR_MAX 384	/* status line and headers; the longest is under 300 */
#define HTTP_RESP_MAX (HTTP_HDR_MAX + HTTP_BODY_MAX)

#define HTTP_DEFAULT_STATUS 200
#define HTTP_DEFAULT_BODY "Hello from tcpterm\n"
#define HTTP_DEFAULT_CTYPE "text/plain"

/* How the response leaves the connection. */
enum http_conn {
	HTTP_CONN_KEEP,		/* HTTP/1.1 persistent: no Connection header */
	HTTP_CONN_KEEP10,	/* HTTP/1.0 with keep-alive: say so */
	HTTP_CONN_CLOSE,	/* Connection: close, then tt_shutdown() */
	HTTP_CONN_MAX,
};

/* The response due for the last complete request. */
enum http_kind {
	HTTP_RESP_NONE,
	HTTP_RESP_OK,		/* the configured one */
	HTTP_RESP_405,
	HTTP_RESP_400,
};

enum http_state {
	HTTP_OPEN,		/* parsing */
	HTTP_CLOSING,		/* last response pending; input is dropped */
	HTTP_SHUT,		/* shut down or cannot send; input is dropped */
};

struct http_resp {
	uint16_t hdr_len;	/* status line and headers: the HEAD answer */
	uint16_t len;		/* hdr_len plus the body */
	char buf[HTTP_RESP_MAX];
};

/* Per-listener options; self-contained, so the config can copy it. */
struct http_opts {
	uint16_t status;
	uint16_t body_len;
	char body[HTTP_BODY_MAX];
	char content_type[HTTP_CTYPE_MAX];
	struct http_resp ok[HTTP_CONN_MAX];
	struct http_resp not_allowed[HTTP_CONN_MAX];
	uint8_t start_state;	/* http_parser's state between two requests */
	uint8_t fast_path;	/* try http_fast() first (option fast_path) */
};

/*
 * The first unparsed segment (the rx list's head, NULL when empty) is kept
 * in parser.data, http_parser's field for the application: the callbacks
 * find the ctx with container_of(), not through it, and http_parser_init()
 * keeps it. A pointer less in every connection's context (rx_head()).
 */
struct http_ctx {
	http_parser parser;		/* first: callbacks find the ctx from it */
	uint16_t resp_off;		/* bytes of the due response queued so far */
	uint8_t kind;			/* enum http_kind */
	uint8_t conn;			/* enum http_conn of the due response */
	uint8_t head;			/* the due response has no body (HEAD) */
	uint8_t state;			/* enum http_state */
	uint8_t peer_fin;		/* FIN received */
};

_Static_assert(sizeof(struct http_ctx) <= TT_APP_CTX_SIZE, "http ctx too large");

static inline struct rte_mbuf *
rx_head(const struct http_ctx *x)
{
	return x->parser.data;
}

static inline void
rx_head_set(struct http_ctx *x, struct rte_mbuf *m)
{
	x->parser.data = m;
}

/*
 * The rx list's last segment is kept in its first segment's tx_offload, a
 * field only transmission reads: the rx list is parsed and freed, never
 * sent, and uses nothing else of a segment but next, data_off and
 * data_len; the field is zeroed again before a segment is freed, as a
 * driver's receive path need not reset it. A pointer less in every
 * connection's context.
 */
static inline struct rte_mbuf *
rx_tail(const struct http_ctx *x)
{
	return rx_head(x) == NULL ? NULL : (struct rte_mbuf *)(uintptr_t)rx_head(x)->tx_offload;
}

/* Set the rx list's last segment; the list is not empty. */
static inline void
rx_tail_set(struct http_ctx *x, struct rte_mbuf *tail)
{
	rx_head(x)->tx_offload = (uintptr_t)tail;
}

static const char http_400[] =
	"HTTP/1.1 400 Bad Request\r\n"
	"Server: tcpterm\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 12\r\n"
	"Connection: close\r\n"
	"\r\n"
	"Bad Request\n";

static const char http_405_body[] = "Method Not Allowed\n";

static int http_on_message_complete(http_parser *p);

static const http_parser_settings http_settings = {
	.on_message_complete = http_on_message_complete,
};

/* RFC 9110 §15: 1xx, 204 and 304 responses carry no content. */
static int
http_status_has_body(unsigned int status)
{
	return status >= 200 && status != 204 && status != 304;
}

static const char *
http_reason(unsigned int status)
{
	static const char *const class_reason[] = {
		"Informational", "Success", "Redirection", "Client Error", "Server Error",
	};
	const char *r = http_status_str((enum http_status)status);

	if (strcmp(r, "<unknown>") != 0)
		return r;
	return class_reason[status / 100 - 1];
}

static int
http_build(struct http_resp *r, unsigned int status, const char *ctype, const char *extra,
	   const char *body, uint16_t body_len, enum http_conn conn)
{
	static const char *const conn_hdr[HTTP_CONN_MAX] = {
		[HTTP_CONN_KEEP] = "",
		[HTTP_CONN_KEEP10] = "Connection: keep-alive\r\n",
		[HTTP_CONN_CLOSE] = "Connection: close\r\n",
	};
	char clen[32] = "";
	int n;

	if (http_status_has_body(status))
		snprintf(clen, sizeof(clen), "Content-Length: %u\r\n", body_len);
	else
		body_len = 0;
	n = snprintf(r->buf, HTTP_HDR_MAX,
		     "HTTP/1.1 %u %s\r\n"
		     "Server: tcpterm\r\n"
		     "Content-Type: %s\r\n"
		     "%s%s%s"
		     "\r\n",
		     status, http_reason(status), ctype, clen, extra, conn_hdr[conn]);
	if (n < 0 || n >= HTTP_HDR_MAX)
		return -EINVAL;
	memcpy(r->buf + n, body, body_len);
	r->hdr_len = (uint16_t)n;
	r->len = (uint16_t)(n + body_len);
	return 0;
}

/* Rebuild every prebuilt response from the option values. */
static int
http_opts_build(struct http_opts *o)
{
	unsigned int v;
	int ret;

	for (v = 0; v < HTTP_CONN_MAX; v++) {
		ret = http_build(&o->ok[v], o->status, o->content_type, "",
				 o->body, o->body_len, v);
		if (ret < 0)
			return ret;
		ret = http_build(&o->not_allowed[v], 405, "text/plain", "Allow: GET, HEAD\r\n",
				 http_405_body, sizeof(http_405_body) - 1, v);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void
http_opts_init(void *opts)
{
	struct http_opts *o = opts;

	o->status = HTTP_DEFAULT_STATUS;
	o->body_len = sizeof(HTTP_DEFAULT_BODY) - 1;
	memcpy(o->body, HTTP_DEFAULT_BODY, o->body_len);
	strcpy(o->content_type, HTTP_DEFAULT_CTYPE);
	http_opts_build(o);
	/* The state a new parser starts in is the one it returns to after each request. */
	{
		http_parser p;

		http_parser_init(&p, HTTP_REQUEST);
		o->start_state = (uint8_t)p.state;
	}
	o->fast_path = 1;
}

/* Decode the escapes \n \r \t \\ of a `body` value into @p out. */
static int
http_unescape(const char *in, char *out, size_t outlen, char *msg, size_t msglen)
{
	size_t n = 0;
	char ch;

	for (; *in != '\0'; in++) {
		ch = *in;
		if (ch == '\\') {
			switch (*++in) {
			case 'n':
				ch = '\n';
				break;
			case 'r':
				ch = '\r';
				break;
			case 't':
				ch = '\t';
				break;
			case '\\':
				ch = '\\';
				break;
			default:
				snprintf(msg, msglen,
					 "bad escape in body (\\n, \\r, \\t and \\\\ are known)");
				return -EINVAL;
			}
		}
		if (n == outlen) {
			snprintf(msg, msglen, "body is longer than %zu bytes", outlen);
			return -EINVAL;
		}
		out[n++] = ch;
	}
	return (int)n;
}

static int
http_opt(void *opts, const char *key, const char *value, char *msg, size_t msglen)
{
	struct http_opts *o = opts;
	char body[HTTP_BODY_MAX];
	unsigned long status;
	char *end;
	size_t len, i;
	int n;

	if (strcmp(key, "status") == 0) {
		errno = 0;
		status = strtoul(value, &end, 10);
		if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
		    status < 100 || status > 599) {
			snprintf(msg, msglen, "'%s' is not an integer in 100..599", value);
			return -EINVAL;
		}
		o->status = (uint16_t)status;
	} else if (strcmp(key, "body") == 0) {
		n = http_unescape(value, body, sizeof(body), msg, msglen);
		if (n < 0)
			return n;
		memcpy(o->body, body, (size_t)n);
		o->body_len = (uint16_t)n;
	} else if (strcmp(key, "content_type") == 0) {
		len = strlen(value);
		if (len == 0 || len >= sizeof(o->content_type)) {
			snprintf(msg, msglen, "content_type must be 1..%zu characters",
				 sizeof(o->content_type) - 1);
			return -EINVAL;
		}
		for (i = 0; i < len; i++) {
			if (value[i] < ' ' || value[i] > '~') {
				snprintf(msg, msglen, "content_type must be printable ASCII");
				return -EINVAL;
			}
		}
		memcpy(o->content_type, value, len + 1);
	} else if (strcmp(key, "fast_path") == 0) {
		if (strcmp(value, "on") == 0) {
			o->fast_path = 1;
		} else if (strcmp(value, "off") == 0) {
			o->fast_path = 0;
		} else {
			snprintf(msg, msglen, "'%s' is not on or off", value);
			return -EINVAL;
		}
		return 0;
	} else {
		return -ENOENT;
	}
	if (http_opts_build(o) < 0) {
		snprintf(msg, msglen, "response header too long");
		return -EINVAL;
	}
	return 0;
}

static int
http_on_message_complete(http_parser *p)
{
	struct http_ctx *x = container_of(p, struct http_ctx, parser);

	if (p->method == HTTP_GET || p->method == HTTP_HEAD)
		x->kind = HTTP_RESP_OK;
	else
		x->kind = HTTP_RESP_405;
	x->head = p->method == HTTP_HEAD;
	/* After CONNECT the client may already be sending tunnel bytes. */
	if (http_should_keep_alive(p) == 0 || p->method == HTTP_CONNECT)
		x->conn = HTTP_CONN_CLOSE;
	else if (p->http_major == 1 && p->http_minor == 0)
		x->conn = HTTP_CONN_KEEP10;
	else
		x->conn = HTTP_CONN_KEEP;
	x->resp_off = 0;
	/* Answer before parsing on: the answer may wait for send space. */
	http_parser_pause(p, 1);
	return 0;
}

/* Free the unparsed input and reopen the window for it. */
static void
http_rx_drop(struct tt_conn *c, struct http_ctx *x)
{
	struct rte_mbuf *s, *next;
	uint32_t len = 0;

	for (s = rx_head(x); s != NULL; s = next) {
		next = s->next;
		len += s->data_len;
		s->tx_offload = 0;	/* rx_tail()'s pointer, if first */
		rte_pktmbuf_free_seg(s);
	}
	rx_head_set(x, NULL);
	if (len > 0)
		tt_recved(c, len);
}

/* Unlink and free the first segment of the rx list. */
static void
http_rx_pop(struct http_ctx *x)
{
	struct rte_mbuf *s = rx_head(x), *tail = rx_tail(x);

	rx_head_set(x, s->next);
	if (rx_head(x) != NULL)
		rx_tail_set(x, tail);
	s->next = NULL;
	s->tx_offload = 0;	/* a driver that reuses it need not reset it */
	rte_pktmbuf_free_seg(s);
}

static const char *
http_resp_get(const struct tt_conn *c, const struct http_ctx *x, uint32_t *len)
{
	const struct http_opts *o = tt_conn_opts(c);
	const struct http_resp *r;

	switch (x->kind) {
	case HTTP_RESP_OK:
		r = &o->ok[x->conn];
		break;
	case HTTP_RESP_405:
		r = &o->not_allowed[x->conn];
		break;
	default:
		*len = sizeof(http_400) - 1;
		return http_400;
	}
	*len = x->head != 0 ? r->hdr_len : r->len;
	return r->buf;
}

/* The connection cannot send any more: drop everything from now on. */
static void
http_set_shut(struct tt_conn *c, struct http_ctx *x)
{
	x->state = HTTP_SHUT;
	x->kind = HTTP_RESP_NONE;
	http_rx_drop(c, x);
}

/*
 * Queue as much of the due response as send space allows.
 * @return 1 when all of it is queued, 0 when the rest waits for on_sent(),
 *   -1 when the connection cannot send.
 */
static int
http_flush(struct tt_conn *c, struct http_ctx *x)
{
	const char *buf;
	uint32_t len, space, n;
	int ret;

	buf = http_resp_get(c, x, &len);
	while (x->resp_off < len) {
		space = tt_send_space(c);
		if (space == 0)
			return 0;
		n = RTE_MIN(space, len - x->resp_off);
		ret = tt_send_copy(c, buf + x->resp_off, n);
		if (unlikely(ret < 0)) {
			http_set_shut(c, x);
			return -1;
		}
		if (ret == 0)
			return 0;
		x->resp_off += (uint16_t)ret;
	}
	return 1;
}

/*
 * The fast path's character classes: RFC 9110 §5.6.2 tchar for header
 * names, and for values visible ASCII, SP and HTAB (obs-text and controls
 * go to http_parser).
 */
#define HF_TCHAR 0x1
#define HF_VCHAR 0x2
#define HF_TV (HF_TCHAR | HF_VCHAR)
static const uint8_t http_fast_class[256] = {
	['\t'] = HF_VCHAR, [' '] = HF_VCHAR,
	['!'] = HF_TV, ['"'] = HF_VCHAR, ['#'] = HF_TV, ['$'] = HF_TV, ['%'] = HF_TV,
	['&'] = HF_TV, ['\''] = HF_TV, ['('] = HF_VCHAR, [')'] = HF_VCHAR, ['*'] = HF_TV,
	['+'] = HF_TV, [','] = HF_VCHAR, ['-'] = HF_TV, ['.'] = HF_TV, ['/'] = HF_VCHAR,
	['0' ... '9'] = HF_TV, [':'] = HF_VCHAR, [';'] = HF_VCHAR, ['<'] = HF_VCHAR,
	['='] = HF_VCHAR, ['>'] = HF_VCHAR, ['?'] = HF_VCHAR, ['@'] = HF_VCHAR,
	['A' ... 'Z'] = HF_TV, ['['] = HF_VCHAR, ['\\'] = HF_VCHAR, [']'] = HF_VCHAR,
	['^'] = HF_TV, ['_'] = HF_TV, ['`'] = HF_TV, ['a' ... 'z'] = HF_TV,
	['{'] = HF_VCHAR, ['|'] = HF_TV, ['}'] = HF_VCHAR, ['~'] = HF_TV,
};

/* @p len bytes at @p p equal the lower-case @p lc, ignoring case. */
static inline int
http_fast_ieq(const char *p, size_t len, const char *lc, size_t lclen)
{
	size_t i;

	if (len != lclen)
		return 0;
	for (i = 0; i < len; i++)
		if ((p[i] | 0x20) != lc[i])
			return 0;
	return 1;
}

/*
 * A complete GET or HEAD at the start of @p p (@p len bytes), in the strict
 * form: "GET" or "HEAD", one SP, an origin-form target ("/" then visible
 * ASCII), one SP, "HTTP/1.1" or "HTTP/1.0", CRLF; header lines of a tchar
 * name, ":", optional SP/HTAB, visible ASCII, SP and HTAB, CRLF; an empty
 * line. A Connection header whose value is exactly "close" or "keep-alive"
 * (any case, trailing SP) counts as http_parser counts it; any other
 * Connection value, and Proxy-Connection, Content-Length,
 * Transfer-Encoding and Upgrade (a body or a protocol switch), go to
 * http_parser, as does anything else not in this form.
 * @return the request's length with @p x set up as on_message_complete()
 *   sets it, or 0 to leave the bytes to http_parser.
 */
static size_t
http_fast(struct http_ctx *x, const char *p, size_t len)
{
	const char *end = p + len, *q = p, *name, *val, *vend;
	int head, minor, close = 0, keep = 0;

	if (len >= 4 && memcmp(q, "GET ", 4) == 0) {
		head = 0;
		q += 4;
	} else if (len >= 5 && memcmp(q, "HEAD ", 5) == 0) {
		head = 1;
		q += 5;
	} else {
		return 0;
	}
	if (q >= end || *q != '/')
		return 0;
	while (q < end && *q > ' ' && *q < 0x7f)
		q++;
	if (end - q < 11 || memcmp(q, " HTTP/1.", 8) != 0 || (q[8] != '0' && q[8] != '1') ||
	    q[9] != '\r' || q[10] != '\n')
		return 0;
	minor = q[8] - '0';
	q += 11;
	for (;;) {
		if (end - q < 2)
			return 0;
		if (q[0] == '\r') {
			if (q[1] != '\n')
				return 0;
			q += 2;
			break;
		}
		name = q;
		while (q < end && (http_fast_class[(uint8_t)*q] & HF_TCHAR))
			q++;
		if (q == name || q >= end || *q != ':')
			return 0;
		val = ++q;
		while (q < end && (http_fast_class[(uint8_t)*q] & HF_VCHAR))
			q++;
		if (end - q < 2 || q[0] != '\r' || q[1] != '\n')
			return 0;
		vend = q;
		q += 2;
		switch (val - 1 - name) {
		case 7:		/* upgrade */
		case 14:	/* content-length */
		case 16:	/* proxy-connection */
		case 17:	/* transfer-encoding */
			if (http_fast_ieq(name, (size_t)(val - 1 - name), "upgrade", 7) ||
			    http_fast_ieq(name, (size_t)(val - 1 - name), "content-length", 14) ||
			    http_fast_ieq(name, (size_t)(val - 1 - name), "proxy-connection", 16) ||
			    http_fast_ieq(name, (size_t)(val - 1 - name), "transfer-encoding", 17))
				return 0;
			break;
		case 10:
			if (!http_fast_ieq(name, 10, "connection", 10))
				break;
			while (val < vend && (*val == ' ' || *val == '\t'))
				val++;
			while (vend > val && vend[-1] == ' ')
				vend--;
			if (http_fast_ieq(val, (size_t)(vend - val), "close", 5))
				close = 1;
			else if (http_fast_ieq(val, (size_t)(vend - val), "keep-alive", 10))
				keep = 1;
			else
				return 0;
			break;
		default:
			break;
		}
	}
	/* http_should_keep_alive(): HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive". */
	x->kind = HTTP_RESP_OK;
	x->head = (uint8_t)head;
	if (minor == 1 ? close : !keep)
		x->conn = HTTP_CONN_CLOSE;
	else
		x->conn = minor == 0 ? HTTP_CONN_KEEP10 : HTTP_CONN_KEEP;
	x->resp_off = 0;
	return (size_t)(q - p);
}

/*
 * Answer what is due, then parse on, answering each complete request in
 * turn, until the input runs out or a response waits for send space.
 */
static void
http_drain(struct tt_conn *c, struct http_ctx *x)
{
	const struct http_opts *o = tt_conn_opts(c);
	struct rte_mbuf *s;
	enum http_errno err;
	size_t n, len;

	for (;;) {
		if (x->kind != HTTP_RESP_NONE) {
			if (http_flush(c, x) <= 0)
				return;
			if (x->conn == HTTP_CONN_CLOSE) {
				tt_shutdown(c);
				http_set_shut(c, x);
				return;
			}
			x->kind = HTTP_RESP_NONE;
		}
		if (rx_head(x) == NULL)
			break;

		s = rx_head(x);
		len = s->data_len;
		n = 0;
		/* Between requests, try the fast path on what this segment holds. */
		if (len > 0 && o->fast_path && x->parser.state == o->start_state &&
		    x->parser.nread == 0 &&
		    (n = http_fast(x, rte_pktmbuf_mtod(s, const char *), len)) > 0) {
			s->data_off += (uint16_t)n;
			s->data_len -= (uint16_t)n;
			tt_recved(c, (uint32_t)n);
			if (s->data_len == 0)
				http_rx_pop(x);
			if (x->conn == HTTP_CONN_CLOSE) {
				x->state = HTTP_CLOSING;
				http_rx_drop(c, x);
			}
			continue;
		}
		if (len > 0) {
			n = http_parser_execute(&x->parser, &http_settings,
						rte_pktmbuf_mtod(s, const char *), len);
			s->data_off += (uint16_t)n;
			s->data_len -= (uint16_t)n;
			if (n > 0)
				tt_recved(c, (uint32_t)n);
		}
		if (s->data_len == 0)
			http_rx_pop(x);

		err = HTTP_PARSER_ERRNO(&x->parser);
		if (err == HPE_PAUSED) {
			/* A request is complete: its response is due. */
			http_parser_pause(&x->parser, 0);
			if (x->conn == HTTP_CONN_CLOSE) {
				x->state = HTTP_CLOSING;
				http_rx_drop(c, x);
			}
		} else if (unlikely(err != HPE_OK || n < len)) {
			/* Parse error: answer 400, ignore the rest, close. */
			x->kind = HTTP_RESP_400;
			x->conn = HTTP_CONN_CLOSE;
			x->head = 0;
			x->resp_off = 0;
			x->state = HTTP_CLOSING;
			http_rx_drop(c, x);
		}
	}
	if (x->peer_fin != 0 && x->state == HTTP_OPEN) {
		/* Every complete request is answered; a partial one never will be. */
		tt_shutdown(c);
		x->state = HTTP_SHUT;
	}
}

static int
http_on_accept(struct tt_conn *c, const void *opts __rte_unused)
{
	struct http_ctx *x = tt_conn_ctx(c);

	http_parser_init(&x->parser, HTTP_REQUEST);
	x->state = HTTP_OPEN;
	return 0;
}

static void
http_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	struct http_ctx *x = tt_conn_ctx(c);
	uint32_t len;

	if (unlikely(x->state != HTTP_OPEN)) {
		len = m->pkt_len;
		rte_pktmbuf_free(m);
		tt_recved(c, len);
		return;
	}
	/* The rx list is a plain list of segments: only next, data_off and
	 * data_len of each are used from here on.
	 */
	if (rx_head(x) == NULL)
		rx_head_set(x, m);
	else
		rx_tail(x)->next = m;
	rx_tail_set(x, rte_pktmbuf_lastseg(m));
	if (x->kind == HTTP_RESP_NONE)
		http_drain(c, x);
}

static void
http_on_sent(struct tt_conn *c, uint32_t acked __rte_unused)
{
	struct http_ctx *x = tt_conn_ctx(c);

	if (x->kind != HTTP_RESP_NONE)
		http_drain(c, x);
}

static void
http_on_peer_fin(struct tt_conn *c)
{
	struct http_ctx *x = tt_conn_ctx(c);

	x->peer_fin = 1;
	if (x->state == HTTP_OPEN && x->kind == HTTP_RESP_NONE)
		http_drain(c, x);
}

static void
http_on_close(struct tt_conn *c, enum tt_close_reason reason __rte_unused)
{
	struct http_ctx *x = tt_conn_ctx(c);
	struct rte_mbuf *s, *next;

	for (s = rx_head(x); s != NULL; s = next) {
		next = s->next;
		s->tx_offload = 0;	/* rx_tail()'s pointer, if first */
		rte_pktmbuf_free_seg(s);
	}
	rx_head_set(x, NULL);
}

const struct tt_service tt_svc_http = {
	.name = "http",
	.opts_size = sizeof(struct http_opts),
	.opts_init = http_opts_init,
	.opt = http_opt,
	.on_accept = http_on_accept,
	.on_data = http_on_data,
	.on_sent = http_on_sent,
	.on_peer_fin = http_on_peer_fin,
	.on_close = http_on_close,
};
