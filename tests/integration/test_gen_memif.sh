#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# tcpterm-gen against tcpterm, stack to stack over net_memif (no kernel, no
# namespace: the two DPDK processes share memory through a socket file
# under the test's temp dir). tcpterm's worker on CPU 1, the generator's
# on CPU 0. Three short runs, each against a fresh tcpterm:
#   cps, open loop at 20000/s, 64 in flight, 3 s (HTTP, Connection: close)
#   rps, 16 keep-alive connections, closed loop, 3 s
#   rps, 256 keep-alive connections, 8 requests pipelined on each, 3 s
#   (every one answered by a complete, well-framed response)
# Each must complete requests with zero errors and write a --json summary
# that is valid and agrees with itself (counts, rates, percentile order)
# and counts the --warmup connections asked for (4096, 16, 1 per worker);
# the generator's mbufs in use must be back to their count after warm-up.
# Afterwards tcpterm's connection table drains to LISTEN only (TIME_WAIT
# expires after time_wait_ms = 1000), its mbufs in use return to their
# count before the run, it counted no resets or timeouts, and it exits 0
# on SIGINT. tcpterm stops before the generator leaves (--wait-peer):
# DPDK 22.11's memif unmaps the rings of a peer that goes while the
# remaining side still polls them.
# shellcheck disable=SC2317 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin gen_memif
GEN_BIN=${TT_GEN_BIN:-$(dirname "$TT_BIN")/tcpterm-gen}
GEN_BIN=$(cd "$(dirname "$GEN_BIN")" && pwd)/$(basename "$GEN_BIN")
GEN_PREFIX=ttitgen$$
SOCK=$TT_TMP/memif.sock
TT_TIME_WAIT_MS=1000
TT_CONF_EXTRA=$(printf '\n[limits]\nmbufs = 16383\n')
tt_it_config max_connections=4096 max_time_wait=65536
cat >"$TT_TMP/gen.conf" <<EOF
[port0]
address = 198.18.0.1/24
[tcp]
max_connections = 4096
max_time_wait = 65536
time_wait_ms = 1000
local_port_min = 1024
local_port_max = 65535
delayed_ack_ms = 0
[limits]
mbufs = 16383
[workers]
burst = 64
EOF
if [ ! -x "$GEN_BIN" ]; then
	tt_fail "$GEN_BIN does not exist (build it first: scripts/bootstrap.sh)"
	exit 1
fi

# tt_start: a fresh tcpterm, memif server; its output appended to $TT_LOG.
tt_start() {
	rm -f "$SOCK"
	# shellcheck disable=SC2046 # the EAL memory arguments are words
	"$TT_BIN" --lcores=0@0,1@1 --no-pci $(tt_memif_vdev server "$SOCK") \
		--file-prefix="$TT_PREFIX" $(tt_eal_mem_args) -- -q -f "$TT_CONF" >>"$TT_LOG" 2>&1 &
	TT_PID=$!
	tt_info "tcpterm pid $TT_PID on memif server $SOCK ($(tt_eal_mem_args))"
	if ! tt_wait_telemetry "$TT_PREFIX" 60 "$TT_PID"; then
		tt_fail "tcpterm's telemetry did not come up"
		exit 1
	fi
}

# tt_stop DESC: SIGINT, exit status 0 wanted (in this shell: it waits for its child).
tt_stop() {
	tt_stop_pid "$TT_PID" 20
	TT_PID=
	tt_dpdk_cleanup "$TT_PREFIX"
	if [ "$TT_STOP_RC" -eq 0 ]; then
		tt_ok "$1"
	else
		tt_fail "$1 (exit status $TT_STOP_RC)"
	fi
}

tt_mbufs() {
	"$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" -v /tcpterm/workers |
		"$TT_PYTHON" -c 'import json,sys; d = json.load(sys.stdin); print(sum(d["mbufs_in_use"]) + sum(d["clones_in_use"]))'
}

# gen_start NAME ARGS...: one bounded run in the background; output in
# $TT_TMP/NAME.out, --json in NAME.json; afterwards it waits for tcpterm
# to close the link (--wait-peer).
GEN_PID=
gen_start() {
	local name=$1
	shift
	# shellcheck disable=SC2046
	timeout 90 "$GEN_BIN" --lcores=0@1,1@0 --no-pci $(tt_memif_vdev client "$SOCK") \
		--file-prefix="$GEN_PREFIX" $(tt_eal_mem_args) --log-level=error -- "$@" \
		-f "$TT_TMP/gen.conf" --json "$TT_TMP/$name.json" --wait-peer 30 \
		>"$TT_TMP/$name.out" 2>&1 &
	GEN_PID=$!
	tt_it_track "$GEN_PID"
}

# gen_done NAME: the run finished (its --json appeared) in time.
gen_done() {
	local i
	for i in $(seq 1 600); do
		[ -f "$TT_TMP/$1.json" ] && break
		tt_pid_alive "$GEN_PID" || break
		sleep 0.1
	done
	grep -v -e '^EAL:' -e '^TELEMETRY:' "$TT_TMP/$1.out"
	[ -f "$TT_TMP/$1.json" ]
}

# gen_exit NAME DESC: once tcpterm is gone the generator exits 0, without
# sanitizer reports (in this shell: it waits for its child).
gen_exit() {
	local rc
	wait "$GEN_PID"
	rc=$?
	GEN_PID=
	tt_dpdk_cleanup "$GEN_PREFIX"
	if tt_sanitizer_report "$TT_TMP/$1.out" >/dev/null; then
		tt_sanitizer_report "$TT_TMP/$1.out" | sed 's/^/     | /'
		tt_fail "$2 (sanitizer report)"
	elif [ "$rc" -ne 0 ]; then
		tail -n 5 "$TT_TMP/$1.out" | sed 's/^/     | /'
		tt_fail "$2 (exit status $rc)"
	else
		tt_ok "$2"
	fi
}

# json_ok NAME MODE WARMUP: the summary is valid JSON and agrees with
# itself, and every worker made WARMUP warm-up connections.
json_ok() {
	"$TT_PYTHON" - "$TT_TMP/$1.json" "$2" "$3" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
mode = sys.argv[2]
c = d["counters"]
lat = d["latency_us"]
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
want(d["mode"] == mode, "mode is %s" % d["mode"])
want(d["requests"] > 0, "requests > 0")
want(d["errors"]["total"] == 0, "zero errors: %s" % d["errors"])
want(c["requests"] == c["responses"] == d["requests"], "every request answered")
want(c["unfinished"] == 0, "nothing left unfinished")
want(lat["count"] == d["requests"], "one latency per request")
want(0 < lat["min"] <= lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p99.9"] <= lat["max"] * 1.04,
     "percentiles in order: %s" % lat)
want(0 < d["duration_s"] < 10, "duration %.3f" % d["duration_s"])
want(d["mbufs_in_use"]["start"] == d["mbufs_in_use"]["end"],
     "generator mbufs back to the start: %s" % d["mbufs_in_use"])
want(d["warmup_connections"] == int(sys.argv[3]) * d["workers"],
     "%s warm-up connections per worker: %d in all" % (sys.argv[3], d["warmup_connections"]))
if mode == "cps":
    want(d["connections"] == d["requests"], "one request per connection")
    want(abs(d["connections_per_s"] * d["duration_s"] - c["conn_closed"]) <= 0.05 * c["conn_closed"] + 2000,
         "connections/s x duration ~ connections completed in the run")
    want(c["conn_opened"] == c["conn_established"] == c["conn_closed"], "opened = established = closed")
else:
    want(d["connections"] == d["concurrency"] == c["conn_opened"], "keep-alive connections = concurrency")
    want(d["requests_per_s"] > 0, "requests/s > 0")
print("%s: %d connections, %d requests, %.0f conn/s, %.0f req/s, p50 %.1f us, p99 %.1f us"
      % (mode, d["connections"], d["requests"], d["connections_per_s"], d["requests_per_s"],
         lat["p50"], lat["p99"]))
for b in bad:
    print("not so: " + b)
sys.exit(1 if bad else 0)
EOF
}

mbufs_back() {
	local now i
	for i in $(seq 1 20); do
		now=$(tt_mbufs)
		[ "$now" = "$mbufs_before" ] && break
		sleep 0.1
	done
	echo "tcpterm mbufs in use: before $mbufs_before, after $now"
	[ "$now" = "$mbufs_before" ]
}

counters_ok() {
	local v
	v=$(tt_state stat conn_reset_rx conn_reset_tx conn_timeout)
	echo "conn_reset_rx conn_reset_tx conn_timeout: $v"
	[ "$v" = "0 0 0" ]
}

# run_case NAME MODE WARMUP DESC ARGS...: a fresh tcpterm, one generator
# run (WARMUP warm-up connections per worker), every check.
run_case() {
	local name=$1 mode=$2 warm=$3 desc=$4
	shift 4
	tt_start
	mbufs_before=$(tt_mbufs)
	tt_info "tcpterm mbufs in use before the run: $mbufs_before"
	gen_start "$name" "$mode" -t "$TT_ADDR" --warmup "$warm" "$@"
	tt_check "$desc: finished with a --json summary" gen_done "$name"
	tt_check "$name: --json valid and consistent, zero errors, generator mbufs back" \
		json_ok "$name" "$mode" "$warm"
	tt_check "$name: tcpterm's table drains to LISTEN only (time_wait_ms 1000)" tt_state idle --within 5
	tt_check "$name: tcpterm's mbufs in use back to their count before the run" mbufs_back
	tt_check "$name: tcpterm counted no resets and no timeouts" counters_ok
	tt_stop "$name: tcpterm exits 0 on SIGINT"
	gen_exit "$name" "$name: then tcpterm-gen exits 0"
}

run_case cps cps 4096 "cps, open loop 20000/s, 64 in flight, 3 s" --rate 20000 --concurrency 64 \
	--duration 3
run_case rps rps 16 "rps, 16 keep-alive connections, closed loop, 3 s" --concurrency 16 --duration 3
run_case rps_pipe rps 1 "rps, 256 keep-alive connections, 8 requests pipelined on each, closed loop, 3 s" \
	--concurrency 256 --pipeline 8 --duration 3
tt_it_end
