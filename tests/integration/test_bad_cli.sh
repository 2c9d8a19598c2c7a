#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Bad configuration and command lines: tcpterm must exit non-zero (not
# crash, not hang) with a message that names what is wrong: for a bad
# value the file, the section and the key. No port is given to the EAL
# (--no-pci, no --vdev), so nothing here touches the network.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin bad_cli
PREFIX=ttbad$$
EAL=(-l "$TT_LCORES" --no-pci --no-huge -m 256 --file-prefix="$PREFIX")
GOOD='[port0]
address = 198.18.0.2/24
gateway = 198.18.0.1

[tcp]
time_wait_ms = 2000

[listen.echo]
address = *:7
service = echo
'

# run_bad DESC CONF-TEXT|- TCPTERM-APP-ARGS... -- PATTERN...
#   Writes CONF-TEXT (unless '-') to $TT_TMP/bad.conf, runs tcpterm with the
#   app args, wants a non-zero exit below 128 within 30 s and every
#   PATTERN (grep -E -i) in its output.
run_bad() {
	local desc=$1 text=$2 out rc pat ok=1
	shift 2
	local args=()
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	[ "$text" != - ] && printf '%s\n' "$text" >"$TT_TMP/bad.conf"
	out=$(timeout 30 "$TT_BIN" "${EAL[@]}" -- "${args[@]}" 2>&1)
	rc=$?
	tt_dpdk_cleanup "$PREFIX"
	printf '%s\n' "$out" | grep -v -E '^EAL: |^TELEMETRY: ' | tail -n 5 | sed 's/^/     | /'
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 124 ]; then
		echo "     | exit status $rc: want a plain failure (1..123)"
		ok=0
	fi
	if tt_sanitizer_report <(printf '%s\n' "$out") >/dev/null; then
		echo "     | sanitizer report in the output"
		ok=0
	fi
	for pat in "$@"; do
		if ! grep -q -E -i -e "$pat" <<<"$out"; then
			echo "     | the message lacks /$pat/"
			ok=0
		fi
	done
	if [ "$ok" -eq 1 ]; then
		tt_ok "$desc (exit status $rc)"
	else
		tt_fail "$desc"
	fi
}

C=$TT_TMP/bad.conf
# shellcheck disable=SC2016 # a sed expression
Q=$(printf '%s' "$C" | sed 's/[.[\*^$()+?{|]/\\&/g') # the path, as a regex

run_bad "mss = abc: names file, section and key" \
	"${GOOD/time_wait_ms = 2000/mss = abc}" -f "$C" -- "$Q" '\btcp\b' 'mss'
run_bad "mss = 10 (out of range): names file, section and key" \
	"${GOOD/time_wait_ms = 2000/mss = 10}" -f "$C" -- "$Q" '\btcp\b' 'mss'
run_bad "unknown key in [tcp]: names file, section and key" \
	"${GOOD/time_wait_ms = 2000/no_such_key = 1}" -f "$C" -- "$Q" '\btcp\b' 'no_such_key'
run_bad "unknown section: names file and section" \
	"$GOOD
[no_such_section]
x = 1" -f "$C" -- "$Q" 'no_such_section'
run_bad "bad address in [port0]: names file, section and key" \
	"${GOOD/198.18.0.2\/24/198.18.0.999/24}" -f "$C" -- "$Q" 'port0' 'address'
run_bad "unknown service: names file, section and key" \
	"${GOOD/service = echo/service = no_such_service}" -f "$C" -- "$Q" 'listen\.echo' 'service'
run_bad "two listeners on one port: names file, section and key" \
	"$GOOD
[listen.echo2]
address = *:7
service = discard" -f "$C" -- "$Q" 'listen\.echo2?' 'address'
run_bad "no [port0]: names file and section" \
	"${GOOD#*198.18.0.1}" -f "$C" -- "$Q" 'port0'
run_bad "missing config file: names it" \
	- -f "$TT_TMP/does-not-exist.conf" -- 'does-not-exist\.conf'
run_bad "unknown command-line option" \
	- -f "$C" --no-such-option -- 'no-such-option|usage'
run_bad "-f without a file name" \
	- -f -- '-f|usage|argument'

tt_it_end
