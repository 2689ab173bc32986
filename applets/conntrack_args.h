/* Internal to the parser of conntrack's command line, split along its
 * seams: the option tables and their legality checks
 * (conntrack_opts.c), the value parsers (conntrack_values.c), the label
 * map (conntrack_labels.c) and the argv -> struct ct_cmd translation
 * (conntrack_args.c). */
#ifndef CTBOX_CONNTRACK_ARGS_H
#define CTBOX_CONNTRACK_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conntrack_common.h"
#include "lib/opt.h"

struct proto;

#define PARAM(...) ct_exit_error(PARAMETER_PROBLEM, __VA_ARGS__)

/* Option values past the characters: ours, and the protocol options of
 * the n-th -p at n * PROTO_OFFSET. */
enum { VAL_RELIABLE = 1, PROTO_OFFSET = 256 };

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

/* conntrack_opts.c */
extern const char ct_shortopts[];
extern const struct opt_long ct_base_opts[];
extern const size_t ct_nbase_opts;
extern const struct keyword ct_status_words[], ct_event_words[],
	ct_output_words[];
const char *opt_long_name(int c);
uint32_t opt_bit(int c);
void opt_final_checks(struct parse *p);
void opt_run_checks(struct parse *p);

/* conntrack_values.c */
const char *arg_optional(struct parse *p);
void arg_family(struct parse *p, int fam);
void arg_address(struct parse *p, int c, const char *arg,
		   union ct_addr *nat_addr);
void arg_nat(struct parse *p, int c);
bool arg_keyword(const char *s, size_t n, const struct keyword *k, uint32_t *val);
void arg_list(const char *arg, const struct keyword *k, uint32_t *val);
void arg_status(struct parse *p, const char *arg);
void arg_proto(struct parse *p, const char *arg);
void arg_proto_opt(struct parse *p, int val, const char *arg);
uint16_t arg_zone(const char *arg);

/* conntrack_labels.c */
void ct_labelmap_load(void);
const struct labelmap *ct_labelmap(void);
void arg_label(struct parse *p, int c);

#endif
