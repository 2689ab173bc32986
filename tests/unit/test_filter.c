/* lib/ct_filter.c: the 1.4.7 userspace filter quirks. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/ct_filter.h"
#include "t.h"

static void entry(struct ct *ct, uint32_t src, uint32_t dst, uint16_t sp,
		  uint16_t dp)
{
	ct_init(ct);
	ct->family = AF_INET;
	ct->orig.l3 = ct->reply.l3 = AF_INET;
	ct->orig.l4 = ct->reply.l4 = IPPROTO_TCP;
	ct->orig.present = ct->reply.present = CT_T_SRC | CT_T_DST | CT_T_L4 |
					       CT_T_SPORT | CT_T_DPORT;
	ct->orig.src.ip[0] = htonl(src);
	ct->orig.dst.ip[0] = htonl(dst);
	ct->reply.src.ip[0] = htonl(dst);
	ct->reply.dst.ip[0] = htonl(src);
	ct->orig.sport = sp;
	ct->orig.dport = dp;
	ct->reply.sport = dp;
	ct->reply.dport = sp;
	ct->status = CT_S_SEEN_REPLY | CT_S_ASSURED;
	ct->mark = 5;
	ct_set(ct, CT_A_STATUS);
	ct_set(ct, CT_A_MARK);
}

int main(void)
{
	struct ct_filter f;
	struct ct_kfilter kf;
	struct ct e;

	entry(&e, 0x0a000001, 0x0a000002, 1, 2);
	ct_filter_init(&f);
	CHECK(ct_filter_match(&f, &e), "empty filter matches");

	f.cmp = true;
	f.tmpl.zone = 0;
	ct_set(&f.tmpl, CT_A_ZONE);
	CHECK(ct_filter_match(&f, &e), "-w 0 matches an unzoned entry");
	f.tmpl.zone = 3;
	CHECK(!ct_filter_match(&f, &e), "-w 3 does not");
	e.zone = 3;
	ct_set(&e, CT_A_ZONE);
	CHECK(ct_filter_match(&f, &e), "-w 3 matches zone 3");

	ct_filter_init(&f);
	f.cmp = true;
	f.tmpl.status = CT_S_ASSURED;
	ct_set(&f.tmpl, CT_A_STATUS);
	CHECK(ct_filter_match(&f, &e), "status: template bits set");
	f.tmpl.status = CT_S_EXPECTED;
	CHECK(!ct_filter_match(&f, &e), "status: a bit missing");
	f.tmpl.status = 0;
	CHECK(ct_filter_match(&f, &e), "status UNSET matches all");

	ct_filter_init(&f);
	f.mark = true;
	f.mark_val = 4;
	f.mark_mask = 0x4;
	CHECK(ct_filter_match(&f, &e), "mark 4/4 on 5");
	f.mark_val = 1;
	f.mark_mask = 0xff;
	CHECK(!ct_filter_match(&f, &e), "mark 1/0xff on 5");

	ct_filter_init(&f);
	f.src_mask = true;
	f.mask_l3 = AF_INET;
	f.tmpl.orig.src.ip[0] = htonl(0x0a000000);
	f.src_mask_addr.ip[0] = htonl(0xffffff00);
	CHECK(ct_filter_match(&f, &e), "10.0.0.0/24");
	f.tmpl.orig.src.ip[0] = htonl(0x0a000100);
	CHECK(!ct_filter_match(&f, &e), "10.0.1.0/24");
	f.src_mask_addr.ip[0] = 0;
	CHECK(ct_filter_match(&f, &e), "/0 matches every IPv4 entry");

	ct_filter_init(&f);
	f.cmp = true;
	f.tmpl.orig.present = CT_T_L4 | CT_T_SPORT;
	f.tmpl.orig.l4 = IPPROTO_TCP;
	f.tmpl.orig.sport = 1;
	CHECK(ct_filter_match(&f, &e), "--sport 1");
	f.tmpl.orig.sport = 9;
	CHECK(!ct_filter_match(&f, &e), "--sport 9");
	f.tmpl.orig.l4 = IPPROTO_GRE;
	e.orig.l4 = e.reply.l4 = IPPROTO_GRE;
	CHECK(ct_filter_match(&f, &e), "GRE keys are never compared");

	entry(&e, 0x0a000001, 0x0a000002, 1, 2);
	ct_filter_init(&f);
	f.snat.on = true;
	CHECK(!ct_filter_match(&f, &e), "-n: not NATed");
	e.reply.dst.ip[0] = htonl(0x0a000009);
	e.status |= CT_S_SRC_NAT_DONE;
	CHECK(ct_filter_match(&f, &e), "-n: SNATed");
	f.snat.has_addr = true;
	f.snat.l3 = AF_INET;
	f.snat.addr.ip[0] = htonl(0x0a000008);
	CHECK(!ct_filter_match(&f, &e), "-n other address");
	f.snat.l3 = AF_INET6;
	CHECK(ct_filter_match(&f, &e), "-n IPv6 address is not compared");

	ct_filter_init(&f);
	f.labels = true;
	f.label_bits[0] = 2;
	CHECK(!ct_filter_match(&f, &e), "-l: entry without labels");
	e.labels[0] = 3;
	e.labels_len = 16;
	ct_set(&e, CT_A_LABELS);
	CHECK(ct_filter_match(&f, &e), "-l: bit set");
	f.label_bits[1] = 1;
	CHECK(!ct_filter_match(&f, &e), "-l: every bit needed");

	ct_filter_init(&f);
	f.family = AF_INET6;
	CHECK(!ct_filter_match(&f, &e), "family");

	ct_filter_init(&f);
	f.family = AF_INET;
	f.cmp = true;
	f.mark = true;
	f.mark_val = 5;
	f.mark_mask = ~0u;
	f.status = true;
	f.status_val = f.status_mask = CT_S_ASSURED;
	f.tmpl.zone = 0;
	ct_set(&f.tmpl, CT_A_ZONE);
	f.tmpl.orig.present = CT_T_SRC;
	f.tmpl.orig.src.ip[0] = htonl(0x0a000001);
	ct_filter_kernel(&f, &kf, false);
	CHECK(kf.family == AF_INET && kf.mark && kf.mark_val == 5,
	      "kernel: family and mark");
	CHECK(!kf.status, "kernel: status only on -L");
	CHECK(!kf.zone, "kernel: no zone filter for -w 0");
	CHECK(kf.orig.present == CT_T_SRC, "kernel: exact source address");
	ct_filter_kernel(&f, &kf, true);
	CHECK(kf.status && kf.status_mask == CT_S_ASSURED, "kernel: status");
	T_DONE();
}
