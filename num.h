/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict parsing of numbers and hex strings from untrusted text.
 *
 * The whole string must be the number: no leading or trailing space, no
 * sign unless the range allows negatives, no empty string. Results outside
 * [min, max] are -ERANGE; anything malformed is -EINVAL. *out is written
 * only on success.
 */
#ifndef OC_NUM_H
#define OC_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Decimal. */
int oc_parse_long(const char *s, long min, long max, long *out);
int oc_parse_int(const char *s, int min, int max, int *out);
/* @base 10 or 16; for 16 an optional "0x"/"0X" prefix is accepted. */
int oc_parse_u64(const char *s, int base, uint64_t max, uint64_t *out);
int oc_parse_u32(const char *s, int base, uint32_t *out);
/* The same over exactly @len bytes (not NUL-terminated). */
int oc_parse_u64_len(const char *s, size_t len, int base, uint64_t max,
		     uint64_t *out);

/* Hex digits (either case, even count) to bytes. Writes at most @outmax
 * bytes; -EINVAL for a bad digit or odd length, -ENOSPC when too long. */
int oc_hex_decode(const char *hex, size_t hexlen, unsigned char *out,
		  size_t outmax, size_t *outlen);
/* Lower-case hex of @n bytes into @out, which holds 2n + 1 chars. */
void oc_hex_encode(const unsigned char *in, size_t n, char *out);

/* Standard base64 (RFC 4648, with padding). oc_base64_encode writes
 * 4*ceil(n/3) + 1 chars. oc_base64_decode returns -EINVAL for bad input. */
void oc_base64_encode(const unsigned char *in, size_t n, char *out);
int oc_base64_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outmax, size_t *outlen);

/* Base32 (RFC 4648, upper or lower case, padding and spaces optional). */
int oc_base32_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outmax, size_t *outlen);

#endif
