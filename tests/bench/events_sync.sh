#!/usr/bin/env bash
# events_sync.sh: the events per second the sender sustains with sync on,
# without overrun (issue 13, target >= 2x 1.4.7).  Two namespaces A and B,
# FT-FW/UDP from A to B (sync_pair.sh), both pairs with the same
# NetlinkBufferSize and NetlinkBufferSizeMaxGrowth (EVSYNC_NLBUF, default
# 16 MiB: with 2 MiB, about 8 ms of events at 200,000/s, either daemon
# overran whenever another task of this shared machine held the CPU that
# long, and the rates measured were the machine's stalls, 0.8-2x apart
# from one round to the next).  A trial at rate R: fresh namespaces
# and daemons; ctgen (tests/bench/ctgen.c) creates R flows a second in A
# for EVSYNC_SECS seconds (default 3), each destroyed 1 s after it was made
# (2R events a second once the first second has passed), at SCHED_RR 99 as
# the daemons run.  It passes when
#   - ctgen offered the rate: all its flows made and destroyed on time (it
#     may fall behind its 1 ms schedule when another task holds the CPU,
#     shown as "behind"; it then catches up at once, a burst, which is no
#     easier for the daemons),
#   - A's daemon saw no overrun (`-s runtime`: netlink overrun 0), and
#   - within EVSYNC_WAIT s (default 15) of the end, B's external cache holds
#     exactly the flows A's kernel holds (nothing missing, nothing stale).
# Each trial prints the CPU seconds A's and B's daemons used during the
# churn.  A rate that fails is tried once more (EVSYNC_TRIES, default 2: this
# machine is shared, a stall elsewhere can cause an overrun): it passes if
# either run does.  For each implementation the rate is raised by
# EVSYNC_STEP (x1.5) from EVSYNC_R0 (40000) to the first failure, then
# bisected twice between the last pass and that failure; the highest rate
# that passed is its sustained rate, in events per second (2R).  Two rounds in ABBA order (ours first,
# then 1.4.7 first); reported: each round's rates, the lower of the two per
# implementation, and the ratio ours / 1.4.7.  Every trial is printed with
# its reason when it failed.  EVSYNC_PERF=DIR records `perf record -g` of
# A's daemon during each trial's churn (DIR/WHO-RATE.data; the rates then
# include perf's cost).
#   EVSYNC_CPU=PCT caps A's daemon (either implementation) at PCT% of one
#     core (a cgroup v1 cpu group: real-time runtime, as both daemons run
#     at SCHED_RR, and a CFS quota, per 10 ms period; the daemon is pinned
#     to the last CPU), so that the sender,
#     not the generator, is the limit: on this 2-core machine ctgen cannot
#     offer what an uncapped daemon handles.  The rate then measures the
#     events a daemon sustains per CPU it is given.
#   EVSYNC_WHO="ours" or "ref": only one implementation (no ratio).
#   EVSYNC_R0_ours, EVSYNC_R0_ref: a start rate of its own for each.
# Run it under the bench lock:
#	flock /work/bench.lock tests/bench/events_sync.sh
SECS=${EVSYNC_SECS:-3}
WAIT=${EVSYNC_WAIT:-15}
R0=${EVSYNC_R0:-40000}
TRIES=${EVSYNC_TRIES:-2}
RMAX=${EVSYNC_RMAX:-400000}
STEP=${EVSYNC_STEP:-1.5}
NLBUF=${EVSYNC_NLBUF:-16777216}
ROUNDS=${EVSYNC_ROUNDS:-2}
WHO=${EVSYNC_WHO:-ours ref}
CPU=${EVSYNC_CPU:-}
TAG=evs NET=10.216.0 MAXFLOWS=$((RMAX * 2 + 100000))
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/sync_pair.sh"
ctgen_build || exit 1
CG=
if [ -n "$CPU" ]; then
	# a cgroup v1 CPU cap for A's daemon: CPU% of one core, enforced
	# every 10 ms (a stall of at most 10 ms, which the event buffer
	# absorbs); both daemons run at SCHED_RR, so the cap is the group's
	# real-time runtime (the CFS quota covers a daemon that is not)
	CG=/sys/fs/cgroup/cpu/ctbox-evs-$$
	mkdir "$CG" && echo 10000 >"$CG/cpu.cfs_period_us" &&
		echo $((CPU * 100)) >"$CG/cpu.cfs_quota_us" &&
		echo 10000 >"$CG/cpu.rt_period_us" &&
		echo $((CPU * 100)) >"$CG/cpu.rt_runtime_us" ||
		{ echo "$ME: no cgroup v1 cpu controller for EVSYNC_CPU"; exit 1; }
	trap 'cleanup; rmdir "$CG" 2>/dev/null' EXIT
fi
HZ=$(getconf CLK_TCK)

# trial WHO BIN RATE: one run at RATE flows/s; prints the verdict line and
# returns 0 when it passed
trial() {
	local who=$1 bin=$2 rate=$3 ca=$TMP/$1-a.conf cb=$TMP/$1-b.conf
	local pa pb g made gone secs late kern ext int ovr t0 why pp="" ca0 cb0
	nets || return 2
	conf "$ca" a 3790 $((RMAX * 3)) "$NLBUF" 262144
	conf "$cb" b 3790 $((RMAX * 3)) "$NLBUF" 262144
	start "$B" "$bin" "$cb" || return 2; pb=$pid
	start "$A" "$bin" "$ca" || return 2; pa=$pid
	# one CPU: a real-time group's runtime is per CPU, and a daemon free
	# to move would find a fresh share on the other one
	[ -z "$CG" ] || { echo "$pa" >"$CG/cgroup.procs" &&
		taskset -p -c "$(($(nproc) - 1))" "$pa" >/dev/null; } || return 2
	sleep 1
	[ -n "${EVSYNC_PERF:-}" ] && mkdir -p "$EVSYNC_PERF" &&
		{ perf record -q -g -o "$EVSYNC_PERF/$who-$rate.data" -p "$pa" 2>/dev/null & pp=$!; sleep 0.5; }
	ca0=$(ticks "$pa"); cb0=$(ticks "$pb")
	g=$(ip netns exec "$A" chrt -r 99 "$TMP/ctgen" "$rate" "$SECS" 1)
	ca0=$(awk -v a="$ca0" -v b="$(ticks "$pa")" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
	cb0=$(awk -v a="$cb0" -v b="$(ticks "$pb")" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
	[ -n "$pp" ] && { kill -INT "$pp"; wait "$pp" 2>/dev/null; }
	read -r made gone _ secs late <<<"$g"
	t0=$SECONDS
	while :; do
		kern=$(ip netns exec "$A" "$CT" -C 2>/dev/null)
		ext=$(cache_n "$B" "$bin" "$cb" external)
		[ "${ext:-x}" = "$kern" ] && break
		[ $((SECONDS - t0)) -ge "$WAIT" ] && break
		sleep 0.2
	done
	int=$(cache_n "$A" "$bin" "$ca" internal)
	ovr=$(overruns "$A" "$bin" "$ca")
	why=$(ctgen_why "$rate" "$SECS" 1 "$g")
	[ "${ovr:-x}" = 0 ] || why="$why ${ovr:-?} overruns;"
	[ "${ext:-x}" = "$kern" ] || why="$why B holds ${ext:-?} of $kern;"
	stop "$A" "$bin" "$ca" "$pa"
	stop "$B" "$bin" "$cb" "$pb"
	printf '  %-4s R=%-6d %6d ev/s: %s+%s flows in %ss (%s ms late at worst), CPU s A %s B %s; kernel %s, A int %s, B ext %s: %s\n' \
		"$who" "$rate" $((rate * 2)) "$made" "$gone" "$secs" "$late" "$ca0" "$cb0" "$kern" "$int" "$ext" "${why:-pass}"
	[ -z "$why" ]
}

# tries WHO BIN RATE: up to TRIES trials, 0 at the first pass
tries() {
	local t
	for t in $(seq "$TRIES"); do
		trial "$@" && return 0
		[ $? = 2 ] && return 2
		[ "$t" -lt "$TRIES" ] && echo "    (again)"
	done
	return 1
}

# search WHO BIN: the highest rate that passes, into $best
search() {
	local r ok=0 bad=0 m
	r=$(eval echo "\${EVSYNC_R0_$1:-$R0}")
	while [ "$r" -le "$RMAX" ]; do
		if tries "$1" "$2" "$r"; then ok=$r; else bad=$r; break; fi
		r=$(awk -v r="$r" -v s="$STEP" 'BEGIN { printf "%d", r * s }')
	done
	if [ "$bad" != 0 ] && [ "$ok" != 0 ]; then
		for _ in 1 2; do
			m=$(((ok + bad) / 2))
			if tries "$1" "$2" "$m"; then ok=$m; else bad=$m; fi
		done
	fi
	best=$ok
}

declare -A got
# round R WHO BIN: its sustained rate in got[WHO-R]
round() {
	echo "round $1, $2:"
	search "$2" "$3"
	got[$2-$1]=$best
}
abba "$ROUNDS" "$WHO" round
low() {	# low WHO: the lowest of its rounds' rates
	local r v m=
	for r in $(seq "$ROUNDS"); do
		v=${got[$1-$r]}
		[ -z "$m" ] || [ "$v" -lt "$m" ] && m=$v
	done
	echo "$m"
}
case $WHO in *ours*ref*|*ref*ours*) ;; *) exit 0 ;; esac
o=$(low ours); f=$(low ref)
printf '%-58s %10s %10s %7s\n' "FT-FW/UDP, sustained without overrun ($ROUNDS rounds, ABBA)" ours 1.4.7 ratio
for r in $(seq "$ROUNDS"); do
	printf '%-58s %10d %10d\n' "round $r: flows/s created (and as many destroyed)" "${got[ours-$r]}" "${got[ref-$r]}"
done
awk -v o="$o" -v f="$f" 'BEGIN {
	printf "%-58s %10d %10d %7s\n", "events/s sustained, lower round (higher: better)", 2 * o, 2 * f,
		(f > 0 ? sprintf("%.2f", o / f) : "-")
}'
