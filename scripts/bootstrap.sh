#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Prepare a Debian 12 machine for tcpterm and build it. Idempotent: a second
# run installs nothing and only lets ninja catch up.
#
#   scripts/bootstrap.sh [--asan] [--no-build] [--with-bench]
#
#   --asan        also configure and build build-asan/ (ASan + UBSan)
#   --no-build    packages and hugepages only
#   --with-bench  also install what the benchmarks use (nginx, valgrind, perf)
#
# Steps: install the Debian packages (apt-get update + install, only when
# one is missing); reserve 2 MiB hugepages (TT_HUGEPAGES, default 1024) and
# mount hugetlbfs on /dev/hugepages, where the kernel lets us; configure
# build/ with meson and build it with ninja. When no hugepages can be had,
# the scripts run EAL with --no-huge instead (see tt_eal_mem_args in
# scripts/lib.sh).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

want_asan=0
want_build=1
want_bench=0
for arg in "$@"; do
	case $arg in
	--asan) want_asan=1 ;;
	--no-build) want_build=0 ;;
	--with-bench) want_bench=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'
		exit 0
		;;
	*) tt_die "unknown option '$arg' (try --help)" ;;
	esac
done

# Everything the project builds, runs and tests with.
packages=(
	build-essential pkg-config meson ninja-build
	libdpdk-dev dpdk dpdk-dev libnuma-dev libpcap-dev
	libcmocka-dev libhttp-parser-dev
	python3 python3-scapy
	iproute2 iputils-ping procps ethtool kmod
	curl wrk tshark netcat-openbsd
	ca-certificates
)
[ "$want_bench" -eq 1 ] && packages+=(nginx-light valgrind linux-perf)

missing=()
for p in "${packages[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	if [ "${st:0:2}" != ii ]; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	tt_require_root "installing packages (${missing[*]})"
	tt_log "bootstrap: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no, silently.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections
	# Packages install, but start no services (nginx would take port 80
	# of this machine): a policy-rc.d of our own, unless one exists.
	policy=/usr/sbin/policy-rc.d
	own_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		own_policy=1
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update
	apt-get install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${missing[@]}"
	if [ "$want_bench" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
		# The benchmark starts its own nginx in a namespace; keep the
		# distribution's service off this machine after a reboot too.
		systemctl disable nginx >/dev/null 2>&1 || true
	fi
	if [ "$own_policy" -eq 1 ]; then
		rm -f "$policy"
		trap - EXIT
	fi
else
	tt_log "bootstrap: all ${#packages[@]} packages present"
fi

# Hugepages: best effort. Containers and some VMs refuse; EAL then runs on
# anonymous memory (--no-huge).
if [ "$(id -u)" -eq 0 ]; then
	want_pages=${TT_HUGEPAGES:-1024}
	cur_pages=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
	if [ "$cur_pages" -lt "$want_pages" ]; then
		echo "$want_pages" >/proc/sys/vm/nr_hugepages 2>/dev/null ||
			tt_warn "cannot reserve hugepages (/proc/sys/vm/nr_hugepages is read-only)"
	fi
	if ! grep -qs " $TT_HUGEDIR hugetlbfs " /proc/mounts; then
		mkdir -p "$TT_HUGEDIR" 2>/dev/null || true
		mount -t hugetlbfs -o pagesize=2M nodev "$TT_HUGEDIR" 2>/dev/null ||
			tt_warn "cannot mount hugetlbfs on $TT_HUGEDIR"
	fi
fi
mem_args=$(tt_eal_mem_args)
tt_log "bootstrap: $(tt_hugepages_free) free hugepages; EAL memory arguments: ${mem_args:-(none: hugepages)}"

[ "$want_build" -eq 1 ] || exit 0

cd "$TT_ROOT"

# Configure build dir $1 with meson options "${@:2}" unless it already is,
# then build it.
build_dir() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		# A dir left by an interrupted setup may need --wipe.
		meson setup "$dir" "$@" || meson setup --wipe "$dir" "$@"
	elif [ "$#" -gt 0 ]; then
		# An existing dir: make sure it carries the options asked for.
		local opt key val cur
		for opt in "$@"; do
			key=${opt#-D}
			val=${key#*=}
			key=${key%%=*}
			cur=$(meson introspect "$dir" --buildoptions 2>/dev/null |
				"$TT_PYTHON" -c 'import json,sys
k=sys.argv[1]
for o in json.load(sys.stdin):
    if o["name"] == k:
        v = o["value"]
        print(",".join(v) if isinstance(v, list) else str(v).lower())' "$key")
			if [ "$cur" != "$val" ]; then
				meson configure "$dir" "$opt"
			fi
		done
	fi
	ninja -C "$dir"
}

build_dir build -Doptimization=3 -Ddebug=true -Db_lto=true
if [ "$want_asan" -eq 1 ]; then
	# No LTO under the sanitizers: it adds link time and nothing they need.
	build_dir build-asan -Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false
fi
