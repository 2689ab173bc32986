#!/usr/bin/env bash
# A table filled by real traffic: client A -- router R -- server B.  R
# forwards, masquerades, DNATs 8080 to 80, sets ct marks, a zone and
# connlabels, counts bytes and keeps timestamps.  Every listing of R's
# table, ours against the reference.
. "$(dirname "$0")/../lib.sh"
DATA=$TOP/tests/data/conntrack-kinds

ns_new A; ns_new R; ns_new B
ns_link "$A" eth0 "$R" ra
ns_link "$B" eth0 "$R" rb
ip -n "$A" addr add 10.30.1.2/24 dev eth0
ip -n "$A" addr add fd30:1::2/64 dev eth0 nodad
ip -n "$R" addr add 10.30.1.1/24 dev ra
ip -n "$R" addr add fd30:1::1/64 dev ra nodad
ip -n "$R" addr add 10.30.2.1/24 dev rb
ip -n "$R" addr add fd30:2::1/64 dev rb nodad
ip -n "$B" addr add 10.30.2.2/24 dev eth0
ip -n "$B" addr add fd30:2::2/64 dev eth0 nodad
ip -n "$A" route add default via 10.30.1.1
ip -n "$A" -6 route add default via fd30:1::1
ip -n "$B" route add default via 10.30.2.1
ip -n "$B" -6 route add default via fd30:2::1
in_ns "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1 \
	net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600 \
	net.netfilter.nf_conntrack_icmp_timeout=600 \
	net.netfilter.nf_conntrack_icmpv6_timeout=600

# Bit 1 (one) on TCP to 80, bit 5 (five) on ICMP, bit 3 (no name in the
# map: the reference prints a bare "labels") on UDP to 5353.
cat >"$T_TMP/r.nft" <<'NFT'
table inet h3 {
	chain raw {
		type filter hook prerouting priority raw;
		udp dport 5007 ct zone set 7
		udp sport 5007 ct zone set 7
	}
	chain pre {
		type nat hook prerouting priority dstnat;
		ip daddr 10.30.1.1 tcp dport 8080 dnat ip to 10.30.2.2:80
		ip6 daddr fd30:1::1 tcp dport 8080 dnat ip6 to [fd30:2::2]:80
	}
	chain forward_h3 {
		type filter hook forward priority filter;
		ct state new tcp dport 80 ct mark set 0x2a
		ct state new udp dport 5007 ct mark set 7
		ct state new tcp dport 80 ct label set 1
		ct state new udp dport 5353 ct label set 3
		ct state new meta l4proto icmp ct label set 5
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "rb" ip saddr 10.30.1.0/24 masquerade
		oifname "rb" ip6 saddr fd30:1::/64 udp dport 5353 masquerade to :40000-40010
	}
}
NFT
in_ns "$R" nft -f "$T_TMP/r.nft" || t_fail "router ruleset loaded"
t_connlabel_install "$DATA/connlabel.conf"

# --- traffic
in_ns "$A" ping -c 2 -i 0.2 -W 1 10.30.2.2 >/dev/null
in_ns "$A" ping -6 -c 2 -i 0.2 -W 1 fd30:2::2 >/dev/null
tcp_once() {	# tcp_once SERVER-ADDR-FAMILY CLIENT-DEST
	in_ns "$B" timeout 5 nc "$1" -l 80 >/dev/null &
	sleep 0.3
	echo hello | in_ns "$A" timeout 5 nc -N "$2" 8080
	wait
}
tcp_once -4 10.30.1.1
tcp_once -6 fd30:1::1
udp_echo() {	# udp_echo PORT DEST: one datagram each way
	(sleep 0.5; echo pong) | in_ns "$B" timeout 5 nc -u -l -q 1 "$1" >/dev/null &
	sleep 0.2
	(echo ping; sleep 1) | in_ns "$A" timeout 5 nc -u -q 1 "$2" "$1" >/dev/null
	wait
}
udp_echo 5353 10.30.2.2 &
udp_echo 5353 fd30:2::2 &
udp_echo 5007 10.30.2.2 &
udp_echo 5007 fd30:2::2 &
wait
# no listener: B answers port unreachable, the entry stays [UNREPLIED]
echo lost | in_ns "$A" nc -u -w 0 10.30.2.2 9999
# a TCP connection that stays open (idle: its counters do not move)
# (stderr to /dev/null: the subshells would report "Killed" at cleanup)
in_ns "$B" sh -c 'nc -l 81 >/dev/null' 2>/dev/null &
sleep 0.3
in_ns "$A" sh -c 'sleep 600 | nc 10.30.2.2 81' 2>/dev/null &
for i in 1 2 3 4 5 6 7 8 9 10; do
	in_ns "$R" "$REF_BIN/conntrack" -L -p tcp --dport 81 2>/dev/null |
		grep -q ESTABLISHED && break
	sleep 0.2
done

# --- sanity: the table holds what the traffic should have made
L=$(in_ns "$R" "$REF_BIN/conntrack" -L -o labels 2>/dev/null)
for want in 'icmp .*type=8 .*packets=2' 'icmpv6 .*type=128' \
	'TIME_WAIT src=10.30.1.2 dst=10.30.1.1 .*dport=8080 .*sport=80 .*mark=42' \
	'TIME_WAIT src=fd30:1::2 .*mark=42' 'udp .*dport=5353 .*labels$' \
	'udp .*dport=5007 .*mark=7 zone=7' 'ESTABLISHED .*dport=81 ' \
	'labels=one$' 'labels=five$' 'udp .*dport=9999 .*UNREPLIED'; do
	if grep -q -- "$want" <<<"$L"; then t_ok "table has $want"
	else t_fail "table has $want" "$L"; fi
done

# --- every listing
same "$R" "-L" conntrack -L
for f in extended xml save id ktimestamp labels extended,id,labels \
	xml,id,ktimestamp,labels; do
	same "$R" "-L -o $f" conntrack -L -o "$f"
done
SORT=0 same "$R" "-L -o xml (document order)" conntrack -L -o xml
same "$R" "-L -f ipv6" conntrack -L -f ipv6
same "$R" "-L -f ipv4 -o extended" conntrack -L -f ipv4 -o extended
same "$R" "-L -p tcp" conntrack -L -p tcp
same "$R" "-L -p udp --dport 5353" conntrack -L -p udp --dport 5353
same "$R" "-L -m 42" conntrack -L -m 42
same "$R" "-L -m 0x2/0x2" conntrack -L -m 0x2/0x2
same "$R" "-L -w 7" conntrack -L -w 7
same "$R" "-L -w 7 -f ipv6" conntrack -L -w 7 -f ipv6
same "$R" "-L --src-nat" conntrack -L --src-nat
same "$R" "-L --src-nat 10.30.2.1" conntrack -L --src-nat 10.30.2.1
same "$R" "-L --dst-nat" conntrack -L --dst-nat
same "$R" "-L --dst-nat 10.30.2.2:80" conntrack -L --dst-nat 10.30.2.2:80
same "$R" "-L -j" conntrack -L -j
same "$R" "-L -u ASSURED" conntrack -L -u ASSURED
same "$R" "-L -s 10.30.1.2 -o save" conntrack -L -s 10.30.1.2 -o save
same "$R" "-L -l one -o labels" conntrack -L -l one -o labels
same "$R" "-L dying" conntrack -L dying
same "$R" "-L unconfirmed" conntrack -L unconfirmed
same "$R" "-C" conntrack -C
NORM_SED='s/=[0-9]+ /=N /g' same "$R" "-S (names and layout)" conntrack -S

# --- -z: a listing that zeroes the counters, both ways round
zero_check() {	# zero_check DESC WHO-ZEROES OTHER
	local desc=$1 z=$2 o=$3 before after after_ref nz
	before=$(in_ns "$R" "$(${o}_bin)" -L 2>&1 | t_norm | LC_ALL=C sort)
	after=$(in_ns "$R" "$(${z}_bin)" -L -z 2>&1 | t_norm | LC_ALL=C sort)
	if [ "$before" = "$after" ]; then t_ok "$desc: -L -z shows the counters"
	else t_fail "$desc: -L -z shows the counters" \
		"$(diff <(echo "$before") <(echo "$after") | head -20)"; fi
	after=$(in_ns "$R" "$(${o}_bin)" -L 2>/dev/null)
	nz=$(grep -E -c 'packets=[1-9]|bytes=[1-9]' <<<"$after")
	if [ "$nz" = 0 ] && grep -q 'packets=0 bytes=0' <<<"$after"; then
		t_ok "$desc: counters are zero after -z"
	else
		t_fail "$desc: counters are zero after -z" "$after"
	fi
	same "$R" "$desc: -L after -z" conntrack -L
}
ours_bin() { ours_path conntrack; }
ref_bin() { echo "$REF_BIN/conntrack"; }
zero_check "ours zeroes" ours ref
in_ns "$A" ping -c 1 -W 1 10.30.2.2 >/dev/null
in_ns "$A" ping -6 -c 1 -W 1 fd30:2::2 >/dev/null
zero_check "ref zeroes" ref ours
same "$R" "-L -z -f ipv6 on zeroed counters" conntrack -L -z -f ipv6
t_done
