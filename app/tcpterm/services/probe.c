/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * probe: the client side of an active open. Once connected it sends one
 * line naming the worker and local port, closes its sending side and
 * reads (and discards) whatever the server answers until it closes.
 * Used by /tcpterm/connect to check that every worker can open
 * connections; not a listener service.
 */

#include <stdio.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "services.h"

static int
probe_on_accept(struct tt_conn *c, const void *opts)
{
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	char line[64];
	int n;

	(void)opts;
	tt_conn_tuple(c, &laddr, &lport, &raddr, &rport);
	n = snprintf(line, sizeof(line), "tcpterm worker %u port %u\n", tt_conn_worker_id(c),
		     rte_be_to_cpu_16(lport));
	if (tt_send_copy(c, line, (uint32_t)n) != n)
		return -1;
	return tt_shutdown(c);
}

static void
probe_on_data(struct tt_conn *c, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;

	rte_pktmbuf_free(m);
	tt_recved(c, len);
}

const struct tt_service tt_svc_probe = {
	.name = "probe",
	.on_accept = probe_on_accept,
	.on_data = probe_on_data,
};
