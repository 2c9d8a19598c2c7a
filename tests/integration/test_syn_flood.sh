#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# A bounded SYN flood (20,000 spoofed SYNs from 198.19.0.0/16, scapy) at the
# http listener with [tcp] backlog = 64: while it runs, real curl requests
# from the kernel all complete; tcpterm answers the overflow with SYN
# cookies (syncookies_sent rises) and never holds more than the backlog
# in SYN_RCVD.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin syn_flood
COUNT=${TT_FLOOD_COUNT:-20000}
tt_it_config backlog=64 syn_cookies=auto
tt_it_start
before=$(tt_state stat syncookies_sent syncookies_ok)

ip netns exec "$TT_NS" timeout 120 "$TT_PYTHON" "$TT_IT_DIR/tthostile.py" flood \
	--count "$COUNT" >"$TT_TMP/flood.out" 2>&1 &
flood=$!
tt_it_track "$flood"
curls() {
	local n=0 bad=0 max_syn=0 s
	# Requests for as long as the flood runs (at least 10), each bounded.
	while [ "$n" -lt 10 ] || kill -0 "$flood" 2>/dev/null; do
		if ! tt_ns curl -s -o /dev/null --max-time 5 -w '%{http_code}' "http://$TT_ADDR/" |
			grep -q 200; then
			bad=$((bad + 1))
		fi
		n=$((n + 1))
		s=$(tt_state get SYN_RCVD 2>/dev/null || echo 0)
		[ "${s:-0}" -gt "$max_syn" ] && max_syn=$s
		[ "$n" -ge 2000 ] && break
	done
	echo "$n requests during the flood, $bad failed; at most $max_syn connections in SYN_RCVD"
	[ "$bad" -eq 0 ] && [ "$max_syn" -le 64 ]
}
tt_check "curl keeps working during the flood; SYN_RCVD stays within the backlog" curls
for _ in $(seq 1 1200); do kill -0 "$flood" 2>/dev/null || break; sleep 0.1; done
cat "$TT_TMP/flood.out" | sed 's/^/  .. /'
cookies() {
	local v
	# shellcheck disable=SC2086 # words
	set -- $before $(tt_state stat syncookies_sent syncookies_ok)
	echo "syncookies_sent +$(($3 - $1)), syncookies_ok +$(($4 - $2))"
	[ $(($3 - $1)) -gt 0 ]
}
tt_check "the overflow was answered with SYN cookies" cookies
tt_it_end
