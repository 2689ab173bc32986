/* Sync state for -s sync: see sync_state.h.  The lines are meant for a
 * person and for config/ha/ready's awk alike: "key:" then a word that
 * says the state, then the numbers. */
#include "sync/sync_state.h"

#include "lib/out.h"

static struct sync_state {
	bool peer_seen;
	uint64_t peer_ms;
	bool asked, done;
	uint64_t asked_ms, done_ms;
	unsigned int asks;	/* requests of this resync (lost ones again) */
	uint64_t flows;		/* data messages since it was asked for */
} st;

void sync_state_peer(uint64_t now, bool data)
{
	st.peer_seen = true;
	st.peer_ms = now;
	if (data && st.asked)
		st.flows++;
}

bool sync_state_peer_quiet(uint64_t now, uint64_t ms)
{
	return !st.peer_seen || now - st.peer_ms >= ms;
}

void sync_state_asked(uint64_t now, bool again)
{
	if (again && st.asked && !st.done) {
		st.asks++;
		return;
	}
	st.asked = true;
	st.done = false;
	st.asked_ms = now;
	st.asks = 1;
	st.flows = 0;
}

void sync_state_done(uint64_t now)
{
	if (!st.asked || st.done)
		return;
	st.done = true;
	st.done_ms = now;
}

bool sync_state_waiting(void)
{
	return st.asked && !st.done;
}

/* ms as seconds with one decimal, never negative */
static void secs(struct out *o, uint64_t now, uint64_t then)
{
	uint64_t d = now > then ? now - then : 0;

	out_printf(o, "%llu.%llu s", (unsigned long long)(d / 1000),
		   (unsigned long long)(d % 1000 / 100));
}

static void print_resync(struct out *o, uint64_t now, bool tracked)
{
	out_printf(o, "resync:\t\t\t");
	if (!st.asked) {
		out_printf(o, "none requested\n");
		return;
	}
	if (st.done)
		out_printf(o, "complete, ");
	else if (!tracked)
		out_printf(o, "untracked (completion unknown in this mode), ");
	else if (st.flows || (st.peer_seen && st.peer_ms >= st.asked_ms))
		out_printf(o, "in-progress, ");
	else
		out_printf(o, "requested, no answer yet, ");
	out_printf(o, "requested ");
	secs(o, now, st.asked_ms);
	out_printf(o, " ago, %llu flows received",
		   (unsigned long long)st.flows);
	if (st.done) {
		out_printf(o, ", took ");
		secs(o, st.done_ms, st.asked_ms);
	}
	if (st.asks > 1)
		out_printf(o, ", asked %u times", st.asks);
	out_printf(o, "\n");
}

void sync_state_print(struct out *o, uint64_t now,
		      const struct sync_state_backup *b)
{
	out_printf(o, "peer:\t\t\t");
	if (st.peer_seen) {
		out_printf(o, "seen ");
		secs(o, now, st.peer_ms);
		out_printf(o, " ago\n");
	} else {
		out_printf(o, "never seen\n");
	}
	print_resync(o, now, b->tracked);
	if (b->ext) {
		out_printf(o, "pending commit:\t\t%u flows (external cache: "
			   "not in the kernel until -c)\n", b->ext_flows);
		out_printf(o, "backup:\t\t\texternal cache\n");
	} else {
		out_printf(o, "pending commit:\t\t0 flows\n");
		out_printf(o, "backup:\t\t\tkernel in step (DisableExternalCache "
			   "on), %u kernel writes failed\n", b->inject_fail);
	}
}
