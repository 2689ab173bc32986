#!/usr/bin/env bash
# One entry of every kind the reference can create (tests/data/
# conntrack-kinds/create.args), then every -o format of -L, ours against
# the reference on the same table.  Twice: in a plain namespace, and in one
# with accounting, timestamps and connlabels (a ct label ruleset + the
# label map), where the entries carry counters, delta-time and labels.
. "$(dirname "$0")/../lib.sh"
DATA=$TOP/tests/data/conntrack-kinds

FORMATS=(
	"" extended xml save id ktimestamp labels timestamp userspace
	extended,id xml,id xml,ktimestamp xml,labels save,id
	extended,id,ktimestamp,labels id,extended
)

formats() {	# formats NS TAG: every -o format, plus -C
	local ns=$1 tag=$2 f
	for f in "${FORMATS[@]}"; do
		if [ -z "$f" ]; then
			same "$ns" "$tag: -L" conntrack -L
		else
			same "$ns" "$tag: -L -o $f" conntrack -L -o "$f"
		fi
	done
	# a table that does not change is dumped in the same order twice:
	# compare the XML document as is (header first, footer last)
	SORT=0 same "$ns" "$tag: -L -o xml (document order)" conntrack -L -o xml
	same "$ns" "$tag: -C" conntrack -C
	same "$ns" "$tag: -L -f ipv6 -o extended" conntrack -L -f ipv6 -o extended
}

# 1. plain namespace: no counters, no timestamps, no labels
ns_new NS1
ref_create_file "$NS1" "$DATA/create.args"
n=$(grep -c '^-' "$DATA/create.args")
c=$(in_ns "$NS1" "$REF_BIN/conntrack" -C)
if [ "$c" = "$n" ]; then t_ok "plain: $n entries created"
else t_fail "plain: $n entries created" "-C says $c"; fi
formats "$NS1" plain
# the userspace filters of -L over every kind (spec 7.3)
while IFS= read -r f; do
	read -r -a args <<<"$f"
	same "$NS1" "plain: -L $f" conntrack -L "${args[@]}"
done <<'FILTERS'
-p tcp
-p tcp --state ESTABLISHED
-p tcp --sport 1004
-p sctp -o save
-p sctp --state COOKIE_ECHOED
-p gre
-p dccp
-p icmp
-p icmpv6 -o extended
-p udplite
-p 2
-p 200
-p ospf
-f ipv6
-f ipv6 -p udp
-f ipv4 -p icmp
-w 5
-w 0
--orig-zone 6
--reply-zone 7
-m 7
-m 0x10/0x10
-u ASSURED
-u SEEN_REPLY
-s 10.0.1.1
-d 2001:db8::2
-s ::ffff:1.2.3.4
-r 10.0.9.200
-q 10.0.9.100
--src-nat
--dst-nat
-j
-j 10.0.9.100
--dst-nat 10.0.9.200:8080
--src-nat 10.0.9.100:4000
FILTERS

# 2. accounting + timestamps + a connlabel ruleset and label map
ns_new NS2
in_ns "$NS2" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_timestamp=1
# A rule that uses ct label gives new entries the label extension; it never
# matches here (no traffic), so it does not change any entry.
printf '%s\n' 'table inet h3 {' ' chain c {' \
	'  type filter hook prerouting priority 0;' \
	'  meta mark 0x7fffffff ct label set 3' ' }' '}' >"$T_TMP/label.nft"
in_ns "$NS2" nft -f "$T_TMP/label.nft" ||
	t_fail "nft ct label ruleset loaded"
t_connlabel_install "$DATA/connlabel.conf"
ref_create_file "$NS2" "$DATA/create.args"
ref_create_file "$NS2" "$DATA/labels.args"
n=$(cat "$DATA/create.args" "$DATA/labels.args" | grep -c '^-')
c=$(in_ns "$NS2" "$REF_BIN/conntrack" -C)
if [ "$c" = "$n" ]; then t_ok "acct: $n entries created"
else t_fail "acct: $n entries created" "-C says $c"; fi
if in_ns "$NS2" "$REF_BIN/conntrack" -L -o labels 2>/dev/null |
	grep -q 'labels=one,five'; then
	t_ok "acct: the reference shows labels"
else
	t_fail "acct: the reference shows labels"
fi
formats "$NS2" acct
same "$NS2" "acct: -L -l one -o labels" conntrack -L -l one -o labels

# 3. without a label map, -o labels says so on stderr and goes on
t_connlabel_restore
if [ ! -e "$T_CONNLABEL" ]; then
	same "$NS2" "no label map: -L -o labels" conntrack -L -o labels
fi
t_done
