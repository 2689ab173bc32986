/* Stats mode: a flow-based statistics collector.  The cache follows the
 * kernel table through events; each destroyed flow is written to the
 * stats log (and/or syslog) with the counters of its destroy event, and
 * those counters feed "traffic processed". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/conf.h"
#include "lib/ct_print.h"
#include "lib/out.h"
#include "sync/cache.h"
#include "sync/ctl.h"
#include "sync/daemon.h"
#include "sync/log.h"
#include "sync/timer.h"

static uint64_t traffic_bytes;
static uint64_t traffic_packets;
/* work left for the next turn (sweep, flush) */
static struct timer wake;

static void on_wake(void *data)
{
	(void)data;	/* the work is done by the end-of-turn hook */
}

static int stats_init(void)
{
	const struct conf_stats *s = &ctd.conf->stats;
	int r;

	timer_init(&wake, on_wake, NULL);
	r = flowlog_open(s->logfile, s->syslog_facility, s->logfile_buffer);
	if (r == -ENOMEM) {
		log_err("can't allocate LogFileBufferSize (%u bytes)",
			s->logfile_buffer);
		return r;
	}
	if (r < 0) {
		log_err("can't open logfile `%s'", s->logfile);
		return r;
	}
	return 0;
}

static void stats_fini(void)
{
	timer_del(&wake);
	flowlog_close();
}

/* One destroyed flow: the destroy event as `conntrack -L` prints it,
 * without its (absent) timeout. */
static void log_flow(const struct ct *ev)
{
	struct ct_print_opts po;
	struct ct ct_copy = *ev, *ct = &ct_copy;
	char buf[OUT_RECORD_MAX * 2];
	struct out o;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		if (ct_has(ct, dir ? CT_A_COUNTERS_REPLY : CT_A_COUNTERS_ORIG)) {
			traffic_bytes += ct->counters[dir].bytes;
			traffic_packets += ct->counters[dir].packets;
		}
	}
	ct_unset(ct, CT_A_TIMEOUT);
	ct_unset(ct, CT_A_USE);
	memset(&po, 0, sizeof(po));
	po.ev = CT_EV_NONE;
	out_init(&o, -1, buf, sizeof(buf));
	ct_print_text(&o, ct, &po);
	while (o.len && buf[o.len - 1] == '\n')
		o.len--;
	flowlog_line(buf, o.len);
}

static void stats_event(const struct ct *ct, enum ct_event ev)
{
	switch (ev) {
	case CT_EV_NEW:
		/* 1.4.7 keeps what it has: a NEW for a cached flow (its
		 * DESTROY never came) is no update; the flow is alive, though:
		 * a purge in progress keeps it */
		if (!cache_has(ctd.cache, ct))
			cache_add(ctd.cache, ct, ctd_now());
		else
			cache_touch(ctd.cache, ct);
		break;
	case CT_EV_UPDATE:
		cache_update_force(ctd.cache, ct, ctd_now());
		break;
	case CT_EV_DESTROY:
		if (cache_del(ctd.cache, ct) == 0)
			log_flow(ct);
		break;
	default:
		break;
	}
}

static void stats_resync(const struct ct *ct, enum ctd_dump use)
{
	(void)use;
	cache_update_force(ctd.cache, ct, ctd_now());
}

/* An entry the kernel no longer has, about to leave the cache. */
static void stats_purge(const struct ct *ct, uint32_t created, void *data)
{
	(void)created;
	(void)data;
	log_flow(ct);
}

/* The purge after a resync and the memory of a flushed cache go a step
 * per loop turn: a million flows must not hold the loop (each purged one
 * writes a log line). */
#define SWEEP_STEP	(1024 * CACHE_PURGE_COST)
#define FLUSH_STEP	16384

static void stats_end_turn(void)
{
	bool more = cache_flush_step(ctd.cache, FLUSH_STEP);

	if (cache_sweep_step(ctd.cache, SWEEP_STEP, stats_purge, NULL))
		more = true;
	if (more)
		timer_add(&wake, 0);
}

static void print_cache_stats(struct out *o)
{
	const struct cache_stats *s = cache_stats(ctd.cache);

	out_printf(o, "cache stats:\n"
		   "current active connections:\t%12u\n"
		   "connections created:\t\t%12u\tfailed:\t%12u\n"
		   "connections updated:\t\t%12u\tfailed:\t%12u\n"
		   "connections destroyed:\t\t%12u\tfailed:\t%12u\n\n",
		   s->active, s->add_ok, s->add_fail, s->upd_ok, s->upd_fail,
		   s->del_ok, s->del_fail);
	out_printf(o, "traffic processed:\n%20llu Bytes      %20llu Pckts\n\n",
		   (unsigned long long)traffic_bytes,
		   (unsigned long long)traffic_packets);
}

static bool stats_request(int code, struct out *o, int fd)
{
	(void)fd;
	switch (code) {
	case CTL_STATS:
		print_cache_stats(o);
		return true;
	case CTL_STATS_SYNC:
		/* ours (1.4.7's client refuses -s sync): the loop only */
		ctl_print_loop(o);
		return true;
	case CTL_CT_FLUSH_CACHE:
	case CTL_CT_FLUSH_INT_CACHE:
		log_notice("flushing caches");
		cache_flush(ctd.cache);
		return true;
	}
	return false;
}

const struct ctd_mode ctd_stats_mode = {
	.name = "stats",
	.init = stats_init,
	.fini = stats_fini,
	.on_event = stats_event,
	.on_resync = stats_resync,
	.end_turn = stats_end_turn,
	.on_request = stats_request,
};
