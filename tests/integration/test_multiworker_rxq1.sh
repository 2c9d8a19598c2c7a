#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# test_multiworker.sh with four workers of which only worker 0 receives
# ([workers] rx_workers = 1, it polls all four queues): every frame for
# workers 1-3 goes through the hand-off rings.
TT_MW_RXQ=1 exec bash "$(dirname "$0")/test_multiworker.sh"
