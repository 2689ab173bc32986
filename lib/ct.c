/* Small helpers on the flow model that every codec needs. */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "ct.h"

void ct_init(struct ct *ct)
{
	/* The strings at the end are a third of the struct: clearing their
	 * first byte is enough, and a dump does this for every entry. */
	memset(ct, 0, offsetof(struct ct, helper));
	ct->helper[0] = '\0';
	ct->secctx[0] = '\0';
}

uint8_t ct_l3(const struct ct *ct)
{
	if (ct->orig.l3)
		return ct->orig.l3;
	if (ct->reply.l3)
		return ct->reply.l3;
	return ct->family;
}

static bool nat_done(const struct ct *ct, uint32_t bit,
		     const union ct_addr *reply, const union ct_addr *orig)
{
	size_t n = ct_l3(ct) == AF_INET6 ? 16 : 4;

	return ct_has(ct, CT_A_STATUS) && (ct->status & bit) &&
	       memcmp(reply, orig, n) != 0;
}

bool ct_is_snat(const struct ct *ct)
{
	return nat_done(ct, CT_S_SRC_NAT_DONE, &ct->reply.dst, &ct->orig.src);
}

bool ct_is_dnat(const struct ct *ct)
{
	return nat_done(ct, CT_S_DST_NAT_DONE, &ct->reply.src, &ct->orig.dst);
}

uint8_t ct_l4(const struct ct *ct)
{
	if (ct->orig.present & CT_T_L4)
		return ct->orig.l4;
	return ct->reply.l4;
}

int ct_icmp_reply_type(uint8_t l3, uint8_t type)
{
	/* Request/reply pairs the kernel tracks (nf_conntrack_proto_icmp*). */
	static const uint8_t v4[][2] = {
		{ 8, 0 }, { 13, 14 }, { 15, 16 }, { 17, 18 },
	};
	static const uint8_t v6[][2] = {
		{ 128, 129 }, { 139, 140 },
	};
	const uint8_t (*t)[2] = l3 == AF_INET6 ? v6 : v4;
	size_t i, n = l3 == AF_INET6 ? 2 : 4;

	for (i = 0; i < n; i++) {
		if (t[i][0] == type)
			return t[i][1];
		if (t[i][1] == type)
			return t[i][0];
	}
	return -1;
}

void ct_tuple_invert(struct ct_tuple *dst, const struct ct_tuple *src)
{
	uint32_t p = src->present;

	memset(dst, 0, sizeof(*dst));
	dst->l3 = src->l3;
	dst->l4 = src->l4;
	dst->present = p & (CT_T_L4 | CT_T_ICMP_CODE | CT_T_ICMP_ID);
	if (p & CT_T_SRC) {
		dst->dst = src->src;
		dst->present |= CT_T_DST;
	}
	if (p & CT_T_DST) {
		dst->src = src->dst;
		dst->present |= CT_T_SRC;
	}
	if (p & CT_T_SPORT) {
		dst->dport = src->sport;
		dst->present |= CT_T_DPORT;
	}
	if (p & CT_T_DPORT) {
		dst->sport = src->dport;
		dst->present |= CT_T_SPORT;
	}
	dst->icmp_code = src->icmp_code;
	dst->icmp_id = src->icmp_id;
	if (p & CT_T_ICMP_TYPE) {
		int r = ct_icmp_reply_type(src->l3, src->icmp_type);

		dst->icmp_type = r < 0 ? src->icmp_type : (uint8_t)r;
		dst->present |= CT_T_ICMP_TYPE;
	}
}
