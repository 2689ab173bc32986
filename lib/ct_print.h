/* struct ct / struct exp -> text, into an output buffer.  Formats are
 * byte-identical to conntrack-tools 1.4.7 (libnetfilter_conntrack 1.0.9),
 * plus our JSON.  Each call writes exactly one record and its newline. */
#ifndef CTBOX_CT_PRINT_H
#define CTBOX_CT_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "ct.h"

struct out;
struct labelmap;

/* -o flags, in upstream's keyword order, then ours. */
enum {
	CT_OF_XML	 = 1u << 0,
	CT_OF_EXTENDED	 = 1u << 1,
	CT_OF_TIMESTAMP	 = 1u << 2,
	CT_OF_ID	 = 1u << 3,
	CT_OF_KTIMESTAMP = 1u << 4,
	CT_OF_LABELS	 = 1u << 5,
	CT_OF_USERSPACE	 = 1u << 6,
	CT_OF_SAVE	 = 1u << 7,
	CT_OF_JSON	 = 1u << 8,
};

struct ct_print_opts {
	unsigned int flags;		/* CT_OF_* */
	enum ct_event ev;		/* CT_EV_NONE for dumps */
	const struct labelmap *labels;	/* NULL: labels are not printed */
	uint32_t portid;		/* events: sender portid, 0 = kernel */
	const char *progname;		/* events: sender name, if known */
	const char *save_prefix;	/* "-A", "-D", "-U" for -o save */
	uint64_t now_ns;		/* wall clock, for delta-time */
};

/* Wall clock of a record: po->now_ns, or the clock when it is 0.  Event
 * callers set now_ns per event (it feeds -o timestamp and delta-time). */
uint64_t ct_print_now(const struct ct_print_opts *po);
/* Seconds of stop - start of an ended entry, of now - start of a live one
 * (as the XML printer of libnetfilter_conntrack counts them; JSON too). */
uint64_t ct_print_delta(const struct ct *ct, const struct ct_print_opts *po);

/* Default and extended text, one line; events (po->ev) with
 * CT_OF_TIMESTAMP start with 1.4.7's "[%-.8ld.%-.6ld]\t" time prefix. */
void ct_print_text(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po);
/* One <flow> element on one line (no document header), with
 * type="new|update|destroy" for events (po->ev), <when> for events with
 * CT_OF_TIMESTAMP (local time of po->now_ns, or of the clock when 0),
 * <timestamp> with CT_OF_KTIMESTAMP, labels when po->labels is set, and
 * the [USERSPACE] suffix after </flow> when po->portid != 0.  Root element
 * names for header/footer: "conntrack" or "expect". */
void ct_print_xml(struct out *o, const struct ct *ct,
		  const struct ct_print_opts *po);
void ct_print_xml_header(struct out *o, const char *root);
void ct_print_xml_footer(struct out *o, const char *root);
/* A conntrack command line that -R loads back.  po->save_prefix is
 * "-A" (default: lists, NEW events), "-U" or "-D"; po->portid appends the
 * [USERSPACE] suffix of events.  For an entry whose l3 protocol is neither
 * IPv4 nor IPv6 1.4.7 prints "WARNING: unsupported l3proto N, skipping."
 * on stderr and then the part of the line it had built (prefix and
 * generic options, untrimmed): this function prints that line; the caller
 * checks ct_save_supported() first and prints the warning (with N =
 * ct_l3(ct)), since lib/ never writes to stderr. */
void ct_print_save(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po);
bool ct_save_supported(const struct ct *ct);
/* One JSON object per line (NDJSON); the schema is documented at the
 * top of lib/ct_print_json.c and in README.md. */
void ct_print_json(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po);
/* Pick the format from po->flags. */
void ct_print(struct out *o, const struct ct *ct,
	      const struct ct_print_opts *po);

/* Names shared by the formats. */
const char *ct_l3_name(uint8_t l3);		/* "ipv4", "ipv6", "unknown" */
const char *ct_l4_name(uint8_t l4);		/* "tcp" … or "unknown" */
const char *ct_tcp_state_name(uint8_t s);
const char *ct_sctp_state_name(uint8_t s);
const char *ct_dccp_state_name(uint8_t s);
/* inet_ntop as conntrack prints: returns buf. */
const char *ct_addr_str(uint8_t l3, const union ct_addr *a, char *buf,
			size_t len);

/* Expectations: the 1.4.7 text line (with the "[%-8ld.%-6ld]\t" time
 * prefix when CT_OF_TIMESTAMP, of po->now_ns or the clock), one <flow>
 * element of the <expect> document (<when> with CT_OF_TIMESTAMP), or one
 * JSON object per line. */
void exp_print_text(struct out *o, const struct exp *e,
		    const struct ct_print_opts *po);
void exp_print_xml(struct out *o, const struct exp *e,
		   const struct ct_print_opts *po);
void exp_print_json(struct out *o, const struct exp *e,
		    const struct ct_print_opts *po);

#endif
