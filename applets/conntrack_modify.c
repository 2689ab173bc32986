/* conntrack -G, -I, -A, and the entry points of -U and -D: summary lines
 * and exit codes as 1.4.7.  The shared sockets live here too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "conntrack.h"
#include "conntrack_modify.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/nl.h"

static struct ct_sess sess;

static struct nl *open_nl(void)
{
	struct nl *nl = nl_open(NETLINK_NETFILTER, 0);

	if (!nl) {
		say_err("mnl_socket_open: %s", err_str(errno));
		ct_exit_error(OTHER_PROBLEM, "Can't open handler");
	}
	return nl;
}

struct ct_sess *ct_sess_get(bool load)
{
	if (!sess.nl)
		sess.nl = open_nl();
	sess.load = load;
	return &sess;
}

static void sess_report(uint32_t seq, int err, const struct ct *ct, void *data)
{
	struct ct_sess *s = data;

	if (s->cb)
		s->cb(seq, err, ct, s->cb_data);
}

struct ct_batch *ct_sess_batch(struct ct_sess *s, ct_batch_cb cb, void *data)
{
	if (!s->batch) {
		s->wnl = open_nl();
		s->batch = ct_batch_new(s->wnl, sess_report, s);
		if (!s->batch)
			ct_exit_error(OTHER_PROBLEM, "Operation failed: %s",
				      err_str(errno));
	}
	s->cb = cb;
	s->cb_data = data;
	return s->batch;
}

void ct_sess_close(void)
{
	ct_batch_free(sess.batch);
	nl_close(sess.wnl);
	nl_close(sess.nl);
	memset(&sess, 0, sizeof(sess));
}

void ct_op_failed(enum ct_command cmd, int err)
{
	ct_exit_error(OTHER_PROBLEM, "Operation failed: %s",
		      ct_err_text(err < 0 ? -err : err, cmd));
}

/* -G: upstream's callback shows what passes the -L filter (-i, -l …). */
struct get_ctx {
	const struct ct_cmd *cmd;
	struct ct_print_opts po;
	unsigned long count;
	bool xml_open;
};

static int get_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct get_ctx *g = data;

	(void)ev;
	if (!ct_filter_match(&g->cmd->filter, ct))
		return 0;
	if ((g->cmd->output & CT_OF_XML) && !(g->cmd->output & CT_OF_SAVE) &&
	    !g->xml_open) {
		ct_print_xml_header(out_stdout, "conntrack");
		g->xml_open = true;
	}
	ct_print(out_stdout, ct, &g->po);
	g->count++;
	return 0;
}

int ct_cmd_get(struct ct_cmd *cmd)
{
	struct ct_sess *s = ct_sess_get(false);
	struct get_ctx g = { .cmd = cmd };
	int r;

	ct_print_opts_init(&g.po, cmd);
	/* libnetfilter_conntrack refuses a GET without the original
	 * addresses before anything is sent; so do we */
	if ((cmd->tmpl.orig.present & (CT_T_SRC | CT_T_DST)) !=
	    (CT_T_SRC | CT_T_DST))
		ct_op_failed(cmd->cmd, -EINVAL);
	r = ct_nl_get(s->nl, &cmd->tmpl, get_one, &g);
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	/* 1.4.7 opens the XML document on -G and never closes it */
	ct_sess_close();
	warn_msg("%lu flow entries have been shown.", g.count);
	return g.count ? 0 : OTHER_PROBLEM;
}

/* Derive a missing direction, keeping a directional zone given for it. */
static void derive(struct ct_tuple *dst, const struct ct_tuple *src)
{
	uint32_t zbit = dst->present & CT_T_ZONE;
	uint16_t zone = dst->zone;

	ct_tuple_invert(dst, src);
	dst->present |= zbit;
	dst->zone = zone;
}

void ct_create_tmpl(const struct ct_cmd *cmd, struct ct *c)
{
	const uint32_t addrs = CT_T_SRC | CT_T_DST;

	*c = cmd->tmpl;
	/* -p puts the protocol in the original tuple whatever was given:
	 * a direction is given when it has addresses */
	if ((c->orig.present & addrs) && !(c->reply.present & addrs)) {
		derive(&c->reply, &c->orig);
		ct_set(c, CT_A_REPLY);
	} else if ((c->reply.present & addrs) && !(c->orig.present & addrs)) {
		derive(&c->orig, &c->reply);
		ct_set(c, CT_A_ORIG);
	}
	/* directional zones ride in their tuple even when the tuple itself
	 * was derived */
	if (c->orig.present & CT_T_ZONE)
		ct_set(c, CT_A_ORIG);
	if (c->reply.present & CT_T_ZONE)
		ct_set(c, CT_A_REPLY);
}

unsigned long ct_do_create(struct ct_cmd *cmd, struct ct_sess *s)
{
	struct ct c;
	int r;

	ct_create_tmpl(cmd, &c);
	/* 1.4.7 sends NLM_F_EXCL for -A too, and takes EEXIST as "0
	 * added" */
	r = ct_nl_create(s->nl, &c, NLM_F_CREATE | NLM_F_EXCL);
	if (r == -EEXIST && cmd->cmd == CMD_ADD)
		return 0;
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	return 1;
}

int ct_cmd_create(struct ct_cmd *cmd)
{
	struct ct_sess *s = ct_sess_get(false);
	unsigned long n = ct_do_create(cmd, s);

	ct_sess_close();
	warn_msg("%lu flow entries have been %s.", n,
		 cmd->cmd == CMD_ADD ? "added" : "created");
	return 0;
}

int ct_cmd_update(struct ct_cmd *cmd)
{
	struct ct_sess *s = ct_sess_get(false);
	unsigned long n = ct_do_update(cmd, s);

	ct_sess_close();
	warn_msg("%lu flow entries have been updated.", n);
	return n ? 0 : OTHER_PROBLEM;
}

int ct_cmd_delete(struct ct_cmd *cmd)
{
	struct ct_sess *s = ct_sess_get(false);
	unsigned long n = ct_do_delete(cmd, s);

	ct_sess_close();
	warn_msg("%lu flow entries have been deleted.", n);
	return n ? 0 : OTHER_PROBLEM;
}
