/* The tables a -f detached from a cache (see dead_table.h). */
#include <stdlib.h>

#include "sync/dead_table.h"

void *dead_table_detach(struct dead_table **list, void *old, size_t n,
			size_t size)
{
	struct dead_table *d = malloc(sizeof(*d)), **pp;
	void *fresh = calloc(n, size);

	if (!d || !fresh) {
		free(d);
		free(fresh);
		return NULL;
	}
	d->next = NULL;
	d->bucket = old;
	d->cur = 0;
	for (pp = list; *pp; pp = &(*pp)->next)
		;
	*pp = d;
	return fresh;
}

void dead_table_pop(struct dead_table **list)
{
	struct dead_table *d = *list;

	*list = d->next;
	free(d->bucket);
	free(d);
}
