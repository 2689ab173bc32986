/* cthelper codec and requests (see helper.h).  Attribute order follows
 * nfct 1.4.7's messages, so that captures of both compare byte for byte. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cthelper.h>

#include "attr.h"
#include "helper.h"
#include "lib/timeout.h"
#include "nl.h"

static const struct {
	uint16_t type;
	uint16_t flags;
} reqs[] = {
	[HELPER_REQ_LIST] = { NFNL_MSG_CTHELPER_GET, NLM_F_DUMP },
	[HELPER_REQ_ADD] = { NFNL_MSG_CTHELPER_NEW, NLM_F_CREATE | NLM_F_ACK },
	[HELPER_REQ_GET] = { NFNL_MSG_CTHELPER_GET, NLM_F_ACK },
	[HELPER_REQ_DELETE] = { NFNL_MSG_CTHELPER_DEL, NLM_F_ACK },
	[HELPER_REQ_FLUSH] = { NFNL_MSG_CTHELPER_DEL, NLM_F_ACK },
	[HELPER_REQ_DISABLE] = { NFNL_MSG_CTHELPER_NEW,
				 NLM_F_CREATE | NLM_F_ACK },
};

static int put_tuple(struct nlmsghdr *nlh, size_t size, const struct helper *h)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, size, NFCTH_TUPLE);

	if (!nest ||
	    !mnl_attr_put_u16_check(nlh, size, NFCTH_TUPLE_L3PROTONUM,
				    htons(h->l3)) ||
	    !mnl_attr_put_u8_check(nlh, size, NFCTH_TUPLE_L4PROTONUM,
				   (h->present & HELPER_F_L4) ? h->l4 : 0))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int put_policies(struct nlmsghdr *nlh, size_t size,
			const struct helper *h)
{
	struct nlattr *nest, *set;
	unsigned int i;

	if (h->n_policy > HELPER_POLICY_MAX)
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, size, NFCTH_POLICY);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < h->n_policy; i++) {
		const struct helper_policy *pol = &h->policy[i];
		uint16_t type = (uint16_t)(NFCTH_POLICY_SET + i);

		set = mnl_attr_nest_start_check(nlh, size, type);
		if (!set ||
		    !mnl_attr_put_strz_check(nlh, size, NFCTH_POLICY_NAME,
					     pol->name) ||
		    !mnl_attr_put_u32_check(nlh, size, NFCTH_POLICY_EXPECT_MAX,
					    htonl(pol->expect_max)) ||
		    !mnl_attr_put_u32_check(nlh, size,
					    NFCTH_POLICY_EXPECT_TIMEOUT,
					    htonl(pol->expect_timeout)))
			return -EMSGSIZE;
		mnl_attr_nest_end(nlh, set);
	}
	if (!mnl_attr_put_u32_check(nlh, size, NFCTH_POLICY_SET_NUM,
				    htonl(h->n_policy)))
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int put_body(struct nlmsghdr *nlh, size_t size, enum helper_req req,
		    const struct helper *h)
{
	const uint32_t full = HELPER_F_NAME | HELPER_F_L3 | HELPER_F_L4;
	int r;

	switch (req) {
	case HELPER_REQ_LIST:
	case HELPER_REQ_FLUSH:
		return 0;
	case HELPER_REQ_ADD:
		if (!h || (h->present & full) != full)
			return -EINVAL;
		if (!mnl_attr_put_strz_check(nlh, size, NFCTH_NAME, h->name))
			return -EMSGSIZE;
		if (h->present & HELPER_F_QUEUE &&
		    !mnl_attr_put_u32_check(nlh, size, NFCTH_QUEUE_NUM,
					    htonl(h->queue_num)))
			return -EMSGSIZE;
		if (!mnl_attr_put_u32_check(nlh, size, NFCTH_PRIV_DATA_LEN,
					    htonl(h->priv_len)))
			return -EMSGSIZE;
		if ((r = put_tuple(nlh, size, h)) < 0)
			return r;
		return put_policies(nlh, size, h);
	case HELPER_REQ_GET:
	case HELPER_REQ_DELETE:
		if (!h || !(h->present & HELPER_F_NAME))
			return -EINVAL;
		if (!mnl_attr_put_strz_check(nlh, size, NFCTH_NAME, h->name))
			return -EMSGSIZE;
		/* 1.4.7 sends the tuple as soon as a family is given, with
		 * protocol 0 when none is. */
		if (h->present & HELPER_F_L3)
			return put_tuple(nlh, size, h);
		return 0;
	case HELPER_REQ_DISABLE:
		if (!h || (h->present & full) != full)
			return -EINVAL;
		if (!mnl_attr_put_strz_check(nlh, size, NFCTH_NAME, h->name))
			return -EMSGSIZE;
		if ((r = put_tuple(nlh, size, h)) < 0)
			return r;
		if (!mnl_attr_put_u32_check(nlh, size, NFCTH_STATUS,
					    htonl(NFCT_HELPER_STATUS_DISABLED)))
			return -EMSGSIZE;
		return 0;
	}
	return -EINVAL;
}

struct nlmsghdr *helper_nl_req(void *buf, size_t size, enum helper_req req,
			       const struct helper *h)
{
	struct nlmsghdr *nlh;
	int r;

	if ((size_t)req >= sizeof(reqs) / sizeof(reqs[0]) ||
	    size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))) {
		errno = EINVAL;
		return NULL;
	}
	/* libmnl leaves attribute padding as it finds it: start clean so
	 * that no byte of an earlier request is sent again. */
	memset(buf, 0, size);
	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTHELPER, reqs[req].type,
			   reqs[req].flags, AF_UNSPEC, NFNETLINK_V0, 0);
	r = put_body(nlh, size, req, h);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	return nlh;
}

static const struct nla_pol helper_pol[NFCTH_MAX + 1] = {
	[NFCTH_NAME] = { NLA_STR, 0 },
	[NFCTH_TUPLE] = { NLA_NEST, 0 },
	[NFCTH_QUEUE_NUM] = { NLA_U32, 0 },
	[NFCTH_POLICY] = { NLA_NEST, 0 },
	[NFCTH_PRIV_DATA_LEN] = { NLA_U32, 0 },
	[NFCTH_STATUS] = { NLA_U32, 0 },
};

static const struct nla_pol tuple_pol[NFCTH_TUPLE_MAX + 1] = {
	[NFCTH_TUPLE_L3PROTONUM] = { NLA_U16, 0 },
	[NFCTH_TUPLE_L4PROTONUM] = { NLA_U8, 0 },
};

static const struct nla_pol set_pol[NFCTH_POLICY_SET_MAX + 1] = {
	[NFCTH_POLICY_SET_NUM] = { NLA_U32, 0 },
	[NFCTH_POLICY_SET ... NFCTH_POLICY_SET_MAX] = { NLA_NEST, 0 },
};

static const struct nla_pol pol_pol[NFCTH_POLICY_MAX + 1] = {
	[NFCTH_POLICY_NAME] = { NLA_STR, 0 },
	[NFCTH_POLICY_EXPECT_MAX] = { NLA_U32, 0 },
	[NFCTH_POLICY_EXPECT_TIMEOUT] = { NLA_U32, 0 },
};

static int parse_policies(const struct nlattr *nest, struct helper *h)
{
	const struct nlattr *tb[NFCTH_POLICY_SET_MAX + 1];
	const struct nlattr *pb[NFCTH_POLICY_MAX + 1];
	unsigned int i;
	int r;

	r = nla_parse_nest(nest, set_pol, NFCTH_POLICY_SET_MAX, tb);
	if (r < 0)
		return r;
	for (i = 0; i < HELPER_POLICY_MAX; i++) {
		const struct nlattr *set = tb[NFCTH_POLICY_SET + i];
		struct helper_policy *pol = &h->policy[i];

		if (!set)
			break;
		r = nla_parse_nest(set, pol_pol, NFCTH_POLICY_MAX, pb);
		if (r < 0)
			return r;
		if (pb[NFCTH_POLICY_NAME] &&
		    nla_strcpy(pol->name, sizeof(pol->name),
			       pb[NFCTH_POLICY_NAME]) < 0)
			return -EBADMSG;
		if (pb[NFCTH_POLICY_EXPECT_MAX])
			pol->expect_max = nla_be32(pb[NFCTH_POLICY_EXPECT_MAX]);
		if (pb[NFCTH_POLICY_EXPECT_TIMEOUT])
			pol->expect_timeout =
				nla_be32(pb[NFCTH_POLICY_EXPECT_TIMEOUT]);
	}
	h->n_policy = i;
	h->present |= HELPER_F_POLICY;
	return 0;
}

int helper_nl_parse(const struct nlmsghdr *nlh, struct helper *h)
{
	const struct nlattr *tb[NFCTH_MAX + 1];
	const struct nlattr *tt[NFCTH_TUPLE_MAX + 1];
	int r;

	memset(h, 0, sizeof(*h));
	r = nla_parse_msg(nlh, sizeof(struct nfgenmsg), helper_pol, NFCTH_MAX,
			  tb);
	if (r < 0)
		return r;
	if (tb[NFCTH_NAME]) {
		if (nla_strcpy(h->name, sizeof(h->name), tb[NFCTH_NAME]) < 0)
			return -EBADMSG;
		h->present |= HELPER_F_NAME;
	}
	if (tb[NFCTH_TUPLE]) {
		r = nla_parse_nest(tb[NFCTH_TUPLE], tuple_pol, NFCTH_TUPLE_MAX,
				   tt);
		if (r < 0)
			return r;
		if (tt[NFCTH_TUPLE_L3PROTONUM]) {
			h->l3 = nla_be16(tt[NFCTH_TUPLE_L3PROTONUM]);
			h->present |= HELPER_F_L3;
		}
		if (tt[NFCTH_TUPLE_L4PROTONUM]) {
			h->l4 = nla_u8(tt[NFCTH_TUPLE_L4PROTONUM]);
			h->present |= HELPER_F_L4;
		}
	}
	if (tb[NFCTH_QUEUE_NUM]) {
		h->queue_num = nla_be32(tb[NFCTH_QUEUE_NUM]);
		h->present |= HELPER_F_QUEUE;
	}
	if (tb[NFCTH_PRIV_DATA_LEN]) {
		h->priv_len = nla_be32(tb[NFCTH_PRIV_DATA_LEN]);
		h->present |= HELPER_F_PRIV_LEN;
	}
	if (tb[NFCTH_STATUS]) {
		h->status = nla_be32(tb[NFCTH_STATUS]);
		h->present |= HELPER_F_STATUS;
	}
	if (tb[NFCTH_POLICY])
		return parse_policies(tb[NFCTH_POLICY], h);
	return 0;
}

struct run_ctx {
	helper_cb cb;
	void *data;
};

static int on_helper(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *c = data;
	struct helper h;
	int r;

	if (nl_msg_subsys(nlh) != NFNL_SUBSYS_CTHELPER)
		return 0;
	r = helper_nl_parse(nlh, &h);
	if (r < 0)
		return r;
	return c->cb ? c->cb(&h, c->data) : 0;
}

int helper_nl_run(struct nl *nl, enum helper_req req, const struct helper *h,
		  helper_cb cb, void *data)
{
	struct run_ctx c = { cb, data };
	struct nlmsghdr *nlh;
	size_t size;
	void *buf = nl_req_buf(nl, &size);

	nlh = helper_nl_req(buf, size, req, h);
	if (!nlh)
		return -errno;
	return nl_request(nl, nlh, on_helper, &c);
}
