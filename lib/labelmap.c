/* connlabel.conf reader: "BIT NAME" lines, as libnetfilter_conntrack
 * reads them (first line for a bit wins, duplicate names are ignored,
 * names of letters, digits, '-' and spaces).  Names longer than
 * LABEL_NAME_MAX are ignored rather than truncated. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labelmap.h"

#define LABEL_NAME_MAX 64

struct labelmap {
	unsigned int max;		/* highest named bit + 1 */
	char name[LABELMAP_BITS][LABEL_NAME_MAX + 1];
};

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == ' '))
			return false;
	}
	return true;
}

/* One line: its bit and name (trimmed in place), or -1 to skip it. */
static long parse_line(char *line, char **name)
{
	unsigned long bit;
	char *end, *e;

	if (line[0] == '#')
		return -1;
	errno = 0;
	bit = strtoul(line, &end, 0);
	if (end == line || errno || bit >= LABELMAP_BITS)
		return -1;
	while (blank(*end))
		end++;
	e = end + strlen(end);
	while (e > end && blank(e[-1]))
		*--e = '\0';
	if (!name_ok(end) || strlen(end) > LABEL_NAME_MAX)
		return -1;
	*name = end;
	return (long)bit;
}

struct labelmap *labelmap_open(const char *path)
{
	struct labelmap *m;
	char line[1024];
	bool any = false;
	FILE *f;

	f = fopen(path ? path : LABELMAP_DEFAULT, "re");
	if (!f)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		char *name;
		long bit = parse_line(line, &name);

		if (bit < 0 || m->name[bit][0] || labelmap_bit(m, name) >= 0)
			continue;
		strcpy(m->name[bit], name);
		if ((unsigned int)bit + 1 > m->max)
			m->max = (unsigned int)bit + 1;
		any = true;
	}
	fclose(f);
	errno = 0;
	if (!any) {
		/* upstream reports this as a failure with errno 0 */
		free(m);
		return NULL;
	}
	return m;
}

void labelmap_free(struct labelmap *m)
{
	free(m);
}

const char *labelmap_name(const struct labelmap *m, unsigned int bit)
{
	if (!m || bit >= LABELMAP_BITS || !m->name[bit][0])
		return NULL;
	return m->name[bit];
}

int labelmap_bit(const struct labelmap *m, const char *name)
{
	unsigned int i;

	if (!m)
		return -1;
	for (i = 0; i < m->max; i++)
		if (m->name[i][0] && strcmp(m->name[i], name) == 0)
			return (int)i;
	return -1;
}

unsigned int labelmap_max_bit(const struct labelmap *m)
{
	return m ? m->max : 0;
}
