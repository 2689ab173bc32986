/* The commit engine: puts the external cache into the kernel as
 * conntrackd 1.4.7's -c does, in bounded steps driven by the event loop.
 *
 * What 1.4.7 does, reproduced here (conntrackd.md §5.3 and below):
 *  - all flows without a master first, then the related ones (a related
 *    flow needs its master in the kernel), then, for -c (ALL), the
 *    expectations (they need their master too);
 *  - each flow is created with the reply tuple the inverse of the
 *    original (ICMP types mapped to their replies, 255 where there is
 *    none), its NAT mapping (the kernel applies it to the reply tuple),
 *    status without EXPECTED, BE_LIBERAL in both TCP directions unless
 *    TCPWindowTracking, and the timeout of commit_timeout();
 *  - on EEXIST: destroy the existing one (ENOENT counts as done) and
 *    create once more; whatever fails is counted, the rest goes on.
 *
 * Unlike 1.4.7, requests go out many per sendmsg (netlink/ct_batch.h,
 * acknowledged only on error), synchronously: no thread.  The caller
 * drives the commit with commit_step() once per loop turn. */
#ifndef CTBOX_SYNC_COMMIT_H
#define CTBOX_SYNC_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"

struct nl;
struct commit;

enum commit_what {
	COMMIT_CT	= 1u << 0,	/* -c ct (request 18) */
	COMMIT_EXP	= 1u << 1,	/* -c expect (request 42) */
	COMMIT_ALL	= COMMIT_CT | COMMIT_EXP,	/* -c (request 46) */
};

/* The cache to commit, seen through a cursor.  The conntrack cache is
 * walked twice (flows without a master, then related flows), the
 * expectation cache once.  A cursor lives across commit_step() calls, so
 * it must survive changes of the cache between two calls (an object
 * added or removed meanwhile may be seen or missed, never twice). */
struct commit_src {
	void *arg;
	/* A cursor at the start of the cache of kind COMMIT_CT or
	 * COMMIT_EXP; NULL + errno on failure. */
	void *(*open)(void *arg, enum commit_what kind);
	/* The next object: 1 with *out and *lastupdate (seconds, the clock
	 * of commit_opts.now) filled, 0 at the end, -errno on failure. */
	int (*next_ct)(void *cursor, struct ct *out, uint32_t *lastupdate);
	int (*next_exp)(void *cursor, struct exp *out, uint32_t *lastupdate);
	void (*close)(void *cursor);
};

/* Which passes over the conntrack cache a commit makes.  A split commit
 * (commit_split.h) runs the masters pass of one share of the cache in
 * each of two processes, then the rest over the whole cache. */
enum commit_part {
	COMMIT_WHOLE = 0,
	COMMIT_MASTERS,		/* flows without a master only */
	COMMIT_REST,		/* the related flows, then expectations */
};

struct commit_opts {
	enum commit_what what;
	enum commit_part part;
	uint32_t commit_timeout;	/* CommitTimeout; 0 = unset */
	bool window_tracking;		/* TCPWindowTracking */
	/* Seconds, the clock of lastupdate; NULL: time(NULL), as 1.4.7. */
	uint32_t (*now)(void);
	/* Optional: told about each object that could not be committed,
	 * with the step that failed (1.4.7 logs "commit-create: %s" or
	 * "commit-destroy: %s" and the flow).  ct or e is set; arg is
	 * commit_start()'s. */
	void (*failed)(const struct ct *ct, const struct exp *e, int err,
		       bool destroy, void *arg);
};

struct commit_count {
	bool ran;		/* this cache was committed */
	unsigned int ok;	/* "Committed N new entries|expectations" */
	unsigned int fail;	/* "N entries|expectations can't be committed" */
	uint64_t usec;		/* "commit has taken S.UUUUUU seconds" */
};

struct commit_result {
	struct commit_count ct, exp;
	/* The kernel dropped failure reports (ENOBUFS): fail may be short
	 * by that many batches' worth.  Never seen with the buffers the
	 * batch writer asks for. */
	unsigned long lost;
	/* A cursor failed (-errno): the commit stopped there. */
	int err;
	/* netlink traffic: requests and sendmsg calls */
	unsigned long msgs, sends;
	/* COMMIT_MASTERS: related flows seen and left for COMMIT_REST */
	unsigned long related;
};

/* Start a commit of what o->what names from src through nl, a netlink
 * socket the commit has to itself until commit_free().  done is called
 * once, from the commit_step() that finishes (src's cursors are closed
 * by then).  NULL + errno. */
struct commit *commit_start(struct nl *nl, const struct commit_src *src,
			    const struct commit_opts *o,
			    void (*done)(const struct commit_result *r,
					 void *arg),
			    void *arg);
/* Do at most budget objects (1.4.7: 8192 hash buckets per turn).
 * Returns 1 while there is more to do, 0 once done (done() has run). */
int commit_step(struct commit *c, unsigned int budget);
/* Stops an unfinished commit without calling done. */
void commit_free(struct commit *c);

/* What 1.4.7 logs at the end of a commit (LOG_NOTICE), one line per
 * call: *iter starts at 0; NULL when there are no more lines. */
const char *commit_log_line(const struct commit_result *r, unsigned int *iter,
			    char *buf, size_t size);

/* ---- the pieces, for tests and for callers that create one flow ---- */

/* The timeout 1.4.7 gives a committed object: commit_timeout if set, else
 * timeout - (now - lastupdate), where a clock that went backwards counts
 * as 60 s elapsed and a negative result becomes 60 s.  0 means "keep the
 * object's own timeout attribute, if it has one" (1.4.7 sets only a
 * positive value). */
uint32_t commit_timeout(const struct commit_opts *o, bool has_timeout,
			uint32_t timeout, uint32_t lastupdate, uint32_t now);
/* The create request 1.4.7 derives from a flow of the external cache
 * (out may be in).  -EINVAL if in lacks what a kernel entry needs
 * (addresses, protocol). */
int commit_prepare_ct(struct ct *out, const struct ct *in,
		      const struct commit_opts *o, uint32_t lastupdate,
		      uint32_t now);
int commit_prepare_exp(struct exp *out, const struct exp *in,
		       const struct commit_opts *o, uint32_t lastupdate,
		       uint32_t now);
/* A related flow: 1.4.7's test, a master with both addresses, protocol
 * and both ports. */
bool commit_is_related(const struct ct *ct);

#endif
