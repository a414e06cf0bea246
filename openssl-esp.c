/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

/*
 * The HMAC below runs on the low-level SHA1_*, SHA256_* and MD5_* calls,
 * which OpenSSL 3.0 deprecates. They are the one way in 3.0 to resume a
 * hash from a saved state without allocating: the state is a plain struct
 * copied by value. EVP_MAC_init() re-use and EVP_MD_CTX_copy_ex() from
 * precomputed contexts both duplicate the provider's context: two
 * malloc()s per HMAC (measured on 3.0.x), and 4% to 20% slower than this
 * on 1424-byte inputs.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "esp.h"

/* ---- AES-CBC ----------------------------------------------------------- */

struct oc_esp_cipher {
	EVP_CIPHER_CTX *ctx;	/* keyed once; packets set the IV */
};

static const EVP_CIPHER *cipher_of(enum oc_esp_enc alg, size_t key_len)
{
	switch (alg) {
	case OC_ESP_ENC_AES128_CBC:
		return key_len == 16 ? EVP_aes_128_cbc() : NULL;
	case OC_ESP_ENC_AES256_CBC:
		return key_len == 32 ? EVP_aes_256_cbc() : NULL;
	}
	return NULL;
}

int oc_esp_cipher_new(struct oc_esp_cipher **out, enum oc_esp_enc alg,
		      int encrypt, const unsigned char *key, size_t key_len)
{
	const EVP_CIPHER *cipher = cipher_of(alg, key_len);
	struct oc_esp_cipher *c;
	int ret = -EIO;

	*out = NULL;
	if (!cipher)
		return -EINVAL;
	c = OPENSSL_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ctx = EVP_CIPHER_CTX_new();
	if (!c->ctx) {
		ret = -ENOMEM;
		goto out;
	}
	if (!EVP_CipherInit_ex(c->ctx, cipher, NULL, key, NULL, !!encrypt) ||
	    !EVP_CIPHER_CTX_set_padding(c->ctx, 0))
		goto out;
	*out = c;
	return 0;
out:
	oc_esp_cipher_free(c);
	return ret;
}

int oc_esp_cipher_cbc(struct oc_esp_cipher *c,
		      const unsigned char iv[OC_ESP_IV_LEN],
		      unsigned char *buf, size_t len)
{
	int outl = 0;

	if (len % OC_ESP_BLOCK_LEN || len > INT_MAX)
		return -EINVAL;
	/* Cipher and key NULL: keep the schedule, set only the IV. */
	if (!EVP_CipherInit_ex(c->ctx, NULL, NULL, NULL, iv, -1) ||
	    !EVP_CipherUpdate(c->ctx, buf, &outl, buf, (int)len) ||
	    (size_t)outl != len)
		return -EIO;
	return 0;
}

/* EVP_CIPHER_CTX_free() cleanses the key schedule before freeing it. */
void oc_esp_cipher_free(struct oc_esp_cipher *c)
{
	if (!c)
		return;
	EVP_CIPHER_CTX_free(c->ctx);
	OPENSSL_clear_free(c, sizeof(*c));
}

/* ---- HMAC (RFC 2104) --------------------------------------------------- */

#define HASH_BLOCK_MAX	64	/* MD5, SHA-1 and SHA-256 */
#define HASH_OUT_MAX	SHA256_DIGEST_LENGTH

union hash_state {
	MD5_CTX md5;
	SHA_CTX sha1;
	SHA256_CTX sha256;
};

struct oc_esp_hmac {
	enum oc_esp_auth alg;
	size_t out_len;			/* full hash size */
	union hash_state inner;		/* after hashing key ^ ipad */
	union hash_state outer;		/* after hashing key ^ opad */
};

static size_t hash_out_len(enum oc_esp_auth alg)
{
	switch (alg) {
	case OC_ESP_AUTH_HMAC_MD5_96:
		return MD5_DIGEST_LENGTH;
	case OC_ESP_AUTH_HMAC_SHA1_96:
		return SHA_DIGEST_LENGTH;
	case OC_ESP_AUTH_HMAC_SHA256_128:
		return SHA256_DIGEST_LENGTH;
	}
	return 0;
}

/* The three hashes behind one face; each returns 1 on success. */
static int hash_init(enum oc_esp_auth alg, union hash_state *s)
{
	switch (alg) {
	case OC_ESP_AUTH_HMAC_MD5_96:
		return MD5_Init(&s->md5);
	case OC_ESP_AUTH_HMAC_SHA1_96:
		return SHA1_Init(&s->sha1);
	case OC_ESP_AUTH_HMAC_SHA256_128:
		return SHA256_Init(&s->sha256);
	}
	return 0;
}

static int hash_update(enum oc_esp_auth alg, union hash_state *s,
		       const void *p, size_t n)
{
	switch (alg) {
	case OC_ESP_AUTH_HMAC_MD5_96:
		return MD5_Update(&s->md5, p, n);
	case OC_ESP_AUTH_HMAC_SHA1_96:
		return SHA1_Update(&s->sha1, p, n);
	case OC_ESP_AUTH_HMAC_SHA256_128:
		return SHA256_Update(&s->sha256, p, n);
	}
	return 0;
}

static int hash_final(enum oc_esp_auth alg, union hash_state *s,
		      unsigned char *out)
{
	switch (alg) {
	case OC_ESP_AUTH_HMAC_MD5_96:
		return MD5_Final(out, &s->md5);
	case OC_ESP_AUTH_HMAC_SHA1_96:
		return SHA1_Final(out, &s->sha1);
	case OC_ESP_AUTH_HMAC_SHA256_128:
		return SHA256_Final(out, &s->sha256);
	}
	return 0;
}

/* State after hashing one block of @k ^ @pad: the start of every HMAC. */
static int hash_pad(enum oc_esp_auth alg, union hash_state *s,
		    const unsigned char k[HASH_BLOCK_MAX], unsigned char pad)
{
	unsigned char block[HASH_BLOCK_MAX];
	size_t i;
	int ok;

	for (i = 0; i < sizeof(block); i++)
		block[i] = k[i] ^ pad;
	ok = hash_init(alg, s) && hash_update(alg, s, block, sizeof(block));
	OPENSSL_cleanse(block, sizeof(block));
	return ok;
}

/* RFC 2104: a key longer than the block is replaced by its hash, and the
 * result is padded with zeros to the block. */
static int hmac_key_block(enum oc_esp_auth alg, const unsigned char *key,
			  size_t key_len, unsigned char k[HASH_BLOCK_MAX])
{
	union hash_state s;
	int ok = 1;

	memset(k, 0, HASH_BLOCK_MAX);
	if (key_len <= HASH_BLOCK_MAX) {
		if (key_len)
			memcpy(k, key, key_len);
		return 1;
	}
	ok = hash_init(alg, &s) && hash_update(alg, &s, key, key_len) &&
	     hash_final(alg, &s, k);
	OPENSSL_cleanse(&s, sizeof(s));
	return ok;
}

int oc_esp_hmac_new(struct oc_esp_hmac **out, enum oc_esp_auth alg,
		    const unsigned char *key, size_t key_len)
{
	unsigned char k[HASH_BLOCK_MAX];
	struct oc_esp_hmac *h;
	int ret = -EIO;

	*out = NULL;
	if (!hash_out_len(alg))
		return -EINVAL;
	h = OPENSSL_zalloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->alg = alg;
	h->out_len = hash_out_len(alg);
	if (!hmac_key_block(alg, key, key_len, k) ||
	    !hash_pad(alg, &h->inner, k, 0x36) ||
	    !hash_pad(alg, &h->outer, k, 0x5c))
		goto out;
	*out = h;
	h = NULL;
	ret = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	oc_esp_hmac_free(h);
	return ret;
}

/* H(outer || H(inner || data)), resumed from the saved states. */
int oc_esp_hmac(struct oc_esp_hmac *h, const unsigned char *data,
		size_t len, unsigned char *out, size_t out_len)
{
	unsigned char md[HASH_OUT_MAX];
	union hash_state s;
	int ret = -EIO;

	if (out_len > h->out_len)
		return -EINVAL;
	s = h->inner;
	if (!hash_update(h->alg, &s, data, len) ||
	    !hash_final(h->alg, &s, md))
		goto out;
	s = h->outer;
	if (!hash_update(h->alg, &s, md, h->out_len) ||
	    !hash_final(h->alg, &s, md))
		goto out;
	memcpy(out, md, out_len);
	ret = 0;
out:
	OPENSSL_cleanse(&s, sizeof(s));
	OPENSSL_cleanse(md, sizeof(md));
	return ret;
}

void oc_esp_hmac_free(struct oc_esp_hmac *h)
{
	if (h)
		OPENSSL_clear_free(h, sizeof(*h));
}

/* ---- Random ------------------------------------------------------------ */

int oc_esp_random(void *buf, size_t len)
{
	if (len > INT_MAX || RAND_bytes(buf, (int)len) != 1)
		return -EIO;
	return 0;
}
