/* conntrack -U: a dump with every filter the kernel can apply, the
 * userspace re-check, and per match an update (CT_NEW without CREATE) and
 * a GET, both through the batch writer (whose thread runs a batch in the
 * kernel while the dump goes on).  The GET's reply is what is printed, as
 * 1.4.7 prints its re-read entry.
 *
 * Where 1.4.7 is broken we do what the command means: each entry is
 * updated in its own family and zone, every updated entry is printed,
 * and no number of matches overflows anything. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "conntrack_modify.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/ct_batch.h"

struct upd_ctx {
	const struct ct_cmd *cmd;
	struct ct_filter filter;
	struct ct_batch *b;
	struct ct_print_opts po;
	uint32_t first_seq;	/* of the first update: updates and GETs alternate */
	bool started;
	uint32_t failed_seq;	/* last update that failed: skip its GET */
	bool failed;
	unsigned long count;
};

static bool is_update_seq(const struct upd_ctx *u, uint32_t seq)
{
	return ((seq - u->first_seq) & 1) == 0;
}

static void on_report(uint32_t seq, int err, const struct ct *ct, void *data)
{
	struct upd_ctx *u = data;

	if (seq == 0 || !u->started)
		return;		/* lost reports: nothing to print for them */
	if (is_update_seq(u, seq)) {
		if (!err)
			return;
		u->failed = true;
		u->failed_seq = seq;
		/* 1.4.7 reports a failed update without its prefix and goes
		 * on; an entry that vanished is no failure */
		if (err != -ENOENT) {
			out_flush(out_stdout);
			say_err("Operation failed: %s",
				ct_err_text(-err, CMD_UPDATE));
		}
		return;
	}
	if (u->failed && seq == u->failed_seq + 1)
		return;
	if (err || !ct)
		return;
	ct_print(out_stdout, ct, &u->po);
	u->count++;
}

/* Labels as 1.4.7 sends them: the kernel's blob length, the bits to set
 * (or to keep) plus a mask of the bits that change. */
static bool labels_update(const struct ct_cmd *cmd, const struct ct *e,
			  struct ct *n)
{
	bool add = cmd->options & (1u << OPT_ADD_LABEL);
	bool changed = false;
	size_t i, words;

	if (!add && !(cmd->options & (1u << OPT_DEL_LABEL)))
		return false;
	if (!add && cmd->label_del_all) {
		/* a short zero blob without a mask: the kernel pads it
		 * with zeroes, clearing every label */
		memset(n->labels, 0, sizeof(n->labels));
		n->labels_len = 4;
		ct_set(n, CT_A_LABELS);
		for (i = 0; ct_has(e, CT_A_LABELS) && i < e->labels_len / 4U; i++)
			if (e->labels[i])
				changed = true;
		return changed;
	}
	if (!ct_has(e, CT_A_LABELS)) {
		if (!add)
			return false;
		memcpy(n->labels, cmd->label_add, sizeof(n->labels));
		n->labels_len = sizeof(n->labels);
		ct_set(n, CT_A_LABELS);
		return true;
	}
	words = e->labels_len / 4;
	if (words > CT_LABEL_WORDS)
		words = CT_LABEL_WORDS;
	for (i = 0; i < words; i++) {
		uint32_t old = e->labels[i];
		uint32_t bits = add ? cmd->label_add[i] : cmd->label_del[i];
		uint32_t now = add ? old | bits : old & ~bits;

		n->labels[i] = add ? bits : now;
		n->labels_mask[i] = bits;
		if (now != old)
			changed = true;
	}
	n->labels_len = (uint8_t)(words * 4);
	n->labels_mask_len = n->labels_len;
	ct_set(n, CT_A_LABELS);
	ct_set(n, CT_A_LABELS_MASK);
	return changed;
}

/* The update for entry e: its original tuple and zone, and the values
 * the command sets.  Returns false when nothing would change (1.4.7
 * skips such entries and does not count them). */
static bool build_update(const struct ct_cmd *cmd, const struct ct *e,
			 struct ct *n)
{
	const struct ct *t = &cmd->tmpl;
	bool changed = false;
	uint8_t l4 = ct_l4(e);

	ct_init(n);
	n->family = ct_l3(e);
	n->orig = e->orig;
	ct_set(n, CT_A_ORIG);
	if (ct_has(e, CT_A_ZONE)) {
		n->zone = e->zone;
		ct_set(n, CT_A_ZONE);
	}
	if (ct_has(t, CT_A_TIMEOUT)) {
		n->timeout = t->timeout;
		ct_set(n, CT_A_TIMEOUT);
		changed |= !ct_has(e, CT_A_TIMEOUT) || e->timeout != t->timeout;
	}
	if (cmd->options & (1u << OPT_STATUS)) {
		n->status = e->status | t->status;
		ct_set(n, CT_A_STATUS);
		changed |= n->status != e->status;
	}
	if (cmd->options & (1u << OPT_MARK)) {
		n->mark = (e->mark & ~cmd->mark_mask) ^ cmd->mark;
		ct_set(n, CT_A_MARK);
		changed |= !ct_has(e, CT_A_MARK) || n->mark != e->mark;
	}
	if (l4 == IPPROTO_TCP && t->orig.l4 == IPPROTO_TCP) {
		static const enum ct_attr a[] = {
			CT_A_TCP_FLAGS_ORIG, CT_A_TCP_FLAGS_REPLY,
		};
		size_t i;

		if (ct_has(t, CT_A_TCP_STATE)) {
			n->tcp.state = t->tcp.state;
			ct_set(n, CT_A_TCP_STATE);
			changed |= e->tcp.state != t->tcp.state;
		}
		for (i = 0; i < 2; i++) {
			if (!ct_has(t, a[i]))
				continue;
			n->tcp.flags[i] = t->tcp.flags[i];
			n->tcp.flags_mask[i] = t->tcp.flags_mask[i];
			ct_set(n, a[i]);
		}
	}
	if (l4 == IPPROTO_SCTP && t->orig.l4 == IPPROTO_SCTP) {
		if (ct_has(t, CT_A_SCTP_STATE)) {
			n->sctp.state = t->sctp.state;
			ct_set(n, CT_A_SCTP_STATE);
			changed |= e->sctp.state != t->sctp.state;
		}
		if (ct_has(t, CT_A_SCTP_VTAG_ORIG)) {
			n->sctp.vtag[0] = t->sctp.vtag[0];
			ct_set(n, CT_A_SCTP_VTAG_ORIG);
			changed |= e->sctp.vtag[0] != t->sctp.vtag[0];
		}
		if (ct_has(t, CT_A_SCTP_VTAG_REPLY)) {
			n->sctp.vtag[1] = t->sctp.vtag[1];
			ct_set(n, CT_A_SCTP_VTAG_REPLY);
			changed |= e->sctp.vtag[1] != t->sctp.vtag[1];
		}
	}
	if (l4 == IPPROTO_DCCP && t->orig.l4 == IPPROTO_DCCP &&
	    ct_has(t, CT_A_DCCP_STATE)) {
		n->dccp.state = t->dccp.state;
		ct_set(n, CT_A_DCCP_STATE);
		changed |= e->dccp.state != t->dccp.state;
	}
	changed |= labels_update(cmd, e, n);
	return changed;
}

static int upd_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct upd_ctx *u = data;
	struct ct n;
	uint32_t seq;
	int r;

	(void)ev;
	if (!ct_filter_match(&u->filter, ct))
		return 0;
	if (!build_update(u->cmd, ct, &n))
		return 0;
	r = ct_batch_update(u->b, &n, true, &seq);
	if (r < 0)
		ct_op_failed(CMD_UPDATE, r);
	if (!u->started) {
		u->first_seq = seq;
		u->started = true;
	}
	/* the writer thread runs this batch while the dump goes on; the
	 * previous batch's GET replies are printed now */
	if (ct_batch_full(u->b) && (r = ct_batch_send(u->b)) < 0)
		ct_op_failed(CMD_UPDATE, r);
	return 0;
}

unsigned long ct_do_update(struct ct_cmd *cmd, struct ct_sess *s)
{
	struct upd_ctx u = { .cmd = cmd };
	struct ct_kfilter kf;
	struct ct *ft;
	int r;

	/* On -U only the tuples, the id, NAT, labels and networks select
	 * entries; mark, status, state, timeout are values to write. */
	u.filter = cmd->filter;
	u.filter.mark = false;
	u.filter.status = false;
	u.filter.secmark = false;
	ft = &u.filter.tmpl;
	ft->present &= CT_BIT(CT_A_ORIG) | CT_BIT(CT_A_REPLY) | CT_BIT(CT_A_ID);
	ct_filter_kernel(&u.filter, &kf, false);
	kf.family = cmd->family;

	ct_print_opts_init(&u.po, cmd);
	u.po.flags &= ~(unsigned int)CT_OF_KTIMESTAMP;
	u.po.save_prefix = "-A";
	u.b = ct_sess_batch(s, on_report, &u);
	r = ct_nl_dump(s->nl, CT_TABLE_CONNTRACK, false, &kf, upd_one, &u);
	if (r < 0 && r != -EINTR)
		ct_op_failed(CMD_UPDATE, r);
	if ((r = ct_batch_flush(u.b)) < 0)
		ct_op_failed(CMD_UPDATE, r);
	s->cb = NULL;
	return u.count;
}

int ct_cmd_update(struct ct_cmd *cmd)
{
	return ct_sess_run(cmd, ct_do_update, "updated", true);
}
