/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <string.h>

#include <rte_common.h>

#include "tt_steer.h"

const uint8_t tt_rss_key_symmetric[TT_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

void
tt_steer_init(struct tt_steer *s, unsigned int n_workers, uint16_t reta_size)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->n_workers = RTE_MAX(n_workers, 1u);
	if (reta_size == 0 || reta_size > TT_RETA_MAX || !rte_is_power_of_2(reta_size))
		reta_size = 128;
	s->reta_size = reta_size;
	for (i = 0; i < reta_size; i++)
		s->reta[i] = (uint16_t)(i % s->n_workers);
	memcpy(s->key, tt_rss_key_symmetric, sizeof(s->key));
	rte_convert_rss_key((const uint32_t *)s->key, (uint32_t *)s->key_be, TT_RSS_KEY_LEN);
}
