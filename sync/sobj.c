/* The sync caches of stable objects (see sobj.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/ctkey.h"
#include "sync/ctpack.h"
#include "sync/dead_table.h"
#include "sync/slab.h"
#include "sync/sobj.h"

/* What a cache keeps of a flow: not the use count, not the counters. */
#define CT_DROP		(CT_BIT(CT_A_USE) | CT_BIT(CT_A_COUNTERS_ORIG) | \
			 CT_BIT(CT_A_COUNTERS_REPLY))

struct sobj {
	struct sobj *next;	/* hash chain */
	uint32_t created;
	uint32_t updated;
	uint32_t gen;		/* sweep generation */
	uint32_t refs:7;
	uint32_t tag:8;		/* low bits of the key's hash: a chain walk
				 * decodes only the keys that may match */
	uint32_t state:2;	/* enum sobj_state */
	uint32_t kind:1;	/* enum sobj_kind */
	uint32_t hashed:1;
	uint32_t ool:1;		/* the body is out of line (struct ool) */
	uint32_t ext8:5;	/* extension area, 8-byte units */
	uint32_t cls:7;		/* slab class, 0 = malloc */
	/* the extension area, then the body: a conntrack object's in the
	 * compact form (sync/ctpack.h), to the end of the slab object, or
	 * a pointer to a struct ool when it did not fit; an expectation
	 * object's a whole struct exp (they are few) */
	uint64_t data[];
};

struct ool {
	uint16_t len;
	uint8_t b[];
};

#define HDR_LEN		offsetof(struct sobj, data)
_Static_assert(HDR_LEN == 24, "object header layout");
_Static_assert(HDR_LEN + SOBJ_EXT_MAX + sizeof(void *) <= SLAB_MAX,
	       "every conntrack object fits a slab class");
_Static_assert(CTPACK_MAX <= UINT16_MAX, "struct ool length");
#define REFS_MAX	((1u << 7) - 1)

struct scache {
	const char *name;
	enum sobj_kind kind;
	unsigned int hashsize;
	unsigned int limit;
	unsigned int count;
	size_t ext_size;
	uint32_t seed;
	unsigned long keys_read;
	struct cache_stats st;
	struct sobj **bucket;
	struct dead_table *dead;	/* flushed, oldest first: their
					 * objects leave in steps */
};

static unsigned char *body(const struct sobj *o)
{
	return (unsigned char *)o->data + o->ext8 * 8;
}

/* Room for the body in the object itself. */
static size_t body_room(const struct sobj *o)
{
	return slab_class_size(o->cls) - HDR_LEN - o->ext8 * 8;
}

static struct ool *ool_of(const struct sobj *o)
{
	struct ool *b;

	memcpy(&b, body(o), sizeof(b));
	return b;
}

/* Where a conntrack object's compact form is, and its length bound. */
static const uint8_t *ct_bytes(const struct sobj *o, size_t *len)
{
	if (o->ool) {
		struct ool *b = ool_of(o);

		*len = b->len;
		return b->b;
	}
	*len = body_room(o);
	return body(o);
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
	return (struct sobj *)((char *)ext - HDR_LEN);
}

uint32_t sobj_gen(const struct sobj *o)
{
	return o->gen;
}

void sobj_set_gen(struct sobj *o, uint32_t gen)
{
	o->gen = gen;
}

void sobj_set_state(struct sobj *o, enum sobj_state st)
{
	o->state = (uint32_t)st & 3;
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
	/* a handful of holders at most (hash, queues, a walk) */
	if (o->refs < REFS_MAX)
		o->refs++;
	else
		abort();
}

void sobj_put(struct sobj *o)
{
	if (--o->refs)
		return;
	if (o->ool)
		free(ool_of(o));
	if (o->cls)
		slab_free(o, o->cls);
	else
		free(o);
}

size_t sobj_size(const struct sobj *o)
{
	size_t n = o->cls ? slab_class_size(o->cls) :
		   HDR_LEN + o->ext8 * 8 + sizeof(struct exp);

	if (o->ool)
		n += sizeof(struct ool) + ool_of(o)->len;
	return n;
}

void sobj_ct(const struct sobj *o, struct ct *ct)
{
	size_t len;
	const uint8_t *p = ct_bytes(o, &len);

	/* our own encoding: it decodes */
	if (ctpack_decode(p, len, ct) < 0)
		memset(ct, 0, sizeof(*ct));
}

void sobj_exp(const struct sobj *o, struct exp *e)
{
	memcpy(e, body(o), sizeof(*e));
}

/* Put the compact form of a flow (len bytes at p) in o: in the object
 * when it fits, else out of line.  -ENOMEM leaves o as it was. */
static int store_ct(struct sobj *o, const uint8_t *p, size_t len)
{
	struct ool *b = NULL;

	if (len > body_room(o)) {
		b = malloc(sizeof(*b) + len);
		if (!b)
			return -ENOMEM;
		b->len = (uint16_t)len;
		memcpy(b->b, p, len);
	}
	if (o->ool)
		free(ool_of(o));
	o->ool = b != NULL;
	if (b) {
		memcpy(body(o), &b, sizeof(b));
	} else {
		memcpy(body(o), p, len);
		memset(body(o) + len, 0, body_room(o) - len);
	}
	return 0;
}

/* A new object for a body of len bytes (a conntrack object's compact
 * form, which goes out of line when too long for a slab class). */
static struct sobj *obj_alloc(enum sobj_kind kind, size_t ext_size,
			      size_t len)
{
	size_t ext8 = (ext_size + 7) / 8, n = HDR_LEN + ext8 * 8;
	unsigned int cls = 0;
	struct sobj *o;

	if (kind == SOBJ_CT) {
		n += len > SLAB_MAX - n ? sizeof(void *) :
		     len < sizeof(void *) ? sizeof(void *) : len;
		cls = slab_class(n);
		o = slab_alloc(cls);
	} else {
		o = calloc(1, n + len);
	}
	if (!o)
		return NULL;
	o->kind = kind & 1;
	o->ext8 = (uint32_t)ext8 & 31;
	o->cls = cls & 127;
	o->refs = 1;
	o->state = SOBJ_NEW;
	return o;
}

static int encode(uint8_t *buf, const struct ct *ct)
{
	return ctpack_encode(buf, CTPACK_MAX, ct, CT_DROP);
}

struct sobj *sobj_new_ct(const struct ct *ct, uint32_t now, size_t ext_size)
{
	uint8_t buf[CTPACK_MAX];
	int len = encode(buf, ct);
	struct sobj *o;

	if (len < 0) {
		errno = -len;
		return NULL;
	}
	o = obj_alloc(SOBJ_CT, ext_size, (size_t)len);
	if (!o)
		return NULL;
	o->created = o->updated = now;
	if (store_ct(o, buf, (size_t)len) < 0) {
		sobj_put(o);
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
	/* apart: -f swaps in a fresh array (scache_flush) */
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

unsigned long scache_keys_read(const struct scache *c)
{
	return c->keys_read;
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
	const uint8_t *p;
	size_t len;

	if (sobj_kind(o) == SOBJ_EXP) {
		struct exp e;

		memcpy(&e, body(o), sizeof(e));
		key_exp(k, &e);
		return;
	}
	p = ct_bytes(o, &len);
	/* our own encoding: it has a key */
	if (ctpack_key(p, len, k) < 0)
		memset(k, 0, sizeof(*k));
}

/* The bucket is from the hash's high bits, the tag its low ones. */
static struct sobj **bucket_of(struct scache *c, const struct ctkey *k,
			       uint8_t *tag)
{
	uint32_t h = ctkey_hash(c->seed, k);

	*tag = (uint8_t)h;
	return &c->bucket[((uint64_t)h * c->hashsize) >> 32];
}

/* The link that points at the object with key k, or the chain's end,
 * from k's bucket pp. */
static struct sobj **find_in(struct sobj **pp, const struct ctkey *k,
			     uint8_t tag, struct scache *c)
{
	struct ctkey ok;

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->tag != tag)
			continue;
		c->keys_read++;
		key_obj(&ok, *pp);
		if (!memcmp(&ok, k, sizeof(ok)))
			break;
	}
	return pp;
}

/* The link that points at the object with key k, or the chain's end. */
static struct sobj **find(struct scache *c, const struct ctkey *k,
			  uint8_t *tag)
{
	struct sobj **pp = bucket_of(c, k, tag);

	return find_in(pp, k, *tag, c);
}

struct sobj *scache_find_ct(struct scache *c, const struct ct *ct)
{
	struct ctkey k;
	uint8_t tag;

	key_ct(&k, ct);
	return *find(c, &k, &tag);
}

struct sobj *scache_find_exp(struct scache *c, const struct exp *e)
{
	struct ctkey k;
	uint8_t tag;

	key_exp(&k, e);
	return *find(c, &k, &tag);
}

/* A new object for a body of len bytes, in the hash at *pp. */
static struct sobj *insert(struct scache *c, struct sobj **pp, uint8_t tag,
			   uint32_t now, size_t len)
{
	struct sobj *o;

	if (c->count >= c->limit) {
		c->st.add_fail++;
		c->st.add_nospace++;
		errno = ENOSPC;
		return NULL;
	}
	o = obj_alloc(c->kind, c->ext_size, len);
	if (!o) {
		c->st.add_fail++;
		c->st.add_nomem++;
		errno = ENOMEM;
		return NULL;
	}
	o->created = o->updated = now;
	o->tag = tag;
	o->hashed = 1;
	*pp = o;
	c->count++;
	c->st.active++;
	c->st.add_ok++;
	return o;
}

/* Out of the hash for good, o first through cb: the hash's reference
 * goes (the cache's count is the caller's business). */
static void drop(struct sobj *o, void (*cb)(struct sobj *o, void *data),
		 void *data)
{
	if (cb)
		cb(o, data);
	o->next = NULL;
	o->hashed = 0;
	o->state = SOBJ_DEAD;
	sobj_put(o);
}

static void unhash(struct scache *c, struct sobj **pp)
{
	struct sobj *o = *pp;

	*pp = o->next;
	c->count--;
	c->st.active--;
	drop(o, NULL, NULL);
}

void scache_probe_ct(struct scache *c, const struct ct *ct,
		     struct sprobe *p)
{
	uint32_t h;

	key_ct(&p->k, ct);
	h = ctkey_hash(c->seed, &p->k);
	p->ct = ct;
	p->tag = (uint8_t)h;
	p->b = (uint32_t)(((uint64_t)h * c->hashsize) >> 32);
	__builtin_prefetch(&c->bucket[p->b]);
}

void scache_probe_warm(struct scache *c, const struct sprobe *p)
{
	struct sobj *o = c->bucket[p->b];

	if (o)
		__builtin_prefetch(o);
}

struct sobj *scache_update_ct(struct scache *c, const struct ct *ct,
			      uint32_t now, bool *added)
{
	struct sprobe p;

	/* the bucket is a cache miss in a large table: ask for it first
	 * and pack the flow meanwhile */
	scache_probe_ct(c, ct, &p);
	return scache_update_probed(c, ct, &p, now, added);
}

struct sobj *scache_update_probed(struct scache *c, const struct ct *ct,
				  const struct sprobe *p, uint32_t now,
				  bool *added)
{
	uint8_t buf[CTPACK_MAX];
	struct sobj **pp, *o;
	int len;

	len = encode(buf, ct);
	*added = false;
	if (len < 0) {
		c->st.upd_fail++;
		errno = -len;
		return NULL;
	}
	pp = find_in(&c->bucket[p->b], &p->k, p->tag, c);
	*added = !*pp;
	o = *pp ? *pp : insert(c, pp, p->tag, now, (size_t)len);
	if (!o)
		return NULL;
	if (store_ct(o, buf, (size_t)len) < 0) {
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
	uint8_t tag;

	key_exp(&k, e);
	pp = find(c, &k, &tag);
	*added = !*pp;
	o = *pp ? *pp : insert(c, pp, tag, now, sizeof(*e));
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
	uint8_t tag;

	if (!o->hashed)
		return;
	key_obj(&k, o);
	for (pp = bucket_of(c, &k, &tag); *pp; pp = &(*pp)->next) {
		if (*pp == o) {
			unhash(c, pp);
			c->st.del_ok++;
			return;
		}
	}
}

struct sobj *scache_take_ct(struct scache *c, const struct ct *ct)
{
	struct sprobe p;

	scache_probe_ct(c, ct, &p);
	return scache_take_probed(c, &p);
}

struct sobj *scache_take_probed(struct scache *c, const struct sprobe *p)
{
	struct sobj **pp, *o;

	pp = find_in(&c->bucket[p->b], &p->k, p->tag, c);
	o = *pp;
	if (!o)
		return NULL;
	sobj_get(o);
	unhash(c, pp);
	c->st.del_ok++;
	return o;
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

/* Drop the chains of buckets [*cur, hashsize) of b, up to max objects
 * and buckets: true when it got to the end. */
static bool drop_buckets(struct sobj **b, unsigned int hashsize,
			 unsigned int *cur, unsigned int max,
			 void (*cb)(struct sobj *o, void *data), void *data)
{
	unsigned int done = 0;

	for (; *cur < hashsize && done < max; (*cur)++, done++) {
		struct sobj *o = b[*cur], *nx;

		/* a long chain is cut where the budget ends */
		for (; o && done < max; o = nx, done++) {
			nx = o->next;
			drop(o, cb, data);
		}
		b[*cur] = o;
		if (o)
			return false;
	}
	return *cur == hashsize;
}

void scache_flush(struct scache *c, void (*cb)(struct sobj *o, void *data),
		  void *data)
{
	struct sobj **fresh = dead_table_detach(&c->dead, c->bucket,
						c->hashsize, sizeof(*fresh));

	if (!fresh) {
		/* no memory for a fresh table: all of it now, in place */
		scache_clear(c, cb, data);
		return;
	}
	c->bucket = fresh;
	c->count = 0;
	c->st.active = 0;
}

bool scache_flush_step(struct scache *c, unsigned int max,
		       void (*cb)(struct sobj *o, void *data), void *data)
{
	struct dead_table *d = c->dead;

	if (!d)
		return false;
	if (drop_buckets(d->bucket, c->hashsize, &d->cur, max, cb, data))
		dead_table_pop(&c->dead);
	return c->dead != NULL;
}

bool scache_holds(struct scache *c, const struct sobj *o)
{
	struct ctkey k;
	uint8_t tag;

	if (!o->hashed)
		return false;
	if (!c->dead)
		return true;
	/* hashed, but maybe in a detached table: is it the current one? */
	key_obj(&k, o);
	return *find(c, &k, &tag) == o;
}

void scache_clear(struct scache *c, void (*cb)(struct sobj *o, void *data),
		  void *data)
{
	unsigned int cur = 0;

	while (scache_flush_step(c, ~0u, cb, data))
		;
	drop_buckets(c->bucket, c->hashsize, &cur, ~0u, cb, data);
	c->count = 0;
	c->st.active = 0;
}

void scache_destroy(struct scache *c)
{
	if (!c)
		return;
	scache_clear(c, NULL, NULL);
	free(c->bucket);
	free(c);
}
