#!/usr/bin/env bash
# The size budget of the product: the static musl ELF, stripped, holds all
# three applets in at most 300 KiB (the aim: 250 KiB).  make size says
# where the bytes go.  Only the static build is the product: the dynamic
# and sanitizer builds skip it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ctbox_lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "the size budget has no reference: skipped"; t_done; }
BUDGET=$((300 * 1024))
if ! elf_static "$CTBOX_ELF"; then
	t_ok "size budget # skip: $CTBOX_ELF is not the static build"
	t_done
fi

strip -o "$T_TMP/ctbox" "$CTBOX_ELF"
n=$(wc -c <"$T_TMP/ctbox")
out=$(ctbox_make "${CTBOX_MAKE[@]}" size 2>&1); rc=$?
if [ "$n" -le "$BUDGET" ]; then
	t_ok "stripped static ctbox: $n bytes <= $BUDGET (300 KiB)"
else
	t_fail "stripped static ctbox: $n bytes > budget $BUDGET (300 KiB)" "$out"
fi

first=$(head -1 <<<"$out")
[ $rc = 0 ] && [[ $first == "ctbox "*" $n bytes stripped "* ]] &&
	t_ok "make size: the stripped size first" || t_fail "make size first line" "rc=$rc" "$out"
rows=$(sed -n '2,$p' <<<"$out" | grep -v '(ELF headers' | awk '{print $NF}')
[ -n "$rows" ] && [ "$rows" = "$(sort -rn <<<"$rows")" ] &&
	grep -q '^  applets/conntrack_args.o  *[0-9][0-9]*$' <<<"$out" &&
	grep -q '^  libmnl (libmnl.a)  *[0-9][0-9]*$' <<<"$out" &&
	t_ok "make size: every object's bytes, largest first" || t_fail "make size rows" "$out"
sum=$(sed -n '2,$p' <<<"$out" | awk '{s += $NF} END {print s}')
[ "$sum" = "$n" ] && t_ok "make size: the rows add up to the file" || t_fail "make size sum $sum != $n" "$out"
t_done
