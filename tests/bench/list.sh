#!/usr/bin/env bash
# Benchmark of the foundation issue: listing a 200,000-flow table with ours
# and with the reference, side by side in one run, reported as ratios
# (ours / reference; lower is better), and peak RSS of -L at 1,000,000 flows.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
OURS=$BUILD/bin/conntrack
REF=${REF_BIN:-/usr/sbin}/conntrack
N=${BENCH_FLOWS:-200000}
BIG=${BENCH_BIG_FLOWS:-1000000}
REPS=${BENCH_REPS:-3}
TMP=$(mktemp -d /tmp/ctbox-bench.XXXXXX)
NS=ctbox-bench-$$
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

cc -O2 -o "$TMP/runstat" "$TOP/tests/bench/runstat.c" || exit 1
ip netns add "$NS"
inns() { ip netns exec "$NS" "$@"; }
# The table is per namespace, its limit is global: make room for BIG flows.
old_max=$(sysctl -n net.netfilter.nf_conntrack_max 2>/dev/null)
sysctl -qw net.netfilter.nf_conntrack_max=$((BIG + 100000)) 2>/dev/null
inns sysctl -qw net.netfilter.nf_conntrack_max=$((BIG + 100000)) 2>/dev/null

load() {	# load N flows into the namespace with the reference's -R
	"$TOP/tests/bench/gen_flows.sh" "$1" >"$TMP/flows"
	inns "$REF" -F 2>/dev/null
	inns "$REF" -R "$TMP/flows" 2>/dev/null
	inns "$REF" -C
}

# best-of-REPS wall and user time of a command run in the namespace
measure() {	# measure BIN ARGS... -> "wall user sys rss"
	local best="" line
	for _ in $(seq "$REPS"); do
		line=$(inns "$TMP/runstat" "$@" </dev/null)
		if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN{split(a,x," ");split(b,y," "); exit !(x[1]<y[1])}'; then
			best=$line
		fi
	done
	echo "$best"
}

row() {	# row LABEL TARGET ARGS...
	local label=$1 target=$2; shift 2
	local o r
	o=$(measure "$OURS" "$@")
	r=$(measure "$REF" "$@")
	awk -v l="$label" -v t="$target" -v o="$o" -v r="$r" 'BEGIN {
		split(o, a, " "); split(r, b, " ")
		ratio = b[1] > 0 ? a[1] / b[1] : 0
		uratio = b[2] > 0 ? a[2] / b[2] : 0
		ok = (t == "-" || ratio <= t) ? "ok" : "MISSED"
		printf "%-34s %8.3fs %8.3fs %6.3f %6s %7.3f   %s\n", l, a[1], b[1], ratio, t, uratio, ok
	}'
}

echo "loading $N flows..."
count=$(load "$N")
echo "table: $count flows"
printf "%-34s %9s %9s %6s %6s %7s\n" "command" "ours" "reference" "ratio" "target" "user"
row "-L" 0.6 -L
row "-L -o xml" 0.5 -L -o xml
row "-L -s 10.99.99.99 -p tcp --sport 4242" 0.15 -L -s 10.99.99.99 -p tcp --sport 4242
row "-L --mark 1" - -L --mark 1
row "-C" - -C
echo "(ratio = wall time ours/reference, best of $REPS; user = user CPU ours/reference, target <= 0.10 for -L)"

# User CPU of a 0.5 s run is a few scheduler ticks: count instructions too.
if [ "${BENCH_CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
	ir() { inns valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		awk '/Collected/ {print $NF}'; }
	o=$(ir "$OURS" -L); r=$(ir "$REF" -L)
	awk -v o="$o" -v r="$r" 'BEGIN { printf "user-space instructions of -L (callgrind): ours %.0f, reference %.0f, ratio %.3f (target 0.10)\n", o, r, o / r }'
fi

if [ "${BENCH_SKIP_BIG:-0}" != 1 ]; then
	echo "loading $BIG flows for the memory check..."
	count=$(load "$BIG")
	echo "table: $count flows"
	o=$(inns "$TMP/runstat" "$OURS" -L)
	r=$(inns "$TMP/runstat" "$REF" -L)
	echo "peak RSS of -L at $count flows: ours $(echo "$o" | awk '{print $4}') KiB, reference $(echo "$r" | awk '{print $4}') KiB (target ours <= 2048 KiB)"
fi
[ -n "$old_max" ] && sysctl -qw net.netfilter.nf_conntrack_max="$old_max" 2>/dev/null
exit 0
