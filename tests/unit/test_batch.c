/* The batch writer on a harmless bus: NETLINK_ROUTE NOOPs with ACK (the
 * kernel acknowledges control messages without running anything), a
 * message type rtnetlink refuses, and a GETLINK of the loopback device.
 * Checks the framing, seq numbering and per-seq reports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink/batch.h"
#include "netlink/nl.h"
#include "t.h"

#define MAXSEEN 5000

static struct {
	unsigned long acks, errors, data, lost;
	uint32_t err_seq, data_seq;
	int err;
	uint32_t seen[MAXSEEN];
	size_t nseen;
} rep;

static void on_rep(uint32_t seq, int err, const struct nlmsghdr *nlh,
		   void *data)
{
	(void)data;
	if (seq == 0 && err == -ENOBUFS) {
		rep.lost++;
		return;
	}
	if (rep.nseen < MAXSEEN)
		rep.seen[rep.nseen++] = seq;
	if (nlh) {
		rep.data++;
		rep.data_seq = seq;
	} else if (err) {
		rep.errors++;
		rep.err_seq = seq;
		rep.err = err;
	} else {
		rep.acks++;
	}
}

static struct nlmsghdr *put(struct nl_batch *b, uint16_t type, uint16_t flags,
			    size_t extra)
{
	size_t room;
	struct nlmsghdr *nlh = nl_batch_room(b, &room);

	if (room < NLMSG_SPACE(extra))
		return NULL;
	nlh->nlmsg_len = NLMSG_LENGTH(extra);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

int main(void)
{
	struct nl *nl = nl_open(NETLINK_ROUTE, 0);
	struct nl_batch *b;
	struct nlmsghdr *nlh;
	uint32_t seq[8], s;
	size_t room, i;
	bool ordered;
	int r;

	CHECK(nl != NULL, "open a NETLINK_ROUTE socket");
	if (!nl)
		T_DONE();
	b = nl_batch_new(nl, 4096, on_rep, NULL);
	CHECK(b != NULL, "batch over it");
	if (!b)
		T_DONE();
	nl_batch_room(b, &room);
	CHECK(room >= 4096 && room == 8192, "room is twice the flush threshold (%zu)", room);

	/* three ACKed NOOPs, a refused type, a GETLINK of lo, a silent NOOP */
	for (i = 0; i < 3; i++) {
		nlh = put(b, NLMSG_NOOP, NLM_F_ACK, 0);
		r = nl_batch_add(b, nlh, NL_BATCH_COST_ERR, &seq[i]);
		CHECK_EQ(r, 0, "queue NOOP %zu", i);
	}
	CHECK_EQ(seq[1], seq[0] + 1, "seqs are consecutive");
	CHECK_EQ(seq[2], seq[0] + 2, "seqs are consecutive (2)");
	nlh = put(b, 0x3ff, 0, 0);
	nl_batch_add(b, nlh, NL_BATCH_COST_ERR, &seq[3]);
	nlh = put(b, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)NLMSG_DATA(nlh))->ifi_index = 1;
	nl_batch_add(b, nlh, NL_BATCH_COST_OBJ, &seq[4]);
	nlh = put(b, NLMSG_NOOP, 0, 0);
	nl_batch_add(b, nlh, NL_BATCH_COST_ERR, &seq[5]);
	CHECK_EQ(nl_batch_pending(b), 6, "six requests pending");
	CHECK(!nl_batch_full(b), "a few small requests do not fill the batch");
	r = nl_batch_flush(b);
	CHECK_EQ(r, 0, "flush");
	CHECK_EQ(nl_batch_pending(b), 0, "nothing pending after the flush");
	CHECK_EQ(rep.acks, 3, "one ACK per NOOP that asked for it");
	CHECK_EQ(rep.errors, 1, "one failure report");
	CHECK_EQ(rep.err_seq, seq[3], "the failure carries the refused request's seq");
	CHECK(rep.err < 0, "the failure is a -errno (%d)", rep.err);
	CHECK_EQ(rep.data, 1, "one data reply");
	CHECK_EQ(rep.data_seq, seq[4], "the data reply carries the GET's seq");
	CHECK_EQ(nl_batch_stats(b)->sends, 1, "all six went in one sendmsg");
	CHECK_EQ(nl_batch_stats(b)->msgs, 6, "six requests counted");

	/* a message not built at the room is refused */
	{
		char other[64];

		memset(other, 0, sizeof(other));
		nlh = (struct nlmsghdr *)other;
		nlh->nlmsg_len = NLMSG_LENGTH(0);
		CHECK_EQ(nl_batch_add(b, nlh, 0, &s), -EINVAL,
			 "a message outside the batch buffer is refused");
	}
	/* a message claiming more than the room is refused */
	nlh = nl_batch_room(b, &room);
	nlh->nlmsg_len = (uint32_t)room + 16;
	CHECK_EQ(nl_batch_add(b, nlh, 0, &s), -EINVAL,
		 "a message longer than the room is refused");

	/* 3000 ACKed NOOPs, flushed whenever the batch says so */
	memset(&rep, 0, sizeof(rep));
	for (i = 0; i < 3000; i++) {
		nlh = put(b, NLMSG_NOOP, NLM_F_ACK, 0);
		if (!nlh || nl_batch_add(b, nlh, NL_BATCH_COST_ERR, NULL) < 0)
			break;
		if (nl_batch_full(b) && nl_batch_flush(b) < 0)
			break;
	}
	nl_batch_flush(b);
	CHECK_EQ(i, 3000, "3000 requests queued");
	CHECK_EQ(rep.acks, 3000, "3000 ACKs, none lost");
	CHECK_EQ(rep.lost, 0, "no ENOBUFS");
	CHECK(nl_batch_stats(b)->sends >= 3000 * 16 / 4096 &&
	      nl_batch_stats(b)->sends < 100,
	      "many requests per sendmsg (%lu sends)", nl_batch_stats(b)->sends);
	ordered = rep.nseen == 3000;
	for (i = 1; i < rep.nseen; i++)
		if (rep.seen[i] != rep.seen[i - 1] + 1)
			ordered = false;
	CHECK(ordered, "reports arrive in request order");
	{
		unsigned long before = nl_batch_stats(b)->sends;

		nl_batch_flush(b);
		CHECK_EQ(nl_batch_stats(b)->sends, before,
			 "flushing an empty batch sends nothing");
	}
	/* Overflow the receive queue on purpose (tiny buffer, replies the
	 * batch was told cost nothing): the loss is reported, the batch
	 * goes on working. */
	memset(&rep, 0, sizeof(rep));
	nl_set_rcvbuf(nl, 1024, false, NULL);
	for (i = 0; i < 200; i++) {
		nlh = put(b, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
		((struct ifinfomsg *)NLMSG_DATA(nlh))->ifi_index = 1;
		nl_batch_add(b, nlh, 0, NULL);
	}
	CHECK_EQ(nl_batch_flush(b), 0, "a flush whose replies overflow still succeeds");
	CHECK(rep.lost >= 1, "the overflow is reported as lost reports");
	CHECK(rep.data < 200, "some replies were indeed dropped (%lu seen)", rep.data);
	CHECK_EQ(nl_batch_stats(b)->lost, rep.lost, "and counted");
	memset(&rep, 0, sizeof(rep));
	nlh = put(b, NLMSG_NOOP, NLM_F_ACK, 0);
	nl_batch_add(b, nlh, 0, &s);
	nl_batch_flush(b);
	CHECK(rep.acks == 1 && rep.seen[0] == s, "the batch works after an overflow");
	nl_batch_free(b);
	nl_close(nl);
	T_DONE();
}
