/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "num.h"
#include "secret.h"
#include "tls.h"
#include "token.h"

static int parse_mode(const char *mode, enum oc_token_mode *out)
{
	if (!mode || !*mode)
		return -EINVAL;
	if (!strcasecmp(mode, "totp"))
		*out = OC_TOKEN_TOTP;
	else if (!strcasecmp(mode, "hotp"))
		*out = OC_TOKEN_HOTP;
	else
		return -EOPNOTSUPP;
	return 0;
}

/* Skips @prefix (either case) at *s; 1 when it was there. */
static int skip_prefix(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncasecmp(*s, prefix, n))
		return 0;
	*s += n;
	return 1;
}

/* The hash named by an optional "ALG:" prefix, which is skipped. */
static const char *take_alg(const char **s)
{
	if (skip_prefix(s, "sha256:"))
		return "sha256";
	if (skip_prefix(s, "sha512:"))
		return "sha512";
	skip_prefix(s, "sha1:");
	return "sha1";
}

/* Decodes the key text (hex after "0x", else base32) into @key. */
static int decode_key(const char *s, size_t len, struct oc_secret *key)
{
	unsigned char buf[OC_TOKEN_KEY_MAX];
	const char *p = s;
	size_t n = 0;
	int ret;

	if (len > 2 && (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2)))
		ret = oc_hex_decode(p + 2, len - 2, buf, sizeof(buf), &n);
	else if (skip_prefix(&p, "base32:"))
		ret = oc_base32_decode(p, len - (size_t)(p - s), buf,
				       sizeof(buf), &n);
	else
		ret = oc_base32_decode(p, len, buf, sizeof(buf), &n);
	if (ret == -ENOSPC)
		ret = -E2BIG;
	else if (!ret && !n)
		ret = -EINVAL;
	if (!ret)
		ret = oc_secret_set(key, buf, n);
	oc_wipe(buf, sizeof(buf));
	return ret;
}

/* Splits off ",COUNTER"; *keylen is the length of the text before it. */
static int take_counter(const char *s, enum oc_token_mode mode,
			size_t *keylen, uint64_t *counter)
{
	const char *comma = strrchr(s, ',');

	*counter = 0;
	*keylen = strlen(s);
	if (!comma)
		return 0;
	if (mode != OC_TOKEN_HOTP)
		return -EINVAL;
	*keylen = (size_t)(comma - s);
	if (oc_parse_u64(comma + 1, 10, UINT64_MAX, counter))
		return -EINVAL;
	return 0;
}

int oc_token_parse(const char *mode, const char *secret, struct oc_token *t)
{
	enum oc_token_mode m;
	const char *alg, *p = secret;
	uint64_t counter;
	size_t keylen;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = parse_mode(mode, &m);
	if (ret)
		return ret;
	if (!secret)
		return -EINVAL;
	alg = take_alg(&p);
	ret = take_counter(p, m, &keylen, &counter);
	if (!ret)
		ret = decode_key(p, keylen, &t->key);
	if (ret) {
		oc_token_free(t);
		return ret;
	}
	t->mode = m;
	t->alg = alg;
	t->counter = counter;
	t->digits = OC_TOKEN_DIGITS;
	t->step = OC_TOKEN_STEP;
	return 0;
}

/* RFC 4226 section 5.3: dynamic truncation of the MAC to 31 bits. */
static uint32_t truncate_mac(const unsigned char *mac, size_t maclen)
{
	unsigned int off = mac[maclen - 1] & 0x0f;

	return (uint32_t)(mac[off] & 0x7f) << 24 |
	       (uint32_t)mac[off + 1] << 16 |
	       (uint32_t)mac[off + 2] << 8 |
	       (uint32_t)mac[off + 3];
}

int oc_token_code_at(const struct oc_token *t, uint64_t counter,
		     char out[OC_TOKEN_CODE_LEN])
{
	static const uint32_t pow10[] = { 1000000, 10000000, 100000000 };
	unsigned char msg[8], mac[64];
	size_t maclen = 0;
	uint32_t code;
	int i, ret;

	if (!oc_secret_isset(&t->key) || !t->alg ||
	    t->digits < 6 || t->digits > 8)
		return -EINVAL;
	for (i = 0; i < 8; i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	ret = oc_hmac(t->alg, t->key.val, t->key.len, msg, sizeof(msg),
		      mac, &maclen);
	if (!ret && (maclen < 20 || maclen > sizeof(mac)))
		ret = -EINVAL;
	if (ret)
		goto out;
	code = truncate_mac(mac, maclen) % pow10[t->digits - 6];
	snprintf(out, OC_TOKEN_CODE_LEN, "%0*u", (int)t->digits,
		 (unsigned int)code);
out:
	oc_wipe(mac, sizeof(mac));
	return ret;
}

int oc_token_code(struct oc_token *t, char out[OC_TOKEN_CODE_LEN])
{
	int64_t now;
	int ret;

	if (t->mode == OC_TOKEN_HOTP) {
		if (t->counter == UINT64_MAX)
			return -ERANGE;
		ret = oc_token_code_at(t, t->counter, out);
		if (!ret)
			t->counter++;
		return ret;
	}
	if (t->mode != OC_TOKEN_TOTP || !t->step)
		return -EINVAL;
	now = oc_wall_time();
	if (now < 0)
		return -ERANGE;
	return oc_token_code_at(t, (uint64_t)now / t->step, out);
}

void oc_token_free(struct oc_token *t)
{
	oc_secret_clear(&t->key);
	memset(t, 0, sizeof(*t));
}
