#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Build tcpterm and run it on a net_tap interface; README command 1:
#
#   sudo scripts/run.sh [-f CONFIG] [-l CORELIST]
#
# Creates network namespace 'tcpterm', starts build/app/tcpterm inside it
# on --vdev=net_tap0,iface=tt0 (default config: config/tcpterm.conf, which
# gives tcpterm 198.18.0.2/24), gives the kernel side of tt0 198.18.0.1/24
# and shows tcpterm's one-line-per-second statistics. Ctrl-C stops tcpterm,
# deletes the namespace and exits 0.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

NS=tcpterm
IF=tt0
PREFIX=tcpterm
PEER=198.18.0.1/24
conf=config/tcpterm.conf
lcores=${TT_LCORES:-0-1}

while getopts "f:l:h" opt; do
	case $opt in
	f) conf=$OPTARG ;;
	l) lcores=$OPTARG ;;
	*)
		sed -n '2,/^set -uo/p' "$0" | sed -n 's/^# \{0,1\}//p'
		[ "$opt" = h ] && exit 0
		exit 2
		;;
	esac
done

tt_require_root "scripts/run.sh"
"$TT_ROOT/scripts/bootstrap.sh" || tt_die "bootstrap failed"
cd "$TT_ROOT" || exit 1
[ -x build/app/tcpterm ] || tt_die "build/app/tcpterm was not built"
[ -r "$conf" ] || tt_die "cannot read $conf"

if tt_netns_exists "$NS"; then
	if [ -n "$(ip netns pids "$NS" 2>/dev/null)" ]; then
		tt_die "namespace $NS is in use (is another scripts/run.sh running? pids: $(ip netns pids "$NS" | tr '\n' ' '))"
	fi
	tt_netns_del "$NS"
fi
tt_dpdk_cleanup "$PREFIX"

pid=
stopping=0
cleanup() {
	local rc=${1:-0}
	trap - EXIT INT TERM HUP
	stopping=1
	if [ -n "$pid" ]; then
		echo
		echo "run.sh: stopping tcpterm (pid $pid)"
		tt_stop_pid "$pid" 15
		[ "$TT_STOP_RC" -eq 0 ] || tt_warn "tcpterm exited with status $TT_STOP_RC"
	fi
	tt_netns_del "$NS"
	tt_dpdk_cleanup "$PREFIX"
	echo "run.sh: namespace $NS removed"
	exit "$rc"
}
trap 'cleanup 0' INT TERM HUP
trap 'cleanup $?' EXIT

tt_netns_add "$NS" || tt_die "cannot create namespace $NS"
read -r -a mem_args <<<"$(tt_eal_mem_args)"
cmd=(build/app/tcpterm -l "$lcores" --no-pci "--vdev=net_tap0,iface=$IF"
	"--file-prefix=$PREFIX" "${mem_args[@]}" -- -f "$conf")
echo "run.sh: ip netns exec $NS ${cmd[*]}"
ip netns exec "$NS" "${cmd[@]}" &
pid=$!

if ! tt_wait_netdev "$NS" "$IF" 60 "$pid"; then
	wait "$pid"
	rc=$?
	pid=
	echo "run.sh: tcpterm exited (status $rc) while starting" >&2
	cleanup "$([ "$rc" -ne 0 ] && echo "$rc" || echo 1)"
fi
ip netns exec "$NS" ip addr add "$PEER" dev "$IF"
ip netns exec "$NS" ip link set "$IF" up

cat <<EOF

run.sh: tcpterm is running in namespace '$NS' on $IF; the kernel side has $PEER.
Try it from another terminal:
  sudo ip netns exec $NS ping -c 3 198.18.0.2
  sudo ip netns exec $NS curl -i http://198.18.0.2/
  echo hello | sudo ip netns exec $NS nc -N 198.18.0.2 7              # echo
  sudo ip netns exec $NS nc -d 198.18.0.2 19 | head -c 300              # source
  sudo $TT_PYTHON scripts/tt-telemetry.py -p $PREFIX --pretty /tcpterm/stats
  sudo $TT_PYTHON scripts/tt-telemetry.py -p $PREFIX --pretty /tcpterm/states
  sudo dpdk-telemetry.py -f $PREFIX        # interactive; '/' lists commands
Press Ctrl-C to stop.

EOF

# tcpterm prints its statistics line every second on this terminal.
while true; do
	wait "$pid"
	rc=$?
	# wait returns early (status > 128) when a trapped signal arrives; the
	# trap has then already cleaned up and exited.
	[ "$stopping" -eq 1 ] && break
	tt_pid_alive "$pid" && continue
	pid=
	echo "run.sh: tcpterm exited with status $rc" >&2
	cleanup "$rc"
done
