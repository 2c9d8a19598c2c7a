#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# dpdk-testpmd feeding tcpterm over net_memif, against testpmd's own rate on
# the same path (issue 5, benchmark 3):
#
#   sudo tests/bench/bench_testpmd.sh [--record] [SECONDS]
#
# (a) SYN flood: testpmd io-forwards a pcap of distinct SYNs
#     (tests/bench/gen_syn_pcap.py; net_pcap rx_pcap=FILE,infinite_rx=1) into
#     a memif port; tcpterm, with [tcp] syn_cookies = always, answers each
#     with a SYN-ACK cookie that goes back over memif to testpmd, which
#     forwards it to the pcap port (no tx_pcap: dropped). Measured: SYN-ACKs/s
#     that tcpterm sent (telemetry: syncookies_sent - drop_tx_ring_full).
#     Ceilings, with a second testpmd in tcpterm's place: `rxonly` (takes
#     the SYNs, answers nothing: its receive rate) and `macswap` (sends
#     every frame back, one answer per SYN like tcpterm: its send rate).
#     This host's speed drifts by up to a factor of 2 over minutes, so
#     tcpterm and macswap are measured in TT_BENCH_PASSES (default 3, 1..5)
#     adjacent pairs, in alternating order; the figure is the pair with the
#     median ratio, and every pair is printed.
# (b) Junk: testpmd `txonly` 64-byte UDP to tcpterm's address and MAC, and
#     io-forwarding a pcap of junk frames (gen_syn_pcap.py --junk, one kind
#     per drop reason); measured: tcpterm's drops/s (telemetry `drops`),
#     against an `rxonly` testpmd's receive rate.
# (c) tcpterm's own time per SYN: (a)'s pcap into a worker on a fake port,
#     without memif or testpmd (tests/bench/bench_syn_path.c, built beside
#     TT_BIN), against its worker's busy time per SYN-ACK in (a)'s median
#     pair: what tcpterm's code costs, and what the memif path adds.
#
# Topology: testpmd (the generator) has the pcap port 0 and memif port 1
# (role=client), paired: pcap0 -> memif1, memif1 -> pcap0 (txonly: memif
# port 0 alone); tcpterm or the sink testpmd is the memif server (one
# worker / one forwarding lcore). On this 2-CPU machine the generator
# forwards on CPU 0 and tcpterm's worker (or the sink's forwarding lcore)
# polls CPU 1; each main lcore sits on the other process's CPU and sleeps.
# Each measurement runs SECONDS (default 10) after 2 s of warm-up; the
# whole script takes about 3 min (11 measurements at the defaults). Rates:
# tcpterm's from its telemetry at the start and end of the window,
# testpmd's from its own "show port stats all" (its rates since the
# previous show) at the same two moments.
# testpmd runs interactively, commands written to a FIFO
# (tests/bench/testpmd_lib.sh), because forwarding must stop before either
# end of a memif link closes (see there). Every process gets its own
# --file-prefix and memif socket (abstract: nothing on the file system),
# is stopped by PID and its runtime files are removed. No network
# interface is created: memif and pcap need none. With --record, appends
# the table to tests/bench/RESULTS.md.
#
# Environment: TT_BENCH_SYNS (SYNs in the pcap, default 16384),
# TT_EAL_MEM (see scripts/lib.sh), TT_BENCH_GEN_LCORES / TT_BENCH_RX_LCORES
# (--lcores of the generator and of tcpterm or the sink), TT_BENCH_KEEP=1
# keeps the logs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
source "$ROOT/tests/bench/testpmd_lib.sh"

usage() { sed -n '8p' "$0" | sed 's/^# *//'; }
RECORD=0
case ${1:-} in
--record) RECORD=1; shift ;;
-h | --help) usage; exit 0 ;;
-*) echo "bench_testpmd.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
esac
DUR=${1:-10}
if ! [[ $DUR =~ ^[0-9]+$ ]] || [ "$DUR" -lt 2 ] || [ "$DUR" -gt 60 ]; then
	echo "bench_testpmd.sh: SECONDS must be an integer in 2..60, not '$DUR'" >&2
	exit 2
fi
[ $# -le 1 ] || { echo "bench_testpmd.sh: too many arguments" >&2; usage >&2; exit 2; }
tt_require_root "tests/bench/bench_testpmd.sh"

TT_BIN=${TT_BIN:-$ROOT/build/app/tcpterm}
[ -x "$TT_BIN" ] || tt_die "$TT_BIN is missing: run scripts/bootstrap.sh"
command -v dpdk-testpmd >/dev/null || tt_die "dpdk-testpmd is missing (Debian package dpdk)"
[ "$(nproc)" -ge 2 ] || tt_die "needs 2 CPUs"

NSYN=${TT_BENCH_SYNS:-16384}
PASSES=${TT_BENCH_PASSES:-3}
[[ $PASSES =~ ^[0-9]+$ ]] && [ "$PASSES" -ge 1 ] && [ "$PASSES" -le 5 ] ||
	tt_die "TT_BENCH_PASSES must be an integer in 1..5, not '$PASSES'"
WARM=2
GEN_LCORES=${TT_BENCH_GEN_LCORES:-0@1,1@0}
RX_LCORES=${TT_BENCH_RX_LCORES:-0@0,1@1}
MAC_TT=02:00:c6:12:00:02	# tcpterm's memif port (and the sink's)
MAC_GW=02:00:c6:12:00:01	# the generator's memif port: tcpterm's gateway
TAG=tttp$$
WORK=$(mktemp -d /tmp/tt-benchpmd.XXXXXX)
RX_PID=""
RUN=0

cleanup() {
	set +e
	tt_pmd_quit "gen$RUN"
	tt_pmd_quit "sink$RUN"
	tt_stop_pid "$RX_PID" 10
	RX_PID=""
	local p
	for p in $(seq 0 "$RUN"); do
		tt_dpdk_cleanup "${TAG}g$p"
		tt_dpdk_cleanup "${TAG}r$p"
	done
	if [ "${TT_BENCH_KEEP:-0}" = 1 ]; then
		echo "bench_testpmd: files kept in $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- inputs ------------------------------------------------------------------
"$TT_PYTHON" "$ROOT/tests/bench/gen_syn_pcap.py" -o "$WORK/syn.pcap" -n "$NSYN" \
	--dst-mac "$MAC_TT" --src-mac "$MAC_GW" >/dev/null
"$TT_PYTHON" "$ROOT/tests/bench/gen_syn_pcap.py" -o "$WORK/junk.pcap" -n "$NSYN" --junk \
	--dst-mac "$MAC_TT" --src-mac "$MAC_GW" >/dev/null
cat >"$WORK/tt.conf" <<CONF
# bench_testpmd.sh: one port on memif, SYN cookies for every SYN
[port0]
address = 198.18.0.2/24
gateway = 198.18.0.1
[tcp]
syn_cookies = always
max_connections = 4096
[limits]
mbufs = 32767
[listen.http]
address = *:80
service = http
CONF
# The generator needs mbufs for the whole pcap (net_pcap keeps it in a ring).
GEN_MBUFS=$((NSYN * 2 + 16384))

# --- processes -----------------------------------------------------------------
# start_rx tcpterm|rxonly|macswap SOCKET: the memif server on RX_LCORES.
start_rx() {
	local what=$1 sock=$2 prefix=${TAG}r$RUN log=$WORK/tcpterm$RUN.log i
	local vdev="net_memif0,role=server,id=0,socket=$sock,mac=$MAC_TT"
	if [ "$what" != tcpterm ]; then
		# shellcheck disable=SC2046 # the EAL memory arguments are words
		tt_pmd_start "sink$RUN" "$WORK" --lcores="$RX_LCORES" --no-pci --vdev="$vdev" \
			--file-prefix="$prefix" $(tt_eal_mem_args) --log-level=error -- -i \
			--forward-mode="$what" --port-topology=loop --disable-link-check \
			--total-num-mbufs=16384 || tt_die "testpmd ($what) did not start"
		tt_pmd_cmd "sink$RUN" start || tt_die "testpmd ($what) did not start forwarding"
		return 0
	fi
	# shellcheck disable=SC2046
	"$TT_BIN" --lcores="$RX_LCORES" --no-pci --vdev="$vdev" --file-prefix="$prefix" \
		$(tt_eal_mem_args) --log-level=error -- -q -f "$WORK/tt.conf" >"$log" 2>&1 &
	RX_PID=$!
	"$TT_PYTHON" "$ROOT/scripts/tt-telemetry.py" -p "$prefix" -w 30 /info >/dev/null ||
		tt_die "tcpterm did not start: $(tail -5 "$log")"
	for ((i = 0; i < 100; i++)); do
		grep -qs '^tcpterm ready' "$log" && return 0
		tt_pid_alive "$RX_PID" || break
		sleep 0.1
	done
	tt_die "tcpterm did not start: $(tail -5 "$log")"
}

# start_gen pcap|txonly SOCKET [FILE]: the generator, memif client, on
# GEN_LCORES. Its start-up link check waits for the memif link.
start_gen() {
	local kind=$1 sock=$2 file=${3:-} prefix=${TAG}g$RUN
	local memif="role=client,id=0,socket=$sock,mac=$MAC_GW"
	local -a args
	if [ "$kind" = pcap ]; then
		args=(--vdev="net_pcap0,rx_pcap=$file,infinite_rx=1" --vdev="net_memif1,$memif" --
			-i --forward-mode=io --no-flush-rx)
	else
		# shellcheck disable=SC2054 # commas inside arguments
		args=(--vdev="net_memif0,$memif" -- -i --forward-mode=txonly --port-topology=loop
			--eth-peer="0,$MAC_TT" --tx-ip=198.18.0.1,198.18.0.2 --tx-udp=1024,9)
	fi
	# shellcheck disable=SC2046
	tt_pmd_start "gen$RUN" "$WORK" --lcores="$GEN_LCORES" --no-pci --file-prefix="$prefix" \
		$(tt_eal_mem_args) --log-level=error "${args[@]}" --total-num-mbufs="$GEN_MBUFS" ||
		tt_die "testpmd generator ($kind) did not start"
	tt_pmd_cmd "gen$RUN" start || tt_die "testpmd generator ($kind) did not start forwarding"
}

# tcpterm's counters and worker busy%, as "name value" lines.
tt_sample() {
	"$TT_PYTHON" - "$ROOT/scripts/tt-telemetry.py" "${TAG}r$RUN" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("t", sys.argv[1])
t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)
with t.Telemetry(sys.argv[2]) as tel:
    s = tel.query("/tcpterm/stats")
    w = tel.query("/tcpterm/workers")
for k in ("syncookies_sent", "tx_packets", "rx_packets", "drops", "drop_tx_ring_full"):
    print(k, s[k])
print("busy", w["busy_percent"][0])
PY
}

# measure RXKIND GENKIND [PCAP]: one run; sets the M_* rates of its window.
measure() {
	local rxkind=$1 genkind=$2 pcap=${3:-} sock t0 t1 gport=1
	local -A a b
	RUN=$((RUN + 1))
	sock=/run/tcpterm-$TAG-$RUN.sock
	[ "$genkind" = txonly ] && gport=0
	start_rx "$rxkind" "$sock"
	start_gen "$genkind" "$sock" "$pcap"
	sleep "$WARM"
	# The window: between two 'show port stats all' of each testpmd and
	# two telemetry samples of tcpterm.
	tt_pmd_cmd "gen$RUN" "show port stats all"
	if [ "$rxkind" = tcpterm ]; then
		tt_pid_alive "$RX_PID" || tt_die "tcpterm exited: $(tail -5 "$WORK/tcpterm$RUN.log")"
		while read -r k v; do a[$k]=$v; done < <(tt_sample)
	else
		tt_pmd_cmd "sink$RUN" "show port stats all"
	fi
	t0=$(date +%s%N)
	sleep "$DUR"
	tt_pmd_cmd "gen$RUN" "show port stats all"
	if [ "$rxkind" = tcpterm ]; then
		while read -r k v; do b[$k]=$v; done < <(tt_sample)
	else
		tt_pmd_cmd "sink$RUN" "show port stats all"
	fi
	t1=$(date +%s%N)
	persec() { awk -v d="$1" -v ns="$((t1 - t0))" 'BEGIN { printf "%d", d / (ns / 1e9) }'; }
	# Offered: what the generator put into memif; returned: what came back.
	M_OFFER=$(tt_pmd_rate "gen$RUN" "$gport" tx)
	M_BACK=$(tt_pmd_rate "gen$RUN" "$gport" rx)
	if [ "$rxkind" = tcpterm ]; then
		M_SYNACK=$(persec "$((b[syncookies_sent] - a[syncookies_sent] - (b[drop_tx_ring_full] - a[drop_tx_ring_full])))")
		M_DROPS=$(persec "$((b[drops] - a[drops]))")
		M_RX=$(persec "$((b[rx_packets] - a[rx_packets]))")
		M_TX=$(persec "$((b[tx_packets] - a[tx_packets] - (b[drop_tx_ring_full] - a[drop_tx_ring_full])))")
		M_BUSY=${b[busy]}
	else
		M_SYNACK=0
		M_DROPS=0
		M_BUSY=-
		M_RX=$(tt_pmd_rate "sink$RUN" 0 rx)
		M_TX=$(tt_pmd_rate "sink$RUN" 0 tx)
	fi
	# Forwarding stops on both sides before either closes the memif link.
	tt_pmd_cmd "gen$RUN" stop || true
	if [ "$rxkind" = tcpterm ]; then
		tt_stop_pid "$RX_PID" 10
		RX_PID=""
		[ "$TT_STOP_RC" -eq 0 ] ||
			tt_warn "tcpterm exit status $TT_STOP_RC (want 0): $(tail -3 "$WORK/tcpterm$RUN.log")"
	else
		tt_pmd_quit "sink$RUN"
	fi
	tt_pmd_quit "gen$RUN"
	tt_dpdk_cleanup "${TAG}g$RUN"
	tt_dpdk_cleanup "${TAG}r$RUN"
	printf '  %-8s <- %-16s offered %9d/s, returned %9d/s | received %9d/s, sent %9d/s, SYN-ACKs %9d/s, drops %9d/s, busy %s%%\n' \
		"$rxkind" "$genkind${pcap:+ $(basename "$pcap")}" "$M_OFFER" "$M_BACK" "$M_RX" "$M_TX" \
		"$M_SYNACK" "$M_DROPS" "$M_BUSY"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench_testpmd: ${DUR} s per measurement, $NSYN SYNs in the pcap; generator --lcores=$GEN_LCORES, receiver --lcores=$RX_LCORES; load average $LOAD0"
# (a) in adjacent pairs, tcpterm first in odd passes and macswap first in
# even ones, so that a drift of the host's speed favours neither side.
declare -a P_TT P_TT_OFFER P_TT_BACK P_TT_RX P_TT_BUSY P_REFL P_RATIO
for ((pass = 0; pass < PASSES; pass++)); do
	for side in $( ((pass % 2 == 0)) && echo "tcpterm macswap" || echo "macswap tcpterm"); do
		measure "$side" pcap "$WORK/syn.pcap"
		if [ "$side" = tcpterm ]; then
			P_TT[pass]=$M_SYNACK P_TT_OFFER[pass]=$M_OFFER P_TT_BACK[pass]=$M_BACK P_TT_RX[pass]=$M_RX
			P_TT_BUSY[pass]=$M_BUSY
		else
			P_REFL[pass]=$M_TX
		fi
	done
	P_RATIO[pass]=$(awk -v a="${P_TT[pass]}" -v b="${P_REFL[pass]}" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')
done
# The pair with the median ratio (the lower middle one of an even count).
MED=$(for ((pass = 0; pass < PASSES; pass++)); do echo "${P_RATIO[pass]} $pass"; done |
	sort -g | sed -n "$(((PASSES + 1) / 2))p" | cut -d' ' -f2)
A_TT=${P_TT[MED]} A_TT_OFFER=${P_TT_OFFER[MED]} A_TT_BACK=${P_TT_BACK[MED]} A_TT_RX=${P_TT_RX[MED]}
A_TT_BUSY=${P_TT_BUSY[MED]}
A_REFL=${P_REFL[MED]}
PAIRS=$(for ((pass = 0; pass < PASSES; pass++)); do
	printf '%s / %s = %.2f\n' "${P_TT[pass]}" "${P_REFL[pass]}" "${P_RATIO[pass]}"
done)
measure rxonly pcap "$WORK/syn.pcap"
A_SINK=$M_RX
measure tcpterm txonly
B_TT=$M_DROPS B_TT_OFFER=$M_OFFER
measure rxonly txonly
B_SINK=$M_RX
measure tcpterm pcap "$WORK/junk.pcap"
J_TT=$M_DROPS J_TT_OFFER=$M_OFFER
measure rxonly pcap "$WORK/junk.pcap"
J_SINK=$M_RX

# (c) tcpterm's own time per SYN: the same pcap into a worker on a fake
# port, no memif and no testpmd (tests/bench/bench_syn_path.c); set
# against the worker's busy time per SYN-ACK in (a)'s median pair, through
# memif (busy% / rate).
SYN_PATH=$(dirname "$TT_BIN")/../tests/bench/bench_syn_path
C_LINE="(c) tests/bench/bench_syn_path was not built beside $TT_BIN (meson -Dtests=true builds it)"
if [ -x "$SYN_PATH" ]; then
	out=$("$SYN_PATH" "$WORK/syn.pcap" "$((DUR < 5 ? DUR : 5))" 2>&1) ||
		tt_die "bench_syn_path failed: $(tail -n 3 <<<"$out")"
	own_ns=$(sed -n 's/.*median of [0-9]* seconds: \([0-9.]*\) ns.*/\1/p' <<<"$out")
	tt_bench_figure syn_own_ns "$own_ns"
	C_LINE=$(awk -v own="$own_ns" -v rate="$A_TT" -v busy="$A_TT_BUSY" 'BEGIN {
		if (busy !~ /^[0-9]+$/)
			busy = 100
		all = rate > 0 ? busy * 1e7 / rate : 0
		printf "(c) tcpterm'"'"'s own code took %.1f ns per cookie SYN-ACK (bench_syn_path: this pcap into a worker on a fake port, no memif, the median of its seconds: %.2f M/s of its time). Through memif, the worker of (a)'"'"'s median pair was busy %.1f ns per SYN-ACK (%d %% busy at %d/s), so the rest (memif'"'"'s receive and transmit copies, the polls, caches shared with testpmd) took %.1f ns of each, %.0f %%.", own, 1e3 / own, all, busy, rate, all - own, (all > 0 ? 100 * (all - own) / all : 0)
	}')
fi

# No busy% column: it is printed per run above, and (c) uses the median
# pair's.
HEAD='| traffic into memif | tcpterm figure | tcpterm | testpmd rxonly (ceiling) | ratio | testpmd macswap (ceiling) | ratio |
|---|---|---|---|---|---|---|'
ROWS=$(
	printf '| (a) pcap of %s SYNs, cookies always%s | SYN-ACKs/s sent | %s | %s | %s | %s | %s |\n' \
		"$NSYN" "$( [ "$PASSES" = 1 ] || echo ", the median of $PASSES pairs with macswap")" \
		"$A_TT" "$A_SINK" "$(ratio "$A_TT" "$A_SINK")" "$A_REFL" "$(ratio "$A_TT" "$A_REFL")"
	printf '| (b) txonly 64-byte UDP | frames/s dropped | %s | %s | %s | – | – |\n' \
		"$B_TT" "$B_SINK" "$(ratio "$B_TT" "$B_SINK")"
	printf '| (b) pcap of junk, 11 kinds | frames/s dropped | %s | %s | %s | – | – |\n' \
		"$J_TT" "$J_SINK" "$(ratio "$J_TT" "$J_SINK")"
)
echo
echo "$HEAD"
echo "$ROWS"
echo
[ "$PASSES" = 1 ] || echo "bench_testpmd: (a) tcpterm's SYN-ACKs/s / macswap's, pair by pair: $(echo "$PAIRS" | paste -sd ';' | sed 's/;/; /g')"
echo "bench_testpmd: (a) testpmd offered tcpterm ${A_TT_OFFER} SYNs/s, tcpterm received ${A_TT_RX}/s and sent ${A_TT} SYN-ACKs/s (testpmd got ${A_TT_BACK}/s back); SYN-ACKs / ceiling: $(ratio "$A_TT" "$A_SINK") (rxonly), $(ratio "$A_TT" "$A_REFL") (macswap); issue 5's target: >= 0.8"
echo "bench_testpmd: (b) offered to tcpterm: txonly ${B_TT_OFFER}/s, junk pcap ${J_TT_OFFER}/s"
echo "bench_testpmd: $C_LINE"

tt_bench_figure syn_acks "$A_TT"
tt_bench_figure syn_macswap "$A_REFL"
tt_bench_figure syn_rxonly "$A_SINK"
tt_bench_figure syn_pair_ratios "$(IFS=,; echo "${P_RATIO[*]}")"
if [ "$RECORD" = 1 ]; then
	{
		echo
		echo "### testpmd over memif: SYN cookies and junk, ${DUR} s each — $(date -u +%Y-%m-%d)"
		echo
		echo "Command: \`sudo tests/bench/bench_testpmd.sh --record ${DUR}\`; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r), $(dpkg-query -W -f='dpdk ${Version}' dpdk 2>/dev/null || echo dpdk); load average $LOAD0 before, $(cut -d' ' -f1-3 /proc/loadavg) after (other work on the machine competes for both CPUs)."
		echo "dpdk-testpmd (forwarding lcore on CPU 0) feeds the memif server on CPU 1: tcpterm (1 worker, \`syn_cookies = always\`)"
		echo "or, for the ceiling, a second testpmd: \`rxonly\` (its receive rate) or \`macswap\` (its send rate: one frame back per"
		echo "frame, as tcpterm sends one SYN-ACK per SYN). (a) io-forwards a pcap of distinct SYNs (\`gen_syn_pcap.py\`, net_pcap"
		echo "\`infinite_rx=1\`); (b) \`txonly\` 64-byte UDP to tcpterm's address, and io-forwards a pcap of junk (\`gen_syn_pcap.py"
		echo "--junk\`). tcpterm's rates from its telemetry (\`syncookies_sent - drop_tx_ring_full\`, \`drops\`), testpmd's from its"
		echo "\`show port stats all\`, over the same window. Ratio = tcpterm / ceiling."
		[ "$PASSES" = 1 ] || echo "(a) ran as $PASSES adjacent pairs of tcpterm and macswap, in alternating order; the row is the pair with the median ratio. Each pair, SYN-ACKs/s against macswap's frames/s: $(echo "$PAIRS" | paste -sd ';' | sed 's/;/; /g')."
		echo
		echo "$HEAD"
		echo "$ROWS"
		echo
		echo "$C_LINE"
	} >>"$ROOT/tests/bench/RESULTS.md"
	echo "bench_testpmd: recorded in tests/bench/RESULTS.md"
fi
