/* struct conf: defaults, loading, the checks made once the file is read,
 * and release. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/parse_int.h"

/* A config file is small; this only bounds what a wrong path can cost. */
#define CONF_FILE_MAX	(16u << 20)

void conf_defaults(struct conf *c)
{
	struct conf_general *g = &c->general;
	struct conf_sync *s = &c->sync;

	memset(c, 0, sizeof(*c));
	c->mode = CONF_MODE_STATS;
	c->mode_defaulted = true;

	g->hashsize = CONF_DEF_HASHSIZE;
	g->hashlimit = CONF_DEF_HASHLIMIT;
	g->syslog_facility = -1;
	snprintf(g->lockfile, sizeof(g->lockfile), "%s",
		 CONF_DEFAULT_LOCKFILE);
	g->netlink_overrun_resync = CONF_DEF_OVERRUN_RESYNC;
	g->event_iterations_limit = CONF_DEF_EVENT_ITER_LIMIT;
	g->sched_policy = SCHED_RR;
	g->sched_priority = CONF_DEF_SCHED_PRIORITY;
	g->systemd = true;

	s->mode = CONF_SYNC_FTFW;
	s->mode_defaulted = true;
	s->resend_queue_size = CONF_DEF_RESEND_QUEUE_SIZE;
	s->ack_window_size = CONF_DEF_ACK_WINDOW_SIZE;
	s->purge_timeout = CONF_DEF_PURGE_TIMEOUT;
	s->refresh_time = CONF_DEF_REFRESH_TIME;
	s->cache_timeout = CONF_DEF_CACHE_TIMEOUT;
	s->error_queue_length = CONF_DEF_ERROR_QUEUE_LENGTH;

	c->stats.syslog_facility = -1;
}

void conf_free(struct conf *c)
{
	free(c->general.filter.addrs);
	addr_set_free(c->general.filter.addr_set);
	free(c->sync.exp_helpers);
	free(c->helper.v);
	conf_defaults(c);
}

/* 1.4.7 takes an explicit zero for "use the default". */
static void zero_default(unsigned int *v, unsigned int def)
{
	if (*v == 0)
		*v = def;
}

void conf_finish(struct parser *ps)
{
	struct conf *c = ps->c;
	struct conf_sync *s = &c->sync;

	zero_default(&c->general.hashsize, CONF_DEF_HASHSIZE);
	zero_default(&c->general.hashlimit, CONF_DEF_HASHLIMIT);
	zero_default(&c->general.event_iterations_limit,
		     CONF_DEF_EVENT_ITER_LIMIT);
	zero_default(&s->resend_queue_size, CONF_DEF_RESEND_QUEUE_SIZE);
	zero_default(&s->ack_window_size, CONF_DEF_ACK_WINDOW_SIZE);
	zero_default(&s->purge_timeout, CONF_DEF_PURGE_TIMEOUT);
	zero_default(&s->refresh_time, CONF_DEF_REFRESH_TIME);
	zero_default(&s->cache_timeout, CONF_DEF_CACHE_TIMEOUT);
	zero_default(&s->error_queue_length, CONF_DEF_ERROR_QUEUE_LENGTH);

	c->mode = ps->sync_seen ? CONF_MODE_SYNC : CONF_MODE_STATS;
	c->mode_defaulted = !ps->sync_seen && !ps->stats_seen;

	if (s->commit_timeout && s->disable_external_cache) {
		parse_warn(ps, 0, "`CommitTimeout' can't be combined with "
			   "`DisableExternalCache', ignoring this option. "
			   "Fix your configuration file.");
		s->commit_timeout = 0;
	}
}

int conf_load_buf(const char *buf, size_t len, struct conf *out,
		  struct conf_error *err)
{
	struct conf_error local;
	struct parser ps;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	conf_defaults(out);
	memset(&ps, 0, sizeof(ps));
	ps.c = out;
	ps.err = err;
	lex_init(&ps.lx, buf, len);
	parse_conf(&ps);
	if (err->count == 0)
		conf_finish(&ps);
	if (err->count) {
		conf_free(out);
		return -EINVAL;
	}
	return 0;
}

int conf_load(const char *path, struct conf *out, struct conf_error *err)
{
	struct conf_error local;
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	int fd, e, ret;
	ssize_t n;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	conf_defaults(out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		goto open_failed;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= CONF_FILE_MAX) {
				e = EFBIG;
				goto read_failed;
			}
			cap = cap ? cap * 2 : 8192;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				e = ENOMEM;
				goto read_failed;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			goto read_failed;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	ret = conf_load_buf(buf ? buf : "", len, out, err);
	free(buf);
	return ret;

read_failed:
	close(fd);
	free(buf);
open_failed:
	err->count = 1;
	err->kind = CONF_ERR_OPEN;
	err->errnum = e;
	snprintf(err->text, sizeof(err->text),
		 "can't open config file `%.*s'", 150, path);
	return -e;
}

int conf_error_format(const struct conf_error *err, const char *path,
		      char *buf, size_t len)
{
	if (path && err->line > 0)
		return snprintf(buf, len, "%s:%d: %s", path, err->line,
				err->text);
	return snprintf(buf, len, "%s", err->text);
}

const char *conf_sync_mode_name(enum conf_sync_mode m)
{
	switch (m) {
	case CONF_SYNC_FTFW:
		return "ftfw";
	case CONF_SYNC_ALARM:
		return "alarm";
	case CONF_SYNC_NOTRACK:
		return "notrack";
	}
	return "unknown";
}
