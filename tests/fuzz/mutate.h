/* The unit suite's small deterministic mutator (no libFuzzer needed) and
 * corpus reader, shared by the replays of the fuzz corpora
 * (tests/unit/test_fuzz_*.c). */
#ifndef CTBOX_FUZZ_MUTATE_H
#define CTBOX_FUZZ_MUTATE_H

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)rnd_state;
}

/* 1 to 4 random edits of m[0..n): bit flips, random, 0xff or small
 * bytes (attribute types and lengths), a cut to no less than min bytes;
 * returns the new length. */
static size_t mutate(uint8_t *m, size_t n, size_t min)
{
	size_t k = 1 + rnd() % 4, j;

	for (j = 0; j < k && n > 0; j++) {
		size_t at = rnd() % n;

		switch (rnd() % 6) {
		case 0: m[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
		case 1: m[at] = (uint8_t)rnd(); break;
		case 2: if (n > min) n = min + rnd() % (n - min + 1); break;
		case 3: m[at] = 0xff; break;
		case 4: m[at & ~(size_t)3] = (uint8_t)(rnd() % 64); break;
		case 5: m[at | 3] = (uint8_t)(rnd() % 40); break;
		}
	}
	return n;
}

/* The next file of an open corpus directory into buf (at most size
 * bytes): 1 with its length in *len, 0 at the end. */
static int corpus_next(DIR *d, uint8_t *buf, size_t size, size_t *len)
{
	struct dirent *de;

	while ((de = readdir(d))) {
		FILE *f;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
		f = fd < 0 ? NULL : fdopen(fd, "rb");
		if (!f) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		*len = fread(buf, 1, size, f);
		fclose(f);
		return 1;
	}
	return 0;
}

#endif
