/* Appenders shared by the formatters of lib/ct_print_*.c and exp_print.c.
 * Each one checks the room left: what does not fit is not written, and
 * o->full says so until the record is over.  A formatter runs under
 * out_record(), which then prints the record again with more room: a
 * record always comes out whole, whatever the kernel or a label map
 * hands it. */
#ifndef CTBOX_CT_PRINT_PUT_H
#define CTBOX_CT_PRINT_PUT_H

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "out.h"

/* Room for n more bytes, or o->full set. */
static inline bool room(struct out *o, size_t n)
{
	if (o->cap - o->len >= n)
		return true;
	o->full = true;
	return false;
}

static inline void put(struct out *o, const char *s, size_t n)
{
	if (!room(o, n))
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

#define PUTS(o, lit) put(o, lit, sizeof(lit) - 1)

static inline void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static inline void put_c(struct out *o, char c)
{
	if (room(o, 1))
		o->buf[o->len++] = c;
}

/* The last character written, for separators ('\0' if none). */
static inline char last_c(const struct out *o, size_t mark)
{
	return o->len > mark ? o->buf[o->len - 1] : '\0';
}

/* Replace the last character written since mark (a list's trailing
 * separator). */
static inline void put_over_last(struct out *o, size_t mark, char c)
{
	if (o->len > mark)
		o->buf[o->len - 1] = c;
}

/* Inline: numbers and addresses are most of a dump's bytes. */
static inline void put_u64(struct out *o, uint64_t v)
{
	char t[24];

	if (o->cap - o->len >= sizeof(t)) {
		o->len += fmt_u64(o->buf + o->len, v);
		return;
	}
	put(o, t, fmt_u64(t, v));
}

static inline void put_addr(struct out *o, uint8_t l3, const union ct_addr *a)
{
	char t[ADDR_STRLEN];

	if (o->cap - o->len >= sizeof(t)) {
		o->len += addr_fmt(o->buf + o->len, l3, a);
		return;
	}
	put(o, t, addr_fmt(t, l3, a));
}

/* Numbers: lowercase hex without prefix, and zero- (or pad-) padded to at
 * least w digits (printf "%0*u"). */
void put_hex(struct out *o, unsigned int v);
void put_u64_pad(struct out *o, uint64_t v, unsigned int w, char pad);
/* The "%9s " event column of 1.4.7's text lines; nothing for dumps. */
void put_event_prefix(struct out *o, enum ct_event ev);
/* The L4 part of a text tuple, "sport=… dport=… " and the like; by the
 * entry's protocol, since 1.4.7 prints zero ports even when absent. */
void put_l4_text(struct out *o, const struct ct_tuple *t, uint8_t l4);
/* " [USERSPACE] portid=N[ progname=P]": events caused by a netlink
 * request, after the record as conntrack 1.4.7 appends it. */
void put_userspace(struct out *o, uint32_t portid, const char *progname);

/* <flow>, or <flow type="new|update|destroy"> for an event. */
void ct_print_xml_open(struct out *o, enum ct_event ev);
/* <when>...</when> of local time now_ns, as libnetfilter_conntrack. */
void ct_print_xml_when(struct out *o, uint64_t now_ns);
/* <src>A</src><dst>B</dst> and the L4 elements of one tuple. */
void ct_print_xml_addrs(struct out *o, const struct ct_tuple *t);
void ct_print_xml_l4(struct out *o, const struct ct_tuple *t);
/* JSON pieces shared with exp_print.c.  ct_print_json_tuple() opens the
 * tuple object and leaves it open, so that the caller can add members
 * (counters) before its closing '}'. */
void ct_print_json_str(struct out *o, const char *s);
void ct_print_json_tuple(struct out *o, const struct ct_tuple *t, uint8_t l3);
/* '{', then event (and time with -o timestamp) of an event record,
 * family, l3num, proto and protonum: how every JSON record starts. */
void ct_print_json_head(struct out *o, const struct ct_print_opts *po,
			uint8_t l3, uint8_t l4);
/* ,"k": (no comma right after '{'), then a number or our own name. */
void ct_print_json_key(struct out *o, const char *k);
void ct_print_json_u64(struct out *o, const char *k, uint64_t v);
void ct_print_json_name(struct out *o, const char *k, const char *v);

#endif
