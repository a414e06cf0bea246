/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "esp.h"
#include "num.h"
#include "pkt.h"

#define N_ELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_PKT		2048

/*
 * The table row being run, named in the output only when a check fails:
 * EQ_INT and EQ_MEM print it, then make the typed assert. Cleared before
 * each test.
 */
static char row[160];

#define ROW(...)	snprintf(row, sizeof(row), __VA_ARGS__)

static void row_print(void)
{
	if (row[0])
		print_message("# failed in row: %s\n", row);
}

#define EQ_INT(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_)						\
			row_print();					\
		assert_int_equal(a_, b_);				\
	} while (0)

#define EQ_MEM(a, b, n)							\
	do {								\
		if (memcmp((a), (b), (n)))				\
			row_print();					\
		assert_memory_equal((a), (b), (n));			\
	} while (0)

static int row_clear(void **state)
{
	row[0] = '\0';
	return 0;
}

/* Hex (spaces allowed, for readability) to bytes; fails the test on junk. */
static size_t unhex(const char *s, unsigned char *out, size_t max)
{
	char clean[4096];
	size_t n = 0, len;

	for (; *s; s++)
		if (*s != ' ') {
			assert_true(n < sizeof(clean));
			clean[n++] = *s;
		}
	EQ_INT(oc_hex_decode(clean, n, out, max, &len), 0);
	return len;
}

/* ---- Backend: AES-CBC known answers ------------------------------------ */

struct cbc_case {
	const char *name;
	enum oc_esp_enc alg;
	const char *key, *iv, *pt, *ct;
};

static const struct cbc_case cbc_cases[] = {
	/* RFC 3602, section 4, cases 1 to 4 */
	{ "RFC 3602 #1", OC_ESP_ENC_AES128_CBC,
	  "06a9214036b8a15b512e03d534120006",
	  "3dafba429d9eb430b422da802c9fac41",
	  "53696e676c6520626c6f636b206d7367",	/* "Single block msg" */
	  "e353779c1079aeb82708942dbe77181a" },
	{ "RFC 3602 #2", OC_ESP_ENC_AES128_CBC,
	  "c286696d887c9aa0611bbb3e2025a45a",
	  "562e17996d093d28ddb3ba695a2e6f58",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	{ "RFC 3602 #3", OC_ESP_ENC_AES128_CBC,
	  "6c3ea0477630ce21a2ce334aa746c2cd",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  /* "This is a 48-byte message (exactly 3 AES blocks)" */
	  "5468697320697320612034382d62797465206d657373616765202865786163746c"
	  "7920332041455320626c6f636b7329",
	  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	  "021c19216bad525c8579695d83ba2684" },
	{ "RFC 3602 #4", OC_ESP_ENC_AES128_CBC,
	  "56e47a38c5598974bc46903dba290349",
	  "8ce82eefbea0da3c44699ed7db51b7d9",
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
	  "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
	  "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55" },
	/* NIST SP 800-38A, F.2.5 (CBC-AES256.Encrypt): RFC 3602 has no
	 * AES-256 case */
	{ "SP 800-38A F.2.5", OC_ESP_ENC_AES256_CBC,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b" },
};

static void run_cbc_case(const struct cbc_case *c)
{
	unsigned char key[32], iv[16], pt[64], ct[64], buf[64];
	struct oc_esp_cipher *e, *d;
	size_t klen, n;

	ROW("cbc case %s", c->name);
	klen = unhex(c->key, key, sizeof(key));
	EQ_INT(unhex(c->iv, iv, sizeof(iv)), 16);
	n = unhex(c->pt, pt, sizeof(pt));
	EQ_INT(unhex(c->ct, ct, sizeof(ct)), n);

	EQ_INT(oc_esp_cipher_new(&e, c->alg, 1, key, klen), 0);
	EQ_INT(oc_esp_cipher_new(&d, c->alg, 0, key, klen), 0);
	/* Twice each: the IV is set afresh per call, the key stays. */
	for (int round = 0; round < 2; round++) {
		memcpy(buf, pt, n);
		EQ_INT(oc_esp_cipher_cbc(e, iv, buf, n), 0);
		EQ_MEM(buf, ct, n);
		EQ_INT(oc_esp_cipher_cbc(d, iv, buf, n), 0);
		EQ_MEM(buf, pt, n);
	}
	oc_esp_cipher_free(e);
	oc_esp_cipher_free(d);
}

static void test_cbc_kat(void **state)
{
	for (size_t i = 0; i < N_ELEM(cbc_cases); i++)
		run_cbc_case(&cbc_cases[i]);
}

static void test_cipher_errors(void **state)
{
	static const size_t bad128[] = { 0, 15, 17, 24, 32 };
	static const size_t bad256[] = { 0, 16, 24, 31, 33 };
	unsigned char key[40] = { 0 }, iv[16] = { 0 }, buf[48] = { 0 };
	struct oc_esp_cipher *c = (struct oc_esp_cipher *)key;
	size_t i;

	for (i = 0; i < N_ELEM(bad128); i++) {
		ROW("aes128 key length %zu", bad128[i]);
		EQ_INT(oc_esp_cipher_new(&c, OC_ESP_ENC_AES128_CBC,
		       1, key, bad128[i]), -EINVAL);
		assert_null(c);
	}
	for (i = 0; i < N_ELEM(bad256); i++) {
		ROW("aes256 key length %zu", bad256[i]);
		EQ_INT(oc_esp_cipher_new(&c, OC_ESP_ENC_AES256_CBC,
		       0, key, bad256[i]), -EINVAL);
		assert_null(c);
	}
	EQ_INT(oc_esp_cipher_new(&c, 0, 1, key, 16), -EINVAL);
	EQ_INT(oc_esp_cipher_new(&c, OC_ESP_ENC_AES128_CBC, 1, key,
	       16), 0);
	EQ_INT(oc_esp_cipher_cbc(c, iv, buf, 15), -EINVAL);
	EQ_INT(oc_esp_cipher_cbc(c, iv, buf, 17), -EINVAL);
	EQ_INT(oc_esp_cipher_cbc(c, iv, buf, 0), 0);
	EQ_INT(oc_esp_cipher_cbc(c, iv, buf, 48), 0);
	oc_esp_cipher_free(c);
	oc_esp_cipher_free(NULL);
}

/* ---- Backend: HMAC known answers --------------------------------------- */

/* Test inputs: text, or one byte repeated. */
struct blob {
	const char *text;
	unsigned char fill;
	size_t n;
};

#define TEXT(s)		{ s, 0, sizeof(s) - 1 }
#define FILL(b, n)	{ NULL, b, n }
/* RFC 2202 and 4231 case 4 key: 0x01 .. 0x19 */
#define KEY25		{ "\x01\x02\x03\x04\x05\x06\x07\x08\x09"	\
			  "\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12"	\
			  "\x13\x14\x15\x16\x17\x18\x19", 0, 25 }

static size_t blob_get(const struct blob *b, unsigned char *out)
{
	if (b->text)
		memcpy(out, b->text, b->n);
	else
		memset(out, b->fill, b->n);
	return b->n;
}

struct hmac_case {
	const char *name;
	enum oc_esp_auth alg;
	struct blob key, data;
	const char *mac;	/* full; NULL: only the truncated one given */
	const char *trunc;	/* truncated to the ICV length */
};

#define LONG_KEY_MSG	"Test Using Larger Than Block-Size Key - " \
			"Hash Key First"
#define LONG_DATA_MSG	"Test Using Larger Than Block-Size Key and " \
			"Larger Than One Block-Size Data"
#define RFC4231_7_MSG	"This is a test using a larger than block-size " \
			"key and a larger than block-size data. The key " \
			"needs to be hashed before being used by the HMAC " \
			"algorithm."

static const struct hmac_case hmac_cases[] = {
	/* RFC 2202, section 3: HMAC-SHA1 */
	{ "RFC 2202 SHA1 #1", OC_ESP_AUTH_HMAC_SHA1_96, FILL(0x0b, 20),
	  TEXT("Hi There"),
	  "b617318655057264e28bc0b6fb378c8ef146be00",
	  "b617318655057264e28bc0b6" },
	{ "RFC 2202 SHA1 #2", OC_ESP_AUTH_HMAC_SHA1_96, TEXT("Jefe"),
	  TEXT("what do ya want for nothing?"),
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
	  "effcdf6ae5eb2fa2d27416d5" },
	{ "RFC 2202 SHA1 #3", OC_ESP_AUTH_HMAC_SHA1_96, FILL(0xaa, 20),
	  FILL(0xdd, 50),
	  "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
	  "125d7342b9ac11cd91a39af4" },
	{ "RFC 2202 SHA1 #4", OC_ESP_AUTH_HMAC_SHA1_96, KEY25, FILL(0xcd, 50),
	  "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
	  "4c9007f4026250c6bc8414f9" },
	{ "RFC 2202 SHA1 #5", OC_ESP_AUTH_HMAC_SHA1_96, FILL(0x0c, 20),
	  TEXT("Test With Truncation"),
	  "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
	  "4c1a03424b55e07fe7f27be1" },
	{ "RFC 2202 SHA1 #6", OC_ESP_AUTH_HMAC_SHA1_96, FILL(0xaa, 80),
	  TEXT(LONG_KEY_MSG),
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112",
	  "aa4ae5e15272d00e95705637" },
	{ "RFC 2202 SHA1 #7", OC_ESP_AUTH_HMAC_SHA1_96, FILL(0xaa, 80),
	  TEXT(LONG_DATA_MSG),
	  "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
	  "e8e99d0f45237d786d6bbaa7" },
	/* RFC 2202, section 2: HMAC-MD5 */
	{ "RFC 2202 MD5 #1", OC_ESP_AUTH_HMAC_MD5_96, FILL(0x0b, 16),
	  TEXT("Hi There"),
	  "9294727a3638bb1c13f48ef8158bfc9d", "9294727a3638bb1c13f48ef8" },
	{ "RFC 2202 MD5 #2", OC_ESP_AUTH_HMAC_MD5_96, TEXT("Jefe"),
	  TEXT("what do ya want for nothing?"),
	  "750c783e6ab0b503eaa86e310a5db738", "750c783e6ab0b503eaa86e31" },
	{ "RFC 2202 MD5 #3", OC_ESP_AUTH_HMAC_MD5_96, FILL(0xaa, 16),
	  FILL(0xdd, 50),
	  "56be34521d144c88dbb8c733f0e8b3f6", "56be34521d144c88dbb8c733" },
	{ "RFC 2202 MD5 #4", OC_ESP_AUTH_HMAC_MD5_96, KEY25, FILL(0xcd, 50),
	  "697eaf0aca3a3aea3a75164746ffaa79", "697eaf0aca3a3aea3a751647" },
	{ "RFC 2202 MD5 #5", OC_ESP_AUTH_HMAC_MD5_96, FILL(0x0c, 16),
	  TEXT("Test With Truncation"),
	  "56461ef2342edc00f9bab995690efd4c", "56461ef2342edc00f9bab995" },
	{ "RFC 2202 MD5 #6", OC_ESP_AUTH_HMAC_MD5_96, FILL(0xaa, 80),
	  TEXT(LONG_KEY_MSG),
	  "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd", "6b1ab7fe4bd7bf8f0b62e6ce" },
	{ "RFC 2202 MD5 #7", OC_ESP_AUTH_HMAC_MD5_96, FILL(0xaa, 80),
	  TEXT(LONG_DATA_MSG),
	  "6f630fad67cda0ee1fb1f562db3aa53e", "6f630fad67cda0ee1fb1f562" },
	/* RFC 4231, section 4: HMAC-SHA256 (case 5 gives 128 bits only) */
	{ "RFC 4231 SHA256 #1", OC_ESP_AUTH_HMAC_SHA256_128, FILL(0x0b, 20),
	  TEXT("Hi There"),
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "b0344c61d8db38535ca8afceaf0bf12b" },
	{ "RFC 4231 SHA256 #2", OC_ESP_AUTH_HMAC_SHA256_128, TEXT("Jefe"),
	  TEXT("what do ya want for nothing?"),
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "5bdcc146bf60754e6a042426089575c7" },
	{ "RFC 4231 SHA256 #3", OC_ESP_AUTH_HMAC_SHA256_128, FILL(0xaa, 20),
	  FILL(0xdd, 50),
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "773ea91e36800e46854db8ebd09181a7" },
	{ "RFC 4231 SHA256 #4", OC_ESP_AUTH_HMAC_SHA256_128, KEY25,
	  FILL(0xcd, 50),
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "82558a389a443c0ea4cc819899f2083a" },
	{ "RFC 4231 SHA256 #5", OC_ESP_AUTH_HMAC_SHA256_128, FILL(0x0c, 20),
	  TEXT("Test With Truncation"), NULL,
	  "a3b6167473100ee06e0c796c2955552b" },
	{ "RFC 4231 SHA256 #6", OC_ESP_AUTH_HMAC_SHA256_128, FILL(0xaa, 131),
	  TEXT(LONG_KEY_MSG),
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "60e431591ee0b67f0d8a26aacbf5b77f" },
	{ "RFC 4231 SHA256 #7", OC_ESP_AUTH_HMAC_SHA256_128, FILL(0xaa, 131),
	  TEXT(RFC4231_7_MSG),
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "9b09ffa71b942fcb27635fbcd5b0e944" },
};

static void run_hmac_case(const struct hmac_case *c)
{
	unsigned char key[160], data[160], want[32], got[32];
	size_t klen, dlen, n, icv = oc_esp_icv_len(c->alg);
	struct oc_esp_hmac *h;

	ROW("hmac case %s", c->name);
	klen = blob_get(&c->key, key);
	dlen = blob_get(&c->data, data);
	EQ_INT(oc_esp_hmac_new(&h, c->alg, key, klen), 0);
	if (c->mac) {
		n = unhex(c->mac, want, sizeof(want));
		EQ_INT(oc_esp_hmac(h, data, dlen, got, n), 0);
		EQ_MEM(got, want, n);
		/* One byte more than the hash has is refused. */
		EQ_INT(oc_esp_hmac(h, data, dlen, got, n + 1),
		       -EINVAL);
	}
	EQ_INT(unhex(c->trunc, want, sizeof(want)), icv);
	memset(got, 0xee, sizeof(got));
	EQ_INT(oc_esp_hmac(h, data, dlen, got, icv), 0);
	EQ_MEM(got, want, icv);
	EQ_INT(got[icv], 0xee);	/* no more than asked */
	oc_esp_hmac_free(h);
}

static void test_hmac_kat(void **state)
{
	struct oc_esp_hmac *h;

	for (size_t i = 0; i < N_ELEM(hmac_cases); i++)
		run_hmac_case(&hmac_cases[i]);
	EQ_INT(oc_esp_hmac_new(&h, 0, (const unsigned char *)"k",
	       1), -EINVAL);
	assert_null(h);
	oc_esp_hmac_free(NULL);
}

/* ---- Algorithm names and sizes ----------------------------------------- */

static void test_lookup(void **state)
{
	static const struct {
		const char *name;
		int enc, auth;
	} cases[] = {
		{ "aes-128-cbc", OC_ESP_ENC_AES128_CBC, -EPROTONOSUPPORT },
		{ "aes128", OC_ESP_ENC_AES128_CBC, -EPROTONOSUPPORT },
		{ "AES-128-CBC", OC_ESP_ENC_AES128_CBC, -EPROTONOSUPPORT },
		{ "aes-256-cbc", OC_ESP_ENC_AES256_CBC, -EPROTONOSUPPORT },
		{ "aes256", OC_ESP_ENC_AES256_CBC, -EPROTONOSUPPORT },
		{ "sha1", -EPROTONOSUPPORT, OC_ESP_AUTH_HMAC_SHA1_96 },
		{ "SHA1", -EPROTONOSUPPORT, OC_ESP_AUTH_HMAC_SHA1_96 },
		{ "md5", -EPROTONOSUPPORT, OC_ESP_AUTH_HMAC_MD5_96 },
		{ "sha256", -EPROTONOSUPPORT, OC_ESP_AUTH_HMAC_SHA256_128 },
		{ "aes-128-gcm", -EPROTONOSUPPORT, -EPROTONOSUPPORT },
		{ "aes-192-cbc", -EPROTONOSUPPORT, -EPROTONOSUPPORT },
		{ "aes-128-cbc ", -EPROTONOSUPPORT, -EPROTONOSUPPORT },
		{ "sha384", -EPROTONOSUPPORT, -EPROTONOSUPPORT },
		{ "", -EPROTONOSUPPORT, -EPROTONOSUPPORT },
		{ NULL, -EPROTONOSUPPORT, -EPROTONOSUPPORT },
	};

	for (size_t i = 0; i < N_ELEM(cases); i++) {
		ROW("lookup case %zu", i);
		EQ_INT(oc_esp_enc_lookup(cases[i].name),
		       cases[i].enc);
		EQ_INT(oc_esp_auth_lookup(cases[i].name),
		       cases[i].auth);
	}
	EQ_INT(oc_esp_icv_len(OC_ESP_AUTH_HMAC_MD5_96), 12);
	EQ_INT(oc_esp_icv_len(OC_ESP_AUTH_HMAC_SHA1_96), 12);
	EQ_INT(oc_esp_icv_len(OC_ESP_AUTH_HMAC_SHA256_128), 16);
	EQ_INT(oc_esp_icv_len(0), 0);
}

static void test_inner_mtu(void **state)
{
	static const struct {
		enum oc_esp_auth auth;
		size_t room, want;
	} cases[] = {
		/* PROTOCOL.md: base 1500 over IPv4 with SHA1 gives 1422 */
		{ OC_ESP_AUTH_HMAC_SHA1_96, 1500 - 20 - 8, 1422 },
		{ OC_ESP_AUTH_HMAC_MD5_96, 1500 - 20 - 8, 1422 },
		{ OC_ESP_AUTH_HMAC_SHA256_128, 1500 - 20 - 8, 1422 },
		{ OC_ESP_AUTH_HMAC_SHA256_128, 1500 - 40 - 8, 1406 },
		{ OC_ESP_AUTH_HMAC_SHA1_96, 24 + 12 + 16, 14 },
		{ OC_ESP_AUTH_HMAC_SHA1_96, 24 + 12 + 15, 0 },
		{ OC_ESP_AUTH_HMAC_SHA1_96, 0, 0 },
		{ 0, 1500, 0 },
	};

	for (size_t i = 0; i < N_ELEM(cases); i++) {
		ROW("mtu case %zu", i);
		EQ_INT(oc_esp_inner_mtu(cases[i].auth,
		       cases[i].room),
		       cases[i].want);
	}
}

/* ---- SAs --------------------------------------------------------------- */

struct pair {
	const char *enc, *auth;
	enum oc_esp_enc enc_id;
	enum oc_esp_auth auth_id;
	size_t ekey_len, akey_len, icv_len;
};

static const struct pair pairs[] = {
	{ "aes-128-cbc", "sha1", OC_ESP_ENC_AES128_CBC,
	  OC_ESP_AUTH_HMAC_SHA1_96, 16, 20, 12 },
	{ "aes-128-cbc", "md5", OC_ESP_ENC_AES128_CBC,
	  OC_ESP_AUTH_HMAC_MD5_96, 16, 16, 12 },
	{ "aes-128-cbc", "sha256", OC_ESP_ENC_AES128_CBC,
	  OC_ESP_AUTH_HMAC_SHA256_128, 16, 32, 16 },
	{ "aes-256-cbc", "sha1", OC_ESP_ENC_AES256_CBC,
	  OC_ESP_AUTH_HMAC_SHA1_96, 32, 20, 12 },
	{ "aes-256-cbc", "md5", OC_ESP_ENC_AES256_CBC,
	  OC_ESP_AUTH_HMAC_MD5_96, 32, 16, 12 },
	{ "aes-256-cbc", "sha256", OC_ESP_ENC_AES256_CBC,
	  OC_ESP_AUTH_HMAC_SHA256_128, 32, 32, 16 },
};

#define SPI	0x1234abcdu

static unsigned char ekey[32], akey[32];

static void fill_keys(void)
{
	for (int i = 0; i < 32; i++) {
		ekey[i] = (unsigned char)(0x40 + i);
		akey[i] = (unsigned char)(0x80 + 3 * i);
	}
}

static struct oc_esp_sa_params params_of(const struct pair *pp, uint32_t spi)
{
	struct oc_esp_sa_params p = {
		spi, pp->enc, pp->auth, ekey, pp->ekey_len, akey, pp->akey_len
	};

	return p;
}

static void sa_new(const struct pair *pp, enum oc_esp_dir dir,
		   struct oc_esp_sa *sa)
{
	struct oc_esp_sa_params p = params_of(pp, SPI);

	fill_keys();
	EQ_INT(oc_esp_sa_init(sa, dir, &p), 0);
	assert_true(oc_esp_sa_isset(sa));
}

static int sa_init_with(const char *enc, const char *auth, size_t elen,
			size_t alen, uint32_t spi, int dir)
{
	struct oc_esp_sa_params p = { spi, enc, auth, ekey, elen, akey, alen };
	struct oc_esp_sa sa;
	int ret;

	fill_keys();
	memset(&sa, 0x5a, sizeof(sa));
	ret = oc_esp_sa_init(&sa, (enum oc_esp_dir)dir, &p);
	if (ret) {
		/* Left unset, so freeing it again is harmless. */
		assert_false(oc_esp_sa_isset(&sa));
		assert_null(sa.cipher);
		assert_null(sa.hmac);
	}
	oc_esp_sa_free(&sa);
	return ret;
}

static void test_sa_init(void **state)
{
	static const struct {
		const char *enc, *auth;
		size_t elen, alen;
		uint32_t spi;
		int dir, want;
	} cases[] = {
		{ "aes-128-cbc", "sha1", 16, 20, 1, OC_ESP_OUT, 0 },
		{ "aes128", "md5", 16, 16, 1, OC_ESP_IN, 0 },
		{ "aes-256-cbc", "sha256", 32, 32, 1, OC_ESP_OUT, 0 },
		{ "aes256", "sha1", 32, 20, ~0u, OC_ESP_IN, 0 },
		/* key lengths checked against the algorithm */
		{ "aes-128-cbc", "sha1", 32, 20, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-128-cbc", "sha1", 15, 20, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-256-cbc", "sha1", 16, 20, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-256-cbc", "sha1", 24, 20, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-128-cbc", "sha1", 16, 16, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-128-cbc", "sha1", 16, 32, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-128-cbc", "md5", 16, 20, 1, OC_ESP_OUT, -EINVAL },
		{ "aes-128-cbc", "sha256", 16, 20, 1, OC_ESP_IN, -EINVAL },
		{ "aes-128-cbc", "sha256", 16, 0, 1, OC_ESP_IN, -EINVAL },
		{ "aes-128-cbc", "sha1", 0, 20, 1, OC_ESP_IN, -EINVAL },
		/* unknown algorithms: the caller runs without ESP */
		{ "aes-128-gcm", "sha1", 16, 20, 1, OC_ESP_OUT,
		  -EPROTONOSUPPORT },
		{ "aes-128-cbc", "sha512", 16, 64, 1, OC_ESP_OUT,
		  -EPROTONOSUPPORT },
		{ NULL, "sha1", 16, 20, 1, OC_ESP_OUT, -EPROTONOSUPPORT },
		{ "aes-128-cbc", NULL, 16, 20, 1, OC_ESP_OUT,
		  -EPROTONOSUPPORT },
		/* SPI 0 is never on the wire; no such direction */
		{ "aes-128-cbc", "sha1", 16, 20, 0, OC_ESP_OUT, -EINVAL },
		{ "aes-128-cbc", "sha1", 16, 20, 1, 0, -EINVAL },
		{ "aes-128-cbc", "sha1", 16, 20, 1, 3, -EINVAL },
	};
	struct oc_esp_sa_params p = { 1, "aes-128-cbc", "sha1", NULL, 16,
				      akey, 20 };
	struct oc_esp_sa sa;

	for (size_t i = 0; i < N_ELEM(cases); i++) {
		ROW("sa case %zu", i);
		EQ_INT(sa_init_with(cases[i].enc, cases[i].auth,
		       cases[i].elen, cases[i].alen,
		       cases[i].spi, cases[i].dir),
		       cases[i].want);
	}
	/* No key at all */
	EQ_INT(oc_esp_sa_init(&sa, OC_ESP_OUT, &p), -EINVAL);
	p.ekey = ekey;
	p.akey = NULL;
	EQ_INT(oc_esp_sa_init(&sa, OC_ESP_OUT, &p), -EINVAL);
	oc_esp_sa_free(&sa);
}

/* ---- Round trips ------------------------------------------------------- */

static void fill_inner(unsigned char *p, size_t n, unsigned int salt)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + salt);
}

static size_t esp_len(const struct pair *pp, size_t inner)
{
	size_t pt = (inner + 2 + 15) / 16 * 16;

	return OC_ESP_HEADROOM + pt + pp->icv_len;
}

static uint32_t be32_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* One inner packet out through @out and back in through @in. */
static void round_trip(const struct pair *pp, struct oc_esp_sa *out,
		       struct oc_esp_sa *in, size_t n, uint8_t nh)
{
	unsigned char inner[1500];
	struct oc_pkt *p = oc_pkt_new(1500);
	uint32_t seq = out->seq + 1;
	uint8_t got_nh = 0;

	assert_non_null(p);
	fill_inner(inner, n, (unsigned int)seq);
	oc_buf_put(&p->b, inner, n);
	EQ_INT(oc_esp_encrypt(out, &p->b, nh), 0);
	EQ_INT(p->b.len, esp_len(pp, n));
	EQ_INT(be32_at(p->b.data), SPI);
	EQ_INT(be32_at(p->b.data + 4), seq);
	EQ_INT(oc_esp_peek_spi(&p->b), SPI);

	EQ_INT(oc_esp_decrypt(in, &p->b, &got_nh), 0);
	EQ_INT(got_nh, nh);
	EQ_INT(p->b.len, n);
	EQ_MEM(p->b.data, inner, n);
	EQ_INT(p->b.head, OC_PKT_HEADROOM);
	oc_pkt_free(p);
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
		1400, 1422, 1500,
	};
	struct oc_esp_sa out, in;
	size_t i, j;

	for (i = 0; i < N_ELEM(pairs); i++) {
		sa_new(&pairs[i], OC_ESP_OUT, &out);
		sa_new(&pairs[i], OC_ESP_IN, &in);
		for (j = 0; j < N_ELEM(sizes); j++) {
			ROW("%s/%s, %zu bytes", pairs[i].enc, pairs[i].auth,
			    sizes[j]);
			round_trip(&pairs[i], &out, &in, sizes[j],
				   OC_ESP_NH_IPV4);
			round_trip(&pairs[i], &out, &in, sizes[j],
				   OC_ESP_NH_IPV6);
		}
		EQ_INT(out.seq, 2 * N_ELEM(sizes));
		oc_esp_sa_free(&out);
		oc_esp_sa_free(&in);
	}
}

/* ---- Packets computed another way -------------------------------------- */

/*
 * An ESP packet assembled from its parts with the backend alone: a second
 * computation to hold oc_esp_encrypt() against, and the way to make the
 * malformed packets it never makes. @pt is the whole plaintext, trailer
 * included, in whole blocks.
 */
static size_t craft(const struct pair *pp, uint32_t spi, uint32_t seq,
		    const unsigned char *iv, const unsigned char *pt,
		    size_t pt_len, unsigned char *out)
{
	struct oc_esp_cipher *c;
	struct oc_esp_hmac *h;
	size_t len = OC_ESP_HEADROOM + pt_len;

	fill_keys();
	EQ_INT(oc_esp_cipher_new(&c, pp->enc_id, 1, ekey,
	       pp->ekey_len), 0);
	EQ_INT(oc_esp_hmac_new(&h, pp->auth_id, akey,
	       pp->akey_len), 0);
	for (int i = 0; i < 4; i++) {
		out[i] = (unsigned char)(spi >> (24 - 8 * i));
		out[4 + i] = (unsigned char)(seq >> (24 - 8 * i));
	}
	memcpy(out + 8, iv, 16);
	memcpy(out + 24, pt, pt_len);
	EQ_INT(oc_esp_cipher_cbc(c, iv, out + 24, pt_len), 0);
	EQ_INT(oc_esp_hmac(h, out, len, out + len, pp->icv_len), 0);
	oc_esp_cipher_free(c);
	oc_esp_hmac_free(h);
	return len + pp->icv_len;
}

/* Plaintext of @n inner bytes with a correct trailer. */
static size_t plaintext(unsigned char *pt, size_t n, uint8_t nh)
{
	size_t pad = (16 - (n + 2) % 16) % 16, i;

	fill_inner(pt, n, 0);
	for (i = 0; i < pad; i++)
		pt[n + i] = (unsigned char)(i + 1);
	pt[n + pad] = (unsigned char)pad;
	pt[n + pad + 1] = nh;
	return n + pad + 2;
}

static const unsigned char fixed_iv[16] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

/* Each pair, each trailer length: oc_esp_encrypt_iv() == craft(). */
static void test_fixed_iv_vs_craft(void **state)
{
	unsigned char pt[64], want[128], inner[64];
	struct oc_esp_sa out;
	struct oc_buf b;
	unsigned char mem[256];
	size_t i, n, len;

	for (i = 0; i < N_ELEM(pairs); i++) {
		sa_new(&pairs[i], OC_ESP_OUT, &out);
		for (n = 0; n <= 33; n++) {
			ROW("%s/%s, %zu bytes", pairs[i].enc, pairs[i].auth,
			    n);
			len = craft(&pairs[i], SPI, out.seq + 1, fixed_iv, pt,
				    plaintext(pt, n, OC_ESP_NH_IPV6), want);
			oc_buf_init_fixed(&b, mem, sizeof(mem));
			oc_buf_put_zero(&b, OC_ESP_HEADROOM);
			oc_buf_pull_head(&b, OC_ESP_HEADROOM);
			fill_inner(inner, n, 0);
			oc_buf_put(&b, inner, n);
			EQ_INT(oc_esp_encrypt_iv(&out, &b,
			       OC_ESP_NH_IPV6,
			       fixed_iv), 0);
			EQ_INT(b.len, len);
			EQ_MEM(b.data, want, len);
		}
		oc_esp_sa_free(&out);
	}
}

/*
 * Two packets whose bytes were computed with the openssl command line
 * (enc -nopad for the ciphertext, mac HMAC for the ICV), independent of
 * this code: key bytes, IV and SPI as below.
 */
struct kat_pkt {
	const char *name;
	size_t pair;
	const char *ekey, *akey, *iv;
	uint32_t spi, seq;
	uint8_t nh;
	const char *inner, *packet;
};

static const struct kat_pkt kat_pkts[] = {
	{ "aes-128-cbc/sha1, IPv4, seq 1", 0,
	  "0123456789abcdeffedcba9876543210",
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3",
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 0x12345678, 1, 4,
	  "4500001400000000400100007f0000017f000001",
	  "1234567800000001f0f1f2f3f4f5f6f7 f8f9fafbfcfdfeff8b8e980523e73123"
	  "cf4b4dba09f3bcef852c4e997b833b7b e0ce6534e0e5596ee912ec813ffedeb2"
	  "4aed6b72" },
	{ "aes-256-cbc/sha256, IPv6, seq 42", 5,
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
	  "00112233445566778899aabbccddeeff", 0x87654321, 42, 41,
	  "6000000000083a40200108db000000000000000000000001"
	  "200108db000000000000000000000002",
	  "876543210000002a0011223344556677 8899aabbccddeeff695cb16221db2364"
	  "7be03e2e886b71b40bdef196e4e07c07 d8d1e323204c51a0ffac6bc636f7b747"
	  "47c4fef5149a0c657aa5688b58d9b211 cbead5a2c37a220d" },
};

static void run_kat_pkt(const struct kat_pkt *k)
{
	const struct pair *pp = &pairs[k->pair];
	unsigned char ek[32], ak[32], iv[16], inner[64], want[160];
	struct oc_esp_sa_params p = { k->spi, pp->enc, pp->auth, ek, 0, ak, 0 };
	struct oc_esp_sa out, in;
	struct oc_pkt *pk = oc_pkt_new(1500);
	size_t n, len;
	uint8_t nh;

	ROW("known packet %s", k->name);
	p.ekey_len = unhex(k->ekey, ek, sizeof(ek));
	p.akey_len = unhex(k->akey, ak, sizeof(ak));
	unhex(k->iv, iv, sizeof(iv));
	n = unhex(k->inner, inner, sizeof(inner));
	len = unhex(k->packet, want, sizeof(want));
	EQ_INT(oc_esp_sa_init(&out, OC_ESP_OUT, &p), 0);
	EQ_INT(oc_esp_sa_init(&in, OC_ESP_IN, &p), 0);
	oc_esp_sa_set_seq(&out, k->seq - 1);

	oc_buf_put(&pk->b, inner, n);
	EQ_INT(oc_esp_encrypt_iv(&out, &pk->b, k->nh, iv), 0);
	EQ_INT(pk->b.len, len);
	EQ_MEM(pk->b.data, want, len);
	EQ_INT(oc_esp_decrypt(&in, &pk->b, &nh), 0);
	EQ_INT(nh, k->nh);
	EQ_INT(pk->b.len, n);
	EQ_MEM(pk->b.data, inner, n);

	oc_pkt_free(pk);
	oc_esp_sa_free(&out);
	oc_esp_sa_free(&in);
}

static void test_known_packets(void **state)
{
	for (size_t i = 0; i < N_ELEM(kat_pkts); i++)
		run_kat_pkt(&kat_pkts[i]);
}

/*
 * The derived IVs: different for every packet and every SA (the IV key is
 * drawn per SA), and not the counter block in the clear.
 */
static void test_iv(void **state)
{
	unsigned char ivs[3][16], counter[16] = { 0 };
	struct oc_esp_sa a, b;
	struct oc_pkt *p = oc_pkt_new(100);
	struct oc_esp_sa *sa;

	sa_new(&pairs[0], OC_ESP_OUT, &a);
	sa_new(&pairs[0], OC_ESP_OUT, &b);
	for (int i = 0; i < 3; i++) {
		sa = i < 2 ? &a : &b;
		oc_pkt_reset(p);
		oc_buf_put(&p->b, "x", 1);
		EQ_INT(oc_esp_encrypt(sa, &p->b, 4), 0);
		memcpy(ivs[i], p->b.data + OC_ESP_HDR_LEN, 16);
	}
	assert_memory_not_equal(ivs[0], ivs[1], 16);	/* a: seq 1, 2 */
	assert_memory_not_equal(ivs[0], ivs[2], 16);	/* a, b: seq 1 */
	counter[15] = 1;
	assert_memory_not_equal(ivs[0], counter, 16);
	oc_pkt_free(p);
	oc_esp_sa_free(&a);
	oc_esp_sa_free(&b);
}

/* ---- Rejections -------------------------------------------------------- */

/* Decrypts a copy of @pkt in a fresh buffer, as a receive would. */
static int try_in(struct oc_esp_sa *in, const unsigned char *pkt,
		  size_t len)
{
	unsigned char mem[MAX_PKT];
	struct oc_buf b;
	uint8_t nh = 0;

	assert_true(len <= sizeof(mem));
	oc_buf_init_fixed(&b, mem, sizeof(mem));
	oc_buf_put(&b, pkt, len);
	return oc_esp_decrypt(in, &b, &nh);
}

/* A good packet of @n inner bytes, numbered @seq, from pair @pp. */
static size_t good_pkt(const struct pair *pp, uint32_t seq, size_t n,
		       unsigned char *out)
{
	unsigned char pt[MAX_PKT];

	return craft(pp, SPI, seq, fixed_iv, pt,
		     plaintext(pt, n, OC_ESP_NH_IPV4), out);
}

static void test_reject_length(void **state)
{
	static const size_t short_lens[] = { 0, 1, 4, 8, 24, 24 + 16, 51 };
	const struct pair *pp = &pairs[0];
	unsigned char pkt[MAX_PKT] = { 0 };
	size_t len, min = OC_ESP_HEADROOM + 16 + pp->icv_len;
	struct oc_esp_sa in;
	struct oc_buf b;
	uint8_t nh;

	sa_new(pp, OC_ESP_IN, &in);
	len = good_pkt(pp, 1, 14, pkt);		/* one block */
	EQ_INT(len, min);
	for (size_t i = 0; i < N_ELEM(short_lens); i++) {
		ROW("short length %zu", short_lens[i]);
		EQ_INT(try_in(&in, pkt, short_lens[i]), -EMSGSIZE);
	}
	/* Ciphertext not a whole number of blocks: one byte more or less
	 * (the ICV is taken from the end). */
	len = good_pkt(pp, 1, 100, pkt);
	EQ_INT(try_in(&in, pkt, len - 1), -EMSGSIZE);
	EQ_INT(try_in(&in, pkt, len + 1), -EMSGSIZE);
	EQ_INT(try_in(&in, pkt, len - 8), -EMSGSIZE);
	EQ_INT(try_in(&in, pkt, len), 0);

	/* Decrypting happens in place: a read-only buffer will not do. */
	oc_buf_init_ro(&b, pkt, len);
	EQ_INT(oc_esp_decrypt(&in, &b, &nh), -EINVAL);
	oc_esp_sa_free(&in);
}

static void test_reject_spi(void **state)
{
	const struct pair *pp = &pairs[0];
	unsigned char pkt[MAX_PKT], pt[64];
	struct oc_esp_sa in;
	struct oc_buf b;
	size_t len;

	sa_new(pp, OC_ESP_IN, &in);
	len = craft(pp, SPI + 1, 1, fixed_iv, pt,
		    plaintext(pt, 20, OC_ESP_NH_IPV4), pkt);
	EQ_INT(try_in(&in, pkt, len), -ENOENT);
	oc_buf_init_ro(&b, pkt, len);
	EQ_INT(oc_esp_peek_spi(&b), SPI + 1);
	oc_buf_init_ro(&b, pkt, 3);
	EQ_INT(oc_esp_peek_spi(&b), 0);
	oc_buf_init_ro(&b, pkt, 4);
	EQ_INT(oc_esp_peek_spi(&b), SPI + 1);
	/* The SPI is checked before the ICV. */
	pkt[len - 1] ^= 1;
	EQ_INT(try_in(&in, pkt, len), -ENOENT);
	oc_esp_sa_free(&in);
}

/* Every ICV byte flipped, and one byte each of IV, ciphertext and
 * sequence number; a forgery far ahead; none moves the window. */
static void icv_flips(const struct pair *pp)
{
	unsigned char pkt[MAX_PKT], bad[MAX_PKT];
	struct oc_esp_sa in;
	size_t len, i;
	static const size_t others[] = { 4, 7, 8, 23, 24, 40 };

	sa_new(pp, OC_ESP_IN, &in);
	len = good_pkt(pp, 5, 30, pkt);
	for (i = len - pp->icv_len; i < len; i++) {
		memcpy(bad, pkt, len);
		bad[i] ^= 0x80;
		EQ_INT(try_in(&in, bad, len), -EBADMSG);
	}
	for (i = 0; i < N_ELEM(others); i++) {
		memcpy(bad, pkt, len);
		bad[others[i]] ^= 0x01;
		EQ_INT(try_in(&in, bad, len), -EBADMSG);
	}
	len = good_pkt(pp, 1000000, 30, bad);
	bad[len - 1] ^= 1;
	EQ_INT(try_in(&in, bad, len), -EBADMSG);
	/* The genuine packet still goes through, once. */
	len = good_pkt(pp, 5, 30, pkt);
	EQ_INT(try_in(&in, pkt, len), 0);
	EQ_INT(try_in(&in, pkt, len), -EALREADY);
	oc_esp_sa_free(&in);
}

static void test_reject_icv(void **state)
{
	for (size_t i = 0; i < N_ELEM(pairs); i++) {
		ROW("%s/%s", pairs[i].enc, pairs[i].auth);
		icv_flips(&pairs[i]);
	}
}

static void test_reject_replay(void **state)
{
	const struct pair *pp = &pairs[2];
	unsigned char pkt[MAX_PKT];
	struct oc_esp_sa in;
	size_t len;

	sa_new(pp, OC_ESP_IN, &in);
	len = good_pkt(pp, 1, 64, pkt);
	EQ_INT(try_in(&in, pkt, len), 0);
	EQ_INT(try_in(&in, pkt, len), -EALREADY);
	len = good_pkt(pp, 10 + OC_ESP_REPLAY_WINDOW, 64, pkt);
	EQ_INT(try_in(&in, pkt, len), 0);
	len = good_pkt(pp, 10, 64, pkt);
	EQ_INT(try_in(&in, pkt, len), -ETIME);
	len = good_pkt(pp, 11, 64, pkt);
	EQ_INT(try_in(&in, pkt, len), 0);
	/* A replay is refused before the ICV is even looked at. */
	pkt[len - 1] ^= 1;
	EQ_INT(try_in(&in, pkt, len), -EALREADY);
	/* Sequence number 0 is accepted by a fresh SA. */
	oc_esp_sa_free(&in);
	sa_new(pp, OC_ESP_IN, &in);
	len = good_pkt(pp, 0, 64, pkt);
	EQ_INT(try_in(&in, pkt, len), 0);
	EQ_INT(try_in(&in, pkt, len), -EALREADY);
	oc_esp_sa_free(&in);
}

/* Crafted trailers: each row is the last bytes of a 32-byte plaintext. */
static void test_reject_trailer(void **state)
{
	static const struct {
		const char *name;
		size_t pt_len;		/* 16 or 32 */
		const char *tail;	/* hex, ends the plaintext */
		int want;
	} cases[] = {
		{ "good, pad 3", 32, "010203 03 04", 0 },
		{ "good, pad 0", 32, "00 29", 0 },
		{ "good, pad 15", 32, "0102030405060708090a0b0c0d0e0f 0f 04",
		  0 },
		{ "good, empty inner", 16, "0102030405060708090a0b0c0d0e 0e 04",
		  0 },
		{ "pad bytes wrong", 32, "010203050504 06 04", -EPROTO },
		{ "pad bytes zero", 32, "000000 03 04", -EPROTO },
		{ "first pad byte wrong", 32, "000203 03 04", -EPROTO },
		{ "pad bytes count down", 32, "030201 03 04", -EPROTO },
		{ "pad length 16", 32,
		  "0102030405060708090a0b0c0d0e0f10 10 04", -EPROTO },
		{ "pad length 255", 32, "ff 04", -EPROTO },
		{ "pad length past the start", 16,
		  "02030405060708090a0b0c0d0e0f 0f 04", -EPROTO },
		{ "next header 0", 32, "00 00", -EPROTO },
		{ "next header 6", 32, "00 06", -EPROTO },
		{ "next header 17", 32, "00 11", -EPROTO },
		{ "next header 59 (dummy)", 32, "00 3b", -EPROTO },
		{ "next header 255", 32, "00 ff", -EPROTO },
	};
	const struct pair *pp = &pairs[1];
	unsigned char pt[32], tail[32], pkt[MAX_PKT];
	struct oc_esp_sa in;
	size_t i, n, len;

	sa_new(pp, OC_ESP_IN, &in);
	for (i = 0; i < N_ELEM(cases); i++) {
		ROW("trailer case %s", cases[i].name);
		memset(pt, 0x45, sizeof(pt));
		n = unhex(cases[i].tail, tail, sizeof(tail));
		assert_true(n <= cases[i].pt_len);
		memcpy(pt + cases[i].pt_len - n, tail, n);
		len = craft(pp, SPI, (uint32_t)i + 1, fixed_iv, pt,
			    cases[i].pt_len, pkt);
		EQ_INT(try_in(&in, pkt, len), cases[i].want);
	}
	oc_esp_sa_free(&in);
}

/* ---- Misuse, room and limits ------------------------------------------- */

static void test_wrong_direction(void **state)
{
	struct oc_esp_sa out, in, unset = { 0 };
	struct oc_pkt *p = oc_pkt_new(100);
	uint8_t nh;

	sa_new(&pairs[0], OC_ESP_OUT, &out);
	sa_new(&pairs[0], OC_ESP_IN, &in);
	oc_buf_put(&p->b, "abc", 3);
	EQ_INT(oc_esp_encrypt(&in, &p->b, 4), -EINVAL);
	EQ_INT(oc_esp_encrypt(&unset, &p->b, 4), -EINVAL);
	EQ_INT(oc_esp_encrypt(&out, &p->b, 4), 0);
	EQ_INT(oc_esp_decrypt(&out, &p->b, &nh), -EINVAL);
	EQ_INT(oc_esp_decrypt(&unset, &p->b, &nh), -EINVAL);
	EQ_INT(oc_esp_decrypt(&in, &p->b, &nh), 0);
	EQ_INT(p->b.len, 3);
	/* A buffer in error is not used. */
	oc_buf_push(&p->b, 1000);
	EQ_INT(oc_esp_encrypt(&out, &p->b, 4), -EINVAL);
	oc_pkt_free(p);
	oc_esp_sa_free(&out);
	oc_esp_sa_free(&in);
}

static void test_room(void **state)
{
	unsigned char mem[128], copy[128];
	struct oc_esp_sa out;
	struct oc_buf b;
	size_t head, tail;

	/* 13 bytes with a 16-byte ICV need 24 bytes in front and 1 (pad)
	 * + 2 + 16 = 19 behind. */
	memset(mem, 0, sizeof(mem));
	sa_new(&pairs[2], OC_ESP_OUT, &out);
	for (head = 23; head <= 25; head++) {
		for (tail = 18; tail <= 20; tail++) {
			ROW("head %zu, tail %zu", head, tail);
			oc_buf_init_fixed(&b, mem, head + 13 + tail);
			oc_buf_put_zero(&b, head);
			oc_buf_pull_head(&b, head);
			oc_buf_put(&b, "0123456789abc", 13);
			memcpy(copy, mem, sizeof(mem));
			if (head < 24 || tail < 19) {
				EQ_INT(oc_esp_encrypt(&out, &b, 4),
				       -ENOSPC);
				EQ_MEM(copy, mem, sizeof(mem));
				EQ_INT(b.len, 13);
			} else {
				EQ_INT(oc_esp_encrypt(&out, &b, 4),
				       0);
				EQ_INT(b.len, 24 + 16 + 16);
			}
		}
	}
	oc_esp_sa_free(&out);
}

static void test_seq_exhaustion(void **state)
{
	struct oc_esp_sa out, in;
	struct oc_pkt *p = oc_pkt_new(100);
	uint8_t nh;

	sa_new(&pairs[3], OC_ESP_OUT, &out);
	sa_new(&pairs[3], OC_ESP_IN, &in);
	EQ_INT(oc_esp_seq_left(&out), UINT32_MAX);
	oc_esp_sa_set_seq(&out, UINT32_MAX - 2);
	EQ_INT(oc_esp_seq_left(&out), 2);
	for (int i = 0; i < 2; i++) {
		oc_pkt_reset(p);
		oc_buf_put(&p->b, "ping", 4);
		EQ_INT(oc_esp_encrypt(&out, &p->b, 4), 0);
		EQ_INT(be32_at(p->b.data + 4), UINT32_MAX - 1 + i);
		EQ_INT(oc_esp_decrypt(&in, &p->b, &nh), 0);
	}
	EQ_INT(oc_esp_seq_left(&out), 0);
	oc_pkt_reset(p);
	oc_buf_put(&p->b, "ping", 4);
	EQ_INT(oc_esp_encrypt(&out, &p->b, 4), -EOVERFLOW);
	EQ_INT(p->b.len, 4);
	EQ_MEM(p->b.data, "ping", 4);
	EQ_INT(oc_esp_seq_left(&out), 0);
	oc_pkt_free(p);
	oc_esp_sa_free(&out);
	oc_esp_sa_free(&in);
}

/* At rekey the current inbound SA becomes the previous one. */
static void test_move(void **state)
{
	struct oc_esp_sa out, cur, prev = { 0 }, zero = { 0 };
	struct oc_pkt *p = oc_pkt_new(100);
	uint8_t nh;

	sa_new(&pairs[4], OC_ESP_OUT, &out);
	sa_new(&pairs[4], OC_ESP_IN, &cur);
	sa_new(&pairs[4], OC_ESP_IN, &prev);	/* freed by the move */
	oc_buf_put(&p->b, "data", 4);
	EQ_INT(oc_esp_encrypt(&out, &p->b, 4), 0);
	oc_esp_sa_move(&prev, &cur);
	assert_false(oc_esp_sa_isset(&cur));
	EQ_MEM(&cur, &zero, sizeof(zero));
	EQ_INT(oc_esp_decrypt(&cur, &p->b, &nh), -EINVAL);
	EQ_INT(oc_esp_decrypt(&prev, &p->b, &nh), 0);
	oc_esp_sa_move(&prev, &prev);
	assert_true(oc_esp_sa_isset(&prev));
	oc_esp_sa_free(&prev);
	EQ_MEM(&prev, &zero, sizeof(zero));
	oc_esp_sa_free(&prev);			/* twice is fine */
	oc_esp_sa_free(&cur);
	oc_esp_sa_free(&out);
	oc_pkt_free(p);
}

/* The packet type around the buffer: room on both sides, reset gives the
 * headroom back. */
static void test_pkt(void **state)
{
	struct oc_pkt *p = oc_pkt_new(1500);

	assert_non_null(p);
	assert_null(p->next);
	EQ_INT(p->b.head, OC_PKT_HEADROOM);
	EQ_INT(p->b.cap, 1500 + OC_PKT_TAILROOM);
	EQ_INT(p->b.len, 0);
	oc_buf_put_zero(&p->b, 1500 + OC_PKT_TAILROOM);
	assert_non_null(oc_buf_push(&p->b, OC_PKT_HEADROOM));
	EQ_INT(oc_buf_error(&p->b), 0);
	oc_pkt_reset(p);
	EQ_INT(p->b.head, OC_PKT_HEADROOM);
	EQ_INT(p->b.len, 0);
	EQ_INT(oc_buf_error(&p->b), 0);
	oc_pkt_free(p);
	oc_pkt_free(NULL);
	assert_null(oc_pkt_new(SIZE_MAX));
	assert_null(oc_pkt_new(SIZE_MAX - OC_PKT_TAILROOM));
}

static void test_strerr(void **state)
{
	static const int codes[] = {
		-EMSGSIZE, -ENOENT, -EALREADY, -ETIME, -EBADMSG, -EPROTO,
		-EINVAL, -ENOSPC, -EOVERFLOW, -EIO,
	};

	for (size_t i = 0; i < N_ELEM(codes); i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(oc_esp_strerr(codes[i]),
						oc_esp_strerr(codes[j]));
	assert_string_equal(oc_esp_strerr(-EALREADY), "replayed");
	assert_string_equal(oc_esp_strerr(-EBADMSG), "bad ICV");
	assert_string_equal(oc_esp_strerr(-EPERM), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cbc_kat, row_clear),
		cmocka_unit_test_setup(test_cipher_errors, row_clear),
		cmocka_unit_test_setup(test_hmac_kat, row_clear),
		cmocka_unit_test_setup(test_lookup, row_clear),
		cmocka_unit_test_setup(test_inner_mtu, row_clear),
		cmocka_unit_test_setup(test_sa_init, row_clear),
		cmocka_unit_test_setup(test_round_trip, row_clear),
		cmocka_unit_test_setup(test_fixed_iv_vs_craft, row_clear),
		cmocka_unit_test_setup(test_known_packets, row_clear),
		cmocka_unit_test_setup(test_iv, row_clear),
		cmocka_unit_test_setup(test_reject_length, row_clear),
		cmocka_unit_test_setup(test_reject_spi, row_clear),
		cmocka_unit_test_setup(test_reject_icv, row_clear),
		cmocka_unit_test_setup(test_reject_replay, row_clear),
		cmocka_unit_test_setup(test_reject_trailer, row_clear),
		cmocka_unit_test_setup(test_wrong_direction, row_clear),
		cmocka_unit_test_setup(test_room, row_clear),
		cmocka_unit_test_setup(test_seq_exhaustion, row_clear),
		cmocka_unit_test_setup(test_move, row_clear),
		cmocka_unit_test_setup(test_pkt, row_clear),
		cmocka_unit_test_setup(test_strerr, row_clear),
	};

	return cmocka_run_group_tests_name("esp", tests, NULL, NULL);
}
