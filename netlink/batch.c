/* The batch writer (see batch.h for the model). */
#include <errno.h>
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
	char *tx;
	char *rx;
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
	b->rx = malloc(NL_RCVBUF_SIZE);
	if (!b->tx || !b->rx) {
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

void nl_batch_free(struct nl_batch *b)
{
	if (!b)
		return;
	free(b->tx);
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

/* Whether seq belongs to the batch being drained (wraps around). */
static bool in_batch(const struct nl_batch *b, uint32_t seq, uint32_t last)
{
	return seq - b->first_seq <= last - b->first_seq;
}

static void walk(struct nl_batch *b, const char *buf, size_t len,
		 uint32_t last)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = (int)len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_pid != b->portid ||
		    !in_batch(b, nlh->nlmsg_seq, last))
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

/* Read until the queue is empty: everything the batch caused is there
 * already, since the kernel ran it inside our sendmsg(). */
static void drain(struct nl_batch *b, uint32_t last)
{
	int fd = nl_fd(b->nl);

	for (;;) {
		ssize_t n = recv(fd, b->rx, NL_RCVBUF_SIZE, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Reports were dropped, requests were not:
				 * say so, and ask for less next time. */
				b->st.lost++;
				b->cb(0, -ENOBUFS, NULL, b->data);
				if (b->budget > 4 * NL_BATCH_COST_OBJ)
					b->budget /= 2;
				continue;
			}
			return;		/* EAGAIN: all read */
		}
		if (n == 0)
			return;
		walk(b, b->rx, (size_t)n, last);
	}
}

int nl_batch_flush(struct nl_batch *b)
{
	uint32_t last = b->next_seq - 1;
	ssize_t n;

	if (b->count == 0)
		return 0;
	if (last == 0)
		last = UINT32_MAX;
	do {
		n = send(nl_fd(b->nl), b->tx, b->len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = -errno;

		b->len = b->count = b->cost = 0;
		return err;
	}
	b->st.sends++;
	b->st.msgs += b->count;
	drain(b, last);
	b->len = b->count = b->cost = 0;
	return 0;
}
