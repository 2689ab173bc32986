/* netlink/exp.c: struct exp -> message -> struct exp round trips, the
 * attribute order and bytes 1.4.7 sends for -I expect (spec §7.11),
 * event types, and malformed input. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "lib/ct.h"
#include "netlink/exp.h"
#include "t.h"

static _Alignas(8) char buf[4096];

static void tuple(struct ct_tuple *t, const char *s, const char *d,
		  uint8_t l4, uint16_t sp, uint16_t dp)
{
	memset(t, 0, sizeof(*t));
	t->l3 = AF_INET;
	t->l4 = l4;
	inet_pton(AF_INET, s, &t->src);
	inet_pton(AF_INET, d, &t->dst);
	t->sport = sp;
	t->dport = dp;
	t->present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
}

static void sample(struct exp *e)
{
	memset(e, 0, sizeof(*e));
	e->family = AF_INET;
	tuple(&e->master, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, 45282, 69);
	tuple(&e->tuple, "10.0.0.3", "10.0.0.4", IPPROTO_UDP, 0, 40000);
	tuple(&e->mask, "255.255.255.255", "255.255.255.0", IPPROTO_UDP, 0,
	      65535);
	e->timeout = 100;
	exp_set(e, EXP_A_MASTER);
	exp_set(e, EXP_A_TUPLE);
	exp_set(e, EXP_A_MASK);
	exp_set(e, EXP_A_TIMEOUT);
}

static void test_layout(void)
{
	struct exp e;
	struct nlmsghdr *nlh;
	const struct nlattr *a;
	int order[8], n = 0;

	sample(&e);
	nlh = exp_nl_build(buf, sizeof(buf), IPCTNL_MSG_EXP_NEW,
			   NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, AF_INET, &e);
	CHECK(nlh != NULL, "-I expect message built");
	if (!nlh)
		return;
	CHECK_EQ(nlh->nlmsg_type, NFNL_SUBSYS_CTNETLINK_EXP << 8 | IPCTNL_MSG_EXP_NEW,
		 "type EXP_NEW in the expect subsystem");
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
		 "flags REQUEST|CREATE|EXCL|ACK");
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (n < 8)
			order[n++] = mnl_attr_get_type(a);
	CHECK_EQ(n, 4, "four attributes");
	CHECK(n == 4 && order[0] == CTA_EXPECT_TUPLE &&
	      order[1] == CTA_EXPECT_MASTER && order[2] == CTA_EXPECT_MASK &&
	      order[3] == CTA_EXPECT_TIMEOUT,
	      "1.4.7 order: TUPLE MASTER MASK TIMEOUT");
	/* CTA_EXPECT_TUPLE {IP{T1,T2} PROTO{17, 0, 40000}} */
	{
		static const unsigned char want[] = {
			0x34, 0x00, 0x02, 0x80,
			0x14, 0x00, 0x01, 0x80,
			0x08, 0x00, 0x01, 0x00, 10, 0, 0, 3,
			0x08, 0x00, 0x02, 0x00, 10, 0, 0, 4,
			0x1c, 0x00, 0x02, 0x80,
			0x05, 0x00, 0x01, 0x00, 17, 0, 0, 0,
			0x06, 0x00, 0x02, 0x00, 0x00, 0x00, 0, 0,
			0x06, 0x00, 0x03, 0x00, 0x9c, 0x40, 0, 0,
		};
		CHECK_MEM((char *)nlh + NLMSG_HDRLEN + 4, want, sizeof(want),
			  "expected tuple bytes as 1.4.7 sends them");
	}
}

static void test_roundtrip(void)
{
	struct exp e, back;
	struct nlmsghdr *nlh;

	sample(&e);
	strcpy(e.helper, "tftp");
	exp_set(&e, EXP_A_HELPER);
	e.zone = 7;
	exp_set(&e, EXP_A_ZONE);
	e.flags = EXP_F_PERMANENT | EXP_F_USERSPACE;
	exp_set(&e, EXP_A_FLAGS);
	e.class = 2;
	exp_set(&e, EXP_A_CLASS);
	e.nat_dir = 1;
	exp_set(&e, EXP_A_NAT_DIR);
	tuple(&e.nat_tuple, "192.0.2.1", "192.0.2.2", IPPROTO_UDP, 1, 2);
	exp_set(&e, EXP_A_NAT_TUPLE);
	strcpy(e.fn, "sip");
	exp_set(&e, EXP_A_FN);
	nlh = exp_nl_build(buf, sizeof(buf), IPCTNL_MSG_EXP_NEW, NLM_F_CREATE,
			   AF_INET, &e);
	CHECK(nlh && exp_nl_parse(nlh, &back) == 0, "full expectation parses back");
	if (!nlh)
		return;
	CHECK_EQ(back.present, e.present, "same attributes present");
	CHECK_MEM(&back.master, &e.master, sizeof(e.master), "master tuple");
	CHECK_MEM(&back.tuple, &e.tuple, sizeof(e.tuple), "expected tuple");
	CHECK_MEM(&back.mask, &e.mask, sizeof(e.mask), "mask tuple");
	CHECK_MEM(&back.nat_tuple, &e.nat_tuple, sizeof(e.nat_tuple), "nat tuple");
	CHECK_EQ(back.timeout, 100, "timeout");
	CHECK_EQ(back.zone, 7, "zone");
	CHECK_EQ(back.flags, e.flags, "flags");
	CHECK_EQ(back.class, 2, "class");
	CHECK_EQ(back.nat_dir, 1, "nat dir");
	CHECK_STR(back.helper, "tftp", "helper");
	CHECK_STR(back.fn, "sip", "fn");
	CHECK_EQ(back.family, AF_INET, "family from nfgenmsg");
	CHECK_EQ(exp_nl_event(nlh), CT_EV_NEW, "EXP_NEW with CREATE is NEW");
	nlh->nlmsg_flags = 0;
	CHECK_EQ(exp_nl_event(nlh), CT_EV_UPDATE, "EXP_NEW without CREATE is UPDATE");
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK_EXP << 8 | IPCTNL_MSG_EXP_DELETE;
	CHECK_EQ(exp_nl_event(nlh), CT_EV_DESTROY, "EXP_DELETE is DESTROY");
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	CHECK_EQ(exp_nl_event(nlh), CT_EV_NONE, "a conntrack message is no exp event");
}

static void test_bad(void)
{
	struct exp e, back;
	struct nlmsghdr *nlh;
	struct nlattr *a;

	sample(&e);
	CHECK(exp_nl_build(buf, 40, IPCTNL_MSG_EXP_NEW, 0, AF_INET, &e) == NULL &&
	      errno == EMSGSIZE, "too small a buffer: EMSGSIZE, no overrun");
	nlh = exp_nl_build(buf, sizeof(buf), IPCTNL_MSG_EXP_NEW, 0, AF_INET, &e);
	if (!nlh)
		return;
	/* a timeout attribute two bytes long */
	a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len - 8);
	a->nla_len = 6;
	CHECK_EQ(exp_nl_parse(nlh, &back), -EBADMSG, "short TIMEOUT: EBADMSG");
	nlh->nlmsg_len = NLMSG_HDRLEN;
	CHECK_EQ(exp_nl_parse(nlh, &back), -EBADMSG, "no nfgenmsg: EBADMSG");
	/* a helper name without its NUL */
	memset(&e, 0, sizeof(e));
	memset(e.helper, 'x', sizeof(e.helper) - 1);
	exp_set(&e, EXP_A_HELPER);
	nlh = exp_nl_build(buf, sizeof(buf), IPCTNL_MSG_EXP_NEW, 0, AF_INET, &e);
	CHECK(nlh && exp_nl_parse(nlh, &back) == 0 &&
	      strlen(back.helper) == sizeof(back.helper) - 1,
	      "longest helper name kept, NUL-terminated");
}

int main(void)
{
	test_layout();
	test_roundtrip();
	test_bad();
	T_DONE();
}
