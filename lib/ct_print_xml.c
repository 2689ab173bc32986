/* struct ct -> one <flow> element of conntrack -o xml, byte-identical to
 * libnetfilter_conntrack 1.0.9 as conntrack-tools 1.4.7 prints it,
 * including its quirks (they are part of the format people parse):
 *  - SCTP and DCCP <state> use the TCP state names;
 *  - ICMP tuples print an empty <layer4>, and no offload marker exists;
 *  - <counters> appear in both directions when the original ones exist;
 *  - <id> whenever the kernel sent one, without -o id;
 *  - nothing is escaped (secctx, helper and label names are printed raw).
 * Hot path of -L -o xml: no printf. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "ct_print.h"
#include "ct_print_put.h"
#include "labelmap.h"

void ct_print_xml_when(struct out *o, uint64_t now_ns)
{
	time_t t = (time_t)(now_ns / 1000000000ull);
	struct tm tm;

	/* upstream skips the element when localtime fails */
	if (!localtime_r(&t, &tm))
		return;
	PUTS(o, "<when><hour>");
	put_u64(o, (uint64_t)tm.tm_hour);
	PUTS(o, "</hour><min>");
	put_u64_pad(o, (uint64_t)tm.tm_min, 2, '0');
	PUTS(o, "</min><sec>");
	put_u64_pad(o, (uint64_t)tm.tm_sec, 2, '0');
	PUTS(o, "</sec><wday>");
	put_u64(o, (uint64_t)tm.tm_wday + 1);
	PUTS(o, "</wday><day>");
	put_u64(o, (uint64_t)tm.tm_mday);
	PUTS(o, "</day><month>");
	put_u64(o, (uint64_t)tm.tm_mon + 1);
	PUTS(o, "</month><year>");
	put_u64(o, (uint64_t)tm.tm_year + 1900);
	PUTS(o, "</year></when>");
}

void ct_print_xml_addrs(struct out *o, const struct ct_tuple *t)
{
	bool ip = t->l3 == AF_INET || t->l3 == AF_INET6;

	PUTS(o, "<src>");
	if (ip)
		put_addr(o, t->l3, &t->src);
	PUTS(o, "</src><dst>");
	if (ip)
		put_addr(o, t->l3, &t->dst);
	PUTS(o, "</dst>");
}

void ct_print_xml_l4(struct out *o, const struct ct_tuple *t)
{
	switch (t->l4) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		PUTS(o, "<sport>");
		put_u64(o, t->sport);
		PUTS(o, "</sport><dport>");
		put_u64(o, t->dport);
		PUTS(o, "</dport>");
		break;
	case IPPROTO_GRE:
		PUTS(o, "<srckey>0x");
		put_hex(o, t->sport);
		PUTS(o, "</srckey><dstkey>0x");
		put_hex(o, t->dport);
		PUTS(o, "</dstkey>");
		break;
	}
}

/* protonum="N" protoname="NAME"> */
static void put_proto_attrs(struct out *o, unsigned int num, const char *name)
{
	PUTS(o, " protonum=\"");
	put_u64(o, num);
	PUTS(o, "\" protoname=\"");
	put(o, name, strlen(name));
	PUTS(o, "\">");
}

static void put_xml_u64(struct out *o, const char *open, size_t olen,
			const char *close, size_t clen, uint64_t v)
{
	put(o, open, olen);
	put_u64(o, v);
	put(o, close, clen);
}

#define XML_U64(o, tag, v) \
	put_xml_u64(o, "<" tag ">", sizeof(tag) + 1, "</" tag ">", \
		    sizeof(tag) + 2, v)

static void put_tuple(struct out *o, const struct ct *ct, int dir)
{
	const struct ct_tuple *t = dir == CT_DIR_ORIG ? &ct->orig : &ct->reply;

	if (dir == CT_DIR_ORIG)
		PUTS(o, "<meta direction=\"original\"><layer3");
	else
		PUTS(o, "<meta direction=\"reply\"><layer3");
	put_proto_attrs(o, t->l3, ct_l3_name(t->l3));
	ct_print_xml_addrs(o, t);
	PUTS(o, "</layer3><layer4");
	put_proto_attrs(o, t->l4, ct_l4_name(t->l4));
	ct_print_xml_l4(o, t);
	PUTS(o, "</layer4>");
	if (t->present & CT_T_ZONE)
		XML_U64(o, "zone", t->zone);
	if (ct_has(ct, CT_A_COUNTERS_ORIG)) {
		PUTS(o, "<counters>");
		XML_U64(o, "packets", ct->counters[dir].packets);
		XML_U64(o, "bytes", ct->counters[dir].bytes);
		PUTS(o, "</counters>");
	}
	PUTS(o, "</meta>");
}

static void put_labels(struct out *o, const struct ct *ct,
		       const struct labelmap *m)
{
	unsigned int bit, nbits = (unsigned int)ct->labels_len * 8;

	if (nbits > CT_LABEL_WORDS * 32)
		nbits = CT_LABEL_WORDS * 32;
	PUTS(o, "<labels>");
	for (bit = 0; bit < nbits; bit++) {
		const char *name;

		if (!(ct->labels[bit / 32] & (1u << (bit % 32))))
			continue;
		name = labelmap_name(m, bit);
		if (!name || !*name)
			continue;
		PUTS(o, "<label>");
		put_str(o, name);
		PUTS(o, "</label>");
	}
	PUTS(o, "</labels>");
}

static bool has_independent(const struct ct *ct)
{
	return ct->present & (CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_SCTP_STATE) |
			      CT_BIT(CT_A_DCCP_STATE) | CT_BIT(CT_A_TIMEOUT) |
			      CT_BIT(CT_A_MARK) | CT_BIT(CT_A_SECMARK) |
			      CT_BIT(CT_A_ZONE) | CT_BIT(CT_A_USE) |
			      CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_ID) |
			      CT_BIT(CT_A_LABELS) | CT_BIT(CT_A_TS_START) |
			      CT_BIT(CT_A_TS_STOP));
}

static void put_state(struct out *o, uint8_t state)
{
	const char *name = ct_tcp_state_name(state);

	PUTS(o, "<state>");
	put(o, name, strlen(name));
	PUTS(o, "</state>");
}

static void put_independent(struct out *o, const struct ct *ct,
			    const struct ct_print_opts *po)
{
	PUTS(o, "<meta direction=\"independent\">");
	/* upstream's quirk: one name table (TCP's) for all three */
	if (ct_has(ct, CT_A_TCP_STATE))
		put_state(o, ct->tcp.state);
	if (ct_has(ct, CT_A_SCTP_STATE))
		put_state(o, ct->sctp.state);
	if (ct_has(ct, CT_A_DCCP_STATE))
		put_state(o, ct->dccp.state);
	if (ct_has(ct, CT_A_TIMEOUT))
		XML_U64(o, "timeout", ct->timeout);
	if (ct_has(ct, CT_A_MARK))
		XML_U64(o, "mark", ct->mark);
	if (po->labels && ct_has(ct, CT_A_LABELS))
		put_labels(o, ct, po->labels);
	if (ct_has(ct, CT_A_SECMARK))
		XML_U64(o, "secmark", ct->secmark);
	if (ct_has(ct, CT_A_SECCTX)) {
		PUTS(o, "<secctx>");
		put_str(o, ct->secctx);
		PUTS(o, "</secctx>");
	}
	if (ct_has(ct, CT_A_ZONE))
		XML_U64(o, "zone", ct->zone);
	if (ct_has(ct, CT_A_USE))
		XML_U64(o, "use", ct->use);
	if (ct_has(ct, CT_A_ID))
		XML_U64(o, "id", ct->id);
	if (ct_has(ct, CT_A_STATUS) && (ct->status & CT_S_ASSURED))
		PUTS(o, "<assured/>");
	if (ct_has(ct, CT_A_STATUS) && !(ct->status & CT_S_SEEN_REPLY))
		PUTS(o, "<unreplied/>");
	if ((po->flags & CT_OF_KTIMESTAMP) &&
	    (ct->present & (CT_BIT(CT_A_TS_START) | CT_BIT(CT_A_TS_STOP)))) {
		PUTS(o, "<timestamp>");
		if (ct_has(ct, CT_A_TS_START))
			XML_U64(o, "start", ct->ts_start);
		if (ct_has(ct, CT_A_TS_STOP))
			XML_U64(o, "stop", ct->ts_stop);
		PUTS(o, "</timestamp>");
	}
	if (ct_has(ct, CT_A_TS_START))
		XML_U64(o, "deltatime", ct_print_delta(ct, po));
	PUTS(o, "</meta>");
}

void ct_print_xml_open(struct out *o, enum ct_event ev)
{
	switch (ev) {
	case CT_EV_NEW:
		PUTS(o, "<flow type=\"new\">");
		break;
	case CT_EV_UPDATE:
		PUTS(o, "<flow type=\"update\">");
		break;
	case CT_EV_DESTROY:
		PUTS(o, "<flow type=\"destroy\">");
		break;
	case CT_EV_NONE:
		PUTS(o, "<flow>");
		break;
	}
}

static void xml_record(struct out *o, const void *rec, const void *arg)
{
	const struct ct *ct = rec;
	const struct ct_print_opts *po = arg;

	ct_print_xml_open(o, po->ev);
	put_tuple(o, ct, CT_DIR_ORIG);
	put_tuple(o, ct, CT_DIR_REPLY);
	if (has_independent(ct))
		put_independent(o, ct, po);
	/* conntrack asks for <when> only on the event path */
	if (po->ev != CT_EV_NONE && (po->flags & CT_OF_TIMESTAMP))
		ct_print_xml_when(o, ct_print_now(po));
	if (ct_has(ct, CT_A_HELPER)) {
		PUTS(o, "<helper>");
		put_str(o, ct->helper);
		PUTS(o, "</helper>");
	}
	PUTS(o, "</flow>");
	put_userspace(o, po->portid, po->progname);
	put_c(o, '\n');
}

void ct_print_xml(struct out *o, const struct ct *ct,
		  const struct ct_print_opts *po)
{
	out_record(o, xml_record, ct, po);
}

void ct_print_xml_header(struct out *o, const char *root)
{
	out_puts(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<");
	out_puts(o, root);
	out_puts(o, ">\n");
}

void ct_print_xml_footer(struct out *o, const char *root)
{
	out_puts(o, "</");
	out_puts(o, root);
	out_puts(o, ">\n");
}
