#!/usr/bin/env bash
# -o json (our extension): one valid JSON object per entry (NDJSON), whose
# fields agree with what the reference prints for the same table.
. "$(dirname "$0")/../lib.sh"

command -v jq >/dev/null || { t_fail "jq is installed"; t_done; }
t_ours_only "-o json (1.4.7 has no JSON output)" || t_done

ns_new NS
in_ns "$NS" sysctl -qw net.netfilter.nf_conntrack_acct=1
in_ns "$NS" sysctl -qw net.netfilter.nf_conntrack_timestamp=1

mk() { in_ns "$NS" "$REF_BIN/conntrack" -I "$@" >/dev/null 2>&1 || t_fail "setup: conntrack -I $*"; }
mk -s 1.1.1.1 -d 2.2.2.3 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 99 -m 7
mk -s 2001:db8::1 -d 2001:db8::2 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p sctp --sport 1000 --dport 2000 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p gre --srckey 0x1234 --dstkey 0x5678 -t 99
mk -s 10.0.0.1 -d 224.0.0.1 -p 2 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p udp --sport 6 --dport 80 --orig-zone 4 -n 10.0.0.7 -t 99
mk -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 5 --dport 80 -g 10.0.0.9 --state ESTABLISHED -u ASSURED,SEEN_REPLY -t 99
mk -s ::ffff:1.2.3.4 -d 2001:db8::101:101 -p udp --sport 1 --dport 2 -w 3 -t 99

J=$T_TMP/j
in_ns "$NS" "$(ours_path conntrack)" -L -o json >"$J" 2>"$T_TMP/j.err"
rc=$?
[ $rc = 0 ] && t_ok "-L -o json exits 0" || t_fail "-L -o json exits 0" "rc=$rc" "$(cat "$T_TMP/j.err")"

if jq -e . "$J" >/dev/null 2>"$T_TMP/jq.err"; then
	t_ok "every line is valid JSON"
else
	t_fail "every line is valid JSON" "$(cat "$T_TMP/jq.err")" "$(head -3 "$J")"
fi
n=$(wc -l <"$J")
m=$(jq -c . "$J" | wc -l)
[ "$n" = 8 ] && [ "$m" = 8 ] && t_ok "one object per line, one per entry" ||
	t_fail "one object per line, one per entry" "lines=$n objects=$m"
if grep -q 'flow entries have been shown' "$T_TMP/j.err"; then
	t_ok "summary line on stderr"
else
	t_fail "summary line on stderr" "$(cat "$T_TMP/j.err")"
fi

# proto, addresses and id agree with the reference's -o id lines
in_ns "$NS" "$REF_BIN/conntrack" -L -o id 2>/dev/null |
	sed -E 's/^([a-z0-9]+) +[0-9]+ +[0-9]+ [A-Z_ ]*src=([^ ]+) dst=([^ ]+) .* id=([0-9]+)$/\1 \2 \3 \4/' |
	LC_ALL=C sort >"$T_TMP/ref.k"
jq -r '"\(.proto) \(.orig.src) \(.orig.dst) \(.id)"' "$J" | LC_ALL=C sort >"$T_TMP/our.k"
if cmp -s "$T_TMP/ref.k" "$T_TMP/our.k"; then
	t_ok "proto, addresses and ids match the reference"
else
	t_fail "proto, addresses and ids match the reference" "$(diff "$T_TMP/ref.k" "$T_TMP/our.k")"
fi

check() {	# check DESC JQ-FILTER: the filter must select exactly one entry
	local desc=$1 f=$2 c
	c=$(jq -c "select($f)" "$J" | wc -l)
	[ "$c" = 1 ] && t_ok "$desc" || t_fail "$desc" "selected $c entries with: $f"
}
check "tcp ports, state, mark" '.proto=="tcp" and .orig.sport==10 and .orig.dport==20 and .reply.sport==20 and .state=="ESTABLISHED" and .mark==7 and .tcp.state_num==3'
check "icmpv6 type/code/id both ways" '.family=="ipv6" and .proto=="icmpv6" and .orig.type==128 and .orig.code==0 and .orig.id==77 and .reply.type==129'
check "gre keys in decimal" '.proto=="gre" and .orig.srckey==4660 and .orig.dstkey==22136 and .reply.srckey==22136'
check "unknown protocol by number" '.proto=="unknown" and .protonum==2 and .orig.dst=="224.0.0.1"'
check "SNAT: orig zone, reply dst, status names" '.orig.zone==4 and .reply.dst=="10.0.0.7" and (.status|index("SRC_NAT_DONE")) != null and (.status_raw|type)=="number"'
check "DNAT: reply src, ASSURED" '.reply.src=="10.0.0.9" and (.status|index("ASSURED")) != null and (.status|index("SEEN_REPLY")) != null'
check "IPv4-mapped and embedded IPv6 text, zone" '.orig.src=="::ffff:1.2.3.4" and .orig.dst=="2001:db8::101:101" and .zone==3'
check "counters and timestamps" '.proto=="sctp" and .orig.packets==0 and .reply.bytes==0 and (.timestamp.start|type)=="number" and .delta_time>=0 and .use>=1 and .sctp.state=="ESTABLISHED"'

# json wins over xml, and nothing of the XML document is printed
in_ns "$NS" "$(ours_path conntrack)" -L -o xml,json 2>/dev/null >"$T_TMP/jx"
if jq -e . "$T_TMP/jx" >/dev/null 2>&1 && ! grep -q '<' "$T_TMP/jx"; then
	t_ok "-o xml,json prints JSON only"
else
	t_fail "-o xml,json prints JSON only" "$(head -3 "$T_TMP/jx")"
fi
t_done
