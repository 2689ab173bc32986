#!/usr/bin/env bash
# Sync channels between two namespaces joined by two veth links, opened
# from real conntrackd.conf files by tests/unit/chan_tool.c (the channel
# set as the daemon will use it; not wired into the daemon yet): UDP, TCP,
# Multicast over IPv4 and IPv6 carry 1.4.7-framed messages both ways; with
# two dedicated links, taking the active one down makes both sides fail
# over to the other and traffic goes on; a datagram from an address that
# is not the configured peer is reported as such.  Our code only: skipped
# under TEST_REF=1 (the reference has no such tool).
. "$(dirname "$0")/../lib.sh"

if ! t_ours_only "sync channels (chan_tool)"; then
	t_done
fi
BUILD=$(dirname "$CTBOX_BIN")
TOOL=$BUILD/tests/chan_tool
if [ ! -x "$TOOL" ]; then
	t_fail "chan_tool built (make unit)" "no $TOOL"
	t_done
fi

ns_new A; ns_new B
for ns in "$A" "$B"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
done
ns_link "$A" sa1 "$B" sb1
ns_link "$A" sa2 "$B" sb2
ip -n "$A" addr add 10.231.1.1/24 dev sa1
ip -n "$B" addr add 10.231.1.2/24 dev sb1
ip -n "$A" addr add 10.231.2.1/24 dev sa2
ip -n "$B" addr add 10.231.2.2/24 dev sb2
ip -n "$A" addr add fd31:1::1/64 dev sa1 nodad
ip -n "$B" addr add fd31:1::2/64 dev sb1 nodad
# a second address on A's first link, which B is not configured with
ip -n "$A" addr add 10.231.1.9/24 dev sa1

# conf FILE BLOCK...: a Sync section with the given channel blocks.
conf() {
	local f=$1; shift
	{
		echo "Sync {"
		echo "	Mode FTFW { }"
		printf '%s\n' "$@"
		echo "}"
		echo "General { LockFile $T_TMP/unused.lock }"
	} >"$T_TMP/$f"
}
# blk "KIND [Default]" KEY VALUE...: one channel block.
blk() {
	printf '\t%s {\n' "$1"; shift
	while [ $# -gt 1 ]; do printf '\t\t%s %s\n' "$1" "$2"; shift 2; done
	printf '\t}\n'
}
udp() {	# udp LOCAL DEST PORT IF [Default]
	blk "UDP ${5:-}" IPv4_address "$1" IPv4_Destination_Address "$2" \
		Port "$3" Interface "$4"
}

# pair NAME ARGS...: run the tool in A (conf NAME-a) and B (NAME-b) at
# once, both sending; outputs in $T_TMP/NAME-{a,b}.out.
pair() {
	local n=$1; shift
	in_ns "$A" "$TOOL" "$@" -p from-a "$T_TMP/$n-a.conf" >"$T_TMP/$n-a.out" 2>&1 &
	local pa=$!
	in_ns "$B" "$TOOL" "$@" -p from-b "$T_TMP/$n-b.conf" >"$T_TMP/$n-b.out" 2>&1 &
	local pb=$!
	wait "$pa" "$pb"
}

# got NAME SIDE FROM COUNT: SIDE received COUNT distinct messages of FROM,
# all from its configured peer.
got() {
	local n=$1 side=$2 from=$3 want=$4 f="$T_TMP/$1-$2.out" have bad
	have=$(grep -E "^recv .*peer=yes .*body=$from " "$f" | sed 's/.*seq=\([0-9]*\).*/\1/' | sort -un | wc -l)
	bad=$(grep -c "peer=no" "$f")
	if [ "$have" = "$want" ] && [ "$bad" = 0 ]; then
		t_ok "$n: $side got the $want messages of $from, from its peer"
	else
		t_fail "$n: $side got the $want messages of $from, from its peer" \
			"distinct: $have, non-peer: $bad" "$(head -30 "$f")"
	fi
}

# exchange NAME COUNT ARGS...: both sides send COUNT, each gets the other's.
exchange() {
	local n=$1 c=$2; shift 2
	pair "$n" -c "$c" -r "$c" "$@"
	got "$n" a from-b "$c"
	got "$n" b from-a "$c"
}

# has DESC FILE REGEX...: ok when FILE has a line matching each REGEX.
has() {
	local d=$1 f=$2 p; shift 2
	for p; do
		if ! grep -qE -- "$p" "$f"; then
			t_fail "$d" "no line matches: $p" "$(grep -v '^send' "$f" | head -20)"
			return 1
		fi
	done
	t_ok "$d"
}

# 1. UDP
conf udp-a.conf "$(udp 10.231.1.1 10.231.1.2 3780 sa1)"
conf udp-b.conf "$(udp 10.231.1.2 10.231.1.1 3780 sb1)"
exchange udp 5 -i 50 -t 4000
has "udp: datagram room 1472 on a 1500 MTU link (1.4.7: MTU - 28)" \
	"$T_TMP/udp-a.out" "^open ch=0 dev=sa1 mtu=1472$"
has "udp: -s link block names the device, its state and role" \
	"$T_TMP/udp-a.out" "^UDP traffic device=sa1 status=RUNNING role=ACTIVE:$"

# UDP over IPv6
udp6() {	# udp6 LOCAL DEST IF
	blk UDP IPv6_address "$1" IPv6_Destination_Address "$2" Port 3787 \
		Interface "$3"
}
conf udp6-a.conf "$(udp6 fd31:1::1 fd31:1::2 sa1)"
conf udp6-b.conf "$(udp6 fd31:1::2 fd31:1::1 sb1)"
exchange udp6 5 -i 50 -t 4000

# 2. TCP: a server and a client on each side
tcpb() {	# tcpb LOCAL DEST IF
	blk TCP IPv4_address "$1" IPv4_Destination_Address "$2" Port 3790 \
		Interface "$3"
}
conf tcp-a.conf "$(tcpb 10.231.1.1 10.231.1.2 sa1)"
conf tcp-b.conf "$(tcpb 10.231.1.2 10.231.1.1 sb1)"
# the first sends may go before the other side listens: they wait in
# the queue for the connection, so none is lost
exchange tcp 8 -i 200 -t 6000
has "tcp: room 1460 (1.4.7: MTU - 40)" "$T_TMP/tcp-a.out" \
	"^open ch=0 dev=sa1 mtu=1460$"

# 3. Multicast, IPv4 and IPv6
mcast4() {	# mcast4 IFADDR IF
	blk Multicast IPv4_address 225.0.0.51 IPv4_interface "$1" Group 3781 \
		Interface "$2" SndSocketBuffer 1249280 RcvSocketBuffer 1249280 \
		Checksum on
}
conf m4-a.conf "$(mcast4 10.231.1.1 sa1)"
conf m4-b.conf "$(mcast4 10.231.1.2 sb1)"
exchange m4 5 -i 100 -t 4000
mcast6() {	# mcast6 IF
	blk Multicast IPv6_address ff02::3782 Group 3782 Interface "$1" \
		Checksum off
}
conf m6-a.conf "$(mcast6 sa1)"
conf m6-b.conf "$(mcast6 sb1)"
exchange m6 5 -i 100 -t 4000
has "mcast6: room 1452 (IPv6 header counted: ours)" "$T_TMP/m6-a.out" \
	"^open ch=0 dev=sa1 mtu=1452$"

# 4. Two dedicated links; the active one goes down mid-stream
conf fo-a.conf "$(udp 10.231.1.1 10.231.1.2 3783 sa1 Default)" "$(udp 10.231.2.1 10.231.2.2 3783 sa2)"
conf fo-b.conf "$(udp 10.231.1.2 10.231.1.1 3783 sb1 Default)" "$(udp 10.231.2.2 10.231.2.1 3783 sb2)"
in_ns "$A" "$TOOL" -c 40 -i 50 -t 4000 -p from-a "$T_TMP/fo-a.conf" >"$T_TMP/fo-a.out" 2>&1 &
pa=$!
in_ns "$B" "$TOOL" -c 0 -t 4000 "$T_TMP/fo-b.conf" >"$T_TMP/fo-b.out" 2>&1 &
pb=$!
sleep 1
ip -n "$A" link set dev sa1 down
wait "$pa" "$pb"
has "failover: A (link down) makes sa2 its dedicated link" \
	"$T_TMP/fo-a.out" "^switch from=0 to=1 dev=sa2$"
has "failover: B (no carrier) makes sb2 its dedicated link" \
	"$T_TMP/fo-b.out" "^switch from=0 to=1 dev=sb2$"
first2=$(grep -m1 "^recv ch=1 peer=yes" "$T_TMP/fo-b.out" | sed 's/.*seq=\([0-9]*\).*/\1/')
n0=$(grep -c "^recv ch=0 peer=yes" "$T_TMP/fo-b.out")
n1=$(grep -c "^recv ch=1 peer=yes" "$T_TMP/fo-b.out")
last=$(grep "^recv .*peer=yes" "$T_TMP/fo-b.out" | tail -1 | sed 's/.*seq=\([0-9]*\).*/\1/')
if [ "$n0" -ge 5 ] && [ "$n1" -ge 5 ] && [ "$last" = 39 ]; then
	t_ok "failover: traffic went on over the second link ($n0 + $n1 of 40, from seq $first2)"
else
	t_fail "failover: traffic went on over the second link" "link1=$n0 link2=$n1 last=$last"
fi
lost=$((40 - n0 - n1))
if [ "$lost" -le 2 ]; then
	t_ok "failover: at most the in-flight messages lost ($lost)"
else
	t_fail "failover: at most 2 lost" "lost $lost"
fi
has "failover: -s link shows sa1 DOWN/BACKUP, sa2 RUNNING/ACTIVE" \
	"$T_TMP/fo-a.out" "^UDP traffic device=sa1 status=DOWN role=BACKUP:$" \
	"^UDP traffic device=sa2 status=RUNNING role=ACTIVE:$"
has "failover: -s link shows B's sb1 NO-CARRIER" "$T_TMP/fo-b.out" \
	"^UDP traffic device=sb1 status=NO-CARRIER role=BACKUP:$"
ip -n "$A" link set dev sa1 up

# 5. Socket-level interop with Debian's conntrackd 1.4.7 in B: our
# channel's 8-byte ALIVEs reach its socket (its -s network counts them and
# finds nothing malformed), and its ALIVEs reach ours, from the peer.
# recv_stats CONF: "bytes packets malformed" of the reference's -s network.
recv_stats() {
	in_ns "$B" "$REF_BIN/conntrackd" -C "$1" -s network 2>/dev/null | awk '
		/Malformed messages/ && !m { m = $NF }
		/Bytes recv/ { b = $4 } /Pckts recv/ { p = $4 }
		END { print b + 0, p + 0, m + 0 }'
}
interop() {	# interop NAME OURBLOCK REFBLOCK
	local n=$1 before after
	conf "$n-a.conf" "$2"
	cat >"$T_TMP/$n-b.conf" <<CONF
Sync {
	Mode FTFW { }
$3
}
General {
	LogFile $T_TMP/$n-ref.log
	LockFile $T_TMP/$n-ref.lock
	UNIX { Path $T_TMP/$n-ref.ctl }
}
CONF
	if ! in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/$n-b.conf" -d; then
		t_fail "$n: reference conntrackd starts" "$(cat "$T_TMP/$n-ref.log")"
		return
	fi
	for _ in $(seq 50); do [ -S "$T_TMP/$n-ref.ctl" ] && break; sleep 0.1; done
	before=$(recv_stats "$T_TMP/$n-b.conf")
	in_ns "$A" "$TOOL" -z -c 3 -i 300 -t 3500 -r 2 "$T_TMP/$n-a.conf" >"$T_TMP/$n-a.out" 2>&1
	sleep 0.3
	after=$(recv_stats "$T_TMP/$n-b.conf")
	in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/$n-b.conf" -k >/dev/null 2>&1
	read -r b0 p0 _ <<<"$before"
	read -r b1 p1 m1 <<<"$after"
	if [ $((b1 - b0)) -ge 24 ] && [ $((p1 - p0)) -ge 1 ] && [ "$m1" = 0 ]; then
		t_ok "$n: 1.4.7 received our ALIVEs (+$((b1 - b0)) bytes, +$((p1 - p0)) reads), none malformed"
	else
		t_fail "$n: 1.4.7 received our ALIVEs" "before: $before" "after: $after" \
			"$(head -8 "$T_TMP/$n-a.out")"
	fi
	if [ "$(grep -c '^recv ch=0 peer=yes .*body=$' "$T_TMP/$n-a.out")" -ge 2 ]; then
		t_ok "$n: we received 1.4.7's ALIVEs, from the peer"
	else
		t_fail "$n: we received 1.4.7's ALIVEs" "$(head -12 "$T_TMP/$n-a.out")"
	fi
}
interop ref-udp "$(udp 10.231.1.1 10.231.1.2 3786 sa1)" "$(udp 10.231.1.2 10.231.1.1 3786 sb1)"
interop ref-tcp "$(tcpb 10.231.1.1 10.231.1.2 sa1)" "$(tcpb 10.231.1.2 10.231.1.1 sb1)"
interop ref-mcast "$(mcast4 10.231.1.1 sa1)" "$(mcast4 10.231.1.2 sb1)"

# 6. A datagram from an address that is not the configured peer
conf np-b.conf "$(udp 10.231.1.2 10.231.1.1 3784 sb1)"
in_ns "$B" "$TOOL" -c 0 -t 2500 "$T_TMP/np-b.conf" >"$T_TMP/np-b.out" 2>&1 &
pb=$!
sleep 0.7
sendfrom() {	# sendfrom SRC SEQ: one ALIVE-framed datagram to B's port
	in_ns "$A" python3 -c '
import socket, struct, sys
src, seq = sys.argv[1], int(sys.argv[2])
body = b"probe %d" % seq
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.sendto(struct.pack(">BBHI", 0x1a, 0x10, 8 + len(body), seq) + body, ("10.231.1.2", 3784))
' "$1" "$2"
}
sendfrom 10.231.1.1 1
sendfrom 10.231.1.9 2
wait "$pb"
has "peer check: a datagram from the configured peer is its" \
	"$T_TMP/np-b.out" "^recv ch=0 peer=yes from=10\.231\.1\.1 seq=1 "
has "peer check: one from another address is reported as not the peer" \
	"$T_TMP/np-b.out" "^recv ch=0 peer=no from=10\.231\.1\.9 seq=2 "

t_done
