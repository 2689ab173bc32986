/* Link state watcher: rtnetlink RTMGRP_LINK messages, for the sync
 * channel set's failover (which interface is up and running). */
#ifndef CTBOX_NETLINK_LINK_H
#define CTBOX_NETLINK_LINK_H

#include <stdbool.h>

struct link_watch;

/* A link changed: its index, its IFF_* flags, and whether it is gone. */
typedef void (*link_cb)(void *data, int ifindex, unsigned int flags,
			bool gone);

/* A non-blocking socket subscribed to link changes; NULL with errno. */
struct link_watch *link_watch_open(void);
void link_watch_close(struct link_watch *lw);
int link_watch_fd(const struct link_watch *lw);

/* Hand every queued change to cb.  0 when all was read, -ENOBUFS when
 * the kernel dropped some (the caller must re-read the flags it needs),
 * another -errno on failure. */
int link_watch_read(struct link_watch *lw, link_cb cb, void *data);

#endif
