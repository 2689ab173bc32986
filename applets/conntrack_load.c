/* TEMPORARY placeholder: -R lands with issue 3. */
#include "conntrack.h"
int conntrack_load_file(int argc, char **argv) { (void)argc; (void)argv; ct_exit_error(OTHER_PROBLEM, "-R is not implemented yet"); }
