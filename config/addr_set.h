/* A set of IPv4/IPv6 networks (address + prefix length) for the Filter's
 * Address class: one hash table keyed by (family, prefix, masked address)
 * and, per family, the prefix lengths in use.  A lookup masks the address
 * once per prefix length present, so its cost depends on how many
 * distinct lengths there are (at most 33 or 129), never on how many
 * networks: tens of thousands of entries cost what a handful does. */
#ifndef CTBOX_CONFIG_ADDR_SET_H
#define CTBOX_CONFIG_ADDR_SET_H

#include <stdbool.h>

struct addr_set;

struct addr_set *addr_set_new(void);	/* NULL when out of memory */
void addr_set_free(struct addr_set *s);

/* addr: 4 or 16 bytes in network order; bits past prefix are ignored.
 * 1 when added, 0 when the network was there already, -EINVAL for a bad
 * family or prefix, -ENOMEM. */
int addr_set_add(struct addr_set *s, int family, const void *addr,
		 unsigned int prefix);

/* Whether some network of the set contains addr. */
bool addr_set_match(const struct addr_set *s, int family, const void *addr);

#endif
