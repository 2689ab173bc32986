/* Address text -> struct ct addresses, accepting exactly what
 * conntrack-tools 1.4.7 accepts on glibc: inet_aton() forms for IPv4
 * ("10.1", "0x0a000002", "167772161"), inet_pton() for IPv6, an optional
 * "/bits" suffix, and the NAT forms ADDR[:PORT] and [V6]:PORT. */
#ifndef CTBOX_ADDR_PARSE_H
#define CTBOX_ADDR_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ct.h"

/* Text longer than this is cut before parsing, as upstream does. */
#define ADDR_PARSE_MAX 46

/* glibc inet_aton(); returns 0 or -EINVAL. */
int addr_parse_v4(const char *s, union ct_addr *a);
/* glibc inet_pton(AF_INET6); returns 0 or -EINVAL. */
int addr_parse_v6(const char *s, union ct_addr *a);
/* IPv4 first, then IPv6: AF_INET, AF_INET6, or 0 when neither. */
int addr_parse(const char *s, union ct_addr *a);

enum { ADDR_NO_MASK = -1, ADDR_BAD_MASK = -2 };

/* As addr_parse(), after cutting to ADDR_PARSE_MAX - 1 characters and
 * splitting a "/bits" suffix: *bits is the prefix length, ADDR_NO_MASK
 * without a slash, or ADDR_BAD_MASK when it is not a number in range for
 * the family. */
int addr_parse_cidr(const char *s, union ct_addr *a, int *bits);

/* The netmask of a prefix length, in network order. */
void addr_netmask(uint8_t l3, int bits, union ct_addr *m);

/* Results of addr_split_nat(). */
enum {
	NAT_SPLIT_OK,
	NAT_SPLIT_NO_V6,	/* "[]..." */
	NAT_SPLIT_NO_CLOSE,	/* "[..." without ']' */
	NAT_SPLIT_NO_PORT,	/* nothing after ':' */
	NAT_SPLIT_BAD_PORT,	/* not all digits or > 65535 */
};

/* Split a NAT argument into its address (*addr, *alen: a part of arg)
 * and its port (*port: the rest of arg, or NULL). */
int addr_split_nat(const char *arg, const char **addr, size_t *alen,
		   const char **port);

#endif
