/* config/addr_set.c: the Filter's network set answers exactly as the
 * linear scan it replaced (any network of the list containing the
 * address), on random lists and addresses of both families, with
 * repeats, prefixes 0 and full length, and bits past the prefix set. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config/addr_set.h"
#include "t.h"

struct netw {
	int family;
	uint8_t a[16];
	unsigned int prefix;
};

/* The old evsrc.c scan, kept as the specification. */
static bool linear(const struct netw *v, unsigned int n, int family,
		   const uint8_t *x)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int full = v[i].prefix / 8, rest = v[i].prefix % 8;

		if (v[i].family != family || memcmp(x, v[i].a, full))
			continue;
		if (rest && ((x[full] ^ v[i].a[full]) & (0xff00u >> rest) & 0xff))
			continue;
		return true;
	}
	return false;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Addresses from a small pool of top bytes, so matches are frequent. */
static void rnd_addr(uint8_t *a, int family)
{
	unsigned int i, n = family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		a[i] = (uint8_t)rnd();
	a[0] = (uint8_t)(10 + rnd() % 3);
	a[1] = (uint8_t)(rnd() % 4);
}

int main(void)
{
	static struct netw v[4096];
	struct addr_set *s = addr_set_new();
	unsigned int n = 0, i, bad = 0, hits = 0, round;
	uint32_t saved;
	uint8_t x[16];
	uint8_t z[16] = { 0 };

	CHECK(s != NULL, "set created");
	CHECK(!addr_set_match(s, AF_INET, z), "empty set matches nothing");
	CHECK_EQ(addr_set_add(s, AF_INET, z, 33), -EINVAL, "prefix 33 refused");
	CHECK_EQ(addr_set_add(s, 99, z, 8), -EINVAL, "bad family refused");
	/* sets of up to 8 networks are scanned, not hashed (9: hashed): the
	 * same answers, prefixes of every length (0 and full included); on a
	 * stream of its own, so the large sets below stay as they were */
	saved = rnd_state;
	rnd_state = 777;
	for (round = 1; round <= 9; round++) {
		struct addr_set *t = addr_set_new();
		unsigned int k, small_hits = 0;

		for (k = 0; k < round; k++) {
			struct netw *w = &v[k];
			unsigned int max;

			w->family = rnd() % 3 ? AF_INET : AF_INET6;
			rnd_addr(w->a, w->family);
			max = w->family == AF_INET ? 32 : 128;
			w->prefix = rnd() % (max + 1);
			if (addr_set_add(t, w->family, w->a, w->prefix) < 0)
				bad++;
		}
		for (i = 0; i < 20000; i++) {
			int family = rnd() % 3 ? AF_INET : AF_INET6;
			bool want_m;

			if (rnd() % 2) {
				const struct netw *w = &v[rnd() % round];

				family = w->family;
				memcpy(x, w->a, 16);
				x[rnd() % (family == AF_INET ? 4 : 16)] ^=
					(uint8_t)(1u << rnd() % 8);
			} else {
				rnd_addr(x, family);
			}
			want_m = linear(v, round, family, x);
			small_hits += want_m;
			if (want_m != addr_set_match(t, family, x))
				bad++;
		}
		CHECK(bad == 0 && small_hits > 0,
		      "%u networks: 20000 lookups as the linear scan (%u hits)",
		      round, small_hits);
		addr_set_free(t);
	}
	rnd_state = saved;
	for (round = 0; round < 3; round++) {
		unsigned int want = round == 0 ? 50 : round == 1 ? 1000 : 4000;

		hits = 0;
		while (n < want) {
			struct netw *w = &v[n];
			unsigned int max;
			int r;

			w->family = rnd() % 3 ? AF_INET : AF_INET6;
			rnd_addr(w->a, w->family);
			/* mostly long prefixes, some of any length >= 8 */
			max = w->family == AF_INET ? 32 : 128;
			w->prefix = rnd() % 8 ? max - rnd() % 9 :
						8 + rnd() % (max - 7);
			r = addr_set_add(s, w->family, w->a, w->prefix);
			if (r < 0)
				bad++;
			n++;
		}
		for (i = 0; i < 200000; i++) {
			int family = rnd() % 3 ? AF_INET : AF_INET6;
			bool want_m, got;

			if (rnd() % 2) {	/* near a listed network */
				const struct netw *w = &v[rnd() % n];

				family = w->family;
				memcpy(x, w->a, 16);
				x[(family == AF_INET ? 3 : 15) - rnd() % 2] ^=
					(uint8_t)rnd();
			} else {
				rnd_addr(x, family);
			}
			want_m = linear(v, n, family, x);
			got = addr_set_match(s, family, x);
			hits += want_m;
			if (want_m != got)
				bad++;
		}
		CHECK(bad == 0 && hits > 1000 && hits < 199000,
		      "%u networks: 200000 lookups as the linear scan (%u hits)",
		      n, hits);
	}
	/* a repeat, and one differing only past its prefix, are the same */
	memcpy(x, v[0].a, 16);
	CHECK_EQ(addr_set_add(s, v[0].family, x, v[0].prefix), 0,
		 "a repeated network is not added again");
	if (v[0].prefix < (v[0].family == AF_INET ? 32u : 128u)) {
		unsigned int b = v[0].prefix;

		x[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
		CHECK_EQ(addr_set_add(s, v[0].family, x, v[0].prefix), 0,
			 "bits past the prefix do not make a new network");
	}
	addr_set_add(s, AF_INET6, z, 0);
	memset(x, 0xff, 16);
	CHECK(addr_set_match(s, AF_INET6, x),
	      "::/0 matches every IPv6 address");
	addr_set_free(s);
	T_DONE();
}
