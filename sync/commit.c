/* The commit engine (see commit.h).  Objects are prepared straight into
 * the slots of the requests in flight, so that a failure report (which
 * names only the request's seq) finds its object, and an EEXIST can be
 * retried as 1.4.7 does: delete, then create once more. */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netlink/ct_batch.h"
#include "commit.h"

#define TCP_FLAG_BE_LIBERAL	0x08	/* IP_CT_TCP_FLAG_BE_LIBERAL */
/* 1.4.7's answer to a clock that went backwards, and to an estimate
 * that ran out: one minute. */
#define COMMIT_FALLBACK		60

enum phase { PH_MASTERS, PH_RELATED, PH_EXP, PH_DONE };

/* Where a request in flight stands. */
enum pstate {
	P_CREATE,	/* first create */
	P_DELETE,	/* it said EEXIST: the existing one is deleted */
	P_RETRY,	/* and created once more */
};

struct pend {
	uint32_t seq;
	int err;		/* from the kernel's report; 0 if none came */
	uint8_t state;		/* enum pstate */
	bool is_exp;
	union {
		struct ct ct;
		struct exp e;
	} u;
};

struct commit {
	struct ct_batch *b;
	struct commit_src src;
	struct commit_opts o;
	void (*done)(const struct commit_result *r, void *arg);
	void *arg;
	enum phase phase;
	void *cur;
	size_t related;		/* related flows the masters pass skipped */
	struct timespec t0;	/* start of the cache being committed */
	struct commit_result r;
	struct pend *pend;	/* requests queued since the last flush */
	size_t npend, cap;
};

uint32_t commit_timeout(const struct commit_opts *o, bool has_timeout,
			uint32_t timeout, uint32_t lastupdate, uint32_t now)
{
	int64_t elapsed, left;

	if (o->commit_timeout)
		return o->commit_timeout;
	elapsed = (int32_t)(now - lastupdate);
	if (elapsed < 0)
		elapsed = COMMIT_FALLBACK;
	left = (int64_t)(has_timeout ? timeout : 0) - elapsed;
	if (left < 0)
		left = COMMIT_FALLBACK;
	return (uint32_t)left;
}

static bool has_ports(uint8_t l4)
{
	return l4 == IPPROTO_TCP || l4 == IPPROTO_UDP || l4 == IPPROTO_SCTP ||
	       l4 == IPPROTO_DCCP || l4 == IPPROTO_GRE ||
	       l4 == IPPROTO_UDPLITE;
}

static bool is_icmp(uint8_t l4)
{
	return l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6;
}

static bool tuple_ok(const struct ct_tuple *t)
{
	const uint32_t need = CT_T_SRC | CT_T_DST | CT_T_L4;

	return (t->l3 == AF_INET || t->l3 == AF_INET6) &&
	       (t->present & need) == need;
}

/* 1.4.7 sends the l4 fields of these protocols whether it has them or
 * not (zeroes); the kernel refuses a tuple without them. */
static void complete_l4(struct ct_tuple *t)
{
	if (has_ports(t->l4))
		t->present |= CT_T_SPORT | CT_T_DPORT;
	else if (is_icmp(t->l4))
		t->present |= CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
}

int commit_prepare_ct(struct ct *out, const struct ct *in,
		      const struct commit_opts *o, uint32_t lastupdate,
		      uint32_t now)
{
	uint32_t to;
	int i;

	if (!ct_has(in, CT_A_ORIG) || !tuple_ok(&in->orig))
		return -EINVAL;
	if (out != in)
		*out = *in;
	out->family = out->orig.l3;
	complete_l4(&out->orig);
	ct_tuple_invert(&out->reply, &out->orig);
	/* libnetfilter_conntrack's reply of an ICMP type with no reply */
	if (is_icmp(out->orig.l4) &&
	    ct_icmp_reply_type(out->orig.l3, out->orig.icmp_type) < 0)
		out->reply.icmp_type = 255;
	out->reply.present &= ~CT_T_ZONE;
	ct_set(out, CT_A_REPLY);
	/* the kernel refuses to set EXPECTED */
	out->status &= ~CT_S_EXPECTED;
	to = commit_timeout(o, ct_has(out, CT_A_TIMEOUT), out->timeout,
			    lastupdate, now);
	if (to) {
		out->timeout = to;
		ct_set(out, CT_A_TIMEOUT);
	}
	if (!o->window_tracking && out->orig.l4 == IPPROTO_TCP) {
		for (i = 0; i < 2; i++) {
			out->tcp.flags[i] |= TCP_FLAG_BE_LIBERAL;
			out->tcp.flags_mask[i] |= TCP_FLAG_BE_LIBERAL;
		}
		ct_set(out, CT_A_TCP_FLAGS_ORIG);
		ct_set(out, CT_A_TCP_FLAGS_REPLY);
	}
	/* nothing a create cannot carry */
	out->present &= ~(CT_BIT(CT_A_ID) | CT_BIT(CT_A_USE) |
			  CT_BIT(CT_A_COUNTERS_ORIG) |
			  CT_BIT(CT_A_COUNTERS_REPLY));
	return 0;
}

int commit_prepare_exp(struct exp *out, const struct exp *in,
		       const struct commit_opts *o, uint32_t lastupdate,
		       uint32_t now)
{
	uint32_t to;

	if (!exp_has(in, EXP_A_TUPLE) || !exp_has(in, EXP_A_MASK) ||
	    !exp_has(in, EXP_A_MASTER) || !tuple_ok(&in->tuple) ||
	    !tuple_ok(&in->master))
		return -EINVAL;
	if (out != in)
		*out = *in;
	out->family = out->tuple.l3;
	to = commit_timeout(o, exp_has(out, EXP_A_TIMEOUT), out->timeout,
			    lastupdate, now);
	if (to) {
		out->timeout = to;
		exp_set(out, EXP_A_TIMEOUT);
	}
	out->present &= ~CT_BIT(EXP_A_ID);
	return 0;
}

bool commit_is_related(const struct ct *ct)
{
	const uint32_t need = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			      CT_T_DPORT;

	return ct_has(ct, CT_A_MASTER) && ct->master.l3 &&
	       (ct->master.present & need) == need;
}

/* ---- the requests in flight ----------------------------------------- */

static void on_report(uint32_t seq, int err, const struct ct *ct, void *data)
{
	struct commit *c = data;
	size_t i;

	(void)ct;
	if (seq == 0 && err == -ENOBUFS) {
		c->r.lost++;
		return;
	}
	if (!c->npend || !err)
		return;
	i = seq - c->pend[0].seq;
	if (i < c->npend)
		c->pend[i].err = err;
}

static struct pend *slot(struct commit *c)
{
	if (c->npend == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct pend *p = realloc(c->pend, cap * sizeof(*p));

		if (!p)
			return NULL;
		c->pend = p;
		c->cap = cap;
	}
	return &c->pend[c->npend];
}

static void account(struct commit *c, const struct pend *p, int err,
		    bool destroy)
{
	struct commit_count *n = p->is_exp ? &c->r.exp : &c->r.ct;

	if (!err) {
		n->ok++;
		return;
	}
	n->fail++;
	if (c->o.failed)
		c->o.failed(p->is_exp ? NULL : &p->u.ct,
			    p->is_exp ? &p->u.e : NULL, err, destroy, c->arg);
}

/* Queue the request p stands for; p is the next slot.  A request that
 * cannot be built is a failure of its object. */
static void queue(struct commit *c, struct pend *p)
{
	int r;

	p->err = 0;
	if (p->is_exp)
		r = p->state == P_DELETE ?
			ct_batch_exp_delete(c->b, &p->u.e, &p->seq) :
			ct_batch_exp_create(c->b, &p->u.e, &p->seq);
	else
		r = p->state == P_DELETE ?
			ct_batch_delete(c->b, &p->u.ct, &p->seq) :
			ct_batch_create(c->b, &p->u.ct, &p->seq);
	if (r < 0) {
		account(c, p, r, p->state == P_DELETE);
		return;
	}
	c->npend++;
}

/* Flush, count what came back, and run the EEXIST retries to the end:
 * every object goes CREATE -> (DELETE -> RETRY), so this ends. */
static void settle(struct commit *c)
{
	size_t i, keep;
	int r;

	while (c->npend) {
		r = ct_batch_flush(c->b);
		if (r < 0)	/* nothing of it ran */
			for (i = 0; i < c->npend; i++)
				c->pend[i].err = r;
		keep = 0;
		for (i = 0; i < c->npend; i++) {
			struct pend *p = &c->pend[i];

			if (p->state == P_CREATE && p->err == -EEXIST)
				p->state = P_DELETE;
			else if (p->state == P_DELETE &&
				 (p->err == 0 || p->err == -ENOENT))
				p->state = P_RETRY;
			else {
				account(c, p, p->err, p->state == P_DELETE);
				continue;
			}
			if (keep != i)
				c->pend[keep] = *p;
			keep++;
		}
		/* requeue the survivors in order: seqs stay consecutive */
		c->npend = 0;
		for (i = 0; i < keep; i++) {
			if (i != c->npend)
				c->pend[c->npend] = c->pend[i];
			queue(c, &c->pend[c->npend]);
		}
	}
}

/* ---- the walk -------------------------------------------------------- */

static uint32_t clock_now(const struct commit *c)
{
	return c->o.now ? c->o.now() : (uint32_t)time(NULL);
}

static uint64_t since_usec(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000000u +
	       (uint64_t)((t.tv_nsec - t0->tv_nsec) / 1000);
}

static void phase_begin(struct commit *c, enum phase ph)
{
	c->phase = ph;
	if (ph == PH_MASTERS || ph == PH_EXP)
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
}

static void phase_end(struct commit *c)
{
	switch (c->phase) {
	case PH_MASTERS:
		c->phase = PH_RELATED;
		c->r.related = c->related;
		/* a second walk of a big cache costs as much as the first:
		 * not for nothing */
		if (c->related && c->o.part != COMMIT_MASTERS)
			return;
		/* fall through */
	case PH_RELATED:
		c->r.ct.ran = true;
		c->r.ct.usec = since_usec(&c->t0);
		phase_begin(c, (c->o.what & COMMIT_EXP) &&
			    c->o.part != COMMIT_MASTERS ? PH_EXP : PH_DONE);
		return;
	case PH_EXP:
		c->r.exp.ran = true;
		c->r.exp.usec = since_usec(&c->t0);
		/* fall through */
	default:
		c->phase = PH_DONE;
	}
}

static void close_cursor(struct commit *c)
{
	if (c->cur && c->src.close)
		c->src.close(c->cur);
	c->cur = NULL;
}

/* Take one object from the cursor and queue its create.  1 if one was
 * taken (whether or not it belongs to this pass), 0 at the end, -errno. */
static int take(struct commit *c)
{
	struct pend *p = slot(c);
	uint32_t lu;
	int r;

	if (!p)
		return -ENOMEM;
	memset(p, 0, offsetof(struct pend, u));
	/* straight into the slot, prepared in place: no copy per object */
	if (c->phase == PH_EXP) {
		r = c->src.next_exp(c->cur, &p->u.e, &lu);
		if (r <= 0)
			return r;
		p->is_exp = true;
		r = commit_prepare_exp(&p->u.e, &p->u.e, &c->o, lu,
				       clock_now(c));
	} else {
		r = c->src.next_ct(c->cur, &p->u.ct, &lu);
		if (r <= 0)
			return r;
		if (commit_is_related(&p->u.ct) != (c->phase == PH_RELATED)) {
			if (c->phase == PH_MASTERS)
				c->related++;
			return 1;
		}
		r = commit_prepare_ct(&p->u.ct, &p->u.ct, &c->o, lu,
				      clock_now(c));
	}
	if (r < 0) {
		account(c, p, r, false);
		return 1;
	}
	p->state = P_CREATE;
	queue(c, p);
	if (ct_batch_full(c->b))
		settle(c);
	return 1;
}

static void finish(struct commit *c)
{
	unsigned long errors, lost;

	settle(c);
	close_cursor(c);
	ct_batch_counts(c->b, &c->r.msgs, &c->r.sends, &errors, &lost);
	c->phase = PH_DONE;
	if (c->done)
		c->done(&c->r, c->arg);
}

int commit_step(struct commit *c, unsigned int budget)
{
	unsigned int n = 0;
	int r;

	if (c->phase == PH_DONE)
		return 0;
	while (n < budget) {
		if (!c->cur) {
			c->cur = c->src.open(c->src.arg, c->phase == PH_EXP ?
					     COMMIT_EXP : COMMIT_CT);
			if (!c->cur) {
				c->r.err = errno ? -errno : -EIO;
				finish(c);
				return 0;
			}
		}
		r = take(c);
		if (r < 0) {
			c->r.err = r;
			finish(c);
			return 0;
		}
		if (r == 0) {
			/* a cache ends: everything of it is in the kernel
			 * before the next pass needs it */
			settle(c);
			close_cursor(c);
			phase_end(c);
			if (c->phase == PH_DONE) {
				finish(c);
				return 0;
			}
			continue;
		}
		n++;
	}
	settle(c);
	return 1;
}

struct commit *commit_start(struct nl *nl, const struct commit_src *src,
			    const struct commit_opts *o,
			    void (*done)(const struct commit_result *r,
					 void *arg),
			    void *arg)
{
	struct commit *c;

	if (!(o->what & COMMIT_ALL) || !src->open ||
	    ((o->what & COMMIT_CT) && !src->next_ct) ||
	    ((o->what & COMMIT_EXP) && !src->next_exp)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->b = ct_batch_new(nl, on_report, c);
	if (!c->b) {
		int e = errno;

		free(c);
		errno = e;
		return NULL;
	}
	c->src = *src;
	c->o = *o;
	c->done = done;
	c->arg = arg;
	if (!(o->what & COMMIT_CT))
		phase_begin(c, PH_EXP);
	else if (o->part == COMMIT_REST) {
		phase_begin(c, PH_MASTERS);	/* the clock of the ct part */
		c->phase = PH_RELATED;
	} else
		phase_begin(c, PH_MASTERS);
	return c;
}

void commit_free(struct commit *c)
{
	if (!c)
		return;
	close_cursor(c);
	ct_batch_free(c->b);
	free(c->pend);
	free(c);
}

const char *commit_log_line(const struct commit_result *r, unsigned int *iter,
			    char *buf, size_t size)
{
	const struct commit_count *n;
	const char *what;

	for (; *iter < 6; (*iter)++) {
		n = *iter < 3 ? &r->ct : &r->exp;
		what = *iter < 3 ? "entries" : "expectations";
		if (!n->ran)
			continue;
		switch (*iter % 3) {
		case 0:
			snprintf(buf, size, "Committed %u new %s", n->ok, what);
			break;
		case 1:
			if (!n->fail)
				continue;
			snprintf(buf, size, "%u %s can't be committed",
				 n->fail, what);
			break;
		default:
			snprintf(buf, size, "commit has taken %llu.%06llu seconds",
				 (unsigned long long)(n->usec / 1000000),
				 (unsigned long long)(n->usec % 1000000));
		}
		(*iter)++;
		return buf;
	}
	return NULL;
}
