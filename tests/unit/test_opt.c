/* lib/opt.c: glibc getopt_long behaviour in the corners conntrack uses. */
#include "lib/opt.h"
#include "t.h"

static const struct opt_long lo[] = {
	{ "dump", OPT_OPT_ARG, 'L' },
	{ "src", OPT_REQ_ARG, 's' },
	{ "orig-src", OPT_REQ_ARG, 's' },
	{ "status", OPT_REQ_ARG, 'u' },
	{ "stats", OPT_NO_ARG, 'S' },
	{ "state", OPT_REQ_ARG, 300 },
};
#define NLO (sizeof(lo) / sizeof(lo[0]))
#define SO ":L::Ss:u:z"

int main(void)
{
	struct opt_state st;
	char *a1[] = { "ct", "foo", "-L", "bar", "-s", "1", "baz", NULL };
	char *a2[] = { "ct", "--st", NULL };
	char *a3[] = { "ct", "--stat", "x", NULL };
	char *a4[] = { "ct", "--orig", "1.1.1.1", "--src=2", NULL };
	char *a5[] = { "ct", "-zs", NULL };
	char *a6[] = { "ct", "-Lexpect", "--dump=x", "--", "-z", NULL };
	char *a7[] = { "ct", "-x", "--stats=1", "-zq", NULL };
	int c;

	opt_init(&st);
	CHECK_EQ(opt_next(&st, 7, a1, SO, lo, NLO), 'L', "permuted -L");
	CHECK(st.arg == NULL, "no attached arg");
	CHECK_EQ(st.ind, 3, "ind after -L points at the next word");
	CHECK_EQ(opt_next(&st, 7, a1, SO, lo, NLO), 's', "-s");
	CHECK_STR(st.arg, "1", "-s argument");
	CHECK_EQ(opt_next(&st, 7, a1, SO, lo, NLO), -1, "end");
	CHECK_STR(a1[st.ind], "foo", "non-options moved to the end");

	opt_init(&st);
	CHECK_EQ(opt_next(&st, 2, a2, SO, lo, NLO), '?', "ambiguous --st");
	CHECK_EQ(st.ind, 2, "ambiguous option consumed");

	opt_init(&st);
	c = opt_next(&st, 3, a3, SO, lo, NLO);
	CHECK_EQ(c, '?', "--stat: status/stats/state differ");

	opt_init(&st);
	CHECK_EQ(opt_next(&st, 4, a4, SO, lo, NLO), 's', "--orig: one val");
	CHECK_STR(st.arg, "1.1.1.1", "--orig takes next word");
	CHECK_EQ(opt_next(&st, 4, a4, SO, lo, NLO), 's', "--src=");
	CHECK_STR(st.arg, "2", "--src=2");

	opt_init(&st);
	CHECK_EQ(opt_next(&st, 2, a5, SO, lo, NLO), 'z', "clustered -z");
	CHECK_EQ(opt_next(&st, 2, a5, SO, lo, NLO), ':', "-s missing arg");
	CHECK_STR(a5[st.ind - 1], "-zs", "error names the word");

	opt_init(&st);
	CHECK_EQ(opt_next(&st, 5, a6, SO, lo, NLO), 'L', "-Lexpect");
	CHECK_STR(st.arg, "expect", "attached optional argument");
	CHECK_EQ(opt_next(&st, 5, a6, SO, lo, NLO), 'L', "--dump=x");
	CHECK_STR(st.arg, "x", "--dump=x argument");
	CHECK_EQ(opt_next(&st, 5, a6, SO, lo, NLO), -1, "-- ends options");
	CHECK_STR(a6[st.ind], "-z", "word after --");

	opt_init(&st);
	CHECK_EQ(opt_next(&st, 4, a7, SO, lo, NLO), '?', "unknown -x");
	CHECK_EQ(st.optopt, 'x', "optopt");
	CHECK_EQ(opt_next(&st, 4, a7, SO, lo, NLO), '?', "--stats=1");
	CHECK_EQ(opt_next(&st, 4, a7, SO, lo, NLO), 'z', "-z of -zq");
	CHECK_EQ(opt_next(&st, 4, a7, SO, lo, NLO), '?', "-q of -zq");
	CHECK_STR(a7[st.ind - 1], "-zq", "cluster word named");
	T_DONE();
}
