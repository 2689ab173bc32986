#!/usr/bin/env bash
# sync.sh [N]: replication of a burst of N flows (default 200,000) over
# FT-FW/UDP on a veth between two namespaces, sender A -> receiver B, for
# the ctbox pair ($CTBOX_BUILD/bin/conntrackd on both sides) and the 1.4.7
# pair ($REF_BIN/conntrackd on both sides), one after the other in the same
# run, each from empty tables and freshly started daemons.  The burst is
# the reference `conntrack -R` of tests/bench/gen_flows.sh N on A, for both.
# Reported per pair, and the ratio ours / 1.4.7 (issue 12):
#  - seconds from the start of the burst until B's external cache holds all
#    N (`-s cache`, its active objects, polled every 0.1 s; given up after SYNC_BENCH_WAIT s, default 120),
#    and how many it holds then (target ratio <= 0.8, nothing missing);
#  - B's RSS growth per flow held (VmRSS; target <= 200 B);
#  - CPU seconds (utime + stime) of A's and B's daemons over that time;
#  - `conntrackd -c` of the flows on B: its log's "commit has taken"
#    (target ratio <= 0.5) and the client's wall time.
# Neither config has a Scheduler section: both binaries then run at their
# default (SCHED_RR 99); what each daemon ran with is printed.
N=${1:-${BENCH_FLOWS:-200000}}
WAIT=${SYNC_BENCH_WAIT:-120}
TAG=sy NET=10.214.0 MAXFLOWS=$((N + 100000))
. "$(dirname "$0")/sync_pair.sh"
"$TOP/tests/bench/gen_flows.sh" "$N" >"$TMP/flows"

# pair WHO BIN PORT: one measurement, "KEY VALUE" lines into $TMP/WHO.res
pair() {
	local who=$1 bin=$2 port=$3 ca=$TMP/$1-a.conf cb=$TMP/$1-b.conf
	local pa pb ext=0 int t0 t1 t2 t3 ta0 tb0 ta1 tb1 r0 r1 self n sa sb
	local hz; hz=$(getconf CLK_TCK)
	ip netns exec "$A" "$CT" -F >/dev/null 2>&1
	ip netns exec "$B" "$CT" -F >/dev/null 2>&1
	conf "$ca" 10.214.0.1 10.214.0.2 vsya "$port" $((N * 2))
	conf "$cb" 10.214.0.2 10.214.0.1 vsyb "$port" $((N * 2))
	start "$B" "$bin" "$cb" || return 1; pb=$pid
	start "$A" "$bin" "$ca" || return 1; pa=$pid
	sleep 1
	sa=$(chrt -p "$pa" | awk -F': ' '/policy/ { p = $2 } /priority/ { q = $2 } END { print p "/" q }')
	sb=$(chrt -p "$pb" | awk -F': ' '/policy/ { p = $2 } /priority/ { q = $2 } END { print p "/" q }')
	r0=$(rss_kb "$pb")
	ta0=$(ticks "$pa"); tb0=$(ticks "$pb")
	t0=$(now)
	ip netns exec "$A" "$CT" -R "$TMP/flows" 2>/dev/null
	t1=$(now)
	while :; do
		ext=$(cache_n "$B" "$bin" "$cb" external)
		[ "${ext:-0}" -ge "$N" ] && break
		awk -v a="$t0" -v b="$(now)" -v w="$WAIT" 'BEGIN { exit !(b - a >= w) }' && break
		sleep 0.1
	done
	t2=$(now)
	ta1=$(ticks "$pa"); tb1=$(ticks "$pb")
	r1=$(rss_kb "$pb")
	int=$(cache_n "$A" "$bin" "$ca" internal)
	n=$(ip netns exec "$A" "$CT" -C)
	# the commit of what B holds, timed by the client and by B's log
	t3=$(now)
	ip netns exec "$B" "$bin" -C "$cb" -c >/dev/null 2>&1
	t3=$(awk -v a="$t3" -v b="$(now)" 'BEGIN { print b - a }')
	for _ in $(seq 100); do grep -q 'commit has taken' "${cb%.conf}.log" && break; sleep 0.1; done
	self=$(awk '/commit has taken/ { print $(NF - 1) }' "${cb%.conf}.log" | tail -1)
	{
		echo "burst $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
		echo "full $(awk -v a="$t0" -v b="$t2" 'BEGIN { print b - a }')"
		echo "held ${ext:-0}"
		echo "sender_kernel $n"
		echo "sender_int ${int:-0}"
		echo "rss $(awk -v a="$r0" -v b="$r1" -v h="${ext:-0}" 'BEGIN { print (h > 0 ? (b - a) * 1024 / h : 0) }')"
		echo "rss_kb $r0->$r1"
		echo "cpu_a $(awk -v a="$ta0" -v b="$ta1" -v hz="$hz" 'BEGIN { print (b - a) / hz }')"
		echo "cpu_b $(awk -v a="$tb0" -v b="$tb1" -v hz="$hz" 'BEGIN { print (b - a) / hz }')"
		echo "commit ${self:-0}"
		echo "commit_wall $t3"
		echo "committed $(ip netns exec "$B" "$CT" -C)"
		echo "sched A=$sa B=$sb"
		echo "logs $(cat "${ca%.conf}.log" "${cb%.conf}.log" | grep -ciE 'error|warn|overrun|fail')"
	} >"$TMP/$who.res"
	stop "$A" "$bin" "$ca" "$pa"
	stop "$B" "$bin" "$cb" "$pb"
	ip netns exec "$A" "$CT" -F >/dev/null 2>&1
	ip netns exec "$B" "$CT" -F >/dev/null 2>&1
}

pair ours "$BUILD/bin/conntrackd" 3780 || exit 1
pair ref "$REF_BIN/conntrackd" 3782 || exit 1

val() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$TMP/$1.res"; }
row() {	# row LABEL KEY FORMAT [noratio]
	local o r
	o=$(val ours "$2"); r=$(val ref "$2")
	if [ -n "${4:-}" ]; then
		printf "%-46s %12s %12s\n" "$1" "$o" "$r"
	else
		awk -v l="$1" -v o="$o" -v r="$r" -v f="$3" 'BEGIN {
			printf "%-46s " f " " f " %8s\n", l, o, r, (r > 0 ? sprintf("%.3f", o / r) : "-")
		}'
	fi
}
printf "%-46s %12s %12s %8s\n" "FT-FW/UDP replication of $N flows" ours 1.4.7 ratio
row "seconds until B's external cache holds all" full "%12.3f"
row "flows in B's external cache then" held "%12d"
row "B's RSS per flow held (bytes)" rss "%12.1f"
row "CPU seconds, sender A's daemon" cpu_a "%12.2f"
row "CPU seconds, receiver B's daemon" cpu_b "%12.2f"
awk -v a="$(val ours cpu_a)" -v b="$(val ours cpu_b)" -v c="$(val ref cpu_a)" -v d="$(val ref cpu_b)" 'BEGIN {
	o = a + b; r = c + d
	printf "%-46s %12.2f %12.2f %8s\n", "CPU seconds, both daemons", o, r, (r > 0 ? sprintf("%.3f", o / r) : "-")
}'
row "conntrackd -c: commit has taken (s, B's log)" commit "%12.3f"
row "conntrackd -c: client wall seconds" commit_wall "%12.3f"
row "entries in B's kernel after -c" committed "%12d"
row "conntrack -R burst on A (seconds)" burst "%12.3f"
row "entries in A's kernel" sender_kernel x noratio
row "flows in A's internal cache" sender_int x noratio
row "B's VmRSS kB before->after" rss_kb x noratio
row "error/warning/overrun lines in the logs" logs x noratio
echo "scheduling: ours $(val ours sched); 1.4.7 $(val ref sched)"
for w in ours ref; do
	h=$(val "$w" held)
	[ "${h:-0}" -ge "$N" ] || echo "sync.sh: $w: B holds ${h:-0} of $N flows after ${WAIT}s"
done
