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
	t_connlabel_restore
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

# ns_link NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends
# up (created inside NS1: nothing appears in the host's namespace).
ns_link() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# t_connlabel_install FILE: make FILE the system's connlabel map
# (/etc/xtables/connlabel.conf, the only one conntrack 1.4.7 reads) until
# the test exits; a file that was there before is put back.
T_CONNLABEL=${T_CONNLABEL:-/etc/xtables/connlabel.conf}
T_CONNLABEL_STATE=
t_connlabel_install() {
	if [ -z "$T_CONNLABEL_STATE" ]; then
		if [ -e "$T_CONNLABEL" ]; then
			cp -p "$T_CONNLABEL" "$T_TMP/connlabel.saved" || return 1
			T_CONNLABEL_STATE=saved
		else
			T_CONNLABEL_STATE=absent
			[ -d "${T_CONNLABEL%/*}" ] || T_CONNLABEL_STATE=absent-dir
		fi
	fi
	mkdir -p "${T_CONNLABEL%/*}" && cp "$1" "$T_CONNLABEL"
}
t_connlabel_restore() {
	case $T_CONNLABEL_STATE in
	saved) cp -p "$T_TMP/connlabel.saved" "$T_CONNLABEL" ;;
	absent) rm -f "$T_CONNLABEL" ;;
	absent-dir) rm -f "$T_CONNLABEL"; rmdir "${T_CONNLABEL%/*}" 2>/dev/null ;;
	esac
	T_CONNLABEL_STATE=
}

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1; shift
	ip netns exec "$ns" "$@"
}

# ref_create_file NS FILE [EXTRA ARGS...]: one reference `conntrack -I`
# per line of FILE (blank lines and # comments skipped) inside NS, with
# EXTRA ARGS appended; every one must succeed.  A failure is one not-ok
# check naming the lines; returns the number of failed lines.
ref_create_file() {
	local ns=$1 file=$2 line bad=(); shift 2
	local -a args
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		read -r -a args <<<"$line"
		if ! ip netns exec "$ns" "$REF_BIN/conntrack" -I "${args[@]}" "$@" \
			>/dev/null 2>"$T_TMP/create.err"; then
			bad+=("-I $line $*: $(cat "$T_TMP/create.err")")
		fi
	done <"$file"
	if [ ${#bad[@]} -gt 0 ]; then
		t_fail "reference created the entries of ${file##*/}" "${bad[@]}"
	fi
	return ${#bad[@]}
}

# ours APPLET ARGS... / ref APPLET ARGS...: the binary under test, or the
# reference.  With TEST_REF=1, ours is the reference too.
ours_path() {
	if [ "${TEST_REF:-0}" = 1 ]; then echo "$REF_BIN/$1"; else echo "$CTBOX_BIN/$1"; fi
}
ours() { local a=$1; shift; "$(ours_path "$a")" "$@"; }
ref() { local a=$1; shift; "$REF_BIN/$a" "$@"; }

t_ok() { echo "ok - $*"; }

# t_ours_only DESC: guard for a check of our own behaviour where we
# deliberately differ from 1.4.7 (JSON, fixed bugs).  With TEST_REF=1 it
# reports "ok - DESC # SKIP" and returns 1, so: t_ours_only "x" && check
t_ours_only() {
	if [ "${TEST_REF:-0}" = 1 ]; then
		echo "ok - $1 # SKIP ours only (TEST_REF=1)"
		return 1
	fi
	return 0
}
# ours_check DESC CMD...: t_check of our own behaviour (see t_ours_only).
ours_check() {
	t_ours_only "$1" && t_check "$@"
}
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
# listing lines, which ticks between two runs.  NORM_SED, if set, is one
# more sed -E script applied last (e.g. numbers of -S that move).
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
	else cat; fi |
	if [ -n "${NORM_SED:-}" ]; then sed -E -e "$NORM_SED"; else cat; fi
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
	local in=${STDIN_FILE:-/dev/null}
	run_cap "$T_TMP/b" ip netns exec "$ns" "$REF_BIN/$applet" "$@" <"$in"
	run_cap "$T_TMP/a" ip netns exec "$ns" "$(ours_path "$applet")" "$@" <"$in"
	same_cap "$desc" "$applet $*"
}

# same_cap DESC [CMD-TEXT]: compare two runs captured with run_cap into
# $T_TMP/a.* (ours) and $T_TMP/b.* (the reference), as same does; for
# tests that must rebuild the state between the two runs.
same_cap() {
	local desc=$1 what=${2:-} a="$T_TMP/a" b="$T_TMP/b" f
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
	t_fail "$desc" "cmd: $what" \
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
