# shellcheck shell=bash
# Forging netlink messages from user space, for the tests that check a
# listener ignores them (sourced after lib.sh; NS names the namespace).

# event_portids PID: port ids of the NETLINK_NETFILTER sockets of PID that
# joined a multicast group (/proc/net/netlink of the namespace, matched to
# the process's socket inodes).
event_portids() {
	local pid=$1 fd inodes=" "
	for fd in /proc/"$pid"/fd/*; do
		fd=$(readlink "$fd")
		case $fd in socket:\[*\]) fd=${fd#socket:[}; inodes+="${fd%]} " ;; esac
	done
	in_ns "$NS" cat /proc/net/netlink | awk -v list="$inodes" '
		NR > 1 && $2 == 12 && $4 != "00000000" && index(list, " " $10 " ") { print $3 }'
}

# forge PORTID: one NEW event (orig tuple 10.66.66.66:4242 -> 10.0.0.2:53
# udp, reply tuple inverted, status CONFIRMED) unicast to PORTID.
forge() {
	# shellcheck disable=SC2016  # perl code, expanded by perl
	in_ns "$NS" perl -e '
		use Socket;
		my $to = shift;
		sub nla { my ($t, $d) = @_; my $l = 4 + length $d;
			pack("SS", $l, $t) . $d . ("\0" x ((4 - $l % 4) % 4)) }
		sub tuple { my ($t, $s, $d, $sp, $dp) = @_;
			nla($t | 0x8000,
			    nla(1 | 0x8000, nla(1, inet_aton($s)) . nla(2, inet_aton($d))) .
			    nla(2 | 0x8000, nla(1, pack("C", 17)) . nla(2, pack("n", $sp)) .
					    nla(3, pack("n", $dp)))) }
		my $p = pack("CCn", 2, 0, 0) .
			tuple(1, "10.66.66.66", "10.0.0.2", 4242, 53) .
			tuple(2, "10.0.0.2", "10.66.66.66", 53, 4242) .
			nla(3, pack("N", 8)) . nla(7, pack("N", 30));
		my $msg = pack("LSSLL", 16 + length $p, 0x100, 0x600, 0, 0) . $p;
		socket(my $s, 16, SOCK_RAW, 12) or die "socket: $!";
		bind($s, pack("SSLL", 16, 0, 0, 0)) or die "bind: $!";
		send($s, $msg, 0, pack("SSLL", 16, 0, $to, 0)) or die "send: $!";
	' "$1"
}
