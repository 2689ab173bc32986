#!/usr/bin/env bash
# The statistics of a sync daemon in 1.4.7's layout: for FT-FW, NOTRACK
# and ALARM, one daemon with a UDP channel on loopback holds a flow made
# with conntrack -I; every -s variant (and -i, -e) of ours must read as
# 1.4.7's in the same state, byte for byte but for what moves with time.
# The same for NOTRACK without an internal cache.
. "$(dirname "$0")/../lib.sh"

ns_new N
ip -n "$N" addr add 127.0.0.2/8 dev lo

# show BIN MODE [OPTION]: start BIN in MODE (with a mode OPTION line),
# make the flow, print every answer
show() {
	local bin=$1 mode=$2 opt=${3:-} s pid
	cat >"$T_TMP/m.conf" <<CONF
Sync {
	Mode $mode { $opt }
	UDP {
		IPv4_address 127.0.0.1
		IPv4_Destination_Address 127.0.0.2
		Port 3780
		Interface lo
	}
}
General {
	HashSize 1024
	HashLimit 8192
	LockFile $T_TMP/m.lock
	UNIX { Path $T_TMP/m.ctl }
	LogFile $T_TMP/m.log
}
CONF
	rm -f "$T_TMP/m.lock"
	in_ns "$N" "$bin" -C "$T_TMP/m.conf" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do [ -S "$T_TMP/m.ctl" ] && break; sleep 0.05; done
	in_ns "$N" conntrack -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1 \
		--dport 80 --state ESTABLISHED -t 100 >/dev/null 2>&1
	sleep 0.3
	for s in "" network cache link queue expect rsqueue process runtime; do
		echo "== -s $s"
		in_ns "$N" "$bin" -C "$T_TMP/m.conf" -s $s 2>&1
	done
	echo "== -i"; in_ns "$N" "$bin" -C "$T_TMP/m.conf" -i
	echo "== -e"; in_ns "$N" "$bin" -C "$T_TMP/m.conf" -e
	in_ns "$N" "$bin" -C "$T_TMP/m.conf" -k
	wait "$pid"
	in_ns "$N" conntrack -F >/dev/null 2>&1
}
# sequence numbers, the uptime and [active since] move between two runs
norm() { sed -E 's/seq:[0-9]+/seq:N/; s/^daemon uptime: .*/daemon uptime: N/; s/\[active since [0-9]+s\]/[active since Ns]/; s/^tcp      6 [0-9]+ /tcp      6 N /'; }

for m in FTFW NOTRACK ALARM; do
	show "$REF_BIN/conntrackd" $m | norm >"$T_TMP/ref.$m"
	show "$(ours_path conntrackd)" $m | norm >"$T_TMP/ours.$m"
	if diff -u "$T_TMP/ref.$m" "$T_TMP/ours.$m" >"$T_TMP/d.$m"; then
		t_ok "$m: every -s variant, -i and -e as 1.4.7's"
	else
		t_fail "$m: every -s variant, -i and -e as 1.4.7's" "$(cat "$T_TMP/d.$m")"
	fi
done
# without an internal cache: "internal bypass" counters, -i lists the
# kernel table.  The sent traffic is left out: 1.4.7 holds the event's
# datagram until its next ALIVE, ours sends it at the end of the turn.
unsent() { grep -Ev ' (Bytes|Pckts) sent '; }
show "$REF_BIN/conntrackd" NOTRACK "DisableInternalCache on" | norm | unsent >"$T_TMP/ref.bypass"
show "$(ours_path conntrackd)" NOTRACK "DisableInternalCache on" | norm | unsent >"$T_TMP/ours.bypass"
if diff -u "$T_TMP/ref.bypass" "$T_TMP/ours.bypass" >"$T_TMP/d.bypass"; then
	t_ok "DisableInternalCache: -s variants and -i (the kernel table) as 1.4.7's"
else
	t_fail "DisableInternalCache: -s variants and -i (the kernel table) as 1.4.7's" \
		"$(cat "$T_TMP/d.bypass")"
fi
# without an external cache: "external inject" counters
show "$REF_BIN/conntrackd" FTFW "DisableExternalCache on" | norm >"$T_TMP/ref.inject"
show "$(ours_path conntrackd)" FTFW "DisableExternalCache on" | norm >"$T_TMP/ours.inject"
if diff -u "$T_TMP/ref.inject" "$T_TMP/ours.inject" >"$T_TMP/d.inject"; then
	t_ok "DisableExternalCache: -s variants and -e as 1.4.7's"
else
	t_fail "DisableExternalCache: -s variants and -e as 1.4.7's" \
		"$(cat "$T_TMP/d.inject")"
fi
t_done
