#!/usr/bin/env bash
# FT-FW over UDP on a lossy sync link, ctbox <-> 1.4.7 both ways (and
# 1.4.7 <-> 1.4.7 under TEST_REF=1): once the pair has shaken hands, the
# sync link drops a share of the datagrams both ways (nftables numgen
# random on each side's input) while the sender gets a burst of new
# flows; after the loss stops, the receiver's external cache holds every
# one of them (NACK and resend did it: the receiver counted lost
# messages).  The handshake runs on a clean link because 1.4.7 does not
# NACK what is lost while HELLO is on (README, FT-FW).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

LOSS=${FTFW_LOSS:-20}
NFLOWS=${FTFW_FLOWS:-200}
sync_init

for i in $(seq 1 "$NFLOWS"); do
	echo "-p udp -s 192.0.2.$((i % 250 + 1)) -d 198.51.100.7 --sport $((20000 + i)) --dport 53 -t 600"
done >"$SYNC_D/burst.args"

ext_count() { sync_ctl "$1" -e ct 2>/dev/null | grep -c 'dport=53 '; }

loss_run() {	# loss_run KS KR DIR
	local ks=$1 kr=$2 dir=$3 s r lost
	sync_run_begin ftfw-loss "ftfw/udp ${LOSS}% loss" "$ks" "$kr" "$dir"
	s=$SYNC_S r=$SYNC_R
	sync_pair_up ftfw udp "$ks" "$kr" "$s" "$r" || return 1
	sleep 2.5	# HELLO / HELLO_BACK and a few idle ACKs, clean
	sync_loss_on "$s" "$LOSS"
	sync_loss_on "$r" "$LOSS"
	ref_create_file "${SYNC_NS[$s]}" "$SYNC_D/burst.args"
	sleep 3
	sync_loss_off "$s"
	sync_loss_off "$r"
	SYNC_WAIT=20 sync_converge "$SYNC_NAME: the receiver's external cache holds all $NFLOWS flows" \
		"$SYNC_RES/count" echo "$NFLOWS" -- ext_count "$r"
	lost=$(sync_ctl "$r" -s network 2>&1 | awk '/Packets lost:/ { print $3 }')
	if [ "${lost:-0}" -gt 0 ]; then
		t_ok "$SYNC_NAME: the receiver saw gaps (Packets lost $lost) and recovered"
	else
		t_fail "$SYNC_NAME: the receiver saw gaps" "$(sync_ctl "$r" -s network 2>&1)"
	fi
	sync_stop A
	sync_stop B
}

loss_run ref ref a2b
sync_each_run ftfw/udp loss_run
t_done
