#!/usr/bin/env bash
# conntrackd stats mode, ours against the reference on the same burst: N
# flows created with the reference `conntrack -R` while the daemon runs.
# Reported: how long until every flow is in the cache (events absorbed per
# second), how many were lost to overruns, and memory per cached flow
# (RSS growth / N).  Ratios are ours / reference.
N=${BENCH_FLOWS:-200000}
NS_TAG=ctd
. "$(dirname "$0")/ctd_setup.sh"

# run WHO BIN -> "seconds cached overruns rss_per_flow"
run() {
	local who=$1 bin=$2 pid t0 t1 cached=0 rss0 rss1 ov
	cat >"$TMP/$who.conf" <<CONF
General {
	HashSize 65536
	HashLimit $((N * 2))
	LockFile $TMP/$who.lock
	UNIX { Path $TMP/$who.ctl }
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 16777216
}
Stats { LogFile off }
CONF
	inns "$REF_BIN/conntrack" -F 2>/dev/null
	inns "$bin" -C "$TMP/$who.conf" >/dev/null 2>&1 &
	for _ in $(seq 100); do [ -S "$TMP/$who.ctl" ] && break; sleep 0.05; done
	pid=$(inns sh -c 'ls /proc' >/dev/null; ip netns pids "$NS" | head -1)
	rss0=$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status)
	t0=$(date +%s.%N)
	inns "$REF_BIN/conntrack" -R "$TMP/flows" 2>/dev/null
	for _ in $(seq 1200); do
		cached=$(inns "$bin" -C "$TMP/$who.conf" -s |
			awk '/current active connections/ {print $4}')
		[ "${cached:-0}" -ge "$N" ] && break
		sleep 0.05
	done
	t1=$(date +%s.%N)
	rss1=$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status)
	ov=$(inns "$bin" -C "$TMP/$who.conf" -s runtime | awk '/netlink overrun/ {print $3}')
	inns "$bin" -C "$TMP/$who.conf" -k
	for _ in $(seq 100); do [ -e "$TMP/$who.lock" ] || break; sleep 0.05; done
	awk -v t0="$t0" -v t1="$t1" -v c="$cached" -v o="$ov" -v r0="$rss0" -v r1="$rss1" -v n="$N" \
		'BEGIN { printf "%.3f %d %d %.1f\n", t1 - t0, c, o, (r1 - r0) * 1024 / n }'
}

r=$(run ref "$REF_BIN/conntrackd")
o=$(run ours "$BUILD/bin/conntrackd")
awk -v o="$o" -v r="$r" -v n="$N" 'BEGIN {
	split(o, a, " "); split(r, b, " ")
	printf "%-36s %12s %12s %8s\n", "conntrackd stats mode, " n " flows", "ours", "reference", "ratio"
	printf "%-36s %12.0f %12.0f %8.3f\n", "events absorbed per second", a[2] / a[1], b[2] / b[1], (a[2] / a[1]) / (b[2] / b[1])
	printf "%-36s %12.3f %12.3f %8.3f\n", "seconds until the cache is full", a[1], b[1], a[1] / b[1]
	printf "%-36s %12d %12d\n", "flows in cache", a[2], b[2]
	printf "%-36s %12d %12d\n", "netlink overruns", a[3], b[3]
	printf "%-36s %12.1f %12.1f %8.3f\n", "memory per cached flow (bytes)", a[4], b[4], (b[4] > 0 ? a[4] / b[4] : 0)
}'
