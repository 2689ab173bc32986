/* Private to sync/wire*.c: byte access, the bounded TLV writer and the
 * validating TLV walk shared by the conntrack and expectation codecs. */
#ifndef CTBOX_SYNC_WIRE_TLV_H
#define CTBOX_SYNC_WIRE_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"
#include "sync/wire.h"

static inline uint16_t rd_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void wr_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A message being written: everything goes through tlv_put(), which
 * refuses (and latches full) rather than write past size. */
struct tlv_w {
	uint8_t *buf;
	size_t size;
	size_t len;
	bool full;
};

/* Start a data message (8-byte header, len patched by tlv_w_end). */
bool tlv_w_begin(struct tlv_w *w, uint8_t *buf, size_t size, uint8_t type,
		 uint8_t flags, uint32_t seq);
/* Length of the finished message, or -ENOSPC. */
int tlv_w_end(struct tlv_w *w);
/* Room for one attribute of plen payload bytes, zero-padded; NULL when
 * it does not fit. */
uint8_t *tlv_put(struct tlv_w *w, uint16_t id, size_t plen);
void tlv_u8(struct tlv_w *w, uint16_t id, uint8_t v);
void tlv_be32(struct tlv_w *w, uint16_t id, uint32_t v);
void tlv_bytes(struct tlv_w *w, uint16_t id, const void *p, size_t n);
/* Two u16 in network order (a port pair). */
void tlv_ports(struct tlv_w *w, uint16_t id, uint16_t a, uint16_t b);
void tlv_str(struct tlv_w *w, uint16_t id, const char *s, size_t max);
/* An address pair of a tuple: 8 or 32 bytes by family. */
void tlv_addrs(struct tlv_w *w, uint16_t id4, uint16_t id6,
	       const struct ct_tuple *t);

/* What 1.4.7 accepts for one attribute id: an exact nta_len, or a
 * maximum nta_len (header included) for the variable ones. */
struct tlv_rule {
	uint16_t exact;
	uint16_t max;
};

/* Walk the TLVs of a data message as 1.4.7 does and hand each to fn.
 * Returns 0 or WIRE_E_PAYLOAD (the first bad attribute rejects all). */
int tlv_walk(const struct wire_msg *m, const struct tlv_rule *rules,
	     unsigned int nrules,
	     int (*fn)(void *obj, unsigned int id, const uint8_t *p, size_t n),
	     void *obj);

/* Copy a NUL-terminated string attribute: up to the first NUL or the
 * payload end, whichever comes first. */
void tlv_get_str(char *dst, size_t dstsize, const uint8_t *p, size_t n);
/* Fill a tuple's addresses from an 8- or 32-byte address pair. */
void tlv_get_addrs(struct ct_tuple *t, const uint8_t *p, size_t n);
void tlv_get_ports(struct ct_tuple *t, const uint8_t *p);

#endif
