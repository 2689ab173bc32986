/* ctbox: one binary, dispatched on the name it was called by. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
		"       ctbox --install [-s] [-f] DIR   (symlinks DIR/APPLET -> ctbox;\n"
		"                               -f replaces files that are not)\n"
		"       APPLET [ARGS...]   (called through a link named APPLET)\n"
		"Applets:", CTBOX_VERSION);
	for (i = 0; i < N_APPLETS; i++)
		fprintf(f, " %s", applets[i].name);
	fputc('\n', f);
}

/* Whether path is this binary already: a symbolic link to it, or a
 * hard link. */
static bool is_self(const char *path, const struct stat *self)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	return st.st_dev == self->st_dev && st.st_ino == self->st_ino;
}

/* DIR/APPLET -> this binary, made under a temporary name and renamed over
 * the final one, so that the name never points nowhere.  A file there
 * that is not this binary is left alone unless force.  Returns 0, or 1
 * after saying what went wrong. */
static int install_one(const char *dir, const char *name, const char *self,
		       const struct stat *self_st, bool force)
{
	char link[PATH_MAX], tmp[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(link, sizeof(link), "%s/%s", dir, name) >=
	    sizeof(link) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.ctbox-%ld", dir, name,
			     (long)getpid()) >= sizeof(tmp)) {
		fprintf(stderr, "ctbox: %s: path too long\n", dir);
		return 1;
	}
	if (lstat(link, &st) == 0 && !force && !is_self(link, self_st)) {
		fprintf(stderr, "ctbox: %s: exists and is not ctbox, left alone "
			"(-f replaces it)\n", link);
		return 1;
	}
	unlink(tmp);		/* a leftover of an interrupted run */
	if (symlink(self, tmp) < 0) {
		fprintf(stderr, "ctbox: %s: %s\n", tmp, err_str(errno));
		return 1;
	}
	if (rename(tmp, link) < 0) {
		fprintf(stderr, "ctbox: %s: %s\n", link, err_str(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

/* Create DIR/APPLET symlinks to this binary.  -s is accepted for
 * busybox's sake; links are always symbolic, so that replacing the binary
 * updates every applet. */
static int install(const char *dir, bool force)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat self_st;
	size_t i;
	int rc = 0;

	if (n < 0 || (self[n] = '\0', stat(self, &self_st) < 0)) {
		fprintf(stderr, "ctbox: cannot find own path: %s\n", err_str(errno));
		return 1;
	}
	for (i = 0; i < N_APPLETS; i++)
		rc |= install_one(dir, applets[i].name, self, &self_st, force);
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
		bool force = false;
		int i = 2;

		for (; i < argc - 1; i++) {
			if (strcmp(argv[i], "-f") == 0)
				force = true;
			else if (strcmp(argv[i], "-s") != 0)
				break;
		}
		if (i != argc - 1) {
			usage(stderr);
			return 1;
		}
		return install(argv[i], force);
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
