#!/usr/bin/env bash
# Firewall pair failover with live TCP sessions (issue 14), short CI
# version of tests/bench/ha.sh: the harness of ha_lib.sh (two LANs, two
# fws with strict stateful forwarding and SNAT, keepalived sync group,
# conntrackd over a dedicated link), HA_N_OLD + HA_N_NEW sessions and
# HA_K background flows.
#
# The conntrackd 1.4.7 recipe (external cache + primary-backup.sh) and its
# DisableExternalCache variant are the yardstick: their survival is
# reported in the description of an ok line, never a failure.  What must
# hold is the harness itself: fw1 master at start, every session flowing
# before the event, the background flows and the sessions replicated to
# the backup, the VIPs on fw2 after the event and back on fw1 after the
# return, the new sessions established through fw2.
#
# A control run without any state sync (HA_IMPL=none) must lose every
# session: the survival count can see a loss.
#
# HA_RUNS="impl:scenario,..." chooses what runs (impl "a+b": fw1 runs a,
# fw2 b, a mixed pair); an impl listed in HA_STRICT must also keep every
# session (the ctbox integration, once config/ha/ exists).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ha_lib.sh"

HA_RUNS=${HA_RUNS:-"none:crash ref:crash,graceful,synclink,coldstart ref-noext:crash
	ctbox:crash,graceful,synclink,coldstart ctbox+ref:crash ref+ctbox:crash"}
HA_STRICT=${HA_STRICT:-ctbox}

# check DESC COND...: one harness check; the logs of the run on failure.
check() {
	local desc=$1; shift
	if "$@"; then t_ok "$desc"; else t_fail "$desc" "$(ha_summary)" "$(ha_diag)"; fi
}
ge() { [ "${1:-x}" -ge "$2" ] 2>/dev/null; }

run() {
	local impl=$1 sc=$2 tag="$1 $2" strict=0 old new
	case " $HA_STRICT " in *" $impl "*) strict=1 ;; esac
	ha_set_impl "$impl"
	if ! msg=$(ha_impl); then
		t_ok "$tag # SKIP $msg"
		return
	fi
	ha_impl >/dev/null	# again, in this shell: its variables
	ha_scenario "$sc"
	if [ -n "${HA_R[error]:-}" ]; then
		t_fail "$tag: harness set up (${HA_R[error]})" "$(ha_diag)"
		return
	fi
	check "$tag: fw1 holds both VIPs after start (${HA_R[initial_ms]} ms)" ge "${HA_R[initial_ms]}" 0
	if [ "$sc" = coldstart ]; then
		check "$tag: all $HA_N_OLD sessions flowing through fw1" ge "${HA_R[old_start]}" "$HA_N_OLD"
		check "$tag: the backup holds the sessions' flows (${HA_R[sess_backup]})" \
			ge "${HA_R[sess_backup]}" "$HA_N_OLD"
		check "$tag: fw1 still master at the end (${HA_R[holder_end]})" [ "${HA_R[holder_end]}" = fw1 ]
		return
	fi
	check "$tag: all $HA_N_OLD sessions flowing before the event" ge "${HA_R[old_pre]}" "$HA_N_OLD"
	if [ "$impl" = none ]; then
		check "$tag: VIPs moved to fw2 (${HA_R[takeover_ms]} ms)" ge "${HA_R[takeover_ms]}" 0
		check "$tag: VIPs back on fw1 (${HA_R[failback_ms]} ms after its return)" ge "${HA_R[failback_ms]}" 0
		check "$tag: control without state sync: no old session survives (${HA_R[old_alive]}/$HA_N_OLD, lost ${HA_R[old_lost]})" \
			[ "${HA_R[old_alive]}" = 0 ]
		check "$tag: control without state sync: no new session survives the fail-back (${HA_R[new_alive]}/$HA_N_NEW)" \
			[ "${HA_R[new_alive]}" = 0 ]
		return
	fi
	check "$tag: $HA_K background flows reached the backup (${HA_R[bg_backup]} in ${HA_R[bg_ms]} ms)" \
		ge "${HA_R[bg_backup]}" "$HA_K"
	check "$tag: the backup holds the sessions' flows (${HA_R[sess_backup]})" \
		ge "${HA_R[sess_backup]}" "$HA_N_OLD"
	check "$tag: VIPs moved to fw2 (${HA_R[takeover_ms]} ms)" ge "${HA_R[takeover_ms]}" 0
	check "$tag: $HA_N_NEW new sessions established through fw2" ge "${HA_R[new_start]}" "$HA_N_NEW"
	check "$tag: VIPs back on fw1 (${HA_R[failback_ms]} ms after its return)" ge "${HA_R[failback_ms]}" 0
	old="${HA_R[old_alive]}/$HA_N_OLD old (${HA_R[old_mid]} after the takeover)"
	new="${HA_R[new_alive]}/$HA_N_NEW new"
	desc="$tag: survived $old, $new; longest gap ${HA_R[old_gap]} ms old, ${HA_R[new_gap]} ms new"
	desc+="; lost ${HA_R[old_lost]:-none}/${HA_R[new_lost]:-none}"
	desc+="; notify primary fw2 ${HA_R[fw2_primary_ms]} ms, fw1 ${HA_R[fw1_primary_ms]} ms"
	desc+="; backup RSS ${HA_R[backup_rss_kb]} kB"
	if [ $strict = 1 ]; then
		check "$desc" [ "${HA_R[old_alive]}" = "$HA_N_OLD" ] && [ "${HA_R[new_alive]}" = "$HA_N_NEW" ]
	else
		t_ok "$desc # yardstick"
	fi
}

for spec in $HA_RUNS; do
	IFS=, read -r -a scs <<<"${spec#*:}"
	for sc in "${scs[@]}"; do
		run "${spec%%:*}" "$sc"
	done
done
t_done
