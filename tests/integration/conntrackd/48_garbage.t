#!/usr/bin/env bash
# Garbage on the wire: while a NOTRACK/UDP pair syncs real flows, the
# receiver is flooded at full rate with random datagrams and with mutations
# of real sync messages (the 1.4.7 captures of tests/fuzz/corpus/wire),
# from the peer's own address and from a foreign one.  The ctbox pair:
#  - the receiver keeps running and counts what reached it ("Pckts recv")
#    and what it refused in the 1.4.7 counters ("Malformed messages");
#  - the real sync is unaffected: once the flood stops, the receiver's
#    external cache holds exactly the sender's table (flows made before
#    and during the flood);
#  - its RSS does not grow from a second flood to a third.
# The 1.4.7 pair runs the same scenario as the yardstick, reported in
# comment lines only.  Flows a mutation makes valid are kept out of the
# comparison: the flood never carries the addresses of the test flows.
# NOTRACK because a spoofed header with a far sequence number from the
# peer's address stalls FT-FW for good, in 1.4.7 as in ctbox (README).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

SECS=${GARBAGE_SECS:-2}
NBURST=${GARBAGE_FLOWS:-100}
sync_init

cat >"$SYNC_D/garbage.py" <<'PY'
# garbage.py DST PORT SRC SECS CORPUS: send random and mutated datagrams to
# DST:PORT from SRC for SECS seconds at full rate; prints how many.
import os, random, socket, sys, time
dst, port, src, secs, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
tmpl = []
for n in sorted(os.listdir(corpus)):
    with open(os.path.join(corpus, n), 'rb') as f:
        b = f.read()
    if 8 <= len(b) <= 1400:
        tmpl.append(b)
# the test flows' addresses: never in the flood
avoid = [bytes([192, 0, 2]), bytes([198, 51, 100]), bytes([10, 50]),
         bytes([10, 60]), bytes([0x20, 0x01, 0x0d, 0xb8])]
rnd = random.Random(4242)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.setblocking(False)
end = time.time() + secs
sent = 0
while time.time() < end:
    for _ in range(64):
        k = rnd.random()
        if k < 0.25:
            d = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 256)))
        else:
            d = bytearray(rnd.choice(tmpl))
            for _ in range(rnd.randint(1, 4)):
                i = rnd.randrange(len(d))
                op = rnd.randrange(4)
                if op == 0: d[i] ^= 1 << rnd.randrange(8)
                elif op == 1: d[i] = rnd.getrandbits(8)
                elif op == 2: d = d[:max(1, i)]
                else: d[i] = 0xff
            d = bytes(d)
        if any(a in d for a in avoid):
            continue
        try:
            s.sendto(d, (dst, port))
            sent += 1
        except BlockingIOError:
            time.sleep(0.0005)
        except OSError:
            pass
print(sent)
PY

for i in $(seq 1 "$NBURST"); do
	echo "-p udp -s 192.0.2.$((i % 250 + 1)) -d 198.51.100.9 --sport $((30000 + i)) --dport 53 -t 900"
done >"$SYNC_D/burst.args"

# net_count SIDE LABEL: a counter of -s (the first field after the label)
net_count() {
	sync_ctl "$1" -s network 2>/dev/null | awk -v l="$2" '
		index($0, l) { sub(".*" l ":?[ \t]*", ""); print $1 + 0; exit }'
}
pkts_recv() {
	sync_ctl "$1" -s network 2>/dev/null | awk '/Pckts recv/ { print $(NF - 2); exit }'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(sync_pid "$1" | head -1)/status" 2>/dev/null; }
# the test flows of a side's external cache / as the sender's table shows
ext_test() { sync_ext "$1" | grep -E "$SYNC_FLOWS_RE"; }

# flood SIDE_FROM SRC: the flood from SIDE_FROM's namespace, source SRC,
# at the receiver; the count sent.
flood() {
	in_ns "${SYNC_NS[$1]}" python3 "$SYNC_D/garbage.py" "10.213.1.$RIP" \
		"$PORT" "$2" "$SECS" "$TOP/tests/fuzz/corpus/wire"
}

garbage_run() {	# garbage_run KIND
	local k=$1 s=A r=B pm pf m0 m1 p0 p1 rss1 rss2 alive name
	name="notrack/udp garbage $k($s)->$k($r)"
	sync_run_begin garbage "notrack/udp garbage" "$k" "$k" a2b
	SYNC_MODE=notrack
	RIP=2 PORT=$SYNC_NEXT_PORT
	sync_pair_up notrack udp "$k" "$k" "$s" "$r" || return 1
	ip -n "${SYNC_NS[$s]}" addr add 10.213.1.77/24 dev "${SYNC_IF[$s]}" 2>/dev/null
	sync_flow_args >"$SYNC_D/flows.args"
	ref_create_file "${SYNC_NS[$s]}" "$SYNC_D/flows.args"
	sleep 0.5
	m0=$(net_count "$r" "Malformed messages") p0=$(pkts_recv "$r")
	# flood 1: from the peer's address, while a burst of flows is made
	ref_create_file "${SYNC_NS[$s]}" "$SYNC_D/burst.args" &
	pm=$(flood "$s" 10.213.1.1)
	wait
	# flood 2: from a foreign address
	pf=$(flood "$s" 10.213.1.77)
	sleep 0.3
	rss1=$(rss_kb "$r")
	# flood 3: both, to see that memory stays flat
	flood "$s" 10.213.1.1 >/dev/null
	flood "$s" 10.213.1.77 >/dev/null
	sleep 0.3
	rss2=$(rss_kb "$r")
	m1=$(net_count "$r" "Malformed messages") p1=$(pkts_recv "$r")
	alive=$(sync_ctl "$r" -s network 2>/dev/null | grep -c 'network statistics')
	if [ "$k" = ref ]; then
		echo "# 1.4.7 pair: sent $pm from the peer, $pf foreign; receiver Pckts recv +$((p1 - p0)), Malformed messages +$((m1 - m0)), RSS ${rss1} -> ${rss2} kB, answering -s: $alive"
		# in a subshell: its check is a report here, not a result
		if (SYNC_WAIT=10 sync_converge "$name: (1.4.7) external cache = sender's table" \
			"$SYNC_RES/ext" sync_model_ext "$s" -- ext_test "$r") >"$SYNC_RES/conv" 2>&1; then
			echo "# 1.4.7 pair: the receiver's external cache holds exactly the sender's table"
		else
			echo "# 1.4.7 pair: the receiver's external cache differs from the sender's table:"
			diff "$SYNC_RES/ext.want" "$SYNC_RES/ext" | head -5 | sed 's/^/#   /'
		fi
	else
		echo "# ctbox pair: sent $pm from the peer, $pf foreign; receiver Pckts recv +$((p1 - p0)), Malformed messages +$((m1 - m0)), RSS ${rss1} -> ${rss2} kB"
		if [ "$alive" = 1 ]; then t_ok "$name: the receiver still answers"
		else t_fail "$name: the receiver still answers" "$(tail -5 "${SYNC_CONF[$r]%.conf}.log")"; fi
		if [ "$((p1 - p0))" -ge "$(( (pm + pf) / 10 ))" ] && [ "$pm" -gt 1000 ]; then
			t_ok "$name: the flood reached the receiver (Pckts recv +$((p1 - p0)))"
		else
			t_fail "$name: the flood reached the receiver" "sent $pm + $pf, Pckts recv +$((p1 - p0))"
		fi
		if [ "$((m1 - m0))" -ge "$((pm / 20))" ] && [ "$((m1 - m0))" -gt 0 ]; then
			t_ok "$name: garbage from the peer counted as Malformed messages (+$((m1 - m0)))"
		else
			t_fail "$name: garbage from the peer counted as Malformed messages" \
				"sent $pm, Malformed messages +$((m1 - m0))"
		fi
		SYNC_WAIT=10 sync_converge "$name: the receiver's external cache is exactly the sender's table" \
			"$SYNC_RES/ext" sync_model_ext "$s" -- ext_test "$r"
		if grep -aq __asan_init "$(readlink -f "$(sync_bin ours)")"; then
			# ASan keeps freed memory in quarantine: RSS says nothing
			echo "ok - $name: receiver RSS flat over another flood # SKIP ASan build"
		elif [ -n "$rss1" ] && [ -n "$rss2" ] && [ "$rss2" -le $((rss1 + 512)) ]; then
			t_ok "$name: receiver RSS flat over another flood (${rss1} -> ${rss2} kB)"
		else
			t_fail "$name: receiver RSS flat over another flood" "${rss1:-?} -> ${rss2:-?} kB"
		fi
	fi
	ip -n "${SYNC_NS[$s]}" addr del 10.213.1.77/24 dev "${SYNC_IF[$s]}" 2>/dev/null
	sync_stop A
	sync_stop B
}

garbage_run ref
if t_ours_only "notrack/udp garbage ours->ours" && sync_ours_syncs notrack; then
	garbage_run ours
fi
t_done
