/* Messages to the user.  Only applets and the daemon call these; lib/,
 * netlink/, sync/ and config/ return -errno instead.  Texts of errno
 * values are ours, worded as glibc's (musl's differ), so the output of a
 * musl build matches a glibc-built conntrack-tools byte for byte. */
#ifndef CTBOX_ERR_H
#define CTBOX_ERR_H

#include <stdarg.h>

#define CTBOX_VERSION "0.1.0"

/* glibc's strerror() wording for errnum (positive). */
const char *err_str(int errnum);

/* The prefix every message of the running applet starts with, e.g.
 * "conntrack v0.1.0 (ctbox): ". */
void err_set_prefix(const char *prefix);
const char *err_prefix(void);

/* prefix + message + newline on stderr, in one write. */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vwarn_msg(const char *fmt, va_list ap);
/* The same without the prefix. */
void say_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print and exit with status code (flushes stdout first). */
void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Non-zero: drop every message (conntrack -R parses each line a second
 * time to run it; its warnings were shown the first time). */
void err_quiet(int on);

/* Flush stdout (ours and stdio's); a failed write is said ("write
 * error: <errno text>", silent for a closed pipe) and turns exit status
 * 0 into 1.  Returns the status to exit with. */
int err_stdout_status(int code);
/* Flush stdout as err_stdout_status() does and exit. */
void ctbox_exit(int code) __attribute__((noreturn));

#endif
