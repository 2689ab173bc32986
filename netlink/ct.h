/* ctnetlink: struct ct <-> netlink messages, and the requests built on them.
 * Everything returns 0 / a count, or -errno; nothing prints. */
#ifndef CTBOX_NL_CT_H
#define CTBOX_NL_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"
#include "lib/ct_filter.h"

struct nl;
struct nlmsghdr;

enum ct_table {
	CT_TABLE_CONNTRACK,
	CT_TABLE_DYING,
	CT_TABLE_UNCONFIRMED,
};

/* Called once per entry with a struct that lives on the dump's stack.
 * Return 0 to go on, > 0 to stop, -errno to fail. */
typedef int (*ct_cb)(const struct ct *ct, enum ct_event ev, void *data);

/* Build flags for ct_nl_build(). */
enum {
	CT_BUILD_CONFIRMED = 1u << 0,	/* OR IPS_CONFIRMED into CTA_STATUS */
	CT_BUILD_NO_ZONE   = 1u << 1,	/* leave CTA_ZONE out */
	CT_BUILD_ID        = 1u << 2,	/* send CTA_ID (1.4.7 never does) */
};

/* Message codec.  Tuples are shared with the expectation codec. */
struct nlattr;
int ct_nl_parse_tuple(const struct nlattr *nest, struct ct_tuple *t);
int ct_nl_put_tuple(struct nlmsghdr *nlh, size_t size, uint16_t type,
		    const struct ct_tuple *t);
int ct_nl_parse(const struct nlmsghdr *nlh, struct ct *ct);
enum ct_event ct_nl_event(const struct nlmsghdr *nlh);
struct nlmsghdr *ct_nl_build(void *buf, size_t size, uint16_t type,
			     uint16_t flags, uint8_t family,
			     const struct ct *ct, unsigned int bflags);
int ct_nl_put_kfilter(struct nlmsghdr *nlh, size_t size,
		      const struct ct_kfilter *kf);

/* Requests.  The dump streams: memory stays flat whatever the table size.
 * A dump the kernel interrupted because the table changed still delivers
 * everything it read and returns -EINTR. */
int ct_nl_dump(struct nl *nl, enum ct_table table, bool zero,
	       const struct ct_kfilter *kf, ct_cb cb, void *data);
/* The main table's dump in steps (nl_dump_start/nl_dump_step). */
int ct_nl_dump_start(struct nl *nl, const struct ct_kfilter *kf);
int ct_nl_dump_step(struct nl *nl, unsigned int max, ct_cb cb, void *data,
		    unsigned int *nread);
int ct_nl_get(struct nl *nl, const struct ct *tmpl, ct_cb cb, void *data);
int ct_nl_create(struct nl *nl, const struct ct *ct, uint16_t flags);
int ct_nl_delete(struct nl *nl, const struct ct *ct);
int ct_nl_flush(struct nl *nl, const struct ct_kfilter *kf);
int ct_nl_count(struct nl *nl, uint32_t *entries, uint32_t *max);

/* Per-CPU statistics: val[i] is CTA_STATS_(i+1); present bit i says the
 * kernel sent it. */
#define CT_STATS_MAX 20
struct ct_cpu_stats {
	uint16_t cpu;
	uint32_t present;
	uint32_t val[CT_STATS_MAX];
};
typedef int (*ct_stats_cb)(const struct ct_cpu_stats *st, void *data);
int ct_nl_stats_cpu(struct nl *nl, bool expect, ct_stats_cb cb, void *data);

#endif
