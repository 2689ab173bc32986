/* Buffered output: formatters append into one large buffer that is
 * written by size (or per record when the caller asks, e.g. on a tty).
 * A failed write is remembered and reported by out_close(). */
#ifndef CTBOX_OUT_H
#define CTBOX_OUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct out {
	int fd;			/* -1: a memory buffer, never flushed */
	int err;		/* first write error, as -errno */
	size_t len;
	size_t cap;
	char *buf;
	bool full;		/* a bounded appender found no room (sticky) */
};

#define OUT_BUF_SIZE (64 * 1024)
/* Room a typical record needs; callers that keep records in a memory
 * buffer make sure this much is free.  Not a limit: see out_record(). */
#define OUT_RECORD_MAX 8192
/* The largest record out_record() formats apart from the buffer: the
 * largest strings a netlink message can carry, escaped, with room. */
#define OUT_RECORD_LIMIT (4u << 20)

/* Formats one record with the bounded appenders (lib/ct_print_put.h),
 * which set o->full rather than write past o->cap. */
typedef void (*out_record_fn)(struct out *o, const void *rec,
			      const void *arg);

extern struct out *out_stdout;
extern struct out *out_stderr;

void out_init(struct out *o, int fd, char *buf, size_t cap);
int out_flush(struct out *o);
int out_close(struct out *o);	/* flush; 0 or the first -errno */

/* Make sure at least n bytes fit; flushes when needed.  Returns where to
 * write, or NULL if n exceeds the buffer. */
char *out_reserve(struct out *o, size_t n);

/* Write the record fn formats, whole and never split by a flush.  When it
 * does not fit the room left, what precedes it is flushed and it is
 * formatted again; when it does not fit the whole buffer, it is formatted
 * apart in memory that grows until it does, then written.  A memory
 * buffer (fd -1) that cannot hold it is left as it was, with o->err set
 * to -EMSGSIZE (or -ENOMEM): never half a record. */
void out_record(struct out *o, out_record_fn fn, const void *rec,
		const void *arg);

void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
void out_putc(struct out *o, char c);
void out_u64(struct out *o, uint64_t v);
void out_i64(struct out *o, int64_t v);
void out_hex(struct out *o, uint64_t v);	/* lowercase, no prefix */
void out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void out_vprintf(struct out *o, const char *fmt, va_list ap);
/* Remove trailing spaces of what has been written since mark. */
void out_trim_space(struct out *o, size_t mark);

/* Decimal conversion into buf (at least 21 bytes); returns the length. */
size_t fmt_u64(char *buf, uint64_t v);
/* Lowercase hex without prefix into buf (at least 16 bytes). */
size_t fmt_hex(char *buf, uint64_t v);

#endif
