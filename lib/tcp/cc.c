/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * The table of congestion-control algorithms (testpmd's fwd_engines):
 * adding one is a file of its own plus a line here and in enum tt_cc_id.
 */

#include <string.h>

#include <rte_common.h>

#include "tt_tcp.h"

const struct tt_cc_algo *const tt_cc_algos[TT_CC_NB] = {
	[TT_CC_NEWRENO] = &tt_cc_newreno,
	[TT_CC_CUBIC] = &tt_cc_cubic,
};

const struct tt_cc_algo *
tt_cc_get(enum tt_cc_id id)
{
	if ((unsigned int)id >= TT_CC_NB)
		return &tt_cc_newreno;
	return tt_cc_algos[id];
}

int
tt_cc_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < TT_CC_NB; i++)
		if (strcmp(tt_cc_algos[i]->name, name) == 0)
			return (int)i;
	return -1;
}

const char *
tt_cc_name(enum tt_cc_id id)
{
	if ((unsigned int)id >= TT_CC_NB)
		return NULL;
	return tt_cc_algos[id]->name;
}

/*
 * RFC 6582 §3.2 step 3, option 1: deflate to min(ssthresh, max(FlightSize,
 * SMSS) + SMSS), which avoids a burst when little is outstanding.
 */
void
tt_cc_recovery_exit_default(struct tt_tcb *t, uint32_t flight)
{
	t->snd.cwnd = RTE_MIN(t->snd.ssthresh, RTE_MAX(flight, (uint32_t)t->mss) + t->mss);
}
