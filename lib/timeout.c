/* Timeout policy and helper model: state tables and command-line words
 * (see timeout.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "proto.h"
#include "timeout.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The order is the kernel's CTA_TIMEOUT_<PROTO>_* order, which is also
 * the order nfct 1.4.7 prints them in. */
static const char *const tcp_states[] = {
	"SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "RETRANS",
	"UNACKNOWLEDGED",
};
static const char *const udp_states[] = { "UNREPLIED", "REPLIED" };
/* The kernel also reports HEARTBEAT_SENT; 1.4.7 neither sets nor prints it. */
static const char *const sctp_states[] = {
	"CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};
static const char *const dccp_states[] = {
	"REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING",
	"TIMEWAIT",
};
static const char *const generic_states[] = { "TIMEOUT" };

struct state_list {
	uint8_t l4;
	uint8_t n;
	const char *const *names;
};

static const struct state_list lists[] = {
	{ 6, N(tcp_states), tcp_states },
	{ 17, N(udp_states), udp_states },
	{ 136, N(udp_states), udp_states },	/* udplite */
	{ 47, N(udp_states), udp_states },	/* gre */
	{ 132, N(sctp_states), sctp_states },
	{ 33, N(dccp_states), dccp_states },
	{ 1, N(generic_states), generic_states },	/* icmp */
	{ 58, N(generic_states), generic_states },	/* icmpv6 */
	{ 255, N(generic_states), generic_states },	/* generic */
};

static const struct state_list *find_list(uint8_t l4)
{
	size_t i;

	for (i = 0; i < N(lists); i++)
		if (lists[i].l4 == l4)
			return &lists[i];
	return NULL;
}

const char *const *timeout_states(uint8_t l4, unsigned int *n, bool *own)
{
	const struct state_list *l = find_list(l4);

	if (own)
		*own = l != NULL;
	if (!l)
		l = find_list(255);
	*n = l->n;
	return l->names;
}

int timeout_state_index(uint8_t l4, const char *name)
{
	const struct state_list *l = find_list(l4);
	unsigned int i;

	if (!l)
		return -ENOENT;
	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

int nfct_l3_parse(const char *s, uint16_t *l3)
{
	if (strcmp(s, "inet") == 0)
		*l3 = AF_INET;
	else if (strcmp(s, "inet6") == 0)
		*l3 = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

/* Names and aliases as the protocols database spells them, so that the
 * protocols cttimeout knows parse the same whatever the libc's database
 * holds; 1.4.7 adds "icmpv6" and "generic" of its own. */
static const struct {
	const char *name;
	uint8_t l4;
} l4_names[] = {
	{ "tcp", 6 }, { "TCP", 6 },
	{ "udp", 17 }, { "UDP", 17 },
	{ "udplite", 136 }, { "UDPLite", 136 },
	{ "sctp", 132 }, { "SCTP", 132 },
	{ "dccp", 33 }, { "DCCP", 33 },
	{ "gre", 47 }, { "GRE", 47 },
	{ "icmp", 1 }, { "ICMP", 1 },
	{ "ipv6-icmp", 58 }, { "IPv6-ICMP", 58 },
	{ "icmpv6", 58 },
	{ "generic", 255 },
};

int nfct_l4_parse(const char *s, uint8_t *l4)
{
	size_t i;
	int num;

	for (i = 0; i < N(l4_names); i++) {
		if (strcmp(l4_names[i].name, s) == 0) {
			*l4 = l4_names[i].l4;
			return 0;
		}
	}
	if (!*s)
		return -EINVAL;
	/* Any other protocol of the database: it has no states, but
	 * default-get and the kernel's answer still apply to it. */
	num = proto_etc_num(s);
	if (num < 0)
		return -EINVAL;
	*l4 = (uint8_t)num;
	return 0;
}

int timeout_value_parse(const char *s, uint32_t *v)
{
	unsigned long long x = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		x = x * 10 + (unsigned int)(*p - '0');
		if (x > TIMEOUT_VALUE_MAX)
			return -ERANGE;
	}
	*v = (uint32_t)x;
	return 0;
}

int timeout_name_set(struct timeout_policy *p, const char *name)
{
	size_t n = strlen(name);

	if (n >= sizeof(p->name))
		return -ENAMETOOLONG;
	memcpy(p->name, name, n + 1);
	p->present |= TIMEOUT_F_NAME;
	return 0;
}

int helper_name_set(struct helper *h, const char *name)
{
	size_t n = strlen(name);

	if (n >= sizeof(h->name))
		return -ENAMETOOLONG;
	memcpy(h->name, name, n + 1);
	h->present |= HELPER_F_NAME;
	return 0;
}

/* The user-space helpers conntrackd ships, with the expectation policy
 * and private data size nfct 1.4.7 registers for each. */
static const struct {
	const char *name;
	uint8_t l4;
	uint32_t priv_len;
	uint32_t expect_max;
	uint32_t expect_timeout;
} builtins[] = {
	{ "amanda", 17, 0, 3, 180 },
	{ "dhcpv6", 17, 0, 1, 300 },
	{ "ftp", 6, 24, 1, 300 },
	{ "mdns", 17, 0, 8, 30 },
	{ "rpc", 6, 16, 1, 300 },
	{ "rpc", 17, 16, 1, 300 },
	{ "sane", 6, 4, 1, 300 },
	{ "slp", 17, 0, 8, 16 },
	{ "ssdp", 17, 0, 8, 300 },
	{ "ssdp", 6, 0, 8, 300 },
	{ "tftp", 17, 0, 1, 300 },
	{ "tns", 6, 1, 1, 300 },
};

int helper_builtin(const char *name, uint8_t l4, struct helper *h)
{
	size_t i;

	for (i = 0; i < N(builtins); i++) {
		if (builtins[i].l4 != l4 || strcmp(builtins[i].name, name) != 0)
			continue;
		helper_name_set(h, name);
		h->l4 = l4;
		h->priv_len = builtins[i].priv_len;
		h->n_policy = 1;
		memcpy(h->policy[0].name, h->name, sizeof(h->name));
		h->policy[0].expect_max = builtins[i].expect_max;
		h->policy[0].expect_timeout = builtins[i].expect_timeout;
		h->present |= HELPER_F_L4 | HELPER_F_PRIV_LEN | HELPER_F_POLICY;
		return 0;
	}
	return -ENOENT;
}
