/* Timers for the event loop (see timer.h).  A fired timer is unlinked
 * before its function runs, so the function may re-arm it. */
#include <stddef.h>
#include <time.h>

#include "sync/timer.h"

static struct timer *head;

static uint64_t ns_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t timer_now_ns(void)
{
	return ns_of(CLOCK_MONOTONIC);
}

uint64_t timer_cpu_ns(void)
{
	return ns_of(CLOCK_THREAD_CPUTIME_ID);
}

uint64_t timer_now_ms(void)
{
	return timer_now_ns() / 1000000;
}

void timer_init(struct timer *t, void (*fn)(void *), void *data)
{
	t->next = NULL;
	t->when = 0;
	t->armed = false;
	t->fn = fn;
	t->data = data;
}

void timer_del(struct timer *t)
{
	struct timer **pp;

	if (!t->armed)
		return;
	for (pp = &head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void timer_add(struct timer *t, uint64_t ms)
{
	struct timer **pp;

	timer_del(t);
	t->when = timer_now_ms() + ms;
	for (pp = &head; *pp && (*pp)->when <= t->when; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
}

bool timer_pending(const struct timer *t)
{
	return t->armed;
}

int timer_next_ms(void)
{
	uint64_t now;

	if (!head)
		return -1;
	now = timer_now_ms();
	if (head->when <= now)
		return 0;
	if (head->when - now > 3600 * 1000)
		return 3600 * 1000;
	return (int)(head->when - now);
}

unsigned int timer_run(void)
{
	uint64_t now = timer_now_ms();
	unsigned int n = 0;

	while (head && head->when <= now) {
		struct timer *t = head;

		head = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(t->data);
		n++;
	}
	return n;
}
