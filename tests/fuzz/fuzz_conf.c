/* Fuzz target: any bytes as conntrackd.conf (conf_load_buf(), what
 * conf_load() runs on the file's contents).  A configuration that loads
 * must be freed whole, one that fails must leave nothing allocated and
 * say why.  Built by `make fuzz`; corpus tests/fuzz/corpus/conf/ (seeded
 * from config/examples and the test suite's configurations), replayed
 * by tests/unit/test_fuzz_sync.c. */
#include <stdint.h>
#include <string.h>

#include "config/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_error err;
	struct conf c;

	if (size > 65536)
		return 0;
	if (conf_load_buf((const char *)data, size, &c, &err) == 0) {
		if (err.count != 0)
			__builtin_trap();
		conf_free(&c);
	} else if (err.count == 0 || !err.text[0]) {
		__builtin_trap();
	}
	return 0;
}
