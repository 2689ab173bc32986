/* A commit on both cores (see commit_split.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commit_split.h"

enum stage {
	ST_SHARES,	/* the masters passes, here and in the child */
	ST_REST,	/* related flows and expectations, here */
	ST_DONE,
};

struct commit_split {
	struct nl *nl;
	struct commit_split_how how;
	struct commit_src whole, share[2];
	struct commit_opts o;
	void (*done)(const struct commit_result *r, bool child_lost,
		     void *arg);
	void *arg;
	enum stage st;
	struct commit *own;	/* the engine running here, if any */
	struct commit_result sum;
	struct timespec t0;
	bool lost;		/* the child ended without its report */
	/* the child */
	int pid;
	int fd;			/* its report, read here; -1: none (any more) */
	struct commit_result rep;
	size_t got;
};

static void add(struct commit_count *to, const struct commit_count *n)
{
	to->ran |= n->ran;
	to->ok += n->ok;
	to->fail += n->fail;
}

static void sum_in(struct commit_split *s, const struct commit_result *r)
{
	add(&s->sum.ct, &r->ct);
	add(&s->sum.exp, &r->exp);
	s->sum.exp.usec += r->exp.usec;
	s->sum.lost += r->lost;
	s->sum.msgs += r->msgs;
	s->sum.sends += r->sends;
	s->sum.related += r->related;
	if (!s->sum.err)
		s->sum.err = r->err;
}

static void own_done(const struct commit_result *r, void *arg)
{
	struct commit_split *s = arg;

	/* the shares' time is counted as a whole, by rest() */
	if (s->st == ST_REST)
		s->sum.ct.usec += r->ct.usec;
	sum_in(s, r);
}

/* ---- the child -------------------------------------------------------- */

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* the daemon is gone: nobody to tell */
		c += w;
		n -= (size_t)w;
	}
}

static void child_done(const struct commit_result *r, void *arg)
{
	write_all(((struct commit_split *)arg)->fd, r, sizeof(*r));
}

static void child_main(void *data)
{
	struct commit_split *s = data;
	struct commit_opts o = s->o;
	struct commit *c;

	if (s->how.in_child)
		s->how.in_child(s->arg);
	o.what = COMMIT_CT;
	o.part = COMMIT_MASTERS;
	c = commit_start(s->how.child_nl, &s->share[0], &o, child_done, s);
	if (!c) {
		struct commit_result r = { .err = errno ? -errno : -EIO };

		child_done(&r, s);
		return;
	}
	/* nothing else to serve here: one step to the end */
	while (commit_step(c, ~0u))
		;
	commit_free(c);
}

/* ---- the daemon's side --------------------------------------------------- */

static void close_child(struct commit_split *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Read what the child reported; its end without a whole report means
 * its share is to be done here. */
static void poll_child(struct commit_split *s)
{
	ssize_t n;

	while (s->fd >= 0) {
		n = read(s->fd, (char *)&s->rep + s->got, sizeof(s->rep) - s->got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n > 0) {
			s->got += (size_t)n;
			if (s->got < sizeof(s->rep))
				continue;
			sum_in(s, &s->rep);
		} else if (s->got < sizeof(s->rep)) {
			s->lost = true;	/* EOF or an error: it is gone */
		}
		close_child(s);
		s->pid = 0;
	}
}

static void finish(struct commit_split *s)
{
	s->st = ST_DONE;
	if (s->done)
		s->done(&s->sum, s->lost, s->arg);
}

static int start_own(struct commit_split *s, const struct commit_src *src,
		     enum commit_what what, enum commit_part part)
{
	struct commit_opts o = s->o;

	o.what = what;
	o.part = part;
	s->own = commit_start(s->nl, src, &o, own_done, s);
	return s->own ? 0 : -errno;
}

/* Both shares are in: the rest, here. */
static void rest(struct commit_split *s)
{
	struct timespec t;
	enum commit_what what = s->o.what & COMMIT_EXP;

	clock_gettime(CLOCK_MONOTONIC, &t);
	s->sum.ct.usec = (uint64_t)(t.tv_sec - s->t0.tv_sec) * 1000000u +
			 (uint64_t)((t.tv_nsec - s->t0.tv_nsec) / 1000);
	if (s->sum.related)
		what |= COMMIT_CT;
	s->st = ST_REST;
	if (!what || start_own(s, &s->whole, what, COMMIT_REST) < 0) {
		if (what)
			s->sum.err = s->sum.err ? s->sum.err : -errno;
		finish(s);
	}
}

int commit_split_step(struct commit_split *s, unsigned int budget)
{
	if (s->st == ST_DONE)
		return 0;
	if (s->own && commit_step(s->own, budget) == 0) {
		commit_free(s->own);
		s->own = NULL;
		if (s->st == ST_REST) {
			finish(s);
			return 0;
		}
	}
	if (s->own)
		return 1;
	poll_child(s);
	if (s->lost && s->fd < 0 && s->pid == 0 && !s->own) {
		/* its share again, here: what it made is replaced */
		s->pid = -1;
		if (start_own(s, &s->share[0], COMMIT_CT, COMMIT_MASTERS) < 0) {
			s->sum.err = -errno;
			finish(s);
			return 0;
		}
		return 1;
	}
	if (s->fd >= 0)
		return 1;	/* the child works */
	rest(s);
	return s->st != ST_DONE;
}

bool commit_split_waiting(const struct commit_split *s)
{
	return s->st == ST_SHARES && !s->own && s->fd >= 0;
}

int commit_split_fd(const struct commit_split *s)
{
	return s->fd;
}

/* Fork the child its share; -errno when there is no child to be had. */
static int fork_child(struct commit_split *s)
{
	int p[2], pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	s->fd = p[1];	/* the child's end, for the child */
	pid = s->how.spawn(child_main, s);
	close(p[1]);
	s->fd = p[0];
	if (pid < 0) {
		close_child(s);
		return pid;
	}
	s->pid = pid;
	fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

struct commit_split *commit_split_start(struct nl *nl,
					const struct commit_split_how *how,
					const struct commit_opts *o,
					void (*done)(const struct commit_result *r,
						     bool child_lost, void *arg),
					void *arg)
{
	struct commit_split *s = calloc(1, sizeof(*s));
	bool split = how->share && how->spawn && how->child_nl &&
		     (o->what & COMMIT_CT) && o->part == COMMIT_WHOLE;
	int r;

	if (!s)
		return NULL;
	s->nl = nl;
	s->how = *how;
	s->whole = *how->whole;
	s->o = *o;
	s->done = done;
	s->arg = arg;
	s->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	if (split) {
		s->share[0] = how->share[0];
		s->share[1] = how->share[1];
		split = fork_child(s) == 0;
	}
	s->st = split ? ST_SHARES : ST_REST;
	if (split)
		r = start_own(s, &s->share[1], COMMIT_CT, COMMIT_MASTERS);
	else	/* the plain engine, all of it here */
		r = start_own(s, &s->whole, o->what, o->part);
	if (r < 0) {
		commit_split_free(s);
		errno = -r;
		return NULL;
	}
	return s;
}

void commit_split_free(struct commit_split *s)
{
	if (!s)
		return;
	if (s->pid > 0)
		kill(s->pid, SIGKILL);	/* reaped by the daemon's loop */
	close_child(s);
	commit_free(s->own);
	free(s);
}
