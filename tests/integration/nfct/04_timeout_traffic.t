#!/usr/bin/env bash
# A policy made by our nfct, attached by an iptables CT --timeout rule,
# governs real flows: our conntrack -L shows its timeouts.  A policy in
# use cannot be deleted (nor flushed away), as with the reference.
. "$(dirname "$0")/nfct_lib.sh"

if ! command -v iptables >/dev/null; then
	t_fail "iptables (Debian package iptables) is needed for this test"
	t_done
fi
nfct_pair
dual "add icmp policy" add timeout ping-pol inet icmp timeout 777
dual "add udp policy" add timeout udp-pol inet udp unreplied 555 replied 666
for ns in "$NS_REF" "$NS_OUR"; do
	in_ns "$ns" iptables -t raw -A OUTPUT -p icmp -j CT --timeout ping-pol || t_fail "CT rule (icmp)"
	in_ns "$ns" iptables -t raw -A OUTPUT -p udp --dport 5555 -j CT --timeout udp-pol ||
		t_fail "CT rule (udp)"
done

in_ns "$NS_OUR" ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
in_ns "$NS_OUR" bash -c 'echo hi >/dev/udp/127.0.0.1/5555' 2>/dev/null
out=$(in_ns "$NS_OUR" "$(ours_path conntrack)" -L 2>/dev/null)

# icmp 1 TIMEOUT src=... and udp 17 TIMEOUT src=...: a few seconds may
# have gone by since the flow was created.
icmp_t=$(awk '$1 == "icmp" { print $3 }' <<<"$out")
udp_t=$(awk '$1 == "udp" && /dport=5555/ { print $3 }' <<<"$out")
if [ -n "$icmp_t" ] && [ "$icmp_t" -le 777 ] && [ "$icmp_t" -ge 770 ]; then
	t_ok "ping flow runs on the policy's icmp timeout ($icmp_t)"
else
	t_fail "ping flow runs on the policy's icmp timeout" "$out"
fi
if [ -n "$udp_t" ] && [ "$udp_t" -le 555 ] && [ "$udp_t" -ge 548 ]; then
	t_ok "unreplied udp flow runs on the policy's UNREPLIED timeout ($udp_t)"
else
	t_fail "unreplied udp flow runs on the policy's UNREPLIED timeout" "$out"
fi

dual "delete of a policy in use fails" delete timeout ping-pol
expect_rc "delete in use: exit status 1" 1
dual "flush keeps policies in use" flush timeout
dual "policy still there" get timeout ping-pol
expect_out "policy unchanged" $'\t\t.TIMEOUT = 777,'

for ns in "$NS_REF" "$NS_OUR"; do
	in_ns "$ns" iptables -t raw -F OUTPUT
	in_ns "$ns" "$REF_BIN/conntrack" -F >/dev/null 2>&1
done
dual "delete once unused" delete timeout ping-pol
expect_rc "delete once unused: exit status 0" 0
dual "list shows what remains" list timeout
t_done
