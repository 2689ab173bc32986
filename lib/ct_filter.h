/* What `conntrack -L/-D/-U/-E` compare entries against, with upstream
 * 1.4.7's semantics (spec conntrack-cli.md §7.3), and the part of it the
 * kernel can apply first. */
#ifndef CTBOX_CT_FILTER_H
#define CTBOX_CT_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "ct.h"

/* What the kernel is asked to filter on a dump or a flush.  Filters the
 * kernel does not know are ignored by old kernels, so callers always
 * re-check in user space; a kernel filter must only ever widen the set. */
struct ct_kfilter {
	uint8_t family;		/* nfgenmsg family, 0 = all */
	bool mark;
	uint32_t mark_val;
	uint32_t mark_mask;
	bool status;
	uint32_t status_val;
	uint32_t status_mask;
	bool zone;
	uint16_t zone_val;
	/* CTA_FILTER: exact match on the present fields of these tuples
	 * (addresses, l4 number, TCP/UDP ports, ICMP type/code/id). */
	struct ct_tuple orig;
	struct ct_tuple reply;
};

struct ct_nat_filter {
	bool on;
	bool has_addr;
	bool has_port;
	uint8_t l3;
	uint16_t port;
	union ct_addr addr;
};

struct ct_filter {
	uint8_t family;		/* 0 = any */
	/* nfct_cmp(ALL|MASK)-style comparison against tmpl, enabled only
	 * when one of -p -s -d -r -q -m -c -u -i -w -l --orig-zone
	 * --reply-zone was given. */
	bool cmp;
	struct ct tmpl;
	/* -m VALUE[/MASK] */
	bool mark;
	uint32_t mark_val;
	uint32_t mark_mask;
	/* -u: kernel status filter (value, mask) on -L */
	bool status;
	uint32_t status_val;
	uint32_t status_mask;
	/* -s/-d with CIDR or --mask-src/--mask-dst */
	bool src_mask;
	bool dst_mask;
	uint8_t mask_l3;
	union ct_addr src_mask_addr;
	union ct_addr dst_mask_addr;
	/* -n / -g / -j */
	struct ct_nat_filter snat;
	struct ct_nat_filter dnat;
	bool any_nat;
	/* -l: every bit must be set */
	bool labels;
	bool labels_impossible;	/* a bit beyond what the kernel keeps */
	uint32_t label_bits[CT_LABEL_WORDS];
	/* -c */
	bool secmark;
	uint32_t secmark_val;
};

void ct_filter_init(struct ct_filter *f);
bool ct_filter_match(const struct ct_filter *f, const struct ct *ct);
/* What the kernel may filter for this dump: only ever a superset of what
 * ct_filter_match() accepts.  status_on_kernel: 1.4.7 sends the status
 * filter on -L only. */
void ct_filter_kernel(const struct ct_filter *f, struct ct_kfilter *kf,
		      bool status_on_kernel);

#endif
