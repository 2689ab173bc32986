#!/usr/bin/env bash
# memory.sh [N...]: conntrackd's memory per flow held, ctbox pair against
# the 1.4.7 pair in the same run (issues 12 and 13).  Two namespaces A and
# B on a veth, FT-FW over UDP, A -> B.  For each N (default 200000;
# MEM_BENCH_1M=1 adds 1000000):
#  - N flows loaded into A's kernel with the reference `conntrack -R`; once
#    A's internal cache and B's external cache hold them all, the RSS
#    growth of A's daemon per flow in its internal cache and of B's per
#    flow in its external cache (VmRSS after - VmRSS of the idle daemon);
#  - churn: for MEM_CHURN_SECS seconds (default 60), every second
#    MEM_CHURN_RATE flows (default 10000) destroyed and as many new ones
#    created on A (one `conntrack -R` file per second, ctbox's conntrack
#    for both pairs as 1.4.7's deletes in O(N); MEM_CHURN_JOBS (default 1)
#    of them at a time, each a share of the second's lines; the rate
#    really reached is printed, it is what this machine sustains with
#    both daemons syncing);
#    after it has settled, the RSS per flow again: flat means no leak and
#    no fragmentation growth (the ratio after/before is printed).
# Targets: <= 200 B in the external cache at 200k, <= 128 B in both caches
# at 1M.  Run it under the bench lock: flock /work/bench.lock tests/bench/memory.sh
SECS=${MEM_CHURN_SECS:-60}
RATE=${MEM_CHURN_RATE:-10000}
JOBS=${MEM_CHURN_JOBS:-1}
PAIRS=${MEM_PAIRS:-ours ref}	# "ours" or "ref": one pair only
WAIT=${MEM_BENCH_WAIT:-300}
SIZES=${*:-200000}
[ "${MEM_BENCH_1M:-0}" = 1 ] && SIZES="$SIZES 1000000"
max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
TAG=mem NET=10.215.0 MAXFLOWS=$((max + RATE * 2 + 100000))
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/sync_pair.sh"
nets || exit 1
# the churn's driver: 1.4.7's -D dumps the whole table for every line
# (O(N) a deletion), ctbox's deletes the tuple it is given
CHURN_CT=${MEM_CHURN_CT:-$BUILD/bin/conntrack}
[ -x "$CHURN_CT" ] || { echo "memory.sh: no $CHURN_CT"; exit 1; }

# flows OP FROM TO: -R lines for flows FROM..TO-1 (OP I creates, D
# destroys): half TCP ESTABLISHED, half UDP, 10% with a mark, each index
# its own source address
flows() {
	awk -v op="$1" -v from="$2" -v to="$3" 'BEGIN {
		for (i = from; i < to; i++) {
			src = sprintf("10.%d.%d.%d", int(i / 65536) % 256 + 1, int(i / 256) % 256, i % 256)
			tcp = i % 2
			l = sprintf("-%s -p %s -s %s -d 192.168.%d.%d --sport %d --dport %d", op,
				tcp ? "tcp" : "udp", src, int(i / 256) % 256, tcp + 1,
				1024 + i % 60000, tcp ? 443 : 53)
			if (op == "I")
				l = l (tcp ? " --state ESTABLISHED -u SEEN_REPLY,ASSURED" : "") \
				    " -t 3600" (i % 10 == 0 ? " -m 1" : "")
			print l
		}
	}'
}

# settle BIN CA CB N: wait until A's internal and B's external cache hold
# N flows and stay so for a second (or WAIT seconds pass)
settle() {
	local t0 a b la=-1 lb=-1
	t0=$(now)
	while :; do
		a=$(cache_n "$A" "$1" "$2" internal); b=$(cache_n "$B" "$1" "$3" external)
		[ "${a:-0}" = "$4" ] && [ "${b:-0}" = "$4" ] && [ "$a" = "$la" ] && [ "$b" = "$lb" ] && break
		awk -v a="$t0" -v b="$(now)" -v w="$WAIT" 'BEGIN { exit !(b - a >= w) }' && break
		la=$a; lb=$b
		sleep 1
	done
	echo "${a:-0} ${b:-0}"
}
# pair WHO BIN PORT N: "KEY VALUE" lines into $TMP/WHO-N.res
pair() {
	local who=$1 bin=$2 n=$4 ca=$TMP/$1-a.conf cb=$TMP/$1-b.conf
	local pa pb a0 b0 a1 b1 a2 b2 h1 h2 s j t0 t1 done_ops=0 jobs_p
	ip netns exec "$A" "$CT" -F >/dev/null 2>&1
	ip netns exec "$B" "$CT" -F >/dev/null 2>&1
	conf "$ca" a "$3" $((n * 2 + RATE * 4))
	conf "$cb" b "$3" $((n * 2 + RATE * 4))
	start "$B" "$bin" "$cb" || return 1; pb=$pid
	start "$A" "$bin" "$ca" || return 1; pa=$pid
	sleep 1
	a0=$(rss_kb "$pa"); b0=$(rss_kb "$pb")
	ip netns exec "$A" "$CT" -R "$TMP/load-$n" >/dev/null 2>&1
	h1=$(settle "$bin" "$ca" "$cb" "$n")
	a1=$(rss_kb "$pa"); b1=$(rss_kb "$pb")
	t0=$(now)
	for s in $(seq 0 $((SECS - 1))); do
		jobs_p=()
		for j in $(seq 0 $((JOBS - 1))); do
			ip netns exec "$A" "$CHURN_CT" -R "$TMP/churn-$n-$s.$j" >/dev/null 2>&1 &
			jobs_p+=("$!")
		done
		wait "${jobs_p[@]}"
		done_ops=$((done_ops + RATE))
		# one file per second at most
		t1=$(awk -v a="$t0" -v s="$s" -v b="$(now)" 'BEGIN { d = a + s + 1 - b; print (d > 0 ? d : 0) }')
		sleep "$t1"
	done
	t1=$(now)
	h2=$(settle "$bin" "$ca" "$cb" "$n")
	a2=$(rss_kb "$pa"); b2=$(rss_kb "$pb")
	{
		echo "held $h1"
		echo "held_after $h2"
		echo "int $(awk -v a="$a0" -v b="$a1" -v n="${h1% *}" 'BEGIN { print (n > 0 ? (b - a) * 1024 / n : 0) }')"
		echo "ext $(awk -v a="$b0" -v b="$b1" -v n="${h1#* }" 'BEGIN { print (n > 0 ? (b - a) * 1024 / n : 0) }')"
		echo "int_after $(awk -v a="$a0" -v b="$a2" -v n="${h2% *}" 'BEGIN { print (n > 0 ? (b - a) * 1024 / n : 0) }')"
		echo "ext_after $(awk -v a="$b0" -v b="$b2" -v n="${h2#* }" 'BEGIN { print (n > 0 ? (b - a) * 1024 / n : 0) }')"
		echo "rss_a ${a0}->${a1}->${a2}"
		echo "rss_b ${b0}->${b1}->${b2}"
		echo "rate $(awk -v o="$done_ops" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", o / (b - a) }')"
	} >"$TMP/$who-$n.res"
	stop "$A" "$bin" "$ca" "$pa"
	stop "$B" "$bin" "$cb" "$pb"
	ip netns exec "$A" "$CT" -F >/dev/null 2>&1
	ip netns exec "$B" "$CT" -F >/dev/null 2>&1
}

val() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$TMP/$1.res" 2>/dev/null; }
row() {	# row N LABEL KEY [noratio]
	local o r
	o=$(val "ours-$1" "$3"); r=$(val "ref-$1" "$3")
	if [ -n "${4:-}" ]; then
		printf "%-52s %14s %14s\n" "$2" "$o" "$r"
	else
		awk -v l="$2" -v o="$o" -v r="$r" 'BEGIN {
			printf "%-52s %14.1f %14.1f %8s\n", l, o, r, (r > 0 ? sprintf("%.3f", o / r) : "-")
		}'
	fi
}
flat() {	# flat N WHO: RSS per flow after churn / before, both caches
	awk -v a="$(val "$2-$1" int)" -v b="$(val "$2-$1" int_after)" \
	    -v c="$(val "$2-$1" ext)" -v d="$(val "$2-$1" ext_after)" \
		'BEGIN { printf "%.3f / %.3f", (a > 0 ? b / a : 0), (c > 0 ? d / c : 0) }'
}

port=3790
for n in $SIZES; do
	flows I 0 "$n" >"$TMP/load-$n"
	for s in $(seq 0 $((SECS - 1))); do
		{ flows D $((s * RATE)) $(((s + 1) * RATE)); flows I $((n + s * RATE)) $((n + (s + 1) * RATE)); } |
			awk -v f="$TMP/churn-$n-$s" -v j="$JOBS" '{ print > (f "." (NR % j)) }'
	done
	case " $PAIRS " in *" ours "*) pair ours "$BUILD/bin/conntrackd" $port "$n" || exit 1 ;; esac
	case " $PAIRS " in *" ref "*) pair ref "$REF_BIN/conntrackd" $((port + 2)) "$n" || exit 1 ;; esac
	port=$((port + 4))
	printf "%-52s %14s %14s %8s\n" "conntrackd FT-FW/UDP, $n flows" ours 1.4.7 ratio
	row "$n" "A's RSS per flow in its internal cache (B)" int
	row "$n" "B's RSS per flow in its external cache (B)" ext
	row "$n" "after churn: A, internal (B)" int_after
	row "$n" "after churn: B, external (B)" ext_after
	row "$n" "after/before churn, internal / external" x noratio
	printf "%-52s %14s %14s\n" "" "$(flat "$n" ours)" "$(flat "$n" ref)"
	row "$n" "churn reached (destroyed + created per second, each)" rate noratio
	row "$n" "flows held: A internal, B external" held noratio
	row "$n" "flows held after churn" held_after noratio
	row "$n" "A's VmRSS kB idle->loaded->churned" rss_a noratio
	row "$n" "B's VmRSS kB idle->loaded->churned" rss_b noratio
	rm -f "$TMP"/churn-"$n"-* "$TMP/load-$n"
done
