/* Set of networks by prefix length (see addr_set.h): open addressing with
 * linear probing, grown to keep the load at most one half. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config/addr_set.h"

struct net {
	uint32_t w[4];		/* masked address, unused words 0 */
	uint8_t family;		/* 0: empty slot */
	uint8_t prefix;
};

/* A set of a few networks (the usual Address Ignore: loopback, the
 * firewall's own addresses) is read straight through: the filter runs on
 * every event, and masking and hashing once per prefix length cost more
 * than comparing a handful of networks.  Its IPv4 ones are also kept as
 * (network, mask) pairs: two words to check each. */
#define FEW 8

struct addr_set {
	struct net *slot;
	size_t cap;		/* a power of two */
	size_t n;
	uint64_t lens4;		/* bit p: some IPv4 network of length p */
	uint64_t lens6[3];	/* bits 0..128 */
	unsigned int n4;	/* IPv4 networks in few4 (all while n <= FEW) */
	uint32_t few4[FEW][2];	/* network, mask: network order */
};

static unsigned int max_prefix(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static void make_net(struct net *k, int family, const void *addr,
		     unsigned int prefix)
{
	unsigned char b[16] = { 0 };
	unsigned int full = prefix / 8, rest = prefix % 8;

	memcpy(b, addr, full);
	if (rest)
		b[full] = (unsigned char)(((const unsigned char *)addr)[full] &
					  (0xff00u >> rest));
	memcpy(k->w, b, sizeof(k->w));
	k->family = (uint8_t)family;
	k->prefix = (uint8_t)prefix;
}

static size_t net_hash(const struct net *k)
{
	uint64_t h = ((uint64_t)k->family << 8 | k->prefix) * 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		h ^= k->w[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	return (size_t)h;
}

static bool net_eq(const struct net *a, const struct net *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

/* The slot holding k, or the empty slot where it belongs. */
static struct net *find(const struct addr_set *s, const struct net *k)
{
	size_t i = net_hash(k) & (s->cap - 1);

	while (s->slot[i].family && !net_eq(&s->slot[i], k))
		i = (i + 1) & (s->cap - 1);
	return &s->slot[i];
}

static int grow(struct addr_set *s)
{
	struct addr_set old = *s;
	size_t i;

	s->cap = old.cap * 2;
	s->slot = calloc(s->cap, sizeof(*s->slot));
	if (!s->slot) {
		*s = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.slot[i].family)
			*find(s, &old.slot[i]) = old.slot[i];
	free(old.slot);
	return 0;
}

struct addr_set *addr_set_new(void)
{
	struct addr_set *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = 16;
	s->slot = calloc(s->cap, sizeof(*s->slot));
	if (!s->slot) {
		free(s);
		return NULL;
	}
	return s;
}

void addr_set_free(struct addr_set *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s);
}

int addr_set_add(struct addr_set *s, int family, const void *addr,
		 unsigned int prefix)
{
	struct net k, *slot;

	if (!max_prefix(family) || prefix > max_prefix(family))
		return -EINVAL;
	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -ENOMEM;
	make_net(&k, family, addr, prefix);
	slot = find(s, &k);
	if (slot->family)
		return 0;
	*slot = k;
	s->n++;
	if (family == AF_INET && s->n4 < FEW) {
		s->few4[s->n4][0] = k.w[0];
		s->few4[s->n4][1] = prefix ? htonl(~0u << (32 - prefix)) : 0;
		s->n4++;
	}
	if (family == AF_INET)
		s->lens4 |= 1ULL << prefix;
	else
		s->lens6[prefix / 64] |= 1ULL << (prefix % 64);
	return 1;
}

static bool has_len(const struct addr_set *s, int family, unsigned int p)
{
	if (family == AF_INET)
		return s->lens4 >> p & 1;
	return s->lens6[p / 64] >> (p % 64) & 1;
}

static bool scan(const struct addr_set *s, int family, const void *addr)
{
	size_t i;

	if (family == AF_INET) {
		uint32_t a;

		memcpy(&a, addr, 4);
		for (i = 0; i < s->n4; i++)
			if ((a & s->few4[i][1]) == s->few4[i][0])
				return true;
		return false;
	}
	for (i = 0; i < s->cap; i++) {
		const struct net *n = &s->slot[i];
		struct net k;

		if (n->family != family)
			continue;
		make_net(&k, family, addr, n->prefix);
		if (net_eq(&k, n))
			return true;
	}
	return false;
}

bool addr_set_match(const struct addr_set *s, int family, const void *addr)
{
	unsigned int p, max = max_prefix(family);
	struct net k;

	if (!max || !s->n)
		return false;
	if (s->n <= FEW)
		return scan(s, family, addr);
	for (p = 0; p <= max; p++) {
		if (!has_len(s, family, p))
			continue;
		make_net(&k, family, addr, p);
		if (find(s, &k)->family)
			return true;
	}
	return false;
}
