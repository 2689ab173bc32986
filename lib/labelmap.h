/* connlabel.conf: label bit <-> name, as libnetfilter_conntrack reads it. */
#ifndef CTBOX_LABELMAP_H
#define CTBOX_LABELMAP_H

#include <stdint.h>

#define LABELMAP_DEFAULT "/etc/xtables/connlabel.conf"
#define LABELMAP_BITS 1024

struct labelmap;

/* NULL + errno on failure to open; NULL with errno 0 when no line is
 * valid (upstream's "nfct_labelmap_new: Success"). */
struct labelmap *labelmap_open(const char *path);
void labelmap_free(struct labelmap *m);
const char *labelmap_name(const struct labelmap *m, unsigned int bit);
int labelmap_bit(const struct labelmap *m, const char *name);	/* -1 */
unsigned int labelmap_max_bit(const struct labelmap *m);	/* +1 */

#endif
