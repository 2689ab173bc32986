# Sourced by the conntrackd benchmarks: paths, a namespace NS (deleted at
# exit with everything in it) sized for N flows, and $TMP/flows holding
# them.  Set N and NS_TAG first.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
REF_BIN=${REF_BIN:-/usr/sbin}
TMP=$(mktemp -d /tmp/ctbox-bench.XXXXXX)
NS=ctbox-bench-$NS_TAG-$$
cleanup() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
inns() { ip netns exec "$NS" "$@"; }
sysctl -qw net.netfilter.nf_conntrack_max=$((N + 100000)) 2>/dev/null
inns sysctl -qw net.netfilter.nf_conntrack_max=$((N + 100000)) 2>/dev/null
"$TOP/tests/bench/gen_flows.sh" "$N" >"$TMP/flows"
