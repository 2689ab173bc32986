/* The applets of the multi-call binary. */
#ifndef CTBOX_APPLETS_H
#define CTBOX_APPLETS_H

int conntrack_main(int argc, char **argv);
int conntrackd_main(int argc, char **argv);
int nfct_main(int argc, char **argv);

#endif
