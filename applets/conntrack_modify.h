/* Internal to the -G -I -A -U -D -R command files: the sockets a run
 * shares (one command, or every line of a -R file) and the helpers they
 * have in common. */
#ifndef CTBOX_CONNTRACK_MODIFY_H
#define CTBOX_CONNTRACK_MODIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "conntrack.h"
#include "netlink/ct_batch.h"

struct nl;

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

/* "Operation failed: …" and exit 1, stdout flushed first. */
void ct_op_failed(enum ct_command cmd, int err) __attribute__((noreturn));

/* Each returns the number of entries created/updated/deleted/shown and
 * exits on a fatal error. */
unsigned long ct_do_create(struct ct_cmd *cmd, struct ct_sess *s);
unsigned long ct_do_update(struct ct_cmd *cmd, struct ct_sess *s);
unsigned long ct_do_delete(struct ct_cmd *cmd, struct ct_sess *s);
/* The entry -I/-A sends: the template with its missing direction
 * derived from the other one. */
void ct_create_tmpl(const struct ct_cmd *cmd, struct ct *c);

#endif
