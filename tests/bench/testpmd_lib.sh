# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
# shellcheck shell=bash
#
# dpdk-testpmd driven through its interactive command line, for
# tests/bench/bench_testpmd.sh and tests/integration/test_testpmd_syn.sh.
# Source it after scripts/lib.sh; it defines functions only.
#
#   tt_pmd_start NAME DIR ARGS...  start `dpdk-testpmd ARGS...` (give -i after --),
#                                  commands from the FIFO DIR/NAME.in, output in
#                                  DIR/NAME.log; waits for its first prompt
#   tt_pmd_cmd NAME CMD            run one command and wait for the next prompt
#   tt_pmd_wait_link NAME PORT [S] until 'show port info PORT' says the link is up
#   tt_pmd_quit NAME               'stop' and 'quit', then wait for it to exit
#                                  (SIGINT, then SIGKILL, by PID, if it does not)
#   tt_pmd_rate NAME PORT rx|tx    Rx-pps or Tx-pps of PORT in the latest
#                                  'show port stats all' output (testpmd's
#                                  "Throughput (since last show)")
#   tt_pmd_stat NAME PORT FIELD    a counter (RX-packets, TX-packets, ...) of
#                                  PORT in the latest 'show port stats all'
#
# Why interactive: forwarding must stop before either end of a net_memif
# link closes. In DPDK 22.11 the memif PMD unmaps the shared rings when the
# peer disconnects while the local data path may still be polling them,
# which crashes the process that is still forwarding (SIGSEGV in the memif
# RX burst). So every run ends with 'stop' on testpmd, then the peer
# (tcpterm stops its workers before it closes its port), then 'quit'.

declare -A TT_PMD_PID TT_PMD_FD TT_PMD_LOG TT_PMD_PROMPTS

# Prompts printed so far (one per command completed, plus the first).
tt_pmd_prompts() {
	local n
	n=$(grep -o 'testpmd> ' "${TT_PMD_LOG[$1]}" 2>/dev/null | wc -l)
	echo "${n:-0}"
}

# tt_pmd_wait_prompts NAME COUNT [SECONDS]
tt_pmd_wait_prompts() {
	local name=$1 want=$2 secs=${3:-30} i
	for ((i = 0; i < secs * 20; i++)); do
		[ "$(tt_pmd_prompts "$name")" -ge "$want" ] && return 0
		tt_pid_alive "${TT_PMD_PID[$name]}" || return 1
		sleep 0.05
	done
	return 1
}

tt_pmd_start() {
	local name=$1 dir=$2 fd
	shift 2
	rm -f "$dir/$name.in"
	mkfifo "$dir/$name.in" || return 1
	TT_PMD_LOG[$name]=$dir/$name.log
	stdbuf -oL dpdk-testpmd "$@" <"$dir/$name.in" >"$dir/$name.log" 2>&1 &
	TT_PMD_PID[$name]=$!
	# Opening the write end waits for testpmd's shell to open the read end.
	exec {fd}>"$dir/$name.in"
	TT_PMD_FD[$name]=$fd
	TT_PMD_PROMPTS[$name]=1
	if ! tt_pmd_wait_prompts "$name" 1 60; then
		echo "testpmd $name did not start; its output:" >&2
		tail -n 15 "${TT_PMD_LOG[$name]}" >&2
		return 1
	fi
}

tt_pmd_cmd() {
	local name=$1 cmd=$2 fd=${TT_PMD_FD[$1]}
	tt_pid_alive "${TT_PMD_PID[$name]}" || return 1
	printf '%s\n' "$cmd" >&"$fd" || return 1
	TT_PMD_PROMPTS[$name]=$((TT_PMD_PROMPTS[$name] + 1))
	tt_pmd_wait_prompts "$name" "${TT_PMD_PROMPTS[$name]}" 30
}

tt_pmd_wait_link() {
	local name=$1 port=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		tt_pmd_cmd "$name" "show port info $port" || return 1
		grep 'Link status:' "${TT_PMD_LOG[$name]}" | tail -n 1 | grep -q up && return 0
		sleep 0.1
	done
	return 1
}

tt_pmd_quit() {
	local name=$1 pid=${TT_PMD_PID[$1]:-} fd=${TT_PMD_FD[$1]:-} i
	[ -n "$pid" ] || return 0
	if tt_pid_alive "$pid" && [ -n "$fd" ]; then
		{ printf 'stop\nquit\n' >&"$fd"; } 2>/dev/null
		for ((i = 0; i < 200; i++)); do
			tt_pid_alive "$pid" || break
			sleep 0.05
		done
	fi
	[ -n "$fd" ] && exec {fd}>&-
	tt_stop_pid "$pid" 5
	TT_PMD_PID[$name]=
	TT_PMD_FD[$name]=
}

# The lines of the latest 'show port stats all' block of PORT.
tt_pmd_port_block() {
	awk -v port="$2" '
		/NIC statistics for port/ { inb = ($6 == port); if (inb) blk = ""; }
		inb { blk = blk $0 "\n" }
		/^ *#+ *$/ { inb = 0 }
		END { printf "%s", blk }' "${TT_PMD_LOG[$1]}"
}

tt_pmd_rate() {
	tt_pmd_port_block "$1" "$2" | awk -v key="$([ "$3" = rx ] && echo Rx-pps: || echo Tx-pps:)" \
		'$1 == key { v = $2 } END { print v + 0 }'
}

tt_pmd_stat() {
	tt_pmd_port_block "$1" "$2" | awk -v key="$3:" \
		'{ for (i = 1; i < NF; i++) if ($i == key) v = $(i + 1) } END { print v + 0 }'
}
