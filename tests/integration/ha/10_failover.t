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

# Only reference binaries run here: once a CI run (the dynamic build) is
# enough; the sanitizer and static runs would repeat the same minutes.
case ${CTBOX_BUILD:-} in
*/san | */static | san | static)
	echo "ok - # SKIP 1.4.7 yardstick: reference binaries only, run on the dynamic build"
	exit 0 ;;
esac
HA_STRICT=${HA_STRICT:-ctbox}
ha_t_runs "${HA_RUNS:-none:crash ref:crash,graceful,synclink,coldstart ref-noext:crash}"
t_done

