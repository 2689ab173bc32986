/* struct ct -> ctnetlink message.  Attribute order follows what conntrack
 * 1.4.7 sends, so that captures of both can be compared byte for byte.
 * Every write is bounded by the buffer size: -EMSGSIZE, never an overrun. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct.h"
#include "nl.h"

#define PUT(kind, ...) do { \
	if (!mnl_attr_put_##kind##_check(nlh, size, __VA_ARGS__)) \
		return -EMSGSIZE; \
} while (0)

#define CT_MSG_MAX 2048

#define PUTB(type, len, data) do { \
	if (!mnl_attr_put_check(nlh, size, type, len, data)) \
		return -EMSGSIZE; \
} while (0)

static struct nlattr *nest(struct nlmsghdr *nlh, size_t size, uint16_t type)
{
	return mnl_attr_nest_start_check(nlh, size, type);
}

static int put_proto(struct nlmsghdr *nlh, size_t size, const struct ct_tuple *t)
{
	struct nlattr *n = nest(nlh, size, CTA_TUPLE_PROTO);
	bool v6 = t->l3 == AF_INET6;

	if (!n)
		return -EMSGSIZE;
	if (t->present & CT_T_L4)
		PUT(u8, CTA_PROTO_NUM, t->l4);
	if (t->present & CT_T_SPORT)
		PUT(u16, CTA_PROTO_SRC_PORT, htons(t->sport));
	if (t->present & CT_T_DPORT)
		PUT(u16, CTA_PROTO_DST_PORT, htons(t->dport));
	if (t->present & CT_T_ICMP_CODE)
		PUT(u8, v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE,
		    t->icmp_code);
	if (t->present & CT_T_ICMP_TYPE)
		PUT(u8, v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE,
		    t->icmp_type);
	if (t->present & CT_T_ICMP_ID)
		PUT(u16, v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID,
		    htons(t->icmp_id));
	mnl_attr_nest_end(nlh, n);
	return 0;
}

int ct_nl_put_tuple(struct nlmsghdr *nlh, size_t size, uint16_t type,
		    const struct ct_tuple *t)
{
	struct nlattr *outer = nest(nlh, size, type), *ip;

	if (!outer)
		return -EMSGSIZE;
	if (t->present & (CT_T_SRC | CT_T_DST)) {
		ip = nest(nlh, size, CTA_TUPLE_IP);
		if (!ip)
			return -EMSGSIZE;
		if (t->l3 == AF_INET6) {
			if (t->present & CT_T_SRC)
				PUTB(CTA_IP_V6_SRC, 16, t->src.b);
			if (t->present & CT_T_DST)
				PUTB(CTA_IP_V6_DST, 16, t->dst.b);
		} else {
			if (t->present & CT_T_SRC)
				PUT(u32, CTA_IP_V4_SRC, t->src.ip[0]);
			if (t->present & CT_T_DST)
				PUT(u32, CTA_IP_V4_DST, t->dst.ip[0]);
		}
		mnl_attr_nest_end(nlh, ip);
	}
	if (t->present & (CT_T_L4 | CT_T_SPORT | CT_T_DPORT | CT_T_ICMP_TYPE |
			  CT_T_ICMP_CODE | CT_T_ICMP_ID)) {
		int r = put_proto(nlh, size, t);

		if (r < 0)
			return r;
	}
	if (t->present & CT_T_ZONE)
		PUT(u16, CTA_TUPLE_ZONE, htons(t->zone));
	mnl_attr_nest_end(nlh, outer);
	return 0;
}

static int put_protoinfo(struct nlmsghdr *nlh, size_t size, const struct ct *ct)
{
	struct nlattr *pi, *p;
	uint8_t f[2];

	if (!(ct->present & (CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_TCP_FLAGS_ORIG) |
			     CT_BIT(CT_A_TCP_FLAGS_REPLY) |
			     CT_BIT(CT_A_SCTP_STATE) | CT_BIT(CT_A_DCCP_STATE) |
			     CT_BIT(CT_A_DCCP_ROLE))))
		return 0;
	pi = nest(nlh, size, CTA_PROTOINFO);
	if (!pi)
		return -EMSGSIZE;
	switch (ct_l4(ct)) {
	case IPPROTO_TCP:
		if (!(p = nest(nlh, size, CTA_PROTOINFO_TCP)))
			return -EMSGSIZE;
		if (ct_has(ct, CT_A_TCP_STATE))
			PUT(u8, CTA_PROTOINFO_TCP_STATE, ct->tcp.state);
		if (ct_has(ct, CT_A_TCP_FLAGS_ORIG)) {
			f[0] = ct->tcp.flags[0];
			f[1] = ct->tcp.flags_mask[0];
			PUTB(CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, 2, f);
		}
		if (ct_has(ct, CT_A_TCP_FLAGS_REPLY)) {
			f[0] = ct->tcp.flags[1];
			f[1] = ct->tcp.flags_mask[1];
			PUTB(CTA_PROTOINFO_TCP_FLAGS_REPLY, 2, f);
		}
		if (ct_has(ct, CT_A_TCP_WSCALE_ORIG))
			PUT(u8, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, ct->tcp.wscale[0]);
		if (ct_has(ct, CT_A_TCP_WSCALE_REPLY))
			PUT(u8, CTA_PROTOINFO_TCP_WSCALE_REPLY, ct->tcp.wscale[1]);
		mnl_attr_nest_end(nlh, p);
		break;
	case IPPROTO_SCTP:
		if (!(p = nest(nlh, size, CTA_PROTOINFO_SCTP)))
			return -EMSGSIZE;
		if (ct_has(ct, CT_A_SCTP_STATE))
			PUT(u8, CTA_PROTOINFO_SCTP_STATE, ct->sctp.state);
		if (ct_has(ct, CT_A_SCTP_VTAG_ORIG))
			PUT(u32, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, htonl(ct->sctp.vtag[0]));
		if (ct_has(ct, CT_A_SCTP_VTAG_REPLY))
			PUT(u32, CTA_PROTOINFO_SCTP_VTAG_REPLY, htonl(ct->sctp.vtag[1]));
		mnl_attr_nest_end(nlh, p);
		break;
	case IPPROTO_DCCP:
		if (!(p = nest(nlh, size, CTA_PROTOINFO_DCCP)))
			return -EMSGSIZE;
		if (ct_has(ct, CT_A_DCCP_STATE))
			PUT(u8, CTA_PROTOINFO_DCCP_STATE, ct->dccp.state);
		if (ct_has(ct, CT_A_DCCP_ROLE))
			PUT(u8, CTA_PROTOINFO_DCCP_ROLE, ct->dccp.role);
		if (ct_has(ct, CT_A_DCCP_HS_SEQ))
			PUT(u64, CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, htobe64(ct->dccp.hs_seq));
		mnl_attr_nest_end(nlh, p);
		break;
	}
	mnl_attr_nest_end(nlh, pi);
	return 0;
}

static int put_nat(struct nlmsghdr *nlh, size_t size, uint16_t type,
		   const struct ct_nat *nat, uint8_t l4)
{
	struct nlattr *n = nest(nlh, size, type), *p;

	if (!n)
		return -EMSGSIZE;
	if (nat->l3 == AF_INET) {
		PUT(u32, CTA_NAT_V4_MINIP, nat->min.ip[0]);
		if (nat->max.ip[0] && nat->max.ip[0] != nat->min.ip[0])
			PUT(u32, CTA_NAT_V4_MAXIP, nat->max.ip[0]);
	} else if (nat->l3 == AF_INET6) {
		PUTB(CTA_NAT_V6_MINIP, 16, nat->min.b);
		if (memcmp(nat->max.b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) &&
		    memcmp(nat->max.b, nat->min.b, 16))
			PUTB(CTA_NAT_V6_MAXIP, 16, nat->max.b);
	}
	/* Ports only mean something to the kernel for TCP and UDP. */
	if (nat->has_port && (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP)) {
		if (!(p = nest(nlh, size, CTA_NAT_PROTO)))
			return -EMSGSIZE;
		PUT(u16, CTA_PROTONAT_PORT_MIN, htons(nat->port_min));
		PUT(u16, CTA_PROTONAT_PORT_MAX, htons(nat->port_max));
		mnl_attr_nest_end(nlh, p);
	}
	mnl_attr_nest_end(nlh, n);
	return 0;
}

static int put_seqadj(struct nlmsghdr *nlh, size_t size, uint16_t type,
		      const struct ct_seqadj *s)
{
	struct nlattr *n = nest(nlh, size, type);

	if (!n)
		return -EMSGSIZE;
	PUT(u32, CTA_SEQADJ_CORRECTION_POS, htonl(s->correction_pos));
	PUT(u32, CTA_SEQADJ_OFFSET_BEFORE, htonl(s->offset_before));
	PUT(u32, CTA_SEQADJ_OFFSET_AFTER, htonl(s->offset_after));
	mnl_attr_nest_end(nlh, n);
	return 0;
}

static int put_body(struct nlmsghdr *nlh, size_t size, const struct ct *ct,
		    unsigned int bflags)
{
	struct nlattr *n;
	int r;

	if (ct_has(ct, CT_A_ORIG) &&
	    (r = ct_nl_put_tuple(nlh, size, CTA_TUPLE_ORIG, &ct->orig)) < 0)
		return r;
	if (ct_has(ct, CT_A_REPLY) &&
	    (r = ct_nl_put_tuple(nlh, size, CTA_TUPLE_REPLY, &ct->reply)) < 0)
		return r;
	if (ct_has(ct, CT_A_MASTER) &&
	    (r = ct_nl_put_tuple(nlh, size, CTA_TUPLE_MASTER, &ct->master)) < 0)
		return r;
	if (ct_has(ct, CT_A_STATUS))
		PUT(u32, CTA_STATUS, htonl(ct->status |
			((bflags & CT_BUILD_CONFIRMED) ? CT_S_CONFIRMED : 0)));
	if (ct_has(ct, CT_A_TIMEOUT))
		PUT(u32, CTA_TIMEOUT, htonl(ct->timeout));
	if (ct_has(ct, CT_A_MARK))
		PUT(u32, CTA_MARK, htonl(ct->mark));
	if (ct_has(ct, CT_A_SECMARK))
		PUT(u32, CTA_SECMARK, htonl(ct->secmark));
	if ((r = put_protoinfo(nlh, size, ct)) < 0)
		return r;
	if (ct_has(ct, CT_A_SNAT) &&
	    (r = put_nat(nlh, size, CTA_NAT_SRC, &ct->snat, ct_l4(ct))) < 0)
		return r;
	if (ct_has(ct, CT_A_DNAT) &&
	    (r = put_nat(nlh, size, CTA_NAT_DST, &ct->dnat, ct_l4(ct))) < 0)
		return r;
	if (ct_has(ct, CT_A_SEQADJ_ORIG) &&
	    (r = put_seqadj(nlh, size, CTA_SEQ_ADJ_ORIG, &ct->seqadj[0])) < 0)
		return r;
	if (ct_has(ct, CT_A_SEQADJ_REPLY) &&
	    (r = put_seqadj(nlh, size, CTA_SEQ_ADJ_REPLY, &ct->seqadj[1])) < 0)
		return r;
	if (ct_has(ct, CT_A_HELPER)) {
		if (!(n = nest(nlh, size, CTA_HELP)))
			return -EMSGSIZE;
		PUT(strz, CTA_HELP_NAME, ct->helper);
		mnl_attr_nest_end(nlh, n);
	}
	if (ct_has(ct, CT_A_ZONE) && !(bflags & CT_BUILD_NO_ZONE))
		PUT(u16, CTA_ZONE, htons(ct->zone));
	if (ct_has(ct, CT_A_ID) && (bflags & CT_BUILD_ID))
		PUT(u32, CTA_ID, htonl(ct->id));
	if (ct_has(ct, CT_A_LABELS)) {
		PUTB(CTA_LABELS, ct->labels_len, ct->labels);
		if (ct_has(ct, CT_A_LABELS_MASK) &&
		    ct->labels_mask_len == ct->labels_len)
			PUTB(CTA_LABELS_MASK, ct->labels_mask_len, ct->labels_mask);
	}
	if (ct_has(ct, CT_A_SYNPROXY)) {
		if (!(n = nest(nlh, size, CTA_SYNPROXY)))
			return -EMSGSIZE;
		PUT(u32, CTA_SYNPROXY_ISN, htonl(ct->synproxy.isn));
		PUT(u32, CTA_SYNPROXY_ITS, htonl(ct->synproxy.its));
		PUT(u32, CTA_SYNPROXY_TSOFF, htonl(ct->synproxy.tsoff));
		mnl_attr_nest_end(nlh, n);
	}
	return 0;
}

struct nlmsghdr *ct_nl_build(void *buf, size_t size, uint16_t type,
			     uint16_t flags, uint8_t family,
			     const struct ct *ct, unsigned int bflags)
{
	struct nlmsghdr *nlh;

	if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))) {
		errno = EMSGSIZE;
		return NULL;
	}
	/* libmnl leaves attribute padding as it finds it: start from zeroes
	 * so that no stale bytes go to the kernel or the wire.  No conntrack
	 * message comes near CT_MSG_MAX. */
	memset(buf, 0, size < CT_MSG_MAX ? size : CT_MSG_MAX);
	nlh = nl_put_nfmsg(buf, NFNL_SUBSYS_CTNETLINK, type, flags, family, 0, 0);
	if (put_body(nlh, size, ct, bflags) < 0) {
		errno = EMSGSIZE;
		return NULL;
	}
	return nlh;
}

int ct_nl_put_kfilter(struct nlmsghdr *nlh, size_t size,
		      const struct ct_kfilter *kf)
{
	const uint32_t l4_bits = CT_T_SPORT | CT_T_DPORT | CT_T_ICMP_TYPE |
				 CT_T_ICMP_CODE | CT_T_ICMP_ID;
	uint32_t fl[2] = { 0, 0 };
	const struct ct_tuple *t[2] = { &kf->orig, &kf->reply };
	struct nlattr *n;
	int i, r;

	if (kf->mark) {
		PUT(u32, CTA_MARK, htonl(kf->mark_val));
		PUT(u32, CTA_MARK_MASK, htonl(kf->mark_mask));
	}
	if (kf->status) {
		PUT(u32, CTA_STATUS, htonl(kf->status_val));
		PUT(u32, CTA_STATUS_MASK, htonl(kf->status_mask));
	}
	if (kf->zone)
		PUT(u16, CTA_ZONE, htons(kf->zone_val));
	/* The tuple filter needs a v4/v6 family and a protocol number for
	 * any port or ICMP field; without them the kernel says EINVAL. */
	if (kf->family != AF_INET && kf->family != AF_INET6)
		return 0;
	for (i = 0; i < 2; i++) {
		uint32_t p = t[i]->present;

		if (p & CT_T_SRC)
			fl[i] |= 1u << 0;	/* CTA_FILTER_FLAG_IP_SRC */
		if (p & CT_T_DST)
			fl[i] |= 1u << 1;
		if (p & CT_T_L4)
			fl[i] |= 1u << 3;	/* PROTO_NUM */
		if ((p & CT_T_L4) && (t[i]->l4 == IPPROTO_TCP ||
				      t[i]->l4 == IPPROTO_UDP)) {
			if (p & CT_T_SPORT)
				fl[i] |= 1u << 4;
			if (p & CT_T_DPORT)
				fl[i] |= 1u << 5;
		}
		if ((p & CT_T_L4) && (t[i]->l4 == IPPROTO_ICMP ||
				      t[i]->l4 == IPPROTO_ICMPV6)) {
			int sh = t[i]->l4 == IPPROTO_ICMP ? 6 : 9;

			if (p & CT_T_ICMP_TYPE)
				fl[i] |= 1u << sh;
			if (p & CT_T_ICMP_CODE)
				fl[i] |= 1u << (sh + 1);
			if (p & CT_T_ICMP_ID)
				fl[i] |= 1u << (sh + 2);
		}
	}
	if (!fl[0] && !fl[1])
		return 0;
	for (i = 0; i < 2; i++) {
		struct ct_tuple tt = *t[i];

		if (!fl[i])
			continue;
		tt.l3 = kf->family;
		tt.present &= ~CT_T_ZONE;
		if (!(fl[i] & (3u << 4)))
			tt.present &= ~(CT_T_SPORT | CT_T_DPORT);
		if (!(fl[i] & (0x3fu << 6)))
			tt.present &= ~(CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID);
		if (!(tt.present & CT_T_L4))
			tt.present &= ~l4_bits;
		r = ct_nl_put_tuple(nlh, size, i ? CTA_TUPLE_REPLY : CTA_TUPLE_ORIG, &tt);
		if (r < 0)
			return r;
	}
	if (!(n = nest(nlh, size, CTA_FILTER)))
		return -EMSGSIZE;
	PUT(u32, 1 /* CTA_FILTER_ORIG_FLAGS */, fl[0]);
	PUT(u32, 2 /* CTA_FILTER_REPLY_FLAGS */, fl[1]);
	mnl_attr_nest_end(nlh, n);
	return 0;
}
