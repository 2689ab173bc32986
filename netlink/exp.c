/* ctnetlink expectations: codec and requests.  Attribute order of the
 * builder follows libnetfilter_conntrack's nfexp_nlmsg_build so captures
 * of 1.4.7 and of us compare byte for byte. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "attr.h"
#include "ct.h"
#include "exp.h"
#include "nl.h"

static const struct nla_pol exp_pol[CTA_EXPECT_MAX + 1] = {
	[CTA_EXPECT_MASTER] = { NLA_NEST },
	[CTA_EXPECT_TUPLE] = { NLA_NEST },
	[CTA_EXPECT_MASK] = { NLA_NEST },
	[CTA_EXPECT_TIMEOUT] = { NLA_U32 },
	[CTA_EXPECT_ID] = { NLA_U32 },
	[CTA_EXPECT_HELP_NAME] = { NLA_STR },
	[CTA_EXPECT_ZONE] = { NLA_U16 },
	[CTA_EXPECT_FLAGS] = { NLA_U32 },
	[CTA_EXPECT_CLASS] = { NLA_U32 },
	[CTA_EXPECT_NAT] = { NLA_NEST },
	[CTA_EXPECT_FN] = { NLA_STR },
};

static const struct nla_pol nat_pol[CTA_EXPECT_NAT_MAX + 1] = {
	[CTA_EXPECT_NAT_DIR] = { NLA_U32 },
	[CTA_EXPECT_NAT_TUPLE] = { NLA_NEST },
};

static int parse_tuple(const struct nlattr *a, struct exp *e,
		       struct ct_tuple *t, enum exp_attr bit)
{
	if (!a)
		return 0;
	if (ct_nl_parse_tuple(a, t) < 0)
		return -EBADMSG;
	exp_set(e, bit);
	return 0;
}

int exp_nl_parse(const struct nlmsghdr *nlh, struct exp *e)
{
	const struct nlattr *tb[CTA_EXPECT_MAX + 1];

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		return -EBADMSG;
	e->family = nl_nfmsg_family(nlh);
	if (nla_parse_msg(nlh, sizeof(struct nfgenmsg), exp_pol,
			  CTA_EXPECT_MAX, tb) < 0)
		return -EBADMSG;
	if (parse_tuple(tb[CTA_EXPECT_MASTER], e, &e->master, EXP_A_MASTER) ||
	    parse_tuple(tb[CTA_EXPECT_TUPLE], e, &e->tuple, EXP_A_TUPLE) ||
	    parse_tuple(tb[CTA_EXPECT_MASK], e, &e->mask, EXP_A_MASK))
		return -EBADMSG;
	if (tb[CTA_EXPECT_TIMEOUT]) {
		e->timeout = nla_be32(tb[CTA_EXPECT_TIMEOUT]);
		exp_set(e, EXP_A_TIMEOUT);
	}
	if (tb[CTA_EXPECT_ID]) {
		e->id = nla_be32(tb[CTA_EXPECT_ID]);
		exp_set(e, EXP_A_ID);
	}
	if (tb[CTA_EXPECT_HELP_NAME]) {
		if (nla_strcpy(e->helper, sizeof(e->helper),
			       tb[CTA_EXPECT_HELP_NAME]) < 0)
			return -EBADMSG;
		exp_set(e, EXP_A_HELPER);
	}
	if (tb[CTA_EXPECT_ZONE]) {
		e->zone = nla_be16(tb[CTA_EXPECT_ZONE]);
		exp_set(e, EXP_A_ZONE);
	}
	if (tb[CTA_EXPECT_FLAGS]) {
		e->flags = nla_be32(tb[CTA_EXPECT_FLAGS]);
		exp_set(e, EXP_A_FLAGS);
	}
	if (tb[CTA_EXPECT_CLASS]) {
		e->class = nla_be32(tb[CTA_EXPECT_CLASS]);
		exp_set(e, EXP_A_CLASS);
	}
	if (tb[CTA_EXPECT_NAT]) {
		const struct nlattr *nb[CTA_EXPECT_NAT_MAX + 1];

		if (nla_parse_nest(tb[CTA_EXPECT_NAT], nat_pol,
				   CTA_EXPECT_NAT_MAX, nb) < 0)
			return -EBADMSG;
		if (nb[CTA_EXPECT_NAT_DIR]) {
			e->nat_dir = nla_be32(nb[CTA_EXPECT_NAT_DIR]);
			exp_set(e, EXP_A_NAT_DIR);
		}
		if (parse_tuple(nb[CTA_EXPECT_NAT_TUPLE], e, &e->nat_tuple,
				EXP_A_NAT_TUPLE))
			return -EBADMSG;
	}
	if (tb[CTA_EXPECT_FN]) {
		if (nla_strcpy(e->fn, sizeof(e->fn), tb[CTA_EXPECT_FN]) < 0)
			return -EBADMSG;
		exp_set(e, EXP_A_FN);
	}
	return 0;
}

enum ct_event exp_nl_event(const struct nlmsghdr *nlh)
{
	if (nl_msg_subsys(nlh) != NFNL_SUBSYS_CTNETLINK_EXP)
		return CT_EV_NONE;
	switch (nl_msg_type(nlh)) {
	case IPCTNL_MSG_EXP_NEW:
		return (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ?
			CT_EV_NEW : CT_EV_UPDATE;
	case IPCTNL_MSG_EXP_DELETE:
		return CT_EV_DESTROY;
	}
	return CT_EV_NONE;
}

#define PUT(kind, ...) do { \
	if (!mnl_attr_put_##kind##_check(nlh, size, __VA_ARGS__)) \
		goto too_big; \
} while (0)

static bool put_tuple(struct nlmsghdr *nlh, size_t size, uint16_t type,
		      const struct exp *e, enum exp_attr bit,
		      const struct ct_tuple *t)
{
	if (!exp_has(e, bit))
		return true;
	return ct_nl_put_tuple(nlh, size, type, t) == 0;
}

struct nlmsghdr *exp_nl_build(void *buf, size_t size, uint16_t type,
			      uint16_t flags, uint8_t family,
			      const struct exp *e)
{
	struct nlmsghdr *nlh;

	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)))
		goto too_big;
	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK_EXP, type, flags, family,
			   0, 0);
	if (!put_tuple(nlh, size, CTA_EXPECT_TUPLE, e, EXP_A_TUPLE, &e->tuple) ||
	    !put_tuple(nlh, size, CTA_EXPECT_MASTER, e, EXP_A_MASTER,
		       &e->master) ||
	    !put_tuple(nlh, size, CTA_EXPECT_MASK, e, EXP_A_MASK, &e->mask))
		goto too_big;
	if (exp_has(e, EXP_A_TIMEOUT))
		PUT(u32, CTA_EXPECT_TIMEOUT, htonl(e->timeout));
	if (exp_has(e, EXP_A_FLAGS))
		PUT(u32, CTA_EXPECT_FLAGS, htonl(e->flags));
	if (exp_has(e, EXP_A_ZONE))
		PUT(u16, CTA_EXPECT_ZONE, htons(e->zone));
	if (exp_has(e, EXP_A_HELPER))
		PUT(strz, CTA_EXPECT_HELP_NAME, e->helper);
	if (exp_has(e, EXP_A_CLASS))
		PUT(u32, CTA_EXPECT_CLASS, htonl(e->class));
	if (exp_has(e, EXP_A_NAT_DIR) || exp_has(e, EXP_A_NAT_TUPLE)) {
		struct nlattr *n = mnl_attr_nest_start_check(nlh, size,
							     CTA_EXPECT_NAT);

		if (!n)
			goto too_big;
		if (exp_has(e, EXP_A_NAT_DIR))
			PUT(u32, CTA_EXPECT_NAT_DIR, htonl(e->nat_dir));
		if (!put_tuple(nlh, size, CTA_EXPECT_NAT_TUPLE, e,
			       EXP_A_NAT_TUPLE, &e->nat_tuple))
			goto too_big;
		mnl_attr_nest_end(nlh, n);
	}
	if (exp_has(e, EXP_A_FN))
		PUT(strz, CTA_EXPECT_FN, e->fn);
	return nlh;

too_big:
	errno = EMSGSIZE;
	return NULL;
}

struct exp_ctx {
	exp_cb cb;
	void *data;
};

static int on_exp(const struct nlmsghdr *nlh, void *data)
{
	struct exp_ctx *c = data;
	struct exp e;
	int r = exp_nl_parse(nlh, &e);

	if (r < 0)
		return r;
	return c->cb(&e, exp_nl_event(nlh), c->data);
}

static struct nlmsghdr *exp_dump_req(struct nl *nl, uint8_t family)
{
	return nl_put_nfmsg(nl_req_buf(nl, NULL), NFNL_SUBSYS_CTNETLINK_EXP,
			    IPCTNL_MSG_EXP_GET, NLM_F_DUMP, family, 0, 0);
}

int exp_nl_dump(struct nl *nl, uint8_t family, exp_cb cb, void *data)
{
	struct exp_ctx c = { cb, data };

	return nl_request(nl, exp_dump_req(nl, family), on_exp, &c);
}

int exp_nl_dump_start(struct nl *nl, uint8_t family)
{
	return nl_dump_start(nl, exp_dump_req(nl, family));
}

int exp_nl_dump_step(struct nl *nl, unsigned int max, exp_cb cb, void *data,
		     unsigned int *nread)
{
	struct exp_ctx c = { cb, data };

	return nl_dump_step(nl, max, on_exp, &c, nread);
}

static int request(struct nl *nl, uint16_t type, uint16_t flags,
		   const struct exp *e, exp_cb cb, void *data)
{
	struct exp_ctx c = { cb, data };
	struct nlmsghdr *nlh;
	size_t size;
	void *buf = nl_req_buf(nl, &size);
	uint8_t family = e->family;

	if (!family)
		family = e->tuple.l3 ? e->tuple.l3 : e->master.l3;
	nlh = exp_nl_build(buf, size, type, NLM_F_ACK | flags, family, e);
	if (!nlh)
		return -errno;
	return nl_request(nl, nlh, cb ? on_exp : NULL, &c);
}

int exp_nl_get(struct nl *nl, const struct exp *e, exp_cb cb, void *data)
{
	return request(nl, IPCTNL_MSG_EXP_GET, 0, e, cb, data);
}

int exp_nl_create(struct nl *nl, const struct exp *e)
{
	return request(nl, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL, e,
		       NULL, NULL);
}

int exp_nl_delete(struct nl *nl, const struct exp *e)
{
	return request(nl, IPCTNL_MSG_EXP_DELETE, 0, e, NULL, NULL);
}

int exp_nl_flush(struct nl *nl, uint8_t family)
{
	struct nlmsghdr *nlh;

	nlh = nl_put_nfmsg(nl_req_buf(nl, NULL), NFNL_SUBSYS_CTNETLINK_EXP,
			   IPCTNL_MSG_EXP_DELETE, NLM_F_ACK, family, 0, 0);
	return nl_request(nl, nlh, NULL, NULL);
}
