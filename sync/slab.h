/* Size-class allocation for the daemon caches' small objects: no per-
 * object header and no rounding past 8 bytes, where malloc spends 8 to 16
 * bytes on each of millions of objects.  Objects of one class are carved
 * from 64 KiB chunks; a freed one goes on its class's free list and is
 * the next one handed out, so a cache whose size stays level (churn)
 * stays in the chunks it has.  Chunks are kept until slab_release_all().
 *
 * Sizes up to SLAB_MAX; the class is what the caller keeps to free it.
 * One process-wide allocator, for the daemon's one thread. */
#ifndef CTBOX_SYNC_SLAB_H
#define CTBOX_SYNC_SLAB_H

#include <stddef.h>
#include <stdint.h>

#define SLAB_MAX	512	/* bytes, a multiple of 8 */
#define SLAB_ALIGN	8

/* The class of an object of size bytes (1 .. SLAB_MAX): 1 .. 64. */
unsigned int slab_class(size_t size);
/* The bytes an object of class cls has. */
size_t slab_class_size(unsigned int cls);
/* A zeroed object of class cls, 8-aligned; NULL + errno. */
void *slab_alloc(unsigned int cls);
void slab_free(void *p, unsigned int cls);

struct slab_stats {
	size_t chunk_bytes;	/* taken from malloc */
	size_t used_bytes;	/* in live objects */
};
void slab_stats(struct slab_stats *st);
/* Give every chunk back (every object must be freed already; for tests
 * and leak checkers at exit). */
void slab_release_all(void);

#endif
