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

/* Default and extended text, one line. */
void ct_print_text(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po);
/* One <flow> element on one line (no document header). */
void ct_print_xml(struct out *o, const struct ct *ct,
		  const struct ct_print_opts *po);
void ct_print_xml_header(struct out *o, const char *root);
void ct_print_xml_footer(struct out *o, const char *root);
/* A conntrack command line that -R loads back. */
void ct_print_save(struct out *o, const struct ct *ct,
		   const struct ct_print_opts *po);
/* One JSON object per line (schema in README.md). */
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

/* Expectations. */
void exp_print_text(struct out *o, const struct exp *e,
		    const struct ct_print_opts *po);
void exp_print_xml(struct out *o, const struct exp *e,
		   const struct ct_print_opts *po);
void exp_print_json(struct out *o, const struct exp *e,
		    const struct ct_print_opts *po);

#endif
