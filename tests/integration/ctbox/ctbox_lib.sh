# shellcheck shell=bash disable=SC2034 # CTBOX_MAKE is for the tests that source this
# Helpers of the tests of the build itself (sourced after ../lib.sh).

# CTBOX_MAKE: the make arguments that name the build under test
# (CTBOX_BIN's build directory: O=, plus STATIC=1 or SAN=1).
CTBOX_ELF=$(readlink -f "$CTBOX_BIN/ctbox")
ctbox_bdir=$(dirname "$CTBOX_ELF")
case $ctbox_bdir in
*/san) CTBOX_MAKE=(O="${ctbox_bdir%/san}" SAN=1) ;;
*/static) CTBOX_MAKE=(O="${ctbox_bdir%/static}" STATIC=1) ;;
*) CTBOX_MAKE=(O="$ctbox_bdir") ;;
esac

# elf_static FILE: an ELF with no program interpreter and no shared library
elf_static() {
	local h
	h=$(LC_ALL=C readelf -lW "$1" 2>/dev/null) || return 1
	! grep -q 'INTERP' <<<"$h" && [ -z "$(LC_ALL=C readelf -dW "$1" 2>/dev/null | grep NEEDED)" ]
}

# ctbox_make ARGS...: make in the source tree as a user would type it, not
# as a child of the make check that runs this test (whose command-line
# variables, STATIC=1 LIBMNL_SRC=... included, reach children through
# MAKEFLAGS)
ctbox_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u LIBMNL_SRC -u LIBMNL_URL -u LIBMNL_SHA256 \
		-u LIBMNL_LIBS -u LIBMNL_CFLAGS make -s -C "$TOP" "$@" </dev/null
}
