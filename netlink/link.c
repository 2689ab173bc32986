/* Link state watcher (see link.h), on the netlink core. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

#include "netlink/link.h"
#include "netlink/nl.h"

struct link_watch {
	struct nl *nl;
	link_cb cb;
	void *data;
};

struct link_watch *link_watch_open(void)
{
	struct link_watch *lw = calloc(1, sizeof(*lw));
	int fl;

	if (!lw)
		return NULL;
	lw->nl = nl_open(NETLINK_ROUTE, RTMGRP_LINK);
	if (!lw->nl)
		goto fail;
	fl = fcntl(nl_fd(lw->nl), F_GETFL);
	if (fl < 0 || fcntl(nl_fd(lw->nl), F_SETFL, fl | O_NONBLOCK) < 0)
		goto fail;
	return lw;
fail:
	{
		int e = errno;

		link_watch_close(lw);
		errno = e;
	}
	return NULL;
}

void link_watch_close(struct link_watch *lw)
{
	if (!lw)
		return;
	nl_close(lw->nl);
	free(lw);
}

int link_watch_fd(const struct link_watch *lw)
{
	return nl_fd(lw->nl);
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct link_watch *lw = data;
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return 0;
	ifi = mnl_nlmsg_get_payload(nlh);
	lw->cb(lw->data, ifi->ifi_index, ifi->ifi_flags,
	       nlh->nlmsg_type == RTM_DELLINK);
	return 0;
}

int link_watch_read(struct link_watch *lw, link_cb cb, void *data)
{
	int r;

	lw->cb = cb;
	lw->data = data;
	for (;;) {
		r = nl_recv_events(lw->nl, on_msg, lw);
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			return 0;
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
	}
}
