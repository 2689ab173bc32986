/* conntrackd: start the daemon (-d or console mode), or send one request
 * to a running daemon over its UNIX socket (conntrackd_ctl.c).
 *
 * 1.4.7's command line: only the second character of each word counts,
 * sub-arguments are matched as prefixes, and the config file is always
 * read, since it names the control socket. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/conntrackd.h"
#include "config/conf.h"
#include "lib/err.h"
#include "sync/ctl.h"
#include "sync/daemon.h"
#include "sync/log.h"

static void usage(const char *prog)
{
	printf("Connection tracking userspace daemon v%s\n"
	       "Usage: %s [commands] [options]\n\n"
	       "General commands:\n"
	       "  -d, run in daemon mode\n"
	       "  -C [configfile], configuration file path\n"
	       "  -v, display conntrackd version\n"
	       "  -h, display this help information\n\n"
	       "Client mode commands:\n"
	       "  -c [ct|expect], commit external cache to conntrack table\n"
	       "  -f [internal|external], flush internal and external cache\n"
	       "  -F [ct|expect], flush kernel conntrack table\n"
	       "  -i [ct|expect], display content of the internal cache\n"
	       "  -e [ct|expect], display the content of the external cache\n"
	       "  -k, kill conntrack daemon\n"
	       "  -s  [network|cache|runtime|link|rsqueue|queue|ct|expect], "
	       "dump statistics\n"
	       "  -R [ct|expect], resync with kernel conntrack table\n"
	       "  -n, request resync with other node (only FT-FW and NOTRACK "
	       "modes)\n"
	       "  -B, force a bulk send to other replica firewalls\n"
	       "  -x, dump cache in XML format (requires -i or -e)\n"
	       "  -t, reset the kernel timeout (see PurgeTimeout clause)\n\n",
	       CTBOX_VERSION, prog);
	fflush(stdout);
}

/* A sub-argument, when the next word is one (not an option). */
static const char *subarg(int argc, char **argv, int *i)
{
	if (*i + 1 < argc && argv[*i + 1][0] != '-')
		return argv[*i + 1];
	return NULL;
}

static bool prefix_of(const char *arg, const char *name)
{
	return strncmp(arg, name, strlen(arg)) == 0;
}

/* One choice per sub-argument; the first name that arg is a prefix of. */
struct choice {
	const char *name;
	int code;
};

static int pick(const char *arg, const struct choice *c)
{
	for (; c->name; c++)
		if (prefix_of(arg, c->name))
			return c->code;
	return -1;
}

enum { MODE_NONE, MODE_DAEMON, MODE_REQUEST };

struct cli {
	int mode;
	int code;
	const char *config;
};

static int invalid(const char *prog)
{
	usage(prog);
	log_err("Invalid parameters");
	return 1;
}

static int set_request(struct cli *c, int code, const char *prog)
{
	if (c->mode == MODE_DAEMON)
		return invalid(prog);
	c->mode = MODE_REQUEST;
	c->code = code;
	return 0;
}

/* -c -F -i -e -R: ct | expect, or the default; a word that is neither is
 * left for the next round (where it is an unknown option). */
static int ct_or_expect(int argc, char **argv, int *i, int dflt, int ct,
			int exp)
{
	const char *a = subarg(argc, argv, i);
	const struct choice ch[] = { { "ct", ct }, { "expect", exp },
				     { NULL, 0 } };
	int code;

	if (!a)
		return dflt;
	code = pick(a, ch);
	if (code < 0)
		return dflt;
	(*i)++;
	return code;
}

static const struct choice stats_choices[] = {
	{ "network", CTL_STATS_NETWORK },
	{ "cache", CTL_STATS_CACHE },
	{ "runtime", CTL_STATS_RUNTIME },
	{ "link", CTL_STATS_LINK },
	{ "multicast", -2 },
	{ "rsqueue", CTL_STATS_RSQUEUE },
	{ "process", CTL_STATS_PROCESS },
	{ "queue", CTL_STATS_QUEUE },
	{ "sync", CTL_STATS_SYNC },
	{ "ct", CTL_STATS },
	{ "expect", CTL_EXP_STATS },
	{ NULL, 0 },
};

static const struct choice flush_choices[] = {
	{ "internal", CTL_CT_FLUSH_INT_CACHE },
	{ "external", CTL_CT_FLUSH_EXT_CACHE },
	{ NULL, 0 },
};

/* 0: go on; otherwise 1 + the exit code. */
static int parse(int argc, char **argv, struct cli *c)
{
	const char *prog = argv[0];
	int i, r = 0;

	for (i = 1; i < argc && !r; i++) {
		const char *a;
		int code;
		char opt = argv[i][0] ? argv[i][1] : 0;

		switch (opt) {
		case 'd':
			if (c->mode == MODE_REQUEST)
				return 1 + invalid(prog);
			c->mode = MODE_DAEMON;
			break;
		case 'C':
			if (i + 1 < argc) {
				c->config = argv[++i];
			} else {
				log_err("-C requires a config file path; "
					"using the default");
			}
			break;
		case 'c':
			r = set_request(c, ct_or_expect(argc, argv, &i,
				CTL_ALL_COMMIT, CTL_CT_COMMIT,
				CTL_EXP_COMMIT), prog);
			break;
		case 'f':
			code = CTL_ALL_FLUSH_CACHE;
			a = subarg(argc, argv, &i);
			if (a) {
				code = pick(a, flush_choices);
				if (code < 0) {
					log_err("unknown parameter `%s' for "
						"option `-f'", a);
					return 2;
				}
				i++;
			}
			r = set_request(c, code, prog);
			break;
		case 'F':
			r = set_request(c, ct_or_expect(argc, argv, &i,
				CTL_ALL_FLUSH_MASTER, CTL_CT_FLUSH_MASTER,
				CTL_EXP_FLUSH_MASTER), prog);
			break;
		case 'i':
			r = set_request(c, ct_or_expect(argc, argv, &i,
				CTL_CT_DUMP_INTERNAL, CTL_CT_DUMP_INTERNAL,
				CTL_EXP_DUMP_INTERNAL), prog);
			break;
		case 'e':
			r = set_request(c, ct_or_expect(argc, argv, &i,
				CTL_CT_DUMP_EXTERNAL, CTL_CT_DUMP_EXTERNAL,
				CTL_EXP_DUMP_EXTERNAL), prog);
			break;
		case 'R':
			r = set_request(c, ct_or_expect(argc, argv, &i,
				CTL_ALL_RESYNC_MASTER, CTL_CT_RESYNC_MASTER,
				CTL_EXP_RESYNC_MASTER), prog);
			break;
		case 'x':
			switch (c->code) {
			case CTL_CT_DUMP_INTERNAL:
				c->code = CTL_CT_DUMP_INT_XML;
				break;
			case CTL_CT_DUMP_EXTERNAL:
				c->code = CTL_CT_DUMP_EXT_XML;
				break;
			case CTL_EXP_DUMP_INTERNAL:
				c->code = CTL_EXP_DUMP_INT_XML;
				break;
			case CTL_EXP_DUMP_EXTERNAL:
				c->code = CTL_EXP_DUMP_EXT_XML;
				break;
			default:
				return 1 + invalid(prog);
			}
			break;
		case 'k':
			r = set_request(c, CTL_KILL, prog);
			break;
		case 's':
			code = CTL_STATS;
			a = subarg(argc, argv, &i);
			if (a) {
				code = pick(a, stats_choices);
				if (code == -1) {
					log_err("unknown parameter `%s' for "
						"option `-s'", a);
					return 2;
				}
				if (code == -2) {
					log_warn("use `link' instead of "
						 "`multicast' as parameter.");
					code = CTL_STATS_LINK;
				}
				i++;
			}
			r = set_request(c, code, prog);
			break;
		case 'n':
			r = set_request(c, CTL_REQUEST_DUMP, prog);
			break;
		case 'B':
			r = set_request(c, CTL_SEND_BULK, prog);
			break;
		case 't':
			r = set_request(c, CTL_RESET_TIMERS, prog);
			break;
		case 'h':
			usage(prog);
			return 1;
		case 'v':
			printf("Connection tracking userspace daemon v%s. "
			       "Licensed under GPLv2.\n"
			       "(C) 2006-2009 Pablo Neira Ayuso "
			       "<pablo@netfilter.org>\n", CTBOX_VERSION);
			return 1;
		default:
			log_err("Unknown option: %s", argv[i]);
			usage(prog);
			return 1;	/* 1.4.7 exits 0 here */
		}
	}
	return r ? 1 + r : 0;
}

static int load_config(const char *path, struct conf *conf)
{
	struct conf_error err;
	char buf[CONF_MSG_LEN + 400];
	unsigned int w;
	int r;

	r = conf_load(path, conf, &err);
	for (w = 0; w < err.nwarn; w++)
		log_warn("%s", err.warn[w].text);
	if (r == 0)
		return 0;
	if (err.kind == CONF_ERR_OPEN) {
		log_err("can't open config file `%s'", path);
	} else {
		conf_error_format(&err, NULL, buf, sizeof(buf));
		log_err("%s", buf);
	}
	return -1;
}

int conntrackd_main(int argc, char **argv)
{
	struct cli cli = { MODE_NONE, 0, CONF_DEFAULT_PATH };
	struct conf conf;
	int r;

	/* Messages before the daemon's own log is set up: console only. */
	log_open(NULL, -1, true);
	r = parse(argc, argv, &cli);
	if (r)
		return r - 1;
	if (load_config(cli.config, &conf) < 0)
		return 1;
	if (cli.mode == MODE_REQUEST)
		r = conntrackd_request(&conf, cli.code);
	else
		r = ctd_run(&conf, cli.mode == MODE_DAEMON);
	conf_free(&conf);
	return r;
}
