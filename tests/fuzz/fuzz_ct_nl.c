/* Fuzz target: any bytes as a ctnetlink message -> ct_nl_parse() (or
 * exp_nl_parse() for an expectation message) -> every printer, with a
 * label map of 128 names of the longest length a map keeps, into
 *  - the stdout-sized stream buffer the applets use (flushed to /dev/null),
 *  - a stream buffer smaller than a record (every record goes apart),
 *  - a memory buffer of OUT_RECORD_MAX bytes, as conntrack -D keeps its
 *    pending lines: a record either fits whole or is refused whole.
 * Built by `make fuzz` with libFuzzer; tests/unit/test_fuzz_replay.c runs
 * the same function over mutated seeds in the normal test suite. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>

#include "lib/ct_print.h"
#include "lib/labelmap.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/exp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct labelmap *fuzz_labels(void)
{
	char path[] = "/tmp/ctbox-fuzz-labels.XXXXXX";
	struct labelmap *m;
	int fd = mkstemp(path), i;
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f)
		abort();
	for (i = 0; i < 128; i++)
		fprintf(f, "%d l%063d\n", i, i);
	fclose(f);
	m = labelmap_open(path);
	unlink(path);
	if (!m)
		abort();
	return m;
}

typedef void (*ct_printer)(struct out *, const struct ct *,
			   const struct ct_print_opts *);
typedef void (*exp_printer)(struct out *, const struct exp *,
			    const struct ct_print_opts *);

/* A memory buffer holds a record whole or not at all. */
static void check_memory(struct out *m, size_t before)
{
	if (m->err) {
		if (m->len != before)
			abort();
		m->err = 0;
	} else if (m->len == before || m->buf[m->len - 1] != '\n') {
		abort();
	}
	m->len = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static _Alignas(8) char msg[65536];
	static char obuf[OUT_BUF_SIZE], small[64];
	static const struct labelmap *labels;
	static char *mbuf;
	static int fd = -2;
	static const ct_printer ctp[] = {
		ct_print_text, ct_print_xml, ct_print_json, ct_print_save,
	};
	static const exp_printer expp[] = {
		exp_print_text, exp_print_xml, exp_print_json,
	};
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct ct_print_opts po;
	struct out o, s, m;
	size_t i;

	if (fd == -2) {
		fd = open("/dev/null", O_WRONLY);
		labels = fuzz_labels();
		mbuf = malloc(OUT_RECORD_MAX);	/* exact size: ASan sees overruns */
	}
	if (size < sizeof(*nlh) || size > sizeof(msg))
		return 0;
	memcpy(msg, data, size);
	/* the socket layer guarantees the length field fits the datagram */
	if (nlh->nlmsg_len > size || nlh->nlmsg_len < NLMSG_HDRLEN)
		nlh->nlmsg_len = (uint32_t)size;
	out_init(&o, fd, obuf, sizeof(obuf));
	out_init(&s, fd, small, sizeof(small));
	out_init(&m, -1, mbuf, OUT_RECORD_MAX);
	memset(&po, 0, sizeof(po));
	po.flags = CT_OF_EXTENDED | CT_OF_ID | CT_OF_KTIMESTAMP |
		   CT_OF_TIMESTAMP;
	po.ev = CT_EV_DESTROY;
	po.portid = 42;
	po.progname = "fuzz";
	po.labels = labels;
	po.save_prefix = "-D";
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_CTNETLINK_EXP) {
		struct exp e;

		if (exp_nl_parse(nlh, &e) < 0)
			return 0;
		for (i = 0; i < sizeof(expp) / sizeof(expp[0]); i++) {
			expp[i](&o, &e, &po);
			expp[i](&s, &e, &po);
			expp[i](&m, &e, &po);
			check_memory(&m, 0);
		}
	} else {
		struct ct ct;

		if (ct_nl_parse(nlh, &ct) < 0)
			return 0;
		for (i = 0; i < sizeof(ctp) / sizeof(ctp[0]); i++) {
			if (ctp[i] == ct_print_save && !ct_save_supported(&ct))
				continue;
			ctp[i](&o, &ct, &po);
			ctp[i](&s, &ct, &po);
			ctp[i](&m, &ct, &po);
			check_memory(&m, 0);
		}
	}
	if (out_flush(&o) || out_flush(&s))
		abort();
	return 0;
}
