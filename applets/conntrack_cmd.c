/* conntrack: one function per command, each a stream callback on top of
 * the netlink layer.  Wording and exit codes are upstream 1.4.7's. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>

#include "applets.h"
#include "conntrack.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/nl.h"

/* err2str of upstream: the first row that matches errno and command. */
static const struct {
	int err;
	uint32_t cmds;		/* 1u << CMD_* */
	const char *text;
} err_rows[] = {
	{ 524, 1u << CMD_LIST, "function not implemented" },
	{ EINVAL, ~0u, "invalid parameters" },
	{ EEXIST, 1u << CMD_CREATE, "Such conntrack exists, try -U to update" },
	{ ENOENT, 1u << CMD_CREATE | 1u << CMD_GET | 1u << CMD_DELETE |
		  1u << CMD_ADD, "such conntrack doesn't exist" },
	{ ENOMEM, 1u << CMD_CREATE | 1u << CMD_GET | 1u << CMD_ADD,
	  "not enough memory" },
	{ EAFNOSUPPORT, 1u << CMD_GET, "protocol not supported" },
	{ ETIME, 1u << CMD_CREATE | 1u << CMD_ADD, "conntrack has expired" },
	{ ENOENT, 1u << CMD_EXP_CREATE, "master conntrack not found" },
	{ EPERM, ~0u, "sorry, you must be root or get CAP_NET_ADMIN capability "
		      "to do this" },
};

const char *ct_err_text(int err, enum ct_command cmd)
{
	size_t i;

	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++)
		if (err_rows[i].err == err && cmd >= 0 &&
		    (err_rows[i].cmds & (1u << cmd)))
			return err_rows[i].text;
	return err_str(err);
}

static void op_failed(enum ct_command cmd, int err)
{
	ct_exit_error(OTHER_PROBLEM, "Operation failed: %s",
		      ct_err_text(-err, cmd));
}

static struct nl *open_nl(unsigned int groups)
{
	struct nl *nl = nl_open(NETLINK_NETFILTER, groups);

	if (!nl) {
		say_err("mnl_socket_open: %s", err_str(errno));
		ct_exit_error(OTHER_PROBLEM, "Can't open handler");
	}
	return nl;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ct_print_opts_init(struct ct_print_opts *po, const struct ct_cmd *cmd)
{
	memset(po, 0, sizeof(*po));
	po->flags = cmd->output;
	if (cmd->labelmap && (cmd->output & CT_OF_LABELS ||
			      cmd->options & (1u << OPT_LABEL |
					      1u << OPT_ADD_LABEL |
					      1u << OPT_DEL_LABEL)))
		po->labels = cmd->labelmap;
	po->now_ns = now_ns();
}

struct list_ctx {
	const struct ct_cmd *cmd;
	struct ct_print_opts po;
	unsigned long count;
	bool xml_open;
	bool tty;
};

static int list_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct list_ctx *l = data;
	const struct ct_cmd *cmd = l->cmd;

	(void)ev;
	/* Events and dumps of other families the kernel did not filter. */
	if (cmd->family && ct_l3(ct) != cmd->family)
		return 0;
	if (!ct_filter_match(&cmd->filter, ct))
		return 0;
	if ((cmd->output & CT_OF_XML) && !(cmd->output & (CT_OF_SAVE | CT_OF_JSON)) &&
	    !l->xml_open) {
		ct_print_xml_header(out_stdout, "conntrack");
		l->xml_open = true;
	}
	ct_print(out_stdout, ct, &l->po);
	l->count++;
	return 0;
}

static int cmd_list(struct ct_cmd *cmd)
{
	static const enum ct_table tables[] = {
		[TBL_CONNTRACK] = CT_TABLE_CONNTRACK,
		[TBL_DYING] = CT_TABLE_DYING,
		[TBL_UNCONFIRMED] = CT_TABLE_UNCONFIRMED,
	};
	struct list_ctx l = { .cmd = cmd };
	struct ct_kfilter kf;
	struct nl *nl = open_nl(0);
	int r;

	ct_print_opts_init(&l.po, cmd);
	ct_filter_kernel(&cmd->filter, &kf, true);
	kf.family = cmd->family;
	r = ct_nl_dump(nl, tables[cmd->table], cmd->options & (1u << OPT_ZERO),
		       &kf, list_one, &l);
	/* An interrupted dump still showed every entry it saw, each one
	 * consistent: that is all a listing of a live table can promise. */
	if (r < 0 && r != -EINTR)
		op_failed(cmd->cmd, r);
	if (l.xml_open)
		ct_print_xml_footer(out_stdout, "conntrack");
	nl_close(nl);
	warn_msg("%lu flow entries have been shown.", l.count);
	return 0;
}

static int cmd_count(struct ct_cmd *cmd)
{
	struct nl *nl = open_nl(0);
	uint32_t n = 0;
	int r = ct_nl_count(nl, &n, NULL);

	if (r < 0)
		op_failed(cmd->cmd, r);
	nl_close(nl);
	out_u64(out_stdout, n);
	out_putc(out_stdout, '\n');
	return 0;
}

static const char *const stat_names[] = {
	"searched", "found", "new", "invalid", "ignore", "delete",
	"delete_list", "insert", "insert_failed", "drop", "early_drop",
	"error", "search_restart", "clash_resolve", "chaintoolong",
	"unknown1", "unknown2", "unknown3", "unknown4",
};
static const char *const exp_stat_names[] = {
	"expect_new", "expect_create", "expect_delete",
};

static int print_stats(const struct ct_cpu_stats *st, void *data)
{
	bool expect = *(bool *)data;
	const char *const *names = expect ? exp_stat_names : stat_names;
	size_t n = expect ? 3 : sizeof(stat_names) / sizeof(stat_names[0]);
	size_t i;

	out_printf(out_stdout, "cpu=%-4u\t", st->cpu);
	for (i = 0; i < n; i++) {
		if (!(st->present & (1u << i)))
			continue;
		out_printf(out_stdout, "%s=%u ", names[i], st->val[i]);
	}
	out_putc(out_stdout, '\n');
	return 0;
}

static int cmd_stats(struct ct_cmd *cmd, bool expect)
{
	struct nl *nl = open_nl(0);
	int r = ct_nl_stats_cpu(nl, expect, print_stats, &expect);

	if (r < 0)
		op_failed(cmd->cmd, r);
	nl_close(nl);
	return 0;
}

static int cmd_flush(struct ct_cmd *cmd)
{
	struct ct_kfilter kf;
	struct nl *nl = open_nl(0);
	int r;

	memset(&kf, 0, sizeof(kf));
	kf.family = cmd->family;
	r = ct_nl_flush(nl, &kf);
	/* upstream prints this before it looks at the result */
	warn_msg("connection tracking table has been emptied.");
	if (r < 0)
		op_failed(cmd->cmd, r);
	nl_close(nl);
	return 0;
}

int conntrack_run(struct ct_cmd *cmd)
{
	switch (cmd->cmd) {
	case CMD_LIST:
		return cmd_list(cmd);
	case CMD_COUNT:
		return cmd_count(cmd);
	case CMD_STATS:
		return cmd_stats(cmd, false);
	case CMD_EXP_STATS:
		return cmd_stats(cmd, true);
	case CMD_FLUSH:
		return cmd_flush(cmd);
	case CMD_GET:
		return ct_cmd_get(cmd);
	case CMD_CREATE:
	case CMD_ADD:
		return ct_cmd_create(cmd);
	case CMD_UPDATE:
		return ct_cmd_update(cmd);
	case CMD_DELETE:
		return ct_cmd_delete(cmd);
	case CMD_EVENT:
		return ct_cmd_event(cmd);
	case CMD_EXP_LIST:
	case CMD_EXP_CREATE:
	case CMD_EXP_DELETE:
	case CMD_EXP_GET:
	case CMD_EXP_FLUSH:
	case CMD_EXP_EVENT:
	case CMD_EXP_COUNT:
		return ct_cmd_expect(cmd);
	case CMD_VERSION:
		out_puts(out_stdout, "conntrack v" CTBOX_VERSION " (ctbox)\n");
		return 0;
	case CMD_NONE:
	case CMD_HELP:
		conntrack_usage(cmd->prog ? cmd->prog : "conntrack");
		if (cmd->l4 || (cmd->options & (1u << OPT_PROTO)))
			conntrack_proto_help(cmd->l4, cmd->proto_name);
		return 0;
	default:
		break;
	}
	ct_exit_error(OTHER_PROBLEM, "this command is not implemented yet");
}

int conntrack_main(int argc, char **argv)
{
	struct ct_cmd cmd;

	err_set_prefix("conntrack v" CTBOX_VERSION " (ctbox): ");
	if (argc > 2 && (strcmp(argv[1], "-R") == 0 ||
			 strcmp(argv[1], "--load-file") == 0))
		ctbox_exit(conntrack_load_file(argc, argv));
	conntrack_parse(argc, argv, &cmd);
	ctbox_exit(conntrack_run(&cmd));
}
