/* TEMPORARY placeholder: -G -I -A -U -D land with issue 3. */
#include "conntrack.h"
int ct_cmd_get(struct ct_cmd *cmd) { (void)cmd; ct_exit_error(OTHER_PROBLEM, "-G is not implemented yet"); }
int ct_cmd_create(struct ct_cmd *cmd) { (void)cmd; ct_exit_error(OTHER_PROBLEM, "-I is not implemented yet"); }
int ct_cmd_update(struct ct_cmd *cmd) { (void)cmd; ct_exit_error(OTHER_PROBLEM, "-U is not implemented yet"); }
int ct_cmd_delete(struct ct_cmd *cmd) { (void)cmd; ct_exit_error(OTHER_PROBLEM, "-D is not implemented yet"); }
