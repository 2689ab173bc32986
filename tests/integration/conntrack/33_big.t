#!/usr/bin/env bash
# 5,000 entries (loaded with the reference's -R): the dump runs over many
# netlink datagrams; nothing may be lost or shown twice.
. "$(dirname "$0")/../lib.sh"
N=5000

ns_new NS
# 3,000 IPv4 TCP, 1,000 IPv4 UDP, 1,000 IPv6 UDP with marks and zones
awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++) {
		a = int(i / 250); b = i % 250 + 1
		if (i < 3000)
			printf "-I -p tcp -s 10.33.%d.%d -d 10.34.0.1 --sport %d --dport 443 --state ESTABLISHED -t 600 -u SEEN_REPLY,ASSURED -m %d\n", a, b, 1024 + i, i % 7
		else if (i < 4000)
			printf "-I -p udp -s 10.35.%d.%d -d 10.36.0.1 --sport %d --dport 53 -t 600 -w %d\n", a, b, 2000 + i, i % 3
		else
			printf "-I -p udp -s 2001:db8:33::%x -d 2001:db8:34::1 --sport %d --dport 5353 -t 600\n", i, 3000 + i
	}
}' >"$T_TMP/big.txt"
in_ns "$NS" "$REF_BIN/conntrack" -R "$T_TMP/big.txt" >"$T_TMP/load.out" 2>&1 ||
	t_fail "reference -R loads $N entries" "$(head -5 "$T_TMP/load.out")"
c=$(in_ns "$NS" "$REF_BIN/conntrack" -C)
if [ "$c" = $N ]; then t_ok "$N entries loaded"
else t_fail "$N entries loaded" "-C says $c"; fi

same "$NS" "-C of $N" conntrack -C
same "$NS" "-L of $N (sorted)" conntrack -L
same "$NS" "-L -o xml of $N (sorted)" conntrack -L -o xml
SORT=0 same "$NS" "-L -o xml of $N (kernel order)" conntrack -L -o xml
same "$NS" "-L -o extended,id of $N (sorted)" conntrack -L -o extended,id
same "$NS" "-L -f ipv6 of $N" conntrack -L -f ipv6
same "$NS" "-L -m 3 of $N" conntrack -L -m 3

# ours alone: one line per entry, none twice, as many as -C says
in_ns "$NS" "$(ours_path conntrack)" -L >"$T_TMP/ours.l" 2>"$T_TMP/ours.e"
lines=$(wc -l <"$T_TMP/ours.l")
dups=$(sed -E 's/^([a-z]+ +[0-9]+ )[0-9]+ /\1/' "$T_TMP/ours.l" | sort | uniq -d | wc -l)
if [ "$lines" = "$c" ] && [ "$dups" = 0 ]; then
	t_ok "ours -L: $lines lines = -C, no duplicates"
else
	t_fail "ours -L: one line per entry" "lines=$lines -C=$c duplicates=$dups"
fi
if grep -qx "conntrack v[0-9.]* ([a-z-]*): $c flow entries have been shown." "$T_TMP/ours.e"
then t_ok "ours -L: summary counts $c"
else t_fail "ours -L: summary counts $c" "$(cat "$T_TMP/ours.e")"; fi
t_done
