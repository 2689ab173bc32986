# shellcheck shell=bash
# Sourced by sync.sh, latency.sh, memory.sh, events_sync.sh and
# events_drain.sh: two namespaces A and B on a veth (A's NET.1 on vTAGa <->
# B's NET.2 on vTAGb), FT-FW/UDP configs, starting and stopping the
# daemons, their RSS, CPU ticks and cache counts, the churn generator ctgen.
# Set first: TAG (names), NET (a /24 prefix like 10.214.0), MAXFLOWS (the
# kernel table must take that many in each namespace); optionally
# PAIR_CT=ours for $CTBOX_BUILD's conntrack as $CT (default 1.4.7's).  Then
# call nets (again for fresh namespaces).  Everything is deleted at exit and
# the host's conntrack limit put back.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
REF_BIN=${REF_BIN:-/usr/sbin}
CT=$REF_BIN/conntrack
[ "${PAIR_CT:-}" = ours ] && CT=$BUILD/bin/conntrack
ME=$(basename "$0")
A=ctbox-bench-${TAG}a-$$; B=ctbox-bench-${TAG}b-$$
TMP=$(mktemp -d "/tmp/ctbox-bench-${ME%.sh}.XXXXXX")
PIDS=()

# nets_del: A and B gone, with whatever runs in them
nets_del() {
	local ns
	for ns in "$A" "$B"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	nets_del
	[ -n "${old_max:-}" ] && sysctl -qw net.netfilter.nf_conntrack_max="$old_max"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for b in "$BUILD/bin/conntrackd" "$REF_BIN/conntrackd" "$CT"; do
	[ -x "$b" ] || { echo "$ME: no $b"; exit 1; }
done
# A new namespace's table is bounded by the host's limit: raise it for the
# run and put it back at exit.
old_max=$(sysctl -n net.netfilter.nf_conntrack_max)
if [ "$old_max" -lt "$MAXFLOWS" ]; then
	sysctl -qw net.netfilter.nf_conntrack_max="$MAXFLOWS"
else
	old_max=
fi
# nets: A and B afresh, linked by a veth
nets() {
	local ns
	nets_del
	for ns in "$A" "$B"; do ip netns add "$ns" && ip -n "$ns" link set lo up || return 1; done
	ip -n "$A" link add "v${TAG}a" type veth peer name "v${TAG}b" netns "$B" &&
	ip -n "$A" addr add "$NET.1/24" dev "v${TAG}a" &&
	ip -n "$B" addr add "$NET.2/24" dev "v${TAG}b" &&
	ip -n "$A" link set "v${TAG}a" up && ip -n "$B" link set "v${TAG}b" up
}

# conf FILE a|b PORT HASHLIMIT [NETLINK_BUFFER [HASHSIZE [GENERAL]]]: side
# a's or b's config; GENERAL: more lines for the General section
conf() {
	local base=${1%.conf} me=$NET.1 peer=$NET.2 nlbuf=${5:-2097152}
	[ "$2" = b ] && { me=$NET.2; peer=$NET.1; }
	cat >"$1" <<EOF2
Sync {
	Mode FTFW {
	}
	UDP {
		IPv4_address $me
		IPv4_Destination_Address $peer
		Port $3
		Interface v$TAG$2
		SndSocketBuffer 8388608
		RcvSocketBuffer 8388608
	}
}
General {
	HashSize ${6:-65536}
	HashLimit $4
	LogFile $base.log
	LockFile $base.lock
	UNIX {
		Path $base.ctl
	}
	NetlinkBufferSize $nlbuf
	NetlinkBufferSizeMaxGrowth $((nlbuf > 16777216 ? nlbuf : 16777216))
${7:-}	Filter From Userspace {
		Address Ignore {
			IPv4_address 127.0.0.1
			IPv4_address $NET.0/24
		}
	}
}
EOF2
}
now() { date +%s.%N; }
ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ { print $2 }' /proc/"$1"/status 2>/dev/null || echo 0; }
# cache_n NS BIN CONF internal|external: that cache's active objects, as
# `-s cache` shows them ("cache:external	active objects:	N")
cache_n() {
	ip netns exec "$1" "$2" -C "$3" -s cache 2>/dev/null |
		awk -v c="cache:$4" '$1 == c && /active objects/ { print $NF; exit }'
}
# start NS BIN CONF: the daemon in the foreground of a background job
# (ip netns exec execs it, so $! is its pid), its pid in $pid
start() {
	local base=${3%.conf}
	rm -f "$base.ctl" "$base.lock"
	ip netns exec "$1" "$2" -C "$3" >"$base.out" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 100); do
		[ -S "$base.ctl" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "$ME: $2 -C $3 did not start:"; cat "$base.out" "$base.log" 2>/dev/null | tail -5
	return 1
}
stop() {	# stop NS BIN CONF PID
	ip netns exec "$1" "$2" -C "$3" -k >/dev/null 2>&1
	for _ in $(seq 100); do kill -0 "$4" 2>/dev/null || break; sleep 0.05; done
	kill -9 "$4" 2>/dev/null
	wait "$4" 2>/dev/null
}
# ctgen_build: tests/bench/ctgen.c, the churn generator, as $TMP/ctgen
ctgen_build() { cc -O2 -o "$TMP/ctgen" "$TOP/tests/bench/ctgen.c"; }
# ctgen_why RATE SECS LIFE OUTPUT: empty when ctgen's OUTPUT ("made gone
# errors seconds late_ms") says it offered the rate: every flow made and
# destroyed, on time, without error; else what went wrong
ctgen_why() {
	local made gone errs secs why=""
	read -r made gone errs secs _ <<<"$4"
	if awk -v s="${secs:-1e9}" -v w="$2" 'BEGIN { exit !(s > w + 0.05) }' ||
	   [ "${made:-}" != $(($1 * $2)) ] || [ "${gone:-}" != $(($1 * ($2 - $3))) ]; then
		why="$why not offered (${made:-?}+${gone:-?} flows, ended at ${secs:-?} s);"
	fi
	[ "${errs:-x}" = 0 ] || why="$why ${errs:-?} generator errors;"
	echo "$why"
}
# overruns NS BIN CONF: the daemon's "netlink overrun" counter
overruns() {
	ip netns exec "$1" "$2" -C "$3" -s runtime 2>/dev/null |
		awk '/netlink overrun/ { print $NF; exit }'
}
# abba ROUNDS WHO FN: FN ROUND IMPL BIN for each round and each of WHO
# ("ours ref"), ours first in odd rounds and 1.4.7 first in even ones;
# stops at FN's first failure
abba() {
	local r w order bin
	for r in $(seq "$1"); do
		if [ $((r % 2)) = 1 ]; then order="ours ref"; else order="ref ours"; fi
		for w in $order; do
			case " $2 " in *" $w "*) ;; *) continue ;; esac
			bin=$BUILD/bin/conntrackd
			[ "$w" = ref ] && bin=$REF_BIN/conntrackd
			"$3" "$r" "$w" "$bin" || return 1
		done
	done
}
