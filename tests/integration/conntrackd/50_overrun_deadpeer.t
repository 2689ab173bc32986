#!/usr/bin/env bash
# The paced overrun resync (50_overrun_paced.t) with the peer gone: FT-FW
# paces the resync's kernel dump by the room in its resend queue, and only
# the peer's ACKs make room.  The sender's event socket is overrun by a
# burst of DEADPEER_FLOWS (default 6000) flows after the receiver was
# stopped, so the resync's dump must not wait for ACKs that cannot come:
# it would hold every dump queued behind it, a `-R` client among them,
# until the peer is back (as after a firewall's crash, when the survivor
# runs -R to take over).  For both pairs: -R comes back, and the sender's
# internal cache then holds its kernel table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

BURST=${DEADPEER_FLOWS:-6000}
sync_init

run() {	# run KS KR
	local s r pid rc
	sync_run_begin overrun-deadpeer "ftfw/udp overrun resync of $BURST flows, the peer gone, ResendQueueSize 1000" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	SYNC_NLBUF=8192 SYNC_NLBUF_MAX=8192 SYNC_GEN_OPTS="NetlinkOverrunResync 1" \
		SYNC_MODE_OPTS="ResendQueueSize 1000" \
		sync_pair_up ftfw udp "$1" "$2" "$s" "$r" || return 1
	sleep 2.5	# the handshake
	sync_stop "$r"
	pid=$(sync_pid "$s")
	kill -STOP "$pid"
	sync_bulk "$s" 0 "$BURST"
	kill -CONT "$pid"
	sleep 2		# the resync comes 1 s after the overrun
	timeout 20 ip netns exec "${SYNC_NS[$s]}" "$(sync_bin "$1")" \
		-C "${SYNC_CONF[$s]}" -R >/dev/null 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		t_ok "$SYNC_NAME: -R is answered while the peer is gone"
	else
		t_fail "$SYNC_NAME: -R is answered while the peer is gone" \
			"exit $rc (124: no answer in 20 s)" "$(sync_ctl "$s" -s queue 2>&1 | tail -6)"
	fi
	SYNC_WANT=kernel sync_exact "$SYNC_NAME: the sender's internal cache holds its kernel table" 10 "$s" "$s" int
	sync_stop "$s"
}

while read -r ks kr; do run "$ks" "$kr"; done < <(sync_fault_pairs)
t_done
