#!/usr/bin/env bash
# conntrackd.conf: for every file of tests/data/conf (and Debian's example
# configs), the reference conntrackd and our parser must agree on accept vs
# reject, print the same first error and the same warnings.
#
# How the reference is made to only parse: it runs in a fresh network
# namespace with a private tmpfs on /var/lock that already holds every lock
# file the corpus names.  A file it accepts makes it stop at once with
# "lockfile `X' exists"; a file it rejects stops earlier with the parser's
# message.  Nothing ever starts running.
#
# Ours: tests/unit/conf_check.c, built here against libctbox.a, calls
# conf_load() and prints what the daemon would (the conntrackd applet is
# not wired to the config yet).
# Files under quirk/ are where we deliberately differ; their first line says
# "# quirk: ref=accept|reject ours=accept|reject".
. "$(dirname "$0")/../lib.sh"

DATA=$TOP/tests/data/conf
BUILD=$(dirname "$CTBOX_BIN")
CHECK=$T_TMP/conf_check

# "make unit" builds it with the build's own flags (sanitizers included)
if [ -x "$BUILD/tests/conf_check" ]; then
	cp "$BUILD/tests/conf_check" "$CHECK"
elif ! cc -std=c11 -D_GNU_SOURCE -Wall -Werror -I"$TOP" -o "$CHECK" \
	"$TOP/tests/unit/conf_check.c" "$BUILD/libctbox.a" -lmnl 2>"$T_TMP/cc.err"; then
	t_fail "build conf_check against $BUILD/libctbox.a" "$(cat "$T_TMP/cc.err")"
	t_done
fi

ns_new NS
LOCKDIR=$(readlink -f /var/lock)

# ref_run FILE: the reference's log lines, timestamps and pids cut.
ref_run() {
	ip netns exec "$NS" unshare -m sh -c '
		mount -t tmpfs ctbox-lock "$2" || exit 99
		for l in conntrackd.lock conntrack.lock ctbox.lock; do
			: >"$2/$l"
		done
		exec timeout -s KILL 5 "$3" -C "$1" </dev/null 2>&1' \
		_ "$1" "$LOCKDIR" "$REF_BIN/conntrackd" |
		sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //'
}

our_run() {
	if [ "${TEST_REF:-0}" = 1 ]; then
		ref_run "$1"
	else
		# the same namespace: interface names are looked up
		ip netns exec "$NS" "$CHECK" "$1"
	fi
}

# verdict: accept when the daemon got past the parser.
verdict() {
	if grep -q "^\[ERROR\] lockfile \`.*' exists\|^accepted\|initialization completed" <<<"$1"; then
		echo accept
	else
		echo reject
	fi
}

first_error() { grep '^\[ERROR\]' <<<"$1" | grep -v 'lockfile `' | head -1; }
warnings() { grep -i '^\[warning\]' <<<"$1" | LC_ALL=C sort; }

check_file() {
	local f=$1 name=$2 want_ref=${3:-} want_ours=${4:-} r o rv ov
	r=$(ref_run "$f")
	o=$(our_run "$f")
	rv=$(verdict "$r")
	ov=$(verdict "$o")
	if [ -n "$want_ref" ]; then
		if [ "$rv" = "$want_ref" ] && [ "$ov" = "$want_ours" ]; then
			t_ok "$name: reference ${rv}s, we ${ov} (deliberate)"
		else
			t_fail "$name: quirk expects ref=$want_ref ours=$want_ours" \
				"ref=$rv ours=$ov" "ref: $r" "ours: $o"
		fi
		return
	fi
	if [ "$rv" != "$ov" ]; then
		t_fail "$name: same verdict" "ref=$rv ours=$ov" "ref: $r" "ours: $o"
	elif [ "$(first_error "$r")" != "$(first_error "$o")" ]; then
		t_fail "$name: same first error" "ref:  $(first_error "$r")" \
			"ours: $(first_error "$o")"
	elif [ "$(warnings "$r")" != "$(warnings "$o")" ]; then
		t_fail "$name: same warnings" \
			"$(diff <(warnings "$r") <(warnings "$o"))"
	else
		local why=
		[ "$rv" = reject ] && why=" ($(first_error "$o" | cut -c9-))"
		t_ok "$name: both ${rv}$why"
	fi
}

for f in "$DATA"/valid/*.conf; do
	check_file "$f" "valid/$(basename "$f")"
	grep -q '^accept' <<<"$(verdict "$(our_run "$f")")" ||
		t_fail "valid/$(basename "$f") is meant to be accepted"
done
for f in "$DATA"/invalid/*.conf; do
	check_file "$f" "invalid/$(basename "$f")"
done
for f in "$DATA"/quirk/*.conf; do
	q=$(sed -n '1s/^# quirk: ref=\([a-z]*\) ours=\([a-z]*\)$/\1 \2/p' "$f")
	if [ -z "$q" ]; then
		t_fail "quirk/$(basename "$f") has no '# quirk:' header"
		continue
	fi
	# with TEST_REF=1 "ours" is the reference: it must then agree
	[ "${TEST_REF:-0}" = 1 ] && q="${q% *} ${q% *}"
	check_file "$f" "quirk/$(basename "$f")" $q
done
for f in "$TOP"/config/examples/*.conf; do
	[ -e "$f" ] && check_file "$f" "example $(basename "$f")"
done

# Debian's own examples, where installed.
for f in /usr/share/doc/conntrackd/examples/stats/conntrackd.conf* \
	 /usr/share/doc/conntrackd/examples/sync/*/conntrackd.conf*; do
	[ -e "$f" ] || continue
	g=$T_TMP/$(echo "${f#/usr/share/doc/conntrackd/examples/}" | tr / _)
	case $f in *.gz) zcat "$f" >"${g%.gz}"; g=${g%.gz} ;; *) cp "$f" "$g" ;; esac
	check_file "$g" "debian example ${f#/usr/share/doc/conntrackd/examples/}"
done

check_file "$T_TMP/no-such-file.conf" "missing file"

t_done
