#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# HTTP requests/s: wrk against tcpterm (one worker) over net_tap, and the
# same wrk against the Linux kernel serving nginx (one worker) over a veth
# pair; same machine, same run, ratio printed. Everything lives in network
# namespaces this script creates, on 198.18.0.0/15, and is torn down at
# the end. Each wrk run is bounded by -d.
#
#   sudo tests/bench/bench_http.sh [SECONDS] [CONNECTIONS]
#
# wrk runs on CPU 0; tcpterm's worker and nginx's worker are pinned to CPU 1.
# With `--record`, appends the figures to tests/bench/RESULTS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_http.sh"

RECORD=0
if [ "${1:-}" = "--record" ]; then RECORD=1; shift; fi
DUR=${1:-10}
CONNS=${2:-32}
TAG=ttb$$
NS_TT=$TAG-tt
NS_SRV=$TAG-srv
NS_CLI=$TAG-cli
WORK=$(mktemp -d /tmp/tt-bench.XXXXXX)
TT_PID=""
NGINX_PID=""

cleanup() {
	[ -n "$TT_PID" ] && kill "$TT_PID" 2>/dev/null && wait "$TT_PID" 2>/dev/null || true
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
	for ns in "$NS_TT" "$NS_SRV" "$NS_CLI"; do ip netns del "$ns" 2>/dev/null || true; done
	tt_dpdk_cleanup "$TAG"
	rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || tt_die "wrk is missing: run scripts/bootstrap.sh"
command -v nginx >/dev/null || tt_die "nginx is missing: run scripts/bootstrap.sh"
[ -x "$ROOT/build/app/tcpterm" ] || tt_die "build/app/tcpterm is missing: run scripts/bootstrap.sh"

wrk_rps() {	# namespace url [wrk args] -> requests/s
	local ns=$1 url=$2
	shift 2
	ip netns exec "$ns" taskset -c 0 timeout $((DUR + 30)) \
		wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "$@" "$url" > "$WORK/wrk.$ns" 2>&1 || true
	cat "$WORK/wrk.$ns" >&2
	awk '/^Requests\/sec:/ { print int($2) }' "$WORK/wrk.$ns"
}

# --- tcpterm on net_tap -----------------------------------------------------
ip netns add "$NS_TT"
sed -e 's/^max_connections.*/max_connections = 4096/' "$ROOT/config/tcpterm.conf" > "$WORK/tt.conf"
# shellcheck disable=SC2046
ip netns exec "$NS_TT" "$ROOT/build/app/tcpterm" -l 0-1 --no-pci --vdev=net_tap0,iface=tt0 \
	--file-prefix="$TAG" $(tt_eal_mem_args) --log-level=error -- -q -f "$WORK/tt.conf" \
	> "$WORK/tcpterm.log" 2>&1 &
TT_PID=$!
for _ in $(seq 1 100); do ip netns exec "$NS_TT" ip link show tt0 >/dev/null 2>&1 && break; sleep 0.1; done
ip netns exec "$NS_TT" ip addr add 198.18.0.1/24 dev tt0
ip netns exec "$NS_TT" ip link set tt0 up
ip netns exec "$NS_TT" ip link set lo up
for _ in $(seq 1 50); do ip netns exec "$NS_TT" curl -s -o /dev/null --max-time 1 http://198.18.0.2/ && break; sleep 0.2; done
TT_RPS=$(wrk_rps "$NS_TT" http://198.18.0.2/)
TT_CPS=$(wrk_rps "$NS_TT" http://198.18.0.2/ -H "Connection: close")
kill "$TT_PID"; wait "$TT_PID" 2>/dev/null || true; TT_PID=""

# --- nginx in the kernel over veth ---------------------------------------------
ip netns add "$NS_SRV"
ip netns add "$NS_CLI"
ip link add "$TAG-a" netns "$NS_CLI" type veth peer name "$TAG-b" netns "$NS_SRV"
ip netns exec "$NS_CLI" ip addr add 198.18.1.1/24 dev "$TAG-a"
ip netns exec "$NS_SRV" ip addr add 198.18.1.2/24 dev "$TAG-b"
for ns in "$NS_CLI" "$NS_SRV"; do
	ip netns exec "$ns" ip link set lo up
done
ip netns exec "$NS_CLI" ip link set "$TAG-a" up
ip netns exec "$NS_SRV" ip link set "$TAG-b" up
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
worker_cpu_affinity 10;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	server {
		listen 198.18.1.2:80 reuseport;
		location / { default_type text/plain; return 200 "Hello from tcpterm\n"; }
	}
}
NGINX
ip netns exec "$NS_SRV" nginx -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/nginx.err" &
NGINX_PID=$!
for _ in $(seq 1 50); do ip netns exec "$NS_CLI" curl -s -o /dev/null --max-time 1 http://198.18.1.2/ && break; sleep 0.2; done
NG_RPS=$(wrk_rps "$NS_CLI" http://198.18.1.2/)
NG_CPS=$(wrk_rps "$NS_CLI" http://198.18.1.2/ -H "Connection: close")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
RATIO=$(ratio "$TT_RPS" "$NG_RPS")
CRATIO=$(ratio "$TT_CPS" "$NG_CPS")
echo "bench_http: keep-alive: tcpterm ${TT_RPS} req/s (net_tap), nginx ${NG_RPS} req/s (kernel, veth), ratio ${RATIO}x"
tt_bench_figure http_nginx_cps "$NG_CPS"
tt_bench_figure http_nginx_rps "$NG_RPS"
tt_bench_figure http_tt_cps "$TT_CPS"
echo "bench_http: Connection: close: tcpterm ${TT_CPS} conn/s, nginx ${NG_CPS} conn/s, ratio ${CRATIO}x; wrk -t1 -c${CONNS} -d${DUR}s"
if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### HTTP, wrk -t1 -c${CONNS} -d${DUR}s — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_http.sh --record ${DUR} ${CONNS}\`; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r)."
		echo
		echo "| server | path | requests/s (keep-alive) | ratio | connections/s (Connection: close) | ratio |"
		echo "|---|---|---|---|---|---|"
		echo "| nginx 1 worker (Linux kernel TCP) | veth pair | ${NG_RPS} | 1.00 | ${NG_CPS} | 1.00 |"
		echo "| tcpterm 1 worker | net_tap (kernel tap driver) | ${TT_RPS} | ${RATIO} | ${TT_CPS} | ${CRATIO} |"
	} >> "$ROOT/tests/bench/RESULTS.md"
fi
