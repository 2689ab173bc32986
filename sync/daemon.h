/* conntrackd's core: one epoll loop with timers, signals that only set
 * flags, the lock file, sd_notify, and the hooks a running mode plugs in.
 * Everything the parts of the daemon share lives in struct ctd. */
#ifndef CTBOX_SYNC_DAEMON_H
#define CTBOX_SYNC_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lib/ct.h"

struct conf;
struct cache;
struct out;

/* A file descriptor in the loop: fn is called with epoll's events. */
struct ctd_fd {
	int fd;
	void (*fn)(struct ctd_fd *f, uint32_t events);
};

/* What the entries of a kernel dump are for. */
enum ctd_dump {
	CTD_DUMP_QUIET,		/* the cache learns them (start-up, -R) */
	CTD_DUMP_NEWS,		/* they are news (overrun resync, polling) */
	CTD_DUMP_BULK,		/* a bulk send of the kernel table */
};

#define CTD_EV_BATCH	8

/* What a running mode does (stats today, the sync modes later). */
struct ctd_mode {
	const char *name;
	int (*init)(void);
	void (*fini)(void);
	/* an event of the kernel, after the Filter */
	void (*on_event)(const struct ct *ct, enum ct_event ev);
	/* events come in batches of at most CTD_EV_BATCH: each is given
	 * here first (i: its place in the batch, 0 starts one), then all
	 * to on_event in the same order, at the same address (may be NULL) */
	void (*prepare)(const struct ct *ct, unsigned int i);
	/* an entry of a resync dump (overrun, polling, -R), after the Filter */
	void (*on_resync)(const struct ct *ct, enum ctd_dump use);
	/* a control request: true when the mode answered it */
	bool (*on_request)(int code, struct out *o, int fd);
	/* a resync that purges (overrun, polling) and a mode that keeps
	 * its own cache (ctd.cache NULL): begin, then the dump's entries
	 * (on_resync), then end (complete: the dump was not interrupted,
	 * so what it did not show is gone from the kernel) */
	void (*on_purge_begin)(void);
	void (*on_purge_end)(bool complete);
	/* expectations (sync mode with ExpectationSync; may be NULL): an
	 * event, and an entry of a dump */
	void (*on_exp_event)(const struct exp *e, enum ct_event ev);
	void (*on_exp_resync)(const struct exp *e, enum ctd_dump use);
	/* the end of every loop turn (may be NULL): send what was queued */
	void (*end_turn)(void);
	/* nothing is ready and the loop is about to wait (may be NULL):
	 * send what end_turn held back for the next turn to fill */
	void (*before_wait)(void);
	/* false: the mode cannot take more news from a dump now (FT-FW
	 * paces them by its resend queue); the dump waits until it can
	 * (evsrc_dump_resume).  NULL: always. */
	bool (*dump_room)(void);
};

/* -s runtime counters. */
struct ctd_runtime_stats {
	uint32_t child_fail;
	uint32_t child_segv;
	uint32_t child_termsig;
	uint32_t select_fail;
	uint32_t wait_fail;
	uint32_t local_read_fail;
	uint32_t local_unknown;
};

/* The loop's turns, in the daemon's own CPU time (CLOCK_THREAD_CPUTIME_ID:
 * what a turn costs, not how long a loaded machine kept it waiting), for
 * -s sync: whole-table work must go in short steps whatever the table's
 * size. */
#define CTD_TURN_LONG_NS	(20 * 1000 * 1000)
struct ctd_turns {
	uint64_t n;
	uint64_t worst_ns;
	uint64_t over;		/* longer than CTD_TURN_LONG_NS */
};

struct ctd {
	const struct conf *conf;
	const struct ctd_mode *mode;
	bool console;
	int epfd;
	time_t start;			/* wall clock, for the uptime */
	struct cache *cache;		/* the internal cache */
	struct ctd_runtime_stats rt;
	struct ctd_turns turns;
	unsigned int children;		/* dump children alive */
	bool own_event;			/* on_event: caused by our commit */
	volatile sig_atomic_t quit;
	volatile sig_atomic_t chld;
	volatile sig_atomic_t hup;	/* SIGHUP: reopen the log files */
};

extern struct ctd ctd;
extern const struct ctd_mode ctd_stats_mode;
extern const struct ctd_mode ctd_sync_mode;

/* Seconds of CLOCK_MONOTONIC: the clock of cache creation times. */
uint32_t ctd_now(void);

int ctd_fd_add(struct ctd_fd *f);
void ctd_fd_del(struct ctd_fd *f);

/* Run the daemon with a loaded configuration: returns the exit code. */
int ctd_run(const struct conf *conf, bool daemonize);

/* Ask the loop to stop (the -k request). */
void ctd_shutdown(void);

/* sd_notify(3) without libsystemd: a datagram to $NOTIFY_SOCKET. */
int ctd_notify(const char *state);

/* Run fn in a forked child (dumps to the control socket); the parent
 * counts the child.  Its pid in the parent, -errno when fork failed. */
int ctd_fork(void (*fn)(void *data), void *data);
/* In a child doing the daemon's own work (a share of a commit): the
 * daemon's scheduling back (ctd_fork() gives children the default). */
void ctd_sched_restore(void);
/* -s process: one "PID=<pid> type=any" line per running child. */
void ctd_print_children(struct out *o);

#endif
