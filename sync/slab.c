/* Size-class allocation (see slab.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync/slab.h"

#define CHUNK_BYTES	65536
#define NCLASS		(SLAB_MAX / SLAB_ALIGN)

/* A chunk: the link to the previous one, then the objects. */
struct chunk {
	struct chunk *prev;
	uint64_t mem[];
};

struct freeobj {
	struct freeobj *next;
};

static struct {
	struct freeobj *free[NCLASS + 1];
	unsigned char *cur[NCLASS + 1];	/* the unused tail of a chunk */
	size_t left[NCLASS + 1];	/* bytes of it */
	struct chunk *chunks;
	struct slab_stats st;
} slab;

unsigned int slab_class(size_t size)
{
	return size ? (unsigned int)((size + SLAB_ALIGN - 1) / SLAB_ALIGN) : 1;
}

size_t slab_class_size(unsigned int cls)
{
	return (size_t)cls * SLAB_ALIGN;
}

void *slab_alloc(unsigned int cls)
{
	size_t sz = slab_class_size(cls);
	void *p;

	if (!cls || cls > NCLASS) {
		errno = EINVAL;
		return NULL;
	}
	if (slab.free[cls]) {
		p = slab.free[cls];
		slab.free[cls] = slab.free[cls]->next;
	} else {
		if (slab.left[cls] < sz) {
			struct chunk *c = malloc(sizeof(*c) + CHUNK_BYTES);

			if (!c)
				return NULL;
			/* the old tail (smaller than one object) is lost */
			c->prev = slab.chunks;
			slab.chunks = c;
			slab.st.chunk_bytes += sizeof(*c) + CHUNK_BYTES;
			slab.cur[cls] = (unsigned char *)c->mem;
			slab.left[cls] = CHUNK_BYTES;
		}
		p = slab.cur[cls];
		slab.cur[cls] += sz;
		slab.left[cls] -= sz;
	}
	slab.st.used_bytes += sz;
	return memset(p, 0, sz);
}

void slab_free(void *p, unsigned int cls)
{
	struct freeobj *f = p;

	if (!p)
		return;
	f->next = slab.free[cls];
	slab.free[cls] = f;
	slab.st.used_bytes -= slab_class_size(cls);
}

void slab_stats(struct slab_stats *st)
{
	*st = slab.st;
}

void slab_release_all(void)
{
	struct chunk *c, *prev;

	for (c = slab.chunks; c; c = prev) {
		prev = c->prev;
		free(c);
	}
	memset(&slab, 0, sizeof(slab));
}
