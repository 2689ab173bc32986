/* A conntrackd without a kernel, sockets or clock, for the fuzz targets of
 * the sync core and the control requests (fuzz_sync.c, fuzz_ctl.c) and
 * their replay in the unit suite.
 *
 * Linked before libctbox.a, this file stands in for whole members of it:
 *  - sync/timer.c: a fake clock (sim_ms) and the loop's timer list;
 *  - sync/daemon.c: struct ctd, fds registered by number, children run
 *    inline (a cache dump is written to /dev/null in the caller);
 *  - sync/channels.c and sync/channel.c: one channel whose datagrams come
 *    from the input and whose sends are kept in memory (and can be made
 *    to refuse with -EAGAIN);
 *  - sync/evsrc.c: a kernel table of SIM_FLOWS flows that local events
 *    change, dumped by a resync, emptied by a flush.
 * Everything else (config parser, caches, modes, FT-FW protocol, wire
 * codec, control requests) is the real code.
 *
 * An input is a program: byte 0 picks the configuration (mode and queue
 * sizes), then each op is one byte and its operands (sim_step()). */
#ifndef CTBOX_FUZZ_SIM_C
#define CTBOX_FUZZ_SIM_C

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "config/conf.h"
#include "lib/ct.h"
#include "lib/out.h"
#include "sync/cache.h"
#include "sync/channel.h"
#include "sync/channels.h"
#include "sync/ctl.h"
#include "sync/daemon.h"
#include "sync/evsrc.h"
#include "sync/mode.h"
#include "sync/mode_ftfw.h"
#include "sync/sobj.h"
#include "sync/sync_int.h"
#include "sync/timer.h"
#include "sync/wire.h"

#define SIM_FLOWS	16	/* distinct flows the local events use */
#define SIM_CHAN_FD	1000	/* numbers only: nothing is polled */
#define SIM_LINK_FD	1001
#define SIM_MTU		1472

static void sim_trap(int cond)
{
	if (!cond)
		__builtin_trap();
}

/* ---- sync/timer.h on a fake clock ------------------------------------ */

static uint64_t sim_ms;
static struct timer *sim_timers;

uint64_t timer_now_ms(void)
{
	return sim_ms;
}

/* Steps bounded by time (commit slices) see the fake clock stand still:
 * bounded by their count alone, as on a fast machine. */
uint64_t timer_now_ns(void)
{
	return sim_ms * 1000000;
}

void timer_init(struct timer *t, void (*fn)(void *), void *data)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->data = data;
}

void timer_del(struct timer *t)
{
	struct timer **pp;

	for (pp = &sim_timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->next = NULL;
	t->armed = false;
}

void timer_add(struct timer *t, uint64_t ms)
{
	timer_del(t);
	t->when = sim_ms + ms;
	t->armed = true;
	t->next = sim_timers;
	sim_timers = t;
}

bool timer_pending(const struct timer *t)
{
	return t->armed;
}

int timer_next_ms(void)
{
	return sim_timers ? 0 : -1;
}

unsigned int timer_run(void)
{
	unsigned int n = 0;
	struct timer *t;
	bool again = true;

	while (again) {
		again = false;
		for (t = sim_timers; t; t = t->next)
			if (t->when <= sim_ms) {
				timer_del(t);
				t->fn(t->data);
				n++;
				again = true;
				break;
			}
	}
	return n;
}

/* ---- sync/daemon.h ---------------------------------------------------- */

struct ctd ctd;
static struct ctd_fd *sim_chan_f;
static int sim_devnull = -1;

uint32_t ctd_now(void)
{
	return (uint32_t)(sim_ms / 1000);
}

int ctd_fd_add(struct ctd_fd *f)
{
	if (f->fd == SIM_CHAN_FD)
		sim_chan_f = f;
	return 0;
}

void ctd_fd_del(struct ctd_fd *f)
{
	if (f == sim_chan_f)
		sim_chan_f = NULL;
}

void ctd_shutdown(void)
{
	ctd.quit = 1;
}

int ctd_notify(const char *state)
{
	(void)state;
	return 0;
}

int ctd_fork(void (*fn)(void *data), void *data)
{
	fn(data);
	return 0;
}

void ctd_sched_restore(void)
{
}

void ctd_print_children(struct out *o)
{
	(void)o;
}

/* ---- sync/channel.h and sync/channels.h: one channel in memory -------- */

struct chan {
	int unused;
};
struct chans {
	int cur;
};

static struct chan sim_chan;
static struct chans sim_chans;
static const uint8_t *sim_rx;	/* the datagram chan_recv() hands out */
static size_t sim_rx_len;
static bool sim_rx_peer;
static bool sim_full;		/* chans_put() says -EAGAIN */
static uint8_t sim_tx[SIM_MTU], sim_sent[SIM_MTU];
static size_t sim_tx_len, sim_sent_len;
static uint64_t sim_sent_msgs;

struct chans *chans_open(const struct conf_sync *s, chans_switch_cb cb,
			 void *data, int *failed)
{
	(void)s;
	(void)cb;
	(void)data;
	if (failed)
		*failed = -1;
	sim_chans.cur = 0;
	return &sim_chans;
}

void chans_close(struct chans *set)
{
	(void)set;
}

unsigned int chans_count(const struct chans *set)
{
	(void)set;
	return 1;
}

struct chan *chans_get(const struct chans *set, unsigned int i)
{
	(void)set;
	sim_trap(i == 0);
	return &sim_chan;
}

int chans_current(const struct chans *set)
{
	return set->cur;
}

void chans_set_current(struct chans *set, unsigned int i)
{
	sim_trap(i == 0);
	set->cur = (int)i;
}

unsigned int chans_ifflags(const struct chans *set, unsigned int i)
{
	(void)set;
	(void)i;
	return IFF_UP | IFF_RUNNING;
}

int chans_link_fd(const struct chans *set)
{
	(void)set;
	return SIM_LINK_FD;
}

int chans_link_process(struct chans *set)
{
	(void)set;
	return 0;
}

int chans_flush(struct chans *set)
{
	(void)set;
	if (!sim_tx_len)
		return 0;
	if (sim_full)
		return -EAGAIN;
	memcpy(sim_sent, sim_tx, sim_tx_len);
	sim_sent_len = sim_tx_len;
	sim_tx_len = 0;
	return 0;
}

/* the simulated daemon has no waits: every turn's datagram goes */
int chans_flush_aged(struct chans *set)
{
	return chans_flush(set);
}

int chans_put(struct chans *set, const void *msg, size_t len)
{
	if (sim_full)
		return -EAGAIN;
	sim_trap(len > 0 && len <= WIRE_MSG_MAX && len % 4 == 0);
	if (sim_tx_len + len >= sizeof(sim_tx))
		chans_flush(set);
	sim_trap(sim_tx_len + len <= sizeof(sim_tx));
	memcpy(sim_tx + sim_tx_len, msg, len);
	sim_tx_len += len;
	sim_sent_msgs++;
	return 0;
}

int chans_send(struct chans *set, const void *buf, size_t len)
{
	(void)set;
	(void)buf;
	(void)len;
	return sim_full ? -EAGAIN : 0;
}

void chans_print_stats(const struct chans *set, struct out *o)
{
	(void)set;
	out_printf(o, "sim channel: %llu messages sent\n",
		   (unsigned long long)sim_sent_msgs);
}

void chans_print_link(const struct chans *set, struct out *o)
{
	chans_print_stats(set, o);
}

int chan_fd(const struct chan *c)
{
	(void)c;
	return SIM_CHAN_FD;
}

const char *chan_ifname(const struct chan *c)
{
	(void)c;
	return "sim0";
}

void chan_process(struct chan *c)
{
	(void)c;
}

unsigned int chan_queued(const struct chan *c)
{
	(void)c;
	return 0;
}

ssize_t chan_recv(struct chan *c, void *buf, size_t len,
		  struct chan_peer *peer)
{
	(void)c;
	if (!sim_rx)
		return -EAGAIN;
	memset(peer, 0, sizeof(*peer));
	if (sim_rx_len > len)
		sim_rx_len = len;	/* a datagram socket cuts too */
	memcpy(buf, sim_rx, sim_rx_len);
	sim_rx = NULL;
	return (ssize_t)sim_rx_len;
}

bool chan_is_peer(const struct chan *c, const struct chan_peer *p)
{
	(void)c;
	(void)p;
	return sim_rx_peer;
}

/* ---- sync/evsrc.h: a small kernel table ------------------------------- */

struct evsrc_stats evsrc_stats;
static struct ct sim_kernel[SIM_FLOWS];
static bool sim_in_kernel[SIM_FLOWS];

int evsrc_init(void)
{
	return 0;
}

void evsrc_fini(void)
{
}

int evsrc_ignore_portid(uint32_t portid, bool drop)
{
	(void)portid;
	(void)drop;
	return 0;
}

void evsrc_unignore_portid(uint32_t portid)
{
	(void)portid;
}

bool evsrc_filter(const struct conf_filter *f, const struct ct *ct)
{
	(void)f;
	(void)ct;
	return true;
}

/* A dump of the table, at once (the simulation has no loop turns to
 * spread it over); purging: every entry not in it is gone.  The waiting
 * client is the simulation's one /dev/null for every request: not closed. */
int evsrc_resync(enum ctd_dump use, bool purge, int client)
{
	unsigned int i;

	evsrc_stats.resync++;
	if (purge && ctd.mode->on_purge_begin)
		ctd.mode->on_purge_begin();
	for (i = 0; i < SIM_FLOWS; i++)
		if (sim_in_kernel[i] && ctd.mode->on_resync)
			ctd.mode->on_resync(&sim_kernel[i], use);
	if (purge && ctd.mode->on_purge_end)
		ctd.mode->on_purge_end(true);
	(void)client;
	return 0;
}

int evsrc_resync_exp(enum ctd_dump use, int client)
{
	(void)use;
	(void)client;
	return 0;
}

void evsrc_dump_resume(void)
{
}

bool evsrc_busy(void)
{
	return false;
}

bool evsrc_flush_whole(void)
{
	return false;
}

int evsrc_flush_kernel(int client)
{
	unsigned int i;

	evsrc_stats.flush_kernel++;
	for (i = 0; i < SIM_FLOWS; i++)
		if (sim_in_kernel[i]) {
			sim_in_kernel[i] = false;
			ctd.mode->on_event(&sim_kernel[i], CT_EV_DESTROY);
		}
	(void)client;
	return 0;
}

/* ---- the simulation --------------------------------------------------- */

/* Configurations: mode x small/default queues x expectations. */
#define SIM_NCONF	12
static struct conf sim_confs[SIM_NCONF + 1];	/* the last: stats mode */
static bool sim_conf_ok[SIM_NCONF + 1];

static const char *const sim_mode_name[3] = { "FTFW", "ALARM", "NOTRACK" };
/* small queues and short times: overflows and expiry within a few steps */
static const char *const sim_mode_small[3] = {
	"ResendQueueSize 8\nACKWindowSize 3",
	"RefreshTime 2\nCacheTimeout 5",
	"",
};

static void sim_conf(unsigned int v)
{
	char text[1024];
	struct conf_error err;
	int n;

	if (sim_conf_ok[v])
		return;
	if (v == SIM_NCONF)
		n = snprintf(text, sizeof(text),
			     "General { HashSize 16\nHashLimit 24 }\n"
			     "Stats { LogFile off }\n");
	else
		n = snprintf(text, sizeof(text),
		     "General { HashSize 16\nHashLimit %u }\n"
		     "Sync {\nMode %s {\n%s\n}\n"
		     "UDP { IPv4_address 127.0.0.1\n"
		     "IPv4_Destination_Address 127.0.0.2\nPort 3780\n"
		     "Interface lo }\n"
		     "Options { TCPWindowTracking %s\nExpectationSync %s }\n}\n",
		     v & 1 ? 24 : 4096, sim_mode_name[(v >> 2) % 3],
		     v & 1 ? sim_mode_small[(v >> 2) % 3] : "",
		     v & 2 ? "on" : "off", v & 2 ? "on" : "off");
	sim_trap(n > 0 && (size_t)n < sizeof(text));
	if (conf_load_buf(text, (size_t)n, &sim_confs[v], &err) < 0) {
		fprintf(stderr, "sim: configuration %u: %s\n", v, err.text);
		abort();
	}
	sim_conf_ok[v] = true;
}

static void sim_flow(struct ct *ct, unsigned int i, uint8_t var)
{
	ct_init(ct);
	ct->family = i & 8 ? AF_INET6 : AF_INET;
	ct->orig.l3 = ct->reply.l3 = i & 8 ? AF_INET6 : AF_INET;
	ct->orig.l4 = ct->reply.l4 = i & 4 ? IPPROTO_UDP : IPPROTO_TCP;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			   CT_T_DPORT;
	memset(ct->orig.src.b, 0x0a, 16);
	memset(ct->orig.dst.b, 0x0b, 16);
	ct->orig.src.b[3] = (uint8_t)i;
	ct->orig.sport = (uint16_t)(1000 + i);
	ct->orig.dport = 80;
	ct_set(ct, CT_A_ORIG);
	ct_tuple_invert(&ct->reply, &ct->orig);
	ct_set(ct, CT_A_REPLY);
	ct->status = var & 1 ? CT_S_ASSURED | CT_S_SEEN_REPLY : 0;
	ct_set(ct, CT_A_STATUS);
	ct->timeout = 30u + var;
	ct_set(ct, CT_A_TIMEOUT);
	ct->mark = var >> 4;
	ct_set(ct, CT_A_MARK);
	if (ct->orig.l4 == IPPROTO_TCP) {
		ct->tcp.state = (uint8_t)(var % 10);
		ct_set(ct, CT_A_TCP_STATE);
	}
}

static void sim_exp(struct exp *e, unsigned int i)
{
	memset(e, 0, sizeof(*e));
	e->family = AF_INET;
	e->tuple.l3 = e->mask.l3 = e->master.l3 = AF_INET;
	e->tuple.l4 = e->mask.l4 = e->master.l4 = IPPROTO_TCP;
	e->tuple.present = e->mask.present = e->master.present =
		CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
	e->tuple.src.b[0] = 10;
	e->tuple.dst.b[0] = 11;
	e->tuple.dport = (uint16_t)(2000 + i);
	memset(e->mask.src.b, 0xff, 4);
	memset(e->mask.dst.b, 0xff, 4);
	e->mask.dport = 0xffff;
	e->master.src.b[0] = 10;
	e->master.dst.b[0] = 11;
	e->master.sport = 1000;
	e->master.dport = 21;
	e->present = CT_BIT(EXP_A_MASTER) | CT_BIT(EXP_A_TUPLE) |
		     CT_BIT(EXP_A_MASK) | CT_BIT(EXP_A_TIMEOUT) |
		     CT_BIT(EXP_A_HELPER);
	e->timeout = 300;
	strcpy(e->helper, "ftp");
}

static unsigned int sim_variant;
static uint32_t sim_peer_seq;	/* of the crafted messages from the peer */

static bool sim_sync(void)
{
	return sim_variant < SIM_NCONF;
}

/* Start the daemon of configuration v (SIM_NCONF: stats mode). */
static void sim_start(unsigned int v)
{
	sim_variant = v % (SIM_NCONF + 1);
	sim_conf(sim_variant);
	if (sim_devnull < 0)
		sim_devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	memset(&ctd, 0, sizeof(ctd));
	memset(&evsrc_stats, 0, sizeof(evsrc_stats));
	memset(sim_in_kernel, 0, sizeof(sim_in_kernel));
	sim_ms = 5000000;
	sim_timers = NULL;
	sim_chan_f = NULL;
	sim_rx = NULL;
	sim_full = false;
	sim_tx_len = sim_sent_len = 0;
	sim_peer_seq = 77;
	ctd.conf = &sim_confs[sim_variant];
	ctd.start = 0;
	ctd.epfd = -1;
	if (sim_sync()) {
		ctd.mode = &ctd_sync_mode;
	} else {
		const struct conf_general *g = &ctd.conf->general;

		ctd.mode = &ctd_stats_mode;
		ctd.cache = cache_create("stats", g->hashsize, g->hashlimit);
		sim_trap(ctd.cache != NULL);
	}
	sim_trap(ctd.mode->init() == 0);
}

static void sim_stop(void)
{
	ctd.mode->fini();
	if (ctd.cache)
		cache_destroy(ctd.cache);
	ctd.cache = NULL;
	while (sim_timers)
		timer_del(sim_timers);
}

/* One loop turn: timers due, then the mode's end of turn. */
static void sim_turn(unsigned int ms)
{
	sim_ms += ms;
	timer_run();
	if (ctd.mode->end_turn)
		ctd.mode->end_turn();
}

static void sim_deliver(const uint8_t *buf, size_t len, bool peer)
{
	if (!sim_sync() || !sim_chan_f)
		return;
	sim_rx = buf;
	sim_rx_len = len;
	sim_rx_peer = peer;
	sim_chan_f->fn(sim_chan_f, EPOLLIN);
	sim_rx = NULL;
}

static void sim_local(unsigned int i, int ev, uint8_t var)
{
	struct ct ct;

	i %= SIM_FLOWS;
	if (ev == CT_EV_DESTROY) {
		if (!sim_in_kernel[i])
			return;
		sim_in_kernel[i] = false;
		ctd.mode->on_event(&sim_kernel[i], CT_EV_DESTROY);
		return;
	}
	sim_flow(&ct, i, var);
	ev = sim_in_kernel[i] ? CT_EV_UPDATE : CT_EV_NEW;
	sim_kernel[i] = ct;
	sim_in_kernel[i] = true;
	ctd.mode->on_event(&ct, (enum ct_event)ev);
}

static void sim_local_exp(unsigned int i, bool destroy)
{
	struct exp e;

	if (!ctd.mode->on_exp_event || !ctd.conf->sync.expectation_sync)
		return;
	sim_exp(&e, i % SIM_FLOWS);
	ctd.mode->on_exp_event(&e, destroy ? CT_EV_DESTROY : CT_EV_NEW);
}

/* Control requests that would reach the kernel (a commit) are left out:
 * the rest run as the daemon runs them. */
static void sim_request(int code)
{
	if (code == CTL_CT_COMMIT || code == CTL_EXP_COMMIT ||
	    code == CTL_ALL_COMMIT)
		return;
	ctl_handle(code, sim_devnull);
}

/* A message of the peer, built right: in sequence unless skew says not,
 * ACK/NACK ranges about what we sent last. */
static void sim_crafted(uint8_t kind, uint8_t flags, uint8_t a, uint8_t b)
{
	uint8_t msg[WIRE_MSG_MAX];
	uint32_t seq = sim_peer_seq + 1;
	int n;

	if (a & 0x80)
		seq += (uint32_t)(a & 0x3f) - 8;	/* a gap or an old one */
	sim_peer_seq = seq;
	if (kind & 1) {
		uint32_t to = sync_seq_peek() - 1 - (a & 0x1f);
		uint32_t from = to - (b & 0x3f);

		static const uint8_t one[4] = {
			WIRE_F_ACK, WIRE_F_NACK, WIRE_F_RESYNC, WIRE_F_ALIVE,
		};

		flags = (uint8_t)((flags & (WIRE_F_HELLO | WIRE_F_HELLO_BACK)) |
				  one[(kind >> 1) % 4]);
		if (b & 0x40)
			from = to + 1 + (b & 7);	/* backwards */
		n = wire_ctl_build(msg, sizeof(msg), flags, seq, from, to);
	} else if (kind & 2) {
		struct exp e;
		struct wire_opts o = { 0 };

		sim_exp(&e, b);
		n = wire_exp_build(msg, sizeof(msg),
				   WIRE_T_EXP_NEW + (kind >> 2) % 3,
				   flags & (WIRE_F_HELLO | WIRE_F_HELLO_BACK),
				   seq, &e, &o);
	} else {
		struct ct ct;
		struct wire_opts o = { 0 };

		sim_flow(&ct, b % 64, a);
		n = wire_ct_build(msg, sizeof(msg),
				  WIRE_T_CT_NEW + (kind >> 2) % 3,
				  flags & (WIRE_F_HELLO | WIRE_F_HELLO_BACK),
				  seq, &ct, &o);
	}
	sim_trap(n > 0);
	sim_deliver(msg, (size_t)n, true);
}

/* What must hold after every step. */
static void sim_check(void)
{
	unsigned int i;

	if (!sim_sync())
		return;
	for (i = 0; i < SC_NCACHES; i++)
		if (sc.cache[i])
			sim_trap(scache_count(sc.cache[i]) <=
				 ctd.conf->general.hashlimit);
	if (ctd.conf->sync.mode == CONF_SYNC_FTFW) {
		unsigned int cur, max;
		uint64_t enospc;

		mode_ftfw_rsqueue_stats(&cur, &max, &enospc);
		sim_trap(cur <= max);
	}
}

static uint8_t sim_byte(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

/* Run one program (see the top of the file). */
static void sim_run(const uint8_t *data, size_t size, bool ctl_only)
{
	const uint8_t *p = data, *end = data + size;

	if (!size)
		return;
	sim_start(sim_byte(&p, end));
	if (ctl_only) {
		/* the state a control request finds: local flows, the
		 * peer's, a turn; then the requests as a client sends them,
		 * one native int each, a turn after each */
		unsigned int i;
		int code;

		for (i = 0; i < 6; i++) {
			sim_local(i * 3, CT_EV_NEW, (uint8_t)i);
			sim_crafted((uint8_t)(i << 2), 0, 0, (uint8_t)i);
			sim_local_exp(i, false);
		}
		sim_turn(1);
		while (end - p >= (ptrdiff_t)sizeof(code)) {
			memcpy(&code, p, sizeof(code));
			p += sizeof(code);
			sim_request(code);
			sim_turn(3);
			sim_check();
		}
		sim_stop();
		return;
	}
	while (p < end) {
		uint8_t op = sim_byte(&p, end), a, b, c;
		size_t len;

		switch (op % 12) {
		case 0:		/* a datagram of the peer, or not: len, bytes */
		case 1:
			len = sim_byte(&p, end);
			len |= (size_t)sim_byte(&p, end) << 8;
			if (len > (size_t)(end - p))
				len = (size_t)(end - p);
			sim_deliver(p, len, op % 12 == 0);
			p += len;
			break;
		case 2:		/* a local flow: index, event, variation */
			a = sim_byte(&p, end);
			b = sim_byte(&p, end);
			sim_local(a, a & 0x30 ? (a & 0x30) == 0x30 ?
				  CT_EV_DESTROY : CT_EV_UPDATE : CT_EV_NEW, b);
			break;
		case 3:		/* time goes by */
			a = sim_byte(&p, end);
			sim_turn(a < 200 ? a : (a - 199u) * 997u);
			break;
		case 4:		/* a control request */
			sim_request(sim_byte(&p, end) % 50);
			break;
		case 5:		/* the channel full, or free again */
			sim_full = !sim_full;
			break;
		case 6:		/* a well-formed message of the peer */
			a = sim_byte(&p, end);
			b = sim_byte(&p, end);
			c = sim_byte(&p, end);
			sim_crafted(a, b, c, sim_byte(&p, end));
			break;
		case 7:		/* our last datagram comes back from the peer */
			if (sim_sent_len) {
				uint8_t echo[SIM_MTU];

				memcpy(echo, sim_sent, sim_sent_len);
				sim_deliver(echo, sim_sent_len, true);
			}
			break;
		case 8:		/* a purging resync with the kernel table */
			evsrc_resync(CTD_DUMP_NEWS, true, -1);
			break;
		case 9:		/* an expectation */
			a = sim_byte(&p, end);
			sim_local_exp(a, a & 0x80);
			break;
		case 10:	/* the peer's copy of our last datagram, mutated */
			if (sim_sent_len) {
				uint8_t m[SIM_MTU];

				memcpy(m, sim_sent, sim_sent_len);
				a = sim_byte(&p, end);
				m[a % sim_sent_len] ^= sim_byte(&p, end);
				sim_deliver(m, sim_sent_len, true);
			}
			break;
		case 11:	/* a kernel flush */
			evsrc_flush_kernel(-1);
			break;
		}
		sim_check();
	}
	sim_turn(1);
	sim_check();
	sim_stop();
}

#endif
