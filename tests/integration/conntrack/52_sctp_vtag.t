#!/usr/bin/env bash
# An SCTP entry created with ours holds the same verification tags in the
# kernel as one created by 1.4.7 (which swaps their byte order), so that
# -o save of either tool gives back the numbers typed.
. "$(dirname "$0")/../lib.sh"
ns_new NS
args=(-p sctp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 --state ESTABLISHED
      --orig-vtag 111 --reply-vtag 3000000000 -t 50)
for who in ref ours; do
	if [ $who = ref ]; then in_ns "$NS" "$REF_BIN/conntrack" -I "${args[@]}" 2>/dev/null
	else in_ns "$NS" "$(ours_path conntrack)" -I "${args[@]}" 2>/dev/null; fi
	in_ns "$NS" "$REF_BIN/conntrack" -L -o save 2>/dev/null | t_norm >"$T_TMP/$who.ref"
	in_ns "$NS" "$(ours_path conntrack)" -L -o save 2>/dev/null | t_norm >"$T_TMP/$who.ours"
	in_ns "$NS" "$REF_BIN/conntrack" -F 2>/dev/null
done
if cmp -s "$T_TMP/ref.ref" "$T_TMP/ours.ref" && grep -q -- '--orig-vtag 111 --reply-vtag 3000000000' "$T_TMP/ours.ref"; then
	t_ok "the reference reads our SCTP entry back with the tags typed"
else
	t_fail "vtags seen by the reference" "$(cat "$T_TMP/ref.ref" "$T_TMP/ours.ref")"
fi
if cmp -s "$T_TMP/ref.ours" "$T_TMP/ours.ours" && cmp -s "$T_TMP/ref.ref" "$T_TMP/ref.ours"; then
	t_ok "ours reads both entries back like the reference"
else
	t_fail "vtags seen by ours" "$(cat "$T_TMP/ref.ours" "$T_TMP/ours.ours")"
fi
t_done
