/* Hash cache of conntrack entries (see cache.h).
 *
 * Memory per flow is what matters with hundreds of thousands of entries,
 * so an entry keeps only the leading part of struct ct that a flow read
 * from the kernel can fill (everything before the create-only NAT setup)
 * and its helper name and security context as short strings after it.
 * Readers always get a complete struct ct back. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "sync/cache.h"
#include "sync/ctkey.h"

/* Everything from snat on is either create-only (snat, dnat) or a string
 * kept separately (helper, secctx); nothing may follow secctx. */
#define CT_PACKED_LEN	offsetof(struct ct, snat)
_Static_assert(offsetof(struct ct, dnat) > offsetof(struct ct, snat) &&
	       offsetof(struct ct, helper) > offsetof(struct ct, dnat) &&
	       offsetof(struct ct, secctx) > offsetof(struct ct, helper) &&
	       sizeof(struct ct) - (offsetof(struct ct, secctx) + CT_SECCTX_MAX) <
	       _Alignof(struct ct),
	       "struct ct layout changed: review cache packing");

struct cache_obj {
	struct cache_obj *next;
	uint32_t hash;
	uint32_t created;	/* seconds, caller's clock */
	uint32_t gen;		/* resync generation that last saw it */
	uint16_t secctx_len;	/* with NUL, 0 = none */
	uint8_t helper_len;	/* with NUL, 0 = none */
	uint8_t pad;
	uint64_t data[];	/* struct ct prefix, helper, secctx */
};

struct cache {
	const char *name;
	unsigned int hashsize;
	unsigned int limit;
	unsigned int count;
	uint32_t seed;
	uint32_t gen;
	struct cache_stats st;
	struct cache_obj **bucket;
};

static void key_of_ct(struct ctkey *k, const struct ct *ct)
{
	ctkey_of(k, &ct->orig, ct_has(ct, CT_A_ZONE) ? ct->zone : 0);
}

static void key_of_obj(struct ctkey *k, const struct cache_obj *o)
{
	const unsigned char *p = (const unsigned char *)o->data;
	struct ct_tuple t;
	uint64_t present;
	uint16_t zone = 0;

	memcpy(&t, p + offsetof(struct ct, orig), sizeof(t));
	memcpy(&present, p + offsetof(struct ct, present), sizeof(present));
	if (present & CT_BIT(CT_A_ZONE))
		memcpy(&zone, p + offsetof(struct ct, zone), sizeof(zone));
	ctkey_of(k, &t, zone);
}

static unsigned int bucket_of(const struct cache *c, uint32_t hash)
{
	return (unsigned int)(((uint64_t)hash * c->hashsize) >> 32);
}

struct cache *cache_create(const char *name, unsigned int hashsize,
			   unsigned int limit)
{
	struct cache *c;

	if (!hashsize) {
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
	c->hashsize = hashsize;
	c->limit = limit;
	c->seed = ctkey_seed(c);
	return c;
}

void cache_flush(struct cache *c)
{
	unsigned int i;

	for (i = 0; i < c->hashsize; i++) {
		struct cache_obj *o = c->bucket[i], *n;

		for (; o; o = n) {
			n = o->next;
			free(o);
		}
		c->bucket[i] = NULL;
	}
	c->count = 0;
	c->st.active = 0;
}

void cache_destroy(struct cache *c)
{
	if (!c)
		return;
	cache_flush(c);
	free(c->bucket);
	free(c);
}

const char *cache_name(const struct cache *c)
{
	return c->name;
}

const struct cache_stats *cache_stats(const struct cache *c)
{
	return &c->st;
}

unsigned int cache_count(const struct cache *c)
{
	return c->count;
}

static size_t str_len(const char *s, size_t max)
{
	const char *e = memchr(s, 0, max);

	return e ? (size_t)(e - s) : max - 1;
}

static void tail_lens(const struct ct *ct, size_t *hl, size_t *sl)
{
	*hl = ct_has(ct, CT_A_HELPER) ?
	      str_len(ct->helper, sizeof(ct->helper)) + 1 : 0;
	*sl = ct_has(ct, CT_A_SECCTX) ?
	      str_len(ct->secctx, sizeof(ct->secctx)) + 1 : 0;
}

size_t cache_obj_size(const struct ct *ct)
{
	size_t hl, sl;

	tail_lens(ct, &hl, &sl);
	return sizeof(struct cache_obj) + CT_PACKED_LEN + hl + sl;
}

/* What a cached entry keeps: no timeout, no use count, no counters (the
 * stats log takes them from the destroy event). */
static void strip(struct ct *ct)
{
	ct_unset(ct, CT_A_TIMEOUT);
	ct_unset(ct, CT_A_USE);
	ct_unset(ct, CT_A_COUNTERS_ORIG);
	ct_unset(ct, CT_A_COUNTERS_REPLY);
	ct_unset(ct, CT_A_SNAT);
	ct_unset(ct, CT_A_DNAT);
	ct->timeout = 0;
	ct->use = 0;
	memset(ct->counters, 0, sizeof(ct->counters));
}

static struct cache_obj *obj_new(const struct ct *src, uint32_t hash,
				 uint32_t now)
{
	struct cache_obj *o;
	unsigned char *p;
	struct ct *ct;
	size_t hl, sl;

	tail_lens(src, &hl, &sl);
	o = malloc(sizeof(*o) + CT_PACKED_LEN + hl + sl);
	if (!o)
		return NULL;
	o->next = NULL;
	o->hash = hash;
	o->created = now;
	o->gen = 0;
	o->helper_len = (uint8_t)hl;
	o->secctx_len = (uint16_t)sl;
	o->pad = 0;
	p = (unsigned char *)o->data;
	memcpy(p, src, CT_PACKED_LEN);
	ct = (struct ct *)p;	/* aligned: data[] is uint64_t */
	strip(ct);
	if (hl) {
		memcpy(p + CT_PACKED_LEN, src->helper, hl - 1);
		p[CT_PACKED_LEN + hl - 1] = 0;
	}
	if (sl) {
		memcpy(p + CT_PACKED_LEN + hl, src->secctx, sl - 1);
		p[CT_PACKED_LEN + hl + sl - 1] = 0;
	}
	return o;
}

static void obj_expand(const struct cache_obj *o, struct ct *ct)
{
	const unsigned char *p = (const unsigned char *)o->data;

	memset(ct, 0, sizeof(*ct));
	memcpy(ct, p, CT_PACKED_LEN);
	if (o->helper_len)
		memcpy(ct->helper, p + CT_PACKED_LEN, o->helper_len);
	if (o->secctx_len)
		memcpy(ct->secctx, p + CT_PACKED_LEN + o->helper_len,
		       o->secctx_len);
}

/* The link that points at the entry with key k (or the chain's end). */
static struct cache_obj **find(const struct cache *c, const struct ct *ct,
			       uint32_t *hashp)
{
	struct ctkey k, ok;
	struct cache_obj **pp;
	uint32_t h;

	key_of_ct(&k, ct);
	h = ctkey_hash(c->seed, &k);
	*hashp = h;
	for (pp = &c->bucket[bucket_of(c, h)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->hash != h)
			continue;
		key_of_obj(&ok, *pp);
		if (!memcmp(&ok, &k, sizeof(k)))
			break;
	}
	return pp;
}

bool cache_has(const struct cache *c, const struct ct *ct)
{
	uint32_t h;

	return *find(c, ct, &h) != NULL;
}

static int insert(struct cache *c, struct cache_obj **pp, const struct ct *ct,
		  uint32_t h, uint32_t now)
{
	struct cache_obj *o;

	if (c->count >= c->limit) {
		c->st.add_fail++;
		c->st.add_nospace++;
		return -ENOSPC;
	}
	o = obj_new(ct, h, now);
	if (!o) {
		c->st.add_fail++;
		c->st.add_nomem++;
		return -ENOMEM;
	}
	o->gen = c->gen;
	*pp = o;
	c->count++;
	c->st.active++;
	c->st.add_ok++;
	return 0;
}

int cache_add(struct cache *c, const struct ct *ct, uint32_t now)
{
	uint32_t h;
	struct cache_obj **pp = find(c, ct, &h);

	if (*pp) {
		c->st.add_fail++;
		return -EEXIST;
	}
	return insert(c, pp, ct, h, now);
}

static int replace(struct cache *c, struct cache_obj **pp, const struct ct *ct)
{
	struct cache_obj *old = *pp, *o = obj_new(ct, old->hash, old->created);

	if (!o) {
		c->st.upd_fail++;
		return -ENOMEM;
	}
	o->gen = old->gen;
	o->next = old->next;
	*pp = o;
	free(old);
	c->st.upd_ok++;
	return 0;
}

int cache_update(struct cache *c, const struct ct *ct)
{
	uint32_t h;
	struct cache_obj **pp = find(c, ct, &h);

	if (!*pp) {
		c->st.upd_fail++;
		c->st.upd_notfound++;
		return -ENOENT;
	}
	return replace(c, pp, ct);
}

int cache_update_force(struct cache *c, const struct ct *ct, uint32_t now)
{
	uint32_t h;
	struct cache_obj **pp = find(c, ct, &h);
	int r;

	if (*pp)
		return replace(c, pp, ct);
	r = insert(c, pp, ct, h, now);
	return r < 0 ? r : 1;
}

static void unlink_obj(struct cache *c, struct cache_obj **pp)
{
	struct cache_obj *o = *pp;

	*pp = o->next;
	free(o);
	c->count--;
	c->st.active--;
}

int cache_del(struct cache *c, const struct ct *ct)
{
	uint32_t h;
	struct cache_obj **pp = find(c, ct, &h);

	if (!*pp) {
		c->st.del_fail++;
		c->st.del_notfound++;
		return -ENOENT;
	}
	unlink_obj(c, pp);
	c->st.del_ok++;
	return 0;
}

uint32_t cache_sweep_begin(struct cache *c)
{
	return ++c->gen;
}

void cache_mark(struct cache *c, const struct ct *ct, uint32_t gen)
{
	uint32_t h;
	struct cache_obj **pp = find(c, ct, &h);

	if (*pp)
		(*pp)->gen = gen;
}

unsigned int cache_sweep(struct cache *c, uint32_t gen, cache_cb cb,
			 void *data)
{
	unsigned int i, n = 0;
	struct ct ct;

	for (i = 0; i < c->hashsize; i++) {
		struct cache_obj **pp = &c->bucket[i];

		while (*pp) {
			if ((*pp)->gen == gen) {
				pp = &(*pp)->next;
				continue;
			}
			if (cb) {
				obj_expand(*pp, &ct);
				cb(&ct, (*pp)->created, data);
			}
			unlink_obj(c, pp);
			c->st.del_ok++;
			n++;
		}
	}
	return n;
}

void cache_iterate(const struct cache *c, cache_cb cb, void *data)
{
	unsigned int i;
	struct ct ct;

	for (i = 0; i < c->hashsize; i++) {
		const struct cache_obj *o;

		for (o = c->bucket[i]; o; o = o->next) {
			obj_expand(o, &ct);
			cb(&ct, o->created, data);
		}
	}
}
