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

. "$(dirname "$0")/../forge.sh"

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
