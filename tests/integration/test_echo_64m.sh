#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Issue 4, Tests/Integration: a 64 MiB random payload through the echo
# service (port 7; ttclient.py echo: send and receive at once, half-close
# after sending, read to EOF, sha256 compared) through the impairing bridge
# tests/integration/ttimpair.py, one scenario at a time:
#
#   scenario   netem wording (issue 4)        ttimpair.py arguments
#   loss       loss 10%                       --loss 0.10 --direction both
#   reorder    reorder 25% 50% delay 10ms     --delay-ms 10 --reorder 0.25
#                                             --reorder-corr 0.5 --direction both
#   duplicate  duplicate 5%                   --duplicate 0.05 --direction both
#   corrupt    corrupt 1%                     --corrupt 0.01 --direction to-tcpterm
#
# netem's "delay 10ms reorder 25% 50%" sends 25% of the packets at once
# (correlation 50% between successive decisions) and delays the rest by
# 10 ms, so the immediate ones overtake; ttimpair.py does the same with
# --reorder/--reorder-corr, with netem's correlated generator
# ((1-C)*U + C*last), which like netem's narrows the distribution: the
# effective fraction sent at once is about 7%, not 25% (bridge counters). The bridge impairs both directions where netem
# on the peer would only shape the peer's side, except for corruption: it
# only corrupts what goes to tcpterm, so that every TcpInCsumErrors on the
# Linux side would be tcpterm's own fault and the kernel must count none,
# while tcpterm's drop counter drop_tcp_cksum must rise by exactly the
# number of frames the bridge corrupted. (This kernel has no
# sch_netem, hence always the bridge.)
#
# After the scenarios, on the Linux side (nstat in the test's namespace,
# deltas since the start): TcpExtTCPSackRecovery > 0 (SACK-based recovery,
# only entered when the peer's ACKs carry SACK blocks) and
# TcpExtTCPSackMerged + TcpExtTCPSackShifted + TcpExtTCPSackShiftFallback > 0
# (SACK blocks processed against the retransmit queue), TcpInCsumErrors == 0.
# Timestamps and SACK on tcpterm's own segments: tshark on tt1 during the
# loss scenario must see tcp.options.timestamp.tsval and tcp.options.sack_le
# in segments from 198.18.0.2 (no nstat counter says "timestamps in use").
#
# Each scenario's time is printed. TT_ECHO64_SIZE (bytes, default 64 MiB)
# and TT_ECHO64_SCENARIOS (default "loss reorder duplicate corrupt") narrow
# it down; TT_ECHO64_LOSS_DIR (default both; to-tcpterm is exactly what
# netem on the peer would do) picks the loss direction;
# TT_ECHO64_RCV_WINDOW sets tcpterm's rcv_window (default: tcpterm's own);
# TT_ECHO64_TIMEOUT_LOSS, _REORDER and TT_ECHO64_TIMEOUT (the others) bound
# each scenario.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin echo_64m
SIZE=${TT_ECHO64_SIZE:-67108864}
SCENARIOS=${TT_ECHO64_SCENARIOS:-loss reorder duplicate corrupt}
# Per-scenario limits in seconds, about three times what the 2-CPU CI kind
# takes with the default configuration (loss 10% both ways 74 s, 0.9 MB/s
# each way: the echo's send side runs on a loss-based congestion window of
# a few segments; reorder 107 s: reordering is taken for loss and each
# recovery halves that window; duplicate 6 s; corrupt 7 s).
LIMIT_LOSS=${TT_ECHO64_TIMEOUT_LOSS:-240}
LIMIT_REORDER=${TT_ECHO64_TIMEOUT_REORDER:-300}
LIMIT_OTHER=${TT_ECHO64_TIMEOUT:-60}
LOSS_DIR=${TT_ECHO64_LOSS_DIR:-both}
export NSTAT_HISTORY=$TT_TMP/nstat.history
tt_it_config ${TT_ECHO64_RCV_WINDOW:+rcv_window=$TT_ECHO64_RCV_WINDOW}
tt_it_start bridge
tt_ns nstat -n

echo_run() { # LIMIT DESC
	local t0 rc LIMIT=$1
	shift
	t0=$(date +%s.%N)
	tt_check "$1" timeout "$LIMIT" ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_CLIENT" \
		echo --size "$SIZE" --seed "$RANDOM"
	rc=$?
	tt_info "$sc: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s (limit $LIMIT s)"
	return "$rc"
}

PCAP=$TT_TMP/tcpterm-opts.pcap
CAPTURED=0
# capture the first of tcpterm's segments as the kernel receives them
capture_start() {
	command -v tshark >/dev/null || { tt_info "no tshark: option check skipped"; return; }
	ip netns exec "$TT_NS" timeout 60 tshark -q -n -i tt1 -c 4000 -f "tcp and src host $TT_ADDR" \
		-w "$PCAP" >"$TT_TMP/tshark.out" 2>&1 &
	cap_pid=$!
	tt_it_track "$cap_pid"
	local i
	for i in $(seq 1 50); do
		grep -q 'Capturing on' "$TT_TMP/tshark.out" 2>/dev/null && break
		sleep 0.1
	done
	CAPTURED=1
}
capture_stop() {
	[ "$CAPTURED" = 1 ] || return 0
	tt_stop_pid "$cap_pid" 10
}

# A flipped bit in the data offset is caught by the header length check
# before the checksum is looked at: both drops count as "dropped corrupt".
corrupt_drops() {
	local v
	v=$(tt_state stat drop_tcp_cksum drop_tcp_hdr_len 2>/dev/null) || { echo "0 0"; return; }
	echo "$v"
}
read -r cksum0 hdrlen0 < <(corrupt_drops)
CORRUPTED=0
for sc in $SCENARIOS; do
	case $sc in
	loss)
		tt_it_impair "--loss 0.10 --direction $LOSS_DIR --seed 4"
		capture_start
		echo_run "$LIMIT_LOSS" "echo $SIZE bytes under loss 10% ($LOSS_DIR), sha256 equal"
		capture_stop
		;;
	reorder)
		tt_it_impair "--delay-ms 10 --reorder 0.25 --reorder-corr 0.5 --direction both --seed 4"
		echo_run "$LIMIT_REORDER" "echo $SIZE bytes under reorder 25% 50% delay 10ms in both directions, sha256 equal"
		;;
	duplicate)
		tt_it_impair "--duplicate 0.05 --direction both --seed 4"
		echo_run "$LIMIT_OTHER" "echo $SIZE bytes under duplicate 5% in both directions, sha256 equal"
		;;
	corrupt)
		tt_it_impair "--corrupt 0.01 --direction to-tcpterm --seed 4"
		echo_run "$LIMIT_OTHER" "echo $SIZE bytes under corrupt 1% (towards tcpterm), sha256 equal"
		tt_impair_stop
		CORRUPTED=$(sed -n 's/^to-tcpterm:.* corrupted=\([0-9]*\).*/\1/p' "$TT_TMP/impair.log")
		;;
	*) tt_fail "unknown scenario '$sc'" ;;
	esac
	tt_impair_stop
done
tt_it_impair ""

ctr() { printf '%s\n' "$NSTAT" | awk -v n="$1" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }'; }
ctr_info() {
	local n out=""
	for n in TcpExtTCPSackRecovery TcpExtTCPSackMerged TcpExtTCPSackShifted \
		TcpExtTCPSackShiftFallback TcpExtTCPSACKReorder TcpExtTCPDSACKRecv \
		TcpExtTCPDSACKOfoRecv TcpInCsumErrors TcpExtTCPSACKDiscard; do
		out+="$n=$(ctr "$n") "
	done
	echo "$out"
}
NSTAT=$(tt_ns nstat -sz 2>/dev/null)	# deltas since nstat -n at the start
tt_info "kernel side (nstat deltas): $(ctr_info)"

if [[ " $SCENARIOS " == *" loss "* ]]; then
	tt_check "kernel entered SACK recovery (TcpExtTCPSackRecovery > 0)" \
		test "$(ctr TcpExtTCPSackRecovery)" -gt 0
	tt_check "kernel processed SACK blocks from tcpterm (TcpExtTCPSackMerged+Shifted+ShiftFallback > 0)" \
		test $(($(ctr TcpExtTCPSackMerged) + $(ctr TcpExtTCPSackShifted) + $(ctr TcpExtTCPSackShiftFallback))) -gt 0
	if [ "$CAPTURED" = 1 ]; then
		opt_count() { tshark -n -r "$PCAP" -Y "ip.src==$TT_ADDR && $1" 2>/dev/null | wc -l; }
		nts=$(opt_count tcp.options.timestamp.tsval)
		nsack=$(opt_count tcp.options.sack_le)
		nall=$(opt_count tcp)
		tt_info "tshark on tt1: $nall segments from tcpterm, $nts with timestamps, $nsack with SACK blocks"
		tt_check "tcpterm's segments carry timestamps (tcp.options.timestamp.tsval)" test "$nts" -gt 0
		tt_check "tcpterm's segments carry SACK blocks (tcp.options.sack_le)" test "$nsack" -gt 0
	fi
fi
tt_check "kernel counted no TCP checksum errors (TcpInCsumErrors == 0)" test "$(ctr TcpInCsumErrors)" -eq 0
if [[ " $SCENARIOS " == *" corrupt "* ]]; then
	read -r cksum1 hdrlen1 < <(corrupt_drops)
	tt_check "tcpterm dropped the $CORRUPTED corrupted segments (drop_tcp_cksum $cksum0 -> $cksum1, drop_tcp_hdr_len $hdrlen0 -> $hdrlen1)" \
		test "$CORRUPTED" -gt 0 -a $((cksum1 - cksum0)) -gt 0 -a $((cksum1 - cksum0 + hdrlen1 - hdrlen0)) -eq "$CORRUPTED"
fi

tt_check "all echo connections closed (only LISTEN left)" tt_state idle --within 10
tt_info "counters: $(tt_state stats | tr ' ' '\n' | grep -E '^(retransmits|fast_retransmits|rto_expired|ooo_segs_rx|dup_acks_rx|sack_.*|lost_retransmits|recovery_timeouts|tail_loss_probes|drop_.*|.*cksum.*)=' | paste -sd ' ' -)"
tt_it_end
