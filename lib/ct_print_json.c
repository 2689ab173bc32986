/* struct ct -> one JSON object per line (conntrack -o json, our own
 * format; NDJSON, so `conntrack -L -o json | jq .` works).
 *
 * Schema (stable; a key is present only when the kernel sent the field):
 *   "event"       "new" | "update" | "destroy"          (events only)
 *   "time"        seconds.microseconds, wall clock      (events, -o timestamp)
 *   "family"      "ipv4" | "ipv6" | "unknown";  "l3num": number
 *   "proto"       "tcp" "udp" "udplite" "icmp" "icmpv6" "sctp" "gre" "dccp"
 *                 or "unknown";  "protonum": number
 *   "orig", "reply", "master"   tuple objects:
 *       "src", "dst"            address text (as the text format prints it)
 *       "sport", "dport"        tcp udp udplite sctp dccp
 *       "srckey", "dstkey"      gre (numbers)
 *       "type", "code", "id"    icmp icmpv6
 *       "zone"                  directional zone (--orig-zone/--reply-zone)
 *       "packets", "bytes"      counters of that direction (orig, reply)
 *   "status"      array of flag names (EXPECTED SEEN_REPLY ASSURED CONFIRMED
 *                 SRC_NAT DST_NAT SEQ_ADJUST SRC_NAT_DONE DST_NAT_DONE DYING
 *                 FIXED_TIMEOUT TEMPLATE UNTRACKED HELPER OFFLOAD HW_OFFLOAD);
 *                 "status_raw": the number (bits without a name included)
 *   "state"       protocol state name (tcp, sctp or dccp, own name table)
 *   "timeout" "mark" "secmark" "zone" "use" "id"   numbers
 *   "secctx"      string
 *   "labels"      array of set label bit numbers;
 *   "label_names" array of the names of those bits that have one
 *                 (only when a label map is loaded: -o labels, -l, ...)
 *   "timestamp"   {"start": ns, "stop": ns};  "delta_time": seconds
 *                 (stop - start, or now - start)
 *   "helper"      string
 *   "tcp"         {"state", "state_num", "wscale_orig", "wscale_reply",
 *                  "flags_orig", "flags_reply"}
 *   "sctp"        {"state", "state_num", "vtag_orig", "vtag_reply"}
 *   "dccp"        {"state", "state_num", "role" ("client"|"server"|number),
 *                  "handshake_seq"}
 *   "seqadj"      {"orig"|"reply": {"correction_pos", "offset_before",
 *                  "offset_after"}}
 *   "synproxy"    {"isn", "its", "tsoff"}
 *   "portid", "progname"   events caused by a netlink request
 * Strings are escaped per RFC 8259; bytes that are not UTF-8 become U+FFFD. */
#include <netinet/in.h>
#include <sys/socket.h>

#include "ct_print.h"
#include "ct_print_put.h"
#include "labelmap.h"

/* Escaped string in quotes. */
void ct_print_json_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	put_c(o, '"');
	while (*p && !o->full) {
		unsigned char c = *p;
		int n = 0, i;

		if (c < 0x80) {
			if (c == '"' || c == '\\') {
				put_c(o, '\\');
				put_c(o, (char)c);
			} else if (c == '\n') {
				PUTS(o, "\\n");
			} else if (c == '\t') {
				PUTS(o, "\\t");
			} else if (c < 0x20 || c == 0x7f) {
				PUTS(o, "\\u00");
				put_c(o, hex[c >> 4]);
				put_c(o, hex[c & 15]);
			} else {
				put_c(o, (char)c);
			}
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				break;
		/* overlongs, surrogates and > U+10FFFF */
		if (n && i > n &&
		    !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] > 0x9f) &&
		    !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] > 0x8f)) {
			put(o, (const char *)p, (size_t)n + 1);
			p += n + 1;
		} else {
			PUTS(o, "\\ufffd");
			p++;
		}
	}
	put_c(o, '"');
}

/* ,"key": — every member but the first of an object starts with a comma;
 * callers open objects with '{' and the first member without one. */
static void key(struct out *o, const char *k, size_t n)
{
	if (last_c(o, 0) != '{')
		put_c(o, ',');
	put_c(o, '"');
	put(o, k, n);
	PUTS(o, "\":");
}

#define KEY(o, lit) key(o, lit, sizeof(lit) - 1)

static void kv_u64(struct out *o, const char *k, size_t n, uint64_t v)
{
	key(o, k, n);
	put_u64(o, v);
}

#define KV_U(o, lit, v) kv_u64(o, lit, sizeof(lit) - 1, v)

static void kv_name(struct out *o, const char *k, size_t n, const char *v)
{
	key(o, k, n);
	put_c(o, '"');
	put_str(o, v);	/* our own names: nothing to escape */
	put_c(o, '"');
}

#define KV_N(o, lit, v) kv_name(o, lit, sizeof(lit) - 1, v)

void ct_print_json_tuple(struct out *o, const struct ct_tuple *t, uint8_t l3)
{
	put_c(o, '{');
	if (l3 == AF_INET || l3 == AF_INET6) {
		if (t->present & CT_T_SRC) {
			KEY(o, "src");
			put_c(o, '"');
			put_addr(o, l3, &t->src);
			put_c(o, '"');
		}
		if (t->present & CT_T_DST) {
			KEY(o, "dst");
			put_c(o, '"');
			put_addr(o, l3, &t->dst);
			put_c(o, '"');
		}
	}
	switch (t->l4) {
	case IPPROTO_GRE:
		if (t->present & CT_T_SPORT)
			KV_U(o, "srckey", t->sport);
		if (t->present & CT_T_DPORT)
			KV_U(o, "dstkey", t->dport);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (t->present & CT_T_ICMP_TYPE)
			KV_U(o, "type", t->icmp_type);
		if (t->present & CT_T_ICMP_CODE)
			KV_U(o, "code", t->icmp_code);
		if (t->present & CT_T_ICMP_ID)
			KV_U(o, "id", t->icmp_id);
		break;
	default:
		if (t->present & CT_T_SPORT)
			KV_U(o, "sport", t->sport);
		if (t->present & CT_T_DPORT)
			KV_U(o, "dport", t->dport);
		break;
	}
	if (t->present & CT_T_ZONE)
		KV_U(o, "zone", t->zone);
}

static const char *const status_names[] = {
	"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT",
	"SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT",
	"TEMPLATE", "UNTRACKED", "HELPER", "OFFLOAD", "HW_OFFLOAD",
};

static void put_status(struct out *o, uint32_t status)
{
	unsigned int i;
	bool first = true;

	KEY(o, "status");
	put_c(o, '[');
	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (!(status & (1u << i)))
			continue;
		if (!first)
			put_c(o, ',');
		first = false;
		put_c(o, '"');
		put_str(o, status_names[i]);
		put_c(o, '"');
	}
	put_c(o, ']');
	KV_U(o, "status_raw", status);
}

static void put_labels(struct out *o, const struct ct *ct,
		       const struct labelmap *m)
{
	unsigned int bit, nbits = (unsigned int)ct->labels_len * 8;
	bool first = true;

	if (nbits > CT_LABEL_WORDS * 32)
		nbits = CT_LABEL_WORDS * 32;
	KEY(o, "labels");
	put_c(o, '[');
	for (bit = 0; bit < nbits; bit++) {
		if (!(ct->labels[bit / 32] & (1u << (bit % 32))))
			continue;
		if (!first)
			put_c(o, ',');
		first = false;
		put_u64(o, bit);
	}
	put_c(o, ']');
	if (!m)
		return;
	KEY(o, "label_names");
	put_c(o, '[');
	first = true;
	for (bit = 0; bit < nbits; bit++) {
		const char *name;

		if (!(ct->labels[bit / 32] & (1u << (bit % 32))))
			continue;
		name = labelmap_name(m, bit);
		if (!name || !*name)
			continue;
		if (!first)
			put_c(o, ',');
		first = false;
		ct_print_json_str(o, name);
	}
	put_c(o, ']');
}

static void put_seqadj(struct out *o, const char *dir, size_t n,
		       const struct ct_seqadj *s)
{
	key(o, dir, n);
	put_c(o, '{');
	KV_U(o, "correction_pos", s->correction_pos);
	KV_U(o, "offset_before", s->offset_before);
	KV_U(o, "offset_after", s->offset_after);
	put_c(o, '}');
}

static void put_protoinfo(struct out *o, const struct ct *ct)
{
	uint64_t tcp = CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_TCP_FLAGS_ORIG) |
		       CT_BIT(CT_A_TCP_FLAGS_REPLY) | CT_BIT(CT_A_TCP_WSCALE_ORIG) |
		       CT_BIT(CT_A_TCP_WSCALE_REPLY);
	uint64_t sctp = CT_BIT(CT_A_SCTP_STATE) | CT_BIT(CT_A_SCTP_VTAG_ORIG) |
			CT_BIT(CT_A_SCTP_VTAG_REPLY);
	uint64_t dccp = CT_BIT(CT_A_DCCP_STATE) | CT_BIT(CT_A_DCCP_ROLE) |
			CT_BIT(CT_A_DCCP_HS_SEQ);

	if (ct->present & tcp) {
		KEY(o, "tcp");
		put_c(o, '{');
		if (ct_has(ct, CT_A_TCP_STATE)) {
			KV_N(o, "state", ct_tcp_state_name(ct->tcp.state));
			KV_U(o, "state_num", ct->tcp.state);
		}
		if (ct_has(ct, CT_A_TCP_WSCALE_ORIG))
			KV_U(o, "wscale_orig", ct->tcp.wscale[0]);
		if (ct_has(ct, CT_A_TCP_WSCALE_REPLY))
			KV_U(o, "wscale_reply", ct->tcp.wscale[1]);
		if (ct_has(ct, CT_A_TCP_FLAGS_ORIG))
			KV_U(o, "flags_orig", ct->tcp.flags[0]);
		if (ct_has(ct, CT_A_TCP_FLAGS_REPLY))
			KV_U(o, "flags_reply", ct->tcp.flags[1]);
		put_c(o, '}');
	}
	if (ct->present & sctp) {
		KEY(o, "sctp");
		put_c(o, '{');
		if (ct_has(ct, CT_A_SCTP_STATE)) {
			KV_N(o, "state", ct_sctp_state_name(ct->sctp.state));
			KV_U(o, "state_num", ct->sctp.state);
		}
		if (ct_has(ct, CT_A_SCTP_VTAG_ORIG))
			KV_U(o, "vtag_orig", ct->sctp.vtag[0]);
		if (ct_has(ct, CT_A_SCTP_VTAG_REPLY))
			KV_U(o, "vtag_reply", ct->sctp.vtag[1]);
		put_c(o, '}');
	}
	if (ct->present & dccp) {
		KEY(o, "dccp");
		put_c(o, '{');
		if (ct_has(ct, CT_A_DCCP_STATE)) {
			KV_N(o, "state", ct_dccp_state_name(ct->dccp.state));
			KV_U(o, "state_num", ct->dccp.state);
		}
		if (ct_has(ct, CT_A_DCCP_ROLE)) {
			if (ct->dccp.role <= 1)
				KV_N(o, "role", ct->dccp.role ? "server" : "client");
			else
				KV_U(o, "role", ct->dccp.role);
		}
		if (ct_has(ct, CT_A_DCCP_HS_SEQ))
			KV_U(o, "handshake_seq", ct->dccp.hs_seq);
		put_c(o, '}');
	}
}

static const char *state_name(const struct ct *ct)
{
	if (ct_has(ct, CT_A_TCP_STATE))
		return ct_tcp_state_name(ct->tcp.state);
	if (ct_has(ct, CT_A_SCTP_STATE))
		return ct_sctp_state_name(ct->sctp.state);
	if (ct_has(ct, CT_A_DCCP_STATE))
		return ct_dccp_state_name(ct->dccp.state);
	return NULL;
}

void ct_print_json_key(struct out *o, const char *k)
{
	key(o, k, strlen(k));
}

void ct_print_json_u64(struct out *o, const char *k, uint64_t v)
{
	kv_u64(o, k, strlen(k), v);
}

void ct_print_json_name(struct out *o, const char *k, const char *v)
{
	kv_name(o, k, strlen(k), v);
}

/* "time":S.UUUUUU */
static void json_time(struct out *o, uint64_t now_ns)
{
	KEY(o, "time");
	put_u64(o, now_ns / 1000000000ull);
	put_c(o, '.');
	put_u64_pad(o, now_ns % 1000000000ull / 1000, 6, '0');
}

void ct_print_json_head(struct out *o, const struct ct_print_opts *po,
			uint8_t l3, uint8_t l4)
{
	static const char *const names[] = {
		[CT_EV_NEW] = "new", [CT_EV_UPDATE] = "update",
		[CT_EV_DESTROY] = "destroy",
	};
	enum ct_event ev = po->ev;

	put_c(o, '{');
	if (ev != CT_EV_NONE && (unsigned int)ev < sizeof(names) / sizeof(names[0])) {
		KV_N(o, "event", names[ev]);
		if (po->flags & CT_OF_TIMESTAMP)
			json_time(o, ct_print_now(po));
	}
	KV_N(o, "family", ct_l3_name(l3));
	KV_U(o, "l3num", l3);
	KV_N(o, "proto", ct_l4_name(l4));
	KV_U(o, "protonum", l4);
}

static void json_record(struct out *o, const void *rec, const void *arg)
{
	const struct ct *ct = rec;
	const struct ct_print_opts *po = arg;
	uint8_t l3 = ct_l3(ct), l4 = ct_l4(ct);
	const char *state;

	ct_print_json_head(o, po, l3, l4);
	if (ct_has(ct, CT_A_ORIG)) {
		KEY(o, "orig");
		ct_print_json_tuple(o, &ct->orig, l3);
		if (ct_has(ct, CT_A_COUNTERS_ORIG)) {
			KV_U(o, "packets", ct->counters[0].packets);
			KV_U(o, "bytes", ct->counters[0].bytes);
		}
		put_c(o, '}');
	}
	if (ct_has(ct, CT_A_REPLY)) {
		KEY(o, "reply");
		ct_print_json_tuple(o, &ct->reply, l3);
		if (ct_has(ct, CT_A_COUNTERS_REPLY)) {
			KV_U(o, "packets", ct->counters[1].packets);
			KV_U(o, "bytes", ct->counters[1].bytes);
		}
		put_c(o, '}');
	}
	if (ct_has(ct, CT_A_MASTER)) {
		KEY(o, "master");
		ct_print_json_tuple(o, &ct->master, l3);
		put_c(o, '}');
	}
	if (ct_has(ct, CT_A_STATUS))
		put_status(o, ct->status);
	state = state_name(ct);
	if (state)
		KV_N(o, "state", state);
	if (ct_has(ct, CT_A_TIMEOUT))
		KV_U(o, "timeout", ct->timeout);
	if (ct_has(ct, CT_A_MARK))
		KV_U(o, "mark", ct->mark);
	if (ct_has(ct, CT_A_SECMARK))
		KV_U(o, "secmark", ct->secmark);
	if (ct_has(ct, CT_A_SECCTX)) {
		KEY(o, "secctx");
		ct_print_json_str(o, ct->secctx);
	}
	if (ct_has(ct, CT_A_ZONE))
		KV_U(o, "zone", ct->zone);
	if (ct_has(ct, CT_A_USE))
		KV_U(o, "use", ct->use);
	if (ct_has(ct, CT_A_ID))
		KV_U(o, "id", ct->id);
	if (ct_has(ct, CT_A_LABELS))
		put_labels(o, ct, po->labels);
	if (ct->present & (CT_BIT(CT_A_TS_START) | CT_BIT(CT_A_TS_STOP))) {
		KEY(o, "timestamp");
		put_c(o, '{');
		if (ct_has(ct, CT_A_TS_START))
			KV_U(o, "start", ct->ts_start);
		if (ct_has(ct, CT_A_TS_STOP))
			KV_U(o, "stop", ct->ts_stop);
		put_c(o, '}');
	}
	if (ct_has(ct, CT_A_TS_START))
		KV_U(o, "delta_time", ct_print_delta(ct, po));
	if (ct_has(ct, CT_A_HELPER)) {
		KEY(o, "helper");
		ct_print_json_str(o, ct->helper);
	}
	put_protoinfo(o, ct);
	if (ct->present & (CT_BIT(CT_A_SEQADJ_ORIG) | CT_BIT(CT_A_SEQADJ_REPLY))) {
		KEY(o, "seqadj");
		put_c(o, '{');
		if (ct_has(ct, CT_A_SEQADJ_ORIG))
			put_seqadj(o, "orig", 4, &ct->seqadj[0]);
		if (ct_has(ct, CT_A_SEQADJ_REPLY))
			put_seqadj(o, "reply", 5, &ct->seqadj[1]);
		put_c(o, '}');
	}
	if (ct_has(ct, CT_A_SYNPROXY)) {
		KEY(o, "synproxy");
		put_c(o, '{');
		KV_U(o, "isn", ct->synproxy.isn);
		KV_U(o, "its", ct->synproxy.its);
		KV_U(o, "tsoff", ct->synproxy.tsoff);
		put_c(o, '}');
	}
	if (po->portid) {
		KV_U(o, "portid", po->portid);
		if (po->progname) {
			KEY(o, "progname");
			ct_print_json_str(o, po->progname);
		}
	}
	PUTS(o, "}\n");
}

void ct_print_json(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po)
{
	out_record(o, json_record, ct, po);
}
