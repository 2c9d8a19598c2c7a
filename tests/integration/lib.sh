# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
# shellcheck shell=bash
#
# Shared by tests/integration/test_*.sh. Source it, then:
#
#   tt_it_begin NAME             root check, temp dir, traps (teardown always runs)
#   tt_it_config [KEY=VALUE...]  write the test's tcpterm.conf ([tcp] extras as args)
#   tt_it_start [plain|bridge]   namespace + tcpterm on net_tap + 198.18.0.1/24 on
#                                the kernel side, waits until tcpterm answers ping
#   tt_check DESC CMD...         run CMD, print "ok: DESC" or "FAIL: DESC"
#   tt_it_track PID              a helper process (tshark, ...) that teardown
#                                stops by PID if it is still running
#   tt_it_end                    exit (teardown checks tcpterm is still alive, stops it
#                                with SIGINT, wants exit status 0 and no sanitizer report)
#
# Addresses: tcpterm 198.18.0.2, kernel peer 198.18.0.1, only inside the
# namespace ttit-PID that the test creates and deletes. tcpterm's output is
# in $TT_LOG; its tail is printed when anything failed.
#
# Environment: TT_BIN (default build/app/tcpterm), TT_LCORES (default 0-1),
# TT_EAL_MEM (see scripts/lib.sh), TT_IMPAIR (auto|netem|bridge),
# TT_IT_KEEP=1 keeps the temp dir even on success.

set -uo pipefail

TT_IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$TT_IT_DIR/../../scripts/lib.sh"

TT_BIN=${TT_BIN:-$TT_ROOT/build/app/tcpterm}
TT_LCORES=${TT_LCORES:-0-1}
TT_ADDR=198.18.0.2
TT_PEER=198.18.0.1
TT_PEER_MAC=02:00:c6:12:00:01	# the bridge's tap (bridge mode only)
TT_IF=tt0
TT_NS=ttit-$$
TT_PREFIX=ttit$$
TT_TIME_WAIT_MS=${TT_TIME_WAIT_MS:-2000}
TT_MODE=plain
TT_PID=
TT_IMPAIR_PID=
TT_IMPAIR_ARGS=
TT_EXTRA_PIDS=()
TT_CHECKS=0
TT_FAILS=0
TT_NAME=
TT_TMP=
TT_LOG=/dev/null
TT_CONF=
TT_IT_CLIENT="$TT_IT_DIR/ttclient.py"
TT_IT_STATE="$TT_IT_DIR/ttstate.py"

tt_ok() { TT_CHECKS=$((TT_CHECKS + 1)); printf '  ok: %s\n' "$*"; }
tt_fail() { TT_CHECKS=$((TT_CHECKS + 1)); TT_FAILS=$((TT_FAILS + 1)); printf '  FAIL: %s\n' "$*"; }
tt_info() { printf '  .. %s\n' "$*"; }

# tt_check DESC CMD...: one named check. CMD's output is shown indented.
tt_check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/     | /'
	if [ "$rc" -eq 0 ]; then
		tt_ok "$desc"
	else
		tt_fail "$desc (exit status $rc)"
	fi
	return "$rc"
}

tt_it_begin() {
	TT_NAME=$1
	if [ "$(id -u)" -ne 0 ]; then
		echo "$TT_NAME: must run as root" >&2
		exit 1
	fi
	TT_TMP=$(mktemp -d "/tmp/ttit-$TT_NAME.XXXXXX")
	TT_LOG=$TT_TMP/tcpterm.log
	TT_CONF=$TT_TMP/tcpterm.conf
	: >"$TT_LOG"
	trap tt_it_teardown EXIT
	trap 'tt_fail "interrupted"; exit 130' INT TERM HUP
	echo "== $TT_NAME (tcpterm: $TT_BIN; files in $TT_TMP)"
	if [ ! -x "$TT_BIN" ]; then
		tt_fail "$TT_BIN does not exist (build it first: scripts/bootstrap.sh)"
		exit 1
	fi
}

# shellcheck disable=SC2120 # arguments are optional
# tt_it_config [KEY=VALUE...]: the test configuration. Arguments are extra
# [tcp] settings ("time_wait_ms=500"); TT_CONF_EXTRA is appended verbatim.
tt_it_config() {
	local kv
	{
		echo "# written by tests/integration/lib.sh for $TT_NAME"
		echo "[port0]"
		echo "address = $TT_ADDR/24"
		echo "gateway = $TT_PEER"
		echo
		echo "[tcp]"
		echo "time_wait_ms = $TT_TIME_WAIT_MS"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
		echo
		echo "[listen.echo]"
		echo "address = *:7"
		echo "service = echo"
		echo
		echo "[listen.discard]"
		echo "address = *:9"
		echo "service = discard"
		echo
		echo "[listen.source]"
		echo "address = *:19"
		echo "service = source"
		echo
		echo "[listen.http]"
		echo "address = *:80"
		echo "service = http"
		echo "${TT_CONF_EXTRA:-}"
	} >"$TT_CONF"
}

# Run a command inside the test namespace.
tt_ns() { ip netns exec "$TT_NS" "$@"; }

# The Python clients, inside the namespace, with Debian's python.
tt_client() { ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_CLIENT" "$@"; }
tt_state() { "$TT_PYTHON" "$TT_IT_STATE" -p "$TT_PREFIX" "$@"; }

# True when the kernel has sch_netem (probed in a throwaway namespace).
tt_netem_available() {
	local ns=ttprobe-$$ rc=1
	ip netns add "$ns" 2>/dev/null || return 1
	if ip netns exec "$ns" ip link add ttp0 type veth peer name ttp1 2>/dev/null &&
		ip netns exec "$ns" tc qdisc add dev ttp0 root netem delay 1ms 2>/dev/null; then
		rc=0
	fi
	ip netns del "$ns" 2>/dev/null
	return "$rc"
}

# Which impairment mechanism test_echo_16m.sh uses: netem when the kernel
# has it (TT_IMPAIR=auto, the default), else the userspace bridge.
tt_impair_mode() {
	case ${TT_IMPAIR:-auto} in
	netem | bridge) echo "$TT_IMPAIR" ;;
	*) if tt_netem_available; then echo netem; else echo bridge; fi ;;
	esac
}

tt_ping_ok() { tt_ns ping -c 1 -W 1 -q "$TT_ADDR" >/dev/null 2>&1; }

# tt_wait_ping SECONDS: until tcpterm answers ICMP echo.
tt_wait_ping() {
	local secs=${1:-30} t0=$SECONDS
	while ((SECONDS - t0 < secs)); do
		tt_ping_ok && return 0
		tt_pid_alive "$TT_PID" || return 1
		sleep 0.2
	done
	return 1
}

# tt_it_start [plain|bridge]
#   plain:  198.18.0.1/24 on tt0, the kernel side of tcpterm's tap.
#   bridge: tt0 carries no address and no ARP; tests/integration/ttimpair.py
#           bridges it to a tap tt1 that carries 198.18.0.1/24, impairing
#           TCP as told by tt_it_impair (nothing until then).
tt_it_start() {
	TT_MODE=${1:-plain}
	[ -f "$TT_CONF" ] || tt_it_config
	tt_netns_add "$TT_NS" || { tt_fail "cannot create namespace $TT_NS"; exit 1; }
	# shellcheck disable=SC2046 # the EAL memory arguments are words
	# TT_LCORES: an lcore list for -l, or a --lcores map such as 0@0,1@1,2@1
	# (more lcores than CPUs) when it contains '@'.
	local lc="-l $TT_LCORES"
	[[ $TT_LCORES == *@* ]] && lc="--lcores=$TT_LCORES"
	# shellcheck disable=SC2086 # $lc is two words or one
	ip netns exec "$TT_NS" "$TT_BIN" $lc --no-pci \
		--vdev=net_tap0,iface=$TT_IF --file-prefix="$TT_PREFIX" $(tt_eal_mem_args) \
		-- -f "$TT_CONF" >"$TT_LOG" 2>&1 &
	TT_PID=$!
	tt_info "namespace $TT_NS, tcpterm pid $TT_PID: $TT_BIN $lc --no-pci --vdev=net_tap0,iface=$TT_IF --file-prefix=$TT_PREFIX $(tt_eal_mem_args) -- -f $TT_CONF"
	if ! tt_wait_netdev "$TT_NS" "$TT_IF" 60 "$TT_PID"; then
		tt_fail "interface $TT_IF did not appear in $TT_NS"
		exit 1
	fi
	if [ "$TT_MODE" = bridge ]; then
		tt_ns ip link set "$TT_IF" arp off
		tt_ns ip link set "$TT_IF" up
		tt_it_impair ""
	else
		tt_ns ip addr add "$TT_PEER/24" dev "$TT_IF"
		tt_ns ip link set "$TT_IF" up
	fi
	if ! tt_wait_ping 60; then
		if tt_pid_alive "$TT_PID"; then
			tt_fail "tcpterm did not answer ping $TT_ADDR within 60 s"
		else
			tt_fail "tcpterm exited before it answered ping"
		fi
		exit 1
	fi
	if ! "$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" -w 10 /info >/dev/null; then
		tt_fail "telemetry socket of tcpterm not reachable"
		exit 1
	fi
	tt_ok "tcpterm is up: $TT_IF present, $TT_ADDR answers ping, telemetry reachable"
}

# Stop the impairing bridge, print its counters.
tt_impair_stop() {
	[ -n "$TT_IMPAIR_PID" ] || return 0
	tt_stop_pid "$TT_IMPAIR_PID" 5
	TT_IMPAIR_PID=
	sed -n 's/^\(to\|from\)-tcpterm:/bridge &/p' "$TT_TMP/impair.log" | sed 's/^/  .. /'
}

# tt_it_impair "ARGS": (bridge mode) restart the bridge with ttimpair.py ARGS
# ("" for none), same MAC, so tcpterm's ARP entry stays valid.
tt_it_impair() {
	TT_IMPAIR_ARGS=$1
	tt_impair_stop
	# shellcheck disable=SC2086 # ARGS are words
	ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_DIR/ttimpair.py" --dev "$TT_IF" --tap tt1 \
		--mac "$TT_PEER_MAC" $TT_IMPAIR_ARGS >"$TT_TMP/impair.log" 2>&1 &
	TT_IMPAIR_PID=$!
	if ! tt_wait_netdev "$TT_NS" tt1 10 "$TT_IMPAIR_PID"; then
		cat "$TT_TMP/impair.log"
		tt_fail "impairing bridge did not start"
		exit 1
	fi
	tt_ns ip addr add "$TT_PEER/24" dev tt1
	tt_ns ip link set tt1 up
	tt_wait_ping 10 || tt_fail "no ping through the bridge"
}

# Sanitizer reports in tcpterm's log.
tt_sanitizer_report() {
	grep -E -m 5 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|SUMMARY: (Address|Undefined|Leak)' "$1"
}

tt_it_teardown() {
	local rc=$? st
	trap - EXIT INT TERM HUP
	set +e
	for st in "${TT_EXTRA_PIDS[@]}"; do
		if tt_pid_alive "$st"; then
			kill -TERM "$st" 2>/dev/null
			wait "$st" 2>/dev/null
		fi
	done
	tt_impair_stop
	if [ -n "$TT_PID" ]; then
		if ! tt_pid_alive "$TT_PID"; then
			wait "$TT_PID" 2>/dev/null
			st=$?
			tt_fail "tcpterm exited during the test (status $st)"
		else
			tt_stop_pid "$TT_PID" 20
			if [ "$TT_STOP_RC" -eq 0 ]; then
				tt_ok "tcpterm exited 0 on SIGINT"
			else
				tt_fail "tcpterm exit status $TT_STOP_RC on SIGINT (want 0)"
			fi
		fi
		TT_PID=
	fi
	if [ -s "$TT_LOG" ] && tt_sanitizer_report "$TT_LOG" >/dev/null; then
		tt_fail "sanitizer report in tcpterm's output:"
		tt_sanitizer_report "$TT_LOG" | sed 's/^/     | /'
	fi
	tt_netns_del "$TT_NS"
	tt_dpdk_cleanup "$TT_PREFIX"
	if [ "$rc" -ne 0 ] && [ "$TT_FAILS" -eq 0 ]; then
		tt_fail "test script exited with status $rc"
	fi
	if [ "$TT_FAILS" -gt 0 ]; then
		if [ -s "$TT_LOG" ]; then
			echo "  -- last 60 lines of tcpterm's output ($TT_LOG):"
			tail -n 60 "$TT_LOG" | sed 's/^/     | /'
		fi
		echo "== $TT_NAME: FAIL ($TT_FAILS of $TT_CHECKS checks failed; files kept in $TT_TMP)"
		exit 1
	fi
	echo "== $TT_NAME: PASS ($TT_CHECKS checks)"
	if [ "${TT_IT_KEEP:-0}" = 1 ]; then
		echo "   files kept in $TT_TMP"
	elif [ -n "$TT_TMP" ]; then
		rm -rf "$TT_TMP"
	fi
	exit 0
}

tt_it_track() { TT_EXTRA_PIDS+=("$1"); }

tt_it_end() { exit 0; }
