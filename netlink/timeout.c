/* cttimeout codec and requests (see timeout.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>

#include "attr.h"
#include "lib/timeout.h"
#include "nl.h"
#include "timeout.h"

static const struct {
	uint16_t type;
	uint16_t flags;
	uint32_t needs;		/* TIMEOUT_F_* it cannot do without */
	uint8_t data;		/* carries the policy's states */
} reqs[] = {
	[TIMEOUT_REQ_LIST] = { IPCTNL_MSG_TIMEOUT_GET, NLM_F_DUMP, 0, 0 },
	[TIMEOUT_REQ_ADD] = { IPCTNL_MSG_TIMEOUT_NEW, NLM_F_CREATE | NLM_F_ACK,
			      TIMEOUT_F_NAME | TIMEOUT_F_L3 | TIMEOUT_F_L4, 1 },
	[TIMEOUT_REQ_GET] = { IPCTNL_MSG_TIMEOUT_GET, NLM_F_ACK,
			      TIMEOUT_F_NAME, 0 },
	[TIMEOUT_REQ_DELETE] = { IPCTNL_MSG_TIMEOUT_DELETE, NLM_F_ACK,
				 TIMEOUT_F_NAME, 0 },
	[TIMEOUT_REQ_FLUSH] = { IPCTNL_MSG_TIMEOUT_DELETE, NLM_F_ACK, 0, 0 },
	[TIMEOUT_REQ_DEFAULT_SET] = { IPCTNL_MSG_TIMEOUT_DEFAULT_SET, NLM_F_ACK,
				      TIMEOUT_F_L3 | TIMEOUT_F_L4, 1 },
	[TIMEOUT_REQ_DEFAULT_GET] = { IPCTNL_MSG_TIMEOUT_DEFAULT_GET, NLM_F_ACK,
				      TIMEOUT_F_L3 | TIMEOUT_F_L4, 0 },
};

static int put_data(struct nlmsghdr *nlh, size_t size,
		    const struct timeout_policy *p)
{
	struct nlattr *nest;
	unsigned int i;

	nest = mnl_attr_nest_start_check(nlh, size, CTA_TIMEOUT_DATA);
	if (!nest)
		return -EMSGSIZE;
	/* Only the states given, by index: the kernel keeps its defaults
	 * for the others. */
	for (i = 0; i < TIMEOUT_STATES_MAX; i++) {
		if (!(p->set & (1u << i)))
			continue;
		if (!mnl_attr_put_u32_check(nlh, size, (uint16_t)(i + 1),
					    htonl(p->val[i])))
			return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

struct nlmsghdr *timeout_nl_req(void *buf, size_t size, enum timeout_req req,
				const struct timeout_policy *p)
{
	struct nlmsghdr *nlh;
	uint32_t needs;

	if ((size_t)req >= sizeof(reqs) / sizeof(reqs[0]) ||
	    size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))) {
		errno = EINVAL;
		return NULL;
	}
	needs = reqs[req].needs;
	if (needs && (!p || (p->present & needs) != needs)) {
		errno = EINVAL;
		return NULL;
	}
	/* libmnl leaves attribute padding as it finds it: start clean so
	 * that no byte of an earlier request is sent again. */
	memset(buf, 0, size);
	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK_TIMEOUT, reqs[req].type,
			   reqs[req].flags, AF_UNSPEC, NFNETLINK_V0, 0);
	if (!needs)
		return nlh;
	if ((needs & TIMEOUT_F_NAME) &&
	    !mnl_attr_put_strz_check(nlh, size, CTA_TIMEOUT_NAME, p->name))
		goto too_big;
	if ((needs & TIMEOUT_F_L3) &&
	    !mnl_attr_put_u16_check(nlh, size, CTA_TIMEOUT_L3PROTO,
				    htons(p->l3)))
		goto too_big;
	if ((needs & TIMEOUT_F_L4) &&
	    !mnl_attr_put_u8_check(nlh, size, CTA_TIMEOUT_L4PROTO, p->l4))
		goto too_big;
	/* No states, no CTA_TIMEOUT_DATA, as 1.4.7: the kernel then refuses
	 * a policy without values (EINVAL) instead of creating defaults. */
	if (reqs[req].data && p->set && put_data(nlh, size, p) < 0)
		goto too_big;
	return nlh;

too_big:
	errno = EMSGSIZE;
	return NULL;
}

static const struct nla_pol timeout_pol[CTA_TIMEOUT_MAX + 1] = {
	[CTA_TIMEOUT_NAME] = { NLA_STR, 0 },
	[CTA_TIMEOUT_L3PROTO] = { NLA_U16, 0 },
	[CTA_TIMEOUT_L4PROTO] = { NLA_U8, 0 },
	[CTA_TIMEOUT_DATA] = { NLA_NEST, 0 },
	[CTA_TIMEOUT_USE] = { NLA_U32, 0 },
};

static const struct nla_pol data_pol[TIMEOUT_STATES_MAX + 1] = {
	[1 ... TIMEOUT_STATES_MAX] = { NLA_U32, 0 },
};

int timeout_nl_parse(const struct nlmsghdr *nlh, struct timeout_policy *p)
{
	const struct nlattr *tb[CTA_TIMEOUT_MAX + 1];
	const struct nlattr *db[TIMEOUT_STATES_MAX + 1];
	int i, r;

	memset(p, 0, sizeof(*p));
	r = nla_parse_msg(nlh, sizeof(struct nfgenmsg), timeout_pol,
			  CTA_TIMEOUT_MAX, tb);
	if (r < 0)
		return r;
	if (!tb[CTA_TIMEOUT_L3PROTO] || !tb[CTA_TIMEOUT_L4PROTO])
		return -EBADMSG;
	if (tb[CTA_TIMEOUT_NAME]) {
		/* the kernel never sends more than 31 bytes */
		if (nla_strcpy(p->name, sizeof(p->name),
			       tb[CTA_TIMEOUT_NAME]) < 0)
			return -EBADMSG;
		p->present |= TIMEOUT_F_NAME;
	}
	p->l3 = nla_be16(tb[CTA_TIMEOUT_L3PROTO]);
	p->l4 = nla_u8(tb[CTA_TIMEOUT_L4PROTO]);
	p->present |= TIMEOUT_F_L3 | TIMEOUT_F_L4;
	if (tb[CTA_TIMEOUT_USE]) {
		p->use = nla_be32(tb[CTA_TIMEOUT_USE]);
		p->present |= TIMEOUT_F_USE;
	}
	if (!tb[CTA_TIMEOUT_DATA])
		return 0;
	r = nla_parse_nest(tb[CTA_TIMEOUT_DATA], data_pol, TIMEOUT_STATES_MAX,
			   db);
	if (r < 0)
		return r;
	for (i = 1; i <= TIMEOUT_STATES_MAX; i++) {
		if (!db[i])
			continue;
		p->val[i - 1] = nla_be32(db[i]);
		p->set |= 1u << (i - 1);
	}
	return 0;
}

struct run_ctx {
	timeout_cb cb;
	void *data;
};

static int on_policy(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *c = data;
	struct timeout_policy p;
	int r;

	if (nl_msg_subsys(nlh) != NFNL_SUBSYS_CTNETLINK_TIMEOUT)
		return 0;
	r = timeout_nl_parse(nlh, &p);
	if (r < 0)
		return r;
	return c->cb ? c->cb(&p, c->data) : 0;
}

int timeout_nl_run(struct nl *nl, enum timeout_req req,
		   const struct timeout_policy *p, timeout_cb cb, void *data)
{
	struct run_ctx c = { cb, data };
	struct nlmsghdr *nlh;
	size_t size;
	void *buf = nl_req_buf(nl, &size);

	nlh = timeout_nl_req(buf, size, req, p);
	if (!nlh)
		return -errno;
	return nl_request(nl, nlh, on_policy, &c);
}
