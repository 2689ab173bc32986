/* The appenders of ct_print_put.h too large to inline at every use. */
#include <netinet/in.h>

#include "ct_print.h"
#include "ct_print_put.h"

void put_hex(struct out *o, unsigned int v)
{
	char t[17];

	put(o, t, fmt_hex(t, v));
}

void put_u64_pad(struct out *o, uint64_t v, unsigned int w, char pad)
{
	char t[24];
	size_t n = fmt_u64(t, v);

	while (n < w--)
		put_c(o, pad);
	put(o, t, n);
}

void put_event_prefix(struct out *o, enum ct_event ev)
{
	switch (ev) {
	case CT_EV_NEW:
		PUTS(o, "    [NEW] ");
		break;
	case CT_EV_UPDATE:
		PUTS(o, " [UPDATE] ");
		break;
	case CT_EV_DESTROY:
		PUTS(o, "[DESTROY] ");
		break;
	case CT_EV_NONE:
		break;
	}
}

void put_l4_text(struct out *o, const struct ct_tuple *t,
			       uint8_t l4)
{
	switch (l4) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		PUTS(o, "sport=");
		put_u64(o, t->sport);
		PUTS(o, " dport=");
		put_u64(o, t->dport);
		put_c(o, ' ');
		break;
	case IPPROTO_GRE:
		PUTS(o, "srckey=0x");
		put_hex(o, t->sport);
		PUTS(o, " dstkey=0x");
		put_hex(o, t->dport);
		put_c(o, ' ');
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		PUTS(o, "type=");
		put_u64(o, t->icmp_type);
		PUTS(o, " code=");
		put_u64(o, t->icmp_code);
		PUTS(o, " id=");
		put_u64(o, t->icmp_id);
		put_c(o, ' ');
		break;
	}
}

void put_userspace(struct out *o, uint32_t portid,
				 const char *progname)
{
	if (!portid)
		return;
	PUTS(o, " [USERSPACE] portid=");
	put_u64(o, portid);
	if (progname) {
		PUTS(o, " progname=");
		put_str(o, progname);
	}
}
