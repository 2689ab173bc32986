#!/usr/bin/env bash
# Byte-for-byte requests: strace records what the reference and ours send
# for every timeout and helper command; the netlink messages must be the
# same but for the sequence number (both use time(NULL) plus a counter).
. "$(dirname "$0")/nfct_lib.sh"

if ! command -v strace >/dev/null; then
	t_fail "strace (Debian package strace) is needed for this test"
	t_done
fi
nfct_pair

# sent NS RUNNER ARGS...: the sendto() buffers of one nfct run, hex.
sent() {
	local ns=$1 dir=$2; shift 2
	ip netns exec "$ns" env PATH="$dir:$PATH" \
		strace -qq -f -e trace=sendto -xx -s 4096 -o "$T_TMP/st" nfct "$@" \
		>/dev/null 2>&1
	sed -E -n 's/.*sendto\([0-9]+, (\[.*\]), [0-9]+, 0, \{sa_family=AF_NETLINK.*/\1/p' "$T_TMP/st" |
		sed -E 's/nlmsg_seq=[0-9]+/nlmsg_seq=S/g'
}

wire() {	# DESC ARGS...
	local desc=$1; shift
	local a b
	b=$(sent "$NS_REF" "$NFCT_REF_DIR" "$@")
	a=$(sent "$NS_OUR" "$NFCT_OUR_DIR" "$@")
	if [ -n "$b" ] && [ "$a" = "$b" ]; then
		t_ok "$desc"
	else
		t_fail "$desc" "cmd: nfct $*" "ref:  $b" "ours: $a"
	fi
}

wire "timeout list" list timeout
wire "timeout add tcp, states out of order" add timeout t1 inet tcp close 5 syn_sent 3 close 6
wire "timeout add icmpv6" add timeout t2 inet6 icmpv6 timeout 7
wire "timeout add sctp" add timeout t3 inet sctp closed 1 shutdown_ack_sent 7
wire "timeout add without states" add timeout t4 inet gre
wire "timeout add with a 31-byte name" add timeout abcdefghijabcdefghijabcdefghij1 inet generic timeout 1
wire "timeout get" get timeout t1
wire "timeout delete" delete timeout t1
wire "timeout flush" flush timeout
wire "timeout default-set" default-set timeout inet udp unreplied 30 replied 120
wire "timeout default-get" default-get timeout inet6 udplite
wire "helper list" list helper
wire "helper flush" flush helper
wire "helper delete by name" delete helper ftp
wire "helper delete by name and family" delete helper ftp inet
wire "helper get by tuple" get helper ftp inet6 udp
wire "helper disable" disable helper sane inet tcp
for h in amanda/udp dhcpv6/udp ftp/tcp mdns/udp rpc/tcp rpc/udp sane/tcp \
	 slp/udp ssdp/udp ssdp/tcp tftp/udp tns/tcp; do
	wire "helper add $h" add helper ${h%/*} inet6 ${h#*/}
done
t_done
