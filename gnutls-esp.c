/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ESP crypto backend of esp.h with nettle (GnuTLS' own primitives):
 * AES-CBC with the key scheduled once per SA, and HMAC whose keyed inner
 * and outer states are computed once; no packet allocates. Random bytes
 * come from GnuTLS.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <nettle/aes.h>
#include <nettle/cbc.h>
#include <nettle/hmac.h>
#include <nettle/version.h>

#include "esp.h"

/* nettle 3.8 has CBC encryption for AES in one call, accelerated where
 * AES is (encryption cannot run blocks in parallel; decryption can, and
 * the generic cbc_decrypt() hands nettle the whole buffer at once). */
#if NETTLE_VERSION_MAJOR > 3 || \
	(NETTLE_VERSION_MAJOR == 3 && NETTLE_VERSION_MINOR >= 8)
#define HAVE_CBC_AES	1
#endif

static void wipe_free(void *p, size_t len)
{
	if (!p)
		return;
	gnutls_memset(p, 0, len);
	free(p);
}

/* ---- AES-CBC ----------------------------------------------------------- */

struct oc_esp_cipher {
	union {
		struct aes128_ctx a128;
		struct aes256_ctx a256;
	} k;			/* the schedule, for one direction */
	enum oc_esp_enc alg;
	int encrypt;
};

/* nettle_cipher_func wrappers (the context types differ). */
#ifndef HAVE_CBC_AES
static void aes128_enc(const void *ctx, size_t len, uint8_t *dst,
		       const uint8_t *src)
{
	aes128_encrypt(ctx, len, dst, src);
}

#endif

static void aes128_dec(const void *ctx, size_t len, uint8_t *dst,
		       const uint8_t *src)
{
	aes128_decrypt(ctx, len, dst, src);
}

#ifndef HAVE_CBC_AES
static void aes256_enc(const void *ctx, size_t len, uint8_t *dst,
		       const uint8_t *src)
{
	aes256_encrypt(ctx, len, dst, src);
}
#endif

static void aes256_dec(const void *ctx, size_t len, uint8_t *dst,
		       const uint8_t *src)
{
	aes256_decrypt(ctx, len, dst, src);
}

int oc_esp_cipher_new(struct oc_esp_cipher **out, enum oc_esp_enc alg,
		      int encrypt, const unsigned char *key, size_t key_len)
{
	struct oc_esp_cipher *c;

	*out = NULL;
	if (!((alg == OC_ESP_ENC_AES128_CBC && key_len == AES128_KEY_SIZE) ||
	      (alg == OC_ESP_ENC_AES256_CBC && key_len == AES256_KEY_SIZE)))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->alg = alg;
	c->encrypt = !!encrypt;
	if (alg == OC_ESP_ENC_AES128_CBC) {
		if (c->encrypt)
			aes128_set_encrypt_key(&c->k.a128, key);
		else
			aes128_set_decrypt_key(&c->k.a128, key);
	} else {
		if (c->encrypt)
			aes256_set_encrypt_key(&c->k.a256, key);
		else
			aes256_set_decrypt_key(&c->k.a256, key);
	}
	*out = c;
	return 0;
}

static void cbc_enc(struct oc_esp_cipher *c, uint8_t *iv, unsigned char *buf,
		    size_t len)
{
#ifdef HAVE_CBC_AES
	if (c->alg == OC_ESP_ENC_AES128_CBC)
		cbc_aes128_encrypt(&c->k.a128, iv, len, buf, buf);
	else
		cbc_aes256_encrypt(&c->k.a256, iv, len, buf, buf);
#else
	if (c->alg == OC_ESP_ENC_AES128_CBC)
		cbc_encrypt(&c->k.a128, aes128_enc, AES_BLOCK_SIZE, iv, len,
			    buf, buf);
	else
		cbc_encrypt(&c->k.a256, aes256_enc, AES_BLOCK_SIZE, iv, len,
			    buf, buf);
#endif
}

int oc_esp_cipher_cbc(struct oc_esp_cipher *c,
		      const unsigned char iv[OC_ESP_IV_LEN],
		      unsigned char *buf, size_t len)
{
	/* nettle advances the IV it is given: work on a copy. */
	uint8_t chain[AES_BLOCK_SIZE];

	if (len % OC_ESP_BLOCK_LEN)
		return -EINVAL;
	if (!len)
		return 0;
	memcpy(chain, iv, sizeof(chain));
	if (c->encrypt)
		cbc_enc(c, chain, buf, len);
	else if (c->alg == OC_ESP_ENC_AES128_CBC)
		cbc_decrypt(&c->k.a128, aes128_dec, AES_BLOCK_SIZE, chain, len,
			    buf, buf);
	else
		cbc_decrypt(&c->k.a256, aes256_dec, AES_BLOCK_SIZE, chain, len,
			    buf, buf);
	return 0;
}

void oc_esp_cipher_free(struct oc_esp_cipher *c)
{
	wipe_free(c, sizeof(*c));
}

/* ---- HMAC (RFC 2104) --------------------------------------------------- */

/*
 * nettle's hmac_*_set_key() computes the inner and outer states once; a
 * packet works on a copy of the keyed context on the stack (a few hundred
 * bytes, no allocation).
 */
union hmac_ctx {
	struct hmac_md5_ctx md5;
	struct hmac_sha1_ctx sha1;
	struct hmac_sha256_ctx sha256;
};

struct oc_esp_hmac {
	union hmac_ctx ctx;
	enum oc_esp_auth alg;
	size_t out_len;			/* full hash size */
};

int oc_esp_hmac_new(struct oc_esp_hmac **out, enum oc_esp_auth alg,
		    const unsigned char *key, size_t key_len)
{
	static const unsigned char nokey[1];
	struct oc_esp_hmac *h;

	*out = NULL;
	if (alg != OC_ESP_AUTH_HMAC_MD5_96 && alg != OC_ESP_AUTH_HMAC_SHA1_96 &&
	    alg != OC_ESP_AUTH_HMAC_SHA256_128)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->alg = alg;
	if (!key_len)
		key = nokey;
	switch (alg) {
	case OC_ESP_AUTH_HMAC_MD5_96:
		hmac_md5_set_key(&h->ctx.md5, key_len, key);
		h->out_len = MD5_DIGEST_SIZE;
		break;
	case OC_ESP_AUTH_HMAC_SHA1_96:
		hmac_sha1_set_key(&h->ctx.sha1, key_len, key);
		h->out_len = SHA1_DIGEST_SIZE;
		break;
	case OC_ESP_AUTH_HMAC_SHA256_128:
		hmac_sha256_set_key(&h->ctx.sha256, key_len, key);
		h->out_len = SHA256_DIGEST_SIZE;
		break;
	}
	*out = h;
	return 0;
}

int oc_esp_hmac(struct oc_esp_hmac *h, const unsigned char *data,
		size_t len, unsigned char *out, size_t out_len)
{
	union hmac_ctx c;

	if (out_len > h->out_len)
		return -EINVAL;
	if (!len)
		data = (const unsigned char *)"";
	/* Resumed from a copy: @h itself never changes after _new(). */
	c = h->ctx;
	switch (h->alg) {
	case OC_ESP_AUTH_HMAC_MD5_96:
		hmac_md5_update(&c.md5, len, data);
		hmac_md5_digest(&c.md5, out_len, out);
		break;
	case OC_ESP_AUTH_HMAC_SHA1_96:
		hmac_sha1_update(&c.sha1, len, data);
		hmac_sha1_digest(&c.sha1, out_len, out);
		break;
	case OC_ESP_AUTH_HMAC_SHA256_128:
		hmac_sha256_update(&c.sha256, len, data);
		hmac_sha256_digest(&c.sha256, out_len, out);
		break;
	}
	gnutls_memset(&c, 0, sizeof(c));
	return 0;
}

void oc_esp_hmac_free(struct oc_esp_hmac *h)
{
	wipe_free(h, sizeof(*h));
}

/* ---- Random ------------------------------------------------------------ */

int oc_esp_random(void *buf, size_t len)
{
	if (len && gnutls_rnd(GNUTLS_RND_KEY, buf, len) < 0)
		return -EIO;
	return 0;
}
