/* conntrack's command line, parsed as conntrack-tools 1.4.7 parses it:
 * getopt_long order and quirks (lib/opt.c), the command/option matrix in
 * bit order, protocol options that exist only after -p, and the exact
 * messages and exit codes.  The result is one struct ct_cmd. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conntrack.h"
#include "lib/addr_parse.h"
#include "lib/err.h"
#include "lib/labelmap.h"
#include "lib/opt.h"
#include "lib/out.h"
#include "lib/proto.h"

void ct_exit_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_msg(fmt, ap);
	va_end(ap);
	if (status == PARAMETER_PROBLEM)
		say_err("Try `conntrack -h' or 'conntrack --help' for more "
			"information.");
	ctbox_exit(status);
}

#define PARAM(...) ct_exit_error(PARAMETER_PROBLEM, __VA_ARGS__)

#define SHORTOPTS ":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:" \
		  "m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):"

enum { VAL_RELIABLE = 1, PROTO_OFFSET = 256 };

static const struct opt_long base_opts[] = {
	{ "dump", OPT_OPT_ARG, 'L' },
	{ "create", OPT_OPT_ARG, 'I' },
	{ "add", OPT_OPT_ARG, 'A' },
	{ "delete", OPT_OPT_ARG, 'D' },
	{ "update", OPT_OPT_ARG, 'U' },
	{ "get", OPT_OPT_ARG, 'G' },
	{ "flush", OPT_OPT_ARG, 'F' },
	{ "event", OPT_OPT_ARG, 'E' },
	{ "counter", OPT_OPT_ARG, 'C' },
	{ "stats", OPT_NO_ARG, 'S' },
	{ "version", OPT_NO_ARG, 'V' },
	{ "help", OPT_NO_ARG, 'h' },
	{ "orig-src", OPT_REQ_ARG, 's' },
	{ "src", OPT_REQ_ARG, 's' },
	{ "orig-dst", OPT_REQ_ARG, 'd' },
	{ "dst", OPT_REQ_ARG, 'd' },
	{ "reply-src", OPT_REQ_ARG, 'r' },
	{ "reply-dst", OPT_REQ_ARG, 'q' },
	{ "protonum", OPT_REQ_ARG, 'p' },
	{ "timeout", OPT_REQ_ARG, 't' },
	{ "status", OPT_REQ_ARG, 'u' },
	{ "zero", OPT_NO_ARG, 'z' },
	{ "event-mask", OPT_REQ_ARG, 'e' },
	{ "tuple-src", OPT_REQ_ARG, '[' },
	{ "tuple-dst", OPT_REQ_ARG, ']' },
	{ "mask-src", OPT_REQ_ARG, '{' },
	{ "mask-dst", OPT_REQ_ARG, '}' },
	{ "nat-range", OPT_REQ_ARG, 'a' },
	{ "mark", OPT_REQ_ARG, 'm' },
	{ "secmark", OPT_REQ_ARG, 'c' },
	{ "id", OPT_OPT_ARG, 'i' },
	{ "family", OPT_REQ_ARG, 'f' },
	{ "src-nat", OPT_OPT_ARG, 'n' },
	{ "dst-nat", OPT_OPT_ARG, 'g' },
	{ "output", OPT_REQ_ARG, 'o' },
	{ "buffer-size", OPT_REQ_ARG, 'b' },
	{ "any-nat", OPT_OPT_ARG, 'j' },
	{ "zone", OPT_REQ_ARG, 'w' },
	{ "label", OPT_REQ_ARG, 'l' },
	{ "label-add", OPT_REQ_ARG, '<' },
	{ "label-del", OPT_OPT_ARG, '>' },
	{ "orig-zone", OPT_REQ_ARG, '(' },
	{ "reply-zone", OPT_REQ_ARG, ')' },
	{ "reliable", OPT_NO_ARG, VAL_RELIABLE },	/* ours */
};
#define NBASE (sizeof(base_opts) / sizeof(base_opts[0]))

/* Names the matrix errors print, in bit (= check) order. */
static const char *const opt_names[OPT_MAX] = {
	"src", "dst", "reply-src", "reply-dst", "protonum", "timeout",
	"status", "zero", "event-mask", "tuple-src", "tuple-dst", "mask-src",
	"mask-dst", "nat-range", "mark", "id", "family", "src-nat", "dst-nat",
	"output", "secmark", "buffer-size", "any-nat", "zone", "label",
	"label-add", "label-del", "orig-zone", "reply-zone",
};

/* 0 illegal, 1 compulsory, 2 optional, 3 coupled (-s/-d or -r/-q).
 * Columns: s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( ) */
static const uint8_t matrix[CMD_MAX][OPT_MAX] = {
	[CMD_LIST] =	   {2,2,2,2,2,0,2,2,0,0,0,2,2,0,2,0,2,2,2,2,2,0,2,2,2,0,0,2,2},
	[CMD_CREATE] =	   {3,3,3,3,1,1,2,0,0,0,0,0,0,2,2,0,0,2,2,0,0,0,0,2,0,2,0,2,2},
	[CMD_UPDATE] =	   {2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,0,2,2,2,0,0},
	[CMD_DELETE] =	   {2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,2,2,0,0,2,2},
	[CMD_GET] =	   {3,3,3,3,1,0,0,0,0,0,0,0,0,0,0,2,0,0,0,2,0,0,0,0,2,0,0,0,0},
	[CMD_FLUSH] =	   {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0},
	[CMD_EVENT] =	   {2,2,2,2,2,0,0,0,2,0,0,2,2,0,2,0,2,2,2,2,2,2,2,2,2,0,0,2,2},
	[CMD_HELP] =	   {0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CMD_EXP_LIST] =   {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,2,0,0,0,0,0,0,0,0,0},
	[CMD_EXP_CREATE] = {1,1,2,2,1,1,2,0,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CMD_EXP_DELETE] = {1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CMD_EXP_GET] =	   {1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0},
	[CMD_EXP_EVENT] =  {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0},
	[CMD_ADD] =	   {3,3,3,3,1,1,2,0,0,0,0,0,0,2,2,0,0,2,2,0,0,0,0,2,0,2,0,2,2},
};

/* The options that make -L/-D/-E compare entries with the template. */
#define CMP_OPTS (1u << OPT_PROTO | 1u << OPT_SRC | 1u << OPT_DST |	\
		  1u << OPT_REPL_SRC | 1u << OPT_REPL_DST | 1u << OPT_MARK | \
		  1u << OPT_SECMARK | 1u << OPT_STATUS | 1u << OPT_ID |	\
		  1u << OPT_ZONE | 1u << OPT_LABEL | 1u << OPT_ORIG_ZONE |	\
		  1u << OPT_REPL_ZONE)

enum { TBL_ARG_CT, TBL_ARG_EXP, TBL_ARG_DYING, TBL_ARG_UNCONF };

struct keyword {
	const char *name;
	unsigned int val;
};

static const struct keyword status_words[] = {
	{ "ASSURED", CT_S_ASSURED }, { "SEEN_REPLY", CT_S_SEEN_REPLY },
	{ "UNSET", 0 }, { "FIXED_TIMEOUT", CT_S_FIXED_TIMEOUT },
	{ "EXPECTED", CT_S_EXPECTED }, { "OFFLOAD", CT_S_OFFLOAD },
	{ "HW_OFFLOAD", CT_S_HW_OFFLOAD }, { NULL, 0 },
};
static const struct keyword event_words[] = {
	{ "ALL", 7 }, { "NEW", 1 }, { "UPDATES", 2 }, { "DESTROY", 4 },
	{ NULL, 0 },
};
static const struct keyword output_words[] = {
	{ "xml", CT_OF_XML }, { "extended", CT_OF_EXTENDED },
	{ "timestamp", CT_OF_TIMESTAMP }, { "id", CT_OF_ID },
	{ "ktimestamp", CT_OF_KTIMESTAMP }, { "labels", CT_OF_LABELS },
	{ "userspace", 0 }, { "save", CT_OF_SAVE }, { "json", CT_OF_JSON },
	{ NULL, 0 },
};

/* Everything the loop accumulates before struct ct_cmd is filled. */
struct parse {
	struct ct_cmd *cmd;
	int argc;
	char **argv;
	struct opt_state st;
	struct opt_long *lopts;
	size_t nlopts;
	int command;		/* CMD_*, CMD_NONE */
	uint32_t options;
	int family;
	const struct proto *h;
	unsigned int h_offset;
	unsigned int gens;
	uint32_t l4flags;
	uint8_t protonum;
	uint32_t status;
	bool kstatus;
	uint32_t kstatus_mask;
	bool mark;
	uint32_t mark_val;
	uint32_t mark_mask;
	struct ct_tuple mask;	/* -s/-d CIDR, --mask-*, --tuple-* CIDR */
	struct ct_nat nat_s;	/* -n (and -j) */
	struct ct_nat nat_d;	/* -g (and -j) */
	bool nat_s_set;
	bool nat_d_set;
	bool labels_big;	/* a -l bit the kernel cannot hold */
	uint32_t label[CT_LABEL_WORDS];
	bool label_set;
};

static struct labelmap *labelmap;
static bool labelmap_tried;

static void labelmap_load(void)
{
	if (labelmap_tried)
		return;
	labelmap_tried = true;
	labelmap = labelmap_open(NULL);
	if (!labelmap)
		say_err("nfct_labelmap_new: %s", err_str(errno));
}

/* The word of the current option, as upstream names it in messages. */
static const char *cur_word(const struct parse *p)
{
	return p->argv[p->st.ind - 1];
}

/* An optional argument: an attached one is dropped (1.4.7), else the
 * next word unless it looks like an option. */
static const char *optional_arg(struct parse *p)
{
	const char *w;

	if (p->st.arg)
		return NULL;
	if (p->st.ind >= p->argc)
		return NULL;
	w = p->argv[p->st.ind];
	if (w[0] == '-' || w[0] == '!')
		return NULL;
	p->st.ind++;
	return w;
}

static int table_arg(struct parse *p)
{
	const char *t = optional_arg(p);
	size_t n;

	if (!t)
		return TBL_ARG_CT;
	n = strlen(t);
	if (strncmp("expect", t, n) == 0)
		return TBL_ARG_EXP;
	if (strncmp("conntrack", t, n) == 0)
		return TBL_ARG_CT;
	if (strncmp("dying", t, n) == 0)
		return TBL_ARG_DYING;
	if (strncmp("unconfirmed", t, n) == 0)
		return TBL_ARG_UNCONF;
	PARAM("unknown type `%s'", t);
}

static void add_command(struct parse *p, int c)
{
	if (p->command != CMD_NONE)
		PARAM("Invalid commands combination");
	p->command = c;
}

static void do_command(struct parse *p, int c)
{
	static const struct {
		char c;
		signed char ct, exp;
		const char *long_name;
	} map[] = {
		{ 'L', CMD_LIST, CMD_EXP_LIST, "dump" },
		{ 'I', CMD_CREATE, CMD_EXP_CREATE, "create" },
		{ 'D', CMD_DELETE, CMD_EXP_DELETE, "delete" },
		{ 'G', CMD_GET, CMD_EXP_GET, "get" },
		{ 'F', CMD_FLUSH, CMD_EXP_FLUSH, "flush" },
		{ 'E', CMD_EVENT, CMD_EXP_EVENT, "event" },
		{ 'V', CMD_VERSION, CMD_VERSION, "version" },
		{ 'h', CMD_HELP, CMD_HELP, "help" },
		{ 'C', CMD_COUNT, CMD_EXP_COUNT, "counter" },
		{ 'S', CMD_STATS, CMD_EXP_STATS, "stats" },
		{ 'U', CMD_UPDATE, -1, "update" },
		{ 'A', CMD_ADD, -1, "add" },
	};
	size_t i;
	int t = table_arg(p), n;

	for (i = 0; map[i].c != c; i++)
		;
	if (c == 'L' && (t == TBL_ARG_DYING || t == TBL_ARG_UNCONF)) {
		add_command(p, CMD_LIST);
		p->cmd->table = t == TBL_ARG_DYING ? TBL_DYING : TBL_UNCONFIRMED;
		return;
	}
	if (t == TBL_ARG_DYING || t == TBL_ARG_UNCONF)
		PARAM("Can't do that command with tables `dying' and "
		      "`unconfirmed'");
	n = t == TBL_ARG_EXP ? map[i].exp : map[i].ct;
	if (n < 0)
		PARAM("Can't do --%s on expectations", map[i].long_name);
	add_command(p, n);
	p->cmd->table = t == TBL_ARG_EXP ? TBL_EXPECT : TBL_CONNTRACK;
}

static void set_family(struct parse *p, int fam)
{
	if (p->family == AF_UNSPEC)
		p->family = fam;
	else if (p->family != fam)
		PARAM("mismatched address family");
}

/* Which tuple an address option writes and its CIDR companion. */
static struct ct_tuple *addr_tuple(struct parse *p, int c, int *maskopt)
{
	struct ct *t = &p->cmd->tmpl;

	*maskopt = 0;
	switch (c) {
	case 's':
		*maskopt = '{';
		return &t->orig;
	case 'd':
		*maskopt = '}';
		return &t->orig;
	case 'r':
	case 'q':
		return &t->reply;
	case '[':
		*maskopt = '{';
		return &p->cmd->exp.tuple;
	case ']':
		*maskopt = '}';
		return &p->cmd->exp.tuple;
	default:
		return &p->mask;
	}
}

static const char *long_name_of(int c)
{
	size_t i;

	for (i = 0; i < NBASE; i++)
		if (base_opts[i].val == c)
			return base_opts[i].name;
	return "unknown";
}

static uint32_t opt_bit(int c)
{
	switch (c) {
	case 's': return 1u << OPT_SRC;
	case 'd': return 1u << OPT_DST;
	case 'r': return 1u << OPT_REPL_SRC;
	case 'q': return 1u << OPT_REPL_DST;
	case '{': return 1u << OPT_MASK_SRC;
	case '}': return 1u << OPT_MASK_DST;
	case '[': return 1u << OPT_EXP_SRC;
	case ']': return 1u << OPT_EXP_DST;
	case 'n': return 1u << OPT_SRC_NAT;
	case 'g': return 1u << OPT_DST_NAT;
	case 'j': return 1u << OPT_ANY_NAT;
	default: return 0;
	}
}

/* -s -d -r -q --tuple-* --mask-* and the address of -n/-g/-j. */
static void parse_address(struct parse *p, int c, const char *arg,
			  union ct_addr *nat_addr)
{
	union ct_addr a;
	int bits, maskopt, fam;
	struct ct_tuple *t;

	fam = addr_parse_cidr(arg, &a, &bits);
	if (!fam)
		PARAM("Invalid IP address `%s'", arg);
	set_family(p, fam);
	t = addr_tuple(p, c, &maskopt);
	if (nat_addr)
		maskopt = 0;
	if (bits != ADDR_NO_MASK && !maskopt)
		PARAM("CIDR notation unavailable for `--%s'", long_name_of(c));
	if (bits == ADDR_BAD_MASK)
		PARAM("Invalid netmask");
	p->options |= opt_bit(c);
	if (nat_addr) {
		*nat_addr = a;
		p->cmd->tmpl.orig.l3 = (uint8_t)fam;
		return;
	}
	t->l3 = (uint8_t)fam;
	if (c == 's' || c == '[' || c == '{' || c == 'r') {
		t->src = a;
		t->present |= CT_T_SRC;
	} else {
		t->dst = a;
		t->present |= CT_T_DST;
	}
	if (bits == ADDR_NO_MASK || !maskopt ||
	    bits == (fam == AF_INET ? 32 : 128))
		return;
	addr_netmask((uint8_t)fam, bits, &a);
	p->mask.l3 = (uint8_t)fam;
	if (maskopt == '{') {
		p->mask.src = a;
		p->mask.present |= CT_T_SRC;
	} else {
		p->mask.dst = a;
		p->mask.present |= CT_T_DST;
	}
	p->options |= opt_bit(maskopt);
}

/* -n/-g/-j [ADDR[:PORT]] */
static void parse_nat(struct parse *p, int c)
{
	const char *arg, *addr, *port;
	size_t alen;
	char *copy;
	union ct_addr a;
	struct ct_nat nat;

	p->options |= opt_bit(c);
	arg = optional_arg(p);
	if (!arg)
		return;
	switch (addr_split_nat(arg, &addr, &alen, &port)) {
	case NAT_SPLIT_NO_V6:
		PARAM("No IPv6 address specified");
	case NAT_SPLIT_NO_CLOSE:
		PARAM("No closing ']' around IPv6 address");
	case NAT_SPLIT_NO_PORT:
		PARAM("No port specified after `:'");
	case NAT_SPLIT_BAD_PORT:
		PARAM("Invalid port `%s'", port);
	default:
		break;
	}
	copy = strndup(addr, alen);
	if (!copy)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	parse_address(p, c, copy, &a);
	free(copy);
	memset(&nat, 0, sizeof(nat));
	nat.min = nat.max = a;
	nat.l3 = (uint8_t)p->family;
	if (port) {
		nat.has_port = true;
		nat.port_min = nat.port_max = (uint16_t)atoi(port);
	}
	if (c == 'n' || c == 'j') {
		p->nat_s = nat;
		p->nat_s_set = true;
	}
	if (c == 'g' || c == 'j') {
		p->nat_d = nat;
		p->nat_d_set = true;
	}
}

/* "-u/-e/-o" word lists: case-insensitive prefixes, first hit wins,
 * SRC_NAT/DST_NAT prefixes only warn. */
static bool keyword(const char *s, size_t n, const struct keyword *k,
		    uint32_t *val)
{
	if (strncasecmp(s, "SRC_NAT", n) == 0) {
		say_err("WARNING: ignoring SRC_NAT, use --src-nat instead");
		return true;
	}
	if (strncasecmp(s, "DST_NAT", n) == 0) {
		say_err("WARNING: ignoring DST_NAT, use --dst-nat instead");
		return true;
	}
	for (; k->name; k++) {
		if (strncasecmp(s, k->name, n) == 0) {
			*val |= k->val;
			return true;
		}
	}
	return false;
}

static void parse_list(const char *arg, const struct keyword *k,
		       uint32_t *val)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !keyword(arg, (size_t)(comma - arg), k, val))
			PARAM("Bad parameter `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !keyword(arg, strlen(arg), k, val))
		PARAM("Bad parameter `%s'", arg);
}

/* -u: "!X" goes to the mask only; "UNREPLIED..." means SEEN_REPLY
 * must be clear. */
static void parse_status(struct parse *p, const char *arg)
{
	static const char unreplied[] = "UNREPLIED";
	const char *comma, *end;
	bool neg;

	for (;;) {
		comma = strchr(arg, ',');
		if (comma == arg)
			PARAM("Bad parameter `%s'", arg);
		neg = *arg == '!';
		if (neg)
			arg++;
		end = comma ? comma : arg + strlen(arg);
		if (end == arg)
			PARAM("Bad parameter `%s'", arg);
		if (!neg && strncmp(arg, unreplied, strlen(unreplied)) == 0) {
			p->kstatus_mask |= CT_S_SEEN_REPLY;
		} else if (!keyword(arg, (size_t)(end - arg), status_words,
				    neg ? &p->kstatus_mask : &p->status)) {
			PARAM("Bad parameter `%s'", arg);
		}
		if (!comma)
			break;
		arg = comma + 1;
	}
}

/* -l / --label-add / --label-del NAME[,NAME...] into a bit set. */
static void parse_labels(struct parse *p, char *arg, uint32_t *set)
{
	char *name = arg, *comma;
	int bit;

	for (;;) {
		comma = strchr(name, ',');
		if (comma)
			*comma = '\0';
		bit = labelmap_bit(labelmap, name);
		if (bit < 0)
			PARAM("unknown label '%s'", name);
		if (bit < CT_LABEL_WORDS * 32)
			set[bit / 32] |= 1u << (bit % 32);
		else if (set == p->label)
			p->labels_big = true;
		if (!comma)
			break;
		name = comma + 1;
	}
}

static void label_opt(struct parse *p, int c)
{
	const char *arg = p->st.arg;
	char *copy;

	p->options |= c == 'l' ? 1u << OPT_LABEL :
		      c == '<' ? 1u << OPT_ADD_LABEL : 1u << OPT_DEL_LABEL;
	labelmap_load();
	if ((p->options & (1u << OPT_ADD_LABEL | 1u << OPT_DEL_LABEL)) ==
	    (1u << OPT_ADD_LABEL | 1u << OPT_DEL_LABEL))
		ct_exit_error(OTHER_PROBLEM, "cannot use --label-add and "
			      "--label-del at the same time");
	if (c == '>') {
		arg = optional_arg(p);
		if (!arg) {
			p->cmd->label_del_all = true;
			return;
		}
	}
	copy = strdup(arg);
	if (!copy)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	if (c == 'l') {
		parse_labels(p, copy, p->label);
		p->label_set = true;
	} else {
		parse_labels(p, copy, c == '<' ? p->cmd->label_add
					       : p->cmd->label_del);
	}
	free(copy);
}

/* -p: the protocol's options join the long-option table. */
static void parse_proto(struct parse *p, const char *arg)
{
	const struct proto *h;
	struct opt_long *n;
	size_t i;

	p->options |= 1u << OPT_PROTO;
	h = proto_find(arg, &p->protonum);
	if (!h)
		PARAM("`%s' unsupported protocol", arg);
	p->h = h;
	p->cmd->proto_name = arg;
	p->gens++;
	p->h_offset = PROTO_OFFSET * p->gens;
	n = realloc(p->lopts, (p->nlopts + h->nopts) * sizeof(*n));
	if (!n)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	p->lopts = n;
	for (i = 0; i < h->nopts; i++) {
		n[p->nlopts] = h->opts[i];
		n[p->nlopts].val += (int)p->h_offset;
		p->nlopts++;
	}
	p->cmd->tmpl.orig.l4 = p->protonum;
	p->cmd->tmpl.orig.present |= CT_T_L4;
}

static uint16_t port_arg(const struct proto *h, const char *arg)
{
	if (h->num == IPPROTO_GRE)
		return (uint16_t)strtoul(arg, NULL, 0);
	return (uint16_t)atoi(arg);
}

/* One option of the current protocol handler.  Options merged for an
 * earlier -p map onto the current handler by their index, as upstream's
 * char-typed option codes do. */
static void parse_proto_opt(struct parse *p, int val, const char *arg)
{
	const struct proto *h = p->h;
	struct ct *t = &p->cmd->tmpl;
	struct exp *e = &p->cmd->exp;
	unsigned int idx = (unsigned int)val & 0xff;
	uint16_t port;
	int s;

	if (!h || idx >= h->nflags || !arg)
		return;
	switch (h->kinds[idx]) {
	case PK_SPORT:
		t->orig.sport = port_arg(h, arg);
		t->orig.present |= CT_T_SPORT;
		break;
	case PK_DPORT:
		t->orig.dport = port_arg(h, arg);
		t->orig.present |= CT_T_DPORT;
		break;
	case PK_RSPORT:
		t->reply.sport = port_arg(h, arg);
		t->reply.present |= CT_T_SPORT | CT_T_L4;
		t->reply.l4 = p->protonum;
		break;
	case PK_RDPORT:
		t->reply.dport = port_arg(h, arg);
		t->reply.present |= CT_T_DPORT | CT_T_L4;
		t->reply.l4 = p->protonum;
		break;
	case PK_MASK_SPORT:
		p->mask.sport = port_arg(h, arg);
		p->mask.present |= CT_T_SPORT | CT_T_L4;
		p->mask.l4 = p->protonum;
		break;
	case PK_MASK_DPORT:
		p->mask.dport = port_arg(h, arg);
		p->mask.present |= CT_T_DPORT | CT_T_L4;
		p->mask.l4 = p->protonum;
		break;
	case PK_TUPLE_SPORT:
	case PK_TUPLE_DPORT:
		port = port_arg(h, arg);
		e->tuple.present |= CT_T_L4;
		/* 1.4.7 stores a tcp/sctp/dccp port as the protocol number
		 * (spec §11.2 item 10); we keep the port (h7, issue 4) */
		e->tuple.l4 = p->protonum;
		if (h->kinds[idx] == PK_TUPLE_SPORT) {
			e->tuple.sport = port;
			e->tuple.present |= CT_T_SPORT;
		} else {
			e->tuple.dport = port;
			e->tuple.present |= CT_T_DPORT;
		}
		break;
	case PK_STATE:
		s = proto_state(h, arg);
		if (s < 0)
			PARAM(h->state_err, arg);
		if (h->num == IPPROTO_TCP) {
			t->tcp.state = (uint8_t)s;
			ct_set(t, CT_A_TCP_STATE);
		} else if (h->num == IPPROTO_SCTP) {
			t->sctp.state = (uint8_t)s;
			ct_set(t, CT_A_SCTP_STATE);
		} else {
			t->dccp.state = (uint8_t)s;
			ct_set(t, CT_A_DCCP_STATE);
		}
		break;
	/* 1.4.7 swaps the tag's byte order once more than the wire needs, so
	 * the kernel holds bswap(N) for --orig-vtag N and -o save prints N
	 * back.  Entries made by either tool must look alike: do the same. */
	case PK_ORIG_VTAG:
		t->sctp.vtag[CT_DIR_ORIG] = __builtin_bswap32((uint32_t)atoi(arg));
		ct_set(t, CT_A_SCTP_VTAG_ORIG);
		break;
	case PK_REPLY_VTAG:
		t->sctp.vtag[CT_DIR_REPLY] = __builtin_bswap32((uint32_t)atoi(arg));
		ct_set(t, CT_A_SCTP_VTAG_REPLY);
		break;
	case PK_ROLE:
		if (strncasecmp(arg, "client", strlen(arg)) == 0)
			t->dccp.role = 0;
		else if (strncasecmp(arg, "server", strlen(arg)) == 0)
			t->dccp.role = 1;
		else
			PARAM("Unknown DCCP role `%s'", arg);
		ct_set(t, CT_A_DCCP_ROLE);
		break;
	case PK_ICMP_TYPE:
		t->orig.icmp_type = (uint8_t)atoi(arg);
		t->orig.present |= CT_T_ICMP_TYPE;
		break;
	case PK_ICMP_CODE:
		t->orig.icmp_code = (uint8_t)atoi(arg);
		t->orig.present |= CT_T_ICMP_CODE;
		break;
	case PK_ICMP_ID:
		t->orig.icmp_id = (uint16_t)atoi(arg);
		t->orig.present |= CT_T_ICMP_ID;
		break;
	}
	p->l4flags |= 1u << idx;
}

static uint16_t zone_arg(const char *arg)
{
	return (uint16_t)strtoul(arg, NULL, 0);
}

static void parse_one(struct parse *p, int c)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct *t = &cmd->tmpl;
	const char *arg = p->st.arg;
	char *end;

	switch (c) {
	case 'L': case 'I': case 'U': case 'D': case 'G': case 'F':
	case 'E': case 'A': case 'C': case 'h': case 'V': case 'S':
		do_command(p, c);
		break;
	case 's': case 'd': case 'r': case 'q':
	case '[': case ']': case '{': case '}':
		parse_address(p, c, arg, NULL);
		break;
	case 'p':
		parse_proto(p, arg);
		break;
	case 't':
		p->options |= 1u << OPT_TIMEOUT;
		t->timeout = (uint32_t)atol(arg);
		ct_set(t, CT_A_TIMEOUT);
		cmd->exp.timeout = t->timeout;
		exp_set(&cmd->exp, EXP_A_TIMEOUT);
		break;
	case 'u':
		p->options |= 1u << OPT_STATUS;
		parse_status(p, arg);
		t->status = p->status;
		ct_set(t, CT_A_STATUS);
		if (!p->kstatus_mask)
			p->kstatus_mask = p->status;
		p->kstatus = true;
		break;
	case 'e':
		p->options |= 1u << OPT_EVENT_MASK;
		parse_list(arg, event_words, &cmd->event_mask);
		break;
	case 'o':
		p->options |= 1u << OPT_OUTPUT;
		parse_list(arg, output_words, &cmd->output);
		if (cmd->output & CT_OF_LABELS)
			labelmap_load();
		if ((cmd->output & CT_OF_SAVE) && (cmd->output & ~CT_OF_SAVE))
			ct_exit_error(OTHER_PROBLEM, "cannot combine save output "
				      "with any other output type, use -o save "
				      "only");
		break;
	case 'z':
		p->options |= 1u << OPT_ZERO;
		break;
	case 'n': case 'g': case 'j':
		parse_nat(p, c);
		break;
	case 'w':
		p->options |= 1u << OPT_ZONE;
		t->zone = zone_arg(arg);
		ct_set(t, CT_A_ZONE);
		break;
	case '(':
		p->options |= 1u << OPT_ORIG_ZONE;
		t->orig.zone = zone_arg(arg);
		t->orig.present |= CT_T_ZONE;
		break;
	case ')':
		p->options |= 1u << OPT_REPL_ZONE;
		t->reply.zone = zone_arg(arg);
		t->reply.present |= CT_T_ZONE;
		break;
	case 'i':
		/* upstream crashes on a detached --id argument: take it */
		if (!arg) {
			if (p->st.ind >= p->argc)
				PARAM("option `%s' requires an argument",
				      cur_word(p));
			arg = p->argv[p->st.ind++];
		}
		p->options |= 1u << OPT_ID;
		cmd->id = (uint32_t)strtoul(arg, NULL, 0);
		t->id = cmd->id;
		ct_set(t, CT_A_ID);
		break;
	case 'c':
		p->options |= 1u << OPT_SECMARK;
		t->secmark = (uint32_t)strtoul(arg, NULL, 0);
		ct_set(t, CT_A_SECMARK);
		break;
	case 'm':
		p->options |= 1u << OPT_MARK;
		p->mark = true;
		p->mark_val = (uint32_t)strtoul(arg, &end, 0);
		p->mark_mask = *end == '/' ? (uint32_t)strtoul(end + 1, NULL, 0)
					   : 0xffffffffu;
		break;
	case 'l': case '<': case '>':
		label_opt(p, c);
		break;
	case 'a':
		say_err("WARNING: ignoring -%c, deprecated option.", c);
		break;
	case 'f':
		p->options |= 1u << OPT_FAMILY;
		if (strncmp(arg, "ipv4", 4) == 0)
			set_family(p, AF_INET);
		else if (strncmp(arg, "ipv6", 4) == 0)
			set_family(p, AF_INET6);
		else
			PARAM("`%s' unsupported protocol", arg);
		break;
	case 'b':
		p->options |= 1u << OPT_BUFFERSIZE;
		cmd->bufsize = (size_t)atol(arg);
		break;
	case VAL_RELIABLE:
		cmd->reliable = true;
		break;
	case ':':
		PARAM("option `%s' requires an argument", cur_word(p));
	case '?':
		PARAM("unknown option `%s'", cur_word(p));
	default:
		if (c >= PROTO_OFFSET)
			parse_proto_opt(p, c, arg);
		break;
	}
}

/* Upstream's generic_opt_check: illegal and compulsory options in bit
 * order; returns false when a coupled pair is incomplete and sets
 * *partial to the first partly given pair (-1: none). */
static bool opt_check(uint32_t given, unsigned int n, const uint8_t *row,
		      const char *const *names, const uint32_t *pairs,
		      int *partial)
{
	bool coupled = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!(given & (1u << i))) {
			if (row[i] == 1)
				PARAM("You need to supply the `--%s' option for "
				      "this command", names[i]);
		} else if (row[i] == 0) {
			PARAM("Illegal option `--%s' with this command",
			      names[i]);
		}
		if (row[i] == 3)
			coupled = true;
	}
	if (!coupled || !pairs)
		return true;
	*partial = -1;
	for (i = 0; i < 2; i++) {
		if ((given & pairs[i]) == pairs[i])
			return true;
		if ((given & pairs[i]) && *partial < 0)
			*partial = (int)i;
	}
	return false;
}

static void final_checks(struct parse *p)
{
	static const uint8_t none[OPT_MAX];
	static const uint32_t addr_pairs[2] = {
		1u << OPT_SRC | 1u << OPT_DST,
		1u << OPT_REPL_SRC | 1u << OPT_REPL_DST,
	};
	static const uint32_t port_pairs[2] = { 0x3, 0xc };
	const uint8_t *row = p->command >= 0 ? matrix[p->command] : none;
	int partial;

	if ((p->options & (1u << OPT_ANY_NAT)) &&
	    (p->options & (1u << OPT_SRC_NAT | 1u << OPT_DST_NAT)))
		PARAM("cannot specify `--src-nat' or `--dst-nat' with "
		      "`--any-nat'");
	if (!opt_check(p->options, OPT_MAX, row, opt_names, addr_pairs,
		       &partial)) {
		if (partial == 1)
			PARAM("you have to specify `--reply-src' and "
			      "`--reply-dst'");
		PARAM("you have to specify `--src' and `--dst'");
	}
	if (p->cmd->reliable && p->command != CMD_EVENT)
		PARAM("Illegal option `--reliable' with this command");
	if (p->command == CMD_HELP || !p->h || !p->h->name)
		return;
	if (!opt_check(p->l4flags, p->h->nflags,
		       p->h->matrix[p->command < PROTO_CMDS ? p->command : 0],
		       p->h->flag_names, port_pairs, &partial))
		PARAM("%s", p->h->pair_err[partial == 1]);
}

/* -z and --mask-* problems upstream finds when the command starts. */
static void run_checks(struct parse *p)
{
	int c = p->command;

	if (c == CMD_LIST && p->cmd->table == TBL_CONNTRACK &&
	    (p->options & CMP_OPTS) && (p->options & (1u << OPT_ZERO)))
		PARAM("Can't use -z with filtering parameters");
	if ((c == CMD_LIST && p->cmd->table == TBL_CONNTRACK) ||
	    c == CMD_DELETE || c == CMD_UPDATE || c == CMD_EVENT) {
		if ((p->options & (1u << OPT_MASK_SRC)) &&
		    !(p->options & (1u << OPT_SRC)))
			PARAM("Can't use --mask-src without --src");
		if ((p->options & (1u << OPT_MASK_DST)) &&
		    !(p->options & (1u << OPT_DST)))
			PARAM("Can't use --mask-dst without --dst");
	}
}

/* Both tuples get their families and protocol where they carry
 * anything; TCP entries get the liberal/SACK flags upstream sends. */
static void finish_tmpl(struct parse *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct *t = &cmd->tmpl;
	uint32_t fields = CT_T_SRC | CT_T_DST | CT_T_SPORT | CT_T_DPORT |
			  CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID;
	int i;

	t->family = (uint8_t)cmd->family;
	if (t->orig.present & (CT_T_SRC | CT_T_DST))
		t->orig.l3 = (uint8_t)cmd->family;
	if (t->reply.present & (CT_T_SRC | CT_T_DST))
		t->reply.l3 = (uint8_t)cmd->family;
	if (p->options & (1u << OPT_PROTO)) {
		if (t->reply.present & fields) {
			t->reply.l4 = p->protonum;
			t->reply.present |= CT_T_L4;
		}
	}
	if (t->orig.present & fields || t->orig.present & CT_T_L4)
		ct_set(t, CT_A_ORIG);
	if (t->reply.present & (fields | CT_T_L4))
		ct_set(t, CT_A_REPLY);
	if (p->h && p->h->num == IPPROTO_TCP && p->h->name &&
	    cmd->cmd != CMD_HELP) {
		uint8_t f = 0x08 | 0x02;	/* BE_LIBERAL | SACK_PERM */

		if (ct_has(t, CT_A_TCP_STATE) && t->tcp.state >= 7)
			f |= 0x04;		/* CLOSE_INIT */
		for (i = 0; i < 2; i++) {
			t->tcp.flags[i] = f;
			t->tcp.flags_mask[i] = f;
		}
		ct_set(t, CT_A_TCP_FLAGS_ORIG);
		ct_set(t, CT_A_TCP_FLAGS_REPLY);
	}
	if (p->mark) {
		t->mark = p->mark_val;
		ct_set(t, CT_A_MARK);
		cmd->mark = p->mark_val;
		cmd->mark_mask = p->mark_mask;
	}
	if (p->nat_s_set && (cmd->cmd == CMD_CREATE || cmd->cmd == CMD_ADD)) {
		t->snat = p->nat_s;
		ct_set(t, CT_A_SNAT);
	}
	if (p->nat_d_set && (cmd->cmd == CMD_CREATE || cmd->cmd == CMD_ADD)) {
		t->dnat = p->nat_d;
		ct_set(t, CT_A_DNAT);
	}
	if (p->options & (1u << OPT_ADD_LABEL)) {
		memcpy(t->labels, cmd->label_add, sizeof(t->labels));
		t->labels_len = sizeof(t->labels);
		ct_set(t, CT_A_LABELS);
	}
}

static void finish_exp(struct parse *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct exp *e = &cmd->exp;

	e->family = (uint8_t)cmd->family;
	e->master = cmd->tmpl.orig;
	e->master.l3 = (uint8_t)cmd->family;
	exp_set(e, EXP_A_MASTER);
	if (e->tuple.present) {
		e->tuple.l3 = (uint8_t)cmd->family;
		if (!(e->tuple.present & CT_T_L4) &&
		    (p->options & (1u << OPT_PROTO))) {
			e->tuple.l4 = p->protonum;
			e->tuple.present |= CT_T_L4;
		}
		exp_set(e, EXP_A_TUPLE);
	}
	if (p->mask.present) {
		e->mask = p->mask;
		e->mask.l3 = (uint8_t)cmd->family;
		if (p->options & (1u << OPT_PROTO)) {
			e->mask.l4 = p->protonum;
			e->mask.present |= CT_T_L4;
		}
		exp_set(e, EXP_A_MASK);
	}
}

static void finish_filter(struct parse *p)
{
	struct ct_cmd *cmd = p->cmd;
	struct ct_filter *f = &cmd->filter;

	ct_filter_init(f);
	f->family = (uint8_t)cmd->family;
	f->cmp = (p->options & CMP_OPTS) != 0;
	f->tmpl = cmd->tmpl;
	/* create-only attributes are not compared */
	ct_unset(&f->tmpl, CT_A_SNAT);
	ct_unset(&f->tmpl, CT_A_DNAT);
	ct_unset(&f->tmpl, CT_A_LABELS);
	ct_unset(&f->tmpl, CT_A_MARK);
	if (p->mark) {
		f->mark = true;
		f->mark_val = p->mark_val;
		f->mark_mask = p->mark_mask;
	}
	if (p->kstatus) {
		f->status = true;
		f->status_val = p->status;
		f->status_mask = p->kstatus_mask;
	}
	f->mask_l3 = (uint8_t)cmd->family;
	if (p->options & (1u << OPT_MASK_SRC)) {
		f->src_mask = true;
		f->src_mask_addr = p->mask.src;
		f->tmpl.orig.present &= ~CT_T_SRC;
	}
	if (p->options & (1u << OPT_MASK_DST)) {
		f->dst_mask = true;
		f->dst_mask_addr = p->mask.dst;
		f->tmpl.orig.present &= ~CT_T_DST;
	}
	f->any_nat = p->options & (1u << OPT_ANY_NAT);
	if (p->options & (1u << OPT_SRC_NAT | 1u << OPT_ANY_NAT)) {
		f->snat.on = true;
		f->snat.has_addr = p->nat_s_set;
		f->snat.l3 = p->nat_s.l3;
		f->snat.addr = p->nat_s.min;
		f->snat.has_port = p->nat_s.has_port;
		f->snat.port = p->nat_s.port_min;
	}
	if (p->options & (1u << OPT_DST_NAT | 1u << OPT_ANY_NAT)) {
		f->dnat.on = true;
		f->dnat.has_addr = p->nat_d_set;
		f->dnat.l3 = p->nat_d.l3;
		f->dnat.addr = p->nat_d.min;
		f->dnat.has_port = p->nat_d.has_port;
		f->dnat.port = p->nat_d.port_min;
	}
	if (p->label_set) {
		f->labels = true;
		f->labels_impossible = p->labels_big;
		memcpy(f->label_bits, p->label, sizeof(f->label_bits));
	}
	if (p->options & (1u << OPT_SECMARK)) {
		f->secmark = true;
		f->secmark_val = cmd->tmpl.secmark;
	}
}

void conntrack_parse(int argc, char **argv, struct ct_cmd *cmd)
{
	struct parse p;
	int c;

	memset(cmd, 0, sizeof(*cmd));
	memset(&p, 0, sizeof(p));
	ct_init(&cmd->tmpl);
	ct_filter_init(&cmd->filter);
	cmd->cmd = CMD_NONE;
	cmd->prog = argv[0];
	p.cmd = cmd;
	p.argc = argc;
	p.argv = argv;
	p.command = CMD_NONE;
	p.family = AF_UNSPEC;
	p.lopts = malloc(sizeof(base_opts));
	if (!p.lopts)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	memcpy(p.lopts, base_opts, sizeof(base_opts));
	p.nlopts = NBASE;
	opt_init(&p.st);

	while ((c = opt_next(&p.st, argc, argv, SHORTOPTS, p.lopts,
			     p.nlopts)) != -1)
		parse_one(&p, c);
	free(p.lopts);
	p.lopts = NULL;

	if (p.family == AF_UNSPEC) {
		switch (p.command) {
		case CMD_LIST: case CMD_UPDATE: case CMD_DELETE:
		case CMD_GET: case CMD_FLUSH: case CMD_EVENT:
			break;
		default:
			p.family = AF_INET;
			break;
		}
	}
	final_checks(&p);

	cmd->cmd = p.command;
	cmd->options = p.options;
	cmd->family = (uint8_t)p.family;
	cmd->l4 = (p.options & (1u << OPT_PROTO)) ? p.protonum : 0;
	cmd->labelmap = labelmap;
	if (!(p.options & (1u << OPT_EVENT_MASK)))
		cmd->event_mask = 7;
	run_checks(&p);
	finish_tmpl(&p);
	finish_exp(&p);
	finish_filter(&p);
}
