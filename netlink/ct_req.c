/* ctnetlink requests: dump, get, create, delete, flush, count, stats. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "attr.h"
#include "ct.h"
#include "nl.h"

struct dump_ctx {
	ct_cb cb;
	void *data;
};

static int on_ct(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct ct ct;
	int r;

	r = ct_nl_parse(nlh, &ct);
	if (r < 0)
		return r;
	return d->cb(&ct, ct_nl_event(nlh), d->data);
}

static struct nlmsghdr *dump_req(struct nl *nl, enum ct_table table,
				 bool zero, const struct ct_kfilter *kf,
				 int *err)
{
	static const uint16_t types[] = {
		[CT_TABLE_CONNTRACK] = IPCTNL_MSG_CT_GET,
		[CT_TABLE_DYING] = IPCTNL_MSG_CT_GET_DYING,
		[CT_TABLE_UNCONFIRMED] = IPCTNL_MSG_CT_GET_UNCONFIRMED,
	};
	struct nlmsghdr *nlh;
	size_t size;
	void *buf = nl_req_buf(nl, &size);
	uint16_t type = types[table];

	if (table == CT_TABLE_CONNTRACK && zero)
		type = IPCTNL_MSG_CT_GET_CTRZERO;
	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK, type, NLM_F_DUMP,
			   kf ? kf->family : 0, 0, 0);
	/* Only the main table's dump knows filters. */
	if (kf && table == CT_TABLE_CONNTRACK &&
	    (*err = ct_nl_put_kfilter(nlh, size, kf)) < 0)
		return NULL;
	return nlh;
}

int ct_nl_dump(struct nl *nl, enum ct_table table, bool zero,
	       const struct ct_kfilter *kf, ct_cb cb, void *data)
{
	struct dump_ctx d = { cb, data };
	int r = 0;
	struct nlmsghdr *nlh = dump_req(nl, table, zero, kf, &r);

	if (!nlh)
		return r;
	return nl_request(nl, nlh, on_ct, &d);
}

int ct_nl_dump_start(struct nl *nl, const struct ct_kfilter *kf)
{
	int r = 0;
	struct nlmsghdr *nlh = dump_req(nl, CT_TABLE_CONNTRACK, false, kf, &r);

	if (!nlh)
		return r;
	return nl_dump_start(nl, nlh);
}

int ct_nl_dump_step(struct nl *nl, unsigned int max, ct_cb cb, void *data,
		    unsigned int *nread)
{
	struct dump_ctx d = { cb, data };

	return nl_dump_step(nl, max, on_ct, &d, nread);
}

int ct_nl_get(struct nl *nl, const struct ct *tmpl, ct_cb cb, void *data)
{
	struct dump_ctx d = { cb, data };
	size_t size;
	void *buf = nl_req_buf(nl, &size);
	struct nlmsghdr *nlh;

	nlh = ct_nl_build(buf, size, IPCTNL_MSG_CT_GET, NLM_F_ACK,
			  ct_l3(tmpl), tmpl, 0);
	if (!nlh)
		return -errno;
	return nl_request(nl, nlh, on_ct, &d);
}

int ct_nl_create(struct nl *nl, const struct ct *ct, uint16_t flags)
{
	size_t size;
	void *buf = nl_req_buf(nl, &size);
	struct nlmsghdr *nlh;

	nlh = ct_nl_build(buf, size, IPCTNL_MSG_CT_NEW, NLM_F_ACK | flags,
			  ct_l3(ct), ct, CT_BUILD_CONFIRMED);
	if (!nlh)
		return -errno;
	return nl_request(nl, nlh, NULL, NULL);
}

int ct_nl_delete(struct nl *nl, const struct ct *ct)
{
	size_t size;
	void *buf = nl_req_buf(nl, &size);
	struct nlmsghdr *nlh;

	nlh = ct_nl_build(buf, size, IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
			  ct_l3(ct), ct, 0);
	if (!nlh)
		return -errno;
	return nl_request(nl, nlh, NULL, NULL);
}

int ct_nl_flush(struct nl *nl, const struct ct_kfilter *kf)
{
	size_t size;
	void *buf = nl_req_buf(nl, &size);
	struct nlmsghdr *nlh;
	uint8_t version = 0;
	int r;

	/* nfgenmsg version 1 asks the kernel to honour the family; version 0
	 * is the legacy "flush everything" that 1.4.7 sends. */
	if (kf && kf->family)
		version = 1;
	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE,
			   NLM_F_ACK, kf ? kf->family : 0, version, 0);
	if (kf) {
		struct ct_kfilter k = *kf;

		k.orig.present = k.reply.present = 0;	/* no CTA_FILTER on flush */
		if ((r = ct_nl_put_kfilter(nlh, size, &k)) < 0)
			return r;
	}
	return nl_request(nl, nlh, NULL, NULL);
}

static const struct nla_pol stats_pol[CT_STATS_MAX + 1] = {
	[1 ... CT_STATS_MAX] = { NLA_U32 },
};

struct count_ctx {
	uint32_t *entries;
	uint32_t *max;
};

static int on_count(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CT_STATS_MAX + 1];
	struct count_ctx *c = data;

	if (nla_parse_msg(nlh, sizeof(struct nfgenmsg), stats_pol,
			  CT_STATS_MAX, tb) < 0)
		return -EBADMSG;
	if (!tb[CTA_STATS_GLOBAL_ENTRIES])
		return -EBADMSG;
	*c->entries = nla_be32(tb[CTA_STATS_GLOBAL_ENTRIES]);
	if (c->max && tb[CTA_STATS_GLOBAL_MAX_ENTRIES])
		*c->max = nla_be32(tb[CTA_STATS_GLOBAL_MAX_ENTRIES]);
	return 0;
}

int ct_nl_count(struct nl *nl, uint32_t *entries, uint32_t *max)
{
	struct count_ctx c = { entries, max };
	void *buf = nl_req_buf(nl, NULL);
	struct nlmsghdr *nlh;

	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS,
			   NLM_F_ACK, 0, 0, 0);
	return nl_request(nl, nlh, on_count, &c);
}

struct stats_ctx {
	ct_stats_cb cb;
	void *data;
};

static int on_stats(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CT_STATS_MAX + 1];
	struct stats_ctx *s = data;
	struct ct_cpu_stats st;
	int i;

	if (nla_parse_msg(nlh, sizeof(struct nfgenmsg), stats_pol,
			  CT_STATS_MAX, tb) < 0)
		return -EBADMSG;
	memset(&st, 0, sizeof(st));
	st.cpu = nl_nfmsg_res_id(nlh);
	for (i = 1; i <= CT_STATS_MAX; i++) {
		if (!tb[i])
			continue;
		st.present |= 1u << (i - 1);
		st.val[i - 1] = nla_be32(tb[i]);
	}
	return s->cb(&st, s->data);
}

int ct_nl_stats_cpu(struct nl *nl, bool expect, ct_stats_cb cb, void *data)
{
	struct stats_ctx s = { cb, data };
	void *buf = nl_req_buf(nl, NULL);
	struct nlmsghdr *nlh;

	if (expect)
		nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK_EXP,
				   IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP, 0, 0, 0);
	else
		nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK,
				   IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, 0, 0, 0);
	return nl_request(nl, nlh, on_stats, &s);
}
