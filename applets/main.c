/* ctbox: one binary, dispatched on the name it was called by. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib/err.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
};

static const struct applet applets[] = {
	{ "conntrack", conntrack_main },
	{ "conntrackd", conntrackd_main },
	{ "nfct", nfct_main },
};

#define N_APPLETS (sizeof(applets) / sizeof(applets[0]))

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static const struct applet *find(const char *name)
{
	size_t i;

	for (i = 0; i < N_APPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "ctbox v%s: conntrack-tools in one binary\n"
		"Usage: ctbox APPLET [ARGS...]\n"
		"       ctbox --list\n"
		"       ctbox --install [-s] DIR   (symlinks DIR/APPLET -> ctbox)\n"
		"       APPLET [ARGS...]   (called through a link named APPLET)\n"
		"Applets:", CTBOX_VERSION);
	for (i = 0; i < N_APPLETS; i++)
		fprintf(f, " %s", applets[i].name);
	fputc('\n', f);
}

/* Create DIR/APPLET symlinks to this binary.  -s is accepted for
 * busybox's sake; links are always symbolic, so that replacing the binary
 * updates every applet. */
static int install(const char *dir)
{
	char self[PATH_MAX], link[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;
	int rc = 0;

	if (n < 0) {
		fprintf(stderr, "ctbox: cannot find own path: %s\n", err_str(errno));
		return 1;
	}
	self[n] = '\0';
	for (i = 0; i < N_APPLETS; i++) {
		int r;

		if (snprintf(link, sizeof(link), "%s/%s", dir, applets[i].name) >=
		    (int)sizeof(link)) {
			fprintf(stderr, "ctbox: %s: path too long\n", dir);
			return 1;
		}
		unlink(link);
		r = symlink(self, link);
		if (r < 0) {
			fprintf(stderr, "ctbox: %s: %s\n", link, err_str(errno));
			rc = 1;
		}
	}
	return rc;
}

/* Applets that do not name themselves in messages get their own name;
 * every output they leave unwritten is said at exit. */
static int run(const struct applet *a, int argc, char **argv)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s: ", a->name);
	err_set_prefix(prefix);
	ctbox_exit(a->main(argc, argv));
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? base(argv[0]) : "ctbox";
	const struct applet *a;

	if (*name == '-')	/* login-shell style "-name" */
		name++;
	a = find(name);
	if (a)
		return run(a, argc, argv);
	if (strcmp(name, "ctbox") != 0) {
		fprintf(stderr, "ctbox: applet not found: %s\n", name);
		return 127;
	}
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--list") == 0) {
		size_t i;

		for (i = 0; i < N_APPLETS; i++)
			printf("%s\n", applets[i].name);
		return 0;
	}
	if (strcmp(argv[1], "--install") == 0) {
		int sym = argc > 2 && strcmp(argv[2], "-s") == 0;

		if (argc != 3 + sym) {
			usage(stderr);
			return 1;
		}
		return install(argv[2 + sym]);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	a = find(argv[1]);
	if (!a) {
		fprintf(stderr, "ctbox: applet not found: %s\n", argv[1]);
		return 127;
	}
	return run(a, argc - 1, argv + 1);
}
