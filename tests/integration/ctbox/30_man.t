#!/usr/bin/env bash
# The man pages (man/): clean for mandoc's linter, and complete.  What they
# must name is taken from the binary (its usage texts) and from the tables
# in the source (long options, output formats, config keywords, nfct
# commands and states), so adding an option without documenting it fails.
. "$(dirname "$0")/../lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "man pages document ctbox: skipped under TEST_REF"; t_done; }
MAN=$TOP/man
PAGES="conntrack.8 conntrackd.8 conntrackd.conf.5 nfct.8"
CONF_CHECK=$CTBOX_BIN/../tests/conf_check

if ! command -v mandoc >/dev/null; then
	t_fail "mandoc is installed (tests/deps.sh)"
	t_done
fi

# Lint: no message at all from -Wwarning (warnings, errors, unsupported).
for p in $PAGES; do
	out=$(mandoc -Tlint -Wwarning "$MAN/$p" 2>&1); rc=$?
	[ $rc = 0 ] && [ -z "$out" ] && t_ok "$p: mandoc -Tlint -Wwarning is clean" ||
		t_fail "$p: mandoc -Tlint -Wwarning" "rc=$rc" "$out"
	# wide lines: no word is broken at a hyphen
	mandoc -Tascii -O width=400 "$MAN/$p" | sed 's/.\x08//g' >"$T_TMP/$p.txt"
done

# missing PAGE WORD...: the words that do not appear in PAGE as whole
# words (a word is letters, digits, '_' and '-'; '--src' is not found in
# '--src-nat').  Set MISSING_CI=1 to ignore case.
missing() {
	local page=$1 w q; shift
	for w in "$@"; do
		q=$(printf '%s' "$w" | sed 's/[][\.*^$/]/\\&/g')
		grep -qE ${MISSING_CI:+-i} -- "(^|[^A-Za-z0-9_-])$q([^A-Za-z0-9_-]|$)" "$T_TMP/$page.txt" ||
			printf '%s\n' "$w"
	done
}
# documented DESC PAGE WORD...: one check that every word appears.
documented() {
	local desc=$1 page=$2 miss; shift 2
	if [ $# = 0 ]; then
		t_fail "$desc: nothing to look for (extraction broken)"
		return
	fi
	miss=$(missing "$page" "$@")
	[ -z "$miss" ] && t_ok "$desc ($# names)" || t_fail "$desc" "not in $page:" $miss
}
# quoted START END FILE...: the quoted words of the lines of FILEs from a
# line matching START to the next matching END (a table in the source;
# the files are globs, so a table may move between them).
quoted() {
	local start=$1 end=$2; shift 2
	cat "$@" | sed -n "/$start/,/$end/p" | grep -oE '"[A-Za-z0-9_.-]+"' | tr -d '"' | sort -u
}

CT=$(ours_path conntrack)
CTD=$(ours_path conntrackd)
NFCT=$(ours_path nfct)

# conntrack: everything its usage prints, for each protocol too.
usage=$("$CT" -h)
for p in tcp udp udplite sctp dccp gre icmp icmpv6; do
	usage+=$'\n'$("$CT" -h -p "$p")
done
mapfile -t w < <(grep -oE -- '--[a-z0-9-]+' <<<"$usage" | sort -u)
documented "conntrack.8: every long option of conntrack -h [-p PROTO]" conntrack.8 "${w[@]}"
mapfile -t w < <(grep -oE -- '^  -[A-Za-z]' <<<"$usage" | tr -d ' ' | sort -u)
documented "conntrack.8: every short option of conntrack -h" conntrack.8 "${w[@]}"
# ... and the option tables, which hold more than the usage text says
mapfile -t w < <(grep -hoE '\{ "[a-z0-9-]+", OPT_' "$TOP"/applets/conntrack*.c "$TOP"/lib/proto*.c |
	sed -E 's/\{ "([^"]+)".*/--\1/' | sort -u)
documented "conntrack.8: every long option of the option tables" conntrack.8 "${w[@]}"
mapfile -t w < <(quoted 'output_words\[\] = {' 'NULL' "$TOP"/applets/conntrack*.c)
documented "conntrack.8: every -o format" conntrack.8 "${w[@]}"
mapfile -t w < <(quoted 'status_words\[\] = {' 'NULL' "$TOP"/applets/conntrack*.c)
documented "conntrack.8: every -u status word" conntrack.8 "${w[@]}"
mapfile -t w < <(quoted 'event_words\[\] = {' 'NULL' "$TOP"/applets/conntrack*.c)
documented "conntrack.8: every -e event word" conntrack.8 "${w[@]}"

# conntrackd: each option letter of -h and each sub-argument it lists,
# and every sub-argument the parser takes.
usage=$("$CTD" -h)
mapfile -t w < <(grep -oE -- '^  -[A-Za-z]' <<<"$usage" | tr -d ' ' | sort -u)
documented "conntrackd.8: every option of conntrackd -h" conntrackd.8 "${w[@]}"
mapfile -t w < <(grep -oE '\[[a-z]+(\|[a-z]+)+\]' <<<"$usage" | tr -d '[]' | tr '|' '\n' | sort -u)
documented "conntrackd.8: every sub-argument of conntrackd -h" conntrackd.8 "${w[@]}"
mapfile -t w < <(quoted 'stats_choices\[\] = {' 'NULL' "$TOP"/applets/conntrackd*.c)
documented "conntrackd.8: every -s statistics name of the parser" conntrackd.8 "${w[@]}"

# conntrackd.conf: every keyword of the lexer, the mode and boolean words,
# the helpers the parser knows; and the examples parse.
mapfile -t w < <(cat "$TOP"/config/lex*.c | grep -oE '\{ "[A-Za-z0-9_]+", KW_' | sed -E 's/\{ "([^"]+)".*/\1/' | sort -u)
documented "conntrackd.conf.5: every keyword of the lexer" conntrackd.conf.5 "${w[@]}"
mapfile -t w < <(cat "$TOP"/config/lex*.c | grep -oE 'match_word_ci\(p, e, "[a-z]+"\)' | grep -oE '"[a-z]+"' | tr -d '"' | sort -u)
MISSING_CI=1 documented "conntrackd.conf.5: every mode and boolean word of the lexer" conntrackd.conf.5 "${w[@]}"
mapfile -t w < <(quoted 'known_helpers\[\] = {' '^};' "$TOP"/config/parse*.c)
documented "conntrackd.conf.5: every helper of the parser" conntrackd.conf.5 "${w[@]}"
awk -v d="$T_TMP" '/^\.EX/ { n++; f = d "/example" n ".conf"; printf "" > f; next }
	/^\.EE/ { f = "" } f { print > f }' "$MAN/conntrackd.conf.5"
n=0 bad=()
for f in "$T_TMP"/example*.conf; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	# the example's interfaces do not exist here: 1.4.7 warns the same
	out=$("$CONF_CHECK" "$f" 2>&1 | grep -v '^\[warning\] .* is an invalid interface$'; exit "${PIPESTATUS[0]}") ||
		bad+=("${f##*/}: $out")
	grep -q '^\[warning\]' <<<"$out" && bad+=("${f##*/}: $out")
done
[ $n -ge 3 ] && [ ${#bad[@]} = 0 ] && t_ok "conntrackd.conf.5: its $n examples parse without a warning" ||
	t_fail "conntrackd.conf.5 examples parse" "examples: $n" "${bad[@]}"

# nfct: its usage line, every command and subsystem, every timeout state.
usage=$("$NFCT" 2>&1)
syn=${usage#Usage: * }
syn=${syn%%...*}
grep -qF -- "nfct $syn" "$T_TMP/nfct.8.txt" && t_ok "nfct.8: the usage line's synopsis (nfct $syn...)" ||
	t_fail "nfct.8: synopsis of the usage line" "usage: $usage"
mapfile -t w < <( { quoted 'cmd_names\[\] = {' '^};' "$TOP"/applets/nfct*.c
	quoted 'subsys_names\[\] = {' '^};' "$TOP"/applets/nfct*.c; } | sort -u)
documented "nfct.8: every command and subsystem" nfct.8 "${w[@]}"
mapfile -t w < <(quoted 'tcp_states' 'generic_states' "$TOP"/lib/timeout*.c)
documented "nfct.8: every timeout state name" nfct.8 "${w[@]}"

# Every page names the version the binary prints.
ver=$("$CT" -V | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
for p in $PAGES; do
	grep -qE "^\.TH .*\"ctbox $ver\"" "$MAN/$p" && t_ok "$p: names ctbox $ver" ||
		t_fail "$p names the version of the binary ($ver)" "$(grep '^\.TH' "$MAN/$p")"
done
t_done
