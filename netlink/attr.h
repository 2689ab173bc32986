/* Policy-table attribute parsing: one function instead of one validate
 * callback per nest.  Attributes of unknown type are skipped (newer
 * kernels), attributes of a known type with a bad length are an error. */
#ifndef CTBOX_ATTR_H
#define CTBOX_ATTR_H

#include <endian.h>
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

/* tb must have max + 1 slots; they are cleared first. */
int nla_parse_nest(const struct nlattr *nest, const struct nla_pol *pol,
		   int max, const struct nlattr **tb);
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

#endif
