/* Kernel-side pre-filter for conntrack event sockets: a classic BPF
 * program over each ctnetlink event message and its attributes.
 *
 * The program only ever WIDENS the set the caller wants: whenever the
 * message lacks what a check needs (an attribute that events leave out,
 * e.g. a zero mark), the check passes.  Callers always re-check every
 * event in user space; the filter only saves the copy and the wakeup for
 * the events it can prove unwanted.
 *
 * Use: fill a struct ct_bpf_spec (by hand, as conntrackd's Filter{} does,
 * or from a `conntrack` filter with ct_bpf_from_filter()), compile it
 * with ct_bpf_compile(), attach it with ct_bpf_attach().  Nothing here
 * prints; everything returns 0 or -errno. */
#ifndef CTBOX_NL_BPF_H
#define CTBOX_NL_BPF_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/ct.h"
#include "lib/ct_filter.h"

#define CT_BPF_MAX_INSNS	1024	/* the kernel takes up to 4096 */
#define CT_BPF_MAX_L4		16
#define CT_BPF_MAX_NETS		32
#define CT_BPF_MAX_ADDR		6

/* One instruction, laid out as the kernel's struct sock_filter. */
struct ct_bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

struct ct_bpf_prog {
	unsigned int len;
	struct ct_bpf_insn insn[CT_BPF_MAX_INSNS];
};

/* Which tuple addresses an address condition looks at. */
enum {
	CT_BPF_ORIG_SRC	= 1u << 0,
	CT_BPF_ORIG_DST	= 1u << 1,
	CT_BPF_REPL_SRC	= 1u << 2,
	CT_BPF_REPL_DST	= 1u << 3,
};

/* addr & mask == net & mask, per 32-bit word; both in network order. */
struct ct_bpf_net {
	uint8_t l3;		/* AF_INET or AF_INET6 */
	union ct_addr addr;
	union ct_addr mask;
};

/* "One of these addresses is one of these networks" (or, with ignore,
 * "none is"). */
struct ct_bpf_addr {
	unsigned int where;	/* CT_BPF_* */
	bool ignore;
	unsigned int n;
	struct ct_bpf_net net[CT_BPF_MAX_NETS];
};

/* Every condition that is set must hold (AND). */
struct ct_bpf_spec {
	uint8_t family;		/* nfgenmsg family; 0 = any */
	unsigned int events;	/* 1u << CT_EV_NEW/UPDATE/DESTROY; 0 = any */
	/* l4 protocol of the original tuple in (or, with l4_ignore, not
	 * in) this list; n_l4 == 0: any */
	unsigned int n_l4;
	bool l4_ignore;
	uint8_t l4[CT_BPF_MAX_L4];
	/* exact ports: CT_T_SPORT / CT_T_DPORT of orig and reply; only
	 * for protocols with ports (give an l4 list with them) */
	struct ct_tuple orig;
	struct ct_tuple reply;
	unsigned int n_addr;
	struct ct_bpf_addr addr[CT_BPF_MAX_ADDR];
	bool mark;		/* (CTA_MARK & mark_mask) == mark_val */
	uint32_t mark_val;
	uint32_t mark_mask;
	bool zone;		/* CTA_ZONE == zone_val */
	uint16_t zone_val;
};

void ct_bpf_spec_init(struct ct_bpf_spec *s);
/* Add one network to an address condition: 0, -EINVAL (bad l3 or
 * prefix), -ENOSPC (too many). prefix = -1: the whole address. */
int ct_bpf_add_net(struct ct_bpf_addr *a, uint8_t l3,
		   const union ct_addr *addr, int prefix);
/* The part of a `conntrack` filter that the kernel can check, for the
 * given family (0 = any). */
void ct_bpf_from_filter(struct ct_bpf_spec *s, const struct ct_filter *f,
			uint8_t family);
/* True when the spec would accept everything (no program needed). */
bool ct_bpf_is_empty(const struct ct_bpf_spec *s);
/* 0, or -E2BIG when the program does not fit. */
int ct_bpf_compile(const struct ct_bpf_spec *s, struct ct_bpf_prog *p);
/* SO_ATTACH_FILTER on a socket; 0 or -errno. */
int ct_bpf_attach(int fd, const struct ct_bpf_prog *p);

#endif
