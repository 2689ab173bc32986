/* getopt_long semantics, written after glibc's documented behaviour: the
 * state lives in the caller's struct so several parsers can coexist. */
#include <stdlib.h>
#include <string.h>

#include "opt.h"

void opt_init(struct opt_state *st)
{
	memset(st, 0, sizeof(*st));
	st->ind = 1;
	st->longind = -1;
}

static void reverse(char **v, int from, int to)
{
	while (from < --to) {
		char *t = v[from];

		v[from++] = v[to];
		v[to] = t;
	}
}

/* Move the skipped words [first_nonopt, last_nonopt) after the options
 * parsed since [last_nonopt, ind), keeping both runs in order. */
static void exchange(struct opt_state *st, char **argv)
{
	reverse(argv, st->first_nonopt, st->last_nonopt);
	reverse(argv, st->last_nonopt, st->ind);
	reverse(argv, st->first_nonopt, st->ind);
	st->first_nonopt += st->ind - st->last_nonopt;
	st->last_nonopt = st->ind;
}

static bool is_nonopt(const char *s)
{
	return s[0] != '-' || s[1] == '\0';
}

static int long_option(struct opt_state *st, int argc, char **argv,
		       const char *shortopts, const struct opt_long *lo,
		       size_t nlong)
{
	const char *name = st->next;
	const char *end = name;
	const struct opt_long *found = NULL;
	size_t len, i;
	int idx = -1;
	bool ambig = false;

	while (*end && *end != '=')
		end++;
	len = (size_t)(end - name);
	for (i = 0; i < nlong; i++) {
		if (!strncmp(lo[i].name, name, len) &&
		    strlen(lo[i].name) == len) {
			found = &lo[i];
			idx = (int)i;
			break;
		}
	}
	if (!found) {
		for (i = 0; i < nlong; i++) {
			if (strncmp(lo[i].name, name, len))
				continue;
			if (!found) {
				found = &lo[i];
				idx = (int)i;
			} else if (found->has_arg != lo[i].has_arg ||
				   found->val != lo[i].val) {
				ambig = true;
			}
		}
	}
	st->next = NULL;
	st->ind++;
	if (ambig || !found) {
		st->optopt = 0;
		return '?';
	}
	st->longind = idx;
	if (*end) {
		if (found->has_arg == OPT_NO_ARG) {
			st->optopt = found->val;
			return '?';
		}
		st->arg = end + 1;
	} else if (found->has_arg == OPT_REQ_ARG) {
		if (st->ind >= argc) {
			st->optopt = found->val;
			return shortopts[0] == ':' ? ':' : '?';
		}
		st->arg = argv[st->ind++];
	}
	return found->val;
}

int opt_next(struct opt_state *st, int argc, char **argv,
	     const char *shortopts, const struct opt_long *longopts,
	     size_t nlong)
{
	const char *spec;
	char c;

	st->arg = NULL;
	st->longind = -1;
	if (!st->started) {
		st->started = true;
		if (st->ind < 1)
			st->ind = 1;
		st->first_nonopt = st->last_nonopt = st->ind;
		st->next = NULL;
		st->in_order = getenv("POSIXLY_CORRECT") != NULL;
	}
	if (shortopts[0] == '+') {
		st->in_order = true;
		shortopts++;
	}
	if (!st->next || !*st->next) {
		if (st->last_nonopt > st->ind)
			st->last_nonopt = st->ind;
		if (st->first_nonopt > st->ind)
			st->first_nonopt = st->ind;
		if (!st->in_order) {
			if (st->first_nonopt != st->last_nonopt &&
			    st->last_nonopt != st->ind)
				exchange(st, argv);
			else if (st->last_nonopt != st->ind)
				st->first_nonopt = st->ind;
			while (st->ind < argc && is_nonopt(argv[st->ind]))
				st->ind++;
			st->last_nonopt = st->ind;
		}
		if (st->ind != argc && !strcmp(argv[st->ind], "--")) {
			st->ind++;
			if (st->first_nonopt != st->last_nonopt &&
			    st->last_nonopt != st->ind)
				exchange(st, argv);
			else if (st->first_nonopt == st->last_nonopt)
				st->first_nonopt = st->ind;
			st->last_nonopt = argc;
			st->ind = argc;
		}
		if (st->ind == argc) {
			if (st->first_nonopt != st->last_nonopt)
				st->ind = st->first_nonopt;
			return -1;
		}
		if (is_nonopt(argv[st->ind]))
			return -1;	/* in order: the first word ends it */
		if (argv[st->ind][1] == '-' && longopts) {
			st->next = argv[st->ind] + 2;
			return long_option(st, argc, argv, shortopts,
					   longopts, nlong);
		}
		st->next = argv[st->ind] + 1;
	}

	c = *st->next++;
	spec = strchr(shortopts, c);
	if (!*st->next)
		st->ind++;
	if (!spec || c == ':' || c == ';') {
		st->optopt = (unsigned char)c;
		return '?';
	}
	if (spec[1] != ':')
		return (unsigned char)c;
	if (spec[2] == ':') {
		if (*st->next) {
			st->arg = st->next;
			st->ind++;
		}
	} else if (*st->next) {
		st->arg = st->next;
		st->ind++;
	} else if (st->ind == argc) {
		st->optopt = (unsigned char)c;
		c = shortopts[0] == ':' ? ':' : '?';
	} else {
		st->arg = argv[st->ind++];
	}
	st->next = NULL;
	return (unsigned char)c;
}
