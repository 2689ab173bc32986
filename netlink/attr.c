/* Attribute parsing by policy table (see attr.h).  This is the inner loop
 * of every dump, so the walk is done here inline rather than through one
 * library call per attribute. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "attr.h"

static int check(const struct nlattr *a, const struct nla_pol *p)
{
	size_t len = (size_t)a->nla_len - NLA_HDRLEN;

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
		return len > 0 && memchr((const char *)a + NLA_HDRLEN, '\0', len) ?
			0 : -1;
	case NLA_NEST:
		return len == 0 || len >= NLA_HDRLEN ? 0 : -1;
	case NLA_BIN:
		return len >= p->len ? 0 : -1;
	}
	return 0;
}

static int parse(const void *start, size_t len, const struct nla_pol *pol,
		 int max, const struct nlattr **tb)
{
	const char *p = start, *end = p + len;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return -EBADMSG;	/* truncated or lying length */
		if (t > 0 && t <= max) {
			if (check(a, &pol[t]) < 0)
				return -EBADMSG;
			tb[t] = a;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

int nla_parse_nest(const struct nlattr *nest, const struct nla_pol *pol,
		   int max, const struct nlattr **tb)
{
	return parse((const char *)nest + NLA_HDRLEN,
		     (size_t)nest->nla_len - NLA_HDRLEN, pol, max, tb);
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
