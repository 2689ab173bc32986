/* Where the daemon's conntrack entries come from: the ctnetlink event
 * socket (buffer sizing, growth on ENOBUFS, overrun resync, reliable
 * delivery, kernel-side filter) or, with PollSecs, periodic dumps; the
 * Filter{} of the configuration; kernel dumps, resyncs and flushes. */
#ifndef CTBOX_SYNC_EVSRC_H
#define CTBOX_SYNC_EVSRC_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ct.h"
#include "sync/daemon.h"

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

/* Dumps of the kernel tables, read in bounded steps from the loop, one
 * at a time, the others queued (-EBUSY when the queue is full).  client:
 * a control connection answered (closed) when the dump is over, or -1.
 *
 * The conntrack table through the Filter into the mode's on_resync; with
 * purge, entries of the cache the dump did not show are then swept
 * (cache_sweep_start; the mode steps the sweep, see stats_mode.c) or the
 * mode's own caches told (on_purge_begin/end).  An identical request
 * already waiting is not queued twice. */
int evsrc_resync(enum ctd_dump use, bool purge, int client);
/* The expectation table into the mode's on_exp_resync (sync mode with
 * ExpectationSync only; -ENOTSUP otherwise). */
int evsrc_resync_exp(enum ctd_dump use, int client);
/* Read on from a dump of news that waited for the mode's room (the
 * end of every loop turn). */
void evsrc_dump_resume(void);
/* A dump is running or waiting (the start-up dump until it is in). */
bool evsrc_busy(void);
/* Flush the kernel table.  Through a Filter: entry by entry, a dump in
 * steps as above.  Without one (evsrc_flush_whole()), the kernel empties
 * it in one call that takes seconds at a million flows and blocks the
 * caller: client is unused, and a daemon calls it in a child. */
bool evsrc_flush_whole(void);
int evsrc_flush_kernel(int client);

#endif
