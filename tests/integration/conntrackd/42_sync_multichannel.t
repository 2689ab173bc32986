#!/usr/bin/env bash
# Multichannel (issue 12): FT-FW over two dedicated links (UDP, then
# Multicast), Default on the first.  While the sender makes a stream of
# flows, its active link goes down: both sides make the second link the
# dedicated one, sync goes on over it and nothing is lost (every flow of
# the stream in the receiver's external cache); -s link (and -s
# multicast, its alias) show the new roles and states.  ref->ref is the
# baseline of the other runs (see sync_lib.sh).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

sync_init
STREAM=${SYNC_STREAM:-60}

# links SIDE [ARG]: the device/state/role lines of -s link (or ARG), the
# side letter of the device names masked so that both directions compare.
links() {
	sync_ctl "$1" -s "${2:-link}" 2>&1 | grep 'traffic device=' |
		sed -E 's/device=s[ab]/device=sX/'
}

# mc_run CHAN KS KR DIR
mc_run() {
	local chan=$1 ks=$2 kr=$3 dir=$4 s r i ifs
	sync_run_begin "mc-$chan" "multichannel/$chan" "$ks" "$kr" "$dir"
	s=$SYNC_S r=$SYNC_R
	sync_pair_up ftfw "$chan" "$ks" "$kr" "$s" "$r" || return 1
	ifs=${SYNC_IF[$s]}
	sync_step links-before "both links up, the first one active" \
		printf '%s traffic device=sX%s status=RUNNING role=%s:\n' "$( [ "$chan" = udp2 ] && echo UDP || echo multicast)" 1 ACTIVE \
		"$( [ "$chan" = udp2 ] && echo UDP || echo multicast)" 2 BACKUP -- links "$r"
	# the stream: one flow every 20 ms; the sender's active link goes
	# down a third of the way through
	for i in $(seq 1 "$STREAM"); do
		sync_ct "$s" -I -p udp -s 192.0.2.100 -d 198.51.100.100 --sport $((20000 + i)) \
			--dport 53 -t 900 >/dev/null 2>&1
		[ "$i" = $((STREAM / 3)) ] && ip -n "${SYNC_NS[$s]}" link set "$ifs" down
		sleep 0.02
	done
	sync_step stream "every flow of the stream reached the receiver" \
		sync_model_ext "$s" -- sync_ext "$r"
	local k=UDP; [ "$chan" = mcast2 ] && k=multicast
	sync_step links-sender "-s link on the sender: first link DOWN/BACKUP, second ACTIVE" \
		printf '%s traffic device=sX%s status=%s role=%s:\n' $k 1 DOWN BACKUP $k 2 RUNNING ACTIVE \
		-- links "$s"
	sync_step links-receiver "-s link on the receiver: first link NO-CARRIER/BACKUP, second ACTIVE" \
		printf '%s traffic device=sX%s status=%s role=%s:\n' $k 1 NO-CARRIER BACKUP $k 2 RUNNING ACTIVE \
		-- links "$r"
	if [ "$chan" = mcast2 ]; then
		sync_step links-alias "-s multicast shows the same as -s link" \
			links "$r" -- links "$r" multicast
	fi
	sync_step log-sender "the sender logs its new dedicated link" \
		echo 1 -- grep -c "device \`${SYNC_IF2[$s]}' becomes dedicated link" \
		"${SYNC_CONF[$s]%.conf}.log"
	ip -n "${SYNC_NS[$s]}" link set "$ifs" up
	sync_stop A; sync_stop B
}

for chan in udp2 mcast2; do
	mc_run "$chan" ref ref a2b
	sync_each_run "multichannel/$chan" mc_run "$chan"
done
t_done
