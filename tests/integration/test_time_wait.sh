#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# tcpterm closes first: a burst of 1000 HTTP requests with
# 'Connection: close' (4 client threads), all answered 200. Each connection
# ends in TIME_WAIT on tcpterm's side, held time_wait_ms (2000 here):
#   - right after the burst /tcpterm/states shows TIME_WAIT > 0,
#   - 1 s after the burst the newest ones are still there (not expired early),
#   - by time_wait_ms + 1100 ms after the burst TIME_WAIT is 0 and no state
#     but LISTEN holds anything,
#   - the counters saw >= 1000 connections established and entering
#     TIME_WAIT, and every record ended: by 2MSL expiry, or by RFC 6191
#     reuse when the client's next connection picked the same port.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin time_wait
COUNT=${TT_TW_COUNT:-1000}
TW_MS=$TT_TIME_WAIT_MS
HOLD_MS=$((TW_MS / 2))
DEADLINE_MS=$((TW_MS + 1100))
tt_it_config
tt_it_start

tt_check "before the burst: only LISTEN" tt_state idle --within 5
before=$(tt_state stat time_wait_entered time_wait_expired conn_established time_wait_reused 2>/dev/null)

tt_check "$COUNT 'Connection: close' requests, all 200" \
	timeout 300 ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_CLIENT" \
	http-close --count "$COUNT" --parallel 4
t_done=$(date +%s%N)

tl=$(tt_state timeline --since-ns "$t_done" --hold-ms "$HOLD_MS" --deadline-ms "$DEADLINE_MS")
tt_info "after the burst: $tl"
first_ms='' first_tw='' hold_ms='' hold_tw='' idle_ms='' final=''
for kv in $tl; do
	case ${kv%%=*} in
	first_ms | first_tw | hold_ms | hold_tw | idle_ms | final) printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
	esac
done
if [ -z "$idle_ms" ]; then
	tt_fail "no timeline from telemetry: $tl"
else
	if [ "$first_tw" -gt 0 ]; then
		tt_ok "TIME_WAIT = $first_tw, $first_ms ms after the burst"
	else
		tt_fail "TIME_WAIT = $first_tw, $first_ms ms after the burst, want > 0"
	fi
	if [ "$hold_ms" -ge "$TW_MS" ]; then
		tt_info "sampled too late ($hold_ms ms) to check early expiry"
	elif [ "$hold_tw" -gt 0 ]; then
		tt_ok "TIME_WAIT still held $hold_ms ms after the burst ($hold_tw; time_wait_ms = $TW_MS)"
	else
		tt_fail "TIME_WAIT = 0 already $hold_ms ms after the burst: expired before time_wait_ms = $TW_MS"
	fi
	if [ "$idle_ms" -ge 0 ]; then
		tt_ok "TIME_WAIT 0 and only LISTEN left $idle_ms ms after the burst (limit $DEADLINE_MS ms)"
	else
		tt_fail "still busy $DEADLINE_MS ms after the burst: $final"
	fi
fi

after=$(tt_state stat time_wait_entered time_wait_expired conn_established time_wait_reused 2>/dev/null)
check_counters() {
	# shellcheck disable=SC2086
	set -- $before $after
	[ "$#" -eq 8 ] || { echo "counters missing: before '$before' after '$after'"; return 1; }
	echo "time_wait_entered +$(($5 - $1)), time_wait_expired +$(($6 - $2)), conn_established +$(($7 - $3)), time_wait_reused +$(($8 - $4))"
	# A record ends by expiry or, when the client picks the same port again
	# with a higher ISN, by RFC 6191 reuse; every one of them must end.
	[ $(($5 - $1)) -ge "$COUNT" ] && [ $(($6 - $2 + $8 - $4)) -eq $(($5 - $1)) ] &&
		[ $(($7 - $3)) -ge "$COUNT" ]
}
tt_check "counters: $COUNT connections established and entered TIME_WAIT; every record expired or was reused" check_counters
tt_it_end
