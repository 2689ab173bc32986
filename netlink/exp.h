/* ctnetlink expectations: struct exp <-> netlink messages, and the
 * requests built on them.  Tuples share the conntrack codec.  Everything
 * returns 0 / a count, or -errno; nothing prints. */
#ifndef CTBOX_NL_EXP_H
#define CTBOX_NL_EXP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"

struct nl;
struct nlmsghdr;

/* Called once per expectation with a struct on the caller's stack.
 * Return 0 to go on, > 0 to stop, -errno to fail. */
typedef int (*exp_cb)(const struct exp *e, enum ct_event ev, void *data);

int exp_nl_parse(const struct nlmsghdr *nlh, struct exp *e);
/* NEW / DESTROY for event messages (the kernel never sends EXP updates),
 * CT_EV_NONE for anything else. */
enum ct_event exp_nl_event(const struct nlmsghdr *nlh);
/* Attributes in 1.4.7's order: TUPLE MASTER MASK TIMEOUT FLAGS ZONE
 * HELP_NAME.  NULL + errno (EMSGSIZE) if size is too small. */
struct nlmsghdr *exp_nl_build(void *buf, size_t size, uint16_t type,
			      uint16_t flags, uint8_t family,
			      const struct exp *e);

/* family 0 dumps every family (1.4.7 defaults to AF_INET). */
int exp_nl_dump(struct nl *nl, uint8_t family, exp_cb cb, void *data);
/* The same in steps (nl_dump_start/nl_dump_step). */
int exp_nl_dump_start(struct nl *nl, uint8_t family);
int exp_nl_dump_step(struct nl *nl, unsigned int max, exp_cb cb, void *data,
		     unsigned int *nread);
/* The kernel looks the expectation up by e->tuple (or, when absent, by
 * e->master: 1.4.7 sends its -s/-d tuple there). */
int exp_nl_get(struct nl *nl, const struct exp *e, exp_cb cb, void *data);
int exp_nl_create(struct nl *nl, const struct exp *e);
int exp_nl_delete(struct nl *nl, const struct exp *e);
int exp_nl_flush(struct nl *nl, uint8_t family);

#endif
