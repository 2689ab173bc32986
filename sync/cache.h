/* The daemon's cache of conntrack entries: a hash table of struct ct keyed
 * by the original tuple and the zone (not the id: 1.4.7's key).  Entries
 * are stored in the compact form (sync/ctpack.h) and handed out expanded
 * into a struct ct.
 * Returns 0 or -errno; never prints. */
#ifndef CTBOX_SYNC_CACHE_H
#define CTBOX_SYNC_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ct.h"

struct cache;
struct cache_obj;

/* Counters shown by `conntrackd -s` and `-s cache`. */
struct cache_stats {
	uint32_t active;
	uint32_t add_ok;
	uint32_t add_fail;
	uint32_t add_nomem;
	uint32_t add_nospace;
	uint32_t upd_ok;
	uint32_t upd_fail;
	uint32_t upd_notfound;
	uint32_t del_ok;
	uint32_t del_fail;
	uint32_t del_notfound;
};

/* hashsize buckets (>= 1), at most limit objects. NULL + errno. */
struct cache *cache_create(const char *name, unsigned int hashsize,
			   unsigned int limit);
void cache_destroy(struct cache *c);
const char *cache_name(const struct cache *c);
const struct cache_stats *cache_stats(const struct cache *c);
unsigned int cache_count(const struct cache *c);

/* Add a new entry (-EEXIST if the key is there, -ENOSPC when full,
 * -ENOMEM).  Timeout, use and counters are never kept. */
int cache_add(struct cache *c, const struct ct *ct, uint32_t now);
/* Replace the entry with the same key, keeping its creation time;
 * -ENOENT when there is none. */
int cache_update(struct cache *c, const struct ct *ct);
/* Update, or add when missing: 1 when added, 0 when updated, -errno. */
int cache_update_force(struct cache *c, const struct ct *ct, uint32_t now);
/* Remove; -ENOENT when missing. */
int cache_del(struct cache *c, const struct ct *ct);
bool cache_has(const struct cache *c, const struct ct *ct);
/* Empty the cache at once: the entries leave it now (a flow added
 * afterwards is in the fresh table) and their memory is freed a slice per
 * cache_flush_step().  A sweep in progress ends: nothing is left to purge. */
void cache_flush(struct cache *c);
/* Free up to max flushed entries (and as many buckets); true when more
 * are left. */
bool cache_flush_step(struct cache *c, unsigned int max);

/* Mark-and-sweep for resyncs, in steps: cache_sweep_begin() starts a
 * generation, cache_mark() stamps an entry seen in the kernel dump with
 * it, and so does every add or update (an event says the flow is alive);
 * after the dump, cache_sweep_start() and then cache_sweep_step() until
 * it says done remove the entries older than that generation, handing
 * each to cb before it is freed.  Events between steps are fine: what
 * they add or update is not purged.  A newer sweep started before the
 * last one is done takes over from the start (it purges at least as
 * much). */
uint32_t cache_sweep_begin(struct cache *c);
void cache_mark(struct cache *c, const struct ct *ct, uint32_t gen);
/* The flow is alive now (an event that changes nothing): not swept. */
void cache_touch(struct cache *c, const struct ct *ct);
typedef void (*cache_cb)(const struct ct *ct, uint32_t created, void *data);
void cache_sweep_start(struct cache *c, uint32_t gen);
/* Look at up to max entries and buckets (a purged entry counts as
 * CACHE_PURGE_COST: cb does more for it); true when more are left. */
#define CACHE_PURGE_COST	8
bool cache_sweep_step(struct cache *c, unsigned int max, cache_cb cb,
		      void *data);

/* Every entry, expanded, with its creation time.  The callback must not
 * change the cache. */
void cache_iterate(const struct cache *c, cache_cb cb, void *data);

/* Bytes of one stored entry (for the memory benchmark and tests). */
size_t cache_obj_size(const struct ct *ct);

#endif
