/* The compact form of a conntrack entry (see ctpack.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/ctpack.h"

#define BIT_REPLY_INV	39	/* reply tuple = original inverted */
#define PRESENT_LEN	5
_Static_assert(CT_A_MAX <= BIT_REPLY_INV, "presence bits fit in 5 bytes");

#define T_PRESENT_MASK	0x1ffu	/* every CT_T_* */
#define T_L3_SHIFT	9	/* 0 AF_INET, 1 AF_INET6, 2 a byte follows */
_Static_assert(CT_T_ZONE == 1u << 8, "tuple presence bits fit in 9 bits");

struct wr {
	uint8_t *p;
	size_t n, cap;
};

struct rd {
	const uint8_t *p;
	size_t n, len;
	bool bad;
};

/* Every event packs one flow and every transmission unpacks one: the
 * primitives are inline, fixed sizes are plain loads and stores, and a
 * copy past the end only marks the writer or reader. */
static inline void put(struct wr *w, const void *src, size_t len)
{
	if (w->n + len <= w->cap)
		memcpy(w->p + w->n, src, len);
	w->n += len;	/* past cap: the caller sees n > cap */
}

static inline void put8(struct wr *w, uint8_t v)
{
	if (w->n < w->cap)
		w->p[w->n] = v;
	w->n++;
}

static inline void put16(struct wr *w, uint16_t v)
{
	if (w->n + 2 <= w->cap)
		memcpy(w->p + w->n, &v, 2);
	w->n += 2;
}

/* Room for len more bytes; else the reader goes bad for good. */
static inline bool room(struct rd *r, size_t len)
{
	if (r->bad || len > r->len - r->n) {
		r->bad = true;
		return false;
	}
	return true;
}

static inline void get(struct rd *r, void *dst, size_t len)
{
	if (!room(r, len)) {
		memset(dst, 0, len);
		return;
	}
	memcpy(dst, r->p + r->n, len);
	r->n += len;
}

static inline uint8_t get8(struct rd *r)
{
	if (!room(r, 1))
		return 0;
	return r->p[r->n++];
}

static inline uint16_t get16(struct rd *r)
{
	uint16_t v;

	if (!room(r, 2))
		return 0;
	memcpy(&v, r->p + r->n, 2);
	r->n += 2;
	return v;
}

static size_t addr_len(uint8_t l3)
{
	return l3 == AF_INET ? 4 : 16;
}

/* The tuple with only what its presence bits cover (what decoding gives
 * back), so that two tuples compare with memcmp. */
/* An address as two fixed-size copies, not a call to memcpy. */
static inline void put_addr(struct wr *w, const void *a, uint8_t l3)
{
	if (l3 == AF_INET)
		put(w, a, 4);
	else
		put(w, a, 16);
}

static inline void get_addr(struct rd *r, void *a, uint8_t l3)
{
	if (l3 == AF_INET)
		get(r, a, 4);
	else
		get(r, a, 16);
}

static void tuple_canon(struct ct_tuple *d, const struct ct_tuple *s)
{
	uint32_t p = s->present & T_PRESENT_MASK;

	memset(d, 0, sizeof(*d));
	d->present = p;
	d->l3 = s->l3;
	d->l4 = s->l4;
	if (p & CT_T_SRC)
		memcpy(d->src.b, s->src.b, addr_len(s->l3));
	if (p & CT_T_DST)
		memcpy(d->dst.b, s->dst.b, addr_len(s->l3));
	if (p & CT_T_SPORT)
		d->sport = s->sport;
	if (p & CT_T_DPORT)
		d->dport = s->dport;
	if (p & CT_T_ICMP_TYPE)
		d->icmp_type = s->icmp_type;
	if (p & CT_T_ICMP_CODE)
		d->icmp_code = s->icmp_code;
	if (p & CT_T_ICMP_ID)
		d->icmp_id = s->icmp_id;
	if (p & CT_T_ZONE)
		d->zone = s->zone;
}

static void put_tuple(struct wr *w, const struct ct_tuple *t)
{
	uint32_t p = t->present & T_PRESENT_MASK;
	unsigned int l3c = t->l3 == AF_INET ? 0 : t->l3 == AF_INET6 ? 1 : 2;

	put16(w, (uint16_t)(p | l3c << T_L3_SHIFT));
	if (l3c == 2)
		put8(w, t->l3);
	put8(w, t->l4);
	if (p & CT_T_SRC)
		put_addr(w, t->src.b, t->l3);
	if (p & CT_T_DST)
		put_addr(w, t->dst.b, t->l3);
	if (p & CT_T_SPORT)
		put16(w, t->sport);
	if (p & CT_T_DPORT)
		put16(w, t->dport);
	if (p & CT_T_ICMP_TYPE)
		put8(w, t->icmp_type);
	if (p & CT_T_ICMP_CODE)
		put8(w, t->icmp_code);
	if (p & CT_T_ICMP_ID)
		put16(w, t->icmp_id);
	if (p & CT_T_ZONE)
		put16(w, t->zone);
}

static void get_tuple(struct rd *r, struct ct_tuple *t)
{
	uint16_t h = get16(r);
	unsigned int l3c = h >> T_L3_SHIFT;

	if (l3c > 2)
		r->bad = true;
	t->present = h & T_PRESENT_MASK;
	t->l3 = l3c == 0 ? AF_INET : l3c == 1 ? AF_INET6 : get8(r);
	t->l4 = get8(r);
	if (t->present & CT_T_SRC)
		get_addr(r, t->src.b, t->l3);
	if (t->present & CT_T_DST)
		get_addr(r, t->dst.b, t->l3);
	if (t->present & CT_T_SPORT)
		t->sport = get16(r);
	if (t->present & CT_T_DPORT)
		t->dport = get16(r);
	if (t->present & CT_T_ICMP_TYPE)
		t->icmp_type = get8(r);
	if (t->present & CT_T_ICMP_CODE)
		t->icmp_code = get8(r);
	if (t->present & CT_T_ICMP_ID)
		t->icmp_id = get16(r);
	if (t->present & CT_T_ZONE)
		t->zone = get16(r);
}

static size_t nat_addr_len(uint8_t l3)
{
	return l3 ? addr_len(l3) : 0;
}

static void put_nat(struct wr *w, const struct ct_nat *n)
{
	put8(w, n->l3);
	put8(w, n->has_port ? 1 : 0);
	put16(w, n->port_min);
	put16(w, n->port_max);
	put(w, n->min.b, nat_addr_len(n->l3));
	put(w, n->max.b, nat_addr_len(n->l3));
}

static void get_nat(struct rd *r, struct ct_nat *n)
{
	n->l3 = get8(r);
	n->has_port = get8(r) != 0;
	n->port_min = get16(r);
	n->port_max = get16(r);
	get(r, n->min.b, nat_addr_len(n->l3));
	get(r, n->max.b, nat_addr_len(n->l3));
}

/* The fixed-size fields: one or two pieces of struct ct per attribute,
 * indexed by attribute (len1 0: not a fixed-size field); the encoding
 * has them in attribute order after the tuples. */
#define F(a, o1, l1, o2, l2)	[a] = { offsetof(struct ct, o1), l1, o2, l2 }
#define F1(a, o, l)		F(a, o, l, 0, 0)
#define F2(a, o1, l1, o2, l2)	F(a, o1, l1, offsetof(struct ct, o2), l2)
static const struct field {
	uint16_t off1, len1, off2, len2;
} fields[CT_A_MAX] = {
	F1(CT_A_STATUS, status, 4),
	F1(CT_A_TIMEOUT, timeout, 4),
	F1(CT_A_MARK, mark, 4),
	F1(CT_A_SECMARK, secmark, 4),
	F1(CT_A_USE, use, 4),
	F1(CT_A_ID, id, 4),
	F2(CT_A_LABELS, labels_len, 1, labels, 16),
	F2(CT_A_LABELS_MASK, labels_mask_len, 1, labels_mask, 16),
	F1(CT_A_COUNTERS_ORIG, counters[0], 16),
	F1(CT_A_COUNTERS_REPLY, counters[1], 16),
	F1(CT_A_TS_START, ts_start, 8),
	F1(CT_A_TS_STOP, ts_stop, 8),
	F1(CT_A_TS_EVENT, ts_event, 8),
	F1(CT_A_TCP_STATE, tcp.state, 1),
	F2(CT_A_TCP_FLAGS_ORIG, tcp.flags[0], 1, tcp.flags_mask[0], 1),
	F2(CT_A_TCP_FLAGS_REPLY, tcp.flags[1], 1, tcp.flags_mask[1], 1),
	F1(CT_A_TCP_WSCALE_ORIG, tcp.wscale[0], 1),
	F1(CT_A_TCP_WSCALE_REPLY, tcp.wscale[1], 1),
	F1(CT_A_SCTP_STATE, sctp.state, 1),
	F1(CT_A_SCTP_VTAG_ORIG, sctp.vtag[0], 4),
	F1(CT_A_SCTP_VTAG_REPLY, sctp.vtag[1], 4),
	F1(CT_A_DCCP_STATE, dccp.state, 1),
	F1(CT_A_DCCP_ROLE, dccp.role, 1),
	F1(CT_A_DCCP_HS_SEQ, dccp.hs_seq, 8),
	F1(CT_A_SEQADJ_ORIG, seqadj[0], 12),
	F1(CT_A_SEQADJ_REPLY, seqadj[1], 12),
	F1(CT_A_SYNPROXY, synproxy, 12),
};
_Static_assert(sizeof(struct ct_counters) == 16 &&
	       sizeof(struct ct_seqadj) == 12 &&
	       sizeof(((struct ct *)0)->synproxy) == 12 &&
	       sizeof(((struct ct *)0)->labels) == 16 &&
	       sizeof(((struct ct *)0)->labels_mask) == 16,
	       "struct ct layout changed: review the field table");

/* The attributes with a fixed-size field; walking them from the lowest
 * bit visits the fields in the encoding's order. */
static uint64_t fields_mask(void)
{
	static uint64_t m;
	unsigned int a;

	if (!m)
		for (a = 0; a < CT_A_MAX; a++)
			if (fields[a].len1)
				m |= CT_BIT(a);
	return m;
}

int ctpack_encode(uint8_t *buf, size_t cap, const struct ct *ct,
		  uint64_t drop)
{
	uint64_t present = ct->present & ~drop & (CT_BIT(CT_A_MAX) - 1);
	struct wr w = { buf, 0, cap };
	const unsigned char *b = (const unsigned char *)ct;
	struct ct_tuple o, r, inv;
	size_t i, l;
	uint64_t m;

	if ((present & CT_BIT(CT_A_ORIG)) && (present & CT_BIT(CT_A_REPLY))) {
		tuple_canon(&o, &ct->orig);
		tuple_canon(&r, &ct->reply);
		ct_tuple_invert(&inv, &o);
		tuple_canon(&o, &inv);
		if (!memcmp(&o, &r, sizeof(o)))
			present |= 1ull << BIT_REPLY_INV;
	}
	for (i = 0; i < PRESENT_LEN; i++)
		put8(&w, (uint8_t)(present >> 8 * i));
	put8(&w, ct->family);
	if (present & CT_BIT(CT_A_ORIG))
		put_tuple(&w, &ct->orig);
	if (present & CT_BIT(CT_A_ZONE))
		put16(&w, ct->zone);
	if ((present & CT_BIT(CT_A_REPLY)) && !(present >> BIT_REPLY_INV & 1))
		put_tuple(&w, &ct->reply);
	if (present & CT_BIT(CT_A_MASTER))
		put_tuple(&w, &ct->master);
	if (present & CT_BIT(CT_A_SECCTX)) {
		l = strnlen(ct->secctx, CT_SECCTX_MAX - 1);
		put16(&w, (uint16_t)l);
		put(&w, ct->secctx, l);
	}
	for (m = present & fields_mask(); m; m &= m - 1) {
		const struct field *f = &fields[__builtin_ctzll(m)];

		put(&w, b + f->off1, f->len1);
		if (f->len2)
			put(&w, b + f->off2, f->len2);
	}
	if (present & CT_BIT(CT_A_HELPER)) {
		l = strnlen(ct->helper, CT_HELPER_MAX - 1);
		put8(&w, (uint8_t)l);
		put(&w, ct->helper, l);
	}
	if (present & CT_BIT(CT_A_SNAT))
		put_nat(&w, &ct->snat);
	if (present & CT_BIT(CT_A_DNAT))
		put_nat(&w, &ct->dnat);
	return w.n > cap ? -ENOSPC : (int)w.n;
}

/* The presence bits and family; the reader is then at the tuples. */
static uint64_t get_head(struct rd *r, uint8_t *family)
{
	uint64_t present = 0;
	int i;

	if (!room(r, PRESENT_LEN + 1)) {
		*family = 0;
		return 0;
	}
	for (i = 0; i < PRESENT_LEN; i++)
		present |= (uint64_t)r->p[r->n + (size_t)i] << 8 * i;
	*family = r->p[r->n + PRESENT_LEN];
	r->n += PRESENT_LEN + 1;
	if (present & ~(CT_BIT(CT_A_MAX) - 1) & ~(1ull << BIT_REPLY_INV))
		r->bad = true;
	return present;
}

int ctpack_decode(const uint8_t *p, size_t len, struct ct *ct)
{
	struct rd r = { p, 0, len, false };
	unsigned char *b = (unsigned char *)ct;
	uint64_t present;
	size_t l;
	uint64_t m;

	/* not memset: the string buffers are most of struct ct's 4+ kB, and
	 * every commit and bulk walk decodes each object once */
	ct_init(ct);
	present = get_head(&r, &ct->family);
	if (present & CT_BIT(CT_A_ORIG))
		get_tuple(&r, &ct->orig);
	if (present & CT_BIT(CT_A_ZONE))
		ct->zone = get16(&r);
	if (present >> BIT_REPLY_INV & 1) {
		struct ct_tuple inv;

		ct_tuple_invert(&inv, &ct->orig);
		tuple_canon(&ct->reply, &inv);
	} else if (present & CT_BIT(CT_A_REPLY)) {
		get_tuple(&r, &ct->reply);
	}
	if (present & CT_BIT(CT_A_MASTER))
		get_tuple(&r, &ct->master);
	if (present & CT_BIT(CT_A_SECCTX)) {
		l = get16(&r);
		if (l >= CT_SECCTX_MAX)
			return -EINVAL;
		get(&r, ct->secctx, l);
		ct->secctx[l] = '\0';
	}
	for (m = present & fields_mask(); m; m &= m - 1) {
		const struct field *f = &fields[__builtin_ctzll(m)];

		get(&r, b + f->off1, f->len1);
		if (f->len2)
			get(&r, b + f->off2, f->len2);
	}
	if (present & CT_BIT(CT_A_HELPER)) {
		l = get8(&r);
		if (l >= CT_HELPER_MAX)
			return -EINVAL;
		get(&r, ct->helper, l);
		ct->helper[l] = '\0';
	}
	if (present & CT_BIT(CT_A_SNAT))
		get_nat(&r, &ct->snat);
	if (present & CT_BIT(CT_A_DNAT))
		get_nat(&r, &ct->dnat);
	ct->present = present & (CT_BIT(CT_A_MAX) - 1);
	return r.bad ? -EINVAL : (int)r.n;
}

int ctpack_key(const uint8_t *p, size_t len, struct ctkey *k)
{
	struct rd r = { p, 0, len, false };
	struct ct_tuple t;
	uint16_t zone = 0;
	uint64_t present;
	uint8_t family;

	memset(&t, 0, sizeof(t));
	present = get_head(&r, &family);
	if (present & CT_BIT(CT_A_ORIG))
		get_tuple(&r, &t);
	if (present & CT_BIT(CT_A_ZONE))
		zone = get16(&r);
	ctkey_of(k, &t, zone);
	return r.bad ? -EINVAL : 0;
}
