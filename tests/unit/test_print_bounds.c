/* Every printer against the largest record a kernel and a label map can
 * hand it: 128 labels of 64-byte names, TCP, SCTP and DCCP protoinfo,
 * seqadj both ways, synproxy, a long security context, helper, timestamps
 * and the [USERSPACE] suffix.  The record must come out whole, through a
 * stream buffer of any size; a memory buffer too small for it must say so
 * and stay untouched.  Under `make SAN=1` an overrun is a failure. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/ct.h"
#include "lib/ct_print.h"
#include "lib/labelmap.h"
#include "lib/out.h"
#include "t.h"

#define NOW_NS (1795545780ull * 1000000000ull)
#define NLABELS 128

static char label_names[NLABELS][80];

static struct labelmap *long_labels(void)
{
	char path[] = "/tmp/ctbox-test-bounds.XXXXXX";
	struct labelmap *m;
	int fd = mkstemp(path), i;
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f)
		return NULL;
	for (i = 0; i < NLABELS; i++) {
		/* 64 bytes: the longest name the map keeps */
		snprintf(label_names[i], sizeof(label_names[i]),
			 "label-%03d-%054d", i, i);
		fprintf(f, "%d %s\n", i, label_names[i]);
	}
	fclose(f);
	m = labelmap_open(path);
	unlink(path);
	return m;
}

static void tuple(struct ct_tuple *t, const char *src, const char *dst,
		  uint16_t sp, uint16_t dp)
{
	memset(t, 0, sizeof(*t));
	t->l3 = AF_INET6;
	t->l4 = IPPROTO_TCP;
	t->present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT |
		     CT_T_ZONE;
	inet_pton(AF_INET6, src, t->src.b);
	inet_pton(AF_INET6, dst, t->dst.b);
	t->sport = sp;
	t->dport = dp;
	t->zone = 65535;
}

static void big_ct(struct ct *ct, size_t secctx_len)
{
	int i;

	ct_init(ct);
	ct->family = AF_INET6;
	tuple(&ct->orig, "2001:db8:ffff:ffff:ffff:ffff:ffff:fff1",
	      "2001:db8:ffff:ffff:ffff:ffff:ffff:fff2", 65535, 65534);
	tuple(&ct->reply, "2001:db8:ffff:ffff:ffff:ffff:ffff:fff2",
	      "2001:db8:ffff:ffff:ffff:ffff:ffff:fff1", 65534, 65535);
	for (i = 0; i < CT_A_MAX; i++)
		if (i != CT_A_MASTER && i != CT_A_SNAT && i != CT_A_DNAT)
			ct_set(ct, (enum ct_attr)i);
	ct->status = 0xffff;
	ct->timeout = ct->mark = ct->secmark = ct->use = ct->id = 4294967295u;
	ct->zone = 65535;
	ct->labels_len = 16;
	memset(ct->labels, 0xff, sizeof(ct->labels));
	ct->labels_mask_len = 16;
	for (i = 0; i < 2; i++) {
		ct->counters[i].packets = UINT64_MAX;
		ct->counters[i].bytes = UINT64_MAX;
		ct->seqadj[i].correction_pos = 4294967295u;
		ct->seqadj[i].offset_before = 4294967295u;
		ct->seqadj[i].offset_after = 4294967295u;
		ct->tcp.wscale[i] = 255;
		ct->tcp.flags[i] = 255;
		ct->sctp.vtag[i] = 4294967295u;
	}
	ct->ts_start = NOW_NS - 1;
	ct->ts_stop = NOW_NS;
	ct->tcp.state = 3;
	ct->sctp.state = 4;
	ct->dccp.state = 4;
	ct->dccp.role = 1;
	ct->dccp.hs_seq = UINT64_MAX;
	ct->synproxy.isn = ct->synproxy.its = ct->synproxy.tsoff = 4294967295u;
	strcpy(ct->helper, "helper-name-max");
	if (secctx_len >= sizeof(ct->secctx))
		secctx_len = sizeof(ct->secctx) - 1;
	memset(ct->secctx, 'c', secctx_len);
	ct->secctx[secctx_len] = '\0';
	if (secctx_len > 10)
		memcpy(ct->secctx, "system_u:", 9);
}

/* Print through a stream of cap bytes into a file; returns the text. */
static char *through(size_t cap, void (*fn)(struct out *, const struct ct *,
					    const struct ct_print_opts *),
		     const struct ct *ct, const struct ct_print_opts *po,
		     int *err)
{
	char tmpl[] = "/tmp/ctbox-test-out.XXXXXX";
	int fd = mkstemp(tmpl);
	char *buf = malloc(cap), *text;
	struct out o;
	off_t n;

	unlink(tmpl);
	out_init(&o, fd, buf, cap);
	out_puts(&o, "before\n");
	fn(&o, ct, po);
	out_puts(&o, "after\n");
	*err = out_close(&o);
	free(buf);
	n = lseek(fd, 0, SEEK_END);
	text = calloc(1, (size_t)n + 1);
	if (pread(fd, text, (size_t)n, 0) != n)
		text[0] = '\0';
	close(fd);
	return text;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

struct fmt {
	const char *name;
	void (*fn)(struct out *, const struct ct *,
		   const struct ct_print_opts *);
	unsigned int flags;
	const char *tail;	/* how the record ends */
};

static const struct fmt fmts[] = {
	{ "default", ct_print_text, CT_OF_ID | CT_OF_KTIMESTAMP,
	  " [USERSPACE] portid=4294967295 progname=" },
	{ "extended", ct_print_text, CT_OF_EXTENDED | CT_OF_ID |
	  CT_OF_TIMESTAMP | CT_OF_KTIMESTAMP, " [USERSPACE] portid=4294967295 progname=" },
	{ "xml", ct_print_xml, CT_OF_XML | CT_OF_KTIMESTAMP | CT_OF_TIMESTAMP,
	  "</flow> [USERSPACE] portid=4294967295 progname=" },
	{ "save", ct_print_save, CT_OF_SAVE,
	  "--reply-vtag 4294967295 [USERSPACE] portid=4294967295 progname=" },
	{ "json", ct_print_json, CT_OF_JSON | CT_OF_TIMESTAMP,
	  ",\"portid\":4294967295,\"progname\":\"" },
};

static void test_whole(const struct labelmap *m, size_t secctx_len,
		       size_t cap)
{
	static char progname[600];
	struct ct_print_opts po;
	struct ct ct;
	size_t i;

	memset(progname, 'p', sizeof(progname) - 1);
	big_ct(&ct, secctx_len);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		const struct fmt *f = &fmts[i];
		char *text, want[1024];
		size_t tl, wl;
		int err, labels;

		memset(&po, 0, sizeof(po));
		po.flags = f->flags;
		po.ev = CT_EV_UPDATE;
		po.labels = m;
		po.portid = 4294967295u;
		po.progname = progname;
		po.save_prefix = "-U";
		po.now_ns = NOW_NS;
		if (f->fn == ct_print_save)
			ct.orig.l4 = ct.reply.l4 = IPPROTO_SCTP;
		else
			ct.orig.l4 = ct.reply.l4 = IPPROTO_TCP;
		text = through(cap, f->fn, &ct, &po, &err);
		snprintf(want, sizeof(want), "%s%s%s", f->tail, progname,
			 f->fn == ct_print_json ? "\"}\nafter\n" : "\nafter\n");
		tl = strlen(text);
		wl = strlen(want);
		labels = count(text, "label-");
		CHECK(err == 0 && !strncmp(text, "before\n", 7) && tl > wl &&
		      !strcmp(text + tl - wl, want) && count(text, "\n") == 3,
		      "%s, buffer %zu, secctx %zu: record whole (%zu bytes)",
		      f->name, cap, secctx_len, tl);
		if (f->fn != ct_print_save)
			CHECK(labels == NLABELS && strstr(text, label_names[NLABELS - 1]),
			      "%s, buffer %zu: all %d label names (%d)", f->name,
			      cap, NLABELS, labels);
		if (f->fn != ct_print_save && secctx_len > 10)
			CHECK(count(text, "system_u:cccc") == 1 &&
			      strstr(text, ct.secctx),
			      "%s, buffer %zu: secctx of %zu bytes whole",
			      f->name, cap, secctx_len);
		free(text);
	}
}

/* A memory buffer (no file to flush to) too small for the record: the
 * record is refused as a whole and the error kept. */
static void test_memory_full(const struct labelmap *m)
{
	struct ct_print_opts po = { .flags = CT_OF_JSON, .labels = m,
				    .now_ns = NOW_NS };
	static char buf[OUT_RECORD_MAX];
	struct out o;
	struct ct ct;

	big_ct(&ct, 100);
	out_init(&o, -1, buf, sizeof(buf));
	out_puts(&o, "kept");
	ct_print_json(&o, &ct, &po);
	CHECK(o.len == 4 && !memcmp(buf, "kept", 4) && o.err == -EMSGSIZE,
	      "memory buffer too small: nothing written, -EMSGSIZE kept (len %zu, err %d)",
	      o.len, o.err);
	o.err = 0;
	o.len = 0;
	big_ct(&ct, 0);
	ct_unset(&ct, CT_A_LABELS);
	ct_print_json(&o, &ct, &po);
	CHECK(o.err == 0 && o.len > 100 && buf[o.len - 1] == '\n',
	      "memory buffer: a record that fits is written (%zu bytes)", o.len);
}

static void test_exp(size_t cap)
{
	static char helper_long[CT_HELPER_MAX];
	struct ct_print_opts po = { .now_ns = NOW_NS, .ev = CT_EV_NEW,
				    .flags = CT_OF_TIMESTAMP };
	struct exp e;
	char tmpl[] = "/tmp/ctbox-test-exp.XXXXXX";
	int fd = mkstemp(tmpl), i;
	char *buf = malloc(cap);
	static char text[65536];
	struct out o;
	ssize_t n;

	unlink(tmpl);
	memset(&e, 0, sizeof(e));
	memset(helper_long, 'h', sizeof(helper_long) - 1);
	e.present = ~0ull;
	e.family = AF_INET6;
	tuple(&e.tuple, "2001:db8::1", "2001:db8::2", 1, 2);
	tuple(&e.mask, "ffff::ffff", "ffff::ffff", 65535, 65535);
	tuple(&e.master, "2001:db8::1", "2001:db8::2", 3, 4);
	tuple(&e.nat_tuple, "2001:db8::1", "2001:db8::2", 5, 6);
	e.timeout = e.id = e.class = e.nat_dir = 4294967295u;
	e.flags = 7;
	e.zone = 65535;
	memcpy(e.helper, helper_long, sizeof(e.helper));
	memcpy(e.fn, helper_long, sizeof(e.fn));
	out_init(&o, fd, buf, cap);
	for (i = 0; i < 3; i++) {
		exp_print_text(&o, &e, &po);
		exp_print_xml(&o, &e, &po);
		exp_print_json(&o, &e, &po);
	}
	CHECK(out_close(&o) == 0, "exp, buffer %zu: written", cap);
	n = pread(fd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	if (getenv("T_DEBUG"))
		fputs(text, stdout);
	CHECK(count(text, "\n") == 9 && count(text, helper_long) == 12 &&
	      count(text, "</flow>\n") == 3 && count(text, "}}\n") == 3,
	      "exp, buffer %zu: 9 records whole (%zd bytes)", cap, n);
	free(buf);
	close(fd);
}

int main(void)
{
	struct labelmap *m = long_labels();
	static const size_t caps[] = { OUT_BUF_SIZE, OUT_RECORD_MAX, 1024, 64 };
	size_t i;

	CHECK(m != NULL, "label map of %d names of 64 bytes", NLABELS);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		test_whole(m, 0, caps[i]);
	test_whole(m, CT_SECCTX_MAX - 1, OUT_BUF_SIZE);
	test_whole(m, CT_SECCTX_MAX - 1, 512);
	test_memory_full(m);
	test_exp(OUT_BUF_SIZE);
	test_exp(128);
	labelmap_free(m);
	T_DONE();
}
