/* conntrackd applet internals shared by its files. */
#ifndef CTBOX_APPLETS_CONNTRACKD_H
#define CTBOX_APPLETS_CONNTRACKD_H

struct conf;

/* Send one request code to the daemon and copy its answer to stdout. */
int conntrackd_request(const struct conf *conf, int code);

#endif
