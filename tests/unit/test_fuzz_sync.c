/* The fuzz targets of the configuration parser, the control requests and
 * the sync core's modes (tests/fuzz/fuzz_{conf,ctl,sync}.c) in the normal
 * test suite: first checks that the simulated daemon of tests/fuzz/sim.c
 * really runs the modes (a target that reaches nothing finds nothing),
 * then the regressions the fuzzers found, then every input of the three
 * corpora and mutations of each.  Under `make SAN=1 check` an overflow,
 * UB or leak is a failure. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "../fuzz/mutate.h"

#define LLVMFuzzerTestOneInput fuzz_conf_one
#include "../fuzz/fuzz_conf.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_ctl_one
#include "../fuzz/fuzz_ctl.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_sync_one
#include "../fuzz/fuzz_sync.c"
#undef LLVMFuzzerTestOneInput

typedef int (*target_fn)(const uint8_t *data, size_t size);

/* Each file of tests/fuzz/corpus/NAME through fn, and muts mutations of
 * each (the first min bytes kept: the configuration byte); the number of
 * files, *runs the number of inputs. */
static int replay(const char *name, target_fn fn, int muts, size_t min,
		  int *runs)
{
	static uint8_t buf[65536], m[65536];
	const char *top = getenv("TOP");
	char dir[512];
	int files = 0, i;
	size_t n;
	DIR *d;

	*runs = 0;
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".",
		 name);
	d = opendir(dir);
	if (!d)
		return -1;
	while (corpus_next(d, buf, sizeof(buf), &n)) {
		fn(buf, n);
		for (i = 0; i < muts && n > min; i++) {
			memcpy(m, buf, n);
			fn(m, mutate(m, n, min));
		}
		*runs += 1 + (n > min ? muts : 0);
		files++;
	}
	closedir(d);
	return files;
}

/* The simulated daemon reaches what it is meant to fuzz. */
static void sim_reaches(void)
{
	static const uint8_t junk[] = { 2, 0, 0, 0, 0xde, 0xad };
	struct sync_counters *cnt;
	unsigned long keys;
	unsigned int i;

	/* FT-FW, default sizes: three flows of the peer, in sequence */
	sim_start(0);
	cnt = sync_counters();
	for (i = 0; i < 3; i++)
		sim_crafted(0, 0, 0, (uint8_t)i);
	CHECK_EQ(scache_count(sc.cache[SC_EXT_CT]), 3,
		 "sim: the peer's three flows are in the external cache");
	/* an UPD is stored in one lookup (two before: find, then update) */
	keys = scache_keys_read(sc.cache[SC_EXT_CT]);
	for (i = 0; i < 10; i++)
		sim_crafted(4, 0, 0, 1);
	keys = scache_keys_read(sc.cache[SC_EXT_CT]) - keys;
	CHECK(keys < 20 && scache_count(sc.cache[SC_EXT_CT]) == 3,
	      "sim: 10 UPDs of a known flow decode %lu keys (< 20), update it",
	      keys);
	sim_deliver(junk, sizeof(junk), true);
	CHECK(cnt->rcv_malformed >= 1,
	      "sim: a garbage datagram of the peer is counted malformed");
	sim_deliver(junk, sizeof(junk), false);
	CHECK_EQ(cnt->rcv_nonpeer, 1,
		 "sim: a datagram from elsewhere is counted, not walked");
	sim_sent_msgs = 0;
	for (i = 0; i < 4; i++)
		sim_local(i, CT_EV_NEW, 1);
	sim_turn(1);
	CHECK(sim_sent_msgs >= 4 && sim_sent_len > 0,
	      "sim: local flows go out on the channel (%llu messages)",
	      (unsigned long long)sim_sent_msgs);
	{
		unsigned int cur, max;
		uint64_t enospc;

		mode_ftfw_rsqueue_stats(&cur, &max, &enospc);
		CHECK(cur >= 4, "sim: FT-FW holds them for the peer's ACK (%u)",
		      cur);
		/* the peer ACKs all we sent */
		sim_crafted(1, 0, 0, 0x3f);
		mode_ftfw_rsqueue_stats(&cur, &max, &enospc);
		CHECK(cur < 4, "sim: the peer's ACK releases them (%u left)",
		      cur);
	}
	/* a spoofed message far ahead in sequence: what follows in order
	 * is "before" it and dropped (1.4.7 does the same; README) */
	{
		uint64_t before = cnt->rcv_before;
		unsigned int n = scache_count(sc.cache[SC_EXT_CT]);
		uint32_t real = sim_peer_seq;

		sim_peer_seq += 1u << 30;
		sim_crafted(0, 0, 0, 20);
		sim_peer_seq = real;
		sim_crafted(0, 0, 0, 21);
		CHECK(cnt->rcv_before == before + 1 &&
		      scache_count(sc.cache[SC_EXT_CT]) == n + 1,
		      "sim: after a spoofed far sequence number the peer's next "
		      "message is dropped as before");
	}
	sim_stop();

	/* ALARM, short CacheTimeout: the peer's flow expires */
	sim_start(5);
	sim_crafted(0, 0, 0, 9);
	CHECK_EQ(scache_count(sc.cache[SC_EXT_CT]), 1,
		 "sim: ALARM takes the peer's flow");
	for (i = 0; i < 10; i++)
		sim_turn(1000);
	CHECK_EQ(scache_count(sc.cache[SC_EXT_CT]), 0,
		 "sim: ALARM's external entry expires on the fake clock");
	sim_stop();

	/* stats mode: a control request is answered */
	sim_start(SIM_NCONF);
	sim_local(1, CT_EV_NEW, 0);
	CHECK_EQ(cache_count(ctd.cache), 1, "sim: stats mode caches a flow");
	sim_request(CTL_CT_FLUSH_CACHE);
	CHECK_EQ(cache_count(ctd.cache), 0, "sim: -f in stats mode flushes");
	sim_request(CTL_KILL);
	CHECK(ctd.quit, "sim: -k asks the loop to stop");
	sim_stop();
}

/* Nesting is bounded: a file of blocks in blocks is an error, not a
 * stack overflow. */
static void conf_deep(void)
{
	static const char *const open_[] = {
		"General { ", "Helper { Type ftp inet tcp { ", "Sync { Mode FTFW { ",
	};
	static const char *const step[] = {
		"General { ", "Type ftp inet tcp { ", "{ ",
	};
	static char buf[1 << 20];
	struct conf_error err;
	unsigned int i;
	struct conf c;

	for (i = 0; i < 3; i++) {
		size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", open_[i]);
		size_t k = strlen(step[i]);

		while (n + k < sizeof(buf)) {
			memcpy(buf + n, step[i], k);
			n += k;
		}
		CHECK(conf_load_buf(buf, n, &c, &err) < 0 && err.count > 0,
		      "conf: %zu bytes of nested '%s' refused (%s)", n, step[i],
		      err.text);
	}
}

int main(void)
{
	static const struct {
		const char *name;
		target_fn fn;
		int muts;
		size_t min;
		int want;
	} c[] = {
		{ "conf", fuzz_conf_one, 20, 0, 80 },
		{ "ctl", fuzz_ctl_one, 10, 1, 20 },
		{ "sync", fuzz_sync_one, 10, 1, 50 },
	};
	unsigned int i;

	sim_reaches();
	conf_deep();
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int runs, files = replay(c[i].name, c[i].fn, c[i].muts,
					 c[i].min, &runs);

		CHECK(files >= c[i].want,
		      "%s: %d corpus files and %d inputs in all replayed",
		      c[i].name, files, runs);
	}
	T_DONE();
}
