/* conntrack's command line, parsed as conntrack-tools 1.4.7 parses it:
 * getopt_long order and quirks (lib/opt.c), then the command/option
 * matrix (conntrack_opts.c) and the translation of what was given into
 * one struct ct_cmd: template, expectation and filter. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conntrack_args.h"
#include "lib/err.h"
#include "lib/proto.h"

/* The word of the current option, as upstream names it in messages. */
static const char *cur_word(const struct parse *p)
{
	return p->argv[p->st.ind - 1];
}

static int table_arg(struct parse *p)
{
	const char *t = arg_optional(p);
	size_t n;

	if (!t)
		return TBL_ARG_CT;
	n = strlen(t);
	if (strncmp("expect", t, n) == 0)
		return TBL_ARG_EXP;
	if (strncmp("conntrack", t, n) == 0)
		return TBL_ARG_CT;
	if (strncmp("dying", t, n) == 0)
		return TBL_ARG_DYING;
	if (strncmp("unconfirmed", t, n) == 0)
		return TBL_ARG_UNCONF;
	PARAM("unknown type `%s'", t);
}

static void add_command(struct parse *p, int c)
{
	if (p->command != CMD_NONE)
		PARAM("Invalid commands combination");
	p->command = c;
}

static void do_command(struct parse *p, int c)
{
	static const struct {
		char c;
		signed char ct, exp;
		const char *long_name;
	} map[] = {
		{ 'L', CMD_LIST, CMD_EXP_LIST, "dump" },
		{ 'I', CMD_CREATE, CMD_EXP_CREATE, "create" },
		{ 'D', CMD_DELETE, CMD_EXP_DELETE, "delete" },
		{ 'G', CMD_GET, CMD_EXP_GET, "get" },
		{ 'F', CMD_FLUSH, CMD_EXP_FLUSH, "flush" },
		{ 'E', CMD_EVENT, CMD_EXP_EVENT, "event" },
		{ 'V', CMD_VERSION, CMD_VERSION, "version" },
		{ 'h', CMD_HELP, CMD_HELP, "help" },
		{ 'C', CMD_COUNT, CMD_EXP_COUNT, "counter" },
		{ 'S', CMD_STATS, CMD_EXP_STATS, "stats" },
		{ 'U', CMD_UPDATE, -1, "update" },
		{ 'A', CMD_ADD, -1, "add" },
	};
	size_t i;
	int t = table_arg(p), n;

	for (i = 0; map[i].c != c; i++)
		;
	if (c == 'L' && (t == TBL_ARG_DYING || t == TBL_ARG_UNCONF)) {
		add_command(p, CMD_LIST);
		p->cmd->table = t == TBL_ARG_DYING ? TBL_DYING : TBL_UNCONFIRMED;
		return;
	}
	if (t == TBL_ARG_DYING || t == TBL_ARG_UNCONF)
		PARAM("Can't do that command with tables `dying' and "
		      "`unconfirmed'");
	n = t == TBL_ARG_EXP ? map[i].exp : map[i].ct;
	if (n < 0)
		PARAM("Can't do --%s on expectations", map[i].long_name);
	add_command(p, n);
	p->cmd->table = t == TBL_ARG_EXP ? TBL_EXPECT : TBL_CONNTRACK;
}

static void parse_one(struct parse *p, int c)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct *t = &cmd->tmpl;
	const char *arg = p->st.arg;
	char *end;

	switch (c) {
	case 'L': case 'I': case 'U': case 'D': case 'G': case 'F':
	case 'E': case 'A': case 'C': case 'h': case 'V': case 'S':
		do_command(p, c);
		break;
	case 's': case 'd': case 'r': case 'q':
	case '[': case ']': case '{': case '}':
		arg_address(p, c, arg, NULL);
		break;
	case 'p':
		arg_proto(p, arg);
		break;
	case 't':
		p->options |= 1u << OPT_TIMEOUT;
		t->timeout = (uint32_t)atol(arg);
		ct_set(t, CT_A_TIMEOUT);
		cmd->exp.timeout = t->timeout;
		exp_set(&cmd->exp, EXP_A_TIMEOUT);
		break;
	case 'u':
		p->options |= 1u << OPT_STATUS;
		arg_status(p, arg);
		t->status = p->status;
		ct_set(t, CT_A_STATUS);
		if (!p->kstatus_mask)
			p->kstatus_mask = p->status;
		p->kstatus = true;
		break;
	case 'e':
		p->options |= 1u << OPT_EVENT_MASK;
		arg_list(arg, ct_event_words, &cmd->event_mask);
		break;
	case 'o':
		p->options |= 1u << OPT_OUTPUT;
		arg_list(arg, ct_output_words, &cmd->output);
		if (cmd->output & CT_OF_LABELS)
			ct_labelmap_load();
		/* 1.4.7 takes -o save,userspace */
		if ((cmd->output & CT_OF_SAVE) &&
		    (cmd->output & ~(CT_OF_SAVE | CT_OF_USERSPACE)))
			ct_exit_error(OTHER_PROBLEM, "cannot combine save output "
				      "with any other output type, use -o save "
				      "only");
		break;
	case 'z':
		p->options |= 1u << OPT_ZERO;
		break;
	case 'n': case 'g': case 'j':
		arg_nat(p, c);
		break;
	case 'w':
		p->options |= 1u << OPT_ZONE;
		t->zone = arg_zone(arg);
		ct_set(t, CT_A_ZONE);
		break;
	case '(':
		p->options |= 1u << OPT_ORIG_ZONE;
		t->orig.zone = arg_zone(arg);
		t->orig.present |= CT_T_ZONE;
		break;
	case ')':
		p->options |= 1u << OPT_REPL_ZONE;
		t->reply.zone = arg_zone(arg);
		t->reply.present |= CT_T_ZONE;
		break;
	case 'i':
		/* upstream crashes on a detached --id argument: take it */
		if (!arg) {
			if (p->st.ind >= p->argc)
				PARAM("option `%s' requires an argument",
				      cur_word(p));
			arg = p->argv[p->st.ind++];
		}
		p->options |= 1u << OPT_ID;
		cmd->id = (uint32_t)strtoul(arg, NULL, 0);
		t->id = cmd->id;
		ct_set(t, CT_A_ID);
		break;
	case 'c':
		p->options |= 1u << OPT_SECMARK;
		t->secmark = (uint32_t)strtoul(arg, NULL, 0);
		ct_set(t, CT_A_SECMARK);
		break;
	case 'm':
		p->options |= 1u << OPT_MARK;
		p->mark = true;
		p->mark_val = (uint32_t)strtoul(arg, &end, 0);
		p->mark_mask = *end == '/' ? (uint32_t)strtoul(end + 1, NULL, 0)
					   : 0xffffffffu;
		break;
	case 'l': case '<': case '>':
		arg_label(p, c);
		break;
	case 'a':
		say_err("WARNING: ignoring -%c, deprecated option.", c);
		break;
	case 'f':
		p->options |= 1u << OPT_FAMILY;
		if (strncmp(arg, "ipv4", 4) == 0)
			arg_family(p, AF_INET);
		else if (strncmp(arg, "ipv6", 4) == 0)
			arg_family(p, AF_INET6);
		else
			PARAM("`%s' unsupported protocol", arg);
		break;
	case 'b':
		p->options |= 1u << OPT_BUFFERSIZE;
		cmd->bufsize = (size_t)atol(arg);
		break;
	case VAL_RELIABLE:
		cmd->reliable = true;
		break;
	case ':':
		PARAM("option `%s' requires an argument", cur_word(p));
	case '?':
		PARAM("unknown option `%s'", cur_word(p));
	default:
		if (c >= PROTO_OFFSET)
			arg_proto_opt(p, c, arg);
		break;
	}
}

/* Both tuples get their families and protocol where they carry
 * anything; TCP entries get the liberal/SACK flags upstream sends. */
static void finish_tmpl(struct parse *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct *t = &cmd->tmpl;
	uint32_t fields = CT_T_SRC | CT_T_DST | CT_T_SPORT | CT_T_DPORT |
			  CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
	int i;

	t->family = (uint8_t)cmd->family;
	if (t->orig.present & (CT_T_SRC | CT_T_DST))
		t->orig.l3 = (uint8_t)cmd->family;
	if (t->reply.present & (CT_T_SRC | CT_T_DST))
		t->reply.l3 = (uint8_t)cmd->family;
	if (p->options & (1u << OPT_PROTO)) {
		if (t->reply.present & fields) {
			t->reply.l4 = p->protonum;
			t->reply.present |= CT_T_L4;
		}
	}
	if (t->orig.present & fields || t->orig.present & CT_T_L4)
		ct_set(t, CT_A_ORIG);
	if (t->reply.present & (fields | CT_T_L4))
		ct_set(t, CT_A_REPLY);
	if (p->h && p->h->num == IPPROTO_TCP && p->h->name &&
	    cmd->cmd != CMD_HELP) {
		uint8_t f = 0x08 | 0x02;	/* BE_LIBERAL | SACK_PERM */

		if (ct_has(t, CT_A_TCP_STATE) && t->tcp.state >= 7)
			f |= 0x04;		/* CLOSE_INIT */
		for (i = 0; i < 2; i++) {
			t->tcp.flags[i] = f;
			t->tcp.flags_mask[i] = f;
		}
		ct_set(t, CT_A_TCP_FLAGS_ORIG);
		ct_set(t, CT_A_TCP_FLAGS_REPLY);
	}
	if (p->mark) {
		t->mark = p->mark_val;
		ct_set(t, CT_A_MARK);
		cmd->mark = p->mark_val;
		cmd->mark_mask = p->mark_mask;
	}
	if (p->nat_s_set && (cmd->cmd == CMD_CREATE || cmd->cmd == CMD_ADD)) {
		t->snat = p->nat_s;
		ct_set(t, CT_A_SNAT);
	}
	if (p->nat_d_set && (cmd->cmd == CMD_CREATE || cmd->cmd == CMD_ADD)) {
		t->dnat = p->nat_d;
		ct_set(t, CT_A_DNAT);
	}
	if (p->options & (1u << OPT_ADD_LABEL)) {
		memcpy(t->labels, cmd->label_add, sizeof(t->labels));
		t->labels_len = sizeof(t->labels);
		ct_set(t, CT_A_LABELS);
	}
}

static void finish_exp(struct parse *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct exp *e = &cmd->exp;

	e->family = (uint8_t)cmd->family;
	e->master = cmd->tmpl.orig;
	e->master.l3 = (uint8_t)cmd->family;
	exp_set(e, EXP_A_MASTER);
	if (e->tuple.present) {
		e->tuple.l3 = (uint8_t)cmd->family;
		if (!(e->tuple.present & CT_T_L4) &&
		    (p->options & (1u << OPT_PROTO))) {
			e->tuple.l4 = p->protonum;
			e->tuple.present |= CT_T_L4;
		}
		exp_set(e, EXP_A_TUPLE);
	}
	if (p->mask.present) {
		e->mask = p->mask;
		e->mask.l3 = (uint8_t)cmd->family;
		if (p->options & (1u << OPT_PROTO)) {
			e->mask.l4 = p->protonum;
			e->mask.present |= CT_T_L4;
		}
		exp_set(e, EXP_A_MASK);
	}
}

static void finish_filter(struct parse *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct_filter *f = &cmd->filter;

	ct_filter_init(f);
	f->family = (uint8_t)cmd->family;
	f->cmp = (p->options & CMP_OPTS) != 0;
	f->tmpl = cmd->tmpl;
	/* create-only attributes are not compared */
	ct_unset(&f->tmpl, CT_A_SNAT);
	ct_unset(&f->tmpl, CT_A_DNAT);
	ct_unset(&f->tmpl, CT_A_LABELS);
	ct_unset(&f->tmpl, CT_A_MARK);
	if (p->mark) {
		f->mark = true;
		f->mark_val = p->mark_val;
		f->mark_mask = p->mark_mask;
	}
	if (p->kstatus) {
		f->status = true;
		f->status_val = p->status;
		f->status_mask = p->kstatus_mask;
	}
	f->mask_l3 = (uint8_t)cmd->family;
	if (p->options & (1u << OPT_MASK_SRC)) {
		f->src_mask = true;
		f->src_mask_addr = p->mask.src;
		f->tmpl.orig.present &= ~CT_T_SRC;
	}
	if (p->options & (1u << OPT_MASK_DST)) {
		f->dst_mask = true;
		f->dst_mask_addr = p->mask.dst;
		f->tmpl.orig.present &= ~CT_T_DST;
	}
	f->any_nat = p->options & (1u << OPT_ANY_NAT);
	if (p->options & (1u << OPT_SRC_NAT | 1u << OPT_ANY_NAT)) {
		f->snat.on = true;
		f->snat.has_addr = p->nat_s_set;
		f->snat.l3 = p->nat_s.l3;
		f->snat.addr = p->nat_s.min;
		f->snat.has_port = p->nat_s.has_port;
		f->snat.port = p->nat_s.port_min;
	}
	if (p->options & (1u << OPT_DST_NAT | 1u << OPT_ANY_NAT)) {
		f->dnat.on = true;
		f->dnat.has_addr = p->nat_d_set;
		f->dnat.l3 = p->nat_d.l3;
		f->dnat.addr = p->nat_d.min;
		f->dnat.has_port = p->nat_d.has_port;
		f->dnat.port = p->nat_d.port_min;
	}
	if (p->label_set) {
		f->labels = true;
		f->labels_impossible = p->labels_big;
		memcpy(f->label_bits, p->label, sizeof(f->label_bits));
	}
	if (p->options & (1u << OPT_SECMARK)) {
		f->secmark = true;
		f->secmark_val = cmd->tmpl.secmark;
	}
}

void conntrack_parse(int argc, char **argv, struct ct_cmd *cmd)
{
	struct parse p;
	int c;

	memset(cmd, 0, sizeof(*cmd));
	memset(&p, 0, sizeof(p));
	ct_init(&cmd->tmpl);
	ct_filter_init(&cmd->filter);
	cmd->cmd = CMD_NONE;
	cmd->prog = argv[0];
	p.cmd = cmd;
	p.argc = argc;
	p.argv = argv;
	p.command = CMD_NONE;
	p.family = AF_UNSPEC;
	p.lopts = malloc(ct_nbase_opts * sizeof(*ct_base_opts));
	if (!p.lopts)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	memcpy(p.lopts, ct_base_opts, ct_nbase_opts * sizeof(*ct_base_opts));
	p.nlopts = ct_nbase_opts;
	opt_init(&p.st);

	while ((c = opt_next(&p.st, argc, argv, ct_shortopts, p.lopts,
			     p.nlopts)) != -1)
		parse_one(&p, c);
	free(p.lopts);
	p.lopts = NULL;

	if (p.family == AF_UNSPEC) {
		switch (p.command) {
		case CMD_LIST: case CMD_UPDATE: case CMD_DELETE:
		case CMD_GET: case CMD_FLUSH: case CMD_EVENT:
			break;
		default:
			p.family = AF_INET;
			break;
		}
	}
	opt_final_checks(&p);

	cmd->cmd = p.command;
	cmd->options = p.options;
	cmd->family = (uint8_t)p.family;
	cmd->l4 = (p.options & (1u << OPT_PROTO)) ? p.protonum : 0;
	cmd->labelmap = ct_labelmap();
	if (!(p.options & (1u << OPT_EVENT_MASK)))
		cmd->event_mask = 7;
	opt_run_checks(&p);
	finish_tmpl(&p);
	finish_exp(&p);
	finish_filter(&p);
}
