#!/usr/bin/env bash
# The recovery-shell case: a root holding nothing but Debian's static
# busybox and the static ctbox with its links, entered with chroot inside a
# fresh namespace.  There, conntrack -I/-L/-G/-D/-E/-C/-S, nfct timeout
# add/list and conntrackd in stats mode (start, -s, -i, -k) answer exactly
# as the same binary does outside the chroot on the same state, and no file
# of the host's libc is reachable.  Only a static build can run there: the
# dynamic and sanitizer builds skip it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ctbox_lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "the initramfs test has no reference: skipped"; t_done; }
if ! elf_static "$CTBOX_ELF"; then
	t_ok "initramfs # skip: $CTBOX_ELF is not the static build"
	t_done
fi
BB=/bin/busybox
elf_static "$BB" || { t_fail "$BB is no static busybox (tests/deps.sh installs busybox-static)"; t_done; }

R=$T_TMP/root
mkdir -p "$R/bin" "$R/sbin" "$R/etc" "$R/tmp" "$R/var/run" "$R/var/lock"
cp "$BB" "$R/bin/busybox"
for a in $("$BB" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
cp "$CTBOX_ELF" "$R/sbin/ctbox"
for a in conntrack conntrackd nfct; do ln -s ctbox "$R/sbin/$a"; done
# outside: the same binary, host paths
O=$T_TMP/out
mkdir -p "$O/bin" "$O/tmp"
for a in conntrack conntrackd nfct; do ln -s "$CTBOX_ELF" "$O/bin/$a"; done

conf() {	# conf PREFIX: a stats-mode config with its files under PREFIX;
	# the protocol filter resolves names without /etc/protocols
	cat <<CONF
General {
	LockFile $1/tmp/ctd.lock
	LogFile $1/tmp/ctd.log
	Syslog off
	UNIX { Path $1/tmp/ctd.ctl }
	Filter From Userspace {
		Protocol Accept { TCP UDP SCTP }
	}
}
Stats { LogFile off }
CONF
}
conf "" >"$R/etc/conntrackd.conf"
conf "$O" >"$O/conntrackd.conf"

[ "$(cd "$R" && find . -type f | LC_ALL=C sort | tr '\n' ' ')" = "./bin/busybox ./etc/conntrackd.conf ./sbin/ctbox " ] &&
	t_ok "the root holds busybox, ctbox and one config file, nothing else" || t_fail "root contents" "$(cd "$R" && find . -type f)"

ns_new NI
ns_new NO
# run_in|run_out NS CMD: the shell line in the chroot (in) or outside it (out)
run_in() { ip netns exec "$1" env -i PATH=/sbin:/bin chroot "$R" /bin/sh -c "$2"; }
run_out() { ip netns exec "$1" env -i PATH="$O/bin:/usr/sbin:/usr/bin:/bin" /bin/sh -c "$2"; }

n=0
# cmp_run DESC NS_IN NS_OUT CMD-IN [CMD-OUT]: stdout (sorted, timeouts
# normalised), stderr and status of both must be the same
cmp_run() {
	local desc=$1 ni=$2 no=$3 ci=$4 co=${5:-$4}
	n=$((n + 1))
	run_cap "$T_TMP/a" run_in "$ni" "$ci"
	run_cap "$T_TMP/b" run_out "$no" "$co"
	same_cap "in the chroot as outside: $desc" "$ci"
}

# the host's libc is out of reach, and both ELFs in the root are static
out=$(run_in "$NI" 'ls -d /lib* /usr/lib* /usr/libexec 2>/dev/null; find / -name "*.so*" -o -name "ld-*" 2>/dev/null; echo done')
[ "$out" = "done" ] && t_ok "no /lib*, no shared object, no dynamic loader in the root" || t_fail "libc reachable" "$out"
elf_static "$R/sbin/ctbox" && elf_static "$R/bin/busybox" &&
	t_ok "ctbox and busybox have no INTERP and no NEEDED" || t_fail "dynamic ELF in the root"

# conntrackd in stats mode first, so that it sees the flows as events
cmp_run "conntrackd -d starts" "$NI" "$NO" 'conntrackd -C /etc/conntrackd.conf -d' "conntrackd -C $O/conntrackd.conf -d"
for _ in $(seq 50); do [ -S "$R/tmp/ctd.ctl" ] && [ -S "$O/tmp/ctd.ctl" ] && break; sleep 0.1; done

# nl_listeners NS: the namespace's nfnetlink sockets bound to a group
# (/proc/net/netlink is per namespace; Eth 12 is NETLINK_NETFILTER)
nl_listeners() { ip netns exec "$1" awk '$2 == 12 && $4 != "00000000" { n++ } END { print n + 0 }' /proc/net/netlink; }
base_in=$(nl_listeners "$NI") base_out=$(nl_listeners "$NO")
# conntrack -E, in the background, on both sides
ip netns exec "$NI" env -i PATH=/sbin:/bin chroot "$R" /sbin/conntrack -E >"$T_TMP/ev.a" 2>&1 &
ev_in=$!
ip netns exec "$NO" "$O/bin/conntrack" -E >"$T_TMP/ev.b" 2>&1 &
ev_out=$!
# a loaded machine may start them late: no flow before both subscribed
for _ in $(seq 100); do
	[ "$(nl_listeners "$NI")" -gt "$base_in" ] && [ "$(nl_listeners "$NO")" -gt "$base_out" ] && break
	sleep 0.05
done

I1='conntrack -I -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1000 --dport 80 --state ESTABLISHED -t 100 -m 7'
I2='conntrack -I -p udp -s 10.0.0.1 -d 10.0.0.3 --sport 53 --dport 5353 -t 50'
I3='conntrack -I -p sctp -s 10.0.0.4 -d 10.0.0.5 --sport 7 --dport 9 --state ESTABLISHED -t 60 --orig-vtag 1 --reply-vtag 2'
I4='conntrack -I -p icmp -s 10.0.0.6 -d 10.0.0.7 --icmp-type 8 --icmp-code 0 --icmp-id 42 -t 30'
for c in "$I1" "$I2" "$I3" "$I4"; do cmp_run "${c%% -s*}" "$NI" "$NO" "$c"; done
cmp_run "-I of an existing flow fails alike" "$NI" "$NO" "$I1"
cmp_run "conntrack -L" "$NI" "$NO" 'conntrack -L'
cmp_run "conntrack -L -p sctp -o extended" "$NI" "$NO" 'conntrack -L -p SCTP -o extended'
cmp_run "conntrack -G" "$NI" "$NO" 'conntrack -G -p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1000 --dport 80'
cmp_run "conntrack -C" "$NI" "$NO" 'conntrack -C'
cmp_run "conntrack -D" "$NI" "$NO" 'conntrack -D -p udp'
cmp_run "conntrack -L after -D" "$NI" "$NO" 'conntrack -L'
cmp_run "conntrack -C after -D" "$NI" "$NO" 'conntrack -C'
# -S counts per CPU, so both runs read the one namespace's counters
cmp_run "conntrack -S (one namespace)" "$NI" "$NI" 'conntrack -S'
cmp_run "conntrack -S of the other namespace" "$NO" "$NO" 'conntrack -S'

for _ in $(seq 50); do
	grep -q 'DESTROY' "$T_TMP/ev.a" && grep -q 'DESTROY' "$T_TMP/ev.b" && break
	sleep 0.1
done
sleep 0.1
kill -INT "$ev_in" "$ev_out" 2>/dev/null
wait "$ev_in" "$ev_out" 2>/dev/null
# the event's portid is the inserting socket's, one per process
sed -Ei 's/portid=[0-9]+/portid=P/' "$T_TMP/ev.a" "$T_TMP/ev.b"
if [ -s "$T_TMP/ev.a" ] && cmp -s "$T_TMP/ev.a" "$T_TMP/ev.b" && [ "$(grep -c '^ *\[NEW\]' "$T_TMP/ev.a")" = 4 ] &&
   grep -q '^ *\[DESTROY\] udp' "$T_TMP/ev.a"; then
	t_ok "in the chroot as outside: conntrack -E saw the same 4 NEW and the DESTROY"
else
	t_fail "conntrack -E" "$(diff "$T_TMP/ev.b" "$T_TMP/ev.a")" "$(cat "$T_TMP/ev.a")"
fi

cmp_run "nfct timeout add" "$NI" "$NO" 'nfct timeout add t1 inet tcp established 100 close 5'
cmp_run "nfct timeout add (by /etc/protocols-less name)" "$NI" "$NO" 'nfct timeout add t2 inet6 esp 30'
cmp_run "nfct timeout add of an existing name fails alike" "$NI" "$NO" 'nfct timeout add t1 inet tcp established 1'
cmp_run "nfct timeout list" "$NI" "$NO" 'nfct timeout list'

# both daemons have taken in every event: each caches the TCP and SCTP flow
ctd_settled() { [ "$(run_in "$NI" 'conntrackd -C /etc/conntrackd.conf -i' | grep -c src=)" = 2 ] &&
	[ "$(run_out "$NO" "conntrackd -C $O/conntrackd.conf -i" | grep -c src=)" = 2 ]; }
for _ in $(seq 50); do ctd_settled && break; sleep 0.1; done
cmp_run "conntrackd -s" "$NI" "$NO" 'conntrackd -C /etc/conntrackd.conf -s' "conntrackd -C $O/conntrackd.conf -s"
cmp_run "conntrackd -i" "$NI" "$NO" 'conntrackd -C /etc/conntrackd.conf -i' "conntrackd -C $O/conntrackd.conf -i"
n_i=$(grep -c 'src=' "$T_TMP/a.out")
[ "$n_i" = 2 ] && grep -q '^tcp .*mark=7' "$T_TMP/a.out" && grep -q '^sctp ' "$T_TMP/a.out" &&
	t_ok "conntrackd caches what its protocol filter accepts (TCP and SCTP; UDP deleted, ICMP filtered)" ||
	t_fail "conntrackd -i count ($n_i)" "$(cat "$T_TMP/a.out")"
cmp_run "conntrackd -k" "$NI" "$NO" 'conntrackd -C /etc/conntrackd.conf -k' "conntrackd -C $O/conntrackd.conf -k"
for _ in $(seq 50); do [ ! -e "$R/tmp/ctd.lock" ] && [ ! -e "$O/tmp/ctd.lock" ] && break; sleep 0.1; done
[ ! -e "$R/tmp/ctd.lock" ] && [ ! -e "$R/tmp/ctd.ctl" ] && t_ok "conntrackd -k: the chrooted daemon is gone, lock and socket removed" ||
	t_fail "conntrackd -k in the chroot" "$(ls -l "$R/tmp")"
norm_log() { sed -E 's/^\[[^]]*\] \(pid=[0-9]+\) //' "$1"; }
[ -s "$R/tmp/ctd.log" ] && [ "$(norm_log "$R/tmp/ctd.log")" = "$(norm_log "$O/tmp/ctd.log")" ] &&
	t_ok "in the chroot as outside: the same daemon log" ||
	t_fail "daemon log" "$(diff <(norm_log "$O/tmp/ctd.log") <(norm_log "$R/tmp/ctd.log"))"
t_done
