/* Event read pacing: a burst of wake-ups with few events each is paced,
 * a quiet socket or a flood is read at once, and a pause never lets more
 * than EVPACE_MAX_QUEUED events queue up at the rate seen. */
#include "sync/evpace.h"
#include "t.h"

int main(void)
{
	struct evpace p = { 0 };
	uint64_t t = 5000000;
	unsigned int i, paused = 0;

	CHECK(!evpace_pause(&p, t, 1), "the first wake-up is read at once");
	CHECK(!evpace_pause(&p, t + 50000, 1),
	      "a wake-up 50 ms after the last: no pause");
	t += 50000;
	/* conntrack -R: an event every 20 us, one or two per wake-up */
	for (i = 0; i < 100; i++) {
		t += 20 + (i % 2) * 20;
		paused += evpace_pause(&p, t, 1 + i % 2);
	}
	CHECK_EQ(paused, 100, "a burst of wake-ups 20-40 us apart is paced");
	CHECK_EQ(p.pauses, 100, "pauses counted");
	CHECK(!evpace_pause(&p, t + 30, 0), "a wake-up that read nothing: no pause");
	t += 30;
	CHECK(!evpace_pause(&p, t + 30, EVPACE_FEW + 1),
	      "a wake-up that found many events waiting: read on, no pause");
	t += 30;
	/* 10 events in 20 us is 500 per ms: too many to let queue */
	CHECK(!evpace_pause(&p, t + 20, 10),
	      "a rate that would queue more than %d events in a pause: no pause",
	      EVPACE_MAX_QUEUED);
	t += 20;
	CHECK(evpace_pause(&p, t + 100, 10),
	      "10 events in 100 us (100 per ms): paced");
	t += 100;
	CHECK(!evpace_pause(&p, t + EVPACE_GAP_US, 1),
	      "wake-ups %d us apart: no pause", EVPACE_GAP_US);
	t += EVPACE_GAP_US;
	CHECK(!evpace_pause(&p, t - 5, 1), "a clock that went back: no pause");
	T_DONE();
}
