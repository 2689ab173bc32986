/* The daemon's cache: key (tuple + zone, not id), limits, counters,
 * packing round trip, mark-and-sweep. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/cache.h"
#include "t.h"

static void mk(struct ct *ct, uint32_t src, uint16_t sport, uint16_t zone)
{
	ct_init(ct);
	ct->family = AF_INET;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			   CT_T_DPORT;
	ct->orig.l3 = AF_INET;
	ct->orig.l4 = 6;
	ct->orig.src.ip[0] = htonl(src);
	ct->orig.dst.ip[0] = htonl(0x0a000001);
	ct->orig.sport = sport;
	ct->orig.dport = 80;
	ct_set(ct, CT_A_ORIG);
	if (zone) {
		ct->zone = zone;
		ct_set(ct, CT_A_ZONE);
	}
}

struct seen {
	int n;
	struct ct last;
	uint32_t created;
};

static void on_obj(const struct ct *ct, uint32_t created, void *data)
{
	struct seen *s = data;

	s->n++;
	s->last = *ct;
	s->created = created;
}

int main(void)
{
	struct cache *c = cache_create("stats", 16, 1000);
	struct ct a, b;
	struct seen s;
	uint32_t gen;
	int i;

	CHECK(c != NULL, "cache created");
	mk(&a, 0xc0000201, 1000, 0);
	a.id = 7;
	ct_set(&a, CT_A_ID);
	a.timeout = 120;
	ct_set(&a, CT_A_TIMEOUT);
	a.mark = 42;
	ct_set(&a, CT_A_MARK);
	strcpy(a.helper, "ftp");
	ct_set(&a, CT_A_HELPER);
	a.counters[0].bytes = 99;
	ct_set(&a, CT_A_COUNTERS_ORIG);
	CHECK_EQ(cache_add(c, &a, 5), 0, "add");
	CHECK_EQ(cache_add(c, &a, 5), -EEXIST, "add twice: EEXIST");
	b = a;
	b.id = 8;	/* the id is not part of the key */
	CHECK(cache_has(c, &b), "found whatever the id");
	mk(&b, 0xc0000201, 1000, 3);
	CHECK(!cache_has(c, &b), "the zone is part of the key");
	CHECK_EQ(cache_update_force(c, &b, 6), 1, "update_force adds");
	CHECK_EQ(cache_count(c), 2, "two entries");

	memset(&s, 0, sizeof(s));
	mk(&b, 0xc0000201, 1000, 0);
	cache_del(c, &(struct ct){ 0 });	/* a key that is not there */
	cache_iterate(c, on_obj, &s);
	CHECK_EQ(s.n, 2, "iterate sees both");
	/* round trip of the packed form */
	cache_flush(c);
	CHECK_EQ(cache_add(c, &a, 9), 0, "re-add");
	memset(&s, 0, sizeof(s));
	cache_iterate(c, on_obj, &s);
	CHECK_EQ(s.created, 9, "creation time kept");
	CHECK_EQ(s.last.mark, 42, "mark kept");
	CHECK(ct_has(&s.last, CT_A_MARK), "mark present");
	CHECK_STR(s.last.helper, "ftp", "helper kept");
	CHECK(!ct_has(&s.last, CT_A_TIMEOUT), "timeout stripped");
	CHECK(!ct_has(&s.last, CT_A_COUNTERS_ORIG), "counters stripped");
	CHECK(!ct_has(&s.last, CT_A_SECCTX), "no secctx");
	CHECK_MEM(&s.last.orig, &a.orig, sizeof(a.orig), "tuple kept");
	CHECK(cache_obj_size(&a) <= 96, "a cached flow is small (%zu <= 96 bytes)",
	      cache_obj_size(&a));

	/* update keeps the creation time */
	a.mark = 43;
	CHECK_EQ(cache_update(c, &a), 0, "update");
	memset(&s, 0, sizeof(s));
	cache_iterate(c, on_obj, &s);
	CHECK_EQ(s.last.mark, 43, "updated mark");
	CHECK_EQ(s.created, 9, "update keeps creation time");

	/* limit */
	cache_flush(c);
	cache_destroy(c);
	c = cache_create("stats", 8, 100);
	for (i = 0; i < 150; i++) {
		mk(&b, 0x0a000000 + (uint32_t)i, (uint16_t)i, 0);
		cache_add(c, &b, 1);
	}
	CHECK_EQ(cache_count(c), 100, "HashLimit caps the cache");
	CHECK_EQ(cache_stats(c)->add_nospace, 50, "ENOSPC counted");
	CHECK_EQ(cache_stats(c)->active, 100, "active");
	mk(&b, 0x0a000000, 0, 0);
	CHECK_EQ(cache_del(c, &b), 0, "delete");
	CHECK_EQ(cache_del(c, &b), -ENOENT, "delete twice: ENOENT");
	CHECK_EQ(cache_stats(c)->del_notfound, 1, "not found counted");

	/* mark and sweep: keep 10..19 */
	gen = cache_sweep_begin(c);
	for (i = 10; i < 20; i++) {
		mk(&b, 0x0a000000 + (uint32_t)i, (uint16_t)i, 0);
		cache_mark(c, &b, gen);
	}
	memset(&s, 0, sizeof(s));
	CHECK_EQ(cache_sweep(c, gen, on_obj, &s), 89, "sweep removes unseen");
	CHECK_EQ(s.n, 89, "each purged entry handed out");
	CHECK_EQ(cache_count(c), 10, "seen entries stay");
	cache_destroy(c);
	CHECK(cache_create("x", 0, 1) == NULL, "hashsize 0 refused");
	T_DONE();
}
