/* The sync caches' stable objects: updated in place (a pointer held by a
 * queue stays valid), NEW/ALIVE/DEAD, a reference outliving removal, the
 * extension area, rare parts out of line, a walk that survives deletions
 * between and inside its steps, bounded flushes, the size of an object. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/sobj.h"
#include "t.h"

static void mk(struct ct *ct, uint32_t src, uint16_t sport)
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
}

static int walked;

static void count(struct sobj *o, void *data)
{
	(void)o;
	(void)data;
	walked++;
}

static void count_del(struct sobj *o, void *data)
{
	walked++;
	scache_del(data, o);
}

/* -f on 50 objects (c holds them, keys 0x0b000000 + i): the cache is empty
 * at once, new and re-created flows stay, the old objects go through the
 * callback a bounded step at a time, a held one lives on, a second -f
 * while the first is pending, and the cache is destroyed with a third
 * table pending. */
static void flush_detached(struct scache *c)
{
	struct sobj *held, *fresh, *o;
	struct ct a;
	bool added, more;
	int i, steps = 0;

	mk(&a, 0x0b000000, 0);
	held = scache_find_ct(c, &a);
	sobj_get(held);
	walked = 0;
	scache_flush(c, count, NULL);
	CHECK_EQ(walked, 0, "-f calls back no object yet");
	CHECK_EQ(scache_count(c), 0, "-f empties the cache at once");
	CHECK_EQ(scache_stats(c)->active, 0, "and its active count");
	CHECK(scache_find_ct(c, &a) == NULL, "a flushed flow is not found");
	CHECK(!scache_holds(c, held), "nor held by the cache");
	CHECK(scache_take_ct(c, &a) == NULL, "a DESTROY of it finds nothing");
	o = scache_update_ct(c, &a, 2, &added);
	CHECK(o && added && o != held, "an UPDATE of it creates a new object");
	CHECK(scache_holds(c, o), "which the cache holds");
	mk(&a, 0x0e000000, 1);
	fresh = scache_update_ct(c, &a, 2, &added);
	CHECK(fresh && added, "a flow after -f is added");
	CHECK_EQ(scache_count(c), 2, "the cache counts only those two");
	walked = 0;
	scache_walk(c, 0, ~0u, count, NULL);
	CHECK_EQ(walked, 2, "a walk (a dump) sees only those two");
	walked = 0;
	more = scache_flush_step(c, 20, count, NULL);
	CHECK(more && walked > 0 && walked <= 20,
	      "a step drops at most 20 (%d), more left", walked);
	/* a second -f while the first is pending: the two new ones go too */
	scache_flush(c, count, NULL);
	CHECK_EQ(scache_count(c), 0, "a second -f empties the cache again");
	while (scache_flush_step(c, 20, count, NULL) && steps < 100)
		steps++;
	CHECK_EQ(walked, 52, "every flushed object called back once");
	CHECK(steps >= 2 && steps < 100, "in bounded steps (%d)", steps);
	CHECK(!scache_flush_step(c, 20, count, NULL), "then nothing is left");
	CHECK_EQ(sobj_state(held), SOBJ_DEAD, "a held object is dead");
	CHECK(!scache_holds(c, held), "and not in the cache");
	sobj_put(held);
	for (i = 0; i < 10; i++) {
		mk(&a, 0x0f000000 + (uint32_t)i, (uint16_t)i);
		scache_update_ct(c, &a, 3, &added);
	}
	scache_flush(c, count, NULL);
	mk(&a, 0x0f000000, 0);
	scache_update_ct(c, &a, 3, &added);
	CHECK_EQ(scache_count(c), 1, "one flow after a third -f");
	/* the destroy frees the pending table too (ASan: no leak) */
}

struct ext {
	uint64_t word[3];
};

int main(void)
{
	struct scache *c = scache_create("internal", SOBJ_CT, 8, 100,
					 sizeof(struct ext));
	struct sobj *o, *p;
	struct ct a, got;
	struct ext *x;
	uint64_t cur;
	bool added;
	int i, steps;
	size_t sz;
	unsigned long del0;

	CHECK(c != NULL, "cache created");
	mk(&a, 0xc0000201, 1000);
	a.mark = 1;
	ct_set(&a, CT_A_MARK);
	a.timeout = 120;
	ct_set(&a, CT_A_TIMEOUT);
	a.counters[0].bytes = 5;
	ct_set(&a, CT_A_COUNTERS_ORIG);
	o = scache_update_ct(c, &a, 10, &added);
	CHECK(o && added, "added");
	CHECK_EQ(sobj_state(o), SOBJ_NEW, "a new object is NEW");
	x = sobj_ext(o);
	CHECK(x != NULL && x->word[0] == 0 && x->word[2] == 0,
	      "extension area zeroed");
	CHECK(sobj_of_ext(x) == o, "back from the extension to the object");
	x->word[1] = 77;
	a.mark = 2;
	p = scache_update_ct(c, &a, 12, &added);
	CHECK(p == o && !added, "an update is in place: same object");
	CHECK_EQ(sobj_state(o), SOBJ_ALIVE, "an updated object is ALIVE");
	CHECK_EQ(x->word[1], 77, "the extension survives an update");
	sobj_ct(o, &got);
	CHECK_EQ(got.mark, 2, "the update is seen");
	CHECK(ct_has(&got, CT_A_TIMEOUT) && got.timeout == 120,
	      "the kernel timeout is kept");
	CHECK(!ct_has(&got, CT_A_COUNTERS_ORIG), "counters are not kept");
	CHECK_EQ(sobj_created(o), 10, "created");
	CHECK_EQ(sobj_updated(o), 12, "last update");

	/* rare parts kept, and gone again; the object stays in place */
	sz = sobj_size(o);
	a.snat.l3 = AF_INET;
	a.snat.min.ip[0] = a.snat.max.ip[0] = htonl(0x01020304);
	ct_set(&a, CT_A_SNAT);
	strcpy(a.helper, "ftp");
	ct_set(&a, CT_A_HELPER);
	p = scache_update_ct(c, &a, 13, &added);
	sobj_ct(o, &got);
	CHECK(p == o && !strcmp(got.helper, "ftp") &&
	      got.snat.min.ip[0] == htonl(0x01020304),
	      "NAT and helper kept, object in place");
	CHECK(sobj_size(o) > sz, "size counts the longer body (%zu > %zu)",
	      sobj_size(o), sz);
	ct_unset(&a, CT_A_SNAT);
	ct_unset(&a, CT_A_HELPER);
	scache_update_ct(c, &a, 14, &added);
	sobj_ct(o, &got);
	CHECK(!got.helper[0] && !got.snat.l3, "rare parts dropped again");

	/* a reference outlives the removal */
	sobj_get(o);
	scache_del(c, o);
	CHECK_EQ(sobj_state(o), SOBJ_DEAD, "removed: DEAD");
	CHECK(scache_find_ct(c, &a) == NULL, "out of the hash");
	CHECK_EQ(scache_count(c), 0, "count");
	CHECK_EQ(x->word[1], 77, "still readable while referenced");
	sobj_put(o);	/* freed here: ASan would see a leak otherwise */

	/* found and taken out in one lookup (a DESTROY event) */
	o = scache_update_ct(c, &a, 15, &added);
	CHECK(o && added, "added again");
	del0 = scache_stats(c)->del_ok;
	p = scache_take_ct(c, &a);
	CHECK(p == o, "taken: the object with that key");
	CHECK_EQ(sobj_state(o), SOBJ_DEAD, "taken: DEAD");
	CHECK(scache_find_ct(c, &a) == NULL && scache_count(c) == 0,
	      "taken: out of the hash");
	CHECK_EQ(scache_stats(c)->del_ok, del0 + 1, "taken: a delete counted");
	CHECK(scache_take_ct(c, &a) == NULL, "nothing to take: NULL");
	sobj_put(p);	/* the caller's reference: freed here */

	/* the limit and the stats */
	for (i = 0; i < 120; i++) {
		mk(&a, 0x0a000000 + (uint32_t)i, (uint16_t)i);
		scache_update_ct(c, &a, 1, &added);
	}
	CHECK_EQ(scache_count(c), 100, "at most HashLimit objects");
	CHECK_EQ(scache_stats(c)->add_nospace, 20, "no space counted");

	/* a walk a few objects per step; deleting inside it is fine */
	walked = 0;
	steps = 0;
	cur = 0;
	do {
		cur = scache_walk(c, cur, 7, count, NULL);
		steps++;
	} while (cur);
	CHECK_EQ(walked, 100, "the walk sees every object once");
	CHECK(steps > 100 / 7, "in bounded steps");
	walked = 0;
	cur = 0;
	do
		cur = scache_walk(c, cur, 5, count_del, c);
	while (cur);
	CHECK_EQ(walked, 100, "a walk that deletes sees every object once");
	CHECK_EQ(scache_count(c), 0, "and deleted them all");

	for (i = 0; i < 50; i++) {
		mk(&a, 0x0b000000 + (uint32_t)i, (uint16_t)i);
		scache_update_ct(c, &a, 1, &added);
	}
	flush_detached(c);
	scache_destroy(c);

	/* one chain of 1000: a lookup decodes only the entries whose stored
	 * hash bits match (1000 per lookup without them) */
	c = scache_create("one", SOBJ_CT, 1, 2000, 0);
	for (i = 0; i < 1000; i++) {
		mk(&a, 0x0c000000 + (uint32_t)i, (uint16_t)i);
		scache_update_ct(c, &a, 1, &added);
	}
	steps = 0;
	for (i = 0; i < 1000; i++) {
		mk(&a, 0x0c000000 + (uint32_t)i, (uint16_t)i);
		o = scache_find_ct(c, &a);
		if (o) {
			sobj_ct(o, &got);
			steps += got.orig.src.ip[0] == a.orig.src.ip[0] &&
				 got.orig.sport == a.orig.sport;
		}
	}
	CHECK_EQ(steps, 1000, "every flow found, by its own key, in one chain");
	i = (int)scache_keys_read(c);
	for (steps = 0; steps < 1000; steps++) {
		mk(&a, 0x0d000000 + (uint32_t)steps, (uint16_t)steps);
		if (scache_find_ct(c, &a))
			break;
	}
	CHECK_EQ(steps, 1000, "no absent flow found");
	CHECK((long)scache_keys_read(c) - i < 20000,
	      "1000 misses in a chain of 1000 decode %ld keys (< 20000)",
	      (long)scache_keys_read(c) - i);
	scache_destroy(c);
	/* probes made before a batch's updates and takes (the event path):
	 * the chains change under them, the answers do not */
	c = scache_create("probed", SOBJ_CT, 4, 1000, 0);
	{
		struct sprobe pr[64];
		struct ct b[64];
		int ok = 0;

		for (i = 0; i < 32; i++) {
			mk(&b[i], 0x0e000000 + (uint32_t)i, 1);
			scache_update_ct(c, &b[i], 1, &added);
		}
		for (i = 0; i < 64; i++) {
			mk(&b[i], 0x0e000000 + (uint32_t)i, 1);
			scache_probe_ct(c, &b[i], &pr[i]);
			scache_probe_warm(c, &pr[i]);
		}
		/* even: taken (0..31 there, 32..63 absent); odd: updated
		 * (0..31 found, 32..63 added) */
		for (i = 0; i < 64; i++) {
			if (i % 2 == 0) {
				o = scache_take_probed(c, &pr[i]);
				ok += (o != NULL) == (i < 32);
				if (o) {
					sobj_ct(o, &got);
					ok -= got.orig.src.ip[0] !=
					      b[i].orig.src.ip[0];
					sobj_put(o);
				}
				continue;
			}
			o = scache_update_probed(c, &b[i], &pr[i], 2, &added);
			ok += o && added == (i >= 32);
		}
		CHECK_EQ(ok, 64, "64 probed takes and updates as unprobed");
		CHECK_EQ(scache_count(c), 32, "16 left + 16 added");
		for (i = 0, ok = 0; i < 64; i++)
			ok += (scache_find_ct(c, &b[i]) != NULL) == (i % 2);
		CHECK_EQ(ok, 64, "the odd ones, and only they, are cached");
	}
	scache_destroy(c);
	CHECK(scache_create("x", SOBJ_CT, 0, 1, 0) == NULL, "hashsize 0 refused");
	T_DONE();
}
