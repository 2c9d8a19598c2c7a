#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Blind RST/SYN injection (RFC 5961) into a live echo connection: a RST and
# a SYN inside the window but not at RCV.NXT draw challenge ACKs and leave
# the connection alive; a RST far outside the window is dropped. The
# connection must still echo afterwards and nothing may be reset.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin blind_inject
tt_it_config
tt_it_start
before=$(tt_state stat challenge_acks conn_reset_rx)
tt_check "injected RST and SYN draw ACKs for RCV.NXT; the connection still echoes" \
	timeout 60 ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_DIR/tthostile.py" blind
counters() {
	# shellcheck disable=SC2086 # words
	set -- $before $(tt_state stat challenge_acks conn_reset_rx)
	echo "challenge_acks +$(($3 - $1)), conn_reset_rx +$(($4 - $2))"
	[ $(($3 - $1)) -ge 2 ] && [ $(($4 - $2)) -eq 0 ]
}
tt_check "counters: two challenge ACKs, no connection reset" counters
tt_check "afterwards only LISTEN" tt_state idle --within 5
tt_it_end
