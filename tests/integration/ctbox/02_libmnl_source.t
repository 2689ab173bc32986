#!/usr/bin/env bash
# make STATIC=1 builds libmnl from a release source: LIBMNL_SRC (directory
# or tarball) or the pinned LIBMNL_URL, whose SHA-256 must match before the
# tarball is used.  A stand-in release tree (the four sources and the
# header of libmnl's layout) keeps this test off the network and off
# ../shared; the build of the real one is every static run of the suite.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ctbox_lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "the static build has no reference: skipped"; t_done; }
command -v musl-gcc >/dev/null || { t_fail "musl-gcc missing (tests/deps.sh installs musl-tools)"; t_done; }

rel=$T_TMP/rel/libmnl-9.9.9
mkdir -p "$rel/src" "$rel/include/libmnl"
cat >"$rel/include/libmnl/libmnl.h" <<'H'
struct mnl_socket;
struct mnl_socket *mnl_socket_open(int bus);
int mnl_stub_attr(void), mnl_stub_callback(void), mnl_stub_nlmsg(void);
H
printf '#include "config.h"\n' >"$rel/src/internal.h"
for f in socket callback nlmsg attr; do
	printf '#include <libmnl/libmnl.h>\n#include "internal.h"\n' >"$rel/src/$f.c"
done
echo 'struct mnl_socket *mnl_socket_open(int bus) { (void)bus; return 0; }' >>"$rel/src/socket.c"
for f in callback nlmsg attr; do echo "int mnl_stub_$f(void) { return 0; }" >>"$rel/src/$f.c"; done
chmod -R a-w "$rel"	# the source is only read
tar -cjf "$T_TMP/libmnl-9.9.9.tar.bz2" -C "$T_TMP/rel" libmnl-9.9.9
sum=$(sha256sum "$T_TMP/libmnl-9.9.9.tar.bz2" | cut -d' ' -f1)
cp "$T_TMP/libmnl-9.9.9.tar.bz2" "$T_TMP/bad.tar.bz2"
printf 'X' | dd of="$T_TMP/bad.tar.bz2" bs=1 seek=200 conv=notrunc 2>/dev/null

# mk O=DIR VAR=... TARGET: the static build's libmnl step only
mk() { ctbox_make STATIC=1 "$@" 2>&1; }
lib_ok() {	# lib_ok DIR: an archive with the four objects and the header
	[ -f "$1/static/libmnl/libmnl.a" ] && [ -f "$1/static/libmnl/include/libmnl/libmnl.h" ] &&
	[ "$(ar t "$1/static/libmnl/libmnl.a" | sort | tr '\n' ' ')" = "attr.o callback.o nlmsg.o socket.o " ]
}

o=$T_TMP/o1
out=$(mk O="$o" LIBMNL_SRC="$rel" "$o/static/libmnl/libmnl.a"); rc=$?
[ $rc = 0 ] && lib_ok "$o" && t_ok "LIBMNL_SRC=DIR (read-only): libmnl.a built in the build tree" ||
	t_fail "LIBMNL_SRC=DIR" "rc=$rc" "$out"
[ -z "$(find "$rel" -newer "$T_TMP/libmnl-9.9.9.tar.bz2" -print -quit)" ] &&
	[ ! -e "$rel/src/config.h" ] && t_ok "nothing written into LIBMNL_SRC" || t_fail "LIBMNL_SRC written to"

o=$T_TMP/o2
out=$(mk O="$o" LIBMNL_SRC="$T_TMP/libmnl-9.9.9.tar.bz2" "$o/static/libmnl/libmnl.a"); rc=$?
[ $rc = 0 ] && lib_ok "$o" && t_ok "LIBMNL_SRC=FILE.tar.bz2" || t_fail "LIBMNL_SRC=FILE" "rc=$rc" "$out"

o=$T_TMP/o3
out=$(mk O="$o" LIBMNL_URL="file://$T_TMP/libmnl-9.9.9.tar.bz2" LIBMNL_SHA256="$sum" "$o/static/libmnl/libmnl.a"); rc=$?
[ $rc = 0 ] && lib_ok "$o" && t_ok "LIBMNL_URL with the matching SHA-256: downloaded, checked, built" ||
	t_fail "download with matching checksum" "rc=$rc" "$out"

# a corrupted download stops the whole build before any object, and
# leaves no libmnl to be picked up by the next run
o=$T_TMP/o4
out=$(mk O="$o" LIBMNL_URL="file://$T_TMP/bad.tar.bz2" LIBMNL_SHA256="$sum" all); rc=$?
[ $rc != 0 ] && grep -q "bad.tar.bz2: SHA-256 [0-9a-f]* is not the pinned $sum; not used" <<<"$out" &&
	[ ! -e "$o/static/libmnl" ] && [ ! -e "$o/static/libmnl.tmp" ] && [ ! -e "$o/static/ctbox" ] &&
	[ -z "$(find "$o" -name '*.o' -print -quit 2>/dev/null)" ] &&
	t_ok "a corrupted tarball stops make STATIC=1 with a clear message, nothing half-built left" ||
	t_fail "corrupted tarball" "rc=$rc" "$out" "$(find "$o" 2>/dev/null | head)"
out=$(mk O="$o" LIBMNL_URL="file://$T_TMP/libmnl-9.9.9.tar.bz2" "$o/static/libmnl/libmnl.a"); rc=$?
[ $rc != 0 ] && grep -q "is not the pinned 171f89699f286a5854b72b91d06e8f8e3683064c5901fb09d954a9ab6f551f81" <<<"$out" &&
	t_ok "the default LIBMNL_SHA256 is libmnl-1.0.4.tar.bz2's and refuses another tarball" ||
	t_fail "default checksum" "rc=$rc" "$out"

# no network: one line saying what to set
o=$T_TMP/o5
out=$(mk O="$o" LIBMNL_URL="file://$T_TMP/nonexistent.tar.bz2" all); rc=$?
[ $rc != 0 ] && [ "$(grep -c 'LIBMNL_SRC=' <<<"$out")" = 1 ] &&
	grep -q '^make STATIC=1: cannot download .*; set LIBMNL_SRC=DIR .* or LIBMNL_SRC=FILE.tar.bz2$' <<<"$out" &&
	[ ! -e "$o/static/libmnl" ] && t_ok "no download: one line names LIBMNL_SRC" || t_fail "no download" "rc=$rc" "$out"

out=$(mk O="$T_TMP/o6" LIBMNL_SRC="$T_TMP/nosuch" all); rc=$?
[ $rc != 0 ] && grep -q "LIBMNL_SRC=$T_TMP/nosuch: no such directory or file" <<<"$out" &&
	t_ok "LIBMNL_SRC that does not exist: said so" || t_fail "missing LIBMNL_SRC" "rc=$rc" "$out"
mkdir -p "$T_TMP/notmnl"
out=$(mk O="$T_TMP/o7" LIBMNL_SRC="$T_TMP/notmnl" all); rc=$?
[ $rc != 0 ] && grep -q "not a libmnl release tree" <<<"$out" &&
	t_ok "LIBMNL_SRC that is not a libmnl tree: said so" || t_fail "not libmnl" "rc=$rc" "$out"

# a prebuilt static libmnl: the link probe takes the archive as an archive
# (it used to be compiled as C source: "-x c" applies to later inputs)
p=$T_TMP/o1/static/libmnl
out=$(mk O="$T_TMP/o8" LIBMNL_CFLAGS="-I$p/include" LIBMNL_LIBS="$p/libmnl.a" static-libmnl-check); rc=$?
[ $rc = 0 ] && t_ok "LIBMNL_LIBS=.../libmnl.a passes the link check" || t_fail "prebuilt libmnl.a" "rc=$rc" "$out"
echo 'not an archive' >"$T_TMP/fake.a"
out=$(mk O="$T_TMP/o8" LIBMNL_CFLAGS="-I$p/include" LIBMNL_LIBS="$T_TMP/fake.a" static-libmnl-check); rc=$?
[ $rc != 0 ] && grep -q "is no static libmnl for musl" <<<"$out" &&
	t_ok "LIBMNL_LIBS that is no libmnl: a clear message" || t_fail "bad LIBMNL_LIBS" "rc=$rc" "$out"
chmod -R u+w "$T_TMP/rel"
t_done
