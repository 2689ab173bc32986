/* The daemon caches' key and hash (see ctkey.h). */
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sync/ctkey.h"

void ctkey_of(struct ctkey *k, const struct ct_tuple *t, uint16_t zone)
{
	memset(k, 0, sizeof(*k));
	k->l3 = t->l3;
	if (t->present & CT_T_SRC)
		memcpy(k->src, t->src.ip, t->l3 == AF_INET ? 4 : 16);
	if (t->present & CT_T_DST)
		memcpy(k->dst, t->dst.ip, t->l3 == AF_INET ? 4 : 16);
	if (t->present & CT_T_L4)
		k->l4 = t->l4;
	if (t->present & CT_T_SPORT)
		k->sport = t->sport;
	if (t->present & CT_T_DPORT)
		k->dport = t->dport;
	if (t->present & CT_T_ICMP_TYPE)
		k->icmp_type = t->icmp_type;
	if (t->present & CT_T_ICMP_CODE)
		k->icmp_code = t->icmp_code;
	if (t->present & CT_T_ICMP_ID)
		k->icmp_id = t->icmp_id;
	k->zone = zone;
}

uint32_t ctkey_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

/* Six 64-bit words, one multiply each and one final mix: every event
 * hashes its key once or twice, and the 32-bit mix per word this replaces
 * was 5% of the sender's CPU under a sustained event load. */
uint64_t ctkey_hash64(uint32_t seed, const struct ctkey *k)
{
	uint64_t w[(sizeof(*k) + 7) / 8] = { 0 };
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL;
	size_t i;

	memcpy(w, k, sizeof(*k));
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

uint32_t ctkey_hash(uint32_t seed, const struct ctkey *k)
{
	return (uint32_t)(ctkey_hash64(seed, k) >> 32);
}

uint32_t ctkey_seed(const void *owner)
{
	return ctkey_mix((uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^
			 (uint32_t)(uintptr_t)owner);
}
