#!/usr/bin/env bash
# Sync mode's -f flushes what the cache holds when it comes, not what
# arrives while the flush goes on (issue 13).  An FT-FW pair, STEP_FLOWS
# (default 100,000) flows in the sender's internal cache and in the
# backup's external one, new flows created in the sender's kernel at a
# steady rate (chunks of 200, each a conntrack -R) all along; meanwhile
# -f internal on the sender and -f external on the backup:
#  - each -f client returns within FLUSH_MAX_S (2) seconds;
#  - every flow of a chunk created after both daemons logged their flush
#    is in the cache (-i / -e), and the cache's count is its dump's;
#  - none of the flushed flows is back: not one of the STEP_FLOWS, not
#    one of the chunks created over 0.5 s before the -f.
# Then on the sender: two -f at once (both return, the cache is empty and
# the daemon answers), and -k while a -f is in progress (it exits).
# Before the fix, the flush went on until the cache was empty: the flows
# that arrived meanwhile were flushed too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/steps_lib.sh"

D=$(ours_path conntrackd)
CT=$(ours_path conntrack)
N=${STEP_FLOWS:-100000}
MAX_S=${FLUSH_MAX_S:-2}
steps_pair 10.233.6
steps_max $((2 * N + 100000))
STEPS_PORT=3794
conf() { steps_conf "$1" "$2" "FTFW { }" UDP; }
cache_n() {	# cache_n NAME NS internal|external
	ctd "$1" "$2" -s cache 2>/dev/null |
		awk -v c="cache:$3" '$1 == c && /active objects/ { print $NF; exit }'
}
ext_is() { [ "$(cache_n b "$B" external)" = "$1" ]; }
now() { date +%s.%N; }
# chunk C: its 200 flows 172.(16 + C / 256).(C % 256).1-200 -> 192.168.250.1
chunk() {
	awk -v c="$1" 'BEGIN { for (k = 1; k <= 200; k++)
		printf "-I -p udp -s 172.%d.%d.%d -d 192.168.250.1 --sport %d --dport 53 -t 3600\n",
			16 + int(c / 256), c % 256, k, 1024 + k }'
}
# stream: a chunk every 20 ms until $T_TMP/stop; $T_TMP/chunks has a line
# "C after|before START END" each, "after" when both flushes were logged
# before it began
stream() {
	local c=0 tag t0
	while [ ! -e "$T_TMP/stop" ]; do
		tag=before
		grep -q "flushing internal cache" "$T_TMP/a.log" &&
			grep -q "flushing external cache" "$T_TMP/b.log" && tag=after
		chunk "$c" >"$T_TMP/chunk"
		t0=$(now)
		in_ns "$A" "$CT" -R "$T_TMP/chunk" >/dev/null 2>&1
		echo "$c $tag $t0 $(now)" >>"$T_TMP/chunks"
		c=$((c + 1))
		sleep 0.02
	done
}
# timed NAME NS ARGS...: the daemon's client, its duration in $T_TMP/NAME.dur
timed() {
	local n=$1 ns=$2 t0
	shift 2
	t0=$(now)
	ctd "$n" "$ns" "$@" >/dev/null 2>&1
	awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }' >"$T_TMP/$n.dur"
}
# check_dump WHAT FILE T: FILE (a -i/-e dump) against the chunks, T the
# moment the first -f was asked
check_dump() {
	local what=$1 f=$2 t=$3 old bad lost gone
	# (the sync link's own flow, 10.233.6.x, is not one of them)
	old=$(grep 'src=10\.' "$f" | grep -vc 'src=10\.233\.')
	t_check "$what: none of the $N flushed flows is back (has $old)" [ "$old" = 0 ]
	# per chunk: its flows in the dump
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^src=172\./) {
			split(substr($i, 5), q, "."); print (q[2] - 16) * 256 + q[3]; break } }' \
		"$f" | sort -n | uniq -c | awk '{ print $2, $1 }' >"$f.per"
	lost=$(awk 'NR == FNR { n[$1] = $2; next } $2 == "after" && n[$1] + 0 != 200 { c++ }
		END { print c + 0 }' "$f.per" "$T_TMP/chunks")
	after=$(awk '$2 == "after" { c++ } END { print c + 0 }' "$T_TMP/chunks")
	t_check "$what: every flow created after the -f is in the cache ($lost of $after chunks incomplete)" \
		test "$lost" = 0 -a "$after" -ge 10
	gone=$(awk -v t="$t" 'NR == FNR { n[$1] = $2; next } $4 + 0.5 < t && n[$1] + 0 { c++ }
		END { print c + 0 }' "$f.per" "$T_TMP/chunks")
	bad=$(awk -v t="$t" '$4 + 0.5 < t { c++ } END { print c + 0 }' "$T_TMP/chunks")
	t_check "$what: the chunks created before the -f are flushed ($gone of $bad back)" \
		test "$gone" = 0 -a "$bad" -ge 10
}

"$TOP/tests/bench/gen_flows.sh" "$N" >"$T_TMP/flows"
in_ns "$A" "$CT" -R "$T_TMP/flows" >/dev/null 2>&1
conf a A; conf b B
start b "$B"; start a "$A"
ctd a "$A" -B >/dev/null 2>&1
wait_for 60 ext_is "$N"
t_check "the backup's external cache holds the $N flows (has $(cache_n b "$B" external))" ext_is "$N"

rm -f "$T_TMP/stop" "$T_TMP/chunks"
stream &
SP=$!
sleep 1.5
tf=$(now)
timed a "$A" -f internal &
FA=$!
timed b "$B" -f external &
FB=$!
wait "$FA" "$FB"
sleep 1.5
touch "$T_TMP/stop"
wait "$SP"
# the last chunks reach the backup
settle() {
	local n m
	n=$(cache_n b "$B" external); sleep 0.5; m=$(cache_n b "$B" external)
	[ "$n" = "$m" ]
}
wait_for 20 settle
da=$(cat "$T_TMP/a.dur") db=$(cat "$T_TMP/b.dur")
echo "# -f internal took $da s, -f external $db s; $(wc -l <"$T_TMP/chunks") chunks of 200 flows"
t_check "-f internal returns within $MAX_S s under a stream of new flows ($da s)" \
	awk -v d="$da" -v m="$MAX_S" 'BEGIN { exit !(d < m) }'
t_check "-f external returns within $MAX_S s under a stream of new flows ($db s)" \
	awk -v d="$db" -v m="$MAX_S" 'BEGIN { exit !(d < m) }'

ctd a "$A" -i >"$T_TMP/int" 2>/dev/null
ctd b "$B" -e >"$T_TMP/ext" 2>/dev/null
check_dump "-f internal" "$T_TMP/int" "$tf"
check_dump "-f external" "$T_TMP/ext" "$tf"
n=$(cache_n a "$A" internal)
t_check "the internal cache counts what its dump shows ($n, $(wc -l <"$T_TMP/int") lines)" \
	[ "$n" = "$(wc -l <"$T_TMP/int")" ]
n=$(cache_n b "$B" external)
t_check "the external cache counts what its dump shows ($n, $(wc -l <"$T_TMP/ext") lines)" \
	[ "$n" = "$(wc -l <"$T_TMP/ext")" ]

# Flows that certainly arrive while a flush goes on: the daemon is
# stopped (SIGSTOP) when -f is asked and a chunk is created, so it reads
# the request and then, in the same turn, the chunk, at the start of a
# flush of over N objects.  A flush that went on until the cache was
# empty took them too.  Ours only: 1.4.7 may read the chunk first.
# For the backup, the sender is stopped first, so that no message of
# its (an ALIVE) is read before the request.
# mid NAME NS WHAT C: -f WHAT on NAME, stopped, chunk C created in $A
# meanwhile; the number of its flows in NAME's cache after
mid() {
	local n=$1 ns=$2 what=$3 c=$4 pid pa f
	pid=$(daemon_pid "$n" "$ns")
	pa=$(daemon_pid a "$A")
	if [ "$n" = b ]; then
		kill -STOP "$pa"
		sleep 0.3
	fi
	kill -STOP "$pid"
	ctd "$n" "$ns" -f "$what" >/dev/null 2>&1 &
	f=$!
	sleep 0.3
	chunk "$c" >"$T_TMP/chunk"
	in_ns "$A" "$CT" -R "$T_TMP/chunk" >/dev/null 2>&1
	# the sender sends the chunk into the stopped backup's socket
	kill -CONT "$pa"
	sleep 0.5
	kill -CONT "$pid"
	wait "$f"
	sleep 0.5
	ctd "$n" "$ns" "-${what:0:1}" 2>/dev/null |
		grep -c "src=172\\.$((16 + c / 256))\\.$((c % 256))\\."
}
ctd a "$A" -R >/dev/null 2>&1
n=$(cache_n a "$A" internal)
t_check "-R refills the internal cache ($n)" [ "${n:-0}" -ge "$N" ]
ctd a "$A" -B >/dev/null 2>&1
wait_for 60 ext_is "$n"
t_check "-B refills the external cache ($(cache_n b "$B" external))" ext_is "$n"
x=$(mid a "$A" internal 9000)
ours_check "flows created while -f internal goes on stay in the internal cache ($x of 200)" [ "$x" = 200 ]
x=$(mid b "$B" external 9001)
ours_check "flows synced while -f external goes on stay in the external cache ($x of 200)" [ "$x" = 200 ]

# two -f at once, then -k during one: the sender's cache refilled (-R)
ctd a "$A" -R >/dev/null 2>&1
ctd a "$A" -f internal >/dev/null 2>&1 &
ctd a "$A" -f internal >/dev/null 2>&1
wait
n=$(cache_n a "$A" internal)
t_check "two -f at once: both return, the cache is empty and the daemon answers ($n)" [ "$n" = 0 ]
ctd a "$A" -R >/dev/null 2>&1
ctd a "$A" -f internal >/dev/null 2>&1 &
ctd a "$A" -k >/dev/null 2>&1
wait
wait_for 10 test ! -e "$T_TMP/a.lock"
t_check "-k while a -f goes on: the daemon exits" test ! -e "$T_TMP/a.lock"
stop b "$B"
steps_max_restore
t_done
