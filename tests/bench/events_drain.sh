#!/usr/bin/env bash
# events_drain.sh: the sender's CPU per event with sync on, measured on a
# backlog (issue 13's events/s, without a rate search).  Two namespaces A
# and B, FT-FW/UDP from A to B (sync_pair.sh).  A's daemon is stopped
# (SIGSTOP) while ctgen creates EVD_N flows (default 20000) in A, so that
# many NEW events wait in its event socket (64 MiB); it is let go and the
# CPU it uses (/proc/PID/schedstat, ns) until B's external cache holds
# them all is its cost for that many NEW events, each read, cached and
# sent.  Then the same for as many DESTROY events (`conntrack -D` of them
# while it is stopped again, until B's cache is empty).  Nothing waits on
# a clock, no event is lost (an overrun fails the run), and the daemon
# works at full batch, as it does at the highest rate it sustains, so
# the figure is its events per CPU second without the rate search's
# noise.  EVD_ROUNDS (default 3) runs per implementation in ABBA order;
# reported: the median ns per event of each, and the ratio.
#   EVD_WHO="ours" or "ref": only one implementation.
#   EVD_PERF=DIR: `perf record -g` of A's daemon over both drains
#     (DIR/WHO-TIME.data; the figures then include perf's cost).
# Run it under the bench lock:
#	flock /work/bench.lock tests/bench/events_drain.sh
N=${EVD_N:-20000}
ROUNDS=${EVD_ROUNDS:-3}
WHO=${EVD_WHO:-ours ref}
NLBUF=67108864
TAG=evd NET=10.217.0 MAXFLOWS=$((N * 2 + 10000))
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/sync_pair.sh"
trap cleanup EXIT
ctgen_build || exit 1
DST=192.168.77.1

cpu_ns() { awk '{ print $1 }' /proc/"$1"/schedstat 2>/dev/null || echo 0; }

# drained NS BIN CONF WANT: wait (up to 30 s) until B's external cache
# holds WANT objects
drained() {
	local t0=$SECONDS
	while [ "$(cache_n "$1" "$2" "$3" external)" != "$4" ]; do
		[ $((SECONDS - t0)) -ge 30 ] && return 1
		sleep 0.05
	done
}

# one WHO BIN: prints "NEW_ns DESTROY_ns" per event, or fails
one() {
	local bin=$2 ca=$TMP/$1-a.conf cb=$TMP/$1-b.conf pa pb c0 c1 c2 c3 ovr pp=""
	nets || return 1
	conf "$ca" a 3791 $((N * 3)) "$NLBUF" 262144
	conf "$cb" b 3791 $((N * 3)) "$NLBUF" 262144
	start "$B" "$bin" "$cb" || return 1; pb=$pid
	start "$A" "$bin" "$ca" || return 1; pa=$pid
	sleep 1
	[ -n "${EVD_PERF:-}" ] && mkdir -p "$EVD_PERF" &&
		{ perf record -q -g -F 20000 -o "$EVD_PERF/$1-$(date +%s).data" -p "$pa" 2>/dev/null & pp=$!; sleep 0.5; }
	kill -STOP "$pa"
	ip netns exec "$A" "$TMP/ctgen" "$N" 1 100000 "$DST" >/dev/null
	c0=$(cpu_ns "$pa"); kill -CONT "$pa"
	drained "$B" "$bin" "$cb" "$N" || { echo "B did not get the $N new flows"; return 1; }
	c1=$(cpu_ns "$pa")
	kill -STOP "$pa"
	ip netns exec "$A" "$CT" -D -d "$DST" >/dev/null 2>&1
	c2=$(cpu_ns "$pa"); kill -CONT "$pa"
	drained "$B" "$bin" "$cb" 0 || { echo "B did not lose the $N flows"; return 1; }
	c3=$(cpu_ns "$pa")
	[ -n "$pp" ] && { kill -INT "$pp"; wait "$pp" 2>/dev/null; }
	ovr=$(overruns "$A" "$bin" "$ca")
	stop "$A" "$bin" "$ca" "$pa"
	stop "$B" "$bin" "$cb" "$pb"
	[ "${ovr:-x}" = 0 ] || { echo "$ovr overruns"; return 1; }
	echo $(((c1 - c0) / N)) $(((c3 - c2) / N))
}

declare -A res
# round R WHO BIN: its figures added to res[WHO]
round() {
	local out
	out=$(one "$2" "$3") || { echo "round $1, $2: $out"; return 1; }
	echo "round $1, $2: ns per event: NEW ${out% *}, DESTROY ${out#* }"
	res[$2]="${res[$2]:-} $out"
}
abba "$ROUNDS" "$WHO" round || exit 1
# med WHO: the median over its rounds of NEW + DESTROY ns (one pair of events)
med() {
	# shellcheck disable=SC2086
	printf '%s %s\n' ${res[$1]} | awk '{ print $1 + $2 }' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
case $WHO in *ours*ref*|*ref*ours*) ;; *) for w in $WHO; do echo "$w: median ns per NEW+DESTROY: $(med "$w")"; done; exit 0 ;; esac
o=$(med ours); f=$(med ref)
printf '%-52s %10s %10s %7s\n' "FT-FW/UDP, $N flows backlog, sender CPU ($ROUNDS rounds)" ours 1.4.7 ratio
awk -v o="$o" -v f="$f" 'BEGIN {
	printf "%-52s %10d %10d\n", "ns per NEW + DESTROY (median; lower: better)", o, f
	printf "%-52s %10d %10d %7.2f\n", "events per CPU second (higher: better)", 2e9 / o, 2e9 / f, f / o
}'
