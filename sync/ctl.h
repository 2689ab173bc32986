/* The UNIX control socket: request codes (1.4.7's numbers, one native
 * int per connection), the listening socket and its connections. */
#ifndef CTBOX_SYNC_CTL_H
#define CTBOX_SYNC_CTL_H

enum ctl_req {
	CTL_CT_FLUSH_MASTER = 0,
	CTL_CT_RESYNC_MASTER = 1,
	CTL_CT_DUMP_INTERNAL = 16,
	CTL_CT_DUMP_EXTERNAL = 17,
	CTL_CT_COMMIT = 18,
	CTL_CT_FLUSH_CACHE = 19,
	CTL_KILL = 20,
	CTL_STATS = 21,
	CTL_SEND_BULK = 22,
	CTL_REQUEST_DUMP = 23,
	CTL_CT_DUMP_INT_XML = 24,
	CTL_CT_DUMP_EXT_XML = 25,
	CTL_RESET_TIMERS = 26,
	CTL_DEBUG_INFO = 27,
	CTL_STATS_NETWORK = 28,
	CTL_STATS_CACHE = 29,
	CTL_STATS_RUNTIME = 30,
	CTL_STATS_LINK = 31,
	CTL_STATS_RSQUEUE = 32,
	CTL_CT_FLUSH_INT_CACHE = 33,
	CTL_CT_FLUSH_EXT_CACHE = 34,
	CTL_STATS_PROCESS = 35,
	CTL_STATS_QUEUE = 36,
	CTL_EXP_STATS = 37,
	CTL_EXP_FLUSH_MASTER = 38,
	CTL_EXP_RESYNC_MASTER = 39,
	CTL_EXP_DUMP_INTERNAL = 40,
	CTL_EXP_DUMP_EXTERNAL = 41,
	CTL_EXP_COMMIT = 42,
	CTL_ALL_FLUSH_MASTER = 43,
	CTL_ALL_RESYNC_MASTER = 44,
	CTL_ALL_FLUSH_CACHE = 45,
	CTL_ALL_COMMIT = 46,
	CTL_EXP_DUMP_INT_XML = 47,
	CTL_EXP_DUMP_EXT_XML = 48,
	/* ctbox's own (1.4.7 has no -s sync) */
	CTL_STATS_SYNC = 100,
};

/* At most this many clients are read at once; more wait in the backlog. */
#define CTL_MAX_CONN	16

/* Bind and listen on path (umask decides the mode).  A stale socket file
 * is replaced.  Returns the fd or -errno. */
int ctl_listen(const char *path);
/* Client side: connect to path; fd or -errno. */
int ctl_connect(const char *path);

/* Server side, in the daemon's loop: listen on path.  "" (no UNIX
 * { Path }) listens nowhere and returns 1: 1.4.7 autobinds an abstract
 * socket there, which file permissions cannot guard.  0 or -errno. */
int ctl_server_init(const char *path);
void ctl_server_fini(void);
/* In a forked child answering one client on fd keep: close the listening
 * socket and every other client's connection, so that no client waits
 * for this child's end to see its own end-of-file. */
void ctl_close_others(int keep);

/* Answer one request code on the client's fd: the running mode's handler
 * first, then the requests every mode shares.  Apart from the socket
 * reads, so that tests/fuzz drives it without a client. */
void ctl_handle(int code, int fd);

struct out;
struct cache_stats;
/* "-s cache": one cache's block in 1.4.7's layout. */
void ctl_print_cache(struct out *o, const char *name,
		     const struct cache_stats *s, unsigned int count);

/* "-s sync"'s last line: the loop's longest turn in its own CPU time. */
void ctl_print_loop(struct out *o);

/* -F: the kernel table flushed; fd (or -1) answered once it is done. */
void ctl_flush_kernel(int fd);

#endif

