#!/usr/bin/env bash
# The control socket and the dump children: who may command the daemon,
# and what a slow or stuck dump reader may not do to anyone else.
#  - no UNIX { Path }: no socket at all (1.4.7 autobinds an abstract one)
#  - an unprivileged user gets nothing done: not through the 0600 file,
#    nor (ours) through a socket made world-writable, by SO_PEERCRED
#  - a -i child holds no other client's connection (a -s answers at once)
#  - a reader that stops reading ends the dump at the first failed write,
#    logged, with no hole in what it got
#  - a dump child runs SCHED_OTHER under Scheduler { Type FIFO } and dies
#    of SIGTERM
. "$(dirname "$0")/../lib.sh"

ns_new A
D=$(ours_path conntrackd)
chmod 711 "$T_TMP"
cat >"$T_TMP/c.conf" <<CONF
General {
	LockFile $T_TMP/lock
	LogFile $T_TMP/log
	UNIX { Path $T_TMP/ctl }
	Scheduler { Type FIFO
		Priority 10 }
}
Stats { LogFile $T_TMP/stats }
CONF
chmod 644 "$T_TMP/c.conf"
"$TOP/tests/bench/gen_flows.sh" 4000 >"$T_TMP/flows"
in_ns "$A" "$REF_BIN/conntrack" -R "$T_TMP/flows" >/dev/null 2>&1
n0=$(in_ns "$A" "$REF_BIN/conntrack" -C)
[ "$n0" -ge 4000 ] || t_fail "4000 flows loaded (test premise)" "got $n0"
in_ns "$A" "$D" -C "$T_TMP/c.conf" -d
for i in $(seq 50); do [ -S "$T_TMP/ctl" ] && break; sleep 0.1; done
dpid=$(ip netns pids "$A" | head -1)
alive() { kill -0 "$dpid" 2>/dev/null; }

# --- who may command the daemon ------------------------------------------
nobody() { in_ns "$A" setpriv --reuid=65534 --regid=65534 --clear-groups "$D" -C "$T_TMP/c.conf" "$@"; }
as_nobody_refused() {	# DESC: -s, -F, -k as nobody change nothing
	local desc=$1 out
	out=$(nobody -s 2>&1; nobody -F 2>&1; nobody -k 2>&1)
	sleep 0.3
	n=$(in_ns "$A" "$REF_BIN/conntrack" -C)
	if alive && [ "$n" = "$n0" ] && ! grep -q 'cache stats' <<<"$out"; then
		t_ok "$desc"
	else
		t_fail "$desc" "alive: $(alive && echo yes || echo no), flows $n of $n0" "$out"
	fi
}
as_nobody_refused "unprivileged -s/-F/-k refused by the 0600 socket: table intact, daemon running"
if t_ours_only "unprivileged -s/-F/-k on a world-writable socket refused by SO_PEERCRED"; then
	chmod 666 "$T_TMP/ctl"
	as_nobody_refused "unprivileged -s/-F/-k on a world-writable socket refused by SO_PEERCRED"
	grep -q 'refused a control connection from uid 65534' "$T_TMP/log" &&
		t_ok "refusals logged with the uid" || t_fail "refusals logged with the uid" "$(tail -5 "$T_TMP/log")"
	chmod 600 "$T_TMP/ctl"
fi
out=$(in_ns "$A" "$D" -C "$T_TMP/c.conf" -s 2>&1)
grep -q 'cache stats' <<<"$out" && t_ok "root still commands the daemon" || t_fail "root still commands the daemon" "$out"

# --- slow dump readers -----------------------------------------------------
cat >"$T_TMP/cl.py" <<'PY'
import socket, struct, sys, time
path, what = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
def readall(s):
    out = b""
    while True:
        b = s.recv(65536)
        if not b: return out
        out += b
if what == "concurrent":
    # x connects first and stays silent while y's dump child is forked
    x = conn(); time.sleep(0.2)
    y = conn(); y.sendall(struct.pack("i", 16)); time.sleep(0.5)
    t = time.time(); x.sendall(struct.pack("i", 21)); r = readall(x)
    print("%.2f %d" % (time.time() - t, b"cache stats" in r))
elif what == "stall":
    # read a little, stop past the daemon's send timeout (a write that
    # timed out after a part went returns that part: twice it), read on
    y = conn(); y.sendall(struct.pack("i", 16))
    got = y.recv(1000); time.sleep(5)
    sys.stdout.buffer.write(got + readall(y))
elif what == "hold":
    y = conn(); y.sendall(struct.pack("i", 16)); time.sleep(float(sys.argv[3]))
PY
r=$(in_ns "$A" python3 "$T_TMP/cl.py" "$T_TMP/ctl" concurrent)
read -r secs answered <<<"$r"
if [ "$answered" = 1 ] && awk -v s="$secs" 'BEGIN { exit !(s < 1) }'; then
	t_ok "-s answered in ${secs}s while a -i reader is stuck"
else
	t_fail "-s answered in under 1 s while a -i reader is stuck" "$r"
fi
sleep 2.5

strip() { sed -E 's/ \[active since [0-9]+s\]$//'; }
logged=$(grep -c 'write error' "$T_TMP/log")
in_ns "$A" python3 "$T_TMP/cl.py" "$T_TMP/ctl" stall >"$T_TMP/got"
in_ns "$A" "$D" -C "$T_TMP/c.conf" -i | strip >"$T_TMP/full"
strip <"$T_TMP/got" | grep -E '\]?$' >"$T_TMP/got.s"
# the last line received may be cut where the write failed
head -n -1 "$T_TMP/got.s" >"$T_TMP/got.w"
ng=$(wc -l <"$T_TMP/got.w"); nf=$(wc -l <"$T_TMP/full")
if [ "$nf" -ge 4000 ] && cmp -s "$T_TMP/got.w" <(head -n "$ng" "$T_TMP/full"); then
	t_ok "a stalled reader gets a dump without a hole ($ng of $nf lines)"
else
	t_fail "a stalled reader gets a dump without a hole" "got $ng of $nf lines" \
		"$(diff "$T_TMP/got.w" <(head -n "$ng" "$T_TMP/full") | head -5)"
fi
ours_check "the failed dump write is logged" \
	[ "$(grep -c 'cache dump to a control client stopped: write error' "$T_TMP/log")" -gt "$logged" ]

# --- the dump child's signals and scheduling ------------------------------
# (ours only: 1.4.7's children keep the daemon's policy and signal mask)
if t_ours_only "dump child: SCHED_OTHER, ended by SIGTERM"; then
	in_ns "$A" python3 "$T_TMP/cl.py" "$T_TMP/ctl" hold 1.5 &
	HOLD=$!
	sleep 0.4
	child=$(ps -o pid= --ppid "$dpid" | tr -d ' ' | head -1)
	dpol=$(chrt -p "$dpid" | sed -n 's/.*scheduling policy: //p')
	[ "$dpol" = SCHED_FIFO ] || t_fail "the daemon runs SCHED_FIFO (test premise)" "$dpol"
	if [ -z "$child" ]; then
		t_fail "a dump child is running (test premise)"
	else
		cpol=$(chrt -p "$child" | sed -n 's/.*scheduling policy: //p')
		[ "$cpol" = SCHED_OTHER ] && t_ok "dump child runs SCHED_OTHER" ||
			t_fail "dump child runs SCHED_OTHER" "$cpol"
		kill -TERM "$child"
		sleep 0.3
		if kill -0 "$child" 2>/dev/null; then
			t_fail "SIGTERM ends a dump child stuck writing"
		else
			t_ok "SIGTERM ends a dump child stuck writing"
		fi
	fi
	wait "$HOLD"
fi
alive && t_ok "daemon still running" || t_fail "daemon still running"
in_ns "$A" "$D" -C "$T_TMP/c.conf" -k

# --- no UNIX { Path } --------------------------------------------------------
grep -v 'UNIX' "$T_TMP/c.conf" | sed "s#$T_TMP/lock#$T_TMP/lock2#; s#$T_TMP/log#$T_TMP/log2#" >"$T_TMP/nopath.conf"
in_ns "$A" "$D" -C "$T_TMP/nopath.conf" >"$T_TMP/nopath.out" 2>&1 &
NP=$!
sleep 1
abstract=$(in_ns "$A" cat /proc/net/unix | awk '$NF ~ /^@/' | wc -l)
ours_check "no UNIX { Path }: no abstract control socket" [ "$abstract" = 0 ]
ours_check "no UNIX { Path }: said at start-up" grep -q 'no control socket' "$T_TMP/nopath.out"
kill -TERM "$NP"; wait "$NP"
t_done
