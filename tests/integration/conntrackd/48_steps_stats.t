#!/usr/bin/env bash
# Stats mode does no whole-cache work in one loop turn (issue 13), with
# STEP_FLOWS (default 100,000) flows cached:
#  - the purge after a resync (here PollSecs' dumps, which purge as an
#    overrun resync does) sweeps a step per turn: once the kernel table is
#    flushed, every cached flow is logged to the stats log exactly once,
#    except those back in the kernel before the poll (not purged), and
#    the cache ends empty of the others;
#  - -f internal (-f alone is ignored in stats mode, as by 1.4.7) empties
#    the cache at once and frees it a slice per turn.
# Each daemon's longest loop turn, in its own CPU time (`-s sync`, ours:
# 1.4.7's client refuses it), stays within TURN_MAX_MS (default 40).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/steps_lib.sh"

D=$(ours_path conntrackd)
CT=$(ours_path conntrack)
N=${STEP_FLOWS:-100000}
KEEP=10
ns_new A
steps_max $((N + 1000))

# conf NAME: a stats daemon polling the table every 2 s
conf() {
	cat >"$T_TMP/$1.conf" <<CONF
General {
	HashSize 65536
	HashLimit $((4 * N))
	LockFile $T_TMP/$1.lock
	LogFile $T_TMP/$1.log
	UNIX { Path $T_TMP/$1.ctl }
	PollSecs 2
}
Stats {
	LogFile $T_TMP/$1.stats
}
CONF
}
ctd() { local n=$1; shift; in_ns "$A" "$D" -C "$T_TMP/$n.conf" "$@"; }
start() {
	rm -f "$T_TMP/$1.ctl" "$T_TMP/$1.lock" "$T_TMP/$1.stats"
	conf "$1"
	ctd "$1" -d >"$T_TMP/$1.start" 2>&1
}
stop() { ctd "$1" -k >/dev/null 2>&1; wait_for 10 test ! -e "$T_TMP/$1.lock"; }
active() { ctd "$1" -s 2>/dev/null | awk '/current active connections/ { print $NF; exit }'; }
active_is() { [ "$(active "$1")" = "$2" ]; }
turn_check() { steps_turn "$2" ctd "$1"; }	# turn_check NAME WHAT

"$TOP/tests/bench/gen_flows.sh" "$N" >"$T_TMP/flows"
head -n "$KEEP" "$T_TMP/flows" >"$T_TMP/keep"
in_ns "$A" "$CT" -R "$T_TMP/flows" >/dev/null 2>&1

# ---- the purge --------------------------------------------------------
start p
wait_for 30 active_is p "$N"
t_check "the start-up dump caches $N flows (has $(active p))" active_is p "$N"
in_ns "$A" "$CT" -F >/dev/null 2>&1
in_ns "$A" "$CT" -R "$T_TMP/keep" >/dev/null 2>&1
wait_for 30 active_is p "$KEEP"
t_check "a poll after the flush purges all but the $KEEP flows back in the kernel (has $(active p))" \
	active_is p "$KEEP"
turn_check p "the purge of $((N - KEEP)) flows"
stop p
lines=$(wc -l <"$T_TMP/p.stats")
uniq=$(cut -f2- "$T_TMP/p.stats" | sort -u | wc -l)
t_check "every purged flow logged once ($lines lines, $uniq distinct, want $((N - KEEP)))" \
	[ "$lines" = $((N - KEEP)) ] && [ "$uniq" = $((N - KEEP)) ]
# the flows back in the kernel: "src=S ... sport=P " of each, not logged
kept=$(awk 'NR == FNR { for (i = 1; i < NF; i++) { if ($i == "-s") s = $(i + 1); if ($i == "--sport") p = $(i + 1) }
		k["src=" s " "] = "sport=" p " "; next }
	{ for (a in k) if (index($0, a) && index($0, k[a])) c++ }
	END { print c + 0 }' "$T_TMP/keep" "$T_TMP/p.stats")
t_check "the $KEEP flows back in the kernel before the poll are not purged ($kept logged)" [ "$kept" = 0 ]

# ---- -f -------------------------------------------------------------------
in_ns "$A" "$CT" -F >/dev/null 2>&1
in_ns "$A" "$CT" -R "$T_TMP/flows" >/dev/null 2>&1
start f
wait_for 30 active_is f "$N"
ctd f -f internal >/dev/null 2>&1
n=$(active f)
t_check "-f internal: the cache is empty when the client returns (has $n)" [ "$n" = 0 ]
wait_for 10 active_is f "$N"
t_check "-f internal: the next poll caches the $N flows again (has $(active f))" active_is f "$N"
turn_check f "-f internal of $N flows"
stop f
steps_max_restore
t_done
