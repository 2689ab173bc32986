/* Where the daemon's conntrack entries come from: the ctnetlink event
 * socket (buffer sizing, growth on ENOBUFS, overrun resync, reliable
 * delivery, kernel-side filter) or, with PollSecs, periodic dumps; the
 * Filter{} of the configuration; kernel dumps, resyncs and flushes. */
#ifndef CTBOX_SYNC_EVSRC_H
#define CTBOX_SYNC_EVSRC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ct.h"

struct conf_filter;

/* -s runtime "netlink stats". */
struct evsrc_stats {
	uint64_t events_recv;
	uint64_t events_filtered;
	uint32_t events_unknown;
	uint32_t catch_fail;
	uint32_t dump_unknown;
	uint32_t overrun;
	uint32_t flush_kernel;
	uint32_t resync;
	uint32_t bufsize;
};

extern struct evsrc_stats evsrc_stats;

/* Open the sockets and register in the loop; logs what 1.4.7 logs.
 * 0 or -errno (already logged). */
int evsrc_init(void);
void evsrc_fini(void);

/* Events caused by this netlink portid (a socket the daemon writes the
 * kernel table with) are not news: dropped (drop: inject, as 1.4.7), or
 * handed on with ctd.own_event set (commit: cached, not sent); up to
 * four sockets. */
int evsrc_ignore_portid(uint32_t portid, bool drop);
void evsrc_unignore_portid(uint32_t portid);

/* User-space Filter{}: true when the entry passes. */
bool evsrc_filter(const struct conf_filter *f, const struct ct *ct);

/* Dump the kernel table through the Filter into the mode's on_resync;
 * with purge, entries of the cache the dump did not show are then
 * handed to on_purge and removed. 0 or -errno. */
int evsrc_resync(bool purge);
/* Dump the expectation table into the mode's on_exp_resync (sync mode
 * with ExpectationSync only; 0 otherwise). */
int evsrc_resync_exp(void);
/* Flush the kernel table: whole, or entry by entry through the Filter. */
int evsrc_flush_kernel(void);

#endif
