#!/usr/bin/env bash
# gen_flows.sh N: N conntrack -I lines for -R: half TCP ESTABLISHED, half
# UDP, 10% with mark 1, sources spread over 10.x.y.z, one known flow
# (10.99.99.99:4242 -> 10.0.0.1:80 tcp) to look up.
N=${1:-200000}
awk -v n="$N" 'BEGIN {
	print "-I -p tcp -s 10.99.99.99 -d 10.0.0.1 --sport 4242 --dport 80 --state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED"
	for (i = 1; i < n; i++) {
		a = int(i / 65536) % 256; b = int(i / 256) % 256; c = i % 256
		src = sprintf("10.%d.%d.%d", a + 1, b, c)
		mark = (i % 10 == 0) ? " -m 1" : ""
		if (i % 2)
			printf "-I -p tcp -s %s -d 192.168.%d.1 --sport %d --dport 443 --state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED%s\n", src, b, 1024 + i % 60000, mark
		else
			printf "-I -p udp -s %s -d 192.168.%d.2 --sport %d --dport 53 -t 3600%s\n", src, b, 1024 + i % 60000, mark
	}
}'
