#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Requests/s (keep-alive) and connections/s (one request per connection,
# tcpterm closes first) from wrk against tcpterm over net_tap with 1, 2 and
# 4 workers, same run, with the hand-offs each configuration needed.
#
#   sudo tests/bench/bench_workers.sh [--record] [SECONDS]
#
# wrk runs on CPU 0. The main lcore is on CPU 0 and the workers share
# CPU 1: on a 2-CPU machine this measures the cost of more workers and of
# the hand-off path (net_tap's queues are picked by the kernel, so early
# packets of a flow reach the wrong worker), not scaling. On a bigger
# machine set TT_BENCH_LCORES_2 / TT_BENCH_LCORES_4 to spread them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_workers.sh"

RECORD=0
if [ "${1:-}" = "--record" ]; then RECORD=1; shift; fi
DUR=${1:-10}
TAG=ttw$$
NS=$TAG
WORK=$(mktemp -d /tmp/tt-benchw.XXXXXX)
TT_PID=""
declare -A LCORES=(
	[1]="--lcores=0@0,1@1"
	[2]="${TT_BENCH_LCORES_2:---lcores=0@0,1@1,2@1}"
	[4]="${TT_BENCH_LCORES_4:---lcores=0@0,1@1,2@1,3@1,4@1}"
)

stop_tt() {
	if [ -n "$TT_PID" ]; then
		kill "$TT_PID" 2>/dev/null || true
		wait "$TT_PID" 2>/dev/null || true
		TT_PID=""
	fi
	ip netns del "$NS" 2>/dev/null || true
	tt_dpdk_cleanup "$TAG"
}
cleanup() { stop_tt; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || tt_die "wrk is missing: run scripts/bootstrap.sh"

sed -e 's/^max_connections.*/max_connections = 16384/' -e 's/^time_wait_ms.*/time_wait_ms = 2000/' \
	"$ROOT/config/tcpterm.conf" > "$WORK/tt.conf"

start_tt() { # lcores
	ip netns add "$NS"
	# shellcheck disable=SC2046,SC2086
	ip netns exec "$NS" "$ROOT/build/app/tcpterm" $1 --no-pci --vdev=net_tap0,iface=tt0 \
		--file-prefix="$TAG" $(tt_eal_mem_args) --log-level=error -- -q -f "$WORK/tt.conf" \
		> "$WORK/tcpterm.log" 2>&1 &
	TT_PID=$!
	for _ in $(seq 1 100); do ip netns exec "$NS" ip link show tt0 >/dev/null 2>&1 && break; sleep 0.1; done
	ip netns exec "$NS" ip addr add 198.18.0.1/24 dev tt0
	ip netns exec "$NS" ip link set tt0 up
	ip netns exec "$NS" ip link set lo up
	for _ in $(seq 1 50); do
		ip netns exec "$NS" curl -s -o /dev/null --max-time 1 http://198.18.0.2/ && return 0
		sleep 0.2
	done
	tt_die "tcpterm did not answer: $(tail -5 "$WORK/tcpterm.log")"
}

wrk_rate() { # extra-wrk-args... -> requests/s
	ip netns exec "$NS" taskset -c 0 timeout $((DUR + 30)) wrk -t1 -c32 -d"${DUR}s" "$@" \
		http://198.18.0.2/ > "$WORK/wrk.out" 2>&1 || true
	awk '/^Requests\/sec:/ { print int($2) }' "$WORK/wrk.out"
}

handoffs() {
	"$TT_PYTHON" "$ROOT/scripts/tt-telemetry.py" -p "$TAG" /tcpterm/stats 2>/dev/null |
		"$TT_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); d=d.get("/tcpterm/stats", d); print(d["handoff_out"], d["rx_packets"])'
}

declare -A RPS CPS HO
for n in 1 2 4; do
	start_tt "${LCORES[$n]}"
	RPS[$n]=$(wrk_rate)
	CPS[$n]=$(wrk_rate -H "Connection: close")
	HO[$n]=$(handoffs)
	stop_tt
	echo "workers=$n: ${RPS[$n]} req/s keep-alive, ${CPS[$n]} conn/s; hand-offs/rx packets: ${HO[$n]}"
done

if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### Workers on net_tap, wrk -t1 -c32 -d${DUR}s — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_workers.sh --record ${DUR}\`; $(nproc) CPUs; wrk on CPU 0, all workers on CPU 1 (this measures overhead, not scaling)."
		echo
		echo "| workers | requests/s (keep-alive) | ratio | connections/s (Connection: close) | ratio | hand-offs / received packets |"
		echo "|---|---|---|---|---|---|"
		for n in 1 2 4; do
			echo "| $n | ${RPS[$n]} | $(awk -v a="${RPS[$n]}" -v b="${RPS[1]}" 'BEGIN{printf "%.2f", a/b}') | ${CPS[$n]} | $(awk -v a="${CPS[$n]}" -v b="${CPS[1]}" 'BEGIN{printf "%.2f", a/b}') | ${HO[$n]/ / / } |"
		done
	} >> "$ROOT/tests/bench/RESULTS.md"
fi
