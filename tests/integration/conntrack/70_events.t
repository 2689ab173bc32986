#!/usr/bin/env bash
# conntrack -E: every format and filter, ours and the reference listening
# at the same time in one namespace to the same events (created from
# userspace with the reference's -I/-U/-D/-F); outputs must be identical
# once the sender's portid/progname, wall-clock stamps and delta-time are
# normalised (spec conntrack-cli.md §3.5, §7.3, §7.8, §13).
. "$(dirname "$0")/../lib.sh"

ns_new NS
in_ns "$NS" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_timestamp=1 2>/dev/null

CASES=(
	""
	"-o extended"
	"-o xml"
	"-o id"
	"-o timestamp"
	"-o save"
	"-o extended,id,ktimestamp"
	"-o xml,timestamp,ktimestamp"
	"-o userspace"
	"-p udp"
	"-p tcp --dport 80"
	"-p udp --sport 100 --dport 200"
	"-s 10.0.0.1"
	"-s 10.0.0.0/24"
	"-d 10.0.0.2"
	"-r 10.0.0.2"
	"-m 5"
	"-m 0x4/0xc"
	"-e NEW"
	"-e DESTROY"
	"-e UPDATES"
	"-e NEW,DESTROY -o xml"
	"-f ipv6"
	"-f ipv4 -p icmp"
	"-w 3"
	"-s 2001:db8::/64"
)

norm_ev() {
	t_norm | sed -E \
		-e 's/ \[USERSPACE\] portid=[0-9]+( progname=[^ <]*)?/ [USERSPACE]/' \
		-e 's/^\[[0-9]+\.[0-9]+ *\]\t/[TS]\t/' \
		-e 's#<when>.*</when>#<when/>#' \
		-e 's/delta-time=[0-9]+/delta-time=D/' \
		-e 's#<deltatime>[0-9]+</deltatime>#<deltatime>D</deltatime>#'
}

pids=()
i=0
for c in "${CASES[@]}"; do
	read -r -a args <<<"$c"
	ip netns exec "$NS" "$REF_BIN/conntrack" -E "${args[@]}" >"$T_TMP/r$i.out" 2>"$T_TMP/r$i.err" &
	pids+=($!)
	ip netns exec "$NS" "$(ours_path conntrack)" -E "${args[@]}" >"$T_TMP/o$i.out" 2>"$T_TMP/o$i.err" &
	pids+=($!)
	i=$((i + 1))
done
# JSON: ours only, checked for shape below
ip netns exec "$NS" "$(ours_path conntrack)" -E -o json >"$T_TMP/json.out" 2>"$T_TMP/json.err" &
pids+=($!)
sleep 0.8

R() { in_ns "$NS" "$REF_BIN/conntrack" "$@" >/dev/null 2>&1; }
R -I -s 10.0.0.1 -d 10.0.0.2 -p udp --sport 100 --dport 200 -t 50
R -I -s 10.0.0.1 -d 10.0.0.3 -p tcp --sport 101 --dport 80 -t 50 --state ESTABLISHED -m 5
R -I -s 10.0.1.9 -d 10.0.0.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 30
R -I -s 2001:db8::1 -d 2001:db8::2 -p udp --sport 1 --dport 2 -t 50
R -I -s 2001:db9::1 -d 2001:db8::2 -p tcp --sport 1 --dport 80 -t 50 --state SYN_SENT
R -I -s 10.0.0.5 -d 10.0.0.6 -p udp --sport 5 --dport 6 -t 50 -w 3
R -U -s 10.0.0.1 -d 10.0.0.2 -p udp -m 7
R -D -s 10.0.0.1 -d 10.0.0.3
R -F
sleep 0.8
kill -INT "${pids[@]}" 2>/dev/null
wait

i=0
for c in "${CASES[@]}"; do
	norm_ev <"$T_TMP/r$i.out" >"$T_TMP/r$i.n"
	norm_ev <"$T_TMP/o$i.out" >"$T_TMP/o$i.n"
	norm_ev <"$T_TMP/r$i.err" >"$T_TMP/r$i.en"
	norm_ev <"$T_TMP/o$i.err" >"$T_TMP/o$i.en"
	n=$(wc -l <"$T_TMP/r$i.n")
	if cmp -s "$T_TMP/r$i.n" "$T_TMP/o$i.n" && cmp -s "$T_TMP/r$i.en" "$T_TMP/o$i.en"; then
		t_ok "-E ${c:-(no options)}: same $n lines and summary as the reference"
	else
		t_fail "-E ${c:-(no options)}: differs from the reference" \
			"$(diff -u "$T_TMP/r$i.n" "$T_TMP/o$i.n" | head -20)" \
			"$(diff -u "$T_TMP/r$i.en" "$T_TMP/o$i.en")"
	fi
	i=$((i + 1))
done

# the filters were not vacuous: the reference saw events for each of them
for k in 10 11 13 14 16 19 20 22 23 24; do
	[ -s "$T_TMP/r$k.n" ] || t_fail "case '${CASES[$k]}' produced no event at all"
done
all=$(grep -c . "$T_TMP/r0.n")
t_check "6 NEW + 1 UPDATE + 6 DESTROY seen without a filter (ref: $all)" test "$all" = 13

# -o userspace: portid always, progname only there (and only if found)
if ! t_ours_only "no progname lookup without -o userspace"; then :
elif grep -q 'progname=' "$T_TMP/o0.out"; then
	t_fail "no progname lookup without -o userspace" "$(head -3 "$T_TMP/o0.out")"
else
	t_ok "no progname lookup without -o userspace"
fi
t_check "portid printed on userspace-caused events" grep -q 'USERSPACE\] portid=[0-9]' "$T_TMP/o0.out"

# JSON: one valid object per event, same count
if ! t_ours_only "-E -o json"; then :
elif python3 - "$T_TMP/json.out" "$all" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
assert len(objs) == int(sys.argv[2]), (len(objs), sys.argv[2])
PY
then t_ok "-E -o json: $all valid JSON lines"
else t_fail "-E -o json: invalid or wrong count" "$(head -3 "$T_TMP/json.out")"
fi
t_ours_only "-E -o json: summary line" &&
	t_check "-E -o json: summary line" grep -q "^conntrack v[0-9.]* (ctbox): $all flow events have been shown.$" "$T_TMP/json.err"
t_done
