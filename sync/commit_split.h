/* A commit on both cores: the daemon has no threads, so a forked child
 * commits one share of the conntrack cache (the masters pass) on a
 * netlink socket of its own while the daemon commits the other share a
 * slice per loop turn; the related flows and the expectations follow in
 * the daemon once both shares are in the kernel (they need their
 * masters).  The child only reads its copy-on-write view of the cache
 * and reports its counts through a pipe, so what the daemon reports adds
 * up as one commit's.  A child that ends without its report (killed,
 * crashed) costs no flow: the daemon commits that share again itself
 * (what the child did already is replaced, as on any EEXIST).
 *
 * Without shares (a small cache, or no fork to be had) it is the plain
 * commit engine of commit.h, stepped the same way. */
#ifndef CTBOX_SYNC_COMMIT_SPLIT_H
#define CTBOX_SYNC_COMMIT_SPLIT_H

#include <stdbool.h>

#include "sync/commit.h"

struct nl;
struct commit_split;

struct commit_split_how {
	/* the whole cache, and, for a split, its two shares: [0] is the
	 * child's, [1] the daemon's; share NULL: no split */
	const struct commit_src *whole, *share;
	/* the child's socket, opened before the fork (its portid is known
	 * as the daemon's own) */
	struct nl *child_nl;
	/* runs fn(data) in a child: its pid, or -errno */
	int (*spawn)(void (*fn)(void *data), void *data);
	/* first thing in the child (close what it must not hold) */
	void (*in_child)(void *arg);
};

/* As commit_start(), through nl; r->child_lost in done() says the
 * child's share had to be committed again.  NULL + errno. */
struct commit_split *commit_split_start(struct nl *nl,
					const struct commit_split_how *how,
					const struct commit_opts *o,
					void (*done)(const struct commit_result *r,
						     bool child_lost, void *arg),
					void *arg);
/* As commit_step(): 1 while there is more, 0 once done() has run. */
int commit_split_step(struct commit_split *s, unsigned int budget);
/* Nothing to do until commit_split_fd() is readable (the child works). */
bool commit_split_waiting(const struct commit_split *s);
/* The child's report pipe, -1 once there is none. */
int commit_split_fd(const struct commit_split *s);
/* Stops it (the child is killed) without calling done. */
void commit_split_free(struct commit_split *s);

#endif
