#!/usr/bin/env bash
# Issue 13, link flaps: FT-FW, the 1.4.7 pair and the ctbox pair in the
# same run, the sender making a steady stream of new flows.
#  - UDP over one link (FAULT_CHANS="udp tcp" adds TCP): the sync link
#    goes down for 5 s in the middle of the stream; once it is back, the
#    receiver's external cache holds exactly the sender's table (NACK and
#    resend fill the gap).
#  - UDP over two dedicated links: whichever link is active on the sender
#    goes down for 0.8 s, comes back, and again, three times; nothing is
#    lost once both are back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

sync_init

# stream S FIRST COUNT: COUNT new flows from FIRST, 50 each 0.1 s.
stream() {
	local i
	for ((i = $2; i < $2 + $3; i += 50)); do
		sync_bulk "$1" "$i" 50
		sleep 0.1
	done
}
# active SIDE: the device of that side's active link (-s link).
active() {
	sync_ctl "$1" -s link 2>/dev/null |
		sed -nE 's/.*traffic device=([a-z0-9]+) .*role=ACTIVE.*/\1/p'
}

down5_run() {	# down5_run CHAN KS KR
	local chan=$1 s r pid; shift
	sync_run_begin "faults-flap-$chan" "ftfw/$chan link down 5 s" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	sync_pair_up ftfw "$chan" "$1" "$2" "$s" "$r" || return 1
	sleep 2.5	# the handshake, on a working link
	stream "$s" 0 3000 &
	pid=$!
	sleep 1
	sync_link_down "$s" 5
	wait "$pid"
	sync_exact "$SYNC_NAME: once the link is back the receiver holds exactly the sender's table" \
		30 "$s" "$r"
	echo "# $SYNC_NAME: receiver's Packets lost $(sync_counter "$r" network 'Packets lost:')"
	sync_stop A; sync_stop B
}

flaps_run() {	# flaps_run KS KR
	local s r pid dev seen=
	sync_run_begin faults-flaps "ftfw/udp2 active link flapping" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	sync_pair_up ftfw udp2 "$1" "$2" "$s" "$r" || return 1
	sleep 2.5
	stream "$s" 0 3000 &
	pid=$!
	for _ in 1 2 3; do
		sleep 0.4
		dev=$(active "$s")
		[ -n "$dev" ] || dev=${SYNC_IF[$s]}
		seen+=" $dev"
		sync_link_down "$s" 0.8 "$dev"
	done
	wait "$pid"
	echo "# $SYNC_NAME: links taken down:$seen; receiver's Packets lost $(sync_counter "$r" network 'Packets lost:')"
	sync_exact "$SYNC_NAME: once both links are back the receiver holds exactly the sender's table" \
		30 "$s" "$r"
	sync_stop A; sync_stop B
}

sync_fault_each down5_run
while read -r ks kr; do flaps_run "$ks" "$kr"; done < <(sync_fault_pairs)
t_done
