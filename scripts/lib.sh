# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
# shellcheck shell=bash
#
# Shell helpers shared by scripts/*.sh and tests/integration/*.sh.
# Source it; it defines functions and variables only and runs nothing.

# The repository root, whichever script sourced us.
TT_ROOT=${TT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# scapy and our clients need Debian's python, not a pyenv one earlier on PATH.
TT_PYTHON=${TT_PYTHON:-/usr/bin/python3}

# Where DPDK keeps its runtime files (and the telemetry socket) when run as root.
TT_DPDK_RUNDIR=${TT_DPDK_RUNDIR:-/var/run/dpdk}
TT_HUGEDIR=${TT_HUGEDIR:-/dev/hugepages}

tt_log() { printf '%s\n' "$*"; }
tt_warn() { printf 'warning: %s\n' "$*" >&2; }
tt_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

tt_require_root() {
	[ "$(id -u)" -eq 0 ] || tt_die "${1:-this} must run as root (try: sudo $0)"
}

# Free 2 MiB hugepages right now (0 when hugetlbfs is not mounted).
tt_hugepages_free() {
	if ! grep -qs " $TT_HUGEDIR hugetlbfs " /proc/mounts; then
		echo 0
		return
	fi
	awk '/^HugePages_Free:/ { print $2; found = 1 } END { if (!found) print 0 }' /proc/meminfo
}

# Print the EAL memory arguments for one DPDK process.
# With at least TT_HUGE_MIN_PAGES free hugepages (default 256, 512 MiB),
# EAL uses them and allocates on demand (no arguments); otherwise it falls
# back to anonymous memory: --no-huge -m TT_NOHUGE_MB (default 1024).
# TT_EAL_MEM overrides the choice entirely (e.g. TT_EAL_MEM="--no-huge -m 2048").
tt_eal_mem_args() {
	if [ -n "${TT_EAL_MEM+x}" ]; then
		echo "$TT_EAL_MEM"
		return
	fi
	if [ "$(tt_hugepages_free)" -ge "${TT_HUGE_MIN_PAGES:-256}" ]; then
		echo ""
	else
		echo "--no-huge -m ${TT_NOHUGE_MB:-1024}"
	fi
}

# Remove what a DPDK process with --file-prefix=$1 leaves behind when it was
# killed: its runtime directory and its hugepage files.
tt_dpdk_cleanup() {
	local prefix=$1
	[ -n "$prefix" ] || return 0
	rm -rf "${TT_DPDK_RUNDIR:?}/$prefix"
	rm -f "$TT_HUGEDIR/${prefix}map_"* 2>/dev/null || true
}

# True while process $1 exists (and is not a zombie we already reaped).
tt_pid_alive() {
	[ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null
}

# Stop process $1 (a child of this shell): SIGINT, up to $2 seconds
# (default 10), then SIGKILL. Sets TT_STOP_RC to its exit status
# (137 when it had to be killed, 255 when the status is unknown).
tt_stop_pid() {
	local pid=$1 grace=${2:-10} i
	TT_STOP_RC=255
	[ -n "$pid" ] || return 0
	if tt_pid_alive "$pid"; then
		kill -INT "$pid" 2>/dev/null || true
		for ((i = 0; i < grace * 10; i++)); do
			tt_pid_alive "$pid" || break
			sleep 0.1
		done
		if tt_pid_alive "$pid"; then
			tt_warn "pid $pid ignored SIGINT for ${grace}s, killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	# shellcheck disable=SC2034 # read by the callers
	if wait "$pid" 2>/dev/null; then
		TT_STOP_RC=0
	else
		TT_STOP_RC=$?
	fi
	return 0
}

# Wait until network interface $2 exists in namespace $1; up to $3 seconds
# (default 30). Fails early when process $4 (optional) has exited.
tt_wait_netdev() {
	local ns=$1 dev=$2 secs=${3:-30} pid=${4:-} i
	for ((i = 0; i < secs * 10; i++)); do
		ip netns exec "$ns" ip link show dev "$dev" >/dev/null 2>&1 && return 0
		if [ -n "$pid" ] && ! tt_pid_alive "$pid"; then
			return 1
		fi
		sleep 0.1
	done
	return 1
}

# True when network namespace $1 exists.
tt_netns_exists() {
	local names
	names=$(ip netns list 2>/dev/null | awk '{ print $1 }')
	grep -qx -e "$1" <<<"$names"
}

# Delete namespace $1 if it exists.
tt_netns_del() {
	local ns=$1
	if tt_netns_exists "$ns"; then
		ip netns del "$ns" 2>/dev/null || true
	fi
}

# Create namespace $1 with lo up and IPv6 off (keeps router solicitations
# and neighbour discovery off the wire: tcpterm is IPv4 only).
tt_netns_add() {
	local ns=$1
	ip netns add "$ns" || return 1
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1 || true
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
}

# Remove what earlier test runs that were killed left behind: namespaces
# ttit-PID, and the DPDK runtime dirs and hugepage files of prefixes
# ttitPID / ttbadPID (integration tests), ttitpmdPID (test_testpmd_syn.sh's
# testpmd) and ttunitPID (unit tests) whose PID is gone.
tt_sweep_stale() {
	local ns pid d prefix
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^ttit-[0-9]+$'); do
		pid=${ns#ttit-}
		tt_pid_alive "$pid" || ip netns del "$ns" 2>/dev/null || true
	done
	for d in "$TT_DPDK_RUNDIR"/tt* "$TT_HUGEDIR"/tt*map_*; do
		[ -e "$d" ] || continue
		prefix=$(basename "$d")
		prefix=${prefix%%map_*}
		[[ $prefix =~ ^tt(it|itpmd|bad|unit)([0-9]+)$ ]] || continue
		pid=${BASH_REMATCH[2]}
		tt_pid_alive "$pid" || tt_dpdk_cleanup "$prefix"
	done
}

# The --vdev argument for one end of a net_memif link over socket file $2:
# $1 is server or client (the server creates the socket, the client the
# shared memory); TT_MEMIF_RSIZE (default 12: 4096 slots) sizes the rings.
# No kernel interface and no namespace: the link joins two DPDK processes.
tt_memif_vdev() {
	echo "--vdev=net_memif0,role=$1,id=0,socket=$2,socket-abstract=no,rsize=${TT_MEMIF_RSIZE:-12}"
}

# Wait up to $2 seconds (default 30) until the telemetry socket of the DPDK
# process with --file-prefix $1 answers command $4 (default /tcpterm/workers,
# registered once workers and ports are up); fails early when process $3
# (optional) has exited.
tt_wait_telemetry() {
	local prefix=$1 secs=${2:-30} pid=${3:-} cmd=${4:-/tcpterm/workers} i
	for ((i = 0; i < secs * 10; i++)); do
		"$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$prefix" -v "$cmd" 2>/dev/null |
			grep -qv '^null$' && return 0
		if [ -n "$pid" ] && ! tt_pid_alive "$pid"; then
			return 1
		fi
		sleep 0.1
	done
	return 1
}

# tt_bench_figure NAME VALUE: hand one figure of a benchmark run to
# tests/bench/run_all.sh, which sets TT_BENCH_FIGURES to a file and builds
# RESULTS.md's targets section from what the benchmarks wrote there (so
# that section quotes the figures of the same run, not a hand copy).
tt_bench_figure() {
	[ -n "${TT_BENCH_FIGURES:-}" ] || return 0
	printf '%s\t%s\n' "$1" "$2" >>"$TT_BENCH_FIGURES"
}
