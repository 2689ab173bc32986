/* conntrack -L -G -D -I -F -C -E expect (-S expect lives with -S).
 *
 * Deliberate differences from 1.4.7 (README):
 *  - -L/-C expect without -f list every family (1.4.7: IPv4 only);
 *  - -D expect exits 0 on success and says "1 expectations have been
 *    deleted." (1.4.7: "0 expectations have been shown.", exit 1). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "conntrack_common.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/exp.h"
#include "netlink/nl.h"

struct exp_list {
	struct ct_print_opts po;
	unsigned long count;
	bool print;
	bool xml_open;
};

static void print_exp(struct exp_list *l, const struct exp *e)
{
	if (l->po.flags & CT_OF_JSON) {
		exp_print_json(out_stdout, e, &l->po);
	} else if (l->po.flags & CT_OF_XML) {
		if (!l->xml_open) {
			ct_print_xml_header(out_stdout, "expect");
			l->xml_open = true;
		}
		exp_print_xml(out_stdout, e, &l->po);
	} else {
		exp_print_text(out_stdout, e, &l->po);
	}
}

static int on_exp(const struct exp *e, enum ct_event ev, void *data)
{
	struct exp_list *l = data;

	(void)ev;
	if (l->print)
		print_exp(l, e);
	l->count++;
	return 0;
}

/* The family to ask the kernel for: only what -f or an address says. */
static uint8_t asked_family(const struct ct_cmd *cmd)
{
	const struct exp *e = &cmd->exp;

	if (cmd->options & (1u << OPT_FAMILY))
		return cmd->family;
	if (e->master.l3)
		return e->master.l3;
	if (e->tuple.l3)
		return e->tuple.l3;
	return cmd->tmpl.orig.l3;
}

/* cmd->exp as the kernel wants it: the master tuple (-s -d -p --sport
 * --dport), the expected tuple (--tuple-*) and the mask (--mask-*), each
 * with its l3 and l4 protocol. */
static void complete(const struct ct_cmd *cmd, struct exp *e)
{
	*e = cmd->exp;
	if (!exp_has(e, EXP_A_MASTER) && cmd->tmpl.orig.present) {
		e->master = cmd->tmpl.orig;
		e->master.present &= ~CT_T_ZONE;
	}
	if (e->master.present)
		exp_set(e, EXP_A_MASTER);
	if (e->tuple.present)
		exp_set(e, EXP_A_TUPLE);
	if (e->mask.present)
		exp_set(e, EXP_A_MASK);
	if (!e->master.l3)
		e->master.l3 = asked_family(cmd) ? asked_family(cmd) : AF_INET;
	if (!e->tuple.l3)
		e->tuple.l3 = e->master.l3;
	if (!e->mask.l3)
		e->mask.l3 = e->master.l3;
	if (cmd->l4 && !(e->master.present & CT_T_L4)) {
		e->master.l4 = cmd->l4;
		e->master.present |= CT_T_L4;
	}
	if (exp_has(e, EXP_A_TUPLE) && !(e->tuple.present & CT_T_L4) &&
	    (e->master.present & CT_T_L4)) {
		e->tuple.l4 = e->master.l4;
		e->tuple.present |= CT_T_L4;
	}
	if (exp_has(e, EXP_A_MASK) && !(e->mask.present & CT_T_L4) &&
	    (e->master.present & CT_T_L4)) {
		e->mask.l4 = e->master.l4;
		e->mask.present |= CT_T_L4;
	}
	if (!exp_has(e, EXP_A_ZONE) && ct_has(&cmd->tmpl, CT_A_ZONE)) {
		e->zone = cmd->tmpl.zone;
		exp_set(e, EXP_A_ZONE);
	}
	e->family = e->master.l3;
}

static int exp_list(struct ct_cmd *cmd, bool print)
{
	struct exp_list l;
	struct nl *nl = ct_open_nl(0);
	int r;

	memset(&l, 0, sizeof(l));
	ct_print_opts_init(&l.po, cmd);
	l.po.now_ns = 0;
	l.print = print;
	r = exp_nl_dump(nl, (cmd->options & (1u << OPT_FAMILY)) ?
			cmd->family : 0, on_exp, &l);
	if (r < 0 && r != -EINTR)
		ct_op_failed(cmd->cmd, r);
	nl_close(nl);
	if (!print) {
		out_u64(out_stdout, l.count);
		out_putc(out_stdout, '\n');
		return 0;
	}
	if (l.xml_open)
		ct_xml_close("expect");
	warn_msg("%lu expectations have been shown.", l.count);
	return 0;
}

/* 1.4.7 sends the -s/-d tuple as CTA_EXPECT_MASTER and the kernel looks
 * the expectation up by it as its expected tuple: keep that, it is the
 * only lookup the kernel offers. */
int ct_cmd_exp_get(struct ct_cmd *cmd)
{
	struct exp_list l;
	struct exp e;
	struct nl *nl = ct_open_nl(0);
	int r;

	complete(cmd, &e);
	e.present &= ~(CT_BIT(EXP_A_TUPLE) | CT_BIT(EXP_A_MASK) |
		       CT_BIT(EXP_A_TIMEOUT));
	memset(&l, 0, sizeof(l));
	ct_print_opts_init(&l.po, cmd);
	l.po.now_ns = 0;
	l.print = true;
	r = exp_nl_get(nl, &e, on_exp, &l);
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	nl_close(nl);
	if (l.xml_open)
		ct_print_xml_footer(out_stdout, "expect");
	return 0;
}

int ct_cmd_exp_delete(struct ct_cmd *cmd)
{
	struct exp e;
	struct nl *nl = ct_open_nl(0);
	int r;

	complete(cmd, &e);
	/* the -s/-d tuple names the expectation (CTA_EXPECT_TUPLE) */
	e.tuple = e.master;
	e.present = CT_BIT(EXP_A_TUPLE) | (e.present & CT_BIT(EXP_A_ZONE));
	r = exp_nl_delete(nl, &e);
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	nl_close(nl);
	warn_msg("1 expectations have been deleted.");
	return 0;
}

int ct_cmd_exp_create(struct ct_cmd *cmd)
{
	struct exp e;
	struct nl *nl = ct_open_nl(0);
	int r;

	complete(cmd, &e);
	r = exp_nl_create(nl, &e);
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	nl_close(nl);
	return 0;
}

int ct_cmd_exp_flush(struct ct_cmd *cmd)
{
	struct nl *nl = ct_open_nl(0);
	int r = exp_nl_flush(nl, (cmd->options & (1u << OPT_FAMILY)) ?
			     cmd->family : AF_INET);

	/* upstream says so before it looks at the result */
	warn_msg("expectation table has been emptied.");
	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	nl_close(nl);
	return 0;
}

int ct_cmd_exp_list(struct ct_cmd *cmd)
{
	return exp_list(cmd, true);
}

int ct_cmd_exp_count(struct ct_cmd *cmd)
{
	return exp_list(cmd, false);
}
