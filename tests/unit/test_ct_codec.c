/* struct ct -> ctnetlink message -> struct ct round trips, malformed input,
 * and the byte layout of a create request (spec conntrack-cli.md §7.4). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "lib/ct.h"
#include "netlink/ct.h"
#include "t.h"

static _Alignas(8) char buf[8192];

static void full_tcp(struct ct *ct)
{
	ct_init(ct);
	ct->orig.l3 = ct->reply.l3 = AF_INET;
	ct->orig.l4 = ct->reply.l4 = IPPROTO_TCP;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			   CT_T_DPORT | CT_T_ZONE;
	ct->reply.present = ct->orig.present;
	inet_pton(AF_INET, "10.4.0.1", &ct->orig.src);
	inet_pton(AF_INET, "10.4.0.2", &ct->orig.dst);
	ct->reply.src = ct->orig.dst;
	ct->reply.dst = ct->orig.src;
	ct->orig.sport = 1;
	ct->orig.dport = 2;
	ct->reply.sport = 2;
	ct->reply.dport = 1;
	ct->orig.zone = 4;
	ct->reply.zone = 5;
	ct_set(ct, CT_A_ORIG);
	ct_set(ct, CT_A_REPLY);
	ct->status = CT_S_SEEN_REPLY | CT_S_ASSURED;
	ct_set(ct, CT_A_STATUS);
	ct->timeout = 60;
	ct_set(ct, CT_A_TIMEOUT);
	ct->mark = 0xdeadbeef;
	ct_set(ct, CT_A_MARK);
	ct->zone = 7;
	ct_set(ct, CT_A_ZONE);
	ct->tcp.state = 3;
	ct_set(ct, CT_A_TCP_STATE);
	ct->tcp.flags[0] = 0x0a;
	ct->tcp.flags_mask[0] = 0x0a;
	ct_set(ct, CT_A_TCP_FLAGS_ORIG);
	ct->tcp.wscale[1] = 7;
	ct_set(ct, CT_A_TCP_WSCALE_REPLY);
	ct->labels[0] = 0x2;
	ct->labels[3] = 0x80000000u;
	ct->labels_len = 16;
	ct_set(ct, CT_A_LABELS);
	strcpy(ct->helper, "ftp");
	ct_set(ct, CT_A_HELPER);
	ct->seqadj[1].correction_pos = 11;
	ct->seqadj[1].offset_before = 22;
	ct->seqadj[1].offset_after = 33;
	ct_set(ct, CT_A_SEQADJ_REPLY);
	ct->synproxy.isn = 1;
	ct->synproxy.its = 2;
	ct->synproxy.tsoff = 3;
	ct_set(ct, CT_A_SYNPROXY);
}

static void round_trip_tcp(void)
{
	struct ct a, b;
	struct nlmsghdr *nlh;
	int r;

	full_tcp(&a);
	nlh = ct_nl_build(buf, sizeof(buf), IPCTNL_MSG_CT_NEW, 0, AF_INET, &a, 0);
	CHECK(nlh != NULL, "build a full tcp entry");
	r = ct_nl_parse(nlh, &b);
	CHECK_EQ(r, 0, "parse it back");
	CHECK_EQ(b.present & ~CT_BIT(CT_A_PROTOINFO), a.present,
		 "same presence bits");
	CHECK(memcmp(&a.orig, &b.orig, sizeof(a.orig)) == 0, "orig tuple");
	CHECK(memcmp(&a.reply, &b.reply, sizeof(a.reply)) == 0, "reply tuple");
	CHECK_EQ(b.status, a.status, "status");
	CHECK_EQ(b.timeout, 60, "timeout");
	CHECK_EQ(b.mark, 0xdeadbeef, "mark");
	CHECK_EQ(b.zone, 7, "zone");
	CHECK_EQ(b.tcp.state, 3, "tcp state");
	CHECK_EQ(b.tcp.flags[0], 0x0a, "tcp flags");
	CHECK_EQ(b.tcp.wscale[1], 7, "tcp wscale reply");
	CHECK_EQ(b.labels_len, 16, "labels length");
	CHECK(memcmp(a.labels, b.labels, 16) == 0, "labels bits");
	CHECK_STR(b.helper, "ftp", "helper");
	CHECK_EQ(b.seqadj[1].offset_after, 33, "seqadj");
	CHECK_EQ(b.synproxy.tsoff, 3, "synproxy");
	CHECK_EQ(b.family, AF_INET, "nfgen family");
}

static void round_trip_kinds(void)
{
	static const struct {
		uint8_t l3, l4;
		uint32_t present;
	} kinds[] = {
		{ AF_INET6, IPPROTO_ICMPV6, CT_T_SRC | CT_T_DST | CT_T_L4 |
		  CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID },
		{ AF_INET, IPPROTO_ICMP, CT_T_SRC | CT_T_DST | CT_T_L4 |
		  CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID },
		{ AF_INET, IPPROTO_GRE, CT_T_SRC | CT_T_DST | CT_T_L4 |
		  CT_T_SPORT | CT_T_DPORT },
		{ AF_INET6, 200, CT_T_SRC | CT_T_DST | CT_T_L4 },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct ct a, b;
		struct nlmsghdr *nlh;

		ct_init(&a);
		a.orig.l3 = kinds[i].l3;
		a.orig.l4 = kinds[i].l4;
		a.orig.present = kinds[i].present;
		memset(a.orig.src.b, 0x11, kinds[i].l3 == AF_INET6 ? 16 : 4);
		memset(a.orig.dst.b, 0x22, kinds[i].l3 == AF_INET6 ? 16 : 4);
		a.orig.icmp_type = kinds[i].present & CT_T_ICMP_TYPE ? 128 : 0;
		a.orig.icmp_code = 0;
		a.orig.icmp_id = kinds[i].present & CT_T_ICMP_ID ? 77 : 0;
		a.orig.sport = kinds[i].present & CT_T_SPORT ? 0x1234 : 0;
		a.orig.dport = kinds[i].present & CT_T_DPORT ? 0x5678 : 0;
		ct_set(&a, CT_A_ORIG);
		ct_tuple_invert(&a.reply, &a.orig);
		ct_set(&a, CT_A_REPLY);
		nlh = ct_nl_build(buf, sizeof(buf), IPCTNL_MSG_CT_NEW, 0,
				  kinds[i].l3, &a, 0);
		CHECK(nlh && ct_nl_parse(nlh, &b) == 0, "kind %zu round trip", i);
		CHECK(memcmp(&a.orig, &b.orig, sizeof(a.orig)) == 0,
		      "kind %zu orig tuple", i);
		CHECK(memcmp(&a.reply, &b.reply, sizeof(a.reply)) == 0,
		      "kind %zu reply tuple", i);
	}
}

/* Bytes of `conntrack -I -p tcp -s 10.4.0.1 -d 10.4.0.2 --sport 1
 * --dport 2 --state SYN_RECV -u SEEN_REPLY -t 60 -m 9 -w 7` as 1.4.7
 * sends them (attribute order of §7.1), minus the header fields that vary. */
static void create_layout(void)
{
	static const uint8_t want[] = {
		/* CTA_TUPLE_ORIG [N] */ 0x34, 0x00, 0x01, 0x80,
		  /* IP [N] */ 0x14, 0x00, 0x01, 0x80,
		    0x08, 0x00, 0x01, 0x00, 10, 4, 0, 1,
		    0x08, 0x00, 0x02, 0x00, 10, 4, 0, 2,
		  /* PROTO [N] */ 0x1c, 0x00, 0x02, 0x80,
		    0x05, 0x00, 0x01, 0x00, 6, 0, 0, 0,
		    0x06, 0x00, 0x02, 0x00, 0, 1, 0, 0,
		    0x06, 0x00, 0x03, 0x00, 0, 2, 0, 0,
		/* CTA_TUPLE_REPLY [N] */ 0x34, 0x00, 0x02, 0x80,
		  0x14, 0x00, 0x01, 0x80,
		    0x08, 0x00, 0x01, 0x00, 10, 4, 0, 2,
		    0x08, 0x00, 0x02, 0x00, 10, 4, 0, 1,
		  0x1c, 0x00, 0x02, 0x80,
		    0x05, 0x00, 0x01, 0x00, 6, 0, 0, 0,
		    0x06, 0x00, 0x02, 0x00, 0, 2, 0, 0,
		    0x06, 0x00, 0x03, 0x00, 0, 1, 0, 0,
		/* CTA_STATUS */ 0x08, 0x00, 0x03, 0x00, 0, 0, 0, 0x0a,
		/* CTA_TIMEOUT */ 0x08, 0x00, 0x07, 0x00, 0, 0, 0, 60,
		/* CTA_MARK */ 0x08, 0x00, 0x08, 0x00, 0, 0, 0, 9,
		/* CTA_PROTOINFO [N] */ 0x20, 0x00, 0x04, 0x80,
		  /* TCP [N] */ 0x1c, 0x00, 0x01, 0x80,
		    0x05, 0x00, 0x01, 0x00, 2, 0, 0, 0,
		    0x06, 0x00, 0x04, 0x00, 0x0a, 0x0a, 0, 0,
		    0x06, 0x00, 0x05, 0x00, 0x0a, 0x0a, 0, 0,
		/* CTA_ZONE */ 0x06, 0x00, 0x12, 0x00, 0, 7, 0, 0,
	};
	struct ct a;
	struct nlmsghdr *nlh;
	const uint8_t *attrs;
	size_t len;

	ct_init(&a);
	a.orig.l3 = AF_INET;
	a.orig.l4 = IPPROTO_TCP;
	a.orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
	inet_pton(AF_INET, "10.4.0.1", &a.orig.src);
	inet_pton(AF_INET, "10.4.0.2", &a.orig.dst);
	a.orig.sport = 1;
	a.orig.dport = 2;
	ct_set(&a, CT_A_ORIG);
	ct_tuple_invert(&a.reply, &a.orig);
	ct_set(&a, CT_A_REPLY);
	a.status = CT_S_SEEN_REPLY;
	ct_set(&a, CT_A_STATUS);
	a.timeout = 60;
	ct_set(&a, CT_A_TIMEOUT);
	a.mark = 9;
	ct_set(&a, CT_A_MARK);
	a.tcp.state = 2;
	ct_set(&a, CT_A_TCP_STATE);
	a.tcp.flags[0] = a.tcp.flags_mask[0] = 0x0a;
	a.tcp.flags[1] = a.tcp.flags_mask[1] = 0x0a;
	ct_set(&a, CT_A_TCP_FLAGS_ORIG);
	ct_set(&a, CT_A_TCP_FLAGS_REPLY);
	a.zone = 7;
	ct_set(&a, CT_A_ZONE);
	nlh = ct_nl_build(buf, sizeof(buf), IPCTNL_MSG_CT_NEW,
			  NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, AF_INET, &a,
			  CT_BUILD_CONFIRMED);
	CHECK(nlh != NULL, "build a create request");
	if (!nlh)
		return;
	CHECK_EQ(nlh->nlmsg_type, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW,
		 "message type CT_NEW");
	CHECK_EQ(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL |
		 NLM_F_CREATE, "create flags");
	attrs = (const uint8_t *)mnl_nlmsg_get_payload(nlh) + sizeof(struct nfgenmsg);
	len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - sizeof(struct nfgenmsg);
	CHECK_EQ(len, sizeof(want), "attribute bytes length");
	CHECK(len == sizeof(want) && memcmp(attrs, want, len) == 0,
	      "attribute bytes as 1.4.7 sends them");
	for (size_t i = 0; i < len && i < sizeof(want); i++)
		if (attrs[i] != want[i]) {
			printf("    first difference at byte %zu: %02x, want %02x\n",
			       i, attrs[i], want[i]);
			break;
		}
}

static void too_small(void)
{
	struct ct a;

	full_tcp(&a);
	CHECK(ct_nl_build(buf, 64, IPCTNL_MSG_CT_NEW, 0, AF_INET, &a, 0) == NULL,
	      "a buffer too small is refused, not overrun");
}

/* Every truncation of a valid message either parses or is refused. */
static void malformed(void)
{
	struct ct a, b;
	struct nlmsghdr *nlh;
	uint32_t len, cut;
	int refused = 0;

	full_tcp(&a);
	nlh = ct_nl_build(buf, sizeof(buf), IPCTNL_MSG_CT_NEW, 0, AF_INET, &a, 0);
	len = nlh->nlmsg_len;
	for (cut = MNL_NLMSG_HDRLEN + 4; cut < len; cut++) {
		static _Alignas(8) char copy[8192];
		struct nlmsghdr *c = (struct nlmsghdr *)copy;

		memcpy(copy, buf, len);
		c->nlmsg_len = cut;
		if (ct_nl_parse(c, &b) < 0)
			refused++;
	}
	CHECK(refused > 0, "truncated messages are refused (%d of %u)",
	      refused, (unsigned int)(len - MNL_NLMSG_HDRLEN - 4));
	/* an attribute whose length runs past its nest */
	{
		uint8_t *p = (uint8_t *)mnl_nlmsg_get_payload(nlh) + 4;

		p[0] = 0xff;	/* CTA_TUPLE_ORIG length 255 > message */
		CHECK(ct_nl_parse(nlh, &b) < 0, "lying attribute length refused");
	}
}

int main(void)
{
	round_trip_tcp();
	round_trip_kinds();
	create_layout();
	too_small();
	malformed();
	T_DONE();
}
