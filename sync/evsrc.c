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

#include "config/conf.h"
#include "lib/err.h"
#include "netlink/bpf.h"
#include "netlink/ct.h"
#include "netlink/exp.h"
#include "netlink/nl.h"
#include "sync/cache.h"
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
	evsrc_resync(true);
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

static int on_event_msg(const struct nlmsghdr *nlh, void *data)
{
	enum ct_event ev = ct_nl_event(nlh);
	struct ct ct;
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
	if (exp_nl_event(nlh) != CT_EV_NONE)
		return on_exp_msg(nlh, own == 1);
	if (ct_nl_parse(nlh, &ct) < 0) {
		evsrc_stats.catch_fail++;
		return 0;
	}
	if (!evsrc_filter(&ctd.conf->general.filter, &ct)) {
		evsrc_stats.events_filtered++;
		return 0;
	}
	ctd.own_event = own == 1;
	ctd.mode->on_event(&ct, ev);
	ctd.own_event = false;
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

struct dump_ctx {
	uint32_t gen;
	bool mark;
};

static int on_dump(const struct ct *ct, enum ct_event ev, void *data)
{
	struct dump_ctx *d = data;

	(void)ev;
	if (!evsrc_filter(&ctd.conf->general.filter, ct))
		return 0;
	ctd.mode->on_resync(ct);
	if (d->mark && ctd.cache)
		cache_mark(ctd.cache, ct, d->gen);
	return 0;
}

static void on_sweep(const struct ct *ct, uint32_t created, void *data)
{
	(void)data;
	if (ctd.mode->on_purge)
		ctd.mode->on_purge(ct, created);
}

int evsrc_resync(bool purge)
{
	struct dump_ctx d = { 0, purge && ctd.cache };
	int r;

	/* a mode with caches of its own sweeps them itself */
	bool own = purge && !ctd.cache && ctd.mode->on_purge_begin;

	if (d.mark)
		d.gen = cache_sweep_begin(ctd.cache);
	if (own)
		ctd.mode->on_purge_begin();
	r = ct_nl_dump(dump_nl, CT_TABLE_CONNTRACK, false, NULL, on_dump, &d);
	evsrc_stats.resync++;
	/* An interrupted dump may have missed entries: purge nothing. */
	if (r == 0 && d.mark)
		cache_sweep(ctd.cache, d.gen, on_sweep, NULL);
	if (own)
		ctd.mode->on_purge_end(r == 0);
	return r;
}

static int on_exp_dump(const struct exp *e, enum ct_event ev, void *data)
{
	(void)ev;
	(void)data;
	ctd.mode->on_exp_resync(e);
	return 0;
}

int evsrc_resync_exp(void)
{
	if (!want_exp() || !ctd.mode->on_exp_resync)
		return 0;
	return exp_nl_dump(dump_nl, 0, on_exp_dump, NULL);
}

static int on_flush_entry(const struct ct *ct, enum ct_event ev, void *data)
{
	(void)ev;
	(void)data;
	if (evsrc_filter(&ctd.conf->general.filter, ct))
		ct_nl_delete(req_nl, ct);	/* gone meanwhile: fine */
	return 0;
}

int evsrc_flush_kernel(void)
{
	evsrc_stats.flush_kernel++;
	if (!ctd.conf->general.filter.present)
		return ct_nl_flush(req_nl, NULL);
	return ct_nl_dump(dump_nl, CT_TABLE_CONNTRACK, false, NULL,
			  on_flush_entry, NULL);
}

static void on_poll_timer(void *data)
{
	(void)data;
	evsrc_resync(true);
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
	/* The initial state: a full dump, nothing purged. */
	evsrc_resync_exp();
	r = evsrc_resync(false);
	evsrc_stats.resync = 0;
	if (r < 0 && r != -EINTR)
		log_warn("can't dump the kernel conntrack table: %s",
			 err_str(-r));
	return 0;
}

void evsrc_fini(void)
{
	timer_del(&resync_timer);
	timer_del(&poll_timer);
	timer_del(&pace_timer);
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
