/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "num.h"
#include "secret.h"

/*
 * Character classes are computed with masks rather than tables or
 * branches, because hex and base64 carry keys: the time taken must not
 * depend on the digits. Each helper returns the digit value, or a value
 * with bit 8 set for a character outside the alphabet, so callers OR the
 * results together and test bit 8 once at the end.
 */
#define BAD_DIGIT	0x100u

/* 0xffffffff when lo <= c <= hi, else 0. */
static unsigned int in_range(unsigned int c, unsigned int lo, unsigned int hi)
{
	return 0u - (c - lo <= hi - lo);	/* c < lo wraps above */
}

static unsigned int hex_digit(unsigned char ch)
{
	unsigned int c = ch;
	unsigned int lc = c | 0x20;
	unsigned int d = in_range(c, '0', '9');
	unsigned int a = in_range(lc, 'a', 'f');

	return ((c - '0') & d) | ((lc - 'a' + 10) & a) | (BAD_DIGIT & ~(d | a));
}

static unsigned int b64_digit(unsigned char ch)
{
	unsigned int c = ch;
	unsigned int up = in_range(c, 'A', 'Z');
	unsigned int lo = in_range(c, 'a', 'z');
	unsigned int dg = in_range(c, '0', '9');
	unsigned int pl = in_range(c, '+', '+');
	unsigned int sl = in_range(c, '/', '/');

	return ((c - 'A') & up) | ((c - 'a' + 26) & lo) |
	       ((c - '0' + 52) & dg) | (62 & pl) | (63 & sl) |
	       (BAD_DIGIT & ~(up | lo | dg | pl | sl));
}

static unsigned int b32_digit(unsigned char ch)
{
	unsigned int c = ch | 0x20;	/* case-insensitive */
	unsigned int al = in_range(c, 'a', 'z');
	unsigned int dg = in_range(ch, '2', '7');

	return ((c - 'a') & al) | ((ch - '2' + 26) & dg) |
	       (BAD_DIGIT & ~(al | dg));
}

/* ---- Numbers ----------------------------------------------------------- */

/* Digits only, checked in full before any arithmetic, so malformed input
 * is -EINVAL even when it is also too long. */
static int parse_digits(const char *s, size_t len, unsigned int base,
			uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int d;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		d = hex_digit((unsigned char)s[i]);
		if (d >= base)
			return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		d = hex_digit((unsigned char)s[i]);
		if (d > max || v > (max - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int oc_parse_u64_len(const char *s, size_t len, int base, uint64_t max,
		     uint64_t *out)
{
	if (!s || (base != 10 && base != 16))
		return -EINVAL;
	if (base == 16 && len >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		s += 2;
		len -= 2;
	}
	return parse_digits(s, len, (unsigned int)base, max, out);
}

int oc_parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	if (!s)
		return -EINVAL;
	return oc_parse_u64_len(s, strlen(s), base, max, out);
}

int oc_parse_u32(const char *s, int base, uint32_t *out)
{
	uint64_t v;
	int ret;

	ret = oc_parse_u64(s, base, UINT32_MAX, &v);
	if (!ret)
		*out = (uint32_t)v;
	return ret;
}

/* The magnitude of a negative number, mag >= 1, as a long >= min. */
static int negate_in_range(uint64_t mag, long min, long *out)
{
	uint64_t limit = (uint64_t)(-(min + 1)) + 1;	/* |min| */

	if (mag > limit)
		return -ERANGE;
	*out = -(long)(mag - 1) - 1;
	return 0;
}

int oc_parse_long(const char *s, long min, long max, long *out)
{
	uint64_t mag;
	long v;
	int ret;

	if (!s || min > max)
		return -EINVAL;
	if (s[0] == '-' && min < 0) {
		ret = oc_parse_u64(s + 1, 10, UINT64_MAX, &mag);
		if (ret)
			return ret;
		v = 0;
		if (mag && negate_in_range(mag, min, &v))
			return -ERANGE;
	} else {
		ret = oc_parse_u64(s, 10, UINT64_MAX, &mag);
		if (ret)
			return ret;
		if (max < 0 || mag > (uint64_t)max)
			return -ERANGE;
		v = (long)mag;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int oc_parse_int(const char *s, int min, int max, int *out)
{
	long v;
	int ret;

	ret = oc_parse_long(s, min, max, &v);
	if (!ret)
		*out = (int)v;
	return ret;
}

/* ---- Hex --------------------------------------------------------------- */

int oc_hex_decode(const char *hex, size_t hexlen, unsigned char *out,
		  size_t outmax, size_t *outlen)
{
	unsigned int bad = 0, hi, lo;
	size_t i;

	if (!hex || hexlen % 2)
		return -EINVAL;
	if (hexlen / 2 > outmax)
		return -ENOSPC;
	for (i = 0; i < hexlen; i++)
		bad |= hex_digit((unsigned char)hex[i]);
	if (bad & BAD_DIGIT)
		return -EINVAL;
	for (i = 0; i < hexlen / 2; i++) {
		hi = hex_digit((unsigned char)hex[2 * i]);
		lo = hex_digit((unsigned char)hex[2 * i + 1]);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	if (outlen)
		*outlen = hexlen / 2;
	return 0;
}

static char hex_char(unsigned int v)
{
	v &= 15;
	return (char)(((v + '0') & in_range(v, 0, 9)) |
		      ((v - 10 + 'a') & in_range(v, 10, 15)));
}

void oc_hex_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex_char(in[i] >> 4);
		out[2 * i + 1] = hex_char(in[i]);
	}
	out[2 * n] = '\0';
}

/* ---- Base64 ------------------------------------------------------------ */

/* Arithmetic rather than a table lookup, for the same reason as above. */
static char b64_char(unsigned int v)
{
	v &= 63;
	return (char)(((v + 'A') & in_range(v, 0, 25)) |
		      ((v - 26 + 'a') & in_range(v, 26, 51)) |
		      ((v - 52 + '0') & in_range(v, 52, 61)) |
		      ('+' & in_range(v, 62, 62)) |
		      ('/' & in_range(v, 63, 63)));
}

void oc_base64_encode(const unsigned char *in, size_t n, char *out)
{
	uint32_t w;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		*out++ = b64_char(w >> 18);
		*out++ = b64_char(w >> 12);
		*out++ = b64_char(w >> 6);
		*out++ = b64_char(w);
	}
	if (n - i == 1) {
		w = (uint32_t)in[i] << 16;
		*out++ = b64_char(w >> 18);
		*out++ = b64_char(w >> 12);
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = b64_char(w >> 18);
		*out++ = b64_char(w >> 12);
		*out++ = b64_char(w >> 6);
		*out++ = '=';
	}
	*out = '\0';
}

/* Number of '=' at the end of a quad-aligned input, or -1 if misplaced. */
static int b64_padding(const char *in, size_t inlen)
{
	size_t i;
	int pad = 0;

	if (inlen && in[inlen - 1] == '=')
		pad++;
	if (inlen > 1 && in[inlen - 2] == '=')
		pad++;
	for (i = 0; i < inlen - pad; i++)
		if (in[i] == '=')
			return -1;
	return pad;
}

int oc_base64_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outmax, size_t *outlen)
{
	unsigned int bad = 0;
	size_t i, o = 0, n;
	uint32_t w;
	int pad;

	if (!in || inlen % 4)
		return -EINVAL;
	pad = b64_padding(in, inlen);
	if (pad < 0)
		return -EINVAL;
	n = inlen / 4 * 3 - (size_t)pad;
	if (n > outmax)
		return -ENOSPC;
	for (i = 0; i < inlen; i += 4) {
		unsigned int d[4], k;

		for (k = 0; k < 4; k++) {
			d[k] = i + k < inlen - pad ?
				b64_digit((unsigned char)in[i + k]) : 0;
			bad |= d[k];
		}
		w = d[0] << 18 | d[1] << 12 | d[2] << 6 | d[3];
		for (k = 0; k < 3 && o < n; k++)
			out[o++] = (unsigned char)(w >> (16 - 8 * k));
	}
	if (bad & BAD_DIGIT) {
		oc_wipe(out, o);
		return -EINVAL;
	}
	if (outlen)
		*outlen = n;
	return 0;
}

/* ---- Base32 ------------------------------------------------------------ */

/* Counts the digits and checks the padding; spaces are ignored anywhere. */
static int b32_scan(const char *in, size_t inlen, size_t *ndigits)
{
	size_t i, nd = 0, npad = 0;

	for (i = 0; i < inlen; i++) {
		if (in[i] == ' ')
			continue;
		if (in[i] == '=')
			npad++;
		else if (npad)
			return -EINVAL;		/* digit after padding */
		else
			nd++;
	}
	switch (nd % 8) {
	case 0: case 2: case 4: case 5: case 7:
		break;
	default:
		return -EINVAL;
	}
	if (npad && (npad >= 8 || (nd + npad) % 8))
		return -EINVAL;
	*ndigits = nd;
	return 0;
}

int oc_base32_decode(const char *in, size_t inlen, unsigned char *out,
		     size_t outmax, size_t *outlen)
{
	unsigned int bad = 0, nbits = 0;
	size_t i, nd, n, o = 0;
	uint32_t acc = 0;
	int ret;

	if (!in)
		return -EINVAL;
	ret = b32_scan(in, inlen, &nd);
	if (ret)
		return ret;
	n = nd * 5 / 8;
	if (n > outmax)
		return -ENOSPC;
	for (i = 0; i < inlen; i++) {
		unsigned int d;

		if (in[i] == ' ' || in[i] == '=')
			continue;
		d = b32_digit((unsigned char)in[i]);
		bad |= d;
		acc = acc << 5 | (d & 31);
		nbits += 5;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = (unsigned char)(acc >> nbits);
		}
	}
	if (bad & BAD_DIGIT) {
		oc_wipe(out, o);
		return -EINVAL;
	}
	if (outlen)
		*outlen = n;
	return 0;
}
