#!/usr/bin/env bash
# conntrackd with a large Filter address list (BENCH_FILTER_ADDRS, 65536
# IPv4 addresses in 172.16.0.0/16, Address Ignore, From Userspace), ours
# against the reference in one run:
#  - client command: `conntrackd -s` with no daemon running, i.e. reading
#    the config (what every -s, -i, -k pays) and the failed connect;
#  - per event: daemon CPU time (utime + stime) while N flows that the
#    list does not hold are created and cached, divided by N.
A=${BENCH_FILTER_ADDRS:-65536}
N=${BENCH_FLOWS:-20000}
NS_TAG=filter
. "$(dirname "$0")/ctd_setup.sh"
awk -v a="$A" 'BEGIN {
	for (i = 0; i < a; i++)
		printf "\t\tIPv4_address 172.%d.%d.%d\n", 16 + int(i / 65536) % 16,
			int(i / 256) % 256, i % 256
}' >"$TMP/addrs"

mkconf() {	# mkconf WHO
	{
		cat <<CONF
General {
	HashSize 65536
	HashLimit $((N * 2))
	LockFile $TMP/$1.lock
	UNIX { Path $TMP/$1.ctl }
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 16777216
	Filter From Userspace {
		Address Ignore {
CONF
		cat "$TMP/addrs"
		printf '\t\t}\n\t}\n}\nStats { LogFile off }\n'
	} >"$TMP/$1.conf"
}

# client WHO BIN -> seconds per -s with no daemon (best of 3)
client() {
	local best=999 t0 t1 t i
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		inns "$2" -C "$TMP/$1.conf" -s >/dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (b < a) ? b : a }')
	done
	echo "$best"
}

ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat; }

# events WHO BIN -> "microseconds_of_cpu_per_event cached"
events() {
	local pid c0 c1 cached=0 hz
	hz=$(getconf CLK_TCK)
	inns "$REF_BIN/conntrack" -F 2>/dev/null
	inns "$2" -C "$TMP/$1.conf" >/dev/null 2>&1 &
	for _ in $(seq 600); do [ -S "$TMP/$1.ctl" ] && break; sleep 0.05; done
	pid=$(ip netns pids "$NS" | head -1)
	c0=$(ticks "$pid")
	inns "$REF_BIN/conntrack" -R "$TMP/flows" 2>/dev/null
	for _ in $(seq 1200); do
		cached=$(inns "$2" -C "$TMP/$1.conf" -s 2>/dev/null |
			awk '/current active connections/ {print $4}')
		[ "${cached:-0}" -ge "$N" ] && break
		sleep 0.2
	done
	c1=$(ticks "$pid")
	inns "$2" -C "$TMP/$1.conf" -k
	for _ in $(seq 100); do [ -e "$TMP/$1.lock" ] || break; sleep 0.05; done
	awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$N" -v c="$cached" \
		'BEGIN { printf "%.2f %d\n", (b - a) / hz * 1e6 / n, c }'
}

mkconf ref; mkconf ours
rc=$(client ref "$REF_BIN/conntrackd"); oc=$(client ours "$BUILD/bin/conntrackd")
re=$(events ref "$REF_BIN/conntrackd"); oe=$(events ours "$BUILD/bin/conntrackd")
awk -v rc="$rc" -v oc="$oc" -v re="$re" -v oe="$oe" -v a="$A" -v n="$N" 'BEGIN {
	split(oe, o, " "); split(re, r, " ")
	printf "%-44s %12s %12s %8s\n", "conntrackd, Filter of " a " addresses", "ours", "reference", "ratio"
	printf "%-44s %12.4f %12.4f %8.3f\n", "seconds per client command (-s)", oc, rc, oc / rc
	printf "%-44s %12.2f %12.2f %8.3f\n", "daemon CPU us per event (" n " flows)", o[1], r[1], (r[1] > 0 ? o[1] / r[1] : 0)
	printf "%-44s %12d %12d\n", "flows cached", o[2], r[2]
}'
