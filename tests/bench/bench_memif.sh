#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Stack against stack: tcpterm (one worker) and tcpterm-gen (one worker),
# two DPDK processes joined by net_memif (no kernel on the path), measure
#   1. connections/s: cps, closed loop, HTTP GET with Connection: close,
#      full four-way close each, once for each number of connections in
#      flight in TT_BENCH_CPS_CONC ("64 128 256"); every run is printed and
#      the highest rate is named the maximum (the one the open-loop
#      latency runs of 4 take their rate from);
#   2. keep-alive requests/s: rps, TT_BENCH_RPS_CONC (256) connections,
#      one request in flight each, and again with TT_BENCH_RPS_PIPE (8)
#      requests pipelined on each (HTTP/1.1 pipelining: tcpterm answers
#      them in order);
#   1 and 2 (without pipelining) run TT_BENCH_PASSES (2) times over, one
#   pass after the other: on a shared host the same binaries give rates
#   that differ by a quarter from one minute to the next, so the maximum
#   is the highest of all the runs and the runs at its setting are listed
#   beside it, to show the spread;
#   3. bulk Gbit/s: one connection sending to discard, one reading source;
#   4. latency at 50 % and 90 % of the maximum of 1 and of 2 (open
#      loop at those rates: latency counts from when each request was
#      due), each maximum measured again, at its setting, just before its
#      two open-loop runs: 90 % of the fastest pass's rate can be more
#      than the host gives a few minutes later, and such a row shows a
#      queue growing, not tcpterm's latency.
# with tcpterm's worker busy% (/tcpterm/workers: the share of time spent
# in loop iterations that found work, averaged over the run) and the share of a
# CPU its worker thread was given (from /proc: below 100 when other
# processes run on that CPU, which lowers every figure), and the
# generator's worker busy% over the run (from its --json): the side near
# 100 % is the limit.
#
#   sudo tests/bench/bench_memif.sh [--record] [--quick] [SECONDS]
#
# --quick measures 1 and 2 only (the closed-loop connections/s sweep and
# keep-alive requests/s, one request in flight).
# SECONDS (default 10, at most 20) bounds every figure; the whole script
# takes about (9 + passes x (sweep runs + 1)) x (SECONDS + 4) s, --quick
# passes x (sweep runs + 1) x. tcpterm is the memif server (socket in a
# temp dir), started afresh for every figure and stopped before the
# generator leaves (--wait-peer: DPDK 22.11's memif unmaps the rings of a
# peer that goes while the other side still polls them), its main lcore on CPU 0 and its
# worker on CPU 1; the generator's worker is on CPU 0 and its main lcore,
# which sleeps, on CPU 1. Addresses: tcpterm 198.18.0.2, the generator
# 198.18.0.101..164 (64 source addresses, one after the other for a sweep
# of the ports each, so a tuple comes back after 4.1 million connections,
# past tcpterm's 1 s TIME_WAIT up to about 4 M connections/s; with the 16
# used before, 83 % of the SYNs at 1.2 M/s took over a TIME_WAIT record,
# which read 3-4 % faster than new tuples). --record
# appends the table to tests/bench/RESULTS.md. Figures, never pass/fail.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_memif.sh"

RECORD=0
QUICK=0
while [ $# -gt 0 ]; do
	case $1 in
	--record) RECORD=1; shift ;;
	--quick) QUICK=1; shift ;;
	*) break ;;
	esac
done
DUR=${1:-10}
[[ $DUR =~ ^[0-9]+$ ]] && [ "$DUR" -ge 2 ] && [ "$DUR" -le 20 ] ||
	tt_die "SECONDS must be an integer in 2..20, not '$DUR'"
CPS_CONCS=${TT_BENCH_CPS_CONC:-"64 128 256"}
for c in $CPS_CONCS; do
	[[ $c =~ ^[0-9]+$ ]] && [ "$c" -ge 1 ] || tt_die "TT_BENCH_CPS_CONC: '$c' is not a count"
done
PASSES=${TT_BENCH_PASSES:-2}
[[ $PASSES =~ ^[0-9]+$ ]] && [ "$PASSES" -ge 1 ] && [ "$PASSES" -le 5 ] ||
	tt_die "TT_BENCH_PASSES must be an integer in 1..5, not '$PASSES'"
RPS_CONC=${TT_BENCH_RPS_CONC:-256}
RPS_PIPE=${TT_BENCH_RPS_PIPE:-8}
TT_BIN=$ROOT/build/app/tcpterm
GEN_BIN=$ROOT/build/app/tcpterm-gen
[ -x "$TT_BIN" ] && [ -x "$GEN_BIN" ] || tt_die "build first: scripts/bootstrap.sh"
TT_PREFIX=ttbm$$
GEN_PREFIX=ttbg$$
WORK=$(mktemp -d /tmp/tt-benchm.XXXXXX)
SOCK=$WORK/memif.sock
TT_PID=""
GEN_PID=""

cleanup() {
	# tcpterm first: the generator waits for it (--wait-peer).
	if [ -n "$TT_PID" ]; then tt_stop_pid "$TT_PID" 10; fi
	if [ -n "$GEN_PID" ]; then tt_stop_pid "$GEN_PID" 10; fi
	tt_dpdk_cleanup "$GEN_PREFIX"
	tt_dpdk_cleanup "$TT_PREFIX"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tcpterm: a short TIME_WAIT with room for a second of closes at 2M/s.
cat >"$WORK/tt.conf" <<EOF
[port0]
address = 198.18.0.2/24
[tcp]
time_wait_ms = 1000
max_connections = 65536
max_time_wait = 2097152
[limits]
mbufs = 32767
[listen.echo]
address = *:7
service = echo
[listen.discard]
address = *:9
service = discard
[listen.source]
address = *:19
service = source
[listen.http]
address = *:80
service = http
EOF
sed -e 's/^address = .*/address = 198.18.0.101\/24/' -e 's/^addresses = .*/addresses = 64/' \
	-e 's/^mbufs = .*/mbufs = 32767/' "$ROOT/config/tcpterm-gen.conf" >"$WORK/gen.conf"

MEM=$(tt_eal_mem_args)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
HZ_TICKS=$(getconf CLK_TCK)
WORKER_TID=""

# A fresh tcpterm for each figure; WORKER_TID is its worker thread.
start_tt() {
	local t
	rm -f "$SOCK"
	# shellcheck disable=SC2086 # the EAL memory arguments are words
	"$TT_BIN" --lcores=0@0,1@1 --no-pci $(tt_memif_vdev server "$SOCK") --file-prefix="$TT_PREFIX" \
		$MEM --log-level=error -- -q -f "$WORK/tt.conf" >>"$WORK/tcpterm.log" 2>&1 &
	TT_PID=$!
	tt_wait_telemetry "$TT_PREFIX" 60 "$TT_PID" ||
		tt_die "tcpterm did not start: $(tail -5 "$WORK/tcpterm.log")"
	WORKER_TID=""
	for t in /proc/"$TT_PID"/task/*; do
		if [ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ]; then
			WORKER_TID=${t##*/}
		fi
	done
}

stop_tt() {
	tt_stop_pid "$TT_PID" 10
	TT_PID=""
	tt_dpdk_cleanup "$TT_PREFIX"
	[ "$TT_STOP_RC" -eq 0 ] || tt_warn "tcpterm exit status $TT_STOP_RC on SIGINT"
}

# The measured windows spawn no process: on this 2-CPU host each fork and
# exec (sleep, awk, python) takes milliseconds of CPU from one of the two
# busy-polling workers; with a python and a sleep every second the worker
# threads got 90-93 % of their CPUs and closed-loop p99.9 was 3-4 ms
# (98-99 % and about 1 ms without). So waits are reads that time out on a pipe
# nobody writes, /proc and the clock ($EPOCHREALTIME, microseconds) are
# read by the shell itself, and tcpterm's telemetry by a python started
# before the generator that answers a line on its stdin with one query.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || true; }

# CPU time (clock ticks) tcpterm's worker thread has had so far: with
# other processes on its CPU it gets less than the whole CPU.
WTICKS=0
worker_ticks() {
	local -a f
	WTICKS=0
	[ -n "$WORKER_TID" ] && read -r -a f <"/proc/$TT_PID/task/$WORKER_TID/stat" 2>/dev/null &&
		WTICKS=$((f[13] + f[14]))
}

# The telemetry coprocess: one connection to tcpterm's telemetry; for each
# line on its stdin it prints tcpterm's worker's "busy_cycles tsc_hz".
# shellcheck disable=SC2016 # python, not shell
BUSY_PY='
import importlib.util, sys
spec = importlib.util.spec_from_file_location("tel", sys.argv[1])
tel = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tel)
with tel.Telemetry(sys.argv[2], wait=10) as t:
    for _ in sys.stdin:
        w = t.query("/tcpterm/workers,0")
        print(w["busy_cycles"], w["tsc_hz"], flush=True)
'
BUSYQ_PID=""
# busy_read: "busy_cycles tsc_hz" from the coprocess ("0 0" if it is gone).
busy_read() {
	local line="0 0"
	if tt_pid_alive "$BUSYQ_PID" && echo 1>&"${BUSYQ[1]}"; then
		read -r -t 10 line <&"${BUSYQ[0]}" || line="0 0"
	fi
	echo "$line"
}

# gen NAME ARGS...: one run of DUR seconds; its --json in $WORK/NAME.json,
# and over the window from second 1 to DUR - 0.5 of the run tcpterm's
# worker's busy% in $WORK/NAME.busy and the share of a CPU its thread got
# in $WORK/NAME.cpu.
GEN_CMD=()
gen() {
	local name=$1 t0 b0 b1 hz c0 w0 w1 i line started=0
	shift
	GEN_CMD=("$@")
	start_tt
	coproc BUSYQ { exec "$TT_PYTHON" -c "$BUSY_PY" "$ROOT/scripts/tt-telemetry.py" "$TT_PREFIX"; }
	busy_read >/dev/null	# up and connected before the generator starts
	# shellcheck disable=SC2086
	timeout $((DUR + 60)) "$GEN_BIN" --lcores=0@1,1@0 --no-pci $(tt_memif_vdev client "$SOCK") \
		--file-prefix="$GEN_PREFIX" $MEM --log-level=error -- "$@" -t 198.18.0.2 -d "$DUR" -q \
		-f "$WORK/gen.conf" --json "$WORK/$name.json" --wait-peer 30 >"$WORK/$name.out" 2>&1 &
	GEN_PID=$!
	t0=$SECONDS
	while ((started == 0)) && tt_pid_alive "$GEN_PID" && ((SECONDS - t0 < 30)); do
		if [ -f "$WORK/$name.out" ]; then
			while IFS= read -r line; do
				[[ $line =~ ^tcpterm-gen:\ .*\ s$ ]] && started=1
			done <"$WORK/$name.out"
		fi
		((started)) || nap 0.1
	done
	nap 1
	busy_read >"$WORK/$name.b0"
	worker_ticks
	c0=$WTICKS
	w0=${EPOCHREALTIME//[!0-9]/}
	nap "$((DUR - 2)).5"
	busy_read >"$WORK/$name.b1"
	worker_ticks
	w1=${EPOCHREALTIME//[!0-9]/}
	awk -v c="$((WTICKS - c0))" -v w="$((w1 - w0))" -v hz="$HZ_TICKS" \
		'BEGIN { v = (w > 0) ? 100 * c / hz / (w / 1e6) : 0; printf "%d\n", v + 0.5 }' >"$WORK/$name.cpu"
	# The run is over when its --json appears; then tcpterm goes first.
	for ((i = 0; i < 600; i++)); do
		[ -f "$WORK/$name.json" ] && break
		tt_pid_alive "$GEN_PID" || break
		nap 0.1
	done
	eval "exec ${BUSYQ[1]}>&-"
	wait "$BUSYQ_PID" 2>/dev/null || true
	BUSYQ_PID=""
	read -r b0 hz <"$WORK/$name.b0"
	read -r b1 _ <"$WORK/$name.b1"
	stop_tt
	wait "$GEN_PID" || { cat "$WORK/$name.out" >&2; tt_die "tcpterm-gen $name failed"; }
	GEN_PID=""
	tt_dpdk_cleanup "$GEN_PREFIX"
	awk -v c="$((b1 - b0))" -v w="$((w1 - w0))" -v hz="$hz" \
		'BEGIN { v = (w > 0 && hz > 0) ? 100 * c / hz / (w / 1e6) : 0; printf "%d\n", v + 0.5 }' \
		>"$WORK/$name.busy"
	jget "$name" summary >&2
}

# jget NAME FIELD: a figure from a run's --json.
jget() {
	"$TT_PYTHON" - "$WORK/$1.json" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
f = sys.argv[2]
lat = d["latency_us"]
if f == "summary":
    print("%-5s conc %-4d rate %-8d -> %9.0f conn/s %9.0f req/s %7.3f Gbit/s, errors %d, rexmit %d, p50 %.1f p99 %.1f us"
          % (d["mode"], d["concurrency"], d["rate"], d["connections_per_s"], d["requests_per_s"],
             d["gbit_per_s"], d["errors"]["total"], d["errors"]["retransmissions"], lat["p50"], lat["p99"]))
elif f == "lat":
    if lat["count"] == 0:
        print("-")
    else:
        print("%.1f / %.1f / %.1f / %.1f" % (lat["p50"], lat["p90"], lat["p99"], lat["p99.9"]))
elif f == "gen_busy":
    print("%.0f" % d.get("worker_busy_percent", 0))
elif f == "errors":
    e = d["errors"]
    print("%d (rexmit %d)" % (e["total"], e["retransmissions"]))
else:
    v = d[f]
    print("%.3f" % v if f == "gbit_per_s" else int(round(v)))
EOF
}

ROWS=()
row() { # NAME FIGURE-LABEL VALUE
	local name=$1
	ROWS+=("| $2 | \`${GEN_CMD[*]}\` | $3 | $(jget "$name" lat) | $(jget "$name" errors) | $(cat "$WORK/$name.busy") | $(cat "$WORK/$name.cpu") | $(jget "$name" gen_busy) |")
}

echo "tcpterm worker on CPU 1, tcpterm-gen worker on CPU 0, $DUR s per figure, $PASSES passes; load average: $LOAD"
# The sweep and the keep-alive run, PASSES times over: every run is a row;
# the highest rate is the maximum, and the runs at its setting show the
# spread between passes (what the machine's neighbours did meanwhile).
# -1: the first run sets them, even at a rate of 0.
CPS=-1
CPS_CONC=""
CPS_RUN=""
RPS=-1
RPS_RUN=""
RPS_ALL=()
label() { [ "$PASSES" = 1 ] && echo "$1" || echo "$1, pass $2"; }
for ((pass = 1; pass <= PASSES; pass++)); do
	for c in $CPS_CONCS; do
		gen "cps_c${c}_p$pass" cps -c "$c"
		v=$(jget "cps_c${c}_p$pass" connections_per_s)
		row "cps_c${c}_p$pass" "$(label "connections/s, closed loop, $c in flight" "$pass")" "$v"
		if [ "$v" -gt "$CPS" ]; then
			CPS=$v
			CPS_CONC=$c
			CPS_RUN=cps_c${c}_p$pass
		fi
	done
	gen "rps_p$pass" rps -c "$RPS_CONC"
	v=$(jget "rps_p$pass" requests_per_s)
	RPS_ALL+=("$v")
	row "rps_p$pass" "$(label "requests/s keep-alive, closed loop, $RPS_CONC connections, one request in flight each" "$pass")" "$v"
	if [ "$v" -gt "$RPS" ]; then
		RPS=$v
		RPS_RUN=rps_p$pass
	fi
done
CPS_ALL=()
for ((pass = 1; pass <= PASSES; pass++)); do
	CPS_ALL+=("$(jget "cps_c${CPS_CONC}_p$pass" connections_per_s)")
done
ROWS+=("| connections/s, closed loop: the maximum, the highest of the $(($(echo $CPS_CONCS | wc -w) * PASSES)) runs above (at $CPS_CONC in flight: $(IFS=/; echo "${CPS_ALL[*]}")) | \`cps -c $CPS_CONC\` | $CPS | | | | | |")
[ "$PASSES" = 1 ] ||
	ROWS+=("| requests/s keep-alive, one request in flight: the maximum, the highest of the $PASSES runs above ($(IFS=/; echo "${RPS_ALL[*]}")) | \`rps -c $RPS_CONC\` | $RPS | | | | | |")
if [ "$QUICK" = 0 ]; then
	gen rps_pipe rps -c "$RPS_CONC" --pipeline "$RPS_PIPE"
	row rps_pipe "requests/s keep-alive, closed loop, $RPS_CONC connections, $RPS_PIPE requests pipelined on each" \
		"$(jget rps_pipe requests_per_s)"
	gen bulk_send bulk
	row bulk_send "Gbit/s, one connection to discard" "$(jget bulk_send gbit_per_s)"
	gen bulk_recv bulk --recv
	row bulk_recv "Gbit/s, one connection from source" "$(jget bulk_recv gbit_per_s)"
	# The maximum again, then the open-loop runs at its shares (4 above).
	for kind in cps rps; do
		if [ "$kind" = cps ]; then
			closed=(cps -c "$CPS_CONC") open=(cps -c $((CPS_CONC * 4)))
			field=connections_per_s what=connections/s
		else
			closed=(rps -c "$RPS_CONC") open=(rps -c "$RPS_CONC")
			field=requests_per_s what=requests/s
		fi
		gen "${kind}_ref" "${closed[@]}"
		max=$(jget "${kind}_ref" "$field")
		row "${kind}_ref" "$what, closed loop, the maximum's setting again: the 100 % of the next two rows" "$max"
		for pct in 50 90; do
			rate=$((max * pct / 100))
			[ "$rate" -ge 1 ] || rate=1
			gen "${kind}_$pct" "${open[@]}" -r "$rate"
			row "${kind}_$pct" "$what at $pct % of the row above (open loop)" "$(jget "${kind}_$pct" "$field")"
		done
	done
fi
tt_bench_figure memif_cps_max "$CPS"
tt_bench_figure memif_cps_max_busy "$(cat "$WORK/$CPS_RUN.busy")"
tt_bench_figure memif_cps_conc "$CPS_CONC"
tt_bench_figure memif_cps_runs "$(IFS=,; echo "${CPS_ALL[*]}")"
tt_bench_figure memif_rps_max "$RPS"
tt_bench_figure memif_rps_max_busy "$(cat "$WORK/$RPS_RUN.busy")"
tt_bench_figure memif_rps_runs "$(IFS=,; echo "${RPS_ALL[*]}")"
tt_bench_figure memif_rps_conc "$RPS_CONC"
if [ "$QUICK" = 0 ]; then
	tt_bench_figure memif_rps_pipe "$(jget rps_pipe requests_per_s)"
	tt_bench_figure memif_rps_pipe_busy "$(cat "$WORK/rps_pipe.busy")"
	tt_bench_figure memif_rps_depth "$RPS_PIPE"
fi
TABLE=$(
	echo "| figure | tcpterm-gen arguments | result | latency µs p50 / p90 / p99 / p99.9 | errors | tcpterm worker busy% | CPU % its thread got | tcpterm-gen worker busy% |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
)
echo
echo "$TABLE"

if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### Stack vs stack over net_memif, tcpterm-gen, ${DUR} s per figure — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_memif.sh --record ${DUR}\`; $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r);"
		echo "tcpterm (1 worker, CPU 1) and tcpterm-gen (1 worker, CPU 0) as two DPDK processes on net_memif, HTTP/1.1 GET to tcpterm's http service"
		echo "(cps: \`Connection: close\`, tcpterm closes first, full four-way close), EAL memory \`${MEM:-hugepages}\`; load average before the run $LOAD"
		echo "(other processes busy-polling on these CPUs lower every figure). Open-loop latencies count from when each request was due."
		echo
		echo "$TABLE"
	} >>"$ROOT/tests/bench/RESULTS.md"
	echo "appended to tests/bench/RESULTS.md"
fi
