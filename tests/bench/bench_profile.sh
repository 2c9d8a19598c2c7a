#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Where a worker's cycles go on the connections/s path: tcpterm (one worker)
# serves tcpterm-gen's cps load (HTTP GET, Connection: close, full close)
# over net_memif, as tests/bench/bench_memif.sh runs them, twice:
#
#   1. under valgrind --tool=callgrind (instruction counts, the same on any
#      machine and under any load): instructions of the profiled side's
#      worker thread per connection, split into the work (frames in:
#      tt_worker_input, with TCP, the service and the segments it sends;
#      for the generator also opening connections and sending requests from
#      its loop hook, gen_poll; frames out: the transmit flush) and the
#      polling around it (RX polls that find nothing, the timer wheel
#      ticking, the clock), and the top functions by self-cost inside the
#      work;
#   2. with perf record -e cpu-clock on the worker thread at full speed,
#      if perf can sample here: the share of its time per function.
#
#   sudo tests/bench/bench_profile.sh [--record] [--side tt|gen] [--mode cps|rps]
#                                     [--pipeline K] [--no-perf] [SECONDS]
#
# --side tt (the default) profiles tcpterm's worker, --side gen the
# generator's (tcpterm then runs at full speed and the generator under
# valgrind). --mode rps profiles keep-alive requests (rps -c 64, --pipeline
# K requests in flight each, default 1) instead of connections, and
# counts per request. SECONDS (default 10) is each run's length. valgrind
# slows the profiled process about 50 times, so run 1 completes a few
# thousand operations; the generator runs closed loop with 64 connections
# and waits. --no-perf skips run 2. TT_BIN and GEN_BIN name other
# builds of tcpterm and tcpterm-gen (build/ by default), to compare two
# commits' counts. TT_PROFILE_KEEP=FILE keeps the
# worker's callgrind profile. --record appends the figures to
# tests/bench/RESULTS.md.
# Nothing leaves the machine (memif).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_profile.sh"

RECORD=0
NO_PERF=0
SIDE=tt
MODE=cps
PIPE=1
while [ $# -gt 0 ]; do
	case $1 in
	--record) RECORD=1; shift ;;
	--no-perf) NO_PERF=1; shift ;;
	--side) SIDE=${2:-}; shift 2 || tt_die "--side needs tt or gen" ;;
	--mode) MODE=${2:-}; shift 2 || tt_die "--mode needs cps or rps" ;;
	--pipeline) PIPE=${2:-}; shift 2 || tt_die "--pipeline needs K" ;;
	*) break ;;
	esac
done
[ "$SIDE" = tt ] || [ "$SIDE" = gen ] || tt_die "--side must be tt or gen, not '$SIDE'"
[ "$MODE" = cps ] || [ "$MODE" = rps ] || tt_die "--mode must be cps or rps, not '$MODE'"
[[ $PIPE =~ ^[0-9]+$ ]] && [ "$PIPE" -ge 1 ] && [ "$PIPE" -le 256 ] ||
	tt_die "--pipeline must be an integer in 1..256, not '$PIPE'"
[ "$PIPE" = 1 ] || [ "$MODE" = rps ] || tt_die "--pipeline applies to --mode rps"
DUR=${1:-10}
[[ $DUR =~ ^[0-9]+$ ]] && [ "$DUR" -ge 2 ] && [ "$DUR" -le 60 ] ||
	tt_die "SECONDS must be an integer in 2..60, not '$DUR'"
TT_BIN=${TT_BIN:-$ROOT/build/app/tcpterm}
GEN_BIN=${GEN_BIN:-$ROOT/build/app/tcpterm-gen}
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
max_time_wait = 2097152

[limits]
mbufs = 32767

[listen.http]
address = *:80
service = http
EOF
# Counts stay comparable with earlier commits' (tests/bench/RESULTS.md):
# the generator acknowledges at once, as its configuration did before
# 2026-11-25, and makes one warm-up connection, since callgrind counts the
# whole process and the figures divide by the run's operations alone.
sed -e 's/^address = .*/address = 198.18.0.101\/24/' -e 's/^addresses = .*/addresses = 64/' \
	-e 's/^mbufs = .*/mbufs = 32767/' -e 's/^delayed_ack_ms = .*/delayed_ack_ms = 0/' \
	"$ROOT/config/tcpterm-gen.conf" >"$WORK/gen.conf"
grep -q '^delayed_ack_ms = 0$' "$WORK/gen.conf" || tt_die "config/tcpterm-gen.conf has no delayed_ack_ms line"
MEM="--no-huge -m 1024"

if [ "$MODE" = cps ]; then
	GEN_ARGS=(cps -c 64 --warmup 1)
	UNIT=connection
	COUNT_KEY=connections
else
	GEN_ARGS=(rps -c 64 --pipeline "$PIPE" --warmup 1)
	UNIT=request
	COUNT_KEY=requests
fi
if [ "$SIDE" = tt ]; then WHO="tcpterm's"; else WHO="the generator's"; fi

# tid PID: the worker thread of DPDK process PID or of its child (the
# generator runs under timeout), empty while it has none.
tid() {
	local p t
	for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
		for t in /proc/"$p"/task/*; do
			if [ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ]; then
				echo "${t##*/}"
				return
			fi
		done
	done
}

# run WRAPPER...: the profiled side ($SIDE) under WRAPPER (may be empty),
# the generator's load for DUR seconds; operations completed (connections
# or requests, as $MODE says) in $WORK/conns, the profiled worker thread
# in WORKER_TID.
run() {
	local tt_wrap=() gen_wrap=() i
	if [ "$SIDE" = tt ]; then tt_wrap=("$@"); else gen_wrap=("$@"); fi
	rm -f "$SOCK"
	# shellcheck disable=SC2046,SC2086
	"${tt_wrap[@]}" "$TT_BIN" --lcores=0@0,1@1 --no-pci $(tt_memif_vdev server "$SOCK") \
		--file-prefix="$TT_PREFIX" $MEM --log-level=error -- -q -f "$WORK/tt.conf" \
		>>"$WORK/tcpterm.log" 2>&1 &
	TT_PID=$!
	tt_wait_telemetry "$TT_PREFIX" 120 "$TT_PID" ||
		tt_die "tcpterm did not start: $(tail -5 "$WORK/tcpterm.log")"
	# shellcheck disable=SC2046,SC2086
	timeout $((DUR + 300)) "${gen_wrap[@]}" "$GEN_BIN" --lcores=0@1,1@0 --no-pci \
		$(tt_memif_vdev client "$SOCK") --file-prefix="$GEN_PREFIX" $MEM --log-level=error -- \
		"${GEN_ARGS[@]}" -t 198.18.0.2 -d "$DUR" -q -f "$WORK/gen.conf" \
		--json "$WORK/gen.json" --wait-peer 60 >"$WORK/gen.out" 2>&1 &
	GEN_PID=$!
	if [ "$SIDE" = tt ]; then
		WORKER_TID=$(tid "$TT_PID")
	else
		WORKER_TID=""
		for ((i = 0; i < 1200; i++)); do
			WORKER_TID=$(tid "$GEN_PID")
			[ -z "$WORKER_TID" ] || break
			sleep 0.1
		done
	fi
}

# finish: wait for the generator's summary, stop tcpterm, then the generator.
finish() {
	local i
	for i in $(seq 1 $((DUR * 10 + 2900))); do
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
	"$TT_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$WORK/gen.json" "$COUNT_KEY" >"$WORK/conns"
	rm -f "$WORK/gen.json"
}

# --- 1. callgrind ------------------------------------------------------------
run valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg.out"
finish
CONNS=$(cat "$WORK/conns")
[ "$CONNS" -gt 0 ] || tt_die "no $UNIT completed under callgrind"
# The worker thread is the file whose totals include tt_worker_main.
CG=""
for f in "$WORK"/cg.out-*; do
	grep -q 'tt_worker_main' "$f" && CG=$f
done
[ -n "$CG" ] || tt_die "no callgrind profile of the worker thread"
if [ -n "${TT_PROFILE_KEEP:-}" ]; then cp "$CG" "$TT_PROFILE_KEEP"; fi
callgrind_annotate --inclusive=yes "$CG" >"$WORK/incl.txt" 2>/dev/null
callgrind_annotate "$CG" >"$WORK/self.txt" 2>/dev/null
"$TT_PYTHON" - "$WORK/incl.txt" "$WORK/self.txt" "$CONNS" "$WHO" "$UNIT" "$CG" >"$WORK/cg.md" <<'EOF'
import collections, re, sys
incl_f, self_f, conns, who, unit, raw_f = sys.argv[1:7]
conns = int(conns)
def plain(fn):
    # GCC's clones of a function (link-time optimisation, IPA) keep its name
    # with a suffix: tcp_xmit.lto_priv.0, tt_worker_poll.isra.0.
    return re.sub(r'\.(lto_priv|isra|constprop|part|cold)(\.\d+)?', '', fn)
# Call arcs from the raw profile: (caller, callee) -> [calls, inclusive cost].
arcs = collections.defaultdict(lambda: [0, 0])
names, caller, callee, pending = {}, None, None, None
for line in open(raw_f):
    m = re.match(r'^(fn|cfn)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
    if m:
        kind, ident, name = m.groups()
        if name:
            names[ident] = plain(name.split()[0])
        if kind == 'fn':
            caller = names[ident]
        else:
            callee = names[ident]
        continue
    m = re.match(r'^calls=(\d+)', line)
    if m:
        pending = int(m.group(1))
        continue
    if pending is not None:
        a = arcs[(caller, callee)]
        a[0] += pending
        a[1] += int(line.split()[-1])
        pending = None
def out_of(fn):
    return sum(v[1] for (a, b), v in arcs.items() if a == fn and b != fn)
def calls_into(fn):
    return sum(v[0] for (a, b), v in arcs.items() if b == fn and a != fn)
row = re.compile(r'^\s*([\d,]+) \([\s\d.]+%\)\s+(\S+?):(\S+)')
def table(path, inclusive):
    # callgrind_annotate lists a function once per file its code comes from
    # (inlined headers): self costs add up, inclusive ones repeat the same
    # total, so take the largest.
    out = {}
    for line in open(path):
        m = row.match(line)
        if m:
            fn = plain(m.group(3).split()[0])
            v = int(m.group(1).replace(',', ''))
            out[fn] = max(out.get(fn, 0), v) if inclusive else out.get(fn, 0) + v
    return out
incl, self_ = table(incl_f, True), table(self_f, False)
total = incl.get('tt_worker_main', 0)
work_in = incl.get('tt_worker_input', 0)
app = incl.get('gen_poll', 0)
flush = incl.get('tt_worker_flush', 0)
timers = incl.get('tt_worker_timers', 0)
clock = incl.get('tt_worker_set_clock', 0)
poll = total - work_in - app - flush - timers - clock
print("%d %ss completed under callgrind; instructions of %s worker thread:" % (conns, unit, who))
print()
print("| part | instructions | per %s |" % unit)
print("|---|---|---|")
parts = [("frames in: tt_worker_input (TCP, the service, the segments it sends)", work_in)]
if app:
    parts.append(("the generator's loop hook: gen_poll (connects, requests it starts)", app))
parts += [("frames out: tt_worker_flush (TX burst, memif copy)", flush),
          ("timer wheel ticks: tt_worker_timers", timers),
          ("clock: tt_worker_set_clock", clock),
          ("RX polling and loop overhead (rest of tt_worker_main)", poll),
          ("total", total)]
for name, v in parts:
    print("| %s | %d | %d |" % (name, v, v // max(conns, 1)))
# The work alone: what runs because there was something to do, whatever
# the share of idle loop iterations (which the other side's speed sets).
work = work_in + out_of('gen_poll') + out_of('worker_tx_flush_port') + \
    out_of('tt_wheel_advance') + out_of('tw_expire')
print("| **work: frames in, %sTX bursts, timer and TIME_WAIT expiries** | %d | **%d** |"
      % ("what gen_poll calls, " if app else "", work, work // max(conns, 1)))
print()
print("%d loop iterations, %d of them with frames in (%.1f per %s)."
      % (calls_into('tt_worker_poll'), calls_into('tt_worker_input'),
         calls_into('tt_worker_poll') / max(conns, 1), unit))
print("The polling rows are paid per loop iteration, busy or not: a worker that waits")
print("for its peer loops idle between frames, so per %s they are large when it" % unit)
print("is not the bottleneck and shrink as load rises. The work row is the")
print("per-%s cost of the stack and the service, the figure to compare (the RX" % unit)
print("bursts that bring frames in stay in the polling row: memif copies each frame).")
print()
loop = {'tt_worker_main', 'tt_worker_poll', 'tt_worker_flush', 'worker_tx_flush_port',
        'tt_worker_timers', 'tt_wheel_advance', 'tt_worker_set_clock'}
print("Top functions by self cost, the polling loop's own left out (instructions per")
print("%s; unnamed ones are in the memif driver, which copies every frame):" % unit)
print()
print("| function | per %s |" % unit)
print("|---|---|")
rows = [kv for kv in self_.items() if kv[0] not in loop]
for fn, v in sorted(rows, key=lambda kv: -kv[1])[:15]:
    print("| `%s` | %d |" % (fn, v // max(conns, 1)))
EOF
cat "$WORK/cg.md"

# --- 2. perf, at full speed ------------------------------------------------------
PERF_MD=""
if [ "$NO_PERF" = 1 ]; then
	echo "perf: skipped (--no-perf)"
elif command -v perf >/dev/null && perf record -e cpu-clock -o "$WORK/probe.data" -- true >/dev/null 2>&1; then
	run
	sleep 2
	perf record -e cpu-clock -F 2000 -t "$WORKER_TID" -o "$WORK/perf.data" -- sleep $((DUR - 3 > 1 ? DUR - 3 : 1)) \
		>/dev/null 2>&1 || true
	finish
	PCONNS=$(cat "$WORK/conns")
	perf report -i "$WORK/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
		awk '/^ +[0-9.]+%/ { f = $NF; gsub(/\.(lto_priv|isra|constprop|part|cold)(\.[0-9]+)?/, "", f)
			printf "| `%s` | %s |\n", f, $1 }' >"$WORK/perf.rows" || true
	PERF_MD=$(printf '%s\n\n%s\n%s\n%s\n' \
		"perf (cpu-clock samples of $WHO worker thread at full speed, $PCONNS ${UNIT}s in $DUR s, $((PCONNS / DUR)) per second):" \
		"| function | share of the worker's time |" "|---|---|" "$(cat "$WORK/perf.rows")")
	echo
	echo "$PERF_MD"
else
	echo "perf cannot sample here: only the callgrind figures"
fi

if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### Where the cycles go: ${UNIT}s/s over memif, $WHO worker — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_profile.sh --record --side $SIDE --mode $MODE --pipeline $PIPE $DUR\`; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)."
		echo "tcpterm's http service against \`tcpterm-gen ${GEN_ARGS[*]}\` (GET; cps: Connection: close, full close), one worker each, over net_memif."
		echo
		cat "$WORK/cg.md"
		if [ -n "$PERF_MD" ]; then
			echo
			echo "$PERF_MD"
		fi
	} >>"$ROOT/tests/bench/RESULTS.md"
fi
