/* Size-class allocation (sync/slab.h) and the sync cache on top of it:
 * freed objects are reused, a cache under churn (as many flows destroyed
 * as created) does not grow, a body that outgrows its object moves out of
 * line and back with the object in place, nothing is left at the end. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/slab.h"
#include "sync/sobj.h"
#include "t.h"

static void allocator(void)
{
	struct slab_stats st;
	unsigned char *p, *q;
	size_t i;
	int dirty = 0;

	CHECK_EQ(slab_class(1), 1, "1 byte: class 1");
	CHECK_EQ(slab_class(72), 9, "72 bytes: class 9");
	CHECK_EQ(slab_class_size(slab_class(73)), 80, "73 bytes take 80");
	CHECK(slab_alloc(0) == NULL && slab_alloc(SLAB_MAX / 8 + 1) == NULL,
	      "no class 0 or past SLAB_MAX");
	p = slab_alloc(9);
	CHECK(p && ((uintptr_t)p & 7) == 0, "8-aligned");
	memset(p, 0xff, 72);
	slab_free(p, 9);
	q = slab_alloc(9);
	for (i = 0; q && i < 72; i++)
		dirty |= q[i];
	CHECK(q == p && !dirty, "a freed object is the next one, zeroed");
	slab_stats(&st);
	CHECK_EQ(st.used_bytes, 72, "bytes in use");
	CHECK(st.chunk_bytes >= 65536, "one chunk");
	slab_free(q, 9);
}

static void mk(struct ct *ct, unsigned int i)
{
	memset(ct, 0, sizeof(*ct));
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			   CT_T_DPORT;
	ct->orig.l4 = i % 3 ? IPPROTO_TCP : IPPROTO_UDP;
	ct->orig.l3 = i % 3 == 2 ? AF_INET6 : AF_INET;
	ct->family = ct->orig.l3;
	ct->orig.src.ip[0] = htonl(0x0a000000 + i);
	ct->orig.src.ip[3] = ct->orig.l3 == AF_INET6 ? htonl(i) : 0;
	ct->orig.dst.ip[0] = htonl(0x0b000001);
	ct->orig.sport = (uint16_t)(1024 + i % 50000);
	ct->orig.dport = 443;
	ct_tuple_invert(&ct->reply, &ct->orig);
	ct->status = CT_S_CONFIRMED;
	ct->timeout = 120;
	ct->id = i;
	ct->present = CT_BIT(CT_A_ORIG) | CT_BIT(CT_A_REPLY) |
		      CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) |
		      CT_BIT(CT_A_ID);
	if (ct->orig.l4 == IPPROTO_TCP) {
		ct->tcp.state = 3;
		ct->present |= CT_BIT(CT_A_TCP_STATE);
	}
	if (i % 7 == 0) {	/* a few with a helper */
		strcpy(ct->helper, "ftp");
		ct->present |= CT_BIT(CT_A_HELPER);
	}
}

#define FLOWS	20000u
#define STEP	2000u

static void churn(void)
{
	struct scache *c = scache_create("internal", SOBJ_CT, 16384, 100000,
					 24);
	struct slab_stats st0, st1;
	unsigned int i, round, missing = 0, lost = 0;
	static struct ct ct;
	struct sobj *o;
	bool added;

	for (i = 0; i < FLOWS; i++) {
		mk(&ct, i);
		scache_update_ct(c, &ct, 1, &added);
	}
	CHECK_EQ(scache_count(c), FLOWS, "filled");
	slab_stats(&st0);
	for (round = 0; round < 30; round++) {
		for (i = round * STEP; i < (round + 1) * STEP; i++) {
			mk(&ct, i);
			o = scache_find_ct(c, &ct);
			if (o)
				scache_del(c, o);
			else
				missing++;
		}
		for (i = FLOWS + round * STEP; i < FLOWS + (round + 1) * STEP; i++) {
			mk(&ct, i);
			if (!scache_update_ct(c, &ct, 2, &added) || !added)
				lost++;
		}
	}
	slab_stats(&st1);
	CHECK(!missing && !lost && scache_count(c) == FLOWS,
	      "30 rounds of %u destroyed + %u new: %u flows", STEP, STEP,
	      scache_count(c));
	CHECK_EQ(st1.used_bytes, st0.used_bytes, "the same bytes in use");
	CHECK_EQ(st1.chunk_bytes, st0.chunk_bytes,
		 "no growth after churning 3x the table (%zu bytes of chunks, %.1f per flow)",
		 st1.chunk_bytes, (double)st1.chunk_bytes / FLOWS);
	mk(&ct, FLOWS * 2);
	o = scache_update_ct(c, &ct, 3, &added);
	CHECK(o && sobj_size(o) <= 24 + 24 + 48,
	      "an IPv4 TCP flow with a 24-byte extension: %zu bytes",
	      o ? sobj_size(o) : 0);
	scache_destroy(c);
	slab_stats(&st1);
	CHECK_EQ(st1.used_bytes, 0, "every object freed");
}

static void outgrow(void)
{
	struct scache *c = scache_create("external", SOBJ_CT, 8, 10, 0);
	static struct ct ct, got;
	struct sobj *o, *p;
	size_t sz;
	bool added;

	mk(&ct, 1);
	o = scache_update_ct(c, &ct, 1, &added);
	sz = sobj_size(o);
	memset(ct.secctx, 's', 3000);
	ct.present |= CT_BIT(CT_A_SECCTX);
	ct.mark = 5;
	ct.present |= CT_BIT(CT_A_MARK);
	p = scache_update_ct(c, &ct, 2, &added);
	sobj_ct(o, &got);
	CHECK(p == o && sobj_size(o) > sz + 3000 && strlen(got.secctx) == 3000 &&
	      got.mark == 5, "a body that outgrows its object goes out of line, "
	      "the object stays (%zu bytes)", sobj_size(o));
	ct.present &= ~CT_BIT(CT_A_SECCTX);
	ct.mark = 6;
	p = scache_update_ct(c, &ct, 3, &added);
	sobj_ct(o, &got);
	CHECK(p == o && sobj_size(o) == sz && !got.secctx[0] && got.mark == 6,
	      "and back in when it fits again");
	CHECK(scache_find_ct(c, &ct) == o, "found by key either way");
	scache_destroy(c);
}

int main(void)
{
	struct slab_stats st;

	allocator();
	churn();
	outgrow();
	slab_stats(&st);
	CHECK_EQ(st.used_bytes, 0, "nothing left in use");
	slab_release_all();
	slab_stats(&st);
	CHECK_EQ(st.chunk_bytes, 0, "chunks given back");
	T_DONE();
}
