/* Attribute parsing by policy table (see attr.h; the walk itself is inline
 * there, since it is the inner loop of every dump). */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "attr.h"

int nla_parse_msg(const struct nlmsghdr *nlh, size_t hdrlen,
		  const struct nla_pol *pol, int max, const struct nlattr **tb)
{
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return -EBADMSG;
	return nla_parse((const char *)mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(hdrlen),
		     mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(hdrlen),
		     pol, max, tb);
}
