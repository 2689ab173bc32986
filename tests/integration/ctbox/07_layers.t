#!/usr/bin/env bash
# The applets are layered: a dispatcher calls command files, command files
# call their applet's common file, and no applet file calls back up into
# another (no cycle in the graph of calls between applets/*.o).  Read
# from the built objects' symbol tables.
. "$(dirname "$0")/../lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "layers of our sources: skipped"; t_done; }
OBJ=$(cd "$CTBOX_BIN/.." && pwd)/applets
command -v nm >/dev/null || { t_ok "nm missing: skipped"; t_done; }

# edges "caller callee" between different applet objects
for o in "$OBJ"/*.o; do
	nm --defined-only -g "$o" | awk -v f="${o##*/}" 'NF==3 { print f, $3 }'
done >"$T_TMP/def"
for o in "$OBJ"/*.o; do
	nm -u "$o" | awk -v f="${o##*/}" '{ print f, $NF }'
done >"$T_TMP/use"
awk 'NR==FNR { def[$2] = $1; next }
     ($2 in def) && def[$2] != $1 { print $1, def[$2] }' \
	"$T_TMP/def" "$T_TMP/use" | sort -u >"$T_TMP/edges"
[ -s "$T_TMP/edges" ] && t_ok "call graph between applet files read ($(wc -l <"$T_TMP/edges") edges)" ||
	t_fail "no edges found in $OBJ"

# tsort reports a cycle on stderr
tsort "$T_TMP/edges" >/dev/null 2>"$T_TMP/cyc"
[ ! -s "$T_TMP/cyc" ] && t_ok "no call cycle between applet files" ||
	t_fail "call cycle between applet files" "$(cat "$T_TMP/cyc")" "$(cat "$T_TMP/edges")"

# the three copies of open_nl are one
n=$(grep -l 'nl_open(NETLINK_NETFILTER' "$TOP"/applets/conntrack*.c | wc -l)
[ "$n" = 1 ] && t_ok "conntrack opens its netlink sockets in one place" ||
	t_fail "nl_open in $n conntrack files"
t_done
