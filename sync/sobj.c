/* The sync caches of stable objects (see sobj.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/ctkey.h"
#include "sync/sobj.h"

#define CT_BODY_LEN	offsetof(struct ct, snat)
_Static_assert(offsetof(struct ct, dnat) > offsetof(struct ct, snat) &&
	       offsetof(struct ct, helper) > offsetof(struct ct, dnat) &&
	       offsetof(struct ct, secctx) > offsetof(struct ct, helper),
	       "struct ct layout changed: review the object body");

/* The rarely present tail of struct ct, out of line. */
struct sobj_rare {
	struct ct_nat snat;
	struct ct_nat dnat;
	char helper[CT_HELPER_MAX];
	char secctx[];		/* NUL-terminated */
};

struct sobj {
	struct sobj *next;	/* hash chain */
	struct sobj_rare *rare;	/* NULL for most flows */
	uint32_t created;
	uint32_t updated;
	uint16_t refs;
	uint8_t state;		/* enum sobj_state */
	uint8_t kind:1;		/* enum sobj_kind */
	uint8_t hashed:1;
	uint8_t ext8:5;		/* extension area, 8-byte units */
	/* the body at offset 28, read and written with memcpy only (it is
	 * not aligned for struct ct); then the extension area, aligned */
	uint32_t data[];
};

#define HDR_LEN		offsetof(struct sobj, data)
#define BODY_MAX	(CT_BODY_LEN > sizeof(struct exp) ? CT_BODY_LEN : \
			 sizeof(struct exp))
/* The extension area starts at the same place for both kinds, so that
 * sobj_of_ext() needs no kind: 376 bytes in, 8-aligned. */
#define EXT_OFF		((HDR_LEN + BODY_MAX + 7) / 8 * 8)
_Static_assert(HDR_LEN == 28, "object header layout");

struct scache {
	const char *name;
	enum sobj_kind kind;
	unsigned int hashsize;
	unsigned int limit;
	unsigned int count;
	size_t ext_size;
	uint32_t seed;
	struct cache_stats st;
	struct sobj *bucket[];
};

static unsigned char *body(const struct sobj *o)
{
	return (unsigned char *)o->data;
}

enum sobj_state sobj_state(const struct sobj *o)
{
	return (enum sobj_state)o->state;
}

enum sobj_kind sobj_kind(const struct sobj *o)
{
	return (enum sobj_kind)o->kind;
}

void *sobj_ext(struct sobj *o)
{
	return o->ext8 ? (void *)((char *)o + EXT_OFF) : NULL;
}

struct sobj *sobj_of_ext(void *ext)
{
	return (struct sobj *)((char *)ext - EXT_OFF);
}

uint32_t sobj_gen(const struct sobj *o)
{
	uint32_t g;

	memcpy(&g, body(o) + offsetof(struct ct, use), sizeof(g));
	return g;
}

void sobj_set_gen(struct sobj *o, uint32_t gen)
{
	if (sobj_kind(o) == SOBJ_CT)
		memcpy(body(o) + offsetof(struct ct, use), &gen, sizeof(gen));
}

void sobj_set_state(struct sobj *o, enum sobj_state st)
{
	o->state = (uint8_t)st;
}

uint32_t sobj_created(const struct sobj *o)
{
	return o->created;
}

uint32_t sobj_updated(const struct sobj *o)
{
	return o->updated;
}

void sobj_get(struct sobj *o)
{
	o->refs++;
}

void sobj_put(struct sobj *o)
{
	if (--o->refs)
		return;
	free(o->rare);
	free(o);
}

static size_t body_len(enum sobj_kind k)
{
	return k == SOBJ_CT ? CT_BODY_LEN : sizeof(struct exp);
}

static size_t alloc_len(enum sobj_kind kind, size_t ext8)
{
	return ext8 ? EXT_OFF + ext8 * 8 : HDR_LEN + body_len(kind);
}

size_t sobj_size(const struct sobj *o)
{
	size_t n = alloc_len(sobj_kind(o), o->ext8);

	if (o->rare)
		n += sizeof(*o->rare) + strlen(o->rare->secctx) + 1;
	return n;
}

void sobj_ct(const struct sobj *o, struct ct *ct)
{
	/* not the whole struct: its 4 kB of secctx made this the cost of
	 * every walk (commit, bulk send, dump); an empty string is enough */
	memcpy(ct, body(o), CT_BODY_LEN);
	memset((char *)ct + CT_BODY_LEN, 0,
	       offsetof(struct ct, secctx) - CT_BODY_LEN);
	ct->secctx[0] = '\0';
	ct->use = 0;	/* the slot holds the sweep generation */
	if (o->rare) {
		ct->snat = o->rare->snat;
		ct->dnat = o->rare->dnat;
		memcpy(ct->helper, o->rare->helper, sizeof(ct->helper));
		strncpy(ct->secctx, o->rare->secctx, sizeof(ct->secctx) - 1);
	}
}

void sobj_exp(const struct sobj *o, struct exp *e)
{
	memcpy(e, body(o), sizeof(*e));
}

/* Store ct's fields in o: the body in place, the rare part replaced.
 * What a cache keeps: not the use count, not the counters. */
static int store_ct(struct sobj *o, const struct ct *src)
{
	bool rare = ct_has(src, CT_A_SNAT) || ct_has(src, CT_A_DNAT) ||
		    ct_has(src, CT_A_HELPER) || ct_has(src, CT_A_SECCTX);
	struct sobj_rare *r = NULL;
	struct ct b;

	if (rare) {
		size_t sl = ct_has(src, CT_A_SECCTX) ?
			    strnlen(src->secctx, sizeof(src->secctx) - 1) : 0;

		r = calloc(1, sizeof(*r) + sl + 1);
		if (!r)
			return -ENOMEM;
		if (ct_has(src, CT_A_SNAT))
			r->snat = src->snat;
		if (ct_has(src, CT_A_DNAT))
			r->dnat = src->dnat;
		if (ct_has(src, CT_A_HELPER))
			memcpy(r->helper, src->helper, sizeof(r->helper) - 1);
		memcpy(r->secctx, src->secctx, sl);
	}
	free(o->rare);
	o->rare = r;
	memcpy(&b, src, CT_BODY_LEN);
	ct_unset(&b, CT_A_USE);
	ct_unset(&b, CT_A_COUNTERS_ORIG);
	ct_unset(&b, CT_A_COUNTERS_REPLY);
	b.use = sobj_gen(o);	/* the slot holds the sweep generation */
	memset(b.counters, 0, sizeof(b.counters));
	memcpy(body(o), &b, CT_BODY_LEN);
	return 0;
}

static struct sobj *obj_alloc(enum sobj_kind kind, size_t ext_size)
{
	size_t ext8 = (ext_size + 7) / 8;
	struct sobj *o = calloc(1, alloc_len(kind, ext8));

	if (!o)
		return NULL;
	o->kind = kind & 1;
	o->ext8 = (uint8_t)ext8 & 31;
	o->refs = 1;
	o->state = SOBJ_NEW;
	return o;
}

struct sobj *sobj_new_ct(const struct ct *ct, uint32_t now, size_t ext_size)
{
	struct sobj *o = obj_alloc(SOBJ_CT, ext_size);

	if (!o)
		return NULL;
	o->created = o->updated = now;
	if (store_ct(o, ct) < 0) {
		free(o);
		errno = ENOMEM;
		return NULL;
	}
	return o;
}

struct scache *scache_create(const char *name, enum sobj_kind kind,
			     unsigned int hashsize, unsigned int limit,
			     size_t ext_size)
{
	struct scache *c;
	size_t n;

	if (!hashsize || ext_size > SOBJ_EXT_MAX ||
	    __builtin_mul_overflow((size_t)hashsize, sizeof(c->bucket[0]), &n) ||
	    __builtin_add_overflow(n, sizeof(*c), &n)) {
		errno = EINVAL;
		return NULL;
	}
	/* the buckets in the same allocation */
	c = calloc(1, n);
	if (!c)
		return NULL;
	c->name = name;
	c->kind = kind;
	c->hashsize = hashsize;
	c->limit = limit;
	c->ext_size = ext_size;
	c->seed = ctkey_seed(c);
	return c;
}

const char *scache_name(const struct scache *c)
{
	return c->name;
}

struct cache_stats *scache_stats(struct scache *c)
{
	return &c->st;
}

unsigned int scache_count(const struct scache *c)
{
	return c->count;
}

static void key_ct(struct ctkey *k, const struct ct *ct)
{
	ctkey_of(k, &ct->orig, ct_has(ct, CT_A_ZONE) ? ct->zone : 0);
}

static void key_exp(struct ctkey *k, const struct exp *e)
{
	ctkey_of(k, &e->tuple, exp_has(e, EXP_A_ZONE) ? e->zone : 0);
}

static void key_obj(struct ctkey *k, const struct sobj *o)
{
	const unsigned char *b = body(o);
	struct ct_tuple t;
	uint64_t present;
	uint16_t zone = 0;

	if (sobj_kind(o) == SOBJ_EXP) {
		struct exp e;

		memcpy(&e, b, sizeof(e));
		key_exp(k, &e);
		return;
	}
	memcpy(&t, b + offsetof(struct ct, orig), sizeof(t));
	memcpy(&present, b + offsetof(struct ct, present), sizeof(present));
	if (present & CT_BIT(CT_A_ZONE))
		memcpy(&zone, b + offsetof(struct ct, zone), sizeof(zone));
	ctkey_of(k, &t, zone);
}

static unsigned int bucket_of(const struct scache *c, const struct ctkey *k)
{
	uint32_t h = ctkey_hash(c->seed, k);

	return (unsigned int)(((uint64_t)h * c->hashsize) >> 32);
}

/* The link that points at the object with key k, or the chain's end. */
static struct sobj **find(struct scache *c, const struct ctkey *k)
{
	struct sobj **pp;
	struct ctkey ok;

	for (pp = &c->bucket[bucket_of(c, k)]; *pp; pp = &(*pp)->next) {
		key_obj(&ok, *pp);
		if (!memcmp(&ok, k, sizeof(ok)))
			break;
	}
	return pp;
}

struct sobj *scache_find_ct(struct scache *c, const struct ct *ct)
{
	struct ctkey k;

	key_ct(&k, ct);
	return *find(c, &k);
}

struct sobj *scache_find_exp(struct scache *c, const struct exp *e)
{
	struct ctkey k;

	key_exp(&k, e);
	return *find(c, &k);
}

static struct sobj *insert(struct scache *c, struct sobj **pp, uint32_t now)
{
	struct sobj *o;

	if (c->count >= c->limit) {
		c->st.add_fail++;
		c->st.add_nospace++;
		errno = ENOSPC;
		return NULL;
	}
	o = obj_alloc(c->kind, c->ext_size);
	if (!o) {
		c->st.add_fail++;
		c->st.add_nomem++;
		errno = ENOMEM;
		return NULL;
	}
	o->created = o->updated = now;
	o->hashed = 1;
	*pp = o;
	c->count++;
	c->st.active++;
	c->st.add_ok++;
	return o;
}

static void unhash(struct scache *c, struct sobj **pp)
{
	struct sobj *o = *pp;

	*pp = o->next;
	o->next = NULL;
	o->hashed = 0;
	o->state = SOBJ_DEAD;
	c->count--;
	c->st.active--;
	sobj_put(o);
}

struct sobj *scache_update_ct(struct scache *c, const struct ct *ct,
			      uint32_t now, bool *added)
{
	struct sobj **pp, *o;
	struct ctkey k;

	key_ct(&k, ct);
	pp = find(c, &k);
	*added = !*pp;
	o = *pp ? *pp : insert(c, pp, now);
	if (!o)
		return NULL;
	if (store_ct(o, ct) < 0) {
		if (*added) {
			c->st.add_ok--;
			c->st.add_fail++;
			c->st.add_nomem++;
			unhash(c, pp);
		} else {
			c->st.upd_fail++;
		}
		errno = ENOMEM;
		return NULL;
	}
	if (!*added) {
		o->state = SOBJ_ALIVE;
		c->st.upd_ok++;
	}
	o->updated = now;
	return o;
}

struct sobj *scache_update_exp(struct scache *c, const struct exp *e,
			       uint32_t now, bool *added)
{
	struct sobj **pp, *o;
	struct ctkey k;

	key_exp(&k, e);
	pp = find(c, &k);
	*added = !*pp;
	o = *pp ? *pp : insert(c, pp, now);
	if (!o)
		return NULL;
	memcpy(body(o), e, sizeof(*e));
	if (!*added) {
		o->state = SOBJ_ALIVE;
		c->st.upd_ok++;
	}
	o->updated = now;
	return o;
}

void scache_del(struct scache *c, struct sobj *o)
{
	struct sobj **pp;
	struct ctkey k;

	if (!o->hashed)
		return;
	key_obj(&k, o);
	for (pp = &c->bucket[bucket_of(c, &k)]; *pp; pp = &(*pp)->next) {
		if (*pp == o) {
			unhash(c, pp);
			c->st.del_ok++;
			return;
		}
	}
}

uint64_t scache_walk(struct scache *c, uint64_t cursor, unsigned int max,
		     void (*cb)(struct sobj *o, void *data), void *data)
{
	unsigned int n = 0, b = (unsigned int)(cursor >> 32);
	unsigned int skip = (unsigned int)cursor, i;

	/* cursor: bucket << 32 | objects of that bucket already done, + 1
	 * on the bucket so that 0 means "start" */
	if (cursor)
		b--;
	for (; b < c->hashsize; b++, skip = 0) {
		struct sobj *o = c->bucket[b], *nx;

		for (i = 0; o && i < skip; i++)
			o = o->next;
		for (; o; o = nx, skip++) {
			if (n == max)
				return ((uint64_t)(b + 1) << 32) | skip;
			bool gone;

			nx = o->next;
			sobj_get(o);	/* cb may delete it */
			cb(o, data);
			gone = !o->hashed;
			sobj_put(o);
			n++;
			/* cb deleted it: the next one took its place */
			if (gone)
				skip--;
		}
		if (++n >= max && b + 1 < c->hashsize)
			return ((uint64_t)(b + 2) << 32);
	}
	return 0;
}

unsigned int scache_flush_step(struct scache *c, unsigned int max,
			       void (*cb)(struct sobj *o, void *data),
			       void *data)
{
	unsigned int b, n = 0;

	for (b = 0; b < c->hashsize && c->count && n < max; b++) {
		while (c->bucket[b] && n < max) {
			if (cb)
				cb(c->bucket[b], data);
			unhash(c, &c->bucket[b]);
			n++;
		}
	}
	return n;
}

void scache_destroy(struct scache *c)
{
	if (!c)
		return;
	while (scache_flush_step(c, ~0u, NULL, NULL))
		;
	free(c);
}
