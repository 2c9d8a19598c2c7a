#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Four workers on the two CPUs (--lcores 0@0,1@1,2@0,3@1,4@1), net_tap with
# one queue per worker, each polled by its worker (TT_MW_RXQ unset), or
# all queues polled by worker 0 alone (TT_MW_RXQ=1, [workers] rx_workers = 1:
# workers 1-3 get every frame through the hand-off rings):
#   - 2000 Linux connections open at the same time to echo, each with its
#     own 2000-byte payload, all echoed exactly, half-closed and closed,
#   - then a bounded wrk burst and 200 curl-style HTTP requests,
#   - /tcpterm/workers shows connections on every worker and hand-offs
#     (the ring path ran), no ring drops,
#   - afterwards only LISTEN holds anything.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

RXQ=${TT_MW_RXQ:-}
tt_it_begin "multiworker${RXQ:+_rxq$RXQ}"
TT_LCORES=${TT_MW_LCORES:-0@0,1@1,2@0,3@1,4@1}
TT_CONF_EXTRA=$(printf '\n[workers]\ncount = 4\n%s' "${RXQ:+rx_workers = $RXQ}")
tt_it_config
tt_it_start
grep -E '^  (queues|steering):' "$TT_LOG" | sed 's/^/  .. /'

tt_check "2000 concurrent echo connections, every byte back, all closed" \
	timeout 180 ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_DIR/ttconcurrent.py" \
	--timeout 150 echo --count 2000 --size 2000
tt_check "wrk keep-alive burst (bounded: 3 s, 16 connections), no errors" \
	bash -c "ip netns exec '$TT_NS' timeout 30 wrk -t1 -c16 -d3s http://$TT_ADDR/ | tee '$TT_TMP/wrk.out' | grep -E 'Requests/sec|Socket errors|Non-2xx'; ! grep -qE 'Socket errors|Non-2xx' '$TT_TMP/wrk.out'"
tt_check "200 Connection: close requests, all 200" \
	timeout 120 ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_CLIENT" \
	http-close --count 200 --parallel 8
tt_check "afterwards only LISTEN and TIME_WAIT, then only LISTEN" tt_state idle --within 10

workers_ok() {
	"$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" /tcpterm/workers |
	"$TT_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)["/tcpterm/workers"]
print("workers %d: connections_opened %s, handoff_in %s, handoff_out %s, ring_drops %s, "
      "busy_polls %s of polls %s"
      % (d["workers"], d["connections_opened"], d["handoff_in"], d["handoff_out"], d["ring_drops"],
         d["busy_polls"], d["polls"]))
ok = (d["workers"] == 4 and all(n > 0 for n in d["connections_opened"])
      and sum(d["handoff_in"]) > 0 and sum(d["handoff_in"]) == sum(d["handoff_out"])
      and sum(d["ring_drops"]) == 0
      and all(0 < b < p for b, p in zip(d["busy_polls"], d["polls"])))
sys.exit(0 if ok else 1)'
}
tt_check "/tcpterm/workers: connections on all four workers, hand-offs, no ring drops, polls that worked and idle ones" workers_ok
if [ "$RXQ" = 1 ]; then
	only_rx0() {
		"$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" /tcpterm/workers |
		"$TT_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)["/tcpterm/workers"]
print("rx_packets per worker:", d["rx_packets"])
sys.exit(0 if d["rx_packets"][0] > 0 and all(n == 0 for n in d["rx_packets"][1:]) else 1)'
	}
	tt_check "rx_workers = 1: only worker 0 received from the port" only_rx0
fi
tt_it_end
