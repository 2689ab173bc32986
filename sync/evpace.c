/* Event read pacing (see evpace.h). */
#include "sync/evpace.h"

bool evpace_pause(struct evpace *p, uint64_t now_us, unsigned int got)
{
	uint64_t gap = p->last_us && now_us > p->last_us ?
		       now_us - p->last_us : EVPACE_GAP_US;

	p->last_us = now_us;
	if (got == 0 || got > EVPACE_FEW || gap >= EVPACE_GAP_US)
		return false;
	/* the events that would come during the pause, at this rate */
	if ((uint64_t)got * EVPACE_PAUSE_MS * 1000 >
	    (uint64_t)EVPACE_MAX_QUEUED * (gap ? gap : 1))
		return false;
	p->pauses++;
	return true;
}
