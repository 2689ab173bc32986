#!/usr/bin/env bash
# Install what the test suite needs (Debian, as root).  Quick when all is
# there already: apt is only called for missing packages.
set -u
PKGS="build-essential pkg-config libmnl-dev musl-tools musl-dev linux-libc-dev
      conntrack conntrackd nfct iproute2 nftables iptables iputils-ping
      netcat-openbsd tcpdump jq keepalived strace kmod procps curl bzip2 busybox-static mandoc shellcheck python3"
# .ci/run installs this same list: the one place packages are named.
if [ "${1:-}" = --list ]; then
	echo $PKGS
	exit 0
fi
missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ echo "tests/deps.sh: apt-get failed"; exit 1; }
	# Installing conntrackd starts its service: no daemon may run on a test host.
	for s in conntrackd keepalived; do
		systemctl stop "$s" >/dev/null 2>&1 || true
		systemctl disable "$s" >/dev/null 2>&1 || true
		pkill -x "$s" >/dev/null 2>&1 || true
	done
fi
modprobe nf_conntrack >/dev/null 2>&1 || true
exit 0
