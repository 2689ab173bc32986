/* The tables a -f detached from a cache (sync/cache.c, sync/sobj.c): the
 * cache goes on with a fresh empty array of buckets at once, and its
 * owner empties the old ones a slice per loop turn, oldest first (only
 * it knows what a chain holds).  Returns NULL on no memory; never
 * prints. */
#ifndef CTBOX_SYNC_DEAD_TABLE_H
#define CTBOX_SYNC_DEAD_TABLE_H

#include <stddef.h>

struct dead_table {
	struct dead_table *next;
	void *bucket;		/* the detached array of chains */
	unsigned int cur;	/* first bucket not emptied yet */
};

/* A fresh zeroed array of n buckets of size bytes to replace old, which
 * joins the end of *list; NULL (and nothing changed) without memory. */
void *dead_table_detach(struct dead_table **list, void *old, size_t n,
			size_t size);
/* Free the oldest table, emptied by its owner, and its array. */
void dead_table_pop(struct dead_table **list);

#endif
