/* FT-FW's sync mode (sync_mode_ftfw, declared in sync/mode.h): what the
 * core's -s queue needs from it beyond the ops table. */
#ifndef CTBOX_SYNC_MODE_FTFW_H
#define CTBOX_SYNC_MODE_FTFW_H

#include <stdint.h>

/* The rsqueue block of -s queue: current elements, maximum elements
 * (ResendQueueSize) and "not enough space errors" (entries dropped
 * because it was full). */
void mode_ftfw_rsqueue_stats(unsigned int *cur, unsigned int *max,
			     uint64_t *enospc);
/* -s queue's "allocated queue nodes": 1.4.7 counts its control messages
 * alive (queued, or sent and waiting for an ACK); at rest between two
 * FT-FW peers that is the last ACK. */
unsigned int mode_ftfw_qnodes(void);

#endif
