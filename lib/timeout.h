/* The nfct object model: cttimeout policies and cthelper objects, the
 * per-protocol timeout state names, and the words nfct takes on its
 * command line.  netlink/timeout.c and netlink/helper.c convert these
 * structs to and from messages; applets/nfct_*.c print them. */
#ifndef CTBOX_TIMEOUT_H
#define CTBOX_TIMEOUT_H

#include <stdbool.h>
#include <stdint.h>

/* The kernel keeps 31 bytes of a policy name (CTNL_TIMEOUT_NAME_MAX). */
#define TIMEOUT_NAME_MAX	32
/* Room for every protocol's states, the kernel's extra ones included. */
#define TIMEOUT_STATES_MAX	16
/* Seconds: the kernel keeps a timeout in 32-bit jiffies and treats values
 * past INT32_MAX jiffies as already expired; with HZ up to 1000 this is
 * the largest value that survives on every kernel. */
#define TIMEOUT_VALUE_MAX	2147483u

enum {
	TIMEOUT_F_NAME	= 1u << 0,
	TIMEOUT_F_L3	= 1u << 1,
	TIMEOUT_F_L4	= 1u << 2,
	TIMEOUT_F_USE	= 1u << 3,
};

struct timeout_policy {
	uint32_t present;		/* TIMEOUT_F_* */
	char name[TIMEOUT_NAME_MAX];
	uint16_t l3;			/* AF_INET / AF_INET6 */
	uint8_t l4;			/* IPPROTO_*, 255 = generic */
	uint32_t use;
	uint32_t set;			/* bit i: val[i] is present */
	uint32_t val[TIMEOUT_STATES_MAX];	/* seconds, by state index */
};

/* State names of l4, in the kernel's attribute order (attribute type =
 * index + 1).  Protocols without a list of their own get the generic one
 * (for printing); *own tells whether the list is the protocol's. */
const char *const *timeout_states(uint8_t l4, unsigned int *n, bool *own);
/* Index of a state name (case-insensitive) of l4's own list, or -ENOENT. */
int timeout_state_index(uint8_t l4, const char *name);

/* Command-line words.  0 or -EINVAL / -ERANGE. */
int nfct_l3_parse(const char *s, uint16_t *l3);	/* inet, inet6 */
int nfct_l4_parse(const char *s, uint8_t *l4);	/* protocol name */
int timeout_value_parse(const char *s, uint32_t *v);
/* Copy a policy name; -ENAMETOOLONG if it does not fit. */
int timeout_name_set(struct timeout_policy *p, const char *name);

/* cthelper objects (NF_CT_HELPER_NAME_LEN, NF_CT_MAX_EXPECT_CLASSES). */
#define HELPER_NAME_MAX		16
#define HELPER_POLICY_MAX	4

enum {
	HELPER_F_NAME		= 1u << 0,
	HELPER_F_L3		= 1u << 1,
	HELPER_F_L4		= 1u << 2,
	HELPER_F_QUEUE		= 1u << 3,
	HELPER_F_PRIV_LEN	= 1u << 4,
	HELPER_F_STATUS		= 1u << 5,
	HELPER_F_POLICY		= 1u << 6,
};

enum helper_status {
	HELPER_DISABLED = 0,
	HELPER_ENABLED = 1,
};

struct helper_policy {
	char name[HELPER_NAME_MAX];
	uint32_t expect_max;
	uint32_t expect_timeout;	/* seconds */
};

struct helper {
	uint32_t present;		/* HELPER_F_* */
	char name[HELPER_NAME_MAX];
	uint16_t l3;
	uint8_t l4;
	uint32_t queue_num;
	uint32_t priv_len;
	uint32_t status;
	unsigned int n_policy;
	struct helper_policy policy[HELPER_POLICY_MAX];
};

/* Fill h with the user-space helper nfct knows as name/l4 (its expectation
 * policy and private data size); -ENOENT if there is none. */
int helper_builtin(const char *name, uint8_t l4, struct helper *h);
/* Copy a helper name; -ENAMETOOLONG if it does not fit. */
int helper_name_set(struct helper *h, const char *name);

#endif
