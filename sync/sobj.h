/* The sync caches: stable objects (struct sobj, see sync/mode.h for what
 * a mode sees of them) in a hash keyed like 1.4.7's (sync/ctkey.h).
 *
 * An object is allocated once and updated in place, so queues and timers
 * may point at it; the hash holds one reference, each queue another, and
 * the last sobj_put() frees it.  Layout of one object:
 *	header (24 B) | extension area (per cache, 8-aligned) | body
 * where the body of a conntrack object is its compact form (sync/ctpack.h:
 * only the fields present, about 46 bytes for an IPv4 TCP flow), filling
 * the object to the end of its size class (sync/slab.h); an update that
 * no longer fits moves the body out of line (one pointer stays), so the
 * object itself never moves.  An expectation object keeps a whole struct
 * exp from malloc (they are few).
 *
 * The kernel timeout stays in the body (NTA_TIMEOUT and commit need it);
 * dumps drop it.  Returns 0 / -errno or NULL + errno; never prints. */
#ifndef CTBOX_SYNC_SOBJ_H
#define CTBOX_SYNC_SOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"
#include "sync/cache.h"
#include "sync/ctkey.h"
#include "sync/mode.h"

struct scache;

/* hashsize >= 1 buckets, at most limit objects in the hash; ext_size
 * bytes of extension area per object (at most SOBJ_EXT_MAX). */
#define SOBJ_EXT_MAX	248	/* 31 8-byte units */
struct scache *scache_create(const char *name, enum sobj_kind kind,
			     unsigned int hashsize, unsigned int limit,
			     size_t ext_size);
/* Unlink every object (each loses the hash's reference) and free the
 * cache; objects still referenced elsewhere live on. */
void scache_destroy(struct scache *c);
const char *scache_name(const struct scache *c);
struct cache_stats *scache_stats(struct scache *c);
unsigned int scache_count(const struct scache *c);
/* Keys of chain entries decoded by lookups so far: an entry is decoded
 * only when the low bits of its hash, kept in it, match the key's. */
unsigned long scache_keys_read(const struct scache *c);

/* Find by key (NULL when absent). */
struct sobj *scache_find_ct(struct scache *c, const struct ct *ct);
struct sobj *scache_find_exp(struct scache *c, const struct exp *e);

/* Update the object with ct's key in place (state ALIVE), or add one
 * (state NEW); *added says which.  NULL + errno (ENOSPC, ENOMEM), counted
 * in the cache's stats.  Counters and use are not kept. */
struct sobj *scache_update_ct(struct scache *c, const struct ct *ct,
			      uint32_t now, bool *added);
struct sobj *scache_update_exp(struct scache *c, const struct exp *e,
			       uint32_t now, bool *added);
/* Take o out of the hash: state DEAD, the hash's reference dropped (so
 * hold one of your own to keep using it). */
void scache_del(struct scache *c, struct sobj *o);
/* Find by key and take out of the hash in one lookup (a DESTROY event):
 * the object, with a reference for the caller, or NULL when absent. */
struct sobj *scache_take_ct(struct scache *c, const struct ct *ct);
/* A lookup in two halves, for a batch of events: the probe computes the
 * key and asks for its bucket's cache line; the warm asks for the line of
 * the chain's first object, once the bucket's has come; the update or
 * take then finds them in the cache.
 * A probe is good for the cache and the unchanged flow it was made for:
 * it names a bucket, not an object (a -f between leaves it good). */
struct sprobe {
	const struct ct *ct;	/* what it was made for */
	struct ctkey k;
	uint32_t b;		/* its bucket */
	uint8_t tag;
};
void scache_probe_ct(struct scache *c, const struct ct *ct,
		     struct sprobe *p);
void scache_probe_warm(struct scache *c, const struct sprobe *p);
struct sobj *scache_update_probed(struct scache *c, const struct ct *ct,
				  const struct sprobe *p, uint32_t now,
				  bool *added);
struct sobj *scache_take_probed(struct scache *c, const struct sprobe *p);
/* -f: every object leaves the cache at once (lookups, walks and the
 * count see an empty cache, new objects stay), but the objects themselves
 * go in bounded scache_flush_step()s, each through cb (may be NULL)
 * first.  Without memory for a fresh table they all go now. */
void scache_flush(struct scache *c, void (*cb)(struct sobj *o, void *data),
		  void *data);
/* Drop at most max objects (and buckets) flushed before: true while
 * some are left. */
bool scache_flush_step(struct scache *c, unsigned int max,
		       void (*cb)(struct sobj *o, void *data), void *data);
/* Everything now, flushed before or not, each through cb. */
void scache_clear(struct scache *c, void (*cb)(struct sobj *o, void *data),
		  void *data);
/* o is in the cache: hashed, and not waiting in a flushed table. */
bool scache_holds(struct scache *c, const struct sobj *o);

/* A walk that survives changes between steps: cursor 0 starts, each step
 * calls cb for at most max objects in up to max buckets and returns the
 * next cursor, or 0 when the walk is done.  cb may delete the object it
 * is given (only that one). */
uint64_t scache_walk(struct scache *c, uint64_t cursor, unsigned int max,
		     void (*cb)(struct sobj *o, void *data), void *data);

/* A transient object in no cache (DisableInternalCache): one reference. */
struct sobj *sobj_new_ct(const struct ct *ct, uint32_t now, size_t ext_size);

/* The core sets the state (a NEW event on a cached flow makes it new
 * again; a transient object takes the event's). */
void sobj_set_state(struct sobj *o, enum sobj_state st);
/* Times, seconds of the daemon's clock. */
uint32_t sobj_created(const struct sobj *o);
uint32_t sobj_updated(const struct sobj *o);
/* Mark-and-sweep generation of an object (purge after a resync). */
uint32_t sobj_gen(const struct sobj *o);
void sobj_set_gen(struct sobj *o, uint32_t gen);
/* Bytes one object takes (header, extension, body, rare parts). */
size_t sobj_size(const struct sobj *o);

#endif
