/* conntrack applet: the parsed command line and the commands. */
#ifndef CTBOX_CONNTRACK_H
#define CTBOX_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ct.h"
#include "lib/ct_filter.h"
#include "lib/ct_print.h"

/* Command numbers = upstream's bit numbers (matrix rows, err2str). */
enum ct_command {
	CMD_NONE = -1,
	CMD_LIST = 0, CMD_CREATE, CMD_UPDATE, CMD_DELETE, CMD_GET, CMD_FLUSH,
	CMD_EVENT, CMD_VERSION, CMD_HELP, CMD_EXP_LIST, CMD_EXP_CREATE,
	CMD_EXP_DELETE, CMD_EXP_GET, CMD_EXP_FLUSH, CMD_EXP_EVENT, CMD_COUNT,
	CMD_EXP_COUNT, CMD_STATS, CMD_EXP_STATS, CMD_ADD,
	CMD_MAX
};

/* Option numbers = upstream's bit numbers (matrix columns, check order). */
enum ct_option {
	OPT_SRC, OPT_DST, OPT_REPL_SRC, OPT_REPL_DST, OPT_PROTO, OPT_TIMEOUT,
	OPT_STATUS, OPT_ZERO, OPT_EVENT_MASK, OPT_EXP_SRC, OPT_EXP_DST,
	OPT_MASK_SRC, OPT_MASK_DST, OPT_NATRANGE, OPT_MARK, OPT_ID, OPT_FAMILY,
	OPT_SRC_NAT, OPT_DST_NAT, OPT_OUTPUT, OPT_SECMARK, OPT_BUFFERSIZE,
	OPT_ANY_NAT, OPT_ZONE, OPT_LABEL, OPT_ADD_LABEL, OPT_DEL_LABEL,
	OPT_ORIG_ZONE, OPT_REPL_ZONE,
	OPT_MAX
};

enum {	/* exit codes, as upstream */
	OTHER_PROBLEM = 1,
	PARAMETER_PROBLEM = 2,
};

struct labelmap;

struct ct_cmd {
	enum ct_command cmd;
	enum ct_table_kind { TBL_CONNTRACK, TBL_EXPECT, TBL_DYING,
			     TBL_UNCONFIRMED } table;
	uint32_t options;	/* 1u << OPT_* given on the command line */
	uint8_t family;		/* AF_UNSPEC unless -f or an address */
	uint8_t l4;		/* -p, 0 if none */
	/* Values to create/update/get, and what filters compare with. */
	struct ct tmpl;
	struct ct_filter filter;
	struct exp exp;		/* expectation commands */
	unsigned int output;	/* CT_OF_* */
	uint32_t event_mask;	/* netlink groups for -E */
	size_t bufsize;		/* -b */
	bool reliable;		/* ours: lossless event mode */
	/* -U mark arithmetic: new = (old & ~mark_mask) ^ mark */
	uint32_t mark;
	uint32_t mark_mask;
	uint32_t id;
	uint32_t label_add[CT_LABEL_WORDS];
	uint32_t label_del[CT_LABEL_WORDS];
	bool label_del_all;	/* --label-del without names */
	const struct labelmap *labelmap;
	const char *prog;	/* argv[0], for the usage text */
	const char *proto_name;	/* the last -p word, for -h -p */
};

/* Parse argv as conntrack 1.4.7 does (getopt_long semantics, the
 * command/option matrix, protocol options).  On a usage error this prints
 * upstream's message and exits, as upstream. */
void conntrack_parse(int argc, char **argv, struct ct_cmd *cmd);

void conntrack_usage(const char *prog);		/* -h text on stdout */
/* name: the -p word (NULL: by number only) */
void conntrack_proto_help(uint8_t l4, const char *name);

/* The commands, one entry point each, called by the dispatcher
 * (conntrack.c); each returns the exit status or exits. */
int ct_cmd_list(struct ct_cmd *cmd);		/* conntrack_list.c */
int ct_cmd_count(struct ct_cmd *cmd);
int ct_cmd_stats(struct ct_cmd *cmd);
int ct_cmd_exp_stats(struct ct_cmd *cmd);
int ct_cmd_get(struct ct_cmd *cmd);		/* conntrack_modify.c */
int ct_cmd_create(struct ct_cmd *cmd);		/* -I and -A */
int ct_cmd_flush(struct ct_cmd *cmd);
int ct_cmd_update(struct ct_cmd *cmd);		/* conntrack_update.c */
int ct_cmd_delete(struct ct_cmd *cmd);		/* conntrack_delete.c */
int ct_cmd_event(struct ct_cmd *cmd);		/* conntrack_event.c, -E both tables */
int ct_cmd_exp_list(struct ct_cmd *cmd);	/* conntrack_expect.c */
int ct_cmd_exp_count(struct ct_cmd *cmd);
int ct_cmd_exp_get(struct ct_cmd *cmd);
int ct_cmd_exp_delete(struct ct_cmd *cmd);
int ct_cmd_exp_create(struct ct_cmd *cmd);
int ct_cmd_exp_flush(struct ct_cmd *cmd);
/* conntrack_load.c: -R FILE (argv[1] is -R or --load-file) */
int conntrack_load_file(int argc, char **argv);

#endif
