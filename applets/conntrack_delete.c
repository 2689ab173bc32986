/* conntrack -D.  Every way gives 1.4.7's output (each deleted entry on
 * stdout, then the count):
 *  - a complete tuple: one GET, then its DELETE, no dump;
 *  - otherwise a dump with every filter the kernel can apply, the
 *    userspace re-check, and the matches streamed as DELETEs through the
 *    batch writer, whose thread runs one batch in the kernel while the
 *    dump goes on.  A line is printed once its DELETE is known to have
 *    worked: an entry that vanished meanwhile (ENOENT) is neither printed
 *    nor counted, and does not stop the run; one that failed otherwise
 *    is not printed either, and stops the run.
 * No filtered flush for many matches: it would delete entries the dump
 * never saw and report ones that vanished meanwhile. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conntrack_modify.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/ct_batch.h"

/* Lines waiting for the fate of their DELETE: those of the batch in
 * flight and of the one being filled.  Fixed sizes: the batches are
 * flushed before either fills. */
#define PEND_TEXT	(512 * 1024)
#define PEND_ITEMS	8192

struct pend_item {
	uint32_t seq;
	uint32_t off;
	uint32_t len;
	bool dead;
};

struct del_ctx {
	const struct ct_cmd *cmd;
	bool direct;		/* entries come from a GET, not a dump */
	struct ct_batch *b;
	struct ct_print_opts po;
	struct out pend;
	struct pend_item *items;
	size_t n;
	size_t sent;		/* items[0..sent) were handed to the writer */
	unsigned long count;
	unsigned long vanished;
	int fatal;		/* first failure other than ENOENT */
};

static struct pend_item *find_item(struct del_ctx *d, uint32_t seq)
{
	size_t lo = 0, hi = d->n;

	/* seqs grow by one per request within a batch */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t rel = d->items[mid].seq - d->items[0].seq;

		if (rel == seq - d->items[0].seq)
			return &d->items[mid];
		if (rel < seq - d->items[0].seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void on_report(uint32_t seq, int err, const struct ct *ct, void *data)
{
	struct del_ctx *d = data;
	struct pend_item *it;

	(void)ct;
	/* Lost reports (ENOBUFS): the DELETEs did run and failures are rare
	 * (a vanished entry), so their lines stay. */
	if (err == 0 || seq == 0 || d->n == 0)
		return;
	it = find_item(d, seq);
	if (!it)
		return;
	it->dead = true;
	if (err == -ENOENT)
		d->vanished++;
	else if (!d->fatal)
		d->fatal = err;
}

/* Print the lines of items[0..upto), whose reports are all in, and keep
 * the rest for later. */
static void commit(struct del_ctx *d, size_t upto)
{
	size_t i, off;

	for (i = 0; i < upto; i++) {
		if (d->items[i].dead)
			continue;
		out_write(out_stdout, d->pend.buf + d->items[i].off,
			  d->items[i].len);
		d->count++;
	}
	if (upto == d->n) {
		d->n = d->sent = 0;
		d->pend.len = 0;
		return;
	}
	off = d->items[upto].off;
	memmove(d->pend.buf, d->pend.buf + off, d->pend.len - off);
	d->pend.len -= off;
	memmove(d->items, d->items + upto, (d->n - upto) * sizeof(*d->items));
	d->n -= upto;
	d->sent -= upto;
	for (i = 0; i < d->n; i++)
		d->items[i].off -= (uint32_t)off;
}

/* items[from..to) were in a batch that could not be sent: none of them
 * ran, none is printed. */
static void unsent(struct del_ctx *d, size_t from, size_t to, int err)
{
	size_t i;

	for (i = from; i < to; i++)
		d->items[i].dead = true;
	if (!d->fatal)
		d->fatal = err;
}

/* Run everything queued and wait for it; print what worked. */
static void flush_batch(struct del_ctx *d)
{
	int r = ct_batch_wait(d->b);

	if (r < 0)
		unsent(d, 0, d->sent, r);
	r = ct_batch_flush(d->b);
	if (r < 0)
		unsent(d, d->sent, d->n, r);
	commit(d, d->n);
	if (d->fatal)
		ct_op_failed(CMD_DELETE, d->fatal);
}

/* Hand the queued DELETEs to the writer thread; the batch sent before
 * them has then finished, and its lines are printed. */
static void send_batch(struct del_ctx *d)
{
	size_t done = d->sent;
	int r = ct_batch_send(d->b);

	if (r < 0)
		unsent(d, 0, done, r);
	d->sent = d->n;
	commit(d, done);
	if (d->fatal)
		flush_batch(d);		/* prints what worked, then fails */
}

static void print_line(struct out *o, const struct ct *ct,
		       const struct ct_print_opts *po)
{
	if ((po->flags & CT_OF_SAVE) && !ct_save_supported(ct))
		warn_msg("WARNING: unsupported l3proto %u, skipping.", ct_l3(ct));
	ct_print(o, ct, po);
}

static int queue_delete(struct del_ctx *d, const struct ct *ct)
{
	struct pend_item *it;
	uint32_t seq;
	size_t off;
	int r;

	if (d->n == PEND_ITEMS || d->pend.cap - d->pend.len < OUT_RECORD_MAX)
		flush_batch(d);
	off = d->pend.len;
	print_line(&d->pend, ct, &d->po);
	if (d->pend.err) {
		/* A record longer than the room left is refused whole:
		 * settle the pending lines, then the empty buffer holds it
		 * (the longest record a kernel entry and a label map can
		 * make is far below PEND_TEXT). */
		d->pend.err = 0;
		d->pend.full = false;
		flush_batch(d);
		off = d->pend.len;
		print_line(&d->pend, ct, &d->po);
		if (d->pend.err)
			ct_op_failed(CMD_DELETE, d->pend.err);
	}
	r = ct_batch_delete(d->b, ct, &seq);
	if (r < 0)
		ct_op_failed(CMD_DELETE, r);
	it = &d->items[d->n++];
	it->seq = seq;
	it->off = (uint32_t)off;
	it->len = (uint32_t)(d->pend.len - off);
	it->dead = false;
	if (ct_batch_full(d->b))
		send_batch(d);
	return 0;
}

static int del_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct del_ctx *d = data;
	struct ct got;

	(void)ev;
	if (d->direct && ct->use > 1) {
		/* the GET's own reference: a dump would show one less */
		got = *ct;
		got.use--;
		ct = &got;
	}
	if (d->cmd->family && ct_l3(ct) != d->cmd->family)
		return 0;
	if (!ct_filter_match(&d->cmd->filter, ct))
		return 0;
	return queue_delete(d, ct);
}

static bool l4_has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP ||
	       l4 == IPPROTO_UDPLITE || l4 == IPPROTO_SCTP ||
	       l4 == IPPROTO_DCCP;
}

/* A tuple the kernel can look up as it is, in the zone of -w (zone 0
 * without it: 1.4.7 would also delete that tuple in other zones, which
 * costs a walk of the whole table; README lists the difference).  GRE is
 * left out: 1.4.7's filter never compares GRE keys, so a keyed lookup
 * would find less.  So are directional zones: the lookup zone is plain. */
static bool full_tuple(const struct ct_cmd *cmd)
{
	const struct ct_tuple *t = &cmd->tmpl.orig;
	uint32_t need = CT_T_SRC | CT_T_DST | CT_T_L4;

	if (cmd->options & (1u << OPT_MASK_SRC | 1u << OPT_MASK_DST |
			    1u << OPT_ORIG_ZONE | 1u << OPT_REPL_ZONE))
		return false;
	if ((t->present & need) != need)
		return false;
	if (l4_has_ports(t->l4))
		return (t->present & (CT_T_SPORT | CT_T_DPORT)) ==
		       (CT_T_SPORT | CT_T_DPORT);
	if (t->l4 == IPPROTO_ICMP || t->l4 == IPPROTO_ICMPV6)
		return (t->present & (CT_T_ICMP_TYPE | CT_T_ICMP_CODE |
				      CT_T_ICMP_ID)) ==
		       (CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID);
	return t->l4 != IPPROTO_GRE;
}

static void del_print_opts(struct ct_print_opts *po, const struct ct_cmd *cmd)
{
	ct_print_opts_init(po, cmd);
	/* 1.4.7's delete callback knows neither ktimestamp nor labels */
	po->flags &= ~(unsigned int)(CT_OF_KTIMESTAMP | CT_OF_LABELS);
	po->labels = NULL;
	po->save_prefix = "-D";
}

unsigned long ct_do_delete(struct ct_cmd *cmd, struct ct_sess *s)
{
	struct del_ctx d = { .cmd = cmd };
	struct ct_kfilter kf;
	char *text;
	int r;

	ct_filter_kernel(&cmd->filter, &kf, false);
	kf.family = cmd->family;
	text = malloc(PEND_TEXT);
	d.items = malloc(PEND_ITEMS * sizeof(*d.items));
	if (!text || !d.items)
		ct_exit_error(OTHER_PROBLEM, "Operation failed: %s",
			      err_str(ENOMEM));
	out_init(&d.pend, -1, text, PEND_TEXT);
	del_print_opts(&d.po, cmd);
	d.b = ct_sess_batch(s, on_report, &d);

	if (full_tuple(cmd)) {
		struct ct key;

		ct_init(&key);
		key.orig = cmd->tmpl.orig;
		key.orig.present &= ~CT_T_ZONE;
		ct_set(&key, CT_A_ORIG);
		if (cmd->options & (1u << OPT_ZONE)) {
			key.zone = cmd->tmpl.zone;
			ct_set(&key, CT_A_ZONE);
		}
		d.direct = true;
		r = ct_nl_get(s->nl, &key, del_one, &d);
		if (r == -ENOENT)
			r = 0;
	} else {
		r = ct_nl_dump(s->nl, CT_TABLE_CONNTRACK, false, &kf, del_one,
			       &d);
	}
	/* an interrupted dump still handed over every entry it saw */
	if (r < 0 && r != -EINTR) {
		flush_batch(&d);
		ct_op_failed(CMD_DELETE, r);
	}
	flush_batch(&d);
	s->cb = NULL;
	free(text);
	free(d.items);
	return d.count;
}

int ct_cmd_delete(struct ct_cmd *cmd)
{
	return ct_sess_run(cmd, ct_do_delete, "deleted", true);
}
