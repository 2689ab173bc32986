#!/usr/bin/env bash
# The conntrack command line against the reference: every error of the
# catalogue, the option matrices, getopt corner cases.  Valid lines only
# for the commands that run here; the others are checked for their
# parse errors.  Lines that modify the table are followed by a listing.
. "$(dirname "$0")/../lib.sh"

ns_new NS
R="$REF_BIN/conntrack"
# an hour: the checks below take minutes on a loaded machine, and the last
# one counts these four
in_ns "$NS" "$R" -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 \
	--state ESTABLISHED -t 3600 -u SEEN_REPLY,ASSURED -m 5 2>/dev/null
in_ns "$NS" "$R" -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 53 --dport 54 -t 3600 2>/dev/null
in_ns "$NS" "$R" -I -p icmp -s 10.0.0.1 -d 10.0.0.3 --icmp-type 8 --icmp-code 0 --icmp-id 9 -t 3600 2>/dev/null
in_ns "$NS" "$R" -I -p udp -s 10.0.0.5 -d 10.0.0.6 --sport 7 --dport 8 -t 3600 -w 4 2>/dev/null

# -h and no command print argv[0]: run both under the same name, and drop
# our one extra usage line and the version word.
norm_usage() {
	sed -e '/^  --reliable\t/d' \
	    -e 's/^\(Command line interface for the connection tracking system. Version\) .*/\1 X/'
}
same_usage() {
	local desc=$1; shift
	local a b
	b=$(in_ns "$NS" bash -c 'exec -a conntrack "$0" "$@"' "$R" "$@" 2>&1; echo "rc=$?")
	a=$(in_ns "$NS" bash -c 'exec -a conntrack "$0" "$@"' "$(ours_path conntrack)" "$@" 2>&1; echo "rc=$?")
	b=$(printf '%s\n' "$b" | norm_usage | t_norm)
	a=$(printf '%s\n' "$a" | norm_usage | t_norm)
	if [ "$a" = "$b" ]; then t_ok "$desc"; else
		t_fail "$desc" "$(diff <(echo "$b") <(echo "$a") | head -20)"; fi
}

same_usage "no arguments" 
same_usage "-h" -h
same_usage "--help" --help
same_usage "--he abbreviation" --he
same_usage "-h expect" -h expect
same_usage "-h conntrack" -h conntrack
same_usage "-h ''" -h ''
same_usage "word only" foo
same_usage "-- -L" -- -L
for p in tcp udp udplite sctp dccp gre icmp icmpv6 igmp 200 6 0x11 TCP ipv6-icmp ip 0 255; do
	same_usage "-h -p $p" -h -p "$p"
done
same_usage "-h -p tcp --sport 1 (no final check)" -h -p tcp --sport 1
same_usage "-p udp -h" -p udp -h
same_usage "-h -p tcp -p udp" -h -p tcp -p udp
if ! t_ours_only "--reliable is named in -h"; then :
elif grep -q "$(printf '^  --reliable\t\t\tReliable events: no loss, kernel may slow down (ctbox)$')" \
	<(ours conntrack -h); then t_ok "--reliable is named in -h"; else t_fail "--reliable is named in -h"; fi

# Valid or invalid lines; eval'd word lists.
while IFS= read -r line; do
	[ -z "$line" ] && continue
	case $line in \#*) continue ;; esac
	eval "set -- $line"
	same "$NS" "conntrack $line" conntrack "$@"
done <<'LINES'
-V
--version
--vers
-V -V
-V -L
-L -V
-S -V
-L
--dump
--dum
-L conntrack
-L c
-Lexpect
-Lfoo
-Lpudp
--dump=expect
-L -- -p
-L -f ipv4
-L -f ipv6
-L -f ipv4foo
-L -f ip
-L -f inet
-L -f=ipv4
--dump --family=ipv6
-L --family ipv6
-L --fam ipv4
-L -x
-L --foo
-L --st ESTABLISHED
-L --sta
-L --reply
-L --s 1.1.1.1
-L -s
-L --src
-L -d
-L -p
-L --protonum
-L -o
-L -u
-L -m
-L -w
-L -I
-L -L
-L --dum
-I -L
-L foo
-L dying
-L unconfirmed
-L d
-L u
-L dying -f ipv6
-I dying
-D unconfirmed
-G dying
-E dying
-F dying
-C dying
-S dying
-U expect
-A expect
-U e
-S -s 1.1.1.1
-S -f ipv4
-C -s 1.1.1.1
-C -p tcp
-C -o xml
-F -s 1.1.1.1
-F -p tcp
-F -o xml
-F -m 1
-F -u ASSURED
-V -p tcp
-V -o xml
-h -s 1.1.1.1
-h -o xml
-s 1.1.1.1
-p tcp
-p tcp --sport 1
-o xml
-z
-w 0
-b 1
-f ipv4
-m 1
-L -s 1.1.1.300
-L -s foo
-L -s ''
-L -s 1.1.1.1/33
-L -s 1.1.1.1/x
-L -s 1.1.1.1/-1
-L -s ::1/129
-L -s ::1/64x
-L -r 1.1.1.1/24
-L -q 1.1.1.1/24
-L --reply-src 1.1.1.1/24
-L --mask-src 1.1.1.1/24
-L --mask-dst 1.1.1.1/24
-L -n 1.1.1.1/24
-L -g 1.1.1.1/24
-L -j 1.1.1.1/24
-L -g 1.1.1.1/99
-L -r 1.1.1.300/24
-L -s 1.1.1.1 -d ::1
-L -s ::1 -f ipv4
-L -f ipv6 -s 10.0.0.1
-L -f ipv4 -f ipv6
-L -s 1.1.1.1 -r ::2
-L -s 1.1.1.1 --mask-src ffff::
-L -p foo
-L -p 256
-L -p -1
-L -p 20foo
-L -p ''
-L -o foo
-L -o xml,
-L -o ,xml
-L -o xml,,extended
-L -o ''
-L -o xml,save
-L -o save,xml
-L -o save -o xml
-L -o save,userspace
-L -o s
-L -o d
-L -o S
-L -o sr
-L -o x,foo
-L -u FOO
-L -u !UNREPLIED
-L -u ''
-L -u ,ASSURED
-L -u ASSURED,
-L -u !
-L -u !,ASSURED
-L -u UNSET
-L -u SRC_NAT
-L -u DST_NAT
-L -u s
-L -u a,d
-L -u ASSURED,foo
-L -u !foo
-L -e NEW
-E -e FOO
-E -e NEW,
-E -e ,NEW
-E -e D -t 5
-E -e S -t 5
-E -e NEW -s 1.1.1.300
-L -e NEW
-L --dst-nat --any-nat
-L -n -j
-L -j -g 1.2.3.4
-L -z -s 10.0.0.1
-L -z -p tcp
-L -z -m 1
-L -z -u ASSURED
-L -z -w 1
-L -z -f ipv4
-L -z -o extended
-L --mask-src 255.0.0.0
-L --mask-dst 255.0.0.0
-L -d 10.0.0.1 --mask-src 255.0.0.0
-L -z --mask-src 255.0.0.0
-L dying --mask-src 255.0.0.0 -z -s 1.1.1.1
-L -p tcp --state established
-L -p tcp --state LISTEN
-L -p tcp --state FOO
-L -p dccp --state open
-L -p dccp --state OPEN
-L -p dccp --role x
-L -p dccp --role client
-I -p dccp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 --state OPEN -t 5 --role x
-L -p sctp --state ESTABLISHED
-L -g 1.1.1.1:
-L -g [2001:db8::1]:
-L -g 1.1.1.1:65536
-L -g 1.1.1.1:8a
-L -g [2001:db8::1]::
-L -g [2001:db8::1]:80:80
-L -g 1.1.1.1::
-L -g 1.1.1.1:80:80
-L -g [2001:db8::1]
-L -g []:1
-L -g [2001:db8::1:1
-L -g :4000
-L -n foo
-L -n 1.1.1.300:5
-L -n 10.0.0.1:-1
-L -n 10.0.0.1:+1
-L -n 10.0.0.1: -z
-L --src-nat=1.2.3.4
-L -n1.2.3.4
-L -j [::1]:99999
-L -l foo
-L --label-add foo
-L --label-del
-L --label-add a --label-del b
-U --label-del x --label-add y
-L -a 1
-I -a 1
-L --nat-range 1
-L --dport 22 -p tcp
-L -p tcp --dport
-L -p tcp --sp
-L -p tcp --orig-port
-L -p tcp -p udp --sp 1
-L -p udp --state ESTABLISHED
-L -p icmp --sport 1
-L -p gre --srckey
-L -p icmpv6 --icmp-type 1
-L -p 200 --sport 1
-L -p ipv6-icmp --icmpv6-type 1
-L -c
-L -i 1
-L --id=1
-L -t 5
-L -e ALL
-L -b 5
-L --label-add x
-L --tuple-src 1.1.1.1
-L --tuple-dst 1.1.1.1
-I
-I -s 1.1.1.1
-I -s 1.1.1.1 -d 2.2.2.2
-I -s 1.1.1.1 -d 2.2.2.2 -p tcp
-I -s 1.1.1.1 -d 2.2.2.2 -p tcp -t 5
-I -s 1.1.1.1 -d 2.2.2.2 -p tcp -t 5 --state FOO
-I -s 1.1.1.1 -d 2.2.2.2 -p tcp -t 5 --state ESTABLISHED
-I -s 1.1.1.1 -d 2.2.2.2 -p tcp -t 5 --sport 1 --state ESTABLISHED
-I -s 1.1.1.1 -d 2.2.2.2 -p tcp -t 5 --reply-port-src 1 --state ESTABLISHED
-I -s 1.1.1.1 -p tcp -t 5
-I -r 1.1.1.1 -p tcp -t 5
-I -r 1.1.1.1 -s 2.2.2.2 -p tcp -t 5
-I -p tcp -t 5
-I -s 1.1.1.1 -d 2.2.2.2 -p icmp -t 5
-I -s 1.1.1.1 -d 2.2.2.2 -p icmp -t 5 --icmp-type 8
-I -s 1.1.1.1 -d 2.2.2.2 -p icmp -t 5 --icmp-code 0
-I -s 1.1.1.1 -d 2.2.2.2 -p icmpv6 -t 5 --icmpv6-type 8
-I -s 1.1.1.1 -d 2.2.2.2 -p sctp -t 5 --sport 1 --dport 2
-I -s 1.1.1.1 -d 2.2.2.2 -p sctp -t 5 --sport 1 --dport 2 --state ESTABLISHED
-I -s 1.1.1.1 -d 2.2.2.2 -p sctp -t 5 --sport 1 --dport 2 --state ESTABLISHED --orig-vtag 1
-I -s 1.1.1.1 -d 2.2.2.2 -p dccp -t 5 --sport 1 --dport 2 --state OPEN
-I -s 1.1.1.1 -d 2.2.2.2 -p gre -t 5
-I -s 1.1.1.1 -d 2.2.2.2 -p gre -t 5 --srckey 1
-I -s 1.1.1.1 -d 2.2.2.2 -p gre -t 5 --reply-key-src 1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --dport 1
-I -s 1.1.1.1 -d 2.2.2.2 -p udplite -t 5 --reply-port-dst 1
-I -s 1.1.1.1 -d 2.2.2.2 -p dccp -t 5 --reply-port-dst 1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -o xml
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -l x
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -c 1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -i 1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -j
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -f ipv4
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -z
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -e NEW
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 -b 1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 --label-del
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 --mask-src 1.1.1.1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 --tuple-src 1.1.1.1
-I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 --mask-port-src 1
-I -s 1.1.1.1/24 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2
-A -s 1.1.1.1 -d 2.2.2.2 -p udp
-A -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 -o xml
-A -s 1.1.1.1 -p udp -t 5
-G
-G -s 1.1.1.1 -d 2.2.2.2
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 -t 5
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 -w 1
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 -f ipv4
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 -u ASSURED
-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 -m 1
-G -s 1.1.1.1 -d 2.2.2.2 -p icmp
-G -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8
-G -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 1
-D -t
-D -z
-D -c 1
-D -j
-D -e NEW
-D -p tcp --mask-port-src 1
-D --tuple-src 1.1.1.1
-D -b 1
-D --label-add x
-U -w 1
-U --orig-zone 1
-U -c 1
-U -j
-U -z
-U -p dccp --role client
-U -b 1
-E -t 5
-E -u ASSURED
-E -z
-E -i 1
-E --label-add x
-E -p tcp --mask-port-src 1
-E -p dccp --role server
-I expect
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --sport 1 --dport 2
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --sport 1 --dport 2 --mask-port-src 0 --mask-port-dst 0 --tuple-port-src 1
-I expect -s 1.1.1.1 -d 2.2.2.2 -p tcp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --sport 1 --dport 2 --reply-port-src 3
-I expect -s 1.1.1.1 -d 2.2.2.2 -p gre -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --srckey 1 --dstkey 2
-I expect -s 1.1.1.1 -d 2.2.2.2 -p sctp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --sport 1 --dport 2 --mask-port-src 0 --mask-port-dst 0 --tuple-port-src 1 --tuple-port-dst 2
-I expect -s 1.1.1.1 -d 2.2.2.2 -p dccp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --sport 1 --dport 2 --mask-port-src 0 --mask-port-dst 0 --tuple-port-src 1 --tuple-port-dst 2
-I expect -s 1.1.1.1 -d 2.2.2.2 -p icmp -t 5 --tuple-src 3.3.3.3 --tuple-dst 4.4.4.4 --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --icmp-type 1
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 -f ipv4
-I expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 -o xml
-G expect
-G expect -s 1.1.1.1 -d 2.2.2.2 -p tcp
-G expect -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2
-G expect -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1 --dport 2 --reply-port-src 3
-G expect -s 1.1.1.1 -d 2.2.2.2 -p udp -o xml
-D expect -s 1.1.1.1
-D expect -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5
-L expect -s 1.1.1.1
-L expect -p tcp
-L expect -m 1
-E expect -e NEW
-E expect -f ipv4
-F expect -f ipv4
-C expect -o xml
-S expect -s 1.1.1.1
-L -t 5 -s 1.1.1.300
-L -s 1.1.1.300 -t 5
-L -o xml -o save
-L -o labels,save
-L -w 0 -x
foo -L -x
-L foo -x
-Lz -s 1.1.1.1
-zL -s 1.1.1.1
-L -zs 1.1.1.1
-L -zf ipv9
-L -fipv9
-L -f
-L -f -s
-L -s -f
-L -zq
-L -o extended -p tcp --dport 2 -s 10.0.0.1
-L --pro tcp --dp 2
-L --p tcp
-L --orig-s 10.0.0.1
-L --src-n
-L --dst-n=10.0.0.9:80
-L -s 10.0.0.1 -o extended
-L -s 10.1 -o extended
-L -s 0x0a000001
-L -s 167772161
-L -s 10.0.0.1x
-L -s 010.0.0.1
-L -s 08.0.0.1
-L -s '10.0.0.1 junk'
-L -s 2001:DB8::1.1.1.1
-L -s ::ffff:1.2.3.4
-L -s 1::2::3
-L -s 1:2:3:4:5:6:7:8:9
-L -s 1:2:3:4:5:6:7::8
-L -s :1::2
-L -s 1::2:
-L -s 12345::1
-L -s ::01.2.3.4
-L -s '[::1]'
-L -s 1.2.3.4/
-L -s '1.2.3.4/ 8'
-L -s 1.2.3.4/+8
-L -s 1.2.3.4/4294967296
-L -s aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
-L -s 2001:0db8:0000:0000:0000:0000:0000:0001/128xxxxxxxx
-L -u assured
-L -u ASSURED -p tcp
-L -u UNREPLIED
-L -u UNREPLIEDxyz
-L -m 5
-L -m 5/0xff
-L -m abc
-L -w 70000
-L -w abc
-L --orig-zone 0
-L --reply-zone 0
-L -p 6
-L -p 0x11
-L -p TCP
-L -p igmp
-L -F
-L -h
-h -L
-L -E
-L -C
--counter
--count
-C -C
-S expect
-L -b 5
-L -t
-Ii
-I -i
-L -- foo
LINES

# Deliberate differences (upstream 1.4.7 crashes with SIGSEGV on these).
ours_is() {	# DESC EXPECTED-OUTPUT ARGS...
	local desc=$1 want=$2 out; shift 2
	[ "${TEST_REF:-0}" = 1 ] && { t_ok "$desc (ref: skipped)"; return; }
	out=$(in_ns "$NS" "$(ours_path conntrack)" "$@" 2>&1; echo "rc=$?")
	out=$(printf '%s\n' "$out" | t_norm)
	if [ "$out" = "$want" ]; then t_ok "$desc"; else t_fail "$desc" "got: $out" "want: $want"; fi
}
TRY="Try \`conntrack -h' or 'conntrack --help' for more information."
P="conntrack vX (ctbox):"
ours_is "unknown SCTP state" "$P unknown SCTP state \`FOO'
$TRY
rc=2" -L -p sctp --state FOO
ours_is "SCTP HEARTBEAT_SENT is unknown" "$P unknown SCTP state \`HEARTBEAT_SENT'
$TRY
rc=2" -I -s 1.1.1.1 -d 2.2.2.2 -p sctp -t 5 --sport 1 --dport 2 --state HEARTBEAT_SENT
ours_is "--id with a detached argument" "$P Illegal option \`--id' with this command
$TRY
rc=2" -L --id 1
ours_is "--id without argument" "$P option \`--id' requires an argument
$TRY
rc=2" -L --id
ours_is "--reliable refused on -L" "$P Illegal option \`--reliable' with this command
$TRY
rc=2" -L --reliable
ours_is "--reliable refused on -D" "$P Illegal option \`--reliable' with this command
$TRY
rc=2" -D --reliable -s 1.1.1.1
ours_is "--reliable refused on -I" "$P Illegal option \`--reliable' with this command
$TRY
rc=2" -I -s 1.1.1.1 -d 2.2.2.2 -p udp -t 5 --sport 1 --dport 2 --reliable
ours_is "--reliable is fine on -E (matrix still checked)" "$P Illegal option \`--timeout' with this command
$TRY
rc=2" -E --reliable -t 5

# Ours only: -o json is accepted (upstream: Bad parameter), and it cannot
# be combined with save either; --rel abbreviates our --reliable.
out=$(in_ns "$NS" "$(ours_path conntrack)" -L -o json 2>&1 >/dev/null)
[ "$out" = "conntrack v0.1.0 (ctbox): 4 flow entries have been shown." ] || [ "${TEST_REF:-0}" = 1 ] &&
	t_ok "-o json accepted" || t_fail "-o json accepted" "$out"
out=$(in_ns "$NS" "$(ours_path conntrack)" -L -o json,save 2>&1; echo "rc=$?")
case $out in *"cannot combine save output with any other output type, use -o save only"*rc=1) t_ok "-o json,save refused" ;;
*) [ "${TEST_REF:-0}" = 1 ] && t_ok "-o json,save (ref)" || t_fail "-o json,save refused" "$out" ;; esac
out=$(in_ns "$NS" "$(ours_path conntrack)" -L --rel 2>&1; echo "rc=$?")
case $out in *"Illegal option \`--reliable' with this command"*rc=2) t_ok "--rel is --reliable, -E only" ;;
*) [ "${TEST_REF:-0}" = 1 ] && t_ok "--rel (ref)" || t_fail "--rel is --reliable, -E only" "$out" ;; esac

t_done
