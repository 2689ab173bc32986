/* conntrack's option tables as 1.4.7 has them: short and long options,
 * the names the matrix errors print, the command/option legality matrix
 * with its checks in upstream's bit order, and the words of -u -e -o. */
#include <string.h>

#include "conntrack_args.h"
#include "lib/proto.h"

const char ct_shortopts[] = ":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:"
		  "m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):";

const struct opt_long ct_base_opts[] = {
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
const size_t ct_nbase_opts = sizeof(ct_base_opts) / sizeof(ct_base_opts[0]);

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

const struct keyword ct_status_words[] = {
	{ "ASSURED", CT_S_ASSURED }, { "SEEN_REPLY", CT_S_SEEN_REPLY },
	{ "UNSET", 0 }, { "FIXED_TIMEOUT", CT_S_FIXED_TIMEOUT },
	{ "EXPECTED", CT_S_EXPECTED }, { "OFFLOAD", CT_S_OFFLOAD },
	{ "HW_OFFLOAD", CT_S_HW_OFFLOAD }, { NULL, 0 },
};
const struct keyword ct_event_words[] = {
	{ "ALL", 7 }, { "NEW", 1 }, { "UPDATES", 2 }, { "DESTROY", 4 },
	{ NULL, 0 },
};
const struct keyword ct_output_words[] = {
	{ "xml", CT_OF_XML }, { "extended", CT_OF_EXTENDED },
	{ "timestamp", CT_OF_TIMESTAMP }, { "id", CT_OF_ID },
	{ "ktimestamp", CT_OF_KTIMESTAMP }, { "labels", CT_OF_LABELS },
	{ "userspace", CT_OF_USERSPACE }, { "save", CT_OF_SAVE },
	{ "json", CT_OF_JSON },
	{ NULL, 0 },
};

const char *opt_long_name(int c)
{
	size_t i;

	for (i = 0; i < ct_nbase_opts; i++)
		if (ct_base_opts[i].val == c)
			return ct_base_opts[i].name;
	return "unknown";
}

uint32_t opt_bit(int c)
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

void opt_final_checks(struct parse *p)
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
void opt_run_checks(struct parse *p)
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
