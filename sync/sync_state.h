/* What this node knows of its peer and of the resync it asked for, for
 * -s sync and config/ha/ready ("may this node take over now?").  A leaf:
 * the core reports messages from the peer, the mode the resync's
 * request and completion (FT-FW: ftfw_resync_state), each with the
 * time in ms (sync_now_ms). */
#ifndef CTBOX_SYNC_SYNC_STATE_H
#define CTBOX_SYNC_SYNC_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct out;

/* A valid message from the peer; data: a flow (or expectation) came. */
void sync_state_peer(uint64_t now, bool data);
/* -n / StartupResync went into the queue (again: again true). */
void sync_state_asked(uint64_t now, bool again);
void sync_state_done(uint64_t now);
/* Nothing from the peer for ms (or never). */
bool sync_state_peer_quiet(uint64_t now, uint64_t ms);
/* Asked and not complete yet. */
bool sync_state_waiting(void);

/* What the backup does with the peer's flows, from the core. */
struct sync_state_backup {
	bool tracked;		/* the mode tells when a resync completes */
	bool ext;		/* external cache, written to the kernel by -c */
	unsigned int ext_flows;	/* its flows */
	uint32_t inject_fail;	/* no external cache: kernel writes failed */
};

/* -s sync. */
void sync_state_print(struct out *o, uint64_t now,
		      const struct sync_state_backup *b);

#endif
