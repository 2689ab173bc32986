/* The daemon's cache: key (tuple + zone, not id), limits, counters,
 * packing round trip, mark-and-sweep and flush in steps. */
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

	/* mark and sweep in steps: keep 10..19 (seen by the dump), 20 (an
	 * event updated it once the sweep began), 21 (a NEW event for it),
	 * 200 (added between two steps) */
	gen = cache_sweep_begin(c);
	for (i = 10; i < 20; i++) {
		mk(&b, 0x0a000000 + (uint32_t)i, (uint16_t)i, 0);
		cache_mark(c, &b, gen);
	}
	memset(&s, 0, sizeof(s));
	cache_sweep_start(c, gen);
	mk(&b, 0x0a000000 + 20, 20, 0);
	b.mark = 5;
	ct_set(&b, CT_A_MARK);
	CHECK_EQ(cache_update_force(c, &b, 2), 0, "an event's update");
	mk(&b, 0x0a000000 + 21, 21, 0);
	cache_touch(c, &b);	/* a NEW event for a cached flow */
	CHECK(cache_sweep_step(c, 4, on_obj, &s), "a small step leaves more");
	CHECK(s.n < 87, "a step purges part (%d)", s.n);
	mk(&b, 0x0a000000 + 200, 200, 0);
	CHECK_EQ(cache_update_force(c, &b, 2), 1, "an event's new flow");
	for (i = 1; cache_sweep_step(c, 4, on_obj, &s); i++)
		;
	CHECK(i > 2, "the sweep took %d steps", i);
	CHECK_EQ(s.n, 87, "each unseen entry handed out once");
	CHECK_EQ(cache_count(c), 13, "seen, updated, touched and new entries stay");
	mk(&b, 0x0a000000 + 20, 20, 0);
	CHECK(cache_has(c, &b), "the updated one stays");
	CHECK(!cache_sweep_step(c, 4, on_obj, &s), "nothing left");

	/* a newer sweep takes over: what the newer dump saw stays, what
	 * only the older one saw goes */
	gen = cache_sweep_begin(c);
	mk(&b, 0x0a000000 + 12, 12, 0);
	cache_mark(c, &b, gen);
	mk(&b, 0x0a000000 + 11, 11, 0);
	cache_mark(c, &b, gen);
	cache_sweep_start(c, gen);
	cache_sweep_step(c, 2, NULL, NULL);
	gen = cache_sweep_begin(c);
	cache_mark(c, &b, gen);
	cache_sweep_start(c, gen);
	while (cache_sweep_step(c, 2, NULL, NULL))
		;
	CHECK_EQ(cache_count(c), 1, "only the newer dump's flow stays");
	CHECK(cache_has(c, &b), "the one it saw");

	/* flush: empty at once, a flow added afterwards survives the steps
	 * that free the old entries; two flushes in a row; pending ones
	 * freed by destroy (the sanitizer build checks for leaks) */
	for (i = 0; i < 50; i++) {
		mk(&b, 0x0b000000 + (uint32_t)i, (uint16_t)i, 0);
		cache_add(c, &b, 1);
	}
	gen = cache_sweep_begin(c);
	cache_sweep_start(c, gen);
	cache_flush(c);
	CHECK_EQ(cache_count(c), 0, "flushed: empty at once");
	CHECK_EQ(cache_stats(c)->active, 0, "flushed: none active");
	CHECK(!cache_sweep_step(c, 4, on_obj, &s), "a flush ends the sweep");
	mk(&b, 0x0b000000 + 7, 7, 0);
	CHECK_EQ(cache_add(c, &b, 3), 0, "re-added after the flush");
	for (i = 1; cache_flush_step(c, 4); i++)
		;
	CHECK(i > 2, "the flush took %d steps", i);
	CHECK(cache_has(c, &b), "the flow re-added after the flush survives");
	CHECK_EQ(cache_count(c), 1, "only it");
	cache_flush(c);
	cache_add(c, &b, 3);
	cache_flush(c);
	CHECK(cache_flush_step(c, 1), "two flushes pending");
	cache_destroy(c);
	CHECK(cache_create("x", 0, 1) == NULL, "hashsize 0 refused");
	T_DONE();
}
