#!/usr/bin/env bash
# config/systemd/conntrackd.service: systemd-analyze verify (when systemd's
# tools are there), then the daemon run as the unit has systemd run it:
# ExecStart's command line, the unit's capability bounding set, no new
# privileges and umask, NOTIFY_SOCKET pointing at a listener that, as
# systemd with NotifyAccess=main, takes notifications only from the main
# pid (SO_PASSCRED).  READY=1 must come from that pid; ExecReload must
# leave it running; stop (SIGTERM) must end it cleanly; Restart=on-failure
# must be able to start it again after a crash.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/service_lib.sh"
UNIT=$TOP/config/systemd/conntrackd.service
D=$(ours_path conntrackd)

# key NAME: the value of NAME= in the unit (the last one).
key() { sed -n "s/^$1=//p" "$UNIT" | tail -1; }

# --- the unit file ----------------------------------------------------------
[ "$(key Type)" = notify ] && t_ok "Type=notify" || t_fail "Type=notify" "$(key Type)"
[ "$(key ExecStart)" = "/usr/sbin/conntrackd -C /etc/conntrackd/conntrackd.conf" ] &&
	t_ok "ExecStart runs conntrackd in the foreground with the config" || t_fail "ExecStart" "$(key ExecStart)"
[ "$(key ExecReload)" = '/bin/kill -HUP $MAINPID' ] && t_ok "ExecReload sends SIGHUP to the main pid" ||
	t_fail "ExecReload" "$(key ExecReload)"
[ "$(key Restart)" = on-failure ] && t_ok "Restart=on-failure" || t_fail "Restart" "$(key Restart)"
# hardening must leave what conntrackd needs
af=" $(key RestrictAddressFamilies) " caps=" $(key CapabilityBoundingSet) "
if [[ $af == *" AF_NETLINK "* && $af == *" AF_UNIX "* && $af == *" AF_INET "* && $af == *" AF_INET6 "* &&
      $caps == *" CAP_NET_ADMIN "* && $caps == *" CAP_SYS_NICE "* ]] &&
   ! grep -qE '^(PrivateNetwork|RestrictRealtime|IPAddressDeny)=(yes|true|1|any)' "$UNIT"; then
	t_ok "hardening keeps netlink, UNIX and inet sockets, CAP_NET_ADMIN, real-time scheduling"
else
	t_fail "hardening keeps what conntrackd needs" "families:$af" "capabilities:$caps"
fi

if command -v systemd-analyze >/dev/null; then
	# verify checks that ExecStart's binary exists: point it at ours
	mkdir -p "$T_TMP/unit"
	sed "s#/usr/sbin/conntrackd#$D#" "$UNIT" >"$T_TMP/unit/conntrackd.service"
	out=$(cd "$T_TMP/unit" && systemd-analyze verify ./conntrackd.service 2>&1); rc=$?
	[ $rc = 0 ] && [ -z "$out" ] && t_ok "systemd-analyze verify: no message" ||
		t_fail "systemd-analyze verify" "rc=$rc" "$out"
	out=$(systemd-analyze security --offline=yes "$T_TMP/unit/conntrackd.service" 2>&1 | tail -1)
	level=$(grep -oE 'exposure level for conntrackd.service: [0-9.]+' <<<"$out" | grep -oE '[0-9.]+$')
	if [ -z "$level" ]; then
		t_ok "systemd-analyze security --offline # SKIP not supported here: ${out:0:80}"
	else
		awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }' && t_ok "systemd-analyze security: exposure $level (at most 3.0)" ||
			t_fail "systemd-analyze security: exposure at most 3.0" "$out"
	fi
else
	t_ok "systemd-analyze verify # SKIP systemd-analyze is not installed (package systemd)"
fi

# --- a run as systemd runs it -------------------------------------------------
ns_new SVC_NS
cat >"$T_TMP/src.conf" <<CONF
General {
	LockFile /var/lock/conntrackd.lock
	UNIX {
		Path /var/run/conntrackd.ctl
	}
	Systemd on
}
Stats { LogFile $T_TMP/stats.log }
CONF
svc_conf "$T_TMP/src.conf"

# the notify socket: one line "PID MESSAGE" per datagram, from the
# sender's credentials as the kernel gives them (SO_PASSCRED)
python3 - "$T_TMP/notify" "$T_TMP/said" <<'PY' &
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.settimeout(0.2)
end = time.time() + 60
with open(sys.argv[2], "w") as out:
    while time.time() < end:
        try:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            continue
        pid = -1
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data[:12])[0]
        out.write("%d %s\n" % (pid, msg.decode(errors="replace").replace("\n", " ")))
        out.flush()
PY
LISTENER=$!
for _ in $(seq 50); do [ -S "$T_TMP/notify" ] && break; sleep 0.1; done

# ExecStart with the unit's sandbox: bounding set, no_new_privs, umask
read -r -a argv <<<"$(key ExecStart)"
argv[0]=$D
[ "${argv[2]}" = /etc/conntrackd/conntrackd.conf ] && argv[2]=$SVC_CONF
bset=-all
for c in $(key CapabilityBoundingSet); do c=${c#CAP_}; bset+=",+${c,,}"; done
# the sanitizers' options (tests/run's report files) survive the clean env
sandbox=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin NOTIFY_SOCKET="$T_TMP/notify"
	ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}"
	setpriv --bounding-set="$bset" --inh-caps=-all)
[ "$(key NoNewPrivileges)" = yes ] && sandbox+=(--no-new-privs)
umask_unit=$(key UMask)
start_unit() { (umask "${umask_unit:-0022}"; svc_start "${sandbox[@]}" "${argv[@]}"; echo "$SVC_PID" >"$T_TMP/mainpid"; wait); }
# unit_start: what systemd does for ExecStart; $SVC_PID is the main pid,
# $UNIT_JOB ends with the daemon's exit status
unit_start() {
	: >"$T_TMP/mainpid"
	start_unit &
	UNIT_JOB=$!
	for _ in $(seq 50); do [ -s "$T_TMP/mainpid" ] && break; sleep 0.1; done
	SVC_PID=$(cat "$T_TMP/mainpid")
}
unit_start
for _ in $(seq 50); do grep -q 'READY=1' "$T_TMP/said" 2>/dev/null && break; sleep 0.1; done
ready_pid=$(awk '/READY=1/ { print $1; exit }' "$T_TMP/said")
[ -n "$ready_pid" ] && [ "$ready_pid" = "$SVC_PID" ] &&
	t_ok "READY=1 arrives from the main pid ($SVC_PID), as NotifyAccess=main requires" ||
	t_fail "READY=1 from the main pid" "main pid $SVC_PID" "said: $(cat "$T_TMP/said")" "$(svc_logs)"
mainpid=$(grep -oE 'MAINPID=[0-9]+' "$T_TMP/said" | tail -1)
[ -z "$mainpid" ] || [ "$mainpid" = "MAINPID=$SVC_PID" ] && t_ok "no MAINPID= other than the main pid" ||
	t_fail "MAINPID matches" "$mainpid, main pid $SVC_PID"
svc_answers && t_ok "the daemon answers requests under the unit's sandbox" || t_fail "answers under the sandbox" "$(svc_logs)"
bad=$(grep -E '\[(warning|ERROR)\]' "$T_TMP/svc.err")
[ -z "$bad" ] && t_ok "no warning or error with the unit's capabilities" || t_fail "no warning or error under the sandbox" "$bad"
perm=$(stat -c %a "$SVC_SOCK" 2>/dev/null)
[ "$perm" = 600 ] && t_ok "control socket mode 0600" || t_fail "control socket mode 0600" "mode $perm"

# stop: systemd sends SIGTERM to the main pid
if svc_alive; then
	kill -TERM "$SVC_PID"
	wait "$UNIT_JOB"; rc=$?
	for _ in $(seq 20); do grep -q 'STOPPING=1' "$T_TMP/said" && break; sleep 0.1; done
	[ $rc = 0 ] && [ ! -e "$SVC_LOCK" ] && [ ! -e "$SVC_SOCK" ] && grep -q "^$SVC_PID STOPPING=1" "$T_TMP/said" &&
		t_ok "stop (SIGTERM): STOPPING=1 from the main pid, exit 0, lock and socket removed" ||
		t_fail "stop (SIGTERM)" "exit $rc" "said: $(cat "$T_TMP/said")" "$(svc_logs)"
else
	t_fail "stop (SIGTERM): no daemon left to stop" "$(svc_logs)"
fi

# start again for reload and restart
unit_start
svc_answers || t_fail "ExecStart again after a stop" "$(svc_logs)"

# ExecReload, as systemd runs it with $MAINPID set
reload=$(key ExecReload)
reload=${reload//\$MAINPID/$SVC_PID}
if t_ours_only "ExecReload ($reload): the daemon keeps running and answering"; then
	read -r -a rargv <<<"$reload"
	said_before=$(wc -l <"$T_TMP/said")
	"${rargv[@]}"
	sleep 0.5
	if svc_alive && svc_answers && ! tail -n +$((said_before + 1)) "$T_TMP/said" | grep -q 'STOPPING=1'; then
		t_ok "ExecReload ($reload): the daemon keeps running and answering"
	else
		t_fail "ExecReload ($reload): the daemon keeps running and answering" \
			"daemon $(svc_alive && echo alive || echo gone)" "said: $(cat "$T_TMP/said")" "$(svc_logs)"
	fi
fi

# Restart=on-failure: a crash, then ExecStart again
if t_ours_only "Restart=on-failure after SIGKILL: ExecStart brings it up again"; then
	kill -KILL "$SVC_PID" 2>/dev/null
	wait "$UNIT_JOB" 2>/dev/null
	unit_start
	svc_answers && t_ok "Restart=on-failure after SIGKILL: ExecStart brings it up again" ||
		t_fail "Restart=on-failure after SIGKILL: ExecStart brings it up again" \
			"lock left by the killed one: $([ -e "$SVC_LOCK" ] && echo yes || echo no)" "$(svc_logs)"
fi

kill -TERM "$SVC_PID" 2>/dev/null; wait "$UNIT_JOB" 2>/dev/null
kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null
t_done
