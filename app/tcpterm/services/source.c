/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Source: an endless character-generator stream (RFC 864 pattern: lines of
 * 72 printable characters, each starting one character further along the
 * 95 printable ASCII characters, ended by CRLF). Every time send space
 * grows the service fills it with tt_send_copy(); the offset into the
 * 95-line cycle is kept in the context so the stream is continuous across
 * calls. Received bytes are discarded. The peer's FIN stops the stream and
 * is answered with ours.
 */

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "services.h"

#define SOURCE_LINE_CHARS 72
#define SOURCE_PRINTABLE 95	/* ' ' (0x20) to '~' (0x7e) */
#define SOURCE_CYCLE (SOURCE_PRINTABLE * (SOURCE_LINE_CHARS + 2))

/*
 * Two copies of the cycle back to back, so that any chunk of up to
 * SOURCE_CYCLE bytes starting anywhere in the first copy is contiguous.
 */
static char source_pattern[2 * SOURCE_CYCLE];

struct source_ctx {
	uint32_t off;		/* next byte of the cycle to send */
	uint8_t stopped;	/* FIN received or the connection cannot send */
};

_Static_assert(sizeof(struct source_ctx) <= TT_APP_CTX_SIZE, "source ctx too large");

RTE_INIT(source_pattern_init)
{
	unsigned int line, col;
	char *p = source_pattern;

	for (line = 0; line < SOURCE_PRINTABLE; line++) {
		for (col = 0; col < SOURCE_LINE_CHARS; col++)
			*p++ = (char)(' ' + (line + col) % SOURCE_PRINTABLE);
		*p++ = '\r';
		*p++ = '\n';
	}
	memcpy(source_pattern + SOURCE_CYCLE, source_pattern, SOURCE_CYCLE);
}

static void
source_fill(struct tt_conn *c, struct source_ctx *x)
{
	uint32_t space, len;
	int n;

	while (x->stopped == 0 && (space = tt_send_space(c)) > 0) {
		len = RTE_MIN(space, (uint32_t)SOURCE_CYCLE);
		n = tt_send_copy(c, source_pattern + x->off, len);
		if (n < 0) {
			x->stopped = 1;
			break;
		}
		x->off = (x->off + (uint32_t)n) % SOURCE_CYCLE;
		/* Fewer than asked: mbufs ran short, go on from on_sent(). */
		if ((uint32_t)n < len)
			break;
	}
}

static int
source_on_accept(struct tt_conn *c, const void *opts __rte_unused)
{
	source_fill(c, tt_conn_ctx(c));
	return 0;
}

static void
source_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;

	rte_pktmbuf_free(m);
	tt_recved(c, len);
}

static void
source_on_sent(struct tt_conn *c, uint32_t acked __rte_unused)
{
	source_fill(c, tt_conn_ctx(c));
}

static void
source_on_peer_fin(struct tt_conn *c)
{
	struct source_ctx *x = tt_conn_ctx(c);

	if (x->stopped == 0) {
		x->stopped = 1;
		tt_shutdown(c);
	}
}

const struct tt_service tt_svc_source = {
	.name = "source",
	.on_accept = source_on_accept,
	.on_data = source_on_data,
	.on_sent = source_on_sent,
	.on_peer_fin = source_on_peer_fin,
};
