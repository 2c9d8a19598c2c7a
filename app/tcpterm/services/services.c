/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include <stddef.h>

#include "services.h"

const struct tt_service *const tt_services[] = {
	&tt_svc_echo,
	&tt_svc_discard,
	&tt_svc_source,
	&tt_svc_http,
	NULL,
};
