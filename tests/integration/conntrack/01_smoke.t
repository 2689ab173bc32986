#!/usr/bin/env bash
# The basics every later test relies on: -L of a small table, -C, -V.
. "$(dirname "$0")/../lib.sh"

ns_new NS
ref conntrack >/dev/null 2>&1
in_ns "$NS" "$REF_BIN/conntrack" -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 \
	--state ESTABLISHED -t 100 -u SEEN_REPLY,ASSURED -m 5 2>/dev/null
in_ns "$NS" "$REF_BIN/conntrack" -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 53 --dport 54 -t 100 2>/dev/null
in_ns "$NS" "$REF_BIN/conntrack" -I -p icmp -s 10.0.0.1 -d 10.0.0.3 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 100 2>/dev/null
same "$NS" "-L lists the table" conntrack -L
same "$NS" "-C counts it" conntrack -C
same "$NS" "-V" conntrack -V
t_done
