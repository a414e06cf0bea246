/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "esp.h"
#include "secret.h"

/* ---- Algorithms -------------------------------------------------------- */

struct enc_alg {
	const char *name;
	const char *alias;	/* some servers write "aes128" */
	enum oc_esp_enc id;
	size_t key_len;
};

struct auth_alg {
	const char *name;
	enum oc_esp_auth id;
	size_t key_len;		/* RFC 2403, 2404, 4868: the hash size */
	size_t icv_len;		/* truncated, same RFCs */
};

static const struct enc_alg enc_algs[] = {
	{ "aes-128-cbc", "aes128", OC_ESP_ENC_AES128_CBC, 16 },
	{ "aes-256-cbc", "aes256", OC_ESP_ENC_AES256_CBC, 32 },
};

static const struct auth_alg auth_algs[] = {
	{ "md5", OC_ESP_AUTH_HMAC_MD5_96, 16, 12 },
	{ "sha1", OC_ESP_AUTH_HMAC_SHA1_96, 20, 12 },
	{ "sha256", OC_ESP_AUTH_HMAC_SHA256_128, 32, 16 },
};

#define N_ELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct enc_alg *enc_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < N_ELEM(enc_algs); i++)
		if (!strcasecmp(name, enc_algs[i].name) ||
		    !strcasecmp(name, enc_algs[i].alias))
			return &enc_algs[i];
	return NULL;
}

static const struct auth_alg *auth_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < N_ELEM(auth_algs); i++)
		if (!strcasecmp(name, auth_algs[i].name))
			return &auth_algs[i];
	return NULL;
}

static const struct auth_alg *auth_by_id(enum oc_esp_auth id)
{
	size_t i;

	for (i = 0; i < N_ELEM(auth_algs); i++)
		if (auth_algs[i].id == id)
			return &auth_algs[i];
	return NULL;
}

int oc_esp_enc_lookup(const char *name)
{
	const struct enc_alg *a = enc_find(name);

	return a ? (int)a->id : -EPROTONOSUPPORT;
}

int oc_esp_auth_lookup(const char *name)
{
	const struct auth_alg *a = auth_find(name);

	return a ? (int)a->id : -EPROTONOSUPPORT;
}

size_t oc_esp_icv_len(enum oc_esp_auth auth)
{
	const struct auth_alg *a = auth_by_id(auth);

	return a ? a->icv_len : 0;
}

/* Header, IV and ICV are fixed; the plaintext, trailer included, must be
 * whole blocks. */
size_t oc_esp_inner_mtu(enum oc_esp_auth auth, size_t room)
{
	size_t icv = oc_esp_icv_len(auth), fixed = OC_ESP_HEADROOM + icv;
	size_t blocks;

	if (!icv || room < fixed)
		return 0;
	blocks = (room - fixed) / OC_ESP_BLOCK_LEN * OC_ESP_BLOCK_LEN;
	return blocks < OC_ESP_TRAILER_LEN ? 0 : blocks - OC_ESP_TRAILER_LEN;
}

/* ---- Security associations --------------------------------------------- */

static int sa_check_params(enum oc_esp_dir dir,
			   const struct oc_esp_sa_params *p,
			   const struct enc_alg **enc,
			   const struct auth_alg **auth)
{
	*enc = enc_find(p->enc);
	*auth = auth_find(p->auth);
	if (!*enc || !*auth)
		return -EPROTONOSUPPORT;
	if (dir != OC_ESP_OUT && dir != OC_ESP_IN)
		return -EINVAL;
	if (!p->spi || !p->ekey || !p->akey ||
	    p->ekey_len != (*enc)->key_len || p->akey_len != (*auth)->key_len)
		return -EINVAL;
	return 0;
}

/*
 * An outbound IV is the encryption, under a key of its own drawn once
 * here, of a block holding the packet's sequence number: never repeated
 * (the counter never wraps) and unpredictable to anyone without that key,
 * which is what CBC needs (RFC 3602, section 3), for one block cipher
 * call per packet instead of a call to the random generator.
 */
static int sa_init_ivgen(struct oc_esp_sa *sa, const struct enc_alg *enc)
{
	unsigned char key[32];
	int ret;

	ret = oc_esp_random(key, enc->key_len);
	if (!ret)
		ret = oc_esp_cipher_new(&sa->ivgen, enc->id, 1, key,
					enc->key_len);
	oc_wipe(key, sizeof(key));
	return ret;
}

int oc_esp_sa_init(struct oc_esp_sa *sa, enum oc_esp_dir dir,
		   const struct oc_esp_sa_params *p)
{
	const struct enc_alg *enc;
	const struct auth_alg *auth;
	int ret;

	memset(sa, 0, sizeof(*sa));
	ret = sa_check_params(dir, p, &enc, &auth);
	if (ret)
		return ret;
	ret = oc_esp_cipher_new(&sa->cipher, enc->id, dir == OC_ESP_OUT,
				p->ekey, p->ekey_len);
	if (!ret)
		ret = oc_esp_hmac_new(&sa->hmac, auth->id, p->akey,
				      p->akey_len);
	if (!ret && dir == OC_ESP_OUT)
		ret = sa_init_ivgen(sa, enc);
	if (ret) {
		oc_esp_sa_free(sa);
		return ret;
	}
	sa->spi = p->spi;
	sa->dir = dir;
	sa->enc = enc->id;
	sa->auth = auth->id;
	sa->icv_len = auth->icv_len;
	oc_replay_init(&sa->replay);
	/* RFC 4303 starts at 1: the first packet takes seq + 1. Gateways
	 * accept a first packet numbered 0 or 1. */
	sa->seq = 0;
	return 0;
}

void oc_esp_sa_free(struct oc_esp_sa *sa)
{
	oc_esp_cipher_free(sa->cipher);
	oc_esp_cipher_free(sa->ivgen);
	oc_esp_hmac_free(sa->hmac);
	oc_wipe(sa, sizeof(*sa));	/* zeros: unset */
}

void oc_esp_sa_move(struct oc_esp_sa *dst, struct oc_esp_sa *src)
{
	if (dst == src)
		return;
	oc_esp_sa_free(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

uint32_t oc_esp_seq_left(const struct oc_esp_sa *sa)
{
	return UINT32_MAX - sa->seq;
}

void oc_esp_sa_set_seq(struct oc_esp_sa *sa, uint32_t seq)
{
	sa->seq = seq;
}

/* ---- Outbound ---------------------------------------------------------- */

/* Pad bytes so that payload + pad + trailer fills whole blocks. */
static size_t pad_len_for(size_t len)
{
	size_t rem = (len + OC_ESP_TRAILER_LEN) % OC_ESP_BLOCK_LEN;

	return rem ? OC_ESP_BLOCK_LEN - rem : 0;
}

/* Everything that can refuse the packet, before it is touched. */
static int out_check(const struct oc_esp_sa *sa, const struct oc_buf *b)
{
	size_t tail;

	if (sa->dir != OC_ESP_OUT || oc_buf_error(b) ||
	    (b->flags & OC_BUF_RDONLY))
		return -EINVAL;
	if (!oc_esp_seq_left(sa))
		return -EOVERFLOW;
	tail = pad_len_for(b->len) + OC_ESP_TRAILER_LEN + sa->icv_len;
	if (b->head < OC_ESP_HEADROOM || b->cap - b->len < tail)
		return -ENOSPC;
	return 0;
}

/* RFC 4303, section 2.4: pad bytes 1, 2, 3, .., then their count, then
 * the next header. */
static void out_pad(struct oc_buf *b, uint8_t next_header)
{
	size_t i, n = pad_len_for(b->len);
	unsigned char *p = oc_buf_reserve(b, n + OC_ESP_TRAILER_LEN);

	if (!p)
		return;
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i + 1);
	p[n] = (unsigned char)n;
	p[n + 1] = next_header;
	oc_buf_commit(b, n + OC_ESP_TRAILER_LEN);
}

static int out_make_iv(struct oc_esp_sa *sa, uint32_t seq, unsigned char *iv)
{
	static const unsigned char zero[OC_ESP_IV_LEN];
	struct oc_buf blk;

	oc_buf_init_fixed(&blk, iv, OC_ESP_IV_LEN);
	oc_buf_put_zero(&blk, OC_ESP_IV_LEN - OC_ESP_SEQ_LEN);
	oc_buf_put_be32(&blk, seq);
	/* CBC from a zero IV over one block is the bare block cipher. */
	return oc_esp_cipher_cbc(sa->ivgen, zero, iv, OC_ESP_IV_LEN);
}

/* SPI, sequence number and IV into the headroom. */
static int out_header(struct oc_esp_sa *sa, struct oc_buf *b, uint32_t seq,
		      const unsigned char *iv)
{
	unsigned char *p = oc_buf_push(b, OC_ESP_HEADROOM);
	struct oc_buf hdr;

	if (!p)
		return -ENOSPC;
	oc_buf_init_fixed(&hdr, p, OC_ESP_HEADROOM);
	oc_buf_put_be32(&hdr, sa->spi);
	oc_buf_put_be32(&hdr, seq);
	if (iv)
		oc_buf_put(&hdr, iv, OC_ESP_IV_LEN);
	if (oc_buf_error(&hdr))
		return -EIO;
	return iv ? 0 : out_make_iv(sa, seq, p + OC_ESP_HDR_LEN);
}

static int out_encrypt(struct oc_esp_sa *sa, struct oc_buf *b)
{
	return oc_esp_cipher_cbc(sa->cipher, b->data + OC_ESP_HDR_LEN,
				 b->data + OC_ESP_HEADROOM,
				 b->len - OC_ESP_HEADROOM);
}

/* The ICV covers everything before it: SPI to the end of the ciphertext. */
static int out_icv(struct oc_esp_sa *sa, struct oc_buf *b)
{
	unsigned char *icv = oc_buf_reserve(b, sa->icv_len);
	int ret;

	if (!icv)
		return -ENOSPC;
	ret = oc_esp_hmac(sa->hmac, b->data, b->len, icv, sa->icv_len);
	if (!ret)
		oc_buf_commit(b, sa->icv_len);
	return ret;
}

int oc_esp_encrypt_iv(struct oc_esp_sa *sa, struct oc_buf *b,
		      uint8_t next_header, const unsigned char *iv)
{
	uint32_t seq;
	int ret;

	ret = out_check(sa, b);
	if (ret)
		return ret;
	seq = sa->seq + 1;
	out_pad(b, next_header);
	ret = out_header(sa, b, seq, iv);
	if (!ret)
		ret = out_encrypt(sa, b);
	if (!ret)
		ret = out_icv(sa, b);
	if (ret)
		return ret;
	/* Counted only when sent: a number is never used twice. */
	sa->seq = seq;
	return 0;
}

int oc_esp_encrypt(struct oc_esp_sa *sa, struct oc_buf *b,
		   uint8_t next_header)
{
	return oc_esp_encrypt_iv(sa, b, next_header, NULL);
}

/* ---- Inbound ----------------------------------------------------------- */

/* What validation learned about the packet at b->data. */
struct esp_in {
	uint32_t spi;
	uint32_t seq;
	size_t ct_len;		/* ciphertext, after the IV */
};

uint32_t oc_esp_peek_spi(const struct oc_buf *b)
{
	struct oc_buf r;
	uint32_t spi;

	oc_buf_init_ro(&r, b->data, b->len);
	return oc_buf_get_be32(&r, &spi) ? 0 : spi;
}

/* Step 1: sizes, and the header read through a bounds-checked view. */
static int in_validate(const struct oc_esp_sa *sa, const struct oc_buf *b,
		       struct esp_in *in)
{
	size_t fixed = OC_ESP_HEADROOM + sa->icv_len;
	struct oc_buf r;

	if (b->len < fixed + OC_ESP_BLOCK_LEN)
		return -EMSGSIZE;
	in->ct_len = b->len - fixed;
	if (in->ct_len % OC_ESP_BLOCK_LEN)
		return -EMSGSIZE;
	oc_buf_init_ro(&r, b->data, b->len);
	oc_buf_get_be32(&r, &in->spi);
	oc_buf_get_be32(&r, &in->seq);
	if (oc_buf_error(&r))
		return -EMSGSIZE;
	return in->spi == sa->spi ? 0 : -ENOENT;
}

/* Step 3: recompute the ICV over SPI..ciphertext, compare in constant
 * time. Nothing has been decrypted yet. */
static int in_authenticate(struct oc_esp_sa *sa, const struct oc_buf *b)
{
	unsigned char want[OC_ESP_MAX_ICV];
	size_t covered = b->len - sa->icv_len;
	int ret;

	ret = oc_esp_hmac(sa->hmac, b->data, covered, want, sa->icv_len);
	if (!ret && !oc_ct_memeq(want, b->data + covered, sa->icv_len))
		ret = -EBADMSG;
	oc_wipe(want, sizeof(want));
	return ret;
}

/* Step 5: in place; CBC reads the IV from the packet itself. */
static int in_decrypt(struct oc_esp_sa *sa, struct oc_buf *b,
		      const struct esp_in *in)
{
	return oc_esp_cipher_cbc(sa->cipher, b->data + OC_ESP_HDR_LEN,
				 b->data + OC_ESP_HEADROOM, in->ct_len);
}

/*
 * Step 6: the trailer. The packet is authentic by now, so these checks
 * are about a broken peer, not an attacker, and need not be constant time.
 */
static int in_check_trailer(const unsigned char *pt, size_t len,
			    size_t *pad, uint8_t *next_header)
{
	size_t i, n = pt[len - 2];

	if (n > OC_ESP_MAX_PAD || n + OC_ESP_TRAILER_LEN > len)
		return -EPROTO;
	for (i = 0; i < n; i++)
		if (pt[len - OC_ESP_TRAILER_LEN - n + i] != i + 1)
			return -EPROTO;
	*next_header = pt[len - 1];
	if (*next_header != OC_ESP_NH_IPV4 && *next_header != OC_ESP_NH_IPV6)
		return -EPROTO;
	*pad = n;
	return 0;
}

/* Step 7: leave only the inner packet at b->data/len. */
static void in_strip(const struct oc_esp_sa *sa, struct oc_buf *b, size_t pad)
{
	oc_buf_trim(b, sa->icv_len + pad + OC_ESP_TRAILER_LEN);
	oc_buf_pull_head(b, OC_ESP_HEADROOM);
}

int oc_esp_decrypt(struct oc_esp_sa *sa, struct oc_buf *b,
		   uint8_t *next_header)
{
	struct esp_in in;
	size_t pad;
	int ret;

	if (sa->dir != OC_ESP_IN || oc_buf_error(b) ||
	    (b->flags & OC_BUF_RDONLY))
		return -EINVAL;
	ret = in_validate(sa, b, &in);
	if (ret)
		return ret;
	/* Step 2: a cheap look at the window, before the HMAC; the window
	 * itself moves only at step 4, once the packet is known genuine. */
	ret = oc_replay_check(&sa->replay, in.seq);
	if (ret)
		return ret;
	ret = in_authenticate(sa, b);
	if (ret)
		return ret;
	oc_replay_accept(&sa->replay, in.seq);
	ret = in_decrypt(sa, b, &in);
	if (ret)
		return ret;
	ret = in_check_trailer(b->data + OC_ESP_HEADROOM, in.ct_len, &pad,
			       next_header);
	if (ret)
		return ret;
	in_strip(sa, b, pad);
	return oc_buf_error(b);
}

const char *oc_esp_strerr(int ret)
{
	switch (ret) {
	case 0:
		return "ok";
	case -EMSGSIZE:
		return "bad length";
	case -ENOENT:
		return "unknown SPI";
	case -EALREADY:
		return "replayed";
	case -ETIME:
		return "too old";
	case -EBADMSG:
		return "bad ICV";
	case -EPROTO:
		return "bad padding or next header";
	case -EINVAL:
		return "wrong SA or buffer";
	case -ENOSPC:
		return "no room around the packet";
	case -EOVERFLOW:
		return "sequence numbers used up";
	case -EIO:
		return "crypto failure";
	}
	return "error";
}
