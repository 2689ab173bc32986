#!/usr/bin/env bash
# Stats mode with real traffic: the reference conntrackd and ours run side
# by side in namespace A (each with its own lock, socket and logs) while A
# pings, sends UDP and opens a TCP connection to B.  Both must show the same
# cache (-i, -i -x), the same statistics (-s, -s cache, -s runtime) and,
# once the flows are destroyed, the same stats log lines.
. "$(dirname "$0")/../lib.sh"

ns_new A; ns_new B
ns_link "$A" eth0 "$B" eth0
ip -n "$A" addr add 10.20.0.1/24 dev eth0
ip -n "$B" addr add 10.20.0.2/24 dev eth0
in_ns "$A" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_timestamp=1 2>/dev/null
# conntrack only tracks a namespace that has a hook using it
cat >"$T_TMP/a.nft" <<'NFT'
table inet ctd20 {
	chain out { type filter hook output priority 0; ct state new counter; }
	chain in { type filter hook input priority 0; ct state new counter; }
}
NFT
in_ns "$A" nft -f "$T_TMP/a.nft" || t_fail "ruleset loaded in A"

mkconf() {	# mkconf WHO
	cat >"$T_TMP/$1.conf" <<CONF
General {
	HashSize 8192
	HashLimit 65535
	LockFile $T_TMP/$1.lock
	LogFile $T_TMP/$1.log
	UNIX { Path $T_TMP/$1.ctl }
}
Stats {
	LogFile $T_TMP/$1.stats
}
CONF
}
mkconf ref; mkconf ours
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/ref.conf" -d
in_ns "$A" "$(ours_path conntrackd)" -C "$T_TMP/ours.conf" -d
for i in $(seq 50); do
	[ -S "$T_TMP/ref.ctl" ] && [ -S "$T_TMP/ours.ctl" ] && break
	sleep 0.1
done

mode=$(stat -c %a "$T_TMP/ours.ctl" 2>/dev/null)
[ "$mode" = 600 ] && t_ok "control socket is mode 0600" ||
	t_fail "control socket is mode 0600" "got $mode"
mode=$(stat -c %a "$T_TMP/ours.lock" 2>/dev/null)
[ "$mode" = 600 ] && t_ok "lock file is mode 0600" ||
	t_fail "lock file is mode 0600" "got $mode"

in_ns "$A" ping -c1 -W1 10.20.0.2 >/dev/null
echo x | in_ns "$A" timeout 2 nc -u -w0 10.20.0.2 5000
in_ns "$B" timeout 3 nc -l 10.20.0.2 7000 >/dev/null &
sleep 0.3
echo hi | in_ns "$A" timeout 2 nc -N 10.20.0.2 7000
wait
sleep 0.5

# cmp_req DESC ARGS...: the same answer from both daemons.
cmp_req() {
	local desc=$1; shift
	in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/ref.conf" "$@" >"$T_TMP/r.out" 2>&1
	in_ns "$A" "$(ours_path conntrackd)" -C "$T_TMP/ours.conf" "$@" >"$T_TMP/o.out" 2>&1
	sed -E 's/\[active since [0-9]+s\]/[active since Ns]/' "$T_TMP/r.out" | LC_ALL=C sort >"$T_TMP/r.n"
	sed -E 's/\[active since [0-9]+s\]/[active since Ns]/' "$T_TMP/o.out" | LC_ALL=C sort >"$T_TMP/o.n"
	if [ -s "$T_TMP/r.n" ] || [ "${EMPTY_OK:-0}" = 1 ]; then :; else
		t_fail "$desc: the reference answered something" "$(cat "$T_TMP/r.out")"
		return
	fi
	if cmp -s "$T_TMP/r.n" "$T_TMP/o.n"; then t_ok "$desc"; else
		t_fail "$desc" "$(diff -u "$T_TMP/r.n" "$T_TMP/o.n" | head -30)"
	fi
}

cmp_req "-i shows the same flows" -i
n=$(grep -c . "$T_TMP/o.out")
[ "$n" -ge 3 ] && t_ok "-i shows the 3 flows" || t_fail "-i shows the 3 flows" "$(cat "$T_TMP/o.out")"
cmp_req "-i ct" -i ct
cmp_req "-i -x shows the same XML" -i -x
cmp_req "-s" -s
cmp_req "-s ct" -s ct
cmp_req "-s cache" -s cache
cmp_req "-s runtime" -s runtime
EMPTY_OK=1 cmp_req "-s network (nothing in stats mode)" -s network
EMPTY_OK=1 cmp_req "-s process" -s process
EMPTY_OK=1 cmp_req "-e (nothing in stats mode)" -e

in_ns "$A" conntrack -D >/dev/null 2>&1
sleep 0.5
cut -f2- "$T_TMP/ref.stats" | LC_ALL=C sort >"$T_TMP/rs"
cut -f2- "$T_TMP/ours.stats" | LC_ALL=C sort >"$T_TMP/os"
if [ -s "$T_TMP/rs" ] && cmp -s "$T_TMP/rs" "$T_TMP/os"; then
	t_ok "stats log: the same destroyed flows"
else
	t_fail "stats log: the same destroyed flows" "$(diff -u "$T_TMP/rs" "$T_TMP/os")"
fi
if grep -qvE '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}'$'\t' "$T_TMP/ours.stats"; then
	t_fail "stats log lines start with ctime and a TAB" "$(head -3 "$T_TMP/ours.stats")"
else
	t_ok "stats log lines start with ctime and a TAB"
fi
cmp_req "-s after the destroys (traffic processed)" -s
cmp_req "-s cache after the destroys" -s cache
EMPTY_OK=1 cmp_req "-i empty after the destroys" -i

# Resync from the kernel (-R) finds a flow created while we were not told
in_ns "$A" ping -c1 -W1 10.20.0.2 >/dev/null
sleep 0.3
EMPTY_OK=1 cmp_req "-f internal" -f internal
EMPTY_OK=1 cmp_req "-i after -f" -i
EMPTY_OK=1 cmp_req "-R" -R
cmp_req "-i after -R" -i
EMPTY_OK=1 cmp_req "-F" -F
sleep 0.3
EMPTY_OK=1 cmp_req "-i after -F" -i
cmp_req "-s runtime after -F and -R" -s runtime

EMPTY_OK=1 cmp_req "-k" -k
sleep 0.5
[ ! -e "$T_TMP/ours.lock" ] && [ ! -e "$T_TMP/ours.ctl" ] &&
	t_ok "-k removes lock and socket" ||
	t_fail "-k removes lock and socket" "$(ls "$T_TMP")"
sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //' "$T_TMP/ref.log" >"$T_TMP/rl"
sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //' "$T_TMP/ours.log" >"$T_TMP/ol"
if cmp -s "$T_TMP/rl" "$T_TMP/ol"; then t_ok "daemon log: the same lines"; else
	t_fail "daemon log: the same lines" "$(diff -u "$T_TMP/rl" "$T_TMP/ol")"
fi
t_done
