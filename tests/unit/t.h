/* Minimal unit-test helpers: one "ok - ..." / "not ok - ..." line per
 * check, counted by tests/run. */
#ifndef CTBOX_T_H
#define CTBOX_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failures;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); printf(__VA_ARGS__); printf("\n"); } \
	else { printf("not ok - "); printf(__VA_ARGS__); \
	       printf("\n    at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	       t_failures++; } \
} while (0)

#define CHECK_EQ(a, b, ...) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	CHECK(_a == _b, __VA_ARGS__); \
	if (_a != _b) printf("    got %lld, want %lld\n", _a, _b); \
} while (0)

#define CHECK_STR(got, want, ...) do { \
	const char *_g = (got), *_w = (want); \
	CHECK(strcmp(_g, _w) == 0, __VA_ARGS__); \
	if (strcmp(_g, _w)) printf("    got  |%s|\n    want |%s|\n", _g, _w); \
} while (0)

#define CHECK_MEM(got, want, n, ...) \
	CHECK(memcmp((got), (want), (n)) == 0, __VA_ARGS__)

/* Hex text (as in tests/data) to bytes: up to max, stops at a non-hex
 * character; the number of bytes. */
static inline int t_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline size_t t_unhex(unsigned char *out, size_t max, const char *s)
{
	size_t n = 0;

	while (s[0] && s[1] && n < max && t_hexval(s[0]) >= 0 &&
	       t_hexval(s[1]) >= 0) {
		out[n++] = (unsigned char)(t_hexval(s[0]) << 4 | t_hexval(s[1]));
		s += 2;
	}
	return n;
}

/* A file of tests/data, relative to $TOP (tests/run sets it). */
static inline FILE *t_data_open(const char *rel)
{
	const char *top = getenv("TOP");
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	return fopen(path, "r");
}

#define T_DONE() return t_failures ? 1 : 0

#endif
