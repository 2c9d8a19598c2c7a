/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_HISTO_H
#define TT_HISTO_H

/**
 * @file
 * A log-linear latency histogram in the manner of HdrHistogram: values
 * below 2^TT_HISTO_SUB_BITS have a bucket each; above, every power of two
 * [2^e, 2^(e+1)) is split into 2^TT_HISTO_SUB_BITS equal buckets, so a
 * bucket is at most 1/32 (3.1 %) of its values wide. Recording is a count
 * leading zeros, a shift and an increment: no allocation, no lock. Each
 * worker owns one; the main lcore reads them (64-bit words written by one
 * writer) and merges them into its own copy.
 */

#include <stdint.h>

#define TT_HISTO_SUB_BITS 5
#define TT_HISTO_SUB (1u << TT_HISTO_SUB_BITS)
/** Buckets: one linear group, then one group per exponent SUB_BITS..63. */
#define TT_HISTO_BUCKETS ((64 - TT_HISTO_SUB_BITS + 1) * TT_HISTO_SUB)

struct tt_histo {
	uint64_t count;			/**< values recorded */
	uint64_t sum;			/**< their sum (mean = sum / count) */
	uint64_t min;			/**< UINT64_MAX while empty */
	uint64_t max;
	uint64_t bucket[TT_HISTO_BUCKETS];
};

/** The bucket of @p v. */
static inline unsigned int
tt_histo_index(uint64_t v)
{
	unsigned int e, shift;

	if (v < TT_HISTO_SUB)
		return (unsigned int)v;
	e = 63u - (unsigned int)__builtin_clzll(v);	/* 2^e <= v < 2^(e+1), e >= SUB_BITS */
	shift = e - TT_HISTO_SUB_BITS;
	return (shift + 1) * TT_HISTO_SUB + (unsigned int)((v >> shift) - TT_HISTO_SUB);
}

/** Record one value. */
static inline void
tt_histo_record(struct tt_histo *h, uint64_t v)
{
	h->bucket[tt_histo_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/** Empty @p h. */
void tt_histo_reset(struct tt_histo *h);

/** Add every value of @p src to @p dst. */
void tt_histo_merge(struct tt_histo *dst, const struct tt_histo *src);

/**
 * @p dst = @p now - @p then, bucket by bucket: what was recorded between
 * two snapshots of one histogram (min and max are those of @p now).
 */
void tt_histo_delta(struct tt_histo *dst, const struct tt_histo *now, const struct tt_histo *then);

/** Lowest value that falls into bucket @p i. */
uint64_t tt_histo_bucket_low(unsigned int i);

/** Highest value that falls into bucket @p i. */
uint64_t tt_histo_bucket_high(unsigned int i);

/**
 * The value at percentile @p p (0 < p <= 100): the highest value of the
 * bucket that holds the ceil(p/100 * count)-th smallest value, capped by
 * the maximum recorded, so it is never below the true percentile and at
 * most one bucket width (3.1 %) above it. 0 when @p h is empty.
 */
uint64_t tt_histo_percentile(const struct tt_histo *h, double p);

#endif /* TT_HISTO_H */
