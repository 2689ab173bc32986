/* Buffered output (see out.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

static char stdout_buf[OUT_BUF_SIZE];
static char stderr_buf[4096];
static struct out so = { .fd = 1, .cap = sizeof(stdout_buf), .buf = stdout_buf };
static struct out se = { .fd = 2, .cap = sizeof(stderr_buf), .buf = stderr_buf };
struct out *out_stdout = &so;
struct out *out_stderr = &se;

void out_init(struct out *o, int fd, char *buf, size_t cap)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->cap = cap;
	o->buf = buf;
	o->full = false;
}

int out_flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!o->err)
				o->err = -errno;
			break;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return o->err;
}

int out_close(struct out *o)
{
	return out_flush(o);
}

char *out_reserve(struct out *o, size_t n)
{
	if (n > o->cap)
		return NULL;
	if (o->cap - o->len < n)
		out_flush(o);
	return o->buf + o->len;
}

static void set_err(struct out *o, int err)
{
	if (!o->err)
		o->err = err;
}

/* A record larger than the whole buffer: formatted in memory of its own,
 * doubled until it fits, then written through o. */
static void record_apart(struct out *o, out_record_fn fn, const void *rec,
			 const void *arg)
{
	size_t cap = o->cap < OUT_BUF_SIZE ? OUT_BUF_SIZE : 2 * o->cap;

	for (; cap <= OUT_RECORD_LIMIT; cap *= 2) {
		struct out big;
		char *p = malloc(cap);

		if (!p) {
			set_err(o, -ENOMEM);
			return;
		}
		out_init(&big, -1, p, cap);
		fn(&big, rec, arg);
		if (!big.full) {
			out_write(o, p, big.len);
			free(p);
			return;
		}
		free(p);
	}
	set_err(o, -EMSGSIZE);
}

void out_record(struct out *o, out_record_fn fn, const void *rec,
		const void *arg)
{
	size_t mark = o->len;

	o->full = false;
	fn(o, rec, arg);
	if (!o->full)
		return;
	o->len = mark;
	o->full = false;
	if (o->fd < 0) {
		/* nowhere to flush to, and half a record is no record */
		set_err(o, -EMSGSIZE);
		return;
	}
	if (mark) {
		out_flush(o);
		fn(o, rec, arg);
		if (!o->full)
			return;
		o->len = 0;
		o->full = false;
	}
	record_apart(o, fn, rec, arg);
}

void out_write(struct out *o, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		size_t room = o->cap - o->len, k;

		if (!room) {
			out_flush(o);
			room = o->cap;
		}
		k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void out_putc(struct out *o, char c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->buf[o->len++] = c;
}

/* Two digits per division: number formatting is most of a dump's
 * user-space time. */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static size_t digits(uint64_t v)
{
	size_t n = 1;

	/* most numbers of a listing are small: compare, do not divide */
	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	if (v >= 1000)
		return n + 3;
	if (v >= 100)
		return n + 2;
	return v >= 10 ? n + 1 : n;
}

/* Writes the last n digits of v, two at a time, ending at buf + n. */
static void put_digits(char *buf, size_t n, uint32_t v)
{
	while (v >= 100) {
		n -= 2;
		memcpy(buf + n, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(buf + n - 2, digit_pairs + 2 * v, 2);
	else
		buf[n - 1] = (char)('0' + v);
}

size_t fmt_u64(char *buf, uint64_t v)
{
	size_t n = digits(v), i = n;

	/* Ports, timeouts, marks and use counts fit 32 bits, whose
	 * divisions are cheaper; the high digits of bigger numbers are
	 * peeled off 64-bit first. */
	while (v > UINT32_MAX) {
		uint32_t r = (uint32_t)(v % 10000);

		v /= 10000;
		i -= 4;
		memcpy(buf + i, digit_pairs + 2 * (r / 100), 2);
		memcpy(buf + i + 2, digit_pairs + 2 * (r % 100), 2);
	}
	put_digits(buf, i, (uint32_t)v);
	return n;
}

void out_u64(struct out *o, uint64_t v)
{
	char *p = out_reserve(o, 24);

	o->len += fmt_u64(p, v);
}

void out_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		out_putc(o, '-');
		out_u64(o, (uint64_t)0 - (uint64_t)v);
		return;
	}
	out_u64(o, (uint64_t)v);
}

size_t fmt_hex(char *buf, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 1, i;
	uint64_t t;

	for (t = v >> 4; t; t >>= 4)
		n++;
	for (i = n; i--; v >>= 4)
		buf[i] = hex[v & 15];
	return n;
}

void out_hex(struct out *o, uint64_t v)
{
	char t[17];

	out_write(o, t, fmt_hex(t, v));
}

void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		out_write(o, small, (size_t)n);
		return;
	}
	{
		char *p = out_reserve(o, (size_t)n + 1);

		if (p) {
			vsnprintf(p, (size_t)n + 1, fmt, ap);
			o->len += (size_t)n;
		} else {
			out_write(o, small, sizeof(small) - 1);
		}
	}
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

void out_trim_space(struct out *o, size_t mark)
{
	while (o->len > mark && o->buf[o->len - 1] == ' ')
		o->len--;
}
