/* nfct: "nfct COMMAND SUBSYSTEM ..." (or the older "nfct SUBSYSTEM
 * COMMAND ...") dispatched to the timeout and helper subsystems. */
#include <errno.h>
#include <string.h>

#include <linux/netlink.h>

#include "applets.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/nl.h"
#include "nfct.h"

static const char *const cmd_names[] = {
	[NFCT_CMD_LIST] = "list",
	[NFCT_CMD_ADD] = "add",
	[NFCT_CMD_DELETE] = "delete",
	[NFCT_CMD_GET] = "get",
	[NFCT_CMD_FLUSH] = "flush",
	[NFCT_CMD_DISABLE] = "disable",
	[NFCT_CMD_DEFAULT_SET] = "default-set",
	[NFCT_CMD_DEFAULT_GET] = "default-get",
};

enum subsys {
	SUBSYS_TIMEOUT,
	SUBSYS_HELPER,
	SUBSYS_VERSION,
	SUBSYS_NONE,
};

/* 1.4.7 also lists a "help" subsystem after these, but every prefix of
 * "help" matches "helper" first, so it can never be reached. */
static const char *const subsys_names[] = {
	[SUBSYS_TIMEOUT] = "timeout",
	[SUBSYS_HELPER] = "helper",
	[SUBSYS_VERSION] = "version",
};

static int (*const subsys_main[])(int argc, char **argv, enum nfct_cmd cmd,
				   struct nl *nl) = {
	[SUBSYS_TIMEOUT] = nfct_timeout_main,
	[SUBSYS_HELPER] = nfct_helper_main,
};

/* Any prefix of a name selects it, the empty word included, as 1.4.7. */
static int match(const char *const *names, int n, const char *word)
{
	size_t len = strlen(word);
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(names[i], word, len) == 0)
			return i;
	return n;
}

static void usage(const char *argv0)
{
	say_err("Usage: %s command subsystem [parameters]...", argv0);
}

static const char version_text[] =
	"nfct v" CTBOX_VERSION ": utility for the Netfilter's Connection "
	"Tracking System\n"
	"Copyright (C) 2012 Pablo Neira Ayuso <pablo@netfilter.org>\n"
	"This program comes with ABSOLUTELY NO WARRANTY.\n"
	"This is free software, and you are welcome to redistribute it under "
	"certain \n"
	"conditions; see LICENSE file distributed in this package for "
	"details.\n";

int nfct_main(int argc, char **argv)
{
	enum nfct_cmd cmd;
	enum subsys sub;
	struct nl *nl;
	int rc;

	err_set_prefix("nfct v" CTBOX_VERSION ": ");
	if (argc < 3) {
		usage(argv[0]);
		ctbox_exit(1);
	}
	cmd = (enum nfct_cmd)match(cmd_names, NFCT_CMD_NONE, argv[1]);
	if (cmd != NFCT_CMD_NONE) {
		sub = (enum subsys)match(subsys_names, SUBSYS_NONE, argv[2]);
		if (sub == SUBSYS_NONE) {
			warn_msg("Unknown subsystem: %s", argv[1]);
			usage(argv[0]);
			ctbox_exit(1);
		}
	} else {
		sub = (enum subsys)match(subsys_names, SUBSYS_NONE, argv[1]);
		if (sub == SUBSYS_NONE) {
			warn_msg("Unknown subsystem: %s", argv[1]);
			usage(argv[0]);
			ctbox_exit(1);
		}
		cmd = (enum nfct_cmd)match(cmd_names, NFCT_CMD_NONE, argv[2]);
		if (cmd == NFCT_CMD_NONE) {
			/* 1.4.7 names the subsystem word here, not the
			 * command it could not match. */
			warn_msg("Unknown command: %s", argv[1]);
			usage(argv[0]);
			ctbox_exit(1);
		}
	}
	if (sub == SUBSYS_VERSION) {
		out_puts(out_stdout, version_text);
		ctbox_exit(0);
	}
	nl = nl_open(NETLINK_NETFILTER, 0);
	if (!nl) {
		warn_msg("cannot open netlink: %s", err_str(errno));
		ctbox_exit(255);
	}
	rc = subsys_main[sub](argc, argv, cmd, nl);
	nl_close(nl);
	ctbox_exit(rc);
}
