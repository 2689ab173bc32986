/* TEMPORARY: minimal parser until the full 1.4.7 one lands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "conntrack.h"
#include "lib/err.h"
#include "lib/out.h"

void ct_exit_error(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_msg(fmt, ap);
	va_end(ap);
	if (status == PARAMETER_PROBLEM)
		say_err("Try `conntrack -h' or 'conntrack --help' for more information.");
	ctbox_exit(status);
}
void conntrack_usage(const char *prog) { (void)prog; out_puts(out_stdout, "usage\n"); }
void conntrack_proto_help(uint8_t l4, const char *name) { (void)l4; (void)name; }
void conntrack_parse(int argc, char **argv, struct ct_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->cmd = CMD_NONE;
	ct_filter_init(&cmd->filter);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-L")) cmd->cmd = CMD_LIST;
		else if (!strcmp(argv[i], "-C")) cmd->cmd = CMD_COUNT;
		else if (!strcmp(argv[i], "-S")) cmd->cmd = CMD_STATS;
		else if (!strcmp(argv[i], "-F")) cmd->cmd = CMD_FLUSH;
		else if (!strcmp(argv[i], "-V")) cmd->cmd = CMD_VERSION;
		else if (!strcmp(argv[i], "-x")) cmd->output |= CT_OF_EXTENDED;
	}
}
