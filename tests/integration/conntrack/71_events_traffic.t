#!/usr/bin/env bash
# conntrack -E on events caused by real traffic (ping, UDP and TCP with
# nc from another namespace), ours and the reference listening side by
# side; then a flush for the DESTROY events.  Outputs must be identical.
. "$(dirname "$0")/../lib.sh"

ns_new A
ns_new B
ns_link "$A" va "$B" vb
in_ns "$A" ip addr add 10.71.0.1/24 dev va
in_ns "$B" ip addr add 10.71.0.2/24 dev vb
in_ns "$A" ip addr add fd71::1/64 dev va nodad
in_ns "$B" ip addr add fd71::2/64 dev vb nodad
in_ns "$B" sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null
# a ruleset that needs conntrack turns it on in B
in_ns "$B" nft -f - <<'NFT' || t_fail "ruleset loaded"
table inet t {
	chain in { type filter hook input priority 0; ct state new counter; }
}
NFT

CASES=("" "-p tcp" "-p udp" "-p icmp" "-o xml" "-o extended,id" "-e DESTROY"
       "-s 10.71.0.1 -p tcp --dport 8080" "-f ipv6" "-o save")

pids=()
i=0
for c in "${CASES[@]}"; do
	read -r -a args <<<"$c"
	ip netns exec "$B" "$REF_BIN/conntrack" -E "${args[@]}" >"$T_TMP/r$i.out" 2>"$T_TMP/r$i.err" &
	pids+=($!)
	ip netns exec "$B" "$(ours_path conntrack)" -E "${args[@]}" >"$T_TMP/o$i.out" 2>"$T_TMP/o$i.err" &
	pids+=($!)
	i=$((i + 1))
done
sleep 0.8

in_ns "$A" ping -c 1 -W 1 10.71.0.2 >/dev/null
in_ns "$A" ping -6 -c 1 -W 1 fd71::2 >/dev/null
in_ns "$B" timeout 5 nc -l 8080 >/dev/null &
sleep 0.3
echo hello | in_ns "$A" timeout 5 nc -N 10.71.0.2 8080
wait $! 2>/dev/null
(sleep 0.3; echo pong) | in_ns "$B" timeout 3 nc -u -l -q 1 5353 >/dev/null &
sleep 0.2
(echo ping; sleep 0.6) | in_ns "$A" timeout 3 nc -u -q 1 10.71.0.2 5353 >/dev/null
sleep 0.5
in_ns "$B" "$REF_BIN/conntrack" -F >/dev/null 2>&1
sleep 0.8
kill -INT "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null

norm_ev() {
	t_norm | sed -E -e 's/ \[USERSPACE\] portid=[0-9]+( progname=[^ <]*)?/ [USERSPACE]/' \
		-e 's/delta-time=[0-9]+/delta-time=D/' \
		-e 's#<deltatime>[0-9]+</deltatime>#<deltatime>D</deltatime>#'
}
i=0
for c in "${CASES[@]}"; do
	for f in r o; do
		norm_ev <"$T_TMP/$f$i.out" >"$T_TMP/$f$i.n"
		norm_ev <"$T_TMP/$f$i.err" >"$T_TMP/$f$i.en"
	done
	n=$(wc -l <"$T_TMP/r$i.n")
	if [ "$n" -gt 0 ] && cmp -s "$T_TMP/r$i.n" "$T_TMP/o$i.n" &&
	   cmp -s "$T_TMP/r$i.en" "$T_TMP/o$i.en"; then
		t_ok "traffic -E ${c:-(no options)}: same $n lines as the reference"
	else
		t_fail "traffic -E ${c:-(no options)}: differs from the reference ($n lines)" \
			"$(diff -u "$T_TMP/r$i.n" "$T_TMP/o$i.n" | head -20)" \
			"$(diff -u "$T_TMP/r$i.en" "$T_TMP/o$i.en")"
	fi
	i=$((i + 1))
done
t_check "TCP went through NEW, UPDATE and DESTROY" \
	sh -c "grep -q '^    \[NEW\] tcp' '$T_TMP/o0.out' && grep -q '^ \[UPDATE\] tcp.*ESTABLISHED' '$T_TMP/o0.out' && grep -q '^\[DESTROY\] tcp' '$T_TMP/o0.out'"
t_check "kernel-caused events carry no [USERSPACE] suffix" \
	sh -c "! grep -q '^    \[NEW\].*USERSPACE' '$T_TMP/o0.out'"
t_done
