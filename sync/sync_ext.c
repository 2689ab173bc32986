/* The external cache: the peer's flows, as 1.4.7 keeps them (§5.2):
 * *_NEW replaces, *_UPD updates or creates, *_DEL removes.  In ALARM
 * mode each entry expires CacheTimeout seconds after its last NEW/UPD
 * (a timer of the wheel in the object's extension area).  With
 * DisableExternalCache the messages go straight into the kernel
 * instead (§4.3 "external inject"). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "netlink/ct.h"
#include "netlink/ct_batch.h"
#include "netlink/exp.h"
#include "netlink/nl.h"
#include "sync/commit.h"
#include "sync/ctkey.h"
#include "sync/evsrc.h"
#include "sync/sobj.h"
#include "sync/sync_int.h"

/* DisableExternalCache: the batch writer into the kernel */
static int inj_open(void);
static void inj_close(void);

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
		if (inj_open() < 0)
			return -ENOMEM;
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
	inj_close();
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

/* ---- DisableExternalCache: into the kernel at once ------------------
 *
 * The messages of a datagram go to the kernel in one batch (one sendmsg,
 * only failures reported) sent when the datagram is done (ext_inject_end)
 * or the batch is full.  A message whose first request failed in a way
 * 1.4.7 retries is queued again (EEXIST on NEW: delete, then create; an
 * UPD: create when ENOENT, else delete and create) and a second batch
 * tells its fate; the counters are 1.4.7's, each message counted once. */

/* Messages in a batch at most (each one request, two on a retry); a
 * UDP datagram holds a dozen. */
#define INJ_MAX		64

struct inj {
	uint32_t seq;		/* of the request whose result counts */
	int err;		/* its report, 0 when none came */
	uint8_t type;		/* WIRE_T_* */
	bool retried;
	union {
		struct ct ct;	/* prepared (NEW, UPD) or as received (DEL) */
		struct exp e;
	} u;
};

static struct ct_batch *inj_batch;
static struct inj *inj;		/* INJ_MAX, with DisableExternalCache */
static unsigned int ninj;

static void on_inj_report(uint32_t seq, int err, const struct ct *ct,
			  void *data)
{
	unsigned int i;

	(void)ct;
	(void)data;
	/* ACKs are not asked for; a report of a retry's delete (seq of
	 * no message) is of no account */
	for (i = 0; err && seq && i < ninj; i++)
		if (inj[i].seq == seq) {
			inj[i].err = err;
			return;
		}
}

static bool is_new(uint8_t t)
{
	return t == WIRE_T_CT_NEW || t == WIRE_T_EXP_NEW;
}

static bool is_del(uint8_t t)
{
	return t == WIRE_T_CT_DEL || t == WIRE_T_EXP_DEL;
}

static void count(uint8_t type, bool ok)
{
	if (is_del(type)) {
		if (ok)
			sc.inject.del_ok++;
		else
			sc.inject.del_fail++;
	} else if (is_new(type)) {
		if (ok)
			sc.inject.add_ok++;
		else
			sc.inject.add_fail++;
	} else if (ok) {
		sc.inject.upd_ok++;
	} else {
		sc.inject.upd_fail++;
	}
}

/* Queue the first request of message x (its seq into x). */
static int inj_queue(struct inj *x)
{
	if (x->type > WIRE_T_CT_DEL) {
		if (x->type == WIRE_T_EXP_DEL)
			return ct_batch_exp_delete(inj_batch, &x->u.e, &x->seq);
		return ct_batch_exp_create(inj_batch, &x->u.e, &x->seq);
	}
	if (x->type == WIRE_T_CT_DEL)
		return ct_batch_delete(inj_batch, &x->u.ct, &x->seq);
	if (x->type == WIRE_T_CT_NEW)
		return ct_batch_create(inj_batch, &x->u.ct, &x->seq);
	return ct_batch_update(inj_batch, &x->u.ct, false, &x->seq);
}

/* The retry 1.4.7 makes after a failed first request: true when queued. */
static bool inj_retry(struct inj *x)
{
	int r = 0;

	if (x->retried || x->type > WIRE_T_CT_DEL || x->type == WIRE_T_CT_DEL)
		return false;
	if (x->type == WIRE_T_CT_NEW && x->err != -EEXIST)
		return false;
	if (x->type == WIRE_T_CT_NEW || x->err != -ENOENT)
		r = ct_batch_delete(inj_batch, &x->u.ct, NULL);
	if (r == 0)
		r = ct_batch_create(inj_batch, &x->u.ct, &x->seq);
	x->retried = true;
	x->err = r;
	return r == 0;
}

/* Send the batch; count what is settled, keep what is retried. */
static void inj_flush(void)
{
	while (ninj) {
		unsigned int i, keep = 0;
		int r = ct_batch_flush(inj_batch);

		for (i = 0; i < ninj; i++) {
			struct inj *x = &inj[i];

			if (r < 0)	/* not sent: none of it ran */
				x->err = r;
			if (r == 0 && x->err && inj_retry(x)) {
				if (keep != i)
					inj[keep] = *x;
				keep++;
				continue;
			}
			/* 1.4.7 counts a deletion of what is not there
			 * neither way */
			if (!is_del(x->type) || x->err != -ENOENT)
				count(x->type, !x->err);
		}
		ninj = keep;
	}
}

static void inj_key(const struct inj *x, struct ctkey *k)
{
	if (x->type > WIRE_T_CT_DEL)
		ctkey_of(k, &x->u.e.tuple,
			 exp_has(&x->u.e, EXP_A_ZONE) ? x->u.e.zone : 0);
	else
		ctkey_of(k, &x->u.ct.orig,
			 ct_has(&x->u.ct, CT_A_ZONE) ? x->u.ct.zone : 0);
}

/* A message for a flow the batch has already: a retry goes after the
 * rest of its batch, so the first one must be settled before. */
static bool inj_again(const struct inj *x)
{
	struct ctkey k, o;
	unsigned int i;

	inj_key(x, &k);
	for (i = 0; i < ninj; i++) {
		if ((inj[i].type > WIRE_T_CT_DEL) != (x->type > WIRE_T_CT_DEL))
			continue;
		inj_key(&inj[i], &o);
		if (!memcmp(&k, &o, sizeof(k)))
			return true;
	}
	return false;
}

/* Message x (filled but for seq) into the batch. */
static void inj_add(struct inj *x)
{
	if (inj_again(x)) {
		struct inj m = *x;

		inj_flush();
		x = &inj[0];
		*x = m;
	}
	x->err = 0;
	x->retried = false;
	if (inj_queue(x) < 0) {
		count(x->type, false);
		return;
	}
	ninj++;
	if (ninj == INJ_MAX || ct_batch_full(inj_batch))
		inj_flush();
}

void ext_inject_end(void)
{
	if (ninj)
		inj_flush();
}

static int inj_open(void)
{
	inj = calloc(INJ_MAX, sizeof(*inj));
	inj_batch = ct_batch_new(sc.inj, on_inj_report, NULL);
	return inj && inj_batch ? 0 : -ENOMEM;
}

static void inj_close(void)
{
	if (inj_batch)
		ext_inject_end();
	ct_batch_free(inj_batch);
	inj_batch = NULL;
	free(inj);
	inj = NULL;
}

static void inject_ct(uint8_t type, const struct ct *in)
{
	struct commit_opts co = {
		.what = COMMIT_CT,
		.commit_timeout = sc.cs->commit_timeout,
		.window_tracking = sc.cs->tcp_window_tracking,
	};
	struct inj *x = &inj[ninj];

	x->type = type;
	if (type == WIRE_T_CT_DEL) {
		x->u.ct = *in;
		ct_unset(&x->u.ct, CT_A_ID);	/* the peer's, not ours */
	} else if (commit_prepare_ct(&x->u.ct, in, &co, ctd_now(),
				     ctd_now()) < 0) {
		count(type, false);
		return;
	}
	inj_add(x);
}

static void inject_exp(uint8_t type, const struct exp *in)
{
	struct commit_opts co = {
		.what = COMMIT_EXP,
		.commit_timeout = sc.cs->commit_timeout,
	};
	struct inj *x = &inj[ninj];

	x->type = type;
	if (type == WIRE_T_EXP_DEL) {
		x->u.e = *in;
	} else if (commit_prepare_exp(&x->u.e, in, &co, ctd_now(),
				      ctd_now()) < 0) {
		count(type, false);
		return;
	}
	inj_add(x);
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
