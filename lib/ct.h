/* The flow model shared by every codec: netlink <-> struct ct <-> wire,
 * and struct ct -> text/xml/json.  Nothing here knows about netlink. */
#ifndef CTBOX_CT_H
#define CTBOX_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Addresses are kept in network byte order, so they can be copied to and
 * from the wire and to inet_ntop() without conversion.  IPv4 uses ip[0]. */
union ct_addr {
	uint32_t ip[4];
	uint8_t b[16];
};

/* Presence bits of a tuple. */
enum {
	CT_T_SRC	= 1u << 0,
	CT_T_DST	= 1u << 1,
	CT_T_L4		= 1u << 2,	/* l4 protocol number */
	CT_T_SPORT	= 1u << 3,	/* port, GRE key */
	CT_T_DPORT	= 1u << 4,
	CT_T_ICMP_TYPE	= 1u << 5,
	CT_T_ICMP_CODE	= 1u << 6,
	CT_T_ICMP_ID	= 1u << 7,
	CT_T_ZONE	= 1u << 8,	/* directional zone (CTA_TUPLE_ZONE) */
};

/* One direction of a flow.  Ports and keys are in host byte order. */
struct ct_tuple {
	uint32_t present;	/* CT_T_* */
	uint8_t l3;		/* AF_INET / AF_INET6 */
	uint8_t l4;		/* IPPROTO_* */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t sport;		/* also GRE source key */
	uint16_t dport;		/* also GRE destination key */
	uint16_t icmp_id;
	uint16_t zone;
	union ct_addr src;
	union ct_addr dst;
};

/* Presence bits of a conntrack entry, one per field group of struct ct. */
enum ct_attr {
	CT_A_ORIG,
	CT_A_REPLY,
	CT_A_MASTER,
	CT_A_STATUS,
	CT_A_TIMEOUT,
	CT_A_MARK,
	CT_A_SECMARK,
	CT_A_SECCTX,
	CT_A_USE,
	CT_A_ID,
	CT_A_ZONE,
	CT_A_LABELS,
	CT_A_LABELS_MASK,
	CT_A_COUNTERS_ORIG,
	CT_A_COUNTERS_REPLY,
	CT_A_TS_START,
	CT_A_TS_STOP,
	CT_A_TS_EVENT,
	CT_A_TCP_STATE,
	CT_A_TCP_FLAGS_ORIG,
	CT_A_TCP_FLAGS_REPLY,
	CT_A_TCP_WSCALE_ORIG,
	CT_A_TCP_WSCALE_REPLY,
	CT_A_SCTP_STATE,
	CT_A_SCTP_VTAG_ORIG,
	CT_A_SCTP_VTAG_REPLY,
	CT_A_DCCP_STATE,
	CT_A_DCCP_ROLE,
	CT_A_DCCP_HS_SEQ,
	CT_A_SEQADJ_ORIG,
	CT_A_SEQADJ_REPLY,
	CT_A_HELPER,
	CT_A_SYNPROXY,
	CT_A_SNAT,		/* NAT setup, create only */
	CT_A_DNAT,
	CT_A_PROTOINFO,		/* an (empty) CTA_PROTOINFO nest was seen */
	CT_A_MAX
};

#define CT_BIT(a)	(1ull << (a))

/* IPS_* status bits (values fixed by the kernel ABI). */
enum {
	CT_S_EXPECTED		= 1u << 0,
	CT_S_SEEN_REPLY		= 1u << 1,
	CT_S_ASSURED		= 1u << 2,
	CT_S_CONFIRMED		= 1u << 3,
	CT_S_SRC_NAT		= 1u << 4,
	CT_S_DST_NAT		= 1u << 5,
	CT_S_SEQ_ADJUST		= 1u << 6,
	CT_S_SRC_NAT_DONE	= 1u << 7,
	CT_S_DST_NAT_DONE	= 1u << 8,
	CT_S_DYING		= 1u << 9,
	CT_S_FIXED_TIMEOUT	= 1u << 10,
	CT_S_TEMPLATE		= 1u << 11,
	CT_S_UNTRACKED		= 1u << 12,
	CT_S_HELPER		= 1u << 13,
	CT_S_OFFLOAD		= 1u << 14,
	CT_S_HW_OFFLOAD		= 1u << 15,
};

enum { CT_DIR_ORIG, CT_DIR_REPLY };

/* What a message says happened to an entry (dumps say CT_EV_NONE... or
 * CT_EV_UPDATE; only subscribed sockets see NEW and DESTROY). */
enum ct_event {
	CT_EV_NONE,
	CT_EV_NEW,
	CT_EV_UPDATE,
	CT_EV_DESTROY,
};

#define CT_LABEL_WORDS	4	/* the kernel keeps 128 label bits */
/* Strings are kept whole, or the message refused: a security context as
 * long as nftables accepts for a secmark (NFT_SECMARK_CTX_MAXLEN; an
 * SELinux MLS range runs past iptables' 256), and twice the kernel's
 * helper name (NF_CT_HELPER_NAME_LEN). */
#define CT_SECCTX_MAX	4096
#define CT_HELPER_MAX	32

struct ct_counters {
	uint64_t packets;
	uint64_t bytes;
};

struct ct_seqadj {
	uint32_t correction_pos;
	uint32_t offset_before;
	uint32_t offset_after;
};

/* NAT setup requested on create (-n / -g). */
struct ct_nat {
	union ct_addr min;
	union ct_addr max;
	uint8_t l3;		/* 0 = no address, port only */
	bool has_port;
	uint16_t port_min;
	uint16_t port_max;
};

struct ct {
	uint64_t present;	/* CT_BIT(CT_A_*) */
	uint8_t family;		/* nfgenmsg family of the message */
	struct ct_tuple orig;
	struct ct_tuple reply;
	struct ct_tuple master;
	uint32_t status;
	uint32_t timeout;
	uint32_t mark;
	uint32_t secmark;
	uint32_t use;
	uint32_t id;
	uint16_t zone;
	uint8_t labels_len;	/* bytes of labels[] the kernel sent */
	uint8_t labels_mask_len;
	uint32_t labels[CT_LABEL_WORDS];	/* host-order words, bit i = word i/32 */
	uint32_t labels_mask[CT_LABEL_WORDS];
	struct ct_counters counters[2];
	uint64_t ts_start;	/* ns */
	uint64_t ts_stop;
	uint64_t ts_event;
	struct {
		uint8_t state;
		uint8_t wscale[2];
		uint8_t flags[2];
		uint8_t flags_mask[2];
	} tcp;
	struct {
		uint8_t state;
		uint32_t vtag[2];
	} sctp;
	struct {
		uint8_t state;
		uint8_t role;
		uint64_t hs_seq;
	} dccp;
	struct ct_seqadj seqadj[2];
	struct {
		uint32_t isn;
		uint32_t its;
		uint32_t tsoff;
	} synproxy;
	struct ct_nat snat;
	struct ct_nat dnat;
	char helper[CT_HELPER_MAX];
	char secctx[CT_SECCTX_MAX];
};

static inline bool ct_has(const struct ct *ct, enum ct_attr a)
{
	return ct->present & CT_BIT(a);
}

static inline void ct_set(struct ct *ct, enum ct_attr a)
{
	ct->present |= CT_BIT(a);
}

static inline void ct_unset(struct ct *ct, enum ct_attr a)
{
	ct->present &= ~CT_BIT(a);
}

void ct_init(struct ct *ct);

/* The l3 family of an entry: from its original tuple, else its reply. */
uint8_t ct_l3(const struct ct *ct);
uint8_t ct_l4(const struct ct *ct);

/* Fill the missing direction of a template by inverting the other one
 * (ports swapped, ICMP request types turned into replies). */
void ct_tuple_invert(struct ct_tuple *dst, const struct ct_tuple *src);
/* Source / destination NAT as libnetfilter_conntrack tells it
 * (NFCT_GOPT_IS_SNAT/IS_DNAT): the NAT-done status bit, and a reply
 * address that differs from the original one.  For -o save and filters. */
bool ct_is_snat(const struct ct *ct);
bool ct_is_dnat(const struct ct *ct);
int ct_icmp_reply_type(uint8_t l3, uint8_t type);	/* -1: none */

/* An expectation. */
enum exp_attr {
	EXP_A_MASTER,
	EXP_A_TUPLE,
	EXP_A_MASK,
	EXP_A_TIMEOUT,
	EXP_A_ID,
	EXP_A_HELPER,
	EXP_A_ZONE,
	EXP_A_FLAGS,
	EXP_A_CLASS,
	EXP_A_NAT_DIR,
	EXP_A_NAT_TUPLE,
	EXP_A_FN,
	EXP_A_MAX
};

enum {
	EXP_F_PERMANENT	= 1u << 0,
	EXP_F_INACTIVE	= 1u << 1,
	EXP_F_USERSPACE	= 1u << 2,
};

struct exp {
	uint64_t present;	/* CT_BIT(EXP_A_*) */
	uint8_t family;
	struct ct_tuple master;
	struct ct_tuple tuple;
	struct ct_tuple mask;
	struct ct_tuple nat_tuple;
	uint32_t timeout;
	uint32_t id;
	uint32_t flags;
	uint32_t class;
	uint32_t nat_dir;
	uint16_t zone;
	char helper[CT_HELPER_MAX];
	char fn[CT_HELPER_MAX];
};

static inline bool exp_has(const struct exp *e, enum exp_attr a)
{
	return e->present & CT_BIT(a);
}

static inline void exp_set(struct exp *e, enum exp_attr a)
{
	e->present |= CT_BIT(a);
}

#endif
