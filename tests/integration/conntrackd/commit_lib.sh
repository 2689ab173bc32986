# shellcheck shell=bash
# Sourced by the commit tests (40_commit*.t), after lib.sh.

# commit_label_rules NS...: a ruleset using ct label (it never matches) in
# each NS: without one the kernel gives new flows no label extension.
commit_label_rules() {
	local ns
	printf '%s\n' 'table inet h3 {' ' chain c {' \
		'  type filter hook prerouting priority 0;' \
		'  meta mark 0x7fffffff ct label set 3' ' }' '}' >"$T_TMP/label.nft"
	for ns in "$@"; do
		in_ns "$ns" nft -f "$T_TMP/label.nft" || t_fail "nft ct label ruleset in $ns"
	done
}

# commit_conf NAME LOCAL PEER IF PORT NET [UDP_EXTRA [GENERAL_EXTRA]]: the
# FT-FW/UDP config of one side of a commit test in $T_TMP/NAME.conf, with
# ExpectationSync and its files in $T_TMP; the sync link's own traffic
# (NET) is left out of the table.  The extras are lines of option text.
commit_conf() {
	cat >"$T_TMP/$1.conf" <<EOF
Sync {
	Mode FTFW {
	}
	UDP {
		IPv4_address $2
		IPv4_Destination_Address $3
		Port $5
		Interface $4
${7:-}
	}
	Options {
		ExpectationSync On
	}
}
General {
${8:-}
	LogFile $T_TMP/$1.log
	LockFile $T_TMP/$1.lock
	UNIX {
		Path $T_TMP/$1.ctl
	}
	Filter From Userspace {
		Address Ignore {
			IPv4_address $6
		}
	}
}
EOF
}

# commit_ftp NS SECONDS: FTP through NS's ftp helper on its loopback, kept
# for SECONDS: one control connection whose PORT was followed by the data
# connection (a related flow with its master), one whose PORT left an
# expectation waiting.  Its pid in $FTP.
commit_ftp() {
	printf '%s\n' 'table inet ftp {' ' ct helper ftp-std { type "ftp" protocol tcp; }' \
		' chain out { type filter hook output priority 0; tcp dport 21 ct helper set "ftp-std"; }' \
		'}' >"$T_TMP/ftp.nft"
	in_ns "$1" nft -f "$T_TMP/ftp.nft" || t_fail "nft ftp helper in $1"
	cat >"$T_TMP/ftp.py" <<'PY'
import socket, sys, time
def sock():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return s
srv = sock(); srv.bind(("127.0.0.1", 21)); srv.listen(4)
def control(port):
    c = socket.create_connection(("127.0.0.1", 21)); s, _ = srv.accept()
    # the helper reads a command only after a line it has seen end
    c.sendall(b"USER ftp\r\n"); s.recv(100); s.sendall(b"230 ok\r\n"); c.recv(100)
    c.sendall(b"PORT 127,0,0,1,%d,%d\r\n" % (port >> 8, port & 255))
    s.recv(100); s.sendall(b"200 PORT command successful.\r\n"); c.recv(100)
    return c, s
keep = [control(40001)]
ls = sock(); ls.bind(("127.0.0.1", 40001)); ls.listen(1)
d = sock(); d.bind(("127.0.0.1", 20)); d.connect(("127.0.0.1", 40001))
keep += [d, ls.accept(), control(40002)]
print("ready", flush=True)
time.sleep(float(sys.argv[1]))
PY
	in_ns "$1" python3 "$T_TMP/ftp.py" "$2" >"$T_TMP/ftp.out" 2>&1 &
	# shellcheck disable=SC2034 # the caller's
	FTP=$!
	for _ in $(seq 50); do grep -q ready "$T_TMP/ftp.out" && break; sleep 0.1; done
}

# commit_same_counts WHAT REF OURS: the count lines of two logs' commits
# ("Committed N new entries", "N entries can't be committed") the same
COMMIT_COUNTS='(Committed [0-9]+ new [a-z]+|[0-9]+ [a-z]+ can.t be committed)'
commit_same_counts() {
	local r o
	r=$(grep -oE "$COMMIT_COUNTS" "$2" | paste -sd,)
	o=$(grep -oE "$COMMIT_COUNTS" "$3" | paste -sd,)
	if [ -n "$r" ] && [ "$r" = "$o" ]; then
		t_ok "$1: $o"
	else
		t_fail "$1" "1.4.7: $r" "ours: $o"
	fi
}

# commit_kinds NS: one flow of every kind in NS (conntrack-kinds'
# create.args and labels.args, by the reference conntrack).  Other tests
# may swap the system's label map meanwhile (it is one global file): each
# labelled flow gets a few tries with ours put back; labels_ok=1 if one
# could not be created.
commit_kinds() {
	local line try args
	ref_create_file "$1" "$DATA/create.args"
	# shellcheck disable=SC2034 # the caller's
	labels_ok=0
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		read -r -a args <<<"$line"
		for try in 1 2 3 4 5 0; do
			# shellcheck disable=SC2034
			[ $try = 0 ] && { labels_ok=1; break; }
			t_connlabel_install "$DATA/connlabel.conf"
			in_ns "$1" "$REF_BIN/conntrack" -I "${args[@]}" >/dev/null 2>&1 && break
			sleep 0.2
		done
	done <"$DATA/labels.args"
}
