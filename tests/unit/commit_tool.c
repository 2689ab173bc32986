/* Drives the commit engine (sync/commit.h) for the integration test and
 * the benchmark, into the namespace it runs in:
 *
 *   commit_tool wire [-w] [-T SECS] [-b BUDGET] [-c ct|expect]
 *	stdin: one received sync datagram per line, "EPOCH HEX" (tshark
 *	-T fields -e frame.time_epoch -e udp.payload).  The messages are
 *	decoded with sync/wire.h into an external cache as 1.4.7 keeps it
 *	(NEW/UPD replace, DEL removes; last update = capture time), then
 *	committed: -w TCPWindowTracking, -T CommitTimeout.
 *   commit_tool flows FILE [-b BUDGET]
 *	FILE: tests/bench/gen_flows.sh lines (-p -s -d --sport --dport
 *	--state -t -u -m); the flows as a receiver decodes them (original
 *	tuple, status, state, timeout, mark), committed.
 *
 * Prints the log lines 1.4.7 would, then "steps N max M seconds S cpu C"
 * (C: user + system seconds of the commit, the kernel's work included). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>

#include "netlink/nl.h"
#include "sync/commit.h"
#include "sync/wire.h"

struct obj {
	uint32_t lu;
	bool is_exp;
	union {
		struct ct ct;
		struct exp e;
	} u;
};

static struct obj *objs;
static size_t nobj, capobj;
static unsigned int in_step, max_step;

static struct obj *add_obj(void)
{
	if (nobj == capobj) {
		capobj = capobj ? 2 * capobj : 1024;
		objs = realloc(objs, capobj * sizeof(*objs));
		if (!objs) {
			perror("realloc");
			exit(2);
		}
	}
	memset(&objs[nobj], 0, offsetof(struct obj, u));
	return &objs[nobj++];
}

/* The cache key: original tuple and zone, or the expected tuple. */
static bool same_key(const struct obj *o, bool is_exp, const void *x)
{
	if (o->is_exp != is_exp)
		return false;
	if (is_exp)
		return !memcmp(&o->u.e.tuple, &((const struct exp *)x)->tuple,
			       sizeof(struct ct_tuple));
	return !memcmp(&o->u.ct.orig, &((const struct ct *)x)->orig,
		       sizeof(struct ct_tuple)) &&
	       o->u.ct.zone == ((const struct ct *)x)->zone;
}

static void upsert(bool is_exp, const void *x, bool del, uint32_t lu)
{
	struct obj *o = NULL;
	size_t i;

	for (i = 0; i < nobj; i++)
		if (same_key(&objs[i], is_exp, x)) {
			o = &objs[i];
			break;
		}
	if (del) {
		if (o)
			objs[i] = objs[--nobj];
		return;
	}
	if (!o)
		o = add_obj();
	o->is_exp = is_exp;
	o->lu = lu;
	if (is_exp)
		o->u.e = *(const struct exp *)x;
	else
		o->u.ct = *(const struct ct *)x;
}

static void read_wire(void)
{
	static char line[2 * WIRE_RECV_MAX + 64];
	static uint8_t dg[WIRE_RECV_MAX];

	while (fgets(line, sizeof(line), stdin)) {
		char *p = line, *hex;
		uint32_t lu = (uint32_t)strtoul(p, &hex, 10);
		size_t n = 0, off = 0;
		struct wire_msg m;
		int r;

		while (*hex == '.' || (*hex >= '0' && *hex <= '9'))
			hex++;
		while (*hex == ' ' || *hex == '\t')
			hex++;
		while (n < sizeof(dg) && sscanf(hex, "%2hhx", &dg[n]) == 1) {
			n++;
			hex += 2;
		}
		while (off < n && (r = wire_next(dg + off, n - off, &m)) > 0) {
			off += (size_t)r;
			if (wire_check_version(&m) || wire_classify(&m) != WIRE_K_DATA)
				continue;
			if (m.type <= WIRE_T_CT_DEL) {
				struct ct ct;

				if (wire_ct_parse(&m, &ct) == 0)
					upsert(false, &ct, m.type == WIRE_T_CT_DEL, lu);
			} else {
				struct exp e;

				if (wire_exp_parse(&m, &e) == 0)
					upsert(true, &e, m.type == WIRE_T_EXP_DEL, lu);
			}
		}
	}
}

/* "-I -p tcp -s A -d B --sport P --dport Q --state S -t T -u F,G -m M" */
static void read_flows(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct obj *o = add_obj();
		struct ct *ct = &o->u.ct;
		char *save = NULL, *w, *v;

		ct_init(ct);
		ct->orig.l3 = ct->family = AF_INET;
		ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4;
		ct_set(ct, CT_A_ORIG);
		ct->status = CT_S_CONFIRMED;	/* what the sender's kernel says */
		ct_set(ct, CT_A_STATUS);
		o->lu = (uint32_t)time(NULL);
		for (w = strtok_r(line, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save)) {
			if (!strcmp(w, "-I"))
				continue;
			v = strtok_r(NULL, " \n", &save);
			if (!v)
				break;
			if (!strcmp(w, "-p"))
				ct->orig.l4 = !strcmp(v, "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
			else if (!strcmp(w, "-s"))
				inet_pton(AF_INET, v, &ct->orig.src.ip[0]);
			else if (!strcmp(w, "-d"))
				inet_pton(AF_INET, v, &ct->orig.dst.ip[0]);
			else if (!strcmp(w, "--sport")) {
				ct->orig.sport = (uint16_t)atoi(v);
				ct->orig.present |= CT_T_SPORT;
			} else if (!strcmp(w, "--dport")) {
				ct->orig.dport = (uint16_t)atoi(v);
				ct->orig.present |= CT_T_DPORT;
			} else if (!strcmp(w, "--state")) {
				ct->tcp.state = 3;	/* ESTABLISHED */
				ct_set(ct, CT_A_TCP_STATE);
			} else if (!strcmp(w, "-t")) {
				ct->timeout = (uint32_t)atoi(v);
				ct_set(ct, CT_A_TIMEOUT);
			} else if (!strcmp(w, "-u")) {
				ct->status |= CT_S_SEEN_REPLY | CT_S_ASSURED;
			} else if (!strcmp(w, "-m")) {
				ct->mark = (uint32_t)atoi(v);
				ct_set(ct, CT_A_MARK);
			}
		}
	}
	fclose(f);
}

static void *src_open(void *arg, enum commit_what kind)
{
	size_t *i = calloc(1, 2 * sizeof(size_t));

	(void)arg;
	if (i)
		i[1] = kind == COMMIT_EXP;
	return i;
}

static int next_obj(size_t *cur, struct obj **o)
{
	while (cur[0] < nobj) {
		*o = &objs[cur[0]++];
		if ((*o)->is_exp == (cur[1] != 0)) {
			in_step++;
			return 1;
		}
	}
	return 0;
}

static int src_next_ct(void *cursor, struct ct *out, uint32_t *lu)
{
	struct obj *o;
	int r = next_obj(cursor, &o);

	if (r > 0) {
		*out = o->u.ct;
		*lu = o->lu;
	}
	return r;
}

static int src_next_exp(void *cursor, struct exp *out, uint32_t *lu)
{
	struct obj *o;
	int r = next_obj(cursor, &o);

	if (r > 0) {
		*out = o->u.e;
		*lu = o->lu;
	}
	return r;
}

static void src_close(void *cursor)
{
	free(cursor);
}

static void on_failed(const struct ct *ct, const struct exp *e, int err,
		      bool destroy, void *arg)
{
	(void)ct;
	(void)e;
	(void)arg;
	printf("commit-%s: %s\n", destroy ? "destroy" : "create",
	       strerror(-err));
}

static int finished;

static void on_done(const struct commit_result *r, void *arg)
{
	unsigned int it = 0;
	const char *l;
	char buf[128];

	(void)arg;
	while ((l = commit_log_line(r, &it, buf, sizeof(buf))))
		printf("%s\n", l);
	if (r->err)
		printf("error: %s\n", strerror(-r->err));
	finished = r->err ? 2 : 1;
}

/* user + system seconds: the kernel runs our requests in our sendmsg() */
static double cpu(const struct rusage *u)
{
	return (double)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) +
	       (double)(u->ru_utime.tv_usec + u->ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	struct commit_src src = { NULL, src_open, src_next_ct, src_next_exp,
				  src_close };
	struct commit_opts o = { .what = COMMIT_ALL, .failed = on_failed };
	unsigned int budget = 8192, steps = 0;
	struct timespec t0, t1;
	struct rusage u0, u1;
	struct commit *c;
	struct nl *nl;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: commit_tool wire|flows ...\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-w"))
			o.window_tracking = true;
		else if (!strcmp(argv[i], "-T") && i + 1 < argc)
			o.commit_timeout = (uint32_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			budget = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			o.what = !strcmp(argv[++i], "ct") ? COMMIT_CT : COMMIT_EXP;
		else if (!strcmp(argv[1], "flows") && i == 2)
			read_flows(argv[i]);
	}
	if (!strcmp(argv[1], "wire"))
		read_wire();
	nl = nl_open(NETLINK_NETFILTER, 0);
	if (!nl) {
		perror("netlink");
		return 2;
	}
	getrusage(RUSAGE_SELF, &u0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = commit_start(nl, &src, &o, on_done, NULL);
	if (!c) {
		perror("commit_start");
		return 2;
	}
	do {
		in_step = 0;
		steps++;
		i = commit_step(c, budget);
		if (in_step > max_step)
			max_step = in_step;
	} while (i > 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &u1);
	commit_free(c);
	nl_close(nl);
	printf("steps %u max %u seconds %.6f cpu %.6f\n", steps, max_step,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       cpu(&u1) - cpu(&u0));
	free(objs);
	return finished == 1 ? 0 : 1;
}
