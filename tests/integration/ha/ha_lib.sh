# HA failover harness (issue 14), sourced after tests/integration/lib.sh.
#
# Topology, all in fresh namespaces (names from ns_new, unique per run):
#
#   client --[LAN-C bridge ns]-- fw1 c0 / fw2 c0        10.81.1.0/24, VIP .1
#   server --[LAN-S bridge ns]-- fw1 s0 / fw2 s0        10.81.2.0/24, VIP .1
#   fw1 y0 ---------------------- fw2 y0 (sync link)    10.81.3.0/24
#
# fwN has .2/.3 on each LAN; client 10.81.1.10 (default route via the
# client VIP), server 10.81.2.10 (no route: client traffic is SNATed to the
# server VIP).  Both fws forward strictly (nftables: forward policy drop,
# invalid dropped, established/related accepted, new only from LAN-C;
# nf_conntrack_tcp_loose=0); the input path is open, so a server packet
# for the VIP that finds no NAT entry reaches the fw's own stack, which
# answers with a RST (the loss the issue describes).
#
# keepalived (Debian's) runs inside each fw namespace with its own config
# and pid files: one vrrp_sync_group over the two VIP instances, fw1 at a
# higher priority (it preempts), notify_master/backup/fault calling
# $RUN/fwN.notify, a wrapper that logs the transition and its duration and
# runs the implementation's notify script with CONNTRACKD_BIN,
# CONNTRACKD_CONFIG and CONNTRACKD_LOCK set for that node.
#
# Implementations (HA_IMPL):
#   ref        conntrackd 1.4.7 ($REF_BIN), FT-FW over UDP on the sync link,
#              external cache, Debian's primary-backup.sh as notify script
#              (a copy whose three path variables take the environment)
#   ref-noext  the same with DisableExternalCache on
#   ctbox      our conntrackd with config/ha/notify and config/ha/ready
#              (refused until those exist)
#   none       no conntrackd: the control, where every session is lost
# HA_IMPL_FW1 / HA_IMPL_FW2 override it for one node (a mixed pair).
#
# Knobs: HA_K background flows (2000), HA_N_OLD/HA_N_NEW sessions (10/10),
# HA_ADVERT VRRP advert interval in s (1; a fraction switches to VRRPv3),
# HA_FTFW_EXTRA / HA_GENERAL_EXTRA lines added to conntrackd.conf's Mode
# FTFW / General blocks, HA_READY_WEIGHT the vrrp_script weight of the
# readiness check (empty: the instances go FAULT while it fails),
# HA_PRE seconds of traffic before the event (1), HA_MID after the
# takeover (2), HA_SETTLE longest wait for sessions to flow again (8),
# HA_VERBOSE=1 a "# key=value ..." line of every run's values.
#
# A scenario (ha_scenario crash|graceful|synclink|coldstart) fills the
# associative array HA_R with what happened; the caller turns it into
# checks (harness sanity) and reports (survival, gaps).

HA_IMPL=${HA_IMPL:-ref}
HA_K=${HA_K:-2000}
HA_N_OLD=${HA_N_OLD:-10}
HA_N_NEW=${HA_N_NEW:-10}
HA_ADVERT=${HA_ADVERT:-1}
HA_PRE=${HA_PRE:-1}
HA_MID=${HA_MID:-2}
HA_SETTLE=${HA_SETTLE:-8}
HA_PORT=5001
HA_SESS_BIN=${HA_SESS_BIN:-$(dirname "$CTBOX_BIN")/tests/ha_sessions}
HA_CT_BIN=${HA_CT_BIN:-$REF_BIN/conntrack}	# loads the background flows
HA_PB_SRC=${HA_PB_SRC:-/usr/share/doc/conntrackd/examples/sync/primary-backup.sh}
# what the caller set; ha_impl starts from these for every implementation
HA_USER_FTFW_EXTRA=${HA_FTFW_EXTRA:-}
HA_USER_GENERAL_EXTRA=${HA_GENERAL_EXTRA:-}
HA_USER_READY=${HA_READY:-}

HA_VIP_C=10.81.1.1
HA_VIP_S=10.81.2.1
HA_CLIENT=10.81.1.10
HA_SERVER=10.81.2.10

declare -gA HA_R=()
declare -gA HA_NS=()
declare -gA HA_PID=()
declare -ga HA_NODE_IMPL=() HA_NODE_CTD=() HA_NODE_NOTIFY=() HA_NODE_READY=() HA_NODE_FTFW=()

# Our own processes first (by pid), then lib.sh's namespace cleanup.
ha_cleanup() {
	local p
	for p in "${HA_PID[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	t_cleanup
}
trap ha_cleanup EXIT
trap 'exit 143' TERM INT

ha_now() { date +%s%3N; }

# ha_set_impl SPEC: IMPL for both nodes, or IMPL1+IMPL2 for a mixed pair
# (fw1 runs IMPL1, fw2 IMPL2); then ha_impl.
ha_set_impl() {
	HA_IMPL=${1%%+*} HA_IMPL_FW1=${1%%+*} HA_IMPL_FW2=${1##*+}
}

# ha_impl: set up each node's implementation (HA_IMPL_FW1 / HA_IMPL_FW2,
# both HA_IMPL unless set: a mixed pair), or say why not (rc 1).
ha_impl() {
	local n b impl
	HA_GENERAL_EXTRA=$HA_USER_GENERAL_EXTRA
	for n in 1 2; do
		impl=HA_IMPL_FW$n
		ha_impl_node "${!impl:-$HA_IMPL}" $n || return 1
	done
	# built by make unit; a tree without it (TEST_REF=1 on a fresh
	# checkout) gets it compiled here
	if [ ! -x "$HA_SESS_BIN" ]; then
		HA_SESS_BIN=$T_TMP/ha_sessions
		cc -std=c11 -D_GNU_SOURCE -O2 -o "$HA_SESS_BIN" "$TOP/tests/integration/ha/sessions.c" ||
			{ echo "ha: cannot build ha_sessions"; return 1; }
	fi
	for b in "${HA_NODE_CTD[@]}" "$HA_CT_BIN" "$HA_SESS_BIN"; do
		[ -z "$b" ] || [ -x "$b" ] || { echo "ha: $b missing (make unit builds ha_sessions)"; return 1; }
	done
	command -v keepalived >/dev/null || { echo "ha: keepalived not installed"; return 1; }
	command -v nft >/dev/null || { echo "ha: nft not installed"; return 1; }
}

# ha_impl_node IMPL N: fwN's conntrackd (HA_NODE_CTD, empty = none), notify
# script, readiness check (empty = none) and Mode FTFW lines.
ha_impl_node() {
	local impl=$1 n=$2 nt
	HA_NODE_IMPL[$n]=$impl
	HA_NODE_FTFW[$n]=$HA_USER_FTFW_EXTRA
	HA_NODE_READY[$n]=$HA_USER_READY
	case $impl in
	ref|ref-noext)
		HA_NODE_CTD[$n]=$REF_BIN/conntrackd
		nt=$T_TMP/primary-backup.sh
		HA_NODE_NOTIFY[$n]=$nt
		[ "$impl" = ref-noext ] && HA_NODE_FTFW[$n]+=$'\n\t\tDisableExternalCache on'
		[ -r "$HA_PB_SRC" ] || { echo "ha: no $HA_PB_SRC (conntrackd package)"; return 1; }
		# The script hard-codes its paths; the copy takes them from the
		# environment, the interface config/ha/notify has too.
		sed -E 's/^(CONNTRACKD_(BIN|LOCK|CONFIG))=(.*)$/\1=${\1:-\3}/' "$HA_PB_SRC" >"$nt"
		chmod +x "$nt"
		if [ "$(grep -c '^CONNTRACKD_[A-Z]*=\${' "$nt")" != 3 ]; then
			echo "ha: $HA_PB_SRC does not set the 3 expected variables"
			return 1
		fi
		;;
	none)
		# the control: no state sync at all, every session through a
		# failover must be lost (proves the survival count can see it)
		HA_NODE_CTD[$n]=
		nt=$T_TMP/no-sync
		HA_NODE_NOTIFY[$n]=$nt
		printf '#!/bin/sh\nexit 0\n' >"$nt"
		chmod +x "$nt"
		;;
	ctbox)
		HA_NODE_CTD[$n]=$CTBOX_BIN/conntrackd
		HA_NODE_NOTIFY[$n]=$TOP/config/ha/notify
		HA_NODE_READY[$n]=${HA_USER_READY:-$TOP/config/ha/ready}
		if [ ! -x "${HA_NODE_NOTIFY[$n]}" ] || [ ! -x "${HA_NODE_READY[$n]}" ]; then
			echo "ha: HA_IMPL=ctbox needs config/ha/notify and config/ha/ready"
			return 1
		fi
		# the Mode FTFW lines of config/ha/conntrackd.conf
		HA_NODE_FTFW[$n]+=$'\n'$(sed -n '/^[[:space:]]*Mode FTFW {/,/^[[:space:]]*}/{/Mode FTFW\|}\|#/d;p}' \
			"$TOP/config/ha/conntrackd.conf")
		;;
	*)
		echo "ha: HA_IMPL must be ref, ref-noext, ctbox or none (not '$impl')"
		return 1
		;;
	esac
}

ha_in() { local n=$1; shift; ip netns exec "${HA_NS[$n]}" "$@"; }

# ---- topology ----

ha_topology() {
	local n
	HA_RUN=$T_TMP/ha.${HA_R[scenario]}.$RANDOM
	mkdir -p "$HA_RUN/bin" || return 1
	printf '#!/bin/sh\necho "logger: $*"\n' >"$HA_RUN/bin/logger"
	chmod +x "$HA_RUN/bin/logger"
	for n in client fw1 fw2 server lanc lans; do
		ns_new "HA_NS[$n]" || return 1
	done
	for n in lanc lans; do
		ip -n "${HA_NS[$n]}" link add br0 type bridge &&
		ip -n "${HA_NS[$n]}" link set br0 up || return 1
	done
	ha_port client eth0 lanc pc && ha_port fw1 c0 lanc p1 && ha_port fw2 c0 lanc p2 &&
	ha_port server eth0 lans ps && ha_port fw1 s0 lans p1 && ha_port fw2 s0 lans p2 &&
	ns_link "${HA_NS[fw1]}" y0 "${HA_NS[fw2]}" y0 || return 1
	ip -n "${HA_NS[client]}" addr add $HA_CLIENT/24 dev eth0 &&
	ip -n "${HA_NS[client]}" route add default via $HA_VIP_C &&
	ip -n "${HA_NS[server]}" addr add $HA_SERVER/24 dev eth0 || return 1
	for n in 1 2; do
		ip -n "${HA_NS[fw$n]}" addr add 10.81.1.$((n + 1))/24 dev c0 &&
		ip -n "${HA_NS[fw$n]}" addr add 10.81.2.$((n + 1))/24 dev s0 &&
		ip -n "${HA_NS[fw$n]}" addr add 10.81.3.$n/24 dev y0 &&
		ha_in fw$n sysctl -qw net.ipv4.ip_forward=1 &&
		ha_firewall fw$n || return 1
		ha_ctd_conf $n && ha_ka_conf $n && ha_notify_wrapper $n || return 1
	done
}

# ha_port NODE IF LAN PORT: NODE's IF plugged into LAN's bridge.
ha_port() {
	ns_link "${HA_NS[$1]}" "$2" "${HA_NS[$3]}" "$4" &&
	ip -n "${HA_NS[$3]}" link set "$4" master br0
}

ha_firewall() {
	cat >"$HA_RUN/$1.nft" <<EOF
table inet ha {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state invalid drop
		ct state established,related accept
		iifname "c0" oifname "s0" ct state new accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "s0" ip saddr 10.81.1.0/24 snat ip to $HA_VIP_S
	}
}
EOF
	ha_in "$1" nft -f "$HA_RUN/$1.nft" &&
	ha_in "$1" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
}

ha_ctd_conf() {
	local n=$1 me=10.81.3.$1 peer=10.81.3.$((3 - $1)) limit=$((HA_K * 2 + 65536))
	[ $limit -lt 131072 ] && limit=131072
	cat >"$HA_RUN/fw$n.ctd.conf" <<EOF
Sync {
	Mode FTFW {
		${HA_NODE_FTFW[$n]}
	}
	UDP {
		IPv4_address $me
		IPv4_Destination_Address $peer
		Port 3780
		Interface y0
		SndSocketBuffer 1249280
		RcvSocketBuffer 1249280
		Checksum on
	}
}
General {
	HashSize 32768
	HashLimit $limit
	LogFile $HA_RUN/fw$n.ctd.log
	LockFile $HA_RUN/fw$n.ctd.lock
	UNIX {
		Path $HA_RUN/fw$n.ctl
	}
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 16777216
	$HA_GENERAL_EXTRA
	Filter From Userspace {
		Protocol Accept {
			TCP
			UDP
		}
		Address Ignore {
			IPv4_address 127.0.0.1
			IPv4_address $HA_VIP_C
			IPv4_address $HA_VIP_S
			IPv4_address 10.81.1.2
			IPv4_address 10.81.1.3
			IPv4_address 10.81.2.2
			IPv4_address 10.81.2.3
			IPv4_address 10.81.3.0/24
		}
	}
}
EOF
}

ha_notify_wrapper() {
	local n=$1 w=$HA_RUN/fw$1.notify
	cat >"$w" <<EOF
#!/bin/sh
# keepalived's notify for fw$n: log, run the implementation's script for this node.
log=$HA_RUN/fw$n.notify.log
echo "\$(date +%s%3N) start \$1" >>"\$log"
CONNTRACKD_BIN=${HA_NODE_CTD[$n]} CONNTRACKD_CONFIG=$HA_RUN/fw$n.ctd.conf \\
CONNTRACKD_LOCK=$HA_RUN/fw$n.ctd.lock PATH=$HA_RUN/bin:\$PATH \\
	${HA_NODE_NOTIFY[$n]} "\$@" >>"\$log" 2>&1
rc=\$?
echo "\$(date +%s%3N) end \$1 rc=\$rc" >>"\$log"
exit \$rc
EOF
	chmod +x "$w"
	[ -z "${HA_NODE_READY[$n]}" ] && return 0
	cat >"$HA_RUN/fw$n.ready" <<EOF
#!/bin/sh
CONNTRACKD_BIN=${HA_NODE_CTD[$n]} CONNTRACKD_CONFIG=$HA_RUN/fw$n.ctd.conf exec ${HA_NODE_READY[$n]} "\$@"
EOF
	chmod +x "$HA_RUN/fw$n.ready"
}

ha_ka_conf() {
	local n=$1 prio=$(($1 == 1 ? 150 : 100)) i ver=
	case $HA_ADVERT in *.*) ver="vrrp_version 3" ;; esac
	{
		cat <<EOF
global_defs {
	router_id ha-fw$n
	script_user root
	$ver
}
EOF
		[ -n "${HA_NODE_READY[$n]}" ] && cat <<EOF
vrrp_script ha_ready {
	script "$HA_RUN/fw$n.ready"
	interval 1
	timeout 10
	fall 1
	rise 1
	init_fail
	${HA_READY_WEIGHT:+weight $HA_READY_WEIGHT}
}
EOF
		cat <<EOF
vrrp_sync_group HA {
	group {
		HA_c
		HA_s
	}
	notify_master "$HA_RUN/fw$n.notify primary"
	notify_backup "$HA_RUN/fw$n.notify backup"
	notify_fault "$HA_RUN/fw$n.notify fault"
}
EOF
		for i in c:51:$HA_VIP_C s:52:$HA_VIP_S; do
			cat <<EOF
vrrp_instance HA_${i%%:*} {
	state BACKUP
	interface ${i%%:*}0
	virtual_router_id $(echo "$i" | cut -d: -f2)
	priority $prio
	advert_int $HA_ADVERT
	virtual_ipaddress {
		${i##*:}/24 dev ${i%%:*}0
	}
EOF
			[ -n "${HA_NODE_READY[$n]}" ] && printf '\ttrack_script {\n\t\tha_ready\n\t}\n'
			echo "}"
		done
	} >"$HA_RUN/fw$n.ka.conf"
}

# ---- daemons ----

ha_ctd_start() {
	local n=$1 i
	[ -n "${HA_NODE_CTD[$n]}" ] || return 0
	# started with ip netns exec itself (no function, no subshell): $! is the daemon
	ip netns exec "${HA_NS[fw$n]}" "${HA_NODE_CTD[$n]}" -C "$HA_RUN/fw$n.ctd.conf" >>"$HA_RUN/fw$n.ctd.out" 2>&1 &
	ha_own ctd$n
	for i in $(seq 100); do
		ha_ctd $n -s >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "ha: conntrackd on fw$n did not start: $(tail -3 "$HA_RUN/fw$n.ctd.out")"
	return 1
}

ha_ctd() {
	local n=$1; shift
	[ -n "${HA_NODE_CTD[$n]}" ] && ha_in fw$n "${HA_NODE_CTD[$n]}" -C "$HA_RUN/fw$n.ctd.conf" "$@"
}

ha_ka_start() {
	local n=$1
	ip netns exec "${HA_NS[fw$n]}" keepalived -n -l -D -G -P -f "$HA_RUN/fw$n.ka.conf" \
		-p "$HA_RUN/fw$n.ka.pid" -r "$HA_RUN/fw$n.vrrp.pid" -c "$HA_RUN/fw$n.chk.pid" \
		>>"$HA_RUN/fw$n.ka.log" 2>&1 &
	ha_own ka$n
}

# ha_own NAME: the background process just started is ours, named NAME;
# disowned so that bash does not report its (deliberate) SIGKILL, still
# reaped by bash when it ends.
ha_own() {
	HA_PID[$1]=$!
	disown "$!"
}

# ha_stop NAME [SIG]: end one of our processes, wait until it is gone.
ha_stop() {
	local p=${HA_PID[$1]:-} i
	[ -n "$p" ] || return 0
	kill -"${2:-TERM}" "$p" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$p" 2>/dev/null
	unset "HA_PID[$1]"
}

# ha_crash N: fwN dies: every process in its namespace killed at once,
# its addresses (VIPs) gone, its links down.
ha_crash() {
	local n=$1 ns=${HA_NS[fw$1]}
	ip netns pids "$ns" | xargs -r kill -9 2>/dev/null
	ha_stop ka$n KILL; ha_stop ctd$n KILL
	ip -n "$ns" addr del $HA_VIP_C/24 dev c0 2>/dev/null
	ip -n "$ns" addr del $HA_VIP_S/24 dev s0 2>/dev/null
	ip -n "$ns" link set c0 down; ip -n "$ns" link set s0 down; ip -n "$ns" link set y0 down
}

# ha_return N: fwN boots again: empty conntrack table, no stale lock or
# socket, links up, fresh conntrackd and keepalived.
ha_return() {
	local n=$1 ns=${HA_NS[fw$1]}
	ha_in fw$n "$HA_CT_BIN" -F >/dev/null 2>&1
	rm -f "$HA_RUN/fw$n.ctd.lock" "$HA_RUN/fw$n.ctl" "$HA_RUN"/fw$n.*.pid
	ip -n "$ns" link set c0 up; ip -n "$ns" link set s0 up; ip -n "$ns" link set y0 up
	ha_ctd_start $n && ha_ka_start $n
}

# ha_holder: who holds the VIPs: fw1, fw2, none, or "split" (anything else).
ha_holder() {
	local n c s held=()
	for n in 1 2; do
		c=0; s=0
		ip -n "${HA_NS[fw$n]}" -4 -o addr show dev c0 | grep -q " $HA_VIP_C/" && c=1
		ip -n "${HA_NS[fw$n]}" -4 -o addr show dev s0 | grep -q " $HA_VIP_S/" && s=1
		[ "$c$s" = 11 ] && held+=(fw$n)
		[ "$c$s" = 10 ] || [ "$c$s" = 01 ] && held+=(half-fw$n)
	done
	case "${held[*]}" in
	'') echo none ;;
	fw1|fw2) echo "${held[0]}" ;;
	*) echo split ;;
	esac
}

# ha_wait_holder WHO TIMEOUT_S: until WHO alone holds both VIPs; prints ms waited.
ha_wait_holder() {
	local t0 end
	t0=$(ha_now); end=$((t0 + $2 * 1000))
	while [ "$(ha_holder)" != "$1" ]; do
		[ "$(ha_now)" -ge $end ] && { echo -1; return 1; }
		sleep 0.05
	done
	echo $(($(ha_now) - t0))
}

# ha_wait_notify N STATE TIMEOUT_S: until fwN's notify STATE has ended
# (the latest one); prints how long that run of the script took, in ms.
ha_wait_notify() {
	local log=$HA_RUN/fw$1.notify.log end s e
	end=$(($(ha_now) + $3 * 1000))
	while [ "$(ha_now)" -lt $end ]; do
		s=$(awk -v st="$2" '$2 == "start" && $3 == st {t = $1} END {print t}' "$log" 2>/dev/null)
		e=$(awk -v st="$2" '$2 == "end" && $3 == st {t = $1} END {print t}' "$log" 2>/dev/null)
		if [ -n "$s" ] && [ -n "$e" ] && [ "$e" -ge "$s" ]; then
			echo $((e - s)); return 0
		fi
		sleep 0.05
	done
	echo -1; return 1
}

# ---- sessions ----

ha_server_start() {
	ip netns exec "${HA_NS[server]}" "$HA_SESS_BIN" server $HA_SERVER $HA_PORT >"$HA_RUN/server.out" 2>&1 &
	ha_own server
	local i
	for i in $(seq 100); do
		ha_in server ss -Hltn "sport = :$HA_PORT" | grep -q . && return 0
		sleep 0.05
	done
	echo "ha: the session server does not listen"
	return 1
}

# ha_clients_start SET N: N sessions named SET (old, new).
ha_clients_start() {
	ip netns exec "${HA_NS[client]}" "$HA_SESS_BIN" client $HA_SERVER $HA_PORT "$2" "$HA_RUN/$1.state" \
		>"$HA_RUN/$1.final" 2>&1 &
	ha_own cl_$1
}

# ha_sess SET FIELD: a field of SET's summary line (flowing, dead, ...).
ha_sess() { sed -n "1s/.*[[:space:]]$2=\([0-9-]*\).*/\1/p" "$HA_RUN/$1.state" 2>/dev/null; }

# ha_wait_flowing SET MIN_S MAX_S: at least MIN_S, then until every
# session not dead is flowing again, at most MAX_S.  Prints flowing.
ha_wait_flowing() {
	local t0 f d n
	t0=$(ha_now)
	sleep "$2"
	while :; do
		f=$(ha_sess "$1" flowing); d=$(ha_sess "$1" dead); n=$(ha_sess "$1" n)
		[ -n "$f" ] && [ $((f + d)) -ge "$n" ] && break
		[ $(($(ha_now) - t0)) -ge $(($3 * 1000)) ] && break
		sleep 0.1
	done
	echo "${f:-0}"
}

# ha_clients_stop SET: the final state; sets HA_R[SET_alive] (flowing at
# the end), SET_gap (longest silence of a surviving session, "-" if none
# survived), SET_lost (reasons of the others: rst, eof, ..., stuck = no
# error but nothing received any more).
ha_clients_stop() {
	local f=$HA_RUN/$1.state
	ha_stop cl_$1
	HA_R[$1_alive]=$(ha_sess "$1" flowing)
	HA_R[$1_gap]=$(awk '/^sess/ && /state=alive/ {
		split($0, a, /gap_ms=/); split(a[2], g, / /)
		split($0, b, /idle_ms=/); if (b[2] + 0 < 1000) { n++; if (g[1] + 0 > m) m = g[1] + 0 } }
		END {print n ? m + 0 : "-"}' "$f")
	HA_R[$1_lost]=$(awk '/^sess/ { split($0, b, /idle_ms=/)
		if ($0 ~ /state=alive/ && b[2] + 0 < 1000) next
		r = $0; sub(/.*reason=/, "", r); sub(/ .*/, "", r)
		if (r == "-") r = "stuck"; c[r]++ }
		END {for (k in c) printf "%s%s:%d", s++ ? "," : "", k, c[k]}' "$f")
}

# ---- background flows ----

# ha_backup_count N: flows fwN holds for its peer: the external cache, or
# (no external cache) its kernel table.
ha_backup_count() {
	local ext kern
	ext=$(ha_ctd "$1" -s 2>/dev/null | awk '/^cache external:/ {f = 1} f && /current active connections/ {print $4; exit}')
	kern=$(ha_in fw"$1" "$HA_CT_BIN" -C 2>/dev/null)
	if [ -n "$ext" ] && [ "$ext" -gt "${kern:-0}" ]; then echo "$ext"; else echo "${kern:-0}"; fi
}

# ha_proc N: "RSS_KB CPU_MS" of fwN's conntrackd.
ha_proc() {
	local p=${HA_PID[ctd$1]:-} hz
	hz=$(getconf CLK_TCK)
	[ -n "$p" ] && [ -r "/proc/$p/stat" ] || { echo "0 0"; return; }
	echo "$(awk '/^VmRSS/ {print $2}' "/proc/$p/status") $(awk -v hz="$hz" '{
		sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$p/stat")"
}

# ha_load_flows: HA_K flows into the master's (fw1) kernel, then until
# the backup holds them; HA_R[bg_backup], bg_ms, backup rss/cpu.
ha_load_flows() {
	local t0 end c=0 p0 p1 want
	want=$((HA_K + $(ha_sess old established)))
	"$TOP/tests/bench/gen_flows.sh" "$HA_K" >"$HA_RUN/flows"
	p0=$(ha_proc 2)
	t0=$(ha_now); end=$((t0 + 30000 + HA_K / 2))
	ha_in fw1 "$HA_CT_BIN" -R "$HA_RUN/flows" >/dev/null 2>"$HA_RUN/flows.err"
	if [ -z "${HA_NODE_CTD[2]}" ]; then
		HA_R[bg_backup]=0 HA_R[bg_ms]=0 HA_R[backup_rss_kb]=0 HA_R[backup_cpu_ms]=0
		return
	fi
	while [ "$(ha_now)" -lt $end ]; do
		c=$(ha_backup_count 2)
		[ "$c" -ge $want ] && break
		sleep 0.2
	done
	HA_R[bg_ms]=$(($(ha_now) - t0))
	HA_R[bg_backup]=$((c - $(ha_sess_on 2)))
	sleep 1	# what the backup spends following the master at rest
	p1=$(ha_proc 2)
	HA_R[backup_rss_kb]=${p1% *}
	HA_R[backup_cpu_ms]=$((${p1#* } - ${p0#* }))
}

# ha_sess_on N: entries of our sessions fwN holds (kernel or external cache).
ha_sess_on() {
	{
		ha_ctd "$1" -e 2>/dev/null
		ha_in fw"$1" "$HA_CT_BIN" -L -p tcp --dport $HA_PORT 2>/dev/null
	} | grep -c "dport=$HA_PORT "
}

# ---- scenarios ----

# ha_scenario crash|graceful|synclink|coldstart
#   crash      fw1 dies (daemons SIGKILLed, links down); fw2 takes over;
#              new sessions through fw2; fw1 returns with an empty table
#              and fresh daemons and preempts.
#   graceful   keepalived stopped on fw1 (conntrackd stays); the same.
#   synclink   the sync link goes down, then fw1 dies; fw2 takes over with
#              what it has; the link is back when fw1 returns.
#   coldstart  both nodes start at once; fw1 must end up master.
ha_scenario() {
	local sc=$1 n t0
	HA_R=([scenario]=$sc [impl]=${HA_NODE_IMPL[1]}/${HA_NODE_IMPL[2]} [k]=$HA_K)
	HA_PID=()
	ha_topology || { HA_R[error]="topology"; return 1; }
	ha_ctd_start 1 && ha_ctd_start 2 || { HA_R[error]="conntrackd start"; return 1; }
	if [ "$sc" = coldstart ]; then
		ha_ka_start 1; ha_ka_start 2
	else
		ha_ka_start 1; sleep 0.2; ha_ka_start 2
	fi
	HA_R[initial_ms]=$(ha_wait_holder fw1 20)
	ha_server_start || { HA_R[error]="session server"; return 1; }
	ha_clients_start old "$HA_N_OLD"
	HA_R[old_start]=$(ha_wait_flowing old 1 8)
	if [ "$sc" = coldstart ]; then
		sleep "$HA_PRE"
		HA_R[sess_backup]=$(ha_sess_on 2)
		HA_R[holder_end]=$(ha_holder)
		ha_clients_stop old
		ha_teardown
		return 0
	fi
	ha_load_flows
	HA_R[sess_backup]=$(ha_sess_on 2)
	sleep "$HA_PRE"
	HA_R[old_pre]=$(ha_wait_flowing old 0 2)
	t0=$(ha_now)
	case $sc in
	crash) ha_crash 1 ;;
	graceful) ha_stop ka1 TERM ;;
	synclink) ip -n "${HA_NS[fw2]}" link set y0 down; ha_crash 1 ;;
	esac
	# from the event on (a crash itself takes a moment)
	if ha_wait_holder fw2 20 >/dev/null; then
		HA_R[takeover_ms]=$(($(ha_now) - t0))
	else
		HA_R[takeover_ms]=-1
	fi
	ha_clients_start new "$HA_N_NEW"
	HA_R[new_start]=$(ha_wait_flowing new 1 8)
	HA_R[fw2_primary_ms]=$(ha_wait_notify 2 primary 30)
	HA_R[old_mid]=$(ha_wait_flowing old "$HA_MID" "$HA_SETTLE")
	ha_in fw2 "$HA_CT_BIN" -L -p tcp --dport $HA_PORT >"$HA_RUN/fw2.sessions.master" 2>&1
	case $sc in
	crash) ha_return 1 ;;
	graceful) ha_ka_start 1 ;;
	synclink) ip -n "${HA_NS[fw2]}" link set y0 up; ha_return 1 ;;
	esac
	HA_R[failback_ms]=$(ha_wait_holder fw1 30)
	HA_R[fw1_primary_ms]=$(ha_wait_notify 1 primary 60)
	ha_in fw1 "$HA_CT_BIN" -L -p tcp --dport $HA_PORT >"$HA_RUN/fw1.sessions.failback" 2>&1
	HA_R[old_end]=$(ha_wait_flowing old 2 "$HA_SETTLE")
	ha_wait_flowing new 0 2 >/dev/null
	HA_R[fw1_flows]=$(ha_in fw1 "$HA_CT_BIN" -C 2>/dev/null)
	for n in old new; do
		ha_clients_stop $n
	done
	ha_teardown
}

# ha_teardown: our processes by pid, then this scenario's namespaces.
ha_teardown() {
	local k ns
	for k in "${!HA_PID[@]}"; do
		ha_stop "$k"
	done
	for k in "${!HA_NS[@]}"; do
		ns=${HA_NS[$k]}
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	HA_NS=()
}

# ha_summary: one line of HA_R (key=value, sorted).
ha_summary() {
	local k
	for k in $(printf '%s\n' "${!HA_R[@]}" | sort); do
		printf '%s=%s ' "$k" "${HA_R[$k]}"
	done
	echo
}

# ---- checks, for the tests (10_failover.t, 11_failover_ctbox.t) ----

# ha_check DESC CMD...: one check; the run's values and logs on failure.
ha_check() {
	local desc=$1; shift
	if "$@"; then t_ok "$desc"; else t_fail "$desc" "$(ha_summary)" "$(ha_diag)"; fi
}
ha_ge() { [ "${1:-x}" -ge "$2" ] 2>/dev/null; }
ha_all_survived() { [ "${HA_R[old_alive]}" = "$HA_N_OLD" ] && [ "${HA_R[new_alive]}" = "$HA_N_NEW" ]; }

# ha_t_run IMPL SCENARIO: run it and report: harness checks (must hold),
# then survival, a check for an IMPL listed in HA_STRICT, else an ok line
# with the numbers ("# yardstick").  A missing implementation is a skip.
ha_t_run() {
	local impl=$1 sc=$2 tag="$1 $2" strict=0 old new desc msg
	case " $HA_STRICT " in *" $impl "*) strict=1 ;; esac
	ha_set_impl "$impl"
	if ! msg=$(ha_impl); then
		t_ok "$tag # SKIP $msg"
		return
	fi
	ha_impl >/dev/null	# again, in this shell: its variables
	ha_scenario "$sc"
	[ -n "${HA_VERBOSE:-}" ] && echo "# $(ha_summary)"
	if [ -n "${HA_R[error]:-}" ]; then
		t_fail "$tag: harness set up (${HA_R[error]})" "$(ha_diag)"
		return
	fi
	ha_check "$tag: fw1 holds both VIPs after start (${HA_R[initial_ms]} ms)" ha_ge "${HA_R[initial_ms]}" 0
	if [ "$sc" = coldstart ]; then
		ha_check "$tag: all $HA_N_OLD sessions flowing through fw1" ha_ge "${HA_R[old_start]}" "$HA_N_OLD"
		ha_check "$tag: the backup holds the sessions' flows (${HA_R[sess_backup]})" \
			ha_ge "${HA_R[sess_backup]}" "$HA_N_OLD"
		ha_check "$tag: fw1 still master at the end (${HA_R[holder_end]})" [ "${HA_R[holder_end]}" = fw1 ]
		return
	fi
	ha_check "$tag: all $HA_N_OLD sessions flowing before the event" ha_ge "${HA_R[old_pre]}" "$HA_N_OLD"
	if [ "$impl" = none ]; then
		ha_check "$tag: VIPs moved to fw2 (${HA_R[takeover_ms]} ms)" ha_ge "${HA_R[takeover_ms]}" 0
		ha_check "$tag: VIPs back on fw1 (${HA_R[failback_ms]} ms after its return)" ha_ge "${HA_R[failback_ms]}" 0
		ha_check "$tag: control without state sync: no old session survives (${HA_R[old_alive]}/$HA_N_OLD, lost ${HA_R[old_lost]})" \
			[ "${HA_R[old_alive]}" = 0 ]
		ha_check "$tag: control without state sync: no new session survives the fail-back (${HA_R[new_alive]}/$HA_N_NEW)" \
			[ "${HA_R[new_alive]}" = 0 ]
		return
	fi
	ha_check "$tag: $HA_K background flows reached the backup (${HA_R[bg_backup]} in ${HA_R[bg_ms]} ms)" \
		ha_ge "${HA_R[bg_backup]}" "$HA_K"
	ha_check "$tag: the backup holds the sessions' flows (${HA_R[sess_backup]})" \
		ha_ge "${HA_R[sess_backup]}" "$HA_N_OLD"
	ha_check "$tag: VIPs moved to fw2 (${HA_R[takeover_ms]} ms)" ha_ge "${HA_R[takeover_ms]}" 0
	ha_check "$tag: $HA_N_NEW new sessions established through fw2" ha_ge "${HA_R[new_start]}" "$HA_N_NEW"
	ha_check "$tag: VIPs back on fw1 (${HA_R[failback_ms]} ms after its return)" ha_ge "${HA_R[failback_ms]}" 0
	old="${HA_R[old_alive]}/$HA_N_OLD old (${HA_R[old_mid]} after the takeover)"
	new="${HA_R[new_alive]}/$HA_N_NEW new"
	desc="$tag: survived $old, $new; longest gap ${HA_R[old_gap]} ms old, ${HA_R[new_gap]} ms new"
	desc+="; lost ${HA_R[old_lost]:-none}/${HA_R[new_lost]:-none}"
	desc+="; notify primary fw2 ${HA_R[fw2_primary_ms]} ms, fw1 ${HA_R[fw1_primary_ms]} ms"
	desc+="; backup RSS ${HA_R[backup_rss_kb]} kB"
	if [ $strict = 1 ]; then
		ha_check "$desc" ha_all_survived
	else
		t_ok "$desc # yardstick"
	fi
}

# ha_t_runs "IMPL:SCENARIO,... ...": ha_t_run for each.
ha_t_runs() {
	local spec sc scs
	for spec in $1; do
		IFS=, read -r -a scs <<<"${spec#*:}"
		for sc in "${scs[@]}"; do
			ha_t_run "${spec%%:*}" "$sc"
		done
	done
}

# ha_diag: the logs of the last scenario (for a failed check).
ha_diag() {
	local f
	for f in "$HA_RUN"/*.log "$HA_RUN"/*.out; do
		[ -s "$f" ] || continue
		echo "== ${f##*/}"; tail -15 "$f"
	done
}
