/* Strings from the kernel are kept whole: a security context longer than
 * 255 bytes (an SELinux MLS range, as 1.4.7 prints it), helper names and
 * expectation helper/function names go from a crafted ctnetlink message
 * through the parser to every printer unchanged; one that cannot be kept
 * whole makes the message refused, never cut.  (SELinux is not on the test
 * machine, so the kernel cannot be asked for such a context.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "lib/ct.h"
#include "lib/ct_print.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/exp.h"
#include "t.h"

#define NOW_NS (1795545780ull * 1000000000ull)

static _Alignas(8) char msg[16384];
static char obuf[OUT_BUF_SIZE + 1];

/* Append attribute type with len bytes of data (NLA-aligned) to nlh. */
static struct nlattr *append(struct nlmsghdr *nlh, uint16_t type,
			     const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)nlh +
					     NLMSG_ALIGN(nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

/* nest { name (NUL-terminated) } */
static void append_named(struct nlmsghdr *nlh, uint16_t nest, uint16_t type,
			 const char *s)
{
	struct nlattr *n = append(nlh, nest | NLA_F_NESTED, NULL, 0);
	size_t before = nlh->nlmsg_len;

	append(nlh, type, s, strlen(s) + 1);
	n->nla_len = (uint16_t)(NLA_HDRLEN + nlh->nlmsg_len - before);
}

static struct nlmsghdr *flow_msg(void)
{
	struct ct ct;

	ct_init(&ct);
	ct.orig.l3 = AF_INET;
	ct.orig.l4 = IPPROTO_UDP;
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			  CT_T_DPORT;
	inet_pton(AF_INET, "10.0.0.1", ct.orig.src.b);
	inet_pton(AF_INET, "10.0.0.2", ct.orig.dst.b);
	ct.orig.sport = 1;
	ct.orig.dport = 2;
	ct_set(&ct, CT_A_ORIG);
	ct_tuple_invert(&ct.reply, &ct.orig);
	ct_set(&ct, CT_A_REPLY);
	ct.timeout = 30;
	ct_set(&ct, CT_A_TIMEOUT);
	ct_set(&ct, CT_A_STATUS);
	return ct_nl_build(msg, sizeof(msg), IPCTNL_MSG_CT_NEW, 0, AF_INET,
			   &ct, 0);
}

static const char *print(void (*fn)(struct out *, const struct ct *,
				    const struct ct_print_opts *),
			 const struct ct *ct, unsigned int flags)
{
	struct ct_print_opts po = { .flags = flags, .now_ns = NOW_NS };
	struct out o;

	out_init(&o, -1, obuf, sizeof(obuf) - 1);
	fn(&o, ct, &po);
	obuf[o.len] = '\0';
	return obuf;
}

/* s:c0,c2,c4,...: an MLS category list as SELinux prints it */
static void mls_context(char *buf, size_t size, int ncat)
{
	size_t n = (size_t)snprintf(buf, size, "system_u:object_r:ctbox_packet_t:s0");
	int i;

	for (i = 0; i < ncat && n + 8 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%d", i ? ",c" : ":c",
				      2 * i);
}

static void test_secctx(void)
{
	static char ctx[CT_SECCTX_MAX + 64], want[2 * CT_SECCTX_MAX];
	struct nlmsghdr *nlh;
	struct ct ct;

	mls_context(ctx, sizeof(ctx), 80);	/* ~ 330 bytes */
	CHECK(strlen(ctx) > 255, "an MLS context of %zu bytes", strlen(ctx));
	nlh = flow_msg();
	append_named(nlh, CTA_HELP, CTA_HELP_NAME, "sane-helper-15c");
	append_named(nlh, CTA_SECCTX, CTA_SECCTX_NAME, ctx);
	CHECK(ct_nl_parse(nlh, &ct) == 0 && ct_has(&ct, CT_A_SECCTX) &&
	      ct_has(&ct, CT_A_HELPER), "parsed");
	CHECK_STR(ct.secctx, ctx, "secctx kept whole (%zu bytes)", strlen(ct.secctx));
	CHECK_STR(ct.helper, "sane-helper-15c", "helper name kept whole");

	snprintf(want, sizeof(want),
		 "udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] "
		 "src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 secctx=%s "
		 "helper=sane-helper-15c\n", ctx);
	CHECK_STR(print(ct_print_text, &ct, 0), want, "text: secctx whole");
	snprintf(want, sizeof(want),
		 "<meta direction=\"independent\"><timeout>30</timeout>"
		 "<secctx>%s</secctx><unreplied/></meta>"
		 "<helper>sane-helper-15c</helper></flow>\n", ctx);
	print(ct_print_xml, &ct, CT_OF_XML);
	CHECK(strstr(obuf, want) != NULL, "xml: secctx whole");
	snprintf(want, sizeof(want), ",\"secctx\":\"%s\",", ctx);
	print(ct_print_json, &ct, CT_OF_JSON);
	CHECK(strstr(obuf, want) != NULL &&
	      strstr(obuf, ",\"helper\":\"sane-helper-15c\""), "json: secctx whole");

	/* the longest that fits, and one byte more */
	memset(ctx, 'c', CT_SECCTX_MAX - 1);
	ctx[CT_SECCTX_MAX - 1] = '\0';
	nlh = flow_msg();
	append_named(nlh, CTA_SECCTX, CTA_SECCTX_NAME, ctx);
	CHECK(ct_nl_parse(nlh, &ct) == 0 && strlen(ct.secctx) == CT_SECCTX_MAX - 1,
	      "secctx of %d bytes kept whole", CT_SECCTX_MAX - 1);
	print(ct_print_text, &ct, 0);
	CHECK(strstr(obuf, ctx) && strstr(obuf, " secctx=c"), "and printed whole");
	ctx[CT_SECCTX_MAX - 1] = 'c';
	ctx[CT_SECCTX_MAX] = '\0';
	nlh = flow_msg();
	append_named(nlh, CTA_SECCTX, CTA_SECCTX_NAME, ctx);
	CHECK(ct_nl_parse(nlh, &ct) < 0,
	      "secctx of %d bytes: message refused, not cut", CT_SECCTX_MAX);

	memset(ctx, 'h', CT_HELPER_MAX);
	ctx[CT_HELPER_MAX] = '\0';
	nlh = flow_msg();
	append_named(nlh, CTA_HELP, CTA_HELP_NAME, ctx);
	CHECK(ct_nl_parse(nlh, &ct) < 0,
	      "helper name of %d bytes: message refused, not cut", CT_HELPER_MAX);
}

static void test_exp_names(void)
{
	struct nlmsghdr *nlh;
	struct exp e, back;
	char name[CT_HELPER_MAX + 1];
	int r;

	memset(&e, 0, sizeof(e));
	e.tuple.l3 = e.mask.l3 = e.master.l3 = AF_INET;
	e.tuple.l4 = e.mask.l4 = e.master.l4 = IPPROTO_TCP;
	e.tuple.present = e.mask.present = e.master.present =
		CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
	e.present = CT_BIT(EXP_A_MASTER) | CT_BIT(EXP_A_TUPLE) |
		    CT_BIT(EXP_A_MASK);
	nlh = exp_nl_build(msg, sizeof(msg), IPCTNL_MSG_EXP_NEW, 0, AF_INET, &e);
	memset(name, 'f', CT_HELPER_MAX - 1);
	name[CT_HELPER_MAX - 1] = '\0';
	append(nlh, CTA_EXPECT_HELP_NAME, "ftp", 4);
	append(nlh, CTA_EXPECT_FN, name, strlen(name) + 1);
	r = exp_nl_parse(nlh, &back);
	CHECK(r == 0 && !strcmp(back.helper, "ftp") && !strcmp(back.fn, name),
	      "expectation function name of %zu bytes kept whole", strlen(name));
	nlh = exp_nl_build(msg, sizeof(msg), IPCTNL_MSG_EXP_NEW, 0, AF_INET, &e);
	name[CT_HELPER_MAX - 1] = 'f';
	name[CT_HELPER_MAX] = '\0';
	append(nlh, CTA_EXPECT_HELP_NAME, name, strlen(name) + 1);
	CHECK(exp_nl_parse(nlh, &back) < 0,
	      "expectation helper name of %zu bytes: refused, not cut", strlen(name));
}

int main(void)
{
	test_secctx();
	test_exp_names();
	T_DONE();
}
