/* The sync core: conntrackd with a Sync section.  It owns the caches
 * (internal: local flows from the kernel; external: the peer's), the
 * channel set, the timer wheel and the sequence numbers, and runs one
 * struct sync_mode (sync/mode.h) on top:
 *  - kernel events go into the internal cache and then to the mode;
 *  - datagrams from the peer are walked message by message (wire_next),
 *    every error counted in 1.4.7's counters, handed to the mode's rx and,
 *    for data, applied to the external cache (or the kernel);
 *  - at the end of every loop turn: the wheel's due timers, a bounded
 *    step of whatever walks a whole cache (bulk send, flushes), the
 *    mode's flush, and the datagram being filled goes out.
 * Control requests of sync mode are answered in sync_ctl.c. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "lib/err.h"
#include "sync/channels.h"
#include "sync/daemon.h"
#include "sync/evsrc.h"
#include "sync/log.h"
#include "sync/sobj.h"
#include "sync/sync_int.h"
#include "sync/sync_state.h"
#include "sync/timer.h"

/* How much whole-cache work one loop turn does. */
#define STEP_OBJS	2048
/* Datagrams read from one channel per readiness, for RECV_NS at most
 * (a TCP channel's read can hold hundreds of messages). */
#define RECV_BATCH	64
#define RECV_NS		(2 * 1000 * 1000)
/* Timers fired per turn. */
#define WHEEL_BATCH	4096

struct sync_core sc;


/* ---- services of mode.h -------------------------------------------- */

const struct conf_sync *sync_conf(void)
{
	return sc.cs;
}

uint64_t sync_now_ms(void)
{
	return timer_now_ms();
}

struct wheel *sync_wheel(void)
{
	return &sc.wheel;
}

void sync_timer_add(struct sync_timer *t, uint64_t ms)
{
	wheel_add(&sc.wheel, &t->node, sync_now_ms() + ms);
}

void sync_timer_del(struct sync_timer *t)
{
	wheel_del(&sc.wheel, &t->node);
}

struct sync_counters *sync_counters(void)
{
	return &sc.cnt;
}

uint32_t sync_seq_peek(void)
{
	return sc.seq;
}

static enum wire_type msg_type(const struct sobj *o)
{
	static const enum wire_type t[2][3] = {
		{ WIRE_T_CT_NEW, WIRE_T_CT_UPD, WIRE_T_CT_DEL },
		{ WIRE_T_EXP_NEW, WIRE_T_EXP_UPD, WIRE_T_EXP_DEL },
	};

	return t[sobj_kind(o)][sobj_state(o)];
}

static int put(const uint8_t *msg, int len, uint32_t *seq)
{
	int r;

	if (len < 0) {
		sc.cnt.snd_malformed++;
		return len;
	}
	r = chans_put(sc.chans, msg, (size_t)len);
	if (r < 0)
		return r;
	if (seq)
		*seq = sc.seq;
	sc.seq++;
	return 0;
}

int sync_send_obj(struct sobj *o, uint8_t flags, uint32_t *seq)
{
	int len;

	if (sobj_kind(o) == SOBJ_CT) {
		struct ct ct;

		sobj_ct(o, &ct);
		len = wire_ct_build(sc.msg, sizeof(sc.msg), msg_type(o), flags,
				    sc.seq, &ct, &sc.wopts);
	} else {
		struct exp e;

		sobj_exp(o, &e);
		len = wire_exp_build(sc.msg, sizeof(sc.msg), msg_type(o),
				     flags, sc.seq, &e, &sc.wopts);
	}
	return put(sc.msg, len, seq);
}

int sync_send_ctl(uint8_t flags, uint32_t from, uint32_t to, uint32_t *seq)
{
	int len = wire_ctl_build(sc.msg, sizeof(sc.msg), flags, sc.seq, from,
				 to);

	return put(sc.msg, len, seq);
}

/* 1.4.7's tracking, its over-count of lost messages included. */
enum sync_seq sync_track_seq(uint32_t seq, uint32_t *expected)
{
	enum sync_seq r;

	if (!sc.seq_set)
		r = SYNC_SEQ_UNSET;
	else if (seq == sc.last_seq + 1)
		r = SYNC_SEQ_INSYNC;
	else if (wire_seq_before(sc.last_seq + 1, seq)) {
		sc.cnt.rcv_lost += seq - sc.last_seq + 1;
		r = SYNC_SEQ_AFTER;
	} else {
		sc.cnt.rcv_before++;
		r = SYNC_SEQ_BEFORE;
	}
	if (expected)
		*expected = sc.last_seq + 1;
	if (r != SYNC_SEQ_BEFORE)
		sync_seq_set(seq);
	return r;
}

void sync_seq_set(uint32_t seq)
{
	sc.last_seq = seq;
	sc.seq_set = true;
}

void sync_bulk_start(void)
{
	if (!sc.cache[SC_INT_CT]) {
		/* DisableInternalCache: the kernel table is the cache, each
		 * entry sent as new (1.4.7), a dump read in steps */
		evsrc_resync(CTD_DUMP_BULK, false, -1);
		return;
	}
	sc.bulk = 1;
	sc.bulk_cur = 0;
	sync_core_kick();
}

bool sync_bulk_busy(void)
{
	/* DisableInternalCache: the bulk is a kernel dump (evsrc) */
	return sc.bulk != 0 || (!sc.cache[SC_INT_CT] && evsrc_busy());
}

static bool dump_room(void)
{
	return !sc.m->bulk_room || sc.m->bulk_room();
}

/* Objects the bulk walk may hand over this turn (0: paused). */
static unsigned int bulk_room(void)
{
	unsigned int n = sc.m->bulk_room ? sc.m->bulk_room() : STEP_OBJS;

	return sc.bulk && n ? (n < STEP_OBJS ? n : STEP_OBJS) : 0;
}

/* ---- the loop's pieces ---------------------------------------------- */

/* Work left for the next turn: end_turn() must not push the wake-up
 * back to the wheel's next tick. */
static bool kicked;

void sync_core_kick(void)
{
	kicked = true;
	timer_add(&sc.wake, 0);
}

static void on_wake(void *data)
{
	(void)data;	/* the work is done by the end-of-turn hook */
}

static void fire(struct wheel_node *n, void *arg)
{
	struct sync_timer *t = (struct sync_timer *)n;

	(void)arg;
	t->fn(t);
}

static void bulk_one(struct sobj *o, void *data)
{
	(void)data;
	if (sc.m->on_bulk)
		sc.m->on_bulk(o);
}

/* One bounded step of the bulk send: ct objects, then expectations. */
static void bulk_step(void)
{
	struct scache *c = sc.bulk == 1 ? sc.cache[SC_INT_CT] : sc.cache[SC_INT_EXP];
	unsigned int n = bulk_room();

	if (!n)
		return;	/* paced: an ACK's turn brings it back */
	if (c)
		sc.bulk_cur = scache_walk(c, sc.bulk_cur, n, bulk_one, NULL);
	if (!c || !sc.bulk_cur)
		sc.bulk = sc.bulk == 1 ? 2 : 0;
}

static void forget(struct sobj *o, void *data)
{
	(void)data;
	if (sc.m->on_forget)
		sc.m->on_forget(o);
}

static void forget_ext(struct sobj *o, void *data)
{
	(void)data;
	ext_forget(o);
}

static void (*const forget_cb[SC_NCACHES])(struct sobj *, void *) = {
	[SC_INT_CT] = forget, [SC_INT_EXP] = forget,
	[SC_EXT_CT] = forget_ext, [SC_EXT_EXP] = forget_ext,
};

/* The objects of a -f leave a step per turn (each through its forget
 * callback); the cache itself was emptied when -f came. */
static void flush_step(void)
{
	unsigned int i;

	for (i = 0; i < SC_NCACHES; i++) {
		struct scache *c = sc.cache[i];

		if (!c || !(sc.flushing & (1u << i)))
			continue;
		if (!scache_flush_step(c, STEP_OBJS, forget_cb[i], NULL))
			sc.flushing &= ~(1u << i);
	}
	/* the -f client waits for the end, as 1.4.7's one-turn flush */
	if (!sc.flushing && sc.flush_client >= 0) {
		close(sc.flush_client);
		sc.flush_client = -1;
	}
}

void sync_flush_cache(unsigned int which, int client)
{
	unsigned int i;

	/* what is there now goes; what arrives from now on stays (a
	 * disabled cache has nothing to flush: its bit would stay) */
	for (i = 0; i < SC_NCACHES; i++)
		if (sc.cache[i] && (which & (1u << i))) {
			scache_flush(sc.cache[i], forget_cb[i], NULL);
			sc.flushing |= 1u << i;
		}
	if (client >= 0) {
		if (sc.flush_client >= 0)
			close(sc.flush_client);	/* answered as it was */
		sc.flush_client = fcntl(client, F_DUPFD_CLOEXEC, 0);
	}
	sync_core_kick();
}

bool sync_obj_cached(const struct sobj *o)
{
	struct scache *c = sc.cache[sobj_kind(o) == SOBJ_CT ? SC_INT_CT :
					   SC_INT_EXP];

	/* no internal cache: the object is the event's own */
	return !c || scache_holds(c, o);
}

static void sweep_step(void);

static void before_wait(void)
{
	if (sc.chans)
		chans_flush(sc.chans);
}

static void end_turn(void)
{
	uint64_t now = sync_now_ms(), tick;

	kicked = false;
	if (sc.startup_resync) {
		sc.startup_resync = false;
		if (sc.m->request_resync)
			sc.m->request_resync();
	}
	wheel_advance(&sc.wheel, now, WHEEL_BATCH, fire, NULL);
	bulk_step();
	if (sc.sweep)
		sweep_step();
	flush_step();
	if (sc.m->on_timer)
		sc.m->on_timer(now);
	if (sc.m->flush)
		sc.m->flush();
	chans_flush_aged(sc.chans);
	evsrc_dump_resume();
	sync_commit_step();
	if (kicked || bulk_room() || sc.sweep || sc.flushing ||
	    sync_commit_busy() || wheel_pending(&sc.wheel) > 0) {
		if (kicked || bulk_room() || sc.sweep || sc.flushing ||
		    sync_commit_busy())
			timer_add(&sc.wake, 0);
		else if (wheel_next(&sc.wheel, &tick))
			timer_add(&sc.wake, tick > now ? tick - now : 0);
	}
}

/* ---- receiving ------------------------------------------------------- */

static void count_err(int err)
{
	sc.cnt.rcv_malformed++;
	switch (err) {
	case WIRE_E_TRUNCATED:
		sc.cnt.rcv_truncated++;
		break;
	case WIRE_E_SIZE:
		sc.cnt.rcv_bad_size++;
		break;
	case WIRE_E_VERSION:
		sc.cnt.rcv_bad_version++;
		break;
	case WIRE_E_HEADER:
		sc.cnt.rcv_bad_header++;
		break;
	case WIRE_E_TYPE:
		sc.cnt.rcv_bad_type++;
		break;
	default:
		sc.cnt.rcv_bad_payload++;
		break;
	}
}

static void apply(const struct wire_msg *m)
{
	int r;

	if (m->type > WIRE_T_EXP_DEL) {
		count_err(WIRE_E_TYPE);
		return;
	}
	if (m->type <= WIRE_T_CT_DEL) {
		struct ct ct;

		r = wire_ct_parse(m, &ct);
		if (r < 0) {
			count_err(r);
			return;
		}
		ext_apply_ct(m->type, &ct);
		return;
	}
	{
		struct exp e;

		r = wire_exp_parse(m, &e);
		if (r < 0) {
			count_err(r);
			return;
		}
		ext_apply_exp(m->type, &e);
	}
}

static void walk(const uint8_t *buf, size_t n, unsigned int chan)
{
	struct wire_msg m;
	size_t off = 0;

	while (off < n) {
		int r = wire_next(buf + off, n - off, &m);

		if (r < 0) {
			count_err(r);
			return;
		}
		off += (size_t)r;
		if (wire_check_version(&m) < 0) {
			count_err(WIRE_E_VERSION);
			continue;
		}
		switch (sc.m->rx(&m, chan)) {
		case SYNC_RX_DATA:
			chans_set_current(sc.chans, chan);
			apply(&m);
			sync_state_peer(sync_now_ms(), true);
			break;
		case SYNC_RX_CTL:
			chans_set_current(sc.chans, chan);
			sync_state_peer(sync_now_ms(), false);
			break;
		case SYNC_RX_BAD:
			count_err(WIRE_E_HEADER);
			break;
		case SYNC_RX_DROP:
			break;
		}
	}
}

static void on_chan(struct ctd_fd *f, uint32_t events)
{
	unsigned int i = (unsigned int)(f - sc.chan_fd), k;
	struct chan *c = chans_get(sc.chans, i);
	struct chan_peer peer;
	uint64_t t0 = timer_now_ns();

	(void)events;
	chan_process(c);
	for (k = 0; k < RECV_BATCH && timer_now_ns() - t0 < RECV_NS; k++) {
		ssize_t n = chan_recv(c, sc.rx, sizeof(sc.rx), &peer);

		if (n == -EAGAIN)
			return;
		if (n < 0)
			continue;
		if (!chan_is_peer(c, &peer)) {
			sc.cnt.rcv_nonpeer++;
			continue;
		}
		walk(sc.rx, (size_t)n, i);
		ext_inject_end();
	}
	/* a TCP channel may hold more whole messages: come back */
	sync_core_kick();
}

static void on_link(struct ctd_fd *f, uint32_t events)
{
	(void)f;
	(void)events;
	chans_link_process(sc.chans);
}

static void on_switch(void *data, int from, int to)
{
	(void)data;
	(void)from;
	if (to < 0)
		log_err("no dedicated links available!");
	else
		log_notice("device `%s' becomes dedicated link",
			   chan_ifname(chans_get(sc.chans, (unsigned int)to)));
}

/* ---- local events ---------------------------------------------------- */

static void local_ct(const struct ct *ct, enum ct_event ev, bool send,
		     const struct sprobe *p)
{
	struct sobj *o;
	bool added;

	if (!sc.cache[SC_INT_CT]) {
		/* DisableInternalCache: a transient object, no coalescing */
		if (!send && !sc.kernel_bulk)
			return;
		o = sobj_new_ct(ct, ctd_now(), sc.m->ext_size);
		if (!o)
			return;
		if (sc.kernel_bulk)
			ev = CT_EV_NEW;
		sobj_set_state(o, ev == CT_EV_NEW ? SOBJ_NEW :
			       ev == CT_EV_DESTROY ? SOBJ_DEAD : SOBJ_ALIVE);
		if (ev == CT_EV_NEW)
			sc.bypass.new_++;
		else if (ev == CT_EV_DESTROY)
			sc.bypass.del++;
		else
			sc.bypass.upd++;
		sc.m->on_local(o, ev == CT_EV_NEW ? SYNC_EV_NEW :
			       ev == CT_EV_DESTROY ? SYNC_EV_DEL : SYNC_EV_UPD);
		sobj_put(o);
		return;
	}
	if (ev == CT_EV_DESTROY) {
		struct cache_stats *st = scache_stats(sc.cache[SC_INT_CT]);

		o = p ? scache_take_probed(sc.cache[SC_INT_CT], p) :
			scache_take_ct(sc.cache[SC_INT_CT], ct);
		if (!o) {
			st->del_fail++;
			st->del_notfound++;
			return;
		}
		if (send)
			sc.m->on_local(o, SYNC_EV_DEL);
		else
			forget(o, NULL);
		sobj_put(o);
		return;
	}
	o = p ? scache_update_probed(sc.cache[SC_INT_CT], ct, p, ctd_now(),
				     &added) :
		scache_update_ct(sc.cache[SC_INT_CT], ct, ctd_now(), &added);
	if (!o)
		return;
	/* seen alive since the last purging dump began: not swept */
	sobj_set_gen(o, sc.gen);
	/* 1.4.7 replaces the entry a NEW event finds: it is new again */
	if (ev == CT_EV_NEW)
		sobj_set_state(o, SOBJ_NEW);
	if (send)
		sc.m->on_local(o, added || ev == CT_EV_NEW ? SYNC_EV_NEW :
			       SYNC_EV_UPD);
}

/* ExpectationSync { helper ... }: only those helpers' expectations
 * (names compared as 1.4.7 does, over the configured name's length). */
static bool exp_wanted(const struct exp *e)
{
	unsigned int i;

	if (!sc.cs->nexp_helpers)
		return true;
	if (!exp_has(e, EXP_A_HELPER))
		return false;
	for (i = 0; i < sc.cs->nexp_helpers; i++)
		if (!strncmp(e->helper, sc.cs->exp_helpers[i],
			     strlen(sc.cs->exp_helpers[i])))
			return true;
	return false;
}

static void local_exp(const struct exp *e, enum ct_event ev, bool send)
{
	struct scache *c = sc.cache[SC_INT_EXP];
	struct sobj *o;
	bool added;

	if (!c || !exp_wanted(e))
		return;
	if (ev == CT_EV_DESTROY) {
		o = scache_find_exp(c, e);
		if (!o) {
			scache_stats(c)->del_fail++;
			scache_stats(c)->del_notfound++;
			return;
		}
		sobj_get(o);
		scache_del(c, o);
		if (send)
			sc.m->on_local(o, SYNC_EV_DEL);
		else
			forget(o, NULL);
		sobj_put(o);
		return;
	}
	o = scache_update_exp(c, e, ctd_now(), &added);
	if (o && send)
		sc.m->on_local(o, added ? SYNC_EV_NEW : SYNC_EV_UPD);
}

static void on_exp_event(const struct exp *e, enum ct_event ev)
{
	local_exp(e, ev, !ctd.own_event);
}

static void on_exp_resync(const struct exp *e, enum ctd_dump use)
{
	local_exp(e, CT_EV_UPDATE, use != CTD_DUMP_QUIET);
}

/* The probes of the batch of events being handled (prepare), in order:
 * the buckets of the whole batch are asked for while it is parsed, the
 * chain heads before its first event is handled, so the hash walks find
 * them in the cache (a miss or two per event otherwise, in a large
 * table).  Reading a head to ask for the object after it only moved
 * the misses: measured, and left out. */
static struct {
	struct sprobe p[CTD_EV_BATCH];
	unsigned int n, next;
} probes;

static void prepare(const struct ct *ct, unsigned int i)
{
	struct scache *c = sc.cache[SC_INT_CT];

	if (!c || i >= CTD_EV_BATCH)
		return;
	if (!i)
		probes.next = 0;
	scache_probe_ct(c, ct, &probes.p[i]);
	probes.n = i + 1;
}

/* ct's probe, if it has one; at the batch's first, every chain head. */
static const struct sprobe *probe_of(const struct ct *ct)
{
	struct scache *c = sc.cache[SC_INT_CT];
	unsigned int j;

	for (j = probes.next; j < probes.n; j++)
		if (probes.p[j].ct == ct)
			break;
	if (j == probes.n)
		return NULL;
	probes.next = j + 1;
	if (!j)
		for (j = 0; j < probes.n; j++)
			scache_probe_warm(c, &probes.p[j]);
	return &probes.p[probes.next - 1];
}

static void on_event(const struct ct *ct, enum ct_event ev)
{
	if (ev == CT_EV_NEW || ev == CT_EV_UPDATE || ev == CT_EV_DESTROY)
		local_ct(ct, ev, !ctd.own_event,
			 sc.cache[SC_INT_CT] ? probe_of(ct) : NULL);
}

/* A dump entry: quiet while populating (start-up, -R), else sent as
 * 1.4.7 sends what an overrun resync finds, or a bulk send's. */
static void on_resync(const struct ct *ct, enum ctd_dump use)
{
	sc.kernel_bulk = use == CTD_DUMP_BULK;
	local_ct(ct, CT_EV_UPDATE, use != CTD_DUMP_QUIET, NULL);
	sc.kernel_bulk = false;
}

/* Purge after a resync: what the dump did not show is gone from the
 * kernel; the sweep goes a bounded step per turn (end_turn). */
static void on_purge_begin(void)
{
	sc.gen++;
	sc.purging = true;
}

static void on_purge_end(bool complete)
{
	sc.purging = false;
	if (complete && sc.cache[SC_INT_CT]) {
		sc.sweep = true;
		sc.sweep_cur = 0;
		sync_core_kick();
	}
}

static void sweep_one(struct sobj *o, void *data)
{
	struct scache *c = data;

	if (sobj_gen(o) == sc.gen)
		return;
	sobj_get(o);
	scache_del(c, o);
	sc.m->on_local(o, SYNC_EV_DEL);
	sobj_put(o);
}

static void sweep_step(void)
{
	struct scache *c = sc.cache[SC_INT_CT];

	sc.sweep_cur = scache_walk(c, sc.sweep_cur, STEP_OBJS, sweep_one, c);
	if (!sc.sweep_cur)
		sc.sweep = false;
}

/* ---- start and stop -------------------------------------------------- */

static const struct sync_mode *pick_mode(const struct conf_sync *s)
{
	switch (s->mode) {
	case CONF_SYNC_NOTRACK:
		return &sync_mode_notrack;
	case CONF_SYNC_ALARM:
		return &sync_mode_alarm;
	default:
		return &sync_mode_ftfw;
	}
}

static int sync_init(void)
{
	const struct conf_general *g = &ctd.conf->general;
	unsigned int i;
	int failed = -1;

	/* the state only: the buffers at the end (80 KiB) are written
	 * before they are read, and a restart of the simulated daemon per
	 * fuzz input spent a tenth of its time zeroing them */
	memset(&sc, 0, offsetof(struct sync_core, msg));
	sc.flush_client = -1;
	sc.cs = &ctd.conf->sync;
	sc.m = pick_mode(sc.cs);
	sc.seq = (uint32_t)time(NULL);
	sc.wopts.window_tracking = sc.cs->tcp_window_tracking;
	sc.wopts.commit_timeout = sc.cs->commit_timeout != 0;
	wheel_init(&sc.wheel, sync_now_ms());
	timer_init(&sc.wake, on_wake, NULL);
	if (sc.cs->disable_internal_cache)
		log_notice("disabling internal cache");
	if (sc.cs->disable_external_cache)
		log_notice("disabling external cache");
	if (!sc.cs->disable_internal_cache) {
		sc.cache[SC_INT_CT] = scache_create("internal", SOBJ_CT, g->hashsize,
					  g->hashlimit, sc.m->ext_size);
		if (!sc.cache[SC_INT_CT])
			goto nomem;
		if (sc.cs->expectation_sync) {
			sc.cache[SC_INT_EXP] = scache_create("internal", SOBJ_EXP,
						   g->hashsize, g->hashlimit,
						   sc.m->ext_size);
			if (!sc.cache[SC_INT_EXP])
				goto nomem;
		}
	}
	if (ext_init() < 0)
		goto nomem;
	sc.chans = chans_open(sc.cs, on_switch, NULL, &failed);
	if (!sc.chans) {
		if (failed >= 0)
			log_err("can't open channel socket: %s",
				err_str(errno));
		else
			log_err("can't open the link watcher: %s",
				err_str(errno));
		goto fail;
	}
	for (i = 0; i < chans_count(sc.chans); i++) {
		sc.chan_fd[i].fd = chan_fd(chans_get(sc.chans, i));
		sc.chan_fd[i].fn = on_chan;
		if (ctd_fd_add(&sc.chan_fd[i]) < 0)
			goto fail_errno;
	}
	sc.link_fd.fd = chans_link_fd(sc.chans);
	sc.link_fd.fn = on_link;
	if (ctd_fd_add(&sc.link_fd) < 0)
		goto fail_errno;
	if (sc.m->init && sc.m->init() < 0)
		goto fail;
	sc.mode_up = true;
	sc.startup_resync = sc.cs->startup_resync;
	sync_core_kick();
	return 0;
fail_errno:
	log_err("can't register a channel in the event loop: %s",
		err_str(errno));
	goto fail;
nomem:
	log_err("can't allocate memory for the caches: %s", err_str(errno));
fail:
	sync_fini_core();
	return -1;
}

void sync_fini_core(void)
{
	unsigned int i;

	/* every object through its forget callback, a -f's pending too,
	 * while the mode is still up */
	for (i = 0; i < SC_NCACHES; i++)
		if (sc.cache[i])
			scache_clear(sc.cache[i], forget_cb[i], NULL);
	sc.flushing = 0;
	if (sc.mode_up && sc.m->fini)
		sc.m->fini();
	sc.mode_up = false;
	sync_commit_fini();
	ext_fini();
	for (i = 0; i < SC_NCACHES; i++) {
		scache_destroy(sc.cache[i]);
		sc.cache[i] = NULL;
	}
	if (sc.chans) {
		chans_flush(sc.chans);
		chans_close(sc.chans);
		sc.chans = NULL;
	}
	timer_del(&sc.wake);
	if (sc.flush_client >= 0)
		close(sc.flush_client);
	sc.flush_client = -1;
}

static void sync_fini(void)
{
	sync_fini_core();
}



const struct ctd_mode ctd_sync_mode = {
	.name = "sync",
	.init = sync_init,
	.fini = sync_fini,
	.prepare = prepare,
	.on_event = on_event,
	.on_resync = on_resync,
	.dump_room = dump_room,
	.on_purge_begin = on_purge_begin,
	.on_purge_end = on_purge_end,
	.on_exp_event = on_exp_event,
	.on_exp_resync = on_exp_resync,
	.on_request = sync_request,
	.end_turn = end_turn,
	.before_wait = before_wait,
};
