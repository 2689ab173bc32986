/* Hash cache of conntrack entries (see cache.h).
 *
 * Memory per flow is what matters with hundreds of thousands of entries,
 * so an entry keeps the compact form of the flow (sync/ctpack.h: only the
 * fields present) in a size-class object (sync/slab.h), or from malloc
 * when a long security context makes it too big for one.  Readers always
 * get a complete struct ct back. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "sync/cache.h"
#include "sync/ctkey.h"
#include "sync/ctpack.h"
#include "sync/dead_table.h"
#include "sync/slab.h"

/* What a cached entry keeps: no timeout, no use count, no counters (the
 * stats log takes them from the destroy event), no NAT setup. */
#define CT_DROP	(CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_USE) | \
		 CT_BIT(CT_A_COUNTERS_ORIG) | CT_BIT(CT_A_COUNTERS_REPLY) | \
		 CT_BIT(CT_A_SNAT) | CT_BIT(CT_A_DNAT))

struct cache_obj {
	struct cache_obj *next;
	uint32_t hash;
	uint32_t created;	/* seconds, caller's clock */
	uint32_t gen;		/* resync generation that last saw it */
	uint16_t len;		/* of the compact form */
	uint8_t cls;		/* slab class, 0 = malloc */
	uint8_t pad;
	uint8_t data[];		/* the compact form */
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
	struct dead_table *dead;	/* oldest first */
	bool sweeping;
	uint32_t sweep_gen;
	unsigned int sweep_cur;		/* next bucket of the sweep */
};

static void key_of_ct(struct ctkey *k, const struct ct *ct)
{
	ctkey_of(k, &ct->orig, ct_has(ct, CT_A_ZONE) ? ct->zone : 0);
}

static void key_of_obj(struct ctkey *k, const struct cache_obj *o)
{
	/* our own encoding: it has a key */
	if (ctpack_key(o->data, o->len, k) < 0)
		memset(k, 0, sizeof(*k));
}

static void obj_free(struct cache_obj *o)
{
	if (o->cls)
		slab_free(o, o->cls);
	else
		free(o);
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

/* Free the chains of buckets [*cur, hashsize) of b, up to max entries
 * and buckets: true when it got to the end. */
static bool free_buckets(struct cache_obj **b, unsigned int hashsize,
			 unsigned int *cur, unsigned int max)
{
	unsigned int done = 0;

	for (; *cur < hashsize && done < max; (*cur)++, done++) {
		struct cache_obj *o = b[*cur], *n;

		for (; o; o = n, done++) {
			n = o->next;
			obj_free(o);
		}
		b[*cur] = NULL;
	}
	return *cur == hashsize;
}

void cache_flush(struct cache *c)
{
	struct cache_obj **fresh = dead_table_detach(&c->dead, c->bucket,
						     c->hashsize,
						     sizeof(*fresh));
	unsigned int cur = 0;

	c->sweeping = false;
	if (!fresh)	/* no memory for a fresh table: freed in place */
		free_buckets(c->bucket, c->hashsize, &cur, ~0u);
	else
		c->bucket = fresh;
	c->count = 0;
	c->st.active = 0;
}

bool cache_flush_step(struct cache *c, unsigned int max)
{
	struct dead_table *d = c->dead;

	if (!d)
		return false;
	if (free_buckets(d->bucket, c->hashsize, &d->cur, max))
		dead_table_pop(&c->dead);
	return c->dead != NULL;
}

void cache_destroy(struct cache *c)
{
	unsigned int cur = 0;

	if (!c)
		return;
	while (cache_flush_step(c, ~0u))
		;
	free_buckets(c->bucket, c->hashsize, &cur, ~0u);
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

static int encode(uint8_t *buf, const struct ct *ct)
{
	return ctpack_encode(buf, CTPACK_MAX, ct, CT_DROP);
}

size_t cache_obj_size(const struct ct *ct)
{
	uint8_t buf[CTPACK_MAX];
	int len = encode(buf, ct);
	size_t n = sizeof(struct cache_obj) + (len < 0 ? 0 : (size_t)len);

	return n <= SLAB_MAX ? slab_class_size(slab_class(n)) : n;
}

static struct cache_obj *obj_new(const struct ct *src, uint32_t hash,
				 uint32_t now)
{
	uint8_t buf[CTPACK_MAX];
	int len = encode(buf, src);
	unsigned int cls = 0;
	struct cache_obj *o;
	size_t n;

	if (len < 0)
		return NULL;
	n = sizeof(struct cache_obj) + (size_t)len;
	if (n <= SLAB_MAX) {
		cls = slab_class(n);
		o = slab_alloc(cls);
	} else {
		o = malloc(n);
	}
	if (!o)
		return NULL;
	o->next = NULL;
	o->hash = hash;
	o->created = now;
	o->gen = 0;
	o->len = (uint16_t)len;
	o->cls = (uint8_t)cls;
	o->pad = 0;
	memcpy(o->data, buf, (size_t)len);
	return o;
}

static void obj_expand(const struct cache_obj *o, struct ct *ct)
{
	/* our own encoding: it decodes */
	if (ctpack_decode(o->data, o->len, ct) < 0)
		memset(ct, 0, sizeof(*ct));
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
	o->gen = c->gen;	/* alive now: not swept */
	o->next = old->next;
	*pp = o;
	obj_free(old);
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
	obj_free(o);
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

void cache_touch(struct cache *c, const struct ct *ct)
{
	cache_mark(c, ct, c->gen);
}

void cache_sweep_start(struct cache *c, uint32_t gen)
{
	c->sweeping = true;
	c->sweep_gen = gen;
	c->sweep_cur = 0;
}

/* Seen by neither the sweep's dump nor an event since it began (a newer
 * generation started meanwhile is not older). */
static bool stale(const struct cache_obj *o, uint32_t gen)
{
	return (int32_t)(o->gen - gen) < 0;
}

bool cache_sweep_step(struct cache *c, unsigned int max, cache_cb cb,
		      void *data)
{
	unsigned int done = 0;
	struct ct ct;

	for (; c->sweeping && c->sweep_cur < c->hashsize && done < max;
	     c->sweep_cur++, done++) {
		struct cache_obj **pp = &c->bucket[c->sweep_cur];

		while (*pp) {
			if (!stale(*pp, c->sweep_gen)) {
				pp = &(*pp)->next;
				done++;
				continue;
			}
			if (cb) {
				obj_expand(*pp, &ct);
				cb(&ct, (*pp)->created, data);
			}
			unlink_obj(c, pp);
			c->st.del_ok++;
			done += CACHE_PURGE_COST;
		}
	}
	if (c->sweep_cur >= c->hashsize)
		c->sweeping = false;
	return c->sweeping;
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
