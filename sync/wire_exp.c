/* struct exp <-> the expectation TLVs of EXP_NEW / EXP_UPD / EXP_DEL, as
 * conntrackd 1.4.7 sends them.  Its quirks:
 *  - the master, expected and mask tuples each send addresses and
 *    L4PROTO; all three PORT groups are sent only when the *master's*
 *    protocol is TCP, UDP, SCTP or DCCP (ICMP and the rest have none);
 *  - FLAGS is always sent, CLASS only when known, TIMEOUT only without
 *    CommitTimeout;
 *  - the NAT tuple is sent with NAT_IPV4 only (an IPv6 NAT tuple loses its
 *    addresses), then NAT_L4PROTO, NAT_PORT, NAT_DIR;
 *  - HELPER_NAME nta_len at most 16, FN at most 32 on receive. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/wire.h"
#include "sync/wire_tlv.h"

enum {
	NTA_EXP_MASTER_IPV4, NTA_EXP_MASTER_IPV6, NTA_EXP_MASTER_L4PROTO,
	NTA_EXP_MASTER_PORT, NTA_EXP_EXPECT_IPV4, NTA_EXP_EXPECT_IPV6,
	NTA_EXP_EXPECT_L4PROTO, NTA_EXP_EXPECT_PORT, NTA_EXP_MASK_IPV4,
	NTA_EXP_MASK_IPV6, NTA_EXP_MASK_L4PROTO, NTA_EXP_MASK_PORT,
	NTA_EXP_TIMEOUT, NTA_EXP_FLAGS, NTA_EXP_CLASS, NTA_EXP_NAT_IPV4,
	NTA_EXP_NAT_PORT, NTA_EXP_NAT_L4PROTO, NTA_EXP_NAT_DIR,
	NTA_EXP_HELPER_NAME, NTA_EXP_FN, NTA_EXP_MAX
};

static const struct tlv_rule exp_rules[NTA_EXP_MAX] = {
	[NTA_EXP_MASTER_IPV4]	= { 12, 0 },
	[NTA_EXP_MASTER_IPV6]	= { 36, 0 },
	[NTA_EXP_MASTER_L4PROTO] = { 5, 0 },
	[NTA_EXP_MASTER_PORT]	= { 8, 0 },
	[NTA_EXP_EXPECT_IPV4]	= { 12, 0 },
	[NTA_EXP_EXPECT_IPV6]	= { 36, 0 },
	[NTA_EXP_EXPECT_L4PROTO] = { 5, 0 },
	[NTA_EXP_EXPECT_PORT]	= { 8, 0 },
	[NTA_EXP_MASK_IPV4]	= { 12, 0 },
	[NTA_EXP_MASK_IPV6]	= { 36, 0 },
	[NTA_EXP_MASK_L4PROTO]	= { 5, 0 },
	[NTA_EXP_MASK_PORT]	= { 8, 0 },
	[NTA_EXP_TIMEOUT]	= { 8, 0 },
	[NTA_EXP_FLAGS]		= { 8, 0 },
	[NTA_EXP_CLASS]		= { 8, 0 },
	[NTA_EXP_NAT_IPV4]	= { 12, 0 },
	[NTA_EXP_NAT_PORT]	= { 8, 0 },
	[NTA_EXP_NAT_L4PROTO]	= { 5, 0 },
	[NTA_EXP_NAT_DIR]	= { 8, 0 },
	[NTA_EXP_HELPER_NAME]	= { 0, 16 },
	[NTA_EXP_FN]		= { 0, 32 },
};

/* The tuples of an expectation, in wire order, with their attribute
 * ids (IPV4 first; IPV6, L4PROTO and PORT follow it, except for NAT). */
struct exp_part {
	size_t off;		/* of the struct ct_tuple in struct exp */
	enum exp_attr bit;
	uint16_t ipv4, ipv6, l4, port;
};

static const struct exp_part parts[] = {
	{ offsetof(struct exp, master), EXP_A_MASTER, NTA_EXP_MASTER_IPV4,
	  NTA_EXP_MASTER_IPV6, NTA_EXP_MASTER_L4PROTO, NTA_EXP_MASTER_PORT },
	{ offsetof(struct exp, tuple), EXP_A_TUPLE, NTA_EXP_EXPECT_IPV4,
	  NTA_EXP_EXPECT_IPV6, NTA_EXP_EXPECT_L4PROTO, NTA_EXP_EXPECT_PORT },
	{ offsetof(struct exp, mask), EXP_A_MASK, NTA_EXP_MASK_IPV4,
	  NTA_EXP_MASK_IPV6, NTA_EXP_MASK_L4PROTO, NTA_EXP_MASK_PORT },
	{ offsetof(struct exp, nat_tuple), EXP_A_NAT_TUPLE, NTA_EXP_NAT_IPV4,
	  NTA_EXP_MAX, NTA_EXP_NAT_L4PROTO, NTA_EXP_NAT_PORT },
};

static const struct ct_tuple *part_tuple(const struct exp *e,
					 const struct exp_part *pt)
{
	return (const struct ct_tuple *)((const char *)e + pt->off);
}

static bool has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP ||
	       l4 == IPPROTO_SCTP || l4 == IPPROTO_DCCP;
}

static void put_part(struct tlv_w *w, const struct exp *e,
		     const struct exp_part *pt, bool ports)
{
	const struct ct_tuple *t = part_tuple(e, pt);

	if (pt->ipv6 < NTA_EXP_MAX || t->l3 == AF_INET)
		tlv_addrs(w, pt->ipv4, pt->ipv6, t);
	tlv_u8(w, pt->l4, t->l4);
	if (ports)
		tlv_ports(w, pt->port, t->sport, t->dport);
}

int wire_exp_build(uint8_t *buf, size_t size, enum wire_type type,
		   uint8_t flags, uint32_t seq, const struct exp *e,
		   const struct wire_opts *o)
{
	static const struct wire_opts none;
	bool ports = has_ports(e->master.l4);
	struct tlv_w w;
	int i;

	if (type < WIRE_T_EXP_NEW || type > WIRE_T_EXP_DEL)
		return -EINVAL;
	if (!o)
		o = &none;
	if (!tlv_w_begin(&w, buf, size, (uint8_t)type, flags, seq))
		return -ENOSPC;
	for (i = 0; i < 3; i++)
		put_part(&w, e, &parts[i], ports);
	if (!o->commit_timeout && exp_has(e, EXP_A_TIMEOUT))
		tlv_be32(&w, NTA_EXP_TIMEOUT, e->timeout);
	tlv_be32(&w, NTA_EXP_FLAGS, exp_has(e, EXP_A_FLAGS) ? e->flags : 0);
	if (exp_has(e, EXP_A_CLASS))
		tlv_be32(&w, NTA_EXP_CLASS, e->class);
	if (exp_has(e, EXP_A_NAT_TUPLE)) {
		put_part(&w, e, &parts[3], ports);
		tlv_be32(&w, NTA_EXP_NAT_DIR,
			 exp_has(e, EXP_A_NAT_DIR) ? e->nat_dir : 0);
	}
	if (exp_has(e, EXP_A_HELPER))
		tlv_str(&w, NTA_EXP_HELPER_NAME, e->helper, 15);
	if (exp_has(e, EXP_A_FN))
		tlv_str(&w, NTA_EXP_FN, e->fn, sizeof(e->fn) - 1);
	return tlv_w_end(&w);
}

static int exp_attr(void *obj, unsigned int id, const uint8_t *p, size_t n)
{
	struct exp *e = obj;
	unsigned int i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const struct exp_part *pt = &parts[i];
		struct ct_tuple *t = (struct ct_tuple *)((char *)e + pt->off);

		if (id == pt->ipv4 || id == pt->ipv6)
			tlv_get_addrs(t, p, n);
		else if (id == pt->l4) {
			t->l4 = p[0];
			t->present |= CT_T_L4;
		} else if (id == pt->port)
			tlv_get_ports(t, p);
		else
			continue;
		exp_set(e, pt->bit);
		if (i == 0 && t->l3)
			e->family = t->l3;
		return 0;
	}
	switch (id) {
	case NTA_EXP_TIMEOUT:
		e->timeout = rd_be32(p);
		exp_set(e, EXP_A_TIMEOUT);
		break;
	case NTA_EXP_FLAGS:
		e->flags = rd_be32(p);
		exp_set(e, EXP_A_FLAGS);
		break;
	case NTA_EXP_CLASS:
		e->class = rd_be32(p);
		exp_set(e, EXP_A_CLASS);
		break;
	case NTA_EXP_NAT_DIR:
		e->nat_dir = rd_be32(p);
		exp_set(e, EXP_A_NAT_DIR);
		break;
	case NTA_EXP_HELPER_NAME:
		tlv_get_str(e->helper, sizeof(e->helper), p, n);
		exp_set(e, EXP_A_HELPER);
		break;
	case NTA_EXP_FN:
		tlv_get_str(e->fn, sizeof(e->fn), p, n);
		exp_set(e, EXP_A_FN);
		break;
	}
	return 0;
}

int wire_exp_parse(const struct wire_msg *m, struct exp *e)
{
	memset(e, 0, sizeof(*e));
	if (m->type < WIRE_T_EXP_NEW || m->type > WIRE_T_EXP_DEL)
		return WIRE_E_TYPE;
	return tlv_walk(m, exp_rules, NTA_EXP_MAX, exp_attr, e);
}
