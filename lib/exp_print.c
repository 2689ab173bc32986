/* struct exp -> the expectation line and <flow> element of conntrack
 * 1.4.7 (libnetfilter_conntrack 1.0.9 expect/snprintf_*), and our JSON.
 * Each tuple (expected, mask, master) is printed with its own l4
 * protocol, as upstream: `-I expect` with --tuple-port-* stores a bogus
 * protocol in the expected tuple while the master keeps tcp. */
#include <netinet/in.h>
#include <sys/socket.h>

#include "ct_print.h"
#include "ct_print_put.h"

/* A tuple whose l3 the parser could not know (the mask nest carries
 * none) borrows the expectation's. */
static struct ct_tuple fix_l3(const struct exp *e, const struct ct_tuple *t)
{
	struct ct_tuple r = *t;

	if (!r.l3)
		r.l3 = e->tuple.l3 ? e->tuple.l3 : e->family;
	return r;
}

/* "<p>src=A <p>dst=B " + L4, p = "", "mask-" or "master-". */
static void put_tuple_text(struct out *o, const char *p, size_t n,
			   const struct ct_tuple *t)
{
	if (t->l3 == AF_INET || t->l3 == AF_INET6) {
		put(o, p, n);
		PUTS(o, "src=");
		put_addr(o, t->l3, &t->src);
		put_c(o, ' ');
		put(o, p, n);
		PUTS(o, "dst=");
		put_addr(o, t->l3, &t->dst);
		put_c(o, ' ');
	}
	put_l4_text(o, t, t->l4);
}

/* "[%-8ld.%-6ld]\t": left-justified, space-padded, usec not zero-padded
 * (the expectation paths of 1.4.7 differ from the conntrack ones). */
static void put_time_prefix(struct out *o, uint64_t now_ns)
{
	char t[24];
	size_t n;

	put_c(o, '[');
	n = fmt_u64(t, now_ns / 1000000000ull);
	put(o, t, n);
	while (n++ < 8)
		put_c(o, ' ');
	put_c(o, '.');
	n = fmt_u64(t, now_ns % 1000000000ull / 1000);
	put(o, t, n);
	while (n++ < 6)
		put_c(o, ' ');
	PUTS(o, "]\t");
}

static void text_record(struct out *o, const void *rec, const void *arg)
{
	const struct exp *e = rec;
	const struct ct_print_opts *po = arg;
	struct ct_tuple t;
	size_t mark;
	const char *delim = "";

	if (po->flags & CT_OF_TIMESTAMP)
		put_time_prefix(o, ct_print_now(po));
	mark = o->len;
	put_event_prefix(o, po->ev);
	if (exp_has(e, EXP_A_TIMEOUT)) {
		put_u64(o, e->timeout);
		put_c(o, ' ');
	}
	PUTS(o, "proto=");
	put_u64(o, e->tuple.l4);
	put_c(o, ' ');
	t = fix_l3(e, &e->tuple);
	put_tuple_text(o, "", 0, &t);
	t = fix_l3(e, &e->mask);
	put_tuple_text(o, "mask-", 5, &t);
	t = fix_l3(e, &e->master);
	put_tuple_text(o, "master-", 7, &t);
	if (exp_has(e, EXP_A_ZONE)) {
		PUTS(o, "zone=");
		put_u64(o, e->zone);
		put_c(o, ' ');
	}
	if (e->flags & EXP_F_PERMANENT) {
		PUTS(o, "PERMANENT");
		delim = ",";
	}
	if (e->flags & EXP_F_INACTIVE) {
		put_str(o, delim);
		PUTS(o, "INACTIVE");
		delim = ",";
	}
	if (e->flags & EXP_F_USERSPACE) {
		put_str(o, delim);
		PUTS(o, "USERSPACE");
	}
	if (e->flags & (EXP_F_PERMANENT | EXP_F_INACTIVE | EXP_F_USERSPACE))
		put_c(o, ' ');
	if (exp_has(e, EXP_A_CLASS)) {
		PUTS(o, "class=");
		put_u64(o, e->class);
		put_c(o, ' ');
	}
	if (exp_has(e, EXP_A_HELPER)) {
		PUTS(o, "helper=");
		put_str(o, e->helper);
	}
	out_trim_space(o, mark);
	put_c(o, '\n');
}

void exp_print_text(struct out *o, const struct exp *e,
		    const struct ct_print_opts *po)
{
	out_record(o, text_record, e, po);
}

static void put_xml_tuple_l3(struct out *o, const char *tag, size_t n,
			     const struct exp *e, const struct ct_tuple *t)
{
	struct ct_tuple f = fix_l3(e, t);

	put_c(o, '<');
	put(o, tag, n);
	put_c(o, '>');
	ct_print_xml_addrs(o, &f);
	PUTS(o, "</");
	put(o, tag, n);
	put_c(o, '>');
}

static void put_xml_tuple_l4(struct out *o, const char *tag, size_t n,
			     const struct ct_tuple *t)
{
	put_c(o, '<');
	put(o, tag, n);
	put_c(o, '>');
	ct_print_xml_l4(o, t);
	PUTS(o, "</");
	put(o, tag, n);
	put_c(o, '>');
}

#define XTAG(lit) lit, sizeof(lit) - 1

static void xml_record(struct out *o, const void *rec, const void *arg)
{
	const struct exp *e = rec;
	const struct ct_print_opts *po = arg;
	uint8_t l3 = e->tuple.l3 ? e->tuple.l3 : e->family;

	ct_print_xml_open(o, po->ev);
	PUTS(o, "<layer3 protonum=\"");
	put_u64(o, l3);
	PUTS(o, "\" protoname=\"");
	put_str(o, ct_l3_name(l3));
	PUTS(o, "\">");
	put_xml_tuple_l3(o, XTAG("expected"), e, &e->tuple);
	put_xml_tuple_l3(o, XTAG("mask"), e, &e->mask);
	put_xml_tuple_l3(o, XTAG("master"), e, &e->master);
	PUTS(o, "</layer3><layer4 protonum=\"");
	put_u64(o, e->tuple.l4);
	PUTS(o, "\" protoname=\"");
	put_str(o, ct_l4_name(e->tuple.l4));
	PUTS(o, "\">");
	put_xml_tuple_l4(o, XTAG("expected"), &e->tuple);
	put_xml_tuple_l4(o, XTAG("mask"), &e->mask);
	put_xml_tuple_l4(o, XTAG("master"), &e->master);
	PUTS(o, "</layer4><meta>");
	if (exp_has(e, EXP_A_HELPER)) {
		PUTS(o, "<helper-name>");
		put_str(o, e->helper);
		PUTS(o, "</helper-name>");
	}
	if (exp_has(e, EXP_A_TIMEOUT)) {
		PUTS(o, "<timeout>");
		put_u64(o, e->timeout);
		PUTS(o, "</timeout>");
	}
	if (exp_has(e, EXP_A_CLASS)) {
		PUTS(o, "<class>");
		put_u64(o, e->class);
		PUTS(o, "</class>");
	}
	if (exp_has(e, EXP_A_ZONE)) {
		PUTS(o, "<zone>");
		put_u64(o, e->zone);
		PUTS(o, "</zone>");
	}
	if (po->flags & CT_OF_TIMESTAMP)
		ct_print_xml_when(o, ct_print_now(po));
	if (e->flags & EXP_F_PERMANENT)
		PUTS(o, "<permanent/>");
	if (e->flags & EXP_F_INACTIVE)
		PUTS(o, "<inactive/>");
	if (e->flags & EXP_F_USERSPACE)
		PUTS(o, "<userspace/>");
	PUTS(o, "</meta></flow>\n");
}

void exp_print_xml(struct out *o, const struct exp *e,
		   const struct ct_print_opts *po)
{
	out_record(o, xml_record, e, po);
}

static void put_json_tuple(struct out *o, const char *k, const struct exp *e,
			   const struct ct_tuple *t)
{
	struct ct_tuple f = fix_l3(e, t);

	ct_print_json_key(o, k);
	ct_print_json_tuple(o, &f, f.l3);
	put_c(o, '}');
}

/* JSON schema of an expectation (one object per line):
 *   "event" "time" as for conntrack entries; "family" "l3num" "proto"
 *   "protonum" of the expected tuple; "expected" "mask" "master" tuple
 *   objects (as conntrack's); "timeout" "id" "zone" "class" numbers;
 *   "flags": array of "PERMANENT" "INACTIVE" "USERSPACE", "flags_raw";
 *   "helper", "fn" strings; "nat_dir" number and "nat" tuple. */
static void json_record(struct out *o, const void *rec, const void *arg)
{
	static const char *const fnames[] = { "PERMANENT", "INACTIVE",
					      "USERSPACE" };
	const struct exp *e = rec;
	const struct ct_print_opts *po = arg;
	uint8_t l3 = e->tuple.l3 ? e->tuple.l3 : e->family;

	ct_print_json_head(o, po, l3, e->tuple.l4);
	if (exp_has(e, EXP_A_TUPLE))
		put_json_tuple(o, "expected", e, &e->tuple);
	if (exp_has(e, EXP_A_MASK))
		put_json_tuple(o, "mask", e, &e->mask);
	if (exp_has(e, EXP_A_MASTER))
		put_json_tuple(o, "master", e, &e->master);
	if (exp_has(e, EXP_A_TIMEOUT))
		ct_print_json_u64(o, "timeout", e->timeout);
	if (exp_has(e, EXP_A_ID))
		ct_print_json_u64(o, "id", e->id);
	if (exp_has(e, EXP_A_ZONE))
		ct_print_json_u64(o, "zone", e->zone);
	if (exp_has(e, EXP_A_CLASS))
		ct_print_json_u64(o, "class", e->class);
	if (exp_has(e, EXP_A_FLAGS)) {
		unsigned int i;
		bool first = true;

		ct_print_json_key(o, "flags");
		put_c(o, '[');
		for (i = 0; i < 3; i++) {
			if (!(e->flags & (1u << i)))
				continue;
			if (!first)
				put_c(o, ',');
			first = false;
			put_c(o, '"');
			put_str(o, fnames[i]);
			put_c(o, '"');
		}
		put_c(o, ']');
		ct_print_json_u64(o, "flags_raw", e->flags);
	}
	if (exp_has(e, EXP_A_HELPER)) {
		ct_print_json_key(o, "helper");
		ct_print_json_str(o, e->helper);
	}
	if (exp_has(e, EXP_A_FN)) {
		ct_print_json_key(o, "fn");
		ct_print_json_str(o, e->fn);
	}
	if (exp_has(e, EXP_A_NAT_DIR))
		ct_print_json_u64(o, "nat_dir", e->nat_dir);
	if (exp_has(e, EXP_A_NAT_TUPLE))
		put_json_tuple(o, "nat", e, &e->nat_tuple);
	PUTS(o, "}\n");
}

void exp_print_json(struct out *o, const struct exp *e,
		    const struct ct_print_opts *po)
{
	out_record(o, json_record, e, po);
}
