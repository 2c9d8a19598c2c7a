/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * Discard (RFC 863): payload is freed as it arrives and the window reopened
 * at once; the peer's FIN is answered with ours. Needs no context.
 */

#include <rte_mbuf.h>

#include "services.h"

static void
discard_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;

	rte_pktmbuf_free(m);
	tt_recved(c, len);
}

static void
discard_on_peer_fin(struct tt_conn *c)
{
	tt_shutdown(c);
}

const struct tt_service tt_svc_discard = {
	.name = "discard",
	.on_data = discard_on_data,
	.on_peer_fin = discard_on_peer_fin,
};
