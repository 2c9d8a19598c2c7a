#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Goodput of one bulk transfer (default 64 MiB) from a Linux sender under
# 10% loss in both directions (issue 4, "Done when"), to
#   (a) tcpterm's discard service (port 9) over net_tap, and
#   (b) the Linux kernel as receiver (a Python discard server) behind a veth
#       pair,
# each behind the same impairing bridge (tests/integration/ttimpair.py
# --loss 0.10 --direction both, same seed; this kernel has no sch_netem).
# The sender (198.18.0.1) sits on the bridge's tap tt1 in both cases; the
# bridge's --dev is tcpterm's tap tt0 for (a) and the veth end vA for (b),
# whose peer vB in a second namespace carries the receiver's 198.18.0.2.
# Goodput = bytes / (connect .. EOF from the receiver after our FIN), i.e.
# all data delivered and acknowledged. Same run, ratio printed.
#
#   sudo tests/bench/bench_loss_goodput.sh [--record] [BYTES] [LOSS]
#
# Everything lives in namespaces this script creates (198.18.0.0/15) and
# deletes; each transfer is bounded by timeout. TT_BENCH_RCV_WINDOW sets
# tcpterm's rcv_window (default: tcpterm's own, 1 MiB). With --record, appends a
# table to tests/bench/RESULTS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
tt_require_root "tests/bench/bench_loss_goodput.sh"

RECORD=0
if [ "${1:-}" = "--record" ]; then RECORD=1; shift; fi
BYTES=${1:-67108864}
LOSS=${2:-0.10}
SEED=${TT_BENCH_SEED:-7}
LIMIT=${TT_BENCH_TIMEOUT:-300}
TAG=ttl$$
NS_TT=$TAG-tt
NS_L=$TAG-snd
NS_R=$TAG-rcv
WORK=$(mktemp -d /tmp/tt-bench-loss.XXXXXX)
PY=${TT_PYTHON:-/usr/bin/python3}
IMPAIR=$ROOT/tests/integration/ttimpair.py
IMPAIR_ARGS="--loss $LOSS --direction both --seed $SEED"
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		if kill "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
	done
	for ns in "$NS_TT" "$NS_L" "$NS_R"; do ip netns del "$ns" 2>/dev/null || true; done
	tt_dpdk_cleanup "$TAG"
	rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$ROOT/build/app/tcpterm" ] || tt_die "build/app/tcpterm is missing: run scripts/bootstrap.sh"

cat >"$WORK/send.py" <<'PY'
import socket, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
buf = bytes(range(256)) * 256
t0 = time.monotonic()
s = socket.create_connection((host, port), timeout=60)
left = n
while left:
    left -= s.send(buf[:min(len(buf), left)])
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
dt = time.monotonic() - t0
print("%d %.3f" % (n, dt))
PY
cat >"$WORK/discard.py" <<'PY'
import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[1], int(sys.argv[2])))
ls.listen(4)
print("listening", flush=True)
c, _ = ls.accept()
c.settimeout(120)
n = 0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    n += len(b)
c.close()
print("received %d" % n, flush=True)
PY

wait_file() { # FILE PATTERN SECONDS
	local i
	for i in $(seq 1 $(($3 * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# bridge NS DEV LOG: the impairing bridge between DEV and a new tap tt1
# carrying the sender's 198.18.0.1/24.
bridge() {
	# shellcheck disable=SC2086
	ip netns exec "$1" "$PY" "$IMPAIR" --dev "$2" --tap tt1 $IMPAIR_ARGS >"$3" 2>&1 &
	BR_PID=$!
	PIDS+=("$BR_PID")
	wait_file "$3" ready 10 || tt_die "bridge did not start: $(cat "$3")"
	ip netns exec "$1" ip addr add 198.18.0.1/24 dev tt1
	ip netns exec "$1" ip link set tt1 up
}

# send NS -> "BYTES SECONDS"; the sender's TCP counters for the transfer go
# to $WORK/nstat-NS.
send() {
	ip netns exec "$1" nstat -n
	ip netns exec "$1" timeout "$LIMIT" "$PY" "$WORK/send.py" 198.18.0.2 "$2" "$BYTES"
	ip netns exec "$1" nstat -a >"$WORK/nstat-$1" 2>&1 || true
}

# The sender's loss-recovery counters from send's nstat file.
sender_counters() {
	awk '$1 ~ /^(TcpRetransSegs|TcpExtTCPTimeouts|TcpExtTCPLossProbes|TcpExtTCPSackRecovery|TcpExtTCPSACKDiscard|TcpExtTCPDSACKIgnoredNoUndo|TcpExtTCPSACKReneging|TcpExtTCPLostRetransmit|TcpExtTCPSpuriousRTOs|TcpExtTCPDSACKRecv)$/ { printf " %s=%s", $1, $2 }' "$1"
}

mbps() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.2f", b / t / 1e6 }'; }

# --- (a) tcpterm's discard service over net_tap --------------------------------
ip netns add "$NS_TT"
ip netns exec "$NS_TT" ip link set lo up
cat >"$WORK/tt.conf" <<CONF
[port0]
address = 198.18.0.2/24
gateway = 198.18.0.1

[tcp]
${TT_BENCH_RCV_WINDOW:+rcv_window = $TT_BENCH_RCV_WINDOW}

[listen.discard]
address = *:9
service = discard
CONF
# shellcheck disable=SC2046
ip netns exec "$NS_TT" "$ROOT/build/app/tcpterm" -l 0-1 --no-pci --vdev=net_tap0,iface=tt0 \
	--file-prefix="$TAG" $(tt_eal_mem_args) --log-level=error -- -q -f "$WORK/tt.conf" \
	>"$WORK/tcpterm.log" 2>&1 &
TT_PID=$!
PIDS+=("$TT_PID")
tt_wait_netdev "$NS_TT" tt0 60 "$TT_PID" || tt_die "tt0 did not appear: $(tail -5 "$WORK/tcpterm.log")"
ip netns exec "$NS_TT" ip link set tt0 arp off
ip netns exec "$NS_TT" ip link set tt0 up
bridge "$NS_TT" tt0 "$WORK/bridge-tt.log"
for _ in $(seq 1 100); do ip netns exec "$NS_TT" ping -c1 -W1 -q 198.18.0.2 >/dev/null 2>&1 && break; sleep 0.2; done
read -r TT_B TT_S < <(send "$NS_TT" 9) || tt_die "transfer to tcpterm failed or timed out (${LIMIT} s)"
kill "$BR_PID"; wait "$BR_PID" 2>/dev/null || true
grep -E '^(to|from)-tcpterm' "$WORK/bridge-tt.log" | sed 's/^/  bridge (a) /' >&2
echo "  sender (a):$(sender_counters "$WORK/nstat-$NS_TT")" >&2
"$PY" "$ROOT/scripts/tt-telemetry.py" -p "$TAG" /tcpterm/stats 2>/dev/null |
	"$PY" -c 'import json, sys; d = json.load(sys.stdin)["/tcpterm/stats"]
print("  tcpterm (a): " + " ".join("%s=%s" % kv for kv in sorted(d.items()) if kv[1] and ("drop" in kv[0] or "ooo" in kv[0] or "rexmit" in kv[0] or "dsack" in kv[0] or "sack" in kv[0])))' >&2 || true
kill -INT "$TT_PID"; wait "$TT_PID" 2>/dev/null || true
[ "$TT_B" = "$BYTES" ] || tt_die "tcpterm transfer incomplete"

# --- (b) the Linux kernel behind a veth pair -----------------------------------
ip netns add "$NS_L"
ip netns add "$NS_R"
ip link add vA netns "$NS_L" type veth peer name vB netns "$NS_R"
for ns in "$NS_L" "$NS_R"; do ip netns exec "$ns" ip link set lo up; done
# veth hands frames on with the TCP checksum left to "offload"
# (CHECKSUM_PARTIAL); what the bridge copies into the tap must be complete.
ip netns exec "$NS_R" ethtool -K vB tx off >/dev/null
ip netns exec "$NS_L" ethtool -K vA tx off >/dev/null
ip netns exec "$NS_L" ip link set vA arp off
ip netns exec "$NS_L" ip link set vA up
ip netns exec "$NS_R" ip addr add 198.18.0.2/24 dev vB
ip netns exec "$NS_R" ip link set vB up
bridge "$NS_L" vA "$WORK/bridge-linux.log"
ip netns exec "$NS_R" timeout "$LIMIT" "$PY" "$WORK/discard.py" 198.18.0.2 9 >"$WORK/discard.log" 2>&1 &
PIDS+=("$!")
wait_file "$WORK/discard.log" listening 10 || tt_die "discard server did not start"
for _ in $(seq 1 100); do ip netns exec "$NS_L" ping -c1 -W1 -q 198.18.0.2 >/dev/null 2>&1 && break; sleep 0.2; done
read -r LX_B LX_S < <(send "$NS_L" 9) || tt_die "transfer to Linux failed or timed out (${LIMIT} s)"
kill "$BR_PID"; wait "$BR_PID" 2>/dev/null || true
grep -E '^(to|from)-tcpterm' "$WORK/bridge-linux.log" | sed 's/^/  bridge (b) /; s/tcpterm/receiver/' >&2
echo "  sender (b):$(sender_counters "$WORK/nstat-$NS_L")" >&2
[ "$LX_B" = "$BYTES" ] || tt_die "Linux transfer incomplete"

drops() { sed -n "s/^$2:.* dropped=\([0-9]*\).*/\1/p" "$1"; }
TT_DROPS="$(drops "$WORK/bridge-tt.log" to-tcpterm) / $(drops "$WORK/bridge-tt.log" from-tcpterm)"
LX_DROPS="$(drops "$WORK/bridge-linux.log" to-tcpterm) / $(drops "$WORK/bridge-linux.log" from-tcpterm)"
CC=$(ip netns exec "$NS_L" sysctl -n net.ipv4.tcp_congestion_control)
TT_MBPS=$(mbps "$TT_B" "$TT_S")
LX_MBPS=$(mbps "$LX_B" "$LX_S")
RATIO=$(awk -v a="$TT_MBPS" -v b="$LX_MBPS" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
echo "bench_loss_goodput: $BYTES bytes, loss $LOSS both directions (ttimpair.py seed $SEED):"
echo "bench_loss_goodput: tcpterm receiver (discard, net_tap) ${TT_MBPS} MB/s in ${TT_S} s; Linux receiver (veth) ${LX_MBPS} MB/s in ${LX_S} s; ratio ${RATIO}x"
if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### Goodput under ${LOSS} loss, $BYTES bytes — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_loss_goodput.sh --record $BYTES $LOSS\`; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r)."
		echo "Linux sender (congestion control $CC, SACK, timestamps) through tests/integration/ttimpair.py $IMPAIR_ARGS, a userspace"
		echo "bridge, the same for both rows; tcpterm runs with -l 0-1 (its worker busy-polls one of the 2 CPUs the bridge and the sender"
		echo "also run on). Goodput = bytes / (connect .. the receiver's FIN after ours)."
		echo
		echo "| receiver | path | seconds | goodput MB/s | ratio | frames dropped (data dir / ACK dir) |"
		echo "|---|---|---|---|---|---|"
		echo "| Linux kernel TCP (Python discard server) | bridge + veth pair | ${LX_S} | ${LX_MBPS} | 1.00 | ${LX_DROPS} |"
		echo "| tcpterm discard service, 1 worker | bridge + net_tap | ${TT_S} | ${TT_MBPS} | ${RATIO} | ${TT_DROPS} |"
	} >>"$ROOT/tests/bench/RESULTS.md"
fi
