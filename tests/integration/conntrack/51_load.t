#!/usr/bin/env bash
# -R / --load-file against the reference: same table, same messages, same
# exit code, for big files, blank and comment lines, parse errors (nothing
# runs), forbidden commands, a failure in the middle (earlier lines stay,
# later ones do not), and -L -o save | -R - round trips into another zone.
# Ideas of upstream's testsuite 08stdin and 09dumpopt.
. "$(dirname "$0")/../lib.sh"
ns_new NS
export NORM_SED='s/ id=[0-9]+/ id=N/'

table() {
	in_ns "$NS" "$REF_BIN/conntrack" -L -o save 2>/dev/null | t_norm | LC_ALL=C sort
}

# rcase DESC FILE [ARGS...]: both load FILE into a table prepared by
# the function "prep"; compare output and the table after.
prep() { in_ns "$NS" "$REF_BIN/conntrack" -F >/dev/null 2>&1; }
rcase() {
	local desc=$1 file=$2; shift 2
	prep
	run_cap "$T_TMP/b" in_ns "$NS" "$REF_BIN/conntrack" -R "$file" "$@" <"$file"
	table >"$T_TMP/b.tbl"
	prep
	run_cap "$T_TMP/a" in_ns "$NS" "$(ours_path conntrack)" -R "$file" "$@" <"$file"
	table >"$T_TMP/a.tbl"
	same_cap "$desc" "-R $file" || return
	if cmp -s "$T_TMP/a.tbl" "$T_TMP/b.tbl"; then
		t_ok "$desc: same table ($(wc -l <"$T_TMP/a.tbl") entries)"
	else
		t_fail "$desc: same table" "$(diff -u "$T_TMP/b.tbl" "$T_TMP/a.tbl" | head -20)"
	fi
}

F=$T_TMP/big
awk 'BEGIN {
	for (i = 0; i < 3000; i++) {
		if (i % 500 == 7) print ""
		if (i % 500 == 8) print "   \t  "
		if (i % 500 == 9) print "# a comment"
		if (i % 500 == 10) print "  # an indented comment"
		if (i % 3 == 0)
			printf "-I -p tcp -s 10.%d.%d.1 -d 10.0.0.1 --sport %d --dport 80 --state ESTABLISHED -t 300 -u SEEN_REPLY -w %d\n", int(i/256), i%256, 1000+i, int(i/3)%3
		else if (i % 3 == 1)
			printf "\t-A -p udp -s 10.%d.%d.1 -d \"10.0.0.2\" --sport %d --dport 53 -t 300\n", int(i/256), i%256, 1000+i
		else
			printf "conntrack -I -p icmp -s 10.%d.%d.1 -d 10.0.0.3 --icmp-type 8 --icmp-code 0 --icmp-id %d -t 300 -m %d\n", int(i/256), i%256, i, i
	}
}' >"$F"
rcase "3000 lines with blank, space-only and comment lines" "$F"
{ cat "$F"; echo "-A -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 -t 10"; cat "$F" | grep -- '^.-A' ; } >"$T_TMP/adds"
rcase "-A lines that exist already are fine" "$T_TMP/adds"
{ head -2000 "$F"; echo "-I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1 --dport 2 -t 10"; tail -100 "$F"; } >"$T_TMP/perr"
rcase "a parse error on line 2001: nothing runs" "$T_TMP/perr"
{ head -10 "$F"; echo "-L -p tcp"; } >"$T_TMP/list"
rcase "-L is refused" "$T_TMP/list"
for c in "-G -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2" "-S" "-C" "-E" "-L expect" "-F expect" "-s 1.1.1.1"; do
	echo "$c" >"$T_TMP/one"
	rcase "refused: $c" "$T_TMP/one"
done
{ head -1500 "$F"; sed -n 3p "$F"; tail -1500 "$F"; } >"$T_TMP/dup"
rcase "a duplicate -I stops the run there" "$T_TMP/dup"
printf '%s\n' "-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 100 -w 10" \
	"-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 3 -t 100 -w 10" \
	"-D -w 99" "-D -w 10 -p udp --dport 2" \
	"-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 4 -t 100" "-U -s 1.1.1.1 -p udp --dport 4 -m 5" >"$T_TMP/mix"
rcase "-I -D -U mixed; -D with no match is fine" "$T_TMP/mix"
printf '%s\n' "-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 100" "-F" \
	"-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 3 -t 100" >"$T_TMP/fl"
rcase "-F inside a file" "$T_TMP/fl"
printf '%s' "-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 100 " >"$T_TMP/nonl"
rcase "last line without a newline" "$T_TMP/nonl"
printf '%s\n' '-I -p udp -s "1.1.1.1" -d 2.2.2.2 --sport 1 --dport 2 -t 100 -u "SEEN_REPLY"' >"$T_TMP/q"
rcase "quoted words" "$T_TMP/q"
rcase "stdin" "$F" 
prep
run_cap "$T_TMP/b" in_ns "$NS" "$REF_BIN/conntrack" -R /nonexistent/x
run_cap "$T_TMP/a" in_ns "$NS" "$(ours_path conntrack)" -R /nonexistent/x
same_cap "missing file"

# round trip into another zone: -L -o save | sed | -R -
prep
in_ns "$NS" "$REF_BIN/conntrack" -R "$F" 2>/dev/null
in_ns "$NS" "$(ours_path conntrack)" -L -w 1 -o save 2>/dev/null | sed 's/^-A /-I /; s/-w 1 /-w 7 /' >"$T_TMP/save"
in_ns "$NS" "$(ours_path conntrack)" -R - <"$T_TMP/save" 2>"$T_TMP/err"
rc=$?
a=$(in_ns "$NS" "$REF_BIN/conntrack" -L -w 1 -o save 2>/dev/null | sed 's/-w 1 /-w 7 /' | t_norm | sort)
b=$(in_ns "$NS" "$REF_BIN/conntrack" -L -w 7 -o save 2>/dev/null | t_norm | sort)
if [ "$rc" = 0 ] && [ -n "$a" ] && [ "$a" = "$b" ] && [ ! -s "$T_TMP/err" ]; then
	t_ok "-L -o save | -R - copies zone 1 into zone 7 ($(wc -l <"$T_TMP/save") entries)"
else
	t_fail "-L -o save | -R - round trip" "rc=$rc" "$(head -5 "$T_TMP/err")"
fi
t_done
