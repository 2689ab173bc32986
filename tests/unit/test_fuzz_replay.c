/* A small deterministic fuzzer for the test suite (no libFuzzer needed):
 * valid ctnetlink messages are built, then mutated (bit flips, byte sets,
 * truncations, length fields), and each one goes through the fuzz target;
 * then every input of the libFuzzer corpora (tests/fuzz/corpus/TARGET,
 * kept by `make fuzz` runs) is replayed, the sync wire corpus (seeded from
 * the 1.4.7 captures) with mutations of every file.  Under
 * `make SAN=1 check` any overflow or UB is a failure. */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nfnetlink_conntrack.h>

#include "lib/ct.h"
#include "netlink/ct.h"
#include "netlink/exp.h"
#include "t.h"
#include "../fuzz/mutate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#include "../fuzz/fuzz_ct_nl.c"

/* the wire target under its own name: both define the libFuzzer entry */
#define LLVMFuzzerTestOneInput fuzz_wire_one
#include "../fuzz/fuzz_wire.c"
#undef LLVMFuzzerTestOneInput

static size_t seed(int kind, uint8_t *buf, size_t size)
{
	struct ct ct;
	struct nlmsghdr *nlh;

	ct_init(&ct);
	ct.orig.l3 = ct.reply.l3 = kind & 1 ? AF_INET6 : AF_INET;
	ct.orig.l4 = ct.reply.l4 = (uint8_t[]){ 6, 17, 1, 58, 132, 47, 33, 136, 2 }[kind % 9];
	ct.orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT |
			  CT_T_ICMP_TYPE | CT_T_ICMP_CODE | CT_T_ICMP_ID | CT_T_ZONE;
	memset(ct.orig.src.b, 0x0a, 16);
	memset(ct.orig.dst.b, 0x0b, 16);
	ct.orig.sport = 1000;
	ct.orig.dport = 80;
	ct.orig.icmp_type = 8;
	ct_set(&ct, CT_A_ORIG);
	ct_tuple_invert(&ct.reply, &ct.orig);
	ct_set(&ct, CT_A_REPLY);
	ct.status = CT_S_ASSURED | CT_S_SEEN_REPLY;
	ct.present |= CT_BIT(CT_A_STATUS) | CT_BIT(CT_A_TIMEOUT) | CT_BIT(CT_A_MARK) |
		      CT_BIT(CT_A_USE) | CT_BIT(CT_A_ID) | CT_BIT(CT_A_ZONE) |
		      CT_BIT(CT_A_TCP_STATE) | CT_BIT(CT_A_SCTP_STATE) |
		      CT_BIT(CT_A_DCCP_STATE) | CT_BIT(CT_A_HELPER) |
		      CT_BIT(CT_A_LABELS) | CT_BIT(CT_A_SEQADJ_ORIG) |
		      CT_BIT(CT_A_SEQADJ_REPLY) | CT_BIT(CT_A_SYNPROXY) |
		      CT_BIT(CT_A_COUNTERS_ORIG) | CT_BIT(CT_A_COUNTERS_REPLY);
	/* every label bit: the map of the target names all of them */
	ct.labels_len = 16;
	memset(ct.labels, 0xff, sizeof(ct.labels));
	strcpy(ct.helper, "ftp");
	nlh = ct_nl_build(buf, size, IPCTNL_MSG_CT_NEW, 0, ct.orig.l3, &ct, 0);
	return nlh ? nlh->nlmsg_len : 0;
}

/* Mutate a copy of one corpus input n times through the wire target. */
static int mutate_wire(const uint8_t *in, size_t len, int n)
{
	static uint8_t m[WIRE_RECV_MAX];
	int i, runs = 0;

	for (i = 0; i < n && len > 0; i++) {
		memcpy(m, in, len);
		fuzz_wire_one(m, mutate(m, len, 1));
		runs++;
	}
	return runs;
}

static void replay_wire_corpus(void)
{
	static uint8_t buf[WIRE_RECV_MAX];
	const char *top = getenv("TOP");
	char dir[512], path[1024];
	int files = 0, runs = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/wire",
		 top ? top : ".");
	d = opendir(dir);
	CHECK(d != NULL, "wire corpus at %s", dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		fuzz_wire_one(buf, n);
		runs += 1 + mutate_wire(buf, n, 200);
		files++;
	}
	closedir(d);
	CHECK(files >= 85, "%d wire corpus files replayed", files);
	CHECK(runs > files * 100,
	      "%d wire datagrams (corpus and mutations) decoded without a fault",
	      runs);
}

static size_t seed_exp(int kind, uint8_t *buf, size_t size)
{
	struct nlmsghdr *nlh;
	struct exp e;

	memset(&e, 0, sizeof(e));
	e.family = kind & 1 ? AF_INET6 : AF_INET;
	e.tuple.l3 = e.mask.l3 = e.master.l3 = e.family;
	e.tuple.l4 = e.mask.l4 = e.master.l4 = IPPROTO_TCP;
	e.tuple.present = e.mask.present = e.master.present =
		CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT | CT_T_DPORT;
	memset(e.tuple.src.b, 0x0a, 16);
	memset(e.mask.src.b, 0xff, 16);
	e.tuple.dport = 21;
	e.present = CT_BIT(EXP_A_MASTER) | CT_BIT(EXP_A_TUPLE) |
		    CT_BIT(EXP_A_MASK) | CT_BIT(EXP_A_TIMEOUT) |
		    CT_BIT(EXP_A_HELPER) | CT_BIT(EXP_A_ZONE) |
		    CT_BIT(EXP_A_FLAGS) | CT_BIT(EXP_A_CLASS);
	e.timeout = 300;
	e.flags = 5;
	strcpy(e.helper, "ftp");
	nlh = exp_nl_build(buf, size, IPCTNL_MSG_EXP_NEW, 0, e.family, &e);
	return nlh ? nlh->nlmsg_len : 0;
}

/* Every file of the corpus through the target; the number replayed. */
static int replay_corpus(const char *dir)
{
	static uint8_t buf[65536];
	DIR *d = opendir(dir);
	size_t len;
	int n = 0;

	if (!d)
		return -1;
	while (corpus_next(d, buf, sizeof(buf), &len)) {
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	return n;
}

int main(void)
{
	const char *top = getenv("TOP");
	char dir[4096];
	static _Alignas(8) uint8_t base[4096], m[4096];
	int kind, i, runs = 0;

	for (kind = 0; kind < 20; kind++) {
		size_t len = kind < 18 ? seed(kind, base, sizeof(base)) :
			     seed_exp(kind, base, sizeof(base));

		CHECK(len > 0, "seed %d builds", kind);
		LLVMFuzzerTestOneInput(base, len);
		for (i = 0; i < 3000; i++) {
			size_t n;

			memcpy(m, base, len);
			n = mutate(m, len, 16);
			LLVMFuzzerTestOneInput(m, n);
			runs++;
		}
	}
	CHECK(runs == 20 * 3000, "%d mutated messages parsed and printed without a crash", runs);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/ct_nl", top ? top : ".");
	runs = replay_corpus(dir);
	CHECK(runs > 100, "%d inputs of the fuzz corpus replayed without a crash", runs);
	replay_wire_corpus();
	T_DONE();
}
