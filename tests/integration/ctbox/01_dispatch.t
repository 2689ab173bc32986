#!/usr/bin/env bash
# The multi-call binary: dispatch on argv[0] and on "ctbox APPLET".
. "$(dirname "$0")/../lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "ctbox dispatch has no reference: skipped"; t_done; }
CTBOX=$CTBOX_BIN/ctbox

out=$("$CTBOX" --list); rc=$?
[ $rc = 0 ] && [ "$out" = $'conntrack\nconntrackd\nnfct' ] && t_ok "--list names the three applets" ||
	t_fail "--list" "rc=$rc" "$out"

out=$("$CTBOX"); rc=$?
[ $rc = 0 ] && grep -q '^Usage: ctbox APPLET' <<<"$out" && t_ok "ctbox alone prints usage" ||
	t_fail "ctbox alone" "rc=$rc" "$out"

out=$("$CTBOX" conntrack -V); rc=$?
[ $rc = 0 ] && [ "$out" = "conntrack v0.1.0 (ctbox)" ] && t_ok "ctbox conntrack -V" ||
	t_fail "ctbox conntrack -V" "rc=$rc" "$out"

"$CTBOX" nosuch >/dev/null 2>"$T_TMP/e"; rc=$?
[ $rc = 127 ] && grep -q 'applet not found' "$T_TMP/e" && t_ok "unknown applet: exit 127" ||
	t_fail "unknown applet" "rc=$rc" "$(cat "$T_TMP/e")"

mkdir "$T_TMP/bin"
"$CTBOX" --install "$T_TMP/bin"; rc=$?
ok=1
for a in conntrack conntrackd nfct; do
	[ -L "$T_TMP/bin/$a" ] && [ "$(readlink -f "$T_TMP/bin/$a")" = "$(readlink -f "$CTBOX")" ] || ok=0
done
[ $rc = 0 ] && [ $ok = 1 ] && t_ok "--install DIR makes the three symlinks" || t_fail "--install" "rc=$rc" "$(ls -l "$T_TMP/bin")"

out=$("$T_TMP/bin/conntrack" -V); rc=$?
[ "$out" = "conntrack v0.1.0 (ctbox)" ] && t_ok "dispatch on argv[0] through a link" || t_fail "argv[0] dispatch" "$out"

cp -P "$T_TMP/bin/conntrack" "$T_TMP/bin/other"
"$T_TMP/bin/other" -V >/dev/null 2>&1; rc=$?
[ $rc = 127 ] && t_ok "a link with another name: exit 127" || t_fail "other name" "rc=$rc"

"$CTBOX" --install >/dev/null 2>&1; rc=$?
[ $rc != 0 ] && t_ok "--install without DIR fails" || t_fail "--install without DIR"

# make install and its links: 04_install.t, for the build under test
t_done
