# Two firewalls syncing their conntrack tables with conntrackd: the
# interop harness of issue 12.  Sourced after ../lib.sh.
#
# Topology (sync_init): firewalls A and B, each with a client namespace
# (lan, 10.50.1.0/24) and a server namespace (wan, 10.50.2.0/24) behind it,
# masquerading lan -> wan, an ftp ct helper on port 21 and a rule that
# gives new entries the label extension.  Both sides have the same lan/wan
# addresses, so the flows made on A and on B are the same flows.  A and B
# are joined by two sync links: sa1/sb1 (10.213.1.0/24, fd13:1::/64) and
# sa2/sb2 (10.213.2.0/24, fd13:2::/64).
#
# Which conntrackd runs on a side is a "kind": ref is Debian's 1.4.7
# ($REF_BIN/conntrackd), ours is $CTBOX_BIN/conntrackd (the reference too
# under TEST_REF=1).  Every command of a side's daemon (-e, -c, -n, ...) is
# given with that side's own binary.  A future ctbox sync plugs in by
# itself: sync_ours_syncs starts ours with a Sync section and the cells
# that need it run as soon as it stops refusing.
#
# Results are kept per cell, pair and step in $SYNC_D/res/CELL/PAIR/ so
# that a mixed pair (ctbox and 1.4.7) is compared with what the ref-ref
# pair showed in the same run and the same role.

SYNC_D=$T_TMP/sync
mkdir -p "$SYNC_D/res"
declare -A SYNC_NS SYNC_CONF SYNC_KIND SYNC_IF SYNC_IF2 SYNC_TRAFFIC_USED
SYNC_NS_LIST=()
# every poll for convergence gives up after this many seconds
SYNC_WAIT=${SYNC_WAIT:-8}
# SYNC_BREAK makes the harness wrong on purpose, to show that its checks
# fail: nosync (the sender runs without a Sync section), expect (every
# expected result gains a line), mark (the expected mark of the update
# step is off by one), base (each baseline result gains a line, so every
# "as 1.4.7 shows it" comparison of the other runs must fail).
SYNC_BREAK=${SYNC_BREAK:-}
# what the flows of the tests look like (and the sync traffic does not)
SYNC_FLOWS_RE='(src|dst)=(192\.0\.2\.|198\.51\.100\.|10\.60\.|10\.50\.|2001:db8:)'

sync_bin() {	# sync_bin KIND: the conntrackd of that kind
	case $1 in
	ours) ours_path conntrackd ;;
	ref) echo "$REF_BIN/conntrackd" ;;
	*) echo "/nonexistent/conntrackd-$1" ;;
	esac
}

# sync_init: the six namespaces, the links, the rulesets, a label map.
sync_init() {
	local s n
	for s in A B; do
		ns_new n; SYNC_NS[$s]=$n
		ns_new n; SYNC_NS[C$s]=$n
		ns_new n; SYNC_NS[S$s]=$n
		SYNC_NS_LIST+=("${SYNC_NS[$s]}")
	done
	for n in "${T_NS_LIST[@]}"; do
		in_ns "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	SYNC_IF[A]=sa1 SYNC_IF[B]=sb1 SYNC_IF2[A]=sa2 SYNC_IF2[B]=sb2
	ns_link "${SYNC_NS[A]}" sa1 "${SYNC_NS[B]}" sb1
	ns_link "${SYNC_NS[A]}" sa2 "${SYNC_NS[B]}" sb2
	ip -n "${SYNC_NS[A]}" addr add 10.213.1.1/24 dev sa1
	ip -n "${SYNC_NS[B]}" addr add 10.213.1.2/24 dev sb1
	ip -n "${SYNC_NS[A]}" addr add 10.213.2.1/24 dev sa2
	ip -n "${SYNC_NS[B]}" addr add 10.213.2.2/24 dev sb2
	ip -n "${SYNC_NS[A]}" addr add fd13:1::1/64 dev sa1 nodad
	ip -n "${SYNC_NS[B]}" addr add fd13:1::2/64 dev sb1 nodad
	for s in A B; do
		n=${SYNC_NS[$s]}
		sync_client_link "$s"
		ns_link "$n" wan "${SYNC_NS[S$s]}" eth0
		ip -n "$n" addr add 10.50.2.1/24 dev wan
		ip -n "${SYNC_NS[S$s]}" addr add 10.50.2.2/24 dev eth0
		ip -n "${SYNC_NS[S$s]}" route add default via 10.50.2.1
		in_ns "$n" sysctl -qw net.ipv4.ip_forward=1
		in_ns "$n" nft -f - <<'NFT' || t_fail "firewall ruleset loaded"
table ip nat {
	chain post { type nat hook postrouting priority 100; oifname "wan" masquerade; }
}
table inet fw {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain forward_c {
		type filter hook forward priority 0;
		tcp dport 21 ct helper set "ftp-std"
	}
	# never matches; gives new entries the label extension
	chain prerouting_c {
		type filter hook prerouting priority 0;
		meta mark 0x7fffffff ct label set 3
	}
}
NFT
	done
	printf '%s\n' '0 zero' '1 web' '2 db' '33 blue' >"$SYNC_D/connlabel.conf"
	t_connlabel_install "$SYNC_D/connlabel.conf"
	sync_traffic_tool
}

# sync_client_link SIDE: the lan link to the client namespace of SIDE.
# The traffic makes it anew each time (sync_traffic), so that no
# TIME_WAIT socket of the last run holds up the fixed ports.
sync_client_link() {
	local n=${SYNC_NS[$1]} c=${SYNC_NS[C$1]}
	ns_link "$n" lan "$c" eth0
	ip -n "$n" addr add 10.50.1.1/24 dev lan
	ip -n "$c" addr add 10.50.1.2/24 dev eth0
	ip -n "$c" route add default via 10.50.1.1
}

# sync_conf FILE SIDE MODE CHAN: a config for SIDE (A|B).  MODE is ftfw,
# alarm or notrack; CHAN udp, udp6, mcast, mcast6, tcp, tcp6, or udp2 /
# mcast2 (two dedicated links).  SYNC_PORT (default 3780) is the port or
# group; SYNC_MODE_OPTS and SYNC_OPTS are lines for the Mode block and for
# Options.
sync_conf() {
	local f=$1 side=$2 mode=$3 chan=$4 me peer me6 peer6 if1 if2 p=${SYNC_PORT:-3780}
	local base=${f%.conf}
	if [ "$side" = A ]; then me=1 peer=2; else me=2 peer=1; fi
	if1=${SYNC_IF[$side]} if2=${SYNC_IF2[$side]}
	me6=fd13:1::$me peer6=fd13:1::$peer
	{
		echo "General {"
		echo "	LogFile $base.log"
		echo "	LockFile $base.lock"
		echo "	UNIX { Path $base.ctl }"
		echo "	NetlinkBufferSize 2097152"
		echo "	NetlinkBufferSizeMaxGrowth 8388608"
		echo "	Filter From Userspace {"
		echo "		Address Ignore {"
		echo "			IPv4_address 127.0.0.1"
		echo "			IPv4_address 10.213.0.0/16"
		echo "			IPv6_address ::1"
		echo "			IPv6_address fd13::/16"
		echo "			IPv6_address fe80::/10"
		echo "		}"
		echo "	}"
		echo "}"
		if [ "$SYNC_BREAK" = nosync ] && [ "${SYNC_ROLE:-}" = sender ]; then
			echo "Stats { LogFile $base.stats }"
			return
		fi
		echo "Sync {"
		case $mode in
		ftfw) echo "	Mode FTFW {" ;;
		alarm) echo "	Mode ALARM {"; echo "		RefreshTime 2"; echo "		CacheTimeout 180" ;;
		notrack) echo "	Mode NOTRACK {" ;;
		esac
		[ -n "${SYNC_MODE_OPTS:-}" ] && printf '\t\t%s\n' "$SYNC_MODE_OPTS"
		echo "	}"
		case $chan in
		udp|udp2|tcp)
			local kind=UDP; [ "$chan" = tcp ] && kind=TCP
			[ "$chan" = udp2 ] && kind=UDP2
			sync_blk "$kind" IPv4_address "10.213.1.$me" \
				IPv4_Destination_Address "10.213.1.$peer" Port "$p" \
				Interface "$if1"
			[ "$chan" = udp2 ] && sync_blk UDP IPv4_address "10.213.2.$me" \
				IPv4_Destination_Address "10.213.2.$peer" Port $((p + 1)) \
				Interface "$if2"
			;;
		udp6|tcp6)
			local kind=UDP; [ "$chan" = tcp6 ] && kind=TCP
			sync_blk "$kind" IPv6_address "$me6" IPv6_Destination_Address "$peer6" \
				Port "$p" Interface "$if1"
			;;
		mcast|mcast2)
			sync_blk "Multicast${chan#mcast}" IPv4_address 225.0.0.50 \
				IPv4_interface "10.213.1.$me" Group "$p" Interface "$if1" \
				SndSocketBuffer 1249280 RcvSocketBuffer 1249280 Checksum on
			[ "$chan" = mcast2 ] && sync_blk Multicast IPv4_address 225.0.0.51 \
				IPv4_interface "10.213.2.$me" Group $((p + 1)) Interface "$if2" \
				SndSocketBuffer 1249280 RcvSocketBuffer 1249280 Checksum on
			;;
		mcast6)
			# IPv6_address before Interface (1.4.7's parser order quirk)
			sync_blk Multicast IPv6_address ff02::3780 Group "$p" \
				Interface "$if1" Checksum on
			;;
		esac
		echo "	Options {"
		[ -n "${SYNC_OPTS:-}" ] && printf '\t\t%s\n' "$SYNC_OPTS"
		echo "		TCPWindowTracking off"
		echo "	}"
		echo "}"
	} >"$f"
}
# sync_blk "KIND[2]" KEY VALUE...: one channel block ("UDP2"/"Multicast2":
# the first of two, marked Default).
sync_blk() {
	local k=$1; shift
	case $k in *2) k="${k%2} Default" ;; esac
	printf '\t%s {\n' "$k"
	while [ $# -gt 1 ]; do printf '\t\t%s %s\n' "$1" "$2"; shift 2; done
	printf '\t}\n'
}

# sync_start SIDE KIND CONF: start that side's daemon (-d) and wait for
# its control socket.  1 when it did not come up (its log is shown).
sync_start() {
	local side=$1 kind=$2 conf=$3 base=${3%.conf} i
	SYNC_CONF[$side]=$conf SYNC_KIND[$side]=$kind
	rm -f "$base.ctl" "$base.lock"
	in_ns "${SYNC_NS[$side]}" "$(sync_bin "$kind")" -C "$conf" -d \
		>"$base.start" 2>&1
	for i in $(seq 60); do
		[ -S "$base.ctl" ] && return 0
		sleep 0.05
	done
	return 1
}
# sync_pid SIDE: the pid of the daemon started with that side's config.
sync_pid() {
	local p conf=${SYNC_CONF[$1]}
	for p in $(ip netns pids "${SYNC_NS[$1]}"); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "-C $conf -d"; then
			echo "$p"
		fi
	done
}
# sync_stop SIDE: -k, then SIGKILL of our own daemon if it lingers.
sync_stop() {
	local side=$1 base i p
	[ -n "${SYNC_CONF[$side]:-}" ] || return 0
	base=${SYNC_CONF[$side]%.conf}
	sync_ctl "$side" -k >/dev/null 2>&1
	for i in $(seq 40); do
		[ -e "$base.lock" ] || break
		sleep 0.05
	done
	for p in $(sync_pid "$side"); do kill -9 "$p" 2>/dev/null; done
	rm -f "$base.lock" "$base.ctl"
	SYNC_CONF[$side]=
}
# sync_ctl SIDE ARGS...: a client request to that side's daemon.
sync_ctl() {
	local side=$1; shift
	in_ns "${SYNC_NS[$side]}" "$(sync_bin "${SYNC_KIND[$side]}")" \
		-C "${SYNC_CONF[$side]}" "$@"
}

# sync_ours_syncs [MODE]: 0 when our conntrackd starts with a Sync section
# of MODE (ftfw, alarm, notrack; default ftfw).  The refusal (its one
# line) is kept in SYNC_OURS_WHY.  Decided once per mode and test.
declare -A SYNC_OURS
SYNC_OURS_WHY=
sync_ours_syncs() {
	local m=${1:-ftfw}
	case $m in ftfw|alarm|notrack) ;; *) m=ftfw ;; esac
	if [ -z "${SYNC_OURS[$m]:-}" ]; then
		local c=$SYNC_D/probe-$m.conf pid
		SYNC_PORT=3999 sync_conf "$c" A "$m" udp
		in_ns "${SYNC_NS[A]}" "$(sync_bin ours)" -C "$c" >"$SYNC_D/probe.out" 2>&1 &
		pid=$!
		SYNC_OURS[$m]=no
		for _ in $(seq 60); do
			if ! kill -0 "$pid" 2>/dev/null; then break; fi
			if [ -S "$SYNC_D/probe-$m.ctl" ]; then SYNC_OURS[$m]=yes; break; fi
			sleep 0.05
		done
		if [ "${SYNC_OURS[$m]}" = yes ]; then
			in_ns "${SYNC_NS[A]}" "$(sync_bin ours)" -C "$c" -k >/dev/null 2>&1
		fi
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		SYNC_OURS_WHY=$(head -1 "$SYNC_D/probe.out")
	fi
	[ "${SYNC_OURS[$m]}" = yes ]
}

# sync_runs: the runs of a cell besides its ref:ref baseline (A sends),
# one "SENDER RECEIVER DIR" a line: SIDE_A/SIDE_B when given (both
# directions when they differ), else ours->ref, ref->ours and ours->ours.
# A pair of one kind runs B->A, so that B sends too.  Under TEST_REF=1
# without SIDE_A/SIDE_B that is the one run: ref->ref again, B->A,
# compared with the baseline like any mixed pair.
sync_runs() {
	local a=ours b=ours
	if [ -n "${SIDE_A:-}${SIDE_B:-}" ]; then
		a=${SIDE_A:-ref} b=${SIDE_B:-ref}
	elif [ "${TEST_REF:-0}" != 1 ]; then
		echo "ours ref a2b"
		echo "ref ours b2a"
	fi
	if [ "$a" = "$b" ]; then
		echo "$a $a b2a"
	else
		echo "$a $b a2b"
		echo "$a $b b2a" | awk '{ print $2, $1, $3 }'
	fi
}
# sync_skip_ours KS KR: 0 (and one skipped check) when the run needs our
# conntrackd and it refuses Sync.
sync_skip_ours() {
	[ "$1$2" = refref ] && return 1
	[ "${TEST_REF:-0}" = 1 ] && return 1
	sync_ours_syncs "${SYNC_CELL%%/*}" && return 1
	echo "# ours refuses this Sync section: $SYNC_OURS_WHY"
	echo "ok - $SYNC_CELL $1->$2 # SKIP ctbox conntrackd has no sync for it yet"
	return 0
}

# --- flows -----------------------------------------------------------

# The flows made with conntrack -I on a sender: every kind, TCP in several
# states, NAT both ways, a mark, a zone.
sync_flow_args() {
	cat <<'ARGS'
-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1001 --dport 80 --state ESTABLISHED -u ASSURED -t 900 --mark 7
-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1002 --dport 80 --state SYN_SENT -t 900
-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1003 --dport 80 --state FIN_WAIT -u SEEN_REPLY -t 900
-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1004 --dport 80 --state TIME_WAIT -u SEEN_REPLY,ASSURED -t 900
-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1005 --dport 80 --state CLOSE_WAIT -u SEEN_REPLY -t 900
-p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1006 --dport 80 --state SYN_RECV -t 900
-p udp -s 192.0.2.2 -d 198.51.100.2 --sport 5353 --dport 53 -t 900
-p udp -s 192.0.2.2 -d 198.51.100.2 --sport 5354 --dport 53 -t 900 -u SEEN_REPLY --mark 42
-p icmp -s 192.0.2.3 -d 198.51.100.3 --icmp-type 8 --icmp-code 0 --icmp-id 4660 -t 900
-p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 77 -t 900
-p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 2001 --dport 443 --state ESTABLISHED -u ASSURED -t 900
-p udp -s 2001:db8::1 -d 2001:db8::3 --sport 2002 --dport 53 -t 900
-p sctp -s 192.0.2.4 -d 198.51.100.4 --sport 3000 --dport 3001 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2 -t 900
-p gre -s 192.0.2.5 -d 198.51.100.5 --srckey 1 --dstkey 2 -t 900
-p tcp -s 10.60.0.1 -d 198.51.100.6 --sport 4000 --dport 80 --state ESTABLISHED -t 900 --src-nat 203.0.113.6:40001
-p tcp -s 192.0.2.7 -d 198.51.100.7 --sport 4001 --dport 80 --state ESTABLISHED -t 900 --dst-nat 10.9.9.9:8081
-p udp -s 10.60.0.2 -d 198.51.100.8 --sport 4002 --dport 53 -t 900 --src-nat 203.0.113.7 --dst-nat 10.9.9.8:5353
-p tcp -s 2001:db8::10 -d 2001:db8::20 --sport 4003 --dport 80 --state ESTABLISHED -t 900 --src-nat 2001:db8::99
-p udp -s 192.0.2.8 -d 198.51.100.8 --sport 5000 --dport 53 -t 900 --zone 5
-p udp -s 192.0.2.9 -d 198.51.100.9 --sport 5001 --dport 53 -t 900
ARGS
}

# sync_traffic_tool: the client/server of the real traffic (fixed ports
# and ICMP id, so that every run makes the same flows).
sync_traffic_tool() {
	cat >"$SYNC_D/traffic.py" <<'PY'
import os, socket, struct, sys, time
role, flag = sys.argv[1], sys.argv[2]
if role == "server":
	t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	t.bind(("10.50.2.2", 8080)); t.listen(8)
	u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.50.2.2", 5300))
	open(flag, "w").close()
	held = []
	import select
	while True:
		r, _, _ = select.select([t, u] + held, [], [], 30)
		if not r: break
		for s in r:
			if s is t: held.append(t.accept()[0])
			elif s is u:
				d, a = u.recvfrom(100); u.sendto(d, a)
			else:
				if not s.recv(100): s.close(); held.remove(s)
else:
	def csum(b):
		s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff)
		return ~(s + (s >> 16)) & 0xffff
	ic = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
	hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + b"ctbox!"
	hdr = hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
	ic.sendto(hdr, ("10.50.2.2", 0)); ic.settimeout(2); ic.recv(100)
	u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.50.1.2", 40053))
	u.settimeout(2); u.sendto(b"q", ("10.50.2.2", 5300)); u.recv(10)
	c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	c.bind(("10.50.1.2", 40080)); c.connect(("10.50.2.2", 8080)); c.sendall(b"x"); c.close()
	h = socket.socket(); h.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	h.bind(("10.50.1.2", 40081)); h.connect(("10.50.2.2", 8080)); h.sendall(b"y")
	open(flag, "w").close()
	while not os.path.exists(flag + ".close"): time.sleep(0.05)
	h.close()
PY
}

# sync_traffic SIDE: real traffic through firewall SIDE: an ICMP echo, a
# UDP exchange, a closed TCP connection (TIME_WAIT) and one held open
# (ESTABLISHED) until sync_traffic_close.
sync_traffic() {
	local s=$1 f=$SYNC_D/traffic-$1-$RANDOM c
	rm -f "$f".*
	if [ -n "${SYNC_TRAFFIC_USED[$s]:-}" ]; then
		ip -n "${SYNC_NS[$s]}" link del lan
		ip netns del "${SYNC_NS[C$s]}"
		ns_new c; SYNC_NS[C$s]=$c
		in_ns "$c" sysctl -qw net.ipv6.conf.all.accept_dad=0
		sync_client_link "$s"
	fi
	SYNC_TRAFFIC_USED[$s]=1
	sync_time "client ns"
	ip netns exec "${SYNC_NS[S$s]}" python3 "$SYNC_D/traffic.py" server "$f.srv" \
		>"$f.srv.log" 2>&1 &
	SYNC_TRAFFIC_SRV=$!
	sync_waitfile "$f.srv"
	sync_time "server up"
	ip netns exec "${SYNC_NS[C$s]}" python3 "$SYNC_D/traffic.py" client "$f.cli" \
		>"$f.cli.log" 2>&1 &
	SYNC_TRAFFIC_CLI=$!
	SYNC_TRAFFIC_FLAG=$f.cli
	sync_waitfile "$f.cli" && return 0
	t_fail "real traffic through $s" "$(cat "$f".*.log)"
	return 1
}
# sync_traffic_close: the held connection closes (its state changes).
sync_traffic_close() {
	: >"$SYNC_TRAFFIC_FLAG.close"
	wait "$SYNC_TRAFFIC_CLI" 2>/dev/null
	kill "$SYNC_TRAFFIC_SRV" 2>/dev/null; wait "$SYNC_TRAFFIC_SRV" 2>/dev/null
}

# sync_ct NS-SIDE ARGS...: the reference conntrack in a side's namespace.
sync_ct() {
	local s=$1; shift
	in_ns "${SYNC_NS[$s]}" "$REF_BIN/conntrack" "$@"
}

# sync_make_flows SIDE: every -I flow, the labels, then the real traffic.
sync_make_flows() {
	local s=$1 ns=${SYNC_NS[$1]}
	sync_flow_args >"$SYNC_D/flows.args"
	ref_create_file "$ns" "$SYNC_D/flows.args" || return 1
	sync_time "flows -I"
	sync_labels_map
	sync_ct "$s" -U -p udp -s 192.0.2.9 --sport 5001 --label-add web >"$SYNC_D/label.out" 2>&1 &&
	sync_ct "$s" -U -p udp -s 192.0.2.9 --sport 5001 --label-add blue >>"$SYNC_D/label.out" 2>&1 ||
		{ t_fail "labels set on the sender" "$(cat "$SYNC_D/label.out")" "$(sync_ct "$s" -L 2>&1)"; return 1; }
	sync_traffic "$s"
}

# --- what each side shows ---------------------------------------------

# sync_norm: dump lines compared: the ticking numbers masked, one blank
# between fields, sorted.
sync_norm() {
	sed -E -e 's/ \[active since [0-9]+s\]/ [active since Ns]/' \
	       -e 's/ \[expires in [0-9]+s\]/ [expires in Ns]/' |
	awk '{ $1 = $1; print }' | LC_ALL=C sort
}
# sync_labels_map: our label map, put back each time it is used (the file
# is global: a concurrent test of another worktree may have replaced it).
sync_labels_map() {
	cmp -s "$SYNC_D/connlabel.conf" "$T_CONNLABEL" ||
		cp "$SYNC_D/connlabel.conf" "$T_CONNLABEL"
}
# sync_kernel SIDE: that side's conntrack table (test flows only), as
# 1.4.7 commits it: timeout and use masked, one blank between fields.
sync_kernel() {
	sync_labels_map
	sync_ct "$1" -L -o labels 2>/dev/null | grep -E "$SYNC_FLOWS_RE" |
	awk '{ if ($3 ~ /^[0-9]+$/) $3 = "T"; for (i = 1; i <= NF; i++) if ($i ~ /^use=/) $i = ""; $1 = $1; print }' |
	awk '{ $1 = $1; print }' | LC_ALL=C sort
}
# sync_ext SIDE [ct|expect]: that side's external cache.
sync_ext() { sync_ctl "$1" -e "${2:-ct}" 2>&1 | sync_norm; }
sync_int() { sync_ctl "$1" -i "${2:-ct}" 2>&1 | sync_norm; }

# sync_model_ext SIDE: what 1.4.7 shows in the receiver's external cache
# for the sender's kernel table: no reply tuple (the wire carries the
# original tuple only), no timeout or use, GRE keys not carried (0x0),
# labels not shown, [expires in] for ALARM, and no mark=0 for the flows of
# real traffic (the kernel's events carry no mark 0 for them, so neither
# does the wire; conntrack -I entries carry it).
sync_model_ext() {
	sync_kernel "$1" | awk -v alarm="${SYNC_MODE:-}" '
	{
		out = ""; nsrc = 0; skip = 0
		for (i = 1; i <= NF; i++) {
			f = $i
			if (i == 3 && f == "T") continue
			if (f == "") continue
			if (f ~ /^labels=/) continue
			if (f == "mark=0" && $0 ~ / src=10\.50\.1\.2 /) continue
			if (f ~ /^src=/) { nsrc++; skip = (nsrc == 2) }
			if (skip && f ~ /^(src|dst|sport|dport|type|code|id|srckey|dstkey)=/) continue
			skip = 0
			if (f ~ /^srckey=/) f = "srckey=0x0"
			if (f ~ /^dstkey=/) f = "dstkey=0x0"
			out = out (out == "" ? "" : " ") f
		}
		if (alarm == "alarm") out = out " [expires in Ns]"
		print out " [active since Ns]"
	}' | LC_ALL=C sort
}
# sync_model_kernel SIDE: the sender's table as 1.4.7 commits it into the
# receiver's: GRE keys lost (not on the wire).
sync_model_kernel() {
	sync_kernel "$1" | sed -E -e 's/srckey=0x[0-9a-f]+/srckey=0x0/g' \
		-e 's/dstkey=0x[0-9a-f]+/dstkey=0x0/g'
}

# sync_converge DESC FILE WANTCMD -- GOTCMD...: one check: GOTCMD's output
# (into FILE) becomes WANTCMD's (into FILE.want; both recomputed each turn,
# since the sender's table moves too) within SYNC_WAIT seconds.
sync_converge() {
	local desc=$1 f=$2 t0=$SECONDS; shift 2
	local -a want=()
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	while :; do
		"${want[@]}" >"$f.want" 2>&1
		case $SYNC_BREAK in expect) echo "tcp 6 ESTABLISHED src=192.0.2.250 dst=198.51.100.250 sport=1 dport=2 mark=0 [active since Ns]" >>"$f.want" ;; esac
		"$@" >"$f" 2>&1
		cmp -s "$f" "$f.want" && { t_ok "$desc"; return 0; }
		if [ $((SECONDS - t0)) -ge "$SYNC_WAIT" ]; then
			t_fail "$desc" "after ${SYNC_WAIT}s, diff want got:" "$(diff "$f.want" "$f" | head -30)"
			return 1
		fi
		sleep 0.1
	done
}
# sync_same_as_base DESC FILE BASEFILE: a result of a mixed pair equals
# the ref:ref baseline's of the same step.
sync_same_as_base() {
	if [ ! -e "$3" ]; then
		t_fail "$1" "no baseline result $3"
	elif cmp -s "$2" "$3"; then
		t_ok "$1"
	else
		t_fail "$1" "diff baseline ours:" "$(diff "$3" "$2" | head -30)"
	fi
}

# sync_net_clean SIDE: nothing malformed received (-s network).
sync_net_clean() {
	local out bad
	out=$(sync_ctl "$1" -s network 2>&1)
	bad=$(awk -F: '/^recv:/ { r = 1 } /^send:/ { r = 0 }
		r && /(Malformed|Wrong|Bad|Truncated)/ { n += $2 } END { print n + 0 }' <<<"$out")
	if grep -q 'network statistics' <<<"$out" && [ "$bad" = 0 ]; then
		t_ok "$2"
	else
		t_fail "$2" "$out"
	fi
}

# --- one cell ------------------------------------------------------------

SYNC_NEXT_PORT=3780
# sync_pair_up MODE CHAN KS KR S R: fresh tables, the receiver R (kind KR)
# then the sender S (kind KS) started with this cell's configs.  1 (and
# one not-ok check) when a daemon did not start.
sync_pair_up() {
	local mode=$1 chan=$2 ks=$3 kr=$4 s=$5 r=$6 x
	sync_stop A; sync_stop B
	sync_time "stop"
	for x in A B; do
		sync_ct "$x" -F >/dev/null 2>&1
		sync_ct "$x" -F expect >/dev/null 2>&1
	done
	SYNC_PORT=$SYNC_NEXT_PORT SYNC_ROLE=receiver \
		sync_conf "$SYNC_D/$SYNC_TAG-$r.conf" "$r" "$mode" "$chan"
	SYNC_PORT=$SYNC_NEXT_PORT SYNC_ROLE=sender \
		sync_conf "$SYNC_D/$SYNC_TAG-$s.conf" "$s" "$mode" "$chan"
	if ! sync_start "$r" "$kr" "$SYNC_D/$SYNC_TAG-$r.conf" ||
	   ! sync_start "$s" "$ks" "$SYNC_D/$SYNC_TAG-$s.conf"; then
		t_fail "$SYNC_NAME: both daemons start" \
			"$(cat "$SYNC_D/$SYNC_TAG"-?.start "$SYNC_D/$SYNC_TAG"-?.log 2>/dev/null | tail -20)"
		return 1
	fi
	case $chan in tcp*) sync_tcp_up "$s" && sync_tcp_up "$r" ;; esac
	return 0
}
# sync_tcp_up SIDE: wait until that side's TCP channel is connected both
# ways (1.4.7 queues what it sends before that in its error queue).
sync_tcp_up() {
	local _
	for _ in $(seq 60); do
		sync_ctl "$1" -s 2>/dev/null | grep -q 'server=connected client=connected' && return 0
		sleep 0.1
	done
	return 1
}
# sync_restart SIDE KIND: the daemon of SIDE starts again, empty.
sync_restart() {
	local conf=${SYNC_CONF[$1]}
	sync_stop "$1"
	sync_start "$1" "$2" "$conf"
	case $conf in *tcp*) sync_tcp_up "$1" ;; esac
}

# sync_time WHAT: with SYNC_TIMES=1, a comment line with the time since
# the last one (where a cell spends its time).
SYNC_T0=${EPOCHREALTIME/./}
sync_time() {
	local now=${EPOCHREALTIME/./}
	[ "${SYNC_TIMES:-0}" = 1 ] && printf '# %6.2fs %s\n' "$(( (now - SYNC_T0) / 10000 ))e-2" "$1"
	SYNC_T0=$now
}
# sync_step NAME DESC WANTCMD -- GOTCMD...: one converging check, its result
# kept as step NAME; a mixed pair's is then compared with the baseline's.
sync_step() {
	local step=$1 desc=$2; shift 2
	local f=$SYNC_RES/$step
	sync_time "before $step"
	sync_converge "$SYNC_NAME: $desc" "$f" "$@"
	if [ "$SYNC_PAIR" = base ] && [ "$SYNC_BREAK" = base ]; then
		echo "broken on purpose" >>"$f"
	fi
	if [ "$SYNC_PAIR" != base ]; then
		sync_same_as_base "$SYNC_NAME: $desc, as 1.4.7 shows it" "$f" \
			"$SYNC_BASE/$step"
	fi
}

# sync_run_begin GROUP LABEL KS KR DIR [VARIANT]: names one run: the
# sender SYNC_S and receiver SYNC_R (DIR a2b: A sends), the check prefix,
# the result directory, a fresh port.  KS=KR=ref, a2b, no VARIANT is the
# group's baseline.
sync_run_begin() {
	local group=$1 label=$2 ks=$3 kr=$4 dir=$5 v=${6:-}
	if [ "$dir" = a2b ]; then SYNC_S=A SYNC_R=B; else SYNC_S=B SYNC_R=A; fi
	SYNC_NAME="$label${v:+ $v} $ks($SYNC_S)->$kr($SYNC_R)"
	SYNC_TAG=$group-$ks-$kr-$dir
	SYNC_BASE=$SYNC_D/res/$group/base
	if [ "$ks:$kr:$dir:$v" = ref:ref:a2b: ]; then SYNC_PAIR=base
	else SYNC_PAIR=$ks-$kr-$dir${v:+-$v}; fi
	SYNC_RES=$SYNC_D/res/$group/$SYNC_PAIR
	mkdir -p "$SYNC_RES"
	SYNC_NEXT_PORT=$((SYNC_NEXT_PORT + 2))
}
# sync_each_run LABEL FUNC ARGS...: FUNC ARGS... KS KR DIR for each run of
# sync_runs, or one skipped check when it needs our conntrackd and ours
# cannot sync.
sync_each_run() {
	local ks kr dir
	SYNC_CELL=$1; shift
	while read -r -u 3 ks kr dir; do
		sync_skip_ours "$ks" "$kr" || "$@" "$ks" "$kr" "$dir"
	done 3< <(sync_runs)
}

# sync_cell MODE CHAN KS KR DIR: one cell.  DIR a2b: A sends (kind KS), B
# receives (kind KR); b2a the other way.  KS=KR=ref with DIR a2b is the
# baseline of the cell, which must run first.
sync_cell() {
	local mode=$1 chan=$2 ks=$3 kr=$4 dir=$5 s r
	SYNC_MODE=$mode
	sync_run_begin "$mode-$chan" "$mode/$chan" "$ks" "$kr" "$dir"
	s=$SYNC_S r=$SYNC_R
	sync_time "end of the last step"
	sync_pair_up "$mode" "$chan" "$ks" "$kr" "$s" "$r" || return 1
	sync_time "pair up"
	sync_make_flows "$s" || { sync_stop A; sync_stop B; return 1; }
	sync_time "flows made"

	# 1. every flow in the receiver's external cache
	sync_step ext "every flow in the receiver's external cache" \
		sync_model_ext "$s" -- sync_ext "$r"
	sync_net_clean "$r" "$SYNC_NAME: receiver counts nothing malformed"
	# 2. -c commits them into the receiver's kernel
	sync_ctl "$r" -c >/dev/null 2>&1
	sync_step commit "-c puts them in the receiver's kernel" \
		sync_model_kernel "$s" -- sync_kernel "$r"
	# 3. updates: a mark, two state changes (one by -U, one by traffic)
	sync_ct "$s" -U -p tcp -s 192.0.2.1 --sport 1001 --mark 70 >/dev/null 2>&1
	sync_ct "$s" -U -p tcp -s 192.0.2.1 --sport 1002 --state ESTABLISHED >/dev/null 2>&1
	sync_ct "$s" -U -p udp -s 192.0.2.2 --sport 5354 --mark 43 >/dev/null 2>&1
	sync_traffic_close
	sync_step update "updates propagate (mark, -U state, a real close)" \
		sync_want_update "$s" -- sync_ext "$r"
	# 4. deletions
	sync_ct "$s" -D -p udp -s 192.0.2.2 --sport 5353 >/dev/null 2>&1
	sync_ct "$s" -D -p icmp -s 192.0.2.3 >/dev/null 2>&1
	sync_ct "$s" -D -p tcp -s 2001:db8::1 --sport 2001 >/dev/null 2>&1
	sync_ct "$s" -D -p gre -s 192.0.2.5 >/dev/null 2>&1
	sync_ct "$s" -D -p udp -s 192.0.2.8 -w 5 >/dev/null 2>&1
	sync_step delete "deletions propagate" \
		sync_model_ext "$s" -- sync_ext "$r"
	# 5. a receiver that starts late: -n, then -B (FT-FW, NOTRACK); in
	# ALARM both are no-ops in 1.4.7 and the refresh (RefreshTime 2)
	# fills it
	sync_restart "$r" "$kr"
	if [ "$mode" = alarm ]; then
		sync_step resync-refresh "the refresh fills a receiver that started late" \
			sync_model_ext "$s" -- sync_ext "$r"
	else
		sync_ctl "$r" -n >/dev/null 2>&1
		sync_step resync-n "-n resyncs a receiver that started late" \
			sync_model_ext "$s" -- sync_ext "$r"
		# this receiver has not committed: -f external is honoured
		sync_ctl "$r" -f external >/dev/null 2>&1
		sync_converge "$SYNC_NAME: -f external empties the external cache" \
			"$SYNC_RES/flushed" true -- sync_ext "$r"
		sync_ctl "$s" -B >/dev/null 2>&1
		sync_step resync-B "-B on the sender fills a receiver that started late" \
			sync_model_ext "$s" -- sync_ext "$r"
	fi
	sync_stop A; sync_stop B
}
# the update step's expectation (SYNC_BREAK=mark: one mark off by one)
sync_want_update() {
	if [ "$SYNC_BREAK" = mark ]; then
		sync_model_ext "$1" | sed 's/ mark=70 / mark=71 /'
	else
		sync_model_ext "$1"
	fi
}

# --- expectations ----------------------------------------------------------

# sync_ftp_tool: a fake FTP server (in the server namespace: 220, 331 to
# USER, then one answer per command: 200 to PORT, 227 to PASV, with a data listener on
# the PASV port) and a client that sends one command and holds the
# control connection until told.
sync_ftp_tool() {
	cat >"$SYNC_D/ftp.py" <<'PY'
import os, socket, sys, time
role, flag = sys.argv[1], sys.argv[2]
def wait_close():
	while not os.path.exists(flag + ".close"): time.sleep(0.05)
if role == "server":
	srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	srv.bind(("10.50.2.2", 21)); srv.listen(4)
	data = socket.socket(); data.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	data.bind(("10.50.2.2", 51211)); data.listen(1)
	open(flag, "w").close()
	conns = []
	for _ in range(2):
		c, _ = srv.accept(); conns.append(c)
		c.sendall(b"220 ready\r\n")
		c.recv(100); c.sendall(b"331 ok\r\n")
		cmd = c.recv(100)
		if cmd.startswith(b"PASV"):
			c.sendall(b"227 Entering Passive Mode (10,50,2,2,200,11).\r\n")
		else:
			c.sendall(b"200 PORT command successful.\r\n")
	d, _ = data.accept(); d.recv(10)
	wait_close()
else:
	cmd, sport = sys.argv[3], int(sys.argv[4])
	s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("10.50.1.2", sport)); s.connect(("10.50.2.2", 21)); s.recv(100)
	# the kernel's helper reads a direction from its second line on
	s.sendall(b"USER ctbox\r\n"); s.recv(100)
	s.sendall(cmd.encode() + b"\r\n"); s.recv(200)
	open(flag, "w").close()
	if cmd == "PASV":
		while not os.path.exists(flag + ".data"): time.sleep(0.05)
		d = socket.socket(); d.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		d.bind(("10.50.1.2", 40022)); d.connect(("10.50.2.2", 51211)); d.sendall(b"d")
		open(flag + ".done", "w").close()
	wait_close()
PY
}
# sync_waitfile FILE: up to 3 s for FILE to exist.
sync_waitfile() {
	local _
	for _ in $(seq 60); do [ -e "$1" ] && return 0; sleep 0.05; done
	return 1
}
# sync_ftp SIDE: through firewall SIDE, an FTP control connection whose
# client sends PORT (an expectation from the server to the client, NATed
# by the masquerade) and one that sends PASV (from the client to the
# server's port 51211).  Both held open until sync_ftp_close.
sync_ftp() {
	local s=$1 f=$SYNC_D/ftp-$1-$RANDOM
	SYNC_FTP_FLAG=$f
	ip netns exec "${SYNC_NS[S$s]}" python3 "$SYNC_D/ftp.py" server "$f.srv" \
		>"$f.srv.log" 2>&1 &
	SYNC_FTP_PIDS=($!)
	sync_waitfile "$f.srv" || { t_fail "ftp server up" "$(cat "$f.srv.log")"; return 1; }
	ip netns exec "${SYNC_NS[C$s]}" python3 "$SYNC_D/ftp.py" client "$f.port" \
		"PORT 10,50,1,2,200,10" 40020 >"$f.port.log" 2>&1 &
	SYNC_FTP_PIDS+=($!)
	ip netns exec "${SYNC_NS[C$s]}" python3 "$SYNC_D/ftp.py" client "$f.pasv" \
		PASV 40021 >"$f.pasv.log" 2>&1 &
	SYNC_FTP_PIDS+=($!)
	sync_waitfile "$f.port" && sync_waitfile "$f.pasv" ||
		{ t_fail "ftp sessions" "$(cat "$f".*.log)"; return 1; }
}
# sync_ftp_data: the PASV client opens its data connection (the
# expectation is used: a related flow, the expectation goes away).
sync_ftp_data() {
	: >"$SYNC_FTP_FLAG.pasv.data"
	sync_waitfile "$SYNC_FTP_FLAG.pasv.done"
}
sync_ftp_close() {
	local p
	: >"$SYNC_FTP_FLAG.srv.close"; : >"$SYNC_FTP_FLAG.port.close"; : >"$SYNC_FTP_FLAG.pasv.close"
	for p in "${SYNC_FTP_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
}
# sync_kernel_exp SIDE: that side's expectation table, timeouts masked.
sync_kernel_exp() {
	sync_ct "$1" -L expect 2>/dev/null | sed -E 's/^[0-9]+ proto=/T proto=/' |
		awk '{ $1 = $1; print }' | LC_ALL=C sort
}
# sync_model_exp SIDE: that side's kernel expectations as 1.4.7's caches
# show them (-i expect / -e expect): the -L expect line without its
# timeout.
sync_model_exp() {
	sync_ct "$1" -L expect 2>/dev/null | grep ' proto=' |
		sed -E 's/^[0-9]+ (proto=.*)$/\1 [active since Ns]/' |
		awk '{ $1 = $1; print }' | LC_ALL=C sort
}

# sync_loss_on SIDE PORT PCT / sync_loss_off SIDE: drop PCT % of the sync
# datagrams (UDP to PORT) that reach SIDE (nftables numgen random).
sync_loss_on() {
	in_ns "${SYNC_NS[$1]}" nft -f - <<NFT
table inet syncloss {
	chain in {
		type filter hook input priority -10;
		udp dport $2 numgen random mod 100 < $3 drop
	}
}
NFT
}
sync_loss_off() { in_ns "${SYNC_NS[$1]}" nft delete table inet syncloss 2>/dev/null; }
