/* The batch writer: many netlink requests per sendmsg on a socket of its
 * own, acknowledged only on error.  Knows nothing about conntrack.
 *
 * The kernel runs the requests of a datagram one by one, inside our
 * sendmsg(), and queues a reply only for those that fail (or that ask for
 * one: NLM_F_ACK, a GET).  So once sendmsg() returns, every report of the
 * batch is already in the socket's receive queue, and a non-blocking drain
 * sees all of them.  The receive buffer is made large and the batch is
 * flushed before the replies it may cause could fill it: the reader keeps
 * pace with the writer.  Should the queue overflow anyway, recv() says
 * ENOBUFS once: the kernel dropped some *reports*, never a request; the
 * callback is then told (seq 0, -ENOBUFS) and the batch shrinks. */
#ifndef CTBOX_NL_BATCH_H
#define CTBOX_NL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl;
struct nlmsghdr;
struct nl_batch;

/* Default flush threshold; the buffer is twice as large, so a message
 * started below the threshold always fits. */
#define NL_BATCH_FLUSH_AT	(64 * 1024)

/* What a reply costs the receive queue (skb truesize, rounded up): an
 * error report, and a data message of one object (GET reply). */
#define NL_BATCH_COST_ERR	1024
#define NL_BATCH_COST_OBJ	6144

/* One report on a request of the batch, identified by its seq: a data
 * message (err 0, nlh set), an ACK (err 0, nlh NULL) or a failure
 * (err = -errno, nlh NULL).  seq 0 with -ENOBUFS: reports of the batch
 * being drained were lost. */
typedef void (*nl_batch_cb)(uint32_t seq, int err,
			    const struct nlmsghdr *nlh, void *data);

struct nl_batch_stats {
	unsigned long msgs;	/* requests sent */
	unsigned long sends;	/* sendmsg calls */
	unsigned long errors;	/* failure reports */
	unsigned long lost;	/* ENOBUFS seen while draining */
	unsigned long foreign;	/* datagrams not from the kernel, dropped */
	unsigned long truncated;	/* reports too large, lost */
};

/* nl must not be used for anything else while the batch lives.  Returns
 * NULL + errno. */
struct nl_batch *nl_batch_new(struct nl *nl, size_t flush_at, nl_batch_cb cb,
			      void *data);
void nl_batch_free(struct nl_batch *b);

/* Zeroed room for the next message; *room is at least the flush
 * threshold. */
void *nl_batch_room(struct nl_batch *b, size_t *room);
/* Queue the message built at nl_batch_room(): seq and portid are set
 * here.  reply_cost: NL_BATCH_COST_* of the replies it may produce. */
int nl_batch_add(struct nl_batch *b, struct nlmsghdr *nlh, size_t reply_cost,
		 uint32_t *seq);
/* True once the batch should be flushed (size or reply budget). */
bool nl_batch_full(const struct nl_batch *b);
size_t nl_batch_pending(const struct nl_batch *b);
/* Send what is queued and drain every report.  0, or -errno when the
 * requests could not be sent (then none of them ran). */
int nl_batch_flush(struct nl_batch *b);
/* Send what is queued on the writer thread and return without waiting;
 * first the previous send is waited for and its reports reach the
 * callback (here, on the caller's thread).  The return value is that
 * previous send's, as for nl_batch_flush(). */
int nl_batch_send(struct nl_batch *b);
/* Wait for what nl_batch_send() started and deliver its reports. */
int nl_batch_wait(struct nl_batch *b);
const struct nl_batch_stats *nl_batch_stats(const struct nl_batch *b);

#endif
