/* The transmit queue NOTRACK and ALARM share: objects threaded through a
 * struct sync_qnode at the start of their extension area, each holding a
 * reference while queued; sent typed by their state at the end of the
 * loop turn, so events between two turns coalesce. */
#ifndef CTBOX_SYNC_TXQ_H
#define CTBOX_SYNC_TXQ_H

#include <stdbool.h>

#include "sync/mode.h"

/* Queue o (its extension area starts with a struct sync_qnode), unless
 * it is queued already. */
void txq_add(struct sync_queue *q, struct sobj *o);
/* Send the queue's objects until the channel is full: true when
 * something went out. */
bool txq_send(struct sync_queue *q);
/* Drop every queued object. */
void txq_clear(struct sync_queue *q);

#endif
