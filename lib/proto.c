/* Protocol table of conntrack 1.4.7 as data.  /etc/protocols is read by
 * our own reader so glibc and musl builds accept the same names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto.h"

/* Matrix rows, in CMD_* order: LIST CREATE UPDATE DELETE GET FLUSH EVENT
 * VERSION HELP X_LIST X_CREATE X_DELETE X_GET X_FLUSH X_EVENT COUNT
 * X_COUNT STATS X_STATS ADD. */
#define O PM_OPT
#define M PM_NEED
#define T PM_PAIR
enum { R_LIST = 0, R_CREATE = 1, R_UPDATE = 2, R_DELETE = 3, R_GET = 4,
       R_EVENT = 6, R_X_CREATE = 10, R_X_DELETE = 11, R_X_GET = 12,
       R_ADD = 19 };

/* Ports: sport dport rsport rdport mask-s mask-d tuple-s tuple-d, with
 * the optional state/vtag/role columns appended per protocol. */
#define PORT_OPTS(st)							\
	{ "orig-port-src", OPT_REQ_ARG, 0 }, { "sport", OPT_REQ_ARG, 0 },  \
	{ "orig-port-dst", OPT_REQ_ARG, 1 }, { "dport", OPT_REQ_ARG, 1 },  \
	{ "reply-port-src", OPT_REQ_ARG, 2 },				\
	{ "reply-port-dst", OPT_REQ_ARG, 3 },				\
	{ "mask-port-src", OPT_REQ_ARG, 4 },				\
	{ "mask-port-dst", OPT_REQ_ARG, 5 },				\
	{ "tuple-port-src", OPT_REQ_ARG, (st) },			\
	{ "tuple-port-dst", OPT_REQ_ARG, (st) + 1 }

#define PORT_HELP							\
	"  --orig-port-src\t\toriginal source port\n"			\
	"  --orig-port-dst\t\toriginal destination port\n"		\
	"  --reply-port-src\t\treply source port\n"			\
	"  --reply-port-dst\t\treply destination port\n"		\
	"  --mask-port-src\t\tmask source port\n"			\
	"  --mask-port-dst\t\tmask destination port\n"			\
	"  --tuple-port-src\t\texpectation tuple src port\n"		\
	"  --tuple-port-src\t\texpectation tuple dst port\n"

#define PORT_PAIR_ERR							\
	{ "you have to specify `--sport' and `--dport'",		\
	  "you have to specify `--reply-src-port' and `--reply-dst-port'" }

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* tcp: the state sits between the masks and the tuple ports */
static const struct opt_long tcp_opts[] = {
	PORT_OPTS(7),
	{ "state", OPT_REQ_ARG, 6 },
};
static const char *const tcp_names[] = {
	"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
	"mask-port-dst", "state", "tuple-port-src", "tuple-port-dst",
};
static const uint8_t tcp_kinds[] = {
	PK_SPORT, PK_DPORT, PK_RSPORT, PK_RDPORT, PK_MASK_SPORT, PK_MASK_DPORT,
	PK_STATE, PK_TUPLE_SPORT, PK_TUPLE_DPORT,
};
static const uint8_t tcp_matrix[PROTO_CMDS][PROTO_MAX_FLAGS] = {
	[R_LIST] = { O, O, O, O, 0, 0, O, 0, 0 },
	[R_CREATE] = { T, T, T, T, 0, 0, M, 0, 0 },
	[R_UPDATE] = { O, O, O, O, 0, 0, O, 0, 0 },
	[R_DELETE] = { O, O, O, O, 0, 0, O, 0, 0 },
	[R_GET] = { T, T, T, T, 0, 0, O, 0, 0 },
	[R_EVENT] = { O, O, O, O, 0, 0, O, 0, 0 },
	[R_X_CREATE] = { M, M, 0, 0, M, M, 0, M, M },
	[R_X_DELETE] = { M, M, M, M, 0, 0, 0, 0, 0 },
	[R_X_GET] = { M, M, M, M, 0, 0, 0, 0, 0 },
	[R_ADD] = { T, T, T, T, 0, 0, M, 0, 0 },
};
static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
	"LISTEN",	/* = SYN_SENT2, resolved by proto_state() */
};

static const struct opt_long udp_opts[] = { PORT_OPTS(6) };
static const char *const udp_names[] = {
	"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
	"mask-port-dst", "tuple-port-src", "tuple-port-dst",
};
static const uint8_t udp_kinds[] = {
	PK_SPORT, PK_DPORT, PK_RSPORT, PK_RDPORT, PK_MASK_SPORT, PK_MASK_DPORT,
	PK_TUPLE_SPORT, PK_TUPLE_DPORT,
};
static const uint8_t udp_matrix[PROTO_CMDS][PROTO_MAX_FLAGS] = {
	[R_LIST] = { O, O, O, O, 0, 0, 0, 0 },
	[R_CREATE] = { T, T, T, T, 0, 0, 0, 0 },
	[R_UPDATE] = { O, O, O, O, 0, 0, 0, 0 },
	[R_DELETE] = { O, O, O, O, 0, 0, 0, 0 },
	[R_GET] = { T, T, T, T, 0, 0, 0, 0 },
	[R_EVENT] = { O, O, O, O, 0, 0, 0, 0 },
	[R_X_CREATE] = { M, M, 0, 0, M, M, M, M },
	[R_X_DELETE] = { M, M, M, M, 0, 0, 0, 0 },
	[R_X_GET] = { M, M, M, M, 0, 0, 0, 0 },
	[R_ADD] = { T, T, T, T, 0, 0, 0, 0 },
};

static const struct opt_long sctp_opts[] = {
	PORT_OPTS(7),
	{ "state", OPT_REQ_ARG, 6 },
	{ "orig-vtag", OPT_REQ_ARG, 9 },
	{ "reply-vtag", OPT_REQ_ARG, 10 },
};
static const char *const sctp_names[] = {
	"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
	"mask-port-dst", "state", "tuple-port-src", "tuple-port-dst",
	"orig-vtag", "reply-vtag",
};
static const uint8_t sctp_kinds[] = {
	PK_SPORT, PK_DPORT, PK_RSPORT, PK_RDPORT, PK_MASK_SPORT, PK_MASK_DPORT,
	PK_STATE, PK_TUPLE_SPORT, PK_TUPLE_DPORT, PK_ORIG_VTAG, PK_REPLY_VTAG,
};
static const uint8_t sctp_matrix[PROTO_CMDS][PROTO_MAX_FLAGS] = {
	[R_LIST] = { O, O, O, O, 0, 0, O, 0, 0, 0, 0 },
	[R_CREATE] = { T, T, T, T, 0, 0, M, 0, 0, M, M },
	[R_UPDATE] = { O, O, O, O, 0, 0, O, 0, 0, O, O },
	[R_DELETE] = { O, O, O, O, 0, 0, O, 0, 0, 0, 0 },
	[R_GET] = { T, T, T, T, 0, 0, O, 0, 0, O, O },
	[R_EVENT] = { O, O, O, O, 0, 0, O, 0, 0, 0, 0 },
	[R_X_CREATE] = { M, M, 0, 0, M, M, 0, M, M, M, M },
	[R_X_DELETE] = { M, M, M, M, 0, 0, 0, 0, 0, 0, 0 },
	[R_X_GET] = { M, M, M, M, 0, 0, 0, 0, 0, 0, 0 },
	[R_ADD] = { T, T, T, T, 0, 0, M, 0, 0, M, M },
};
static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};

static const struct opt_long dccp_opts[] = {
	PORT_OPTS(7),
	{ "state", OPT_REQ_ARG, 6 },
	{ "role", OPT_REQ_ARG, 9 },
};
static const char *const dccp_names[] = {
	"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
	"mask-port-dst", "state", "tuple-port-src", "tuple-port-dst", "role",
};
static const uint8_t dccp_kinds[] = {
	PK_SPORT, PK_DPORT, PK_RSPORT, PK_RDPORT, PK_MASK_SPORT, PK_MASK_DPORT,
	PK_STATE, PK_TUPLE_SPORT, PK_TUPLE_DPORT, PK_ROLE,
};
static const uint8_t dccp_matrix[PROTO_CMDS][PROTO_MAX_FLAGS] = {
	[R_LIST] = { O, O, O, O, 0, 0, O, 0, 0, 0 },
	[R_CREATE] = { T, T, T, T, 0, 0, M, 0, 0, M },
	[R_UPDATE] = { O, O, O, O, 0, 0, O, 0, 0, 0 },
	[R_DELETE] = { O, O, O, O, 0, 0, O, 0, 0, 0 },
	[R_GET] = { T, T, T, T, 0, 0, O, 0, 0, 0 },
	[R_EVENT] = { O, O, O, O, 0, 0, O, 0, 0, 0 },
	[R_X_CREATE] = { M, M, 0, 0, M, M, 0, M, M, M },
	[R_X_DELETE] = { M, M, M, M, 0, 0, 0, 0, 0, 0 },
	[R_X_GET] = { M, M, M, M, 0, 0, 0, 0, 0, 0 },
	[R_ADD] = { T, T, T, T, 0, 0, M, 0, 0, M },
};
static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

static const struct opt_long gre_opts[] = {
	{ "orig-key-src", OPT_REQ_ARG, 0 }, { "srckey", OPT_REQ_ARG, 0 },
	{ "orig-key-dst", OPT_REQ_ARG, 1 }, { "dstkey", OPT_REQ_ARG, 1 },
	{ "reply-key-src", OPT_REQ_ARG, 2 },
	{ "reply-key-dst", OPT_REQ_ARG, 3 },
	{ "mask-key-src", OPT_REQ_ARG, 4 },
	{ "mask-key-dst", OPT_REQ_ARG, 5 },
	{ "tuple-key-src", OPT_REQ_ARG, 6 },
	{ "tuple-key-dst", OPT_REQ_ARG, 7 },
};
static const char *const gre_names[] = {
	"srckey", "dstkey", "reply-key-src", "reply-key-dst", "mask-key-src",
	"mask-key-dst", "tuple-key-src", "tuple-key-dst",
};
static const uint8_t gre_matrix[PROTO_CMDS][PROTO_MAX_FLAGS] = {
	[R_LIST] = { O, O, O, O, 0, 0, 0, 0 },
	[R_CREATE] = { T, T, T, T, 0, 0, 0, 0 },
	[R_UPDATE] = { O, O, O, O, 0, 0, 0, 0 },
	[R_DELETE] = { O, O, O, O, 0, 0, 0, 0 },
	[R_GET] = { T, T, T, T, 0, 0, 0, 0 },
	[R_EVENT] = { O, O, O, O, 0, 0, 0, 0 },
	[R_X_CREATE] = { M, M, M, M, M, M, M, M },
	[R_X_DELETE] = { M, M, M, M, 0, 0, 0, 0 },
	[R_X_GET] = { M, M, M, M, 0, 0, 0, 0 },
	[R_ADD] = { T, T, T, T, 0, 0, 0, 0 },
};

static const struct opt_long icmp_opts[] = {
	{ "icmp-type", OPT_REQ_ARG, 0 },
	{ "icmp-code", OPT_REQ_ARG, 1 },
	{ "icmp-id", OPT_REQ_ARG, 2 },
};
static const char *const icmp_names[] = { "icmp-type", "icmp-code", "icmp-id" };
static const struct opt_long icmpv6_opts[] = {
	{ "icmpv6-type", OPT_REQ_ARG, 0 },
	{ "icmpv6-code", OPT_REQ_ARG, 1 },
	{ "icmpv6-id", OPT_REQ_ARG, 2 },
};
static const char *const icmpv6_names[] = {
	"icmpv6-type", "icmpv6-code", "icmpv6-id",
};
static const uint8_t icmp_kinds[] = { PK_ICMP_TYPE, PK_ICMP_CODE, PK_ICMP_ID };
static const uint8_t icmp_matrix[PROTO_CMDS][PROTO_MAX_FLAGS] = {
	[R_LIST] = { O, O, O },
	[R_CREATE] = { M, M, O },
	[R_UPDATE] = { O, O, O },
	[R_DELETE] = { O, O, O },
	[R_GET] = { M, M, O },
	[R_EVENT] = { O, O, O },
	[R_X_CREATE] = { 0 },
	[R_X_DELETE] = { 0 },
	[R_X_GET] = { 0 },
	[R_ADD] = { M, M, O },
};

static const uint8_t gre_kinds[] = {
	PK_SPORT, PK_DPORT, PK_RSPORT, PK_RDPORT, PK_MASK_SPORT, PK_MASK_DPORT,
	PK_TUPLE_SPORT, PK_TUPLE_DPORT,
};

#define PROTO(n, num_, o, nm, k, mx)					\
	.name = n, .num = num_, .opts = o, .nopts = N(o),		\
	.nflags = N(nm), .flag_names = nm, .kinds = k, .matrix = mx

static const struct proto builtin[] = {
	{ PROTO("tcp", 6, tcp_opts, tcp_names, tcp_kinds, tcp_matrix),
	  .pair_err = PORT_PAIR_ERR,
	  .help = PORT_HELP "  --state\t\t\tTCP state, fe. ESTABLISHED\n",
	  .states = tcp_states, .nstates = N(tcp_states),
	  .state_err = "unknown TCP state `%s'" },
	{ PROTO("udp", 17, udp_opts, udp_names, udp_kinds, udp_matrix),
	  .pair_err = PORT_PAIR_ERR, .help = PORT_HELP },
	{ PROTO("udplite", 136, udp_opts, udp_names, udp_kinds, udp_matrix),
	  .pair_err = PORT_PAIR_ERR, .help = PORT_HELP },
	{ PROTO("sctp", 132, sctp_opts, sctp_names, sctp_kinds, sctp_matrix),
	  .pair_err = PORT_PAIR_ERR,
	  .help = PORT_HELP "  --state\t\t\tSCTP state, fe. ESTABLISHED\n"
		  "  --orig-vtag\t\toriginal verification tag\n"
		  "  --reply-vtag\t\treply verification tag\n",
	  .states = sctp_states, .nstates = N(sctp_states),
	  .state_err = "unknown SCTP state `%s'" },
	{ PROTO("dccp", 33, dccp_opts, dccp_names, dccp_kinds, dccp_matrix),
	  .pair_err = { "you have to specify `--sport' and `--dport'",
			"you have to specify `--reply-port-src' and "
			"`--report-port-dst'" },
	  .help = PORT_HELP "  --state\t\t\tDCCP state, fe. RESPOND\n",
	  .states = dccp_states, .nstates = N(dccp_states),
	  .state_err = "Unknown DCCP state `%s'" },
	{ PROTO("gre", 47, gre_opts, gre_names, gre_kinds, gre_matrix),
	  .pair_err = { "you have to specify `--srckey' and `--dstkey'",
			"you have to specify `--reply-src-key' and "
			"`--reply-dst-key'" },
	  .help = "  --orig-key-src\t\toriginal source key\n"
		  "  --orig-key-dst\t\toriginal destination key\n"
		  "  --reply-key-src\t\treply source key\n"
		  "  --reply-key-dst\t\treply destination key\n"
		  "  --mask-key-src\t\tmask source key\n"
		  "  --mask-key-dst\t\tmask destination key\n"
		  "  --tuple-key-src\t\texpectation tuple src key\n"
		  "  --tuple-key-src\t\texpectation tuple dst key\n" },
	{ PROTO("icmp", 1, icmp_opts, icmp_names, icmp_kinds, icmp_matrix),
	  .help = "  --icmp-type\t\t\ticmp type\n"
		  "  --icmp-code\t\t\ticmp code\n"
		  "  --icmp-id\t\t\ticmp id\n" },
	{ PROTO("icmpv6", 58, icmpv6_opts, icmpv6_names, icmp_kinds,
		icmp_matrix),
	  .help = "  --icmpv6-type\t\t\ticmpv6 type\n"
		  "  --icmpv6-code\t\t\ticmpv6 code\n"
		  "  --icmpv6-id\t\t\ticmpv6 id\n" },
};

const struct proto proto_generic = {
	.name = NULL,
	.help = "  no options (unsupported)\n",
};

/* One /etc/protocols entry: the name, number and aliases of a line. */
struct etc_proto {
	char *words[16];
	int nwords;
	int num;
};

static int etc_split(char *line, struct etc_proto *e)
{
	char *hash = strchr(line, '#');
	char *p, *save = NULL;
	char *endp;

	if (hash)
		*hash = '\0';
	e->nwords = 0;
	for (p = strtok_r(line, " \t\r\n", &save); p && e->nwords < 16;
	     p = strtok_r(NULL, " \t\r\n", &save))
		e->words[e->nwords++] = p;
	if (e->nwords < 2)
		return -1;
	e->num = (int)strtol(e->words[1], &endp, 10);
	if (*endp || e->num < 0 || e->num > 255)
		return -1;
	return 0;
}

/* Without /etc/protocols (an initramfs, a bare chroot) the names conntrack
 * can track still resolve: the lines of Debian's netbase file for them,
 * so that both libcs and every root answer alike. */
static const char *const etc_builtin[] = {
	"icmp 1 ICMP", "igmp 2 IGMP", "tcp 6 TCP", "udp 17 UDP",
	"dccp 33 DCCP", "ipv6 41 IPv6", "gre 47 GRE", "esp 50 IPSEC-ESP",
	"ah 51 IPSEC-AH", "ipv6-icmp 58 IPv6-ICMP", "sctp 132 SCTP",
	"udplite 136 UDPLite",
};

/* One entry against a name (its official name or an alias, exact case
 * as glibc's getprotobyname compares) or a number; its number or -1. */
static int etc_match(char *line, const char *name, int num, char *out,
		     size_t outlen)
{
	struct etc_proto e;
	int i;

	if (etc_split(line, &e) < 0)
		return -1;
	if (name) {
		for (i = 0; i < e.nwords; i++)
			if (i != 1 && strcmp(e.words[i], name) == 0)
				return e.num;
		return -1;
	}
	if (e.num != num)
		return -1;
	if (out) {
		strncpy(out, e.words[0], outlen - 1);
		out[outlen - 1] = '\0';
	}
	return e.num;
}

/* The first entry of /etc/protocols that matches, else of etc_builtin
 * when the file cannot be opened. */
static int etc_lookup(const char *name, int num, char *out, size_t outlen)
{
	char line[1024];
	FILE *f = fopen("/etc/protocols", "re");
	int r = -ENOENT;
	size_t i;

	if (!f) {
		for (i = 0; r < 0 && i < N(etc_builtin); i++) {
			snprintf(line, sizeof(line), "%s", etc_builtin[i]);
			r = etc_match(line, name, num, out, outlen);
		}
		return r < 0 ? -ENOENT : r;
	}
	while (r < 0 && fgets(line, sizeof(line), f))
		r = etc_match(line, name, num, out, outlen);
	fclose(f);
	return r < 0 ? -ENOENT : r;
}

int proto_etc_name(uint8_t num, char *buf, size_t len)
{
	int r = etc_lookup(NULL, num, buf, len);

	return r < 0 ? r : 0;
}

int proto_etc_num(const char *name)
{
	return etc_lookup(name, -1, NULL, 0);
}

const struct proto *proto_by_num(uint8_t num)
{
	size_t i;

	for (i = 0; i < N(builtin); i++)
		if (builtin[i].num == num)
			return &builtin[i];
	return &proto_generic;
}

const struct proto *proto_find(const char *name, uint8_t *num)
{
	unsigned long v;
	char *end;
	size_t i;
	int r;

	for (i = 0; i < N(builtin); i++) {
		if (strcasecmp(builtin[i].name, name) == 0) {
			*num = builtin[i].num;
			return &builtin[i];
		}
	}
	r = etc_lookup(name, -1, NULL, 0);
	if (r >= 0) {
		*num = (uint8_t)r;
		return &proto_generic;
	}
	errno = 0;
	v = strtoul(name, &end, 0);
	if (end == name || *end || v > 255)
		return NULL;
	*num = (uint8_t)v;
	return proto_by_num((uint8_t)v);
}

int proto_state(const struct proto *p, const char *name)
{
	uint8_t i;

	for (i = 0; i < p->nstates; i++)
		if (strcmp(p->states[i], name) == 0)
			return p == &builtin[0] && i == 10 ? 9 : i;
	return -1;
}
