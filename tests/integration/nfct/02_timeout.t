#!/usr/bin/env bash
# Every timeout command for every protocol cttimeout knows, compared with
# the reference step by step; get/list/default-get must show the values set.
. "$(dirname "$0")/nfct_lib.sh"

nfct_pair
TAB=$'\t'

# proto family states...
check_proto() {
	local proto=$1 fam=$2; shift 2
	local states=("$@") n=$# i args=() v

	dual "$proto: add one state" add timeout p-$proto $fam $proto ${states[0],,} 4242
	dual "$proto: get" get timeout p-$proto
	if [ "$proto" != dccp ]; then
		expect_out "$proto: get shows the value set" "$TAB$TAB.${states[0]} = 4242,"
		expect_out "$proto: get shows the name" ".p-$proto = {"
	fi
	dual "$proto: list" list timeout
	dual "$proto: legacy word order get" timeout get p-$proto
	dual "$proto: delete" delete timeout p-$proto
	dual "$proto: get after delete fails" get timeout p-$proto
	dual "$proto: delete again fails" delete timeout p-$proto
	for ((i = 0; i < n; i++)); do args+=("${states[i],,}" $((i + 1))); done
	dual "$proto: add all states" timeout add q-$proto $fam $proto "${args[@]}"
	dual "$proto: get all states" get timeout q-$proto
	if [ "$proto" != dccp ]; then
		for ((i = 0; i < n; i++)); do
			expect_out "$proto: ${states[i]} = $((i + 1))" "$TAB$TAB.${states[i]} = $((i + 1)),"
		done
		[ "$(grep -c "^$TAB$TAB\\." "$T_TMP/a.out")" = "$n" ] &&
			t_ok "$proto: exactly $n states listed" ||
			t_fail "$proto: exactly $n states listed" "$(cat "$T_TMP/a.out")"
	fi
	dual "$proto: delete all-state policy" del timeout q-$proto
	v=$((100 + ${#proto}))
	dual "$proto: default-set" default-set timeout $fam $proto ${states[n - 1]} $v
	dual "$proto: default-get" default-get timeout $fam $proto
	[ "$proto" != dccp ] &&
		expect_out "$proto: default-get shows the new default" "$TAB$TAB.${states[n - 1]} = $v,"
}

check_proto tcp inet SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK \
	TIME_WAIT CLOSE SYN_SENT2 RETRANS UNACKNOWLEDGED
check_proto udp inet UNREPLIED REPLIED
check_proto udplite inet6 UNREPLIED REPLIED
check_proto sctp inet CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED SHUTDOWN_SENT \
	SHUTDOWN_RECD SHUTDOWN_ACK_SENT
check_proto dccp inet REQUEST RESPOND PARTOPEN OPEN CLOSEREQ CLOSING TIMEWAIT
check_proto gre inet UNREPLIED REPLIED
check_proto icmp inet TIMEOUT
check_proto icmpv6 inet6 TIMEOUT
check_proto generic inet TIMEOUT

# Several policies at once, flush, and the protocol database's names.
dual "add ipv6-icmp by its database name" add timeout a1 inet6 ipv6-icmp timeout 5
dual "add TCP by its alias" add timeout a2 inet TCP Established 6 close 7
dual "repeated state: the last value wins" add timeout a3 inet udp replied 1 replied 2
dual "mixed-case states" add timeout a4 inet6 tcp fin_WAIT 9
dual "list several" list timeout
dual "add of an existing name fails" add timeout a1 inet tcp close 1
dual "get a1" get timeout a1
expect_out "existing policy unchanged" "$TAB$TAB.TIMEOUT = 5,"
dual "default-get igmp (no cttimeout support)" default-get timeout inet igmp
dual "default-get ignores extra words" default-get timeout inet tcp x
dual "flush" flush timeout
dual "list after flush" list timeout
[ -s "$T_TMP/a.out" ] && t_fail "flush emptied the table" "$(cat "$T_TMP/a.out")" ||
	t_ok "flush emptied the table"
dual "flush of an empty table" flush timeout
t_done
