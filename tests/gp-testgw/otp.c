/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1,
 * 30-second steps, 6 digits.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "gw.h"

#define TOTP_STEP	30
#define FIXED_CODE	"123456"

int gw_hotp(const unsigned char *key, size_t keylen, uint64_t counter,
	    char out[7])
{
	unsigned char msg[8], mac[20];
	unsigned int off;
	uint32_t bin;
	int i, ret;

	for (i = 7; i >= 0; i--) {
		msg[i] = counter & 0xff;
		counter >>= 8;
	}
	ret = gw_hmac_sha1(key, keylen, msg, sizeof(msg), mac);
	if (ret)
		return ret;
	/* RFC 4226 section 5.3: dynamic truncation. */
	off = mac[19] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	      (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	snprintf(out, 7, "%06u", (unsigned int)(bin % 1000000));
	oc_wipe(mac, sizeof(mac));
	return 0;
}

static int code_equal(const char *code, const char *want)
{
	return code && strlen(code) == 6 && oc_ct_memeq(code, want, 6);
}

int gw_otp_check(const struct gw_state *st, const char *code)
{
	const struct oc_secret *k = &st->m.totp_key;
	char want[7];
	int64_t step;
	int d, ok = 0;

	if (!oc_secret_isset(k))
		return code_equal(code, FIXED_CODE);
	step = oc_wall_time() / TOTP_STEP;
	/* One step either way: the clocks of client and server may differ. */
	for (d = -1; d <= 1; d++) {
		if (gw_hotp((const unsigned char *)k->val, k->len,
			    (uint64_t)(step + d), want))
			continue;
		ok |= code_equal(code, want);
	}
	oc_wipe(want, sizeof(want));
	return ok;
}
