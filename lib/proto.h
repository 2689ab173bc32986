/* The layer-4 protocols conntrack knows by name: numbers, state names,
 * the options each one adds after -p and which of them each command
 * requires, allows or refuses (conntrack-tools 1.4.7's tables, as data). */
#ifndef CTBOX_PROTO_H
#define CTBOX_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "opt.h"

/* What a protocol option sets. */
enum proto_opt_kind {
	PK_SPORT,		/* original source port / GRE key */
	PK_DPORT,
	PK_RSPORT,		/* reply direction */
	PK_RDPORT,
	PK_MASK_SPORT,		/* expectation mask */
	PK_MASK_DPORT,
	PK_TUPLE_SPORT,		/* expectation tuple */
	PK_TUPLE_DPORT,
	PK_STATE,
	PK_ORIG_VTAG,
	PK_REPLY_VTAG,
	PK_ROLE,
	PK_ICMP_TYPE,
	PK_ICMP_CODE,
	PK_ICMP_ID,
};

#define PROTO_MAX_FLAGS 12
#define PROTO_CMDS 20		/* matrix rows: the CMD_* numbers */

/* Matrix cells, as upstream: illegal, compulsory, optional, coupled. */
enum { PM_ILLEGAL, PM_NEED, PM_OPT, PM_PAIR };

struct proto {
	const char *name;	/* NULL: the generic handler */
	uint8_t num;
	/* long options; val = flag index (check order) */
	const struct opt_long *opts;
	size_t nopts;
	uint8_t nflags;
	const char *const *flag_names;		/* as errors print them */
	const uint8_t *kinds;			/* enum proto_opt_kind */
	const uint8_t (*matrix)[PROTO_MAX_FLAGS];	/* [PROTO_CMDS] */
	const char *pair_err[2];	/* coupled check messages */
	const char *help;		/* lines after "Proto `x' help:" */
	const char *const *states;
	uint8_t nstates;
	const char *state_err;		/* format with one %s */
};

extern const struct proto proto_generic;

/* -p NAME: built-in names (any case), then /etc/protocols names and
 * aliases (the generic handler), then a number 0..255.  NULL if none. */
const struct proto *proto_find(const char *name, uint8_t *num);
/* A built-in protocol by number, else the generic handler. */
const struct proto *proto_by_num(uint8_t num);
/* The official /etc/protocols name of num into buf; -ENOENT if none. */
int proto_etc_name(uint8_t num, char *buf, size_t len);
/* The number of a protocols database name or alias, compared as glibc's
 * getprotobyname() does (exact case); -ENOENT if none.  Our own reader:
 * musl's getprotobyname() knows only a built-in list of lowercase names.
 * Without /etc/protocols, the names conntrack can track still resolve. */
int proto_etc_num(const char *name);
/* A state name of p (exact case); -1 if unknown. */
int proto_state(const struct proto *p, const char *name);

#endif
