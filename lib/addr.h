/* Address text, glibc-compatible. */
#ifndef CTBOX_ADDR_H
#define CTBOX_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "ct.h"

#define ADDR_STRLEN 48

size_t addr_fmt_v4(char *buf, const void *a);
size_t addr_fmt_v6(char *buf, const void *a);
size_t addr_fmt(char *buf, uint8_t l3, const union ct_addr *a);

#endif
