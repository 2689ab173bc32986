/* The clock of the printers: what every format (text, XML, JSON, save
 * never) stamps on a record and counts its delta-time from. */
#include <time.h>

#include "ct_print.h"

uint64_t ct_print_now(const struct ct_print_opts *po)
{
	struct timespec ts;

	if (po && po->now_ns)
		return po->now_ns;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t ct_print_delta(const struct ct *ct, const struct ct_print_opts *po)
{
	if (ct_has(ct, CT_A_TS_STOP))
		return (ct->ts_stop - ct->ts_start) / 1000000000ull;
	return ct_print_now(po) / 1000000000ull - ct->ts_start / 1000000000ull;
}
