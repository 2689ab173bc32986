/* Fuzz target: any bytes as one received sync datagram, walked as the
 * receiver walks it (framing, version, kind, ct/exp decode).  What decodes
 * must encode again, and that encoding must decode to the same bytes once
 * more (a fixed point), or the target traps.  Built by `make fuzz`; the
 * corpus is tests/fuzz/corpus/wire/ (seeded from the 1.4.7 captures), and
 * tests/unit/test_fuzz_replay.c replays it in the normal test suite. */
#include <stdint.h>
#include <string.h>

#include "lib/ct.h"
#include "sync/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
	if (!cond)
		__builtin_trap();
}

static void fixed_point(const uint8_t *a, int n, uint8_t type, uint8_t flags,
			uint32_t seq, const struct wire_opts *o)
{
	static uint8_t b[WIRE_MSG_MAX];
	struct wire_msg m;
	struct ct ct;
	struct exp e;
	int n2;

	must(n > 0 && n % 4 == 0);
	must(wire_next(a, (size_t)n, &m) == n);
	must(wire_check_version(&m) == 0 && wire_classify(&m) == WIRE_K_DATA);
	if (type <= WIRE_T_CT_DEL) {
		must(wire_ct_parse(&m, &ct) == 0);
		n2 = wire_ct_build(b, sizeof(b), type, flags, seq, &ct, o);
	} else {
		must(wire_exp_parse(&m, &e) == 0);
		n2 = wire_exp_build(b, sizeof(b), type, flags, seq, &e, o);
	}
	must(n2 == n && memcmp(a, b, (size_t)n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[WIRE_MSG_MAX];
	size_t off = 0;

	if (size > WIRE_RECV_MAX)
		return 0;
	while (off < size) {
		struct wire_opts o = { 0 };
		struct wire_msg m;
		struct ct ct;
		struct exp e;
		int n = wire_next(data + off, size - off, &m), r;

		if (n < 0) {
			must(wire_err_counter(n) != NULL);
			break;
		}
		must(n >= WIRE_HDR_LEN && (size_t)n <= size - off);
		off += (size_t)n;
		if (wire_check_version(&m))
			continue;
		if (wire_classify(&m) == WIRE_K_CTL) {
			(void)wire_ctl_range_ok(&m);
			continue;
		}
		if (m.type <= WIRE_T_CT_DEL) {
			r = wire_ct_parse(&m, &ct);
			if (r < 0) {
				must(r == WIRE_E_PAYLOAD);
				continue;
			}
			o.window_tracking = ct_has(&ct, CT_A_TCP_WSCALE_ORIG);
			r = wire_ct_build(out, sizeof(out), m.type, m.flags,
					  m.seq, &ct, &o);
		} else if (m.type <= WIRE_T_EXP_DEL) {
			r = wire_exp_parse(&m, &e);
			if (r < 0) {
				must(r == WIRE_E_PAYLOAD);
				continue;
			}
			r = wire_exp_build(out, sizeof(out), m.type, m.flags,
					   m.seq, &e, &o);
		} else {
			must(wire_ct_parse(&m, &ct) == WIRE_E_TYPE);
			continue;
		}
		/* a name without its NUL decodes to one character more than
		 * fits with it: 1.4.7 too sends what its peers refuse */
		if (wire_classify(&m) == WIRE_K_DATA &&
		    (m.type <= WIRE_T_CT_DEL ? strlen(ct.helper) <= 11 :
		     strlen(e.helper) <= 11 && strlen(e.fn) <= 27))
			fixed_point(out, r, m.type, m.flags, m.seq, &o);
	}
	return 0;
}
