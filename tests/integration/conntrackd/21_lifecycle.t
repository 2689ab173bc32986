#!/usr/bin/env bash
# Daemon lifecycle and bad input: start, -k, restart, stale lock, second
# instance, SIGTERM, missing config, Sync section, garbage on the control
# socket, and command-line errors worded as the reference's.
. "$(dirname "$0")/../lib.sh"

ns_new A
D=$(ours_path conntrackd)
norm() { sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //; s/daemon v[0-9.]+/daemon vX/; s#^Usage: [^ ]*#Usage: P#'; }
cat >"$T_TMP/c.conf" <<CONF
General {
	LockFile $T_TMP/lock
	LogFile $T_TMP/log
	UNIX { Path $T_TMP/ctl }
}
Stats { LogFile $T_TMP/stats }
CONF
C=$T_TMP/c.conf
wait_sock() { for i in $(seq 50); do [ -S "$T_TMP/ctl" ] && return 0; sleep 0.1; done; return 1; }
wait_gone() { for i in $(seq 50); do [ ! -e "$T_TMP/lock" ] && return 0; sleep 0.1; done; return 1; }

in_ns "$A" "$D" -C "$C" -d; rc=$?
[ $rc = 0 ] && wait_sock && t_ok "-d starts, parent exits 0" || t_fail "-d starts, parent exits 0" "rc=$rc"
out=$(in_ns "$A" "$D" -C "$C" -s 2>&1)
grep -q '^cache stats:' <<<"$out" && t_ok "-s answers" || t_fail "-s answers" "$out"

# a second instance is refused, in console mode with the reference's line
in_ns "$A" "$D" -C "$C" >"$T_TMP/o2" 2>&1; rc=$?
in_ns "$A" "$REF_BIN/conntrackd" -C "$C" >"$T_TMP/r2" 2>&1; rrc=$?
if [ $rc = 1 ] && [ "$(norm <"$T_TMP/o2")" = "$(norm <"$T_TMP/r2")" ]; then
	t_ok "second instance refused as the reference does"
else
	t_fail "second instance refused as the reference does" "rc=$rc/$rrc" "$(cat "$T_TMP/o2")" "$(cat "$T_TMP/r2")"
fi

# garbage on the socket: short request, unknown code, nothing at all
python3 - "$T_TMP/ctl" <<'PY'
import socket, struct, sys
def req(data, close_early=False):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    if data: s.sendall(data)
    if close_early: s.close(); return b""
    s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        b = s.recv(4096)
        if not b: break
        out += b
    return out
req(b"\x15", True)
assert req(struct.pack("i", 99)) == b""
assert req(struct.pack("i", -5)) == b""
req(b"", True)
for i in range(40):
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(sys.argv[1])
PY
[ $? = 0 ] && t_ok "bad requests answered with nothing" || t_fail "bad requests answered with nothing"
out=$(in_ns "$A" "$D" -C "$C" -s runtime 2>&1)
# as 1.4.7 counts them: the empty request and the 40 silent clients are
# failed reads; a short one, 99 and -5 are unknown codes, answered with
# nothing and not counted
grep -q 'local read failed:		          41' <<<"$out" &&
grep -q 'local unknown request:		           0' <<<"$out" &&
	t_ok "bad requests counted as 1.4.7 counts them, daemon alive" ||
	t_fail "bad requests counted as 1.4.7 counts them, daemon alive" "$out"

in_ns "$A" "$D" -C "$C" -k; rc=$?
[ $rc = 0 ] && wait_gone && [ ! -e "$T_TMP/ctl" ] && t_ok "-k: exit 0, lock and socket removed" ||
	t_fail "-k: exit 0, lock and socket removed" "$(ls "$T_TMP")"
grep -q '\[notice\] ---- shutdown received ----' "$T_TMP/log" && t_ok "shutdown logged" || t_fail "shutdown logged" "$(cat "$T_TMP/log")"

# restart, then SIGTERM
in_ns "$A" "$D" -C "$C" -d && wait_sock && t_ok "restart after -k" || t_fail "restart after -k"
pid=$(ip netns pids "$A" | head -1)
kill -TERM "$pid"
wait_gone && [ ! -e "$T_TMP/ctl" ] && t_ok "SIGTERM: lock and socket removed" || t_fail "SIGTERM: lock and socket removed"

# stale lock (a crash's leftover, nobody holds it): 1.4.7 refuses to
# start, we take it over with a warning
: >"$T_TMP/lock"
if [ "${TEST_REF:-0}" = 1 ]; then
	in_ns "$A" "$D" -C "$C" >"$T_TMP/o3" 2>&1; rc=$?
	[ $rc = 1 ] && grep -q "lockfile \`$T_TMP/lock' exists" "$T_TMP/o3" &&
		t_ok "stale lock: the reference refuses" || t_fail "stale lock: the reference refuses" "$(cat "$T_TMP/o3")"
else
	echo 4194000 >"$T_TMP/lock"
	in_ns "$A" "$D" -C "$C" -d; rc=$?
	if [ $rc = 0 ] && wait_sock && grep -q "lockfile \`$T_TMP/lock' is stale (no process holds it, last pid 4194000): taking it over" "$T_TMP/log"; then
		t_ok "stale lock taken over, with a warning"
	else
		t_fail "stale lock taken over, with a warning" "rc=$rc" "$(tail -3 "$T_TMP/log")"
	fi
	pid=$(ip netns pids "$A" | head -1)
	[ "$(cat "$T_TMP/lock")" = "$pid" ] && t_ok "lock file holds the daemon's pid" ||
		t_fail "lock file holds the daemon's pid" "$(cat "$T_TMP/lock") vs $pid"
	# held: a second daemon is refused even though the file is ours
	in_ns "$A" "$D" -C "$C" >"$T_TMP/o4" 2>&1; rc=$?
	[ $rc = 1 ] && grep -q "lockfile \`$T_TMP/lock' exists, perhaps conntrackd already running?" "$T_TMP/o4" &&
		t_ok "held lock refuses a second daemon" || t_fail "held lock refuses a second daemon" "$(cat "$T_TMP/o4")"
	# SIGHUP (logrotate's postrotate): the log is reopened, the daemon lives
	mv "$T_TMP/log" "$T_TMP/log.1"
	kill -HUP "$pid"; sleep 0.3
	in_ns "$A" "$D" -C "$C" -s >/dev/null 2>&1
	if kill -0 "$pid" 2>/dev/null && grep -q 'log files reopened' "$T_TMP/log" 2>/dev/null &&
	   ! grep -q 'log files reopened' "$T_TMP/log.1"; then
		t_ok "SIGHUP reopens the log file, daemon keeps running"
	else
		t_fail "SIGHUP reopens the log file, daemon keeps running" "$(cat "$T_TMP/log" 2>&1)"
	fi
	in_ns "$A" "$D" -C "$C" -k; wait_gone
fi
rm -f "$T_TMP/lock"

# same_cli DESC ARGS...: stdout, stderr and exit code as the reference's.
same_cli() {
	local desc=$1; shift
	in_ns "$A" "$D" "$@" >"$T_TMP/o.out" 2>"$T_TMP/o.err"; echo $? >"$T_TMP/o.rc"
	in_ns "$A" "$REF_BIN/conntrackd" "$@" >"$T_TMP/r.out" 2>"$T_TMP/r.err"; echo $? >"$T_TMP/r.rc"
	local f ok=1
	for f in out err; do
		[ "$(norm <"$T_TMP/o.$f")" = "$(norm <"$T_TMP/r.$f")" ] || ok=0
	done
	cmp -s "$T_TMP/o.rc" "$T_TMP/r.rc" || ok=0
	if [ $ok = 1 ]; then t_ok "$desc"; else
		t_fail "$desc" "rc $(cat "$T_TMP/o.rc")/$(cat "$T_TMP/r.rc")" \
			"$(diff <(norm <"$T_TMP/r.out") <(norm <"$T_TMP/o.out"))" \
			"$(diff <(norm <"$T_TMP/r.err") <(norm <"$T_TMP/o.err"))"
	fi
}
same_cli "missing config" -C "$T_TMP/nonexistent" -s
same_cli "no daemon: can't connect" -C "$C" -s
same_cli "-x without -i" -C "$C" -x
same_cli "-d with a request" -C "$C" -d -s
same_cli "-s bogus" -C "$C" -s bogus
same_cli "-f bogus" -C "$C" -f bogus
same_cli "unknown option" -C "$C" -q
same_cli "-i with a bad sub-argument" -C "$C" -i bogus
same_cli "-h" -h
same_cli "-v" -v

# a Sync section: the daemon starts syncing, as 1.4.7 (ctbox refused
# one until its sync core landed), and -k stops it with nothing left
cat >"$T_TMP/s.conf" <<CONF
General { LockFile $T_TMP/lock
	UNIX { Path $T_TMP/ctl } }
Sync { Mode NOTRACK { } UDP { IPv4_address 127.0.0.1 IPv4_Destination_Address 127.0.0.2 Port 3780 Interface lo } }
CONF
in_ns "$A" "$D" -C "$T_TMP/s.conf" >"$T_TMP/s.out" 2>&1 &
spid=$!
for _ in $(seq 100); do [ -S "$T_TMP/ctl" ] && break; sleep 0.05; done
st=$(in_ns "$A" "$D" -C "$T_TMP/s.conf" -s 2>&1 | head -1)
in_ns "$A" "$D" -C "$T_TMP/s.conf" -k
wait "$spid"; rc=$?
if [ $rc = 0 ] && [ "$st" = "cache internal:" ] && [ ! -e "$T_TMP/lock" ]; then
	t_ok "Sync section: the daemon syncs, -s shows its caches, -k stops it"
else
	t_fail "Sync section: the daemon syncs, -s shows its caches, -k stops it" \
		"rc=$rc -s: $st" "$(cat "$T_TMP/s.out")"
fi
# an unwritable log path: a clear error, exit 1, no lock left
sed "s#LogFile $T_TMP/log#LogFile /proc/nonexistent/log#" "$C" >"$T_TMP/l.conf"
out=$(in_ns "$A" "$D" -C "$T_TMP/l.conf" 2>&1); rc=$?
[ $rc = 1 ] && grep -q "can't open logfile" <<<"$out" && [ ! -e "$T_TMP/lock" ] &&
	t_ok "unwritable LogFile refused" || t_fail "unwritable LogFile refused" "rc=$rc" "$out"
t_done
