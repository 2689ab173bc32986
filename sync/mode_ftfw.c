/* FT-FW as a struct sync_mode: sync/ftfw_proto.c does the protocol, this
 * file plugs it into the sync core (sync/mode.h): objects are the internal
 * cache's, their struct ftfw_node is the extension area, sends and
 * sequence numbers are the core's, the 1 s idle timer is a sync_timer,
 * and -s rsqueue is answered here in 1.4.7's layout. */
#include <limits.h>
#include <stdint.h>

#include "config/conf.h"
#include "lib/out.h"
#include "sync/ctl.h"
#include "sync/ftfw_proto.h"
#include "sync/log.h"
#include "sync/mode.h"
#include "sync/mode_ftfw.h"
#include "sync/sync_state.h"

static struct ftfw ftfw;
static struct sync_timer alive;
static bool bulk_again;	/* a bulk was running when the table was lost */

/* The node is the whole extension area. */
static struct sobj *obj_of(struct ftfw_node *n)
{
	return sobj_of_ext(n);
}

static struct ftfw_node *node_of(struct sobj *o)
{
	return sobj_ext(o);
}

static int op_send_ctl(void *ctx, uint8_t flags, uint32_t from, uint32_t to,
		       uint32_t *seq)
{
	(void)ctx;
	return sync_send_ctl(flags, from, to, seq);
}

static int op_send_obj(void *ctx, struct ftfw_node *n, uint8_t flags,
		       uint32_t *seq)
{
	(void)ctx;
	return sync_send_obj(obj_of(n), flags, seq);
}

static void op_hold(void *ctx, struct ftfw_node *n)
{
	(void)ctx;
	sobj_get(obj_of(n));
}

static void op_release(void *ctx, struct ftfw_node *n)
{
	(void)ctx;
	sobj_put(obj_of(n));
}

static void op_resync(void *ctx)
{
	(void)ctx;
	/* 1.4.7 logs both: the request, then resync_send()'s line. */
	log_notice("resync requested by other node");
	log_notice("sending bulk update");
	/* in steps paced by the resend queue; our ACK of the RESYNC is held
	 * back until the walk is over (ftfw_flush) */
	sync_bulk_start();
}

static void op_gone(void *ctx)
{
	(void)ctx;
	log_notice("resend queue overrun: sending bulk update");
	/* a running walk is not started over: evictions that go on would
	 * never let it end; another one follows it (ftfw_flush) */
	if (sync_bulk_busy())
		bulk_again = true;
	else
		sync_bulk_start();
}

static void op_arm(void *ctx, uint64_t when)
{
	uint64_t now = sync_now_ms();

	(void)ctx;
	sync_timer_add(&alive, when > now ? when - now : 0);
}

static const struct ftfw_ops ops = {
	.send_ctl = op_send_ctl,
	.send_obj = op_send_obj,
	.hold = op_hold,
	.release = op_release,
	.resync = op_resync,
	.gone = op_gone,
	.arm = op_arm,
};

static void alive_fired(struct sync_timer *t)
{
	(void)t;
	ftfw_timer(&ftfw, sync_now_ms());
}

static int ftfw_mode_init(void)
{
	const struct conf_sync *cs = sync_conf();

	sync_timer_init(&alive, alive_fired);
	ftfw_init(&ftfw, &ops, NULL, cs ? cs->resend_queue_size : 0,
		  cs ? cs->ack_window_size : 0, sync_now_ms());
	return 0;
}

static void ftfw_mode_fini(void)
{
	sync_timer_del(&alive);
	ftfw_fini(&ftfw);
}

static void ftfw_on_local(struct sobj *o, enum sync_ev ev)
{
	(void)ev;	/* the type is taken from the state at transmit time */
	ftfw_enqueue(&ftfw, node_of(o));
}

static void ftfw_on_bulk(struct sobj *o)
{
	ftfw_enqueue(&ftfw, node_of(o));
}

static enum sync_rx ftfw_rx(const struct wire_msg *m, unsigned int chan)
{
	static const enum sync_rx to_core[] = {
		[FTFW_RX_DATA] = SYNC_RX_DATA,
		[FTFW_RX_CTL] = SYNC_RX_CTL,
		[FTFW_RX_BAD] = SYNC_RX_BAD,
		[FTFW_RX_DROP] = SYNC_RX_DROP,
	};
	struct sync_counters *c = sync_counters();
	uint64_t lost = ftfw.st.rcv_lost, before = ftfw.st.rcv_before;
	enum ftfw_rx r;

	(void)chan;
	/* The protocol tracks the sequence itself (it must not move on a
	 * malformed message, as 1.4.7); the core's counters follow it. */
	r = ftfw_recv(&ftfw, m);
	if (c) {
		c->rcv_lost += ftfw.st.rcv_lost - lost;
		c->rcv_before += ftfw.st.rcv_before - before;
	}
	return to_core[r];
}

static void ftfw_request_resync_mode(void)
{
	log_notice("resync requested");
	if (ftfw_request_resync(&ftfw) == 0)
		sync_state_asked(sync_now_ms(), false);
}

/* The resync we asked for: complete, or its request lost (ask again). */
static void resync_progress(uint64_t now)
{
	if (!sync_state_waiting())
		return;
	switch (ftfw_resync_state(&ftfw)) {
	case FTFW_RS_DONE:
		sync_state_done(now);
		log_notice("resync complete");
		break;
	case FTFW_RS_LOST:
		if (ftfw_request_resync(&ftfw) == 0) {
			sync_state_asked(now, true);
			log_notice("resync requested again (the answer could not be checked)");
		}
		break;
	default:
		break;
	}
}

/* Messages sent per loop turn: a NACK or RESET can put a whole resend
 * queue (131072 by default) back into tx. */
#define XMIT_TURN	2048

static void ftfw_flush(void)
{
	uint64_t now = sync_now_ms();

	resync_progress(now);
	if (!sync_bulk_busy()) {
		if (ftfw_acks_held(&ftfw))
			ftfw_release_acks(&ftfw);
		if (bulk_again) {
			bulk_again = false;
			sync_bulk_start();
		}
	}
	if (ftfw_xmit_some(&ftfw, now, XMIT_TURN) == XMIT_TURN &&
	    ftfw_tx_pending(&ftfw))
		sync_core_kick();
}

/* Only ACKs free room, so pacing for a silent peer would stop a bulk,
 * and an overrun resync's dump with every job queued behind it (a -R
 * client waits), until the peer is back: unpaced, what does not fit the
 * resend queue is let go as 1.4.7 does, and the peer's NACKs or RESYNC
 * bring it back when it returns. */
#define PEER_QUIET_MS	(3 * FTFW_ALIVE_MS)

static unsigned int ftfw_bulk_room_mode(void)
{
	if (sync_state_peer_quiet(sync_now_ms(), PEER_QUIET_MS))
		return UINT_MAX;
	return ftfw_bulk_room(&ftfw);
}

static unsigned int ftfw_txq_len(void)
{
	return ftfw.tx.len;
}

/* -s rsqueue, 1.4.7's lines exactly. */
static void print_rsqueue(struct out *o)
{
	struct ftfw_rs_entry e;
	const struct ftfw_node *it;

	out_printf(o, "resent queue (len=%u)\n", ftfw.rs.len);
	for (it = ftfw_rs_next(&ftfw, NULL, &e); it;
	     it = ftfw_rs_next(&ftfw, it, &e)) {
		if (e.ctl)
			out_printf(o, "control -> seq:%u flags:%u\n", e.seq,
				   (unsigned int)e.flags);
		else
			out_printf(o, "object -> seq:%u\n", e.seq);
	}
}

static bool ftfw_on_request(int code, struct out *o)
{
	if (code != CTL_STATS_RSQUEUE)
		return false;
	print_rsqueue(o);
	return true;
}

const struct sync_mode sync_mode_ftfw = {
	.name = "ftfw",
	.ext_size = sizeof(struct ftfw_node),
	.init = ftfw_mode_init,
	.fini = ftfw_mode_fini,
	.on_local = ftfw_on_local,
	.on_bulk = ftfw_on_bulk,
	.bulk_room = ftfw_bulk_room_mode,
	.rx = ftfw_rx,
	.request_resync = ftfw_request_resync_mode,
	.flush = ftfw_flush,
	.txq_len = ftfw_txq_len,
	.on_request = ftfw_on_request,
};

void mode_ftfw_rsqueue_stats(unsigned int *cur, unsigned int *max,
			     uint64_t *enospc)
{
	*cur = ftfw.rs.len;
	*max = ftfw.rs_max;
	*enospc = ftfw.st.rs_enospc;
}

unsigned int mode_ftfw_qnodes(void)
{
	return ftfw.st.ctl_alloc;
}
