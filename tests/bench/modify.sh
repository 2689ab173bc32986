#!/usr/bin/env bash
# Benchmark of issue 3 (-D -U -R): ours and the reference side by side in
# one run, on a 200,000-flow table loaded fresh (reference -R) before each
# measured command, reported as ratios ours/reference (lower is better).
# The reference's -U dies with ENOBUFS on big match sets; ours is then
# compared with the reference's -D of the same set.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
OURS=$BUILD/bin/conntrack
REF=${REF_BIN:-/usr/sbin}/conntrack
N=${BENCH_FLOWS:-200000}
TMP=$(mktemp -d /tmp/ctbox-bench.XXXXXX)
NS=ctbox-bench-mod-$$
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

cc -O2 -o "$TMP/runstat" "$TOP/tests/bench/runstat.c" || exit 1
ip netns add "$NS"
inns() { ip netns exec "$NS" "$@"; }
inns sysctl -qw net.netfilter.nf_conntrack_max=$((N + 100000)) 2>/dev/null
[ "$(sysctl -n net.netfilter.nf_conntrack_max)" -ge $((N + 10000)) ] ||
	sysctl -qw net.netfilter.nf_conntrack_max=$((N + 100000))

# N flows: 50,000 from 10.50.0.1, 20,000 (others) with mark 1, one known
# UDP flow, the rest spread over many sources.
awk -v n="$N" 'BEGIN {
	print "-I -p udp -s 10.99.99.99 -d 10.0.0.1 --sport 4242 --dport 53 -t 3600"
	for (i = 1; i < n; i++) {
		if (i <= 50000) {
			printf "-I -p tcp -s 10.50.0.1 -d 192.168.%d.%d --sport %d --dport 443 --state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED\n", int(i / 250) % 256, i % 250 + 1, 1024 + i % 60000
			continue
		}
		src = sprintf("10.%d.%d.%d", int(i / 65536) % 256 + 1, int(i / 256) % 256, i % 256)
		mark = (i <= 70000) ? " -m 1" : ""
		if (i % 2)
			printf "-I -p tcp -s %s -d 192.168.1.1 --sport %d --dport 80 --state ESTABLISHED -t 3600%s\n", src, 1024 + i % 60000, mark
		else
			printf "-I -p udp -s %s -d 192.168.1.2 --sport %d --dport 53 -t 3600%s\n", src, 1024 + i % 60000, mark
	}
}' >"$TMP/flows"

load() {
	inns "$REF" -F 2>/dev/null
	inns "$REF" -R "$TMP/flows" 2>/dev/null
	local c
	c=$(inns "$REF" -C)
	[ "$c" -ge "$N" ] || echo "warning: table holds $c flows, wanted $N" >&2
}

# run BIN ARGS...: "wall user sys rss status left" of one run on a fresh
# table; left = entries left (or, for -U, entries with mark 7)
run() {
	local line left
	load
	line=$(inns "$TMP/runstat" "$@" </dev/null)
	case " $* " in
	*" -U "*) left=$(inns "$REF" -L -m 7 2>/dev/null | wc -l) ;;
	*) left=$(inns "$REF" -C) ;;
	esac
	echo "$line $left"
}

row() {	# row LABEL TARGET "ours result" "reference result"
	awk -v l="$1" -v t="$2" -v o="$3" -v r="$4" 'BEGIN {
		split(o, a, " "); split(r, b, " ")
		ratio = b[1] > 0 ? a[1] / b[1] : 0
		ok = (ratio <= t) ? "ok" : "MISSED"
		printf "%-36s %8.3fs %8.3fs %6.3f %6s  %-6s %s/%s\n", l, a[1], b[1], ratio, t, ok, a[6] "", b[6] ""
	}'
}

printf "%-36s %9s %9s %6s %6s  %-6s %s\n" "command ($N flows)" "ours" "reference" "ratio" "target" "" "left ours/ref"
o=$(run "$OURS" -D -s 10.50.0.1); r=$(run "$REF" -D -s 10.50.0.1)
row "-D -s (50,000 by source)" 0.4 "$o" "$r"
refdel=$r
o=$(run "$OURS" -D -p udp -s 10.99.99.99 -d 10.0.0.1 --sport 4242 --dport 53)
r=$(run "$REF" -D -p udp -s 10.99.99.99 -d 10.0.0.1 --sport 4242 --dport 53)
row "-D one entry by full tuple" 0.05 "$o" "$r"
o=$(run "$OURS" -D -w 0 -p udp -s 10.99.99.99 -d 10.0.0.1 --sport 4242 --dport 53)
r=$(run "$REF" -D -w 0 -p udp -s 10.99.99.99 -d 10.0.0.1 --sport 4242 --dport 53)
row "-D one entry by full tuple + -w" 0.05 "$o" "$r"
o=$(run "$OURS" -D --mark 1); r=$(run "$REF" -D --mark 1)
row "-D --mark 1 (20,000)" 0.5 "$o" "$r"
o=$(run "$OURS" -U -s 10.50.0.1 -m 7); r=$(run "$REF" -U -s 10.50.0.1 -m 7)
echo "reference -U -s 10.50.0.1 -m 7: exit status $(echo "$r" | awk '{print $5}'), $(echo "$r" | awk '{print $6}') entries with mark 7; ours: $(echo "$o" | awk '{print $6}')"
row "-U -s -m 7 (50,000) vs ref -D" 0.5 "$o" "$refdel"
inns "$REF" -F 2>/dev/null
o=$(inns "$TMP/runstat" "$OURS" -R "$TMP/flows" </dev/null 2>/dev/null)
oc=$(inns "$REF" -C)
inns "$REF" -F 2>/dev/null
r=$(inns "$TMP/runstat" "$REF" -R "$TMP/flows" </dev/null 2>/dev/null)
rc=$(inns "$REF" -C)
row "-R $N lines" 0.7 "$o $oc" "$r $rc"
echo "(ratio = wall time ours/reference, one run each on a freshly loaded table; left = entries in the table after the command, -R: entries loaded)"
exit 0
