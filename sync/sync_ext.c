/* The external cache: the peer's flows, as 1.4.7 keeps them (§5.2):
 * *_NEW replaces, *_UPD updates or creates, *_DEL removes.  In ALARM
 * mode each entry expires CacheTimeout seconds after its last NEW/UPD
 * (a timer of the wheel in the object's extension area).  With
 * DisableExternalCache the messages go straight into the kernel
 * instead (§4.3 "external inject"). */
#include <errno.h>
#include <stddef.h>
#include <linux/netlink.h>

#include "netlink/ct.h"
#include "netlink/exp.h"
#include "netlink/nl.h"
#include "sync/commit.h"
#include "sync/evsrc.h"
#include "sync/sobj.h"
#include "sync/sync_int.h"

static bool ext_timer(void)
{
	return sc.cs->mode == CONF_SYNC_ALARM;
}

static void on_expire(struct sync_timer *t)
{
	struct sobj *o = sobj_of_ext(t);
	unsigned int i = sobj_kind(o) == SOBJ_CT ? SC_EXT_CT : SC_EXT_EXP;

	scache_del(sc.cache[i], o);
}

int ext_init(void)
{
	const struct conf_general *g = &ctd.conf->general;
	size_t ext = ext_timer() ? sizeof(struct sync_timer) : 0;

	if (sc.cs->disable_external_cache) {
		sc.inj = nl_open(NETLINK_NETFILTER, 0);
		if (!sc.inj)
			return -errno;
		/* our own writes must not come back as local events */
		evsrc_ignore_portid(nl_portid(sc.inj), true);
		return 0;
	}
	sc.cache[SC_EXT_CT] = scache_create("external", SOBJ_CT, g->hashsize,
					    g->hashlimit, ext);
	if (!sc.cache[SC_EXT_CT])
		return -errno;
	if (sc.cs->expectation_sync) {
		sc.cache[SC_EXT_EXP] = scache_create("external", SOBJ_EXP,
						     g->hashsize, g->hashlimit,
						     ext);
		if (!sc.cache[SC_EXT_EXP])
			return -errno;
	}
	return 0;
}

void ext_fini(void)
{
	if (sc.inj)
		nl_close(sc.inj);
	sc.inj = NULL;
}

void ext_forget(struct sobj *o)
{
	struct sync_timer *t = sobj_ext(o);

	if (t)
		sync_timer_del(t);
}

long ext_expires_in(struct sobj *o)
{
	struct sync_timer *t = sobj_ext(o);
	uint64_t now = sync_now_ms();

	if (!t || !sync_timer_pending(t))
		return -1;
	return t->node.expires > now ?
	       (long)((t->node.expires - now) / 1000) : 0;
}

static void arm(struct sobj *o, bool added)
{
	struct sync_timer *t = sobj_ext(o);

	if (!t)
		return;
	if (added)
		sync_timer_init(t, on_expire);
	sync_timer_add(t, (uint64_t)sc.cs->cache_timeout * 1000);
}

static void del_obj(struct scache *c, struct sobj *o)
{
	ext_forget(o);
	scache_del(c, o);
}

/* ---- DisableExternalCache: into the kernel at once ------------------ */

static void inject_ct(uint8_t type, const struct ct *in)
{
	struct commit_opts co = {
		.what = COMMIT_CT,
		.commit_timeout = sc.cs->commit_timeout,
		.window_tracking = sc.cs->tcp_window_tracking,
	};
	struct ct ct;
	int r;

	if (type == WIRE_T_CT_DEL) {
		r = ct_nl_delete(sc.inj, in);
		if (r < 0 && r != -ENOENT)
			sc.inject.del_fail++;
		else
			sc.inject.del_ok++;
		return;
	}
	if (commit_prepare_ct(&ct, in, &co, ctd_now(), ctd_now()) < 0) {
		if (type == WIRE_T_CT_NEW)
			sc.inject.add_fail++;
		else
			sc.inject.upd_fail++;
		return;
	}
	if (type == WIRE_T_CT_NEW) {
		r = ct_nl_create(sc.inj, &ct, NLM_F_CREATE | NLM_F_EXCL);
		if (r == -EEXIST) {
			ct_nl_delete(sc.inj, &ct);
			r = ct_nl_create(sc.inj, &ct,
					 NLM_F_CREATE | NLM_F_EXCL);
		}
		if (r < 0)
			sc.inject.add_fail++;
		else
			sc.inject.add_ok++;
		return;
	}
	r = ct_nl_create(sc.inj, &ct, 0);
	if (r == -ENOENT)
		r = ct_nl_create(sc.inj, &ct, NLM_F_CREATE | NLM_F_EXCL);
	else if (r < 0) {
		ct_nl_delete(sc.inj, &ct);
		r = ct_nl_create(sc.inj, &ct, NLM_F_CREATE | NLM_F_EXCL);
	}
	if (r < 0)
		sc.inject.upd_fail++;
	else
		sc.inject.upd_ok++;
}

static void inject_exp(uint8_t type, const struct exp *in)
{
	struct commit_opts co = {
		.what = COMMIT_EXP,
		.commit_timeout = sc.cs->commit_timeout,
	};
	struct exp e;
	int r;

	if (type == WIRE_T_EXP_DEL) {
		r = exp_nl_delete(sc.inj, in);
		if (r < 0 && r != -ENOENT)
			sc.inject.del_fail++;
		else
			sc.inject.del_ok++;
		return;
	}
	if (commit_prepare_exp(&e, in, &co, ctd_now(), ctd_now()) < 0 ||
	    exp_nl_create(sc.inj, &e) < 0) {
		if (type == WIRE_T_EXP_NEW)
			sc.inject.add_fail++;
		else
			sc.inject.upd_fail++;
		return;
	}
	if (type == WIRE_T_EXP_NEW)
		sc.inject.add_ok++;
	else
		sc.inject.upd_ok++;
}

/* ---- the cache ------------------------------------------------------- */

/* What a message of kind k (0 NEW, 1 UPD, 2 DEL) does to the cached
 * object o (NULL when unknown) before the store: true when the message's
 * object is to be stored (added or updated). */
static bool before_store(struct scache *c, int k, struct sobj *o)
{
	if (k == 2) {
		if (o) {
			del_obj(c, o);
		} else {
			scache_stats(c)->del_fail++;
			scache_stats(c)->del_notfound++;
		}
		return false;
	}
	/* a NEW for a known flow replaces it: [active since] starts over */
	if (o && k == 0)
		del_obj(c, o);
	return true;
}

void ext_apply_ct(uint8_t type, const struct ct *ct)
{
	struct scache *c = sc.cache[SC_EXT_CT];
	struct sobj *o;
	bool added;

	if (sc.inj) {
		inject_ct(type, ct);
		return;
	}
	/* an UPD is stored whether the flow is known or not: no lookup */
	if (type != WIRE_T_CT_UPD &&
	    !before_store(c, type - WIRE_T_CT_NEW, scache_find_ct(c, ct)))
		return;
	o = scache_update_ct(c, ct, ctd_now(), &added);
	if (o)
		arm(o, added);
}

void ext_apply_exp(uint8_t type, const struct exp *e)
{
	struct scache *c = sc.cache[SC_EXT_EXP];
	struct sobj *o;
	bool added;

	if (sc.inj) {
		if (sc.cs->expectation_sync)
			inject_exp(type, e);
		return;
	}
	if (!c)
		return;	/* ExpectationSync off */
	if (!before_store(c, type - WIRE_T_EXP_NEW, scache_find_exp(c, e)))
		return;
	o = scache_update_exp(c, e, ctd_now(), &added);
	if (o)
		arm(o, added);
}
