/* The work of -I/-A, -U, -D and -F on a session, shared by their own
 * commands and by -R, which runs them line after line. */
#ifndef CTBOX_CONNTRACK_MODIFY_H
#define CTBOX_CONNTRACK_MODIFY_H

#include "conntrack_common.h"

/* Each returns the number of entries created/updated/deleted and exits
 * on a fatal error. */
unsigned long ct_do_create(struct ct_cmd *cmd, struct ct_sess *s);	/* conntrack_modify.c */
unsigned long ct_do_update(struct ct_cmd *cmd, struct ct_sess *s);	/* conntrack_update.c */
unsigned long ct_do_delete(struct ct_cmd *cmd, struct ct_sess *s);	/* conntrack_delete.c */
void ct_do_flush(struct ct_cmd *cmd, struct ct_sess *s);		/* conntrack_modify.c */
/* The entry -I/-A sends: the template with its missing direction
 * derived from the other one. */
void ct_create_tmpl(const struct ct_cmd *cmd, struct ct *c);

#endif
