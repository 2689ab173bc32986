/* What every conntrack command file shares, in one place: the error
 * texts and exits of 1.4.7, the netlink sockets of a run, and the print
 * options a command derives from its command line.  Command files call
 * down into this file and never into each other's entry points. */
#ifndef CTBOX_CONNTRACK_COMMON_H
#define CTBOX_CONNTRACK_COMMON_H

#include <stdbool.h>

#include "conntrack.h"
#include "netlink/ct_batch.h"

struct nl;

/* Print an error and exit: PARAMETER_PROBLEM adds the "Try" line. */
void ct_exit_error(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* upstream's err2str: the text of errno err (positive) for cmd. */
const char *ct_err_text(int err, enum ct_command cmd);

/* "Operation failed: …" and exit 1, stdout flushed first; err is an
 * errno of either sign. */
void ct_op_failed(enum ct_command cmd, int err) __attribute__((noreturn));

/* A ctnetlink socket subscribed to groups, or 1.4.7's "Can't open
 * handler" and exit. */
struct nl *ct_open_nl(unsigned int groups);

/* The printer options of a command line, the clock read now. */
void ct_print_opts_init(struct ct_print_opts *po, const struct ct_cmd *cmd);

/* Entries shown by -L and -G: the XML document opened before the first
 * one, each printed and counted. */
struct ct_shown {
	struct ct_print_opts po;
	unsigned long count;
	bool xml_open;
};
void ct_show(struct ct_shown *sh, const struct ct *ct);

/* The closing tag of an XML listing, then stdout flushed: 1.4.7
 * fflush()es there, so the document precedes the summary line when both
 * streams go to one file (2>&1). */
void ct_xml_close(const char *root);

/* The sockets a run shares: one command, or every line of a -R file. */
struct ct_sess {
	struct nl *nl;		/* requests and dumps */
	struct nl *wnl;		/* the batch writer's own socket */
	struct ct_batch *batch;
	ct_batch_cb cb;		/* who hears the batch's reports now */
	void *cb_data;
	bool load;		/* -R: no summary lines, 0 matches is fine */
};

struct ct_sess *ct_sess_get(bool load);		/* exits on failure */
struct ct_batch *ct_sess_batch(struct ct_sess *s, ct_batch_cb cb, void *data);
void ct_sess_close(void);

/* One command on its own session: run does the work and returns how many
 * entries it changed, which the summary line names with done ("deleted");
 * with none_fails, 0 entries is exit status 1. */
typedef unsigned long ct_sess_fn(struct ct_cmd *cmd, struct ct_sess *s);
int ct_sess_run(struct ct_cmd *cmd, ct_sess_fn *run, const char *done,
		bool none_fails);

#endif
