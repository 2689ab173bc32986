#!/usr/bin/env bash
# Benchmark of issue 4: conntrack -E -e NEW, ours and the reference in one
# run, each in a fresh namespace, on
#   1. a burst of N flows created from userspace (conntrack -R of -I lines),
#   2. N packet-driven UDP flows sent from another namespace over a veth,
#   3. (ours) draining N queued events: a paused listener resumed, events/s.
# Reported: events received of N, lost, ratio ours/reference (higher is
# better), and events per second.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${CTBOX_BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
OURS=$BUILD/bin/conntrack
REF=${REF_BIN:-/usr/sbin}/conntrack
N=${BENCH_EVENTS:-200000}
TMP=$(mktemp -d /tmp/ctbox-bench-ev.XXXXXX)
# Namespaces are made inside $(...) subshells: cleanup finds them by the
# prefix ($$ is this shell's pid in its subshells too).
cleanup() {
	local ns
	for ns in $(ip netns list | awk '{print $1}' | grep "^ctbox-bev-$$-"); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
newns() {	# newns VAR: a fresh namespace, its name in VAR
	local n=ctbox-bev-$$-$RANDOM$RANDOM
	ip netns add "$n" && ip -n "$n" link set lo up
	printf -v "$1" '%s' "$n"
}
now() { date +%s.%N; }
quiet() {	# quiet FILE: wait until FILE stops growing; print when it last grew
	local prev=-1 cur last
	last=$(now)
	for _ in $(seq 600); do
		cur=$(stat -c %s "$1")
		if [ "$cur" = "$prev" ]; then break; fi
		[ "$prev" != -1 ] && last=$(now)
		prev=$cur
		sleep 0.2
	done
	echo "$last"
}
count() { grep -c '^    \[NEW\] ' "$1"; }

"$TOP/tests/bench/gen_flows.sh" "$N" >"$TMP/flows"

burst() {	# burst BIN: userspace burst, prints "got secs"
	local ns p t0 t1 got
	newns ns
	ip netns exec "$ns" "$1" -E -e NEW >"$TMP/out" 2>"$TMP/err" &
	p=$!
	sleep 0.5
	t0=$(now)
	ip netns exec "$ns" "$REF" -R "$TMP/flows" 2>/dev/null
	t1=$(quiet "$TMP/out")
	kill -INT $p; wait $p
	got=$(count "$TMP/out")
	echo "$got $(echo "$t1 - $t0" | bc)"
	grep -h 'lost' "$TMP/err" | sed 's/^/    /' >&2
}

packets() {	# packets BIN: N UDP flows from namespace A to B
	local a b p t0 t1 got
	newns a; newns b
	ip -n "$a" link add va type veth peer name vb netns "$b"
	ip -n "$a" link set va up; ip -n "$b" link set vb up
	ip -n "$a" addr add 10.77.0.1/24 dev va
	ip -n "$b" addr add 10.77.0.2/24 dev vb
	ip netns exec "$b" nft -f - <<'NFT'
table inet t {
	chain in { type filter hook prerouting priority 0; ct state new counter; }
}
NFT
	ip netns exec "$b" "$1" -E -e NEW >"$TMP/out" 2>"$TMP/err" &
	p=$!
	sleep 0.5
	t0=$(now)
	ip netns exec "$a" python3 - "$N" <<'PY'
import socket, sys
n = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]
for i in range(n):
    s = socks[i % 4]
    try:
        s.sendto(b"x", ("10.77.0.2", 1024 + (i // 4) % 60000))
    except OSError:
        pass
PY
	t1=$(quiet "$TMP/out")
	kill -INT $p; wait $p
	got=$(count "$TMP/out")
	echo "$got $(echo "$t1 - $t0" | bc)"
	grep -h 'lost' "$TMP/err" | sed 's/^/    /' >&2
}

drain() {	# ours: paused listener, big buffer, resumed: events/s
	local ns p t0 t1 got m=$((N / 2))
	newns ns
	head -n "$m" "$TMP/flows" >"$TMP/half"
	ip netns exec "$ns" "$OURS" -E -e NEW -b 1073741824 >"$TMP/out" 2>"$TMP/err" &
	p=$!
	sleep 0.5
	kill -STOP $p
	ip netns exec "$ns" "$REF" -R "$TMP/half" 2>/dev/null
	t0=$(now)
	kill -CONT $p
	t1=$(quiet "$TMP/out")
	kill -INT $p; wait $p
	got=$(count "$TMP/out")
	echo "$got $m $(echo "$t1 - $t0" | bc)"
}

rate() { echo "scale=0; $1 / ($2 + 0.000001)" | bc; }
ratio() { echo "scale=2; $1 / ($2 + 0.0001)" | bc; }

read -r og os <<<"$(burst "$OURS")"
read -r rg rs <<<"$(burst "$REF")"
printf 'userspace burst of %d flows (-E -e NEW):\n' "$N"
printf '  ours       %7d received (%d lost), ~%s events/s\n' "$og" $((N - og)) "$(rate "$og" "$os")"
printf '  reference  %7d received (%d lost), ~%s events/s\n' "$rg" $((N - rg)) "$(rate "$rg" "$rs")"
printf '  ratio ours/reference (received): %s\n' "$(ratio "$og" "$rg")"

read -r og os <<<"$(packets "$OURS")"
read -r rg rs <<<"$(packets "$REF")"
printf 'packet-driven: %d UDP datagrams to distinct ports from another namespace:\n' "$N"
printf '  ours       %7d received, ~%s events/s\n' "$og" "$(rate "$og" "$os")"
printf '  reference  %7d received, ~%s events/s\n' "$rg" "$(rate "$rg" "$rs")"
printf '  ratio ours/reference (received): %s\n' "$(ratio "$og" "$rg")"

read -r dg dm ds <<<"$(drain)"
printf 'ours draining %d queued events: %d received in %ss (~%s events/s, output to a file)\n' \
	"$dm" "$dg" "$ds" "$(rate "$dg" "$ds")"
