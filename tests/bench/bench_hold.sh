#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Concurrency and memory: what one idle connection costs tcpterm.
#
#   sudo tests/bench/bench_hold.sh [--record] [CONNECTIONS]
#
# CONNECTIONS (default 1000000, 1000..16000000) idle connections are held
# by tcpterm-gen's hold mode against tcpterm's discard service (port 9),
# two DPDK processes on net_memif as in bench_memif.sh: tcpterm's worker on
# CPU 1, the generator's on CPU 0, the generator from 198.18.0.101.. with
# one source address per 60000 connections (at least 16).
#
# Every table tcpterm keeps per connection (TCBs, the flow table, the SACK
# state pool, TIME_WAIT records and their hash buckets) is preallocated in
# the DPDK heap from [tcp] max_connections and max_time_wait. So the cost
# of one connection is measured, not computed from sizeof: the heap in use
# (/tcpterm/memory, rte_malloc_get_socket_stats) of three tcpterm starts,
#   A: max_connections = 65536,               max_time_wait = 65536
#   B: max_connections = 65536 + CONNECTIONS, max_time_wait = 65536
#   C: max_connections = 65536,               max_time_wait = 65536 + CONNECTIONS
# gives bytes per connection = (B - A) / CONNECTIONS and bytes per
# TIME_WAIT connection = (C - A) / CONNECTIONS. B is then the hold run:
# the generator opens CONNECTIONS connections (at most 1024 handshakes at
# once), the script polls /tcpterm/states every 0.2 s and reports how long
# opening took (from the last poll that saw none to the first that saw all), and tcpterm's
# process RSS before and with all of them open (RSS grows only with the
# pages a connection touches, so the heap figure is the one to compare
# with the targets of issue 5: 256 and 64 bytes).
#
# Memory: both processes run on anonymous memory, `--no-huge -m MB` with MB
# sized from CONNECTIONS (the 2 MiB hugepage pool is shared with other
# runs and too small for millions of connections); TT_EAL_MEM overrides it
# for both processes. Nothing is reserved or left behind. Before starting,
# the script estimates what both processes will touch and refuses (exit 1,
# saying why) unless MemAvailable leaves at least TT_HOLD_HEADROOM_MB
# (default 4096) beyond it.
#
# Bounds: every tcpterm start waits at most 120 s for telemetry; the
# generator runs TT_HOLD_SECONDS (default: 20 + 1 s per 50000 connections)
# after its set-up (which for 10 M takes a minute or two: it zeroes its own
# tables) and then resets its connections (--drain-ms 0), and is killed
# by timeout(1) at HOLD_SECONDS + 360 + 1 s per 20000 connections, which
# leaves room for tcpterm to stop first (a generator killed before its
# peer leaves may crash in memif, see README); tcpterm is stopped first
# (DPDK 22.11's memif unmaps the rings of a peer that leaves while the
# other side still polls), the generator leaves when it sees the link go
# (--wait-peer). Only the PIDs this script started are signalled.
# --record appends the table to tests/bench/RESULTS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_hold.sh"

RECORD=0
if [ "${1:-}" = "--record" ]; then RECORD=1; shift; fi
N=${1:-1000000}
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1000 ] && [ "$N" -le 16000000 ] ||
	tt_die "CONNECTIONS must be an integer in 1000..16000000, not '$N'"
BASE=65536
HOLD_S=${TT_HOLD_SECONDS:-$((20 + N / 50000))}
HEADROOM_MB=${TT_HOLD_HEADROOM_MB:-4096}
ADDRS=$(((N + 59999) / 60000))
[ "$ADDRS" -ge 16 ] || ADDRS=16
TT_BIN=$ROOT/build/app/tcpterm
GEN_BIN=$ROOT/build/app/tcpterm-gen
[ -x "$TT_BIN" ] && [ -x "$GEN_BIN" ] || tt_die "build first: scripts/bootstrap.sh"
TT_PREFIX=ttbh$$
GEN_PREFIX=ttbhg$$
WORK=$(mktemp -d /tmp/tt-benchh.XXXXXX)
SOCK=$WORK/memif.sock
TT_PID=""
GEN_PID=""

cleanup() {
	if [ -n "$TT_PID" ]; then tt_stop_pid "$TT_PID" 30; fi
	if [ -n "$GEN_PID" ]; then tt_stop_pid "$GEN_PID" 30; fi
	tt_dpdk_cleanup "$GEN_PREFIX"
	tt_dpdk_cleanup "$TT_PREFIX"
	[ -n "${TT_HOLD_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Memory each process may use, MiB: 1 GiB for mbuf pools and the rest,
# plus 640 bytes per connection of capacity (the TCB, 280 bytes, and its
# share of the flow table and SACK state pool, with room to spare; the
# generator's own per-connection arrays) and 64 per TIME_WAIT record.
TT_MB=$((1024 + (BASE + N) * 640 / 1048576 + (BASE + N) * 64 / 1048576))
GEN_MB=$((1024 + (N + 1024) * 640 / 1048576))
if [ -n "${TT_EAL_MEM+x}" ]; then
	TT_MEM=$TT_EAL_MEM
	GEN_MEM=$TT_EAL_MEM
else
	TT_MEM="--no-huge -m $TT_MB"
	GEN_MEM="--no-huge -m $GEN_MB"
fi
AVAIL_MB=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
NEED_MB=$((TT_MB + GEN_MB))
if [ "$AVAIL_MB" -lt $((NEED_MB + HEADROOM_MB)) ]; then
	tt_die "$N connections need up to $NEED_MB MiB for both processes plus $HEADROOM_MB MiB headroom; MemAvailable is $AVAIL_MB MiB"
fi

# conf MAX_CONNECTIONS MAX_TIME_WAIT: tcpterm's configuration.
conf() {
	cat <<EOF
[port0]
address = 198.18.0.2/16
[tcp]
max_connections = $1
max_time_wait = $2
backlog = 4096
[limits]
mbufs = 32767
[listen.discard]
address = *:9
service = discard
EOF
}
cat >"$WORK/gen.conf" <<EOF
[port0]
address = 198.18.0.101/16
addresses = $ADDRS
[tcp]
max_connections = $((N + 1024))
max_time_wait = 65536
local_port_min = 1024
local_port_max = 65535
delayed_ack_ms = 0
[limits]
mbufs = 32767
[workers]
burst = 64
EOF

tel() { # COMMAND: its value as JSON
	"$TT_PYTHON" "$ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" -v "$1" 2>/dev/null
}
field() { # JSON FIELD
	"$TT_PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# start_tt NAME MAX_CONNECTIONS MAX_TIME_WAIT: a fresh tcpterm.
start_tt() {
	conf "$2" "$3" >"$WORK/$1.conf"
	rm -f "$SOCK"
	# shellcheck disable=SC2086 # the EAL memory arguments are words
	"$TT_BIN" --lcores=0@0,1@1 --no-pci $(tt_memif_vdev server "$SOCK") --file-prefix="$TT_PREFIX" \
		$TT_MEM --log-level=error -- -q -f "$WORK/$1.conf" >>"$WORK/tcpterm.log" 2>&1 &
	TT_PID=$!
	tt_wait_telemetry "$TT_PREFIX" 120 "$TT_PID" ||
		tt_die "tcpterm did not start: $(tail -5 "$WORK/tcpterm.log")"
}

stop_tt() {
	tt_stop_pid "$TT_PID" 60
	TT_PID=""
	tt_dpdk_cleanup "$TT_PREFIX"
	[ "$TT_STOP_RC" -eq 0 ] || tt_warn "tcpterm exit status $TT_STOP_RC on SIGINT"
}

# heap NAME MAX_CONNECTIONS MAX_TIME_WAIT: heap bytes in use of a tcpterm so configured.
heap() {
	local m
	start_tt "$@"
	m=$(tel /tcpterm/memory)
	stop_tt
	echo "$m" >"$WORK/$1.mem"
	field "$m" heap_alloc_bytes
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "tcpterm worker on CPU 1, tcpterm-gen worker on CPU 0; $N connections, $ADDRS source addresses;"
echo "EAL memory: tcpterm '$TT_MEM', generator '$GEN_MEM'; MemAvailable $AVAIL_MB MiB; load average $LOAD"
HEAP_A=$(heap A "$BASE" "$BASE")
HEAP_C=$(heap C "$BASE" $((BASE + N)))
echo "heap in use: A $HEAP_A, C $HEAP_C bytes"

# B: the hold run.
start_tt B $((BASE + N)) "$BASE"
M0=$(tel /tcpterm/memory)
HEAP_B=$(field "$M0" heap_alloc_bytes)
RSS0=$(field "$M0" rss_bytes)
TCB_BYTES=$(field "$M0" tcb_bytes)
TW_BYTES=$(field "$M0" time_wait_record_bytes)
echo "heap in use: B $HEAP_B bytes; RSS before the hold $RSS0 bytes"
GEN_ARGS=(hold -c "$N" --addresses "$ADDRS" -t 198.18.0.2:9 -d "$HOLD_S" --drain-ms 0)
# shellcheck disable=SC2086
timeout $((HOLD_S + 360 + N / 20000)) "$GEN_BIN" --lcores=0@1,1@0 --no-pci $(tt_memif_vdev client "$SOCK") \
	--file-prefix="$GEN_PREFIX" $GEN_MEM --log-level=error -- "${GEN_ARGS[@]}" -q \
	-f "$WORK/gen.conf" --json "$WORK/gen.json" --wait-peer 300 >"$WORK/gen.out" 2>&1 &
GEN_PID=$!
T_FIRST=""
T_LAST=""
EST=0
EST_MAX=0
T_END=$((SECONDS + HOLD_S + N / 20000))
while [ $SECONDS -lt $T_END ] && tt_pid_alive "$GEN_PID"; do
	s=$(tel /tcpterm/states) || s=""
	if [ -n "$s" ]; then
		EST=$(field "$s" ESTABLISHED)
		now=$(date +%s.%N)
		# Opening starts after the last poll that saw none (0.2 s resolution).
		if [ "$EST" -le 1 ]; then T_FIRST=$now; fi
		if [ "$EST" -gt "$EST_MAX" ]; then EST_MAX=$EST; T_LAST=$now; fi
		# The warm-up connection has closed by now: N is all of them.
		[ "$EST" -ge "$N" ] && break
	fi
	sleep 0.2
done
sleep 1
M1=$(tel /tcpterm/memory)
RSS1=$(field "$M1" rss_bytes)
HELD=$(field "$M1" connections)
echo "held $HELD connections (max ESTABLISHED seen $EST_MAX); RSS $RSS1 bytes"
for ((i = 0; i < (HOLD_S + 60) * 10; i++)); do
	[ -f "$WORK/gen.json" ] && break
	tt_pid_alive "$GEN_PID" || break
	sleep 0.1
done
stop_tt
GEN_RC=0
wait "$GEN_PID" || GEN_RC=$?
GEN_PID=""
tt_dpdk_cleanup "$GEN_PREFIX"
# The figures are taken by now; a generator that fails on its way out is
# reported beside them, not hidden.
if [ "$GEN_RC" -ne 0 ]; then
	tail -5 "$WORK/gen.out" >&2
	tt_warn "tcpterm-gen exit status $GEN_RC (after the figures were taken)"
fi
[ "$HELD" -gt 0 ] || tt_die "no connection held: $(tail -5 "$WORK/gen.out")"
OPEN_S=$(awk -v a="${T_FIRST:-0}" -v b="${T_LAST:-0}" 'BEGIN { printf "%.1f", b - a }')
GEN_ERR=$("$TT_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"]["total"])' \
	"$WORK/gen.json" 2>/dev/null || echo "no summary")

read -r PER_CONN PER_TW PER_RSS <<<"$(awk -v a="$HEAP_A" -v b="$HEAP_B" -v c="$HEAP_C" -v n="$N" \
	-v r0="$RSS0" -v r1="$RSS1" -v h="$HELD" \
	'BEGIN { printf "%.1f %.1f %.1f\n", (b - a) / n, (c - a) / n, (h > 0 ? (r1 - r0) / h : 0) }')"
TABLE=$(
	echo "| figure | value |"
	echo "|---|---|"
	echo "| heap bytes per connection of capacity, (B − A) / $N | $PER_CONN (target ≤ 256) |"
	echo "| heap bytes per TIME_WAIT record of capacity, (C − A) / $N | $PER_TW (target ≤ 64) |"
	echo "| sizeof struct tt_tcb / struct tt_tw (for comparison) | $TCB_BYTES / $TW_BYTES |"
	echo "| connections held (ESTABLISHED at tcpterm) / generator errors / its exit status | $HELD / $GEN_ERR / $GEN_RC |"
	echo "| seconds to open them (last poll with none .. first with all, 0.2 s polls) | $OPEN_S |"
	echo "| tcpterm RSS before / with them held, bytes | $RSS0 / $RSS1 |"
	echo "| RSS growth per held connection, bytes | $PER_RSS |"
	echo "| heap in use A / B / C, bytes | $HEAP_A / $HEAP_B / $HEAP_C |"
)
echo
echo "$TABLE"
tt_bench_figure hold_n "$N"
tt_bench_figure hold_per_conn "$PER_CONN"
tt_bench_figure hold_per_tw "$PER_TW"
tt_bench_figure hold_tcb_bytes "$TCB_BYTES"
tt_bench_figure hold_held "$HELD"
tt_bench_figure hold_errors "$GEN_ERR"
tt_bench_figure hold_gen_rc "$GEN_RC"
tt_bench_figure hold_open_s "$OPEN_S"

if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### Idle connections held, tcpterm-gen hold, $N connections — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_hold.sh --record $N\`; $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown);"
		echo "tcpterm (1 worker, CPU 1, discard service) and tcpterm-gen (1 worker, CPU 0, \`${GEN_ARGS[*]}\`) on net_memif,"
		echo "EAL memory \`$TT_MEM\` / \`$GEN_MEM\`; load average before the run $LOAD. Heap = DPDK heap bytes in use (/tcpterm/memory) of"
		echo "tcpterm started with A: max_connections = max_time_wait = $BASE; B: max_connections + $N; C: max_time_wait + $N."
		echo
		echo "$TABLE"
	} >>"$ROOT/tests/bench/RESULTS.md"
	echo "appended to tests/bench/RESULTS.md"
fi
