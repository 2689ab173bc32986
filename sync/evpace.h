/* When to let the event socket fill before reading it again.
 *
 * Under a burst of creations (conntrack -R, a SYN flood) each event used
 * to wake the daemon on its own: two wake-ups per three events measured,
 * a context switch each, at SCHED_RR 99 preempting the very process that
 * creates the flows, and one small sync datagram each, waking the peer.
 * Once wake-ups come closer than EVPACE_GAP_US with few events each, the
 * socket is left alone for EVPACE_PAUSE_MS and then read in one go (many
 * events per turn, full datagrams).  A pause is only taken when the rate
 * seen would put at most EVPACE_MAX_QUEUED events in the socket meanwhile,
 * far below what even the system's default buffer holds, so it cannot
 * cause an overrun; a quiet socket is read at once, as before. */
#ifndef CTBOX_SYNC_EVPACE_H
#define CTBOX_SYNC_EVPACE_H

#include <stdbool.h>
#include <stdint.h>

#define EVPACE_GAP_US		1000
#define EVPACE_PAUSE_MS		1
#define EVPACE_FEW		16
#define EVPACE_MAX_QUEUED	128

struct evpace {
	uint64_t last_us;	/* the previous wake-up; 0: none yet */
	unsigned long pauses;	/* taken so far */
};

/* A wake-up at now_us (monotonic microseconds) that read got events and
 * emptied the socket: true if the socket should now be left to fill for
 * EVPACE_PAUSE_MS. */
bool evpace_pause(struct evpace *p, uint64_t now_us, unsigned int got);

#endif
