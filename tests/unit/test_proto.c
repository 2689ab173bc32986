/* Protocol names as conntrack-tools 1.4.7 on glibc takes them, whatever
 * libc ctbox is linked with: -p through the built-in handlers in any case,
 * then the protocols database (name or alias, exact case), then a number;
 * conntrackd's Protocol filter and nfct through the database alone. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "lib/proto.h"
#include "t.h"

int main(void)
{
	uint8_t num = 0;
	const struct proto *p;

	/* musl's getprotobyname() knows neither "SCTP" nor "sctp" */
	CHECK_EQ(proto_etc_num("sctp"), 132, "sctp: 132");
	CHECK_EQ(proto_etc_num("SCTP"), 132, "SCTP (the alias): 132");
	CHECK_EQ(proto_etc_num("UDPLite"), 136, "UDPLite: 136");
	CHECK_EQ(proto_etc_num("ipv6-icmp"), 58, "ipv6-icmp: 58");
	CHECK_EQ(proto_etc_num("Sctp"), -ENOENT, "Sctp: glibc compares exactly");
	CHECK_EQ(proto_etc_num("tcp "), -ENOENT, "no trailing blank");
	CHECK_EQ(proto_etc_num(""), -ENOENT, "empty name");
	if (access("/etc/protocols", R_OK) == 0) {
		/* beyond the built-in fallback: the file itself is read */
		CHECK_EQ(proto_etc_num("vrrp"), 112, "vrrp from /etc/protocols");
		CHECK_EQ(proto_etc_num("mptcp"), -ENOENT, "a number above 255 is no entry");
	}

	p = proto_find("Tcp", &num);
	CHECK(p && num == 6 && p != &proto_generic, "-p Tcp: the tcp handler");
	p = proto_find("SCTP", &num);
	CHECK(p && num == 132 && p != &proto_generic, "-p SCTP: the sctp handler");
	p = proto_find("IPSEC-ESP", &num);
	CHECK(p == &proto_generic && num == 50, "-p IPSEC-ESP: generic, 50");
	p = proto_find("ipsec-esp", &num);
	CHECK(p == NULL, "-p ipsec-esp: unknown (exact case for the database)");
	p = proto_find("47", &num);
	CHECK(p && num == 47 && p != &proto_generic, "-p 47: the gre handler");
	CHECK(proto_find("256", &num) == NULL, "-p 256: unknown");
	T_DONE();
}
