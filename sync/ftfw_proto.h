/* The FT-FW replication protocol of conntrackd 1.4.7, as a pure state
 * machine: no sockets, no clock, no cache.  The caller (sync/mode_ftfw.c,
 * or a unit test's simulated link) feeds it received messages, kernel
 * changes and the time, and it answers through an ops table: send this
 * control message, send this object, hold / release an object, resync,
 * arm the timer.  See ../shared/spec/conntrackd.md section 4.1.
 *
 * Sender.  Objects (flows) carry their own queue membership: the caller
 * embeds a struct ftfw_node in each object and hands the node over; the
 * protocol never sees the object.  A node is in at most one of two FIFO
 * queues, as in 1.4.7:
 *	tx	waiting to be sent (objects and control messages, in the order
 *		they were queued);
 *	rs	sent, waiting for the peer's ACK (objects, and the ACK / NACK /
 *		RESYNC control messages; ALIVE is forgotten once sent), at most
 *		ResendQueueSize entries: when full, the oldest is dropped
 *		(an object released) and counted as "not enough space".
 * An object queued again while it waits in rs moves back to tx; it is
 * rebuilt from its current state when transmitted, with a new sequence
 * number (events coalesce).  A NACK [from, to] moves the rs entries in the
 * range back to tx; an ACK [from, to] releases them.
 *
 * Receiver.  One expected sequence number per daemon (not per peer): in
 * order, the window counts down and an ACK of the window goes out after
 * ACKWindowSize messages; a gap queues ACK(open window) + NACK(missing
 * range); an older message is dropped ("Packets before").  HELLO on a
 * message bypasses the check (a restarted peer), makes the next message
 * carry HELLO_BACK and empties the resend queue.  A 1 s idle timer sends
 * ACK(what arrived since the last ACK) or ALIVE.
 *
 * Sequence numbers are assigned by the caller's send ops (one counter per
 * daemon shared by everything it sends), so the protocol needs no clock.
 * Time is the caller's, in milliseconds, only to arm the idle timer. */
#ifndef CTBOX_SYNC_FTFW_PROTO_H
#define CTBOX_SYNC_FTFW_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/wire.h"

/* 1.4.7's ALIVE_INT: not configurable. */
#define FTFW_ALIVE_MS		1000
#define FTFW_RS_DEFAULT		131072	/* ResendQueueSize */
#define FTFW_WINDOW_DEFAULT	300	/* ACKWindowSize */
/* a resync with no progress for this long is asked for again */
#define FTFW_RSYNC_STALL_MS	3000

enum ftfw_where {
	FTFW_Q_NONE,
	FTFW_Q_TX,
	FTFW_Q_RS,
	FTFW_Q_HELD,	/* an ACK held back (see ftfw_release_acks) */
};

enum ftfw_kind {
	FTFW_K_OBJ,
	FTFW_K_CTL,
};

/* Embedded in the caller's object; ftfw_node_init() before first use (an
 * all-zero node is an initialised one, as in a zeroed extension area). */
struct ftfw_node {
	struct ftfw_node *next, *prev;
	uint32_t seq;		/* of its last transmission */
	uint8_t where;		/* enum ftfw_where */
	uint8_t kind;		/* enum ftfw_kind */
};

struct ftfw_list {
	struct ftfw_node head;
	unsigned int len;
};

struct ftfw_ops {
	/* Send a control message: flags is one of WIRE_F_ACK / NACK /
	 * RESYNC / ALIVE plus HELLO bits; the callee assigns the next
	 * sequence number and stores it in *seq.  0; -EAGAIN: the channel
	 * cannot take it now (nothing sent, no seq used; the protocol
	 * stops and tries again at the next ftfw_xmit); another -errno:
	 * it cannot be sent at all (the message is dropped). */
	int (*send_ctl)(void *ctx, uint8_t flags, uint32_t from, uint32_t to,
			uint32_t *seq);
	/* Build the object's message from its current state (type from
	 * its NEW/ALIVE/DEAD state) with these flags (0 or HELLO bits),
	 * the next sequence number in *seq, and send it.  Same returns;
	 * on another -errno the object is released. */
	int (*send_obj)(void *ctx, struct ftfw_node *n, uint8_t flags,
			uint32_t *seq);
	/* The protocol took / dropped its reference to an object. */
	void (*hold)(void *ctx, struct ftfw_node *n);
	void (*release)(void *ctx, struct ftfw_node *n);
	/* The peer sent RESYNC: queue every internal object (ftfw_enqueue),
	 * now or in bounded steps (then ftfw_release_acks() at the end).
	 * May be NULL. */
	void (*resync)(void *ctx);
	/* A NACK asked for a message the resend queue let go (full): queue
	 * every internal object again, as for RESYNC but without its
	 * answer's ACK. */
	void (*gone)(void *ctx);
	/* The idle timer is due at when (ms, the caller's clock); the
	 * caller calls ftfw_timer() then.  May be NULL (poll
	 * ftfw_deadline()). */
	void (*arm)(void *ctx, uint64_t when);
};

struct ftfw_stats {
	uint64_t rcv_lost;	/* "Packets lost", 1.4.7's formula */
	uint64_t rcv_before;	/* "Packets before" */
	uint64_t rs_enospc;	/* rsqueue "not enough space errors" */
	uint64_t tx_enospc;	/* txqueue (never: INT_MAX in 1.4.7) */
	uint64_t ctl_nomem;	/* control messages not queued: no memory */
	unsigned int ctl_alloc;	/* control messages allocated now */
};

struct ftfw {
	const struct ftfw_ops *ops;
	void *ctx;
	unsigned int rs_max;	/* ResendQueueSize */
	uint32_t window_size;	/* ACKWindowSize */

	struct ftfw_list tx, rs, held;
	/* ACKs covering this received RESYNC go to held, not tx */
	bool hold;
	uint32_t hold_seq;
	/* an object left rs unacknowledged (full); the last one's seq */
	bool evicted;
	uint32_t evict_seq;

	/* receiver */
	bool seq_set;		/* a message was recorded */
	uint32_t last_seq;	/* last received */
	uint32_t window;	/* messages left in the ACK window */
	bool ack_from_set;
	uint32_t ack_from;

	/* HELLO handshake */
	uint8_t hello;		/* FTFW_HELLO_* */
	bool say_hello_back;

	uint64_t deadline;	/* idle timer */
	struct ftfw_stats st;

	/* The resync we asked for (see ftfw_resync_state) */
	bool rsync_asked;	/* requested since init */
	bool rsync_lost;	/* a RESYNC / NACK dropped unacknowledged */
	bool rsync_done;	/* latched: later NACKs do not undo it */
	bool rsync_checked;	/* its answer can be checked (see below) */
	uint32_t rsync_ev;	/* progress: data in, RESYNC / NACK answered */
	uint32_t rsync_ev_seen;
	uint64_t rsync_ev_at;	/* when rsync_ev last moved (idle timer) */
	uint32_t rsync_gen;	/* requests so far */
	unsigned int rsync_out;	/* RESYNC queued or unacknowledged */
	unsigned int nack_out;	/* NACKs queued or unacknowledged */
};

enum {
	FTFW_HELLO_INIT,	/* nothing sent yet */
	FTFW_HELLO_SAY,		/* HELLO on everything we send */
	FTFW_HELLO_DONE,	/* the peer answered HELLO_BACK */
};

/* The answer of ftfw_recv(), as 1.4.7's: what the caller does next. */
enum ftfw_rx {
	FTFW_RX_DATA,	/* apply the data message; the channel is current */
	FTFW_RX_CTL,	/* consumed; the channel is current */
	FTFW_RX_BAD,	/* count "Malformed header" */
	FTFW_RX_DROP,	/* ignore (counted in rcv_before) */
};

/* rs_max and window_size as configured (0 takes the 1.4.7 default).
 * Arms the idle timer at now + 1 s. */
void ftfw_init(struct ftfw *f, const struct ftfw_ops *ops, void *ctx,
	       unsigned int rs_max, uint32_t window_size, uint64_t now);
/* Drop every queued node: objects released, control messages freed. */
void ftfw_fini(struct ftfw *f);

void ftfw_node_init(struct ftfw_node *n);
static inline bool ftfw_node_queued(const struct ftfw_node *n)
{
	return n->where != FTFW_Q_NONE;
}

/* ---- sender ------------------------------------------------------------ */
/* The object changed (or a bulk send wants it out): queue it for
 * transmission unless it is queued already; held on first queueing. */
void ftfw_enqueue(struct ftfw *f, struct ftfw_node *n);
/* The object is being destroyed under the protocol (no release call):
 * unlink it from whatever queue it is in. */
void ftfw_forget(struct ftfw *f, struct ftfw_node *n);
/* -n / StartupResync: queue RESYNC(0, 0).  0 or -ENOMEM. */
int ftfw_request_resync(struct ftfw *f);

/* Is the resync we asked for complete?  The peer answers RESYNC by
 * queueing every object it holds before anything it queues later (1.4.7
 * in one go; ctbox in steps paced by its resend queue, holding back its
 * ACK of our RESYNC); its ACK of our RESYNC (window or idle timer) is
 * queued after them, so once that ACK is in, the whole
 * answer has been received, except what was lost on the way.  A loss
 * shows as a gap, which we NACK, and the peer's ACK of the NACK is
 * queued after the resends: so complete = RESYNC acknowledged and no
 * NACK of ours unacknowledged.  A RESYNC or NACK dropped without its ACK
 * (the peer restarted: HELLO empties our resend queue; resend queue
 * overflow; a send error) leaves it undecidable: FTFW_RS_LOST, the
 * caller asks again (a new request: what is left of the old one no
 * longer counts).  So does a request made before the peer had spoken to
 * us and answered our HELLO (a new daemon's StartupResync), once it has:
 * a message lost before the first one that arrives is a gap nobody sees,
 * and a message of ours with HELLO is never NACKed and empties the
 * peer's resend queue.  So does one with no progress for
 * FTFW_RSYNC_STALL_MS (a control message 1.4.7 never acknowledges, see
 * rsync_stall).  What the peer dropped from its own resend queue
 * before our NACK came (ResendQueueSize too small) cannot be seen: a
 * ctbox peer then sends its whole table again (ops->gone), 1.4.7 loses
 * it. */
enum ftfw_resync {
	FTFW_RS_NONE,	/* never requested */
	FTFW_RS_WAIT,	/* RESYNC or a NACK not acknowledged yet */
	FTFW_RS_DONE,
	FTFW_RS_LOST,
};
enum ftfw_resync ftfw_resync_state(const struct ftfw *f);
/* Transmit the tx queue (end of a loop turn).  Re-arms the idle timer
 * at now + 1 s if there was anything to send.  Returns how many
 * messages went out; stops early on -EAGAIN. */
unsigned int ftfw_xmit(struct ftfw *f, uint64_t now);
/* The same, at most max messages: a resend of a whole queue then goes
 * over several loop turns (ftfw_tx_pending() says there is more). */
unsigned int ftfw_xmit_some(struct ftfw *f, uint64_t now, unsigned int max);
static inline bool ftfw_tx_pending(const struct ftfw *f)
{
	return f->tx.len != 0;
}

/* How many more objects a bulk send (RESYNC answer, -B) may queue now:
 * what it puts in flight stays within three quarters of the resend
 * queue, the rest left to live events and control messages, so that a
 * NACK of a bulk message still finds it.  The walk goes on as ACKs
 * free room. */
unsigned int ftfw_bulk_room(const struct ftfw *f);
/* The RESYNC answer is all queued: the ACK of the RESYNC, held back so
 * that it follows the whole answer (see ftfw_resync_state), goes out. */
void ftfw_release_acks(struct ftfw *f);
static inline bool ftfw_acks_held(const struct ftfw *f)
{
	return f->hold;
}

/* ---- timer ------------------------------------------------------------- */
/* The idle timer fired: queue ACK(from, last received) if something
 * arrived since the last ACK, else ALIVE; re-armed at now + 1 s.  Call
 * ftfw_xmit() after it. */
void ftfw_timer(struct ftfw *f, uint64_t now);
static inline uint64_t ftfw_deadline(const struct ftfw *f)
{
	return f->deadline;
}

/* ---- receiver ---------------------------------------------------------- */
/* One framed message of the configured peer (version already checked). */
enum ftfw_rx ftfw_recv(struct ftfw *f, const struct wire_msg *m);

/* ---- -s rsqueue -------------------------------------------------------- */
/* Each rs entry in order: seq, and for a control message its flags
 * (HELLO bits included) in *flags with true, false for an object. */
struct ftfw_rs_entry {
	uint32_t seq;
	uint8_t flags;
	bool ctl;
};
/* Iterate: start with it = NULL; returns the next position or NULL. */
const struct ftfw_node *ftfw_rs_next(const struct ftfw *f,
				     const struct ftfw_node *it,
				     struct ftfw_rs_entry *e);

#endif
