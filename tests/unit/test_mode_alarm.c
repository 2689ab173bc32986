/* sync/mode_alarm: ALARM plugged into stand-ins for the sync core's
 * services (sync/mode.h): a local change is sent and arms the refresh
 * timer, which sends the object again and re-arms itself, but not once
 * the object left the internal cache (a -f that has not called on_forget
 * for it yet: 1.4.7 sends no more); on_forget cancels the timer. */
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "sync/mode.h"
#include "t.h"

/* ---- the core, faked ------------------------------------------------ */
struct sobj {
	int refs;
	bool cached;
	uint64_t ext[16];
};

static struct conf_sync conf;
static struct sync_counters counters;
static int sends, arms;
static struct sync_timer *armed;

void *sobj_ext(struct sobj *o) { return o->ext; }
struct sobj *sobj_of_ext(void *ext)
{
	return (struct sobj *)((char *)ext - offsetof(struct sobj, ext));
}
void sobj_get(struct sobj *o) { o->refs++; }
void sobj_put(struct sobj *o) { o->refs--; }
const struct conf_sync *sync_conf(void) { return &conf; }
uint64_t sync_now_ms(void) { return 1000; }
struct sync_counters *sync_counters(void) { return &counters; }
void sync_core_kick(void) { }
bool sync_obj_cached(const struct sobj *o) { return o->cached; }
void sync_timer_add(struct sync_timer *t, uint64_t ms)
{
	(void)ms;
	armed = t;
	arms++;
}
void sync_timer_del(struct sync_timer *t)
{
	if (t == armed)
		armed = NULL;
}
int sync_send_obj(struct sobj *o, uint8_t flags, uint32_t *seq)
{
	(void)o;
	(void)flags;
	(void)seq;
	sends++;
	return 0;
}

/* The refresh timer runs. */
static void fire(void)
{
	struct sync_timer *t = armed;

	armed = NULL;
	t->fn(t);
}

int main(void)
{
	static struct sobj o = { .refs = 1, .cached = true };
	const struct sync_mode *m = &sync_mode_alarm;

	conf.refresh_time = 5;
	CHECK(m->ext_size <= sizeof(o.ext) && m->init() == 0, "ALARM starts");
	m->on_local(&o, SYNC_EV_NEW);
	m->flush();
	CHECK_EQ(sends, 1, "a new flow is sent");
	CHECK((char *)armed >= (char *)o.ext &&
	      (char *)armed < (char *)(o.ext + 16),
	      "and its refresh timer (in its extension area) armed");
	fire();
	m->flush();
	CHECK_EQ(sends, 2, "the refresh sends it again");
	CHECK(armed != NULL, "and re-arms");
	/* -f took it out of the cache; on_forget comes a step later */
	o.cached = false;
	arms = 0;
	fire();
	m->flush();
	CHECK_EQ(sends, 2, "a flushed flow's refresh sends nothing");
	CHECK_EQ(arms, 0, "nor re-arms");
	CHECK_EQ(o.refs, 1, "nor holds it");
	o.cached = true;
	m->on_local(&o, SYNC_EV_UPD);
	CHECK(armed != NULL, "an update arms it again");
	m->on_forget(&o);
	CHECK(armed == NULL, "on_forget cancels it");
	m->flush();
	m->fini();
	CHECK_EQ(o.refs, 1, "every reference given back");
	T_DONE();
}
