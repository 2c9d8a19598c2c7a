/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

/*
 * tcpterm-gen's pieces that need no port: the log-linear latency histogram
 * (bucket geometry, percentiles from known inputs, merge and delta) and
 * the streaming HTTP response framer.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gen.h"
#include "histo.h"

static struct tt_histo h, h2, d;

/* Every value maps to a bucket whose range holds it, and buckets tile the line. */
static void
test_histo_buckets(void **state)
{
	static const uint64_t probes[] = {
		0, 1, 31, 32, 33, 63, 64, 65, 100, 1000, 1023, 1024, 123456789,
		UINT64_C(1) << 40, (UINT64_C(1) << 63) - 1, UINT64_C(1) << 63, UINT64_MAX,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		unsigned int b = tt_histo_index(probes[i]);

		assert_true(b < TT_HISTO_BUCKETS);
		assert_true(tt_histo_bucket_low(b) <= probes[i]);
		assert_true(probes[i] <= tt_histo_bucket_high(b));
	}
	for (i = 0; i + 1 < TT_HISTO_BUCKETS; i++)
		assert_int_equal(tt_histo_bucket_high(i) + 1, tt_histo_bucket_low(i + 1));
	assert_int_equal(tt_histo_index(UINT64_MAX), TT_HISTO_BUCKETS - 1);
	/* Below 32 every value has its own bucket. */
	for (i = 0; i < TT_HISTO_SUB; i++)
		assert_int_equal(tt_histo_bucket_low(i), tt_histo_bucket_high(i));
	/* Above, a bucket is at most 1/32 of its values wide. */
	for (i = TT_HISTO_SUB; i + 1 < TT_HISTO_BUCKETS; i++)
		assert_true((tt_histo_bucket_high(i) - tt_histo_bucket_low(i) + 1) * 32 <=
			    tt_histo_bucket_low(i));
}

/* 1..100000 once each: percentile p is p*1000, within one bucket above. */
static void
test_histo_percentiles_uniform(void **state)
{
	static const double ps[] = { 50, 90, 99, 99.9, 100 };
	unsigned int i;
	uint64_t v;

	(void)state;
	tt_histo_reset(&h);
	assert_int_equal(tt_histo_percentile(&h, 50), 0);
	for (v = 1; v <= 100000; v++)
		tt_histo_record(&h, v);
	assert_int_equal(h.count, 100000);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100000);
	assert_int_equal(h.sum, 100000ull * 100001 / 2);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t want = (uint64_t)(ps[i] * 1000);
		uint64_t got = tt_histo_percentile(&h, ps[i]);

		assert_true(got >= want);
		assert_true(got <= want + want / 32);
	}
	assert_int_equal(tt_histo_percentile(&h, 100), 100000);	/* capped by the maximum */
}

/* Small exact values and a long tail: 990 x 10, 9 x 1000, 1 x 1000000. */
static void
test_histo_percentiles_tail(void **state)
{
	unsigned int i;

	(void)state;
	tt_histo_reset(&h);
	for (i = 0; i < 990; i++)
		tt_histo_record(&h, 10);
	for (i = 0; i < 9; i++)
		tt_histo_record(&h, 1000);
	tt_histo_record(&h, 1000000);
	assert_int_equal(tt_histo_percentile(&h, 50), 10);	/* exact below 32 */
	assert_int_equal(tt_histo_percentile(&h, 99), 10);	/* the 990th value */
	assert_true(tt_histo_percentile(&h, 99.9) >= 1000);	/* the 999th */
	assert_true(tt_histo_percentile(&h, 99.9) <= 1000 + 1000 / 32);
	assert_int_equal(tt_histo_percentile(&h, 100), 1000000);
	/* A single value: every percentile is it, to bucket precision. */
	tt_histo_reset(&h);
	tt_histo_record(&h, 5000);
	assert_int_equal(tt_histo_percentile(&h, 0.1), 5000);
	assert_int_equal(tt_histo_percentile(&h, 50), 5000);
}

/* Per-worker histograms merge into the control plane's; a delta is one second's worth. */
static void
test_histo_merge_delta(void **state)
{
	uint64_t v;

	(void)state;
	tt_histo_reset(&h);
	tt_histo_reset(&h2);
	for (v = 1; v <= 500; v++)
		tt_histo_record(&h, v);
	for (v = 501; v <= 1000; v++)
		tt_histo_record(&h2, v);
	tt_histo_merge(&h, &h2);
	assert_int_equal(h.count, 1000);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 1000);
	assert_true(tt_histo_percentile(&h, 50) >= 500);
	assert_true(tt_histo_percentile(&h, 50) <= 500 + 500 / 32);
	/* h2 = h + 1000 more values of 2000; the delta holds only those. */
	memcpy(&h2, &h, sizeof(h));
	for (v = 0; v < 1000; v++)
		tt_histo_record(&h2, 2000);
	tt_histo_delta(&d, &h2, &h);
	assert_int_equal(d.count, 1000);
	assert_int_equal(d.sum, 2000000);
	assert_true(tt_histo_percentile(&d, 1) >= 2000);
	assert_true(tt_histo_percentile(&d, 1) <= 2000 + 2000 / 32);
}

static const char resp[] =
	"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\n"
	"Hello from tcpterm\n";

/* One response, then the same split at every byte boundary. */
static void
test_http_feed_split(void **state)
{
	struct gen_http_parser st;
	uint32_t len = (uint32_t)strlen(resp), cut, bad = 0;
	int n;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(gen_http_feed(&st, (const uint8_t *)resp, len, &bad), 1);
	for (cut = 0; cut <= len; cut++) {
		memset(&st, 0, sizeof(st));
		n = gen_http_feed(&st, (const uint8_t *)resp, cut, &bad);
		assert_true(n >= 0);
		n += gen_http_feed(&st, (const uint8_t *)resp + cut, len - cut, &bad);
		assert_int_equal(n, 1);
	}
	assert_int_equal(bad, 0);
}

/* Three pipelined responses in one buffer, headers in any case, one a 404. */
static void
test_http_feed_pipelined(void **state)
{
	static const char three[] =
		"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nab"
		"HTTP/1.1 404 Not Found\r\nCONTENT-LENGTH:   0\r\n\r\n"
		"HTTP/1.0 200 OK\r\nServer: x\r\nContent-Length: 3\r\n\r\nxyz";
	struct gen_http_parser st;
	uint32_t bad = 0;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(gen_http_feed(&st, (const uint8_t *)three, (uint32_t)strlen(three), &bad), 3);
	assert_int_equal(bad, 1);
}

/* What tcpterm never sends is malformed: no Content-Length, not HTTP, bad status. */
static void
test_http_feed_malformed(void **state)
{
	static const char *const bad_ones[] = {
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n",
		"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
	};
	struct gen_http_parser st;
	uint32_t bad = 0, i;

	(void)state;
	for (i = 0; i < sizeof(bad_ones) / sizeof(bad_ones[0]); i++) {
		memset(&st, 0, sizeof(st));
		assert_int_equal(gen_http_feed(&st, (const uint8_t *)bad_ones[i],
					       (uint32_t)strlen(bad_ones[i]), &bad), -1);
	}
}

/* Feed @p s in pieces of @p step bytes: responses completed, or -1 at the first error. */
static int
feed_steps(const char *s, uint32_t len, uint32_t step, uint32_t *bad)
{
	struct gen_http_parser st;
	uint32_t off;
	int n, done = 0;

	memset(&st, 0, sizeof(st));
	for (off = 0; off < len; off += step) {
		n = gen_http_feed(&st, (const uint8_t *)s + off, len - off < step ? len - off : step, bad);
		if (n < 0)
			return -1;
		done += n;
	}
	return done;
}

/*
 * A header that arrives whole is read in one pass, one that arrives a byte
 * at a time byte by byte: both give the same count, the same verdict and
 * the same bad statuses on every input, good or malformed.
 */
static void
test_http_feed_whole_matches_bytewise(void **state)
{
	static char big[9000 + 64], limit[8192 + 1];
	static const char *const cases[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\nHello from tcpterm\n",
		"HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:\t 3\r\n\r\nabcHTTP/1.1 503 x\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\nab",
		"HTTP/1.1 200 OK\r\nX-Content-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\ncontent-length: 1\r\n\r\nz",
		"HTTP/1.1 200 OK\r\nContent-Length: 4x\r\n\r\nabcd",
		"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nz",
		"HTTP/1.1 099 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/\r\n\r\n",
		"HTTP/1.1 200\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\r\n\r\n",
		/* Bytes that pass the 8-byte quick check ('\r' | 0x20 is '-', 0x1a | 0x20 ':'). */
		"HTTP/1.1 200 OK\r\ncontent\rlength: 1\r\n\r\nz",
		"HTTP/1.1 200 OK\r\nContent-Length\x1a 1\r\n\r\nz",
		"HTTP/1.1 200 OK\r\nCONTENT\rLENGTH\x1a 5\r\nCONTENT-LENGTH: 1\r\n\r\nz",
		big,
		limit,
	};
	uint32_t i, k, bad_whole, bad_bytes, len;
	int whole, bytes;

	(void)state;
	/* A header of 8193 bytes is one too many; one of 8192 is the most allowed. */
	k = (uint32_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ");
	memset(big + k, 'a', 9000 - k);
	memcpy(big + 9000, "\r\n\r\n", 5);
	k = (uint32_t)snprintf(limit, sizeof(limit), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ");
	memset(limit + k, 'a', 8192 - 4 - k);
	memcpy(limit + 8192 - 4, "\r\n\r\n", 5);
	assert_int_equal(strlen(limit), 8192);
	assert_int_equal(feed_steps(limit, 8192, 8192, &bad_whole), 1);
	assert_int_equal(feed_steps(big, (uint32_t)strlen(big), 16384, &bad_whole), -1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = (uint32_t)strlen(cases[i]);
		bad_whole = bad_bytes = 0;
		whole = feed_steps(cases[i], len, len, &bad_whole);
		bytes = feed_steps(cases[i], len, 1, &bad_bytes);
		assert_int_equal(whole, bytes);
		assert_int_equal(bad_whole, bad_bytes);
	}
	/* The verdicts themselves, for the record. */
	assert_int_equal(feed_steps(cases[1], (uint32_t)strlen(cases[1]), 4096, &bad_whole), 2);
	assert_int_equal(feed_steps(cases[2], (uint32_t)strlen(cases[2]), 4096, &bad_whole), 1);
	assert_int_equal(feed_steps(cases[3], (uint32_t)strlen(cases[3]), 4096, &bad_whole), -1);
	assert_int_equal(feed_steps(cases[4], (uint32_t)strlen(cases[4]), 4096, &bad_whole), 1);
	assert_int_equal(feed_steps(cases[7], (uint32_t)strlen(cases[7]), 4096, &bad_whole), -1);
	assert_int_equal(feed_steps(cases[9], (uint32_t)strlen(cases[9]), 4096, &bad_whole), -1);
	assert_int_equal(feed_steps(cases[16], (uint32_t)strlen(cases[16]), 4096, &bad_whole), -1);
	assert_int_equal(feed_steps(cases[17], (uint32_t)strlen(cases[17]), 4096, &bad_whole), -1);
	assert_int_equal(feed_steps(cases[18], (uint32_t)strlen(cases[18]), 4096, &bad_whole), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_histo_buckets),
		cmocka_unit_test(test_histo_percentiles_uniform),
		cmocka_unit_test(test_histo_percentiles_tail),
		cmocka_unit_test(test_histo_merge_delta),
		cmocka_unit_test(test_http_feed_split),
		cmocka_unit_test(test_http_feed_pipelined),
		cmocka_unit_test(test_http_feed_malformed),
		cmocka_unit_test(test_http_feed_whole_matches_bytewise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
