#!/usr/bin/env bash
# Output that cannot be written is said, in every applet (issue 10 item
# 9): `conntrack -L > /dev/full` prints "conntrack v… (ctbox): write
# error: No space left on device" and exits 1.  1.4.7 loses such output
# silently and exits 0 (README, deliberate differences); a reader that
# closed the pipe is not reported.
. "$(dirname "$0")/../lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "write errors: ours only # SKIP"; t_done; }
ns_new NS
in_ns "$NS" "$REF_BIN/conntrack" -I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 100 >/dev/null 2>&1
in_ns "$NS" "$REF_BIN/nfct" add timeout wt inet udp unreplied 10 >/dev/null 2>&1

full() {	# full PREFIX APPLET ARGS...: stdout on /dev/full
	local pre=$1 applet=$2; shift 2
	in_ns "$NS" "$(ours_path "$applet")" "$@" >/dev/full 2>"$T_TMP/e"
	local rc=$?
	local n
	n=$(grep -cxF "${pre}write error: No space left on device" "$T_TMP/e")
	if [ $rc = 1 ] && [ "$n" = 1 ]; then
		t_ok "$applet $* > /dev/full: says so, exit 1"
	else
		t_fail "$applet $* > /dev/full" "rc=$rc" "$(cat "$T_TMP/e")"
	fi
}
CT="conntrack v0.1.0 (ctbox): "
full "$CT" conntrack -L
full "$CT" conntrack -L -o xml
full "$CT" conntrack -L -o json
full "$CT" conntrack -G -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2
full "$CT" conntrack -C
full "$CT" conntrack -S
full "$CT" conntrack -V
full "$CT" conntrack -h
full "nfct v0.1.0: " nfct timeout list
full "nfct v0.1.0: " nfct timeout get wt
full "conntrackd: " conntrackd -h
full "conntrackd: " conntrackd -v

# the -L summary still comes first, the write error last
in_ns "$NS" "$(ours_path conntrack)" -L >/dev/full 2>"$T_TMP/e"
[ "$(tail -n1 "$T_TMP/e")" = "${CT}write error: No space left on device" ] &&
	[ "$(head -n1 "$T_TMP/e")" = "${CT}1 flow entries have been shown." ] &&
	t_ok "-L > /dev/full: summary, then the write error" || t_fail "-L > /dev/full order" "$(cat "$T_TMP/e")"

# a closed pipe (SIGPIPE ignored): exit 1, nothing said
(
	trap '' PIPE
	{ sleep 0.3; in_ns "$NS" "$(ours_path conntrack)" -L -o xml 2>"$T_TMP/p"; } | true
	echo "${PIPESTATUS[0]}" >"$T_TMP/prc"
)
[ "$(cat "$T_TMP/prc")" = 1 ] && ! grep -q 'write error' "$T_TMP/p" &&
	t_ok "a closed pipe: exit 1, no message" || t_fail "closed pipe" "rc=$(cat "$T_TMP/prc")" "$(cat "$T_TMP/p")"

# and a good write stays silent
in_ns "$NS" "$(ours_path conntrack)" -L >/dev/null 2>"$T_TMP/e"; rc=$?
[ $rc = 0 ] && ! grep -q 'write error' "$T_TMP/e" && t_ok "-L > /dev/null: exit 0, no message" ||
	t_fail "-L > /dev/null" "rc=$rc" "$(cat "$T_TMP/e")"
t_done
