/* Daemon logging (see log.h). Files are opened O_APPEND and written one
 * line per write(2): a line is never split between processes (the dump
 * children share the files) and nothing stays in a buffer at a crash;
 * only the flow log, when LogFileBufferSize asks for it, collects lines
 * (written whole, and at close). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sync/log.h"

static int log_fd = -1;
static const char *log_path;	/* the caller's, for log_reopen() */
static bool log_syslog;
static bool log_to_console;
static int flow_fd = -1;
static const char *flow_path;
static bool flow_syslog;
static char *flow_buf;		/* LogFileBufferSize */
static size_t flow_cap, flow_len;

static const char *const prio_name[] = {
	[LOG_P_ERROR] = "ERROR",
	[LOG_P_WARNING] = "warning",
	[LOG_P_NOTICE] = "notice",
	[LOG_P_INFO] = "info",
};

static const int prio_syslog[] = {
	[LOG_P_ERROR] = LOG_ERR,
	[LOG_P_WARNING] = LOG_WARNING,
	[LOG_P_NOTICE] = LOG_NOTICE,
	[LOG_P_INFO] = LOG_INFO,
};

static int open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	return fd < 0 ? -errno : fd;
}

int log_open(const char *logfile, int facility, bool console)
{
	log_to_console = console;
	if (facility >= 0) {
		openlog("conntrackd", LOG_PID, facility);
		log_syslog = true;
	}
	if (logfile && *logfile) {
		int fd = open_append(logfile);

		if (fd < 0)
			return fd;
		log_fd = fd;
		log_path = logfile;
	}
	return 0;
}

void log_console(bool on)
{
	log_to_console = on;
}

void log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_path = NULL;
	if (log_syslog || flow_syslog)
		closelog();
	log_syslog = false;
}

/* ctime() without its newline, into buf (at least 32 bytes). */
static void now_str(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm))
		snprintf(buf, len, "?");
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

void log_msg(enum log_prio p, const char *fmt, ...)
{
	char line[1024], msg[800], date[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	now_str(date, sizeof(date));
	n = snprintf(line, sizeof(line), "[%s] (pid=%d) [%s] %s\n", date,
		     (int)getpid(), prio_name[p], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_fd >= 0)
		write_all(log_fd, line, (size_t)n);
	if (log_to_console)
		write_all(p <= LOG_P_WARNING ? STDERR_FILENO : STDOUT_FILENO,
			  line, (size_t)n);
	if (log_syslog)
		syslog(prio_syslog[p], "%s", msg);
}

int flowlog_open(const char *path, int facility, unsigned int bufsize)
{
	if (facility >= 0) {
		if (!log_syslog)
			openlog("conntrackd", LOG_PID, facility);
		flow_syslog = true;
	}
	if (path && *path) {
		int fd = open_append(path);

		if (fd < 0)
			return fd;
		flow_fd = fd;
		flow_path = path;
		if (bufsize) {
			flow_buf = malloc(bufsize);
			if (!flow_buf) {
				close(fd);
				flow_fd = -1;
				return -ENOMEM;
			}
			flow_cap = bufsize;
			flow_len = 0;
		}
	}
	return 0;
}

static void flow_flush(void)
{
	if (flow_len)
		write_all(flow_fd, flow_buf, flow_len);
	flow_len = 0;
}

/* Buffered as a whole-line write: a line is never split between two
 * write()s, one longer than the buffer goes out on its own. */
static void flow_write(const char *p, size_t n)
{
	if (!flow_buf) {
		write_all(flow_fd, p, n);
		return;
	}
	if (flow_cap - flow_len < n)
		flow_flush();
	if (n > flow_cap) {
		write_all(flow_fd, p, n);
		return;
	}
	memcpy(flow_buf + flow_len, p, n);
	flow_len += n;
}

void flowlog_line(const char *line, size_t len)
{
	char buf[4096], date[64];
	int n;

	if (flow_fd >= 0) {
		now_str(date, sizeof(date));
		n = snprintf(buf, sizeof(buf), "%s\t%.*s\n", date,
			     (int)len, line);
		if (n > 0) {
			if ((size_t)n >= sizeof(buf)) {
				n = sizeof(buf) - 1;
				buf[n - 1] = '\n';
			}
			flow_write(buf, (size_t)n);
		}
	}
	if (flow_syslog)
		syslog(LOG_INFO, "%.*s", (int)len, line);
}

void flowlog_close(void)
{
	if (flow_fd >= 0) {
		flow_flush();
		close(flow_fd);
	}
	free(flow_buf);
	flow_buf = NULL;
	flow_cap = flow_len = 0;
	flow_fd = -1;
	flow_path = NULL;
	flow_syslog = false;
}

/* The new file takes the old descriptor's number; when it cannot be
 * opened the old one stays, so nothing is lost. */
static int reopen(int fd, const char *path)
{
	int nfd;

	if (fd < 0 || !path)
		return 0;
	nfd = open_append(path);
	if (nfd < 0)
		return nfd;
	if (dup3(nfd, fd, O_CLOEXEC) < 0) {
		int r = -errno;

		close(nfd);
		return r;
	}
	close(nfd);
	return 0;
}

int log_reopen(void)
{
	int r, r2;

	if (flow_fd >= 0)
		flow_flush();
	r = reopen(log_fd, log_path);
	if (r < 0)
		log_err("can't reopen logfile `%s': %s", log_path,
			strerror(-r));
	r2 = reopen(flow_fd, flow_path);
	if (r2 < 0)
		log_err("can't reopen logfile `%s': %s", flow_path,
			strerror(-r2));
	return r < 0 ? r : r2;
}
