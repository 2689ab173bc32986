#!/usr/bin/env bash
# nfct helper: every command and every argument error against the
# reference.  This kernel has no cthelper netlink support, so requests
# that reach it fail with the same "netlink error" for both; the bytes of
# those requests are compared in 06_wire.t.
. "$(dirname "$0")/nfct_lib.sh"

nfct_pair
dual "list" list helper
dual "list: too many" list helper x
dual "add: missing parameters" add helper
dual "add: still missing" add helper ftp inet
dual "add ftp/tcp" add helper ftp inet tcp
dual "add ignores words after the protocol" add helper ftp inet tcp 5 6 7
dual "add amanda/udp (legacy order)" helper add amanda inet6 udp
dual "add: unknown family" add helper ftp inet4 tcp
dual "add: unsupported protocol" add helper ftp inet sctp
dual "add: protocol words are lowercase only" add helper ftp inet TCP
dual "add: unknown helper" add helper foo inet tcp
dual "add: helper/protocol mismatch" add helper ftp inet udp
dual "delete: no name" delete helper
dual "delete by name" delete helper ftp
dual "delete by name and family" delete helper ftp inet
dual "delete by name, family, protocol" delete helper ftp inet6 udp
dual "delete: too many" delete helper ftp inet tcp x
dual "delete: unknown family" delete helper ftp foo
dual "delete: unsupported protocol" delete helper ftp inet x
dual "get by name" get helper ftp
dual "get by name and tuple" get helper ftp inet tcp
dual "get: too many" get helper ftp inet4 x y
dual "get: unsupported protocol" get helper ftp inet sctp
dual "flush" flush helper
dual "flush: too many" flush helper extra
dual "disable: missing parameters" disable helper
dual "disable ftp" disable helper ftp inet tcp
dual "disable: unknown helper" disable helper foo inet tcp
dual "disable: extra words, family checked first" disable helper a b c d e
dual "default-set is not a helper command" default-set helper
dual "default-get is not a helper command" helper default-get x
for h in amanda/udp dhcpv6/udp ftp/tcp mdns/udp rpc/tcp rpc/udp sane/tcp \
	 slp/udp ssdp/udp ssdp/tcp tftp/udp tns/tcp; do
	dual "add known helper $h" add helper ${h%/*} inet ${h#*/}
done
t_done
