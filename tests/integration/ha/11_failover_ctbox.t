#!/usr/bin/env bash
# Issue 14's end-to-end test for ctbox's own HA integration: our conntrackd
# with config/ha/notify and config/ha/ready in the harness of ha_lib.sh
# (see 10_failover.t for the harness checks).  Here every session must
# survive, in every scenario (HA_STRICT); the mixed pairs with a 1.4.7
# node are reported.  Every run is a skip until config/ha/notify and
# config/ha/ready exist.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ha_lib.sh"

HA_STRICT=${HA_STRICT:-ctbox}
ha_t_runs "${HA_RUNS:-ctbox:crash,graceful,synclink,coldstart ctbox+ref:crash ref+ctbox:crash}"
t_done
