/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One-time passwords for 2FA challenges (--token-mode, --token-secret):
 * HOTP (RFC 4226) and TOTP (RFC 6238), HMAC-SHA-1 unless the secret says
 * otherwise.
 *
 * Secret text, as the other clients take it:
 *
 *     [ALG:][ENCODING]KEY[,COUNTER]
 *
 *   ALG       "sha1:" (default), "sha256:" or "sha512:"
 *   ENCODING  none or "base32:" for base32 (RFC 4648, either case, spaces
 *             and padding optional), "0x" or "0X" for hex
 *   COUNTER   HOTP only: the next counter value, a strict decimal number
 *
 * The key, and every code made from it, are secrets: the key lives in a
 * struct oc_secret, codes are written to the caller's buffer, and nothing
 * here logs either.
 */
#ifndef OC_TOKEN_H
#define OC_TOKEN_H

#include <stdint.h>
#include "secret.h"

enum oc_token_mode {
	OC_TOKEN_TOTP = 1,
	OC_TOKEN_HOTP = 2,
};

/* Size of the buffer oc_token_code() writes: digits plus NUL, rounded. */
#define OC_TOKEN_CODE_LEN	16
#define OC_TOKEN_KEY_MAX	256	/* bytes of decoded key */
#define OC_TOKEN_DIGITS		6
#define OC_TOKEN_STEP		30	/* TOTP seconds per code */

struct oc_token {
	enum oc_token_mode mode;
	const char *alg;	/* "sha1", "sha256" or "sha512" (static) */
	struct oc_secret key;	/* the decoded key bytes */
	uint64_t counter;	/* HOTP: the counter of the next code */
	unsigned int digits;	/* 6 to 8; OC_TOKEN_DIGITS after parse */
	unsigned int step;	/* TOTP: OC_TOKEN_STEP after parse */
};

#define OC_TOKEN_INIT { 0, NULL, OC_SECRET_INIT, 0, 0, 0 }

/*
 * Parses @secret for @mode, "totp" or "hotp" (either case), into @t
 * (which must be zeroed or freed). Returns 0; -EINVAL for a NULL or empty
 * mode, a malformed secret (bad digit, empty key, odd hex, a counter that
 * is not a number, a counter with TOTP); -EOPNOTSUPP for another mode
 * (such as "rsa" or "yubioath"); -E2BIG for a key over OC_TOKEN_KEY_MAX;
 * -ENOMEM. On failure @t is left empty.
 */
int oc_token_parse(const char *mode, const char *secret, struct oc_token *t);

/*
 * Writes the current code, t->digits decimal digits and a NUL, to @out.
 * TOTP uses oc_wall_time(); HOTP uses t->counter and then advances it, so
 * the caller may store the new counter. Returns 0; -EINVAL when @t holds
 * no key; -ERANGE when the clock is before 1970 or the counter is at its
 * maximum. The caller wipes @out when done with it.
 */
int oc_token_code(struct oc_token *t, char out[OC_TOKEN_CODE_LEN]);

/* The code for counter value @counter, whatever the mode; no side
 * effects. Returns 0, or -EINVAL when @t holds no key or bad digits. */
int oc_token_code_at(const struct oc_token *t, uint64_t counter,
		     char out[OC_TOKEN_CODE_LEN]);

/* Wipes and frees the key; @t may then be parsed again. */
void oc_token_free(struct oc_token *t);

#endif
