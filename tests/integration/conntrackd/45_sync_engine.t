#!/usr/bin/env bash
# The receiver of a sync daemon trusts nothing (issue 12, spec §8.3): a
# NOTRACK/UDP conntrackd is fed hand-made datagrams from its peer's
# address.  A valid CT_NEW lands in the external cache as 1.4.7 shows it
# and a CT_DEL removes it; a wrong version, an unknown attribute, a bad
# message type, a truncated datagram and a message longer than its
# datagram are each dropped and counted in 1.4.7's counter for it (-s
# network), and nothing of them reaches the cache.  Ours also drops a
# datagram from an address that is not the configured peer (1.4.7 takes
# it).  Then a sender in polling mode: its purge deletes a vanished flow
# on the receiver.
. "$(dirname "$0")/../lib.sh"

D=$(ours_path conntrackd)
ns_new A; ns_new B
ns_link "$A" sa "$B" sb
ip -n "$A" addr add 10.232.1.1/24 dev sa
ip -n "$A" addr add 10.232.1.9/24 dev sa
ip -n "$B" addr add 10.232.1.2/24 dev sb

cat >"$T_TMP/b.conf" <<CONF
Sync {
	Mode NOTRACK { }
	UDP {
		IPv4_address 10.232.1.2
		IPv4_Destination_Address 10.232.1.1
		Port 3780
		Interface sb
		Checksum on
	}
}
General {
	LockFile $T_TMP/b.lock
	UNIX { Path $T_TMP/b.ctl }
	LogFile $T_TMP/b.log
}
CONF
in_ns "$B" "$D" -C "$T_TMP/b.conf" >"$T_TMP/b.out" 2>&1 &
BPID=$!
for _ in $(seq 100); do [ -S "$T_TMP/b.ctl" ] && break; sleep 0.05; done
ctd() { in_ns "$B" "$D" -C "$T_TMP/b.conf" "$@"; }
stop() { ctd -k >/dev/null 2>&1; wait "$BPID" 2>/dev/null; }
if [ ! -S "$T_TMP/b.ctl" ]; then
	t_fail "receiver started" "$(cat "$T_TMP/b.out")"
	t_done
fi

# send SRC KIND...: one datagram per KIND from SRC:3780 to the receiver
send() {
	local src=$1; shift
	in_ns "$A" python3 - "$src" "$@" <<'PY'
import socket, struct, sys
src = sys.argv[1]
seq = [1000]

def tlv(i, payload):
    b = struct.pack('>HH', 4 + len(payload), i) + payload
    return b + b'\0' * (-len(b) % 4)

def flow(last):
    return (tlv(0, socket.inet_aton('192.0.2.%d' % last) +
                socket.inet_aton('198.51.100.%d' % last)) +
            tlv(5, struct.pack('>I', 0)) + tlv(2, b'\x06') +
            tlv(3, struct.pack('>HH', 1234, 80)) + tlv(4, b'\x03') +
            tlv(6, struct.pack('>I', 100)) + tlv(7, struct.pack('>I', 5)))

def msg(t, body, ver=1):
    seq[0] += 1
    return struct.pack('>BBHI', ver << 4 | t, 0, 8 + len(body), seq[0]) + body

kinds = {
    'new': lambda: msg(0, flow(77)),
    'new78': lambda: msg(0, flow(78)),
    'del': lambda: msg(2, flow(77)),
    'version': lambda: msg(0, flow(79), ver=2),
    'attr40': lambda: msg(0, flow(80) + tlv(40, b'\0\0\0\0')),
    'type7': lambda: msg(7, flow(81)),
    'truncated': lambda: b'\x10\x00\x00',
    'size': lambda: msg(0, flow(82))[:40],
}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 3780))
for k in sys.argv[2:]:
    s.sendto(kinds[k](), ('10.232.1.2', 3780))
PY
}
eq() {	# eq DESC WANT GOT
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "want: $2" "got:  $3"; fi
}
# net NAME: the counter NAME of -s network
net() { ctd -s network | awk -F'\t' -v n="$1:" '$3 == n { print $4 + 0; exit }'; }
ext() { ctd -e | sed 's/ \[active since [0-9]*s\]$//'; }

send 10.232.1.1 new
sleep 0.3
want='tcp      6 ESTABLISHED src=192.0.2.77 dst=198.51.100.77 sport=1234 dport=80 [UNREPLIED] mark=5'
eq "a valid CT_NEW from the peer lands in the external cache" \
	"$want" "$(ext)"

send 10.232.1.1 version attr40 type7 truncated size
sleep 0.3
for c in "Wrong protocol version" "Malformed payload" "Malformed header" \
	 "Truncated message" "Bad message size"; do
	n=$(net "$c")
	if [ "$n" = 1 ]; then
		t_ok "counted as \"$c\""
	else
		t_fail "counted as \"$c\"" "got '$n'" "$(ctd -s network)"
	fi
done
eq "each bad message counts in \"Malformed messages\" too" 5 \
	"$(net "Malformed messages")"
eq "nothing of them reaches the external cache" "$want" "$(ext)"

if t_ours_only "a datagram not from the peer is dropped"; then
	send 10.232.1.9 new78
	sleep 0.3
	eq "a datagram not from the peer is dropped" "$want" "$(ext)"
fi

send 10.232.1.1 del
sleep 0.3
eq "a CT_DEL from the peer removes the flow" "" "$(ext)"

# A sender in polling mode (PollSecs): a flow gone from its kernel is
# found by the next dump's purge and deleted on the receiver.
sed -e 's/10.232.1.2/10.232.1.X/; s/10.232.1.1/10.232.1.2/; s/10.232.1.X/10.232.1.1/' \
    -e 's/Interface sb/Interface sa/; s#b\.lock#a.lock#; s#b\.ctl#a.ctl#; s#b\.log#a.log#' \
    -e 's/^General {/General {\n\tPollSecs 1/' "$T_TMP/b.conf" >"$T_TMP/a.conf"
in_ns "$A" "$D" -C "$T_TMP/a.conf" >"$T_TMP/a.out" 2>&1 &
APID=$!
for _ in $(seq 100); do [ -S "$T_TMP/a.ctl" ] && break; sleep 0.05; done
in_ns "$A" conntrack -I -p udp -s 192.0.2.90 -d 198.51.100.90 --sport 5 \
	--dport 6 -t 100 >/dev/null 2>&1
poll_ext() {	# poll_ext WANT: wait up to 5 s for -e to show WANT lines
	for _ in $(seq 50); do
		[ "$(ext | grep -c 192.0.2.90)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
poll_ext 1 && t_ok "PollSecs: the sender's dump sends a new flow" ||
	t_fail "PollSecs: the sender's dump sends a new flow" "$(ext)"
in_ns "$A" conntrack -D -p udp -s 192.0.2.90 >/dev/null 2>&1
poll_ext 0 && t_ok "PollSecs: a flow gone from the sender's kernel is purged on the receiver" ||
	t_fail "PollSecs: a flow gone from the sender's kernel is purged on the receiver" "$(ext)"
in_ns "$A" "$D" -C "$T_TMP/a.conf" -k >/dev/null 2>&1
wait "$APID" 2>/dev/null
stop
t_done
