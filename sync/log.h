/* The daemon's log, in 1.4.7's format: to LogFile, to syslog and, in
 * console mode, to stdout (info, notice) or stderr (warning, error):
 *   [Tue Nov 24 13:42:21 2026] (pid=123) [notice] message
 * and the stats mode's flow log (one destroyed flow per line).  This file
 * and the applets are the only code of the daemon that writes messages. */
#ifndef CTBOX_SYNC_LOG_H
#define CTBOX_SYNC_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_prio {
	LOG_P_ERROR,
	LOG_P_WARNING,
	LOG_P_NOTICE,
	LOG_P_INFO,
};

/* logfile NULL or "": none; facility < 0: no syslog.  0 or -errno (the
 * file could not be opened; console and syslog still work). */
int log_open(const char *logfile, int facility, bool console);
void log_console(bool on);
void log_close(void);

void log_msg(enum log_prio p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_err(...)	log_msg(LOG_P_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_P_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_P_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_P_INFO, __VA_ARGS__)

/* Stats mode flow log: "<ctime>\t<line>\n" to the file, <line> to syslog
 * at LOG_INFO.  bufsize (LogFileBufferSize): lines are collected and
 * written when that many bytes are waiting, and at close; 0 writes each
 * line at once.  0 or -errno. */
int flowlog_open(const char *path, int facility, unsigned int bufsize);
void flowlog_line(const char *line, size_t len);
void flowlog_close(void);

/* Reopen both log files by their paths (SIGHUP, after logrotate moved
 * them); a file that cannot be opened keeps its old descriptor and is
 * logged.  0 or the first -errno. */
int log_reopen(void);

#endif
