/* Hierarchical timer wheel.  Level j slot s holds the timers whose target
 * tick t has (t >> 6j) & 63 == s and lies less than 64^(j+1) ticks ahead
 * of the clock when placed; level 0 fires, the others are cascaded (their
 * timers placed again, lower) when the clock reaches a multiple of 64^j
 * whose level-j index is s.  Empty stretches are skipped with the slot
 * bitmaps, so a long idle gap costs a few bit scans, not one step per
 * tick. */
#include <string.h>

#include "sync/wheel.h"

#define MASK		(WHEEL_SLOTS - 1)
#define SPAN_MAX	((uint64_t)1 << (WHEEL_BITS * WHEEL_LEVELS))

static bool before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static void list_init(struct wheel_node *h)
{
	h->next = h->prev = h;
}

void wheel_node_init(struct wheel_node *n)
{
	n->next = n->prev = NULL;
	n->expires = 0;
}

void wheel_init(struct wheel *w, uint64_t now)
{
	unsigned int l, s;

	memset(w->occupied, 0, sizeof(w->occupied));
	w->clk = now;
	w->cascaded = false;
	w->pending = 0;
	for (l = 0; l < WHEEL_LEVELS; l++)
		for (s = 0; s < WHEEL_SLOTS; s++)
			list_init(&w->slot[l][s]);
}

static unsigned int level_of(uint64_t delta)
{
	unsigned int bits = 64 - (unsigned int)__builtin_clzll(delta | 1);

	return (bits - 1) / WHEEL_BITS;
}

/* Put n in the slot for its expiry, seen from the clock. */
static void place(struct wheel *w, struct wheel_node *n)
{
	uint64_t delta = before(n->expires, w->clk) ? 0 : n->expires - w->clk;
	uint64_t target;
	unsigned int l, s;
	struct wheel_node *h;

	if (delta >= SPAN_MAX)
		delta = SPAN_MAX - 1;
	target = w->clk + delta;
	l = level_of(delta);
	s = (unsigned int)(target >> (WHEEL_BITS * l)) & MASK;
	h = &w->slot[l][s];
	n->next = h;
	n->prev = h->prev;
	h->prev->next = n;
	h->prev = n;
	w->occupied[l] |= 1ull << s;
}

/* Unlink n; clear the slot's bit if it became empty. */
static void unlink_node(struct wheel *w, struct wheel_node *n)
{
	struct wheel_node *next = n->next;

	n->prev->next = next;
	next->prev = n->prev;
	if (next == n->prev && next->next == next) {
		/* the list is down to its head: find which one it is */
		size_t i = (size_t)(next - &w->slot[0][0]);

		w->occupied[i / WHEEL_SLOTS] &= ~(1ull << (i % WHEEL_SLOTS));
	}
	n->next = n->prev = NULL;
}

void wheel_add(struct wheel *w, struct wheel_node *n, uint64_t expires)
{
	if (wheel_node_pending(n))
		unlink_node(w, n);
	else
		w->pending++;
	n->expires = expires;
	place(w, n);
}

void wheel_del(struct wheel *w, struct wheel_node *n)
{
	if (!wheel_node_pending(n))
		return;
	unlink_node(w, n);
	w->pending--;
}

/* Move the timers of level l's slot for tick t down the levels, at most
 * *budget of them; false when the budget ran out first. */
static bool cascade(struct wheel *w, unsigned int l, uint64_t t,
		    unsigned int *budget)
{
	unsigned int s = (unsigned int)(t >> (WHEEL_BITS * l)) & MASK;
	struct wheel_node *h = &w->slot[l][s], *n;

	if (!(w->occupied[l] & (1ull << s)))
		return true;
	while ((n = h->next) != h) {
		if (!*budget)
			return false;
		(*budget)--;
		unlink_node(w, n);
		place(w, n);
	}
	return true;
}

/* Cascades due at tick t (a multiple of 64), highest level first, at
 * most *budget timers moved: a million timers set at once share a slot,
 * and moving them all would hold one loop turn for tens of ms.  An
 * unfinished cascade is taken up again from the top (the slots above are
 * empty by then: nothing new lands in a slot being cascaded). */
static bool cascade_at(struct wheel *w, uint64_t t, unsigned int *budget)
{
	unsigned int l, top = 0;

	for (l = 1; l < WHEEL_LEVELS; l++) {
		if (t & (((uint64_t)1 << (WHEEL_BITS * l)) - 1))
			break;
		top = l;
	}
	for (l = top; l >= 1; l--)
		if (!cascade(w, l, t, budget))
			return false;
	return true;
}

/* First set bit of a 64-slot bitmap at or after index i, circularly. */
static unsigned int scan(uint64_t bits, unsigned int i)
{
	uint64_t r = i ? (bits >> i) | (bits << (64 - i)) : bits;

	return (unsigned int)__builtin_ctzll(r);
}

/* The first tick >= from with work: a level-0 slot to fire or a
 * non-empty slot to cascade. */
static bool next_event(const struct wheel *w, uint64_t from, uint64_t *out)
{
	bool found = false;
	uint64_t best = 0;
	unsigned int l;

	for (l = 0; l < WHEEL_LEVELS; l++) {
		unsigned int sh = WHEEL_BITS * l;
		uint64_t unit = (uint64_t)1 << sh, base, t;

		if (!w->occupied[l])
			continue;
		/* the first multiple of 64^l at or after from */
		base = l ? ((from + unit - 1) >> sh) << sh : from;
		t = base + ((uint64_t)scan(w->occupied[l],
					   (unsigned int)(base >> sh) & MASK)
			    << sh);
		if (!found || t - from < best - from) {
			best = t;
			found = true;
		}
	}
	*out = best;
	return found;
}

bool wheel_next(const struct wheel *w, uint64_t *tick)
{
	/* paused in the middle of a tick: that tick still has timers */
	if (w->cascaded) {
		*tick = w->clk;
		return true;
	}
	return next_event(w, w->clk, tick);
}

unsigned int wheel_advance(struct wheel *w, uint64_t now, unsigned int max,
			   void (*fn)(struct wheel_node *n, void *arg),
			   void *arg)
{
	unsigned int fired = 0, moves = max;
	uint64_t t;

	while (!before(now, w->clk)) {
		struct wheel_node *h = &w->slot[0][w->clk & MASK], *n;

		if (!w->cascaded) {
			/* wheel_next() says clk until it is done */
			if (!(w->clk & MASK) && !cascade_at(w, w->clk, &moves))
				return max;
			w->cascaded = true;
		}
		while ((n = h->next) != h) {
			if (fired == max)
				return fired;
			unlink_node(w, n);
			w->pending--;
			fired++;
			fn(n, arg);
		}
		w->cascaded = false;
		if (!next_event(w, w->clk + 1, &t) || before(now, t)) {
			w->clk = now + 1;
			break;
		}
		w->clk = t;
	}
	return fired;
}
