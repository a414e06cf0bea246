/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ESP (RFC 4303) in tunnel mode over UDP: security associations, the packet
 * build and parse, the anti-replay window, and the crypto backend beneath.
 *
 * Wire format of one packet (one UDP payload):
 *
 *	SPI (4) | sequence number (4) | IV (16) | ciphertext | ICV
 *
 * and the plaintext under the ciphertext:
 *
 *	inner IP packet | pad 01 02 .. n | pad length n | next header
 *
 * AES-CBC (RFC 3602) with HMAC-MD5-96 or HMAC-SHA1-96 (RFC 2403, 2404) or
 * HMAC-SHA256-128 (RFC 4868). 32-bit sequence numbers only (no ESN).
 *
 * This module knows nothing of the protocol that negotiated the SA: it
 * takes algorithm names and key bytes and never logs (it returns codes the
 * caller counts and rate-limits). Packets are built and parsed in place in
 * a struct oc_buf with head and tail room (see pkt.h); nothing is
 * allocated and the random generator is not called per packet.
 */
#ifndef OC_ESP_H
#define OC_ESP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* ---- Wire constants ---------------------------------------------------- */

#define OC_ESP_SPI_LEN		4
#define OC_ESP_SEQ_LEN		4
#define OC_ESP_HDR_LEN		(OC_ESP_SPI_LEN + OC_ESP_SEQ_LEN)
#define OC_ESP_BLOCK_LEN	16	/* AES */
#define OC_ESP_IV_LEN		OC_ESP_BLOCK_LEN
/* Pad length and next header, the last two bytes of the plaintext. */
#define OC_ESP_TRAILER_LEN	2
/*
 * RFC 4303 allows up to 255 bytes of padding; we send the minimum and
 * accept no more than one block's worth, which is what GlobalProtect
 * gateways send. Raise it here should a peer pad for traffic-flow
 * confidentiality.
 */
#define OC_ESP_MAX_PAD		(OC_ESP_BLOCK_LEN - 1)
#define OC_ESP_MAX_ICV		16	/* HMAC-SHA256-128 */

/* What oc_esp_encrypt() needs around the inner packet. */
#define OC_ESP_HEADROOM		(OC_ESP_HDR_LEN + OC_ESP_IV_LEN)
#define OC_ESP_TAILROOM		(OC_ESP_MAX_PAD + OC_ESP_TRAILER_LEN + \
				 OC_ESP_MAX_ICV)

/* Next header values of tunnel mode (IANA protocol numbers). */
#define OC_ESP_NH_IPV4		4
#define OC_ESP_NH_IPV6		41

/* ---- Algorithms -------------------------------------------------------- */

enum oc_esp_enc {
	OC_ESP_ENC_AES128_CBC = 1,
	OC_ESP_ENC_AES256_CBC,
};

enum oc_esp_auth {
	OC_ESP_AUTH_HMAC_MD5_96 = 1,
	OC_ESP_AUTH_HMAC_SHA1_96,
	OC_ESP_AUTH_HMAC_SHA256_128,
};

/*
 * "aes-128-cbc" or "aes128", "aes-256-cbc" or "aes256"; "md5", "sha1",
 * "sha256" (any case). Return the enum value, or -EPROTONOSUPPORT for an
 * unknown name or NULL.
 */
int oc_esp_enc_lookup(const char *name);
int oc_esp_auth_lookup(const char *name);
/* Truncated ICV length on the wire; 0 for an unknown value. */
size_t oc_esp_icv_len(enum oc_esp_auth auth);

/*
 * The largest inner packet that fits when @room bytes are left for the
 * ESP packet (the path MTU less the outer IP and UDP headers); 0 when
 * nothing fits. E.g. room 1472 with HMAC-SHA1-96 gives 1422.
 */
size_t oc_esp_inner_mtu(enum oc_esp_auth auth, size_t room);

/* ---- Anti-replay window (esp-seqno.c) ---------------------------------- */

/*
 * Window size in packets: a multiple of 64, at least 64 (RFC 4303 asks for
 * 32 and recommends 64). Raise it with -DOC_ESP_REPLAY_WINDOW=N when the
 * path reorders more; it costs N / 8 + 8 bytes per inbound SA.
 */
#ifndef OC_ESP_REPLAY_WINDOW
#define OC_ESP_REPLAY_WINDOW	128
#endif
#if OC_ESP_REPLAY_WINDOW < 64 || OC_ESP_REPLAY_WINDOW % 64 != 0
#error "OC_ESP_REPLAY_WINDOW must be a multiple of 64, at least 64"
#endif
/* One word more than the window: see esp-seqno.c. */
#define OC_REPLAY_WORDS		(OC_ESP_REPLAY_WINDOW / 64 + 1)

struct oc_replay {
	uint32_t top;			/* highest number accepted */
	uint64_t bits[OC_REPLAY_WORDS];	/* one bit per number, see .c */
};

/* An empty window: any number is acceptable, 0 included. */
void oc_replay_init(struct oc_replay *w);
/*
 * Whether @seq may be accepted, without changing the window: 0 if so,
 * -EALREADY if it was accepted before, -ETIME if it is older than the
 * window (or the window's top is 2^32 - 1 and @seq wrapped around).
 */
int oc_replay_check(const struct oc_replay *w, uint32_t seq);
/* Records @seq, which oc_replay_check() allowed and whose packet was
 * authenticated. A number the check would refuse changes nothing. */
void oc_replay_accept(struct oc_replay *w, uint32_t seq);

/* ---- Security associations and packets (esp.c) ------------------------- */

enum oc_esp_dir {
	OC_ESP_OUT = 1,		/* we encrypt: counter, IV key */
	OC_ESP_IN,		/* we decrypt: replay window */
};

struct oc_esp_cipher;
struct oc_esp_hmac;

/*
 * One direction of an ESP tunnel. All crypto state lives behind the
 * pointers, so the struct itself may be moved with oc_esp_sa_move() (e.g.
 * the current inbound SA becomes the previous one at rekey, and keeps
 * working for packets in flight until the caller frees it). Never copy it
 * any other way: two copies would free the same state. All zeros (= {0})
 * is an unset SA, safe to free or move.
 */
struct oc_esp_sa {
	struct oc_esp_cipher *cipher;	/* AES-CBC, keyed for @dir */
	struct oc_esp_cipher *ivgen;	/* OUT: IV = E(counter), own key */
	struct oc_esp_hmac *hmac;	/* inner, outer states ready */
	uint32_t spi;			/* host order */
	uint32_t seq;			/* OUT: last sent (0: none) */
	struct oc_replay replay;	/* IN */
	uint8_t dir;			/* enum oc_esp_dir; 0: unset */
	uint8_t enc;			/* enum oc_esp_enc */
	uint8_t auth;			/* enum oc_esp_auth */
	uint8_t icv_len;
};

struct oc_esp_sa_params {
	uint32_t spi;			/* host order; 0 is refused */
	const char *enc;		/* names as for oc_esp_enc_lookup() */
	const char *auth;
	const unsigned char *ekey;	/* AES key: 16 or 32 bytes */
	size_t ekey_len;
	const unsigned char *akey;	/* md5 16, sha1 20, sha256 32 */
	size_t akey_len;
};

/*
 * Sets up @sa (which must be unset or freed) for direction @dir: keys the
 * cipher once, precomputes the HMAC states, and for OUT draws a random IV
 * key. The backend keeps what it derives from the keys; the caller wipes
 * its own copies. Returns 0, -EPROTONOSUPPORT for an unknown algorithm
 * (run without ESP), -EINVAL for a key of the wrong length, SPI 0 or a bad
 * @dir, -ENOMEM or -EIO from the backend. On error @sa is left unset.
 */
int oc_esp_sa_init(struct oc_esp_sa *sa, enum oc_esp_dir dir,
		   const struct oc_esp_sa_params *p);
/* Wipes and frees the crypto state; @sa becomes unset. */
void oc_esp_sa_free(struct oc_esp_sa *sa);
/* Frees @dst, moves @src into it and leaves @src unset. */
void oc_esp_sa_move(struct oc_esp_sa *dst, struct oc_esp_sa *src);
static inline int oc_esp_sa_isset(const struct oc_esp_sa *sa)
{
	return sa->dir != 0;
}

/*
 * How many more packets an OUT SA may send before its 32-bit counter
 * would wrap; the caller rekeys well before it reaches 0.
 */
uint32_t oc_esp_seq_left(const struct oc_esp_sa *sa);

/*
 * Turns the inner IP packet at b->data/len into an ESP packet, in place:
 * pads, encrypts, prepends SPI, sequence number and IV (OC_ESP_HEADROOM
 * bytes of headroom needed), appends the ICV (up to OC_ESP_TAILROOM bytes
 * of room behind needed). @next_header is OC_ESP_NH_IPV4 or _IPV6 (not
 * checked: the caller knows what it sends). Returns 0; -EINVAL for an SA
 * that is not OUT or a buffer in error or read-only; -ENOSPC for too
 * little room; -EOVERFLOW when the counter is used up (rekey); -EIO from
 * the backend.
 * On -EINVAL, -ENOSPC and -EOVERFLOW the buffer is untouched; after -EIO
 * its contents are garbage.
 */
int oc_esp_encrypt(struct oc_esp_sa *sa, struct oc_buf *b,
		   uint8_t next_header);

/*
 * Takes the ESP packet at b->data/len (one UDP payload) and leaves the
 * inner IP packet there, in place, with its next header in *@next_header.
 * The steps and their codes, in order:
 *
 *	-EMSGSIZE	shorter than header + IV + one block + ICV, or the
 *			ciphertext is not a whole number of blocks
 *	-ENOENT		SPI is not this SA's (see oc_esp_peek_spi())
 *	-EALREADY	sequence number seen before (replay)
 *	-ETIME		sequence number older than the window
 *	-EBADMSG	ICV wrong
 *	-EPROTO		pad length over OC_ESP_MAX_PAD or past the
 *			start of the plaintext, pad bytes not 1, 2, ..,
 *			or a next header other than IPv4 or IPv6 (incl.
 *			RFC 4303's dummy packets, 59, dropped anyway)
 *
 * and -EINVAL for an SA that is not IN or a buffer in error or read-only,
 * -EIO from the backend. The window moves only for a packet whose ICV is
 * good. On error, drop the packet: its contents are undefined.
 */
int oc_esp_decrypt(struct oc_esp_sa *sa, struct oc_buf *b,
		   uint8_t *next_header);

/*
 * The SPI of the ESP packet at b->data/len, or 0 (a value never used on
 * the wire) when it is too short: lets the caller choose between its
 * current and previous inbound SA before decrypting.
 */
uint32_t oc_esp_peek_spi(const struct oc_buf *b);

/* A few words for a code of oc_esp_encrypt() or oc_esp_decrypt(), for
 * logs and counters: "replayed", "bad ICV", ... */
const char *oc_esp_strerr(int ret);

/* ---- For tests only ---------------------------------------------------- */

/* oc_esp_encrypt() with a given IV (NULL: derived as usual), so a packet
 * can be compared with one computed another way. */
int oc_esp_encrypt_iv(struct oc_esp_sa *sa, struct oc_buf *b,
		      uint8_t next_header, const unsigned char *iv);
/* Sets the last sequence number sent, to test exhaustion. */
void oc_esp_sa_set_seq(struct oc_esp_sa *sa, uint32_t seq);

/* ---- Crypto backend (openssl-esp.c, or another) ---------------------------
 *
 * The only code that touches a crypto library. Objects are created once
 * per SA and used for every packet of it without allocating. Every
 * function returns 0 or a negative errno; every _free() wipes the keys and
 * takes NULL.
 */

/* AES-CBC for one direction (@encrypt 1 or 0), no padding. Key length must
 * match @alg (else -EINVAL). */
int oc_esp_cipher_new(struct oc_esp_cipher **out, enum oc_esp_enc alg,
		      int encrypt, const unsigned char *key, size_t key_len);
/* En- or decrypts @len bytes (a multiple of 16, else -EINVAL) in place,
 * chaining from @iv. */
int oc_esp_cipher_cbc(struct oc_esp_cipher *c,
		      const unsigned char iv[OC_ESP_IV_LEN],
		      unsigned char *buf, size_t len);
void oc_esp_cipher_free(struct oc_esp_cipher *c);

/* HMAC (RFC 2104) with the hash of @alg and a key of any length; the ICV
 * length of @alg is not enforced here. */
int oc_esp_hmac_new(struct oc_esp_hmac **out, enum oc_esp_auth alg,
		    const unsigned char *key, size_t key_len);
/* The first @out_len bytes (at most the hash size, else -EINVAL) of the
 * HMAC of @len bytes at @data. */
int oc_esp_hmac(struct oc_esp_hmac *h, const unsigned char *data,
		size_t len, unsigned char *out, size_t out_len);
void oc_esp_hmac_free(struct oc_esp_hmac *h);

/* @len bytes from the cryptographic random generator; -EIO on failure. */
int oc_esp_random(void *buf, size_t len);

#endif
