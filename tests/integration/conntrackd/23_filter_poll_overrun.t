#!/usr/bin/env bash
# The event-source options of General, ours and the reference side by side
# in one namespace (each with its own lock, socket and logs):
#  - Filter From Userspace and From Kernelspace (BPF on the event socket):
#    the same flows cached, the same filtered counts, the same resync
#    (-R) and the same selective kernel flush (-F);
#  - PollSecs: no event socket, the cache follows the table by polling;
#  - NetlinkBufferSize / NetlinkBufferSizeMaxGrowth / NetlinkOverrunResync:
#    a burst while the daemon is stopped overruns the small buffer, the
#    buffer grows, and the resync brings every flow into the cache.
. "$(dirname "$0")/../lib.sh"
ns_new A
REF=$REF_BIN/conntrack
OURS_D=$(ours_path conntrackd)
REF_D=$REF_BIN/conntrackd

# mkconf WHO GENERAL-EXTRA: a stats-mode config of its own for WHO
mkconf() {
	cat >"$T_TMP/$1.conf" <<CONF
General {
	HashSize 8192
	HashLimit 65535
	LockFile $T_TMP/$1.lock
	LogFile $T_TMP/$1.log
	UNIX { Path $T_TMP/$1.ctl }
$2
}
Stats {
	LogFile $T_TMP/$1.stats
}
CONF
}

start() {	# start GENERAL-EXTRA: both daemons with the same options
	rm -f "$T_TMP"/*.log "$T_TMP"/*.stats
	mkconf ref "$1"; mkconf ours "$1"
	in_ns "$A" "$REF_D" -C "$T_TMP/ref.conf" -d
	in_ns "$A" "$OURS_D" -C "$T_TMP/ours.conf" -d
	for _ in $(seq 50); do
		[ -S "$T_TMP/ref.ctl" ] && [ -S "$T_TMP/ours.ctl" ] && return 0
		sleep 0.1
	done
	t_fail "both daemons started" "$(cat "$T_TMP"/*.log 2>/dev/null)"
}

stop() {
	in_ns "$A" "$REF_D" -C "$T_TMP/ref.conf" -k >/dev/null 2>&1
	in_ns "$A" "$OURS_D" -C "$T_TMP/ours.conf" -k >/dev/null 2>&1
	for _ in $(seq 50); do
		[ ! -e "$T_TMP/ref.lock" ] && [ ! -e "$T_TMP/ours.lock" ] && return 0
		sleep 0.1
	done
}

norm() {
	sed -E 's/\[active since [0-9]+s\]/[active since Ns]/' "$1" | LC_ALL=C sort
}

# cmp_req DESC ARGS...: the same answer from both daemons.
cmp_req() {
	local desc=$1; shift
	in_ns "$A" "$REF_D" -C "$T_TMP/ref.conf" "$@" >"$T_TMP/r.out" 2>&1
	in_ns "$A" "$OURS_D" -C "$T_TMP/ours.conf" "$@" >"$T_TMP/o.out" 2>&1
	norm "$T_TMP/r.out" >"$T_TMP/r.n"
	norm "$T_TMP/o.out" >"$T_TMP/o.n"
	if cmp -s "$T_TMP/r.n" "$T_TMP/o.n"; then t_ok "$desc"; else
		t_fail "$desc" "$(diff -u "$T_TMP/r.n" "$T_TMP/o.n" | head -30)"
	fi
}

cmp_log() {	# cmp_log DESC: the daemon logs hold the same lines
	sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //' "$T_TMP/ref.log" >"$T_TMP/rl"
	sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //' "$T_TMP/ours.log" >"$T_TMP/ol"
	if cmp -s "$T_TMP/rl" "$T_TMP/ol"; then t_ok "$1"; else
		t_fail "$1" "$(diff -u "$T_TMP/rl" "$T_TMP/ol")"
	fi
}

# Flows of every class the filter looks at: accepted TCP and UDP, TCP to
# an ignored address, ICMP (protocol not accepted), TCP in an ignored state.
cat >"$T_TMP/flows" <<'EOF'
-I -p tcp -s 10.20.0.1 -d 10.20.0.2 --sport 1000 --dport 80 --state ESTABLISHED -t 600
-I -p tcp -s 10.20.0.1 -d 10.20.0.2 --sport 1001 --dport 443 --state TIME_WAIT -t 600
-I -p udp -s 10.20.0.1 -d 10.20.0.2 --sport 2000 --dport 53 -t 600
-I -p udp -s 10.20.0.9 -d 10.20.0.1 --sport 2001 --dport 53 -t 600
-I -p tcp -s 10.20.0.1 -d 10.20.0.3 --sport 1002 --dport 80 --state ESTABLISHED -t 600
-I -p udp -s 10.20.0.3 -d 10.20.0.1 --sport 2002 --dport 53 -t 600
-I -p icmp -s 10.20.0.1 -d 10.20.0.2 --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 600
-I -p tcp -s 10.20.0.1 -d 10.20.0.2 --sport 1003 --dport 22 --state SYN_SENT -t 600
EOF
load() {
	in_ns "$A" "$REF" -F >/dev/null 2>&1
	in_ns "$A" "$REF" -R "$T_TMP/flows" >/dev/null 2>&1
}

FILTER_BODY='
		Protocol Accept { TCP UDP }
		Address Ignore { IPv4_address 10.20.0.3 }
		State Ignore { SYN_SENT for TCP }
	}'
for where in Userspace Kernelspace; do
	in_ns "$A" "$REF" -F >/dev/null 2>&1
	start "	Filter From $where {$FILTER_BODY"
	load
	sleep 0.5
	cmp_req "Filter From $where: -i caches the same flows" -i
	n=$(grep -c . "$T_TMP/o.out")
	t_check "Filter From $where: 4 of the 8 flows pass ($n)" test "$n" = 4
	cmp_req "Filter From $where: -s counts the same filtered events" -s
	cmp_req "Filter From $where: -f" -f internal
	cmp_req "Filter From $where: -R resyncs the accepted flows only" -R
	cmp_req "Filter From $where: -i after -R" -i
	# -F flushes from the kernel what the filter accepts: the same table
	# is left behind by each daemon's -F
	in_ns "$A" "$REF_D" -C "$T_TMP/ref.conf" -F >/dev/null 2>&1
	sleep 0.5
	in_ns "$A" "$REF" -L 2>/dev/null | t_norm | LC_ALL=C sort >"$T_TMP/left.ref"
	load
	in_ns "$A" "$OURS_D" -C "$T_TMP/ours.conf" -F >/dev/null 2>&1
	sleep 0.5
	in_ns "$A" "$REF" -L 2>/dev/null | t_norm | LC_ALL=C sort >"$T_TMP/left.ours"
	t_check "Filter From $where: -F leaves the same table ($(wc -l <"$T_TMP/left.ours") flows)" \
		cmp "$T_TMP/left.ref" "$T_TMP/left.ours"
	stop
	cmp_log "Filter From $where: the same daemon log lines"
done

# PollSecs: the cache follows the table without events
in_ns "$A" "$REF" -F >/dev/null 2>&1
start "	PollSecs 1"
load
sleep 2.5
cmp_req "PollSecs: -i after a poll" -i
n=$(grep -c . "$T_TMP/o.out")
t_check "PollSecs: every flow polled into the cache ($n)" test "$n" = 8
in_ns "$A" "$REF" -D -p udp >/dev/null 2>&1
sleep 2.5
cmp_req "PollSecs: -i after flows were deleted" -i
stop
cmp_log "PollSecs: the same daemon log lines (running in polling mode)"
t_check "PollSecs: says it polls" grep -q "running in polling mode" "$T_TMP/ours.log"

# Overrun: a burst of events while the daemons are stopped overruns the
# small buffer; each doubles it and resyncs one second later.  A second
# burst finds the buffer at NetlinkBufferSizeMaxGrowth: a warning, and the
# resync still brings every flow in.
N=3000
burst() {	# burst FILE FIRST: N entries from 10.FIRST.x.y
	awk -v n=$N -v a="$2" 'BEGIN { for (i = 0; i < n; i++)
		printf "-I -p udp -s 10.%d.%d.%d -d 10.22.0.1 --sport %d --dport 53 -t 600\n",
			a, int(i / 250), i % 250 + 1, 1024 + i }' >"$1"
}
burst "$T_TMP/burst1" 21; burst "$T_TMP/burst2" 23
in_ns "$A" "$REF" -F >/dev/null 2>&1
start "	NetlinkBufferSize 8192
	NetlinkBufferSizeMaxGrowth 16384
	NetlinkOverrunResync 1"
rpid=$(pgrep -f -- "-C $T_TMP/ref.conf" | head -1)
opid=$(pgrep -f -- "-C $T_TMP/ours.conf" | head -1)
for b in 1 2; do
	kill -STOP "$rpid" "$opid"
	in_ns "$A" "$REF" -R "$T_TMP/burst$b" >/dev/null 2>&1
	kill -CONT "$rpid" "$opid"
	sleep 2.5
	for who in ref ours; do
		if [ $who = ref ]; then d=$REF_D; else d=$OURS_D; fi
		in_ns "$A" "$d" -C "$T_TMP/$who.conf" -s runtime >"$T_TMP/$who.s" 2>&1
		in_ns "$A" "$d" -C "$T_TMP/$who.conf" -i >"$T_TMP/$who.i" 2>&1
	done
	ov() { awk '/netlink overrun:/ {print $NF}' "$1"; }
	t_check "burst $b: the reference overran ($(ov "$T_TMP/ref.s"))" test "$(ov "$T_TMP/ref.s")" -ge "$b"
	t_check "burst $b: overrun counted ($(ov "$T_TMP/ours.s"))" test "$(ov "$T_TMP/ours.s")" -ge "$b"
	bs() { awk '/current buffer size/ {print $NF}' "$1"; }
	t_check "burst $b: the same buffer size as the reference ($(bs "$T_TMP/ours.s"))" \
		test "$(bs "$T_TMP/ref.s")" = "$(bs "$T_TMP/ours.s")"
	for who in ref ours; do norm "$T_TMP/$who.i" >"$T_TMP/$who.in"; done
	t_check "burst $b: the resync cached all $((b * N)) flows ($(grep -c . "$T_TMP/ours.i"))" \
		test "$(grep -c . "$T_TMP/ours.i")" = $((b * N))
	t_check "burst $b: the same cache as the reference's" cmp "$T_TMP/ref.in" "$T_TMP/ours.in"
done
stop
cmp_log "overrun: the same daemon log lines (doubled, then the cap warning)"
t_check "overrun: the buffer was doubled" grep -q "buffer size has been doubled to 16384 bytes" "$T_TMP/ours.log"
t_check "overrun: the cap was reported" grep -q "cannot be doubled further" "$T_TMP/ours.log"

# HashLimit: a full cache refuses (and counts) the rest; reliable event
# delivery, an event iteration limit and a scheduler change nothing else
in_ns "$A" "$REF" -F >/dev/null 2>&1
start "	HashLimit 5
	Filter From Kernelspace {
		Protocol Ignore { SCTP }
	}
	NetlinkEventsReliable on
	EventIterationLimit 2
	Scheduler {
		Type FIFO
		Priority 50
	}"
sed -i 's/HashLimit 65535//' "$T_TMP/ref.conf" "$T_TMP/ours.conf"
load
sleep 0.5
cmp_req "HashLimit 5: -s cache counts the same refusals" -s cache
cmp_req "HashLimit 5: -i holds as many flows" -i
t_check "HashLimit 5: 5 flows cached ($(grep -c . "$T_TMP/o.out"))" test "$(grep -c . "$T_TMP/o.out")" = 5
cmp_req "NetlinkEventsReliable, EventIterationLimit, Scheduler: -s runtime" -s runtime
stop
cmp_log "NetlinkEventsReliable, Scheduler: the same daemon log lines"
t_check "NetlinkEventsReliable: said so" grep -q "reliable ctnetlink event delivery is ENABLED" "$T_TMP/ours.log"

# LogFileBufferSize (1.4.7 rejects the keyword): destroyed flows are
# collected and written whole when the daemon stops
if t_ours_only "LogFileBufferSize"; then
	in_ns "$A" "$REF" -F >/dev/null 2>&1
	rm -f "$T_TMP"/ours.*
	mkconf ours ""
	sed -i "s|LogFile $T_TMP/ours.stats|LogFile $T_TMP/ours.stats\n\tLogFileBufferSize 1000000|" "$T_TMP/ours.conf"
	in_ns "$A" "$OURS_D" -C "$T_TMP/ours.conf" -d
	for _ in $(seq 50); do [ -S "$T_TMP/ours.ctl" ] && break; sleep 0.1; done
	load
	sleep 0.3
	in_ns "$A" "$REF" -F >/dev/null 2>&1
	sleep 0.5
	t_check "LogFileBufferSize: destroyed flows wait in the buffer" \
		test "$(cat "$T_TMP/ours.stats" 2>/dev/null | wc -l)" = 0
	in_ns "$A" "$OURS_D" -C "$T_TMP/ours.conf" -k >/dev/null 2>&1
	for _ in $(seq 50); do [ ! -e "$T_TMP/ours.lock" ] && break; sleep 0.1; done
	t_check "LogFileBufferSize: written when the daemon stops ($(wc -l <"$T_TMP/ours.stats") lines)" \
		test "$(wc -l <"$T_TMP/ours.stats")" = 8
	t_check "LogFileBufferSize: whole lines" \
		test "$(grep -c $'\tudp\|\ttcp\|\ticmp' "$T_TMP/ours.stats")" = 8
fi
t_done
