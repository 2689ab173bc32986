/* The UNIX control socket, both ends of the connection setup, and the
 * daemon's answers to the requests every mode shares.
 *
 * A client sends one int and reads until EOF.  Connections are read from
 * the loop without blocking, so a client that connects and sends nothing
 * cannot stall the daemon; replies are small except the cache dumps,
 * which a forked child writes (as 1.4.7 does).
 *
 * The socket lives only in the file system (mode 0600 by the daemon's
 * umask), and every connection's peer must be root or the daemon's own
 * user: a chmod of the socket or a shared directory gives nobody else
 * the power to flush the kernel table or stop the daemon. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/ct_print.h"
#include "lib/err.h"
#include "lib/out.h"
#include "sync/cache.h"
#include "sync/ctl.h"
#include "sync/daemon.h"
#include "sync/evsrc.h"
#include "sync/log.h"

static int make_addr(struct sockaddr_un *sa, const char *path,
		     socklen_t *len)
{
	size_t n = strlen(path);

	if (n >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n);
	/* 1.4.7's length: the path without its NUL.  With no path this is
	 * the bare family: an autobind for bind, EINVAL for connect. */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	return 0;
}

int ctl_listen(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, r;

	r = make_addr(&sa, path, &len);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (*path)
		unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 ||
	    listen(fd, 100) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int ctl_connect(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, r;

	r = make_addr(&sa, path, &len);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Root or the user the daemon runs as; anyone else is refused. */
static bool peer_allowed(int fd, struct ucred *cr)
{
	socklen_t len = sizeof(*cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cr, &len) < 0 ||
	    len != sizeof(*cr))
		return false;
	return cr->uid == 0 || cr->uid == geteuid();
}

struct conn {
	struct ctd_fd f;
	bool used;
	unsigned int got;
	uint64_t since;		/* accept order, to evict the oldest */
	unsigned char req[sizeof(int)];
};

static struct ctd_fd listen_fd = { -1, NULL };
static struct conn conns[CTL_MAX_CONN];
static uint64_t accepts;
static char sock_path[108];
static unsigned int refused;
static uint32_t refused_logged = UINT32_MAX;

static void conn_close(struct conn *c)
{
	ctd_fd_del(&c->f);
	close(c->f.fd);
	c->f.fd = -1;
	c->used = false;
}

/* --- cache dumps, in a child ------------------------------------------ */

struct dump_args {
	int fd;
	bool xml;
};

struct dump_ctx {
	struct out o;
	bool xml;
	uint32_t now;
};

/* A write that failed (a reader gone, or stuck past the send timeout)
 * ends the dump: writing on would hand the reader a dump with a hole. */
static void dump_one(const struct ct *ct, uint32_t created, void *data)
{
	struct dump_ctx *d = data;
	struct ct_print_opts po;

	if (d->o.err)
		return;
	memset(&po, 0, sizeof(po));
	if (d->xml) {
		ct_print_xml(&d->o, ct, &po);
		return;
	}
	ct_print_text(&d->o, ct, &po);
	if (d->o.len && d->o.buf[d->o.len - 1] == '\n')
		d->o.len--;
	out_printf(&d->o, " [active since %lus]\n",
		   (unsigned long)(d->now - created));
}

/* In the child: only the connection being answered stays open, so no
 * other client waits for this child's end to see its own end-of-file. */
void ctl_close_others(int keep)
{
	unsigned int i;

	for (i = 0; i < CTL_MAX_CONN; i++)
		if (conns[i].used && conns[i].f.fd != keep) {
			close(conns[i].f.fd);
			conns[i].used = false;
		}
	if (listen_fd.fd >= 0)
		close(listen_fd.fd);
	listen_fd.fd = -1;
}

static void dump_child(void *data)
{
	static char buf[OUT_BUF_SIZE];
	const struct dump_args *a = data;
	struct dump_ctx d;
	int r;

	ctl_close_others(a->fd);
	out_init(&d.o, a->fd, buf, sizeof(buf));
	d.xml = a->xml;
	d.now = ctd_now();
	cache_iterate(ctd.cache, dump_one, &d);
	r = out_close(&d.o);
	if (r < 0)
		log_err("cache dump to a control client stopped: write error: "
			"%s", err_str(-r));
}

/* The whole-table flush takes seconds at a million flows: made in a
 * child, which alone keeps the client's connection, so the client waits
 * for the end as 1.4.7's does while the daemon goes on. */
static void flush_child(void *data)
{
	ctl_close_others(*(const int *)data);
	evsrc_flush_kernel(-1);
}

void ctl_flush_kernel(int fd)
{
	if (!evsrc_flush_whole() || ctd_fork(flush_child, &fd) < 0)
		evsrc_flush_kernel(fd);
	else
		evsrc_stats.flush_kernel++;
}

static void dump_cache(int fd, bool xml)
{
	struct dump_args a = { fd, xml };

	if (ctd_fork(dump_child, &a) < 0)
		ctd.rt.child_fail++;
}

/* --- statistics shared by every mode ---------------------------------- */

static void print_uptime(struct out *o)
{
	long secs = (long)(time(NULL) - ctd.start);
	long days = secs / 86400, hours = secs / 3600 % 24;

	out_puts(o, "daemon uptime: ");
	if (days)
		out_printf(o, "%ld day%s ", days, days > 1 ? "s" : "");
	if (hours)
		out_printf(o, "%ld h ", hours);
	out_printf(o, "%ld min\n\n", secs / 60 % 60);
}

static void print_runtime(struct out *o)
{
	const struct evsrc_stats *e = &evsrc_stats;
	const struct ctd_runtime_stats *r = &ctd.rt;

	print_uptime(o);
	out_printf(o, "netlink stats:\n"
		   "\tevents received:\t%20llu\n"
		   "\tevents filtered:\t%20llu\n"
		   "\tevents unknown type:\t\t%12u\n"
		   "\tcatch event failed:\t\t%12u\n"
		   "\tdump unknown type:\t\t%12u\n"
		   "\tnetlink overrun:\t\t%12u\n"
		   "\tflush kernel table:\t\t%12u\n"
		   "\tresync with kernel table:\t%12u\n"
		   "\tcurrent buffer size (in bytes):\t%12u\n\n",
		   (unsigned long long)e->events_recv,
		   (unsigned long long)e->events_filtered, e->events_unknown,
		   e->catch_fail, e->dump_unknown, e->overrun, e->flush_kernel,
		   e->resync, e->bufsize);
	out_printf(o, "runtime stats:\n"
		   "\tchild process failed:\t\t%12u\n"
		   "\t\tchild process segfault:\t%12u\n"
		   "\t\tchild process termsig:\t%12u\n"
		   "\tselect failed:\t\t\t%12u\n"
		   "\twait failed:\t\t\t%12u\n"
		   "\tlocal read failed:\t\t%12u\n"
		   "\tlocal unknown request:\t\t%12u\n\n",
		   r->child_fail, r->child_segv, r->child_termsig,
		   r->select_fail, r->wait_fail, r->local_read_fail,
		   r->local_unknown);
}

void ctl_print_cache(struct out *o, const char *name,
		     const struct cache_stats *s, unsigned int count)
{
	out_printf(o, "cache:%s\tactive objects:\t\t%12u\n"
		   "\tactive/total entries:\t\t%12u/%12u\n"
		   "\tcreation OK/failed:\t\t%12u/%12u\n"
		   "\t\tno memory available:\t%12u\n"
		   "\t\tno space left in cache:\t%12u\n"
		   "\tupdate OK/failed:\t\t%12u/%12u\n"
		   "\t\tentry not found:\t%12u\n"
		   "\tdeletion created/failed:\t%12u/%12u\n"
		   "\t\tentry not found:\t%12u\n\n",
		   name, s->active, s->active, count,
		   s->add_ok, s->add_fail, s->add_nomem, s->add_nospace,
		   s->upd_ok, s->upd_fail, s->upd_notfound, s->del_ok,
		   s->del_fail, s->del_notfound);
}

void ctl_print_loop(struct out *o)
{
	out_printf(o, "loop:\t\t\tlongest turn %llu.%llu ms CPU, %llu of %llu "
		   "turns over %u ms\n",
		   (unsigned long long)(ctd.turns.worst_ns / 1000000),
		   (unsigned long long)(ctd.turns.worst_ns / 100000 % 10),
		   (unsigned long long)ctd.turns.over,
		   (unsigned long long)ctd.turns.n,
		   CTD_TURN_LONG_NS / 1000000);
}

/* --- dispatch ---------------------------------------------------------- */

void ctl_handle(int code, int fd)
{
	static char buf[16384];
	struct out o;

	out_init(&o, fd, buf, sizeof(buf));
	if (ctd.mode->on_request && ctd.mode->on_request(code, &o, fd)) {
		out_close(&o);
		return;
	}
	switch (code) {
	case CTL_CT_DUMP_INTERNAL:
	case CTL_CT_DUMP_INT_XML:
		dump_cache(fd, code == CTL_CT_DUMP_INT_XML);
		break;
	case CTL_KILL:
		ctd_shutdown();
		break;
	case CTL_STATS_CACHE:
		ctl_print_cache(&o, cache_name(ctd.cache),
				cache_stats(ctd.cache), cache_count(ctd.cache));
		break;
	case CTL_STATS_RUNTIME:
		print_runtime(&o);
		break;
	case CTL_STATS_PROCESS:
		ctd_print_children(&o);
		break;
	case CTL_CT_FLUSH_MASTER:
	case CTL_ALL_FLUSH_MASTER:
		log_notice("flushing kernel conntrack table");
		ctl_flush_kernel(fd);
		break;
	case CTL_CT_RESYNC_MASTER:
	case CTL_ALL_RESYNC_MASTER:
		/* the client waits for the end, as 1.4.7's */
		log_notice("resync with master conntrack table");
		evsrc_resync(CTD_DUMP_QUIET, false, fd);
		break;
	case CTL_EXP_FLUSH_MASTER:
	case CTL_EXP_RESYNC_MASTER:
		/* no expectation support yet: answered with nothing */
		break;
	default:
		/* Answered with nothing.  1.4.7 in stats mode does not count
		 * them either [observed: codes 99 and -5 leave "local unknown
		 * request" at 0]. */
		break;
	}
	out_close(&o);
}

static void on_conn(struct ctd_fd *f, uint32_t events)
{
	struct conn *c = (struct conn *)((char *)f - offsetof(struct conn, f));
	ssize_t n;
	int code, fl;

	(void)events;
	n = read(f->fd, c->req + c->got, sizeof(c->req) - c->got);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* A client that sent part of a code and closed is a request
		 * 1.4.7 read (a short read) and did not know; only a read that
		 * got nothing at all counts as failed [observed]. */
		if (n < 0 || c->got == 0)
			ctd.rt.local_read_fail++;
		conn_close(c);
		return;
	}
	c->got += (unsigned int)n;
	if (c->got < sizeof(c->req))
		return;
	memcpy(&code, c->req, sizeof(code));
	/* Replies are written blocking, with a bound on a stuck reader. */
	fl = fcntl(f->fd, F_GETFL);
	if (fl >= 0)
		fcntl(f->fd, F_SETFL, fl & ~O_NONBLOCK);
	{
		struct timeval tv = { 2, 0 };

		setsockopt(f->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	ctd_fd_del(&c->f);
	ctl_handle(code, f->fd);
	close(f->fd);
	c->f.fd = -1;
	c->used = false;
}

static void on_listen(struct ctd_fd *f, uint32_t events)
{
	struct conn *c = NULL, *oldest = NULL;
	struct ucred cr = { 0, (uid_t)-1, (gid_t)-1 };
	unsigned int i;
	int fd;

	(void)events;
	fd = accept4(f->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!peer_allowed(fd, &cr)) {
		/* at most one line a second: a local user cannot flood it */
		refused++;
		if (ctd_now() != refused_logged) {
			refused_logged = ctd_now();
			log_warn("refused a control connection from uid %u "
				 "pid %d (%u refused so far)",
				 (unsigned int)cr.uid, (int)cr.pid, refused);
		}
		close(fd);
		return;
	}
	for (i = 0; i < CTL_MAX_CONN; i++) {
		if (!conns[i].used) {
			c = &conns[i];
			break;
		}
		if (!oldest || conns[i].since < oldest->since)
			oldest = &conns[i];
	}
	if (!c) {
		/* Every slot holds a silent client: the oldest loses. */
		ctd.rt.local_read_fail++;
		conn_close(oldest);
		c = oldest;
	}
	c->used = true;
	c->got = 0;
	c->since = ++accepts;
	c->f.fd = fd;
	c->f.fn = on_conn;
	if (ctd_fd_add(&c->f) < 0) {
		close(fd);
		c->used = false;
		return;
	}
	/* a client sends its request as it connects: answered now rather
	 * than a loop turn (a step of some walk) later */
	on_conn(&c->f, 0);
}

int ctl_server_init(const char *path)
{
	int fd;

	if (!*path)
		return 1;
	fd = ctl_listen(path);
	if (fd < 0)
		return fd;
	snprintf(sock_path, sizeof(sock_path), "%s", path);
	listen_fd.fd = fd;
	listen_fd.fn = on_listen;
	return ctd_fd_add(&listen_fd);
}

void ctl_server_fini(void)
{
	unsigned int i;

	for (i = 0; i < CTL_MAX_CONN; i++)
		if (conns[i].used)
			conn_close(&conns[i]);
	if (listen_fd.fd >= 0) {
		ctd_fd_del(&listen_fd);
		close(listen_fd.fd);
		listen_fd.fd = -1;
		if (*sock_path)
			unlink(sock_path);
	}
}
