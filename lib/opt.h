/* A getopt_long work-alike with glibc's exact behaviour (permutation,
 * unique-prefix abbreviations, clustered short options, optional
 * arguments, "--"), so that a musl build parses command lines exactly as
 * a glibc-built conntrack-tools does.  It never prints: callers word the
 * errors themselves. */
#ifndef CTBOX_OPT_H
#define CTBOX_OPT_H

#include <stdbool.h>
#include <stddef.h>

enum { OPT_NO_ARG, OPT_REQ_ARG, OPT_OPT_ARG };

struct opt_long {
	const char *name;
	int has_arg;		/* OPT_*_ARG */
	int val;
};

struct opt_state {
	int ind;		/* next argv element, as optind */
	const char *arg;	/* as optarg; NULL when none */
	int optopt;		/* the offending short option, or 0 */
	int longind;		/* index of the matched long option, or -1 */
	/* private */
	const char *next;
	int first_nonopt;
	int last_nonopt;
	bool started;
	bool in_order;		/* POSIXLY_CORRECT or '+': stop at a word */
};

void opt_init(struct opt_state *st);

/* Returns the option's val (short options: the character), '?' for an
 * unknown or ambiguous option or a superfluous "=value" (argv[ind - 1] is
 * the word to name), ':' for a missing required argument when shortopts
 * starts with ':' ('?' otherwise), or -1 at the end; at the end, ind is
 * the first non-option word after permutation. */
int opt_next(struct opt_state *st, int argc, char **argv,
	     const char *shortopts, const struct opt_long *longopts,
	     size_t nlong);

#endif
