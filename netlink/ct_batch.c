/* Conntrack requests through the batch writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "batch.h"
#include "ct.h"
#include "ct_batch.h"
#include "exp.h"
#include "nl.h"

struct ct_batch {
	struct nl_batch *nb;
	ct_batch_cb cb;
	void *data;
};

static void on_report(uint32_t seq, int err, const struct nlmsghdr *nlh,
		      void *data)
{
	struct ct_batch *b = data;
	struct ct ct;

	if (!nlh) {
		b->cb(seq, err, NULL, b->data);
		return;
	}
	if (nl_msg_subsys(nlh) != NFNL_SUBSYS_CTNETLINK)
		return;
	/* A reply we cannot read is the kernel's fault, not the entry's:
	 * report it as such rather than drop it silently. */
	if (ct_nl_parse(nlh, &ct) < 0) {
		b->cb(seq, -EBADMSG, NULL, b->data);
		return;
	}
	b->cb(seq, 0, &ct, b->data);
}

struct ct_batch *ct_batch_new(struct nl *nl, ct_batch_cb cb, void *data)
{
	struct ct_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->cb = cb;
	b->data = data;
	b->nb = nl_batch_new(nl, NL_BATCH_FLUSH_AT, on_report, b);
	if (!b->nb) {
		int e = errno;

		free(b);
		errno = e;
		return NULL;
	}
	return b;
}

void ct_batch_free(struct ct_batch *b)
{
	if (!b)
		return;
	nl_batch_free(b->nb);
	free(b);
}

static int queue(struct ct_batch *b, uint16_t type, uint16_t flags,
		 const struct ct *ct, unsigned int bflags, size_t cost,
		 uint32_t *seq)
{
	struct nlmsghdr *nlh;
	size_t room;
	void *buf = nl_batch_room(b->nb, &room);

	nlh = ct_nl_build(buf, room, type, flags, ct_l3(ct), ct, bflags);
	if (!nlh)
		return -errno;
	return nl_batch_add(b->nb, nlh, cost, seq);
}

/* Only what the kernel looks an entry up by. */
static void key_of(struct ct *key, const struct ct *ct, bool with_id)
{
	ct_init(key);
	key->family = ct->family;
	key->orig = ct->orig;
	ct_set(key, CT_A_ORIG);
	if (ct_has(ct, CT_A_ZONE)) {
		key->zone = ct->zone;
		ct_set(key, CT_A_ZONE);
	}
	if (with_id && ct_has(ct, CT_A_ID)) {
		key->id = ct->id;
		ct_set(key, CT_A_ID);
	}
}

int ct_batch_delete(struct ct_batch *b, const struct ct *ct, uint32_t *seq)
{
	struct ct key;

	key_of(&key, ct, true);
	return queue(b, IPCTNL_MSG_CT_DELETE, 0, &key, CT_BUILD_ID,
		     NL_BATCH_COST_ERR, seq);
}

int ct_batch_update(struct ct_batch *b, const struct ct *ct, bool get,
		    uint32_t *seq)
{
	struct ct key;
	int r;

	r = queue(b, IPCTNL_MSG_CT_NEW, 0, ct, CT_BUILD_CONFIRMED,
		  NL_BATCH_COST_ERR, seq);
	if (r < 0 || !get)
		return r;
	key_of(&key, ct, false);
	return queue(b, IPCTNL_MSG_CT_GET, 0, &key, 0, NL_BATCH_COST_OBJ,
		     NULL);
}

int ct_batch_create(struct ct_batch *b, const struct ct *ct, uint32_t *seq)
{
	return queue(b, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, ct,
		     CT_BUILD_CONFIRMED, NL_BATCH_COST_ERR, seq);
}

static int queue_exp(struct ct_batch *b, uint16_t type, uint16_t flags,
		     const struct exp *e, uint32_t *seq)
{
	struct nlmsghdr *nlh;
	size_t room;
	void *buf = nl_batch_room(b->nb, &room);

	nlh = exp_nl_build(buf, room, type, flags, e->tuple.l3, e);
	if (!nlh)
		return -errno;
	return nl_batch_add(b->nb, nlh, NL_BATCH_COST_ERR, seq);
}

int ct_batch_exp_create(struct ct_batch *b, const struct exp *e,
			uint32_t *seq)
{
	return queue_exp(b, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL, e,
			 seq);
}

int ct_batch_exp_delete(struct ct_batch *b, const struct exp *e,
			uint32_t *seq)
{
	struct exp key;

	if (!exp_has(e, EXP_A_TUPLE))
		return -EINVAL;
	memset(&key, 0, sizeof(key));
	key.tuple = e->tuple;
	exp_set(&key, EXP_A_TUPLE);
	if (exp_has(e, EXP_A_ZONE)) {
		key.zone = e->zone;
		exp_set(&key, EXP_A_ZONE);
	}
	return queue_exp(b, IPCTNL_MSG_EXP_DELETE, 0, &key, seq);
}

bool ct_batch_full(const struct ct_batch *b)
{
	return nl_batch_full(b->nb);
}

size_t ct_batch_pending(const struct ct_batch *b)
{
	return nl_batch_pending(b->nb);
}

int ct_batch_flush(struct ct_batch *b)
{
	return nl_batch_flush(b->nb);
}

int ct_batch_wait(struct ct_batch *b)
{
	return nl_batch_wait(b->nb);
}

int ct_batch_send(struct ct_batch *b)
{
	return nl_batch_send(b->nb);
}

void ct_batch_counts(const struct ct_batch *b, unsigned long *msgs,
		     unsigned long *sends, unsigned long *errors,
		     unsigned long *lost)
{
	const struct nl_batch_stats *st = nl_batch_stats(b->nb);

	*msgs = st->msgs;
	*sends = st->sends;
	*errors = st->errors;
	*lost = st->lost;
}
