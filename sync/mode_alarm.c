/* ALARM (§4.2): no control messages at all.  Each local object is sent
 * when it changes and again at a random moment within RefreshTime
 * seconds (plus 0.2-1.0 s), re-armed at every update and refresh, so the
 * peer's external cache (which expires entries after CacheTimeout) keeps
 * it.  A deletion is sent once. */
#include <stddef.h>
#include <stdlib.h>

#include "config/conf.h"

#include "sync/mode.h"
#include "sync/txq.h"

struct alarm_ext {
	struct sync_qnode q;	/* first: txq.c finds it there */
	struct sync_timer t;
	struct sobj *self;
};

static struct txq txq;

/* 1.4.7: random() % RefreshTime + 1 seconds and (random() % 5 + 1) *
 * 200000 - 1 microseconds. */
static uint64_t refresh_ms(void)
{
	unsigned int rt = sync_conf()->refresh_time;

	if (!rt)
		rt = 1;

	return ((uint64_t)(random() % rt) + 1) * 1000 +
	       (uint64_t)(random() % 5 + 1) * 200;
}

static void on_refresh(struct sync_timer *t)
{
	struct alarm_ext *x = (struct alarm_ext *)((char *)t -
						  offsetof(struct alarm_ext, t));

	/* flushed: on_forget comes for it later (1.4.7 sends no more) */
	if (!sync_obj_cached(x->self))
		return;
	txq_add(&txq, x->self);
	sync_timer_add(t, refresh_ms());
}

static int alarm_init(void)
{
	txq_init(&txq);
	return 0;
}

static void alarm_fini(void)
{
	txq_clear(&txq);
}

static void alarm_forget(struct sobj *o)
{
	struct alarm_ext *x = sobj_ext(o);

	if (x->self)
		sync_timer_del(&x->t);
}

static void alarm_local(struct sobj *o, enum sync_ev ev)
{
	struct alarm_ext *x = sobj_ext(o);

	if (!x->self) {
		x->self = o;
		sync_timer_init(&x->t, on_refresh);
	}
	if (ev == SYNC_EV_DEL)
		sync_timer_del(&x->t);
	else
		sync_timer_add(&x->t, refresh_ms());
	txq_add(&txq, o);
}

static void alarm_bulk(struct sobj *o)
{
	txq_add(&txq, o);
}

/* Anything with flags is control, ignored; sequence numbers are not
 * tracked at all. */
static enum sync_rx alarm_rx(const struct wire_msg *m, unsigned int chan)
{
	(void)chan;
	return wire_classify(m) == WIRE_K_DATA ? SYNC_RX_DATA : SYNC_RX_CTL;
}

static void alarm_flush(void)
{
	txq_send(&txq);
}

static unsigned int alarm_bulk_room(void)
{
	return txq_room(&txq);
}

static unsigned int alarm_txq_len(void)
{
	return txq.q.len;
}

const struct sync_mode sync_mode_alarm = {
	.name = "alarm",
	.ext_size = sizeof(struct alarm_ext),
	.init = alarm_init,
	.fini = alarm_fini,
	.on_local = alarm_local,
	.on_bulk = alarm_bulk,
	.bulk_room = alarm_bulk_room,
	.rx = alarm_rx,
	.flush = alarm_flush,
	.on_forget = alarm_forget,
	.txq_len = alarm_txq_len,
};
