/* Conntrack requests through the batch writer (netlink/batch.h): what
 * bulk -D, -U and -R queue.  Replies reach the callback as struct ct. */
#ifndef CTBOX_NL_CT_BATCH_H
#define CTBOX_NL_CT_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ct.h"

struct nl;
struct ct_batch;

/* A report on request seq: a failure (err = -errno, ct NULL), an ACK
 * (err 0, ct NULL) or the entry a GET returned (err 0, ct set).  seq 0
 * with -ENOBUFS: some reports of the batch being drained were lost (the
 * requests did run). */
typedef void (*ct_batch_cb)(uint32_t seq, int err, const struct ct *ct,
			    void *data);

struct ct_batch *ct_batch_new(struct nl *nl, ct_batch_cb cb, void *data);
void ct_batch_free(struct ct_batch *b);

/* Delete the entry by its original tuple, zone and id: an entry that was
 * replaced by a new one with the same tuple meanwhile is left alone
 * (ENOENT). */
int ct_batch_delete(struct ct_batch *b, const struct ct *ct, uint32_t *seq);
/* Update (CT_NEW without CREATE) with everything ct carries; the zone is
 * always sent.  With get, a GET of the entry follows: its reply carries
 * seq + 1. */
int ct_batch_update(struct ct_batch *b, const struct ct *ct, bool get,
		    uint32_t *seq);
/* Create (flags: NLM_F_CREATE / NLM_F_EXCL are added for you). */
int ct_batch_create(struct ct_batch *b, const struct ct *ct, uint32_t *seq);
/* Expectations ride the same writer: create with everything e carries,
 * delete by e's tuple and zone (never without a tuple: the kernel would
 * take that as "delete all of this helper's", or of everything). */
int ct_batch_exp_create(struct ct_batch *b, const struct exp *e,
			uint32_t *seq);
int ct_batch_exp_delete(struct ct_batch *b, const struct exp *e,
			uint32_t *seq);

bool ct_batch_full(const struct ct_batch *b);
size_t ct_batch_pending(const struct ct_batch *b);
/* Send and drain: every report reaches the callback before it returns. */
int ct_batch_flush(struct ct_batch *b);
/* Wait for the batch in flight and deliver its reports; its send error
 * if it could not be sent (then none of its requests ran). */
int ct_batch_wait(struct ct_batch *b);
/* Send without waiting (nl_batch_send): the reports of the previous send
 * reach the callback before it returns, those of this one at the next
 * send, flush or wait. */
int ct_batch_send(struct ct_batch *b);
/* Requests sent, sendmsg calls, failure reports, ENOBUFS seen. */
void ct_batch_counts(const struct ct_batch *b, unsigned long *msgs,
		     unsigned long *sends, unsigned long *errors,
		     unsigned long *lost);

#endif
