/* Classic BPF pre-filter for ctnetlink event sockets (see bpf.h).
 *
 * The program walks attributes with the kernel's SKF_AD_NLATTR and
 * SKF_AD_NLATTR_NEST helpers (A = where to look, X = attribute type,
 * result: offset of the attribute or 0).  Event skbs are linear and hold
 * one message, so offsets are relative to the nlmsghdr.  Conditional
 * jumps only ever skip one instruction; everything farther goes through
 * BPF_JA, whose 32-bit offset cannot overflow, so no program size breaks
 * the 8-bit jt/jf fields. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include "bpf.h"

_Static_assert(sizeof(struct ct_bpf_insn) == sizeof(struct sock_filter),
	       "ct_bpf_insn must be laid out as sock_filter");

/* Byte offsets in the message.  nlmsg_type and nlmsg_flags are host
 * order: pick the byte that holds the message type / the CREATE|EXCL
 * bits. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OFF_TYPE_LO	4
#define OFF_FLAGS_HI	7
#else
#define OFF_TYPE_LO	5
#define OFF_FLAGS_HI	6
#endif
#define OFF_FAMILY	NLMSG_HDRLEN
#define OFF_ATTRS	(NLMSG_HDRLEN + 4)	/* after struct nfgenmsg */
#define NEW_FLAGS_HI	((NLM_F_CREATE | NLM_F_EXCL) >> 8)

#define RET_ACCEPT	0xffffffffu

/* Scratch slots: offsets of the tuple nests (0 = absent). */
enum { M_ORIG, M_REPLY, M_ORIG_IP, M_REPLY_IP, M_ORIG_PROTO, M_REPLY_PROTO };

#define MAX_LABELS	256
#define MAX_FIX		CT_BPF_MAX_INSNS

struct as {
	struct ct_bpf_prog *p;
	bool full;
	unsigned int nlabels;
	unsigned int label_at[MAX_LABELS];
	unsigned int nfix;
	struct {
		unsigned int insn;
		unsigned int label;
	} fix[MAX_FIX];
};

static void emit(struct as *a, uint16_t code, uint8_t jt, uint8_t jf,
		 uint32_t k)
{
	struct ct_bpf_insn *i;

	if (a->p->len >= CT_BPF_MAX_INSNS) {
		a->full = true;
		return;
	}
	i = &a->p->insn[a->p->len++];
	i->code = code;
	i->jt = jt;
	i->jf = jf;
	i->k = k;
}

static void op(struct as *a, uint16_t code, uint32_t k)
{
	emit(a, code, 0, 0, k);
}

static unsigned int label(struct as *a)
{
	if (a->nlabels >= MAX_LABELS) {
		a->full = true;
		return 0;
	}
	a->label_at[a->nlabels] = ~0u;
	return a->nlabels++;
}

static void place(struct as *a, unsigned int l)
{
	a->label_at[l] = a->p->len;
}

static void jump(struct as *a, unsigned int l)
{
	if (a->nfix >= MAX_FIX) {
		a->full = true;
		return;
	}
	a->fix[a->nfix].insn = a->p->len;
	a->fix[a->nfix].label = l;
	a->nfix++;
	op(a, BPF_JMP | BPF_JA, 0);
}

/* if ((A == k) == when) goto l */
static void jump_if_eq(struct as *a, uint32_t k, bool when, unsigned int l)
{
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, when ? 0 : 1, when ? 1 : 0, k);
	jump(a, l);
}

/* if (A != k) reject */
static void reject_unless_eq(struct as *a, uint32_t k)
{
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, k);
	op(a, BPF_RET | BPF_K, 0);
}

static void accept_or_reject(struct as *a, bool accept, unsigned int l)
{
	if (accept)
		jump(a, l);
	else
		op(a, BPF_RET | BPF_K, 0);
}

static int finish(struct as *a)
{
	unsigned int i;

	for (i = 0; i < a->nfix && !a->full; i++) {
		unsigned int at = a->fix[i].insn;
		unsigned int to = a->label_at[a->fix[i].label];

		if (to == ~0u || to <= at)
			return -EINVAL;	/* a bug here: labels only go forward */
		a->p->insn[at].k = to - at - 1;
	}
	return a->full ? -E2BIG : 0;
}

/* A = offset of attribute `type` inside the nest at offset A. */
static void find_nested(struct as *a, uint32_t type)
{
	op(a, BPF_LDX | BPF_IMM, type);
	op(a, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR_NEST));
}

static void find_top(struct as *a, uint32_t type)
{
	op(a, BPF_LD | BPF_IMM, OFF_ATTRS);
	op(a, BPF_LDX | BPF_IMM, type);
	op(a, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR));
}

/* X = offset of attribute `type` in the nest kept in slot; goto missing
 * when the nest or the attribute is absent. */
static void find_in_slot(struct as *a, unsigned int slot, uint32_t type,
			 unsigned int missing)
{
	op(a, BPF_LD | BPF_MEM, slot);
	jump_if_eq(a, 0, true, missing);
	find_nested(a, type);
	jump_if_eq(a, 0, true, missing);
	op(a, BPF_MISC | BPF_TAX, 0);
}

/* Fill the six scratch slots, on every path (the kernel's checker wants
 * each slot stored before any load). */
static void load_tuples(struct as *a)
{
	static const struct {
		uint32_t type;
		unsigned int self, ip, proto;
	} t[] = {
		{ CTA_TUPLE_ORIG, M_ORIG, M_ORIG_IP, M_ORIG_PROTO },
		{ CTA_TUPLE_REPLY, M_REPLY, M_REPLY_IP, M_REPLY_PROTO },
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		unsigned int absent = label(a), done = label(a);

		find_top(a, t[i].type);
		op(a, BPF_ST, t[i].self);
		jump_if_eq(a, 0, true, absent);
		find_nested(a, CTA_TUPLE_IP);
		op(a, BPF_ST, t[i].ip);
		op(a, BPF_LD | BPF_MEM, t[i].self);
		find_nested(a, CTA_TUPLE_PROTO);
		op(a, BPF_ST, t[i].proto);
		jump(a, done);
		place(a, absent);
		op(a, BPF_ST, t[i].ip);		/* A == 0 here */
		op(a, BPF_ST, t[i].proto);
		place(a, done);
	}
}

static void check_events(struct as *a, unsigned int ev)
{
	unsigned int cont = label(a);

	op(a, BPF_LD | BPF_B | BPF_ABS, OFF_TYPE_LO);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, IPCTNL_MSG_CT_DELETE);
	accept_or_reject(a, ev & (1u << CT_EV_DESTROY), cont);
	jump_if_eq(a, IPCTNL_MSG_CT_NEW, false, cont);	/* unknown: let it be */
	op(a, BPF_LD | BPF_B | BPF_ABS, OFF_FLAGS_HI);
	op(a, BPF_ALU | BPF_AND | BPF_K, NEW_FLAGS_HI);
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
	accept_or_reject(a, ev & (1u << CT_EV_UPDATE), cont);
	accept_or_reject(a, ev & (1u << CT_EV_NEW), cont);
	place(a, cont);
}

static void check_l4(struct as *a, const struct ct_bpf_spec *s)
{
	unsigned int cont = label(a), in = label(a);
	unsigned int i;

	find_in_slot(a, M_ORIG_PROTO, CTA_PROTO_NUM, cont);
	op(a, BPF_LD | BPF_B | BPF_IND, 4);
	for (i = 0; i < s->n_l4; i++)
		jump_if_eq(a, s->l4[i], true, in);
	accept_or_reject(a, s->l4_ignore, cont);
	place(a, in);
	accept_or_reject(a, !s->l4_ignore, cont);
	place(a, cont);
}

static void check_port(struct as *a, unsigned int slot, uint32_t type,
		       uint16_t port)
{
	unsigned int next = label(a);

	find_in_slot(a, slot, type, next);
	op(a, BPF_LD | BPF_H | BPF_IND, 4);
	reject_unless_eq(a, port);
	place(a, next);
}

static void check_ports(struct as *a, const struct ct_bpf_spec *s)
{
	if (s->orig.present & CT_T_SPORT)
		check_port(a, M_ORIG_PROTO, CTA_PROTO_SRC_PORT, s->orig.sport);
	if (s->orig.present & CT_T_DPORT)
		check_port(a, M_ORIG_PROTO, CTA_PROTO_DST_PORT, s->orig.dport);
	if (s->reply.present & CT_T_SPORT)
		check_port(a, M_REPLY_PROTO, CTA_PROTO_SRC_PORT, s->reply.sport);
	if (s->reply.present & CT_T_DPORT)
		check_port(a, M_REPLY_PROTO, CTA_PROTO_DST_PORT, s->reply.dport);
}

static uint32_t be_word(const union ct_addr *x, unsigned int i)
{
	return ntohl(x->ip[i]);
}

/* Compare the address at X+4 with each network of family l3. */
static void match_nets(struct as *a, const struct ct_bpf_addr *c, uint8_t l3,
		       unsigned int match)
{
	unsigned int words = l3 == AF_INET6 ? 4 : 1, i, w;

	for (i = 0; i < c->n; i++) {
		const struct ct_bpf_net *n = &c->net[i];
		unsigned int next = label(a);

		if (n->l3 != l3)
			continue;
		for (w = 0; w < words; w++) {
			uint32_t m = be_word(&n->mask, w);

			if (m == 0)
				continue;
			op(a, BPF_LD | BPF_W | BPF_IND, 4 + 4 * w);
			if (m != 0xffffffffu)
				op(a, BPF_ALU | BPF_AND | BPF_K, m);
			jump_if_eq(a, be_word(&n->addr, w) & m, false, next);
		}
		jump(a, match);
		place(a, next);
	}
}

static void check_addr(struct as *a, const struct ct_bpf_addr *c)
{
	static const struct {
		unsigned int bit, slot;
		uint32_t v4, v6;
	} f[] = {
		{ CT_BPF_ORIG_SRC, M_ORIG_IP, CTA_IP_V4_SRC, CTA_IP_V6_SRC },
		{ CT_BPF_ORIG_DST, M_ORIG_IP, CTA_IP_V4_DST, CTA_IP_V6_DST },
		{ CT_BPF_REPL_SRC, M_REPLY_IP, CTA_IP_V4_SRC, CTA_IP_V6_SRC },
		{ CT_BPF_REPL_DST, M_REPLY_IP, CTA_IP_V4_DST, CTA_IP_V6_DST },
	};
	unsigned int match = label(a), done = label(a);
	bool fam[2] = { false, false };
	size_t i, j;

	for (i = 0; i < c->n; i++)
		fam[c->net[i].l3 == AF_INET6] = true;
	for (i = 0; i < 4; i++) {
		if (!(c->where & f[i].bit))
			continue;
		for (j = 0; j < 2; j++) {
			unsigned int next = label(a);

			if (!fam[j])
				continue;
			/* no IP nest at all: nothing to judge by */
			op(a, BPF_LD | BPF_MEM, f[i].slot);
			jump_if_eq(a, 0, true, done);
			find_nested(a, j ? f[i].v6 : f[i].v4);
			jump_if_eq(a, 0, true, next);
			op(a, BPF_MISC | BPF_TAX, 0);
			match_nets(a, c, j ? AF_INET6 : AF_INET, match);
			place(a, next);
		}
	}
	accept_or_reject(a, c->ignore, done);
	place(a, match);
	accept_or_reject(a, !c->ignore, done);
	place(a, done);
}

static void check_top_u(struct as *a, uint32_t type, uint16_t size,
			uint32_t mask, uint32_t val)
{
	unsigned int next = label(a);

	find_top(a, type);
	jump_if_eq(a, 0, true, next);
	op(a, BPF_MISC | BPF_TAX, 0);
	op(a, BPF_LD | size | BPF_IND, 4);
	if (mask != 0xffffffffu)
		op(a, BPF_ALU | BPF_AND | BPF_K, mask);
	reject_unless_eq(a, val & mask);
	place(a, next);
}

void ct_bpf_spec_init(struct ct_bpf_spec *s)
{
	memset(s, 0, sizeof(*s));
}

int ct_bpf_add_net(struct ct_bpf_addr *a, uint8_t l3,
		   const union ct_addr *addr, int prefix)
{
	int bits = l3 == AF_INET6 ? 128 : 32, i;
	struct ct_bpf_net *n;

	if ((l3 != AF_INET && l3 != AF_INET6) || prefix > bits)
		return -EINVAL;
	if (a->n >= CT_BPF_MAX_NETS)
		return -ENOSPC;
	if (prefix < 0)
		prefix = bits;
	n = &a->net[a->n++];
	memset(n, 0, sizeof(*n));
	n->l3 = l3;
	for (i = 0; i < bits / 32; i++) {
		int left = prefix - 32 * i;
		uint32_t m = left >= 32 ? 0xffffffffu :
			     left <= 0 ? 0 : ~(0xffffffffu >> left);

		n->mask.ip[i] = htonl(m);
		n->addr.ip[i] = addr->ip[i] & n->mask.ip[i];
	}
	return 0;
}

bool ct_bpf_is_empty(const struct ct_bpf_spec *s)
{
	unsigned int ev = s->events & (1u << CT_EV_NEW | 1u << CT_EV_UPDATE |
				       1u << CT_EV_DESTROY);

	return !s->family && (!ev || ev == (1u << CT_EV_NEW |
					    1u << CT_EV_UPDATE |
					    1u << CT_EV_DESTROY)) &&
	       !s->n_l4 && !s->l4_ignore &&
	       !((s->orig.present | s->reply.present) &
		 (CT_T_SPORT | CT_T_DPORT)) &&
	       !s->n_addr && !s->mark && !s->zone;
}

int ct_bpf_compile(const struct ct_bpf_spec *s, struct ct_bpf_prog *p)
{
	struct as *a, as_mem;
	unsigned int ev = s->events & (1u << CT_EV_NEW | 1u << CT_EV_UPDATE |
				       1u << CT_EV_DESTROY);
	unsigned int i;

	a = &as_mem;
	memset(a, 0, sizeof(*a));
	a->p = p;
	p->len = 0;
	if (s->n_l4 > CT_BPF_MAX_L4 || s->n_addr > CT_BPF_MAX_ADDR)
		return -EINVAL;
	if (s->family) {
		op(a, BPF_LD | BPF_B | BPF_ABS, OFF_FAMILY);
		reject_unless_eq(a, s->family);
	}
	if (ev && ev != (1u << CT_EV_NEW | 1u << CT_EV_UPDATE |
			 1u << CT_EV_DESTROY))
		check_events(a, ev);
	if (s->n_l4 || s->l4_ignore || s->n_addr ||
	    ((s->orig.present | s->reply.present) & (CT_T_SPORT | CT_T_DPORT))) {
		load_tuples(a);
		if (s->n_l4 || s->l4_ignore)
			check_l4(a, s);
		check_ports(a, s);
		for (i = 0; i < s->n_addr; i++)
			check_addr(a, &s->addr[i]);
	}
	if (s->mark)
		check_top_u(a, CTA_MARK, BPF_W, s->mark_mask, s->mark_val);
	if (s->zone)
		check_top_u(a, CTA_ZONE, BPF_H, 0xffffffffu, s->zone_val);
	op(a, BPF_RET | BPF_K, RET_ACCEPT);
	return finish(a);
}

int ct_bpf_attach(int fd, const struct ct_bpf_prog *p)
{
	struct sock_fprog fp;

	fp.len = (unsigned short)p->len;
	/* the kernel reads it as struct sock_filter: same layout */
	fp.filter = (struct sock_filter *)(void *)p->insn;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
		return -errno;
	return 0;
}

static bool has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP ||
	       l4 == IPPROTO_UDPLITE || l4 == IPPROTO_SCTP ||
	       l4 == IPPROTO_DCCP;
}

static void add_addr(struct ct_bpf_spec *s, unsigned int where, uint8_t l3,
		     const union ct_addr *addr, const union ct_addr *mask)
{
	struct ct_bpf_addr *c;
	struct ct_bpf_net *n;
	int i;

	if ((l3 != AF_INET && l3 != AF_INET6) || s->n_addr >= CT_BPF_MAX_ADDR)
		return;		/* not checked in the kernel: still correct */
	c = &s->addr[s->n_addr++];
	memset(c, 0, sizeof(*c));
	c->where = where;
	c->n = 1;
	n = &c->net[0];
	n->l3 = l3;
	for (i = 0; i < 4; i++) {
		n->mask.ip[i] = mask ? mask->ip[i] : 0xffffffffu;
		if (l3 == AF_INET && i > 0)
			n->mask.ip[i] = 0;
		n->addr.ip[i] = addr->ip[i] & n->mask.ip[i];
	}
}

void ct_bpf_from_filter(struct ct_bpf_spec *s, const struct ct_filter *f,
			uint8_t family)
{
	const struct ct_tuple *o = &f->tmpl.orig, *r = &f->tmpl.reply;
	uint8_t l3 = family ? family : f->family;

	ct_bpf_spec_init(s);
	s->family = l3;
	if (f->mark) {
		s->mark = true;
		s->mark_val = f->mark_val;
		s->mark_mask = f->mark_mask;
	}
	/* the mask filter is applied whether or not the template compare
	 * is on; it needs the entry's family to be the command's */
	if (f->src_mask)
		add_addr(s, CT_BPF_ORIG_SRC, f->mask_l3, &o->src,
			 &f->src_mask_addr);
	if (f->dst_mask)
		add_addr(s, CT_BPF_ORIG_DST, f->mask_l3, &o->dst,
			 &f->dst_mask_addr);
	if (!f->cmp)
		return;
	if (ct_has(&f->tmpl, CT_A_ORIG) || ct_has(&f->tmpl, CT_A_REPLY) ||
	    o->present || r->present) {
		if (!f->src_mask && (o->present & CT_T_SRC))
			add_addr(s, CT_BPF_ORIG_SRC, o->l3, &o->src, NULL);
		if (!f->dst_mask && (o->present & CT_T_DST))
			add_addr(s, CT_BPF_ORIG_DST, o->l3, &o->dst, NULL);
		if (r->present & CT_T_SRC)
			add_addr(s, CT_BPF_REPL_SRC, r->l3, &r->src, NULL);
		if (r->present & CT_T_DST)
			add_addr(s, CT_BPF_REPL_DST, r->l3, &r->dst, NULL);
		if (o->present & CT_T_L4) {
			s->n_l4 = 1;
			s->l4[0] = o->l4;
			/* ports are compared only for these protocols, and
			 * only once the protocol is known to be this one */
			if (has_ports(o->l4)) {
				s->orig.present = o->present &
						  (CT_T_SPORT | CT_T_DPORT);
				s->orig.sport = o->sport;
				s->orig.dport = o->dport;
				if (!(r->present & CT_T_L4) || r->l4 == o->l4) {
					s->reply.present = r->present &
						(CT_T_SPORT | CT_T_DPORT);
					s->reply.sport = r->sport;
					s->reply.dport = r->dport;
				}
			}
		}
	}
	if (ct_has(&f->tmpl, CT_A_ZONE)) {
		s->zone = true;
		s->zone_val = f->tmpl.zone;
	}
}
