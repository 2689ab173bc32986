#!/usr/bin/env bash
# Any process of the namespace can unicast a netlink message to the port
# id of a listener's event socket.  Such a message does not come from the
# kernel (its sender's nl_pid is not 0) and must be ignored: not printed,
# not fatal.  The forged message is a well-formed ctnetlink NEW event for
# a flow from 10.66.66.66, built here with perl's socket calls; a real
# flow created afterwards must still be shown.  1.4.7 prints the forged
# event as if the kernel had sent it (a deliberate difference).
. "$(dirname "$0")/../lib.sh"

ns_new NS

# event_portids PID: port ids of the NETLINK_NETFILTER sockets of PID that
# joined a multicast group (/proc/net/netlink of the namespace, matched to
# the process's socket inodes).
event_portids() {
	local pid=$1 inodes
	inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -nE 's/.*socket:\[([0-9]+)\]$/\1/p')
	in_ns "$NS" cat /proc/net/netlink | awk -v list=" $(echo $inodes) " '
		NR > 1 && $2 == 12 && $4 != "00000000" && index(list, " " $10 " ") { print $3 }'
}

# forge PORTID: one NEW event (orig tuple 10.66.66.66:4242 -> 10.0.0.2:53
# udp, reply tuple inverted, status CONFIRMED) unicast to PORTID.
forge() {
	in_ns "$NS" perl -e '
		use Socket;
		my $to = shift;
		sub nla { my ($t, $d) = @_; my $l = 4 + length $d;
			pack("SS", $l, $t) . $d . ("\0" x ((4 - $l % 4) % 4)) }
		sub tuple { my ($t, $s, $d, $sp, $dp) = @_;
			nla($t | 0x8000,
			    nla(1 | 0x8000, nla(1, inet_aton($s)) . nla(2, inet_aton($d))) .
			    nla(2 | 0x8000, nla(1, pack("C", 17)) . nla(2, pack("n", $sp)) .
					    nla(3, pack("n", $dp)))) }
		my $p = pack("CCn", 2, 0, 0) .
			tuple(1, "10.66.66.66", "10.0.0.2", 4242, 53) .
			tuple(2, "10.0.0.2", "10.66.66.66", 53, 4242) .
			nla(3, pack("N", 8)) . nla(7, pack("N", 30));
		my $msg = pack("LSSLL", 16 + length $p, 0x100, 0x600, 0, 0) . $p;
		socket(my $s, 16, SOCK_RAW, 12) or die "socket: $!";
		bind($s, pack("SSLL", 16, 0, 0, 0)) or die "bind: $!";
		send($s, $msg, 0, pack("SSLL", 16, 0, $to, 0)) or die "send: $!";
	' "$1"
}

for who in ours ref; do
	if [ $who = ours ]; then bin=$(ours_path conntrack); else bin=$REF_BIN/conntrack; fi
	ip netns exec "$NS" "$bin" -E -o extended >"$T_TMP/$who.out" 2>"$T_TMP/$who.err" &
	pid=$!
	sleep 0.4
	ports=$(event_portids $pid)
	t_check "$who: the listener's event socket found (port id ${ports:-none})" test -n "$ports"
	for port in $ports; do
		t_check "$who: forged NEW event sent to port id $port" forge "$port"
	done
	sleep 0.3
	in_ns "$NS" "$REF_BIN/conntrack" -I -s 10.77.77.77 -d 10.0.0.2 -p udp --sport 7 --dport 53 -t 30 >/dev/null 2>&1
	sleep 0.4
	alive=yes
	kill -0 $pid 2>/dev/null || alive=no
	kill -INT $pid 2>/dev/null
	wait $pid
	in_ns "$NS" "$REF_BIN/conntrack" -F >/dev/null 2>&1
	echo "# $who: $(tr '\n' '|' <"$T_TMP/$who.out") $(tr '\n' '|' <"$T_TMP/$who.err")"
	if [ $who = ours ]; then
		ours_check "ours: the forged event is not printed" sh -c "! grep -q 10.66.66.66 '$T_TMP/ours.out'"
		ours_check "ours: still listening after it" test $alive = yes
		ours_check "ours: the kernel's event is printed" grep -q 'src=10.77.77.77' "$T_TMP/ours.out"
		ours_check "ours: one event shown" grep -q '1 flow events have been shown' "$T_TMP/ours.err"
	fi
done
t_done
