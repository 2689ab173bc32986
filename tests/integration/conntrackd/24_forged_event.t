#!/usr/bin/env bash
# conntrackd's event socket, like conntrack -E's, takes only what the
# kernel sends: a ctnetlink NEW event forged by a local process and unicast
# to its port id must not enter the cache (1.4.7's conntrackd drops it too,
# through libnfnetlink; ours is connected to the kernel, which refuses the
# forgery), while a real flow created afterwards does.
. "$(dirname "$0")/../lib.sh"

ns_new NS
. "$(dirname "$0")/../forge.sh"

for who in ours ref; do
	if [ $who = ours ]; then bin=$(ours_path conntrackd); else bin=$REF_BIN/conntrackd; fi
	cat >"$T_TMP/$who.conf" <<CONF
General {
	HashSize 8192
	HashLimit 65535
	LockFile $T_TMP/$who.lock
	LogFile $T_TMP/$who.log
	UNIX { Path $T_TMP/$who.ctl }
}
Stats {
	LogFile $T_TMP/$who.stats
}
CONF
	ip netns exec "$NS" "$bin" -C "$T_TMP/$who.conf" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		[ -S "$T_TMP/$who.ctl" ] && break
		sleep 0.1
	done
	ports=$(event_portids $pid)
	t_check "$who: the daemon's event socket found (port id ${ports:-none})" test -n "$ports"
	for port in $ports; do
		if [ $who = ours ] && [ "${TEST_REF:-0}" != 1 ]; then
			# its event socket is connected to the kernel, which
			# refuses the forgery at the sender
			forge "$port" 2>"$T_TMP/forge.err" && sent=yes || sent=no
			ours_check "$who: a forged NEW event to port id $port is refused by the kernel" \
				sh -c "test $sent = no && grep -q 'Connection refused' '$T_TMP/forge.err'"
		else
			t_check "$who: forged NEW event sent to port id $port" forge "$port"
		fi
	done
	in_ns "$NS" "$REF_BIN/conntrack" -I -s 10.77.77.77 -d 10.0.0.2 -p udp --sport 7 --dport 53 -t 30 >/dev/null 2>&1
	sleep 0.5
	in_ns "$NS" "$bin" -C "$T_TMP/$who.conf" -i >"$T_TMP/$who.cache" 2>&1
	alive=yes
	kill -0 $pid 2>/dev/null || alive=no
	in_ns "$NS" "$bin" -C "$T_TMP/$who.conf" -k >/dev/null 2>&1
	wait $pid
	in_ns "$NS" "$REF_BIN/conntrack" -F >/dev/null 2>&1
	echo "# $who cache: $(tr '\n' '|' <"$T_TMP/$who.cache")"
	t_check "$who: the forged flow is not cached" sh -c "! grep -q 10.66.66.66 '$T_TMP/$who.cache'"
	t_check "$who: still running after it" test $alive = yes
	t_check "$who: the kernel's flow is cached" grep -q 'src=10.77.77.77' "$T_TMP/$who.cache"
done
t_done
