#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# The peer closes first: 200 connections to the echo service (4 threads)
# each send 1000 bytes, shutdown(SHUT_WR), read the echo until EOF and
# close. tcpterm passes CLOSE_WAIT and LAST_ACK and must never enter
# TIME_WAIT for them (the kernel holds TIME_WAIT, as the active closer):
#   - every echo equal,
#   - /tcpterm/states sampled every 10 ms during the run never shows
#     TIME_WAIT (the maximum seen per state is printed),
#   - afterwards only LISTEN holds anything,
#   - the counters saw 200 connections established and closed, none
#     entering TIME_WAIT.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin peer_close
COUNT=${TT_PC_COUNT:-200}
tt_it_config
tt_it_start

tt_check "before: only LISTEN" tt_state idle --within 5
before=$(tt_state stat conn_established conn_closed time_wait_entered 2>/dev/null)

stopfile=$TT_TMP/sampler.stop
tt_state sample --until-file "$stopfile" --forbid TIME_WAIT >"$TT_TMP/sampler.out" 2>&1 &
sampler=$!
tt_it_track "$sampler"
sleep 0.2
tt_check "$COUNT connections: send, SHUT_WR, echo read until EOF, close" \
	timeout 300 ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_CLIENT" \
	peer-close --count "$COUNT" --parallel 4 --size 1000
tt_check "afterwards only LISTEN, and no TIME_WAIT on the way" \
	tt_state idle --within 3 --forbid TIME_WAIT
touch "$stopfile"
if wait "$sampler"; then
	tt_ok "states sampled during the run never showed TIME_WAIT"
else
	tt_fail "states sampled during the run showed TIME_WAIT"
fi
sed 's/^/     | /' "$TT_TMP/sampler.out"

after=$(tt_state stat conn_established conn_closed time_wait_entered 2>/dev/null)
check_counters() {
	# shellcheck disable=SC2086 # words
	set -- $before $after
	[ "$#" -eq 6 ] || { echo "counters missing: before '$before' after '$after'"; return 1; }
	echo "conn_established +$(($4 - $1)), conn_closed +$(($5 - $2)), time_wait_entered +$(($6 - $3))"
	[ $(($4 - $1)) -ge "$COUNT" ] && [ $(($5 - $2)) -ge "$COUNT" ] && [ $(($6 - $3)) -eq 0 ]
}
tt_check "counters: $COUNT established and closed, none entered TIME_WAIT" check_counters
tt_it_end
