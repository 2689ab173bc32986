/* The caches' compact flow form (sync/ctpack.h): every kind of flow comes
 * back field for field (IPv4/IPv6, each protocol, NAT, zones, marks,
 * labels, helper, security context, master, counters, timestamps, NAT
 * setup), the key read without decoding, truncated input refused, and the
 * size of the common flows. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sync/ctpack.h"
#include "t.h"

static struct ct a, got;
static uint8_t buf[CTPACK_MAX];

static void tuple(struct ct_tuple *t, uint8_t l3, uint8_t l4, uint32_t s,
		  uint32_t d, uint16_t sp, uint16_t dp)
{
	t->present = CT_T_SRC | CT_T_DST | CT_T_L4;
	t->l3 = l3;
	t->l4 = l4;
	t->src.ip[0] = htonl(s);
	t->dst.ip[0] = htonl(d);
	if (l3 == AF_INET6) {
		t->src.ip[0] = htonl(0x20010db8);
		t->src.ip[3] = htonl(s);
		t->dst.ip[0] = htonl(0x20010db8);
		t->dst.ip[3] = htonl(d);
	}
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6) {
		t->present |= CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
		t->icmp_type = l4 == IPPROTO_ICMP ? 8 : 128;
		t->icmp_id = sp;
	} else {
		t->present |= CT_T_SPORT | CT_T_DPORT;
		t->sport = sp;
		t->dport = dp;
	}
}

/* A flow as a kernel event brings it: both tuples, status, timeout, id,
 * mark, use, counters. */
static void flow(uint8_t l3, uint8_t l4)
{
	memset(&a, 0, sizeof(a));
	a.family = l3;
	tuple(&a.orig, l3, l4, 0x0a000001, 0x0a000002, 40000, 80);
	ct_tuple_invert(&a.reply, &a.orig);
	/* invert copies code and id whatever the presence bits say */
	if (!(a.reply.present & CT_T_ICMP_CODE))
		a.reply.icmp_code = 0;
	if (!(a.reply.present & CT_T_ICMP_ID))
		a.reply.icmp_id = 0;
	a.status = CT_S_SEEN_REPLY | CT_S_ASSURED | CT_S_CONFIRMED;
	a.timeout = 431999;
	a.id = 0x12345678;
	a.mark = 0;
	a.use = 1;
	a.counters[0].packets = 3;
	a.counters[1].bytes = 1500;
	a.present = CT_BIT(CT_A_ORIG) | CT_BIT(CT_A_REPLY) |
		    CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) |
		    CT_BIT(CT_A_ID) | CT_BIT(CT_A_MARK) | CT_BIT(CT_A_USE) |
		    CT_BIT(CT_A_COUNTERS_ORIG) | CT_BIT(CT_A_COUNTERS_REPLY);
}

/* Decoded as encoded: every field, and the strings up to their end (what
 * follows a string's NUL is not decoded: clearing kilobytes of buffers
 * per object would be the cost of every commit walk). */
static bool same_ct(const struct ct *x, const struct ct *y)
{
	return !memcmp(x, y, offsetof(struct ct, helper)) &&
	       !strcmp(x->helper, y->helper) && !strcmp(x->secctx, y->secctx);
}

/* Encode a, decode it, compare; the encoded length. */
static int trip(const char *what)
{
	int n = ctpack_encode(buf, sizeof(buf), &a, 0), m;
	struct ctkey k1, k2;

	memset(&got, 0xa5, sizeof(got));
	m = n < 0 ? n : ctpack_decode(buf, (size_t)n, &got);
	CHECK(n > 0 && m == n && same_ct(&a, &got),
	      "%s: round trip (%d bytes)", what, n);
	ctkey_of(&k1, &a.orig, ct_has(&a, CT_A_ZONE) ? a.zone : 0);
	CHECK(n > 0 && ctpack_key(buf, (size_t)n, &k2) == 0 &&
	      !memcmp(&k1, &k2, sizeof(k1)), "%s: key", what);
	return n;
}

static void protocols(void)
{
	static const struct {
		const char *name;
		uint8_t l3, l4;
	} p[] = {
		{ "IPv4 TCP", AF_INET, IPPROTO_TCP },
		{ "IPv4 UDP", AF_INET, IPPROTO_UDP },
		{ "IPv4 UDPlite", AF_INET, IPPROTO_UDPLITE },
		{ "IPv4 ICMP", AF_INET, IPPROTO_ICMP },
		{ "IPv4 SCTP", AF_INET, IPPROTO_SCTP },
		{ "IPv4 DCCP", AF_INET, IPPROTO_DCCP },
		{ "IPv4 GRE", AF_INET, IPPROTO_GRE },
		{ "IPv4 unknown protocol", AF_INET, 253 },
		{ "IPv6 TCP", AF_INET6, IPPROTO_TCP },
		{ "IPv6 UDP", AF_INET6, IPPROTO_UDP },
		{ "IPv6 ICMPv6", AF_INET6, IPPROTO_ICMPV6 },
		{ "IPv6 SCTP", AF_INET6, IPPROTO_SCTP },
	};
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		flow(p[i].l3, p[i].l4);
		switch (p[i].l4) {
		case IPPROTO_TCP:
			a.tcp.state = 3;
			a.tcp.wscale[0] = 7;
			a.tcp.wscale[1] = 9;
			a.tcp.flags[0] = 0x23;
			a.tcp.flags_mask[0] = 0xff;
			a.tcp.flags[1] = 0x22;
			a.tcp.flags_mask[1] = 0x7f;
			a.present |= CT_BIT(CT_A_TCP_STATE) |
				     CT_BIT(CT_A_TCP_WSCALE_ORIG) |
				     CT_BIT(CT_A_TCP_WSCALE_REPLY) |
				     CT_BIT(CT_A_TCP_FLAGS_ORIG) |
				     CT_BIT(CT_A_TCP_FLAGS_REPLY) |
				     CT_BIT(CT_A_PROTOINFO);
			break;
		case IPPROTO_SCTP:
			a.sctp.state = 3;
			a.sctp.vtag[0] = 0xdeadbeef;
			a.sctp.vtag[1] = 0xfeedf00d;
			a.present |= CT_BIT(CT_A_SCTP_STATE) |
				     CT_BIT(CT_A_SCTP_VTAG_ORIG) |
				     CT_BIT(CT_A_SCTP_VTAG_REPLY);
			break;
		case IPPROTO_DCCP:
			a.dccp.state = 2;
			a.dccp.role = 1;
			a.dccp.hs_seq = 0x123456789abcull;
			a.present |= CT_BIT(CT_A_DCCP_STATE) |
				     CT_BIT(CT_A_DCCP_ROLE) |
				     CT_BIT(CT_A_DCCP_HS_SEQ);
			break;
		case IPPROTO_GRE:
			/* keys are ports to the tuple */
			a.orig.sport = 0x1111;
			a.orig.dport = 0x2222;
			ct_tuple_invert(&a.reply, &a.orig);
			break;
		}
		trip(p[i].name);
	}
}

static void nat_and_more(void)
{
	int n, i;

	flow(AF_INET, IPPROTO_TCP);
	a.reply.dst.ip[0] = htonl(0xc0a80001);	/* source NAT */
	a.status |= CT_S_SRC_NAT | CT_S_SRC_NAT_DONE;
	trip("IPv4 SNAT: the reply tuple is kept");
	flow(AF_INET6, IPPROTO_UDP);
	a.reply.src.ip[3] = htonl(0x99);	/* destination NAT */
	a.reply.sport = 8080;
	trip("IPv6 DNAT: the reply tuple is kept");

	flow(AF_INET, IPPROTO_UDP);
	a.zone = 7;
	a.orig.zone = 3;
	a.orig.present |= CT_T_ZONE;
	a.reply.zone = 4;
	a.reply.present |= CT_T_ZONE;
	a.mark = 0xff00ff00;
	a.secmark = 0x42;
	a.present |= CT_BIT(CT_A_ZONE) | CT_BIT(CT_A_SECMARK);
	trip("zones (entry and directional), mark, secmark");

	flow(AF_INET, IPPROTO_TCP);
	a.labels_len = 16;
	a.labels_mask_len = 16;
	for (i = 0; i < CT_LABEL_WORDS; i++) {
		a.labels[i] = 0x80000001u << i;
		a.labels_mask[i] = ~0u;
	}
	a.present |= CT_BIT(CT_A_LABELS) | CT_BIT(CT_A_LABELS_MASK);
	strcpy(a.helper, "ftp");
	a.present |= CT_BIT(CT_A_HELPER);
	tuple(&a.master, AF_INET, IPPROTO_TCP, 0x0a000003, 0x0a000004, 5000, 21);
	a.present |= CT_BIT(CT_A_MASTER);
	a.status |= CT_S_EXPECTED | CT_S_HELPER;
	trip("labels, helper, master tuple");

	flow(AF_INET6, IPPROTO_TCP);
	memset(a.secctx, 'x', CT_SECCTX_MAX - 1);
	a.present |= CT_BIT(CT_A_SECCTX);
	a.ts_start = 1700000000000000000ull;
	a.ts_stop = 1700000001000000000ull;
	a.ts_event = 1700000000500000000ull;
	a.present |= CT_BIT(CT_A_TS_START) | CT_BIT(CT_A_TS_STOP) |
		     CT_BIT(CT_A_TS_EVENT);
	a.seqadj[0] = (struct ct_seqadj){ 1, 2, 3 };
	a.seqadj[1] = (struct ct_seqadj){ 4, 5, 6 };
	a.synproxy.isn = 7;
	a.synproxy.its = 8;
	a.synproxy.tsoff = 9;
	a.present |= CT_BIT(CT_A_SEQADJ_ORIG) | CT_BIT(CT_A_SEQADJ_REPLY) |
		     CT_BIT(CT_A_SYNPROXY);
	n = trip("longest security context, timestamps, seqadj, synproxy");
	CHECK(n > CT_SECCTX_MAX && n <= CTPACK_MAX, "long but within CTPACK_MAX");
	CHECK_EQ(ctpack_encode(buf, (size_t)n - 1, &a, 0), -ENOSPC,
		 "one byte short: ENOSPC");

	flow(AF_INET, IPPROTO_TCP);
	a.snat.l3 = AF_INET;
	a.snat.min.ip[0] = htonl(0x01020304);
	a.snat.max.ip[0] = htonl(0x01020305);
	a.snat.has_port = true;
	a.snat.port_min = 1024;
	a.snat.port_max = 2048;
	a.dnat.has_port = true;	/* port only: no address family */
	a.dnat.port_min = a.dnat.port_max = 8080;
	a.present |= CT_BIT(CT_A_SNAT) | CT_BIT(CT_A_DNAT);
	trip("NAT setup, with and without addresses");

	/* a template with no reply tuple, and one with nothing at all */
	flow(AF_INET, IPPROTO_UDP);
	a.present &= ~CT_BIT(CT_A_REPLY);
	memset(&a.reply, 0, sizeof(a.reply));
	trip("original tuple only");
	memset(&a, 0, sizeof(a));
	trip("an empty entry");
}

static void sizes_and_drops(void)
{
	uint64_t drop = CT_BIT(CT_A_USE) | CT_BIT(CT_A_COUNTERS_ORIG) |
			CT_BIT(CT_A_COUNTERS_REPLY);
	int n;

	flow(AF_INET, IPPROTO_TCP);
	a.tcp.state = 3;
	a.tcp.wscale[0] = a.tcp.wscale[1] = 7;
	a.tcp.flags[0] = a.tcp.flags[1] = 0x23;
	a.present |= CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_TCP_WSCALE_ORIG) |
		     CT_BIT(CT_A_TCP_WSCALE_REPLY) |
		     CT_BIT(CT_A_TCP_FLAGS_ORIG) | CT_BIT(CT_A_TCP_FLAGS_REPLY);
	n = ctpack_encode(buf, sizeof(buf), &a, drop);
	CHECK(n > 0 && n <= 48, "an IPv4 TCP flow as a cache keeps it: %d <= 48 bytes",
	      n);
	ctpack_decode(buf, (size_t)n, &got);
	CHECK(!ct_has(&got, CT_A_USE) && !ct_has(&got, CT_A_COUNTERS_ORIG) &&
	      !got.counters[0].packets && got.use == 0 &&
	      ct_has(&got, CT_A_TCP_STATE) && got.timeout == a.timeout,
	      "dropped attributes decode absent and zero, the rest is there");
	flow(AF_INET6, IPPROTO_UDP);
	n = ctpack_encode(buf, sizeof(buf), &a, drop);
	CHECK(n > 0 && n <= 64, "an IPv6 UDP flow: %d <= 64 bytes", n);
}

static void bad_input(void)
{
	int n, m, bad = 0, len;
	struct ctkey k;

	flow(AF_INET6, IPPROTO_TCP);
	a.reply.dport = 1;	/* not the inverse: both tuples kept */
	strcpy(a.helper, "sip");
	a.present |= CT_BIT(CT_A_HELPER);
	n = ctpack_encode(buf, sizeof(buf), &a, 0);
	/* every prefix is refused (ASan watches the reads) */
	for (len = 0; len < n; len++) {
		uint8_t *cut = malloc((size_t)len + 1);

		memcpy(cut, buf, (size_t)len);
		m = ctpack_decode(cut, (size_t)len, &got);
		if (m != -EINVAL)
			bad++;
		free(cut);
	}
	CHECK_EQ(bad, 0, "each of %d truncations is refused", n);
	buf[4] |= 0x40;	/* a presence bit no attribute has */
	CHECK_EQ(ctpack_decode(buf, (size_t)n, &got), -EINVAL,
		 "unknown presence bits refused");
	CHECK_EQ(ctpack_key(buf, (size_t)n, &k), -EINVAL, "by the key reader too");
	CHECK_EQ(ctpack_key(buf, 3, &k), -EINVAL, "a truncated key refused");
}

int main(void)
{
	protocols();
	nat_and_more();
	sizes_and_drops();
	bad_input();
	T_DONE();
}
