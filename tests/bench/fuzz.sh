#!/usr/bin/env bash
# Every libFuzzer target (make fuzz) for FUZZ_RUNS executions each (default
# 10,000,000), one after the other on one core, each from a scratch copy of
# its corpus tests/fuzz/corpus/NAME.  Prints executions, seconds, execs/s,
# coverage and findings per target; exit 1 when any target found something
# (the reproducer is kept in the scratch directory, named in the output).
#   FUZZ_RUNS=N        executions per target (shorter runs for a try)
#   FUZZ_RUNS_<name>=N the same for one target (FUZZ_RUNS_conf=300000)
#   FUZZ_TARGETS="a b" only these (names without fuzz_)
#   FUZZ_MERGE=1       fold into tests/fuzz/corpus/NAME the inputs that reach
#                      new edges (not new hit counts: the corpus stays small)
# Each target runs under the shared benchmark lock (BENCH_LOCK, default
# /work/bench.lock when it exists), taken per target so that a 10M-run
# session does not hold other benchmarks off for its whole length.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
RUNS=${FUZZ_RUNS:-10000000}
BENCH_LOCK=${BENCH_LOCK:-/work/bench.lock}
cd "$TOP" || exit 1
make -s O="$O" fuzz >/dev/null || { echo "fuzz.sh: make fuzz failed"; exit 1; }
targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
work=$(mktemp -d /tmp/ctbox-fuzz.XXXXXX)
# the largest input each target reads (its own limit, or what a program
# of the simulated daemon needs: 512 bytes are 150-250 steps, more than
# the 16 flows and the small queues of sim.c need to fill; an execution
# costs in proportion to its length, 1024 made sync half as fast)
maxlen() {
	case $1 in
	conf) echo 4096 ;; ctl) echo 256 ;; sync) echo 512 ;; *) echo 4096 ;;
	esac
}
printf '%-8s %12s %8s %10s %6s %6s %s\n' target execs secs execs/s cov corpus findings
bad=0
for t in $targets; do
	bin=$O/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz.sh: no $bin"; bad=1; continue; }
	mkdir -p "$work/$t/corpus" "$work/$t/art"
	cp tests/fuzz/corpus/"$t"/* "$work/$t/corpus/" 2>/dev/null
	n=$(eval echo "\${FUZZ_RUNS_$t:-$RUNS}")
	locked=0
	if [ -e "$BENCH_LOCK" ]; then
		exec 9>>"$BENCH_LOCK" && flock 9 && locked=1
	fi
	start=$(date +%s.%N)
	"$bin" -runs="$n" -max_len="$(maxlen "$t")" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$t/art/" "$work/$t/corpus" \
		>"$work/$t/log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	[ "$locked" = 1 ] && flock -u 9
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$t/log" | tail -1 | cut -d' ' -f2)
	files=$(ls "$work/$t/corpus" | wc -l)
	found=$(ls "$work/$t/art" | wc -l)
	secs=$(awk "BEGIN { print $end - $start }")
	rate=$(awk "BEGIN { printf \"%d\", ${execs:-0} / $secs }")
	res=0
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ] || [ "${execs:-0}" -lt "$n" ]; then
		res="FAIL (exit $rc, $found artifacts: $work/$t)"
		bad=1
	fi
	printf '%-8s %12s %8.1f %10s %6s %6s %s\n' "$t" "${execs:-?}" "$secs" \
		"$rate" "${cov:-?}" "$files" "$res"
	if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$rc" -eq 0 ]; then
		"$bin" -use_counters=0 -use_value_profile=0 -merge=1 \
			tests/fuzz/corpus/"$t" "$work/$t/corpus" >/dev/null 2>&1
	fi
done
[ "$bad" -eq 0 ] && rm -rf "$work"
exit "$bad"
