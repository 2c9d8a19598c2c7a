#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Build everything and run every test; README command 2:
#
#   sudo scripts/test.sh [--no-asan] [--no-unit] [--no-integration] [NAME...]
#
# 1. scripts/bootstrap.sh --asan: packages, hugepages, build/ and
#    build-asan/ (ASan + UBSan).
# 2. Unit tests (cmocka, meson suite 'unit') in build/ and build-asan/;
#    every cmocka test case counts as one test.
# 3. Integration tests tests/integration/test_*.sh against build/app/tcpterm,
#    and the ones in ASAN_TESTS against build-asan/app/tcpterm; each script
#    counts as one test. NAME... runs only the scripts whose name contains one.
#
# Prints one line per result (PASS/FAIL) and ends with exactly one line
# "N passed, N failed"; exits 1 when anything failed. Logs go to
# build/test-logs/ (TT_TEST_LOGDIR).
set -uo pipefail

# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"
cd "$TT_ROOT" || exit 1

want_asan=1
want_unit=1
want_integration=1
filters=()
for arg in "$@"; do
	case $arg in
	--no-asan) want_asan=0 ;;
	--no-unit) want_unit=0 ;;
	--no-integration) want_integration=0 ;;
	-h | --help)
		sed -n '2,/^set -uo/p' "$0" | sed -n 's/^# \{0,1\}//p'
		exit 0
		;;
	-*)
		echo "unknown option '$arg' (try --help)" >&2
		exit 2
		;;
	*) filters+=("$arg") ;;
	esac
done

# Integration tests also run against the sanitizer build (with their
# environment): the basic HTTP and echo paths, both close orders,
# tcpterm-gen against tcpterm over memif (both sanitized), and SYN cookies
# and junk from testpmd over memif.
ASAN_TESTS=(
	"test_http_curl.sh"
	"test_echo_16m.sh TT_ECHO_SCENARIOS=clean"
	"test_peer_close.sh"
	"test_time_wait.sh"
	"test_bad_cli.sh"
	"test_gen_memif.sh"
	"test_testpmd_syn.sh"
)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:print_summary=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-print_suppressions=0}
# cmocka's default output, which the counting below reads.
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE

LOGDIR=${TT_TEST_LOGDIR:-$TT_ROOT/build/test-logs}
passed=0
failed=0
t_start=$SECONDS

result() { # PASS|FAIL NAME [DETAIL]
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	printf '%s %s%s\n' "$1" "$2" "${3:+ ($3)}"
}

finish() {
	echo
	echo "test logs: $LOGDIR; $((SECONDS - t_start)) s in all"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

selected() { # NAME: matches the NAME... filters (all when none)
	local f
	[ "${#filters[@]}" -eq 0 ] && return 0
	for f in "${filters[@]}"; do
		[[ $1 == *"$f"* ]] && return 0
	done
	return 1
}

tt_require_root "scripts/test.sh"

# --- 1. bootstrap and build -------------------------------------------------
echo "== bootstrap and build"
if ! scripts/bootstrap.sh --no-build; then
	result FAIL "bootstrap" "packages or hugepages"
	finish
fi
mkdir -p "$LOGDIR" || exit 1
if scripts/bootstrap.sh 2>&1 | tee "$LOGDIR/build.log" | tail -n 3; then
	result PASS "build: build/ (meson + ninja, -Werror)"
else
	tail -n 40 "$LOGDIR/build.log"
	result FAIL "build: build/" "see $LOGDIR/build.log"
	finish
fi
asan_built=0
if [ "$want_asan" -eq 1 ]; then
	if scripts/bootstrap.sh --asan 2>&1 | tee "$LOGDIR/build-asan.log" | tail -n 3; then
		result PASS "build: build-asan/ (-Db_sanitize=address,undefined)"
		asan_built=1
	else
		tail -n 40 "$LOGDIR/build-asan.log"
		result FAIL "build: build-asan/" "see $LOGDIR/build-asan.log"
	fi
fi

# --- 2. unit tests ------------------------------------------------------------
# unit_tests DIR LABEL [meson test args]
unit_tests() {
	local dir=$1 label=$2 out
	shift 2
	echo
	echo "== unit tests: $dir"
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --suite unit --print-errorlogs "$@" >"$LOGDIR/unit-$label.log" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$LOGDIR/unit-$label.log" | sed 's/^/  /'
	if [ ! -s "$dir/meson-logs/testlog.json" ]; then
		tail -n 20 "$LOGDIR/unit-$label.log"
		result FAIL "unit ($label)" "no unit test ran; see $LOGDIR/unit-$label.log"
		return
	fi
	# One "PASS|FAIL name detail" line per cmocka case (per executable when
	# its output has no cmocka case lines).
	out=$("$TT_PYTHON" - "$dir/meson-logs/testlog.json" "$label" <<'PY'
import json, re, sys
path, label = sys.argv[1], sys.argv[2]
for line in open(path):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
    name, res = t.get("name", "?"), t.get("result", "?")
    text = t.get("stdout") or ""
    if t.get("stderr"):
        text += "\n" + t["stderr"]
    runs = re.findall(r"^\[ RUN      \] (\S+)", text, re.M)
    oks = set(re.findall(r"^\[       OK \] (\S+)", text, re.M))
    skips = set(re.findall(r"^\[  SKIPPED \] (\S+)", text, re.M))
    exe = "unit/%s/%s" % (label, name.split(":")[-1].strip())
    if not runs:
        print("%s %s %s" % ("PASS" if res in ("OK", "EXPECTEDFAIL") else "FAIL", exe,
                             "meson: %s" % res))
        continue
    for r in runs:
        if r in oks or r in skips:
            print("PASS %s/%s %s" % (exe, r, "skipped" if r in skips else ""))
        else:
            print("FAIL %s/%s %s" % (exe, r, "meson: %s" % res))
    if res not in ("OK", "EXPECTEDFAIL") and all(r in oks for r in runs):
        # every case passed but the executable did not (leak report at
        # exit, crash after the last case, timeout ...)
        print("FAIL %s meson: %s after all cases passed" % (exe, res))
PY
)
	local st name detail
	while read -r st name detail; do
		[ -n "$st" ] || continue
		result "$st" "$name" "$detail"
	done <<<"$out"
}

if [ "$want_unit" -eq 1 ]; then
	unit_tests build normal
	[ "$asan_built" -eq 1 ] && unit_tests build-asan asan --timeout-multiplier 3
fi

# --- 3. integration tests -----------------------------------------------------
# integration BIN LABEL SCRIPT [VAR=VALUE...]
integration() {
	local bin=$1 label=$2 script=$3 name t0 rc
	shift 3
	name=$(basename "$script" .sh)
	selected "$name" || return 0
	echo
	t0=$SECONDS
	env TT_BIN="$bin" "$@" timeout -k 10 900 bash "$script" </dev/null 2>&1 |
		tee "$LOGDIR/$label-$name.log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		result PASS "integration/$label/$name" "$((SECONDS - t0)) s"
	else
		result FAIL "integration/$label/$name" "exit status $rc, $((SECONDS - t0)) s, log $LOGDIR/$label-$name.log"
	fi
}

if [ "$want_integration" -eq 1 ]; then
	tt_sweep_stale
	for script in tests/integration/test_*.sh; do
		integration "$TT_ROOT/build/app/tcpterm" normal "$script"
	done
	if [ "$asan_built" -eq 1 ]; then
		for entry in "${ASAN_TESTS[@]}"; do
			# shellcheck disable=SC2086 # "script VAR=VALUE..."
			set -- $entry
			script=$1
			shift
			[ -f "tests/integration/$script" ] || continue
			integration "$TT_ROOT/build-asan/app/tcpterm" asan "tests/integration/$script" "$@"
		done
	fi
	tt_sweep_stale
fi

finish
