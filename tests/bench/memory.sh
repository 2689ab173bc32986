#!/usr/bin/env bash
# memory.sh [N...]: conntrackd's memory per flow held, ctbox pair against
# the 1.4.7 pair in the same run (issues 12 and 13).  Two namespaces A and
# B on a veth, FT-FW over UDP, A -> B.  For each N (default 200000;
# MEM_BENCH_1M=1 adds 1000000):
#  - N flows loaded into A's kernel with the reference `conntrack -R`; once
#    A's internal cache and B's external cache hold them all, the RSS
#    growth of A's daemon per flow in its internal cache and of B's per
#    flow in its external cache (VmRSS after - VmRSS of the idle daemon);
#  - churn: for MEM_CHURN_SECS seconds (default 60), MEM_CHURN_RATE new
#    flows a second (default 50000) created on A by ctgen
#    (tests/bench/ctgen.c, through ctnetlink, at SCHED_RR 99 as in
#    events_sync.sh), each destroyed 1 s after it was made: 50,000 new and
#    50,000 destroyed a second while A's table holds the N flows.  They all
#    go to $CHURN_DST, which none of the N uses; those left at the end are
#    deleted with `conntrack -D -d`.  The rate ctgen really offered is
#    printed, with why not when it fell behind its schedule;
#    once A's and B's caches hold the N flows again, the RSS per flow again:
#    flat means no leak and no fragmentation growth (the ratio after/before
#    is printed).
# Targets: <= 200 B in the external cache at 200k, <= 128 B in both caches
# at 1M.  Run it under the bench lock: flock /work/bench.lock tests/bench/memory.sh
SECS=${MEM_CHURN_SECS:-60}
RATE=${MEM_CHURN_RATE:-50000}
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
ctgen_build || exit 1
CHURN_DST=172.31.255.1	# the N flows go to 192.168.0.0/16

# load N: -R lines creating flows 0..N-1: half TCP ESTABLISHED, half UDP,
# 10% with a mark, each index its own source address
load() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			src = sprintf("10.%d.%d.%d", int(i / 65536) % 256 + 1, int(i / 256) % 256, i % 256)
			tcp = i % 2
			printf "-I -p %s -s %s -d 192.168.%d.%d --sport %d --dport %d%s -t 3600%s\n",
				tcp ? "tcp" : "udp", src, int(i / 256) % 256, tcp + 1,
				1024 + i % 60000, tcp ? 443 : 53,
				tcp ? " --state ESTABLISHED -u SEEN_REPLY,ASSURED" : "",
				i % 10 == 0 ? " -m 1" : ""
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
	local pa pb a0 b0 a1 b1 a2 b2 h1 h2 g why
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
	g=$(ip netns exec "$A" chrt -r 99 "$TMP/ctgen" "$RATE" "$SECS" 1 "$CHURN_DST")
	why=$(ctgen_why "$RATE" "$SECS" 1 "$g")
	ip netns exec "$A" "$CT" -D -d "$CHURN_DST" >/dev/null 2>&1
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
		echo "rss_x $(awk -v a="$a1" -v b="$a2" -v c="$b1" -v d="$b2" \
			'BEGIN { printf "%.3f / %.3f", (a > 0 ? b / a : 0), (c > 0 ? d / c : 0) }')"
		# created a second, destroyed a second, worst lateness
		echo "rate $(awk -v g="$g" -v l=1 'BEGIN { split(g, v, " ")
			printf "%.0f+%.0f/s late<=%sms", (v[4] > 0 ? v[1] / v[4] : 0), (v[4] > l ? v[2] / (v[4] - l) : 0), v[5] }')"
		echo "behind ${why:-no}"
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
		printf "%-52s %22s %22s\n" "$2" "$o" "$r"
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
	load "$n" >"$TMP/load-$n"
	case " $PAIRS " in *" ours "*) pair ours "$BUILD/bin/conntrackd" $port "$n" || exit 1 ;; esac
	case " $PAIRS " in *" ref "*) pair ref "$REF_BIN/conntrackd" $((port + 2)) "$n" || exit 1 ;; esac
	port=$((port + 4))
	printf "%-52s %14s %14s %8s\n" "conntrackd FT-FW/UDP, $n flows" ours 1.4.7 ratio
	row "$n" "A's RSS per flow in its internal cache (B)" int
	row "$n" "B's RSS per flow in its external cache (B)" ext
	row "$n" "after churn: A, internal (B)" int_after
	row "$n" "after churn: B, external (B)" ext_after
	row "$n" "after/before churn, internal / external" x noratio
	printf "%-52s %22s %22s\n" "" "$(flat "$n" ours)" "$(flat "$n" ref)"
	row "$n" "churn offered by ctgen (created+destroyed a second)" rate noratio
	row "$n" "ctgen fell behind its schedule" behind noratio
	row "$n" "flows held: A internal, B external" held noratio
	row "$n" "flows held after churn" held_after noratio
	row "$n" "A's VmRSS kB idle->loaded->churned" rss_a noratio
	row "$n" "B's VmRSS kB idle->loaded->churned" rss_b noratio
	row "$n" "VmRSS after/before churn, A / B" rss_x noratio
	rm -f "$TMP/load-$n"
done
