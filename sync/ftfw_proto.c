/* FT-FW, the protocol only: see ftfw_proto.h.  The 1.4.7 behaviours kept
 * on purpose are marked "1.4.7:" where they are not obvious. */
#include "sync/ftfw_proto.h"

#include <errno.h>
#include <stdlib.h>

/* A control message waiting in tx or rs: its node first, so a node of
 * kind FTFW_K_CTL converts back with a cast. */
struct ftfw_ctl {
	struct ftfw_node n;
	uint8_t flags;		/* HELLO bits ORed in at each transmission */
	uint32_t from, to;
	uint32_t gen;		/* of the resync request it was queued under */
};

static bool seq_after(uint32_t a, uint32_t b)
{
	return wire_seq_before(b, a);
}

static void list_init(struct ftfw_list *l)
{
	l->head.next = l->head.prev = &l->head;
	l->len = 0;
}

static struct ftfw_node *list_first(const struct ftfw_list *l)
{
	return l->len ? l->head.next : NULL;
}

static void list_add_tail(struct ftfw_list *l, struct ftfw_node *n,
			  enum ftfw_where where)
{
	n->prev = l->head.prev;
	n->next = &l->head;
	l->head.prev->next = n;
	l->head.prev = n;
	n->where = (uint8_t)where;
	l->len++;
}

static struct ftfw_list *list_of(struct ftfw *f, const struct ftfw_node *n)
{
	if (n->where == FTFW_Q_HELD)
		return &f->held;
	return n->where == FTFW_Q_TX ? &f->tx : &f->rs;
}

static void list_del(struct ftfw *f, struct ftfw_node *n)
{
	struct ftfw_list *l = list_of(f, n);

	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
	n->where = FTFW_Q_NONE;
	l->len--;
}

void ftfw_node_init(struct ftfw_node *n)
{
	n->next = n->prev = NULL;
	n->seq = 0;
	n->where = FTFW_Q_NONE;
	n->kind = FTFW_K_OBJ;
}

static void arm(struct ftfw *f, uint64_t when)
{
	f->deadline = when;
	if (f->ops->arm)
		f->ops->arm(f->ctx, when);
}

void ftfw_init(struct ftfw *f, const struct ftfw_ops *ops, void *ctx,
	       unsigned int rs_max, uint32_t window_size, uint64_t now)
{
	*f = (struct ftfw){
		.ops = ops,
		.ctx = ctx,
		.rs_max = rs_max ? rs_max : FTFW_RS_DEFAULT,
		.window_size = window_size ? window_size : FTFW_WINDOW_DEFAULT,
		.hello = FTFW_HELLO_INIT,
	};
	f->window = f->window_size;
	list_init(&f->tx);
	list_init(&f->rs);
	list_init(&f->held);
	arm(f, now + FTFW_ALIVE_MS);
}

/* A RESYNC or NACK of ours leaves the queues: acknowledged or not.  Those
 * of an earlier request no longer count. */
static void ctl_gone(struct ftfw *f, const struct ftfw_ctl *c, bool acked)
{
	if (c->gen != f->rsync_gen || !(c->flags & (WIRE_F_RESYNC | WIRE_F_NACK)))
		return;
	if (c->flags & WIRE_F_RESYNC)
		f->rsync_out--;
	else
		f->nack_out--;
	f->rsync_ev++;
	if (!acked && f->rsync_asked && !f->rsync_done)
		f->rsync_lost = true;
}

/* Drop a node that left its queue (acked: by the peer's ACK): release
 * an object, free a control message. */
static void drop(struct ftfw *f, struct ftfw_node *n, bool acked)
{
	if (n->kind == FTFW_K_CTL) {
		ctl_gone(f, (struct ftfw_ctl *)n, acked);
		free(n);
		f->st.ctl_alloc--;
	} else {
		f->ops->release(f->ctx, n);
	}
}

static void flush_list(struct ftfw *f, struct ftfw_list *l)
{
	struct ftfw_node *n;

	while ((n = list_first(l)) != NULL) {
		list_del(f, n);
		drop(f, n, false);
	}
}

void ftfw_fini(struct ftfw *f)
{
	flush_list(f, &f->tx);
	flush_list(f, &f->rs);
	flush_list(f, &f->held);
}

/* ---- sender ------------------------------------------------------------ */

void ftfw_enqueue(struct ftfw *f, struct ftfw_node *n)
{
	switch (n->where) {
	case FTFW_Q_RS:
		/* 1.4.7: still unacknowledged, so the reference is held. */
		list_del(f, n);
		list_add_tail(&f->tx, n, FTFW_Q_TX);
		break;
	case FTFW_Q_NONE:
		n->kind = FTFW_K_OBJ;
		f->ops->hold(f->ctx, n);
		list_add_tail(&f->tx, n, FTFW_Q_TX);
		break;
	default:
		break;	/* already waiting: it goes out with its latest state */
	}
}

void ftfw_forget(struct ftfw *f, struct ftfw_node *n)
{
	if (n->where != FTFW_Q_NONE)
		list_del(f, n);
}

static int queue_ctl(struct ftfw *f, uint8_t flags, uint32_t from, uint32_t to)
{
	struct ftfw_ctl *c = malloc(sizeof(*c));

	if (!c) {
		f->st.ctl_nomem++;
		return -ENOMEM;
	}
	ftfw_node_init(&c->n);
	c->n.kind = FTFW_K_CTL;
	c->flags = flags;
	c->from = from;
	c->to = to;
	c->gen = f->rsync_gen;
	f->st.ctl_alloc++;
	if (flags & WIRE_F_RESYNC)
		f->rsync_out++;
	else if (flags & WIRE_F_NACK)
		f->nack_out++;
	if (flags & WIRE_F_ACK && f->hold &&
	    !wire_seq_before(f->hold_seq, from) && !seq_after(f->hold_seq, to))
		list_add_tail(&f->held, &c->n, FTFW_Q_HELD);
	else
		list_add_tail(&f->tx, &c->n, FTFW_Q_TX);
	return 0;
}

/* Can the answer to a RESYNC sent now be checked?  Only once the peer
 * has spoken to us (a message lost before the first one that arrives is
 * a gap nobody sees) and answered our HELLO (a message of ours with HELLO
 * bypasses the peer's sequence check, so a lost one is never NACKed, and
 * it empties the peer's resend queue, the answer's resends with it). */
static bool rsync_checkable(const struct ftfw *f)
{
	return f->seq_set && f->hello == FTFW_HELLO_DONE;
}

int ftfw_request_resync(struct ftfw *f)
{
	/* a new request: what is left of an earlier one no longer counts */
	f->rsync_gen++;
	f->rsync_out = f->nack_out = 0;
	f->rsync_asked = true;
	f->rsync_lost = false;
	f->rsync_done = false;
	/* sent at once all the same, as 1.4.7 (StartupResync is the first
	 * message of a new daemon): the flows come, the check comes with a
	 * second request once it can be made */
	f->rsync_checked = rsync_checkable(f);
	f->rsync_ev_seen = f->rsync_ev - 1;	/* the stall clock starts anew */
	return queue_ctl(f, WIRE_F_RESYNC, 0, 0);
}

/* After a received message. */
static void rsync_step(struct ftfw *f)
{
	if (!f->rsync_asked || f->rsync_done || f->rsync_lost)
		return;
	if (!f->rsync_checked) {
		if (rsync_checkable(f))
			f->rsync_lost = true;	/* ask again, checked */
		return;
	}
	/* tested after the whole message: an ACK that arrives after a gap
	 * has had its NACK queued by now */
	if (!f->rsync_out && !f->nack_out)
		f->rsync_done = true;	/* later gaps are the usual kind */
}

enum ftfw_resync ftfw_resync_state(const struct ftfw *f)
{
	if (!f->rsync_asked)
		return FTFW_RS_NONE;
	if (f->rsync_done)
		return FTFW_RS_DONE;
	return f->rsync_lost ? FTFW_RS_LOST : FTFW_RS_WAIT;
}

/* The HELLO bits of the next message: HELLO from the first message on
 * until the peer answers, HELLO_BACK once after the peer's HELLO.  Taken
 * (hello_commit) only once a message went out. */
static uint8_t hello_peek(const struct ftfw *f)
{
	uint8_t fl = 0;

	if (f->hello != FTFW_HELLO_DONE)
		fl |= WIRE_F_HELLO;
	if (f->say_hello_back)
		fl |= WIRE_F_HELLO_BACK;
	return fl;
}

static void hello_commit(struct ftfw *f)
{
	if (f->hello == FTFW_HELLO_INIT)
		f->hello = FTFW_HELLO_SAY;
	f->say_hello_back = false;
}

/* Into the resend queue; when it is full, its oldest entry goes (1.4.7
 * counts it as a "not enough space" error of the rsqueue). */
static void rs_add(struct ftfw *f, struct ftfw_node *n)
{
	if (f->rs.len >= f->rs_max) {
		struct ftfw_node *old = list_first(&f->rs);

		f->st.rs_enospc++;
		if (old->kind == FTFW_K_OBJ) {
			f->evicted = true;
			f->evict_seq = old->seq;
		}
		list_del(f, old);
		drop(f, old, false);
	}
	list_add_tail(&f->rs, n, FTFW_Q_RS);
}

/* Send the head of tx: 1 sent, 0 dropped, -EAGAIN stop. */
static int xmit_one(struct ftfw *f, struct ftfw_node *n)
{
	uint8_t hello = hello_peek(f);
	uint32_t seq = 0;
	int r;

	if (n->kind == FTFW_K_CTL) {
		struct ftfw_ctl *c = (struct ftfw_ctl *)n;
		uint8_t flags = (uint8_t)(c->flags | hello);

		r = f->ops->send_ctl(f->ctx, flags, c->from, c->to, &seq);
		if (r == -EAGAIN)
			return r;
		hello_commit(f);
		list_del(f, n);
		/* 1.4.7: ALIVE is not kept; ACK, NACK and RESYNC wait for
		 * an ACK like data, with the HELLO bits they went out with. */
		if (r < 0 || !(flags & (WIRE_F_ACK | WIRE_F_NACK |
					WIRE_F_RESYNC))) {
			drop(f, n, false);
			return r < 0 ? 0 : 1;
		}
		c->flags = flags;
	} else {
		r = f->ops->send_obj(f->ctx, n, hello, &seq);
		if (r == -EAGAIN)
			return r;
		hello_commit(f);
		list_del(f, n);
		if (r < 0) {
			drop(f, n, false);
			return 0;
		}
	}
	n->seq = seq;
	rs_add(f, n);
	return 1;
}

unsigned int ftfw_xmit(struct ftfw *f, uint64_t now)
{
	return ftfw_xmit_some(f, now, ~0u);
}

unsigned int ftfw_xmit_some(struct ftfw *f, uint64_t now, unsigned int max)
{
	struct ftfw_node *n;
	unsigned int sent = 0;
	int r;

	if (!f->tx.len)
		return 0;
	while (sent < max && (n = list_first(&f->tx)) != NULL) {
		r = xmit_one(f, n);
		if (r < 0)
			break;
		sent += (unsigned int)r;
	}
	/* 1.4.7 re-arms the idle timer after every transmit run, so ALIVE
	 * (or the timer ACK) goes out only after 1 s with nothing sent. */
	arm(f, now + FTFW_ALIVE_MS);
	return sent;
}

unsigned int ftfw_bulk_room(const struct ftfw *f)
{
	unsigned int lim = f->rs_max - f->rs_max / 4, busy = f->rs.len + f->tx.len;

	return busy < lim ? lim - busy : 0;
}

void ftfw_release_acks(struct ftfw *f)
{
	struct ftfw_node *n;

	f->hold = false;
	while ((n = list_first(&f->held)) != NULL) {
		list_del(f, n);
		list_add_tail(&f->tx, n, FTFW_Q_TX);
	}
}

/* ---- timer ------------------------------------------------------------- */

/* 1.4.7 can leave a control message unacknowledged for good (one that
 * arrives after its gap was NACKed is dropped as "before"): a resync
 * that has made no progress (no data, none of our RESYNC / NACKs
 * answered) for FTFW_RSYNC_STALL_MS is asked for again. */
static void rsync_stall(struct ftfw *f, uint64_t now)
{
	if (!f->rsync_asked || f->rsync_done || f->rsync_lost)
		return;
	if (f->rsync_ev != f->rsync_ev_seen) {
		f->rsync_ev_seen = f->rsync_ev;
		f->rsync_ev_at = now;
	} else if (now - f->rsync_ev_at >= FTFW_RSYNC_STALL_MS) {
		f->rsync_lost = true;
	}
}

void ftfw_timer(struct ftfw *f, uint64_t now)
{
	rsync_stall(f, now);
	if (f->ack_from_set && f->seq_set) {
		/* 1.4.7: the window counter is not reset by a timer ACK. */
		queue_ctl(f, WIRE_F_ACK, f->ack_from, f->last_seq);
		f->ack_from_set = false;
	} else {
		queue_ctl(f, WIRE_F_ALIVE, 0, 0);
	}
	arm(f, now + FTFW_ALIVE_MS);
}

/* ---- receiver ---------------------------------------------------------- */

/* The rs entries in [from, to] (serial order; the queue is in sending
 * order, so the walk stops at the first one after to): released on an
 * ACK, sent again (rebuilt, new seq) on a NACK. */
static void rs_range(struct ftfw *f, uint32_t from, uint32_t to, bool ack)
{
	struct ftfw_node *n = list_first(&f->rs), *next;

	for (; n && n != &f->rs.head; n = next) {
		next = n->next;
		if (wire_seq_before(n->seq, from))
			continue;
		if (seq_after(n->seq, to))
			break;
		list_del(f, n);
		if (ack)
			drop(f, n, true);
		else
			list_add_tail(&f->tx, n, FTFW_Q_TX);
	}
}

static enum ftfw_rx digest(struct ftfw *f, const struct wire_msg *m)
{
	if (m->type <= WIRE_T_EXP_DEL &&
	    !(m->flags & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK)))
		return FTFW_RX_DATA;
	if (m->type != WIRE_T_CTL)
		return FTFW_RX_BAD;
	/* 1.4.7 tests the flags in this order; the first one set wins. */
	if (m->flags & (WIRE_F_ACK | WIRE_F_NACK)) {
		if (wire_seq_before(m->to, m->from))
			return FTFW_RX_BAD;
		/* what the NACK asks for may have left rs: resend it all */
		if (!(m->flags & WIRE_F_ACK) && f->evicted &&
		    !seq_after(m->from, f->evict_seq) && f->ops->gone) {
			f->evicted = false;
			f->ops->gone(f->ctx);
		}
		rs_range(f, m->from, m->to, m->flags & WIRE_F_ACK);
		return FTFW_RX_CTL;
	}
	if (m->flags & WIRE_F_RESYNC) {
		if (f->ops->resync) {
			f->hold = true;
			f->hold_seq = m->seq;
			f->ops->resync(f->ctx);
		}
		return FTFW_RX_CTL;
	}
	if (m->flags & WIRE_F_ALIVE)
		return FTFW_RX_CTL;
	return FTFW_RX_BAD;
}

/* An in-order (or HELLO-bypassed) message: count it in the ACK window. */
static enum ftfw_rx in_window(struct ftfw *f, const struct wire_msg *m)
{
	enum ftfw_rx r = digest(f, m);

	if (r == FTFW_RX_BAD)
		return r;
	if (!f->ack_from_set) {
		f->ack_from_set = true;
		f->ack_from = m->seq;
	}
	/* 1.4.7: the counter is unsigned and tested after the decrement,
	 * so a window of 0 (ACKWindowSize 1 right after a gap) wraps and
	 * only the timer ACKs until 2^32 more messages. */
	if (--f->window == 0) {
		queue_ctl(f, WIRE_F_ACK, f->ack_from, m->seq);
		f->window = f->window_size;
		f->ack_from_set = false;
	}
	return r;
}

/* A gap: the message is taken, the open window acknowledged up to the
 * gap, the gap NACKed, and a new window opened at this message. */
static enum ftfw_rx after_gap(struct ftfw *f, const struct wire_msg *m,
			      uint32_t expected)
{
	enum ftfw_rx r = digest(f, m);

	if (r == FTFW_RX_BAD)
		return r;
	if (f->ack_from_set)
		queue_ctl(f, WIRE_F_ACK, f->ack_from, expected - 1);
	queue_ctl(f, WIRE_F_NACK, expected, m->seq - 1);
	f->window = f->window_size - 1;
	f->ack_from = m->seq;
	f->ack_from_set = true;
	return r;
}

enum ftfw_rx ftfw_recv(struct ftfw *f, const struct wire_msg *m)
{
	uint32_t expected = f->last_seq + 1;
	enum ftfw_rx r;

	if (m->flags & WIRE_F_HELLO_BACK && f->hello == FTFW_HELLO_SAY)
		f->hello = FTFW_HELLO_DONE;
	if (m->flags & WIRE_F_HELLO) {
		/* A (re)started peer: its seq is its own time(NULL), so no
		 * check; what we had sent it and not had acknowledged is
		 * forgotten (1.4.7: unreliable until the handshake ends). */
		f->say_hello_back = true;
		if (f->ack_from_set && wire_seq_before(m->seq, f->ack_from)) {
			f->window = f->window_size - 1;
			f->ack_from = m->seq;
		}
		flush_list(f, &f->rs);
		r = in_window(f, m);
	} else if (!f->seq_set || m->seq == expected) {
		r = in_window(f, m);
	} else if (seq_after(m->seq, expected)) {
		/* 1.4.7's "Packets lost" over-counts by 2. */
		f->st.rcv_lost += (uint32_t)(m->seq - f->last_seq + 1);
		r = after_gap(f, m, expected);
	} else {
		f->st.rcv_before++;
		return FTFW_RX_DROP;
	}
	/* A malformed message does not move the expected sequence. */
	if (r == FTFW_RX_DATA || r == FTFW_RX_CTL) {
		f->last_seq = m->seq;
		f->seq_set = true;
	}
	if (r == FTFW_RX_DATA)
		f->rsync_ev++;
	rsync_step(f);
	return r;
}

/* ---- -s rsqueue -------------------------------------------------------- */

const struct ftfw_node *ftfw_rs_next(const struct ftfw *f,
				     const struct ftfw_node *it,
				     struct ftfw_rs_entry *e)
{
	const struct ftfw_node *n = it ? it->next : f->rs.head.next;

	if (n == &f->rs.head)
		return NULL;
	e->seq = n->seq;
	e->ctl = n->kind == FTFW_K_CTL;
	e->flags = e->ctl ? ((const struct ftfw_ctl *)n)->flags : 0;
	return n;
}
