/* TEMPORARY placeholder: the expect table lands with issue 4. */
#include "conntrack.h"
int ct_cmd_expect(struct ct_cmd *cmd) { (void)cmd; ct_exit_error(OTHER_PROBLEM, "the expect table is not implemented yet"); }
