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
	int fd;
	int err;		/* first write error, as -errno */
	size_t len;
	size_t cap;
	char *buf;
};

#define OUT_BUF_SIZE (64 * 1024)
/* Formatters reserve this much before a record, so that a record is never
 * split by a flush and out_trim_space() can work on it. */
#define OUT_RECORD_MAX 8192

extern struct out *out_stdout;
extern struct out *out_stderr;

void out_init(struct out *o, int fd, char *buf, size_t cap);
int out_flush(struct out *o);
int out_close(struct out *o);	/* flush; 0 or the first -errno */

/* Make sure at least n bytes fit; flushes when needed.  Returns where to
 * write, or NULL if n exceeds the buffer. */
char *out_reserve(struct out *o, size_t n);

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

#endif
