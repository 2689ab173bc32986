# Shared by 31_openwrt.t and 32_systemd.t: conntrackd run the way a
# service manager runs it (in the foreground, in the background of the
# test), then reloaded, stopped and restarted the way procd and systemd do.
# Source after lib.sh.  The daemon runs in namespace $SVC_NS with the
# config $SVC_CONF, whose lock is $SVC_LOCK and socket $SVC_SOCK.

# svc_conf SRC: $SVC_CONF = SRC with the lock, socket and log paths moved
# into the test's directory.
svc_conf() {
	SVC_CONF=$T_TMP/svc.conf SVC_LOCK=$T_TMP/svc.lock SVC_SOCK=$T_TMP/svc.ctl
	sed -E -e "s#(LockFile[[:space:]]+)/[^[:space:]}]+#\1$SVC_LOCK#g" \
	       -e "s#(Path[[:space:]]+)/[^[:space:]}]+#\1$SVC_SOCK#g" \
	       -e "s#(LogFile[[:space:]]+)/[^[:space:]}]+#\1$T_TMP/svc.log#g" \
	       "$1" >"$SVC_CONF"
	# a lock or socket left outside the test directory could meet the
	# host's daemon; and without both the checks below mean nothing
	if grep -vE '^[[:space:]]*#' "$SVC_CONF" | grep -oE '(LockFile|Path)[[:space:]]+/[^[:space:]}]+' |
	   grep -qvE "[[:space:]]$T_TMP/" || ! grep -q "$SVC_LOCK" "$SVC_CONF" || ! grep -q "$SVC_SOCK" "$SVC_CONF"; then
		echo "not ok - svc_conf: $1 must have a LockFile and a UNIX Path, moved to $T_TMP"
		exit 1
	fi
}

# svc_start CMD...: start CMD in $SVC_NS in the background; $SVC_PID is
# its pid (the main pid a service manager knows).  Output goes to
# $T_TMP/svc.out and svc.err.
svc_start() {
	ip netns exec "$SVC_NS" "$@" >>"$T_TMP/svc.out" 2>>"$T_TMP/svc.err" &
	SVC_PID=$!
}

# svc_answers: the daemon answers a request on its socket within 5 s.
svc_answers() {
	local _
	for _ in $(seq 50); do
		in_ns "$SVC_NS" "$(ours_path conntrackd)" -C "$SVC_CONF" -s 2>/dev/null |
			grep -q '^cache stats:' && return 0
		sleep 0.1
	done
	return 1
}

svc_alive() { kill -0 "$SVC_PID" 2>/dev/null; }

svc_logs() { echo "stdout:"; tail -5 "$T_TMP/svc.out"; echo "stderr:"; tail -5 "$T_TMP/svc.err"; }

# svc_check_reload DESC SIGNAL: after SIGNAL (the reload action) the same
# process still runs and answers.
svc_check_reload() {
	local desc=$1 sig=$2
	kill "-$sig" "$SVC_PID"
	sleep 0.5
	if svc_alive && svc_answers; then
		t_ok "$desc"
	else
		t_fail "$desc" "after SIG$sig the daemon (pid $SVC_PID) is $(svc_alive && echo alive || echo gone)" \
			"lock left: $([ -e "$SVC_LOCK" ] && echo yes || echo no)" "$(svc_logs)"
	fi
}

# svc_check_stop DESC: SIGTERM (how both stop a service) ends it with
# status 0 and removes its lock and socket.
svc_check_stop() {
	local desc=$1 rc
	kill -TERM "$SVC_PID" 2>/dev/null
	wait "$SVC_PID"; rc=$?
	if [ $rc = 0 ] && [ ! -e "$SVC_LOCK" ] && [ ! -e "$SVC_SOCK" ]; then
		t_ok "$desc"
	else
		t_fail "$desc" "exit status $rc" "lock left: $([ -e "$SVC_LOCK" ] && echo yes || echo no)" \
			"socket left: $([ -e "$SVC_SOCK" ] && echo yes || echo no)" "$(svc_logs)"
	fi
}

# svc_check_respawn DESC CMD...: after SIGKILL (a crash), the service
# manager starts CMD again, and it must come up despite what the dead one
# left behind.
svc_check_respawn() {
	local desc=$1; shift
	kill -KILL "$SVC_PID" 2>/dev/null
	wait "$SVC_PID" 2>/dev/null
	svc_start "$@"
	if svc_answers; then
		t_ok "$desc"
	else
		t_fail "$desc" "lock left by the killed one: $([ -e "$SVC_LOCK" ] && echo yes || echo no)" "$(svc_logs)"
	fi
}
