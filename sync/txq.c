/* The NOTRACK/ALARM transmit queue (see txq.h). */
#include <errno.h>
#include <limits.h>

#include "sync/txq.h"

/* Its firing is the point: the turn it ends resumes a held dump. */
static void on_stall(struct sync_timer *s)
{
	(void)s;
}

void txq_init(struct txq *t)
{
	sync_q_init(&t->q);
	t->moved_ms = sync_now_ms();
	sync_timer_init(&t->stall, on_stall);
}

void txq_add(struct txq *t, struct sobj *o)
{
	struct sync_qnode *n = sobj_ext(o);

	if (sync_q_linked(n))
		return;
	if (sync_q_empty(&t->q))
		t->moved_ms = sync_now_ms();
	sobj_get(o);
	sync_q_add_tail(&t->q, n);
}

bool txq_send(struct txq *t)
{
	struct sync_qnode *n;
	unsigned int k = 0;
	bool sent = false;
	int r = 0;

	while (k < TXQ_STEP && (n = sync_q_first(&t->q))) {
		struct sobj *o = sobj_of_ext(n);

		r = sync_send_obj(o, 0, NULL);
		if (r == -EAGAIN)
			break;
		/* sent, or not encodable (counted): either way it is done */
		sync_q_del(&t->q, n);
		sobj_put(o);
		sent = sent || r == 0;
		k++;
	}
	if (sent || sync_q_empty(&t->q))
		t->moved_ms = sync_now_ms();
	/* a full channel calls back when it drains */
	if (r != -EAGAIN && !sync_q_empty(&t->q))
		sync_core_kick();
	return sent;
}

unsigned int txq_room(struct txq *t)
{
	uint64_t now = sync_now_ms(), idle = now - t->moved_ms;

	if (t->q.len < TXQ_ROOM)
		return TXQ_ROOM - t->q.len;
	if (idle >= TXQ_STALL_MS)
		return UINT_MAX;
	if (!sync_timer_pending(&t->stall))
		sync_timer_add(&t->stall, TXQ_STALL_MS - idle);
	return 0;
}

void txq_clear(struct txq *t)
{
	struct sync_qnode *n;

	while ((n = sync_q_first(&t->q))) {
		sync_q_del(&t->q, n);
		sobj_put(sobj_of_ext(n));
	}
	sync_timer_del(&t->stall);
}
