/* Address formatting as glibc's inet_ntoa/inet_ntop print it (musl's
 * inet_ntop compresses and embeds IPv4 differently). */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "out.h"

/* "0".."255" with their lengths, built once: four table copies are
 * cheaper than sixteen divisions per IPv4 tuple pair. */
static char octets[256][4];
static uint8_t octet_len[256];

static void octets_init(void)
{
	unsigned int v;

	for (v = 0; v < 256; v++) {
		char t[4];
		size_t n = 0;

		if (v >= 100)
			t[n++] = (char)('0' + v / 100);
		if (v >= 10)
			t[n++] = (char)('0' + v / 10 % 10);
		t[n++] = (char)('0' + v % 10);
		memcpy(octets[v], t, n);
		octet_len[v] = (uint8_t)n;
	}
}

static inline size_t octet(char *buf, unsigned int v)
{
	memcpy(buf, octets[v], 4);	/* buffers have room for a full address */
	return octet_len[v];
}

size_t addr_fmt_v4(char *buf, const void *a)
{
	const uint8_t *b = a;
	size_t n;

	if (!octet_len[0])
		octets_init();
	n = octet(buf, b[0]);
	buf[n++] = '.';
	n += octet(buf + n, b[1]);
	buf[n++] = '.';
	n += octet(buf + n, b[2]);
	buf[n++] = '.';
	n += octet(buf + n, b[3]);
	buf[n] = '\0';
	return n;
}

static size_t hex16(char *buf, unsigned int v)
{
	static const char d[] = "0123456789abcdef";
	size_t n = 0;
	int sh, started = 0;

	for (sh = 12; sh >= 0; sh -= 4) {
		unsigned int x = (v >> sh) & 15;

		if (x || started || sh == 0) {
			buf[n++] = d[x];
			started = 1;
		}
	}
	return n;
}

/* The BIND rules glibc uses: the longest run (first on ties) of two or
 * more zero words becomes "::"; ::a.b.c.d, ::ffff:a.b.c.d keep IPv4. */
size_t addr_fmt_v6(char *buf, const void *a)
{
	const uint8_t *b = a;
	unsigned int w[8];
	int i, best = -1, best_len = 0, cur = -1, cur_len = 0;
	size_t n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned int)(b[2 * i] << 8 | b[2 * i + 1]);
	for (i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 1;
			} else {
				cur_len++;
			}
			if (cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				buf[n++] = ':';
			continue;
		}
		if (i)
			buf[n++] = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 7 && w[7] != 1) ||
		     (best_len == 5 && w[5] == 0xffff))) {
			n += addr_fmt_v4(buf + n, b + 12);
			return n;
		}
		n += hex16(buf + n, w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		buf[n++] = ':';
	buf[n] = '\0';
	return n;
}

size_t addr_fmt(char *buf, uint8_t l3, const union ct_addr *a)
{
	if (l3 == AF_INET6)
		return addr_fmt_v6(buf, a->b);
	return addr_fmt_v4(buf, a->b);
}
