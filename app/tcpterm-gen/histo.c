/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/* The log-linear histogram of histo.h: merging, differences and percentiles. */

#include <string.h>

#include "histo.h"

void
tt_histo_reset(struct tt_histo *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
tt_histo_merge(struct tt_histo *dst, const struct tt_histo *src)
{
	unsigned int i;

	for (i = 0; i < TT_HISTO_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

void
tt_histo_delta(struct tt_histo *dst, const struct tt_histo *now, const struct tt_histo *then)
{
	unsigned int i;

	for (i = 0; i < TT_HISTO_BUCKETS; i++)
		dst->bucket[i] = now->bucket[i] - then->bucket[i];
	dst->count = now->count - then->count;
	dst->sum = now->sum - then->sum;
	dst->min = now->min;
	dst->max = now->max;
}

uint64_t
tt_histo_bucket_low(unsigned int i)
{
	unsigned int shift;

	if (i < TT_HISTO_SUB)
		return i;
	shift = i / TT_HISTO_SUB - 1;
	return (uint64_t)(TT_HISTO_SUB + i % TT_HISTO_SUB) << shift;
}

/* Buckets tile the line: one ends where the next begins. */
uint64_t
tt_histo_bucket_high(unsigned int i)
{
	return i + 1 < TT_HISTO_BUCKETS ? tt_histo_bucket_low(i + 1) - 1 : UINT64_MAX;
}

uint64_t
tt_histo_percentile(const struct tt_histo *h, double p)
{
	uint64_t rank, seen = 0, total = 0;
	double want;
	unsigned int i;

	/* Workers may be recording while we read: trust the buckets, not count. */
	for (i = 0; i < TT_HISTO_BUCKETS; i++)
		total += h->bucket[i];
	if (total == 0)
		return 0;
	if (p <= 0)
		p = 0.000001;
	if (p > 100)
		p = 100;
	/* ceil(p% of total), forgiving the rounding of p (99.9 is not exact in binary). */
	want = p / 100.0 * (double)total;
	rank = (uint64_t)want;
	if (want - (double)rank > 1e-9 * want)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < TT_HISTO_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			uint64_t v = tt_histo_bucket_high(i);

			return v > h->max && h->max != 0 ? h->max : v;
		}
	}
	return h->max;
}
