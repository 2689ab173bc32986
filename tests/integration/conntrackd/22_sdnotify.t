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
# a datagram listener in the namespace collecting what the daemon says
in_ns "$A" python3 - "$T_TMP/notify" "$T_TMP/said" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.time() + 8
with open(sys.argv[2], "w") as out:
    while time.time() < end:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        out.write(msg.replace("\n", " ") + "\n")
        out.flush()
        if "STOPPING=1" in msg:
            break
PY
LISTENER=$!
for i in $(seq 50); do [ -S "$T_TMP/notify" ] && break; sleep 0.1; done

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
t_done
