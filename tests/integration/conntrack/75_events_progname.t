#!/usr/bin/env bash
# -E -o userspace names the program that caused an event (progname=,
# found through /proc/net/netlink and /proc/PID/fd) while that program
# still holds its socket: strace delays the sender's close() so it does.
# Without -o userspace no lookup is made (the portid alone is printed);
# -o save,userspace is taken, as by 1.4.7.
. "$(dirname "$0")/../lib.sh"
if ! command -v strace >/dev/null; then
	t_fail "strace (Debian package strace) is needed for this test"
	t_done
fi
ns_new NS

# ip netns exec, not a shell function: the pids are the listeners' own,
# which SIGINT stops
ours_l=$(ours_path conntrack)
ip netns exec "$NS" "$ours_l" -E -o userspace >"$T_TMP/u.out" 2>"$T_TMP/u.err" &
pu=$!
ip netns exec "$NS" "$ours_l" -E >"$T_TMP/n.out" 2>"$T_TMP/n.err" &
pn=$!
ip netns exec "$NS" "$REF_BIN/conntrack" -E -o userspace >"$T_TMP/r.out" 2>"$T_TMP/r.err" &
pr=$!
ip netns exec "$NS" "$ours_l" -E -o save,userspace >"$T_TMP/us.out" 2>/dev/null &
pus=$!
ip netns exec "$NS" "$REF_BIN/conntrack" -E -o save,userspace >"$T_TMP/rs.out" 2>/dev/null &
prs=$!
sleep 0.8
# the sender lingers 0.5 s in each close(): its socket is still in
# /proc/PID/fd when the listeners look it up
for a in 1 2; do
	in_ns "$NS" strace -qq -o /dev/null -e trace=close \
		-e inject=close:delay_enter=500000 "$REF_BIN/conntrack" \
		-I -s 10.0.0.$a -d 10.0.0.9 -p udp --sport 1 --dport 2 -t 50 \
		>/dev/null 2>&1
done
sleep 0.5
kill -INT $pu $pn $pr $pus $prs 2>/dev/null
wait

pat='\[NEW\] .* \[USERSPACE\] portid=[0-9]+ progname=conntrack$'
t_check "reference: -o userspace names the sender" \
	test "$(grep -Ec "$pat" "$T_TMP/r.out")" = 2
t_check "-o userspace: progname=conntrack on both NEW events" \
	test "$(grep -Ec "$pat" "$T_TMP/u.out")" = 2
t_check "-o save,userspace: as the reference (progname too)" \
	sh -c "grep -q ' progname=conntrack\$' '$T_TMP/us.out' && cmp '$T_TMP/rs.out' '$T_TMP/us.out'"
if ! t_ours_only "no progname without -o userspace"; then :
elif [ "$(grep -c 'portid=' "$T_TMP/n.out")" = 2 ] && ! grep -q progname= "$T_TMP/n.out"; then
	t_ok "no progname without -o userspace"
else
	t_fail "no progname without -o userspace" "$(cat "$T_TMP/n.out")"
fi
t_done
