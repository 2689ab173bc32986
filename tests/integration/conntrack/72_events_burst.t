#!/usr/bin/env bash
# A burst of 20,000 flows created from userspace while -E -e NEW listens:
# ours must show every one of them, or account exactly for what the
# kernel dropped (shown + lost = created).  The reference listens too; its
# count is only reported (it typically loses many).
. "$(dirname "$0")/../lib.sh"

N=20000
ns_new NS
"$TOP/tests/bench/gen_flows.sh" "$N" >"$T_TMP/flows"

ip netns exec "$NS" "$(ours_path conntrack)" -E -e NEW >"$T_TMP/o.out" 2>"$T_TMP/o.err" &
po=$!
ip netns exec "$NS" "$REF_BIN/conntrack" -E -e NEW >"$T_TMP/r.out" 2>"$T_TMP/r.err" &
pr=$!
sleep 0.5
in_ns "$NS" "$REF_BIN/conntrack" -R "$T_TMP/flows" 2>"$T_TMP/load.err"
made=$(in_ns "$NS" "$REF_BIN/conntrack" -C)
t_check "the reference created all $N flows (table: $made)" test "$made" = "$N"
# wait until our output stops growing
prev=-1
for _ in $(seq 50); do
	cur=$(wc -l <"$T_TMP/o.out")
	[ "$cur" = "$prev" ] && break
	prev=$cur
	sleep 0.2
done
kill -INT "$po" "$pr"
wait "$po" "$pr"

shown=$(grep -c '^    \[NEW\] ' "$T_TMP/o.out")
lost=$(sed -nE 's/.*WARNING: ([0-9]+) events were lost.*/\1/p' "$T_TMP/o.err")
lost=${lost:-0}
ref=$(grep -c '^    \[NEW\] ' "$T_TMP/r.out")
echo "# burst of $N: ours shown $shown lost $lost; reference shown $ref"
ours_check "every event shown or counted as lost ($shown + $lost = $N)" \
	test $((shown + lost)) = "$N"
ours_check "summary line counts what was shown" \
	grep -q "^conntrack v[0-9.]* (ctbox): $shown flow events have been shown.$" "$T_TMP/o.err"
ours_check "ours lost nothing with the default buffer" test "$lost" = 0
ours_check "each event shown once" test "$(sort -u "$T_TMP/o.out" | wc -l)" = "$shown"
t_done
