#!/usr/bin/env bash
# Nothing walks the whole table inside one loop turn (issues 12 and 13): with
# STEP_FLOWS (default 100,000) flows in the sender's kernel, `-s` is asked
# every 5 ms (ctl_poll.py, over the control socket) while a whole-table
# operation runs, and the operation's result is checked complete:
#  - the start-up dump, -f internal, -R: answers show the internal cache
#    partly filled (served between steps), then it holds every flow; the -R
#    and -f clients return only once it is done (1.4.7's clients wait too);
#  - -c on the peer (its external cache filled by -B): answered between
#    commit steps (the median answer within 20 ms), every flow committed;
#  - -F without a Filter: answered while the flush runs, the kernel empty
#    when the client returns;
#  - DisableInternalCache: -B (a bulk send read from a kernel dump) shows
#    the bypass counter partly grown, the peer's external cache ends up
#    with every flow; -F through a Filter (entry by entry) answered while
#    it runs, the filtered flow kept; -f of the disabled cache does not
#    leave the daemon spinning.
# Each daemon's longest loop turn, in its own CPU time (`-s sync`, so a
# loaded machine that keeps it waiting does not count), must stay within
# TURN_MAX_MS (default 40): a step of whole-table work is bounded by time,
# not by the table's size.  Checked on the sender of part 1 (start-up
# dump, -f, -R, -B, -F), the sender of part 2 across the kernel-dump -B
# (its transmit queue sends a bounded step per turn and paces the dump)
# and the receiver of part 2.  Not across -c and -F through a Filter:
# their writes to the kernel wait for ctnetlink's one mutex, which any
# process writing or flushing conntrack entries in any namespace holds
# (spinning on it counts as CPU: 26-29 ms, 509 ms with million-flow
# tables flushed beside).
# 1.4.7 walks each in one go: the "answered while" checks are ours only.
# The daemons run at SCHED_RR 50 and the clients at SCHED_FIFO 99, so that
# on a small machine two busy daemons cannot starve the clients: what is
# measured is when the daemon answers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/steps_lib.sh"

D=$(ours_path conntrackd)
CT=$(ours_path conntrack)
N=${STEP_FLOWS:-100000}
POLL=$(dirname "$0")/ctl_poll.py
steps_pair 10.233.1
steps_max $((2 * N + 1000))

STEPS_PORT=3790
# conf NAME SIDE MODE_BODY CHANNEL [GENERAL_EXTRA]
conf() {
	steps_conf "$@" "Scheduler {
		Type RR
		Priority 50
	}
	${5:-}"
}
now() { date +%s.%N; }
# poll_on NAME / poll_off: ctl_poll.py of -s on that daemon's socket
poll_on() {
	rm -f "$T_TMP/stop"
	chrt -f 99 python3 "$POLL" "$T_TMP/$1.ctl" 21 5 "$T_TMP/stop" >"$T_TMP/poll" \
		2>"$T_TMP/poll.err" &
	POLLER=$!
	# asking already (its first answer may be a refused connection)
	wait_for 5 test -s "$T_TMP/poll"
}
poll_off() { touch "$T_TMP/stop"; wait "$POLLER"; }
# answered_within T0 T1: -s answers asked and answered inside [T0, T1]
answered_within() {
	awk -v a="$1" -v b="$2" '$2 >= 0 && $1 >= a && $1 + $2 / 1000 <= b' \
		"$T_TMP/poll" | wc -l
}
# req NAME CODE: one request (43 -F, 44 -R, 33 -f internal) from a client
# without exec's delay; t0 and t1 are when it was asked and answered
req() {
	local r
	r=$(chrt -f 99 python3 "$POLL" "$T_TMP/$1.ctl" "$2" once)
	t0=${r% *} t1=${r#* }
}
# partial FIELD MAX: answers whose FIELD-th number was in ]0, MAX[
partial() {
	awk -v f="$1" -v n="$2" '{ split($3, v, ","); if (v[f] + 0 > 0 && v[f] + 0 < n + 0) c++ }
		END { print c + 0 }' "$T_TMP/poll"
}
# median T0 T1: of the answers asked in [T0, T1]
median() {
	awk -v a="$1" -v b="$2" '$2 >= 0 && $1 >= a && $1 <= b { print $2 }' "$T_TMP/poll" |
		sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", NR ? v[int((NR + 1) / 2)] : 999 }'
}
worst() { awk '$2 > w { w = $2 } END { printf "%.1f", w }' "$T_TMP/poll"; }
# field NAME NS LABEL: the first number after LABEL in -s
field() {
	ctd "$1" "$2" -s 2>/dev/null | awk -v l="$3" 'index($0, l) { print $NF; exit }'
}
cache_n() {	# cache_n NAME NS internal|external
	ctd "$1" "$2" -s cache 2>/dev/null |
		awk -v c="cache:$3" '$1 == c && /active objects/ { print $NF; exit }'
}
int_is() { [ "$(cache_n a "$A" internal)" = "$1" ]; }
# turn_check NAME NS WHAT: that daemon's longest turn within TURN_MAX_MS
turn_check() { steps_turn "$3: $1" ctd "$1" "$2"; }

"$TOP/tests/bench/gen_flows.sh" "$N" >"$T_TMP/flows"
in_ns "$A" "$CT" -R "$T_TMP/flows" >/dev/null 2>&1
have=$(in_ns "$A" "$CT" -C)
t_check "$N flows loaded in the sender's kernel (have $have)" [ "$have" = "$N" ]

# ---- 1. FT-FW/UDP with an internal cache ----------------------------------
conf a A "FTFW { }" UDP
conf b B "FTFW { }" UDP
start b "$B"

poll_on a
t0=$(now); start a "$A"; t1=$(now)
sleep 0.05; poll_off
n=$(cache_n a "$A" internal)
t_check "start-up dump complete: internal cache holds $N (has $n)" [ "$n" = "$N" ]
p=$(partial 1 "$N")
ours_check "start-up dump: -s answered between steps ($p answers saw a partial cache, worst $(worst) ms)" \
	[ "$p" -ge 1 ]

req a 33
n=$(cache_n a "$A" internal)
t_check "-f internal: the client returns once the cache is empty (has $n)" [ "$n" = 0 ]

poll_on a
req a 44
n=$(cache_n a "$A" internal)
sleep 0.05; poll_off
t_check "-R: the client returns once the internal cache holds $N (has $n)" [ "$n" = "$N" ]
p=$(partial 1 "$N")
ours_check "-R: -s answered between steps ($p answers saw a partial cache, worst $(worst) ms)" \
	[ "$p" -ge 1 ]

# -c: the peer's external cache (a bulk send) into its kernel
ctd a "$A" -B >/dev/null 2>&1
ext_n() { [ "$(cache_n b "$B" external)" = "$1" ]; }
wait_for 60 ext_n "$N"
poll_on b
req b 46
sleep 0.05; poll_off
n=$(in_ns "$B" "$CT" -C)
t_check "-c: the client returns once the peer's kernel holds $N (has $n)" [ "$n" = "$N" ]
m=$(median "$t0" "$t1")
ours_check "-c: -s answered between commit steps (median $m ms, worst $(worst) ms, commit $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)" \
	awk -v m="$m" 'BEGIN { exit !(m < 20) }'

poll_on a
req a 43
left=$(in_ns "$A" "$CT" -C)
sleep 0.05; poll_off
t_check "-F: the client returns once the kernel table is empty (has $left)" [ "$left" = 0 ]
k=$(answered_within "$t0" "$t1")
ours_check "-F: -s answered while the kernel flushes ($k answers, worst $(worst) ms, flush $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)" \
	[ "$k" -ge 5 ]
turn_check a "$A" "start-up dump, -f, -R, -B, -F"
stop a "$A"; stop b "$B"

# ---- 2. NOTRACK/TCP, DisableInternalCache, a Filter -----------------------
in_ns "$A" "$CT" -R "$T_TMP/flows" >/dev/null 2>&1
conf a A "NOTRACK { DisableInternalCache on }" TCP \
	"Filter From Userspace { Address Ignore { IPv4_address 10.99.99.99 } }"
conf b B "NOTRACK { }" TCP
start b "$B"; start a "$A"
sleep 1

poll_on a
ctd a "$A" -B >/dev/null 2>&1
# the filtered flow is not sent
ext_is_n() { [ "$(cache_n b "$B" external)" = "$((N - 1))" ]; }
wait_for 60 ext_is_n
sleep 0.05; poll_off
n=$(cache_n b "$B" external)
t_check "-B without internal cache: the peer's external cache holds the $((N - 1)) flows through the Filter (has $n)" \
	[ "$n" = $((N - 1)) ]
p=$(partial 1 $((N - 1)))
ours_check "-B without internal cache: -s answered between steps ($p answers saw the bypass counter partly grown, worst $(worst) ms)" \
	[ "$p" -ge 1 ]
turn_check a "$A" "NOTRACK/TCP -B read from a kernel dump"

poll_on a
req a 43
left=$(in_ns "$A" "$CT" -C)
sleep 0.05; poll_off
t_check "-F through a Filter: the client returns once only the filtered flow is left (has $left)" \
	[ "$left" = 1 ]
k=$(answered_within "$t0" "$t1")
ours_check "-F through a Filter: -s answered while it deletes ($k answers, worst $(worst) ms)" \
	[ "$k" -ge 5 ]

# a flush of the disabled internal cache: nothing to do, nothing left running
pid=$(daemon_pid a "$A")
ctd a "$A" -f internal >/dev/null 2>&1
c0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)
sleep 1
c1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)
t_check "-f of the disabled internal cache leaves the daemon idle ($((${c1:-0} - ${c0:-0})) ticks in 1 s)" \
	test -n "$c0" -a "$((${c1:-0} - ${c0:-0}))" -lt 30
turn_check b "$B" "NOTRACK/TCP -B received"
stop a "$A"; stop b "$B"
steps_max_restore
t_done
