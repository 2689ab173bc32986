/* nfct timeout: cttimeout policies (list, add, delete, get, flush,
 * default-set, default-get), printed as nfct 1.4.7 prints them. */
#include <errno.h>
#include <string.h>

#include "lib/err.h"
#include "lib/out.h"
#include "lib/timeout.h"
#include "netlink/timeout.h"
#include "nfct.h"

/* The layout of libnetfilter_cttimeout's text output; a default-get
 * answer has no name and so no first line. */
void nfct_timeout_print(struct out *o, const struct timeout_policy *p)
{
	const char *const *names;
	unsigned int n, i;

	if (p->present & TIMEOUT_F_NAME)
		out_printf(o, ".%s = {\n", p->name);
	out_printf(o, "\t.l3proto = %u,\n\t.l4proto = %u,\n\t.policy = {\n",
		   p->l3, p->l4);
	/* Only the protocol's own states: the kernel reports more for some
	 * (SCTP's HEARTBEAT_SENT) that 1.4.7 does not show. */
	names = timeout_states(p->l4, &n, NULL);
	for (i = 0; i < n; i++)
		if (p->set & (1u << i))
			out_printf(o, "\t\t.%s = %u,\n", names[i], p->val[i]);
	out_puts(o, "\t},\n};\n");
}

static int print_policy(const struct timeout_policy *p, void *data)
{
	(void)data;
	nfct_timeout_print(out_stdout, p);
	return 0;
}

static int set_name(struct timeout_policy *p, const char *name)
{
	if (timeout_name_set(p, name) < 0) {
		warn_msg("timeout policy name too long: `%s' (at most %d "
			 "characters)", name, TIMEOUT_NAME_MAX - 1);
		return -1;
	}
	return 0;
}

/* FAMILY PROTO [STATE VALUE]... starting at argv[i]; the PROTO word is
 * named as typed in the error, as 1.4.7 does. */
static int parse_policy(int argc, char **argv, int i,
			struct timeout_policy *p)
{
	const char *proto = argv[i + 1];

	if (nfct_l3_parse(argv[i], &p->l3) < 0) {
		nfct_fail("unknown layer 3 protocol");
		return -1;
	}
	if (nfct_l4_parse(proto, &p->l4) < 0) {
		nfct_fail("unknown layer 4 protocol");
		return -1;
	}
	p->present |= TIMEOUT_F_L3 | TIMEOUT_F_L4;
	for (i += 2; i < argc; i += 2) {
		uint32_t v;
		int idx, r;

		if (i + 1 >= argc) {
			nfct_fail("missing value for this timeout");
			return -1;
		}
		idx = timeout_state_index(p->l4, argv[i]);
		if (idx < 0) {
			warn_msg("Wrong state name: `%s' for protocol `%s'",
				 argv[i], proto);
			return -1;
		}
		r = timeout_value_parse(argv[i + 1], &v);
		if (r == -ERANGE) {
			warn_msg("timeout value out of range: `%s' for state "
				 "`%s' (0-%u seconds)", argv[i + 1], argv[i],
				 TIMEOUT_VALUE_MAX);
			return -1;
		}
		if (r < 0) {
			warn_msg("invalid timeout value: `%s' for state `%s'",
				 argv[i + 1], argv[i]);
			return -1;
		}
		p->val[idx] = v;
		p->set |= 1u << idx;
	}
	return 0;
}

static int run(struct nl *nl, enum timeout_req req,
	       const struct timeout_policy *p, timeout_cb cb)
{
	int r = timeout_nl_run(nl, req, p, cb, NULL);

	if (r < 0)
		return nfct_nl_error(r);
	return 0;
}

int nfct_timeout_main(int argc, char **argv, enum nfct_cmd cmd, struct nl *nl)
{
	struct timeout_policy p;

	memset(&p, 0, sizeof(p));
	switch (cmd) {
	case NFCT_CMD_LIST:
		if (argc > 3)
			return nfct_fail("too many arguments");
		return run(nl, TIMEOUT_REQ_LIST, NULL, print_policy);
	case NFCT_CMD_ADD:
		if (argc < 6)
			return nfct_fail("missing parameters\nsyntax: nfct add timeout "
				    "name family protocol state1 timeout1 ...");
		if (set_name(&p, argv[3]) < 0 ||
		    parse_policy(argc, argv, 4, &p) < 0)
			return 1;
		return run(nl, TIMEOUT_REQ_ADD, &p, NULL);
	case NFCT_CMD_DELETE:
	case NFCT_CMD_GET:
		if (argc < 4)
			return nfct_fail("missing timeout policy name");
		if (argc > 4)
			return nfct_fail("too many arguments");
		if (set_name(&p, argv[3]) < 0)
			return 1;
		if (cmd == NFCT_CMD_DELETE)
			return run(nl, TIMEOUT_REQ_DELETE, &p, NULL);
		return run(nl, TIMEOUT_REQ_GET, &p, print_policy);
	case NFCT_CMD_FLUSH:
		if (argc > 3)
			return nfct_fail("too many arguments");
		return run(nl, TIMEOUT_REQ_FLUSH, NULL, NULL);
	case NFCT_CMD_DEFAULT_SET:
		if (argc < 6)
			return nfct_fail("missing parameters\nsyntax: nfct default-set "
				    "timeout family protocol state1 timeout1...");
		if (parse_policy(argc, argv, 3, &p) < 0)
			return 1;
		return run(nl, TIMEOUT_REQ_DEFAULT_SET, &p, NULL);
	case NFCT_CMD_DEFAULT_GET:
		if (argc < 5)
			return nfct_fail("missing parameters\nsyntax: nfct default-get "
				    "timeout family protocol");
		/* Words after PROTO are ignored, as by 1.4.7. */
		if (parse_policy(5, argv, 3, &p) < 0)
			return 1;
		return run(nl, TIMEOUT_REQ_DEFAULT_GET, &p, print_policy);
	default:
		warn_msg("Missing command");
		say_err("%s <list|add|delete|get|default-set|default-get|flush> "
			"timeout [<parameters>, ...]", argv[0]);
		return 1;
	}
}
