/* ctnetlink message -> struct ct.  Every attribute the kernel sends is kept;
 * a malformed attribute makes the whole message -EBADMSG. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "attr.h"
#include "ct.h"
#include "nl.h"

#ifndef CTA_TIMESTAMP_EVENT
#define CTA_TIMESTAMP_EVENT 3
#endif
#define TS_MAX CTA_TIMESTAMP_EVENT

static const struct nla_pol protoinfo_pol[CTA_PROTOINFO_MAX + 1] = {
	[CTA_PROTOINFO_TCP] = { NLA_NEST },
	[CTA_PROTOINFO_DCCP] = { NLA_NEST },
	[CTA_PROTOINFO_SCTP] = { NLA_NEST },
};

static const struct nla_pol tcp_pol[CTA_PROTOINFO_TCP_MAX + 1] = {
	[CTA_PROTOINFO_TCP_STATE] = { NLA_U8 },
	[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL] = { NLA_U8 },
	[CTA_PROTOINFO_TCP_WSCALE_REPLY] = { NLA_U8 },
	[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL] = { NLA_BIN, 2 },
	[CTA_PROTOINFO_TCP_FLAGS_REPLY] = { NLA_BIN, 2 },
};

static const struct nla_pol sctp_pol[CTA_PROTOINFO_SCTP_MAX + 1] = {
	[CTA_PROTOINFO_SCTP_STATE] = { NLA_U8 },
	[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL] = { NLA_U32 },
	[CTA_PROTOINFO_SCTP_VTAG_REPLY] = { NLA_U32 },
};

static const struct nla_pol dccp_pol[CTA_PROTOINFO_DCCP_MAX + 1] = {
	[CTA_PROTOINFO_DCCP_STATE] = { NLA_U8 },
	[CTA_PROTOINFO_DCCP_ROLE] = { NLA_U8 },
	[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ] = { NLA_U64 },
};

static const struct nla_pol counters_pol[CTA_COUNTERS_MAX + 1] = {
	[CTA_COUNTERS_PACKETS] = { NLA_U64 },
	[CTA_COUNTERS_BYTES] = { NLA_U64 },
	[CTA_COUNTERS32_PACKETS] = { NLA_U32 },
	[CTA_COUNTERS32_BYTES] = { NLA_U32 },
};

static const struct nla_pol ts_pol[TS_MAX + 1] = {
	[CTA_TIMESTAMP_START] = { NLA_U64 },
	[CTA_TIMESTAMP_STOP] = { NLA_U64 },
	[CTA_TIMESTAMP_EVENT] = { NLA_U64 },
};

static const struct nla_pol seqadj_pol[CTA_SEQADJ_MAX + 1] = {
	[CTA_SEQADJ_CORRECTION_POS] = { NLA_U32 },
	[CTA_SEQADJ_OFFSET_BEFORE] = { NLA_U32 },
	[CTA_SEQADJ_OFFSET_AFTER] = { NLA_U32 },
};

static const struct nla_pol synproxy_pol[CTA_SYNPROXY_MAX + 1] = {
	[CTA_SYNPROXY_ISN] = { NLA_U32 },
	[CTA_SYNPROXY_ITS] = { NLA_U32 },
	[CTA_SYNPROXY_TSOFF] = { NLA_U32 },
};

static const struct nla_pol name_pol[2] = {
	[1] = { NLA_STR },	/* CTA_HELP_NAME, CTA_SECCTX_NAME */
};

/* The tuple nests are walked directly (see nla_next): they are two thirds
 * of the attributes of every entry of a dump.  Where the kernel could send
 * two forms, IPv6 wins over IPv4 and ICMPv6 fields over ICMP ones. */
static int take_addr(const struct nlattr *a, size_t len, union ct_addr *dst)
{
	if (nla_len(a) < len)
		return -EBADMSG;
	memcpy(dst->b, nla_data(a), len);
	return 0;
}

/* The layouts the kernel sends in every entry (IPv4 or IPv6 address
 * pair; protocol number and port pair) are recognised by their headers
 * and read in place; anything else takes the general walk, so the result
 * is the same either way. */
static bool hdr_is(const char *p, uint16_t len, uint16_t type)
{
	struct nlattr h;

	memcpy(&h, p, sizeof(h));
	return h.nla_len == len && (h.nla_type & NLA_TYPE_MASK) == type;
}

static bool ip_fast(const struct nlattr *nest, struct ct_tuple *t)
{
	const char *p = nla_data(nest);
	size_t alen = nest->nla_len == NLA_HDRLEN + 16 ? 4 :
		      nest->nla_len == NLA_HDRLEN + 40 ? 16 : 0;
	uint16_t step = (uint16_t)(NLA_HDRLEN + alen);

	if (!alen ||
	    !hdr_is(p, step, alen == 4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC) ||
	    !hdr_is(p + step, step, alen == 4 ? CTA_IP_V4_DST : CTA_IP_V6_DST))
		return false;
	memcpy(t->src.b, p + NLA_HDRLEN, alen);
	memcpy(t->dst.b, p + step + NLA_HDRLEN, alen);
	t->l3 = alen == 4 ? AF_INET : AF_INET6;
	t->present |= CT_T_SRC | CT_T_DST;
	return true;
}

static bool ports_fast(const struct nlattr *nest, struct ct_tuple *t)
{
	const char *p = nla_data(nest);
	uint16_t v;

	if (nest->nla_len != NLA_HDRLEN + 24 ||
	    !hdr_is(p, NLA_HDRLEN + 1, CTA_PROTO_NUM) ||
	    !hdr_is(p + 8, NLA_HDRLEN + 2, CTA_PROTO_SRC_PORT) ||
	    !hdr_is(p + 16, NLA_HDRLEN + 2, CTA_PROTO_DST_PORT))
		return false;
	t->l4 = (uint8_t)p[NLA_HDRLEN];
	memcpy(&v, p + 8 + NLA_HDRLEN, 2);
	t->sport = be16toh(v);
	memcpy(&v, p + 16 + NLA_HDRLEN, 2);
	t->dport = be16toh(v);
	t->present |= CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
	return true;
}

static int parse_ip(const struct nlattr *nest, struct ct_tuple *t)
{
	struct nla_iter it;
	const struct nlattr *a;
	unsigned int seen = 0;	/* CT_T_SRC/CT_T_DST, << 8 for IPv6 */
	int r;

	if (ip_fast(nest, t))
		return 0;
	nla_iter_nest(&it, nest);
	while ((r = nla_next(&it, &a)) > 0) {
		switch (nla_type(a)) {
		case CTA_IP_V4_SRC:
			r = take_addr(a, 4, &t->src);
			seen |= CT_T_SRC;
			break;
		case CTA_IP_V4_DST:
			r = take_addr(a, 4, &t->dst);
			seen |= CT_T_DST;
			break;
		case CTA_IP_V6_SRC:
			r = take_addr(a, 16, &t->src);
			seen |= CT_T_SRC << 8;
			break;
		case CTA_IP_V6_DST:
			r = take_addr(a, 16, &t->dst);
			seen |= CT_T_DST << 8;
			break;
		}
		if (r < 0)
			return -EBADMSG;
	}
	if (r < 0)
		return -EBADMSG;
	if (seen & 0xff)
		t->l3 = AF_INET;
	if (seen >> 8)
		t->l3 = AF_INET6;
	t->present |= (seen | seen >> 8) & (CT_T_SRC | CT_T_DST);
	return 0;
}

static int parse_proto(const struct nlattr *nest, struct ct_tuple *t)
{
	/* [0] ICMP, [1] ICMPv6: id, type, code, and which were seen */
	uint16_t id[2] = { 0, 0 };
	uint8_t type[2] = { 0, 0 }, code[2] = { 0, 0 };
	uint32_t icmp[2] = { 0, 0 };
	struct nla_iter it;
	const struct nlattr *a;
	int r, v6;

	if (ports_fast(nest, t))
		return 0;
	nla_iter_nest(&it, nest);
	while ((r = nla_next(&it, &a)) > 0) {
		int ty = nla_type(a);

		v6 = ty >= CTA_PROTO_ICMPV6_ID;
		switch (ty) {
		case CTA_PROTO_NUM:
			if (nla_len(a) < 1)
				return -EBADMSG;
			t->l4 = nla_u8(a);
			t->present |= CT_T_L4;
			break;
		case CTA_PROTO_SRC_PORT:
			if (nla_len(a) < 2)
				return -EBADMSG;
			t->sport = nla_be16(a);
			t->present |= CT_T_SPORT;
			break;
		case CTA_PROTO_DST_PORT:
			if (nla_len(a) < 2)
				return -EBADMSG;
			t->dport = nla_be16(a);
			t->present |= CT_T_DPORT;
			break;
		case CTA_PROTO_ICMP_ID:
		case CTA_PROTO_ICMPV6_ID:
			if (nla_len(a) < 2)
				return -EBADMSG;
			id[v6] = nla_be16(a);
			icmp[v6] |= CT_T_ICMP_ID;
			break;
		case CTA_PROTO_ICMP_TYPE:
		case CTA_PROTO_ICMPV6_TYPE:
			if (nla_len(a) < 1)
				return -EBADMSG;
			type[v6] = nla_u8(a);
			icmp[v6] |= CT_T_ICMP_TYPE;
			break;
		case CTA_PROTO_ICMP_CODE:
		case CTA_PROTO_ICMPV6_CODE:
			if (nla_len(a) < 1)
				return -EBADMSG;
			code[v6] = nla_u8(a);
			icmp[v6] |= CT_T_ICMP_CODE;
			break;
		}
	}
	if (r < 0)
		return -EBADMSG;
	v6 = icmp[1] != 0;
	if (icmp[v6]) {
		t->icmp_id = id[v6];
		t->icmp_type = type[v6];
		t->icmp_code = code[v6];
		t->present |= icmp[v6];
	}
	return 0;
}

int ct_nl_parse_tuple(const struct nlattr *nest, struct ct_tuple *t)
{
	struct nla_iter it;
	const struct nlattr *a;
	int r;

	memset(t, 0, sizeof(*t));
	nla_iter_nest(&it, nest);
	while ((r = nla_next(&it, &a)) > 0) {
		switch (nla_type(a)) {
		case CTA_TUPLE_IP:
			r = parse_ip(a, t);
			break;
		case CTA_TUPLE_PROTO:
			r = parse_proto(a, t);
			break;
		case CTA_TUPLE_ZONE:
			if (nla_len(a) < 2)
				return -EBADMSG;
			t->zone = nla_be16(a);
			t->present |= CT_T_ZONE;
			break;
		}
		if (r < 0)
			return -EBADMSG;
	}
	return r < 0 ? -EBADMSG : 0;
}

static int parse_protoinfo(const struct nlattr *nest, struct ct *ct)
{
	const struct nlattr *tb[CTA_PROTOINFO_MAX + 1];
	const struct nlattr *p[CTA_PROTOINFO_TCP_MAX + 1];

	ct_set(ct, CT_A_PROTOINFO);
	if (nla_parse_nest(nest, protoinfo_pol, CTA_PROTOINFO_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTOINFO_TCP]) {
		const uint8_t *f;

		if (nla_parse_nest(tb[CTA_PROTOINFO_TCP], tcp_pol,
				   CTA_PROTOINFO_TCP_MAX, p) < 0)
			return -EBADMSG;
		if (p[CTA_PROTOINFO_TCP_STATE]) {
			ct->tcp.state = nla_u8(p[CTA_PROTOINFO_TCP_STATE]);
			ct_set(ct, CT_A_TCP_STATE);
		}
		if (p[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]) {
			ct->tcp.wscale[0] = nla_u8(p[CTA_PROTOINFO_TCP_WSCALE_ORIGINAL]);
			ct_set(ct, CT_A_TCP_WSCALE_ORIG);
		}
		if (p[CTA_PROTOINFO_TCP_WSCALE_REPLY]) {
			ct->tcp.wscale[1] = nla_u8(p[CTA_PROTOINFO_TCP_WSCALE_REPLY]);
			ct_set(ct, CT_A_TCP_WSCALE_REPLY);
		}
		if (p[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL]) {
			f = nla_data(p[CTA_PROTOINFO_TCP_FLAGS_ORIGINAL]);
			ct->tcp.flags[0] = f[0];
			ct->tcp.flags_mask[0] = f[1];
			ct_set(ct, CT_A_TCP_FLAGS_ORIG);
		}
		if (p[CTA_PROTOINFO_TCP_FLAGS_REPLY]) {
			f = nla_data(p[CTA_PROTOINFO_TCP_FLAGS_REPLY]);
			ct->tcp.flags[1] = f[0];
			ct->tcp.flags_mask[1] = f[1];
			ct_set(ct, CT_A_TCP_FLAGS_REPLY);
		}
	}
	if (tb[CTA_PROTOINFO_SCTP]) {
		if (nla_parse_nest(tb[CTA_PROTOINFO_SCTP], sctp_pol,
				   CTA_PROTOINFO_SCTP_MAX, p) < 0)
			return -EBADMSG;
		if (p[CTA_PROTOINFO_SCTP_STATE]) {
			ct->sctp.state = nla_u8(p[CTA_PROTOINFO_SCTP_STATE]);
			ct_set(ct, CT_A_SCTP_STATE);
		}
		if (p[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL]) {
			ct->sctp.vtag[0] = nla_be32(p[CTA_PROTOINFO_SCTP_VTAG_ORIGINAL]);
			ct_set(ct, CT_A_SCTP_VTAG_ORIG);
		}
		if (p[CTA_PROTOINFO_SCTP_VTAG_REPLY]) {
			ct->sctp.vtag[1] = nla_be32(p[CTA_PROTOINFO_SCTP_VTAG_REPLY]);
			ct_set(ct, CT_A_SCTP_VTAG_REPLY);
		}
	}
	if (tb[CTA_PROTOINFO_DCCP]) {
		if (nla_parse_nest(tb[CTA_PROTOINFO_DCCP], dccp_pol,
				   CTA_PROTOINFO_DCCP_MAX, p) < 0)
			return -EBADMSG;
		if (p[CTA_PROTOINFO_DCCP_STATE]) {
			ct->dccp.state = nla_u8(p[CTA_PROTOINFO_DCCP_STATE]);
			ct_set(ct, CT_A_DCCP_STATE);
		}
		if (p[CTA_PROTOINFO_DCCP_ROLE]) {
			ct->dccp.role = nla_u8(p[CTA_PROTOINFO_DCCP_ROLE]);
			ct_set(ct, CT_A_DCCP_ROLE);
		}
		if (p[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ]) {
			ct->dccp.hs_seq = nla_be64(p[CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ]);
			ct_set(ct, CT_A_DCCP_HS_SEQ);
		}
	}
	return 0;
}

static int parse_counters(const struct nlattr *nest, struct ct_counters *c)
{
	const struct nlattr *tb[CTA_COUNTERS_MAX + 1];

	if (nla_parse_nest(nest, counters_pol, CTA_COUNTERS_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_COUNTERS_PACKETS])
		c->packets = nla_be64(tb[CTA_COUNTERS_PACKETS]);
	else if (tb[CTA_COUNTERS32_PACKETS])
		c->packets = nla_be32(tb[CTA_COUNTERS32_PACKETS]);
	if (tb[CTA_COUNTERS_BYTES])
		c->bytes = nla_be64(tb[CTA_COUNTERS_BYTES]);
	else if (tb[CTA_COUNTERS32_BYTES])
		c->bytes = nla_be32(tb[CTA_COUNTERS32_BYTES]);
	return 0;
}

static int parse_seqadj(const struct nlattr *nest, struct ct_seqadj *s)
{
	const struct nlattr *tb[CTA_SEQADJ_MAX + 1];

	if (nla_parse_nest(nest, seqadj_pol, CTA_SEQADJ_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_SEQADJ_CORRECTION_POS])
		s->correction_pos = nla_be32(tb[CTA_SEQADJ_CORRECTION_POS]);
	if (tb[CTA_SEQADJ_OFFSET_BEFORE])
		s->offset_before = nla_be32(tb[CTA_SEQADJ_OFFSET_BEFORE]);
	if (tb[CTA_SEQADJ_OFFSET_AFTER])
		s->offset_after = nla_be32(tb[CTA_SEQADJ_OFFSET_AFTER]);
	return 0;
}

static int parse_name(const struct nlattr *nest, char *dst, size_t size)
{
	const struct nlattr *tb[2];

	if (nla_parse_nest(nest, name_pol, 1, tb) < 0)
		return -EBADMSG;
	if (!tb[1])
		return -ENOENT;
	/* kept whole or refused: secctx is as long as the context the
	 * kernel names (an SELinux MLS range runs past 255 bytes) */
	return nla_strcpy(dst, size, tb[1]) < 0 ? -EBADMSG : 0;
}

static int parse_labels(const struct nlattr *a, uint32_t *words, uint8_t *len)
{
	size_t n = nla_len(a);

	if (n % 4)
		return -EBADMSG;
	if (n > CT_LABEL_WORDS * 4)
		n = CT_LABEL_WORDS * 4;	/* more than the kernel has today */
	memcpy(words, nla_data(a), n);
	*len = (uint8_t)n;
	return 0;
}

static int parse_ts(const struct nlattr *nest, struct ct *ct)
{
	const struct nlattr *p[TS_MAX + 1];

	if (nla_parse_nest(nest, ts_pol, TS_MAX, p) < 0)
		return -EBADMSG;
	if (p[CTA_TIMESTAMP_START]) {
		ct->ts_start = nla_be64(p[CTA_TIMESTAMP_START]);
		ct_set(ct, CT_A_TS_START);
	}
	if (p[CTA_TIMESTAMP_STOP]) {
		ct->ts_stop = nla_be64(p[CTA_TIMESTAMP_STOP]);
		ct_set(ct, CT_A_TS_STOP);
	}
	if (p[CTA_TIMESTAMP_EVENT]) {
		ct->ts_event = nla_be64(p[CTA_TIMESTAMP_EVENT]);
		ct_set(ct, CT_A_TS_EVENT);
	}
	return 0;
}

static int parse_synproxy(const struct nlattr *nest, struct ct *ct)
{
	const struct nlattr *p[CTA_SYNPROXY_MAX + 1];

	if (nla_parse_nest(nest, synproxy_pol, CTA_SYNPROXY_MAX, p) < 0)
		return -EBADMSG;
	if (p[CTA_SYNPROXY_ISN])
		ct->synproxy.isn = nla_be32(p[CTA_SYNPROXY_ISN]);
	if (p[CTA_SYNPROXY_ITS])
		ct->synproxy.its = nla_be32(p[CTA_SYNPROXY_ITS]);
	if (p[CTA_SYNPROXY_TSOFF])
		ct->synproxy.tsoff = nla_be32(p[CTA_SYNPROXY_TSOFF]);
	ct_set(ct, CT_A_SYNPROXY);
	return 0;
}

/* A helper or security context without its name attribute is absent. */
static int parse_named(const struct nlattr *nest, char *dst, size_t size,
		       struct ct *ct, enum ct_attr bit)
{
	int r = parse_name(nest, dst, size);

	if (r == -EBADMSG)
		return r;
	if (r == 0)
		ct_set(ct, bit);
	return 0;
}

static int parse_tuple(const struct nlattr *a, struct ct_tuple *t,
		       struct ct *ct, enum ct_attr bit)
{
	if (ct_nl_parse_tuple(a, t) < 0)
		return -EBADMSG;
	ct_set(ct, bit);
	return 0;
}

static int parse_u32(const struct nlattr *a, uint32_t *v, struct ct *ct,
		     enum ct_attr bit)
{
	if (nla_len(a) < 4)
		return -EBADMSG;
	*v = nla_be32(a);
	ct_set(ct, bit);
	return 0;
}

static int parse_nest(int r, struct ct *ct, enum ct_attr bit)
{
	if (r < 0)
		return -EBADMSG;
	ct_set(ct, bit);
	return 0;
}

/* One walk over the top-level attributes, each handled (and its length
 * checked) as it comes: a policy table of every CTA_* slot, cleared and
 * re-read per entry, was a sixth of the instructions of a dump.  Types
 * not handled here (NAT_SRC/DST, MARK_MASK, FILTER, newer ones) are
 * skipped. */
static int parse_attr(const struct nlattr *a, int type, struct ct *ct)
{
	switch (type) {
	case CTA_TUPLE_ORIG:
		return parse_tuple(a, &ct->orig, ct, CT_A_ORIG);
	case CTA_TUPLE_REPLY:
		return parse_tuple(a, &ct->reply, ct, CT_A_REPLY);
	case CTA_TUPLE_MASTER:
		return parse_tuple(a, &ct->master, ct, CT_A_MASTER);
	case CTA_STATUS:
		return parse_u32(a, &ct->status, ct, CT_A_STATUS);
	case CTA_TIMEOUT:
		return parse_u32(a, &ct->timeout, ct, CT_A_TIMEOUT);
	case CTA_MARK:
		return parse_u32(a, &ct->mark, ct, CT_A_MARK);
	case CTA_SECMARK:
		return parse_u32(a, &ct->secmark, ct, CT_A_SECMARK);
	case CTA_USE:
		return parse_u32(a, &ct->use, ct, CT_A_USE);
	case CTA_ID:
		return parse_u32(a, &ct->id, ct, CT_A_ID);
	case CTA_ZONE:
		if (nla_len(a) < 2)
			return -EBADMSG;
		ct->zone = nla_be16(a);
		ct_set(ct, CT_A_ZONE);
		return 0;
	case CTA_PROTOINFO:
		return parse_protoinfo(a, ct);
	case CTA_COUNTERS_ORIG:
		return parse_nest(parse_counters(a, &ct->counters[0]), ct,
				  CT_A_COUNTERS_ORIG);
	case CTA_COUNTERS_REPLY:
		return parse_nest(parse_counters(a, &ct->counters[1]), ct,
				  CT_A_COUNTERS_REPLY);
	case CTA_SEQ_ADJ_ORIG:
		return parse_nest(parse_seqadj(a, &ct->seqadj[0]), ct,
				  CT_A_SEQADJ_ORIG);
	case CTA_SEQ_ADJ_REPLY:
		return parse_nest(parse_seqadj(a, &ct->seqadj[1]), ct,
				  CT_A_SEQADJ_REPLY);
	case CTA_LABELS:
		return parse_nest(parse_labels(a, ct->labels, &ct->labels_len),
				  ct, CT_A_LABELS);
	case CTA_LABELS_MASK:
		return parse_nest(parse_labels(a, ct->labels_mask,
					       &ct->labels_mask_len),
				  ct, CT_A_LABELS_MASK);
	case CTA_TIMESTAMP:
		return parse_ts(a, ct);
	case CTA_SYNPROXY:
		return parse_synproxy(a, ct);
	case CTA_HELP:
		return parse_named(a, ct->helper, sizeof(ct->helper), ct,
				   CT_A_HELPER);
	case CTA_SECCTX:
		return parse_named(a, ct->secctx, sizeof(ct->secctx), ct,
				   CT_A_SECCTX);
	}
	return 0;
}

int ct_nl_parse(const struct nlmsghdr *nlh, struct ct *ct)
{
	struct nla_iter it;
	const struct nlattr *a;
	int r;

	ct_init(ct);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg)))
		return -EBADMSG;
	ct->family = nl_nfmsg_family(nlh);
	it.p = (const char *)nlh + NLMSG_HDRLEN +
	       NLMSG_ALIGN(sizeof(struct nfgenmsg));
	it.end = (const char *)nlh + nlh->nlmsg_len;
	while ((r = nla_next(&it, &a)) > 0) {
		if (parse_attr(a, nla_type(a), ct) < 0)
			return -EBADMSG;
	}
	return r < 0 ? -EBADMSG : 0;
}

enum ct_event ct_nl_event(const struct nlmsghdr *nlh)
{
	switch (nl_msg_type(nlh)) {
	case IPCTNL_MSG_CT_NEW:
		return (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ?
			CT_EV_NEW : CT_EV_UPDATE;
	case IPCTNL_MSG_CT_DELETE:
		return CT_EV_DESTROY;
	}
	return CT_EV_NONE;
}
