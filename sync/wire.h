/* The conntrackd 1.4.7 sync wire format: struct ct / struct exp and the
 * FT-FW control messages to and from the bytes 1.4.7 sends and accepts.
 * This is the only code that knows the wire; it is pure (no I/O, no
 * allocation, no global state), so the sender, the receiver, the fuzzer
 * and the tests share it.
 *
 * A datagram (or a TCP stream chunk) is a sequence of messages with no
 * datagram header.  Each message is
 *
 *	byte 0     version (high nibble, always 1) | type (low nibble)
 *	byte 1     flags (WIRE_F_*)
 *	bytes 2-3  len, big-endian, the whole message including this header
 *	bytes 4-7  seq, big-endian
 *	ACK, NACK, RESYNC only: bytes 8-11 from, 12-15 to (big-endian)
 *	data messages: TLVs {BE16 len (unpadded, header included), BE16 id,
 *	payload, zero padding to 4}
 *
 * See ../shared/spec/conntrackd.md sections 3 and 4 for the observed
 * behaviour; wire_ct.c and wire_exp.c list the 1.4.7 quirks reproduced
 * (tests/unit/test_wire.c checks them against captures of 1.4.7). */
#ifndef CTBOX_SYNC_WIRE_H
#define CTBOX_SYNC_WIRE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"

#define WIRE_VERSION	1
#define WIRE_HDR_LEN	8	/* data and ALIVE messages */
#define WIRE_ACK_LEN	16	/* ACK, NACK, RESYNC */
/* 1.4.7 builds every message in a 4096-byte buffer. */
#define WIRE_MSG_MAX	4096
/* 1.4.7 reads each datagram into a 64 KiB buffer. */
#define WIRE_RECV_MAX	65536
/* Payload overhead subtracted from the link MTU for the send buffer. */
#define WIRE_OVERHEAD_UDP	28	/* IPv4 + UDP (UDP and multicast) */
#define WIRE_OVERHEAD_TCP	40	/* IPv4 + TCP */

enum wire_type {
	WIRE_T_CT_NEW	= 0,
	WIRE_T_CT_UPD	= 1,
	WIRE_T_CT_DEL	= 2,
	WIRE_T_EXP_NEW	= 3,
	WIRE_T_EXP_UPD	= 4,
	WIRE_T_EXP_DEL	= 5,
	WIRE_T_CTL	= 10,
};

enum wire_flag {
	WIRE_F_UNUSED		= 0x01,
	WIRE_F_RESYNC		= 0x02,
	WIRE_F_NACK		= 0x04,
	WIRE_F_ACK		= 0x08,
	WIRE_F_ALIVE		= 0x10,
	WIRE_F_HELLO		= 0x20,	/* may ride on any message */
	WIRE_F_HELLO_BACK	= 0x40,	/* may ride on any message */
};

/* Receive errors, one per 1.4.7 "network statistics" counter (every one
 * of them also counts "Malformed messages").  The first two end the walk
 * of a datagram; the others skip one message. */
enum wire_err {
	WIRE_E_TRUNCATED = -ENODATA,	/* "Truncated message" */
	WIRE_E_SIZE	 = -EMSGSIZE,	/* "Bad message size" */
	WIRE_E_VERSION	 = -EPROTONOSUPPORT, /* "Wrong protocol version" */
	WIRE_E_HEADER	 = -EBADMSG,	/* "Malformed header" */
	WIRE_E_TYPE	 = -ENOMSG,	/* "Bad message type" */
	WIRE_E_PAYLOAD	 = -EPROTO,	/* "Malformed payload" */
};

/* The 1.4.7 counter a wire_err is counted in, NULL for anything else. */
const char *wire_err_counter(int err);

/* Sender options that change the bytes of a data message. */
struct wire_opts {
	bool window_tracking;	/* TCPWindowTracking: send TCP window scales */
	bool commit_timeout;	/* CommitTimeout set: omit TIMEOUT */
};

/* ---- encoding: each writes one whole message at buf, or nothing ------
 * They return the message length, or -ENOSPC when it does not fit in
 * size (buf is then untouched beyond size, and may hold garbage).
 * type is WIRE_T_CT_* for wire_ct_build and WIRE_T_EXP_* for
 * wire_exp_build (else -EINVAL). */
int wire_ct_build(uint8_t *buf, size_t size, enum wire_type type,
		  uint8_t flags, uint32_t seq, const struct ct *ct,
		  const struct wire_opts *o);
int wire_exp_build(uint8_t *buf, size_t size, enum wire_type type,
		   uint8_t flags, uint32_t seq, const struct exp *e,
		   const struct wire_opts *o);
/* A control message: ALIVE is 8 bytes; ACK, NACK and RESYNC are 16 and
 * carry the inclusive range [from, to] (RESYNC sends 0, 0).  flags must
 * hold exactly one of ACK/NACK/RESYNC/ALIVE plus optional HELLO bits. */
int wire_ctl_build(uint8_t *buf, size_t size, uint8_t flags, uint32_t seq,
		   uint32_t from, uint32_t to);
/* Patch the flags / seq of a built message in place (HELLO is decided
 * at transmit time). */
void wire_set_flags(uint8_t *msg, uint8_t flags);
void wire_set_seq(uint8_t *msg, uint32_t seq);

/* ---- decoding ------------------------------------------------------- */
struct wire_msg {
	uint8_t version;
	uint8_t type;
	uint8_t flags;
	uint16_t len;
	uint32_t seq;
	uint32_t from;		/* ACK, NACK, RESYNC only */
	uint32_t to;
	const uint8_t *body;	/* after the header: TLVs of a data message */
	size_t body_len;
};

/* Frame the message at buf (remain bytes left in the datagram).  Returns
 * the number of bytes it takes (advance by it), or WIRE_E_TRUNCATED /
 * WIRE_E_SIZE, after which the rest of the datagram is dropped (for TCP
 * the caller keeps a short tail for the next read instead).  The version
 * is not checked here: a message of another version is framed, so the
 * caller can count it (wire_check_version) and go on with the next. */
int wire_next(const uint8_t *buf, size_t remain, struct wire_msg *m);
/* 0, or WIRE_E_VERSION. */
int wire_check_version(const struct wire_msg *m);

enum wire_kind {
	WIRE_K_OTHER,	/* neither: FT-FW counts it as a malformed header */
	WIRE_K_DATA,	/* type <= 5 and no flags but HELLO/HELLO_BACK */
	WIRE_K_CTL,	/* type 10 with ACK, NACK, RESYNC or ALIVE */
};
enum wire_kind wire_classify(const struct wire_msg *m);
/* Serial-number arithmetic on sequence numbers (RFC 1982 style). */
static inline bool wire_seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
/* An ACK or NACK whose to is before its from is a malformed header. */
static inline bool wire_ctl_range_ok(const struct wire_msg *m)
{
	return !wire_seq_before(m->to, m->from);
}

/* Decode a CT_* message into ct (initialised here).  Returns 0,
 * WIRE_E_TYPE when the type is not CT_NEW/UPD/DEL, WIRE_E_PAYLOAD when a
 * TLV breaks 1.4.7's rules (the whole message is then rejected).
 * The result carries the original tuple, status, l4 state, timeout, mark,
 * master tuple, NAT as ct->snat/ct->dnat (what a create applies), helper,
 * labels, synproxy and zone; never a reply tuple.  Nothing is required:
 * a message may lack addresses or protocol (1.4.7 accepts it), so the
 * caller checks what it needs.  A NATed ICMP flow from 1.4.7 carries
 * SPAT/DPAT of 0 (an artefact of its NAT detection), decoded as ports 0.
 * Labels beyond the kernel's 128 bits are refused (WIRE_E_PAYLOAD). */
int wire_ct_parse(const struct wire_msg *m, struct ct *ct);
int wire_exp_parse(const struct wire_msg *m, struct exp *e);

/* ---- packing many messages per datagram, as 1.4.7 ------------------- */
struct wire_batch {
	uint8_t *buf;
	size_t cap;	/* link MTU minus WIRE_OVERHEAD_* */
	size_t len;
};

/* cap = mtu - overhead; 0 if the MTU is smaller than the overhead. */
size_t wire_batch_cap(unsigned int mtu, unsigned int overhead);
void wire_batch_init(struct wire_batch *b, uint8_t *buf, size_t cap);
/* 1.4.7 appends while buffered + next < cap (strictly): true if msglen
 * more bytes can go in now.  When false, flush (send b->buf, b->len and
 * reset) first; a message that does not fit an empty batch is sent on
 * its own. */
bool wire_batch_fits(const struct wire_batch *b, size_t msglen);
/* Append one message; -ENOSPC if !wire_batch_fits(). */
int wire_batch_add(struct wire_batch *b, const uint8_t *msg, size_t msglen);
static inline void wire_batch_reset(struct wire_batch *b)
{
	b->len = 0;
}

#endif
