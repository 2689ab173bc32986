#!/usr/bin/env bash
# ha.sh [K...]: the HA failover harness (tests/integration/ha/ha_lib.sh)
# at scale: the crash scenario (master dies, backup takes over, new
# sessions, old master returns empty and preempts) with K background flows
# (default 50000 200000; HA_BENCH_1M=1 adds 1000000, or give the sizes as
# arguments), for each implementation in HA_BENCH_IMPLS (default "ctbox ref
# ref-noext"; "ctbox+ref" for a mixed pair), HA_BENCH_RUNS runs each
# (default 2).  Longer traffic than CI:
# HA_PRE=5, HA_MID=5 s, 10 + 10 sessions (HA_N_OLD / HA_N_NEW).
#
# One line per run: old sessions flowing after the takeover (old@tkov),
# sessions that survived (old = through the crash and
# the fail-back, new = started on the backup, through the fail-back), the
# longest silence a surviving session saw, takeover and fail-back times,
# how long each notify primary took, how many flows the returning master
# held after it had preempted and committed, and the backup's conntrackd
# while it followed the master's K flows: RSS and CPU time spent.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export CTBOX_BUILD=${CTBOX_BUILD:-$TOP/build}
case $CTBOX_BUILD in /*) ;; *) CTBOX_BUILD=$TOP/$CTBOX_BUILD ;; esac
CTBOX_BIN=$CTBOX_BUILD/bin
. "$TOP/tests/integration/lib.sh"
. "$TOP/tests/integration/ha/ha_lib.sh"

KS=("$@")
[ ${#KS[@]} -gt 0 ] || KS=(50000 200000)
[ -n "${HA_BENCH_1M:-}" ] && [ $# = 0 ] && KS+=(1000000)
IMPLS=${HA_BENCH_IMPLS:-ctbox ref ref-noext}
RUNS=${HA_BENCH_RUNS:-2}
SCENARIO=${HA_BENCH_SCENARIO:-crash}
export HA_PRE=${HA_PRE:-5} HA_MID=${HA_MID:-5}

# Every fw holds K flows plus its own: nf_conntrack_max is global.
max0=$(sysctl -n net.netfilter.nf_conntrack_max)
need=0
for k in "${KS[@]}"; do [ $((k + 50000)) -gt $need ] && need=$((k + 50000)); done
if [ "$max0" -lt $need ]; then
	sysctl -qw net.netfilter.nf_conntrack_max=$need
	trap 'sysctl -qw net.netfilter.nf_conntrack_max='"$max0"'; ha_cleanup' EXIT
fi

printf '%-9s %8s %3s  %-7s %-7s %-7s %7s %7s %7s %7s %7s %9s %8s %8s %8s\n' \
	impl K run old@tkov old new gap_ms tkov_ms fb_ms np2_ms np1_ms fw1_flows bg_s rss_kB cpu_ms
for k in "${KS[@]}"; do
	for impl in $IMPLS; do
		ha_set_impl "$impl"; HA_K=$k
		if ! msg=$(ha_impl); then
			echo "$impl: $msg"
			continue
		fi
		ha_impl >/dev/null
		for r in $(seq "$RUNS"); do
			ha_scenario "$SCENARIO"
			if [ -n "${HA_R[error]:-}" ]; then
				echo "$impl $k run $r: harness error: ${HA_R[error]}"
				continue
			fi
			g=$(printf '%s\n' "${HA_R[old_gap]}" "${HA_R[new_gap]}" |
				awk '$1 != "-" && $1 + 0 >= m {m = $1; n++} END {print n ? m : "-"}')
			printf '%-9s %8d %3d  %-7s %-7s %-7s %7s %7s %7s %7s %7s %9s %8s %8s %8s\n' "$impl" "$k" "$r" \
				"${HA_R[old_mid]}/$HA_N_OLD" \
				"${HA_R[old_alive]}/$HA_N_OLD" "${HA_R[new_alive]}/$HA_N_NEW" "$g" \
				"${HA_R[takeover_ms]}" "${HA_R[failback_ms]}" "${HA_R[fw2_primary_ms]}" \
				"${HA_R[fw1_primary_ms]}" "${HA_R[fw1_flows]}" \
				"$(awk -v m="${HA_R[bg_ms]}" 'BEGIN {printf "%.1f", m / 1000}')" \
				"${HA_R[backup_rss_kb]}" "${HA_R[backup_cpu_ms]}"
			if [ -n "${HA_BENCH_VERBOSE:-}" ]; then ha_summary; fi
		done
	done
done
