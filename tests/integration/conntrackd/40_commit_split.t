#!/usr/bin/env bash
# conntrackd -c of an external cache big enough for ours to split the
# commit (a forked child commits one share of the cache on its own
# socket, sync/commit_split.h): the kernel table it gives, and the
# client's output, against 1.4.7's -c of the same cache in the same
# namespace.  A reference 1.4.7 sender A replicates one flow of every kind
# (conntrack-kinds), an FTP master with its related data flow and an
# expectation, and FILL plain flows to B.  B runs 1.4.7 first, commits
# (the ground truth), then ours, which asks A for a resync and commits.
# Then, ours only, with every netlink write of the daemon and its child
# delayed by strace so that the child is caught at work (a second -c is
# refused as 1.4.7 refuses it, -s is answered), the child killed: the daemon commits
# the child's share itself, logs an error, counts every flow once and
# lives on.
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/commit_lib.sh"

FILL=${COMMIT_SPLIT_FILL:-60000}
SPLIT=2048	# COMMIT_SPLIT_MIN, sync/sync_ctl.c
DATA=$TOP/tests/data/conntrack-kinds
OURS=$(ours_path conntrackd)
CT=$REF_BIN/conntrack

ns_new A; ns_new B
ns_link "$A" vcsa "$B" vcsb
ip -n "$A" addr add 10.212.0.1/24 dev vcsa
ip -n "$B" addr add 10.212.0.2/24 dev vcsb
# the label extension needs a ruleset using ct label (never matches)
commit_label_rules "$A" "$B"

UDPX=$'\t\tSndSocketBuffer 8388608\n\t\tRcvSocketBuffer 8388608'
GENX=$'\tHashLimit 262144\n\tNetlinkBufferSize 4194304\n\tNetlinkBufferSizeMaxGrowth 16777216'
commit_conf a 10.212.0.1 10.212.0.2 vcsa 3781 10.212.0.0/24 "$UDPX" "$GENX"
commit_conf b 10.212.0.2 10.212.0.1 vcsb 3781 10.212.0.0/24 "$UDPX" "$GENX"
waitsock() { for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/a.conf" -d
in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -d
if ! waitsock "$T_TMP/a.ctl" || ! waitsock "$T_TMP/b.ctl"; then
	t_fail "1.4.7 pair started"
fi
sleep 0.5

t_start=$(date +%s)
commit_kinds "$A"
"$TOP/tests/bench/gen_flows.sh" "$FILL" >"$T_TMP/fill"
in_ns "$A" "$CT" -R "$T_TMP/fill" 2>/dev/null

commit_ftp "$A" 120

# ext BIN: how many flows B's external cache holds
ext() { in_ns "$B" "$1" -C "$T_TMP/b.conf" -e ct | wc -l; }
# A's internal cache, once it stopped growing
want=-1
for _ in $(seq 100); do
	n=$(in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/a.conf" -i ct | wc -l)
	[ "$n" = "$want" ] && [ "$n" -gt "$SPLIT" ] && break
	want=$n
	sleep 0.5
done
# wait_ext BIN: until B holds A's flows (or nothing changes for 3 s)
wait_ext() {
	local got last=-1 same_for=0
	for _ in $(seq 300); do
		got=$(ext "$1")
		[ "$got" -ge "$want" ] && break
		if [ "$got" = "$last" ]; then
			same_for=$((same_for + 1)); [ $same_for -ge 30 ] && break
		else same_for=0; fi
		last=$got
		sleep 0.1
	done
	echo "$got"
}
got=$(wait_ext "$REF_BIN/conntrackd")
if [ "$got" -ge "$want" ] && [ "$want" -gt "$SPLIT" ]; then
	t_ok "1.4.7 pair: B's external cache holds A's $want flows"
else
	t_fail "1.4.7 pair: B's external cache holds A's $want flows" "B: $got"
fi

# table OUT: B's kernel table without the sync link, timeouts apart (OUT.t:
# "line<TAB>timeout"), and its expectations in OUT.exp
table() {
	t_connlabel_install "$DATA/connlabel.conf"
	in_ns "$B" "$CT" -L -o extended,labels 2>/dev/null |
		grep -v 'src=10\.212\.0\.' | sed -E 's/ use=[0-9]+//' |
		awk '{ t = $5; $5 = "T"; print $0 "\t" t }' | LC_ALL=C sort >"$1.t"
	cut -f1 "$1.t" >"$1"
	in_ns "$B" "$CT" -L expect 2>/dev/null | awk '{ $1 = "T"; print }' |
		LC_ALL=C sort >"$1.exp"
}
# commit BIN WHO: B's -c, its output and status in $T_TMP/WHO.cli
commit() {
	local rc=0
	in_ns "$B" "$1" -C "$T_TMP/b.conf" -c >"$T_TMP/$2.cli" 2>&1 || rc=$?
	echo "exit $rc" >>"$T_TMP/$2.cli"
}

commit "$REF_BIN/conntrackd" ref
t_ref=$(date +%s)
table "$T_TMP/ref.tab"
cp "$T_TMP/b.log" "$T_TMP/ref.log"
in_ns "$B" "$REF_BIN/conntrackd" -C "$T_TMP/b.conf" -k
for _ in $(seq 100); do [ -S "$T_TMP/b.ctl" ] || break; sleep 0.05; done
in_ns "$B" "$CT" -F >/dev/null 2>&1; in_ns "$B" "$CT" -F expect >/dev/null 2>&1
rm -f "$T_TMP/b.log" "$T_TMP/b.ctl" "$T_TMP/b.lock"

# ours on B, filled by a resync from A
in_ns "$B" "$OURS" -C "$T_TMP/b.conf" >"$T_TMP/b.out" 2>&1 &
waitsock "$T_TMP/b.ctl" || t_fail "ours started on B" "$(cat "$T_TMP/b.out")"
DPID=$(ip netns pids "$B" | head -1)	# ($! is in_ns's subshell)
sleep 1
in_ns "$B" "$OURS" -C "$T_TMP/b.conf" -n
got=$(wait_ext "$OURS")
[ "$got" -ge "$want" ] || t_fail "ours: B's external cache holds A's $want flows after -n" "B: $got"
commit "$OURS" ours
table "$T_TMP/ours.tab"

if cmp -s "$T_TMP/ref.cli" "$T_TMP/ours.cli"; then
	t_ok "-c: the client's output and status are 1.4.7's ($(paste -sd' ' "$T_TMP/ours.cli"))"
else
	t_fail "-c: the client's output and status are 1.4.7's" "1.4.7: $(cat "$T_TMP/ref.cli")" \
		"ours: $(cat "$T_TMP/ours.cli")"
fi
commit_same_counts "the same counts as 1.4.7 logs" "$T_TMP/ref.log" "$T_TMP/b.log"
n=$(wc -l <"$T_TMP/ref.tab")
if [ "$n" -gt "$SPLIT" ] && cmp -s "$T_TMP/ref.tab" "$T_TMP/ours.tab"; then
	t_ok "the same $n entries as 1.4.7's commit (NAT, zones, marks, labels, status, helper)"
else
	t_fail "the same entries as 1.4.7's commit ($n)" \
		"$(diff -u "$T_TMP/ref.tab" "$T_TMP/ours.tab" | head -30)"
fi
if [ -s "$T_TMP/ref.tab.exp" ] && cmp -s "$T_TMP/ref.tab.exp" "$T_TMP/ours.tab.exp"; then
	t_ok "the same expectations as 1.4.7's commit"
else
	t_fail "the same expectations as 1.4.7's commit" \
		"$(diff -u "$T_TMP/ref.tab.exp" "$T_TMP/ours.tab.exp" | head -10)"
fi
if grep -q 'helper=ftp' "$T_TMP/ours.tab" && grep -q 'dport=40001' "$T_TMP/ours.tab" &&
   { [ "$labels_ok" != 0 ] || grep 'sport=12 dport=22' "$T_TMP/ours.tab" | grep -q 'labels='; }; then
	t_ok "committed: the FTP master with its helper, the related data flow, the labels"
else
	t_fail "committed: the FTP master with its helper, the related data flow, the labels"
fi
# Timeouts: both estimate NTA_TIMEOUT - (now - last update).  1.4.7's
# flows were last updated when A created them, at most w seconds before
# its commit; ours by the resync (A sends its cached NTA_TIMEOUT again),
# seconds before ours: ours are up to w (and a rounding) higher.
w=$((t_ref - t_start + 2))
bad=$(paste "$T_TMP/ref.tab.t" "$T_TMP/ours.tab.t" |
	awk -F'\t' -v w="$w" '{ x = $4 - $2; if ($1 != $3 || x < -2 || x > w) print }')
if [ -z "$bad" ] && [ "$n" -gt 0 ]; then
	t_ok "timeouts: 1.4.7's estimate, counted from the resync (0..$w s more)"
else
	t_fail "timeouts: 1.4.7's estimate, counted from the resync (0..$w s more)" \
		"$(echo "$bad" | head -5)"
fi

# ---- ours only: the child stopped, a -c and -s meanwhile, the child killed
KILLED=0
if t_ours_only "-c with the commit's child alive, then killed"; then
	# the child lives a fraction of a second: strace, following the
	# daemon's forks, delays every netlink write by 20 ms, so that the
	# child is still at work when it is looked at
	in_ns "$B" "$CT" -F >/dev/null 2>&1; in_ns "$B" "$CT" -F expect >/dev/null 2>&1
	: >"$T_TMP/b.log"
	strace -f -qq -o /dev/null -p "$DPID" -e trace=sendto,sendmsg \
		-e inject=sendto,sendmsg:delay_enter=20000 &
	ST=$!
	for _ in $(seq 50); do
		grep -q '^TracerPid:[[:space:]]*[1-9]' "/proc/$DPID/status" && break
		sleep 0.1
	done
	in_ns "$B" "$OURS" -C "$T_TMP/b.conf" -c >"$T_TMP/kill.cli" 2>&1 &
	CLI=$!
	child=
	for _ in $(seq 100); do
		child=$(pgrep -P "$DPID" | head -1)
		[ -n "$child" ] && break
		sleep 0.05
	done
	if [ -z "$child" ]; then
		t_fail "the commit forked a child" "$(cat "$T_TMP/b.log")"
	else
		t_ok "the commit forked a child"
		rc=0; out=$(in_ns "$B" "$OURS" -C "$T_TMP/b.conf" -c 2>&1) || rc=$?
		if [ "$rc" = 0 ] && [ -z "$out" ] &&
		   grep -q 'commit already in progress, skipping' "$T_TMP/b.log"; then
			t_ok "-c while a commit runs: skipped, as 1.4.7 (no output, exit 0)"
		else
			t_fail "-c while a commit runs: skipped, as 1.4.7" "exit $rc: $out" \
				"$(tail -3 "$T_TMP/b.log")"
		fi
		if timeout 5 ip netns exec "$B" "$OURS" -C "$T_TMP/b.conf" -s cache |
			grep -q 'cache:external'; then
			t_ok "-s answered while the child works"
		else
			t_fail "-s answered while the child works"
		fi
		if kill -0 "$child" 2>/dev/null && kill -KILL "$child"; then
			KILLED=1
		else
			t_fail "the commit's child was still at work when killed"
		fi
	fi
	kill "$ST" 2>/dev/null; wait "$ST" 2>/dev/null
fi
if [ "$KILLED" = 1 ]; then
	rc=0
	for _ in $(seq 200); do kill -0 "$CLI" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$CLI" 2>/dev/null; then
		t_fail "the client of the commit whose child was killed returns"
		kill "$CLI"
	else
		wait "$CLI" || rc=$?
		echo "exit $rc" >>"$T_TMP/kill.cli"
		if cmp -s "$T_TMP/ref.cli" "$T_TMP/kill.cli"; then
			t_ok "its client returns as 1.4.7's for a commit ($(paste -sd' ' "$T_TMP/kill.cli"))"
		else
			t_fail "its client returns as 1.4.7's for a commit" "$(cat "$T_TMP/kill.cli")"
		fi
	fi
	if grep -q '\[ERROR\].*commit: the child .* ended without its report' "$T_TMP/b.log" ||
	   grep -qi 'error.*commit: the child .* ended without its report' "$T_TMP/b.log"; then
		t_ok "the lost child is logged as an error"
	else
		t_fail "the lost child is logged as an error" "$(tail -5 "$T_TMP/b.log")"
	fi
	commit_same_counts "every flow counted once" "$T_TMP/ref.log" "$T_TMP/b.log"
	table "$T_TMP/kill.tab"
	if cmp -s "$T_TMP/ref.tab" "$T_TMP/kill.tab" && cmp -s "$T_TMP/ref.tab.exp" "$T_TMP/kill.tab.exp"; then
		t_ok "the kernel table is whole after the child's death ($n entries)"
	else
		t_fail "the kernel table is whole after the child's death" \
			"$(diff -u "$T_TMP/ref.tab" "$T_TMP/kill.tab" | head -20)"
	fi
	if kill -0 "$DPID" 2>/dev/null &&
	   in_ns "$B" "$OURS" -C "$T_TMP/b.conf" -s cache | grep -q 'cache:external'; then
		t_ok "the daemon lives on"
	else
		t_fail "the daemon lives on" "$(tail -5 "$T_TMP/b.out")"
	fi
fi
kill "$FTP" 2>/dev/null
in_ns "$B" "$OURS" -C "$T_TMP/b.conf" -k >/dev/null 2>&1
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/a.conf" -k >/dev/null 2>&1
t_done
