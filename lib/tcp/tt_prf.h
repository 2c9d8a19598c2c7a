/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_PRF_H
#define TT_PRF_H

/**
 * @file
 * The keyed function behind initial sequence numbers (RFC 6528), timestamp
 * offsets (RFC 7323 §5.4) and SYN-cookie MACs (RFC 4987 §3.6): a pseudo-
 * random function of one 16-byte block, a 4-tuple and a 32-bit word, under a
 * 128-bit secret.
 *
 * Where the CPU has AES instructions (x86 AES-NI), it is AES-128: the block
 * encrypted under the secret. Elsewhere it is SipHash-2-4 of the same 16
 * bytes under the same secret. Either is a PRF of the block; which one a
 * process uses is fixed at start (tt_prf_init()), and a cookie is only ever
 * checked by the process that made it, so the two never meet.
 *
 * Why AES where it can: a SYN-ACK with a cookie needs two of these, the
 * cookie's MAC and the 4-tuple's timestamp offset. As SipHash-2-4 they were
 * 18 SipRounds, about 300 of the 1,360 instructions tcpterm spent on a
 * cookie SYN-ACK; as AES they are 22 AES round instructions that the CPU
 * runs on its AES units beside everything else (tests/bench/bench_syn_path:
 * 74-76 ns per SYN-ACK with SipHash, 60-63 ns with AES, on an AMD EPYC).
 */

#include <stdbool.h>
#include <stdint.h>

struct tt_flow_key;

/** A secret, in the form each implementation wants it. */
struct tt_prf_key {
	uint8_t aes[11][16] __attribute__((aligned(16)));	/**< AES-128 round keys */
	uint64_t sip[2];					/**< the SipHash key */
};

/**
 * Pick the implementation: AES when @p allow_aes and the CPU has it,
 * SipHash otherwise (also before the first call). Call it before workers
 * run; keys set before or after serve either way (tt_prf_set_key() fills
 * both forms). Returns whether AES is in use.
 */
bool tt_prf_init(bool allow_aes);

/** Whether AES is in use. */
bool tt_prf_is_aes(void);

/** Set @p k from the 128-bit secret @p secret (two words, little-endian bytes). */
void tt_prf_set_key(struct tt_prf_key *k, const uint64_t secret[2]);

/**
 * F(@p k, 4-tuple @p key || @p word): the low 64 bits of the result, the
 * block's bytes being the 12 of @p key as stored, then @p word little-endian.
 */
uint64_t tt_prf(const struct tt_prf_key *k, const struct tt_flow_key *key, uint32_t word);

/**
 * Two at once, of the same 4-tuple under two keys, computed side by side:
 * returns F(@p k1, key || @p w1) and stores F(@p k2, key || @p w2) in @p out2.
 */
uint64_t tt_prf2(const struct tt_prf_key *k1, uint32_t w1, const struct tt_prf_key *k2,
		 uint32_t w2, const struct tt_flow_key *key, uint64_t *out2);

#endif /* TT_PRF_H */
