/* Our own address parsers: musl's inet_aton() refuses the short forms
 * ("10.1") that glibc accepts, so neither libc is used. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr_parse.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	       c == '\f' || c == '\r';
}

/* strtoul(s, &end, 0) restricted to what can follow a digit: returns
 * false on overflow beyond 32 bits. */
static bool part_num(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	unsigned int base = 10;
	uint64_t n = 0;
	int d;

	if (s[0] == '0') {
		base = 8;
		if ((s[1] == 'x' || s[1] == 'X') && hex_val(s[2]) >= 0) {
			base = 16;
			s += 2;
		}
	}
	for (;;) {
		d = hex_val(*s);
		if (d < 0 || (unsigned int)d >= base)
			break;
		n = n * base + (unsigned int)d;
		if (n > 0xffffffffull)
			n = 0x100000000ull;	/* sticky overflow */
		s++;
	}
	*sp = s;
	*v = n;
	return n <= 0xffffffffull;
}

int addr_parse_v4(const char *s, union ct_addr *a)
{
	uint64_t parts[4], v;
	int n = 0;

	for (;;) {
		if (!is_digit(*s) || !part_num(&s, &v))
			return -EINVAL;
		if (*s != '.')
			break;
		if (n > 2 || v > 0xff)
			return -EINVAL;
		parts[n++] = v;
		s++;
	}
	if (*s && !is_space(*s))
		return -EINVAL;
	/* the last part fills the remaining bytes */
	if (v > (0xffffffffull >> (8 * n)))
		return -EINVAL;
	while (n-- > 0)
		v |= parts[n] << (8 * (3 - n));
	memset(a, 0, sizeof(*a));
	a->b[0] = (uint8_t)(v >> 24);
	a->b[1] = (uint8_t)(v >> 16);
	a->b[2] = (uint8_t)(v >> 8);
	a->b[3] = (uint8_t)v;
	return 0;
}

/* Strict dotted quad inside an IPv6 address (no leading zeros). */
static int v4_in_v6(const char *s, uint8_t *out)
{
	int octets = 0;
	bool digit = false;
	unsigned int cur = 0;

	for (; *s; s++) {
		if (is_digit(*s)) {
			if (digit && cur == 0)
				return -EINVAL;
			cur = cur * 10 + (unsigned int)(*s - '0');
			if (cur > 255)
				return -EINVAL;
			if (!digit) {
				if (++octets > 4)
					return -EINVAL;
				digit = true;
			}
		} else if (*s == '.' && digit) {
			if (octets == 4)
				return -EINVAL;
			out[octets - 1] = (uint8_t)cur;
			cur = 0;
			digit = false;
		} else {
			return -EINVAL;
		}
	}
	if (octets < 4 || !digit)
		return -EINVAL;
	out[3] = (uint8_t)cur;
	return 0;
}

int addr_parse_v6(const char *s, union ct_addr *a)
{
	uint8_t buf[16] = { 0 };
	int pos = 0, gap = -1, ndig = 0;
	unsigned int val = 0;
	const char *group = s;
	int d;

	if (*s == ':' && *++s != ':')
		return -EINVAL;
	group = s;
	for (; *s; s++) {
		d = hex_val(*s);
		if (d >= 0) {
			if (++ndig > 4)
				return -EINVAL;
			val = (val << 4) | (unsigned int)d;
			continue;
		}
		if (*s == ':') {
			group = s + 1;
			if (!ndig) {
				if (gap >= 0)
					return -EINVAL;
				gap = pos;
				continue;
			}
			if (!s[1] || pos + 2 > 16)
				return -EINVAL;
			buf[pos++] = (uint8_t)(val >> 8);
			buf[pos++] = (uint8_t)val;
			ndig = 0;
			val = 0;
			continue;
		}
		if (*s == '.' && pos + 4 <= 16) {
			if (v4_in_v6(group, buf + pos) < 0)
				return -EINVAL;
			pos += 4;
			ndig = 0;
			break;
		}
		return -EINVAL;
	}
	if (ndig) {
		if (pos + 2 > 16)
			return -EINVAL;
		buf[pos++] = (uint8_t)(val >> 8);
		buf[pos++] = (uint8_t)val;
	}
	if (gap >= 0) {
		int tail = pos - gap;

		if (pos == 16)
			return -EINVAL;
		memmove(buf + 16 - tail, buf + gap, (size_t)tail);
		memset(buf + gap, 0, (size_t)(16 - tail - gap));
		pos = 16;
	}
	if (pos != 16)
		return -EINVAL;
	memcpy(a->b, buf, 16);
	return 0;
}

int addr_parse(const char *s, union ct_addr *a)
{
	if (addr_parse_v4(s, a) == 0)
		return AF_INET;
	if (addr_parse_v6(s, a) == 0)
		return AF_INET6;
	return 0;
}

int addr_parse_cidr(const char *s, union ct_addr *a, int *bits)
{
	char buf[ADDR_PARSE_MAX];
	char *slash, *end;
	int fam;

	strncpy(buf, s, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	*bits = ADDR_NO_MASK;
	slash = strchr(buf, '/');
	if (slash) {
		/* strtol() into an int, as upstream: "/" alone is /0 */
		*bits = (int)strtol(slash + 1, &end, 10);
		if (*bits < 0 || *end)
			*bits = ADDR_BAD_MASK;
		*slash = '\0';
	}
	fam = addr_parse(buf, a);
	if ((fam == AF_INET && *bits > 32) || (fam == AF_INET6 && *bits > 128))
		*bits = ADDR_BAD_MASK;
	return fam;
}

void addr_netmask(uint8_t l3, int bits, union ct_addr *m)
{
	int i, words = l3 == AF_INET6 ? 4 : 1;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < words; i++) {
		uint32_t w;

		if (bits >= 32)
			w = 0xffffffffu;
		else if (bits > 0)
			w = ~0u << (32 - bits);
		else
			w = 0;
		bits = bits >= 32 ? bits - 32 : 0;
		m->b[4 * i] = (uint8_t)(w >> 24);
		m->b[4 * i + 1] = (uint8_t)(w >> 16);
		m->b[4 * i + 2] = (uint8_t)(w >> 8);
		m->b[4 * i + 3] = (uint8_t)w;
	}
}

static bool port_ok(const char *p)
{
	unsigned long v = 0;

	if (!*p)
		return false;
	for (; *p; p++) {
		if (!is_digit(*p))
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return false;
	}
	return true;
}

int addr_split_nat(const char *arg, const char **addr, size_t *alen,
		   const char **port)
{
	const char *open = strchr(arg, '[');
	const char *colon;

	*port = NULL;
	if (open) {
		const char *close = strchr(open + 1, ']');

		if (close == open + 1)
			return NAT_SPLIT_NO_V6;
		if (!close)
			return NAT_SPLIT_NO_CLOSE;
		colon = strchr(close, ':');
		if (colon) {
			*addr = open + 1;
			*alen = (size_t)(close - open - 1);
		}
	} else {
		colon = strchr(arg, ':');
		if (colon && !strchr(colon + 1, ':')) {
			*addr = arg;
			*alen = (size_t)(colon - arg);
		} else {
			colon = NULL;	/* none, or an IPv6 literal */
		}
	}
	if (!colon) {
		*addr = arg;
		*alen = strlen(arg);
		return NAT_SPLIT_OK;
	}
	*port = colon + 1;
	if (!**port)
		return NAT_SPLIT_NO_PORT;
	if (!port_ok(*port))
		return NAT_SPLIT_BAD_PORT;
	return NAT_SPLIT_OK;
}
