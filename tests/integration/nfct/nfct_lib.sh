# Shared by the nfct tests: differential runs of the reference nfct and
# ours, each in a namespace of its own so that state-changing commands
# (add, delete, flush, default-set) can be compared step by step.
. "$(dirname "$0")/../lib.sh"

# Both binaries are run as plain "nfct" through PATH, so that the usage
# lines, which print argv[0], compare equal.
NFCT_REF_DIR=$T_TMP/ref-bin
NFCT_OUR_DIR=$T_TMP/our-bin
mkdir -p "$NFCT_REF_DIR" "$NFCT_OUR_DIR"
ln -s "$REF_BIN/nfct" "$NFCT_REF_DIR/nfct"
ln -s "$(ours_path nfct)" "$NFCT_OUR_DIR/nfct"

# nfct_pair: create the two namespaces NS_REF and NS_OUR.
nfct_pair() {
	ns_new NS_REF
	ns_new NS_OUR
}

# nfct_ours ARGS...: our nfct in NS_OUR (stdout/stderr as they come).
nfct_ours() { ip netns exec "$NS_OUR" env PATH="$NFCT_OUR_DIR:$PATH" nfct "$@"; }
nfct_ref() { ip netns exec "$NS_REF" env PATH="$NFCT_REF_DIR:$PATH" nfct "$@"; }

# dual DESC ARGS...: nfct ARGS with the reference in NS_REF and ours in
# NS_OUR; stdout, stderr (after t_norm) and exit status must be the same.
# The outputs stay in $T_TMP/{a,b}.{out,err,rc} for further checks.
dual() {
	local desc=$1; shift
	run_cap "$T_TMP/b" nfct_ref "$@"
	run_cap "$T_TMP/a" nfct_ours "$@"
	# nfct lists in kernel order and prints no ticking timeouts
	SORT=0 NORM_TIMEOUT=0 same_cap "$desc" "nfct $*"
}

# expect_out DESC PATTERN: the last dual run's stdout (ours) has a line
# matching the fixed string PATTERN.
expect_out() {
	if grep -qxF -- "$2" "$T_TMP/a.out"; then t_ok "$1"
	else t_fail "$1" "no line '$2' in:" "$(cat "$T_TMP/a.out")"; fi
}

# expect_rc DESC RC: the last dual run's exit status (ours).
expect_rc() {
	if [ "$(cat "$T_TMP/a.rc")" = "$2" ]; then t_ok "$1"
	else t_fail "$1" "status $(cat "$T_TMP/a.rc"), want $2" "$(cat "$T_TMP/a.err")"; fi
}
