/* Minimal unit-test helpers: one "ok - ..." / "not ok - ..." line per
 * check, counted by tests/run. */
#ifndef CTBOX_T_H
#define CTBOX_T_H

#include <stdio.h>
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

#define T_DONE() return t_failures ? 1 : 0

#endif
