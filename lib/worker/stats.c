/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#include "tt_stats.h"

#define TT_NAME(name) #name,
const char *const tt_state_names[TT_NB_STATES] = { TT_TCP_STATES(TT_NAME) };
const char *const tt_timer_names[TT_NB_TIMERS] = { TT_TCP_TIMERS(TT_NAME) };
const char *const tt_stat_names[TT_NB_STATS] = { TT_STATS(TT_NAME) };
const char *const tt_drop_names[TT_NB_DROPS] = { TT_DROPS(TT_NAME) };
#undef TT_NAME
