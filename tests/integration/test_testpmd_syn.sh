#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# dpdk-testpmd replays a pcap of 10,000 distinct SYNs mixed with 1,100 junk
# frames (tests/bench/gen_syn_pcap.py --mix, checked first with scapy:
# checksums, options, distinct sources, junk kinds) into tcpterm over
# net_memif, with [tcp] syn_cookies = always. testpmd io-forwards
# pcap0 (rx_pcap=IN, tx_pcap=OUT) <-> memif1; tcpterm is the memif server.
# Checks: tcpterm answered every SYN with a SYN cookie (syncookies_sent,
# segments sent; OUT holds one valid SYN-ACK per SYN, ACK = ISN + 1, to the
# gateway's MAC learnt from the pcap's ARP request), created no TCB
# (conn_syn_rcvd, SYN_RCVD and every state but LISTEN stay 0), dropped
# each junk frame under its own reason (drop_* as gen_syn_pcap.py
# --expect says, and no other drop), and its mbuf pools are back to the
# in-use count they had before the traffic.
#
# No namespace or interface: memif and pcap need none. testpmd's memif
# rings (rsize=14: 16384 slots) hold the whole run, and its io forwarding
# retries, so no frame is lost on the way. Order at the end: testpmd stops
# forwarding, tcpterm stops (SIGINT, exit 0), then testpmd quits; see
# tests/bench/testpmd_lib.sh for why.
# shellcheck disable=SC2317 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
# shellcheck source=../bench/testpmd_lib.sh
. "$TT_ROOT/tests/bench/testpmd_lib.sh"

tt_it_begin testpmd_syn
NSYN=${TT_TESTPMD_SYNS:-10000}
NJUNK=1100
MAC_TT=02:00:c6:12:00:02
MAC_GW=02:00:c6:12:00:01
SOCK=/run/tcpterm-ttit$$.sock	# an abstract socket name: no file
PMD_PREFIX=ttitpmd$$
PCAP_CHECK="$TT_IT_DIR/ttpcapcheck.py"

if ! command -v dpdk-testpmd >/dev/null; then
	tt_fail "dpdk-testpmd is missing (Debian package dpdk)"
	exit 1
fi
# On an early exit: testpmd stops forwarding, tcpterm stops, testpmd quits,
# then lib.sh's teardown (which finds tcpterm already stopped).
pmd_teardown() {
	if [ -n "${TT_PMD_PID[gen]:-}" ]; then
		tt_pmd_cmd gen stop >/dev/null 2>&1
		if [ -n "$TT_PID" ]; then
			tt_stop_pid "$TT_PID" 20
			TT_PID=
			[ "$TT_STOP_RC" -eq 0 ] || tt_fail "tcpterm exit status $TT_STOP_RC on SIGINT (want 0)"
		fi
		tt_pmd_quit gen
	fi
	tt_dpdk_cleanup "$PMD_PREFIX"
}

# --- the pcap, checked with scapy ----------------------------------------------
"$TT_PYTHON" "$TT_ROOT/tests/bench/gen_syn_pcap.py" -o "$TT_TMP/in.pcap" -n "$NSYN" \
	--mix "$NJUNK" --dst-mac "$MAC_TT" --src-mac "$MAC_GW" --expect >"$TT_TMP/expect.json" ||
	{ tt_fail "gen_syn_pcap.py failed"; exit 1; }
tt_check "gen_syn_pcap.py: $NSYN valid SYNs with Linux's options, distinct sources, $NJUNK junk frames of 11 kinds (scapy)" \
	"$TT_PYTHON" "$PCAP_CHECK" input "$TT_TMP/in.pcap" --syns "$NSYN" --junk "$NJUNK"
bad_args() {
	local rc=0 out
	for a in "-n 0" "-n x" "--dst 203.0.113.9" "--dst-mac 01:00:5e:00:00:01" "--junk --mix 5"; do
		# shellcheck disable=SC2086 # words
		out=$("$TT_PYTHON" "$TT_ROOT/tests/bench/gen_syn_pcap.py" -o "$TT_TMP/x.pcap" $a 2>&1)
		st=$?
		echo "$a -> exit $st: $out"
		[ "$st" -eq 2 ] && [ "$(wc -l <<<"$out")" -eq 1 ] || rc=1
	done
	return "$rc"
}
tt_check "gen_syn_pcap.py: bad arguments exit 2 with one line" bad_args

# --- tcpterm on memif --------------------------------------------------------------
tt_it_config syn_cookies=always
lc="-l $TT_LCORES"
[[ $TT_LCORES == *@* ]] && lc="--lcores=$TT_LCORES"
# shellcheck disable=SC2046,SC2086 # words
"$TT_BIN" $lc --no-pci --vdev="net_memif0,role=server,id=0,socket=$SOCK,mac=$MAC_TT" \
	--file-prefix="$TT_PREFIX" $(tt_eal_mem_args) -- -q -f "$TT_CONF" >"$TT_LOG" 2>&1 &
TT_PID=$!
tt_info "tcpterm pid $TT_PID on net_memif0 (server, socket $SOCK, MAC $MAC_TT)"
if ! "$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" -w 60 /info >/dev/null; then
	tt_fail "tcpterm's telemetry not reachable"
	exit 1
fi

# --- testpmd: pcap0 (rx IN, tx OUT) <-> memif1 ------------------------------------
# Stop testpmd before the teardown stops tcpterm (lib.sh's teardown sends
# helpers SIGTERM first): done by hand below; this trap is the fallback.
trap 'pmd_teardown; tt_it_teardown' EXIT
# shellcheck disable=SC2046,SC2054 # EAL memory words; commas inside arguments
tt_pmd_start gen "$TT_TMP" --lcores=0@1,1@0 --no-pci --file-prefix="$PMD_PREFIX" \
	$(tt_eal_mem_args) --log-level=error \
	--vdev="net_pcap0,rx_pcap=$TT_TMP/in.pcap,tx_pcap=$TT_TMP/out.pcap" \
	--vdev="net_memif1,role=client,id=0,socket=$SOCK,mac=$MAC_GW,rsize=14" \
	-- -i --forward-mode=io --no-flush-rx --total-num-mbufs=16384 ||
	{ tt_fail "testpmd did not start"; exit 1; }
if ! tt_pmd_wait_link gen 1 20; then
	tt_fail "the memif link between testpmd and tcpterm did not come up"
	exit 1
fi
tt_ok "testpmd is up, memif link up (testpmd pid ${TT_PMD_PID[gen]})"

# mbufs_in_use and clones_in_use of every worker, from /tcpterm/workers.
workers() {
	"$TT_PYTHON" "$TT_ROOT/scripts/tt-telemetry.py" -p "$TT_PREFIX" -v /tcpterm/workers |
		"$TT_PYTHON" -c 'import json, sys; d = json.load(sys.stdin)
print(" ".join(str(v) for k in ("mbufs_in_use", "clones_in_use") for v in d[k]))'
}
names=$("$TT_PYTHON" -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1])))))' \
	"$TT_TMP/expect.json")
# shellcheck disable=SC2086 # words
before=$(tt_state stat rx_packets tcp_segs_tx conn_syn_rcvd drops drop_tx_ring_full $names)
pools_before=$(workers)
tt_info "mbufs in use before: $pools_before"

tt_pmd_cmd gen "set fwd io retry"
tt_pmd_cmd gen "set burst tx delay 10 retry 10000"
tt_pmd_cmd gen start
total=$((NSYN + NJUNK + 1))
rx0=${before%% *}
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 20 ]; do
	[ $(($(tt_state stat rx_packets) - rx0)) -ge "$total" ] && break
	sleep 0.2
done
tt_info "tcpterm received $(($(tt_state stat rx_packets) - rx0)) of $total frames in $((SECONDS - t0)) s"
sleep 0.5	# the last SYN-ACKs reach testpmd
tt_pmd_cmd gen stop
tt_pmd_cmd gen "show port stats all"
# shellcheck disable=SC2086
after=$(tt_state stat rx_packets tcp_segs_tx conn_syn_rcvd drops drop_tx_ring_full $names)

counters() {
	"$TT_PYTHON" - "$TT_TMP/expect.json" "$before" "$after" "$NSYN" "$total" <<'PY'
import json, sys
expect = json.load(open(sys.argv[1]))
names = ["rx_packets", "tcp_segs_tx", "conn_syn_rcvd", "drops", "drop_tx_ring_full"] + sorted(expect)
d = {n: int(b) - int(a) for n, a, b in zip(names, sys.argv[2].split(), sys.argv[3].split())}
nsyn, total = int(sys.argv[4]), int(sys.argv[5])
bad = []
want = dict(expect, rx_packets=total, tcp_segs_tx=nsyn, conn_syn_rcvd=0, drop_tx_ring_full=0,
            drops=sum(v for k, v in expect.items() if k.startswith("drop_")))
for k in names:
    ok = d[k] == want[k]
    print("%-24s +%-7d want +%-7d %s" % (k, d[k], want[k], "" if ok else "<-- wrong"))
    if not ok:
        bad.append(k)
sys.exit(1 if bad else 0)
PY
}
tt_check "every SYN got a cookie SYN-ACK, no TCB was made, each junk frame is a drop under its reason, nothing else dropped" counters

states_idle() {
	local s
	s=$(tt_state states)
	echo "states: $s"
	[ "$s" = "LISTEN=4" ]
}
tt_check "no connection state held (only the 4 listeners; SYN_RCVD 0)" states_idle

pmd_counts() {
	local tx rx
	tx=$(tt_pmd_stat gen 1 TX-packets)
	rx=$(tt_pmd_stat gen 1 RX-packets)
	echo "testpmd memif port: sent $tx frames to tcpterm, received $rx (want $total and $((NSYN + 1)): SYN-ACKs + 1 ARP reply)"
	[ "$tx" -eq "$total" ] && [ "$rx" -eq $((NSYN + 1)) ]
}
tt_check "testpmd delivered every frame and got $((NSYN + 1)) back" pmd_counts

pools_back() {
	local now i
	for i in $(seq 1 20); do
		now=$(workers)
		[ "$now" = "$pools_before" ] && break
		sleep 0.1
	done
	echo "mbufs_in_use clones_in_use: before $pools_before, after $now"
	[ "$now" = "$pools_before" ]
}
tt_check "tcpterm's mbuf pools are back to their in-use count before the traffic" pools_back

# tcpterm stops first (its workers stop before its port closes), then testpmd.
tt_stop_pid "$TT_PID" 20
TT_PID=
if [ "$TT_STOP_RC" -eq 0 ]; then
	tt_ok "tcpterm exited 0 on SIGINT"
else
	tt_fail "tcpterm exit status $TT_STOP_RC on SIGINT (want 0)"
fi
tt_pmd_quit gen
tt_check "the SYN-ACKs testpmd wrote to its tx_pcap: one valid cookie SYN-ACK per SYN (scapy)" \
	"$TT_PYTHON" "$PCAP_CHECK" answers "$TT_TMP/in.pcap" "$TT_TMP/out.pcap"

# --- tests/bench/bench_syn_path.c, the same SYNs without memif ---------------------
# The build's bench_syn_path replays a pcap of SYNs alone into a worker on
# a fake port: it must answer every one with a cookie, leave its mempools
# empty (exit 0), and refuse bad arguments with exit 2.
SYN_PATH=$(dirname "$TT_BIN")/../tests/bench/bench_syn_path
syn_path() {
	local a rc=0 out st
	"$TT_PYTHON" "$TT_ROOT/tests/bench/gen_syn_pcap.py" -o "$TT_TMP/syns.pcap" -n 2000 \
		--dst-mac "$MAC_TT" --src-mac "$MAC_GW" >/dev/null || return 1
	"$SYN_PATH" "$TT_TMP/syns.pcap" 1 || return 1
	for a in "$TT_TMP/expect.json 1" "$TT_TMP/syns.pcap 0" "$TT_TMP/syns.pcap 61" "$TT_TMP/none.pcap"; do
		# shellcheck disable=SC2086 # words
		out=$("$SYN_PATH" $a 2>&1)
		st=$?
		echo "bench_syn_path ${a//$TT_TMP\//} -> exit $st: $(head -1 <<<"$out")"
		[ "$st" -eq 2 ] || rc=1
	done
	return "$rc"
}
tt_check "bench_syn_path: each of 2000 SYNs answered with a cookie, pools empty at the end; bad arguments exit 2" syn_path
tt_it_end
