/* Timers of the daemon's one event loop: a short list ordered by
 * deadline (the daemon has a handful of timers, not thousands). */
#ifndef CTBOX_SYNC_TIMER_H
#define CTBOX_SYNC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct timer {
	struct timer *next;
	uint64_t when;		/* ms, CLOCK_MONOTONIC */
	bool armed;
	void (*fn)(void *data);
	void *data;
};

uint64_t timer_now_ms(void);
/* The same clock in ns: bounds the time a step of work takes. */
uint64_t timer_now_ns(void);
/* The calling thread's CPU time, ns. */
uint64_t timer_cpu_ns(void);
void timer_init(struct timer *t, void (*fn)(void *), void *data);
/* (Re)arm to fire once, ms from now. */
void timer_add(struct timer *t, uint64_t ms);
void timer_del(struct timer *t);
bool timer_pending(const struct timer *t);
/* Milliseconds until the next deadline for epoll_wait, -1 if none. */
int timer_next_ms(void);
/* Run every expired timer; returns how many ran. */
unsigned int timer_run(void);

#endif
