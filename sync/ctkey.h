/* The key both daemon caches hash conntrack entries by: the original
 * tuple and the zone (1.4.7's key since it dropped the id), with absent
 * fields zeroed so that two messages about one flow always match. */
#ifndef CTBOX_SYNC_CTKEY_H
#define CTBOX_SYNC_CTKEY_H

#include <stdint.h>

#include "lib/ct.h"

struct ctkey {
	uint32_t src[4];
	uint32_t dst[4];
	uint8_t l3;
	uint8_t l4;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t sport;
	uint16_t dport;
	uint16_t icmp_id;
	uint16_t zone;
};

void ctkey_of(struct ctkey *k, const struct ct_tuple *t, uint16_t zone);
/* A seeded hash of the key's words, and its wider form for a key that
 * stands for the flow itself (evsrc's list of flows with an event). */
uint32_t ctkey_hash(uint32_t seed, const struct ctkey *k);
uint64_t ctkey_hash64(uint32_t seed, const struct ctkey *k);
/* A well-mixed 32-bit value. */
uint32_t ctkey_mix(uint32_t h);
/* A per-run hash seed for the table at owner: keeps chains short
 * whatever addresses are used. */
uint32_t ctkey_seed(const void *owner);

#endif
