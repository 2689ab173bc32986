#!/usr/bin/env bash
# events_sync.sh [N]: events per second the sender sustains with sync on,
# without overrun (issue 13, target >= 2x 1.4.7): sync.sh's FT-FW/UDP pair
# and burst of N flows (default 200,000), the sender's daemon held stopped
# while the burst fills its event socket, then timed while it drains it.
# See SYNC_BENCH_MODE=events in sync.sh.
SYNC_BENCH_MODE=events exec "$(dirname "$0")/sync.sh" "$@"
