/* TEMPORARY placeholder: -E lands with issue 4. */
#include "conntrack.h"
int ct_cmd_event(struct ct_cmd *cmd) { (void)cmd; ct_exit_error(OTHER_PROBLEM, "-E is not implemented yet"); }
