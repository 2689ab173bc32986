#!/usr/bin/env bash
# -F: the whole table, -F -f FAMILY, -F on an empty table, -C around it.
# Each side flushes its own copy of the same table (rebuilt in between),
# then stdout, stderr and exit status are compared.
. "$(dirname "$0")/../lib.sh"
DATA=$TOP/tests/data/conntrack-kinds

ns_new NS
count() { in_ns "$NS" "$REF_BIN/conntrack" -C; }
count_fam() {	# entries of one family, counted by the reference
	in_ns "$NS" "$REF_BIN/conntrack" -L -f "$1" 2>/dev/null | wc -l
}
fill() {
	in_ns "$NS" "$REF_BIN/conntrack" -F 2>/dev/null
	ref_create_file "$NS" "$DATA/create.args" >/dev/null
}
# flush_both DESC ARGS...: fill, reference flushes; fill, ours flushes;
# compare the two runs.  Leaves ours' result in the table.
flush_both() {
	local desc=$1; shift
	fill
	run_cap "$T_TMP/b" in_ns "$NS" "$REF_BIN/conntrack" "$@"
	fill
	run_cap "$T_TMP/a" in_ns "$NS" "$(ours_path conntrack)" "$@"
	same_cap "$desc" "conntrack $*"
}

fill
total=$(count)
v4=$(count_fam ipv4)
v6=$(count_fam ipv6)
if [ "$total" -gt 40 ] && [ "$v4" -gt 20 ] && [ "$v6" -gt 5 ] &&
   [ $((v4 + v6)) = "$total" ]; then
	t_ok "table filled ($v4 IPv4 + $v6 IPv6)"
else
	t_fail "table filled" "total=$total v4=$v4 v6=$v6"
fi
same "$NS" "-C before -F" conntrack -C

flush_both "-F" -F
c=$(count)
if [ "$c" = 0 ]; then t_ok "-F empties the table"
else t_fail "-F empties the table" "$c entries left"; fi
same "$NS" "-C after -F" conntrack -C
same "$NS" "-L after -F" conntrack -L
same "$NS" "-F on an empty table" conntrack -F
same "$NS" "-F conntrack on an empty table" conntrack -F conntrack
same "$NS" "--flush on an empty table" conntrack --flush

# -F -f FAMILY: 1.4.7 sends the family but the kernel ignores it (nfgen
# version 0), so every family goes.  Ours flushes only that family.
for fam in ipv4 ipv6; do
	other=$([ $fam = ipv4 ] && echo ipv6 || echo ipv4)
	want_other=$([ $fam = ipv4 ] && echo "$v6" || echo "$v4")
	flush_both "-F -f $fam: same output" -F -f $fam
	got=$(count_fam $fam)
	got_other=$(count_fam $other)
	if [ "${TEST_REF:-0}" = 1 ]; then
		# the reference's documented bug: nothing is left
		if [ "$got" = 0 ] && [ "$got_other" = 0 ]; then
			t_ok "-F -f $fam (reference): flushes every family"
		else
			t_fail "-F -f $fam (reference): flushes every family" \
				"$fam=$got $other=$got_other"
		fi
	elif [ "$got" = 0 ] && [ "$got_other" = "$want_other" ]; then
		t_ok "-F -f $fam flushes $fam only"
	else
		t_fail "-F -f $fam flushes $fam only" \
			"$fam left: $got (want 0), $other left: $got_other (want $want_other)"
	fi
done

# flushing an empty table again, with a family
in_ns "$NS" "$REF_BIN/conntrack" -F 2>/dev/null
same "$NS" "-F -f ipv6 on an empty table" conntrack -F -f ipv6
same "$NS" "-C of an empty table" conntrack -C
t_done
