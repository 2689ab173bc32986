/* Fuzz target: any bytes as a ctnetlink message -> ct_nl_parse() -> every
 * printer.  Built by `make fuzz` with libFuzzer; tests/unit/test_fuzz_replay.c
 * runs the same function over mutated seeds in the normal test suite. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "lib/ct_print.h"
#include "lib/out.h"
#include "netlink/ct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static _Alignas(8) char msg[65536];
	static char obuf[OUT_BUF_SIZE];
	static struct out o;
	static int fd = -2;
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct ct_print_opts po;
	struct ct ct;

	if (fd == -2)
		fd = open("/dev/null", O_WRONLY);
	if (size < sizeof(*nlh) || size > sizeof(msg))
		return 0;
	memcpy(msg, data, size);
	/* the socket layer guarantees the length field fits the datagram */
	if (nlh->nlmsg_len > size || nlh->nlmsg_len < NLMSG_HDRLEN)
		nlh->nlmsg_len = (uint32_t)size;
	if (ct_nl_parse(nlh, &ct) < 0)
		return 0;
	out_init(&o, fd, obuf, sizeof(obuf));
	memset(&po, 0, sizeof(po));
	po.flags = CT_OF_EXTENDED | CT_OF_ID | CT_OF_KTIMESTAMP;
	po.ev = CT_EV_DESTROY;
	po.portid = 42;
	ct_print_text(&o, &ct, &po);
	ct_print_xml(&o, &ct, &po);
	ct_print_json(&o, &ct, &po);
	po.save_prefix = "-D";
	if (ct_save_supported(&ct))
		ct_print_save(&o, &ct, &po);
	out_flush(&o);
	return 0;
}
