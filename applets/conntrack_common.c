/* Shared by the conntrack command files (see conntrack_common.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "conntrack_common.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/nl.h"

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

/* err2str of upstream: the first row that matches errno and command. */
static const struct {
	int err;
	uint32_t cmds;		/* 1u << CMD_* */
	const char *text;
} err_rows[] = {
	{ 524, 1u << CMD_LIST, "function not implemented" },
	{ EINVAL, ~0u, "invalid parameters" },
	{ EEXIST, 1u << CMD_CREATE, "Such conntrack exists, try -U to update" },
	{ ENOENT, 1u << CMD_CREATE | 1u << CMD_GET | 1u << CMD_DELETE |
		  1u << CMD_ADD, "such conntrack doesn't exist" },
	{ ENOMEM, 1u << CMD_CREATE | 1u << CMD_GET | 1u << CMD_ADD,
	  "not enough memory" },
	{ EAFNOSUPPORT, 1u << CMD_GET, "protocol not supported" },
	{ ETIME, 1u << CMD_CREATE | 1u << CMD_ADD, "conntrack has expired" },
	{ ENOENT, 1u << CMD_EXP_CREATE, "master conntrack not found" },
	{ EPERM, ~0u, "sorry, you must be root or get CAP_NET_ADMIN capability "
		      "to do this" },
};

const char *ct_err_text(int err, enum ct_command cmd)
{
	size_t i;

	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++)
		if (err_rows[i].err == err && cmd >= 0 &&
		    (err_rows[i].cmds & (1u << cmd)))
			return err_rows[i].text;
	return err_str(err);
}

void ct_op_failed(enum ct_command cmd, int err)
{
	ct_exit_error(OTHER_PROBLEM, "Operation failed: %s",
		      ct_err_text(err < 0 ? -err : err, cmd));
}

struct nl *ct_open_nl(unsigned int groups)
{
	struct nl *nl = nl_open(NETLINK_NETFILTER, groups);

	if (!nl) {
		say_err("mnl_socket_open: %s", err_str(errno));
		ct_exit_error(OTHER_PROBLEM, "Can't open handler");
	}
	return nl;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ct_print_opts_init(struct ct_print_opts *po, const struct ct_cmd *cmd)
{
	memset(po, 0, sizeof(*po));
	po->flags = cmd->output;
	if (cmd->labelmap && (cmd->output & CT_OF_LABELS ||
			      cmd->options & (1u << OPT_LABEL |
					      1u << OPT_ADD_LABEL |
					      1u << OPT_DEL_LABEL)))
		po->labels = cmd->labelmap;
	po->now_ns = now_ns();
}

void ct_show(struct ct_shown *sh, const struct ct *ct)
{
	if ((sh->po.flags & CT_OF_XML) &&
	    !(sh->po.flags & (CT_OF_SAVE | CT_OF_JSON)) && !sh->xml_open) {
		ct_print_xml_header(out_stdout, "conntrack");
		sh->xml_open = true;
	}
	ct_print(out_stdout, ct, &sh->po);
	sh->count++;
}

void ct_xml_close(const char *root)
{
	ct_print_xml_footer(out_stdout, root);
	out_flush(out_stdout);
}

static struct ct_sess sess;

struct ct_sess *ct_sess_get(bool load)
{
	if (!sess.nl)
		sess.nl = ct_open_nl(0);
	sess.load = load;
	return &sess;
}

static void sess_report(uint32_t seq, int err, const struct ct *ct, void *data)
{
	struct ct_sess *s = data;

	if (s->cb)
		s->cb(seq, err, ct, s->cb_data);
}

struct ct_batch *ct_sess_batch(struct ct_sess *s, ct_batch_cb cb, void *data)
{
	if (!s->batch) {
		s->wnl = ct_open_nl(0);
		s->batch = ct_batch_new(s->wnl, sess_report, s);
		if (!s->batch)
			ct_exit_error(OTHER_PROBLEM, "Operation failed: %s",
				      err_str(errno));
	}
	s->cb = cb;
	s->cb_data = data;
	return s->batch;
}

void ct_sess_close(void)
{
	ct_batch_free(sess.batch);
	nl_close(sess.wnl);
	nl_close(sess.nl);
	memset(&sess, 0, sizeof(sess));
}

int ct_sess_run(struct ct_cmd *cmd, ct_sess_fn *run, const char *done,
		bool none_fails)
{
	struct ct_sess *s = ct_sess_get(false);
	unsigned long n = run(cmd, s);

	ct_sess_close();
	warn_msg("%lu flow entries have been %s.", n, done);
	return n || !none_fails ? 0 : OTHER_PROBLEM;
}
