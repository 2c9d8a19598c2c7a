#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# Regenerate tests/bench/RESULTS.md from one run of every benchmark:
#
#   sudo tests/bench/run_all.sh [--list] [NAME...]
#
# Keeps RESULTS.md's header (everything before its first "### " section),
# drops the old sections, then runs each benchmark with --record so that
# each appends its section: first those below, in this order, then any
# other tests/bench/bench_*.sh. A benchmark that is absent (bench_memif.sh
# may not exist yet) or that fails is reported, and a closing section
# "Missing from this run" lists it with the reason, so the file says which
# figures it lacks. NAME... runs only the benchmarks whose file names
# contain one of them (the other sections are still dropped); --list prints
# what would run. If the run is interrupted, the previous RESULTS.md is put
# back. Exit status 1 when a benchmark failed or was missing. After the
# benchmarks, a section "Issue 5's targets against this run" states each
# target as met or not with its ratio, from the figures the benchmarks
# handed over (tt_bench_figure in scripts/lib.sh, tests/bench/targets.py).
#
# Environment: TT_BENCH_ARGS_<name> (e.g. TT_BENCH_ARGS_bench_http="10 32")
# passes arguments after --record to one benchmark.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/lib.sh"
BENCH=$ROOT/tests/bench
RESULTS=$BENCH/RESULTS.md
ORDER=(bench_http.sh bench_workers.sh bench_loss_goodput.sh bench_memif.sh bench_testpmd.sh)

LIST=0
filters=()
for arg in "$@"; do
	case $arg in
	--list) LIST=1 ;;
	-h | --help) sed -n '5,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run_all.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
	*) filters+=("$arg") ;;
	esac
done

selected() {
	local f
	[ "${#filters[@]}" -eq 0 ] && return 0
	for f in "${filters[@]}"; do
		[[ $1 == *"$f"* ]] && return 0
	done
	return 1
}

# The benchmarks: ORDER first (present or not), then any other bench_*.sh.
benches=()
for b in "${ORDER[@]}"; do selected "$b" && benches+=("$b"); done
for f in "$BENCH"/bench_*.sh; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	[[ " ${ORDER[*]} " == *" $b "* ]] && continue
	selected "$b" && benches+=("$b")
done
if [ "$LIST" = 1 ]; then
	for b in "${benches[@]}"; do
		if [ -x "$BENCH/$b" ]; then echo "$b"; else echo "$b (absent)"; fi
	done
	exit 0
fi
tt_require_root "tests/bench/run_all.sh"
[ "${#benches[@]}" -gt 0 ] || tt_die "no benchmark matches ${filters[*]}"
[ -f "$RESULTS" ] || tt_die "$RESULTS is missing (its header is kept)"

WORK=$(mktemp -d /tmp/tt-runall.XXXXXX)
cp "$RESULTS" "$WORK/RESULTS.md.old"
DONE=0
# shellcheck disable=SC2317 # runs from the EXIT trap
finish() {
	if [ "$DONE" != 1 ]; then
		cp "$WORK/RESULTS.md.old" "$RESULTS"
		echo "run_all.sh: interrupted; the previous $RESULTS is back" >&2
	fi
	rm -rf "$WORK"
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

# The header: up to (not including) the first "### " line, without trailing blank lines.
awk '/^### / { exit } { print }' "$WORK/RESULTS.md.old" |
	sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$RESULTS"

missing=()
export TT_BENCH_FIGURES=$WORK/figures
: >"$TT_BENCH_FIGURES"
t_all=$SECONDS
for b in "${benches[@]}"; do
	name=${b%.sh}
	if [ ! -f "$BENCH/$b" ]; then
		echo "== $b: absent, skipped"
		missing+=("\`$b\`: absent from tests/bench/ in this checkout")
		continue
	fi
	var=TT_BENCH_ARGS_$name
	# shellcheck disable=SC2206 # words
	args=(${!var:-})
	echo "== $b --record ${args[*]}"
	t0=$SECONDS
	bash "$BENCH/$b" --record "${args[@]}" </dev/null 2>&1 | tee "$WORK/$name.log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		last=$(grep -v '^[[:space:]]*$' "$WORK/$name.log" | tail -n 1 | cut -c1-200)
		echo "== $b: FAILED (exit status $rc after $((SECONDS - t0)) s): $last"
		missing+=("\`$b\`: failed, exit status $rc: ${last:-no output}")
	else
		echo "== $b: done in $((SECONDS - t0)) s"
	fi
done

# Issue 5's targets, from the figures the benchmarks wrote to TT_BENCH_FIGURES.
cmd="sudo"
for v in $(compgen -v TT_BENCH_ARGS_); do cmd+=" $v=\"${!v}\""; done
cmd+=" tests/bench/run_all.sh${filters[*]:+ ${filters[*]}}"
"$TT_PYTHON" "$BENCH/targets.py" "$TT_BENCH_FIGURES" "$cmd" >>"$RESULTS" ||
	missing+=("\`targets.py\`: the targets section could not be built")

if [ "${#missing[@]}" -gt 0 ]; then
	{
		echo
		echo "### Missing from this run — $(date -u +%Y-%m-%d)"
		echo
		echo "\`sudo tests/bench/run_all.sh${filters[*]:+ ${filters[*]}}\` produced no figures from:"
		echo
		for m in "${missing[@]}"; do echo "- $m"; done
	} >>"$RESULTS"
fi
DONE=1
echo
echo "run_all.sh: $RESULTS regenerated in $((SECONDS - t_all)) s from ${#benches[@]} benchmark(s)"
if [ "${#missing[@]}" -gt 0 ]; then
	echo "run_all.sh: missing figures:"
	printf '  %s\n' "${missing[@]}"
	exit 1
fi
exit 0
