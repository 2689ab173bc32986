/* The daemon's source of conntrack entries (see evsrc.h).
 *
 * Three netlink sockets: the event subscription (non-blocking, read from
 * the loop, at most EventIterationLimit messages per wake-up so a flood
 * cannot starve the control socket), one for dumps and one for flushes
 * and deletes, so that a flush can run while a dump is being read. */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "lib/err.h"
#include "netlink/bpf.h"
#include "netlink/ct.h"
#include "netlink/ct_batch.h"
#include "netlink/exp.h"
#include "netlink/nl.h"
#include "sync/cache.h"
#include "sync/ctkey.h"
#include "sync/daemon.h"
#include "sync/evpace.h"
#include "sync/evsrc.h"
#include "sync/log.h"
#include "sync/timer.h"

/* ctnetlink multicast groups NEW, UPDATE, DESTROY (bits of groups 1-3),
 * and the expectation groups EXP_NEW, EXP_UPDATE, EXP_DESTROY (4-6). */
#define CT_EVENT_GROUPS		(1u | 2u | 4u)
#define EXP_EVENT_GROUPS	(8u | 16u | 32u)

struct evsrc_stats evsrc_stats;

static struct nl *ev_nl;
static struct nl *dump_nl;
static struct nl *req_nl;
/* The daemon's own writing sockets: their events are not local news. */
static uint32_t own_portid[4];
static bool own_drop[4];

int evsrc_ignore_portid(uint32_t portid, bool drop)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (!own_portid[i] || own_portid[i] == portid) {
			own_portid[i] = portid;
			own_drop[i] = drop;
			return 0;
		}
	return -ENOSPC;
}

void evsrc_unignore_portid(uint32_t portid)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (own_portid[i] == portid)
			own_portid[i] = 0;
}

/* 0: news; 1: caused by us, to be cached quietly; 2: to be dropped */
static int own_event(uint32_t portid)
{
	unsigned int i;

	for (i = 0; portid && i < 4; i++)
		if (own_portid[i] == portid)
			return own_drop[i] ? 2 : 1;
	return 0;
}
static struct ctd_fd ev_fd;
static struct evpace ev_pace;
static struct timer pace_timer;	/* ev_fd is out of the loop until then */
static struct timer resync_timer;
static struct timer poll_timer;
static bool cap_warned;

static bool tuple_addr_in(const struct conf_filter *f, uint8_t l3,
			  const union ct_addr *a)
{
	return f->addr_set && addr_set_match(f->addr_set, l3, a->b);
}

/* 1.4.7's user-space semantics: every class present must pass; the
 * address class looks at the real endpoints (orig src, reply src). */
bool evsrc_filter(const struct conf_filter *f, const struct ct *ct)
{
	uint8_t l3 = ct_l3(ct), l4 = ct_l4(ct);

	if (!f->present)
		return true;
	if (l3 != AF_INET && l3 != AF_INET6)
		return false;
	if (f->proto_policy != CONF_FILTER_UNSET) {
		bool in = f->protos[l4 / 8] & (1u << (l4 % 8));

		if (in != (f->proto_policy == CONF_FILTER_ACCEPT))
			return false;
	}
	if (f->addr_policy != CONF_FILTER_UNSET) {
		bool in = false;

		if (!(ct->orig.present & CT_T_SRC))
			return false;
		in = tuple_addr_in(f, l3, &ct->orig.src);
		if (!in && ct_has(ct, CT_A_REPLY) &&
		    (ct->reply.present & CT_T_SRC))
			in = tuple_addr_in(f, l3, &ct->reply.src);
		if (in != (f->addr_policy == CONF_FILTER_ACCEPT))
			return false;
	}
	if (f->state_policy != CONF_FILTER_UNSET && l4 == IPPROTO_TCP &&
	    ct_has(ct, CT_A_TCP_STATE) && ct->tcp.state < 32) {
		bool in = f->tcp_states & (1u << ct->tcp.state);

		if (in != (f->state_policy == CONF_FILTER_ACCEPT))
			return false;
	}
	return true;
}

/* The part of the Filter a socket filter can prove, with the user-space
 * meaning (orig src or reply src), so both paths agree. */
static int attach_bpf(const struct conf_filter *f)
{
	struct ct_bpf_spec *s = malloc(sizeof(*s));
	struct ct_bpf_prog *p = malloc(sizeof(*p));
	unsigned int i;
	int r = -ENOMEM;

	if (!s || !p)
		goto out;
	ct_bpf_spec_init(s);
	if (f->proto_policy != CONF_FILTER_UNSET) {
		for (i = 0; i < 256 && s->n_l4 <= CT_BPF_MAX_L4; i++)
			if (f->protos[i / 8] & (1u << (i % 8))) {
				if (s->n_l4 < CT_BPF_MAX_L4)
					s->l4[s->n_l4] = (uint8_t)i;
				s->n_l4++;
			}
		if (s->n_l4 > CT_BPF_MAX_L4)
			s->n_l4 = 0;	/* too many: user space only */
		s->l4_ignore = f->proto_policy == CONF_FILTER_IGNORE;
	}
	if (f->addr_policy != CONF_FILTER_UNSET && f->naddrs) {
		struct ct_bpf_addr *a = &s->addr[0];

		a->where = CT_BPF_ORIG_SRC | CT_BPF_REPL_SRC;
		a->ignore = f->addr_policy == CONF_FILTER_IGNORE;
		for (i = 0; i < f->naddrs; i++) {
			union ct_addr ad;
			const struct conf_filter_addr *fa = &f->addrs[i];

			memset(&ad, 0, sizeof(ad));
			if (fa->addr.family == AF_INET)
				memcpy(&ad, &fa->addr.v4, 4);
			else
				memcpy(&ad, &fa->addr.v6, 16);
			if (ct_bpf_add_net(a, (uint8_t)fa->addr.family, &ad,
					   fa->prefix) < 0)
				break;
		}
		s->n_addr = i == f->naddrs ? 1 : 0;
	}
	r = 0;
	if (!ct_bpf_is_empty(s)) {
		r = ct_bpf_compile(s, p);
		if (r == 0)
			r = ct_bpf_attach(nl_fd(ev_nl), p);
	}
out:
	free(s);
	free(p);
	return r;
}

static int rcvbuf_now(void)
{
	int v = 0;
	socklen_t len = sizeof(v);

	getsockopt(nl_fd(ev_nl), SOL_SOCKET, SO_RCVBUF, &v, &len);
	return v;
}

static void on_resync_timer(void *data)
{
	(void)data;
	evsrc_resync(CTD_DUMP_NEWS, true, -1);
}

/* The kernel dropped events: grow the buffer (up to the configured
 * ceiling) and schedule a resync to learn what we missed. */
static void overrun(void)
{
	const struct conf_general *g = &ctd.conf->general;
	unsigned int cur = (unsigned int)rcvbuf_now();

	evsrc_stats.overrun++;
	evsrc_stats.catch_fail++;
	if (g->netlink_buffer_size_max_grown &&
	    (uint64_t)cur * 2 <= g->netlink_buffer_size_max_grown) {
		size_t got = 0;

		/* the kernel doubles what it is given */
		nl_set_rcvbuf(ev_nl, cur, true, &got);
		evsrc_stats.bufsize = (uint32_t)got;
		log_notice("netlink event socket buffer size has been doubled "
			   "to %u bytes", (unsigned int)got);
	} else if (!cap_warned) {
		cap_warned = true;
		log_warn("netlink event socket buffer size cannot be doubled "
			 "further since it will exceed "
			 "NetlinkBufferSizeMaxGrowth. We are likely to be "
			 "losing events, this may lead to unsynchronized "
			 "replicas. Please, consider increasing netlink socket "
			 "buffer size via NetlinkBufferSize and "
			 "NetlinkBufferSizeMaxGrowth clauses in conntrackd.conf");
	}
	if (g->netlink_overrun_resync > 0 &&
	    !timer_pending(&resync_timer))
		timer_add(&resync_timer,
			  (uint64_t)g->netlink_overrun_resync * 1000);
}

static bool want_exp(void)
{
	return ctd.mode->on_exp_event && ctd.conf->mode == CONF_MODE_SYNC &&
	       ctd.conf->sync.expectation_sync;
}

static int on_exp_msg(const struct nlmsghdr *nlh, bool own)
{
	struct exp e;

	if (!want_exp())
		return 0;
	if (exp_nl_parse(nlh, &e) < 0) {
		evsrc_stats.catch_fail++;
		return 0;
	}
	ctd.own_event = own;
	ctd.mode->on_exp_event(&e, exp_nl_event(nlh));
	ctd.own_event = false;
	return 0;
}

static void fresh_add(const struct ct *ct);
static void seen_alive(const struct ct *ct);

/* Events parsed and filtered, not yet handled: a batch lets the mode ask
 * for the cache lines of each before it needs them (prepare). */
static struct pending {
	struct ct ct;
	enum ct_event ev;
	int own;
} pend[CTD_EV_BATCH];
static unsigned int npend;

static void handle_pending(void)
{
	unsigned int i;

	for (i = 0; i < npend; i++) {
		struct pending *e = &pend[i];

		ctd.own_event = e->own == 1;
		fresh_add(&e->ct);
		ctd.mode->on_event(&e->ct, e->ev);
		ctd.own_event = false;
		if (e->ev != CT_EV_DESTROY)
			seen_alive(&e->ct);
	}
	npend = 0;
}

static int on_event_msg(const struct nlmsghdr *nlh, void *data)
{
	enum ct_event ev = ct_nl_event(nlh);
	struct pending *e;
	int own;

	(void)data;
	evsrc_stats.events_recv++;
	if (ev == CT_EV_NONE) {
		evsrc_stats.events_unknown++;
		return 0;
	}
	own = own_event(nlh->nlmsg_pid);
	if (own == 2)
		return 0;
	if (exp_nl_event(nlh) != CT_EV_NONE) {
		handle_pending();	/* in the kernel's order */
		return on_exp_msg(nlh, own == 1);
	}
	if (npend == CTD_EV_BATCH)
		handle_pending();
	e = &pend[npend];
	if (ct_nl_parse(nlh, &e->ct) < 0) {
		evsrc_stats.catch_fail++;
		return 0;
	}
	if (!evsrc_filter(&ctd.conf->general.filter, &e->ct)) {
		evsrc_stats.events_filtered++;
		return 0;
	}
	e->ev = ev;
	e->own = own;
	if (ctd.mode->prepare)
		ctd.mode->prepare(&e->ct, npend);
	npend++;
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void on_event_fd(struct ctd_fd *f, uint32_t events)
{
	unsigned int limit = ctd.conf->general.event_iterations_limit;
	unsigned int done = 0;

	(void)f;
	(void)events;
	if (!limit)
		limit = CONF_DEF_EVENT_ITER_LIMIT;
	while (done < limit) {
		int r = nl_recv_events(ev_nl, on_event_msg, NULL);

		handle_pending();
		if (r >= 0) {
			done += r ? (unsigned int)r : 1;
			continue;
		}
		if (r == -EINTR)
			continue;
		if (r == -ENOBUFS)
			overrun();
		else if (r != -EAGAIN && r != -EWOULDBLOCK)
			evsrc_stats.catch_fail++;
		else if (evpace_pause(&ev_pace, now_us(), done)) {
			ctd_fd_del(&ev_fd);
			timer_add(&pace_timer, EVPACE_PAUSE_MS);
		}
		break;
	}
}

static void on_pace_timer(void *data)
{
	int r = ctd_fd_add(&ev_fd);

	(void)data;
	/* events must not stay unread: if the loop cannot take the socket
	 * back now, try again after another pause */
	if (r < 0 && r != -EEXIST) {
		timer_add(&pace_timer, EVPACE_PAUSE_MS);
		return;
	}
	on_event_fd(&ev_fd, EPOLLIN);
}

/* ---- dumps of the kernel tables, read in steps ------------------------
 *
 * A dump of a million flows takes seconds: it is read a few milliseconds
 * at a time from the loop (the dump socket is in the loop; it is readable
 * while the dump goes on), so the channels, their timers and the control
 * socket are served in between.  One dump at a time on dump_nl: the rest
 * wait in a short queue.
 *
 * Events and dump entries then interleave.  The kernel fills the next dump
 * datagram as the previous one is read, so the first datagram a step
 * reads may predate events handled since the last step: an entry of it
 * whose flow had an event meanwhile is older news and is skipped (a
 * destroyed flow would come back otherwise).  Within a step no events are
 * handled, so only that first datagram needs the check. */

/* Time one step may take, and datagrams at most (each ~100 flows). */
#define STEP_NS		(3 * 1000 * 1000)
#define STEP_DGRAMS	64
#define MAX_JOBS	8
/* Flows with an event between two steps that are remembered; beyond, an
 * entry is not checked (a whole loop turn of events is far less). */
#define FRESH_MAX	65536

enum job_kind { JOB_CT, JOB_EXP, JOB_FLUSH };

struct job {
	uint8_t kind;		/* enum job_kind */
	uint8_t use;		/* enum ctd_dump */
	bool purge;
	bool startup;		/* the start-up dump: not counted */
	int client;		/* answered (closed) at the end, or -1 */
};

static struct job jobs[MAX_JOBS];
static unsigned int njobs;
static bool job_running;	/* jobs[0] has started */
static bool starting;		/* jobs queued now are the start-up's */
static struct ctd_fd dump_fd;
static bool dump_held;		/* out of the loop: the mode has no room */
static uint32_t dump_gen;	/* of a purging dump with ctd.cache */
static struct ct_batch *dels;	/* a flush through the Filter: deletes
				 * go many per sendmsg */
static uint64_t *fresh;		/* hashes of flows with an event */
static size_t nfresh;
static bool fresh_sorted;
static uint32_t fresh_seed;

static uint64_t key64(const struct ct *ct)
{
	struct ctkey k;

	ctkey_of(&k, &ct->orig, ct_has(ct, CT_A_ZONE) ? ct->zone : 0);
	return ctkey_hash64(fresh_seed, &k);
}

static bool fresh_wanted(void)
{
	return job_running && jobs[0].kind == JOB_CT;
}

/* An event of ct was handed to the mode while a dump runs. */
static void fresh_add(const struct ct *ct)
{
	if (!fresh_wanted() || nfresh >= FRESH_MAX)
		return;
	if (!fresh) {
		fresh = malloc(FRESH_MAX * sizeof(*fresh));
		if (!fresh)
			return;
	}
	fresh[nfresh++] = key64(ct);
	fresh_sorted = false;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool fresh_has(const struct ct *ct)
{
	uint64_t k;

	if (!nfresh)
		return false;
	if (!fresh_sorted) {
		qsort(fresh, nfresh, sizeof(*fresh), cmp64);
		fresh_sorted = true;
	}
	k = key64(ct);
	return bsearch(&k, fresh, nfresh, sizeof(*fresh), cmp64) != NULL;
}

/* An event showed ct alive while a purging dump runs: not to be swept,
 * even when the dump read its bucket before it was created. */
static void seen_alive(const struct ct *ct)
{
	if (job_running && jobs[0].kind == JOB_CT && jobs[0].purge &&
	    ctd.cache)
		cache_mark(ctd.cache, ct, dump_gen);
}

struct step_ctx {
	const struct job *j;
	bool check;		/* the step's first datagram */
};

static int on_dump(const struct ct *ct, enum ct_event ev, void *data)
{
	struct step_ctx *d = data;

	(void)ev;
	if (!evsrc_filter(&ctd.conf->general.filter, ct))
		return 0;
	if (d->check && fresh_has(ct))
		return 0;
	if (d->j->kind == JOB_FLUSH) {
		if (ct_batch_full(dels))
			ct_batch_flush(dels);
		ct_batch_delete(dels, ct, NULL);
		return 0;
	}
	ctd.mode->on_resync(ct, (enum ctd_dump)d->j->use);
	if (d->j->purge && ctd.cache)
		cache_mark(ctd.cache, ct, dump_gen);
	return 0;
}

static int on_exp_dump(const struct exp *e, enum ct_event ev, void *data)
{
	struct step_ctx *d = data;

	(void)ev;
	ctd.mode->on_exp_resync(e, (enum ctd_dump)d->j->use);
	return 0;
}

/* A mode with caches of its own sweeps them itself. */
static bool own_sweep(const struct job *j)
{
	return j->kind == JOB_CT && j->purge && !ctd.cache &&
	       ctd.mode->on_purge_begin;
}

/* A report of a delete: an entry gone meanwhile is fine. */
static void on_del_report(uint32_t seq, int err, const struct ct *ct,
			  void *data)
{
	(void)seq;
	(void)err;
	(void)ct;
	(void)data;
}

static void dels_end(void)
{
	if (!dels)
		return;
	ct_batch_flush(dels);
	ct_batch_free(dels);
	dels = NULL;
}

static void job_end(int r)
{
	struct job j = jobs[0];

	job_running = false;
	dels_end();
	nfresh = 0;
	if (j.kind == JOB_CT) {
		if (!j.startup)
			evsrc_stats.resync++;
		/* an interrupted dump may have missed entries: purge nothing;
		 * the mode sweeps it a step per turn (end_turn) */
		if (r == 0 && j.purge && ctd.cache)
			cache_sweep_start(ctd.cache, dump_gen);
		if (own_sweep(&j))
			ctd.mode->on_purge_end(r == 0);
		if (j.startup && r < 0 && r != -EINTR)
			log_warn("can't dump the kernel conntrack table: %s",
				 err_str(-r));
	}
	if (j.client >= 0)
		close(j.client);
	memmove(jobs, jobs + 1, --njobs * sizeof(jobs[0]));
}

/* Start the first queued job; a job that cannot start ends at once. */
static void job_start(void)
{
	while (njobs && !job_running) {
		struct job *j = &jobs[0];
		int r;

		if (j->kind == JOB_CT && j->purge && ctd.cache)
			dump_gen = cache_sweep_begin(ctd.cache);
		if (own_sweep(j))
			ctd.mode->on_purge_begin();
		r = 0;
		if (j->kind == JOB_FLUSH && !(dels = ct_batch_new(req_nl,
							   on_del_report,
							   NULL)))
			r = -ENOMEM;
		if (r == 0)
			r = j->kind == JOB_EXP ?
			    exp_nl_dump_start(dump_nl, 0) :
			    ct_nl_dump_start(dump_nl, NULL);
		job_running = true;
		if (r < 0)
			job_end(r);
	}
}

static int read_some(struct step_ctx *d, unsigned int max, unsigned int *n)
{
	if (d->j->kind == JOB_EXP)
		return exp_nl_dump_step(dump_nl, max, on_exp_dump, d, n);
	return ct_nl_dump_step(dump_nl, max, on_dump, d, n);
}

/* Entries to send (overrun resync, polling, a bulk send of the kernel
 * table) the mode has no room for wait in the kernel: the dump socket
 * leaves the loop until evsrc_dump_resume() finds room. */
static bool dump_wait(void)
{
	return job_running && jobs[0].kind != JOB_FLUSH &&
	       jobs[0].use != CTD_DUMP_QUIET &&
	       ctd.mode->dump_room && !ctd.mode->dump_room();
}

void evsrc_dump_resume(void)
{
	if (dump_held && !dump_wait() && ctd_fd_add(&dump_fd) == 0)
		dump_held = false;
}

/* One step of the running dump: its first datagram checked against the
 * events handled since the last step, then more for STEP_NS at most. */
static void on_dump_fd(struct ctd_fd *f, uint32_t events)
{
	struct step_ctx d = { &jobs[0], true };
	uint64_t t0 = timer_now_ns();
	unsigned int i, n = 0;
	int r;

	(void)events;
	if (!job_running) {
		/* what an abandoned dump left: read and dropped */
		char buf[256];

		while (recv(f->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		return;
	}
	if (dump_wait()) {
		ctd_fd_del(f);
		dump_held = true;
		return;
	}
	r = read_some(&d, 1, &n);
	if (n)
		nfresh = 0;
	d.check = false;
	for (i = 1; r == 1 && n && i < STEP_DGRAMS && !dump_wait() &&
	     timer_now_ns() - t0 < STEP_NS; i++) {
		if (dels)
			ct_batch_flush(dels);
		r = read_some(&d, 1, &n);
	}
	if (dels)
		ct_batch_flush(dels);
	if (r != 1) {
		job_end(r);
		job_start();
	}
}

static int job_add(enum job_kind kind, enum ctd_dump use, bool purge,
		   int client)
{
	struct job *j;
	unsigned int i;

	/* a resync asked for while the same one waits is that one */
	for (i = job_running ? 1 : 0; client < 0 && i < njobs; i++)
		if (jobs[i].kind == kind && jobs[i].use == use &&
		    jobs[i].purge == purge && jobs[i].client < 0)
			return 0;
	if (njobs == MAX_JOBS)
		return -EBUSY;
	j = &jobs[njobs];
	j->kind = (uint8_t)kind;
	j->use = (uint8_t)use;
	j->purge = purge;
	j->startup = starting;
	j->client = -1;
	if (client >= 0) {
		j->client = fcntl(client, F_DUPFD_CLOEXEC, 0);
		if (j->client < 0)
			return -errno;
	}
	njobs++;
	job_start();
	return 0;
}

int evsrc_resync(enum ctd_dump use, bool purge, int client)
{
	return job_add(JOB_CT, use, purge, client);
}

int evsrc_resync_exp(enum ctd_dump use, int client)
{
	if (!want_exp() || !ctd.mode->on_exp_resync)
		return -ENOTSUP;
	return job_add(JOB_EXP, use, false, client);
}

bool evsrc_busy(void)
{
	return njobs > 0;
}

bool evsrc_flush_whole(void)
{
	return !ctd.conf->general.filter.present;
}

int evsrc_flush_kernel(int client)
{
	struct nl *nl;
	int r;

	evsrc_stats.flush_kernel++;
	if (!evsrc_flush_whole())
		return job_add(JOB_FLUSH, CTD_DUMP_QUIET, false, client);
	/* a socket of its own: this may run in a child */
	nl = nl_open(NETLINK_NETFILTER, 0);
	if (!nl)
		return -errno;
	r = ct_nl_flush(nl, NULL);
	nl_close(nl);
	return r;
}

static void on_poll_timer(void *data)
{
	(void)data;
	evsrc_resync(CTD_DUMP_NEWS, true, -1);
	timer_add(&poll_timer, (uint64_t)ctd.conf->general.poll_secs * 1000);
}

static int open_events(void)
{
	const struct conf_general *g = &ctd.conf->general;
	int fl;

	ev_nl = nl_open(NETLINK_NETFILTER, CT_EVENT_GROUPS |
			(want_exp() ? EXP_EVENT_GROUPS : 0));
	if (!ev_nl) {
		int e = errno;

		log_err("can't open netlink handler: %s", err_str(e));
		return -e;
	}
	/* without it (connect refused), one datagram a read, each
	 * sender checked */
	(void)nl_set_event_batch(ev_nl, true);
	/* the reference's order of these log lines */
	if (g->netlink_events_reliable) {
		nl_set_sockopt(ev_nl, NETLINK_BROADCAST_ERROR, 1);
		nl_set_sockopt(ev_nl, NETLINK_NO_ENOBUFS, 1);
		log_notice("reliable ctnetlink event delivery is ENABLED.");
	}
	if (g->filter.present) {
		if (g->filter.kernelspace && attach_bpf(&g->filter) == 0)
			log_notice("using kernel-space event filtering");
		else
			log_notice("using user-space event filtering");
	}
	if (g->netlink_buffer_size &&
	    g->netlink_buffer_size <= g->netlink_buffer_size_max_grown) {
		nl_set_rcvbuf(ev_nl, g->netlink_buffer_size / 2, true, NULL);
	} else {
		log_notice("NetlinkBufferSize is either not set or is greater "
			   "than NetlinkBufferSizeMaxGrowth. Using current "
			   "system buffer size");
	}
	evsrc_stats.bufsize = (uint32_t)rcvbuf_now();
	log_notice("netlink event socket buffer size has been set to %u "
		   "bytes", evsrc_stats.bufsize);
	fl = fcntl(nl_fd(ev_nl), F_GETFL);
	if (fl < 0 || fcntl(nl_fd(ev_nl), F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	ev_fd.fd = nl_fd(ev_nl);
	ev_fd.fn = on_event_fd;
	return ctd_fd_add(&ev_fd);
}

int evsrc_init(void)
{
	int r;

	timer_init(&resync_timer, on_resync_timer, NULL);
	timer_init(&poll_timer, on_poll_timer, NULL);
	timer_init(&pace_timer, on_pace_timer, NULL);
	dump_nl = nl_open(NETLINK_NETFILTER, 0);
	req_nl = nl_open(NETLINK_NETFILTER, 0);
	if (!dump_nl || !req_nl) {
		r = -errno;
		log_err("can't open netlink handler: %s", err_str(-r));
		return r;
	}
	nl_set_rcvbuf(dump_nl, 1u << 20, true, NULL);
	if (ctd.conf->general.poll_secs) {
		log_notice("running in polling mode");
		timer_add(&poll_timer,
			  (uint64_t)ctd.conf->general.poll_secs * 1000);
	} else {
		r = open_events();
		if (r < 0)
			return r;
	}
	fresh_seed = ctkey_seed(&fresh_seed);
	dump_fd.fd = nl_fd(dump_nl);
	dump_fd.fn = on_dump_fd;
	r = ctd_fd_add(&dump_fd);
	if (r < 0)
		return r;
	/* The initial state: a full dump, nothing purged, read from the
	 * loop (evsrc_busy() until it is in). */
	starting = true;
	evsrc_resync_exp(CTD_DUMP_QUIET, -1);
	evsrc_resync(CTD_DUMP_QUIET, false, -1);
	starting = false;
	return 0;
}

void evsrc_fini(void)
{
	timer_del(&resync_timer);
	timer_del(&poll_timer);
	timer_del(&pace_timer);
	dels_end();
	/* abandoned: the socket closes, the clients are answered */
	while (njobs)
		if (jobs[--njobs].client >= 0)
			close(jobs[njobs].client);
	job_running = false;
	free(fresh);
	fresh = NULL;
	if (dump_nl)
		ctd_fd_del(&dump_fd);
	if (ev_nl) {
		ctd_fd_del(&ev_fd);
		nl_close(ev_nl);
	}
	if (dump_nl)
		nl_close(dump_nl);
	if (req_nl)
		nl_close(req_nl);
	ev_nl = dump_nl = req_nl = NULL;
}
