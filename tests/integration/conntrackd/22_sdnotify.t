#!/usr/bin/env bash
# sd_notify without libsystemd: READY=1 once the daemon serves requests,
# WATCHDOG=1 pings at half of WATCHDOG_USEC, STOPPING=1 on -k.
. "$(dirname "$0")/../lib.sh"

if [ "${TEST_REF:-0}" = 1 ]; then t_ok "sd_notify: ours only (the reference uses libsystemd)"; t_done; fi
ns_new A
D=$(ours_path conntrackd)
cat >"$T_TMP/c.conf" <<CONF
General {
	LockFile $T_TMP/lock
	LogFile $T_TMP/log
	UNIX { Path $T_TMP/ctl }
}
Stats { LogFile $T_TMP/stats }
CONF
# a datagram listener in the namespace collecting what the daemon says,
# each message after the sender's pid (SO_PASSCRED), as systemd sees it
cat >"$T_TMP/listen.py" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.settimeout(0.2)
end = time.time() + 8
with open(sys.argv[2], "w") as out:
    while time.time() < end:
        try:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            continue
        pid = 0
        for lvl, typ, data in anc:
            if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data[:12])[0]
        out.write("from=%d %s\n" % (pid, msg.decode().replace("\n", " ")))
        out.flush()
        if "STOPPING=1" in msg.decode():
            break
PY
listen() {	# listen SOCKET OUT
	in_ns "$A" python3 "$T_TMP/listen.py" "$1" "$2" &
	LISTENER=$!
	for i in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}
listen "$T_TMP/notify" "$T_TMP/said"

in_ns "$A" env NOTIFY_SOCKET="$T_TMP/notify" WATCHDOG_USEC=400000 "$D" -C "$T_TMP/c.conf" >/dev/null 2>&1 &
DAEMON=$!
for i in $(seq 50); do grep -q 'READY=1' "$T_TMP/said" 2>/dev/null && break; sleep 0.1; done
grep -q 'READY=1' "$T_TMP/said" && t_ok "READY=1 sent" || t_fail "READY=1 sent" "$(cat "$T_TMP/said" 2>&1)"
out=$(in_ns "$A" "$D" -C "$T_TMP/c.conf" -s 2>&1)
grep -q '^cache stats:' <<<"$out" && t_ok "control socket answers after READY" || t_fail "control socket after READY" "$out"
sleep 0.7
[ "$(grep -c 'WATCHDOG=1' "$T_TMP/said")" -ge 2 ] && t_ok "WATCHDOG=1 pings at half of WATCHDOG_USEC" ||
	t_fail "WATCHDOG pings" "$(cat "$T_TMP/said")"
in_ns "$A" "$D" -C "$T_TMP/c.conf" -k
wait "$DAEMON" 2>/dev/null
wait "$LISTENER" 2>/dev/null
grep -q 'STOPPING=1' "$T_TMP/said" && t_ok "STOPPING=1 sent on -k" || t_fail "STOPPING=1" "$(cat "$T_TMP/said")"
[ ! -e "$T_TMP/lock" ] && [ ! -e "$T_TMP/ctl" ] && t_ok "lock and socket removed" || t_fail "lock and socket removed"

# -d: the process systemd started (the parent) names the daemon in MAINPID
# before it exits, and the daemon sits in / (no directory kept busy)
listen "$T_TMP/notify2" "$T_TMP/said2"
(cd "$T_TMP" && exec ip netns exec "$A" env NOTIFY_SOCKET="$T_TMP/notify2" "$D" -C "$T_TMP/c.conf" -d) &
STARTED=$!
wait "$STARTED"
for i in $(seq 50); do grep -q 'READY=1' "$T_TMP/said2" 2>/dev/null && break; sleep 0.1; done
dpid=$(ip netns pids "$A" | while read -r p; do [ "$(cat /proc/$p/comm)" = conntrackd ] && echo "$p"; done | head -1)
if grep -q "^from=$STARTED MAINPID=$dpid\$" "$T_TMP/said2"; then
	t_ok "-d: MAINPID=<daemon> sent by the started process"
else
	t_fail "-d: MAINPID=<daemon> sent by the started process" "started $STARTED, daemon $dpid" "$(cat "$T_TMP/said2")"
fi
grep -q "^from=$dpid READY=1" "$T_TMP/said2" && [ "$(grep -n MAINPID "$T_TMP/said2" | cut -d: -f1)" = 1 ] &&
	t_ok "-d: READY=1 from the daemon, after MAINPID" || t_fail "-d: READY=1 from the daemon, after MAINPID" "$(cat "$T_TMP/said2")"
[ "$(readlink "/proc/$dpid/cwd")" = / ] && t_ok "-d: the daemon's working directory is /" ||
	t_fail "-d: the daemon's working directory is /" "$(readlink "/proc/$dpid/cwd")"
in_ns "$A" "$D" -C "$T_TMP/c.conf" -k
wait "$LISTENER" 2>/dev/null
t_done
