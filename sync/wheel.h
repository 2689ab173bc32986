/* A hierarchical timer wheel for millions of per-flow timers (ALARM
 * refresh, external-cache expiry): the node is embedded in the object,
 * add / cancel / re-arm are O(1), and wheel_advance() fires what is due
 * in batches of a bounded size so one loop turn never starves the rest.
 *
 * Time is in caller-chosen ticks (say milliseconds) on a 64-bit clock
 * compared with serial arithmetic, so a clock that wraps around is fine
 * as long as no timer is set more than 2^63 ticks away.  8 levels of 64
 * slots span 2^48 ticks; a timer set farther away is parked at the far
 * edge and moved on when it gets there, so it never fires early.
 *
 * Not thread-safe; no allocation; the wheel is about 12 KiB. */
#ifndef CTBOX_SYNC_WHEEL_H
#define CTBOX_SYNC_WHEEL_H

#include <stdbool.h>
#include <stdint.h>

#define WHEEL_BITS	6
#define WHEEL_SLOTS	(1u << WHEEL_BITS)
#define WHEEL_LEVELS	8

/* Embed one per timer in the owning object; find the object back with
 * container_of-style arithmetic in the callback. */
struct wheel_node {
	struct wheel_node *next, *prev;	/* NULL when not pending */
	uint64_t expires;
};

struct wheel {
	uint64_t clk;		/* the next tick to process */
	bool cascaded;		/* clk's cascade already done */
	uint64_t pending;	/* nodes in the wheel */
	uint64_t occupied[WHEEL_LEVELS];	/* bit s: slot s not empty */
	struct wheel_node slot[WHEEL_LEVELS][WHEEL_SLOTS];
};

/* Start the wheel's clock at now. */
void wheel_init(struct wheel *w, uint64_t now);
void wheel_node_init(struct wheel_node *n);
static inline bool wheel_node_pending(const struct wheel_node *n)
{
	return n->next != 0;
}
/* Arm n to fire once at tick expires (re-arms it if pending).  A tick
 * already past fires on the next wheel_advance(). */
void wheel_add(struct wheel *w, struct wheel_node *n, uint64_t expires);
/* Cancel; harmless if n is not pending. */
void wheel_del(struct wheel *w, struct wheel_node *n);
static inline uint64_t wheel_pending(const struct wheel *w)
{
	return w->pending;
}

/* Fire the timers due at or before now, in expiry order (the order of
 * timers due at the same tick is unspecified), at most max: each is
 * unlinked, then fn(n, arg) is called, which may re-arm or free it and
 * add or cancel others.  Timers moved down the levels on the way count
 * against another max.  Returns how many fired, or max when more may be
 * due: call again (the next loop turn). */
unsigned int wheel_advance(struct wheel *w, uint64_t now, unsigned int max,
			   void (*fn)(struct wheel_node *n, void *arg),
			   void *arg);
/* The earliest tick at which wheel_advance() may have work (a timer or an
 * internal cascade; never later than the first expiry), or false when the
 * wheel is empty.  For the event loop's timeout. */
bool wheel_next(const struct wheel *w, uint64_t *tick);

#endif
