/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ESP packet decryption (oc_esp_decrypt()) with fixed SAs: one inbound and
 * one outbound SA per algorithm pair, fixed keys, a fresh replay window
 * for each input. The input is a list of records:
 *
 *	flags (1) | length (2, big-endian) | bytes
 *
 * flags bits 0-1 say what the bytes are, bits 2-4 pick the algorithms:
 *
 *   0  a whole packet as received, decrypted as is (a fuzzer rarely gets
 *      past the ICV, but length, SPI and replay checks come first);
 *   1  sequence number (4) and plaintext, which the harness encrypts and
 *      authenticates with the SA's keys: the trailer checks (padding, next
 *      header) and the strip see fuzzed plaintext; a packet accepted once
 *      must then be refused as a replay;
 *   2  an inner packet, encrypted with oc_esp_encrypt() and decrypted
 *      again (by an inbound SA of its own, so the other records cannot
 *      make it a replay): it must come back unchanged;
 *   3  a whole packet given to the wrong SA and in a read-only buffer,
 *      which must be refused, and oc_esp_peek_spi().
 */
#include <config.h>

#include <errno.h>

#include "buf.h"
#include "esp.h"
#include "fuzz.h"

#define SPI		0x01020304u
#define N_ALGS		6

static const char *const encs[] = { "aes-128-cbc", "aes-256-cbc" };
static const size_t enc_len[] = { 16, 32 };
static const char *const auths[] = { "md5", "sha1", "sha256" };
static const size_t auth_len[] = { 16, 20, 32 };

struct alg {
	struct oc_esp_sa in, out;
	struct oc_esp_sa rt;		/* inbound for the round trips */
	struct oc_esp_cipher *seal;	/* encrypts with in's key */
	struct oc_esp_hmac *mac;
	size_t icv;
};

static struct alg algs[N_ALGS];
static unsigned char ekey[32], akey[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct oc_esp_sa_params p = { SPI };
	size_t i;

	for (i = 0; i < sizeof(ekey); i++) {
		ekey[i] = (unsigned char)(0x11 * i + 1);
		akey[i] = (unsigned char)(0x5a ^ i);
	}
	for (i = 0; i < N_ALGS; i++) {
		struct alg *a = &algs[i];

		p.enc = encs[i / 3];
		p.auth = auths[i % 3];
		p.ekey = ekey;
		p.ekey_len = enc_len[i / 3];
		p.akey = akey;
		p.akey_len = auth_len[i % 3];
		if (oc_esp_sa_init(&a->in, OC_ESP_IN, &p) ||
		    oc_esp_sa_init(&a->out, OC_ESP_OUT, &p) ||
		    oc_esp_sa_init(&a->rt, OC_ESP_IN, &p) ||
		    oc_esp_cipher_new(&a->seal, oc_esp_enc_lookup(p.enc), 1,
				      ekey, p.ekey_len) ||
		    oc_esp_hmac_new(&a->mac, oc_esp_auth_lookup(p.auth),
				    akey, p.akey_len))
			abort();
		a->icv = oc_esp_icv_len(oc_esp_auth_lookup(p.auth));
	}
	return 0;
}

static void decrypt_raw(struct alg *a, const uint8_t *d, size_t n)
{
	struct oc_buf b;
	uint8_t nh = 0;
	int ret;

	if (oc_buf_init_room(&b, 0, n ? n : 1))
		abort();
	oc_buf_put(&b, d, n);
	ret = oc_esp_decrypt(&a->in, &b, &nh);
	FUZZ_CHECK(ret == 0 || ret == -EMSGSIZE || ret == -ENOENT ||
		   ret == -EALREADY || ret == -ETIME || ret == -EBADMSG ||
		   ret == -EPROTO);
	if (!ret) {
		FUZZ_CHECK(nh == OC_ESP_NH_IPV4 || nh == OC_ESP_NH_IPV6);
		FUZZ_CHECK(b.len + OC_ESP_HEADROOM + a->icv + 2 <= n);
	}
	oc_esp_strerr(ret);
	oc_buf_free(&b);
}

/* SPI, @seq, IV, the encrypted @pt (@ptlen, a multiple of the block) and
 * the ICV, into @b. */
static void seal(struct alg *a, uint32_t seq, const unsigned char *pt,
		 size_t ptlen, struct oc_buf *b)
{
	unsigned char iv[OC_ESP_IV_LEN] = { 0x42 }, icv[OC_ESP_MAX_ICV];
	unsigned char *ct;

	oc_buf_put_be32(b, SPI);
	oc_buf_put_be32(b, seq);
	oc_buf_put(b, iv, sizeof(iv));
	ct = oc_buf_reserve(b, ptlen);
	if (!ct)
		abort();
	memcpy(ct, pt, ptlen);
	if (oc_esp_cipher_cbc(a->seal, iv, ct, ptlen))
		abort();
	oc_buf_commit(b, ptlen);
	if (oc_esp_hmac(a->mac, b->data, b->len, icv, a->icv))
		abort();
	oc_buf_put(b, icv, a->icv);
	if (oc_buf_error(b))
		abort();
}

static void decrypt_sealed(struct alg *a, const uint8_t *d, size_t n)
{
	unsigned char *pt;
	size_t ptlen, pad;
	struct oc_buf b;
	uint32_t seq;
	uint8_t nh = 0;
	int ret;

	if (n < 4)
		return;
	seq = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
	d += 4;
	n -= 4;
	ptlen = (n + OC_ESP_BLOCK_LEN - 1) / OC_ESP_BLOCK_LEN *
		OC_ESP_BLOCK_LEN;
	if (!ptlen)
		ptlen = OC_ESP_BLOCK_LEN;
	pt = calloc(1, ptlen);
	if (!pt || oc_buf_init_room(&b, 0, OC_ESP_HEADROOM + ptlen + a->icv))
		abort();
	memcpy(pt, d, n);
	seal(a, seq, pt, ptlen, &b);
	ret = oc_esp_decrypt(&a->in, &b, &nh);
	FUZZ_CHECK(ret == 0 || ret == -EALREADY || ret == -ETIME ||
		   ret == -EPROTO);
	if (!ret) {
		pad = pt[ptlen - 2];
		FUZZ_CHECK(nh == pt[ptlen - 1]);
		FUZZ_CHECK(b.len == ptlen - pad - 2);
		FUZZ_CHECK(!memcmp(b.data, pt, b.len));
	}
	if (ret != -ETIME && ret != -EALREADY) {
		/* Authentic, so the window took it: now it is a replay. */
		oc_buf_reset(&b);
		seal(a, seq, pt, ptlen, &b);
		FUZZ_CHECK(oc_esp_decrypt(&a->in, &b, &nh) == -EALREADY);
	}
	oc_buf_free(&b);
	free(pt);
}

static void round_trip(struct alg *a, int v6, const uint8_t *d, size_t n)
{
	uint8_t nh = v6 ? OC_ESP_NH_IPV6 : OC_ESP_NH_IPV4, nh2 = 0;
	struct oc_buf b;
	int ret;

	if (oc_buf_init_room(&b, OC_ESP_HEADROOM, n + OC_ESP_TAILROOM))
		abort();
	oc_buf_put(&b, d, n);
	ret = oc_esp_encrypt(&a->out, &b, nh);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(oc_esp_peek_spi(&b) == SPI);
	ret = oc_esp_decrypt(&a->rt, &b, &nh2);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(nh2 == nh && b.len == n && !memcmp(b.data, d, n));
	oc_buf_free(&b);
}

static void misuse(struct alg *a, const uint8_t *d, size_t n)
{
	struct oc_buf b;
	uint8_t nh;
	uint32_t spi;

	oc_buf_init_ro(&b, d, n);
	spi = oc_esp_peek_spi(&b);
	FUZZ_CHECK(n >= 4 || spi == 0);
	FUZZ_CHECK(oc_esp_decrypt(&a->in, &b, &nh) == -EINVAL);
	if (oc_buf_init_room(&b, 0, n ? n : 1))
		abort();
	oc_buf_put(&b, d, n);
	FUZZ_CHECK(oc_esp_decrypt(&a->out, &b, &nh) == -EINVAL);
	oc_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i, n, records = 0;
	uint8_t flags;
	struct alg *a;

	for (i = 0; i < N_ALGS; i++) {
		oc_replay_init(&algs[i].in.replay);
		oc_replay_init(&algs[i].rt.replay);
		oc_esp_sa_set_seq(&algs[i].out, 0);
	}
	while (size >= 3 && records++ < 256) {
		flags = data[0];
		n = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (n > size)
			n = size;
		a = &algs[(flags >> 2 & 7) % N_ALGS];
		switch (flags & 3) {
		case 0:
			decrypt_raw(a, data, n);
			break;
		case 1:
			decrypt_sealed(a, data, n);
			break;
		case 2:
			round_trip(a, flags >> 5 & 1, data, n);
			break;
		default:
			misuse(a, data, n);
			break;
		}
		data += n;
		size -= n;
	}
	return 0;
}
