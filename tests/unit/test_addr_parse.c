/* lib/addr_parse.c against glibc's inet_aton/inet_pton forms. */
#include <sys/socket.h>

#include "lib/addr_parse.h"
#include "t.h"

static int v4(const char *s, uint32_t *out)
{
	union ct_addr a;
	int r = addr_parse_v4(s, &a);

	*out = (uint32_t)a.b[0] << 24 | (uint32_t)a.b[1] << 16 |
	       (uint32_t)a.b[2] << 8 | a.b[3];
	return r;
}

int main(void)
{
	union ct_addr a, m;
	uint32_t v = 0;
	int bits;
	const char *addr, *port;
	size_t alen;

	CHECK(v4("10.1", &v) == 0 && v == 0x0a000001, "10.1");
	CHECK(v4("0x0a000002", &v) == 0 && v == 0x0a000002, "hex");
	CHECK(v4("167772161", &v) == 0 && v == 0x0a000001, "decimal");
	CHECK(v4("010.0.0.1", &v) == 0 && v == 0x08000001, "octal part");
	CHECK(v4("1.2.3.4 junk", &v) == 0, "space ends the address");
	CHECK(v4("1.2.3.256", &v) < 0, "last part too big");
	CHECK(v4("1.2.65536", &v) < 0, "a.b.c form overflow");
	CHECK(v4("08.0.0.1", &v) < 0, "bad octal");
	CHECK(v4("1.2.3.4.5", &v) < 0, "five parts");
	CHECK(v4("", &v) < 0, "empty");
	CHECK(v4("4294967296", &v) < 0, "over 32 bits");

	CHECK(addr_parse_v6("2001:DB8::1.1.1.1", &a) == 0 &&
	      a.b[0] == 0x20 && a.b[15] == 1 && a.b[12] == 1, "v6 + dotted");
	CHECK(addr_parse_v6("::", &a) == 0, "::");
	CHECK(addr_parse_v6("::ffff:1.2.3.4", &a) == 0 && a.b[10] == 0xff,
	      "mapped");
	CHECK(addr_parse_v6("1::2::3", &a) < 0, "two gaps");
	CHECK(addr_parse_v6(":1::2", &a) < 0, "single leading colon");
	CHECK(addr_parse_v6("1::2:", &a) < 0, "trailing colon");
	CHECK(addr_parse_v6("1:2:3:4:5:6:7::8", &a) < 0, "gap with 8 groups");
	CHECK(addr_parse_v6("12345::1", &a) < 0, "5 hex digits");
	CHECK(addr_parse_v6("::01.2.3.4", &a) < 0, "leading zero in v4");
	CHECK(addr_parse_v6("1:2:3:4:5:6:7:8", &a) == 0 && a.b[15] == 8,
	      "full form");

	CHECK_EQ(addr_parse_cidr("10.0.0.0/8", &a, &bits), AF_INET, "cidr v4");
	CHECK_EQ(bits, 8, "bits");
	addr_parse_cidr("1.2.3.4/", &a, &bits);
	CHECK_EQ(bits, 0, "empty prefix is /0");
	addr_parse_cidr("1.2.3.4/33", &a, &bits);
	CHECK_EQ(bits, ADDR_BAD_MASK, "/33 bad");
	addr_parse_cidr("::1/129", &a, &bits);
	CHECK_EQ(bits, ADDR_BAD_MASK, "/129 bad");
	addr_parse_cidr("::1/12x", &a, &bits);
	CHECK_EQ(bits, ADDR_BAD_MASK, "junk bad");
	addr_netmask(AF_INET6, 36, &m);
	CHECK(m.b[3] == 0xff && m.b[4] == 0xf0 && m.b[5] == 0, "v6 netmask");

	CHECK_EQ(addr_split_nat("1.2.3.4:80", &addr, &alen, &port),
		 NAT_SPLIT_OK, "v4:port");
	CHECK(alen == 7 && port && port[0] == '8', "split v4:port");
	CHECK_EQ(addr_split_nat("[::1]:8080", &addr, &alen, &port),
		 NAT_SPLIT_OK, "[v6]:port");
	CHECK(alen == 3 && addr[0] == ':', "v6 address part");
	CHECK_EQ(addr_split_nat("1.2.3.4:80:80", &addr, &alen, &port),
		 NAT_SPLIT_OK, "two colons: a v6 literal");
	CHECK(port == NULL, "no port then");
	CHECK_EQ(addr_split_nat("[]:1", &addr, &alen, &port), NAT_SPLIT_NO_V6,
		 "[]");
	CHECK_EQ(addr_split_nat("[::1:1", &addr, &alen, &port),
		 NAT_SPLIT_NO_CLOSE, "no ]");
	CHECK_EQ(addr_split_nat("1.2.3.4:", &addr, &alen, &port),
		 NAT_SPLIT_NO_PORT, "no port");
	CHECK_EQ(addr_split_nat("1.2.3.4:65536", &addr, &alen, &port),
		 NAT_SPLIT_BAD_PORT, "port too big");
	CHECK_EQ(addr_split_nat("[::1]:80:80", &addr, &alen, &port),
		 NAT_SPLIT_BAD_PORT, "port with colon");
	T_DONE();
}
