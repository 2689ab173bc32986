/* NOTRACK (§4.3): best effort.  Every change of a local object is sent
 * once (coalesced within a loop turn), an ALIVE goes out after a second
 * with nothing sent, a RESYNC asks the peer for everything and is
 * answered with a bulk send.  Sequence numbers are tracked for the
 * statistics only. */
#include <errno.h>

#include "sync/log.h"
#include "sync/mode.h"
#include "sync/sync_state.h"
#include "sync/txq.h"

/* 1.4.7's ALIVE_INT */
#define ALIVE_MS	1000

struct notrack_ext {
	struct sync_qnode q;	/* first: txq.c finds it there */
};

static struct txq txq;
static struct sync_timer alive;
static bool resync_pending;

static void on_alive(struct sync_timer *t)
{
	(void)t;
	sync_send_ctl(WIRE_F_ALIVE, 0, 0, NULL);
	sync_timer_add(&alive, ALIVE_MS);
}

static int notrack_init(void)
{
	txq_init(&txq);
	sync_timer_init(&alive, on_alive);
	sync_timer_add(&alive, ALIVE_MS);
	return 0;
}

static void notrack_fini(void)
{
	txq_clear(&txq);
	sync_timer_del(&alive);
}

static void notrack_local(struct sobj *o, enum sync_ev ev)
{
	(void)ev;
	txq_add(&txq, o);
}

static void notrack_bulk(struct sobj *o)
{
	txq_add(&txq, o);
}

static enum sync_rx notrack_rx(const struct wire_msg *m, unsigned int chan)
{
	(void)chan;
	sync_track_seq(m->seq, NULL);
	switch (wire_classify(m)) {
	case WIRE_K_DATA:
		return SYNC_RX_DATA;
	case WIRE_K_CTL:
		if (m->flags & WIRE_F_RESYNC) {
			log_notice("resync requested by other node");
			log_notice("sending bulk update");
			sync_bulk_start();
			return SYNC_RX_CTL;
		}
		if (m->flags & WIRE_F_ALIVE)
			return SYNC_RX_CTL;
		return SYNC_RX_BAD;	/* ACK or NACK of an FT-FW peer */
	default:
		return SYNC_RX_BAD;
	}
}

static void notrack_request_resync(void)
{
	resync_pending = true;
	/* -s sync: requested; NOTRACK cannot tell when it is complete */
	sync_state_asked(sync_now_ms(), false);
}

static void notrack_flush(void)
{
	bool sent = false;

	if (resync_pending &&
	    sync_send_ctl(WIRE_F_RESYNC, 0, 0, NULL) != -EAGAIN) {
		resync_pending = false;
		sent = true;
	}
	if (txq_send(&txq))
		sent = true;
	/* ALIVE only after a second with nothing sent */
	if (sent)
		sync_timer_add(&alive, ALIVE_MS);
}

static unsigned int notrack_bulk_room(void)
{
	return txq_room(&txq);
}

static unsigned int notrack_txq_len(void)
{
	return txq.q.len;
}

const struct sync_mode sync_mode_notrack = {
	.name = "notrack",
	.ext_size = sizeof(struct notrack_ext),
	.init = notrack_init,
	.fini = notrack_fini,
	.on_local = notrack_local,
	.on_bulk = notrack_bulk,
	.bulk_room = notrack_bulk_room,
	.rx = notrack_rx,
	.request_resync = notrack_request_resync,
	.flush = notrack_flush,
	.txq_len = notrack_txq_len,
};
