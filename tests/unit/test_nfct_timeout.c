/* cttimeout requests byte for byte against nfct 1.4.7's (captured with
 * strace -e write=3, sequence number and port id zeroed), the parsing of
 * captured kernel replies, their text, and the model's word parsers. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "applets/nfct.h"
#include "lib/out.h"
#include "lib/timeout.h"
#include "netlink/timeout.h"
#include "t.h"

static const uint8_t t_add_icmpv6[] = {
	0x38, 0x00, 0x00, 0x00, 0x00, 0x08, 0x05, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00,
	0x74, 0x32, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x00, 0x0a, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x3a, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x04, 0x80,
	0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07,
};
static const uint8_t t_add_tcp[] = {
	0x40, 0x00, 0x00, 0x00, 0x00, 0x08, 0x05, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00,
	0x74, 0x31, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x06, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0x80,
	0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x64,
	0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x05,
};
static const uint8_t t_del[] = {
	0x1c, 0x00, 0x00, 0x00, 0x02, 0x08, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00,
	0x74, 0x31, 0x00, 0x00,
};
static const uint8_t t_dget[] = {
	0x24, 0x00, 0x00, 0x00, 0x04, 0x08, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x11, 0x00, 0x00, 0x00,
};
static const uint8_t t_dset[] = {
	0x30, 0x00, 0x00, 0x00, 0x03, 0x08, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x11, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x04, 0x80,
	0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x1e,
};
static const uint8_t t_flush[] = {
	0x14, 0x00, 0x00, 0x00, 0x02, 0x08, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t t_get[] = {
	0x1c, 0x00, 0x00, 0x00, 0x01, 0x08, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00,
	0x74, 0x31, 0x00, 0x00,
};
static const uint8_t t_list[] = {
	0x14, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t r_get[] = {
	0x90, 0x00, 0x00, 0x00, 0x00, 0x08, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00,
	0x74, 0x31, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x06, 0x00, 0x00, 0x00, 0x08, 0x00, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x5c, 0x00, 0x04, 0x80,
	0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x78,
	0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x3c,
	0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x64,
	0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x78,
	0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x3c,
	0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x1e,
	0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x78,
	0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x08, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x78,
	0x08, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x2c,
	0x08, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x01, 0x2c,
};
static const uint8_t r_dget_sctp[] = {
	0x70, 0x00, 0x00, 0x00, 0x03, 0x08, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x03, 0x00,
	0x84, 0x00, 0x00, 0x00, 0x4c, 0x00, 0x04, 0x80,
	0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0xd2,
	0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x1e,
	0x08, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static _Alignas(8) uint8_t buf[8192];

/* The request bytes without the seq/portid that nl_request fills in. */
static void check_req(const char *desc, enum timeout_req req,
		      const struct timeout_policy *p, const uint8_t *want,
		      size_t len)
{
	const uint8_t *nlh = (const uint8_t *)timeout_nl_req(buf, sizeof(buf),
							     req, p);

	CHECK(nlh != NULL, "%s: built", desc);
	if (!nlh)
		return;
	CHECK_EQ(*(const uint32_t *)nlh, len, "%s: length", desc);
	CHECK_MEM(nlh, want, len, "%s: bytes as nfct 1.4.7's", desc);
}

static void policy(struct timeout_policy *p, const char *name, uint16_t l3,
		   uint8_t l4)
{
	memset(p, 0, sizeof(*p));
	if (name)
		timeout_name_set(p, name);
	p->l3 = l3;
	p->l4 = l4;
	p->present |= TIMEOUT_F_L3 | TIMEOUT_F_L4;
}

static void set_state(struct timeout_policy *p, const char *state, uint32_t v)
{
	int i = timeout_state_index(p->l4, state);

	if (i >= 0) {
		p->val[i] = v;
		p->set |= 1u << i;
	}
}

static void test_requests(void)
{
	struct timeout_policy p;

	/* nfct add timeout t1 inet tcp close 5 established 100 */
	policy(&p, "t1", AF_INET, 6);
	set_state(&p, "close", 5);
	set_state(&p, "ESTABLISHED", 100);
	check_req("add tcp", TIMEOUT_REQ_ADD, &p, t_add_tcp, sizeof(t_add_tcp));
	/* nfct add timeout t2 inet6 icmpv6 timeout 7 */
	policy(&p, "t2", AF_INET6, 58);
	set_state(&p, "timeout", 7);
	check_req("add icmpv6", TIMEOUT_REQ_ADD, &p, t_add_icmpv6,
		  sizeof(t_add_icmpv6));
	policy(&p, "t1", 0, 0);
	check_req("get", TIMEOUT_REQ_GET, &p, t_get, sizeof(t_get));
	check_req("delete", TIMEOUT_REQ_DELETE, &p, t_del, sizeof(t_del));
	check_req("list", TIMEOUT_REQ_LIST, NULL, t_list, sizeof(t_list));
	check_req("flush", TIMEOUT_REQ_FLUSH, NULL, t_flush, sizeof(t_flush));
	/* nfct default-set timeout inet udp unreplied 30 */
	policy(&p, NULL, AF_INET, 17);
	set_state(&p, "unreplied", 30);
	check_req("default-set", TIMEOUT_REQ_DEFAULT_SET, &p, t_dset,
		  sizeof(t_dset));
	policy(&p, NULL, AF_INET, 17);
	check_req("default-get", TIMEOUT_REQ_DEFAULT_GET, &p, t_dget,
		  sizeof(t_dget));

	/* What a request needs, and bounded writes. */
	memset(&p, 0, sizeof(p));
	errno = 0;
	CHECK(!timeout_nl_req(buf, sizeof(buf), TIMEOUT_REQ_GET, &p) &&
	      errno == EINVAL, "get without a name refused");
	CHECK(!timeout_nl_req(buf, sizeof(buf), TIMEOUT_REQ_ADD, NULL),
	      "add without a policy refused");
	policy(&p, "t1", AF_INET, 6);
	set_state(&p, "close", 5);
	errno = 0;
	CHECK(!timeout_nl_req(buf, 40, TIMEOUT_REQ_ADD, &p) && errno == EMSGSIZE,
	      "add into a too small buffer refused");
	CHECK(!timeout_nl_req(buf, 8, TIMEOUT_REQ_LIST, NULL),
	      "header into a too small buffer refused");
}

static const char tcp_text[] =
	".t1 = {\n"
	"\t.l3proto = 2,\n"
	"\t.l4proto = 6,\n"
	"\t.policy = {\n"
	"\t\t.SYN_SENT = 120,\n"
	"\t\t.SYN_RECV = 60,\n"
	"\t\t.ESTABLISHED = 100,\n"
	"\t\t.FIN_WAIT = 120,\n"
	"\t\t.CLOSE_WAIT = 60,\n"
	"\t\t.LAST_ACK = 30,\n"
	"\t\t.TIME_WAIT = 120,\n"
	"\t\t.CLOSE = 5,\n"
	"\t\t.SYN_SENT2 = 120,\n"
	"\t\t.RETRANS = 300,\n"
	"\t\t.UNACKNOWLEDGED = 300,\n"
	"\t},\n"
	"};\n";

static const char sctp_text[] =
	"\t.l3proto = 2,\n"
	"\t.l4proto = 132,\n"
	"\t.policy = {\n"
	"\t\t.CLOSED = 10,\n"
	"\t\t.COOKIE_WAIT = 3,\n"
	"\t\t.COOKIE_ECHOED = 3,\n"
	"\t\t.ESTABLISHED = 210,\n"
	"\t\t.SHUTDOWN_SENT = 3,\n"
	"\t\t.SHUTDOWN_RECD = 3,\n"
	"\t\t.SHUTDOWN_ACK_SENT = 3,\n"
	"\t},\n"
	"};\n";

static const char *text(const struct timeout_policy *p)
{
	static char ob[4096];
	struct out o;

	out_init(&o, -1, ob, sizeof(ob) - 1);
	nfct_timeout_print(&o, p);
	ob[o.len] = '\0';
	return ob;
}

static void test_replies(void)
{
	struct timeout_policy p;
	_Alignas(8) uint8_t msg[256];

	/* The kernel's answer to "get timeout t1" (tcp close 5 established 100) */
	memcpy(msg, r_get, sizeof(r_get));
	CHECK_EQ(timeout_nl_parse((const void *)msg, &p), 0, "get reply parses");
	CHECK_STR(p.name, "t1", "name");
	CHECK_EQ(p.l3, AF_INET, "l3");
	CHECK_EQ(p.l4, 6, "l4");
	CHECK(p.present & TIMEOUT_F_USE, "use present");
	CHECK_EQ(p.use, 1, "use");
	CHECK_EQ(p.set, 0x7ff, "all 11 tcp states present");
	CHECK_EQ(p.val[2], 100, "ESTABLISHED");
	CHECK_EQ(p.val[7], 5, "CLOSE");
	CHECK_STR(text(&p), tcp_text, "printed as nfct 1.4.7 prints it");

	/* default-get inet sctp: no name, nine values, seven printed */
	memcpy(msg, r_dget_sctp, sizeof(r_dget_sctp));
	CHECK_EQ(timeout_nl_parse((const void *)msg, &p), 0,
		 "default-get reply parses");
	CHECK(!(p.present & TIMEOUT_F_NAME), "no name");
	CHECK_EQ(p.set, 0x1ff, "nine sctp values");
	CHECK_EQ(p.val[7], 30, "HEARTBEAT_SENT kept");
	CHECK_STR(text(&p), sctp_text, "printed without name and heartbeat");

	/* Header 20, NAME 8, L3PROTO 8: L4PROTO's nla_len is at 36.  One
	 * running past the message ends the walk; L4PROTO is then missing. */
	memcpy(msg, r_get, sizeof(r_get));
	msg[36] = 0xff;
	CHECK_EQ(timeout_nl_parse((const void *)msg, &p), -EBADMSG,
		 "attribute past the end refused");
	memcpy(msg, r_get, sizeof(r_get));
	msg[36] = 4;		/* L4PROTO with no payload */
	CHECK_EQ(timeout_nl_parse((const void *)msg, &p), -EBADMSG,
		 "empty u8 attribute refused");
}

static void test_words(void)
{
	uint16_t l3;
	uint8_t l4;
	uint32_t v;
	unsigned int n;
	bool own;
	const char *const *names;
	struct timeout_policy p;
	static const struct {
		const char *w;
		uint8_t l4;
	} protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "udplite", 136 }, { "sctp", 132 },
		{ "dccp", 33 }, { "gre", 47 }, { "icmp", 1 }, { "icmpv6", 58 },
		{ "ipv6-icmp", 58 }, { "generic", 255 }, { "TCP", 6 },
	};
	size_t i;

	CHECK(nfct_l3_parse("inet", &l3) == 0 && l3 == AF_INET, "inet");
	CHECK(nfct_l3_parse("inet6", &l3) == 0 && l3 == AF_INET6, "inet6");
	CHECK_EQ(nfct_l3_parse("inet4", &l3), -EINVAL, "inet4 refused");
	CHECK_EQ(nfct_l3_parse("ine", &l3), -EINVAL, "no prefixes");
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		CHECK(nfct_l4_parse(protos[i].w, &l4) == 0 && l4 == protos[i].l4,
		      "protocol %s", protos[i].w);
	CHECK_EQ(nfct_l4_parse("foo", &l4), -EINVAL, "unknown protocol");
	CHECK_EQ(nfct_l4_parse("", &l4), -EINVAL, "empty protocol");

	names = timeout_states(6, &n, &own);
	CHECK(own && n == 11 && !strcmp(names[10], "UNACKNOWLEDGED"),
	      "tcp: 11 states");
	names = timeout_states(2, &n, &own);
	CHECK(!own && n == 1 && !strcmp(names[0], "TIMEOUT"),
	      "igmp prints with the generic list");
	CHECK_EQ(timeout_state_index(2, "timeout"), -ENOENT,
		 "igmp has no states to set");
	CHECK_EQ(timeout_state_index(132, "shutdown_ack_sent"), 6, "sctp");
	CHECK_EQ(timeout_state_index(33, "TimeWait"), 6, "dccp");
	CHECK_EQ(timeout_state_index(47, "replied"), 1, "gre");
	CHECK_EQ(timeout_state_index(136, "unreplied"), 0, "udplite");
	CHECK_EQ(timeout_state_index(6, "LISTEN"), -ENOENT, "no LISTEN");

	CHECK(timeout_value_parse("0", &v) == 0 && v == 0, "0");
	CHECK(timeout_value_parse("2147483", &v) == 0 && v == 2147483, "max");
	CHECK_EQ(timeout_value_parse("2147484", &v), -ERANGE, "max + 1");
	CHECK_EQ(timeout_value_parse("184467440737095516160", &v), -ERANGE,
		 "huge");
	CHECK_EQ(timeout_value_parse("", &v), -EINVAL, "empty");
	CHECK_EQ(timeout_value_parse("-1", &v), -EINVAL, "negative");
	CHECK_EQ(timeout_value_parse("+1", &v), -EINVAL, "sign");
	CHECK_EQ(timeout_value_parse("12a", &v), -EINVAL, "garbage");
	CHECK_EQ(timeout_value_parse(" 1", &v), -EINVAL, "space");

	memset(&p, 0, sizeof(p));
	CHECK_EQ(timeout_name_set(&p, "abcdefghijabcdefghijabcdefghij1"), 0,
		 "31-byte name");
	CHECK_EQ(timeout_name_set(&p, "abcdefghijabcdefghijabcdefghij12"),
		 -ENAMETOOLONG, "32-byte name refused");
	CHECK_STR(p.name, "abcdefghijabcdefghijabcdefghij1", "name kept");
}

int main(void)
{
	test_requests();
	test_replies();
	test_words();
	T_DONE();
}
