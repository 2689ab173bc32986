/* conntrack 1.4.7's userspace filter on struct ct (NAT, mark, labels,
 * network masks, then libnetfilter_conntrack's nfct_cmp(ALL|MASK)), and
 * the part of it a kernel dump request can carry. */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "ct_filter.h"

void ct_filter_init(struct ct_filter *f)
{
	memset(f, 0, sizeof(*f));
}

static size_t addr_len(uint8_t l3)
{
	return l3 == AF_INET6 ? 16 : 4;
}

static bool addr_eq(uint8_t l3, const union ct_addr *a,
		    const union ct_addr *b)
{
	return memcmp(a, b, addr_len(l3)) == 0;
}

/* The 16-bit "all" of a tuple's layer-4 part as the library keeps it:
 * ports (GRE keys), or the ICMP id (source) and type/code (dest). */
static uint16_t l4_src_all(const struct ct_tuple *t)
{
	if (t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6)
		return t->icmp_id;
	return t->sport;
}

static uint16_t l4_dst_all(const struct ct_tuple *t)
{
	if (t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6)
		return (uint16_t)(t->icmp_type << 8 | t->icmp_code);
	return t->dport;
}

/* The library's port-NAT tests: the NAT-done status bit (when the entry
 * has a status) and a layer-4 part that differs.  Address NAT is
 * ct_is_snat()/ct_is_dnat(). */
static bool nat_done(const struct ct *ct, uint32_t bit)
{
	return !ct_has(ct, CT_A_STATUS) || (ct->status & bit);
}

static bool is_spat(const struct ct *ct)
{
	return nat_done(ct, CT_S_SRC_NAT_DONE) &&
	       l4_dst_all(&ct->reply) != l4_src_all(&ct->orig);
}

static bool is_dpat(const struct ct *ct)
{
	return nat_done(ct, CT_S_DST_NAT_DONE) &&
	       l4_src_all(&ct->reply) != l4_dst_all(&ct->orig);
}

/* One side of the NAT filter: only IPv4 addresses are compared. */
static bool nat_side(const struct ct_nat_filter *n, bool nat, bool pat,
		     const union ct_addr *addr, uint16_t port)
{
	bool check_addr = n->has_addr && n->l3 == AF_INET;
	bool hit = false;

	if (check_addr && nat && n->addr.ip[0] == addr->ip[0])
		hit = true;
	if (n->has_port) {
		bool ok = pat && n->port == port;

		if (check_addr && hit && !ok)
			hit = false;
		if (!check_addr && ok)
			hit = true;
	}
	if (!check_addr && !n->has_port && (nat || pat))
		hit = true;
	return hit;
}

static bool match_nat(const struct ct_filter *f, const struct ct *ct)
{
	bool s = false, d = false;

	if (!f->snat.on && !f->dnat.on)
		return true;
	if (f->snat.on)
		s = nat_side(&f->snat, ct_is_snat(ct), is_spat(ct),
			     &ct->reply.dst, l4_dst_all(&ct->reply));
	if (f->dnat.on)
		d = nat_side(&f->dnat, ct_is_dnat(ct), is_dpat(ct),
			     &ct->reply.src, l4_src_all(&ct->reply));
	if (f->any_nat)
		return s || d;
	if (f->snat.on && f->dnat.on)
		return s && d;
	return f->snat.on ? s : d;
}

static bool match_labels(const struct ct_filter *f, const struct ct *ct)
{
	unsigned int i, words;

	if (!f->labels)
		return true;
	if (!ct_has(ct, CT_A_LABELS) || f->labels_impossible)
		return false;
	words = ct->labels_len / 4;
	for (i = 0; i < CT_LABEL_WORDS; i++) {
		uint32_t have = i < words ? ct->labels[i] : 0;

		if ((f->label_bits[i] & have) != f->label_bits[i])
			return false;
	}
	return true;
}

static bool net_match(const struct ct_filter *f, const union ct_addr *a,
		      const union ct_addr *given, const union ct_addr *mask)
{
	unsigned int i, n = f->mask_l3 == AF_INET6 ? 4 : 1;

	for (i = 0; i < n; i++)
		if ((a->ip[i] & mask->ip[i]) != (given->ip[i] & mask->ip[i]))
			return false;
	return true;
}

static bool match_network(const struct ct_filter *f, const struct ct *ct)
{
	if (!f->src_mask && !f->dst_mask)
		return true;
	if (ct->orig.l3 != f->mask_l3)
		return false;
	if (f->src_mask && !net_match(f, &ct->orig.src, &f->tmpl.orig.src,
				      &f->src_mask_addr))
		return false;
	if (f->dst_mask && !net_match(f, &ct->orig.dst, &f->tmpl.orig.dst,
				      &f->dst_mask_addr))
		return false;
	return true;
}

static bool has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP ||
	       l4 == IPPROTO_UDPLITE || l4 == IPPROTO_DCCP ||
	       l4 == IPPROTO_SCTP;
}

/* A field set in the template must be set and equal in the entry. */
#define STRICT(tp, cp, bit, field) \
	(!((tp)->present & (bit)) || \
	 (((cp)->present & (bit)) && (tp)->field == (cp)->field))

static bool cmp_tuple(const struct ct_tuple *t, const struct ct_tuple *c)
{
	if (t->l3 && c->l3 != t->l3)
		return false;
	if (t->present & CT_T_L4) {
		if (!(c->present & CT_T_L4) || c->l4 != t->l4)
			return false;
		if (has_ports(t->l4) &&
		    (!STRICT(t, c, CT_T_SPORT, sport) ||
		     !STRICT(t, c, CT_T_DPORT, dport)))
			return false;
		if ((t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6) &&
		    (!STRICT(t, c, CT_T_ICMP_ID, icmp_id) ||
		     !STRICT(t, c, CT_T_ICMP_CODE, icmp_code) ||
		     !STRICT(t, c, CT_T_ICMP_TYPE, icmp_type)))
			return false;
	}
	if ((t->present & CT_T_SRC) &&
	    (!(c->present & CT_T_SRC) || !addr_eq(t->l3, &t->src, &c->src)))
		return false;
	if ((t->present & CT_T_DST) &&
	    (!(c->present & CT_T_DST) || !addr_eq(t->l3, &t->dst, &c->dst)))
		return false;
	/* directional zones are not strict: absent counts as zone 0 */
	if ((t->present & CT_T_ZONE) &&
	    t->zone != ((c->present & CT_T_ZONE) ? c->zone : 0))
		return false;
	return true;
}

#define META(a, field) \
	(!ct_has(t, a) || (ct_has(c, a) && t->field == c->field))

static bool cmp_all(const struct ct *t, const struct ct *c)
{
	if (!cmp_tuple(&t->orig, &c->orig) || !cmp_tuple(&t->reply, &c->reply))
		return false;
	if (!META(CT_A_ID, id) || !META(CT_A_TIMEOUT, timeout))
		return false;
	if (ct_has(t, CT_A_STATUS) &&
	    (!ct_has(c, CT_A_STATUS) || (t->status & c->status) != t->status))
		return false;
	if (!META(CT_A_TCP_STATE, tcp.state) ||
	    !META(CT_A_SCTP_STATE, sctp.state) ||
	    !META(CT_A_DCCP_STATE, dccp.state))
		return false;
	if (ct_has(t, CT_A_ZONE) &&
	    t->zone != (ct_has(c, CT_A_ZONE) ? c->zone : 0))
		return false;
	/* the kernel sends no secmark unless one is set: compare only
	 * when both have it, which is what upstream ends up doing */
	if (ct_has(t, CT_A_SECMARK) && ct_has(c, CT_A_SECMARK) &&
	    t->secmark != c->secmark)
		return false;
	return true;
}

bool ct_filter_match(const struct ct_filter *f, const struct ct *ct)
{
	if (f->family && ct_l3(ct) != f->family)
		return false;
	if (!match_nat(f, ct))
		return false;
	if (f->mark && (!ct_has(ct, CT_A_MARK) ||
			(ct->mark & f->mark_mask) != f->mark_val))
		return false;
	if (!match_labels(f, ct) || !match_network(f, ct))
		return false;
	if (f->cmp && !cmp_all(&f->tmpl, ct))
		return false;
	return true;
}

/* Only fields whose kernel semantics are the same as, or wider than,
 * the userspace check above. */
static void kernel_tuple(struct ct_tuple *k, const struct ct_tuple *t)
{
	memset(k, 0, sizeof(*k));
	k->l3 = t->l3;
	k->present = t->present & (CT_T_SRC | CT_T_DST | CT_T_L4);
	/* Kernels up to at least 6.18 compare IPv6 filter addresses the
	 * wrong way round (ipv6_addr_cmp() taken as a boolean): an IPv6
	 * address in CTA_FILTER matches every entry but its own. */
	if (t->l3 == AF_INET6)
		k->present &= ~(uint32_t)(CT_T_SRC | CT_T_DST);
	k->src = t->src;
	k->dst = t->dst;
	k->l4 = t->l4;
	if (!(t->present & CT_T_L4))
		return;
	if (t->l4 == IPPROTO_TCP || t->l4 == IPPROTO_UDP) {
		k->present |= t->present & (CT_T_SPORT | CT_T_DPORT);
		k->sport = t->sport;
		k->dport = t->dport;
	}
	if (t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6) {
		k->present |= t->present & (CT_T_ICMP_TYPE | CT_T_ICMP_CODE |
					    CT_T_ICMP_ID);
		k->icmp_type = t->icmp_type;
		k->icmp_code = t->icmp_code;
		k->icmp_id = t->icmp_id;
	}
}

void ct_filter_kernel(const struct ct_filter *f, struct ct_kfilter *kf,
		      bool status_on_kernel)
{
	memset(kf, 0, sizeof(*kf));
	kf->family = f->family;
	if (f->mark) {
		kf->mark = true;
		kf->mark_val = f->mark_val;
		kf->mark_mask = f->mark_mask;
	}
	if (status_on_kernel && f->status) {
		kf->status = true;
		kf->status_val = f->status_val;
		kf->status_mask = f->status_mask;
	}
	if (!f->cmp)
		return;
	/* the kernel matches the zone id in any direction; zone 0 would
	 * be "no filter" there, and -w 0 means "unzoned" here */
	if (ct_has(&f->tmpl, CT_A_ZONE) && f->tmpl.zone) {
		kf->zone = true;
		kf->zone_val = f->tmpl.zone;
	}
	if (f->family == AF_INET || f->family == AF_INET6) {
		kernel_tuple(&kf->orig, &f->tmpl.orig);
		kernel_tuple(&kf->reply, &f->tmpl.reply);
	}
}
