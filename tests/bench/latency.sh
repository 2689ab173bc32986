#!/usr/bin/env bash
# latency.sh [N]: how long `conntrackd -s` waits while a daemon walks a
# table of N flows (default LATENCY_FLOWS or 1,000,000), for the ctbox pair
# and the 1.4.7 pair, one after the other in the same run (issue 13: worst
# <= 50 ms for ctbox).  Two namespaces, a veth, FT-FW/UDP, sender A and
# receiver B; A's kernel holds N flows (tests/bench/gen_flows.sh) before A
# starts.  `-s` is asked every LATENCY_POLL_MS (default 10) over the
# control socket (tests/integration/conntrackd/ctl_poll.py: connect to
# end-of-file, no exec) during:
#   startup  A's start-up dump of the kernel table (from the start until
#            `conntrackd -d` is back);
#   resync   -R on A (until its client is answered);
#   bulk     -B on A, until B's external cache holds N: A's and B's -s;
#   commit   -c on B (until its client is answered): B's -s.
# Reported per phase and pair: answers asked during the phase, the worst
# and the 99th percentile latency (ms), and the phase's length (s); for
# ctbox also each daemon's longest loop turn in its own CPU time (-s sync),
# which a loaded machine does not lengthen.  LATENCY_PAIRS="ours" (or
# "ref") runs one pair only; LATENCY_LOGS=DIR keeps the daemons' logs.
# Both pairs run at SCHED_RR 50 (a Scheduler section) and the pollers at
# SCHED_FIFO 99, so that on a small machine two busy daemons cannot starve
# a poller: what is measured is when the daemon answers.
# LATENCY_PHASES (default "resync bulk commit") picks the phases after the
# start-up (e.g. LATENCY_PHASES=bulk), LATENCY_PAIRS ("ours ref") the pairs.
# Run under the bench lock: flock /work/bench.lock tests/bench/latency.sh
N=${1:-${LATENCY_FLOWS:-1000000}}
PHASES=" ${LATENCY_PHASES:-resync bulk commit} "
PAIRS=${LATENCY_PAIRS:-ours ref}
IVAL=${LATENCY_POLL_MS:-10}
WAIT=${LATENCY_WAIT:-240}
TAG=lt NET=10.215.0 MAXFLOWS=$((2 * N + 100000)) PAIR_CT=ours
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/sync_pair.sh"
POLL=$TOP/tests/integration/conntrackd/ctl_poll.py
[ -e "$POLL" ] || { echo "latency.sh: no $POLL"; exit 1; }
nets || exit 1
"$TOP/tests/bench/gen_flows.sh" "$N" >"$TMP/flows"
# both pairs at SCHED_RR 50 (General's Scheduler section)
SCHED=$'\tScheduler {\n\t\tType RR\n\t\tPriority 50\n\t}\n'

# poll_on WHO SOCK / poll_off WHO: a poller of -s into $TMP/WHO.poll
declare -A POLLER
poll_on() {
	rm -f "$TMP/$1.stop"
	chrt -f 99 python3 "$POLL" "$2" 21 "$IVAL" "$TMP/$1.stop" >"$TMP/$1.poll" &
	POLLER[$1]=$!
	PIDS+=("$!")
	for _ in $(seq 100); do [ -s "$TMP/$1.poll" ] && break; sleep 0.02; done
}
poll_off() { touch "$TMP/$1.stop"; wait "${POLLER[$1]}" 2>/dev/null; }
# req SOCK CODE: one request (44 -R, 22 -B, 46 -c), t0/t1 asked/answered
req() {
	local r
	r=$(chrt -f 99 python3 "$POLL" "$1" "$2" once)
	t0=${r% *} t1=${r#* }
}
# stats POLLFILE T0 T1: "answers worst p99 seconds" of the answers asked in
# [T0, T1] (a refused connection, before the socket exists, is left out)
stats() {
	awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $2 >= 0 { print $2 }' "$1" |
		sort -n | awk -v a="$2" -v b="$3" '{ v[NR] = $1 } END {
			p = NR ? v[int((NR - 1) * 0.99) + 1] : 0
			printf "%d %.1f %.1f %.2f\n", NR, NR ? v[NR] : 0, p, b - a
		}'
}

# turn_cpu NS BIN CONF: ctbox's longest loop turn, ms of CPU (-s sync)
turn_cpu() {
	ip netns exec "$1" "$2" -C "$3" -s sync 2>/dev/null | awk '/^loop:/ { print $4; exit }'
}

# run WHO BIN PORT: the four phases, "PHASE DAEMON answers worst p99 secs"
# lines into $TMP/WHO.res
run() {
	local who=$1 bin=$2 port=$3 ca=$TMP/$1-a.conf cb=$TMP/$1-b.conf
	local sa sb ts te n
	sa=${ca%.conf}.ctl sb=${cb%.conf}.ctl
	: >"$TMP/$who.res"
	ip netns exec "$A" "$CT" -F >/dev/null 2>&1
	ip netns exec "$B" "$CT" -F >/dev/null 2>&1
	ip netns exec "$A" "$CT" -R "$TMP/flows" >/dev/null 2>&1
	n=$(ip netns exec "$A" "$CT" -C)
	echo "kernel_a $n" >>"$TMP/$who.res"
	conf "$ca" a "$port" $((N * 2)) "" 262144 "$SCHED"
	conf "$cb" b "$port" $((N * 2)) "" 262144 "$SCHED"
	rm -f "$sa" "$sb" "${ca%.conf}.lock" "${cb%.conf}.lock"
	ip netns exec "$B" "$bin" -C "$cb" -d >/dev/null 2>&1
	# startup: from the start until -d is back
	poll_on a "$sa"
	ts=$(now)
	ip netns exec "$A" "$bin" -C "$ca" -d >/dev/null 2>&1
	te=$(now)
	sleep 0.2; poll_off a
	echo "startup A $(stats "$TMP/a.poll" "$ts" "$te")" >>"$TMP/$who.res"
	echo "int_after_startup $(cache_n "$A" "$bin" "$ca" internal)" >>"$TMP/$who.res"
	sleep 1
	# resync
	if [[ $PHASES == *" resync "* ]]; then
	poll_on a "$sa"
	req "$sa" 44
	sleep 0.2; poll_off a
	echo "resync A $(stats "$TMP/a.poll" "$t0" "$t1")" >>"$TMP/$who.res"
	echo "int_after_resync $(cache_n "$A" "$bin" "$ca" internal)" >>"$TMP/$who.res"
	fi
	# bulk: until B's external cache holds N (B's poller sees it)
	if [[ $PHASES == *" bulk "* ]]; then
	poll_on a "$sa"; poll_on b "$sb"
	req "$sa" 22
	ts=$t0
	te=
	while :; do
		te=$(awk -v n="$N" '{ split($3, v, ","); if (v[2] + 0 >= n) { print $1; exit } }' "$TMP/b.poll")
		[ -n "$te" ] && break
		awk -v a="$ts" -v b="$(now)" -v w="$WAIT" 'BEGIN { exit !(b - a >= w) }' && break
		sleep 0.2
	done
	[ -n "$te" ] || te=$(now)
	sleep 0.2; poll_off a; poll_off b
	echo "bulk A $(stats "$TMP/a.poll" "$ts" "$te")" >>"$TMP/$who.res"
	echo "bulk B $(stats "$TMP/b.poll" "$ts" "$te")" >>"$TMP/$who.res"
	echo "ext_after_bulk $(cache_n "$B" "$bin" "$cb" external)" >>"$TMP/$who.res"
	fi
	# commit on B
	if [[ $PHASES == *" commit "* ]]; then
	poll_on b "$sb"
	req "$sb" 46
	sleep 0.2; poll_off b
	echo "commit B $(stats "$TMP/b.poll" "$t0" "$t1")" >>"$TMP/$who.res"
	fi
	{
		echo "kernel_b $(ip netns exec "$B" "$CT" -C)"
		# ctbox's own measure: the longest turn in CPU time (-s sync)
		echo "turn_cpu_a $(turn_cpu "$A" "$bin" "$ca")"
		echo "turn_cpu_b $(turn_cpu "$B" "$bin" "$cb")"
	} >>"$TMP/$who.res"
	for c in "$ca" "$cb"; do
		ip netns exec "$A" "$bin" -C "$c" -k >/dev/null 2>&1
	done
	for _ in $(seq 100); do
		[ -e "${ca%.conf}.lock" ] || [ -e "${cb%.conf}.lock" ] || break
		sleep 0.1
	done
	ip netns pids "$A" | xargs -r kill -9 2>/dev/null
	ip netns pids "$B" | xargs -r kill -9 2>/dev/null
	[ -n "${LATENCY_LOGS:-}" ] && cp "$TMP/$who"-[ab].log "$LATENCY_LOGS/"
	ip netns exec "$A" "$CT" -F >/dev/null 2>&1
	ip netns exec "$B" "$CT" -F >/dev/null 2>&1
}

case " $PAIRS " in *" ours "*) run ours "$BUILD/bin/conntrackd" 3784 ;; *) : >"$TMP/ours.res" ;; esac
case " $PAIRS " in *" ref "*) run ref "$REF_BIN/conntrackd" 3786 ;; *) : >"$TMP/ref.res" ;; esac

val() { awk -v k="$2" -v d="$3" '$1 == k && $2 == d { print $3, $4, $5, $6; exit }' "$TMP/$1.res" 2>/dev/null; }
one() { awk -v k="$2" '$1 == k { print $2; exit }' "$TMP/$1.res" 2>/dev/null; }
printf "conntrackd -s latency (ms) while walking %d flows, polled every %d ms\n" "$N" "$IVAL"
printf "%-22s %28s %28s\n" "" "ours: n worst p99 secs" "1.4.7: n worst p99 secs"
for p in "startup A" "resync A" "bulk A" "bulk B" "commit B"; do
	set -- $p
	printf "%-22s %28s %28s\n" "$1 (-s of $2)" "$(val ours "$1" "$2")" "$(val ref "$1" "$2")"
done
for k in kernel_a int_after_startup int_after_resync ext_after_bulk kernel_b turn_cpu_a turn_cpu_b; do
	printf "%-22s %28s %28s\n" "$k" "$(one ours "$k")" "$(one ref "$k")"
done
awk '$2 == "A" || $2 == "B" { if ($4 > w) w = $4 } END {
	printf "ours: worst -s latency over all phases %.1f ms (target <= 50): %s\n", w, w <= 50 ? "met" : "NOT met"
}' "$TMP/ours.res"
