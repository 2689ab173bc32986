/* Attribute parsing by policy table (see attr.h). */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "attr.h"

static int check(const struct nlattr *a, const struct nla_pol *p)
{
	size_t len = mnl_attr_get_payload_len(a);
	const char *s;

	switch (p->kind) {
	case NLA_U8:
		return len >= 1 ? 0 : -1;
	case NLA_U16:
		return len >= 2 ? 0 : -1;
	case NLA_U32:
		return len >= 4 ? 0 : -1;
	case NLA_U64:
		return len >= 8 ? 0 : -1;
	case NLA_STR:
		s = mnl_attr_get_payload(a);
		return len > 0 && memchr(s, '\0', len) ? 0 : -1;
	case NLA_NEST:
		return len == 0 || len >= 4 ? 0 : -1;
	case NLA_BIN:
		return len >= p->len ? 0 : -1;
	}
	return 0;
}

static int parse(const void *start, size_t len, const struct nla_pol *pol,
		 int max, const struct nlattr **tb)
{
	const struct nlattr *attr;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	mnl_attr_for_each_payload(start, len) {
		int t = mnl_attr_get_type(attr);

		if (t <= 0 || t > max)
			continue;
		if (check(attr, &pol[t]) < 0)
			return -EBADMSG;
		tb[t] = attr;
	}
	return 0;
}

int nla_parse_nest(const struct nlattr *nest, const struct nla_pol *pol,
		   int max, const struct nlattr **tb)
{
	return parse(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest),
		     pol, max, tb);
}

int nla_parse_msg(const struct nlmsghdr *nlh, size_t hdrlen,
		  const struct nla_pol *pol, int max, const struct nlattr **tb)
{
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return -EBADMSG;
	return parse((const char *)mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(hdrlen),
		     mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(hdrlen),
		     pol, max, tb);
}

uint8_t nla_u8(const struct nlattr *a)
{
	return mnl_attr_get_u8(a);
}

uint16_t nla_be16(const struct nlattr *a)
{
	return ntohs(mnl_attr_get_u16(a));
}

uint32_t nla_be32(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

uint64_t nla_be64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return be64toh(v);
}

const void *nla_data(const struct nlattr *a)
{
	return mnl_attr_get_payload(a);
}

size_t nla_len(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a);
}
