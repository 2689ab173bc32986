#!/usr/bin/env bash
# The expectation table: real expectations from an FTP control connection
# through an nft ct helper (the kernel's ftp helper) with a fake server
# answering PASV / EPSV, plus `-I expect`.  -L/-C/-G/-F/-E expect compared
# with the reference; the deliberate differences (-D expect exit code,
# every family by default, tcp tuple ports) asserted explicitly.
. "$(dirname "$0")/../lib.sh"

ns_new NS
in_ns "$NS" nft -f - <<'NFT' || t_fail "ruleset with the ftp helper loaded"
table inet t {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain out { type filter hook output priority 0; tcp dport 21 ct helper set "ftp-std"; }
}
NFT

cat >"$T_TMP/ftp.py" <<'PY'
import socket, sys, time
fam, addr, reply = sys.argv[1], sys.argv[2], sys.argv[3]
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
srv = socket.socket(af)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, 21))
srv.listen(1)
open(sys.argv[4], "w").close()
c, _ = srv.accept()
srv.close()
c.sendall(b"220 ready\r\n")
c.recv(100)
c.sendall(reply.encode() + b"\r\n")
time.sleep(60)
PY
cat >"$T_TMP/cli.py" <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 21))
s.recv(100)
s.sendall(sys.argv[2].encode() + b"\r\n")
s.recv(200)
open(sys.argv[3], "w").close()
time.sleep(60)
PY
ftp_session() {	# ftp_session 4|6 ADDR REPLY CMD: one control connection
	local tag=$RANDOM
	ip netns exec "$NS" python3 "$T_TMP/ftp.py" "$1" "$2" "$3" "$T_TMP/up$tag" &
	for _ in $(seq 50); do [ -e "$T_TMP/up$tag" ] && break; sleep 0.1; done
	ip netns exec "$NS" python3 "$T_TMP/cli.py" "$2" "$4" "$T_TMP/done$tag" &
	for _ in $(seq 50); do [ -e "$T_TMP/done$tag" ] && break; sleep 0.1; done
	sleep 0.2
}

# expectation events: both listeners during the sessions and a flush
ip netns exec "$NS" "$REF_BIN/conntrack" -E expect >"$T_TMP/er.out" 2>"$T_TMP/er.err" &
p1=$!
ip netns exec "$NS" "$(ours_path conntrack)" -E expect >"$T_TMP/eo.out" 2>"$T_TMP/eo.err" &
p2=$!
ip netns exec "$NS" "$REF_BIN/conntrack" -E expect -o xml >"$T_TMP/exr.out" 2>"$T_TMP/exr.err" &
p3=$!
ip netns exec "$NS" "$(ours_path conntrack)" -E expect -o xml >"$T_TMP/exo.out" 2>"$T_TMP/exo.err" &
p4=$!
sleep 0.5

ftp_session 4 127.0.0.1 "227 Entering Passive Mode (127,0,0,1,200,10)." PASV
ftp_session 4 127.0.0.1 "227 Entering Passive Mode (127,0,0,1,200,11)." PASV

export NORM_TIMEOUT=0
# the timestamp prefix first, so that the timeout after it is seen too
NORM_SED='s/^\[[0-9]+\.[0-9]+ *\]\t/[TS]\t/; s/^(\[TS\]\t)?[0-9]+ proto=/\1T proto=/; s/^(\[[A-Z]+\] *)[0-9]+ proto=/\1T proto=/; s#<timeout>[0-9]+</timeout>#<timeout>T</timeout>#'
same "$NS" "-L expect" conntrack -L expect
same "$NS" "-L expect -o xml" conntrack -L expect -o xml
same "$NS" "-L expect -o timestamp" conntrack -L expect -o timestamp
same "$NS" "-L expect -f ipv4" conntrack -L expect -f ipv4
same "$NS" "-C expect" conntrack -C expect
t_check "two expectations listed" test "$(in_ns "$NS" "$REF_BIN/conntrack" -C expect)" = 2
t_ours_only "-L expect -o json: valid JSON lines" &&
	t_check "-L expect -o json: valid JSON lines" sh -c \
	"ip netns exec '$NS' '$(ours_path conntrack)' -L expect -o json 2>/dev/null | python3 -c 'import json,sys; l=[json.loads(x) for x in sys.stdin]; assert len(l)==2, l'"

GET=(-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 51210 --reply-port-src 0 --reply-port-dst 0)
same "$NS" "-G expect (by the expected tuple)" conntrack -G expect "${GET[@]}"
same "$NS" "-G expect of a missing one" conntrack -G expect -s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 1 --reply-port-src 0 --reply-port-dst 0

# -D expect: deliberate difference: exit 0 and an honest summary
run_cap "$T_TMP/del" ip netns exec "$NS" "$(ours_path conntrack)" -D expect "${GET[@]}"
t_ours_only "-D expect succeeds with exit 0" &&
	t_check "-D expect succeeds with exit 0 (1.4.7: exit 1)" test "$(cat "$T_TMP/del.rc")" = 0
t_ours_only "-D expect says what it did" &&
	t_check "-D expect says what it did" grep -q '1 expectations have been deleted.$' "$T_TMP/del.err"
t_check "-D expect removed it" test "$(in_ns "$NS" "$REF_BIN/conntrack" -C expect)" = 1
same "$NS" "-D expect of a missing one" conntrack -D expect "${GET[@]}"

# -I expect on the remaining master (it has the ftp helper)
sport=$(in_ns "$NS" "$REF_BIN/conntrack" -L -p tcp --dport 21 2>/dev/null |
	sed -nE 's/.* sport=([0-9]+) dport=21 .*/\1/p' | head -1)
MASTER=(-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport "$sport" --dport 21)
ICR=(--tuple-src 127.0.0.1 --tuple-dst 127.0.0.1 --tuple-port-src 0 --tuple-port-dst 40000
     --mask-src 255.255.255.255 --mask-dst 255.255.255.255 --mask-port-src 0 --mask-port-dst 65535 -t 100)
run_cap "$T_TMP/ins" ip netns exec "$NS" "$(ours_path conntrack)" -I expect "${MASTER[@]}" "${ICR[@]}"
t_check "-I expect: exit 0, nothing said" sh -c "test \"\$(cat '$T_TMP/ins.rc')\" = 0 && test ! -s '$T_TMP/ins.err'"
t_ours_only "-I expect with tcp tuple ports makes a tcp expectation" &&
	t_check "-I expect with tcp tuple ports makes a tcp expectation (1.4.7: proto=156)" sh -c \
	"ip netns exec '$NS' '$REF_BIN/conntrack' -L expect 2>/dev/null | grep -q '^[0-9]* proto=6 src=127.0.0.1 dst=127.0.0.1 sport=0 dport=40000 .*helper=ftp'"
same "$NS" "-I expect again: File exists" conntrack -I expect "${MASTER[@]}" "${ICR[@]}"
same "$NS" "-I expect without master" conntrack -I expect -s 127.0.0.9 -d 127.0.0.1 -p udp --sport 1 --dport 21 "${ICR[@]}"
same "$NS" "-L expect after -I expect" conntrack -L expect

# IPv6: listed without -f (deliberate: 1.4.7 lists IPv4 only)
ftp_session 6 ::1 "229 Entering Extended Passive Mode (|||50000|)" EPSV
t_check "an IPv6 expectation exists" sh -c \
	"ip netns exec '$NS' '$REF_BIN/conntrack' -L expect -f ipv6 2>/dev/null | grep -q 'dport=50000'"
t_ours_only "-L expect without -f lists IPv6 too" &&
	t_check "-L expect without -f lists IPv6 too" sh -c \
	"ip netns exec '$NS' '$(ours_path conntrack)' -L expect 2>/dev/null | grep -q 'src=::1 .*dport=50000'"
n4=$(in_ns "$NS" "$REF_BIN/conntrack" -L expect -f ipv4 2>/dev/null | wc -l)
n6=$(in_ns "$NS" "$REF_BIN/conntrack" -L expect -f ipv6 2>/dev/null | wc -l)
nc_=$(in_ns "$NS" "$(ours_path conntrack)" -C expect)
if ! t_ours_only "-C expect without -f counts every family"; then :
elif [ "$nc_" = $((n4 + n6)) ] && [ "$n6" -ge 1 ]; then
	t_ok "-C expect without -f counts every family ($nc_)"
else
	t_fail "-C expect without -f counts every family" "ours $nc_, reference ipv4 $n4 + ipv6 $n6"
fi
same "$NS" "-L expect -f ipv6" conntrack -L expect -f ipv6

same "$NS" "-F expect" conntrack -F expect
t_check "-F expect emptied every family" test "$(in_ns "$NS" "$(ours_path conntrack)" -C expect)" = 0
sleep 0.3
kill -INT $p1 $p2 $p3 $p4
wait $p1 $p2 $p3 $p4 2>/dev/null

for k in e ex; do
	sed -E "$NORM_SED" <"$T_TMP/${k}r.out" >"$T_TMP/${k}r.n"
	sed -E "$NORM_SED" <"$T_TMP/${k}o.out" >"$T_TMP/${k}o.n"
	n=$(wc -l <"$T_TMP/${k}r.n")
	if [ "$n" -gt 0 ] && cmp -s "$T_TMP/${k}r.n" "$T_TMP/${k}o.n" &&
	   diff <(t_norm <"$T_TMP/${k}r.err") <(t_norm <"$T_TMP/${k}o.err") >/dev/null; then
		t_ok "-E expect ($k): same $n lines and summary as the reference"
	else
		t_fail "-E expect ($k): differs" "$(diff -u "$T_TMP/${k}r.n" "$T_TMP/${k}o.n" | head)" \
			"$(diff <(t_norm <"$T_TMP/${k}r.err") <(t_norm <"$T_TMP/${k}o.err"))"
	fi
done
t_check "-E expect saw NEW and DESTROY" sh -c "grep -q '^    \[NEW\] ' '$T_TMP/eo.out' && grep -q '^\[DESTROY\] ' '$T_TMP/eo.out'"
t_done
