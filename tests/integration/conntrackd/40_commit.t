#!/usr/bin/env bash
# The commit engine (sync/commit.c) against what 1.4.7's `conntrackd -c`
# puts into the kernel for the same flows.  A reference 1.4.7 FT-FW/UDP
# pair (A sends, B receives) replicates one flow of every kind
# (conntrack-kinds/create.args and labels.args, created on A with the
# reference conntrack -I); B commits its external cache with -c and its
# table is the ground truth.  The datagrams B received, captured on its
# link, are decoded with sync/wire.h and committed by tests/unit/
# commit_tool.c into a third, empty namespace C.  The two tables must be
# the same line for line (conntrack -L -o extended), timeouts within a
# few seconds, and the counts the same as B logs.  Our code only:
# skipped under TEST_REF=1 (the reference has no commit_tool).
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/commit_lib.sh"

if ! t_ours_only "commit engine against 1.4.7's -c (commit_tool)"; then
	t_done
fi
BUILD=$(dirname "$CTBOX_BIN")
TOOL=$BUILD/tests/commit_tool
DATA=$TOP/tests/data/conntrack-kinds
if [ ! -x "$TOOL" ]; then
	t_fail "commit_tool built (make unit)" "no $TOOL"
	t_done
fi

ns_new A; ns_new B; ns_new C
ns_link "$A" vcta "$B" vctb
ip -n "$A" addr add 10.213.0.1/24 dev vcta
ip -n "$B" addr add 10.213.0.2/24 dev vctb

# Labels need the label extension, which only a ruleset using ct label
# gives; the rule never matches.  It also turns on tracking, so the sync
# traffic itself is tracked: A ignores its link's addresses, and the
# dumps leave the link out.
commit_label_rules "$A" "$B" "$C"

commit_conf a 10.213.0.1 10.213.0.2 vcta 3780 10.213.0.0/24
commit_conf b 10.213.0.2 10.213.0.1 vctb 3780 10.213.0.0/24

in_ns "$B" tcpdump -Z root -i vctb -U -s0 -w "$T_TMP/sync.pcap" udp port 3780 \
	>/dev/null 2>&1 &
TCPDUMP=$!
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/a.conf" -d
in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -d
for _ in $(seq 100); do
	[ -S "$T_TMP/a.ctl" ] && [ -S "$T_TMP/b.ctl" ] && break
	sleep 0.05
done
sleep 0.5

commit_kinds "$A"
[ $labels_ok = 0 ] || t_fail "A: the labelled flows created (label map kept changing)"

commit_ftp "$A" 30
if [ "$(in_ns "$A" "$REF_BIN/conntrack" -L expect 2>/dev/null | grep -c 'dport=40002')" = 1 ]; then
	t_ok "A: an FTP expectation and a related data flow"
else
	t_fail "A: an FTP expectation and a related data flow" "$(cat "$T_TMP/ftp.out")" \
		"$(in_ns "$A" "$REF_BIN/conntrack" -L expect 2>&1)"
fi
# B holds what A holds (or nothing changes for 2 s)
want=$(in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/a.conf" -i | wc -l)
last=-1; same_for=0
for _ in $(seq 100); do
	got=$(in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -e | wc -l)
	[ "$got" -ge "$want" ] && break
	if [ "$got" = "$last" ]; then
		same_for=$((same_for + 1))
		[ $same_for -ge 20 ] && break
	else same_for=0; fi
	last=$got
	sleep 0.1
done
if [ "$got" -ge "$want" ] && [ "$want" -gt 40 ]; then
	t_ok "1.4.7 pair: B's external cache holds A's $want flows"
else
	t_fail "1.4.7 pair: B's external cache holds A's $want flows" "B: $got"
fi

# ct, then expect: 1.4.7's -c (all) skips the expectations when the ct
# commit ends in one step (conntrackd.md 5.3)
in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -c ct
in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -c expect
sleep 0.5
kill "$FTP" 2>/dev/null
# tcpdump may still hold packets it has not written: a marker datagram
# (which B counts as malformed) comes after all of them
for _ in $(seq 50); do
	in_ns "$A" bash -c 'printf CTBOX-PCAP-END >/dev/udp/10.213.0.2/3780'
	sleep 0.1
	grep -qa CTBOX-PCAP-END "$T_TMP/sync.pcap" && break
done
kill "$TCPDUMP" 2>/dev/null; wait "$TCPDUMP" 2>/dev/null
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/a.conf" -k
in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -k

tshark -r "$T_TMP/sync.pcap" -T fields -e frame.time_epoch -e udp.payload \
	2>/dev/null >"$T_TMP/sync.hex"
in_ns "$C" "$TOOL" wire <"$T_TMP/sync.hex" >"$T_TMP/ours.log" 2>&1
commit_same_counts "the same counts as 1.4.7 logs" "$T_TMP/b.log" "$T_TMP/ours.log"

# table NS OUT: the kernel table without the sync link, timeouts apart:
# OUT has "line-with-T", OUT.t has "line-with-T<TAB>timeout".
table() {
	in_ns "$1" "$REF_BIN/conntrack" -L -o extended,labels 2>/dev/null |
		grep -v 'src=10\.213\.0\.' |
		sed -E 's/ use=[0-9]+//' |
		awk '{ t = $5; $5 = "T"; print $0 "\t" t }' | LC_ALL=C sort >"$2.t"
	cut -f1 "$2.t" >"$2"
}
table "$B" "$T_TMP/ref.tab"
table "$C" "$T_TMP/ours.tab"
n=$(wc -l <"$T_TMP/ref.tab")
if [ "$n" -gt 40 ] && cmp -s "$T_TMP/ref.tab" "$T_TMP/ours.tab"; then
	t_ok "the same $n entries as 1.4.7's commit (conntrack -L -o extended,labels)"
else
	t_fail "the same entries as 1.4.7's commit ($n)" \
		"$(diff -u "$T_TMP/ref.tab" "$T_TMP/ours.tab" | head -30)"
fi
for f in ref ours; do
	ns=$B; [ $f = ours ] && ns=$C
	in_ns "$ns" "$REF_BIN/conntrack" -L expect 2>/dev/null |
		awk '{ t = $1; $1 = "T"; print $0 "\t" t }' | LC_ALL=C sort >"$T_TMP/$f.exp.t"
	cut -f1 "$T_TMP/$f.exp.t" >"$T_TMP/$f.exp"
done
if [ -s "$T_TMP/ref.exp" ] && cmp -s "$T_TMP/ref.exp" "$T_TMP/ours.exp"; then
	t_ok "the same expectations as 1.4.7's commit: $(cat "$T_TMP/ours.exp")"
else
	t_fail "the same expectations as 1.4.7's commit" \
		"$(diff -u "$T_TMP/ref.exp" "$T_TMP/ours.exp" | head -10)"
fi
if [ "$labels_ok" = 0 ]; then
	# (the names are the label map's, which other tests may swap)
	if grep 'sport=12 dport=22' "$T_TMP/ours.tab" | grep -q 'labels='; then
		t_ok "ours committed the labels"
	else
		t_fail "ours committed the labels" "$(grep sport=12 "$T_TMP/ours.tab")"
	fi
fi
if grep -q 'helper=ftp' "$T_TMP/ours.tab" && grep -q 'dport=40001' "$T_TMP/ours.tab"; then
	t_ok "ours committed the FTP master with its helper and the related data flow"
else
	t_fail "ours committed the FTP master with its helper and the related data flow"
fi
# Timeouts: both estimate NTA_TIMEOUT - (now - last update); ours ran a
# little later.
bad=$(paste "$T_TMP/ref.tab.t" "$T_TMP/ours.tab.t" |
	awk -F'\t' '{ d = $2 - $4; if (d < 0) d = -d; if ($1 != $3 || d > 5) print }'
	paste "$T_TMP/ref.exp.t" "$T_TMP/ours.exp.t" |
	awk -F'\t' '{ d = $2 - $4; if (d < 0) d = -d; if ($1 != $3 || d > 5) print }')
if [ -z "$bad" ] && [ "$n" -gt 0 ]; then
	t_ok "timeouts of flows and expectations within 5 s of 1.4.7's"
else
	t_fail "timeouts of flows and expectations within 5 s of 1.4.7's" "$(echo "$bad" | head -5)"
fi
t_done
