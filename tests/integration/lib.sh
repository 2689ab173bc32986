# Shared by every integration test (tests/integration/*/NN_name.t).
# A test is a bash script that sources this file, builds its own network
# namespace(s) with ns_new, and reports each check with t_ok / t_fail (or
# through the helpers below).  Output is one line per check:
#   ok - <desc>          /   not ok - <desc>   (+ indented details)
# tests/run counts those lines.
#
# Environment:
#   CTBOX_BIN   directory holding our conntrack/conntrackd/nfct links
#   TEST_REF=1  run the reference binaries in place of ours (tests the tests)
#   REF_BIN     where the reference binaries are (default /usr/sbin)

set -u
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CTBOX_BIN=${CTBOX_BIN:-$TOP/build/bin}
REF_BIN=${REF_BIN:-/usr/sbin}
T_NS_LIST=()
T_FAILS=0
T_TMP=$(mktemp -d /tmp/ctbox-test.XXXXXX)

t_cleanup() {
	local ns
	for ns in "${T_NS_LIST[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# ns_new VAR: create a fresh namespace, store its name in VAR.
ns_new() {
	local name="ctbox-$$-$RANDOM$RANDOM"
	ip netns add "$name" || { echo "not ok - cannot create netns"; exit 1; }
	T_NS_LIST+=("$name")
	ip -n "$name" link set lo up
	printf -v "$1" '%s' "$name"
}

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1; shift
	ip netns exec "$ns" "$@"
}

# ours APPLET ARGS... / ref APPLET ARGS...: the binary under test, or the
# reference.  With TEST_REF=1, ours is the reference too.
ours_path() {
	if [ "${TEST_REF:-0}" = 1 ]; then echo "$REF_BIN/$1"; else echo "$CTBOX_BIN/$1"; fi
}
ours() { local a=$1; shift; "$(ours_path "$a")" "$@"; }
ref() { local a=$1; shift; "$REF_BIN/$a" "$@"; }

t_ok() { echo "ok - $*"; }
t_fail() {
	local desc=$1; shift
	echo "not ok - $desc"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /' | head -60
	T_FAILS=$((T_FAILS + 1))
}

# t_check DESC CMD...: ok when CMD exits 0.
t_check() {
	local desc=$1; shift
	local out
	if out=$("$@" 2>&1); then t_ok "$desc"; else t_fail "$desc" "$out"; fi
}

# Normalise what legitimately differs between the reference and us:
# the version string, and (with NORM_TIMEOUT=1) the timeout field of
# listing lines, which ticks between two runs.
t_norm() {
	sed -E -e 's/^(conntrack|nfct|conntrackd) v[0-9.]+ \((conntrack-tools|ctbox)\)/\1 vX (ctbox)/' \
	       -e 's/^(conntrack|nfct|conntrackd) v[0-9.]+:/\1 vX:/' \
	       -e 's/conntrack v[0-9.]+ \((conntrack-tools|ctbox)\)/conntrack vX (ctbox)/g' |
	if [ "${NORM_TIMEOUT:-1}" = 1 ]; then
		sed -E -e 's/^((\[[A-Z]+\] *)?(ipv[46] +[0-9]+ )?[a-z0-9]+ +[0-9]+ )[0-9]+ /\1T /' \
		       -e 's#<timeout>[0-9]+</timeout>#<timeout>T</timeout>#g' \
		       -e 's/^-([AUD]) -t [0-9]+ /-\1 -t T /' \
		       -e 's/"timeout":[0-9]+/"timeout":T/' \
		       -e 's/delta-time=[0-9]+/delta-time=D/; s#<deltatime>[0-9]+</deltatime>#<deltatime>D</deltatime>#'
	else cat; fi
}

# run_cap FILE_PREFIX CMD...: stdout, stderr and status into files.
run_cap() {
	local p=$1; shift
	"$@" >"$p.out" 2>"$p.err"
	echo $? >"$p.rc"
}

# same NS DESC APPLET ARGS...: run the applet with ours and with the
# reference inside NS on the same state; stdout (sorted when SORT=1, the
# default, since dump order is hash order), stderr and exit code must match
# after t_norm.  Set STDIN_FILE to feed both the same input.
same() {
	local ns=$1 desc=$2 applet=$3; shift 3
	local a="$T_TMP/a" b="$T_TMP/b" in=${STDIN_FILE:-/dev/null}
	run_cap "$b" ip netns exec "$ns" "$REF_BIN/$applet" "$@" <"$in"
	run_cap "$a" ip netns exec "$ns" "$(ours_path "$applet")" "$@" <"$in"
	local f
	for f in a b; do
		if [ "${SORT:-1}" = 1 ]; then
			t_norm <"$T_TMP/$f.out" | LC_ALL=C sort >"$T_TMP/$f.out.n"
		else
			t_norm <"$T_TMP/$f.out" >"$T_TMP/$f.out.n"
		fi
		t_norm <"$T_TMP/$f.err" >"$T_TMP/$f.err.n"
	done
	if cmp -s "$a.out.n" "$b.out.n" && cmp -s "$a.err.n" "$b.err.n" &&
	   cmp -s "$a.rc" "$b.rc"; then
		t_ok "$desc"
		return 0
	fi
	t_fail "$desc" "cmd: $applet $*" \
		"rc ours=$(cat "$a.rc") ref=$(cat "$b.rc")" \
		"$(diff -u "$b.out.n" "$a.out.n" | head -20 | sed 's/^/stdout /')" \
		"$(diff -u "$b.err.n" "$a.err.n" | head -10 | sed 's/^/stderr /')"
	return 1
}

# same_noenv DESC APPLET ARGS...: as same, outside any namespace; for
# commands that never touch the kernel (usage errors, -h, -V).
same_nons() {
	local desc=$1 applet=$2; shift 2
	local ns
	ns_new ns
	same "$ns" "$desc" "$applet" "$@"
}

# t_done: last line of every test script.
t_done() {
	exit $(( T_FAILS > 0 ? 1 : 0 ))
}
