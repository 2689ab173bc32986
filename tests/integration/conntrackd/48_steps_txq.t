#!/usr/bin/env bash
# NOTRACK/ALARM's transmit queue goes a bounded step per loop turn, and a
# bulk send read from a kernel dump (DisableInternalCache) is paced by it
# (issue 13).  The receiver is stopped (SIGSTOP) during the sender's -B so
# that its TCP channel cannot take more:
#  - while the channel is blocked, the dump waits in the kernel: the
#    sender's txqueue stays short (1.4.7-style unpaced, it held every flow
#    the sockets could not);
#  - a channel that takes nothing for 3 s paces nothing: the dump goes on
#    (a job queued behind it, here -F through a Filter, is not held up);
#  - once the receiver runs again, every flow reaches it, and the sender's
#    longest loop turn (-s sync, its own CPU time) stays within TURN_MAX_MS
#    (default 40) while it sends the backlog.
# The same for ALARM.  The pacing is ours: 1.4.7 sends in one go.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/steps_lib.sh"

D=$(ours_path conntrackd)
CT=$(ours_path conntrack)
N=${STEP_FLOWS:-100000}
steps_pair 10.233.2
steps_max $((2 * N + 1000))

STEPS_PORT=3791 STEPS_BUF=524288
# conf NAME SIDE MODE_BODY [GENERAL_EXTRA]
conf() { steps_conf "$1" "$2" "$3" TCP "${4:-}"; }
txq() { ctd a "$A" -s queue 2>/dev/null | awk '/^queue txqueue/ { q = 1 } q && /current elements/ { print $NF; exit }'; }
sent() { ctd a "$A" -s 2>/dev/null | awk '/connections new/ { print $(NF - 0); exit }'; }
ext_n() {
	ctd b "$B" -s cache 2>/dev/null |
		awk '$1 == "cache:external" && /active objects/ { print $NF; exit }'
}
ext_is() { [ "$(ext_n)" = "$1" ]; }

"$TOP/tests/bench/gen_flows.sh" "$N" >"$T_TMP/flows"

# run MODE OPTIONS: one -B with the receiver stopped, then let go
run() {
	local mode=$1 pb q qmax=0 s
	in_ns "$A" "$CT" -F >/dev/null 2>&1
	in_ns "$A" "$CT" -R "$T_TMP/flows" >/dev/null 2>&1
	conf a A "$mode { $2 }" \
		"Filter From Userspace { Address Ignore { IPv4_address 10.99.99.99 } }"
	conf b B "$mode { }"
	start b "$B"; start a "$A"
	sleep 1
	pb=$(daemon_pid b "$B")
	kill -STOP "$pb"
	ctd a "$A" -B >/dev/null 2>&1
	for _ in $(seq 15); do
		q=$(txq); [ "${q:-0}" -gt "$qmax" ] && qmax=$q
		sleep 0.1
	done
	s=$(sent)
	echo "# $mode: txqueue up to $qmax, ${s:-?} sent, after 1.5 s with the receiver stopped"
	ours_check "$mode: the dump waits while the channel is blocked (txqueue up to $qmax in 1.5 s)" \
		[ "$qmax" -le 16384 ]
	if [ -n "$2" ]; then
		done_dump() { [ "$(sent)" = "$((N - 1))" ]; }
		wait_for 20 done_dump
		s=$(sent)
		t_check "$mode: a channel that takes nothing paces nothing: the dump ends (bypass $s of $((N - 1)))" \
			[ "$s" = "$((N - 1))" ]
	else
		sleep 4
		q=$(txq)
		t_check "$mode: a channel that takes nothing paces nothing: the bulk walk goes on (txqueue $q)" \
			[ "${q:-0}" -gt 16384 ]
	fi
	kill -CONT "$pb"
	wait_for 60 ext_is "$((N - 1))"
	t_check "$mode: the receiver gets every flow once it runs again (has $(ext_n))" ext_is "$((N - 1))"
	steps_turn "$mode: the sender" ctd a "$A"
	stop a "$A"; stop b "$B"
}
run NOTRACK "DisableInternalCache on"
run ALARM ""
steps_max_restore
t_done
