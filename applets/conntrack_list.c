/* conntrack -L, -C and -S: what is in the table, each entry a stream
 * callback on top of the netlink layer.  Wording and exit codes are
 * upstream 1.4.7's. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>

#include "conntrack_common.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/nl.h"

struct list_ctx {
	const struct ct_cmd *cmd;
	struct ct_shown sh;
};

static int list_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct list_ctx *l = data;
	const struct ct_cmd *cmd = l->cmd;

	(void)ev;
	/* Events and dumps of other families the kernel did not filter. */
	if (cmd->family && ct_l3(ct) != cmd->family)
		return 0;
	if (ct_filter_match(&cmd->filter, ct))
		ct_show(&l->sh, ct);
	return 0;
}

int ct_cmd_list(struct ct_cmd *cmd)
{
	static const enum ct_table tables[] = {
		[TBL_CONNTRACK] = CT_TABLE_CONNTRACK,
		[TBL_DYING] = CT_TABLE_DYING,
		[TBL_UNCONFIRMED] = CT_TABLE_UNCONFIRMED,
	};
	struct list_ctx l = { .cmd = cmd };
	struct ct_kfilter kf;
	struct nl *nl = ct_open_nl(0);
	int r;

	ct_print_opts_init(&l.sh.po, cmd);
	ct_filter_kernel(&cmd->filter, &kf, true);
	kf.family = cmd->family;
	r = ct_nl_dump(nl, tables[cmd->table], cmd->options & (1u << OPT_ZERO),
		       &kf, list_one, &l);
	/* An interrupted dump still showed every entry it saw, each one
	 * consistent: that is all a listing of a live table can promise. */
	if (r < 0 && r != -EINTR)
		ct_op_failed(cmd->cmd, r);
	/* 1.4.7 leaves the document of the dying and unconfirmed tables
	 * open */
	if (l.sh.xml_open && cmd->table == TBL_CONNTRACK)
		ct_xml_close("conntrack");
	nl_close(nl);
	warn_msg("%lu flow entries have been shown.", l.sh.count);
	return 0;
}

int ct_cmd_count(struct ct_cmd *cmd)
{
	struct nl *nl = ct_open_nl(0);
	uint32_t n = 0;
	int r = ct_nl_count(nl, &n, NULL);

	if (r < 0)
		ct_op_failed(cmd->cmd, r);
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
	struct nl *nl = ct_open_nl(0);
	int r = ct_nl_stats_cpu(nl, expect, print_stats, &expect);

	if (r < 0)
		ct_op_failed(cmd->cmd, r);
	nl_close(nl);
	return 0;
}

int ct_cmd_stats(struct ct_cmd *cmd)
{
	return cmd_stats(cmd, false);
}

int ct_cmd_exp_stats(struct ct_cmd *cmd)
{
	return cmd_stats(cmd, true);
}
