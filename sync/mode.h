/* The sync mode interface: what FT-FW, ALARM and NOTRACK plug into the
 * daemon's sync core (sync/sync.c), and the services the core gives them.
 *
 * The core owns the loop, the channels, the two caches and the wire; a
 * mode owns only its protocol: which objects go out when, with which
 * flags and sequence numbers, and what a received control message means.
 * Nothing here blocks or walks a whole table in one call.
 *
 * Objects.  Both caches (internal: local flows from the kernel; external:
 * the peer's flows) hold stable objects (struct sobj): one object per
 * flow or expectation, updated in place, with a reference count.  An
 * internal-cache object has a per-mode extension area of the size the
 * mode asks for (sync_mode.ext_size, zeroed at creation), where the mode
 * keeps its queue membership (an intrusive struct sync_qnode), sequence
 * number, timer (struct wheel_node), ...  Removing an object from its
 * cache does not free it while the mode still holds a reference: a mode
 * that queues an object takes one (sobj_get) and drops it when done
 * (sobj_put); the object is freed on the last put.
 *
 * Object state, set by the core before the mode hears of it:
 *	SOBJ_NEW	created, never updated since (sent as *_NEW)
 *	SOBJ_ALIVE	updated at least once (sent as *_UPD)
 *	SOBJ_DEAD	destroyed, out of the cache's hash; only the
 *			references keep it (sent as *_DEL)
 * The message type is chosen when the object is transmitted
 * (sync_send_obj), from its state then, so events between two
 * transmissions coalesce into one message with the latest state (1.4.7).
 *
 * Receiving.  For each message of a datagram from the configured peer the
 * core frames it (wire_next), checks its version, then asks the mode
 * (rx): the mode does its sequence tracking (sync_track_seq) and control
 * handling and answers what the core does next, as 1.4.7's recv hook:
 *	SYNC_RX_DATA	a data message to apply: the core decodes it and
 *			updates the external cache (or injects it into the
 *			kernel with DisableExternalCache), and makes the
 *			channel the current one
 *	SYNC_RX_CTL	a valid control message, consumed by the mode; the
 *			channel becomes the current one
 *	SYNC_RX_BAD	counted as "Malformed messages" + "Malformed header"
 *	SYNC_RX_DROP	ignored, no counter (e.g. "Packets before")
 *
 * Sending.  A mode appends messages with sync_send_obj/sync_send_ctl
 * (they go into the current channel's datagram, packed as 1.4.7 packs
 * them).  At the end of every loop turn the core calls the mode's flush
 * hook, then sends the datagram being filled (chans_flush).  When
 * a send returns -EAGAIN the channel is full: keep the rest queued and
 * try again at the next flush.
 *
 * Time.  sync_now_ms() is CLOCK_MONOTONIC in milliseconds, the wheel's
 * tick; the core advances the wheel (a bounded batch per turn) before
 * calling flush, so timers armed with sync_timer_add() (a struct
 * sync_timer embedded in the extension area or in the mode's state) fire
 * from the loop and the loop wakes up for them.  A mode's on_timer hook,
 * if set, runs once per turn with the current time (cheap checks only).
 *
 * Everything runs in the daemon's one thread. */
#ifndef CTBOX_SYNC_MODE_H
#define CTBOX_SYNC_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"
#include "sync/wheel.h"
#include "sync/wire.h"

struct out;
struct sobj;

/* ---- intrusive queues ------------------------------------------------
 * A node lives in the object's extension area (or in a control message
 * the mode allocated); a queue is a circular list with a length. */
struct sync_qnode {
	struct sync_qnode *next, *prev;	/* NULL, NULL when not queued */
};

struct sync_queue {
	struct sync_qnode head;
	unsigned int len;
};

static inline void sync_q_init(struct sync_queue *q)
{
	q->head.next = q->head.prev = &q->head;
	q->len = 0;
}
static inline bool sync_q_linked(const struct sync_qnode *n)
{
	return n->next != NULL;
}
static inline bool sync_q_empty(const struct sync_queue *q)
{
	return q->head.next == &q->head;
}
static inline struct sync_qnode *sync_q_first(const struct sync_queue *q)
{
	return sync_q_empty(q) ? NULL : q->head.next;
}
/* The node after n in q, NULL at the end. */
static inline struct sync_qnode *sync_q_next(const struct sync_queue *q,
					     const struct sync_qnode *n)
{
	return n->next == &q->head ? NULL : n->next;
}
static inline void sync_q_add_tail(struct sync_queue *q, struct sync_qnode *n)
{
	n->prev = q->head.prev;
	n->next = &q->head;
	q->head.prev->next = n;
	q->head.prev = n;
	q->len++;
}
/* Unlink n from q (n must be in q). */
static inline void sync_q_del(struct sync_queue *q, struct sync_qnode *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
	q->len--;
}

/* ---- objects (implemented by the cache, sync/sobj.c) ----------------- */
enum sobj_state {
	SOBJ_NEW,
	SOBJ_ALIVE,
	SOBJ_DEAD,
};

enum sobj_kind {
	SOBJ_CT,
	SOBJ_EXP,
};

enum sobj_state sobj_state(const struct sobj *o);
enum sobj_kind sobj_kind(const struct sobj *o);
/* The mode's extension area (ext_size bytes, zeroed at creation, aligned
 * for pointers and uint64_t); NULL for an object of the external cache. */
void *sobj_ext(struct sobj *o);
/* Back from a pointer into the extension area's start to its object. */
struct sobj *sobj_of_ext(void *ext);
void sobj_get(struct sobj *o);
/* Drop a reference; frees the object on the last one. */
void sobj_put(struct sobj *o);
/* The object expanded (for a mode that wants to look at the flow). */
void sobj_ct(const struct sobj *o, struct ct *ct);
void sobj_exp(const struct sobj *o, struct exp *e);

/* ---- the mode --------------------------------------------------------- */
enum sync_ev {
	SYNC_EV_NEW,
	SYNC_EV_UPD,
	SYNC_EV_DEL,
};

enum sync_rx {
	SYNC_RX_DATA,
	SYNC_RX_CTL,
	SYNC_RX_BAD,
	SYNC_RX_DROP,
};

struct sync_mode {
	const char *name;
	/* bytes of the extension area of each internal-cache object */
	size_t ext_size;
	/* once, after the core is up (caches, channels, wheel); 0/-errno */
	int (*init)(void);
	/* at exit: release every reference the mode holds */
	void (*fini)(void);

	/* A local object changed: a kernel event (or an entry of a resync
	 * dump, or the purge of an entry the kernel no longer has) was
	 * applied to the internal cache.  For SYNC_EV_DEL the object is
	 * already DEAD and out of the hash: it is freed when this returns
	 * unless the mode took a reference.  With DisableInternalCache
	 * the object is a transient one, in no cache, same rules. */
	void (*on_local)(struct sobj *o, enum sync_ev ev);

	/* Bulk send (-B, or an answer to the peer's RESYNC): the core walks
	 * the internal cache (ct, then exp) a bounded step per turn after
	 * sync_bulk_start() and hands each live object here. */
	void (*on_bulk)(struct sobj *o);
	/* How many objects on_bulk may take now (a mode that paces bulk
	 * sends by its peer's acknowledgements); 0 pauses the walk until
	 * a later turn.  NULL: no limit. */
	unsigned int (*bulk_room)(void);

	/* One framed message of a datagram from channel chan, version
	 * already checked (see "Receiving" above). */
	enum sync_rx (*rx)(const struct wire_msg *m, unsigned int chan);

	/* -n (and StartupResync at start): ask the peer for a full resync.
	 * NULL: a silent no-op (ALARM). */
	void (*request_resync)(void);

	/* Once per loop turn, before flush; now in ms (may be NULL). */
	void (*on_timer)(uint64_t now_ms);

	/* End of the loop turn: transmit what was queued (until a send
	 * says -EAGAIN).  The core sends the datagram afterwards. */
	void (*flush)(void);

	/* An object leaves the internal cache without a deletion (-f,
	 * -t, shutdown): cancel its timers; a transmission already queued
	 * may still go (it holds its reference).  May be NULL. */
	void (*on_forget)(struct sobj *o);

	/* Objects waiting in the transmit queue (-s queue "txqueue");
	 * may be NULL. */
	unsigned int (*txq_len)(void);

	/* A control request the mode answers itself (-s rsqueue for
	 * FT-FW): true when it wrote the answer to o.  May be NULL.
	 * For CTL_STATS_QUEUE the core prints its queues first and then
	 * calls this so the mode appends its own (rsqueue). */
	bool (*on_request)(int code, struct out *o);
};

extern const struct sync_mode sync_mode_notrack;
extern const struct sync_mode sync_mode_alarm;
extern const struct sync_mode sync_mode_ftfw;

/* ---- services of the core (sync/sync.c) ----------------------------- */

/* The configuration's Sync section (resend_queue_size, ack_window_size,
 * ...: config/conf.h). */
struct conf_sync;
const struct conf_sync *sync_conf(void);

/* Transmit an object as a message of the type its state says, with flags
 * (0, or HELLO bits for FT-FW) and the daemon's next sequence number,
 * which is stored in *seq (may be NULL) when the message was taken.
 * 0; -EAGAIN when the channel cannot take it now (nothing sent, no seq
 * used); another -errno when it cannot be encoded (counted, dropped: the
 * caller forgets it). */
int sync_send_obj(struct sobj *o, uint8_t flags, uint32_t *seq);
/* Transmit a control message (flags: one of ACK, NACK, RESYNC, ALIVE
 * plus HELLO bits; from/to for ACK and NACK), with the next sequence
 * number, stored in *seq.  Same returns. */
int sync_send_ctl(uint8_t flags, uint32_t from, uint32_t to, uint32_t *seq);
/* The sequence number the next message will carry. */
uint32_t sync_seq_peek(void);

/* Receiver sequence tracking, one per daemon as 1.4.7 (not per peer):
 * compares seq with the last one recorded, counts "Packets lost" and
 * "Packets before" as 1.4.7 does, and records seq unless it is before. */
enum sync_seq {
	SYNC_SEQ_UNSET,		/* nothing recorded yet: in sync */
	SYNC_SEQ_INSYNC,	/* seq == last + 1 */
	SYNC_SEQ_AFTER,		/* a gap: *expected is last + 1 */
	SYNC_SEQ_BEFORE,	/* older than the last one */
};
enum sync_seq sync_track_seq(uint32_t seq, uint32_t *expected);
/* Record seq as the last received without checking (HELLO bypass). */
void sync_seq_set(uint32_t seq);

/* Start a bulk send of the internal cache (on_bulk for each object);
 * restarting one in progress starts it over. */
void sync_bulk_start(void);
/* The mode has work left for the next loop turn (it does a bounded
 * step per turn): the loop comes back at once. */
void sync_core_kick(void);
/* A bulk walk of the internal cache is not over. */
bool sync_bulk_busy(void);
/* o is still in the internal cache: false once it was deleted, and
 * also when a -f took it out (it waits there for on_forget, a step per
 * turn, and must not be sent again meanwhile). */
bool sync_obj_cached(const struct sobj *o);

/* Time and timers.  A sync_timer is one wheel node and its callback;
 * sync_timer_add() (re)arms it ms milliseconds from now; fn runs from
 * the loop, once, and may re-arm it.  Do not wheel_add() the node of a
 * sync_timer directly: the core's wheel only holds sync_timers. */
struct sync_timer {
	struct wheel_node node;
	void (*fn)(struct sync_timer *t);
};
static inline void sync_timer_init(struct sync_timer *t,
				   void (*fn)(struct sync_timer *t))
{
	wheel_node_init(&t->node);
	t->fn = fn;
}
void sync_timer_add(struct sync_timer *t, uint64_t ms);
void sync_timer_del(struct sync_timer *t);
static inline bool sync_timer_pending(const struct sync_timer *t)
{
	return wheel_node_pending(&t->node);
}
uint64_t sync_now_ms(void);
struct wheel *sync_wheel(void);

/* Counters a mode moves ("message tracking" / "-s network"). */
struct sync_counters {
	uint64_t rcv_malformed;
	uint64_t rcv_bad_version;
	uint64_t rcv_bad_header;
	uint64_t rcv_bad_payload;
	uint64_t rcv_bad_type;
	uint64_t rcv_truncated;
	uint64_t rcv_bad_size;
	uint64_t rcv_lost;
	uint64_t rcv_before;
	uint64_t snd_malformed;
	uint64_t rcv_nonpeer;	/* ours: datagrams not from the peer */
};
struct sync_counters *sync_counters(void);

/* Logging: sync/log.h (log_notice("resync requested by other node")). */

#endif
