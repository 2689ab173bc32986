/* Policy-table attribute parsing: one function instead of one validate
 * callback per nest.  Attributes of unknown type are skipped (newer
 * kernels), attributes of a known type with a bad length are an error. */
#ifndef CTBOX_ATTR_H
#define CTBOX_ATTR_H

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/netlink.h>

enum nla_kind {
	NLA_ANY,	/* not checked */
	NLA_U8,
	NLA_U16,
	NLA_U32,
	NLA_U64,
	NLA_STR,	/* NUL-terminated */
	NLA_NEST,
	NLA_BIN,	/* at least .len bytes */
};

struct nla_pol {
	uint8_t kind;
	uint16_t len;	/* NLA_BIN: minimum length */
};

/* Smallest payload of each fixed-size kind.  A table instead of a switch:
 * the switch's indirect jump was the most expensive instruction of a dump. */
static const uint8_t nla_min_len[] = {
	[NLA_ANY] = 0, [NLA_U8] = 1, [NLA_U16] = 2, [NLA_U32] = 4,
	[NLA_U64] = 8, [NLA_STR] = 1, [NLA_NEST] = 0, [NLA_BIN] = 0,
};

static inline __attribute__((always_inline)) int
nla_check(const struct nlattr *a, const struct nla_pol *p)
{
	size_t len = (size_t)a->nla_len - NLA_HDRLEN;
	size_t need = p->kind == NLA_BIN ? p->len : nla_min_len[p->kind];

	if (len < need)
		return -1;
	if (p->kind == NLA_STR &&
	    !memchr((const char *)a + NLA_HDRLEN, '\0', len))
		return -1;
	return 0;
}

static inline __attribute__((always_inline)) int
nla_parse(const void *start, size_t len, const struct nla_pol *pol, int max,
	  const struct nlattr **tb)
{
	const char *p = start, *end = p + len;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return -EBADMSG;	/* truncated or lying length */
		if (t > 0 && t <= max) {
			if (nla_check(a, &pol[t]) < 0)
				return -EBADMSG;
			tb[t] = a;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/* Attribute walk without a table, for the nests a dump meets in every
 * entry: clearing and re-reading a pointer per possible type cost more
 * than the handful of attributes the kernel actually sends.
 * nla_next() returns 1 with *a set, 0 at the end, -EBADMSG on a
 * truncated or lying length. */
struct nla_iter {
	const char *p, *end;
};

static inline void nla_iter_nest(struct nla_iter *it, const struct nlattr *nest)
{
	it->p = (const char *)nest + NLA_HDRLEN;
	it->end = (const char *)nest + nest->nla_len;
}

static inline __attribute__((always_inline)) int
nla_next(struct nla_iter *it, const struct nlattr **a)
{
	const struct nlattr *n = (const struct nlattr *)it->p;

	if (it->end - it->p < NLA_HDRLEN)
		return 0;
	if (n->nla_len < NLA_HDRLEN || n->nla_len > it->end - it->p)
		return -EBADMSG;
	*a = n;
	it->p += NLA_ALIGN(n->nla_len);
	return 1;
}

static inline int nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* tb must have max + 1 slots; they are cleared first. */
static inline __attribute__((always_inline)) int
nla_parse_nest(const struct nlattr *nest, const struct nla_pol *pol, int max,
	       const struct nlattr **tb)
{
	return nla_parse((const char *)nest + NLA_HDRLEN,
			 (size_t)nest->nla_len - NLA_HDRLEN, pol, max, tb);
}

int nla_parse_msg(const struct nlmsghdr *nlh, size_t hdrlen,
		  const struct nla_pol *pol, int max, const struct nlattr **tb);

/* Readers of validated attributes: inline, since a dump calls them for
 * every field of every entry. */
static inline const void *nla_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline size_t nla_len(const struct nlattr *a)
{
	return (size_t)a->nla_len - NLA_HDRLEN;
}

static inline uint8_t nla_u8(const struct nlattr *a)
{
	return *(const uint8_t *)nla_data(a);
}

static inline uint16_t nla_be16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return be16toh(v);
}

static inline uint32_t nla_be32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return be32toh(v);
}

static inline uint64_t nla_be64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return be64toh(v);
}

/* Copy a string attribute (up to its NUL or its end) whole into a field of
 * size bytes: 0, or -EMSGSIZE when it does not fit.  Never cut: a cut
 * name or security context would be printed as if it were the real one. */
static inline int nla_strcpy(char *dst, size_t size, const struct nlattr *a)
{
	size_t n = strnlen(nla_data(a), nla_len(a));

	if (n >= size)
		return -EMSGSIZE;
	memcpy(dst, nla_data(a), n);
	dst[n] = '\0';
	return 0;
}

#endif
