/* cttimeout (NFNL_SUBSYS_CTNETLINK_TIMEOUT): timeout policy requests and
 * replies, struct timeout_policy <-> nlmsg.  0 or -errno, never prints. */
#ifndef CTBOX_NL_TIMEOUT_H
#define CTBOX_NL_TIMEOUT_H

#include <stddef.h>

struct nl;
struct nlmsghdr;
struct timeout_policy;

enum timeout_req {
	TIMEOUT_REQ_LIST,		/* dump every policy */
	TIMEOUT_REQ_ADD,		/* name, l3, l4, states */
	TIMEOUT_REQ_GET,		/* name */
	TIMEOUT_REQ_DELETE,		/* name */
	TIMEOUT_REQ_FLUSH,		/* delete every unused policy */
	TIMEOUT_REQ_DEFAULT_SET,	/* l3, l4, states */
	TIMEOUT_REQ_DEFAULT_GET,	/* l3, l4 */
};

/* Called for each policy of a reply; 0 to go on, -errno to stop. */
typedef int (*timeout_cb)(const struct timeout_policy *p, void *data);

/* Build the request into buf (seq and portid are left 0 for nl_request);
 * NULL + errno (EMSGSIZE, EINVAL) when it does not fit or p lacks what
 * the request needs. */
struct nlmsghdr *timeout_nl_req(void *buf, size_t size, enum timeout_req req,
				const struct timeout_policy *p);
/* One policy message (also a default-get answer, which has no name). */
int timeout_nl_parse(const struct nlmsghdr *nlh, struct timeout_policy *p);
/* Send req and hand every policy of the answer to cb (may be NULL). */
int timeout_nl_run(struct nl *nl, enum timeout_req req,
		   const struct timeout_policy *p, timeout_cb cb, void *data);

#endif
