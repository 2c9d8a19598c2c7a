#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Active opens from every worker: four workers, a Linux listener on
# 198.18.0.1:7000 in the namespace, and /tcpterm/connect,198.18.0.1:7000,2
# (each worker opens two connections with the probe client, which sends
# "tcpterm worker N port P" and closes). The listener must see two lines
# from each of the four workers; the counters must show 8 active opens
# established and none failed.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin active_open
TT_LCORES=${TT_AO_LCORES:-0@0,1@1,2@0,3@1,4@1}
TT_CONF_EXTRA=$(printf '\n[workers]\ncount = 4\n')
tt_it_config
tt_it_start

ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_DIR/ttconcurrent.py" --host "$TT_PEER" \
	--timeout 30 listen --port 7000 --count 8 >"$TT_TMP/listener.out" 2>&1 &
listener=$!
tt_it_track "$listener"
for _ in $(seq 1 50); do grep -q listening "$TT_TMP/listener.out" && break; sleep 0.1; done

tt_check "/tcpterm/connect posts two connects to each of the four workers" \
	bash -c "'$TT_PYTHON' '$TT_ROOT/scripts/tt-telemetry.py' -p '$TT_PREFIX' '/tcpterm/connect,$TT_PEER:7000,2' | tee /dev/stderr | grep -q '\"connections\": 8'"
listener_ok() {
	local t
	# tt_check runs this in a subshell, which cannot wait for the listener.
	for t in $(seq 1 300); do kill -0 "$listener" 2>/dev/null || break; sleep 0.1; done
	cat "$TT_TMP/listener.out"
	for wk in 0 1 2 3; do
		[ "$(grep -c "^tcpterm worker $wk port " "$TT_TMP/listener.out")" -eq 2 ] || return 1
	done
}
tt_check "the Linux listener read two probe lines from each worker" listener_ok
counters_ok() {
	local v
	v=$(tt_state stat active_open_ok active_open_failed conn_active_open)
	echo "active_open_ok, active_open_failed, conn_active_open: $v"
	[ "$v" = "8 0 8" ]
}
tt_check "counters: 8 active opens established, none failed" counters_ok
tt_check "afterwards only LISTEN (and TIME_WAIT), then only LISTEN" tt_state idle --within 10
tt_it_end
