#!/usr/bin/env bash
# faults.sh [SCENARIO...]: issue 13's sync faults at full size, FT-FW/UDP,
# the 1.4.7 pair (both daemons $REF_BIN/conntrackd) and the ctbox pair
# ($CTBOX_BUILD/bin/conntrackd) one after the other in the same run, on
# the namespaces of tests/integration/conntrackd/sync_lib.sh.  SCENARIO is
# loss, flap, restart or overrun (default: all four; each one takes at
# most ~5 minutes, so run them one at a time under the bench lock:
# `flock /work/bench.lock tests/bench/faults.sh loss`).  Per pair: the
# seconds from the end of the fault (and of the burst) until the receiver's external cache
# holds exactly the sender's table (by original tuple, so nothing missing
# and nothing stale), or "never" within FAULT_WAIT seconds.
#  loss     FAULT_LOSS % (20) of the sync datagrams dropped both ways during
#           a burst of FAULT_FLOWS (200,000) new flows and FAULT_CHURN_SECS
#           (10) s of churn (FAULT_CHURN_RATE/s, 2000, new flows that live
#           2 s); then, once the churn's flows expired, nothing stale.
#  flap     the sync link down 5 s in the middle of the burst (made over
#           10 s), from 2.5 s on.
#  restart  the receiver (StartupResync on) SIGKILLed 3 s into the burst
#           (made over 10 s) and started again after it: the sender's rsqueue stays within
#           ResendQueueSize (FAULT_RSQ, 131072), overflow counted.
#  overrun  a burst of FAULT_OVERRUN_FLOWS (500,000) against a sender whose
#           event socket is FAULT_NLBUF bytes (262144) and cannot grow:
#           "netlink overrun" counted, the overrun resync (after
#           FAULT_OVERRUN_RESYNC s, 2) restores completeness; the worst
#           latency of the sender's `-s` (polled every 0.1 s) until then
#           shows whether the resync blocks its loop.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
export CTBOX_BIN=$BUILD/bin
N=${FAULT_FLOWS:-200000}
NO=${FAULT_OVERRUN_FLOWS:-500000}
WAIT=${FAULT_WAIT:-120}
LOSS=${FAULT_LOSS:-20}
RSQ=${FAULT_RSQ:-131072}
SCENARIOS=${*:-loss flap restart overrun}
. "$TOP/tests/integration/lib.sh"
. "$TOP/tests/integration/conntrackd/sync_lib.sh"
for b in "$CTBOX_BIN/conntrackd" "$REF_BIN/conntrackd" "$REF_BIN/conntrack"; do
	[ -x "$b" ] || { echo "faults.sh: no $b"; exit 1; }
done

# The tables of new namespaces are bounded by the host's limit: raised for
# the run, put back at exit.
old_max=$(sysctl -n net.netfilter.nf_conntrack_max)
big=$(( (N > NO ? N : NO) + 100000 ))
if [ "$old_max" -lt "$big" ]; then
	sysctl -qw net.netfilter.nf_conntrack_max="$big"
	trap 't_cleanup; sysctl -qw net.netfilter.nf_conntrack_max=$old_max' EXIT
fi
sync_init
# big caches on both sides (1.4.7's HashLimit default is too small)
GEN="HashSize 65536"$'\n\t'"HashLimit $((2 * big))"

now() { echo "${EPOCHREALTIME/./}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e6 }'; }
ext_n() {
	sync_ctl "$1" -s cache 2>/dev/null |
		awk '$1 == "cache:external" && /active objects/ { print $NF; exit }'
}
# kern_n SIDE: the bulk flows in that side's table (not the sync link's own)
kern_n() { sync_ct "$1" -L 2>/dev/null | grep -c ' src=10\.60\.'; }
# converge DESC S R T0: wait until R's external cache holds exactly S's
# table (counts first, then the tuples), the seconds since T0 (µs) in
# $CONV; one ok/not ok line.
converge() {
	local desc=$1 s=$2 r=$3 t0=$4 w g t
	while :; do
		w=$(kern_n "$s"); g=$(ext_n "$r"); t=$(now)
		if [ "${g:-0}" = "$w" ]; then
			sync_keys_kernel "$s" >"$T_TMP/want"
			sync_keys_ext "$r" >"$T_TMP/got"
			if cmp -s "$T_TMP/want" "$T_TMP/got"; then
				CONV=$(secs "$t0" "$t")
				t_ok "$SYNC_NAME: $desc ($(wc -l <"$T_TMP/want") flows, ${CONV}s)"
				return 0
			fi
		fi
		if [ $(( ($(now) - t0) / 1000000 )) -ge "$WAIT" ]; then
			CONV=never
			sync_keys_kernel "$s" >"$T_TMP/want"
			sync_keys_ext "$r" >"$T_TMP/got"
			t_fail "$SYNC_NAME: $desc" "after ${WAIT}s: sender $(wc -l <"$T_TMP/want"), receiver $(wc -l <"$T_TMP/got")," \
				"missing $(comm -23 "$T_TMP/want" "$T_TMP/got" | wc -l), stale $(comm -13 "$T_TMP/want" "$T_TMP/got" | wc -l)"
			return 1
		fi
		sleep 0.5
	done
}
# stream SIDE COUNT SECS: COUNT new flows made in 20 steps over SECS
stream() {
	local i step=$(($2 / 20))
	for ((i = 0; i < 20; i++)); do
		sync_bulk "$1" $((i * step)) "$step"
		sleep "$(awk -v s="$3" 'BEGIN { print s / 20 }')"
	done
}
declare -A RES
res() { RES[$1:$SYNC_PAIR]=$2; }
up() {	# up KS KR: the pair, A sends; FAULT_* knobs in the configs
	sync_run_begin "bench-$SC" "$SC" "$1" "$2" a2b
	SYNC_GEN_OPTS=$GEN${EXTRA_GEN:+$'\n\t'$EXTRA_GEN} \
	SYNC_MODE_OPTS="ResendQueueSize $RSQ"${EXTRA_MODE:+$'\n\t\t'$EXTRA_MODE} \
		sync_pair_up ftfw udp "$1" "$2" A B || return 1
	sleep 2.5	# HELLO / HELLO_BACK both ways on a clean link
}
down() { sync_stop A; sync_stop B; sync_ct A -F >/dev/null 2>&1; sync_ct B -F >/dev/null 2>&1; }

sc_loss() {	# sc_loss KS KR
	local t0 t1 lost
	up "$1" "$2" || return 1
	t0=$(now)
	sync_loss_on A "$LOSS"; sync_loss_on B "$LOSS"
	sync_bulk A 0 "$N"
	res burst "$(secs "$t0" "$(now)")"
	sync_churn A "$N" "${FAULT_CHURN_SECS:-10}" "${FAULT_CHURN_RATE:-2000}" >/dev/null
	sync_loss_off A; sync_loss_off B
	t1=$(now)
	converge "after ${LOSS}% loss (burst and churn) the receiver holds exactly the sender's table" A B "$t1"
	res conv "$CONV"
	sleep 2
	converge "the churn's flows expired: nothing stale on the receiver" A B "$(now)"
	lost=$(sync_counter B network 'Packets lost:')
	res lost "${lost:-?}"
	res rs "$(sync_ctl A -s queue 2>/dev/null | awk '/^queue rsqueue:/ { q = 1 } q && /not enough space/ { print $NF; exit }')"
	down
}

sc_flap() {
	local t0 t1 pid
	up "$1" "$2" || return 1
	t0=$(now)
	stream A "$N" 10 &
	pid=$!
	sleep 2.5
	sync_link_down A 5
	wait "$pid"
	t1=$(now)
	res burst "$(secs "$t0" "$t1")"
	converge "the link down 5 s in the burst: the receiver holds exactly the sender's table" A B "$t1"
	res conv "$CONV"
	res lost "$(sync_counter B network 'Packets lost:')"
	res rs "$(sync_ctl A -s queue 2>/dev/null | awk '/^queue rsqueue:/ { q = 1 } q && /not enough space/ { print $NF; exit }')"
	down
}

sc_restart() {
	local t1 pid p cur max err conf
	EXTRA_MODE="StartupResync on" up "$1" "$2" || return 1
	conf=${SYNC_CONF[B]}
	stream A "$N" 10 &
	pid=$!
	sleep 3
	for p in $(sync_pid B); do kill -9 "$p"; done
	wait "$pid"
	sleep 1
	read -r cur max err < <(sync_ctl A -s queue 2>/dev/null | awk '/^queue rsqueue:/ { q = 1; next }
		q && /current elements/ { c = $NF } q && /maximum elements/ { m = $NF }
		q && /not enough space/ { print c, m, $NF; exit }')
	res rs "$cur/$max, $err overflowed"
	if [ -n "$(sync_pid A)" ] && [ "${cur:-x}" -le "$max" ] 2>/dev/null; then
		t_ok "$SYNC_NAME: peer gone, the sender's rsqueue $cur <= $max, overflow counted $err"
	else
		t_fail "$SYNC_NAME: peer gone, the sender's rsqueue within ResendQueueSize" "$(sync_ctl A -s queue 2>&1)"
	fi
	t1=$(now)
	sync_start B "$2" "$conf" || t_fail "$SYNC_NAME: the receiver starts again"
	converge "restarted with StartupResync on, the receiver holds exactly the sender's table" A B "$t1"
	res conv "$CONV"
	down
}

sc_overrun() {
	local t0 pid o worst=0 a b lat n=0
	EXTRA_GEN="NetlinkOverrunResync ${FAULT_OVERRUN_RESYNC:-2}" \
		SYNC_NLBUF=${FAULT_NLBUF:-262144} SYNC_NLBUF_MAX=${FAULT_NLBUF:-262144} up "$1" "$2" || return 1
	t0=$(now)
	sync_bulk A 0 "$NO" &
	pid=$!
	# the sender's -s latency, from the burst until the receiver is full
	while :; do
		a=$(now); sync_ctl A -s >/dev/null 2>&1; b=$(now)
		lat=$(( (b - a) / 1000 )); [ "$lat" -gt "$worst" ] && worst=$lat
		n=$((n + 1))
		kill -0 "$pid" 2>/dev/null && { sleep 0.1; continue; }
		[ "$(ext_n B)" = "$(kern_n A)" ] && break
		[ $(( (b - t0) / 1000000 )) -ge "$WAIT" ] && break
		sleep 0.1
	done
	wait "$pid"
	o=$(sync_ctl A -s runtime 2>/dev/null | awk '/netlink overrun:/ { print $NF; exit }')
	res lost "overruns ${o:-?}"
	res lat "${worst} ms over $n polls"
	if [ "${o:-0}" -gt 0 ]; then t_ok "$SYNC_NAME: the $NO-flow burst overruns the sender's event socket ($o)"
	else t_fail "$SYNC_NAME: the $NO-flow burst overruns the sender's event socket" "$(sync_ctl A -s runtime 2>&1)"; fi
	converge "the overrun resync restores the receiver's table" A B "$t0"
	res conv "$CONV"
	down
}

for SC in $SCENARIOS; do
	RES=()
	for pair in "ref ref" "ours ours"; do
		# shellcheck disable=SC2086
		"sc_$SC" $pair
	done
	printf '%-10s %-22s %14s %14s\n' "$SC" "" "1.4.7 pair" "ctbox pair"
	for k in conv burst lost rs lat; do
		[ -n "${RES[$k:base]:-}${RES[$k:ours-ours-a2b]:-}" ] || continue
		case $k in
		conv) l="converged after (s)" ;; burst) l="burst made in (s)" ;;
		lost) l="receiver's lost msgs" ;; rs) l="sender's rsqueue" ;; lat) l="worst -s latency" ;;
		esac
		printf '%-10s %-22s %14s %14s\n' "" "$l" "${RES[$k:base]:-}" "${RES[$k:ours-ours-a2b]:-}"
	done
done
t_done
