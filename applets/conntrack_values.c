/* The values of conntrack's options, parsed as 1.4.7 parses them:
 * addresses and CIDR masks, NAT, the keyword lists of -u -e -o, the
 * protocol of -p and its own options, zones. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conntrack_args.h"
#include "lib/addr_parse.h"
#include "lib/err.h"
#include "lib/proto.h"

/* An optional argument: an attached one is dropped (1.4.7), else the
 * next word unless it looks like an option. */
const char *arg_optional(struct parse *p)
{
	const char *w;

	if (p->st.arg)
		return NULL;
	if (p->st.ind >= p->argc)
		return NULL;
	w = p->argv[p->st.ind];
	if (w[0] == '-' || w[0] == '!')
		return NULL;
	p->st.ind++;
	return w;
}

void arg_family(struct parse *p, int fam)
{
	if (p->family == AF_UNSPEC)
		p->family = fam;
	else if (p->family != fam)
		PARAM("mismatched address family");
}

/* Which tuple an address option writes and its CIDR companion. */
static struct ct_tuple *addr_tuple(struct parse *p, int c, int *maskopt)
{
	struct ct *t = &p->cmd->tmpl;

	*maskopt = 0;
	switch (c) {
	case 's':
		*maskopt = '{';
		return &t->orig;
	case 'd':
		*maskopt = '}';
		return &t->orig;
	case 'r':
	case 'q':
		return &t->reply;
	case '[':
		*maskopt = '{';
		return &p->cmd->exp.tuple;
	case ']':
		*maskopt = '}';
		return &p->cmd->exp.tuple;
	default:
		return &p->mask;
	}
}

/* -s -d -r -q --tuple-* --mask-* and the address of -n/-g/-j. */
void arg_address(struct parse *p, int c, const char *arg,
			  union ct_addr *nat_addr)
{
	union ct_addr a;
	int bits, maskopt, fam;
	struct ct_tuple *t;

	fam = addr_parse_cidr(arg, &a, &bits);
	if (!fam)
		PARAM("Invalid IP address `%s'", arg);
	arg_family(p, fam);
	t = addr_tuple(p, c, &maskopt);
	if (nat_addr)
		maskopt = 0;
	if (bits != ADDR_NO_MASK && !maskopt)
		PARAM("CIDR notation unavailable for `--%s'", opt_long_name(c));
	if (bits == ADDR_BAD_MASK)
		PARAM("Invalid netmask");
	p->options |= opt_bit(c);
	if (nat_addr) {
		*nat_addr = a;
		p->cmd->tmpl.orig.l3 = (uint8_t)fam;
		return;
	}
	t->l3 = (uint8_t)fam;
	if (c == 's' || c == '[' || c == '{' || c == 'r') {
		t->src = a;
		t->present |= CT_T_SRC;
	} else {
		t->dst = a;
		t->present |= CT_T_DST;
	}
	if (bits == ADDR_NO_MASK || !maskopt ||
	    bits == (fam == AF_INET ? 32 : 128))
		return;
	addr_netmask((uint8_t)fam, bits, &a);
	p->mask.l3 = (uint8_t)fam;
	if (maskopt == '{') {
		p->mask.src = a;
		p->mask.present |= CT_T_SRC;
	} else {
		p->mask.dst = a;
		p->mask.present |= CT_T_DST;
	}
	p->options |= opt_bit(maskopt);
}

/* -n/-g/-j [ADDR[:PORT]] */
void arg_nat(struct parse *p, int c)
{
	const char *arg, *addr, *port;
	size_t alen;
	char *copy;
	union ct_addr a;
	struct ct_nat nat;

	p->options |= opt_bit(c);
	arg = arg_optional(p);
	if (!arg)
		return;
	switch (addr_split_nat(arg, &addr, &alen, &port)) {
	case NAT_SPLIT_NO_V6:
		PARAM("No IPv6 address specified");
	case NAT_SPLIT_NO_CLOSE:
		PARAM("No closing ']' around IPv6 address");
	case NAT_SPLIT_NO_PORT:
		PARAM("No port specified after `:'");
	case NAT_SPLIT_BAD_PORT:
		PARAM("Invalid port `%s'", port);
	default:
		break;
	}
	copy = strndup(addr, alen);
	if (!copy)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	arg_address(p, c, copy, &a);
	free(copy);
	memset(&nat, 0, sizeof(nat));
	nat.min = nat.max = a;
	nat.l3 = (uint8_t)p->family;
	if (port) {
		nat.has_port = true;
		nat.port_min = nat.port_max = (uint16_t)atoi(port);
	}
	if (c == 'n' || c == 'j') {
		p->nat_s = nat;
		p->nat_s_set = true;
	}
	if (c == 'g' || c == 'j') {
		p->nat_d = nat;
		p->nat_d_set = true;
	}
}

/* "-u/-e/-o" word lists: case-insensitive prefixes, first hit wins,
 * SRC_NAT/DST_NAT prefixes only warn. */
bool arg_keyword(const char *s, size_t n, const struct keyword *k,
		    uint32_t *val)
{
	if (strncasecmp(s, "SRC_NAT", n) == 0) {
		say_err("WARNING: ignoring SRC_NAT, use --src-nat instead");
		return true;
	}
	if (strncasecmp(s, "DST_NAT", n) == 0) {
		say_err("WARNING: ignoring DST_NAT, use --dst-nat instead");
		return true;
	}
	for (; k->name; k++) {
		if (strncasecmp(s, k->name, n) == 0) {
			*val |= k->val;
			return true;
		}
	}
	return false;
}

void arg_list(const char *arg, const struct keyword *k,
		       uint32_t *val)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !arg_keyword(arg, (size_t)(comma - arg), k, val))
			PARAM("Bad parameter `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !arg_keyword(arg, strlen(arg), k, val))
		PARAM("Bad parameter `%s'", arg);
}

/* -u: "!X" goes to the mask only; "UNREPLIED..." means SEEN_REPLY
 * must be clear. */
void arg_status(struct parse *p, const char *arg)
{
	static const char unreplied[] = "UNREPLIED";
	const char *comma, *end;
	bool neg;

	for (;;) {
		comma = strchr(arg, ',');
		if (comma == arg)
			PARAM("Bad parameter `%s'", arg);
		neg = *arg == '!';
		if (neg)
			arg++;
		end = comma ? comma : arg + strlen(arg);
		if (end == arg)
			PARAM("Bad parameter `%s'", arg);
		if (!neg && strncmp(arg, unreplied, strlen(unreplied)) == 0) {
			p->kstatus_mask |= CT_S_SEEN_REPLY;
		} else if (!arg_keyword(arg, (size_t)(end - arg), ct_status_words,
				    neg ? &p->kstatus_mask : &p->status)) {
			PARAM("Bad parameter `%s'", arg);
		}
		if (!comma)
			break;
		arg = comma + 1;
	}
}

/* -p: the protocol's options join the long-option table. */
void arg_proto(struct parse *p, const char *arg)
{
	const struct proto *h;
	struct opt_long *n;
	size_t i;

	p->options |= 1u << OPT_PROTO;
	h = proto_find(arg, &p->protonum);
	if (!h)
		PARAM("`%s' unsupported protocol", arg);
	p->h = h;
	p->cmd->proto_name = arg;
	p->gens++;
	p->h_offset = PROTO_OFFSET * p->gens;
	n = realloc(p->lopts, (p->nlopts + h->nopts) * sizeof(*n));
	if (!n)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	p->lopts = n;
	for (i = 0; i < h->nopts; i++) {
		n[p->nlopts] = h->opts[i];
		n[p->nlopts].val += (int)p->h_offset;
		p->nlopts++;
	}
	p->cmd->tmpl.orig.l4 = p->protonum;
	p->cmd->tmpl.orig.present |= CT_T_L4;
}

static uint16_t port_arg(const struct proto *h, const char *arg)
{
	if (h->num == IPPROTO_GRE)
		return (uint16_t)strtoul(arg, NULL, 0);
	return (uint16_t)atoi(arg);
}

/* One option of the current protocol handler.  Options merged for an
 * earlier -p map onto the current handler by their index, as upstream's
 * char-typed option codes do. */
void arg_proto_opt(struct parse *p, int val, const char *arg)
{
	const struct proto *h = p->h;
	struct ct *t = &p->cmd->tmpl;
	struct exp *e = &p->cmd->exp;
	unsigned int idx = (unsigned int)val & 0xff;
	uint16_t port;
	int s;

	if (!h || idx >= h->nflags || !arg)
		return;
	switch (h->kinds[idx]) {
	case PK_SPORT:
		t->orig.sport = port_arg(h, arg);
		t->orig.present |= CT_T_SPORT;
		break;
	case PK_DPORT:
		t->orig.dport = port_arg(h, arg);
		t->orig.present |= CT_T_DPORT;
		break;
	case PK_RSPORT:
		t->reply.sport = port_arg(h, arg);
		t->reply.present |= CT_T_SPORT | CT_T_L4;
		t->reply.l4 = p->protonum;
		break;
	case PK_RDPORT:
		t->reply.dport = port_arg(h, arg);
		t->reply.present |= CT_T_DPORT | CT_T_L4;
		t->reply.l4 = p->protonum;
		break;
	case PK_MASK_SPORT:
		p->mask.sport = port_arg(h, arg);
		p->mask.present |= CT_T_SPORT | CT_T_L4;
		p->mask.l4 = p->protonum;
		break;
	case PK_MASK_DPORT:
		p->mask.dport = port_arg(h, arg);
		p->mask.present |= CT_T_DPORT | CT_T_L4;
		p->mask.l4 = p->protonum;
		break;
	case PK_TUPLE_SPORT:
	case PK_TUPLE_DPORT:
		port = port_arg(h, arg);
		e->tuple.present |= CT_T_L4;
		/* 1.4.7 stores a tcp/sctp/dccp port as the protocol number
		 * (spec §11.2 item 10); we keep the port (h7, issue 4) */
		e->tuple.l4 = p->protonum;
		if (h->kinds[idx] == PK_TUPLE_SPORT) {
			e->tuple.sport = port;
			e->tuple.present |= CT_T_SPORT;
		} else {
			e->tuple.dport = port;
			e->tuple.present |= CT_T_DPORT;
		}
		break;
	case PK_STATE:
		s = proto_state(h, arg);
		if (s < 0)
			PARAM(h->state_err, arg);
		if (h->num == IPPROTO_TCP) {
			t->tcp.state = (uint8_t)s;
			ct_set(t, CT_A_TCP_STATE);
		} else if (h->num == IPPROTO_SCTP) {
			t->sctp.state = (uint8_t)s;
			ct_set(t, CT_A_SCTP_STATE);
		} else {
			t->dccp.state = (uint8_t)s;
			ct_set(t, CT_A_DCCP_STATE);
		}
		break;
	/* 1.4.7 swaps the tag's byte order once more than the wire needs, so
	 * the kernel holds bswap(N) for --orig-vtag N and -o save prints N
	 * back.  Entries made by either tool must look alike: do the same. */
	case PK_ORIG_VTAG:
		t->sctp.vtag[CT_DIR_ORIG] = __builtin_bswap32((uint32_t)atoi(arg));
		ct_set(t, CT_A_SCTP_VTAG_ORIG);
		break;
	case PK_REPLY_VTAG:
		t->sctp.vtag[CT_DIR_REPLY] = __builtin_bswap32((uint32_t)atoi(arg));
		ct_set(t, CT_A_SCTP_VTAG_REPLY);
		break;
	case PK_ROLE:
		if (strncasecmp(arg, "client", strlen(arg)) == 0)
			t->dccp.role = 0;
		else if (strncasecmp(arg, "server", strlen(arg)) == 0)
			t->dccp.role = 1;
		else
			PARAM("Unknown DCCP role `%s'", arg);
		ct_set(t, CT_A_DCCP_ROLE);
		break;
	case PK_ICMP_TYPE:
		t->orig.icmp_type = (uint8_t)atoi(arg);
		t->orig.present |= CT_T_ICMP_TYPE;
		break;
	case PK_ICMP_CODE:
		t->orig.icmp_code = (uint8_t)atoi(arg);
		t->orig.present |= CT_T_ICMP_CODE;
		break;
	case PK_ICMP_ID:
		t->orig.icmp_id = (uint16_t)atoi(arg);
		t->orig.present |= CT_T_ICMP_ID;
		break;
	}
	p->l4flags |= 1u << idx;
}

uint16_t arg_zone(const char *arg)
{
	return (uint16_t)strtoul(arg, NULL, 0);
}
