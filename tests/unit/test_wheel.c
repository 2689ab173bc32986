/* sync/wheel: ordering, exact firing time, cancel, re-arm, bounded
 * batches, millions of timers, long idle jumps and a clock that wraps. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync/wheel.h"
#include "t.h"

struct tm_obj {
	struct wheel_node node;	/* not first on purpose: container_of */
	uint64_t want;
	uint64_t fired_at;
	int fires;
};

#define OBJ(n) ((struct tm_obj *)((char *)(n) - offsetof(struct tm_obj, node)))

struct run {
	uint64_t now;		/* of the current advance */
	uint64_t prev_now;	/* of the advance before it */
	uint64_t last_expiry;
	long fired, early, late, out_of_order;
};

static void on_fire(struct wheel_node *n, void *arg)
{
	struct run *r = arg;
	struct tm_obj *o = OBJ(n);

	o->fires++;
	o->fired_at = r->now;
	r->fired++;
	/* due no later than now, and not due at the previous advance */
	r->early += (int64_t)(r->now - o->want) < 0;
	r->late += (int64_t)(r->prev_now - o->want) >= 0;
	r->out_of_order += (int64_t)(o->want - r->last_expiry) < 0;
	r->last_expiry = o->want;
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Advance from start to end in random steps, all at once per step. */
static void drive(struct wheel *w, struct run *r, uint64_t start,
		  uint64_t end, uint64_t maxstep)
{
	uint64_t now = start;

	r->prev_now = start - 1;
	r->last_expiry = start - 1000000;
	while ((int64_t)(end - now) > 0) {
		now += 1 + rnd() % maxstep;
		if ((int64_t)(now - end) > 0)
			now = end;
		r->now = now;
		while (wheel_advance(w, now, 1u << 30, on_fire, r) == 1u << 30)
			;
		r->prev_now = now;
	}
}

static struct wheel wh;

static void ordering(uint64_t base, const char *what)
{
	static struct tm_obj o[20000];
	struct run r = { 0 };
	int i, wrong = 0;

	wheel_init(&wh, base);
	for (i = 0; i < 20000; i++) {
		wheel_node_init(&o[i].node);
		o[i].fires = 0;
		/* near, middle, far (beyond level 3) */
		o[i].want = base + (i % 3 == 0 ? rnd() % 100 :
				    i % 3 == 1 ? rnd() % 300000 :
				    rnd() % 40000000000ull);
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	CHECK_EQ(wheel_pending(&wh), 20000, "%s: 20000 pending", what);
	drive(&wh, &r, base, base + 40000000001ull, 5000);
	/* the far ones make the last stretch a jump of many ticks */
	for (i = 0; i < 20000; i++)
		wrong += o[i].fires != 1;
	CHECK(r.fired == 20000 && wrong == 0, "%s: every timer fired once", what);
	CHECK(r.early == 0 && r.late == 0,
	      "%s: each at the first advance at or after its expiry", what);
	CHECK_EQ(r.out_of_order, 0, "%s: in expiry order", what);
	CHECK_EQ(wheel_pending(&wh), 0, "%s: wheel empty", what);
}

static void exact_ticks(void)
{
	static struct tm_obj o[5000];
	struct run r = { 0 };
	uint64_t t;
	int i, bad = 0;

	wheel_init(&wh, 1000);
	for (i = 0; i < 5000; i++) {
		wheel_node_init(&o[i].node);
		o[i].want = 1000 + (uint64_t)i * 37 % 70000;
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	r.prev_now = 999;
	for (t = 1000; t <= 72000; t++) {
		r.now = t;
		wheel_advance(&wh, t, 100000, on_fire, &r);
		r.prev_now = t;
	}
	for (i = 0; i < 5000; i++)
		bad += o[i].fires != 1 || o[i].fired_at != o[i].want;
	CHECK(bad == 0 && r.fired == 5000,
	      "advancing tick by tick fires each timer at exactly its tick");
}

static void cancel_rearm(void)
{
	static struct tm_obj o[10000];
	struct run r = { 0 };
	int i, bad = 0;
	uint64_t t;

	wheel_init(&wh, 0);
	for (i = 0; i < 10000; i++) {
		wheel_node_init(&o[i].node);
		o[i].fires = 0;
		o[i].want = 1 + rnd() % 100000;
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	for (i = 0; i < 10000; i += 2)
		wheel_del(&wh, &o[i].node);
	wheel_del(&wh, &o[0].node);	/* twice: harmless */
	CHECK_EQ(wheel_pending(&wh), 5000, "cancel: half left");
	/* re-arm a third of the rest, earlier or later */
	for (i = 1; i < 10000; i += 6) {
		o[i].want = 1 + rnd() % 200000;
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	CHECK_EQ(wheel_pending(&wh), 5000, "re-arm keeps the count");
	r.prev_now = 0;
	for (t = 0; t <= 200000; t += 1 + rnd() % 700) {
		r.now = t;
		wheel_advance(&wh, t, 1u << 30, on_fire, &r);
		r.prev_now = t;
	}
	r.now = 200001;
	wheel_advance(&wh, 200001, 1u << 30, on_fire, &r);
	for (i = 0; i < 10000; i++)
		bad += o[i].fires != (i % 2 ? 1 : 0);
	CHECK(bad == 0 && r.early == 0 && r.out_of_order == 0,
	      "cancelled timers never fire, re-armed ones once, at the new time");
	CHECK(!wheel_node_pending(&o[1].node), "fired nodes are not pending");
}

/* A callback that re-arms its own timer: a periodic timer. */
static void periodic(struct wheel_node *n, void *arg)
{
	struct tm_obj *o = OBJ(n);

	o->fires++;
	if (o->fires < 10)
		wheel_add(arg, n, o->want += 250);
}

static void batches(void)
{
	static struct tm_obj o[1000];
	struct tm_obj p;
	struct run r = { 0 };
	unsigned int n, calls = 0, total = 0;
	uint64_t next;
	int i;

	wheel_init(&wh, 500);
	CHECK(!wheel_next(&wh, &next), "an empty wheel has no next tick");
	for (i = 0; i < 1000; i++) {
		wheel_node_init(&o[i].node);
		o[i].want = 777;
		wheel_add(&wh, &o[i].node, 777);
	}
	CHECK(wheel_next(&wh, &next) && next <= 777, "next tick <= 777");
	r.now = 10000;
	r.prev_now = 776;
	do {
		n = wheel_advance(&wh, 10000, 64, on_fire, &r);
		total += n;
		calls++;
	} while (n == 64);
	/* 1000 moved down a level at most 64 a call, then fired 64 a call */
	CHECK(calls == 31 && r.fired == 1000 && wheel_pending(&wh) == 0,
	      "1000 timers due at once go 64 per call (%u calls)", calls);
	CHECK(wheel_next(&wh, &next) == false, "drained");

	wheel_init(&wh, 0);
	wheel_node_init(&p.node);
	p.fires = 0;
	p.want = 100;
	wheel_add(&wh, &p.node, 100);
	for (i = 0; i <= 3000; i += 50)
		wheel_advance(&wh, (uint64_t)i, 8, periodic, &wh);
	CHECK(p.fires == 10 && !wheel_node_pending(&p.node),
	      "a timer re-armed from its own callback fires periodically");

	/* armed in the past: fires at the next advance */
	wheel_node_init(&p.node);
	p.fires = 0;
	wheel_add(&wh, &p.node, 5);
	r.fired = 0;
	r.now = 3001;
	r.prev_now = 0;
	CHECK(wheel_advance(&wh, 3001, 10, on_fire, &r) == 1 && p.fires == 1,
	      "a timer armed in the past fires on the next advance");
}

static void idle_jump(void)
{
	struct tm_obj a, b;
	struct run r = { 0 };
	clock_t c0 = clock();

	wheel_init(&wh, 42);
	wheel_node_init(&a.node);
	wheel_node_init(&b.node);
	a.want = 42 + (1ull << 40);
	b.want = 42 + (1ull << 47) + 12345;
	wheel_add(&wh, &a.node, a.want);
	wheel_add(&wh, &b.node, b.want);
	r.prev_now = 42;
	r.last_expiry = 0;
	r.now = a.want - 1;
	wheel_advance(&wh, r.now, 100, on_fire, &r);
	r.prev_now = r.now;
	r.now = b.want + (1ull << 50);
	wheel_advance(&wh, r.now, 100, on_fire, &r);
	CHECK(r.fired == 2 && r.early == 0 && r.out_of_order == 0,
	      "2^40- and 2^47-tick timers fire across huge idle jumps");
	CHECK((double)(clock() - c0) / CLOCKS_PER_SEC < 0.5,
	      "a 2^50-tick jump costs bit scans, not ticks");

	/* beyond the wheel's span (2^48): parked, never early */
	wheel_init(&wh, 0);
	wheel_node_init(&a.node);
	a.want = 1ull << 55;
	a.fires = 0;
	wheel_add(&wh, &a.node, a.want);
	r = (struct run){ 0 };
	r.now = (1ull << 55) - 1;
	wheel_advance(&wh, r.now, 100, on_fire, &r);
	CHECK(r.fired == 0 && wheel_node_pending(&a.node),
	      "a timer beyond 2^48 ticks does not fire early");
	r.now = 1ull << 55;
	wheel_advance(&wh, r.now, 100, on_fire, &r);
	CHECK(r.fired == 1 && r.early == 0, "... and fires at its tick");
}

static void millions(void)
{
	enum { N = 2000000 };
	struct tm_obj *o = calloc(N, sizeof(*o));
	struct run r = { 0 };
	clock_t c0;
	double secs;
	long bad = 0;
	uint64_t now;
	int i;

	if (!o) {
		CHECK(0, "allocate %d timers", N);
		return;
	}
	c0 = clock();
	wheel_init(&wh, 0);
	/* 2M flows with timeouts up to an hour, in milliseconds */
	for (i = 0; i < N; i++) {
		wheel_node_init(&o[i].node);
		o[i].want = 1 + rnd() % 3600000;
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	/* a tenth of them re-armed (a flow update), a tenth cancelled */
	for (i = 0; i < N; i += 10) {
		o[i].want += 1000;
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	for (i = 5; i < N; i += 10)
		wheel_del(&wh, &o[i].node);
	CHECK_EQ(wheel_pending(&wh), N - N / 10, "%d timers pending", N - N / 10);
	r.prev_now = 0;
	r.last_expiry = 0;
	for (now = 0; now <= 3602000; now += 1000) {
		unsigned int n;

		r.now = now;
		do
			n = wheel_advance(&wh, now, 50000, on_fire, &r);
		while (n == 50000);
		r.prev_now = now;
	}
	secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	for (i = 0; i < N; i++)
		bad += o[i].fires != (i % 10 == 5 ? 0 : 1);
	CHECK(bad == 0 && r.fired == N - N / 10 && r.early == 0 &&
	      r.late == 0 && r.out_of_order == 0,
	      "%d timers: each fired once, on time, in order", N - N / 10);
	printf("# %d timers armed, re-armed, cancelled and fired in %.2f s CPU\n",
	       N, secs);
	CHECK(secs < 20, "millions of timers in reasonable time");
	free(o);
}

/* A million flows' timers set in the same second share one slot of a
 * high level: moving them down is bounded per call too. */
static void cascade_bounded(void)
{
	enum { N = 100000 };
	struct tm_obj *o = calloc(N, sizeof(*o));
	struct run r = { 0 };
	unsigned int n, calls = 0;
	uint64_t next = 0;
	int i;

	if (!o)
		return;
	wheel_init(&wh, 0);
	for (i = 0; i < N; i++) {
		wheel_node_init(&o[i].node);
		o[i].want = 300000 + (uint64_t)i % 1000;
		wheel_add(&wh, &o[i].node, o[i].want);
	}
	r.now = 301000;
	r.prev_now = 299999;
	n = wheel_advance(&wh, 301000, 1000, on_fire, &r);
	CHECK(n == 1000 && r.fired == 0 && wheel_next(&wh, &next) &&
	      next <= 301000, "a cascade of %d timers stops after 1000 moves "
	      "(fired %ld), more due now", N, r.fired);
	do {
		n = wheel_advance(&wh, 301000, 1000, on_fire, &r);
		calls++;
	} while (n == 1000);
	CHECK(r.fired == N && r.early == 0 && r.out_of_order == 0 &&
	      calls >= 2 * N / 1000 - 1,
	      "then all %d fire in order, moved and fired 1000 a call "
	      "(%u calls)", N, calls);
	free(o);
}

int main(void)
{
	ordering(0, "from 0");
	ordering(UINT64_MAX - 20000000000ull, "across the 64-bit clock wrap");
	ordering(UINT64_MAX - 77, "wrapping right away");
	exact_ticks();
	cancel_rearm();
	batches();
	cascade_bounded();
	idle_jump();
	millions();
	T_DONE();
}
