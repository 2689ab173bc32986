/* struct ct <-> the conntrack TLVs of CT_NEW / CT_UPD / CT_DEL messages,
 * byte for byte as conntrackd 1.4.7 (with libnetfilter_conntrack 1.0.9 on
 * x86) sends them.  The quirks reproduced here:
 *  - attribute order is fixed: addresses, STATUS, L4PROTO, the protocol
 *    group, TIMEOUT, MARK, master, NAT, NAT_SEQ_ADJ, HELPER_NAME, LABELS,
 *    SYNPROXY, ZONE;
 *  - STATUS and L4PROTO are always sent (0 when unknown);
 *  - TCP, SCTP, DCCP and UDP always send PORT (zeros when unknown), the
 *    first three their state group only when the state is known;
 *    ICMP/ICMPv6 send TYPE, CODE, ID only when the type is known; every
 *    other protocol (GRE, UDPlite, ...) sends no ports at all;
 *  - TCP window scales only with TCPWindowTracking, TIMEOUT only without
 *    CommitTimeout;
 *  - SPAT_PORT, DPAT_PORT and ICMP_ID are byte-swapped (little-endian on
 *    the wire): 1.4.7 applies htons to values libnfct already keeps in
 *    network order;
 *  - NAT is inferred from the reply tuple as libnfct does: SNAT/DNAT need
 *    the *_NAT_DONE status bit and a changed address; SPAT/DPAT need the
 *    bit (or no status) and a changed 16-bit "port" word -- for ICMP the
 *    original id and type/code against zeros (libnfct keeps no reply ICMP
 *    fields), so a NATed ICMP flow carries SPAT and DPAT of 0 [observed];
 *  - a helper name is cut to 15 characters (libnfct's limit);
 *  - LABELS only when some bit is set, as many words as the kernel sent.
 * Receiving follows 1.4.7's msg2ct(): exact sizes, HELPER_NAME nta_len at
 * most 16, LABELS at most 4 + 1024, any unknown id rejects the message. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/wire.h"
#include "sync/wire_tlv.h"

enum {
	NTA_IPV4, NTA_IPV6, NTA_L4PROTO, NTA_PORT, NTA_TCP_STATE, NTA_STATUS,
	NTA_TIMEOUT, NTA_MARK, NTA_MASTER_IPV4, NTA_MASTER_IPV6,
	NTA_MASTER_L4PROTO, NTA_MASTER_PORT, NTA_SNAT_IPV4, NTA_DNAT_IPV4,
	NTA_SPAT_PORT, NTA_DPAT_PORT, NTA_NAT_SEQ_ADJ, NTA_SCTP_STATE,
	NTA_SCTP_VTAG_ORIG, NTA_SCTP_VTAG_REPL, NTA_DCCP_STATE, NTA_DCCP_ROLE,
	NTA_ICMP_TYPE, NTA_ICMP_CODE, NTA_ICMP_ID, NTA_TCP_WSCALE_ORIG,
	NTA_TCP_WSCALE_REPL, NTA_HELPER_NAME, NTA_LABELS, NTA_SNAT_IPV6,
	NTA_DNAT_IPV6, NTA_SYNPROXY, NTA_ZONE, NTA_MAX
};

#define HELPER_WIRE_MAX	16	/* nta_len, NFCT_HELPER_NAME_MAX */
#define LABELS_WIRE_MAX	(4 + 1024)

/* nta_len each attribute must have (exact) or may reach (max). */
static const struct tlv_rule ct_rules[NTA_MAX] = {
	[NTA_IPV4]		= { 12, 0 },
	[NTA_IPV6]		= { 36, 0 },
	[NTA_L4PROTO]		= { 5, 0 },
	[NTA_PORT]		= { 8, 0 },
	[NTA_TCP_STATE]		= { 5, 0 },
	[NTA_STATUS]		= { 8, 0 },
	[NTA_TIMEOUT]		= { 8, 0 },
	[NTA_MARK]		= { 8, 0 },
	[NTA_MASTER_IPV4]	= { 12, 0 },
	[NTA_MASTER_IPV6]	= { 36, 0 },
	[NTA_MASTER_L4PROTO]	= { 5, 0 },
	[NTA_MASTER_PORT]	= { 8, 0 },
	[NTA_SNAT_IPV4]		= { 8, 0 },
	[NTA_DNAT_IPV4]		= { 8, 0 },
	[NTA_SPAT_PORT]		= { 6, 0 },
	[NTA_DPAT_PORT]		= { 6, 0 },
	[NTA_NAT_SEQ_ADJ]	= { 28, 0 },
	[NTA_SCTP_STATE]	= { 5, 0 },
	[NTA_SCTP_VTAG_ORIG]	= { 8, 0 },
	[NTA_SCTP_VTAG_REPL]	= { 8, 0 },
	[NTA_DCCP_STATE]	= { 5, 0 },
	[NTA_DCCP_ROLE]		= { 5, 0 },
	[NTA_ICMP_TYPE]		= { 5, 0 },
	[NTA_ICMP_CODE]		= { 5, 0 },
	[NTA_ICMP_ID]		= { 6, 0 },
	[NTA_TCP_WSCALE_ORIG]	= { 5, 0 },
	[NTA_TCP_WSCALE_REPL]	= { 5, 0 },
	[NTA_HELPER_NAME]	= { 0, HELPER_WIRE_MAX },
	[NTA_LABELS]		= { 0, LABELS_WIRE_MAX },
	[NTA_SNAT_IPV6]		= { 20, 0 },
	[NTA_DNAT_IPV6]		= { 20, 0 },
	[NTA_SYNPROXY]		= { 16, 0 },
	[NTA_ZONE]		= { 6, 0 },
};

/* ---- encoding ------------------------------------------------------- */

/* A u16 that libnfct holds in network order and 1.4.7 passes through
 * htons once more: on the wire, the bytes of its memory reversed. */
static void put_swapped(struct tlv_w *w, uint16_t id, const uint8_t raw[2])
{
	uint8_t *p = tlv_put(w, id, 2);

	if (p) {
		p[0] = raw[1];
		p[1] = raw[0];
	}
}

/* The memory bytes of libnfct's l4src/l4dst union for a tuple: a port (or
 * GRE key) in network order; for ICMP the id (src) and type, code (dst) of
 * the original tuple -- libnfct keeps no ICMP fields of the reply tuple,
 * so those words are zero [observed]; zero when the tuple has none. */
static void l4_word(const struct ct_tuple *t, bool reply, bool dst,
		    uint8_t raw[2])
{
	uint16_t port = dst ? t->dport : t->sport;
	uint32_t bit = dst ? CT_T_DPORT : CT_T_SPORT;

	raw[0] = raw[1] = 0;
	if (t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6) {
		if (reply)
			return;
		if (!dst && (t->present & CT_T_ICMP_ID)) {
			raw[0] = (uint8_t)(t->icmp_id >> 8);
			raw[1] = (uint8_t)t->icmp_id;
		} else if (dst) {
			raw[0] = t->icmp_type;
			raw[1] = t->icmp_code;
		}
		return;
	}
	if (t->present & bit) {
		raw[0] = (uint8_t)(port >> 8);
		raw[1] = (uint8_t)port;
	}
}

static void put_l4(struct tlv_w *w, const struct ct *ct,
		   const struct wire_opts *o)
{
	const struct ct_tuple *t = &ct->orig;

	switch (t->l4) {
	case IPPROTO_TCP:
		tlv_ports(w, NTA_PORT, t->sport, t->dport);
		if (!ct_has(ct, CT_A_TCP_STATE))
			return;
		tlv_u8(w, NTA_TCP_STATE, ct->tcp.state);
		if (o->window_tracking) {
			tlv_u8(w, NTA_TCP_WSCALE_ORIG, ct->tcp.wscale[0]);
			tlv_u8(w, NTA_TCP_WSCALE_REPL, ct->tcp.wscale[1]);
		}
		return;
	case IPPROTO_SCTP:
		tlv_ports(w, NTA_PORT, t->sport, t->dport);
		if (!ct_has(ct, CT_A_SCTP_STATE))
			return;
		tlv_u8(w, NTA_SCTP_STATE, ct->sctp.state);
		tlv_be32(w, NTA_SCTP_VTAG_ORIG, ct->sctp.vtag[0]);
		tlv_be32(w, NTA_SCTP_VTAG_REPL, ct->sctp.vtag[1]);
		return;
	case IPPROTO_DCCP:
		/* without a DCCP tracker in the kernel (gone in Linux 6.16)
		 * 1.4.7 sends a PORT of uninitialised memory [observed]; we
		 * send zeros there */
		tlv_ports(w, NTA_PORT, t->sport, t->dport);
		if (!ct_has(ct, CT_A_DCCP_STATE))
			return;
		tlv_u8(w, NTA_DCCP_STATE, ct->dccp.state);
		tlv_u8(w, NTA_DCCP_ROLE, ct->dccp.role);
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		uint8_t id[2] = { (uint8_t)(t->icmp_id >> 8),
				  (uint8_t)t->icmp_id };

		if (!(t->present & CT_T_ICMP_TYPE))
			return;
		tlv_u8(w, NTA_ICMP_TYPE, t->icmp_type);
		tlv_u8(w, NTA_ICMP_CODE, t->icmp_code);
		put_swapped(w, NTA_ICMP_ID, id);
		return;
	}
	case IPPROTO_UDP:
		tlv_ports(w, NTA_PORT, t->sport, t->dport);
		return;
	}
}

static void put_master(struct tlv_w *w, const struct ct *ct)
{
	const struct ct_tuple *m = &ct->master;

	if (!ct_has(ct, CT_A_MASTER) ||
	    (m->present & (CT_T_SRC | CT_T_DST)) != (CT_T_SRC | CT_T_DST) ||
	    (m->l3 != AF_INET && m->l3 != AF_INET6))
		return;
	tlv_addrs(w, NTA_MASTER_IPV4, NTA_MASTER_IPV6, m);
	tlv_u8(w, NTA_MASTER_L4PROTO, m->l4);
	if ((m->present & (CT_T_SPORT | CT_T_DPORT)) ==
	    (CT_T_SPORT | CT_T_DPORT))
		tlv_ports(w, NTA_MASTER_PORT, m->sport, m->dport);
}

static bool addr_differs(uint8_t l3, const union ct_addr *a,
			 const union ct_addr *b)
{
	return memcmp(a->b, b->b, l3 == AF_INET ? 4 : 16) != 0;
}

/* NAT of a flow read from the kernel: libnfct's IS_SNAT/DNAT/SPAT/DPAT
 * applied to the reply tuple. */
static void put_nat_reply(struct tlv_w *w, const struct ct *ct)
{
	const struct ct_tuple *o = &ct->orig, *r = &ct->reply;
	bool st = ct_has(ct, CT_A_STATUS);
	bool snat_done = !st || (ct->status & CT_S_SRC_NAT_DONE);
	bool dnat_done = !st || (ct->status & CT_S_DST_NAT_DONE);
	uint8_t l3 = o->l3, ro[2], rr[2];
	bool v6 = l3 == AF_INET6;

	if (l3 != AF_INET && l3 != AF_INET6)
		return;
	if (st && snat_done && addr_differs(l3, &r->dst, &o->src))
		tlv_bytes(w, v6 ? NTA_SNAT_IPV6 : NTA_SNAT_IPV4, r->dst.b,
			  v6 ? 16 : 4);
	if (st && dnat_done && addr_differs(l3, &r->src, &o->dst))
		tlv_bytes(w, v6 ? NTA_DNAT_IPV6 : NTA_DNAT_IPV4, r->src.b,
			  v6 ? 16 : 4);
	l4_word(r, true, true, rr);
	l4_word(o, false, false, ro);
	if (snat_done && memcmp(rr, ro, 2))
		put_swapped(w, NTA_SPAT_PORT, rr);
	l4_word(r, true, false, rr);
	l4_word(o, false, true, ro);
	if (dnat_done && memcmp(rr, ro, 2))
		put_swapped(w, NTA_DPAT_PORT, rr);
}

/* NAT of a flow received from a peer (no reply tuple, NAT as setup). */
static void put_nat_setup(struct tlv_w *w, const struct ct *ct)
{
	const struct ct_nat *n[2] = { &ct->snat, &ct->dnat };
	bool on[2] = { ct_has(ct, CT_A_SNAT), ct_has(ct, CT_A_DNAT) };
	bool v6 = ct->orig.l3 == AF_INET6;
	int i;

	for (i = 0; i < 2; i++)
		if (on[i] && n[i]->l3 == ct->orig.l3 && n[i]->l3)
			tlv_bytes(w, (uint16_t)(v6 ? NTA_SNAT_IPV6 + i :
						 NTA_SNAT_IPV4 + i),
				  n[i]->min.b, v6 ? 16 : 4);
	for (i = 0; i < 2; i++)
		if (on[i] && n[i]->has_port) {
			uint8_t raw[2] = { (uint8_t)(n[i]->port_min >> 8),
					   (uint8_t)n[i]->port_min };

			put_swapped(w, (uint16_t)(NTA_SPAT_PORT + i), raw);
		}
}

static void put_labels(struct tlv_w *w, const struct ct *ct)
{
	unsigned int words = (ct->labels_len + 3) / 4, i;
	uint32_t any = 0;
	uint8_t *p;

	if (!ct_has(ct, CT_A_LABELS))
		return;
	if (words > CT_LABEL_WORDS)
		words = CT_LABEL_WORDS;
	for (i = 0; i < words; i++)
		any |= ct->labels[i];
	if (!any)
		return;
	p = tlv_put(w, NTA_LABELS, 4 * words);
	for (i = 0; p && i < words; i++)
		wr_be32(p + 4 * i, ct->labels[i]);
}

int wire_ct_build(uint8_t *buf, size_t size, enum wire_type type,
		  uint8_t flags, uint32_t seq, const struct ct *ct,
		  const struct wire_opts *o)
{
	static const struct wire_opts none;
	struct tlv_w w;
	uint8_t *p;

	if (type > WIRE_T_CT_DEL)
		return -EINVAL;
	if (!o)
		o = &none;
	if (!tlv_w_begin(&w, buf, size, (uint8_t)type, flags, seq))
		return -ENOSPC;
	if (ct_has(ct, CT_A_ORIG))
		tlv_addrs(&w, NTA_IPV4, NTA_IPV6, &ct->orig);
	tlv_be32(&w, NTA_STATUS, ct_has(ct, CT_A_STATUS) ? ct->status : 0);
	tlv_u8(&w, NTA_L4PROTO, ct->orig.l4);
	put_l4(&w, ct, o);
	if (!o->commit_timeout && ct_has(ct, CT_A_TIMEOUT))
		tlv_be32(&w, NTA_TIMEOUT, ct->timeout);
	if (ct_has(ct, CT_A_MARK))
		tlv_be32(&w, NTA_MARK, ct->mark);
	put_master(&w, ct);
	if (ct_has(ct, CT_A_REPLY))
		put_nat_reply(&w, ct);
	else
		put_nat_setup(&w, ct);
	if (ct_has(ct, CT_A_SEQADJ_ORIG) && ct_has(ct, CT_A_SEQADJ_REPLY) &&
	    (p = tlv_put(&w, NTA_NAT_SEQ_ADJ, 24))) {
		const struct ct_seqadj *s = ct->seqadj;
		int i;

		for (i = 0; i < 2; i++) {
			wr_be32(p + 12 * i, s[i].correction_pos);
			wr_be32(p + 12 * i + 4, s[i].offset_before);
			wr_be32(p + 12 * i + 8, s[i].offset_after);
		}
	}
	if (ct_has(ct, CT_A_HELPER))
		tlv_str(&w, NTA_HELPER_NAME, ct->helper, HELPER_WIRE_MAX - 1);
	put_labels(&w, ct);
	if (ct_has(ct, CT_A_SYNPROXY) && (p = tlv_put(&w, NTA_SYNPROXY, 12))) {
		wr_be32(p, ct->synproxy.its);
		wr_be32(p + 4, ct->synproxy.isn);
		wr_be32(p + 8, ct->synproxy.tsoff);
	}
	if (ct_has(ct, CT_A_ZONE) && (p = tlv_put(&w, NTA_ZONE, 2)))
		wr_be16(p, ct->zone);
	return tlv_w_end(&w);
}

/* ---- decoding ------------------------------------------------------- */

static void set_nat_addr(struct ct *ct, struct ct_nat *n, enum ct_attr a,
			 uint8_t l3, const uint8_t *p, size_t len)
{
	memset(&n->min, 0, sizeof(n->min));
	memcpy(n->min.b, p, len);
	n->max = n->min;
	n->l3 = l3;
	ct_set(ct, a);
}

static void set_nat_port(struct ct *ct, struct ct_nat *n, enum ct_attr a,
			 const uint8_t *p)
{
	n->has_port = true;
	n->port_min = n->port_max = rd_le16(p);
	ct_set(ct, a);
}

static int ct_attr(void *obj, unsigned int id, const uint8_t *p, size_t n)
{
	struct ct *ct = obj;
	struct ct_tuple *t = &ct->orig;
	unsigned int i;

	switch (id) {
	case NTA_IPV4:
	case NTA_IPV6:
		tlv_get_addrs(t, p, n);
		ct->family = t->l3;
		ct_set(ct, CT_A_ORIG);
		break;
	case NTA_L4PROTO:
		t->l4 = p[0];
		t->present |= CT_T_L4;
		ct_set(ct, CT_A_ORIG);
		break;
	case NTA_PORT:
		tlv_get_ports(t, p);
		ct_set(ct, CT_A_ORIG);
		break;
	case NTA_TCP_STATE:
		ct->tcp.state = p[0];
		ct_set(ct, CT_A_TCP_STATE);
		break;
	case NTA_STATUS:
		ct->status = rd_be32(p);
		ct_set(ct, CT_A_STATUS);
		break;
	case NTA_TIMEOUT:
		ct->timeout = rd_be32(p);
		ct_set(ct, CT_A_TIMEOUT);
		break;
	case NTA_MARK:
		ct->mark = rd_be32(p);
		ct_set(ct, CT_A_MARK);
		break;
	case NTA_MASTER_IPV4:
	case NTA_MASTER_IPV6:
		tlv_get_addrs(&ct->master, p, n);
		ct_set(ct, CT_A_MASTER);
		break;
	case NTA_MASTER_L4PROTO:
		ct->master.l4 = p[0];
		ct->master.present |= CT_T_L4;
		ct_set(ct, CT_A_MASTER);
		break;
	case NTA_MASTER_PORT:
		tlv_get_ports(&ct->master, p);
		ct_set(ct, CT_A_MASTER);
		break;
	case NTA_SNAT_IPV4:
	case NTA_SNAT_IPV6:
		set_nat_addr(ct, &ct->snat, CT_A_SNAT,
			     n == 4 ? AF_INET : AF_INET6, p, n);
		break;
	case NTA_DNAT_IPV4:
	case NTA_DNAT_IPV6:
		set_nat_addr(ct, &ct->dnat, CT_A_DNAT,
			     n == 4 ? AF_INET : AF_INET6, p, n);
		break;
	case NTA_SPAT_PORT:
		set_nat_port(ct, &ct->snat, CT_A_SNAT, p);
		break;
	case NTA_DPAT_PORT:
		set_nat_port(ct, &ct->dnat, CT_A_DNAT, p);
		break;
	case NTA_NAT_SEQ_ADJ:
		for (i = 0; i < 2; i++) {
			ct->seqadj[i].correction_pos = rd_be32(p + 12 * i);
			ct->seqadj[i].offset_before = rd_be32(p + 12 * i + 4);
			ct->seqadj[i].offset_after = rd_be32(p + 12 * i + 8);
		}
		ct_set(ct, CT_A_SEQADJ_ORIG);
		ct_set(ct, CT_A_SEQADJ_REPLY);
		break;
	case NTA_SCTP_STATE:
		ct->sctp.state = p[0];
		ct_set(ct, CT_A_SCTP_STATE);
		break;
	case NTA_SCTP_VTAG_ORIG:
	case NTA_SCTP_VTAG_REPL:
		i = id - NTA_SCTP_VTAG_ORIG;
		ct->sctp.vtag[i] = rd_be32(p);
		ct_set(ct, i ? CT_A_SCTP_VTAG_REPLY : CT_A_SCTP_VTAG_ORIG);
		break;
	case NTA_DCCP_STATE:
		ct->dccp.state = p[0];
		ct_set(ct, CT_A_DCCP_STATE);
		break;
	case NTA_DCCP_ROLE:
		ct->dccp.role = p[0];
		ct_set(ct, CT_A_DCCP_ROLE);
		break;
	case NTA_ICMP_TYPE:
		t->icmp_type = p[0];
		t->present |= CT_T_ICMP_TYPE;
		ct_set(ct, CT_A_ORIG);
		break;
	case NTA_ICMP_CODE:
		t->icmp_code = p[0];
		t->present |= CT_T_ICMP_CODE;
		ct_set(ct, CT_A_ORIG);
		break;
	case NTA_ICMP_ID:
		t->icmp_id = rd_le16(p);
		t->present |= CT_T_ICMP_ID;
		ct_set(ct, CT_A_ORIG);
		break;
	case NTA_TCP_WSCALE_ORIG:
	case NTA_TCP_WSCALE_REPL:
		i = id - NTA_TCP_WSCALE_ORIG;
		ct->tcp.wscale[i] = p[0];
		ct_set(ct, i ? CT_A_TCP_WSCALE_REPLY : CT_A_TCP_WSCALE_ORIG);
		break;
	case NTA_HELPER_NAME:
		tlv_get_str(ct->helper, sizeof(ct->helper), p, n);
		ct_set(ct, CT_A_HELPER);
		break;
	case NTA_LABELS:
		/* 1.4.7 ignores an empty or ragged label set */
		if (n == 0 || n % 4)
			break;
		/* the kernel holds 128 label bits: more cannot be applied */
		for (i = CT_LABEL_WORDS; i < n / 4; i++)
			if (rd_be32(p + 4 * i))
				return -1;
		memset(ct->labels, 0, sizeof(ct->labels));
		for (i = 0; i < n / 4 && i < CT_LABEL_WORDS; i++)
			ct->labels[i] = rd_be32(p + 4 * i);
		ct->labels_len = (uint8_t)(4 * i);
		ct_set(ct, CT_A_LABELS);
		break;
	case NTA_SYNPROXY:
		ct->synproxy.its = rd_be32(p);
		ct->synproxy.isn = rd_be32(p + 4);
		ct->synproxy.tsoff = rd_be32(p + 8);
		ct_set(ct, CT_A_SYNPROXY);
		break;
	case NTA_ZONE:
		ct->zone = rd_be16(p);
		ct_set(ct, CT_A_ZONE);
		break;
	}
	return 0;
}

int wire_ct_parse(const struct wire_msg *m, struct ct *ct)
{
	ct_init(ct);
	if (m->type > WIRE_T_CT_DEL)
		return WIRE_E_TYPE;
	return tlv_walk(m, ct_rules, NTA_MAX, ct_attr, ct);
}
