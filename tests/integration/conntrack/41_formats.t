#!/usr/bin/env bash
# Every -o format of -L against the reference on the same table: xml (with
# its quirks: SCTP state names, no ICMP fields, zones, counters), save
# (NAT -g/-n, zones, every protocol), extended, id, ktimestamp.
. "$(dirname "$0")/../lib.sh"

ns_new NS
in_ns "$NS" sysctl -qw net.netfilter.nf_conntrack_acct=1
in_ns "$NS" sysctl -qw net.netfilter.nf_conntrack_timestamp=1

mk() { in_ns "$NS" "$REF_BIN/conntrack" -I "$@" >/dev/null 2>&1 || t_fail "setup: conntrack -I $*"; }
mk -s 1.1.1.1 -d 2.2.2.3 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 99 -m 7
mk -s 2001:db8::1 -d 2001:db8::2 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p udplite --sport 1000 --dport 53 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p sctp --sport 1000 --dport 2000 --state ESTABLISHED --orig-vtag 111 --reply-vtag 222 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p gre --srckey 0x1234 --dstkey 0x5678 -t 99
mk -s 10.0.0.1 -d 224.0.0.1 -p 2 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p dccp --sport 1 --dport 2 --state OPEN --role client -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p udp --sport 6 --dport 80 --orig-zone 4 -n 10.0.0.7 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 5 --dport 80 -g 10.0.0.9 --state ESTABLISHED -u ASSURED,SEEN_REPLY -t 99
mk -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1 --dport 2 --state SYN_SENT -w 3 -m 5 -u ASSURED,SEEN_REPLY -t 99
mk -s 2001:db8::1 -d 2001:db8::2 -p udp --sport 3 --dport 4 -n 2001:db8::7 -t 99
mk -s 10.0.0.3 -d 10.0.0.4 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 5 --reply-zone 5 -t 99
mk -s ::ffff:1.2.3.4 -d 2001:db8::101:101 -p udp --sport 1 --dport 2 -t 99
mk -s 10.0.0.5 -d 10.0.0.6 -p tcp --sport 1 --dport 2 --state SYN_SENT -u FIXED_TIMEOUT -t 99

n=$(in_ns "$NS" "$REF_BIN/conntrack" -L 2>/dev/null | wc -l)
[ "$n" = 14 ] && t_ok "setup: 14 entries" || t_fail "setup: 14 entries" "got $n"

for o in xml save extended id extended,id ktimestamp extended,id,ktimestamp \
	 xml,id xml,ktimestamp xml,extended xml,save save,id userspace timestamp; do
	same "$NS" "-L -o $o" conntrack -L -o "$o"
done
same "$NS" "-L (default)" conntrack -L
same "$NS" "-L -f ipv6 -o xml" conntrack -L -f ipv6 -o xml
same "$NS" "-L -p sctp -o save" conntrack -L -p sctp -o save
same "$NS" "-G -o xml" conntrack -G -s 1.1.1.1 -d 2.2.2.3 -p tcp --sport 10 --dport 20 -o xml
same "$NS" "-G -o save" conntrack -G -s 10.0.0.1 -d 10.0.0.2 -p udp --sport 6 --dport 80 --orig-zone 4 -o save
# an empty XML listing prints nothing at all
same "$NS" "-L -o xml, nothing matches" conntrack -L -o xml -p tcp --dport 9

# the XML document itself is well formed
if command -v python3 >/dev/null; then
	in_ns "$NS" "$(ours_path conntrack)" -L -o xml 2>/dev/null >"$T_TMP/x.xml"
	if python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$T_TMP/x.xml" 2>"$T_TMP/x.err"; then
		t_ok "-L -o xml is well-formed XML"
	else
		t_fail "-L -o xml is well-formed XML" "$(cat "$T_TMP/x.err")"
	fi
fi

# -D consumes the entry: each side deletes its own fresh copy of it
del_cmp() {	# del_cmp DESC ARGS...: -D with ours and with the reference
	local desc=$1 who; shift
	for who in ref ours; do
		mk -s 10.9.9.9 -d 10.9.9.8 -p gre --srckey 0x99 --dstkey 0x98 -t 99
		if [ $who = ref ]; then
			in_ns "$NS" "$REF_BIN/conntrack" "$@" >"$T_TMP/d.$who" 2>&1
		else
			in_ns "$NS" "$(ours_path conntrack)" "$@" >"$T_TMP/d.$who" 2>&1
		fi
		echo "rc=$?" >>"$T_TMP/d.$who"
		t_norm <"$T_TMP/d.$who" | sed -E "s#<id>[0-9]+</id>#<id>I</id>#" >"$T_TMP/d.$who.n"
	done
	if cmp -s "$T_TMP/d.ref.n" "$T_TMP/d.ours.n"; then
		t_ok "$desc"
	else
		t_fail "$desc" "$(diff "$T_TMP/d.ref.n" "$T_TMP/d.ours.n")"
	fi
}
del_cmp "-D -o save prints -D lines" -D -s 10.9.9.9 -o save
del_cmp "-D -o xml has no document header" -D -s 10.9.9.9 -o xml
t_done
