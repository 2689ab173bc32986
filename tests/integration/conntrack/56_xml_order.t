#!/usr/bin/env bash
# -L -o xml with stdout and stderr in one file (2>&1): 1.4.7 flushes its
# document after the closing tag, so the summary line comes last (issue
# 10 item 10).  Other formats, and -G, keep stdio's order: summary first.
. "$(dirname "$0")/../lib.sh"
ns_new NS
in_ns "$NS" "$REF_BIN/conntrack" -I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 500 >/dev/null 2>&1

both() {	# both DESC ARGS...: stdout and stderr of each into one file
	local desc=$1; shift
	in_ns "$NS" "$REF_BIN/conntrack" "$@" >"$T_TMP/b.out" 2>&1; echo $? >"$T_TMP/b.rc"
	in_ns "$NS" "$(ours_path conntrack)" "$@" >"$T_TMP/a.out" 2>&1; echo $? >"$T_TMP/a.rc"
	: >"$T_TMP/a.err"; : >"$T_TMP/b.err"
	SORT=0 same_cap "$desc" "conntrack $* 2>&1"
}
both "-L -o xml 2>&1: the document, then the summary" -L -o xml
both "-L -o xml,extended 2>&1" -L -o xml,extended
both "-L 2>&1: the summary first" -L
both "-L -o save 2>&1" -L -o save
both "-G -o xml 2>&1: the summary first (1.4.7 leaves the document open)" \
	-G -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -o xml
in_ns "$NS" "$REF_BIN/conntrack" -I -p tcp -s 1.1.1.3 -d 2.2.2.2 --sport 1 --dport 2 --state ESTABLISHED -t 500 >/dev/null 2>&1
in_ns "$NS" "$(ours_path conntrack)" -L -o xml >"$T_TMP/m" 2>&1
[ "$(tail -n1 "$T_TMP/m" | t_norm)" = "conntrack vX (ctbox): 2 flow entries have been shown." ] &&
	[ "$(tail -n2 "$T_TMP/m" | head -n1)" = "</conntrack>" ] &&
	t_ok "-L -o xml 2>&1 over two entries: closing tag, then summary" ||
	t_fail "-L -o xml 2>&1 over two entries" "$(cat "$T_TMP/m")"
t_done
