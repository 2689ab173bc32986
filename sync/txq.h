/* The transmit queue NOTRACK and ALARM share: objects threaded through a
 * struct sync_qnode at the start of their extension area, each holding a
 * reference while queued; sent typed by their state at the end of the
 * loop turn, so events between two turns coalesce.
 *
 * A turn sends TXQ_STEP objects at most (the rest the next turn), and a
 * bulk send (the internal cache's walk, or a kernel dump without one)
 * is paced by the queue: txq_room() says how many more it may queue.
 * A channel that has taken nothing for TXQ_STALL_MS (peer stopped, TCP
 * connection down) paces nothing, as FT-FW's silent peer: the bulk goes
 * on, and the dump jobs queued behind it are not held up. */
#ifndef CTBOX_SYNC_TXQ_H
#define CTBOX_SYNC_TXQ_H

#include <stdbool.h>
#include <stdint.h>

#include "sync/mode.h"

#define TXQ_STEP	2048
#define TXQ_ROOM	(4 * TXQ_STEP)
#define TXQ_STALL_MS	3000

struct txq {
	struct sync_queue q;
	/* when the channel last took an object, or the queue was empty */
	uint64_t moved_ms;
	/* wakes the loop when a stalled channel stops pacing */
	struct sync_timer stall;
};

void txq_init(struct txq *t);
/* Queue o (its extension area starts with a struct sync_qnode), unless
 * it is queued already. */
void txq_add(struct txq *t, struct sobj *o);
/* Send up to TXQ_STEP objects, until the channel is full; asks for the
 * next turn when objects are left and the channel took them all.  True
 * when something went out. */
bool txq_send(struct txq *t);
/* Objects a bulk send may queue now (0: wait; the bulk_room hook). */
unsigned int txq_room(struct txq *t);
/* Drop every queued object. */
void txq_clear(struct txq *t);

#endif
