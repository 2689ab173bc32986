#!/usr/bin/env bash
# Issue 13, peer restart: FT-FW/UDP, the receiver SIGKILLed in the middle
# of a stream of new flows on the sender, which goes on while the peer is
# gone; the 1.4.7 pair and the ctbox pair in the same run.
#  - the sender survives and its resend queue stays within
#    ResendQueueSize (set to 300 here), the overflow counted in -s queue's
#    "not enough space errors" of the rsqueue, as 1.4.7 counts it;
#  - the receiver restarted with StartupResync on asks for a resync and
#    holds exactly the sender's table again;
#  - killed again and restarted without StartupResync, `conntrackd -n`
#    brings it back to the complete table.
# FAULT_PAIRS="ours:ref ref:ours" runs the mixed pairs instead;
# FAULT_CHANS="udp tcp" adds TCP, where the 1.4.7 pair fails both resyncs
# (its bulk overflows the 128-entry error queue of the TCP channel and is
# lost without a sequence gap) and the ctbox pair passes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

STREAM=${FAULT_STREAM:-3000}
RSQ=300
# The resyncs send the whole table, far more than the resend queue holds:
# a datagram the receiver's socket drops then cannot be sent again, so its
# buffer is made big enough for the burst (with the default one, ctbox's
# receiver drops more of a 1.4.7 bulk than 1.4.7's does; see the report).
RCVBUF="RcvSocketBuffer 8388608"
sync_init

# stream S FIRST COUNT: COUNT new flows from FIRST, 100 each 0.05 s.
stream() {
	local i
	for ((i = $2; i < $2 + $3; i += 100)); do
		sync_bulk "$1" "$i" 100
		sleep 0.05
	done
}
# rsq SIDE: "current maximum errors" of the rsqueue block of -s queue.
rsq() {
	sync_ctl "$1" -s queue 2>/dev/null | awk '/^queue rsqueue:/ { q = 1; next }
		q && /current elements/ { c = $NF } q && /maximum elements/ { m = $NF }
		q && /not enough space/ { print c, m, $NF; exit }'
}
# kill9 SIDE: SIGKILL that side's daemon (its lock and socket stay).
kill9() {
	local p
	for p in $(sync_pid "$1"); do kill -9 "$p"; done
	sleep 0.2
}

restart_run() {	# restart_run CHAN KS KR
	local chan=$1 s r cur max err conf; shift
	sync_run_begin "faults-restart-$chan" "ftfw/$chan peer restart" "$1" "$2" a2b
	s=$SYNC_S r=$SYNC_R
	SYNC_MODE_OPTS="ResendQueueSize $RSQ"$'\n\t\t'"StartupResync on" SYNC_CHAN_OPTS=$RCVBUF \
		sync_pair_up ftfw "$chan" "$1" "$2" "$s" "$r" || return 1
	conf=${SYNC_CONF[$r]}
	stream "$s" 0 $((STREAM / 3))
	kill9 "$r"
	stream "$s" $((STREAM / 3)) $((STREAM / 3))
	read -r cur max err < <(rsq "$s")
	echo "# $SYNC_NAME: sender's rsqueue with the peer gone: current $cur maximum $max not enough space $err"
	if [ -n "$(sync_pid "$s")" ] && [ "${cur:-x}" -le "$RSQ" ] 2>/dev/null &&
	   [ "$max" = "$RSQ" ] && [ "${err:-0}" -gt 0 ]; then
		t_ok "$SYNC_NAME: with the peer gone the sender's resend queue stays within ResendQueueSize, the overflow counted"
	else
		t_fail "$SYNC_NAME: with the peer gone the sender's resend queue stays within ResendQueueSize, the overflow counted" \
			"pid $(sync_pid "$s"): $(sync_ctl "$s" -s queue 2>&1)"
	fi
	sync_start "$r" "$2" "$conf" || t_fail "$SYNC_NAME: the receiver starts again"
	stream "$s" $((2 * STREAM / 3)) $((STREAM / 3))
	sync_exact "$SYNC_NAME: restarted with StartupResync on, the receiver holds exactly the sender's table" \
		30 "$s" "$r"
	# again, killed mid-stream, back without StartupResync: -n
	stream "$s" "$STREAM" 500 &
	sleep 0.2
	kill9 "$r"
	wait $!
	SYNC_PORT=$SYNC_NEXT_PORT SYNC_ROLE=receiver SYNC_MODE_OPTS="ResendQueueSize $RSQ" SYNC_CHAN_OPTS=$RCVBUF \
		sync_conf "${conf%.conf}-n.conf" "$r" ftfw "$chan"
	sync_start "$r" "$2" "${conf%.conf}-n.conf" || t_fail "$SYNC_NAME: the receiver starts again"
	sync_ctl "$r" -n >/dev/null 2>&1
	sync_exact "$SYNC_NAME: restarted without StartupResync, -n brings the receiver back to the sender's table" \
		30 "$s" "$r"
	sync_stop A; sync_stop B
}

sync_fault_each restart_run
t_done
