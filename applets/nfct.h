/* nfct internals: the dispatcher (nfct.c) calls the subsystems
 * (nfct_timeout.c, nfct_helper.c), which call nfct_common.c. */
#ifndef CTBOX_APPLET_NFCT_H
#define CTBOX_APPLET_NFCT_H

struct nl;
struct out;
struct timeout_policy;
struct helper;

/* Commands in nfct 1.4.7's matching order (first prefix match wins). */
enum nfct_cmd {
	NFCT_CMD_LIST,
	NFCT_CMD_ADD,
	NFCT_CMD_DELETE,
	NFCT_CMD_GET,
	NFCT_CMD_FLUSH,
	NFCT_CMD_DISABLE,
	NFCT_CMD_DEFAULT_SET,
	NFCT_CMD_DEFAULT_GET,
	NFCT_CMD_NONE,
};

/* Parameters start at argv[3] whichever order COMMAND SUBSYSTEM came in.
 * Each returns the exit status. */
int nfct_timeout_main(int argc, char **argv, enum nfct_cmd cmd, struct nl *nl);
int nfct_helper_main(int argc, char **argv, enum nfct_cmd cmd, struct nl *nl);

/* One object in nfct 1.4.7's text layout (libnetfilter_cttimeout's and
 * libnetfilter_cthelper's); a policy without a name (default-get) has no
 * first line. */
void nfct_timeout_print(struct out *o, const struct timeout_policy *p);
void nfct_helper_print(struct out *o, const struct helper *h);

/* nfct_common.c, shared by the subsystems: "netlink error: <text>",
 * and any other message, each returning the exit status 1. */
int nfct_nl_error(int err);
int nfct_fail(const char *msg);

#endif
