/* netlink/bpf.c: the compiled programs run in a small classic-BPF
 * interpreter that emulates the kernel's SKF_AD_NLATTR(_NEST) helpers, on
 * event messages built by the ctnetlink codec.  Checks: each condition
 * accepts and rejects what it should, missing attributes are let through,
 * and a randomised sweep shows the program never rejects an entry the
 * user-space filter accepts (it may only widen). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "lib/ct.h"
#include "lib/ct_filter.h"
#include "netlink/bpf.h"
#include "netlink/ct.h"
#include "t.h"

static _Alignas(8) unsigned char buf[8192];
static struct ct_bpf_prog prog;

/* nla_find over [start, end) */
static uint32_t find_attr(const unsigned char *p, uint32_t len, uint32_t start,
			  uint32_t end, uint32_t type)
{
	uint32_t off = start;

	if (end > len)
		end = len;
	while (off + 4 <= end) {
		uint16_t alen, atype;

		memcpy(&alen, p + off, 2);
		memcpy(&atype, p + off + 2, 2);
		if (alen < 4 || off + alen > end)
			return 0;
		if ((atype & NLA_TYPE_MASK) == type)
			return off;
		off += (alen + 3u) & ~3u;
	}
	return 0;
}

static uint32_t ld(const unsigned char *p, uint32_t len, uint32_t off,
		   int size, int *bad)
{
	uint32_t v = 0;
	int i;

	if (off + (uint32_t)size > len) {
		*bad = 1;
		return 0;
	}
	for (i = 0; i < size; i++)
		v = v << 8 | p[off + i];
	return v;
}

/* Returns the program's verdict (0 = drop), or -1 on an invalid program. */
static long run(const struct ct_bpf_prog *pr, const unsigned char *p,
		uint32_t len)
{
	uint32_t A = 0, X = 0, M[16];
	int stored[16] = { 0 };
	unsigned int pc = 0, steps = 0;

	while (pc < pr->len && steps++ < 100000) {
		const struct ct_bpf_insn *i = &pr->insn[pc++];
		int bad = 0;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR)) {
				A = find_attr(p, len, A, len, X);
				break;
			}
			if (i->k == (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR_NEST)) {
				uint16_t nl;

				if (A + 4 > len)
					return -1;
				memcpy(&nl, p + A, 2);
				A = find_attr(p, len, A + 4, A + nl, X);
				break;
			}
			A = ld(p, len, i->k, 4, &bad);
			break;
		case BPF_LD | BPF_H | BPF_ABS:
			A = ld(p, len, i->k, 2, &bad);
			break;
		case BPF_LD | BPF_B | BPF_ABS:
			A = ld(p, len, i->k, 1, &bad);
			break;
		case BPF_LD | BPF_W | BPF_IND:
			A = ld(p, len, X + i->k, 4, &bad);
			break;
		case BPF_LD | BPF_H | BPF_IND:
			A = ld(p, len, X + i->k, 2, &bad);
			break;
		case BPF_LD | BPF_B | BPF_IND:
			A = ld(p, len, X + i->k, 1, &bad);
			break;
		case BPF_LD | BPF_IMM:
			A = i->k;
			break;
		case BPF_LDX | BPF_IMM:
			X = i->k;
			break;
		case BPF_LD | BPF_MEM:
			if (i->k >= 16 || !stored[i->k])
				return -1;
			A = M[i->k];
			break;
		case BPF_ST:
			if (i->k >= 16)
				return -1;
			M[i->k] = A;
			stored[i->k] = 1;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += A == i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return (long)i->k;
		default:
			return -1;
		}
		if (bad)
			return 0;	/* the kernel drops on an out-of-packet load */
	}
	return -1;
}

static void mk(struct ct *ct, uint8_t l3, uint8_t l4, const char *s,
	       const char *d, uint16_t sp, uint16_t dp)
{
	ct_init(ct);
	ct->orig.l3 = ct->reply.l3 = l3;
	ct->orig.l4 = ct->reply.l4 = l4;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4;
	if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP)
		ct->orig.present |= CT_T_SPORT | CT_T_DPORT;
	if (l4 == IPPROTO_ICMP)
		ct->orig.present |= CT_T_ICMP_TYPE | CT_T_ICMP_CODE |
				    CT_T_ICMP_ID;
	ct->reply.present = ct->orig.present;
	inet_pton(l3, s, &ct->orig.src);
	inet_pton(l3, d, &ct->orig.dst);
	ct->reply.src = ct->orig.dst;
	ct->reply.dst = ct->orig.src;
	ct->orig.sport = sp;
	ct->orig.dport = dp;
	ct->reply.sport = dp;
	ct->reply.dport = sp;
	ct->orig.icmp_type = 8;
	ct->reply.icmp_type = 0;
	ct_set(ct, CT_A_ORIG);
	ct_set(ct, CT_A_REPLY);
	ct->timeout = 30;
	ct_set(ct, CT_A_TIMEOUT);
}

/* An event message as the kernel sends it: type and flags by event. */
static uint32_t msg(const struct ct *ct, enum ct_event ev)
{
	uint16_t type = ev == CT_EV_DESTROY ? IPCTNL_MSG_CT_DELETE :
						IPCTNL_MSG_CT_NEW;
	uint16_t flags = ev == CT_EV_NEW ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = ct_nl_build(buf, sizeof(buf), type, flags, ct_l3(ct), ct, 0);
	if (!nlh)
		return 0;
	nlh->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
	return nlh->nlmsg_len;
}

static long verdict(const struct ct_bpf_spec *s, const struct ct *ct,
		    enum ct_event ev)
{
	uint32_t len;

	if (ct_bpf_compile(s, &prog) != 0)
		return -2;
	len = msg(ct, ev);
	return run(&prog, buf, len);
}

#define ACCEPTS(s, ct, ev, what) CHECK(verdict(s, ct, ev) > 0, "accepts " what)
#define REJECTS(s, ct, ev, what) CHECK(verdict(s, ct, ev) == 0, "rejects " what)

static void test_basics(void)
{
	struct ct_bpf_spec s;
	struct ct a, b, six;
	union ct_addr net;

	mk(&a, AF_INET, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 1000, 80);
	mk(&b, AF_INET, IPPROTO_UDP, "10.1.0.1", "192.168.1.9", 53, 5353);
	mk(&six, AF_INET6, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 1, 2);

	ct_bpf_spec_init(&s);
	CHECK(ct_bpf_is_empty(&s), "an empty spec is empty");
	ACCEPTS(&s, &a, CT_EV_NEW, "everything with an empty spec");

	s.family = AF_INET;
	ACCEPTS(&s, &a, CT_EV_NEW, "ipv4 with family ipv4");
	REJECTS(&s, &six, CT_EV_NEW, "ipv6 with family ipv4");

	ct_bpf_spec_init(&s);
	s.events = 1u << CT_EV_NEW | 1u << CT_EV_DESTROY;
	ACCEPTS(&s, &a, CT_EV_NEW, "NEW with NEW,DESTROY");
	REJECTS(&s, &a, CT_EV_UPDATE, "UPDATE with NEW,DESTROY");
	ACCEPTS(&s, &a, CT_EV_DESTROY, "DESTROY with NEW,DESTROY");
	s.events = 1u << CT_EV_UPDATE;
	REJECTS(&s, &a, CT_EV_NEW, "NEW with UPDATE only");
	ACCEPTS(&s, &a, CT_EV_UPDATE, "UPDATE with UPDATE only");

	ct_bpf_spec_init(&s);
	s.n_l4 = 1;
	s.l4[0] = IPPROTO_UDP;
	ACCEPTS(&s, &b, CT_EV_NEW, "udp with -p udp");
	REJECTS(&s, &a, CT_EV_NEW, "tcp with -p udp");
	s.l4_ignore = true;
	REJECTS(&s, &b, CT_EV_NEW, "udp with an udp ignore list");
	ACCEPTS(&s, &a, CT_EV_NEW, "tcp with an udp ignore list");

	ct_bpf_spec_init(&s);
	s.n_l4 = 1;
	s.l4[0] = IPPROTO_TCP;
	s.orig.present = CT_T_DPORT;
	s.orig.dport = 80;
	ACCEPTS(&s, &a, CT_EV_NEW, "dport 80");
	s.orig.dport = 81;
	REJECTS(&s, &a, CT_EV_NEW, "dport 80 against 81");
	s.orig.present = 0;
	s.reply.present = CT_T_SPORT;
	s.reply.sport = 80;
	ACCEPTS(&s, &a, CT_EV_NEW, "reply sport 80");

	ct_bpf_spec_init(&s);
	s.n_addr = 1;
	s.addr[0].where = CT_BPF_ORIG_SRC;
	inet_pton(AF_INET, "10.0.0.0", &net);
	ct_bpf_add_net(&s.addr[0], AF_INET, &net, 16);
	ACCEPTS(&s, &a, CT_EV_NEW, "10.0.0.1 in 10.0.0.0/16");
	REJECTS(&s, &b, CT_EV_NEW, "10.1.0.1 in 10.0.0.0/16");
	REJECTS(&s, &six, CT_EV_NEW, "ipv6 in an ipv4-only accept list");
	s.addr[0].ignore = true;
	REJECTS(&s, &a, CT_EV_NEW, "10.0.0.1 with 10.0.0.0/16 ignored");
	ACCEPTS(&s, &b, CT_EV_NEW, "10.1.0.1 with 10.0.0.0/16 ignored");
	s.addr[0].ignore = false;
	s.addr[0].where = CT_BPF_REPL_DST | CT_BPF_ORIG_DST;
	inet_pton(AF_INET, "192.168.1.9", &net);
	s.addr[0].n = 0;
	ct_bpf_add_net(&s.addr[0], AF_INET, &net, -1);
	ACCEPTS(&s, &b, CT_EV_NEW, "orig dst 192.168.1.9 exact");
	REJECTS(&s, &a, CT_EV_NEW, "10.0.0.2 against 192.168.1.9");
	inet_pton(AF_INET6, "2001:db8::", &net);
	ct_bpf_add_net(&s.addr[0], AF_INET6, &net, 64);
	ACCEPTS(&s, &six, CT_EV_NEW, "2001:db8::2 in 2001:db8::/64");
	inet_pton(AF_INET6, "2001:db9::", &net);
	s.addr[0].n = 0;
	ct_bpf_add_net(&s.addr[0], AF_INET6, &net, 32);
	REJECTS(&s, &six, CT_EV_NEW, "2001:db8::2 in 2001:db9::/32");
	CHECK(ct_bpf_add_net(&s.addr[0], AF_INET, &net, 33) == -EINVAL,
	      "a /33 ipv4 prefix is refused");

	ct_bpf_spec_init(&s);
	s.mark = true;
	s.mark_val = 0x10;
	s.mark_mask = 0xf0;
	a.mark = 0x1f;
	ct_set(&a, CT_A_MARK);
	ACCEPTS(&s, &a, CT_EV_NEW, "mark 0x1f with 0x10/0xf0");
	a.mark = 0x2f;
	REJECTS(&s, &a, CT_EV_NEW, "mark 0x2f with 0x10/0xf0");
	ct_unset(&a, CT_A_MARK);
	ACCEPTS(&s, &a, CT_EV_NEW, "an event without CTA_MARK (widening)");

	ct_bpf_spec_init(&s);
	s.zone = true;
	s.zone_val = 7;
	a.zone = 7;
	ct_set(&a, CT_A_ZONE);
	ACCEPTS(&s, &a, CT_EV_NEW, "zone 7 with -w 7");
	a.zone = 8;
	REJECTS(&s, &a, CT_EV_NEW, "zone 8 with -w 7");
	ct_unset(&a, CT_A_ZONE);
	ACCEPTS(&s, &a, CT_EV_NEW, "an event without CTA_ZONE (widening)");

	/* a message without tuples passes every tuple check */
	ct_bpf_spec_init(&s);
	s.n_l4 = 1;
	s.l4[0] = IPPROTO_SCTP;
	ct_init(&b);
	b.mark = 1;
	ct_set(&b, CT_A_MARK);
	ACCEPTS(&s, &b, CT_EV_NEW, "a message without tuples (widening)");
}

static void test_limits(void)
{
	struct ct_bpf_spec *s = calloc(1, sizeof(*s));
	union ct_addr a;
	unsigned int i, j;
	int r;

	s->n_addr = CT_BPF_MAX_ADDR;
	for (i = 0; i < CT_BPF_MAX_ADDR; i++) {
		s->addr[i].where = 0xf;
		for (j = 0; j < CT_BPF_MAX_NETS; j++) {
			memset(&a, (int)j, sizeof(a));
			ct_bpf_add_net(&s->addr[i], j & 1 ? AF_INET6 : AF_INET,
				       &a, 100 - (int)j);
		}
	}
	r = ct_bpf_compile(s, &prog);
	CHECK(r == -E2BIG, "an oversized program is refused, not truncated");
	CHECK(prog.len <= CT_BPF_MAX_INSNS, "and nothing was written past the end");
	s->n_l4 = CT_BPF_MAX_L4 + 1;
	CHECK(ct_bpf_compile(s, &prog) == -EINVAL, "too many protocols: EINVAL");
	free(s);
}

/* The program must accept every entry ct_filter_match() accepts. */
static void test_widen_only(void)
{
	static const uint8_t l4s[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	static const char *const addrs[] = { "10.0.0.1", "10.0.0.2", "10.0.1.1" };
	struct ct_bpf_spec s;
	struct ct_filter f;
	struct ct ct;
	unsigned int n, wrong = 0, dropped = 0, kept = 0;

	srand(7);
	for (n = 0; n < 4000; n++) {
		uint8_t l4 = l4s[rand() % 3];
		long v;

		mk(&ct, AF_INET, l4, addrs[rand() % 3], addrs[rand() % 3],
		   (uint16_t)(rand() % 3), (uint16_t)(rand() % 3));
		if (rand() % 2) {
			ct.mark = (uint32_t)(rand() % 4);
			ct_set(&ct, CT_A_MARK);
		}
		ct_filter_init(&f);
		f.family = AF_INET;
		if (rand() % 2) {
			f.cmp = true;
			f.tmpl.orig.l3 = AF_INET;
			f.tmpl.orig.l4 = l4s[rand() % 3];
			f.tmpl.orig.present |= CT_T_L4;
			if (rand() % 2) {
				f.tmpl.orig.present |= CT_T_SRC;
				inet_pton(AF_INET, addrs[rand() % 3],
					  &f.tmpl.orig.src);
			}
			if (rand() % 2 && f.tmpl.orig.l4 != IPPROTO_ICMP) {
				f.tmpl.orig.present |= CT_T_DPORT;
				f.tmpl.orig.dport = (uint16_t)(rand() % 3);
			}
			ct_set(&f.tmpl, CT_A_ORIG);
		}
		if (rand() % 3 == 0) {
			f.mark = true;
			f.mark_val = (uint32_t)(rand() % 4);
			f.mark_mask = 0xffffffffu;
		}
		ct_bpf_from_filter(&s, &f, AF_INET);
		v = verdict(&s, &ct, CT_EV_NEW);
		if (v < 0)
			wrong++;
		else if (v == 0 && ct_filter_match(&f, &ct))
			wrong++;
		else if (v == 0)
			dropped++;
		else
			kept++;
	}
	CHECK_EQ(wrong, 0, "never rejects what user space accepts (4000 cases)");
	CHECK(dropped > 500, "and does drop a real share in the kernel (%u)",
	      dropped);
	(void)kept;
}

int main(void)
{
	test_basics();
	test_limits();
	test_widen_only();
	T_DONE();
}
