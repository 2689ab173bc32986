/* The sync caches of stable objects (see sobj.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	uint32_t gen;
	uint16_t refs;
	uint8_t state;		/* enum sobj_state */
	uint8_t kind:1;		/* enum sobj_kind */
	uint8_t hashed:1;
	uint8_t ext8:5;		/* extension area, 8-byte units */
	uint64_t data[];	/* extension area, then the body */
};

struct scache {
	const char *name;
	enum sobj_kind kind;
	unsigned int hashsize;
	unsigned int limit;
	unsigned int count;
	size_t ext_size;
	uint32_t seed;
	struct cache_stats st;
	struct sobj **bucket;
};

static unsigned char *body(const struct sobj *o)
{
	return (unsigned char *)o->data + (size_t)o->ext8 * 8;
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
	return o->ext8 ? (void *)o->data : NULL;
}

struct sobj *sobj_of_ext(void *ext)
{
	return (struct sobj *)((char *)ext - offsetof(struct sobj, data));
}

uint32_t sobj_created(const struct sobj *o)
{
	return o->created;
}

uint32_t sobj_updated(const struct sobj *o)
{
	return o->updated;
}

uint32_t sobj_gen(const struct sobj *o)
{
	return o->gen;
}

void sobj_set_gen(struct sobj *o, uint32_t gen)
{
	o->gen = gen;
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

size_t sobj_size(const struct sobj *o)
{
	size_t n = sizeof(*o) + (size_t)o->ext8 * 8 + body_len(sobj_kind(o));

	if (o->rare)
		n += sizeof(*o->rare) + strlen(o->rare->secctx) + 1;
	return n;
}

void sobj_ct(const struct sobj *o, struct ct *ct)
{
	memset(ct, 0, sizeof(*ct));
	memcpy(ct, body(o), CT_BODY_LEN);
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

/* Store ct's fields in o: the body in place, the rare part replaced. */
static int store_ct(struct sobj *o, const struct ct *src)
{
	bool rare = ct_has(src, CT_A_SNAT) || ct_has(src, CT_A_DNAT) ||
		    ct_has(src, CT_A_HELPER) || ct_has(src, CT_A_SECCTX);
	struct sobj_rare *r = NULL;
	struct ct *b;

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
	b = (struct ct *)body(o);	/* aligned: data[] is uint64_t */
	memcpy(b, src, CT_BODY_LEN);
	ct_unset(b, CT_A_USE);
	ct_unset(b, CT_A_COUNTERS_ORIG);
	ct_unset(b, CT_A_COUNTERS_REPLY);
	b->use = 0;
	memset(b->counters, 0, sizeof(b->counters));
	return 0;
}

static struct sobj *obj_alloc(enum sobj_kind kind, size_t ext_size)
{
	size_t ext = (ext_size + 7) / 8 * 8;
	struct sobj *o = calloc(1, sizeof(*o) + ext + body_len(kind));

	if (!o)
		return NULL;
	o->kind = kind & 1;
	o->ext8 = (uint8_t)(ext / 8);
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

	if (!hashsize || ext_size > SOBJ_EXT_MAX) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->bucket = calloc(hashsize, sizeof(c->bucket[0]));
	if (!c->bucket) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->name = name;
	c->kind = kind;
	c->hashsize = hashsize;
	c->limit = limit;
	c->ext_size = ext_size;
	c->seed = ctkey_mix((uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^
			    (uint32_t)(uintptr_t)c);
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
	if (sobj_kind(o) == SOBJ_CT)
		key_ct(k, (const struct ct *)body(o));
	else
		key_exp(k, (const struct exp *)body(o));
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
			nx = o->next;
			cb(o, data);
			n++;
			/* cb deleted it: the next one took its place */
			if (!o->hashed)
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
	free(c->bucket);
	free(c);
}
