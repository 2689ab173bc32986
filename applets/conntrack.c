/* conntrack: parse the command line, then run its command through one
 * table.  The top of the applet: it calls into the command files, none of
 * them calls back up here. */
#include <string.h>

#include "applets.h"
#include "conntrack_common.h"
#include "lib/err.h"
#include "lib/out.h"

static int cmd_version(struct ct_cmd *cmd)
{
	(void)cmd;
	out_puts(out_stdout, "conntrack v" CTBOX_VERSION " (ctbox)\n");
	return 0;
}

static int cmd_help(struct ct_cmd *cmd)
{
	conntrack_usage(cmd->prog ? cmd->prog : "conntrack");
	if (cmd->l4 || (cmd->options & (1u << OPT_PROTO)))
		conntrack_proto_help(cmd->l4, cmd->proto_name);
	return 0;
}

static int (*const commands[CMD_MAX])(struct ct_cmd *cmd) = {
	[CMD_LIST] = ct_cmd_list,
	[CMD_CREATE] = ct_cmd_create,
	[CMD_UPDATE] = ct_cmd_update,
	[CMD_DELETE] = ct_cmd_delete,
	[CMD_GET] = ct_cmd_get,
	[CMD_FLUSH] = ct_cmd_flush,
	[CMD_EVENT] = ct_cmd_event,
	[CMD_VERSION] = cmd_version,
	[CMD_HELP] = cmd_help,
	[CMD_EXP_LIST] = ct_cmd_exp_list,
	[CMD_EXP_CREATE] = ct_cmd_exp_create,
	[CMD_EXP_DELETE] = ct_cmd_exp_delete,
	[CMD_EXP_GET] = ct_cmd_exp_get,
	[CMD_EXP_FLUSH] = ct_cmd_exp_flush,
	[CMD_EXP_EVENT] = ct_cmd_event,
	[CMD_COUNT] = ct_cmd_count,
	[CMD_EXP_COUNT] = ct_cmd_exp_count,
	[CMD_STATS] = ct_cmd_stats,
	[CMD_EXP_STATS] = ct_cmd_exp_stats,
	[CMD_ADD] = ct_cmd_create,
};

int conntrack_main(int argc, char **argv)
{
	struct ct_cmd cmd;

	err_set_prefix("conntrack v" CTBOX_VERSION " (ctbox): ");
	if (argc > 2 && (strcmp(argv[1], "-R") == 0 ||
			 strcmp(argv[1], "--load-file") == 0))
		ctbox_exit(conntrack_load_file(argc, argv));
	conntrack_parse(argc, argv, &cmd);
	if (cmd.cmd == CMD_NONE)
		ctbox_exit(cmd_help(&cmd));
	if (cmd.cmd < 0 || cmd.cmd >= CMD_MAX || !commands[cmd.cmd])
		ct_exit_error(OTHER_PROBLEM,
			      "this command is not implemented yet");
	ctbox_exit(commands[cmd.cmd](&cmd));
}
