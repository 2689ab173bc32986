#!/usr/bin/env bash
# Benchmark of the embedded build (issue 11): the static musl ctbox side by
# side with the reference conntrack-tools 1.4.7 in one run:
#  - stripped size: ctbox alone (libc included) against conntrack,
#    conntrackd and nfct plus every shared library they load (ldd), libc
#    and the dynamic loader left out;
#  - peak RSS of conntrack -L at 1,000,000 flows (target ours <= 1 MiB);
#  - RSS of an idle conntrackd in stats mode;
#  - start-up time of conntrack -C, mean over many runs.
# The static build is CTBOX_BUILD when that is one, else build/static.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
[ -x "$BUILD/static/ctbox" ] && [ "${BUILD##*/}" != static ] && BUILD=$BUILD/static
ELF=$BUILD/ctbox
REFD=${REF_BIN:-/usr/sbin}
BIG=${BENCH_BIG_FLOWS:-1000000}
RUNS=${BENCH_START_RUNS:-500}
if [ ! -x "$ELF" ] || LC_ALL=C readelf -lW "$ELF" | grep -q INTERP; then
	echo "embedded: no static build at $BUILD; make STATIC=1 LIBMNL_SRC=DIR first"
	exit 0
fi
TMP=$(mktemp -d /tmp/ctbox-bench.XXXXXX)
NS=ctbox-bench-$$ NS2=ctbox-bench2-$$
cleanup() {
	ip netns pids "$NS2" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$NS" 2>/dev/null; ip netns del "$NS2" 2>/dev/null
	[ -n "${old_max:-}" ] && sysctl -qw net.netfilter.nf_conntrack_max="$old_max" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
calc() { awk "BEGIN { print $1 }"; }
cc -O2 -o "$TMP/runstat" "$TOP/tests/bench/runstat.c" || exit 1
mkdir -p "$TMP/bin"
for a in conntrack conntrackd nfct; do ln -s "$ELF" "$TMP/bin/$a"; done

echo "--- size (bytes, stripped)"
strip -o "$TMP/ctbox" "$ELF"
ours=$(wc -c <"$TMP/ctbox")
ref=0
for a in conntrack conntrackd nfct; do
	strip -o "$TMP/ref.$a" "$REFD/$a"
	n=$(wc -c <"$TMP/ref.$a"); ref=$((ref + n))
	printf '  reference %-34s %8d\n' "$a" "$n"
done
libs=$(for a in conntrack conntrackd nfct; do ldd "$REFD/$a"; done | awk '$3 ~ /^\// {print $3}' |
	grep -Ev '/(libc|ld-linux[^/]*|libm|libpthread|libdl|librt)\.so' | sort -u)
nf=$ref	# the binaries and the netfilter libraries alone
for l in $libs; do
	strip -o "$TMP/lib" "$(readlink -f "$l")"
	n=$(wc -c <"$TMP/lib"); ref=$((ref + n))
	case ${l##*/} in libmnl.*|libnetfilter_*|libnfnetlink.*) nf=$((nf + n)) ;; esac
	printf '  reference %-34s %8d\n' "${l##*/}" "$n"
done
printf '  %-44s %8d (%.1f KiB)\n' "reference binaries + netfilter libraries" "$nf" "$(calc "$nf / 1024")"
printf '  %-44s %8d (%.1f KiB)\n' "reference, all it loads but libc" "$ref" "$(calc "$ref / 1024")"
printf '  %-44s %8d (%.1f KiB), ratio %.2f (netfilter only) %.2f (all)\n' "ctbox static musl (libc included)" "$ours" \
	"$(calc "$ours / 1024")" "$(calc "$ours / $nf")" "$(calc "$ours / $ref")"

echo "--- start-up: conntrack -C, mean of $RUNS runs in an empty namespace"
ip netns add "$NS2"
startup() {	# startup BIN: milliseconds per run
	ip netns exec "$NS2" bash -c 'b=$1 n=$2; s=$(date +%s%N); for ((i = 0; i < n; i++)); do "$b" -C >/dev/null 2>&1; done; e=$(date +%s%N); echo $(((e - s) / n))' _ "$1" "$RUNS" |
		awk '{printf "%.3f", $1 / 1e6}'
}
so=$(startup "$TMP/bin/conntrack"); sr=$(startup "$REFD/conntrack")
[ -x "$TOP/build/bin/conntrack" ] && sd=$(startup "$TOP/build/bin/conntrack") || sd=-
printf '  ours static %s ms, reference %s ms, ratio %.2f (ours dynamic glibc build: %s ms)\n' "$so" "$sr" "$(calc "$so / $sr")" "$sd"

echo "--- idle conntrackd, stats mode: RSS after start-up"
idle() {	# idle BIN: "VmHWM VmRSS" in KiB of a foreground daemon after 1 s
	cat >"$TMP/c.conf" <<CONF
General {
	LockFile $TMP/lock
	LogFile off
	Syslog off
	UNIX { Path $TMP/ctl }
}
Stats { LogFile off }
CONF
	ip netns exec "$NS2" "$1" -C "$TMP/c.conf" >/dev/null 2>&1 &
	local pid=$! r
	sleep 1
	r=$(awk '/^VmHWM/ {h = $2} /^VmRSS/ {r = $2} END {print h, r}' "/proc/$pid/status" 2>/dev/null)
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	rm -f "$TMP/lock" "$TMP/ctl"
	echo "$r"
}
io=$(idle "$TMP/bin/conntrackd"); ir=$(idle "$REFD/conntrackd")
# shellcheck disable=SC2086 # two numbers each
printf '  ours static: peak %s KiB, now %s KiB; reference: peak %s KiB, now %s KiB\n' $io $ir

echo "--- peak RSS of conntrack -L at $BIG flows"
ip netns add "$NS"
old_max=$(sysctl -n net.netfilter.nf_conntrack_max 2>/dev/null)
sysctl -qw net.netfilter.nf_conntrack_max=$((BIG + 100000)) 2>/dev/null
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_max=$((BIG + 100000)) 2>/dev/null
"$TOP/tests/bench/gen_flows.sh" "$BIG" >"$TMP/flows"
ip netns exec "$NS" "$REFD/conntrack" -R "$TMP/flows" 2>/dev/null
rm -f "$TMP/flows"
count=$(ip netns exec "$NS" "$REFD/conntrack" -C)
o=$(ip netns exec "$NS" "$TMP/runstat" "$TMP/bin/conntrack" -L)
r=$(ip netns exec "$NS" "$TMP/runstat" "$REFD/conntrack" -L)
[ -x "$TOP/build/bin/conntrack" ] && d=$(ip netns exec "$NS" "$TMP/runstat" "$TOP/build/bin/conntrack" -L | awk '{print $4}') || d=-
awk -v c="$count" -v o="$o" -v r="$r" -v d="$d" 'BEGIN {
	split(o, a, " "); split(r, b, " ")
	printf "  %d flows: ours static %d KiB (%.2fs), reference %d KiB (%.2fs), ratio %.2f; target ours <= 1024 KiB: %s (ours dynamic glibc build: %s KiB)\n",
		c, a[4], a[1], b[4], b[1], a[4] / b[4], a[4] <= 1024 ? "ok" : "MISSED", d
}'
exit 0
