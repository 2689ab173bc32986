/* conntrack -G, -I, -A and -F: summary lines and exit codes as 1.4.7. */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "conntrack_modify.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/nl.h"

/* -G: upstream's callback shows what passes the -L filter (-i, -l …). */
struct get_ctx {
	const struct ct_cmd *cmd;
	struct ct_shown sh;
};

static int get_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct get_ctx *g = data;

	(void)ev;
	if (ct_filter_match(&g->cmd->filter, ct))
		ct_show(&g->sh, ct);
	return 0;
}

int ct_cmd_get(struct ct_cmd *cmd)
{
	struct ct_sess *s = ct_sess_get(false);
	struct get_ctx g = { .cmd = cmd };
	int r;

	ct_print_opts_init(&g.sh.po, cmd);
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
	warn_msg("%lu flow entries have been shown.", g.sh.count);
	return g.sh.count ? 0 : OTHER_PROBLEM;
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

/* ICMP has no reply options: a reply tuple given by its addresses gets
 * the reply to the original's type, with its code and id, as
 * libnetfilter_conntrack fills them in (the kernel refuses an ICMP tuple
 * without them).  1.4.7 does so only when the family is known before
 * --icmp-type; we do whatever the order (README). */
static void reply_icmp(struct ct_tuple *r, const struct ct_tuple *o)
{
	const uint32_t icmp = CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
	int type;

	if ((r->present & icmp) || !(o->present & icmp))
		return;
	if (o->present & CT_T_ICMP_TYPE) {
		type = ct_icmp_reply_type(o->l3, o->icmp_type);
		/* no reply type: 1.4.7 sends 255, which the kernel refuses */
		r->icmp_type = type < 0 ? 255 : (uint8_t)type;
	}
	r->icmp_code = o->icmp_code;
	r->icmp_id = o->icmp_id;
	r->present |= o->present & icmp;
	r->l4 = o->l4;
	r->present |= CT_T_L4;
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
	} else if (c->reply.present & addrs) {
		reply_icmp(&c->reply, &c->orig);
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
	return ct_sess_run(cmd, ct_do_create,
			   cmd->cmd == CMD_ADD ? "added" : "created", false);
}

/* -F, alone or as a line of -R */
void ct_do_flush(struct ct_cmd *cmd, struct ct_sess *s)
{
	struct ct_kfilter kf;
	int r;

	memset(&kf, 0, sizeof(kf));
	kf.family = cmd->family;
	r = ct_nl_flush(s->nl, &kf);
	/* upstream prints this before it looks at the result */
	warn_msg("connection tracking table has been emptied.");
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
}

int ct_cmd_flush(struct ct_cmd *cmd)
{
	ct_do_flush(cmd, ct_sess_get(false));
	ct_sess_close();
	return 0;
}
