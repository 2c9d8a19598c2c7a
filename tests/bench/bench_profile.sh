#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Where tcpterm's cycles go on the connections/s path: tcpterm (one worker)
# serves tcpterm-gen's cps load (HTTP GET, Connection: close, full close)
# over net_memif, as tests/bench/bench_memif.sh runs them, twice:
#
#   1. under valgrind --tool=callgrind (instruction counts, the same on any
#      machine and under any load): instructions of tcpterm's worker thread
#      per connection, split into the work (frames in: tt_worker_input,
#      with TCP, HTTP and the segments it sends; frames out: the transmit
#      flush) and the polling around it (RX polls that find nothing, the
#      timer wheel ticking, the clock), and the top functions by
#      self-cost inside the work;
#   2. with perf record -e cpu-clock on the worker thread at full speed,
#      if perf can sample here: the share of its time per function.
#
#   sudo tests/bench/bench_profile.sh [--record] [SECONDS]
#
# SECONDS (default 10) is each run's length. valgrind slows tcpterm about
# 50 times, so run 1 completes a few thousand connections; the generator
# runs closed loop with 64 in flight and waits. --record appends the
# figures to tests/bench/RESULTS.md. Nothing leaves the machine (memif).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_profile.sh"

RECORD=0
if [ "${1:-}" = "--record" ]; then RECORD=1; shift; fi
DUR=${1:-10}
[[ $DUR =~ ^[0-9]+$ ]] && [ "$DUR" -ge 2 ] && [ "$DUR" -le 60 ] ||
	tt_die "SECONDS must be an integer in 2..60, not '$DUR'"
TT_BIN=$ROOT/build/app/tcpterm
GEN_BIN=$ROOT/build/app/tcpterm-gen
[ -x "$TT_BIN" ] && [ -x "$GEN_BIN" ] || tt_die "build first: scripts/bootstrap.sh"
command -v valgrind >/dev/null || tt_die "valgrind is missing: scripts/bootstrap.sh --with-bench installs it"
TT_PREFIX=ttpf$$
GEN_PREFIX=ttpg$$
WORK=$(mktemp -d /tmp/tt-profile.XXXXXX)
SOCK=$WORK/memif.sock
TT_PID=""
GEN_PID=""

cleanup() {
	if [ -n "$TT_PID" ]; then tt_stop_pid "$TT_PID" 30; fi
	if [ -n "$GEN_PID" ]; then tt_stop_pid "$GEN_PID" 10; fi
	tt_dpdk_cleanup "$GEN_PREFIX"
	tt_dpdk_cleanup "$TT_PREFIX"
	rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/tt.conf" <<'EOF'
[port0]
address = 198.18.0.2/24

[tcp]
time_wait_ms = 1000
max_connections = 65536
max_time_wait = 524288

[limits]
mbufs = 32767

[listen.http]
address = *:80
service = http
EOF
sed -e 's/^address = .*/address = 198.18.0.101\/24/' -e 's/^addresses = .*/addresses = 16/' \
	-e 's/^mbufs = .*/mbufs = 32767/' "$ROOT/config/tcpterm-gen.conf" >"$WORK/gen.conf"
MEM="--no-huge -m 1024"

# run WRAPPER...: tcpterm under WRAPPER (may be empty), the generator's cps
# load for DUR seconds; connections completed in $WORK/conns.
run() {
	local t
	rm -f "$SOCK"
	# shellcheck disable=SC2086
	"$@" "$TT_BIN" --lcores=0@0,1@1 --no-pci $(tt_memif_vdev server "$SOCK") \
		--file-prefix="$TT_PREFIX" $MEM --log-level=error -- -q -f "$WORK/tt.conf" \
		>>"$WORK/tcpterm.log" 2>&1 &
	TT_PID=$!
	tt_wait_telemetry "$TT_PREFIX" 120 "$TT_PID" ||
		tt_die "tcpterm did not start: $(tail -5 "$WORK/tcpterm.log")"
	WORKER_TID=""
	for t in /proc/"$TT_PID"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ] && WORKER_TID=${t##*/}
	done
	# shellcheck disable=SC2086
	timeout $((DUR + 90)) "$GEN_BIN" --lcores=0@1,1@0 --no-pci $(tt_memif_vdev client "$SOCK") \
		--file-prefix="$GEN_PREFIX" $MEM --log-level=error -- cps -c 64 -t 198.18.0.2 \
		-d "$DUR" -q -f "$WORK/gen.conf" --json "$WORK/gen.json" --wait-peer 60 \
		>"$WORK/gen.out" 2>&1 &
	GEN_PID=$!
}

# finish: wait for the generator's summary, stop tcpterm, then the generator.
finish() {
	local i
	for i in $(seq 1 $((DUR * 10 + 900))); do
		[ -f "$WORK/gen.json" ] && break
		tt_pid_alive "$GEN_PID" || break
		sleep 0.1
	done
	tt_stop_pid "$TT_PID" 60
	TT_PID=""
	wait "$GEN_PID" 2>/dev/null || true
	GEN_PID=""
	tt_dpdk_cleanup "$TT_PREFIX"
	tt_dpdk_cleanup "$GEN_PREFIX"
	[ -f "$WORK/gen.json" ] || tt_die "tcpterm-gen gave no summary: $(tail -5 "$WORK/gen.out")"
	"$TT_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["connections"])' \
		"$WORK/gen.json" >"$WORK/conns"
	rm -f "$WORK/gen.json"
}

# --- 1. callgrind ------------------------------------------------------------
run valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg.out"
finish
CONNS=$(cat "$WORK/conns")
[ "$CONNS" -gt 0 ] || tt_die "no connection completed under callgrind"
# The worker thread is the file whose totals include tt_worker_main.
CG=""
for f in "$WORK"/cg.out-*; do
	grep -q 'tt_worker_main' "$f" && CG=$f
done
[ -n "$CG" ] || tt_die "no callgrind profile of the worker thread"
callgrind_annotate --inclusive=yes "$CG" >"$WORK/incl.txt" 2>/dev/null
callgrind_annotate "$CG" >"$WORK/self.txt" 2>/dev/null
"$TT_PYTHON" - "$WORK/incl.txt" "$WORK/self.txt" "$CONNS" >"$WORK/cg.md" <<'EOF'
import re, sys
incl_f, self_f, conns = sys.argv[1], sys.argv[2], int(sys.argv[3])
row = re.compile(r'^\s*([\d,]+) \([\s\d.]+%\)\s+(\S+?):(\S+)')
def table(path):
    out = {}
    for line in open(path):
        m = row.match(line)
        if m:
            fn = m.group(3).split()[0]
            out[fn] = out.get(fn, 0) + int(m.group(1).replace(',', ''))
    return out
incl, self_ = table(incl_f), table(self_f)
total = incl.get('tt_worker_main', 0)
work_in = incl.get('tt_worker_input', 0)
flush = incl.get('tt_worker_flush', 0)
timers = incl.get('tt_worker_timers', 0)
clock = incl.get('tt_worker_set_clock', 0)
poll = total - work_in - flush - timers - clock
print("%d connections completed under callgrind; instructions of tcpterm's worker thread:" % conns)
print()
print("| part | instructions | per connection |")
print("|---|---|---|")
for name, v in (("frames in: tt_worker_input (TCP, HTTP, building the replies)", work_in),
                ("frames out: tt_worker_flush (TX burst, memif copy)", flush),
                ("timer wheel ticks: tt_worker_timers", timers),
                ("clock: tt_worker_set_clock", clock),
                ("RX polling and loop overhead (rest of tt_worker_main)", poll),
                ("total", total)):
    print("| %s | %d | %d |" % (name, v, v // max(conns, 1)))
print()
print("Everything but the first row is paid per loop iteration, busy or not: with the")
print("worker slowed by valgrind it loops idle between frames, so per connection it")
print("is large here and shrinks as load rises. The first row is the per-connection")
print("cost of the stack and the service.")
print()
loop = {'tt_worker_main', 'tt_worker_poll', 'tt_worker_flush', 'worker_tx_flush_port',
        'tt_worker_timers', 'tt_wheel_advance', 'tt_worker_set_clock'}
print("Top functions by self cost, the polling loop's own left out (instructions per")
print("connection; unnamed ones are in the memif driver, which copies every frame):")
print()
print("| function | per connection |")
print("|---|---|")
rows = [kv for kv in self_.items() if kv[0] not in loop]
for fn, v in sorted(rows, key=lambda kv: -kv[1])[:15]:
    print("| `%s` | %d |" % (fn, v // max(conns, 1)))
EOF
cat "$WORK/cg.md"

# --- 2. perf, at full speed ------------------------------------------------------
PERF_MD=""
if command -v perf >/dev/null && perf record -e cpu-clock -o "$WORK/probe.data" -- true >/dev/null 2>&1; then
	run
	sleep 2
	perf record -e cpu-clock -F 2000 -t "$WORKER_TID" -o "$WORK/perf.data" -- sleep $((DUR - 3 > 1 ? DUR - 3 : 1)) \
		>/dev/null 2>&1 || true
	finish
	PCONNS=$(cat "$WORK/conns")
	perf report -i "$WORK/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
		awk '/^ +[0-9.]+%/ { printf "| `%s` | %s |\n", $NF, $1 }' >"$WORK/perf.rows" || true
	PERF_MD=$(printf '%s\n\n%s\n%s\n%s\n' \
		"perf (cpu-clock samples of the worker thread at full speed, $PCONNS connections in $DUR s, $((PCONNS / DUR)) per second):" \
		"| function | share of the worker's time |" "|---|---|" "$(cat "$WORK/perf.rows")")
	echo
	echo "$PERF_MD"
else
	echo "perf cannot sample here: only the callgrind figures"
fi

if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### Where the cycles go: connections/s over memif — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_profile.sh --record $DUR\`; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)."
		echo "tcpterm's http service against \`tcpterm-gen cps -c 64\` (GET, Connection: close, full close), one worker each, over net_memif."
		echo
		cat "$WORK/cg.md"
		if [ -n "$PERF_MD" ]; then
			echo
			echo "$PERF_MD"
		fi
	} >>"$ROOT/tests/bench/RESULTS.md"
fi
