/* Fuzz target: the sync core and its three modes (NOTRACK, ALARM, FT-FW)
 * as the daemon runs them, minus the kernel and the sockets: an input is a
 * program for the simulated daemon of sim.c (datagrams from the peer and
 * from elsewhere, well-formed peer messages with gaps and old sequence
 * numbers, ACK/NACK/RESYNC/ALIVE/HELLO about what we sent, local flow
 * events, a full channel, time going by, control requests, resyncs and
 * flushes).  Checked: no fault (ASan/UBSan), no leak once the daemon
 * stopped, and sim_check()'s bounds after every step.  Built by
 * `make fuzz`; corpus tests/fuzz/corpus/sync/, replayed by
 * tests/unit/test_fuzz_sync.c. */
#include "tests/fuzz/sim.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	sim_run(data, size, false);
	return 0;
}
