#!/usr/bin/env bash
# Issue 13, the 500k overrun that did not converge, CI-sized: FT-FW/UDP,
# the sender's event socket overrun by a burst of OVERRUN_FLOWS (default
# 6000) flows (8 kB that cannot grow, the daemon stopped during the
# burst), its resend queue far smaller than the table (ResendQueueSize
# 1000) and OVERRUN_LOSS % (default 5) of the sync datagrams dropped both
# ways while the overrun resync (NetlinkOverrunResync 1) sends the table.
# 1.4.7 queues the whole dump at once, so its resend queue lets go of what
# the receiver has not acknowledged yet and a loss there is never
# repaired (its line is printed, not checked).  ctbox reads the dump only
# as fast as its resend queue has room: the queue never overflows ("not
# enough space errors" 0), and once the loss stops the receiver's
# external cache holds exactly the sender's table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

BURST=${OVERRUN_FLOWS:-6000}
LOSS=${OVERRUN_LOSS:-5}
sync_init

rsq_err() {	# rsq_err SIDE: the rsqueue's "not enough space errors"
	sync_ctl "$1" -s queue 2>/dev/null | awk '/^queue rsqueue:/ { q = 1 }
		q && /not enough space/ { print $NF; exit }'
}

run() {	# run KS KR
	local s r pid err
	sync_run_begin overrun-paced "ftfw/udp overrun resync of $BURST flows, ${LOSS}% loss, ResendQueueSize 1000" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	SYNC_NLBUF=8192 SYNC_NLBUF_MAX=8192 SYNC_GEN_OPTS="NetlinkOverrunResync 1" \
		SYNC_MODE_OPTS="ResendQueueSize 1000"$'\n\t\t'"ACKWindowSize 2000" SYNC_CHAN_OPTS="RcvSocketBuffer 8388608 SndSocketBuffer 8388608" \
		sync_pair_up ftfw udp "$1" "$2" "$s" "$r" || return 1
	sleep 2.5	# the handshake, on a clean link
	pid=$(sync_pid "$s")
	kill -STOP "$pid"
	sync_bulk "$s" 0 "$BURST"
	sync_loss_on "$s" "$LOSS"; sync_loss_on "$r" "$LOSS"
	kill -CONT "$pid"
	sleep 4		# the resync comes 1 s after the overrun
	sync_loss_off "$s"; sync_loss_off "$r"
	if [ "$1" = ref ]; then
		sleep 20
		sync_exact "$SYNC_NAME: (a 1.4.7 sender, not checked)" 0 "$s" "$r" 2>&1 |
			sed -n 's/^\(not \)*ok - /# /p; s/^    after/#   after/p' | head -2
	else
		sync_exact "$SYNC_NAME: after the overrun resync the receiver's external cache is exactly the sender's table" \
			30 "$s" "$r"
	fi
	err=$(rsq_err "$s")
	echo "# $SYNC_NAME: sender's netlink overrun $(sync_ctl "$s" -s runtime 2>/dev/null | awk '/netlink overrun:/ { print $NF; exit }'), rsqueue not enough space ${err:-?}"
	if [ "$1" = ours ]; then
		if [ "${err:-x}" = 0 ]; then
			t_ok "$SYNC_NAME: the overrun resync is paced by the resend queue (it never overflows)"
		else
			t_fail "$SYNC_NAME: the overrun resync is paced by the resend queue (it never overflows)" \
				"not enough space errors: ${err:-?}" "$(sync_ctl "$s" -s queue 2>&1 | tail -4)"
		fi
	fi
	sync_stop A; sync_stop B
}

while read -r ks kr; do run "$ks" "$kr"; done < <(sync_fault_pairs)
t_done
