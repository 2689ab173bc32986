/* The batch writer (see batch.h for the model).
 *
 * nl_batch_send() hands the queued requests to a writer thread and
 * returns: the kernel runs them inside that thread's sendmsg(), on another
 * CPU, while the caller goes on (typically reading the dump that produces
 * the next requests).  The thread only sends and copies the reports it
 * drains; they reach the callback on the caller's thread, at the next
 * send or flush, so callers need no locking.  Two request buffers: one
 * being filled, one in flight. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "batch.h"
#include "nl.h"

/* Receive queue we ask for.  SO_RCVBUFFORCE needs CAP_NET_ADMIN, which
 * anything that modifies the conntrack table has anyway; the kernel
 * doubles the value. */
#define BATCH_RCVBUF	(4u << 20)
#define BATCH_SNDBUF	(1u << 20)
#define BATCH_MIN_FLUSH	4096

/* A batch handed to the writer, and what came back. */
struct flight {
	char *tx;
	size_t len, count;
	uint32_t first_seq, last_seq;
	int err;		/* -errno of the send, none of it ran */
	unsigned long lost;	/* ENOBUFS or MSG_TRUNC while draining */
	struct nl_rx_stats rx;
	char *rep;		/* the reports, as received */
	size_t rep_len, rep_cap;
};

struct nl_batch {
	struct nl *nl;
	nl_batch_cb cb;
	void *data;
	uint32_t portid;
	uint32_t first_seq;	/* of what is queued */
	uint32_t next_seq;
	size_t flush_at;
	size_t cap;
	size_t len;
	size_t count;
	size_t cost;		/* reply bytes the queued requests may cause */
	size_t budget;		/* what the receive queue holds, with margin */
	struct nl_batch_stats st;
	char *tx;		/* being filled; the other buffer is fl.tx */
	char *rx;
	struct flight fl;
	bool busy;		/* fl handed over, reports not delivered */
	/* writer thread */
	bool thread, job, quit;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct nl_batch *nl_batch_new(struct nl *nl, size_t flush_at, nl_batch_cb cb,
			      void *data)
{
	struct nl_batch *b;
	size_t got = 0;

	if (flush_at < BATCH_MIN_FLUSH)
		flush_at = BATCH_MIN_FLUSH;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cap = 2 * flush_at;
	b->tx = calloc(1, b->cap);
	b->fl.tx = calloc(1, b->cap);
	b->rx = malloc(NL_RCVBUF_SIZE);
	if (!b->tx || !b->fl.tx || !b->rx) {
		nl_batch_free(b);
		errno = ENOMEM;
		return NULL;
	}
	b->nl = nl;
	b->cb = cb;
	b->data = data;
	b->flush_at = flush_at;
	b->portid = nl_portid(nl);
	b->next_seq = nl_next_seq(nl);
	b->first_seq = b->next_seq;
	nl_set_rcvbuf(nl, BATCH_RCVBUF, true, &got);
	if (got < NL_RCVBUF_SIZE)
		got = NL_RCVBUF_SIZE;
	/* Leave half of the queue as margin: truesize estimates are rough. */
	b->budget = got / 2;
	{
		int v = BATCH_SNDBUF, fd = nl_fd(nl);

		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	return b;
}

static void wait_flight(struct nl_batch *b);

void nl_batch_free(struct nl_batch *b)
{
	if (!b)
		return;
	if (b->thread) {
		wait_flight(b);
		pthread_mutex_lock(&b->mu);
		b->quit = true;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->tid, NULL);
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
	}
	free(b->tx);
	free(b->fl.tx);
	free(b->fl.rep);
	free(b->rx);
	free(b);
}

void *nl_batch_room(struct nl_batch *b, size_t *room)
{
	size_t n = b->cap - b->len;

	/* Messages are at most a page: only the start needs clearing, and
	 * every builder is bounded by *room anyway. */
	memset(b->tx + b->len, 0, n < 4096 ? n : 4096);
	*room = n;
	return b->tx + b->len;
}

int nl_batch_add(struct nl_batch *b, struct nlmsghdr *nlh, size_t reply_cost,
		 uint32_t *seq)
{
	if ((char *)nlh != b->tx + b->len ||
	    nlh->nlmsg_len > b->cap - b->len)
		return -EINVAL;
	if (b->count == 0)
		b->first_seq = b->next_seq;
	nlh->nlmsg_seq = b->next_seq++;
	if (b->next_seq == 0)	/* seq 0 means "the batch" to the callback */
		b->next_seq = 1;
	nlh->nlmsg_pid = 0;
	if (seq)
		*seq = nlh->nlmsg_seq;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	if (b->len > b->cap)
		b->len = b->cap;
	b->count++;
	b->cost += reply_cost;
	return 0;
}

bool nl_batch_full(const struct nl_batch *b)
{
	return b->len >= b->flush_at || b->cost >= b->budget;
}

size_t nl_batch_pending(const struct nl_batch *b)
{
	return b->count;
}

const struct nl_batch_stats *nl_batch_stats(const struct nl_batch *b)
{
	return &b->st;
}

/* Whether seq belongs to the batch in flight (wraps around). */
static bool in_batch(const struct flight *f, uint32_t seq)
{
	return seq - f->first_seq <= f->last_seq - f->first_seq;
}

/* Deliver the reports of the flight: on the caller's thread. */
static void walk(struct nl_batch *b, const struct flight *f)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)f->rep;
	int n = (int)f->rep_len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_pid != b->portid || !in_batch(f, nlh->nlmsg_seq))
			continue;	/* not ours, or a late echo */
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				continue;
			if (e->error)
				b->st.errors++;
			b->cb(nlh->nlmsg_seq, e->error > 0 ? -e->error : e->error,
			      NULL, b->data);
			continue;
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;	/* NOOP, DONE, OVERRUN */
		b->cb(nlh->nlmsg_seq, 0, nlh, b->data);
	}
}

/* Keep received reports whole: recv() returns whole messages. */
static void keep(struct flight *f, const char *buf, size_t n)
{
	if (f->rep_cap - f->rep_len < n) {
		size_t cap = f->rep_cap ? 2 * f->rep_cap : 4 * NL_RCVBUF_SIZE;
		char *p;

		while (cap - f->rep_len < n)
			cap *= 2;
		p = realloc(f->rep, cap);
		if (!p) {	/* as if the kernel had dropped them */
			f->lost++;
			return;
		}
		f->rep = p;
		f->rep_cap = cap;
	}
	memcpy(f->rep + f->rep_len, buf, n);
	f->rep_len += n;
}

/* Read until the queue is empty: everything the batch caused is there
 * already, since the kernel ran it inside our sendmsg(). */
static void drain(struct nl_batch *b, struct flight *f)
{
	int fd = nl_fd(b->nl);

	for (;;) {
		ssize_t n = nl_recv_kernel(fd, b->rx, NL_RCVBUF_SIZE, MSG_DONTWAIT,
					   &f->rx);

		if (n == -EINTR)
			continue;
		if (n == -ENOBUFS || n == -EMSGSIZE) {
			/* Reports were dropped (or cut), requests were not */
			f->lost++;
			continue;
		}
		if (n <= 0)
			return;		/* EAGAIN: all read */
		keep(f, b->rx, (size_t)n);
	}
}

/* What the writer does with a flight, on whichever thread runs it. */
static void fly(struct nl_batch *b, struct flight *f)
{
	ssize_t n;

	do {
		n = send(nl_fd(b->nl), f->tx, f->len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		f->err = -errno;
		return;
	}
	drain(b, f);
}

static void *writer(void *arg)
{
	struct nl_batch *b = arg;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->job && !b->quit)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->quit)
			break;
		pthread_mutex_unlock(&b->mu);
		fly(b, &b->fl);
		pthread_mutex_lock(&b->mu);
		b->job = false;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* Wait for the flight and deliver its reports.  Returns its send error. */
static int collect(struct nl_batch *b)
{
	struct flight *f = &b->fl;
	unsigned long i;

	if (!b->busy)
		return 0;
	wait_flight(b);
	b->busy = false;
	if (f->err)
		return f->err;
	b->st.sends++;
	b->st.msgs += f->count;
	b->st.foreign += f->rx.foreign;
	b->st.truncated += f->rx.truncated;
	walk(b, f);
	for (i = 0; i < f->lost; i++) {
		/* say so, and ask for less next time */
		b->st.lost++;
		b->cb(0, -ENOBUFS, NULL, b->data);
		if (b->budget > 4 * NL_BATCH_COST_OBJ)
			b->budget /= 2;
	}
	return 0;
}

static void wait_flight(struct nl_batch *b)
{
	if (!b->thread)
		return;
	pthread_mutex_lock(&b->mu);
	while (b->job)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

static bool start_writer(struct nl_batch *b)
{
	if (b->thread)
		return true;
	if (pthread_mutex_init(&b->mu, NULL))
		return false;
	if (pthread_cond_init(&b->cv, NULL)) {
		pthread_mutex_destroy(&b->mu);
		return false;
	}
	if (pthread_create(&b->tid, NULL, writer, b)) {
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		return false;
	}
	b->thread = true;
	return true;
}

/* Hand the queued requests over; async: on the writer thread (when one
 * can be had), else right here. */
static void launch(struct nl_batch *b, bool async)
{
	struct flight *f = &b->fl;
	char *t = f->tx;
	uint32_t last = b->next_seq - 1;

	f->tx = b->tx;
	b->tx = t;
	f->len = b->len;
	f->count = b->count;
	f->first_seq = b->first_seq;
	f->last_seq = last ? last : UINT32_MAX;
	f->err = 0;
	f->lost = 0;
	memset(&f->rx, 0, sizeof(f->rx));
	f->rep_len = 0;
	b->len = b->count = b->cost = 0;
	b->busy = true;
	if (async && start_writer(b)) {
		pthread_mutex_lock(&b->mu);
		b->job = true;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
		return;
	}
	fly(b, f);
}

int nl_batch_send(struct nl_batch *b)
{
	int r = collect(b);

	if (b->count)
		launch(b, true);
	return r;
}

int nl_batch_wait(struct nl_batch *b)
{
	return collect(b);
}

int nl_batch_flush(struct nl_batch *b)
{
	int r = collect(b);

	if (b->count) {
		launch(b, false);
		if (r == 0)
			r = collect(b);
		else
			collect(b);
	}
	return r;
}
