# shellcheck shell=bash
# What the bounded-steps tests (48_bounded_steps.t, 48_steps_*.t) share.
# Sourced after ../lib.sh.

wait_for() {	# wait_for SECONDS CMD...: until CMD succeeds
	local end=$(( $(date +%s) + $1 )); shift
	until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.1; done
}

# steps_pair NET: namespaces $A and $B joined by sa/sb, NET.1 and NET.2/24
steps_pair() {
	STEPS_NET=$1
	ns_new A; ns_new B
	ns_link "$A" sa "$B" sb
	ip -n "$A" addr add "$1.1/24" dev sa
	ip -n "$B" addr add "$1.2/24" dev sb
}

# steps_max N: nf_conntrack_max at least N until steps_max_restore
steps_max() {
	STEPS_OLD_MAX=$(sysctl -n net.netfilter.nf_conntrack_max)
	[ "$STEPS_OLD_MAX" -lt "$1" ] && sysctl -qw net.netfilter.nf_conntrack_max="$1"
	STEPS_MAX=$1
}
steps_max_restore() {
	[ "$STEPS_OLD_MAX" -lt "$STEPS_MAX" ] &&
		sysctl -qw net.netfilter.nf_conntrack_max="$STEPS_OLD_MAX"
	return 0
}

# steps_turn WHAT CMD...: the longest loop turn, in the daemon's own CPU
# time, of the daemon that CMD -s sync asks, within TURN_MAX_MS (40)
steps_turn() {
	local what=$1 t
	shift
	t=$("$@" -s sync 2>/dev/null | awk '/^loop:/ { print $4; exit }')
	ours_check "$what: the longest loop turn took ${t:-?} ms of CPU (at most ${TURN_MAX_MS:-40})" \
		awk -v t="${t:-x}" -v m="${TURN_MAX_MS:-40}" 'BEGIN { exit !(t ~ /^[0-9.]+$/ && t + 0 <= m + 0) }'
}

# steps_conf NAME SIDE MODE_BODY CHANNEL [GENERAL_EXTRA]: $T_TMP/NAME.conf
# for side A or B of steps_pair: CHANNEL (UDP, TCP) on port STEPS_PORT
# with STEPS_BUF (default 8 MiB) socket buffers, room for 4 * N flows
steps_conf() {
	local me=1 peer=2 base=$T_TMP/$1
	[ "$2" = B ] && me=2 peer=1
	cat >"$base.conf" <<CONF
Sync {
	Mode $3
	$4 {
		IPv4_address $STEPS_NET.$me
		IPv4_Destination_Address $STEPS_NET.$peer
		Port $STEPS_PORT
		Interface s${2,,}
		SndSocketBuffer ${STEPS_BUF:-8388608}
		RcvSocketBuffer ${STEPS_BUF:-8388608}
	}
}
General {
	HashSize 65536
	HashLimit $((4 * N))
	LockFile $base.lock
	UNIX { Path $base.ctl }
	LogFile $base.log
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 16777216
	${5:-}
}
CONF
}
# start NAME NS: the daemon of $T_TMP/NAME.conf (-d: back when started)
start() {
	rm -f "$T_TMP/$1.ctl" "$T_TMP/$1.lock"
	in_ns "$2" "$D" -C "$T_TMP/$1.conf" -d >"$T_TMP/$1.start" 2>&1
}
ctd() { local n=$1 ns=$2; shift 2; in_ns "$ns" "$D" -C "$T_TMP/$n.conf" "$@"; }
# stop NAME NS: -k, and wait until it is gone
stop() {
	ctd "$1" "$2" -k >/dev/null 2>&1
	wait_for 5 test ! -e "$T_TMP/$1.lock"
}
# daemon_pid NAME NS: the pid of the daemon of $T_TMP/NAME.conf
daemon_pid() {
	local p
	for p in $(ip netns pids "$2"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$T_TMP/$1.conf" && echo "$p"
	done
}
