#!/usr/bin/env bash
# ctbox --install DIR (issue 10 item 11): links to ctbox are made under a
# temporary name and renamed into place (never unlinked first); a file
# that is not ctbox (a program, or a link to another one) is left alone
# and named, exit 1; -f replaces it; running it again is harmless.
. "$(dirname "$0")/../lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "ctbox --install has no reference # SKIP"; t_done; }
CTBOX=$(readlink -f "$CTBOX_BIN/ctbox")
D=$T_TMP/bin
mkdir "$D"

ours_link() { [ -L "$1" ] && [ "$(readlink -f "$1")" = "$CTBOX" ]; }

"$CTBOX" --install "$D" 2>"$T_TMP/e"; rc=$?
ok=1; for a in conntrack conntrackd nfct; do ours_link "$D/$a" || ok=0; done
[ $rc = 0 ] && [ $ok = 1 ] && [ ! -s "$T_TMP/e" ] && t_ok "--install into an empty DIR: three links, silent" ||
	t_fail "--install empty DIR" "rc=$rc" "$(cat "$T_TMP/e")" "$(ls -la "$D")"

"$CTBOX" --install -s "$D" 2>"$T_TMP/e"; rc=$?
[ $rc = 0 ] && [ ! -s "$T_TMP/e" ] && t_ok "--install -s again over our own links: exit 0, silent" ||
	t_fail "--install again" "rc=$rc" "$(cat "$T_TMP/e")"

# someone else's files
rm "$D/conntrack" "$D/nfct"
printf '#!/bin/sh\necho theirs\n' >"$D/conntrack"; chmod +x "$D/conntrack"
ln -s /bin/true "$D/nfct"
"$CTBOX" --install "$D" 2>"$T_TMP/e"; rc=$?
[ $rc = 1 ] && t_ok "--install over files that are not ctbox: exit 1" || t_fail "exit status" "rc=$rc"
[ "$("$D/conntrack")" = theirs ] && [ "$(readlink "$D/nfct")" = /bin/true ] &&
	t_ok "a program and a link to another one are left alone" || t_fail "files replaced" "$(ls -la "$D")"
grep -q "$D/conntrack: exists and is not ctbox, left alone" "$T_TMP/e" &&
	grep -q "$D/nfct: exists and is not ctbox, left alone" "$T_TMP/e" &&
	[ "$(wc -l <"$T_TMP/e")" = 2 ] && t_ok "each one left alone is named" || t_fail "messages" "$(cat "$T_TMP/e")"
ours_link "$D/conntrackd" && t_ok "the other link is still made" || t_fail "conntrackd link" "$(ls -la "$D")"

"$CTBOX" --install -f "$D" 2>"$T_TMP/e"; rc=$?
ok=1; for a in conntrack conntrackd nfct; do ours_link "$D/$a" || ok=0; done
[ $rc = 0 ] && [ $ok = 1 ] && [ ! -s "$T_TMP/e" ] && t_ok "-f replaces them" ||
	t_fail "-f" "rc=$rc" "$(cat "$T_TMP/e")" "$(ls -la "$D")"
[ -z "$(find "$D" -name '.*ctbox*')" ] && t_ok "no temporary name left behind" ||
	t_fail "temporary files left" "$(ls -la "$D")"

# atomic: a link is renamed over the old name, which is never unlinked
if command -v strace >/dev/null; then
	strace -f -o "$T_TMP/st" -e trace=unlink,unlinkat,symlink,symlinkat,rename,renameat,renameat2 \
		"$CTBOX" --install -f "$D" 2>/dev/null
	bad=$(grep -E "unlink(at)?\(.*\"$D/(conntrack|conntrackd|nfct)\"" "$T_TMP/st")
	n=$(grep -cE "rename(at2?)?\(.*\"$D/\.[a-z]+\.ctbox-[0-9]+\".*\"$D/(conntrack|conntrackd|nfct)\"" "$T_TMP/st")
	[ -z "$bad" ] && [ "$n" = 3 ] && t_ok "each link renamed into place from a temporary name, none unlinked" ||
		t_fail "not atomic" "$(cat "$T_TMP/st")"
else
	t_ok "strace missing: atomicity not checked # SKIP"
fi

"$CTBOX" --install -x "$D" >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && t_ok "--install with an unknown flag: usage, exit 1" || t_fail "unknown flag" "rc=$rc"
t_done
