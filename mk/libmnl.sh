#!/bin/sh
# Build libmnl as a static archive for the static musl build of ctbox.
#   mk/libmnl.sh OUTDIR CC [CFLAGS...]
# The source is, in this order: LIBMNL_SRC (an unpacked release tree or a
# release tarball), else LIBMNL_URL downloaded with curl or wget and
# checked against LIBMNL_SHA256.  The source is only read (it may be
# read-only); everything is written under OUTDIR.tmp and renamed to OUTDIR
# at the end, so a failure leaves no libmnl.a behind to be linked.
# Result: OUTDIR/libmnl.a and OUTDIR/include/libmnl/libmnl.h.
set -u
out=$1 cc=$2
shift 2
tmp=$out.tmp
me="make STATIC=1"

fail() {
	echo "$me: $*" >&2
	rm -rf "$tmp"
	exit 1
}

rm -rf "$tmp" "$out"
mkdir -p "$tmp" || fail "cannot create $tmp"

# unpack FILE: the release tarball's one top directory into $tmp/src
unpack() {
	mkdir -p "$tmp/src" && tar -xf "$1" -C "$tmp/src" ||
		fail "cannot unpack $1 (a libmnl release tarball?)"
	set -- "$tmp"/src/*/
	[ $# = 1 ] && [ -d "$1" ] || fail "$1: not one top directory in the tarball"
	src=${1%/}
}

if [ -n "${LIBMNL_SRC:-}" ]; then
	if [ -d "$LIBMNL_SRC" ]; then
		src=$LIBMNL_SRC
	elif [ -f "$LIBMNL_SRC" ]; then
		unpack "$LIBMNL_SRC"
	else
		fail "LIBMNL_SRC=$LIBMNL_SRC: no such directory or file"
	fi
else
	want=$(printf '%s' "${LIBMNL_SHA256:-}" | tr 'A-F' 'a-f')
	[ -n "$want" ] || fail "LIBMNL_SHA256 is empty: no download is used unchecked"
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --connect-timeout 30 -o "$tmp/libmnl.tar" "$LIBMNL_URL" 2>/dev/null
	elif command -v wget >/dev/null 2>&1; then
		wget -q -T 30 -t 2 -O "$tmp/libmnl.tar" "$LIBMNL_URL"
	else
		false
	fi || fail "cannot download $LIBMNL_URL; set LIBMNL_SRC=DIR (unpacked libmnl release) or LIBMNL_SRC=FILE.tar.bz2"
	got=$(sha256sum "$tmp/libmnl.tar" | cut -d' ' -f1)
	[ "$got" = "$want" ] ||
		fail "$LIBMNL_URL: SHA-256 $got is not the pinned $want; not used"
	unpack "$tmp/libmnl.tar"
fi

for f in src/socket.c src/callback.c src/nlmsg.c src/attr.c src/internal.h include/libmnl/libmnl.h; do
	[ -f "$src/$f" ] || fail "$src: no $f (not a libmnl release tree)"
done

# internal.h includes configure's result; its EXPORT_SYMBOL(x) only
# compiles in the visibility variant (the other leaves "(x);" behind).
# Nothing is built with -fvisibility=hidden, so all stays visible.
echo '#define HAVE_VISIBILITY_HIDDEN 1' >"$tmp/config.h"
objs=
for f in socket callback nlmsg attr; do
	"$cc" "$@" -I"$tmp" -I"$src/include" -c -o "$tmp/$f.o" "$src/src/$f.c" ||
		fail "compiling libmnl's $f.c failed"
	objs="$objs $tmp/$f.o"
done
# shellcheck disable=SC2086 # objs is a list of paths without blanks
ar rcs "$tmp/libmnl.a" $objs || fail "ar failed"
mkdir -p "$tmp/include/libmnl" &&
	cp "$src/include/libmnl/libmnl.h" "$tmp/include/libmnl/" || fail "cannot copy libmnl.h"
rm -rf "$tmp/src" "$tmp/libmnl.tar" "$tmp"/*.o "$tmp/config.h"
mv "$tmp" "$out" || fail "cannot rename $tmp to $out"
