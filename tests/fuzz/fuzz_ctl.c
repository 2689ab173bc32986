/* Fuzz target: control requests on the UNIX socket, as the daemon answers
 * them (ctl_handle(): the mode's handler, then the shared ones), in stats
 * mode and in each sync mode with flows in both caches.  An input is the
 * configuration byte of sim.c, then what clients send: one native int per
 * request; a commit, which would reach the kernel, is skipped.  Built by
 * `make fuzz`; corpus tests/fuzz/corpus/ctl/, replayed by
 * tests/unit/test_fuzz_sync.c. */
#include "tests/fuzz/sim.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024)
		return 0;
	sim_run(data, size, true);
	return 0;
}
