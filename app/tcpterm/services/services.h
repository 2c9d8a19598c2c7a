/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_SERVICES_H
#define TT_SERVICES_H

/**
 * @file
 * The built-in services (DESIGN.md §6). Each one is a const table of
 * callbacks in a file of its own; tt_services[] lists them for the
 * `service =` key of a listener.
 */

#include "tcpterm.h"

/** RFC 862: every byte received is sent back, zero copy. */
extern const struct tt_service tt_svc_echo;
/** RFC 863: every byte received is dropped. */
extern const struct tt_service tt_svc_discard;
/** An endless RFC 864 character-generator stream, for throughput tests. */
extern const struct tt_service tt_svc_source;
/** An HTTP/1.1 responder with a configurable status and body. */
extern const struct tt_service tt_svc_http;

/** Every built-in service, NULL-terminated. */
extern const struct tt_service *const tt_services[];

/** The client of /tcpterm/connect: one line, then close (not a listener service). */
extern const struct tt_service tt_svc_probe;

#endif /* TT_SERVICES_H */
