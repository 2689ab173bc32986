#!/usr/bin/env bash
# The OpenWrt package (config/openwrt/): what can be checked without an
# OpenWrt build tree.
# - The recipe: its Build/Compile run as a shell command with a host
#   compiler in place of OpenWrt's builds ctbox from a copy of the tree;
#   its Package/ctbox/install run as a shell script against a staging
#   directory installs exactly the binary, the links of PROVIDES, the init
#   script and the conffiles; PKG_VERSION is the binary's version.
# - The procd init script: sh -n (dash, busybox ash), shellcheck, and its
#   start_service/reload_service run against stand-ins of procd's shell
#   functions; the command it registers is then run as procd runs it.
# - The default config parses, and so does its FT-FW template.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/service_lib.sh"
[ "${TEST_REF:-0}" = 1 ] && { t_ok "the OpenWrt package is ctbox's: skipped under TEST_REF"; t_done; }
PKG=$TOP/config/openwrt
CONF_CHECK=$CTBOX_BIN/../tests/conf_check

# define NAME: the body of "define NAME ... endef" of the recipe.
define() {
	awk -v n="define $1" '$0 == n { f = 1; next } /^endef/ { f = 0 } f' "$PKG/Makefile"
}
# var NAME: the value of "NAME:=..." (inside a define too).
var() {
	sed -nE "s/^[[:space:]]*$1:=(.*)/\\1/p" "$PKG/Makefile" | head -1
}

# --- the recipe: Build/Compile ------------------------------------------
SRC=$T_TMP/build-dir
mkdir -p "$SRC"
cp -r "$TOP"/Makefile "$TOP"/applets "$TOP"/lib "$TOP"/netlink "$TOP"/sync "$TOP"/config "$SRC"/
define Build/Compile | sed -e 's/\$(MAKE)/make/g' -e 's/\$(PKG_JOBS)/-j2/g' \
	-e "s#\$(PKG_BUILD_DIR)#$SRC#g" -e 's/\$(TARGET_CC)/cc/g' -e 's/\$(TARGET_CFLAGS)/-Os/g' \
	-e 's/\$(TARGET_LDFLAGS)//g' -e 's/\$(TARGET_CPPFLAGS)//g' >"$T_TMP/compile.sh"
if grep -q '\$(' "$T_TMP/compile.sh" || [ ! -s "$T_TMP/compile.sh" ]; then
	t_fail "Build/Compile uses only the make variables this test stands in for" "$(cat "$T_TMP/compile.sh")"
# as OpenWrt's build runs it, not as a child of this suite's make (whose
# command-line variables, STATIC=1 or SAN=1, reach sub-makes in MAKEFLAGS
# and in the environment)
elif env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN -u STATIC -u O -u LIBMNL_SRC -u LIBMNL_URL -u LIBMNL_SHA256 \
	-u LIBMNL_LIBS -u LIBMNL_CFLAGS sh -e "$T_TMP/compile.sh" >"$T_TMP/compile.log" 2>&1 </dev/null &&
     [ -x "$SRC/build/ctbox" ]; then
	t_ok "Build/Compile builds \$(PKG_BUILD_DIR)/build/ctbox with the given CC, CFLAGS and libmnl"
else
	t_fail "Build/Compile builds ctbox" "$(tail -15 "$T_TMP/compile.log")"
fi
[ -x "$SRC/build/ctbox" ] || { mkdir -p "$SRC/build"; cp "$CTBOX_BIN/../ctbox" "$SRC/build/ctbox"; }

# --- the recipe: metadata -------------------------------------------------
ver=$("$SRC/build/ctbox" conntrack -V | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
[ -n "$ver" ] && [ "$(var PKG_VERSION)" = "$ver" ] && t_ok "PKG_VERSION is the binary's version ($ver)" ||
	t_fail "PKG_VERSION ($(var PKG_VERSION)) is the binary's version ($ver)"
deps=" $(var DEPENDS) "
[[ $deps == *" +libmnl "* && $deps == *" +kmod-nf-conntrack-netlink "* ]] &&
	t_ok "DEPENDS on libmnl and kmod-nf-conntrack-netlink" || t_fail "DEPENDS" "$deps"
# OpenWrt's conntrack-tools source package builds the packages conntrack
# and conntrackd (nfct is not packaged there).
[ "$(var CONFLICTS)" = "conntrack conntrackd" ] && t_ok "CONFLICTS with OpenWrt's conntrack and conntrackd" ||
	t_fail "CONFLICTS" "$(var CONFLICTS)"
for v in PKG_NAME PKG_RELEASE PKG_LICENSE PKG_SOURCE_PROTO PKG_SOURCE_URL PKG_SOURCE_VERSION SECTION CATEGORY TITLE; do
	[ -n "$(var $v)" ] || t_fail "the recipe sets $v"
done
grep -q '^include $(TOPDIR)/rules.mk$' "$PKG/Makefile" && grep -q '^include $(INCLUDE_DIR)/package.mk$' "$PKG/Makefile" &&
	grep -q '^$(eval $(call BuildPackage,ctbox))$' "$PKG/Makefile" &&
	t_ok "the recipe includes rules.mk and package.mk and calls BuildPackage" || t_fail "recipe frame"

# --- the recipe: Package/ctbox/install --------------------------------------
STAGE=$T_TMP/stage
define Package/ctbox/install | sed -e 's/\$(INSTALL_DIR)/install -d/g' -e 's/\$(INSTALL_BIN)/install -m0755/g' \
	-e 's/\$(INSTALL_CONF)/install -m0600/g' -e 's/\$(LN)/ln -sf/g' \
	-e "s#\$(1)#$STAGE#g" -e "s#\$(PKG_BUILD_DIR)#$SRC#g" >"$T_TMP/install.sh"
if grep -q '\$(' "$T_TMP/install.sh" || [ ! -s "$T_TMP/install.sh" ]; then
	t_fail "Package/ctbox/install uses only the make variables this test stands in for" "$(cat "$T_TMP/install.sh")"
elif out=$(cd "$PKG" && umask 022 && sh -e "$T_TMP/install.sh" 2>&1); then
	t_ok "Package/ctbox/install runs as a shell script"
else
	t_fail "Package/ctbox/install runs" "$out"
fi
# What the package says it holds: the binary, a link per PROVIDES name,
# the init script, the conffiles (mode 0600).
{
	echo "f 755 usr/sbin/ctbox"
	for p in $(var PROVIDES); do echo "l 777 usr/sbin/$p -> ctbox"; done
	echo "f 755 etc/init.d/conntrackd"
	define Package/ctbox/conffiles | sed -e 's#^/##' -e 's/^/f 600 /'
} | LC_ALL=C sort >"$T_TMP/want"
(cd "$STAGE" 2>/dev/null && find . ! -type d -printf '%y %m %P%l\n' | sed -E 's/^(l [0-9]+ [^ ]*)(ctbox)$/\1 -> \2/' |
	sed -E 's#^(l [0-9]+ usr/sbin/[a-z]+)ctbox#\1 -> ctbox#') | LC_ALL=C sort >"$T_TMP/got"
cmp -s "$T_TMP/want" "$T_TMP/got" && t_ok "the staging tree holds exactly what the package lists ($(wc -l <"$T_TMP/got") files)" ||
	t_fail "the staging tree holds exactly what the package lists" "$(diff "$T_TMP/want" "$T_TMP/got")"
cmp -s "$PKG/conntrackd.init" "$STAGE/etc/init.d/conntrackd" && cmp -s "$PKG/conntrackd.conf" "$STAGE/etc/conntrackd/conntrackd.conf" &&
	t_ok "init script and config installed from config/openwrt/" || t_fail "installed init script and config"
# each link's own version request (nothing that could start a daemon)
out=$("$STAGE/usr/sbin/conntrack" -V 2>&1; "$STAGE/usr/sbin/conntrackd" -v 2>&1 | head -1; "$STAGE/usr/sbin/nfct" 2>&1)
want="conntrack v$ver (ctbox)
Connection tracking userspace daemon v$ver. Licensed under GPLv2.
Usage: $STAGE/usr/sbin/nfct command subsystem [parameters]..."
[ "$out" = "$want" ] && t_ok "the installed links run conntrack, conntrackd and nfct" ||
	t_fail "installed links run their applet" "$out"

# --- the default config -----------------------------------------------------
out=$("$CONF_CHECK" "$STAGE/etc/conntrackd/conntrackd.conf" 2>&1)
[ "$out" = "accepted: mode=stats sync=ftfw channels=0/none" ] && t_ok "the default config parses: stats mode, no warning" ||
	t_fail "the default config parses" "$out"
sed '/^Stats {/,/^}/d' "$PKG/conntrackd.conf" >"$T_TMP/ftfw.conf"
sed -n '/BEGIN FT-FW template/,/END FT-FW template/p' "$PKG/conntrackd.conf" | sed -n 's/^#//p' |
	grep -v 'FT-FW template' >>"$T_TMP/ftfw.conf"
# its interfaces do not exist here: 1.4.7 warns the same
out=$("$CONF_CHECK" "$T_TMP/ftfw.conf" 2>&1 | grep -v '^\[warning\] .* is an invalid interface$')
[ "$out" = "accepted: mode=sync sync=ftfw channels=1/UDP" ] && t_ok "its FT-FW template, uncommented in place of Stats, parses" ||
	t_fail "the FT-FW template parses" "$out"

# --- the init script ---------------------------------------------------------
INIT=$PKG/conntrackd.init
for sh in sh dash "busybox sh"; do
	command -v ${sh%% *} >/dev/null || continue
	out=$($sh -n "$INIT" 2>&1) && t_ok "init script: $sh -n" || t_fail "init script: $sh -n" "$out"
done
if command -v shellcheck >/dev/null; then
	# The only exclusion: START, STOP and USE_PROCD are set for
	# /etc/rc.common, which sources the script and reads them (SC2034,
	# "appears unused").  Any other finding fails.
	out=$(shellcheck -s sh -f gcc "$INIT" 2>&1 |
		grep -vE ':[0-9]+:[0-9]+: warning: (START|STOP|USE_PROCD) appears unused\. .*\[SC2034\]$')
	[ -z "$out" ] && t_ok "init script: shellcheck -s sh (only rc.common's START/STOP/USE_PROCD excluded)" ||
		t_fail "init script: shellcheck -s sh" "$out"
else
	t_fail "shellcheck is installed (tests/deps.sh)"
fi
# rc.common sources the script and calls start_service / reload_service;
# procd's shell functions are stood in for by ones that write down what
# they are given.
cat >"$T_TMP/procd-stub.sh" <<'STUB'
procd_open_instance() { echo "open $*"; }
procd_set_param() { echo "param $*"; }
procd_close_instance() { echo "close"; }
procd_send_signal() { echo "signal $*"; }
. "$1"
[ "$USE_PROCD" = 1 ] && echo "use_procd"
echo "start=$START stop=$STOP"
start_service
reload_service
STUB
out=$(sh "$T_TMP/procd-stub.sh" "$INIT" 2>&1)
want="use_procd
start=90 stop=10
open 
param command /usr/sbin/conntrackd -C /etc/conntrackd/conntrackd.conf
param respawn 3600 5 5
param stdout 1
param stderr 1
close
signal conntrackd * HUP"
[ "$out" = "$want" ] &&
	t_ok "init script: one procd instance running conntrackd -C the config in the foreground, respawned; reload = SIGHUP" ||
	t_fail "init script under procd stand-ins" "$(diff <(echo "$want") <(echo "$out"))"

# The registered command, run as procd runs it: our conntrackd, the
# default config (its lock and socket moved into the test directory).
ns_new SVC_NS
svc_conf "$PKG/conntrackd.conf"
cmd=$(sed -n 's/^param command //p' <<<"$out")
read -r -a argv <<<"$cmd"
argv[0]=$(ours_path conntrackd)
[ "${argv[2]}" = /etc/conntrackd/conntrackd.conf ] && argv[2]=$SVC_CONF
svc_start "${argv[@]}"
svc_answers && t_ok "procd's command starts the daemon with the default config; it answers -s" ||
	t_fail "the daemon runs under procd's command" "$(svc_logs)"
svc_check_stop "procd stop (SIGTERM): exit 0, lock and socket removed"
svc_start "${argv[@]}"
svc_answers || t_fail "the daemon starts again after a stop" "$(svc_logs)"
svc_check_reload "procd reload (SIGHUP): the daemon keeps running and answering" HUP
svc_check_respawn "procd respawn after a crash (SIGKILL): the new daemon starts" "${argv[@]}"
kill -TERM "$SVC_PID" 2>/dev/null; wait "$SVC_PID" 2>/dev/null
t_done
