#!/bin/sh
# make STATIC=1 size: the stripped binary's size, then the bytes each input
# put into it, largest first.  An input's bytes are the sizes of its
# sections that the linker kept in an allocated output section (read from
# the link map, after --gc-sections): code, read-only data, data, unwind
# tables.  .bss takes no file bytes, debug sections are stripped; neither
# counts.  Our objects are named by path, libmnl and musl's libc.a as one
# line each; merged strings count where they came from.  What remains is
# ELF headers, alignment and the section table.
#   mk/size.sh STRIPPED_ELF LINK_MAP BUILD_PREFIX
set -u
elf=$1 map=$2
prefix=$(cd "$3" && pwd)/	# the map names inputs as the link was given them
total=$(wc -c <"$elf")
awk -v total="$total" -v prefix="$prefix" -v cwd="$(pwd)/" '
function hex(s,   i, c, v) {
	v = 0; s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}
function counted(sec) {
	return sec !~ /^\.(debug|comment|note\.GNU-stack|gnu\.attributes|stab|bss|tbss)/ &&
	       sec != "" && sec !~ /^\/DISCARD/
}
function who(f) {
	if (f ~ /libmnl\.a\(/) return "libmnl (libmnl.a)"
	if (f ~ /\/libc\.a\(|\/libpthread\.a\(|crt[^\/]*\.o$|\/libgcc/) return "libc (musl libc.a, crt, libgcc)"
	if (f !~ /^\//) f = cwd f
	if (index(f, prefix) == 1) return substr(f, length(prefix) + 1)
	return f
}
function add(size, file,   n) {
	if (!counted(out)) return
	n = hex(size); if (n == 0) return
	bytes[who(file)] += n; sum += n
}
/^Linker script and memory map/ { m = 1; next }
!m { next }
/^[^ ]/ { out = $1; pend = 0; next }
/^ [^ *]/ {
	if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) add($3, $4)
	else if (NF == 1) pend = 1
	next
}
pend && /^  +0x/ { if (NF == 3 && $2 ~ /^0x/) add($2, $3); pend = 0; next }
{ pend = 0 }
END {
	printf "%-40s %8d bytes stripped (%.1f KiB; budget 300 KiB)\n", "ctbox", total, total / 1024
	for (k in bytes) printf "%8d %s\n", bytes[k], k | "sort -rn"
	close("sort -rn")
	printf "%8d %s\n", total - sum, "(ELF headers, alignment, section table)"
}' "$map" | awk 'NR == 1 { print; next } { printf "  %-38s %8d\n", substr($0, 10), $1 }'
