/* nfct helper: user-space conntrack helpers (cthelper): list, add,
 * delete, get, flush, disable, as nfct 1.4.7 does them. */
#include <string.h>
#include <sys/socket.h>

#include "lib/err.h"
#include "lib/out.h"
#include "lib/timeout.h"
#include "netlink/helper.h"
#include "nfct.h"

/* libnetfilter_cthelper's text layout; policies are not printed. */
void nfct_helper_print(struct out *o, const struct helper *h)
{
	out_printf(o, "{\n\t.name = %s,\n\t.queuenum = %u,\n"
		   "\t.l3protonum = %u,\n\t.l4protonum = %u,\n"
		   "\t.priv_data_len = %u,\n\t.status = %s,\n};\n",
		   h->name, h->queue_num, h->l3, h->l4, h->priv_len,
		   h->status == HELPER_ENABLED ? "enabled" : "disabled");
}

static int print_helper(const struct helper *h, void *data)
{
	(void)data;
	nfct_helper_print(out_stdout, h);
	return 0;
}

static int parse_l3(const char *s, struct helper *h)
{
	if (nfct_l3_parse(s, &h->l3) < 0)
		return nfct_fail("unknown layer 3 protocol");
	h->present |= HELPER_F_L3;
	return 0;
}

/* User-space helpers exist for TCP and UDP only. */
static int parse_l4(const char *s, struct helper *h)
{
	if (strcmp(s, "tcp") == 0)
		h->l4 = 6;
	else if (strcmp(s, "udp") == 0)
		h->l4 = 17;
	else
		return nfct_fail("unsupported layer 4 protocol");
	h->present |= HELPER_F_L4;
	return 0;
}

/* NAME FAMILY PROTO of add and disable: a helper nfct knows. */
static int parse_known(char **argv, struct helper *h)
{
	uint16_t l3;

	if (parse_l3(argv[4], h) || parse_l4(argv[5], h))
		return 1;
	l3 = h->l3;
	if (helper_builtin(argv[3], h->l4, h) < 0)
		return nfct_fail("that helper is not supported");
	h->l3 = l3;
	return 0;
}

static int run(struct nl *nl, enum helper_req req, const struct helper *h,
	       helper_cb cb)
{
	int r = helper_nl_run(nl, req, h, cb, NULL);

	if (r < 0)
		return nfct_nl_error(r);
	return 0;
}

int nfct_helper_main(int argc, char **argv, enum nfct_cmd cmd, struct nl *nl)
{
	struct helper h;

	memset(&h, 0, sizeof(h));
	switch (cmd) {
	case NFCT_CMD_LIST:
		if (argc > 3)
			return nfct_fail("too many arguments");
		return run(nl, HELPER_REQ_LIST, NULL, print_helper);
	case NFCT_CMD_ADD:
		/* 1.4.7 ignores words after PROTO (no queue number or
		 * policy is ever sent); so do we. */
		if (argc < 6)
			return nfct_fail("missing parameters\nsyntax: nfct add "
				    "helper name family protocol");
		if (parse_known(argv, &h))
			return 1;
		return run(nl, HELPER_REQ_ADD, &h, NULL);
	case NFCT_CMD_DELETE:
	case NFCT_CMD_GET:
		if (argc < 4)
			return nfct_fail("missing helper policy name");
		if (argc > 6)
			return nfct_fail("too many arguments");
		if (helper_name_set(&h, argv[3]) < 0) {
			warn_msg("helper name too long: `%s' (at most %d "
				 "characters)", argv[3], HELPER_NAME_MAX - 1);
			return 1;
		}
		if (argc > 4 && parse_l3(argv[4], &h))
			return 1;
		if (argc > 5 && parse_l4(argv[5], &h))
			return 1;
		if (cmd == NFCT_CMD_DELETE)
			return run(nl, HELPER_REQ_DELETE, &h, NULL);
		return run(nl, HELPER_REQ_GET, &h, print_helper);
	case NFCT_CMD_FLUSH:
		if (argc > 3)
			return nfct_fail("too many arguments");
		return run(nl, HELPER_REQ_FLUSH, NULL, NULL);
	case NFCT_CMD_DISABLE:
		if (argc < 6)
			return nfct_fail("missing parameters\nsyntax: nfct disable "
				    "helper name family protocol");
		if (parse_known(argv, &h))
			return 1;
		return run(nl, HELPER_REQ_DISABLE, &h, NULL);
	default:
		warn_msg("Unknown command: %s", argv[2]);
		warn_msg("Missing command");
		say_err("%s helper list|add|delete|disable|get|flush "
			"[parameters...]", argv[0]);
		return 1;
	}
}
