#!/usr/bin/env bash
# Overruns: a stopped listener with a small -b must print 1.4.7's NOTICE
# and ENOBUFS warning, keep going, and report exactly how many events the
# kernel dropped (shown + lost = created).  --reliable turns the warning
# off (NETLINK_NO_ENOBUFS) and still accounts for the loss.  -b sets the
# event socket (1.4.7: an unused one), with the same NOTICE wording.
. "$(dirname "$0")/../lib.sh"

N=3000
ns_new NS
"$TOP/tests/bench/gen_flows.sh" "$N" >"$T_TMP/flows"

# NOTICE line: same words and number as the reference
for b in 300000 1000000; do
	ip netns exec "$NS" "$(ours_path conntrack)" -E -b $b >/dev/null 2>"$T_TMP/o.err" &
	p1=$!
	ip netns exec "$NS" "$REF_BIN/conntrack" -E -b $b >/dev/null 2>"$T_TMP/r.err" &
	p2=$!
	sleep 0.3
	kill -INT $p1 $p2
	wait $p1 $p2
	if diff <(t_norm <"$T_TMP/r.err") <(t_norm <"$T_TMP/o.err") >/dev/null; then
		t_ok "-E -b $b: NOTICE and summary as the reference"
	else
		t_fail "-E -b $b: stderr differs" "$(diff <(t_norm <"$T_TMP/r.err") <(t_norm <"$T_TMP/o.err"))"
	fi
done

run_stopped() {	# run_stopped OUT ARGS...: listener paused during the burst
	local out=$1; shift
	ip netns exec "$NS" "$(ours_path conntrack)" -E -e NEW "$@" >"$out.out" 2>"$out.err" &
	local p=$!
	sleep 0.3
	kill -STOP $p
	in_ns "$NS" "$REF_BIN/conntrack" -R "$T_TMP/flows" 2>/dev/null
	kill -CONT $p
	sleep 1
	kill -INT $p
	wait $p
	in_ns "$NS" "$REF_BIN/conntrack" -F 2>/dev/null
}

run_stopped "$T_TMP/s" -b 65536
shown=$(grep -c '^    \[NEW\] ' "$T_TMP/s.out")
lost=$(sed -nE 's/.*WARNING: ([0-9]+) events were lost.*/\1/p' "$T_TMP/s.err")
echo "# stopped listener, -b 65536: shown $shown, lost ${lost:-?}"
t_check "the small buffer did overflow" test "$shown" -lt "$N"
t_check "upstream's 3-line ENOBUFS warning" sh -c "
	grep -qx 'WARNING: We have hit ENOBUFS! We are losing events.' '$T_TMP/s.err' &&
	grep -qx 'This message means that the current netlink socket buffer size is too small.' '$T_TMP/s.err' &&
	grep -qx 'Please, check --buffer-size in conntrack(8) manpage.' '$T_TMP/s.err'"
ours_check "loss reported exactly: $shown shown + ${lost:-?} lost = $N" test $((shown + ${lost:-0})) = "$N"
ours_check "summary counts shown events" grep -q "(ctbox): $shown flow events have been shown.$" "$T_TMP/s.err"

run_stopped "$T_TMP/r" -b 65536 --reliable
shown=$(grep -c '^    \[NEW\] ' "$T_TMP/r.out")
lost=$(sed -nE 's/.*WARNING: ([0-9]+) events were lost.*/\1/p' "$T_TMP/r.err")
ours_check "--reliable: no ENOBUFS warning" sh -c "! grep -q ENOBUFS '$T_TMP/r.err'"
ours_check "--reliable: loss still accounted ($shown + ${lost:-0} = $N)" test $((shown + ${lost:-0})) = "$N"

# default buffer: a paused listener keeps the whole burst
run_stopped "$T_TMP/d"
shown=$(grep -c '^    \[NEW\] ' "$T_TMP/d.out")
ours_check "default buffer holds a paused listener's $N events ($shown)" test "$shown" = "$N"
t_done
