/* The commit engine: what 1.4.7 derives from a flow of the external cache
 * (pure), then commits against the kernel in a private network namespace:
 * flows land with their reply tuple, timeout and mark; EEXIST is deleted
 * and retried; a failing flow is counted and the rest committed; related
 * flows after their masters; a step never takes more than its budget;
 * a split commit (commit_split.h) counts as one, with a child that
 * reports, that dies before it does, or that cannot be had. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "netlink/ct.h"
#include "netlink/exp.h"
#include "netlink/nl.h"
#include "sync/commit.h"
#include "sync/commit_split.h"
#include "t.h"

static const struct commit_opts plain = { .what = COMMIT_CT };

static void v4_flow(struct ct *ct, uint8_t l4, const char *src,
		    const char *dst, uint16_t sport, uint16_t dport)
{
	ct_init(ct);
	ct->family = AF_INET;
	ct->orig.l3 = AF_INET;
	ct->orig.l4 = l4;
	inet_pton(AF_INET, src, &ct->orig.src.ip[0]);
	inet_pton(AF_INET, dst, &ct->orig.dst.ip[0]);
	ct->orig.sport = sport;
	ct->orig.dport = dport;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			   CT_T_DPORT;
	ct_set(ct, CT_A_ORIG);
	ct->status = CT_S_SEEN_REPLY | CT_S_ASSURED;
	ct_set(ct, CT_A_STATUS);
	ct->timeout = 300;
	ct_set(ct, CT_A_TIMEOUT);
	if (l4 == IPPROTO_TCP) {
		ct->tcp.state = 3;	/* ESTABLISHED */
		ct_set(ct, CT_A_TCP_STATE);
	}
}

static void test_timeout(void)
{
	struct commit_opts o = plain;

	CHECK_EQ(commit_timeout(&o, true, 300, 1000, 1014), 286,
		 "timeout: NTA_TIMEOUT minus the time since the last update");
	CHECK_EQ(commit_timeout(&o, true, 300, 1000, 990), 240,
		 "timeout: a clock that went back counts as 60 s elapsed");
	CHECK_EQ(commit_timeout(&o, true, 10, 1000, 1030), 60,
		 "timeout: an estimate that ran out gives 60 s");
	CHECK_EQ(commit_timeout(&o, false, 0, 1000, 1000), 0,
		 "timeout: no NTA_TIMEOUT and nothing elapsed: none set");
	CHECK_EQ(commit_timeout(&o, false, 0, 1000, 1005), 60,
		 "timeout: no NTA_TIMEOUT, time elapsed: 60 s");
	CHECK_EQ(commit_timeout(&o, true, 300, 1000, 1300), 0,
		 "timeout: exactly used up: 0 (the flow keeps its own)");
	o.commit_timeout = 180;
	CHECK_EQ(commit_timeout(&o, true, 300, 1000, 1014), 180,
		 "timeout: CommitTimeout wins");
}

static void test_prepare(void)
{
	struct commit_opts o = plain;
	struct ct in, out;

	v4_flow(&in, IPPROTO_TCP, "192.0.2.1", "198.51.100.1", 40000, 80);
	in.status |= CT_S_EXPECTED;
	CHECK_EQ(commit_prepare_ct(&out, &in, &o, 100, 110), 0, "prepare tcp");
	CHECK(ct_has(&out, CT_A_REPLY) && out.reply.src.ip[0] == in.orig.dst.ip[0] &&
	      out.reply.dst.ip[0] == in.orig.src.ip[0] &&
	      out.reply.sport == 80 && out.reply.dport == 40000,
	      "prepare: reply tuple is the inverse of the original");
	CHECK(!(out.status & CT_S_EXPECTED) && (out.status & CT_S_ASSURED),
	      "prepare: EXPECTED cleared, the rest of the status kept");
	CHECK_EQ(out.timeout, 290, "prepare: timeout estimated");
	CHECK(ct_has(&out, CT_A_TCP_FLAGS_ORIG) && ct_has(&out, CT_A_TCP_FLAGS_REPLY) &&
	      out.tcp.flags[0] == 8 && out.tcp.flags_mask[0] == 8 &&
	      out.tcp.flags[1] == 8 && out.tcp.flags_mask[1] == 8,
	      "prepare: BE_LIBERAL both ways without TCPWindowTracking");
	o.window_tracking = true;
	commit_prepare_ct(&out, &in, &o, 100, 110);
	CHECK(!ct_has(&out, CT_A_TCP_FLAGS_ORIG) && !ct_has(&out, CT_A_TCP_FLAGS_REPLY),
	      "prepare: no TCP flags with TCPWindowTracking");
	o.window_tracking = false;

	v4_flow(&in, IPPROTO_UDP, "192.0.2.1", "198.51.100.1", 5000, 53);
	commit_prepare_ct(&out, &in, &o, 100, 110);
	CHECK(!ct_has(&out, CT_A_TCP_FLAGS_ORIG), "prepare: no TCP flags on UDP");

	v4_flow(&in, IPPROTO_ICMP, "192.0.2.1", "198.51.100.1", 0, 0);
	in.orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_ICMP_TYPE |
			  CT_T_ICMP_CODE | CT_T_ICMP_ID;
	in.orig.icmp_type = 8;
	in.orig.icmp_id = 77;
	commit_prepare_ct(&out, &in, &o, 100, 110);
	CHECK(out.reply.icmp_type == 0 && out.reply.icmp_id == 77 &&
	      (out.reply.present & CT_T_ICMP_TYPE),
	      "prepare: ICMP echo gets an echo reply with the same id");
	in.orig.icmp_type = 3;
	commit_prepare_ct(&out, &in, &o, 100, 110);
	CHECK_EQ(out.reply.icmp_type, 255,
		 "prepare: ICMP type without reply: 255, as libnetfilter_conntrack");

	v4_flow(&in, IPPROTO_SCTP, "192.0.2.1", "198.51.100.1", 1, 2);
	in.orig.present &= ~(CT_T_SPORT | CT_T_DPORT);
	commit_prepare_ct(&out, &in, &o, 100, 110);
	CHECK((out.orig.present & (CT_T_SPORT | CT_T_DPORT)) ==
	      (CT_T_SPORT | CT_T_DPORT), "prepare: missing ports sent as 0");

	v4_flow(&in, IPPROTO_TCP, "192.0.2.1", "198.51.100.1", 1, 2);
	in.orig.present &= ~CT_T_SRC;
	CHECK_EQ(commit_prepare_ct(&out, &in, &o, 100, 110), -EINVAL,
		 "prepare: a flow without its source address is refused");
	ct_init(&in);
	CHECK_EQ(commit_prepare_ct(&out, &in, &o, 100, 110), -EINVAL,
		 "prepare: an empty flow is refused");

	v4_flow(&in, IPPROTO_TCP, "192.0.2.1", "198.51.100.1", 1, 2);
	CHECK(!commit_is_related(&in), "related: no master");
	in.master = in.orig;
	ct_set(&in, CT_A_MASTER);
	CHECK(commit_is_related(&in), "related: full master");
	in.master.present &= ~CT_T_DPORT;
	CHECK(!commit_is_related(&in), "related: master without its port is not");
}

static void test_log(void)
{
	struct commit_result r;
	unsigned int it = 0;
	char buf[128];
	const char *l;

	memset(&r, 0, sizeof(r));
	r.ct.ran = true;
	r.ct.ok = 12;
	r.ct.fail = 2;
	r.ct.usec = 1500042;
	r.exp.ran = true;
	r.exp.ok = 1;
	r.exp.usec = 7;
	l = commit_log_line(&r, &it, buf, sizeof(buf));
	CHECK_STR(l ? l : "", "Committed 12 new entries", "log 1");
	l = commit_log_line(&r, &it, buf, sizeof(buf));
	CHECK_STR(l ? l : "", "2 entries can't be committed", "log 2");
	l = commit_log_line(&r, &it, buf, sizeof(buf));
	CHECK_STR(l ? l : "", "commit has taken 1.500042 seconds", "log 3");
	l = commit_log_line(&r, &it, buf, sizeof(buf));
	CHECK_STR(l ? l : "", "Committed 1 new expectations", "log 4");
	l = commit_log_line(&r, &it, buf, sizeof(buf));
	CHECK_STR(l ? l : "", "commit has taken 0.000007 seconds", "log 5");
	CHECK(commit_log_line(&r, &it, buf, sizeof(buf)) == NULL, "log: end");
}

/* ---- against the kernel ---------------------------------------------- */

struct arr {
	struct ct *v;
	size_t n;
	struct exp *e;
	size_t ne;
	unsigned int opens, in_step, max_step;
	int fail_at;		/* next_ct fails with -EIO at this index */
};

struct cur {
	struct arr *a;
	size_t i, end;
};

static void *arr_open(void *arg, enum commit_what kind)
{
	struct cur *c = calloc(1, sizeof(*c));

	(void)kind;
	c->a = arg;
	c->a->opens++;
	c->end = c->a->n;
	return c;
}

/* A share of an array's flows: [lo, hi). */
struct part {
	struct arr *a;
	size_t lo, hi;
};

static void *part_open(void *arg, enum commit_what kind)
{
	const struct part *p = arg;
	struct cur *c = arr_open(p->a, kind);

	c->i = p->lo;
	c->end = p->hi;
	return c;
}

static int arr_next(void *cursor, struct ct *out, uint32_t *lu)
{
	struct cur *c = cursor;

	if ((int)c->i == c->a->fail_at)
		return -EIO;
	if (c->i >= c->end)
		return 0;
	c->a->in_step++;
	*out = c->a->v[c->i++];
	*lu = (uint32_t)time(NULL);
	return 1;
}

static int arr_next_exp(void *cursor, struct exp *out, uint32_t *lu)
{
	struct cur *c = cursor;

	if (c->i >= c->a->ne)
		return 0;
	*out = c->a->e[c->i++];
	*lu = (uint32_t)time(NULL);
	return 1;
}

static void arr_close(void *cursor)
{
	free(cursor);
}

static struct commit_result res;
static int dones;

static void on_done(const struct commit_result *r, void *arg)
{
	(void)arg;
	res = *r;
	dones++;
}

/* Run a whole commit of a; returns the number of steps. */
static unsigned int run_what(struct nl *nl, struct arr *a, unsigned int budget,
			     enum commit_what what)
{
	struct commit_src src = { a, arr_open, arr_next, arr_next_exp,
				  arr_close };
	struct commit_opts o = plain;
	struct commit *c;
	unsigned int steps = 0;

	o.what = what;
	memset(&res, 0, sizeof(res));
	dones = 0;
	c = commit_start(nl, &src, &o, on_done, NULL);
	if (!c)
		return 0;
	for (;;) {
		int r;

		a->in_step = 0;
		r = commit_step(c, budget);
		steps++;
		if (a->in_step > a->max_step)
			a->max_step = a->in_step;
		if (r == 0)
			break;
	}
	commit_free(c);
	return steps;
}

static unsigned int run(struct nl *nl, struct arr *a, unsigned int budget)
{
	return run_what(nl, a, budget, COMMIT_CT);
}

static int count_exp(const struct exp *e, enum ct_event ev, void *data)
{
	(void)e;
	(void)ev;
	++*(int *)data;
	return 0;
}

/* An FTP master with its helper and one expectation of it, committed
 * twice: the second time both say EEXIST and are deleted and retried. */
static void test_expect(struct nl *nl, struct nl *q)
{
	struct ct m;
	struct exp e;
	struct arr a = { &m, 1, &e, 1, 0, 0, 0, -1 };
	int n = 0;

	v4_flow(&m, IPPROTO_TCP, "192.0.2.10", "192.0.2.20", 50000, 21);
	memcpy(m.helper, "ftp", 4);
	ct_set(&m, CT_A_HELPER);
	memset(&e, 0, sizeof(e));
	e.tuple.l3 = AF_INET;
	e.tuple.l4 = IPPROTO_TCP;
	e.tuple.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
	e.tuple.src = m.orig.dst;
	e.tuple.dst = m.orig.src;
	e.tuple.dport = 40010;
	e.mask = e.tuple;
	memset(&e.mask.src, 0xff, 4);
	memset(&e.mask.dst, 0xff, 4);
	e.mask.sport = 0;
	e.mask.dport = 0xffff;
	e.master = m.orig;
	e.timeout = 300;
	memcpy(e.helper, "ftp", 4);
	exp_set(&e, EXP_A_TUPLE);
	exp_set(&e, EXP_A_MASK);
	exp_set(&e, EXP_A_MASTER);
	exp_set(&e, EXP_A_TIMEOUT);
	exp_set(&e, EXP_A_HELPER);
	run_what(nl, &a, 100, COMMIT_ALL);
	CHECK(res.ct.ran && res.exp.ran && res.ct.ok == 1 && res.exp.ok == 1 &&
	      res.ct.fail + res.exp.fail == 0,
	      "expect: master then expectation (ct %u/%u exp %u/%u)",
	      res.ct.ok, res.ct.fail, res.exp.ok, res.exp.fail);
	run_what(nl, &a, 100, COMMIT_EXP);
	CHECK(!res.ct.ran && res.exp.ok == 1 && res.exp.fail == 0 &&
	      res.msgs == 3,
	      "expect: EEXIST is deleted and created again (ok %u fail %u, %lu requests)",
	      res.exp.ok, res.exp.fail, res.msgs);
	exp_nl_dump(q, AF_INET, count_exp, &n);
	CHECK_EQ(n, 1, "expect: one expectation in the kernel");
	/* without its master the kernel refuses it: counted */
	e.master.sport = 50001;
	run_what(nl, &a, 100, COMMIT_EXP);
	CHECK(res.exp.ok == 0 && res.exp.fail == 1,
	      "expect: one without its master is counted as failed (fail %u)",
	      res.exp.fail);
}

struct find {
	const struct ct *want;
	int found;
	struct ct got;
};

static int on_entry(const struct ct *ct, enum ct_event ev, void *data)
{
	struct find *f = data;

	(void)ev;
	if (ct->orig.l4 == f->want->orig.l4 &&
	    ct->orig.src.ip[0] == f->want->orig.src.ip[0] &&
	    ct->orig.sport == f->want->orig.sport) {
		f->found++;
		f->got = *ct;
	}
	return 0;
}

static int lookup(struct nl *nl, const struct ct *want, struct ct *got)
{
	struct find f = { want, 0, { 0 } };

	ct_nl_dump(nl, CT_TABLE_CONNTRACK, false, NULL, on_entry, &f);
	if (got)
		*got = f.got;
	return f.found;
}

static void test_kernel(struct nl *nl, struct nl *q)
{
	struct ct v[4], got;
	struct arr a = { v, 0, NULL, 0, 0, 0, 0, -1 };
	uint32_t n = 0;

	v4_flow(&v[0], IPPROTO_TCP, "192.0.2.1", "198.51.100.1", 40000, 80);
	v[0].mark = 7;
	ct_set(&v[0], CT_A_MARK);
	v4_flow(&v[1], IPPROTO_UDP, "192.0.2.2", "198.51.100.1", 5353, 53);
	a.n = 2;
	run(nl, &a, 100);
	CHECK(dones == 1 && res.ct.ran && res.ct.ok == 2 && res.ct.fail == 0 &&
	      !res.exp.ran, "kernel: 2 flows committed (ok %u fail %u)",
	      res.ct.ok, res.ct.fail);
	CHECK(lookup(q, &v[0], &got) == 1 && got.mark == 7 &&
	      got.reply.sport == 80 && got.reply.dport == 40000 &&
	      got.timeout >= 298 && got.timeout <= 300,
	      "kernel: tcp flow there with mark, reply and timeout %u",
	      got.timeout);
	CHECK(lookup(q, &v[1], NULL) == 1, "kernel: udp flow there");

	/* the same flow again, with another mark: EEXIST, delete, retry */
	v[0].mark = 9;
	a.n = 1;
	run(nl, &a, 100);
	CHECK(res.ct.ok == 1 && res.ct.fail == 0 && res.msgs == 3,
	      "kernel: EEXIST is deleted and created again (ok %u fail %u, %lu requests)",
	      res.ct.ok, res.ct.fail, res.msgs);
	CHECK(lookup(q, &v[0], &got) == 1 && got.mark == 9,
	      "kernel: the retried flow replaced the old one (mark %u)",
	      got.mark);

	/* a related flow whose master is not there, an empty flow, a good
	 * one: two failures counted, the good one committed */
	v4_flow(&v[0], IPPROTO_TCP, "192.0.2.3", "198.51.100.1", 20, 40001);
	v4_flow(&v[1], IPPROTO_TCP, "192.0.2.9", "198.51.100.1", 40002, 21);
	v[0].master = v[1].orig;
	ct_set(&v[0], CT_A_MASTER);
	ct_init(&v[2]);
	v4_flow(&v[3], IPPROTO_UDP, "192.0.2.4", "198.51.100.1", 5000, 53);
	memmove(&v[1], &v[2], 2 * sizeof(v[0]));
	a.n = 3;
	run(nl, &a, 100);
	CHECK(res.ct.ok == 1 && res.ct.fail == 2,
	      "kernel: failures counted, the rest committed (ok %u fail %u)",
	      res.ct.ok, res.ct.fail);
	CHECK(lookup(q, &v[2], NULL) == 1, "kernel: the good flow is there");

	/* related after masters: the master comes later in the cache */
	v4_flow(&v[0], IPPROTO_TCP, "192.0.2.5", "198.51.100.1", 20, 40003);
	v4_flow(&v[1], IPPROTO_TCP, "192.0.2.6", "198.51.100.1", 40004, 21);
	v[0].master = v[1].orig;
	ct_set(&v[0], CT_A_MASTER);
	a.n = 2;
	run(nl, &a, 100);
	CHECK(res.ct.ok == 2 && res.ct.fail == 0,
	      "kernel: a related flow listed before its master commits (ok %u fail %u)",
	      res.ct.ok, res.ct.fail);
	CHECK(lookup(q, &v[0], &got) == 1 && ct_has(&got, CT_A_MASTER) &&
	      got.master.sport == 40004,
	      "kernel: related flow there, with its master");

	/* no NTA_TIMEOUT (the peer has CommitTimeout) and nothing elapsed:
	 * 1.4.7 sends no timeout, and the kernel will not create without */
	v4_flow(&v[0], IPPROTO_UDP, "192.0.2.7", "198.51.100.1", 6000, 53);
	ct_unset(&v[0], CT_A_TIMEOUT);
	a.n = 1;
	run(nl, &a, 100);
	CHECK(res.ct.ok == 0 && res.ct.fail == 1,
	      "kernel: a flow with no timeout to give fails (ok %u fail %u)",
	      res.ct.ok, res.ct.fail);
	a.n = 2;

	/* a cursor that fails stops the commit and says so */
	a.fail_at = 1;
	run(nl, &a, 100);
	CHECK(dones == 1 && res.err == -EIO, "kernel: a failing cursor ends the commit");
	a.fail_at = -1;

	ct_nl_count(q, &n, NULL);
	CHECK(n >= 5, "kernel: %u entries in the table", n);
}

static void test_budget(struct nl *nl, struct nl *q)
{
	const size_t N = 20000;
	struct arr a = { calloc(N, sizeof(struct ct)), N, NULL, 0, 0, 0, 0, -1 };
	unsigned int steps;
	uint32_t n0 = 0, n1 = 0;
	size_t i;

	if (!a.v)
		return;
	for (i = 0; i < N; i++) {
		char src[32];

		snprintf(src, sizeof(src), "10.%zu.%zu.%zu", 1 + i / 65536,
			 (i / 256) % 256, i % 256);
		v4_flow(&a.v[i], i % 2 ? IPPROTO_TCP : IPPROTO_UDP, src,
			"192.168.0.1", (uint16_t)(1024 + i % 60000), 443);
	}
	ct_nl_count(q, &n0, NULL);
	steps = run(nl, &a, 1000);
	ct_nl_count(q, &n1, NULL);
	CHECK(steps >= 20, "budget: 20000 flows at 1000 a step took %u steps",
	      steps);
	CHECK(a.max_step <= 1000,
	      "budget: never more than the budget per step (max %u objects)",
	      a.max_step);
	CHECK(res.ct.ok == N && res.ct.fail == 0,
	      "budget: all committed (ok %u fail %u)", res.ct.ok, res.ct.fail);
	CHECK_EQ(n1 - n0, N, "budget: the kernel holds them all");
	CHECK_EQ(a.opens, 1,
		 "budget: no related flow, so the cache is walked once");
	CHECK(res.sends > 20 && res.msgs >= N,
	      "budget: many requests per sendmsg (%lu in %lu)", res.msgs,
	      res.sends);
	free(a.v);
}

/* ---- a split commit ------------------------------------------------------ */

static int spawn_fork(void (*fn)(void *data), void *data)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(data);
		_exit(0);
	}
	return pid < 0 ? -errno : pid;
}

/* a child that dies before it reports */
static int spawn_die(void (*fn)(void *data), void *data)
{
	pid_t pid = fork();

	(void)fn;
	(void)data;
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	return pid < 0 ? -errno : pid;
}

static int spawn_none(void (*fn)(void *data), void *data)
{
	(void)fn;
	(void)data;
	return -EAGAIN;
}

static bool split_lost;

static void on_split_done(const struct commit_result *r, bool child_lost,
			  void *arg)
{
	(void)arg;
	res = *r;
	split_lost = child_lost;
	dones++;
}

static void run_split(struct nl *nl, struct nl *cnl, struct arr *a,
		      int (*spawn)(void (*fn)(void *data), void *data))
{
	struct part parts[2] = { { a, 0, a->n / 2 }, { a, a->n / 2, a->n } };
	struct commit_src whole = { a, arr_open, arr_next, arr_next_exp,
				    arr_close };
	struct commit_src share[2] = { whole, whole };
	struct commit_split_how how = { &whole, share, cnl, spawn, NULL };
	struct commit_split *s;

	share[0].arg = &parts[0];
	share[0].open = part_open;
	share[1].arg = &parts[1];
	share[1].open = part_open;
	memset(&res, 0, sizeof(res));
	dones = 0;
	split_lost = false;
	s = commit_split_start(nl, &how, &plain, on_split_done, NULL);
	if (!s)
		return;
	while (commit_split_step(s, 64)) {
		if (commit_split_waiting(s)) {
			struct pollfd p = { commit_split_fd(s), POLLIN, 0 };

			poll(&p, 1, 5000);
		}
	}
	commit_split_free(s);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void test_split(struct nl *nl, struct nl *q)
{
	const size_t N = 6000;
	struct arr a = { calloc(N, sizeof(struct ct)), N, NULL, 0, 0, 0, 0, -1 };
	struct nl *cnl = nl_open(NETLINK_NETFILTER, 0);
	uint32_t n0 = 0, n1 = 0;
	struct ct got;
	size_t i;

	if (!a.v || !cnl) {
		CHECK(0, "split: setup");
		free(a.v);
		nl_close(cnl);
		return;
	}
	for (i = 0; i < N; i++) {
		char src[32];

		snprintf(src, sizeof(src), "172.16.%zu.%zu", i / 256, i % 256);
		v4_flow(&a.v[i], i % 2 ? IPPROTO_TCP : IPPROTO_UDP, src,
			"192.168.1.1", (uint16_t)(1024 + i), 443);
	}
	/* a related flow in the child's share, its master in the daemon's */
	a.v[0].master = a.v[N - 1].orig;
	ct_set(&a.v[0], CT_A_MASTER);
	ct_nl_count(q, &n0, NULL);
	run_split(nl, cnl, &a, spawn_fork);
	ct_nl_count(q, &n1, NULL);
	CHECK(dones == 1 && !split_lost && res.ct.ran && res.ct.ok == N &&
	      res.ct.fail == 0 && !res.err,
	      "split: one commit's counts, the child's report in (ok %u fail %u lost %d)",
	      res.ct.ok, res.ct.fail, split_lost);
	CHECK_EQ(n1 - n0, N, "split: the kernel holds every flow");
	CHECK(lookup(q, &a.v[0], &got) == 1 && ct_has(&got, CT_A_MASTER),
	      "split: the related flow after both shares, with its master");

	/* the child dies before it reports: its share is done here (the
	 * flows are there already: EEXIST, replaced) */
	run_split(nl, cnl, &a, spawn_die);
	ct_nl_count(q, &n1, NULL);
	CHECK(dones == 1 && split_lost && res.ct.ok == N && res.ct.fail == 0,
	      "split: a lost child's share committed again, counted once (ok %u fail %u lost %d)",
	      res.ct.ok, res.ct.fail, split_lost);
	CHECK_EQ(n1 - n0, N, "split: still every flow once in the kernel");

	/* no child to be had: the plain engine */
	run_split(nl, cnl, &a, spawn_none);
	CHECK(dones == 1 && !split_lost && res.ct.ok == N && res.ct.fail == 0,
	      "split: without a child, all of it here (ok %u fail %u)",
	      res.ct.ok, res.ct.fail);
	nl_close(cnl);
	free(a.v);
}

int main(void)
{
	struct nl *nl, *q;

	test_timeout();
	test_prepare();
	test_log();
	if (unshare(CLONE_NEWNET) < 0) {
		printf("# no private network namespace (%s): kernel part skipped\n",
		       strerror(errno));
		T_DONE();
	}
	nl = nl_open(NETLINK_NETFILTER, 0);
	q = nl_open(NETLINK_NETFILTER, 0);
	CHECK(nl && q, "netlink sockets");
	if (nl && q) {
		test_kernel(nl, q);
		test_expect(nl, q);
		test_budget(nl, q);
		test_split(nl, q);
	}
	nl_close(nl);
	nl_close(q);
	T_DONE();
}
