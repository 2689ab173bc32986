#!/usr/bin/env bash
# Stats mode: a NEW event for a flow the cache already holds (its DESTROY
# was never sent) leaves the cache alone, as in 1.4.7: the -s counters of
# the reference and ours, side by side, must agree.
#
# How the DESTROY goes missing: a flow created while the namespace's
# nf_conntrack_events is 0 carries no event extension, so the daemons only
# learn it from their start-up dump, and its deletion is silent; created
# again with events on, it comes as a NEW.
. "$(dirname "$0")/../lib.sh"

ns_new A
mkconf() {	# mkconf WHO
	cat >"$T_TMP/$1.conf" <<CONF
General {
	LockFile $T_TMP/$1.lock
	LogFile $T_TMP/$1.log
	UNIX { Path $T_TMP/$1.ctl }
}
Stats { LogFile $T_TMP/$1.stats }
CONF
}
mkconf ref; mkconf ours
F=(-p udp -s 10.9.0.1 -d 10.9.0.2 --sport 1000 --dport 2000)
in_ns "$A" sysctl -qw net.netfilter.nf_conntrack_events=0
in_ns "$A" "$REF_BIN/conntrack" -I "${F[@]}" -t 100 >/dev/null 2>&1 ||
	t_fail "flow created with events off"
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/ref.conf" -d
in_ns "$A" "$(ours_path conntrackd)" -C "$T_TMP/ours.conf" -d
for i in $(seq 50); do
	[ -S "$T_TMP/ref.ctl" ] && [ -S "$T_TMP/ours.ctl" ] && break
	sleep 0.1
done
in_ns "$A" "$REF_BIN/conntrack" -D "${F[@]}" >/dev/null 2>&1
in_ns "$A" sysctl -qw net.netfilter.nf_conntrack_events=1
in_ns "$A" "$REF_BIN/conntrack" -I "${F[@]}" -t 100 >/dev/null 2>&1 ||
	t_fail "flow created again with events on"
sleep 0.5
stats() { in_ns "$A" "$(if [ "$1" = ref ]; then echo "$REF_BIN/conntrackd"; else ours_path conntrackd; fi)" \
	-C "$T_TMP/$1.conf" -s | grep -E '^(current|connections)'; }
r=$(stats ref); o=$(stats ours)
grep -q 'connections created:[[:space:]]*1[[:space:]]' <<<"$r" ||
	t_fail "the reference saw the flow once (test premise)" "$r"
if [ -n "$r" ] && [ "$r" = "$o" ]; then
	t_ok "NEW for a cached flow: -s counters as the reference's"
else
	t_fail "NEW for a cached flow: -s counters as the reference's" "ref:" "$r" "ours:" "$o"
fi
in_ns "$A" "$REF_BIN/conntrackd" -C "$T_TMP/ref.conf" -k
in_ns "$A" "$(ours_path conntrackd)" -C "$T_TMP/ours.conf" -k
t_done
