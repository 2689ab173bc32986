/* Control requests in sync mode (§2.1, §2.4): cache dumps in a forked
 * child, flushes a step per loop turn, resync, bulk send, -t, commit
 * (the client's connection stays open until the commit is done, as
 * 1.4.7's), and the statistics with 1.4.7's layout.  Requests shared with
 * stats mode (-k, -s runtime, -s process, -F) are left to ctl.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ct_print.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/nl.h"
#include "sync/channels.h"
#include "sync/commit_split.h"
#include "sync/ctl.h"
#include "sync/evsrc.h"
#include "sync/log.h"
#include "sync/mode_ftfw.h"
#include "sync/sobj.h"
#include "sync/sync_int.h"
#include "sync/sync_state.h"

#include <linux/netlink.h>

/* 1.4.7 commits 8192 hash buckets per turn.  A create costs the kernel
 * about 10 us, so 8192 at once would hold the loop ~100 ms: slices of
 * COMMIT_SLICE objects instead, for COMMIT_TURN_NS per turn at most. */
#define COMMIT_SLICE	64
#define COMMIT_TURN_NS	(4 * 1000 * 1000)

/* ---- dumps, in a child ----------------------------------------------- */

struct dump {
	struct out o;
	bool xml;
	bool ext;
	uint32_t now;
};

static void dump_one(struct sobj *o, void *data)
{
	struct dump *d = data;
	struct ct_print_opts po;
	long exp;

	if (d->o.err)
		return;
	memset(&po, 0, sizeof(po));
	if (sobj_kind(o) == SOBJ_CT) {
		struct ct ct;

		sobj_ct(o, &ct);
		ct_unset(&ct, CT_A_TIMEOUT);
		if (d->xml) {
			ct_print_xml(&d->o, &ct, &po);
			return;
		}
		ct_print_text(&d->o, &ct, &po);
	} else {
		struct exp e;

		sobj_exp(o, &e);
		e.present &= ~CT_BIT(EXP_A_TIMEOUT);	/* as for flows */
		if (d->xml) {
			exp_print_xml(&d->o, &e, &po);
			return;
		}
		exp_print_text(&d->o, &e, &po);
	}
	if (d->o.len && d->o.buf[d->o.len - 1] == '\n')
		d->o.len--;
	exp = d->ext ? ext_expires_in(o) : -1;
	if (exp >= 0)
		out_printf(&d->o, " [expires in %lds]", exp);
	out_printf(&d->o, " [active since %lus]\n",
		   (unsigned long)(d->now - sobj_created(o)));
}

struct dump_args {
	int fd;
	int which;
	bool xml;
};

/* DisableInternalCache: -i lists the kernel table through the Filter,
 * each line as conntrack -L prints it (1.4.7's plain nfct_snprintf). */
static int kernel_one(const struct ct *ct, enum ct_event ev, void *data)
{
	struct dump *d = data;
	struct ct_print_opts po;

	(void)ev;
	if (!evsrc_filter(&ctd.conf->general.filter, ct))
		return 0;
	memset(&po, 0, sizeof(po));
	if (d->xml)
		ct_print_xml(&d->o, ct, &po);
	else
		ct_print_text(&d->o, ct, &po);
	return d->o.err ? 1 : 0;
}

static void dump_kernel(struct dump *d)
{
	struct nl *nl = nl_open(NETLINK_NETFILTER, 0);

	if (!nl)
		return;
	ct_nl_dump(nl, CT_TABLE_CONNTRACK, false, NULL, kernel_one, d);
	nl_close(nl);
}

static void dump_child(void *data)
{
	static char buf[OUT_BUF_SIZE];
	const struct dump_args *a = data;
	struct scache *c = sc.cache[a->which];
	struct dump d;
	int r;

	ctl_close_others(a->fd);
	out_init(&d.o, a->fd, buf, sizeof(buf));
	d.xml = a->xml;
	d.ext = a->which >= SC_EXT_CT;
	d.now = ctd_now();
	if (c)
		scache_walk(c, 0, ~0u, dump_one, &d);
	else if (a->which == SC_INT_CT && sc.cs->disable_internal_cache)
		dump_kernel(&d);
	r = out_close(&d.o);
	if (r < 0)
		log_err("cache dump to a control client stopped: write error: "
			"%s", err_str(-r));
}

static void dump(int fd, int which, bool xml)
{
	struct dump_args a = { fd, which, xml };

	if (!sc.cache[which] &&
	    !(which == SC_INT_CT && sc.cs->disable_internal_cache))
		return;
	if (ctd_fork(dump_child, &a) < 0)
		ctd.rt.child_fail++;
}

/* ---- statistics ------------------------------------------------------ */

static void cache_block(struct out *o, const char *title, struct scache *c)
{
	const struct cache_stats *s = scache_stats(c);

	out_printf(o, "%s:\n"
		   "current active connections:\t%12u\n"
		   "connections created:\t\t%12u\tfailed:\t%12u\n"
		   "connections updated:\t\t%12u\tfailed:\t%12u\n"
		   "connections destroyed:\t\t%12u\tfailed:\t%12u\n\n",
		   title, s->active, s->add_ok, s->add_fail, s->upd_ok,
		   s->upd_fail, s->del_ok, s->del_fail);
}

/* DisableInternalCache / DisableExternalCache stand-ins for a cache */
static void bypass_block(struct out *o)
{
	out_printf(o, "internal bypass:\n"
		   "connections new:\t\t%12u\n"
		   "connections updated:\t\t%12u\n"
		   "connections destroyed:\t\t%12u\n\n",
		   sc.bypass.new_, sc.bypass.upd, sc.bypass.del);
}

static void inject_block(struct out *o)
{
	out_printf(o, "external inject:\n"
		   "connections created:\t\t%12u\tfailed:\t%12u\n"
		   "connections updated:\t\t%12u\tfailed:\t%12u\n"
		   "connections destroyed:\t\t%12u\tfailed:\t%12u\n\n",
		   sc.inject.add_ok, sc.inject.add_fail, sc.inject.upd_ok,
		   sc.inject.upd_fail, sc.inject.del_ok, sc.inject.del_fail);
}

static void print_stats(struct out *o, bool exp)
{
	struct scache *in = sc.cache[exp ? SC_INT_EXP : SC_INT_CT];
	struct scache *ex = sc.cache[exp ? SC_EXT_EXP : SC_EXT_CT];

	if (exp && !sc.cs->expectation_sync)
		return;
	if (in)
		cache_block(o, "cache internal", in);
	else
		bypass_block(o);
	if (ex)
		cache_block(o, "cache external", ex);
	else
		inject_block(o);
	out_printf(o, "traffic processed:\n%20llu Bytes      %20llu Pckts\n\n",
		   0ULL, 0ULL);
	chans_print_stats(sc.chans, o);
	out_printf(o, "message tracking:\n"
		   "%20llu Malformed msgs %20llu Lost msgs\n\n",
		   (unsigned long long)sc.cnt.rcv_malformed,
		   (unsigned long long)sc.cnt.rcv_lost);
}

static void print_network(struct out *o)
{
	const struct sync_counters *c = &sc.cnt;

	out_printf(o, "network statistics:\n"
		   "\trecv:\n"
		   "\t\tMalformed messages:\t%20llu\n"
		   "\t\tWrong protocol version:\t%20llu\n"
		   "\t\tMalformed header:\t%20llu\n"
		   "\t\tMalformed payload:\t%20llu\n"
		   "\t\tBad message type:\t%20llu\n"
		   "\t\tTruncated message:\t%20llu\n"
		   "\t\tBad message size:\t%20llu\n"
		   "\tsend:\n"
		   "\t\tMalformed messages:\t%20llu\n\n",
		   (unsigned long long)c->rcv_malformed,
		   (unsigned long long)c->rcv_bad_version,
		   (unsigned long long)c->rcv_bad_header,
		   (unsigned long long)c->rcv_bad_payload,
		   (unsigned long long)c->rcv_bad_type,
		   (unsigned long long)c->rcv_truncated,
		   (unsigned long long)c->rcv_bad_size,
		   (unsigned long long)c->snd_malformed);
	out_printf(o, "sequence tracking statistics:\n"
		   "\trecv:\n"
		   "\t\tPackets lost:\t\t%20llu\n"
		   "\t\tPackets before:\t\t%20llu\n\n",
		   (unsigned long long)c->rcv_lost,
		   (unsigned long long)c->rcv_before);
	chans_print_stats(sc.chans, o);
}

static void cache_detail(struct out *o, struct scache *c)
{
	ctl_print_cache(o, scache_name(c), scache_stats(c), scache_count(c));
}

static void print_caches(struct out *o)
{
	unsigned int i;

	if (!sc.cache[SC_INT_CT])
		bypass_block(o);
	for (i = 0; i < SC_NCACHES; i++) {
		if (i == SC_EXT_CT && !sc.cache[SC_EXT_CT])
			inject_block(o);
		if (sc.cache[i])
			cache_detail(o, sc.cache[i]);
	}
}

static void queue_block(struct out *o, const char *name, unsigned int cur,
			unsigned int max, unsigned int err)
{
	out_printf(o, "queue %s:\n"
		   "current elements:\t\t%12u\n"
		   "maximum elements:\t\t%12u\n"
		   "not enough space errors:\t%12u\n\n", name, cur, max, err);
}

static void print_queues(struct out *o)
{
	unsigned int i;

	out_printf(o, "allocated queue nodes:\t\t%12u\n\n",
		   sc.m == &sync_mode_ftfw ? mode_ftfw_qnodes() : 0u);
	queue_block(o, "txqueue", sc.m->txq_len ? sc.m->txq_len() : 0,
		    2147483647u, 0);
	for (i = 0; i < chans_count(sc.chans); i++)
		queue_block(o, "errorq", chan_queued(chans_get(sc.chans, i)),
			    sc.cs->error_queue_length, 0);
	if (sc.m == &sync_mode_ftfw) {
		unsigned int cur, max;
		uint64_t enospc;

		mode_ftfw_rsqueue_stats(&cur, &max, &enospc);
		queue_block(o, "rsqueue", cur, max, (unsigned int)enospc);
	} else if (sc.m->on_request) {
		sc.m->on_request(CTL_STATS_QUEUE, o);
	}
}

static void print_sync(struct out *o)
{
	struct sync_state_backup b = {
		.tracked = sc.m == &sync_mode_ftfw,
		.ext = sc.cache[SC_EXT_CT] != NULL,
		.inject_fail = sc.inject.add_fail + sc.inject.upd_fail +
			       sc.inject.del_fail,
	};

	if (b.ext)
		b.ext_flows = scache_count(sc.cache[SC_EXT_CT]);
	sync_state_print(o, sync_now_ms(), &b);
	ctl_print_loop(o);
}

/* ---- -t: a kernel flush after PurgeTimeout --------------------------- */

static struct timer purge_timer;
static bool purge_init;

static void on_purge_timer(void *data)
{
	(void)data;
	log_notice("flushing kernel conntrack table (scheduled)");
	ctl_flush_kernel(-1);
	sync_flush_cache(SC_F_INT, -1);
}

static void reset_timers(void)
{
	if (!purge_init) {
		timer_init(&purge_timer, on_purge_timer, NULL);
		purge_init = true;
	}
	if (timer_pending(&purge_timer))
		return;
	log_notice("flushing conntrack table in %u secs",
		   sc.cs->purge_timeout);
	timer_add(&purge_timer, (uint64_t)sc.cs->purge_timeout * 1000);
}

static void cancel_purge(void)
{
	if (purge_init)
		timer_del(&purge_timer);
}

/* ---- commit ---------------------------------------------------------- */

/* Below this many flows a fork costs more than the second core gives. */
#define COMMIT_SPLIT_MIN	2048

static struct commit_split *cm;
static struct nl *cm_nl, *cm_child_nl;
static int cm_fd = -1;
static struct ctd_fd cm_wait = { .fd = -1 };

/* A share of the conntrack cache: the buckets [lo, hi). */
struct share {
	unsigned int lo, hi;
};

static struct share shares[2];

struct cursor {
	struct scache *c;
	uint64_t pos;
	bool started;
	unsigned int hi;	/* the walk ends at this bucket; 0: at the end */
	struct sobj *got;
};

static void *cur_open(void *arg, enum commit_what kind)
{
	const struct share *sh = arg;
	struct cursor *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->c = sc.cache[kind == COMMIT_EXP ? SC_EXT_EXP : SC_EXT_CT];
	if (sh && kind == COMMIT_CT) {
		/* scache_walk()'s cursor of the first object of bucket lo */
		k->pos = sh->lo ? (uint64_t)(sh->lo + 1) << 32 : 0;
		k->started = sh->lo != 0;
		k->hi = sh->hi;
	}
	return k;
}

static void take(struct sobj *o, void *data)
{
	((struct cursor *)data)->got = o;
}

/* One object (or one empty bucket) a call: the bucket it is in is the
 * cursor's, so the share's end is seen before walking past it. */
static struct sobj *cur_next(struct cursor *k)
{
	if (!k->c)
		return NULL;
	k->got = NULL;
	while (!k->got) {
		if (k->started && !k->pos)
			return NULL;
		if (k->hi && k->pos && (k->pos >> 32) - 1 >= k->hi)
			return NULL;
		k->started = true;
		k->pos = scache_walk(k->c, k->pos, 1, take, k);
	}
	return k->got;
}

static int cur_next_ct(void *cursor, struct ct *out, uint32_t *lastupdate)
{
	struct sobj *o = cur_next(cursor);

	if (!o)
		return 0;
	sobj_ct(o, out);
	*lastupdate = sobj_updated(o);
	return 1;
}

static int cur_next_exp(void *cursor, struct exp *out, uint32_t *lastupdate)
{
	struct sobj *o = cur_next(cursor);

	if (!o)
		return 0;
	sobj_exp(o, out);
	*lastupdate = sobj_updated(o);
	return 1;
}

static void cur_close(void *cursor)
{
	free(cursor);
}

static const struct commit_src cm_src = {
	.open = cur_open,
	.next_ct = cur_next_ct,
	.next_exp = cur_next_exp,
	.close = cur_close,
};

static void commit_done(const struct commit_result *r, bool child_lost,
			void *arg)
{
	char buf[128];
	unsigned int it = 0;
	const char *l;

	(void)arg;
	if (child_lost)
		log_err("commit: the child committing a share of the cache "
			"ended without its report; the share was committed "
			"again");
	if (r->err)
		log_err("commit: %s", err_str(-r->err));
	while ((l = commit_log_line(r, &it, buf, sizeof(buf))))
		log_notice("%s", l);
}

static void commit_end(void)
{
	commit_split_free(cm);
	cm = NULL;
	if (cm_fd >= 0)
		close(cm_fd);
	cm_fd = -1;
	if (cm_wait.fd >= 0) {
		ctd_fd_del(&cm_wait);
		close(cm_wait.fd);
	}
	cm_wait.fd = -1;
}

void sync_commit_step(void)
{
	uint64_t t0 = timer_now_ns();

	while (cm) {
		if (commit_split_step(cm, COMMIT_SLICE) == 0)
			commit_end();
		else if (commit_split_waiting(cm) ||
			 timer_now_ns() - t0 >= COMMIT_TURN_NS)
			break;
	}
}

bool sync_commit_busy(void)
{
	return cm && !commit_split_waiting(cm);
}

void sync_commit_fini(void)
{
	struct nl **n[] = { &cm_nl, &cm_child_nl };
	unsigned int i;

	commit_end();
	for (i = 0; i < 2; i++) {
		if (!*n[i])
			continue;
		evsrc_unignore_portid(nl_portid(*n[i]));
		nl_close(*n[i]);
		*n[i] = NULL;
	}
}

static uint32_t now_s(void)
{
	return ctd_now();
}

/* In the commit's child: no client waits for it, and it does the
 * daemon's work at the daemon's priority. */
static void commit_child(void *arg)
{
	(void)arg;
	ctd_sched_restore();
	ctl_close_others(-1);
	if (cm_fd >= 0)
		close(cm_fd);
}

static void on_cm_wait(struct ctd_fd *f, uint32_t events)
{
	(void)f;
	(void)events;
	sync_core_kick();	/* the child reported, or ended */
}

/* One socket each for the daemon's life: the events of a commit arrive
 * after it ended, and must still be known as ours. */
static struct nl *commit_nl(struct nl **n)
{
	if (!*n) {
		*n = nl_open(NETLINK_NETFILTER, 0);
		if (*n)
			evsrc_ignore_portid(nl_portid(*n), false);
	}
	return *n;
}

static void commit(int fd, enum commit_what what)
{
	struct commit_opts co = {
		.what = what,
		.commit_timeout = sc.cs->commit_timeout,
		.window_tracking = sc.cs->tcp_window_tracking,
		.now = now_s,
	};
	struct commit_src part[2] = { cm_src, cm_src };
	struct commit_split_how how = {
		.whole = &cm_src,
		.spawn = ctd_fork,
		.in_child = commit_child,
	};
	unsigned int hs = ctd.conf->general.hashsize;

	if (!sc.cache[SC_EXT_CT])
		return;		/* DisableExternalCache: a no-op */
	if (cm) {
		log_notice("commit already in progress, skipping");
		return;
	}
	if (what == COMMIT_ALL)
		log_notice("committing all external caches");
	else if (what == COMMIT_CT)
		log_notice("committing external cache");
	else
		log_notice("committing external cache: expectations");
	if (what & COMMIT_EXP && !sc.cache[SC_EXT_EXP])
		co.what &= ~COMMIT_EXP;
	if (!co.what)
		return;
	if (!commit_nl(&cm_nl)) {
		log_err("commit: %s", err_str(errno));
		return;
	}
	if ((co.what & COMMIT_CT) && hs > 1 &&
	    scache_count(sc.cache[SC_EXT_CT]) >= COMMIT_SPLIT_MIN &&
	    commit_nl(&cm_child_nl)) {
		shares[0] = (struct share){ 0, hs / 2 };
		shares[1] = (struct share){ hs / 2, 0 };
		part[0].arg = &shares[0];
		part[1].arg = &shares[1];
		how.share = part;
		how.child_nl = cm_child_nl;
	}
	/* the client waits for the end: its connection stays open */
	cm_fd = dup(fd);
	cm = commit_split_start(cm_nl, &how, &co, commit_done, NULL);
	if (!cm) {
		log_err("commit: %s", err_str(errno));
		commit_end();
		return;
	}
	if (commit_split_fd(cm) >= 0) {
		cm_wait.fd = dup(commit_split_fd(cm));
		cm_wait.fn = on_cm_wait;
		if (cm_wait.fd >= 0 && ctd_fd_add(&cm_wait) < 0) {
			close(cm_wait.fd);
			cm_wait.fd = -1;
		}
	}
	sync_core_kick();
}

/* ---- dispatch -------------------------------------------------------- */

static void flush_caches(unsigned int which, const char *msg, int fd)
{
	log_notice("%s", msg);
	if (which & SC_F_INT)
		cancel_purge();
	sync_flush_cache(which, fd);
}

/* The client waits for the end of the last dump, as 1.4.7's does for
 * its one-turn resync. */
static void resync_master(bool ct, bool exp, int fd)
{
	exp = exp && sc.cache[SC_INT_EXP];
	if (!sc.cache[SC_INT_CT]) {
		log_notice("resync is unsupported in this mode");
		return;
	}
	if (ct) {
		log_notice("resync with master conntrack table");
		evsrc_resync(CTD_DUMP_QUIET, false, exp ? -1 : fd);
	}
	if (exp) {
		log_notice("resync with master expect table");
		evsrc_resync_exp(CTD_DUMP_QUIET, fd);
	}
}

bool sync_request(int code, struct out *o, int fd)
{
	if (sc.m->on_request && code != CTL_STATS_QUEUE &&
	    sc.m->on_request(code, o))
		return true;
	switch (code) {
	case CTL_CT_DUMP_INTERNAL:
	case CTL_CT_DUMP_INT_XML:
		/* DisableInternalCache: the kernel table */
		dump(fd, SC_INT_CT, code == CTL_CT_DUMP_INT_XML);
		return true;
	case CTL_CT_DUMP_EXTERNAL:
	case CTL_CT_DUMP_EXT_XML:
		dump(fd, SC_EXT_CT, code == CTL_CT_DUMP_EXT_XML);
		return true;
	case CTL_EXP_DUMP_INTERNAL:
	case CTL_EXP_DUMP_INT_XML:
		dump(fd, SC_INT_EXP, code == CTL_EXP_DUMP_INT_XML);
		return true;
	case CTL_EXP_DUMP_EXTERNAL:
	case CTL_EXP_DUMP_EXT_XML:
		dump(fd, SC_EXT_EXP, code == CTL_EXP_DUMP_EXT_XML);
		return true;
	case CTL_STATS:
		print_stats(o, false);
		return true;
	case CTL_EXP_STATS:
		print_stats(o, true);
		return true;
	case CTL_STATS_NETWORK:
		print_network(o);
		return true;
	case CTL_STATS_CACHE:
		print_caches(o);
		return true;
	case CTL_STATS_LINK:
		chans_print_link(sc.chans, o);
		return true;
	case CTL_STATS_QUEUE:
		print_queues(o);
		return true;
	case CTL_STATS_RSQUEUE:
		return true;	/* FT-FW's, answered by the mode */
	case CTL_STATS_SYNC:
		print_sync(o);
		return true;
	case CTL_CT_FLUSH_CACHE:
	case CTL_ALL_FLUSH_CACHE:
		flush_caches(SC_F_INT | SC_F_EXT, "flushing caches", fd);
		return true;
	case CTL_CT_FLUSH_INT_CACHE:
		flush_caches(SC_F_INT, "flushing internal cache", fd);
		return true;
	case CTL_CT_FLUSH_EXT_CACHE:
		flush_caches(SC_F_EXT, "flushing external cache", fd);
		return true;
	case CTL_CT_RESYNC_MASTER:
		resync_master(true, false, fd);
		return true;
	case CTL_EXP_RESYNC_MASTER:
		resync_master(false, true, fd);
		return true;
	case CTL_ALL_RESYNC_MASTER:
		resync_master(true, true, fd);
		return true;
	case CTL_SEND_BULK:
		log_notice("sending bulk update");
		sync_bulk_start();
		return true;
	case CTL_REQUEST_DUMP:
		if (sc.m->request_resync) {
			log_notice("resync requested");
			sc.m->request_resync();
			sync_core_kick();
		}
		return true;
	case CTL_RESET_TIMERS:
		reset_timers();
		return true;
	case CTL_CT_COMMIT:
		commit(fd, COMMIT_CT);
		return true;
	case CTL_EXP_COMMIT:
		commit(fd, COMMIT_EXP);
		return true;
	case CTL_ALL_COMMIT:
		commit(fd, COMMIT_ALL);
		return true;
	}
	return false;
}
