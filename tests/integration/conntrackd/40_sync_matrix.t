#!/usr/bin/env bash
# Issue 12's interop matrix: two firewalls in namespaces syncing over a
# veth, every mode (FT-FW, ALARM, NOTRACK) x channel (UDP, Multicast,
# TCP), plus FT-FW over IPv6 UDP, IPv6 multicast and IPv6 TCP and NOTRACK
# over IPv6 UDP.  Per run: flows of every kind made on the sender (conntrack -I and
# real traffic through it) appear in the receiver's external cache as
# 1.4.7 shows them, -c puts them in its kernel, updates and deletions
# propagate, -n and -B (ALARM: the refresh) fill a receiver that started
# late.  The ref->ref run of a cell (1.4.7 both sides) is its baseline;
# the other runs (SIDE_A/SIDE_B, default ours<->ref both ways and
# ours->ours) must show the same.  SYNC_CELLS="mode:chan ..." picks cells.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

sync_init
CELLS=${SYNC_CELLS:-"ftfw:udp ftfw:mcast ftfw:tcp alarm:udp alarm:mcast alarm:tcp notrack:udp notrack:mcast notrack:tcp ftfw:udp6 ftfw:mcast6 ftfw:tcp6 notrack:udp6"}
for cell in $CELLS; do
	mode=${cell%%:*} chan=${cell#*:}
	sync_cell "$mode" "$chan" ref ref a2b
	sync_each_run "$mode/$chan" sync_cell "$mode" "$chan"
done
t_done
