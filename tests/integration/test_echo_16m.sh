#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# A 16 MiB random payload through the echo service (port 7): a Python
# client sends and receives at once, half-closes after sending and reads
# until EOF; the sha256 of what came back must equal what was sent. Then the
# same under impairment of the traffic towards tcpterm:
#   loss 5%; reorder 25% 50% with delay 10ms; duplicate 5%
# and (bridge mode only) loss 5% in both directions, which makes tcpterm
# itself retransmit (2 MiB: recovery there may be timeout-driven).
#
# Impairment: tc netem on the namespace side of tt0 when the kernel has
# sch_netem; netem there only shapes what the kernel sends towards tcpterm
# (tcpterm's own transmissions bypass the qdisc). Kernels without netem
# (CONFIG_NET_SCH_NETEM unset) get tests/integration/ttimpair.py instead, a
# userspace bridge that applies the same impairments to TCP frames, in
# either direction. TT_IMPAIR=netem|bridge forces one.
#
# TT_ECHO_SCENARIOS (default "clean loss reorder duplicate both") and
# TT_ECHO_SIZE (bytes, default 16 MiB) narrow it down, e.g. for the
# sanitizer build.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin echo_16m
SIZE=${TT_ECHO_SIZE:-16777216}
SCENARIOS=${TT_ECHO_SCENARIOS:-clean loss reorder duplicate both}
MODE=$(tt_impair_mode)
tt_info "impairment by: $MODE"
tt_it_config
tt_it_start "$([ "$MODE" = bridge ] && echo bridge || echo plain)"

# impair NETEM-ARGS BRIDGE-ARGS: switch the impairment (empty: none).
impair() {
	if [ "$MODE" = netem ]; then
		tt_ns tc qdisc del dev "$TT_IF" root 2>/dev/null
		if [ -n "$1" ]; then
			# shellcheck disable=SC2086
			tt_ns tc qdisc add dev "$TT_IF" root netem $1 || return 1
		fi
	else
		tt_it_impair "$2"
	fi
}

# show the impairment's counters after a run
impair_report() {
	if [ "$MODE" = netem ]; then
		tt_ns tc -s qdisc show dev "$TT_IF" | sed 's/^/  .. /'
	fi
}

echo_run() { # DESC SIZE TIMEOUT
	tt_check "$1" timeout "$3" ip netns exec "$TT_NS" "$TT_PYTHON" "$TT_IT_CLIENT" \
		echo --size "$2" --seed "$RANDOM"
}

for sc in $SCENARIOS; do
	case $sc in
	clean)
		impair "" ""
		echo_run "echo $SIZE bytes, sha256 equal" "$SIZE" 120
		;;
	loss)
		impair "loss 5%" "--loss 0.05 --direction to-tcpterm" || { tt_fail "cannot set up loss"; continue; }
		echo_run "echo $SIZE bytes under loss 5% (towards tcpterm), sha256 equal" "$SIZE" 240
		impair_report
		;;
	reorder)
		impair "delay 10ms reorder 25% 50%" "--delay-ms 10 --reorder 0.25 --direction to-tcpterm" ||
			{ tt_fail "cannot set up reordering"; continue; }
		echo_run "echo $SIZE bytes under reorder 25% 50% delay 10ms (towards tcpterm), sha256 equal" "$SIZE" 240
		impair_report
		;;
	duplicate)
		impair "duplicate 5%" "--duplicate 0.05 --direction to-tcpterm" ||
			{ tt_fail "cannot set up duplication"; continue; }
		echo_run "echo $SIZE bytes under duplicate 5% (towards tcpterm), sha256 equal" "$SIZE" 240
		impair_report
		;;
	both)
		if [ "$MODE" != bridge ]; then
			tt_info "skipping loss in both directions: netem cannot shape what tcpterm sends"
			continue
		fi
		impair "" "--loss 0.05 --direction both"
		echo_run "echo 2 MiB under loss 5% in both directions, sha256 equal" 2097152 300
		;;
	*) tt_fail "unknown scenario '$sc'" ;;
	esac
done
impair "" ""
impair_report

tt_check "all echo connections closed (only LISTEN left)" tt_state idle --within 10
tt_info "counters: $(tt_state stats | tr ' ' '\n' | grep -E '^(retransmits|fast_retransmits|rto_expired|ooo_segs_rx|dup_acks_rx|drop_.*)=' | paste -sd ' ' -)"
tt_it_end
