# shellcheck shell=bash
# What the bounded-steps tests (48_bounded_steps.t, 48_steps_*.t) share.
# Sourced after ../lib.sh.

wait_for() {	# wait_for SECONDS CMD...: until CMD succeeds
	local end=$(( $(date +%s) + $1 )); shift
	until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.1; done
}

# steps_pair NET: namespaces $A and $B joined by sa/sb, NET.1 and NET.2/24
steps_pair() {
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
