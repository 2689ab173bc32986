#!/usr/bin/env bash
# conntrackd -s sync (ctbox's own; 1.4.7 rejects it) and config/ha/ready:
# the node knows when the resync it asked for (-n) is complete.  The
# receiver R (ours) keeps its kernel in step (DisableExternalCache on);
# its peer S, ctbox or 1.4.7, holds K flows R has never heard of.  R asks
# for them through a sync link that drops 20% of what reaches R, and the
# moment -s sync first says "complete", R's kernel must hold all K (the
# completion is never early: lost messages are NACKed and waited for).
# Then: a peer that does not answer, and ready's exit codes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

K=${SYNC_STATE_K:-3000}
READY=$TOP/config/ha/ready
sync_init
like() { [[ $1 == $2 ]]; }	# like STRING GLOB
"$TOP/tests/bench/gen_flows.sh" "$K" >"$SYNC_D/flows"

t_ours_only "-s sync: 1.4.7 rejects it" && {
	out=$("$REF_BIN/conntrackd" -s sync 2>&1); rc=$?
	t_check "-s sync: 1.4.7 rejects it (unknown parameter, exit 1)" \
		like "$rc $out" "1 *unknown parameter \`sync'*"
}

kernel_flows() { sync_ct "$1" -L 2>/dev/null | grep -cE 'dport=(443|53|80) '; }
state() { sync_ctl "$1" -s sync 2>&1; }
field() { state "$1" | sed -n "s/^$2:[[:space:]]*//p"; }
ready() {	# ready SIDE [WAIT]: config/ha/ready's output and exit code
	local out rc
	out=$(CONNTRACKD_BIN=$(sync_bin "${SYNC_KIND[$1]}") CONNTRACKD_CONFIG=${SYNC_CONF[$1]} \
		CONNTRACKD_READY_WAIT=${2:-10} in_ns "${SYNC_NS[$1]}" "$READY"); rc=$?
	echo "$rc $out"
}

state_run() {	# state_run KS KR DIR
	local ks=$1 kr=$2 s r i st at=-1 got=-1 t0
	sync_run_begin state "sync state" "$ks" "$kr" "$3"
	s=$SYNC_S r=$SYNC_R
	SYNC_MODE_OPTS="DisableExternalCache on" sync_pair_up ftfw udp "$ks" "$kr" "$s" "$r" || return 1
	# R learns S's flows only from the resync: down while S gets them
	sync_stop "$r"
	sync_ct "$s" -R "$SYNC_D/flows" >/dev/null 2>&1
	sync_ct "$r" -F >/dev/null 2>&1
	sync_start "$r" "$kr" "$SYNC_D/$SYNC_TAG-$r.conf"
	t_check "$SYNC_NAME: before -n, none requested" \
		[ "$(field "$r" resync)" = "none requested" ]
	t_check "$SYNC_NAME: the kernel is kept in step, nothing pending" \
		[ "$(field "$r" backup)/$(field "$r" "pending commit")" = \
		  "kernel in step (DisableExternalCache on), 0 kernel writes failed/0 flows" ]
	sync_loss_on "$r" 20
	t0=$(date +%s%3N)
	sync_ctl "$r" -n
	for i in $(seq 300); do
		st=$(field "$r" resync)
		if [[ $st == complete* ]]; then
			got=$(kernel_flows "$r"); at=$(($(date +%s%3N) - t0))
			break
		fi
		sleep 0.1
	done
	sync_loss_off "$r"
	t_check "$SYNC_NAME: resync complete under 20% loss ($at ms: $st)" [ "$at" -ge 0 ]
	t_check "$SYNC_NAME: when complete, the kernel holds all $K flows ($got)" [ "$got" = "$K" ]
	t_check "$SYNC_NAME: the receiver saw gaps (it had to wait for resends)" \
		[ "$(sync_ctl "$r" -s network 2>&1 | awk '/Packets lost:/ { print $3 }')" -gt 0 ]
	t_check "$SYNC_NAME: flows counted ($st)" like "$st" "*, [0-9]* flows received*"
	t_check "$SYNC_NAME: peer seen lately ($(field "$r" peer))" \
		like "$(field "$r" peer)" "seen [0-2].[0-9] s ago"
	t_check "$SYNC_NAME: ready says yes" like "$(ready "$r")" "0 ready: yes: resync complete"

	# the peer is gone: a new request is never complete; ready says no
	# until CONNTRACKD_READY_WAIT seconds of silence
	sync_stop "$s"
	sync_ctl "$r" -n
	sleep 0.3
	t_check "$SYNC_NAME: peer gone: requested, no answer ($(field "$r" resync))" \
		like "$(field "$r" resync)" "requested, no answer yet, requested 0.[0-9] s ago, 0 flows received"
	t_check "$SYNC_NAME: ready says no while the resync is not complete" \
		like "$(ready "$r" 10)" "1 ready: no: resync requested, no answer yet, *"
	sleep 1.2
	t_check "$SYNC_NAME: ready says yes after CONNTRACKD_READY_WAIT s of silence" \
		like "$(ready "$r" 1)" "0 ready: yes: resync not complete, but nothing from the peer for *"
	sync_stop "$r"
	t_check "$SYNC_NAME: ready says 2 when conntrackd does not answer" \
		like "$(ready "$r")" "2 ready: no: conntrackd *"
}

# never seen: R alone from the start
alone() {
	sync_run_begin alone "sync state alone" ours ours a2b
	SYNC_PORT=$SYNC_NEXT_PORT SYNC_MODE_OPTS="StartupResync on" \
		sync_conf "$SYNC_D/alone.conf" B ftfw udp
	sync_start B ours "$SYNC_D/alone.conf"
	sleep 0.3
	t_check "alone: peer never seen" [ "$(field B peer)" = "never seen" ]
	t_check "alone: StartupResync requested, no answer ($(field B resync))" \
		like "$(field B resync)" "requested, no answer yet, requested 0.[0-9] s ago, 0 flows received"
	t_check "alone: external cache: its flows are pending commit" \
		[ "$(field B backup)/$(field B "pending commit")" = \
		  "external cache/0 flows (external cache: not in the kernel until -c)" ]
	t_check "alone: -s stays as 1.4.7's (no sync lines)" \
		! sync_ctl B -s 2>&1 | grep -q '^resync:'
	sync_stop B
	# NOTRACK cannot tell when a resync is complete: it says so
	SYNC_PORT=$SYNC_NEXT_PORT sync_conf "$SYNC_D/alone-nt.conf" B notrack udp
	sync_start B ours "$SYNC_D/alone-nt.conf"
	sync_ctl B -n
	t_check "alone, NOTRACK: -n is untracked ($(field B resync))" \
		like "$(field B resync)" "untracked (completion unknown in this mode), requested 0.[0-9] s ago, 0 flows received"
	sync_stop B
}

if t_ours_only "-s sync and config/ha/ready"; then
	alone
	for ks in ours ref; do
		state_run "$ks" ours a2b
	done
fi
t_done
