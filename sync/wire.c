/* The sync wire: message framing, control messages, the TLV primitives
 * and datagram packing.  The conntrack and expectation payloads are in
 * wire_ct.c and wire_exp.c. */
#include <string.h>
#include <sys/socket.h>

#include "sync/wire.h"
#include "sync/wire_tlv.h"

const char *wire_err_counter(int err)
{
	switch (err) {
	case WIRE_E_TRUNCATED:	return "Truncated message";
	case WIRE_E_SIZE:	return "Bad message size";
	case WIRE_E_VERSION:	return "Wrong protocol version";
	case WIRE_E_HEADER:	return "Malformed header";
	case WIRE_E_TYPE:	return "Bad message type";
	case WIRE_E_PAYLOAD:	return "Malformed payload";
	}
	return NULL;
}

static void put_hdr(uint8_t *p, uint8_t type, uint8_t flags, uint16_t len,
		    uint32_t seq)
{
	p[0] = (uint8_t)(WIRE_VERSION << 4 | (type & 0x0f));
	p[1] = flags;
	wr_be16(p + 2, len);
	wr_be32(p + 4, seq);
}

void wire_set_flags(uint8_t *msg, uint8_t flags)
{
	msg[1] = flags;
}

void wire_set_seq(uint8_t *msg, uint32_t seq)
{
	wr_be32(msg + 4, seq);
}

int wire_ctl_build(uint8_t *buf, size_t size, uint8_t flags, uint32_t seq,
		   uint32_t from, uint32_t to)
{
	uint8_t kind = flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC |
				WIRE_F_ALIVE);
	size_t len;

	if (kind == 0 || (kind & (kind - 1)) ||
	    (flags & ~(kind | WIRE_F_HELLO | WIRE_F_HELLO_BACK)))
		return -EINVAL;
	len = kind == WIRE_F_ALIVE ? WIRE_HDR_LEN : WIRE_ACK_LEN;
	if (size < len)
		return -ENOSPC;
	put_hdr(buf, WIRE_T_CTL, flags, (uint16_t)len, seq);
	if (len == WIRE_ACK_LEN) {
		wr_be32(buf + 8, from);
		wr_be32(buf + 12, to);
	}
	return (int)len;
}

static bool has_range(uint8_t type, uint8_t flags)
{
	return type == WIRE_T_CTL &&
	       (flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC));
}

/* 1.4.7's receive loop: a fragment shorter than a header is truncated; a
 * len of zero, beyond the datagram or shorter than its header kind is a
 * bad size; both end the datagram. */
int wire_next(const uint8_t *buf, size_t remain, struct wire_msg *m)
{
	size_t need;

	if (remain < WIRE_HDR_LEN)
		return WIRE_E_TRUNCATED;
	memset(m, 0, sizeof(*m));
	m->version = buf[0] >> 4;
	m->type = buf[0] & 0x0f;
	m->flags = buf[1];
	m->len = rd_be16(buf + 2);
	m->seq = rd_be32(buf + 4);
	if (m->len == 0 || m->len > remain)
		return WIRE_E_SIZE;
	need = WIRE_HDR_LEN;
	if (has_range(m->type, m->flags)) {
		need = WIRE_ACK_LEN;
		if (remain < WIRE_ACK_LEN)
			return WIRE_E_TRUNCATED;
	}
	if (m->len < need)
		return WIRE_E_SIZE;
	if (need == WIRE_ACK_LEN) {
		m->from = rd_be32(buf + 8);
		m->to = rd_be32(buf + 12);
	}
	m->body = buf + WIRE_HDR_LEN;
	m->body_len = m->len - WIRE_HDR_LEN;
	return m->len;
}

int wire_check_version(const struct wire_msg *m)
{
	return m->version == WIRE_VERSION ? 0 : WIRE_E_VERSION;
}

enum wire_kind wire_classify(const struct wire_msg *m)
{
	if (m->type <= WIRE_T_EXP_DEL &&
	    !(m->flags & ~(WIRE_F_HELLO | WIRE_F_HELLO_BACK)))
		return WIRE_K_DATA;
	if (m->type == WIRE_T_CTL &&
	    (m->flags & (WIRE_F_ACK | WIRE_F_NACK | WIRE_F_RESYNC |
			 WIRE_F_ALIVE)))
		return WIRE_K_CTL;
	return WIRE_K_OTHER;
}

/* ---- TLV writer ----------------------------------------------------- */

bool tlv_w_begin(struct tlv_w *w, uint8_t *buf, size_t size, uint8_t type,
		 uint8_t flags, uint32_t seq)
{
	w->buf = buf;
	w->size = size < WIRE_MSG_MAX ? size : WIRE_MSG_MAX;
	w->len = WIRE_HDR_LEN;
	w->full = size < WIRE_HDR_LEN;
	if (!w->full)
		put_hdr(buf, type, flags, 0, seq);
	return !w->full;
}

int tlv_w_end(struct tlv_w *w)
{
	if (w->full)
		return -ENOSPC;
	wr_be16(w->buf + 2, (uint16_t)w->len);
	return (int)w->len;
}

uint8_t *tlv_put(struct tlv_w *w, uint16_t id, size_t plen)
{
	size_t nlen = 4 + plen, total = (nlen + 3) & ~(size_t)3;
	uint8_t *p;

	if (w->full || total > w->size - w->len) {
		w->full = true;
		return NULL;
	}
	p = w->buf + w->len;
	wr_be16(p, (uint16_t)nlen);
	wr_be16(p + 2, id);
	memset(p + nlen, 0, total - nlen);
	w->len += total;
	return p + 4;
}

void tlv_u8(struct tlv_w *w, uint16_t id, uint8_t v)
{
	uint8_t *p = tlv_put(w, id, 1);

	if (p)
		p[0] = v;
}

void tlv_be32(struct tlv_w *w, uint16_t id, uint32_t v)
{
	uint8_t *p = tlv_put(w, id, 4);

	if (p)
		wr_be32(p, v);
}

void tlv_bytes(struct tlv_w *w, uint16_t id, const void *src, size_t n)
{
	uint8_t *p = tlv_put(w, id, n);

	if (p)
		memcpy(p, src, n);
}

void tlv_ports(struct tlv_w *w, uint16_t id, uint16_t a, uint16_t b)
{
	uint8_t *p = tlv_put(w, id, 4);

	if (p) {
		wr_be16(p, a);
		wr_be16(p + 2, b);
	}
}

void tlv_str(struct tlv_w *w, uint16_t id, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	uint8_t *p = tlv_put(w, id, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
}

void tlv_addrs(struct tlv_w *w, uint16_t id4, uint16_t id6,
	       const struct ct_tuple *t)
{
	size_t alen;
	uint8_t *p;

	if ((t->present & (CT_T_SRC | CT_T_DST)) != (CT_T_SRC | CT_T_DST))
		return;
	if (t->l3 == AF_INET)
		alen = 4, p = tlv_put(w, id4, 8);
	else if (t->l3 == AF_INET6)
		alen = 16, p = tlv_put(w, id6, 32);
	else
		return;
	if (p) {
		memcpy(p, t->src.b, alen);
		memcpy(p + alen, t->dst.b, alen);
	}
}

/* ---- TLV reader ----------------------------------------------------- */

/* 1.4.7 loops while more than 4 bytes remain (so up to 4 trailing bytes
 * are ignored) and steps by the padded length, so a last attribute whose
 * padding is missing is still accepted. */
int tlv_walk(const struct wire_msg *m, const struct tlv_rule *rules,
	     unsigned int nrules,
	     int (*fn)(void *obj, unsigned int id, const uint8_t *p, size_t n),
	     void *obj)
{
	const uint8_t *p = m->body;
	size_t left = m->body_len;

	while (left > 4) {
		size_t nlen = rd_be16(p), step;
		unsigned int id = rd_be16(p + 2);

		if (nlen > left || nlen < 4 || id >= nrules)
			return WIRE_E_PAYLOAD;
		if (rules[id].exact && nlen != rules[id].exact)
			return WIRE_E_PAYLOAD;
		if (rules[id].max && nlen > rules[id].max)
			return WIRE_E_PAYLOAD;
		if (fn(obj, id, p + 4, nlen - 4) < 0)
			return WIRE_E_PAYLOAD;
		step = (nlen + 3) & ~(size_t)3;
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return 0;
}

void tlv_get_str(char *dst, size_t dstsize, const uint8_t *p, size_t n)
{
	const uint8_t *nul = memchr(p, 0, n);
	size_t len = nul ? (size_t)(nul - p) : n;

	if (len >= dstsize)
		len = dstsize - 1;
	memcpy(dst, p, len);
	dst[len] = 0;
}

void tlv_get_addrs(struct ct_tuple *t, const uint8_t *p, size_t n)
{
	size_t alen = n / 2;

	t->l3 = alen == 4 ? AF_INET : AF_INET6;
	memset(&t->src, 0, sizeof(t->src));
	memset(&t->dst, 0, sizeof(t->dst));
	memcpy(t->src.b, p, alen);
	memcpy(t->dst.b, p + alen, alen);
	t->present |= CT_T_SRC | CT_T_DST;
}

void tlv_get_ports(struct ct_tuple *t, const uint8_t *p)
{
	t->sport = rd_be16(p);
	t->dport = rd_be16(p + 2);
	t->present |= CT_T_SPORT | CT_T_DPORT;
}

/* ---- packing -------------------------------------------------------- */

size_t wire_batch_cap(unsigned int mtu, unsigned int overhead)
{
	return mtu > overhead ? mtu - overhead : 0;
}

void wire_batch_init(struct wire_batch *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
}

bool wire_batch_fits(const struct wire_batch *b, size_t msglen)
{
	return msglen < b->cap && b->len + msglen < b->cap;
}

int wire_batch_add(struct wire_batch *b, const uint8_t *msg, size_t msglen)
{
	if (!wire_batch_fits(b, msglen))
		return -ENOSPC;
	memcpy(b->buf + b->len, msg, msglen);
	b->len += msglen;
	return 0;
}
