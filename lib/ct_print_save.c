/* struct ct -> a conntrack command line (-o save) that -R loads back,
 * byte-identical to conntrack-tools 1.4.7.  What the kernel did not send
 * is left out; mark, labels, NAT ports, helper, timestamps and counters
 * are never saved (1.4.7 does not). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ct_print.h"
#include "ct_print_put.h"

bool ct_save_supported(const struct ct *ct)
{
	uint8_t l3 = ct->orig.l3 ? ct->orig.l3 : ct->reply.l3;

	return l3 == AF_INET || l3 == AF_INET6;
}

static void put_opt_u64(struct out *o, const char *opt, size_t n, uint64_t v)
{
	put(o, opt, n);
	put_u64(o, v);
	put_c(o, ' ');
}

#define OPT(o, lit, v) put_opt_u64(o, lit " ", sizeof(lit), v)

static void put_opt_str(struct out *o, const char *opt, size_t n,
			const char *s)
{
	put(o, opt, n);
	put_str(o, s);
	put_c(o, ' ');
}

#define OPT_S(o, lit, s) put_opt_str(o, lit " ", sizeof(lit), s)

/* -u: the four bits conntrack -u accepts back, in bit order. */
static void put_status(struct out *o, uint32_t status)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} map[] = {
		{ CT_S_EXPECTED, "EXPECTED" },
		{ CT_S_SEEN_REPLY, "SEEN_REPLY" },
		{ CT_S_ASSURED, "ASSURED" },
		{ CT_S_FIXED_TIMEOUT, "FIXED_TIMEOUT" },
	};
	bool any = false;
	size_t i, mark;

	PUTS(o, "-u ");
	mark = o->len;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!(status & map[i].bit))
			continue;
		put(o, map[i].name, strlen(map[i].name));
		put_c(o, ',');
		any = true;
	}
	if (any)
		put_over_last(o, mark, ' ');
	else
		PUTS(o, "UNSET ");
}

static void put_opt_addr(struct out *o, const char *opt, uint8_t l3,
			 const union ct_addr *a)
{
	put(o, opt, 3);
	put_addr(o, l3, a);
	put_c(o, ' ');
}

/* Ports and GRE keys share the tuple fields; only the options differ. */
static const char *const port_opts[4] = {
	"--sport ", "--dport ", "--reply-port-src ", "--reply-port-dst ",
};
static const char *const key_opts[4] = {
	"--srckey ", "--dstkey ", "--reply-key-src ", "--reply-key-dst ",
};

static void put_ports(struct out *o, const struct ct *ct,
		      const char *const opt[4])
{
	const struct ct_tuple *t[2] = { &ct->orig, &ct->reply };
	int i;

	for (i = 0; i < 2; i++) {
		if (t[i]->present & CT_T_SPORT)
			put_opt_u64(o, opt[2 * i], strlen(opt[2 * i]),
				    t[i]->sport);
		if (t[i]->present & CT_T_DPORT)
			put_opt_u64(o, opt[2 * i + 1], strlen(opt[2 * i + 1]),
				    t[i]->dport);
	}
}

static void put_icmp(struct out *o, const struct ct_tuple *t, bool v6)
{
	if (t->present & CT_T_ICMP_TYPE) {
		if (v6)
			OPT(o, "--icmpv6-type", t->icmp_type);
		else
			OPT(o, "--icmp-type", t->icmp_type);
	}
	if (t->present & CT_T_ICMP_CODE) {
		if (v6)
			OPT(o, "--icmpv6-code", t->icmp_code);
		else
			OPT(o, "--icmp-code", t->icmp_code);
	}
	if (t->present & CT_T_ICMP_ID) {
		if (v6)
			OPT(o, "--icmpv6-id", t->icmp_id);
		else
			OPT(o, "--icmp-id", t->icmp_id);
	}
}

static void put_proto(struct out *o, const struct ct *ct)
{
	uint8_t l4 = ct_l4(ct);

	switch (l4) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_GRE:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		PUTS(o, "-p ");
		put_str(o, ct_l4_name(l4));
		put_c(o, ' ');
		break;
	default:
		OPT(o, "-p", l4);
		return;
	}
	switch (l4) {
	case IPPROTO_TCP:
		put_ports(o, ct, port_opts);
		if (ct_has(ct, CT_A_TCP_STATE))
			OPT_S(o, "--state", ct_tcp_state_name(ct->tcp.state));
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		put_ports(o, ct, port_opts);
		break;
	case IPPROTO_SCTP:
		put_ports(o, ct, port_opts);
		if (ct_has(ct, CT_A_SCTP_STATE))
			OPT_S(o, "--state", ct_sctp_state_name(ct->sctp.state));
		/* 1.4.7 converts the tag twice on each way: it prints the
		 * kernel's tag byte-swapped, and -I sends it unswapped */
		if (ct_has(ct, CT_A_SCTP_VTAG_ORIG))
			OPT(o, "--orig-vtag", htonl(ct->sctp.vtag[0]));
		if (ct_has(ct, CT_A_SCTP_VTAG_REPLY))
			OPT(o, "--reply-vtag", htonl(ct->sctp.vtag[1]));
		break;
	case IPPROTO_DCCP:
		put_ports(o, ct, port_opts);
		if (ct_has(ct, CT_A_DCCP_STATE))
			OPT_S(o, "--state", ct_dccp_state_name(ct->dccp.state));
		if (ct_has(ct, CT_A_DCCP_ROLE))
			OPT_S(o, "--role", ct->dccp.role == 0 ? "client" :
			      ct->dccp.role == 1 ? "server" : "(null)");
		break;
	case IPPROTO_GRE:
		put_ports(o, ct, key_opts);
		break;
	case IPPROTO_ICMP:
		put_icmp(o, &ct->orig, false);
		break;
	case IPPROTO_ICMPV6:
		put_icmp(o, &ct->orig, true);
		break;
	}
}

static void save_record(struct out *o, const void *rec, const void *arg)
{
	const struct ct *ct = rec;
	const struct ct_print_opts *po = arg;
	const char *prefix = po->save_prefix ? po->save_prefix : "-A";
	uint8_t l3 = ct->orig.l3 ? ct->orig.l3 : ct->reply.l3;
	size_t mark = o->len;

	put_str(o, prefix);
	put_c(o, ' ');
	if (ct_has(ct, CT_A_TIMEOUT))
		OPT(o, "-t", ct->timeout);
	if (ct_has(ct, CT_A_STATUS))
		put_status(o, ct->status);
	if (ct_has(ct, CT_A_SECMARK))
		OPT(o, "-c", ct->secmark);
	if (ct_has(ct, CT_A_ZONE))
		OPT(o, "-w", ct->zone);
	if (ct->orig.present & CT_T_ZONE)
		OPT(o, "--orig-zone", ct->orig.zone);
	if (ct->reply.present & CT_T_ZONE)
		OPT(o, "--reply-zone", ct->reply.zone);
	if (l3 != AF_INET && l3 != AF_INET6) {
		/* 1.4.7 warns (the caller's job, see ct_save_supported()) and
		 * prints what it had so far, untrimmed. */
		goto out;
	}
	if (ct->orig.present & CT_T_SRC)
		put_opt_addr(o, "-s ", l3, &ct->orig.src);
	if (ct->orig.present & CT_T_DST)
		put_opt_addr(o, "-d ", l3, &ct->orig.dst);
	if (ct->reply.present & CT_T_SRC)
		put_opt_addr(o, ct_is_dnat(ct) ? "-g " : "-r ", l3,
			     &ct->reply.src);
	if (ct->reply.present & CT_T_DST)
		put_opt_addr(o, ct_is_snat(ct) ? "-n " : "-q ", l3,
			     &ct->reply.dst);
	put_proto(o, ct);
	out_trim_space(o, mark);
out:
	put_userspace(o, po->portid, po->progname);
	put_c(o, '\n');
}

void ct_print_save(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po)
{
	out_record(o, save_record, ct, po);
}
