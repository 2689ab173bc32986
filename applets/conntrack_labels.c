/* The label map of -l, --label-add, --label-del and -o labels: loaded
 * once, on first use, from connlabel.conf, as 1.4.7 does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack_args.h"
#include "lib/err.h"
#include "lib/labelmap.h"

static struct labelmap *labelmap;
static bool labelmap_tried;

void ct_labelmap_load(void)
{
	if (labelmap_tried)
		return;
	labelmap_tried = true;
	labelmap = labelmap_open(NULL);
	if (!labelmap)
		say_err("nfct_labelmap_new: %s", err_str(errno));
}


const struct labelmap *ct_labelmap(void)
{
	return labelmap;
}

/* -l / --label-add / --label-del NAME[,NAME...] into a bit set. */
static void parse_labels(struct parse *p, char *arg, uint32_t *set)
{
	char *name = arg, *comma;
	int bit;

	for (;;) {
		comma = strchr(name, ',');
		if (comma)
			*comma = '\0';
		bit = labelmap_bit(labelmap, name);
		if (bit < 0)
			PARAM("unknown label '%s'", name);
		if (bit < CT_LABEL_WORDS * 32)
			set[bit / 32] |= 1u << (bit % 32);
		else if (set == p->label)
			p->labels_big = true;
		if (!comma)
			break;
		name = comma + 1;
	}
}

void arg_label(struct parse *p, int c)
{
	const char *arg = p->st.arg;
	char *copy;

	p->options |= c == 'l' ? 1u << OPT_LABEL :
		      c == '<' ? 1u << OPT_ADD_LABEL : 1u << OPT_DEL_LABEL;
	ct_labelmap_load();
	if ((p->options & (1u << OPT_ADD_LABEL | 1u << OPT_DEL_LABEL)) ==
	    (1u << OPT_ADD_LABEL | 1u << OPT_DEL_LABEL))
		ct_exit_error(OTHER_PROBLEM, "cannot use --label-add and "
			      "--label-del at the same time");
	if (c == '>') {
		arg = arg_optional(p);
		if (!arg) {
			p->cmd->label_del_all = true;
			return;
		}
	}
	copy = strdup(arg);
	if (!copy)
		ct_exit_error(OTHER_PROBLEM, "out of memory");
	if (c == 'l') {
		parse_labels(p, copy, p->label);
		p->label_set = true;
	} else {
		parse_labels(p, copy, c == '<' ? p->cmd->label_add
					       : p->cmd->label_del);
	}
	free(copy);
}
