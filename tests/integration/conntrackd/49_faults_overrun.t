#!/usr/bin/env bash
# Issue 13, overrun: FT-FW/UDP whose sender's event socket is too small
# for a burst (NetlinkBufferSize = NetlinkBufferSizeMaxGrowth = 8 kB, so
# it cannot grow, and the daemon SIGSTOPped during the burst, then
# continued): the kernel drops events (ENOBUFS, counted in -s runtime as
# "netlink overrun"), and the overrun resync (NetlinkOverrunResync 1)
# restores completeness: the receiver's external cache holds exactly the
# sender's table.  The 1.4.7 pair and the ctbox pair in the same run;
# tests/bench/faults.sh does it with 500,000 flows.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

BURST=${FAULT_BURST:-5000}
sync_init

overruns() {
	sync_ctl "$1" -s runtime 2>/dev/null | awk '/netlink overrun:/ { print $NF; exit }'
}

overrun_run() {	# overrun_run KS KR
	local s r o pid
	sync_run_begin faults-overrun "ftfw/udp overrun" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	SYNC_NLBUF=8192 SYNC_NLBUF_MAX=8192 SYNC_GEN_OPTS="NetlinkOverrunResync 1" \
		sync_pair_up ftfw udp "$1" "$2" "$s" "$r" || return 1
	sleep 2.5	# the handshake
	# the daemon stopped for the burst: the overrun is certain, however
	# fast it reads
	pid=$(sync_pid "$s")
	kill -STOP "$pid"
	sync_bulk "$s" 0 "$BURST"
	kill -CONT "$pid"
	sleep 0.2
	o=$(overruns "$s")
	echo "# $SYNC_NAME: sender's netlink overrun ${o:-?}"
	if [ "${o:-0}" -gt 0 ]; then
		t_ok "$SYNC_NAME: the burst overruns the sender's event socket"
	else
		t_fail "$SYNC_NAME: the burst overruns the sender's event socket" "$(sync_ctl "$s" -s runtime 2>&1)"
	fi
	sync_exact "$SYNC_NAME: the overrun resync restores the receiver's external cache to the sender's table" \
		30 "$s" "$r"
	sync_stop A; sync_stop B
}

while read -r ks kr; do overrun_run "$ks" "$kr"; done < <(sync_fault_pairs)
t_done
