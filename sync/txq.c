/* The NOTRACK/ALARM transmit queue (see txq.h). */
#include <errno.h>

#include "sync/txq.h"

void txq_add(struct sync_queue *q, struct sobj *o)
{
	struct sync_qnode *n = sobj_ext(o);

	if (sync_q_linked(n))
		return;
	sobj_get(o);
	sync_q_add_tail(q, n);
}

bool txq_send(struct sync_queue *q)
{
	struct sync_qnode *n;
	bool sent = false;

	while ((n = sync_q_first(q))) {
		struct sobj *o = sobj_of_ext(n);
		int r = sync_send_obj(o, 0, NULL);

		if (r == -EAGAIN)
			break;
		/* sent, or not encodable (counted): either way it is done */
		sync_q_del(q, n);
		sobj_put(o);
		sent = sent || r == 0;
	}
	return sent;
}

void txq_clear(struct sync_queue *q)
{
	struct sync_qnode *n;

	while ((n = sync_q_first(q))) {
		sync_q_del(q, n);
		sobj_put(sobj_of_ext(n));
	}
}
