/* cthelper (NFNL_SUBSYS_CTHELPER): user-space helper requests and
 * replies, struct helper <-> nlmsg.  0 or -errno, never prints. */
#ifndef CTBOX_NL_HELPER_H
#define CTBOX_NL_HELPER_H

#include <stddef.h>

struct nl;
struct nlmsghdr;
struct helper;

enum helper_req {
	HELPER_REQ_LIST,	/* dump every helper */
	HELPER_REQ_ADD,		/* name, tuple, priv_len, policies */
	HELPER_REQ_GET,		/* name [, tuple when l3 is given] */
	HELPER_REQ_DELETE,	/* name [, tuple when l3 is given] */
	HELPER_REQ_FLUSH,	/* delete every helper */
	HELPER_REQ_DISABLE,	/* name, tuple, status disabled */
};

typedef int (*helper_cb)(const struct helper *h, void *data);

/* Build the request into buf (seq and portid left 0); NULL + errno. */
struct nlmsghdr *helper_nl_req(void *buf, size_t size, enum helper_req req,
			       const struct helper *h);
int helper_nl_parse(const struct nlmsghdr *nlh, struct helper *h);
int helper_nl_run(struct nl *nl, enum helper_req req, const struct helper *h,
		  helper_cb cb, void *data);

#endif
