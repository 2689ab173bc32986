/* ctnetlink message -> struct ct.  Every attribute the kernel sends is kept;
 * a malformed attribute makes the whole message -EBADMSG. */
#include <arpa/inet.h>
#include <errno.h>
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

static const struct nla_pol ip_pol[CTA_IP_MAX + 1] = {
	[CTA_IP_V4_SRC] = { NLA_U32 },
	[CTA_IP_V4_DST] = { NLA_U32 },
	[CTA_IP_V6_SRC] = { NLA_BIN, 16 },
	[CTA_IP_V6_DST] = { NLA_BIN, 16 },
};

static const struct nla_pol proto_pol[CTA_PROTO_MAX + 1] = {
	[CTA_PROTO_NUM] = { NLA_U8 },
	[CTA_PROTO_SRC_PORT] = { NLA_U16 },
	[CTA_PROTO_DST_PORT] = { NLA_U16 },
	[CTA_PROTO_ICMP_ID] = { NLA_U16 },
	[CTA_PROTO_ICMP_TYPE] = { NLA_U8 },
	[CTA_PROTO_ICMP_CODE] = { NLA_U8 },
	[CTA_PROTO_ICMPV6_ID] = { NLA_U16 },
	[CTA_PROTO_ICMPV6_TYPE] = { NLA_U8 },
	[CTA_PROTO_ICMPV6_CODE] = { NLA_U8 },
};

static const struct nla_pol tuple_pol[CTA_TUPLE_MAX + 1] = {
	[CTA_TUPLE_IP] = { NLA_NEST },
	[CTA_TUPLE_PROTO] = { NLA_NEST },
	[CTA_TUPLE_ZONE] = { NLA_U16 },
};

static const struct nla_pol ct_pol[CTA_MAX + 1] = {
	[CTA_TUPLE_ORIG] = { NLA_NEST },
	[CTA_TUPLE_REPLY] = { NLA_NEST },
	[CTA_STATUS] = { NLA_U32 },
	[CTA_PROTOINFO] = { NLA_NEST },
	[CTA_HELP] = { NLA_NEST },
	[CTA_NAT_SRC] = { NLA_NEST },
	[CTA_TIMEOUT] = { NLA_U32 },
	[CTA_MARK] = { NLA_U32 },
	[CTA_COUNTERS_ORIG] = { NLA_NEST },
	[CTA_COUNTERS_REPLY] = { NLA_NEST },
	[CTA_USE] = { NLA_U32 },
	[CTA_ID] = { NLA_U32 },
	[CTA_NAT_DST] = { NLA_NEST },
	[CTA_TUPLE_MASTER] = { NLA_NEST },
	[CTA_SEQ_ADJ_ORIG] = { NLA_NEST },
	[CTA_SEQ_ADJ_REPLY] = { NLA_NEST },
	[CTA_SECMARK] = { NLA_U32 },
	[CTA_ZONE] = { NLA_U16 },
	[CTA_SECCTX] = { NLA_NEST },
	[CTA_TIMESTAMP] = { NLA_NEST },
	[CTA_MARK_MASK] = { NLA_U32 },
	[CTA_LABELS] = { NLA_ANY },
	[CTA_LABELS_MASK] = { NLA_ANY },
	[CTA_SYNPROXY] = { NLA_NEST },
	[CTA_FILTER] = { NLA_NEST },
	[CTA_STATUS_MASK] = { NLA_U32 },
};

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

static int parse_ip(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *tb[CTA_IP_MAX + 1];

	if (nla_parse_nest(nest, ip_pol, CTA_IP_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_IP_V4_SRC] || tb[CTA_IP_V4_DST])
		t->l3 = AF_INET;
	if (tb[CTA_IP_V4_SRC]) {
		memcpy(&t->src.ip[0], nla_data(tb[CTA_IP_V4_SRC]), 4);
		t->present |= CT_T_SRC;
	}
	if (tb[CTA_IP_V4_DST]) {
		memcpy(&t->dst.ip[0], nla_data(tb[CTA_IP_V4_DST]), 4);
		t->present |= CT_T_DST;
	}
	if (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST])
		t->l3 = AF_INET6;
	if (tb[CTA_IP_V6_SRC]) {
		memcpy(t->src.b, nla_data(tb[CTA_IP_V6_SRC]), 16);
		t->present |= CT_T_SRC;
	}
	if (tb[CTA_IP_V6_DST]) {
		memcpy(t->dst.b, nla_data(tb[CTA_IP_V6_DST]), 16);
		t->present |= CT_T_DST;
	}
	return 0;
}

static int parse_proto(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *tb[CTA_PROTO_MAX + 1];
	int id = CTA_PROTO_ICMP_ID, type = CTA_PROTO_ICMP_TYPE,
	    code = CTA_PROTO_ICMP_CODE;

	if (nla_parse_nest(nest, proto_pol, CTA_PROTO_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_PROTO_NUM]) {
		t->l4 = nla_u8(tb[CTA_PROTO_NUM]);
		t->present |= CT_T_L4;
	}
	if (tb[CTA_PROTO_SRC_PORT]) {
		t->sport = nla_be16(tb[CTA_PROTO_SRC_PORT]);
		t->present |= CT_T_SPORT;
	}
	if (tb[CTA_PROTO_DST_PORT]) {
		t->dport = nla_be16(tb[CTA_PROTO_DST_PORT]);
		t->present |= CT_T_DPORT;
	}
	if (tb[CTA_PROTO_ICMPV6_ID] || tb[CTA_PROTO_ICMPV6_TYPE] ||
	    tb[CTA_PROTO_ICMPV6_CODE]) {
		id = CTA_PROTO_ICMPV6_ID;
		type = CTA_PROTO_ICMPV6_TYPE;
		code = CTA_PROTO_ICMPV6_CODE;
	}
	if (tb[id]) {
		t->icmp_id = nla_be16(tb[id]);
		t->present |= CT_T_ICMP_ID;
	}
	if (tb[type]) {
		t->icmp_type = nla_u8(tb[type]);
		t->present |= CT_T_ICMP_TYPE;
	}
	if (tb[code]) {
		t->icmp_code = nla_u8(tb[code]);
		t->present |= CT_T_ICMP_CODE;
	}
	return 0;
}

int ct_nl_parse_tuple(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (nla_parse_nest(nest, tuple_pol, CTA_TUPLE_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_TUPLE_IP] && parse_ip(tb[CTA_TUPLE_IP], t) < 0)
		return -EBADMSG;
	if (tb[CTA_TUPLE_PROTO] && parse_proto(tb[CTA_TUPLE_PROTO], t) < 0)
		return -EBADMSG;
	if (tb[CTA_TUPLE_ZONE]) {
		t->zone = nla_be16(tb[CTA_TUPLE_ZONE]);
		t->present |= CT_T_ZONE;
	}
	return 0;
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
	snprintf(dst, size, "%s", (const char *)nla_data(tb[1]));
	return 0;
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

static int parse_misc(const struct nlattr *const *tb, struct ct *ct)
{
	const struct nlattr *p[TS_MAX + 1];

	if (tb[CTA_TIMESTAMP]) {
		if (nla_parse_nest(tb[CTA_TIMESTAMP], ts_pol, TS_MAX, p) < 0)
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
	}
	if (tb[CTA_SYNPROXY]) {
		if (nla_parse_nest(tb[CTA_SYNPROXY], synproxy_pol,
				   CTA_SYNPROXY_MAX, p) < 0)
			return -EBADMSG;
		if (p[CTA_SYNPROXY_ISN])
			ct->synproxy.isn = nla_be32(p[CTA_SYNPROXY_ISN]);
		if (p[CTA_SYNPROXY_ITS])
			ct->synproxy.its = nla_be32(p[CTA_SYNPROXY_ITS]);
		if (p[CTA_SYNPROXY_TSOFF])
			ct->synproxy.tsoff = nla_be32(p[CTA_SYNPROXY_TSOFF]);
		ct_set(ct, CT_A_SYNPROXY);
	}
	if (tb[CTA_HELP]) {
		int r = parse_name(tb[CTA_HELP], ct->helper, sizeof(ct->helper));

		if (r == -EBADMSG)
			return r;
		if (r == 0)
			ct_set(ct, CT_A_HELPER);
	}
	if (tb[CTA_SECCTX]) {
		int r = parse_name(tb[CTA_SECCTX], ct->secctx, sizeof(ct->secctx));

		if (r == -EBADMSG)
			return r;
		if (r == 0)
			ct_set(ct, CT_A_SECCTX);
	}
	return 0;
}

/* Fixed 32-bit attributes: attribute, presence bit, field. */
#define U32_FIELD(attr, bit, field) { attr, bit, offsetof(struct ct, field) }
static const struct {
	uint16_t attr;
	uint8_t bit;
	uint16_t off;
} u32_fields[] = {
	U32_FIELD(CTA_STATUS, CT_A_STATUS, status),
	U32_FIELD(CTA_TIMEOUT, CT_A_TIMEOUT, timeout),
	U32_FIELD(CTA_MARK, CT_A_MARK, mark),
	U32_FIELD(CTA_SECMARK, CT_A_SECMARK, secmark),
	U32_FIELD(CTA_USE, CT_A_USE, use),
	U32_FIELD(CTA_ID, CT_A_ID, id),
};

int ct_nl_parse(const struct nlmsghdr *nlh, struct ct *ct)
{
	const struct nlattr *tb[CTA_MAX + 1];
	size_t i;

	ct_init(ct);
	if (nla_parse_msg(nlh, sizeof(struct nfgenmsg), ct_pol, CTA_MAX, tb) < 0)
		return -EBADMSG;
	ct->family = nl_nfmsg_family(nlh);
	if (tb[CTA_TUPLE_ORIG]) {
		if (ct_nl_parse_tuple(tb[CTA_TUPLE_ORIG], &ct->orig) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_ORIG);
	}
	if (tb[CTA_TUPLE_REPLY]) {
		if (ct_nl_parse_tuple(tb[CTA_TUPLE_REPLY], &ct->reply) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_REPLY);
	}
	if (tb[CTA_TUPLE_MASTER]) {
		if (ct_nl_parse_tuple(tb[CTA_TUPLE_MASTER], &ct->master) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_MASTER);
	}
	for (i = 0; i < sizeof(u32_fields) / sizeof(u32_fields[0]); i++) {
		if (!tb[u32_fields[i].attr])
			continue;
		*(uint32_t *)((char *)ct + u32_fields[i].off) =
			nla_be32(tb[u32_fields[i].attr]);
		ct_set(ct, u32_fields[i].bit);
	}
	if (tb[CTA_ZONE]) {
		ct->zone = nla_be16(tb[CTA_ZONE]);
		ct_set(ct, CT_A_ZONE);
	}
	if (tb[CTA_PROTOINFO] && parse_protoinfo(tb[CTA_PROTOINFO], ct) < 0)
		return -EBADMSG;
	if (tb[CTA_COUNTERS_ORIG]) {
		if (parse_counters(tb[CTA_COUNTERS_ORIG], &ct->counters[0]) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_COUNTERS_ORIG);
	}
	if (tb[CTA_COUNTERS_REPLY]) {
		if (parse_counters(tb[CTA_COUNTERS_REPLY], &ct->counters[1]) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_COUNTERS_REPLY);
	}
	if (tb[CTA_SEQ_ADJ_ORIG]) {
		if (parse_seqadj(tb[CTA_SEQ_ADJ_ORIG], &ct->seqadj[0]) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_SEQADJ_ORIG);
	}
	if (tb[CTA_SEQ_ADJ_REPLY]) {
		if (parse_seqadj(tb[CTA_SEQ_ADJ_REPLY], &ct->seqadj[1]) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_SEQADJ_REPLY);
	}
	if (tb[CTA_LABELS]) {
		if (parse_labels(tb[CTA_LABELS], ct->labels, &ct->labels_len) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_LABELS);
	}
	if (tb[CTA_LABELS_MASK]) {
		if (parse_labels(tb[CTA_LABELS_MASK], ct->labels_mask,
				 &ct->labels_mask_len) < 0)
			return -EBADMSG;
		ct_set(ct, CT_A_LABELS_MASK);
	}
	return parse_misc(tb, ct);
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
