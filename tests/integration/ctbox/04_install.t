#!/usr/bin/env bash
# make install DESTDIR=... PREFIX=/usr of the build under test (dynamic,
# sanitizer or static): the tree it makes, file by file, and that the
# installed links dispatch.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ctbox_lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "make install has no reference: skipped"; t_done; }

d=$T_TMP/dest
out=$(ctbox_make "${CTBOX_MAKE[@]}" install PREFIX=/usr DESTDIR="$d" 2>&1); rc=$?
[ $rc = 0 ] && t_ok "make install PREFIX=/usr DESTDIR=... (${CTBOX_MAKE[*]})" || t_fail "make install" "rc=$rc" "$out"

# what the tree must hold, from the source tree's files
exp=(usr/sbin/ctbox usr/sbin/conntrack usr/sbin/conntrackd usr/sbin/nfct)
for f in "$TOP"/man/*.8; do [ -e "$f" ] && exp+=("usr/share/man/man8/${f##*/}"); done
for f in "$TOP"/man/*.5; do [ -e "$f" ] && exp+=("usr/share/man/man5/${f##*/}"); done
for f in "$TOP"/config/examples/*.conf; do exp+=("usr/share/doc/ctbox/examples/${f##*/}"); done
[ -e "$TOP/config/systemd/conntrackd.service" ] && exp+=(usr/lib/systemd/system/conntrackd.service)
for f in "$TOP"/config/ha/*; do [ -e "$f" ] && exp+=("usr/share/ctbox/ha/${f##*/}"); done
want=$(printf '%s\n' "${exp[@]}" | LC_ALL=C sort)
got=$(cd "$d" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
[ "$want" = "$got" ] && t_ok "the tree holds exactly the binary, 3 links, man pages, examples (${#exp[@]} files)" ||
	t_fail "installed tree" "$(diff <(echo "$want") <(echo "$got"))"

ok=1 bad=
for a in conntrack conntrackd nfct; do
	[ -L "$d/usr/sbin/$a" ] && [ "$(readlink "$d/usr/sbin/$a")" = ctbox ] || { ok=0; bad+=" $a"; }
done
[ $ok = 1 ] && t_ok "conntrack, conntrackd, nfct are relative links to ctbox" || t_fail "links:$bad" "$(ls -l "$d/usr/sbin")"

b=$d/usr/sbin/ctbox
[ -f "$b" ] && [ "$(stat -c %a "$b")" = 755 ] && ! LC_ALL=C readelf -SW "$b" | grep -q '\.symtab' &&
	strip -o "$T_TMP/ref" "$CTBOX_ELF" && cmp -s "$T_TMP/ref" "$b" &&
	t_ok "sbin/ctbox is the build's binary, stripped, mode 755" || t_fail "installed binary" "$(ls -l "$b")"
if elf_static "$CTBOX_ELF"; then
	elf_static "$b" && t_ok "the static build installs a static ELF" || t_fail "installed ELF not static"
fi

out=$("$d/usr/sbin/conntrack" -V 2>&1); rc=$?
[ $rc = 0 ] && [ "$out" = "conntrack v0.1.0 (ctbox)" ] && t_ok "installed conntrack link dispatches" || t_fail "conntrack -V" "rc=$rc" "$out"
out=$("$d/usr/sbin/nfct" bogus timeout 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == "nfct v"*": Unknown subsystem: bogus"* ]] && t_ok "installed nfct link dispatches" ||
	t_fail "nfct bogus timeout" "rc=$rc" "$out"
out=$("$d/usr/sbin/conntrackd" -v 2>&1); rc=$?
[ $rc = 0 ] && [[ $out == "Connection tracking userspace daemon v"* ]] && t_ok "installed conntrackd link dispatches" ||
	t_fail "conntrackd -v" "rc=$rc" "$out"

modes=$(cd "$d" && find usr/share usr/lib -type f -printf '%m %p\n' 2>/dev/null | awk '$1 != 644 && $2 !~ /\/ha\//')
[ -z "$modes" ] && t_ok "man pages, examples and unit are mode 644" || t_fail "modes" "$modes"
for f in "$TOP"/config/examples/*.conf; do
	cmp -s "$f" "$d/usr/share/doc/ctbox/examples/${f##*/}" || { t_fail "example ${f##*/} differs"; break; }
done && t_ok "examples installed unchanged"

# config/ha (issue 14): the scripts executable, the configs not, all as in
# the tree; the scripts run under a plain POSIX sh (dash, busybox ash) and
# are shellcheck-clean; the HA conntrackd.conf loads without a warning
ha=$d/usr/share/ctbox/ha
bad=
for f in "$TOP"/config/ha/*; do
	if [ -x "$f" ]; then m=755; else m=644; fi
	cmp -s "$f" "$ha/${f##*/}" && [ "$(stat -c %a "$ha/${f##*/}")" = $m ] || bad+=" ${f##*/}"
done
[ -z "$bad" ] && t_ok "config/ha installed unchanged in share/ctbox/ha, scripts 755, configs 644" ||
	t_fail "config/ha install:$bad" "$(ls -l "$ha")"
for sh in dash "busybox ash"; do
	command -v "${sh%% *}" >/dev/null || continue
	out=$(for s in ready notify; do $sh -n "$ha/$s" 2>&1; done)
	[ -z "$out" ] && t_ok "config/ha scripts: $sh -n" || t_fail "config/ha scripts: $sh -n" "$out"
done
if command -v shellcheck >/dev/null; then
	out=$(shellcheck -s sh "$ha/ready" "$ha/notify" 2>&1)
	[ -z "$out" ] && t_ok "config/ha scripts: shellcheck -s sh" || t_fail "config/ha scripts: shellcheck" "$out"
fi
out=$(dash "$ha/notify" bogus 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "usage: notify primary|backup|fault" ] && t_ok "notify: an unknown state is refused, exit 1" ||
	t_fail "notify bogus" "rc=$rc" "$out"
# no conntrackd answers on this config's socket: not ready, exit 2
out=$(CONNTRACKD_BIN=$d/usr/sbin/conntrackd CONNTRACKD_CONFIG=$ha/conntrackd.conf dash "$ha/ready" 2>&1); rc=$?
[ $rc = 2 ] && [[ $out == "ready: no: conntrackd ("*") does not answer -s sync" ]] &&
	t_ok "ready without a conntrackd: exit 2" || t_fail "ready without conntrackd" "rc=$rc" "$out"
out=$(CONNTRACKD_READY_WAIT=x dash "$ha/ready" 2>&1); rc=$?
[ $rc = 2 ] && [[ $out == *"CONNTRACKD_READY_WAIT must be a whole number"* ]] &&
	t_ok "ready: a bad CONNTRACKD_READY_WAIT is refused, exit 2" || t_fail "ready bad wait" "rc=$rc" "$out"
cc_bin=${CTBOX_BIN%/bin}/tests/conf_check
if [ -x "$cc_bin" ]; then
	# the interfaces are the example's, not this machine's: that warning only
	out=$("$cc_bin" "$ha/conntrackd.conf" 2>&1 | grep -v '^\[warning\] eth[0-9] is an invalid interface$')
	[[ $out == "accepted: mode=sync sync=ftfw channels=1/UDP" ]] &&
		t_ok "config/ha/conntrackd.conf loads (FT-FW, one UDP channel)" || t_fail "config/ha/conntrackd.conf" "$out"
fi

# DESTDIR-less layout variables: SBINDIR, MANDIR, DOCDIR move their part
d2=$T_TMP/dest2
ctbox_make "${CTBOX_MAKE[@]}" install PREFIX=/opt/x SBINDIR=/opt/x/bin DOCDIR=/opt/x/doc DESTDIR="$d2" >/dev/null 2>&1
[ -x "$d2/opt/x/bin/ctbox" ] && [ -L "$d2/opt/x/bin/nfct" ] && [ -f "$d2/opt/x/doc/examples/stats.conf" ] &&
	t_ok "PREFIX, SBINDIR, DOCDIR move the install" || t_fail "layout variables" "$(cd "$d2" && find . | head -20)"
t_done
