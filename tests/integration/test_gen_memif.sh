#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# tcpterm-gen against tcpterm, stack to stack over net_memif (no kernel, no
# namespace: the two DPDK processes share memory through a socket file
# under the test's temp dir). tcpterm's worker on CPU 1, the generator's
# on CPU 0. Two short runs:
#   cps, open loop at 20000/s, 64 in flight, 3 s (HTTP, Connection: close)
#   rps, 16 keep-alive connections, closed loop, 3 s
# Each must complete requests with zero errors and write a --json summary
# that is valid and agrees with itself (counts, rates, percentile order);
# the generator's mbufs in use must be back to their count after warm-up.
# Afterwards tcpterm's connection table drains to LISTEN only (TIME_WAIT
# expires after time_wait_ms = 1000) and its mbufs in use return to their
# count before the runs.
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

# shellcheck disable=SC2046 # the EAL memory arguments are words
"$TT_BIN" --lcores=0@0,1@1 --no-pci $(tt_memif_vdev server "$SOCK") \
	--file-prefix="$TT_PREFIX" $(tt_eal_mem_args) -- -q -f "$TT_CONF" >"$TT_LOG" 2>&1 &
TT_PID=$!
tt_info "tcpterm pid $TT_PID on memif server $SOCK ($(tt_eal_mem_args))"
if ! tt_wait_telemetry "$TT_PREFIX" 60 "$TT_PID"; then
	tt_fail "tcpterm's telemetry did not come up"
	exit 1
fi

tt_mbufs() {
	"$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" -v /tcpterm/workers |
		"$TT_PYTHON" -c 'import json,sys; print(sum(json.load(sys.stdin)["mbufs_in_use"]))'
}
mbufs_before=$(tt_mbufs)
tt_info "tcpterm mbufs in use before the runs: $mbufs_before"

# gen_run NAME ARGS...: one bounded run; output in $TT_TMP/NAME.out, --json in NAME.json.
gen_run() {
	local name=$1 rc
	shift
	# shellcheck disable=SC2046
	timeout 60 "$GEN_BIN" --lcores=0@1,1@0 --no-pci $(tt_memif_vdev client "$SOCK") \
		--file-prefix="$GEN_PREFIX" $(tt_eal_mem_args) --log-level=error -- "$@" \
		-f "$TT_TMP/gen.conf" --json "$TT_TMP/$name.json" >"$TT_TMP/$name.out" 2>&1
	rc=$?
	tt_dpdk_cleanup "$GEN_PREFIX"
	grep -v -e '^EAL:' -e '^TELEMETRY:' "$TT_TMP/$name.out"
	if tt_sanitizer_report "$TT_TMP/$name.out" >/dev/null; then
		echo "sanitizer report in tcpterm-gen's output"
		return 1
	fi
	return "$rc"
}

# json_ok NAME MODE: the summary is valid JSON and agrees with itself.
json_ok() {
	"$TT_PYTHON" - "$TT_TMP/$1.json" "$2" <<'EOF'
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

tt_check "cps, open loop 20000/s, 64 in flight, 3 s: exit status 0" \
	gen_run cps cps -t "$TT_ADDR" --rate 20000 --concurrency 64 --duration 3
tt_check "cps: --json valid and consistent, zero errors, generator mbufs back" json_ok cps cps
tt_check "rps, 16 keep-alive connections, closed loop, 3 s: exit status 0" \
	gen_run rps rps -t "$TT_ADDR" --concurrency 16 --duration 3
tt_check "rps: --json valid and consistent, zero errors, generator mbufs back" json_ok rps rps

tt_check "tcpterm's table drains to LISTEN only (time_wait_ms 1000)" tt_state idle --within 5
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
tt_check "tcpterm's mbufs in use back to their count before the runs" mbufs_back
counters_ok() {
	local v
	v=$(tt_state stat conn_reset_rx conn_reset_tx conn_timeout)
	echo "conn_reset_rx conn_reset_tx conn_timeout: $v"
	[ "$v" = "0 0 0" ]
}
tt_check "tcpterm counted no resets and no timeouts" counters_ok
tt_it_end
