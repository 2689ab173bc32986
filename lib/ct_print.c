/* struct ct -> the default ("/proc-like") and extended text lines of
 * conntrack 1.4.7.  This is the hot path of a dump: no printf. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "addr.h"
#include "ct_print.h"
#include "labelmap.h"
#include "out.h"
#include "ct_print_put.h"

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};
static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

#define NAME_OF(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : tab[0])

const char *ct_tcp_state_name(uint8_t s)
{
	return NAME_OF(tcp_states, s);
}

const char *ct_sctp_state_name(uint8_t s)
{
	return NAME_OF(sctp_states, s);
}

const char *ct_dccp_state_name(uint8_t s)
{
	return NAME_OF(dccp_states, s);
}

const char *ct_l3_name(uint8_t l3)
{
	switch (l3) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	}
	return "unknown";
}

const char *ct_l4_name(uint8_t l4)
{
	switch (l4) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_GRE:
		return "gre";
	case IPPROTO_DCCP:
		return "dccp";
	}
	return "unknown";
}

const char *ct_addr_str(uint8_t l3, const union ct_addr *a, char *buf,
			size_t len)
{
	char tmp[ADDR_STRLEN];

	addr_fmt(tmp, l3, a);
	snprintf(buf, len, "%s", tmp);
	return buf;
}

/* "%-8s %u " */
static void put_name_num(struct out *o, const char *name, unsigned int num)
{
	size_t n = strlen(name);

	put(o, name, n);
	while (n++ < 8)
		put_c(o, ' ');
	put_c(o, ' ');
	put_u64(o, num);
	put_c(o, ' ');
}

static void put_addrs(struct out *o, const struct ct_tuple *t, uint8_t l3)
{
	if (l3 != AF_INET && l3 != AF_INET6)
		return;
	PUTS(o, "src=");
	put_addr(o, l3, &t->src);
	PUTS(o, " dst=");
	put_addr(o, l3, &t->dst);
	put_c(o, ' ');
}

static void put_counters(struct out *o, const struct ct_counters *c)
{
	PUTS(o, "packets=");
	put_u64(o, c->packets);
	PUTS(o, " bytes=");
	put_u64(o, c->bytes);
	put_c(o, ' ');
}

static void put_kv(struct out *o, const char *key, size_t klen, uint64_t v)
{
	put(o, key, klen);
	put_u64(o, v);
	put_c(o, ' ');
}

#define KV(o, lit, v) put_kv(o, lit, sizeof(lit) - 1, v)

/* ctime() text without its newline, local time zone, as upstream. */
static void put_ctime(struct out *o, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char buf[64];
	size_t n;

	if (!localtime_r(&t, &tm) || !(n = strftime(buf, sizeof(buf),
						    "%a %b %e %H:%M:%S %Y", &tm)))
		return;
	put(o, buf, n);
}

static void put_labels(struct out *o, const struct ct *ct,
		       const struct labelmap *m)
{
	unsigned int bit, nbits = (unsigned int)ct->labels_len * 8;
	size_t start = o->len;

	if (nbits > CT_LABEL_WORDS * 32)
		nbits = CT_LABEL_WORDS * 32;
	PUTS(o, "labels=");
	for (bit = 0; bit < nbits; bit++) {
		const char *name;

		if (!(ct->labels[bit / 32] & (1u << (bit % 32))))
			continue;
		name = labelmap_name(m, bit);
		if (!name)
			continue;
		put_str(o, name);
		put_c(o, ',');
	}
	/* The library overwrites the last character with the separator: a
	 * list without any named bit loses its '=' that way. */
	put_over_last(o, start, ' ');
}

static void put_tcp_flags_state(struct out *o, const struct ct *ct, uint8_t l4)
{
	if (l4 == IPPROTO_TCP && ct_has(ct, CT_A_TCP_STATE)) {
		put_str(o, ct_tcp_state_name(ct->tcp.state));
		put_c(o, ' ');
	} else if (l4 == IPPROTO_SCTP && ct_has(ct, CT_A_SCTP_STATE)) {
		put_str(o, ct_sctp_state_name(ct->sctp.state));
		put_c(o, ' ');
	} else if (l4 == IPPROTO_DCCP && ct_has(ct, CT_A_DCCP_STATE)) {
		put_str(o, ct_dccp_state_name(ct->dccp.state));
		put_c(o, ' ');
	}
}

static void text_record(struct out *o, const void *rec, const void *arg)
{
	const struct ct *ct = rec;
	const struct ct_print_opts *po = arg;
	uint8_t l3 = ct_l3(ct), l4 = ct_l4(ct);
	size_t mark;

	/* -E -o timestamp: "[%-.8ld.%-.6ld]\t" of the print time */
	if (po->ev != CT_EV_NONE && (po->flags & CT_OF_TIMESTAMP)) {
		uint64_t now = ct_print_now(po);

		put_c(o, '[');
		put_u64_pad(o, now / 1000000000ull, 8, '0');
		put_c(o, '.');
		put_u64_pad(o, now % 1000000000ull / 1000, 6, '0');
		PUTS(o, "]\t");
	}
	mark = o->len;
	put_event_prefix(o, po->ev);
	if (po->flags & CT_OF_EXTENDED)
		put_name_num(o, ct_l3_name(l3), l3);
	put_name_num(o, ct_l4_name(l4), l4);
	if (ct_has(ct, CT_A_TIMEOUT))
		KV(o, "", ct->timeout);
	put_tcp_flags_state(o, ct, l4);

	put_addrs(o, &ct->orig, l3);
	put_l4_text(o, &ct->orig, l4);
	if (ct->orig.present & CT_T_ZONE)
		KV(o, "zone-orig=", ct->orig.zone);
	if (ct_has(ct, CT_A_COUNTERS_ORIG))
		put_counters(o, &ct->counters[0]);
	if (ct_has(ct, CT_A_STATUS) && !(ct->status & CT_S_SEEN_REPLY))
		PUTS(o, "[UNREPLIED] ");

	/* the kernel always has a reply tuple; a flow from the sync wire
	 * has none, and 1.4.7 then prints none */
	if (ct->reply.present & (CT_T_SRC | CT_T_DST)) {
		put_addrs(o, &ct->reply, l3);
		put_l4_text(o, &ct->reply, l4);
	}
	if (ct->reply.present & CT_T_ZONE)
		KV(o, "zone-reply=", ct->reply.zone);
	if (ct_has(ct, CT_A_COUNTERS_REPLY))
		put_counters(o, &ct->counters[1]);

	if (ct_has(ct, CT_A_STATUS)) {
		if (ct->status & CT_S_HW_OFFLOAD)
			PUTS(o, "[HW_OFFLOAD] ");
		else if (ct->status & CT_S_OFFLOAD)
			PUTS(o, "[OFFLOAD] ");
		else if (ct->status & CT_S_ASSURED)
			PUTS(o, "[ASSURED] ");
	}
	if (ct_has(ct, CT_A_MARK))
		KV(o, "mark=", ct->mark);
	if (ct_has(ct, CT_A_SECMARK))
		KV(o, "secmark=", ct->secmark);
	if (ct_has(ct, CT_A_SECCTX)) {
		PUTS(o, "secctx=");
		put_str(o, ct->secctx);
		put_c(o, ' ');
	}
	if (ct_has(ct, CT_A_ZONE))
		KV(o, "zone=", ct->zone);
	if (ct_has(ct, CT_A_TS_START)) {
		/* as the library: whole seconds of stop - start, or
		 * time(NULL) - start seconds while the entry lives */
		uint64_t d = ct_has(ct, CT_A_TS_STOP) ?
			ct->ts_stop / 1000000000ull -
			ct->ts_start / 1000000000ull :
			ct_print_now(po) / 1000000000ull -
			ct->ts_start / 1000000000ull;

		KV(o, "delta-time=", d);
	}
	if (po->flags & CT_OF_KTIMESTAMP) {
		if (ct_has(ct, CT_A_TS_START)) {
			PUTS(o, "[start=");
			put_ctime(o, ct->ts_start);
			PUTS(o, "] ");
		}
		if (ct_has(ct, CT_A_TS_STOP)) {
			PUTS(o, "[stop=");
			put_ctime(o, ct->ts_stop);
			PUTS(o, "] ");
		}
	}
	if (ct_has(ct, CT_A_HELPER)) {
		PUTS(o, "helper=");
		put_str(o, ct->helper);
		put_c(o, ' ');
	}
	if (ct_has(ct, CT_A_USE))
		KV(o, "use=", ct->use);
	if ((po->flags & CT_OF_ID) && ct_has(ct, CT_A_ID))
		KV(o, "id=", ct->id);
	if (po->labels && ct_has(ct, CT_A_LABELS))
		put_labels(o, ct, po->labels);
	out_trim_space(o, mark);
	put_userspace(o, po->portid, po->progname);
	put_c(o, '\n');
}

void ct_print_text(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po)
{
	out_record(o, text_record, ct, po);
}

void ct_print(struct out *o, const struct ct *ct, const struct ct_print_opts *po)
{
	if (po->flags & CT_OF_SAVE)
		ct_print_save(o, ct, po);
	else if (po->flags & CT_OF_JSON)
		ct_print_json(o, ct, po);
	else if (po->flags & CT_OF_XML)
		ct_print_xml(o, ct, po);
	else
		ct_print_text(o, ct, po);
}
