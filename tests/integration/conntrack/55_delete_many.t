#!/usr/bin/env bash
# -D over more than 32,768 matches (issue 10 item 8): a line is printed
# once its DELETE worked, and only then counted.
#  - the reference's output and table, by a filter a kernel flush could
#    apply (mark);
#  - a batch that cannot be sent (ENOBUFS injected into the writer's third
#    send with strace): none of its entries is printed or counted, every
#    printed entry is gone, every other one is still there;
#  - another deleter at work meanwhile: no entry is printed by both.
. "$(dirname "$0")/../lib.sh"
ns_new NS
N=40000
in_ns "$NS" sysctl -qw net.netfilter.nf_conntrack_max=200000 2>/dev/null
OURS=$(ours_path conntrack)
REF=$REF_BIN/conntrack
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++)
	printf "-I -p udp -s 10.%d.%d.%d -d 10.9.9.9 --sport 1 --dport 53 -t 600 -m 9\n",
		70 + int(i / 65536), int(i / 256) % 256, i % 256 }' >"$T_TMP/load"
load() {
	in_ns "$NS" "$REF" -F >/dev/null 2>&1
	in_ns "$NS" "$REF" -R "$T_TMP/load" 2>/dev/null
}
tuples() {	# the original source address of listing or -D lines
	sed -nE 's/^[^=]* src=([0-9.]+) .*/\1/p' "$@" | LC_ALL=C sort
}

for who in b a; do
	load
	if [ $who = b ]; then bin=$REF; else bin=$OURS; fi
	run_cap "$T_TMP/$who" in_ns "$NS" "$bin" -D -m 9
	in_ns "$NS" "$REF" -L 2>/dev/null | t_norm | LC_ALL=C sort >"$T_TMP/$who.left"
done
same_cap "-D -m over $N matches: the reference's lines, count and exit code" "conntrack -D -m 9"
t_check "-D -m over $N matches: the reference's table" cmp "$T_TMP/a.left" "$T_TMP/b.left"

# LeakSanitizer cannot work under ptrace (make SAN=1 check): it would
# abort at exit
NOLSAN="${ASAN_OPTIONS:-}:detect_leaks=0"
if t_ours_only "-D with a batch that cannot be sent" && command -v strace >/dev/null; then
	load
	ASAN_OPTIONS=$NOLSAN in_ns "$NS" strace -f -o /dev/null -e trace=sendto \
		-e inject=sendto:error=ENOBUFS:when=3 "$OURS" -D -m 9 >"$T_TMP/i.out" 2>"$T_TMP/i.err"
	rc=$?
	in_ns "$NS" "$REF" -L 2>/dev/null >"$T_TMP/i.left"
	printed=$(wc -l <"$T_TMP/i.out")
	left=$(wc -l <"$T_TMP/i.left")
	n=$(grep -o '[0-9]* flow entries have been deleted' "$T_TMP/i.err" | cut -d' ' -f1)
	t_check "failed batch: exit 1 with the send error ($(head -c 100 "$T_TMP/i.err"))" \
		test $rc = 1 -a "$(grep -c 'Operation failed: No buffer space available' "$T_TMP/i.err")" = 1
	[ $((printed + left)) = $N ] && [ "$left" -gt 0 ] &&
		t_ok "failed batch: printed ($printed) + still in the table ($left) = $N" ||
		t_fail "failed batch: printed $printed + left $left != $N"
	both=$(comm -12 <(tuples "$T_TMP/i.out") <(tuples "$T_TMP/i.left") | head -3)
	[ -z "$both" ] && t_ok "failed batch: no printed entry is still in the table" ||
		t_fail "failed batch: printed but not deleted" "$both"
	[ -z "$n" ] && t_ok "failed batch: no summary line counts them" ||
		t_fail "failed batch: summary" "$n"
fi

# another deleter takes a /20 in the middle of our run (our third send is
# held back 3 s, so that it does): every entry is printed by the one
# whose DELETE removed it
if t_ours_only "-D next to another deleter" && command -v strace >/dev/null; then
	load
	ASAN_OPTIONS=$NOLSAN in_ns "$NS" strace -f -o /dev/null -e trace=sendto \
		-e inject=sendto:delay_enter=3000000:when=3 "$OURS" -D -m 9 >"$T_TMP/o.out" 2>"$T_TMP/o.err" &
	P=$!
	sleep 1.5
	in_ns "$NS" "$REF" -D -s 10.70.16.0/20 >"$T_TMP/r.out" 2>"$T_TMP/r.err"
	wait $P
	both=$(comm -12 <(tuples "$T_TMP/o.out") <(tuples "$T_TMP/r.out") | head -3)
	[ -z "$both" ] && t_ok "no entry printed by both deleters ($(wc -l <"$T_TMP/o.out") + $(wc -l <"$T_TMP/r.out"))" ||
		t_fail "entries printed by both deleters" "$both"
	total=$(( $(wc -l <"$T_TMP/o.out") + $(wc -l <"$T_TMP/r.out") ))
	t_check "every entry printed once ($total), none left" test $total = $N -a \
		"$(in_ns "$NS" "$REF" -C)" = 0
fi
t_done
