/* The daemon caches' compact form of a conntrack entry: a variable-length
 * byte string holding only the fields a struct ct has present, addresses
 * as long as their family needs, and no reply tuple at all when it is the
 * original one inverted (a flow without NAT).  A typical IPv4 TCP flow
 * takes about 46 bytes instead of the 370 of struct ct's leading part.
 *
 * Layout: 5 bytes of presence bits (CT_A_*, plus one bit for "reply is
 * the inverse"), the family, then the original tuple and the zone (the
 * cache's key, first so that ctpack_key() stops early), the reply and
 * master tuples, the security context, the fixed-size fields in enum
 * ct_attr order, the helper name and the NAT setups.
 * Fields without their presence bit are not kept: they decode as zero.
 * Pure, no allocation; returns lengths or -errno, never prints. */
#ifndef CTBOX_SYNC_CTPACK_H
#define CTBOX_SYNC_CTPACK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"
#include "sync/ctkey.h"

/* The longest encoding there is (three IPv6 tuples, everything present,
 * a security context of CT_SECCTX_MAX - 1 bytes). */
#define CTPACK_MAX	(CT_SECCTX_MAX + 512)

/* Encode ct without the attributes in drop (CT_BIT()s) into buf (cap
 * bytes): the length, or -ENOSPC. */
int ctpack_encode(uint8_t *buf, size_t cap, const struct ct *ct,
		  uint64_t drop);
/* Decode the encoding at p (at most len bytes are read) into ct, zeroed
 * first: the bytes used, or -EINVAL when it runs past len or is not an
 * encoding. */
int ctpack_decode(const uint8_t *p, size_t len, struct ct *ct);
/* The cache key (original tuple and zone) of an encoding, without
 * decoding the rest: 0 or -EINVAL. */
int ctpack_key(const uint8_t *p, size_t len, struct ctkey *k);

#endif
