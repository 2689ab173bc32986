#!/usr/bin/env bash
# Issue 13, the 1M bulk that did not complete, CI-sized: FT-FW/UDP with a
# resend queue far smaller than the table (ResendQueueSize 1000 beside
# BULK_FLOWS, default 20000, flows) and a share of the sync datagrams
# dropped at random both ways (nftables numgen, BULK_LOSS %, default 5)
# while the sender bulk-sends its table (-B) to a receiver whose external
# cache was flushed.  A bulk sent faster than it is acknowledged pushes
# its own unacknowledged messages out of the resend queue, so the NACK of
# a lost one finds nothing to send again: 1.4.7 loses those flows for
# good (with a 1.4.7 sender the line is printed, not checked).  ctbox paces a bulk by its
# resend queue and sends the table again when a NACK asks for messages
# it no longer holds: once the loss stops, the receiver's external cache
# holds exactly the sender's table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

N=${BULK_FLOWS:-20000}
LOSS=${BULK_LOSS:-5}
sync_init

bulk_run() {	# bulk_run KS KR
	local s r
	sync_run_begin bulk-loss "ftfw/udp -B of $N flows, ${LOSS}% loss, ResendQueueSize 1000" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	SYNC_MODE_OPTS="ResendQueueSize 1000" SYNC_CHAN_OPTS="RcvSocketBuffer 8388608" \
		sync_pair_up ftfw udp "$1" "$2" "$s" "$r" || return 1
	sleep 2.5	# the handshake, on a clean link
	sync_bulk "$s" 0 "$N"
	SYNC_WANT=int sync_exact "$SYNC_NAME: the flows reach the receiver live" 60 "$s" "$r" >/dev/null
	sync_ctl "$r" -f external >/dev/null 2>&1
	sync_loss_on "$s" "$LOSS"; sync_loss_on "$r" "$LOSS"
	sync_ctl "$s" -B >/dev/null 2>&1
	sleep 3
	sync_loss_off "$s"; sync_loss_off "$r"
	if [ "$1" = ref ]; then
		# a 1.4.7 sender as it is: what the receiver holds after the same wait
		sleep 20
		SYNC_WANT=int sync_exact "$SYNC_NAME: (1.4.7, not checked)" 0 "$s" "$r" 2>&1 |
			sed -n 's/^\(not \)*ok - /# /p; s/^    after/#   after/p' | head -2
	else
		SYNC_WANT=int sync_exact "$SYNC_NAME: after the lossy bulk the receiver's external cache is exactly the sender's table" \
			30 "$s" "$r"
	fi
	echo "# $SYNC_NAME: sender's rsqueue $(sync_ctl "$s" -s queue 2>/dev/null | awk '/^queue rsqueue:/ { q = 1 } q && /not enough space/ { print "not enough space", $NF; exit }')," \
		"receiver's Packets lost $(sync_counter "$r" network 'Packets lost:')"
	sync_stop A; sync_stop B
}

while read -r ks kr; do bulk_run "$ks" "$kr"; done < <(sync_fault_pairs)
t_done
