/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ESP parameters of getconfig (PROTOCOL.md section 8): algorithms
 * chosen from the client's offer, and for every getconfig fresh SPIs and
 * keys, different in each direction. They stay in the session for the
 * gateway's ESP side; only the answer's body (a secret) shows the keys.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "gw.h"
#include "num.h"

struct algo {
	const char *name;
	unsigned int bit;
	size_t key_len;		/* bytes */
};

/* "aes128" is how some servers spell the first; accepted in offers. */
static const struct algo encs[] = {
	{ "aes-128-cbc", GW_ENC_AES128_CBC, 16 },
	{ "aes-256-cbc", GW_ENC_AES256_CBC, 32 },
	{ "aes128", GW_ENC_AES128_CBC, 16 },
	{ "aes256", GW_ENC_AES256_CBC, 32 },
};

/* HMAC keys as long as the hash (RFC 2404, 2403, 4868). */
static const struct algo hmacs[] = {
	{ "sha1", GW_HMAC_SHA1, 20 },
	{ "md5", GW_HMAC_MD5, 16 },
	{ "sha256", GW_HMAC_SHA256, 32 },
};

#define NENCS	(sizeof(encs) / sizeof(encs[0]))
#define NHMACS	(sizeof(hmacs) / sizeof(hmacs[0]))

static const struct algo *find(const struct algo *t, size_t n,
			       const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !strncmp(t[i].name, name, len))
			return &t[i];
	return NULL;
}

static const struct algo *by_bit(const struct algo *t, size_t n,
				 unsigned int bit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].bit == bit)
			return &t[i];
	return NULL;
}

const char *gw_enc_name(enum gw_enc e)
{
	const struct algo *a = by_bit(encs, NENCS, e);

	return a ? a->name : "?";
}

const char *gw_hmac_name(enum gw_hmac h)
{
	const struct algo *a = by_bit(hmacs, NHMACS, h);

	return a ? a->name : "?";
}

int gw_esp_parse_algos(const char *list, int hmac, unsigned int *bits)
{
	const struct algo *t = hmac ? hmacs : encs, *a;
	size_t n = hmac ? NHMACS : NENCS, len;
	unsigned int b = 0;

	while (*list) {
		len = strcspn(list, ",");
		a = find(t, n, list, len);
		if (!a)
			return -EINVAL;
		b |= a->bit;
		list += len;
		if (*list)
			list++;
	}
	if (!b)
		return -EINVAL;
	*bits = b;
	return 0;
}

/* The first algorithm of @offer that @allowed has. Without an offer
 * (older clients send none) the first allowed one of the table. */
static const struct algo *choose(const struct algo *t, size_t n,
				 const char *offer, unsigned int allowed)
{
	const struct algo *a;
	size_t i, len;

	if (!offer) {
		for (i = 0; i < n; i++)
			if (t[i].bit & allowed)
				return &t[i];
		return NULL;
	}
	while (*offer) {
		len = strcspn(offer, ",");
		a = find(t, n, offer, len);
		if (a && (a->bit & allowed))
			return a;
		offer += len;
		if (*offer)
			offer++;
	}
	return NULL;
}

/* SPIs 1-255 are reserved (RFC 4303 section 2.1). */
static int new_spi(uint32_t *spi, uint32_t other)
{
	int tries, ret = 0;

	for (tries = 0; tries < 16 && !ret; tries++) {
		ret = gw_random(spi, sizeof(*spi));
		if (!ret && *spi > 255 && *spi != other)
			return 0;
	}
	return ret ? ret : -EIO;
}

static int new_dir(struct gw_esp *e, struct gw_esp_dir *d, uint32_t other)
{
	int ret = new_spi(&d->spi, other);

	if (!ret)
		ret = gw_random(d->ekey, e->ekey_len);
	if (!ret)
		ret = gw_random(d->akey, e->akey_len);
	return ret;
}

int gw_esp_new(const struct gw_state *st, const char *enc, const char *hmac,
	       struct gw_esp *e)
{
	const struct algo *ea = choose(encs, NENCS, enc, st->m.esp_enc);
	const struct algo *ha = choose(hmacs, NHMACS, hmac, st->m.esp_hmac);
	unsigned int gen = e->gen;
	int ret;

	oc_wipe(e, sizeof(*e));
	e->gen = gen;
	if (!ea || !ha)
		return -ENOENT;
	e->enc = (enum gw_enc)ea->bit;
	e->hmac = (enum gw_hmac)ha->bit;
	e->ekey_len = ea->key_len;
	e->akey_len = ha->key_len;
	ret = new_dir(e, &e->c2s, 0);
	if (!ret)
		ret = new_dir(e, &e->s2c, e->c2s.spi);
	if (ret) {
		oc_wipe(e, sizeof(*e));
		e->gen = gen;
		return ret;
	}
	e->valid = 1;
	e->gen = gen + 1;
	return 0;
}

void gw_esp_drop(struct gw_esp *e)
{
	oc_wipe(e->c2s.ekey, sizeof(e->c2s.ekey));
	oc_wipe(e->c2s.akey, sizeof(e->c2s.akey));
	oc_wipe(e->s2c.ekey, sizeof(e->s2c.ekey));
	oc_wipe(e->s2c.akey, sizeof(e->s2c.akey));
	e->valid = 0;
}

static void key_xml(struct oc_text *t, const char *name,
		    const unsigned char *key, size_t len)
{
	char hex[2 * GW_ESP_KEY_MAX + 1];

	oc_hex_encode(key, len, hex);
	oc_text_appendf(t, "<%s>\n<bits>%zu</bits>\n<val>%s</val>\n</%s>\n",
			name, 8 * len, hex, name);
	oc_wipe(hex, sizeof(hex));
}

void gw_esp_xml(const struct gw_state *st, const struct gw_esp *e,
		struct oc_text *t)
{
	t->secret = 1;
	oc_text_appendf(t, "<ipsec>\n<udp-port>%d</udp-port>\n"
			"<ipsec-mode>esp-tunnel</ipsec-mode>\n",
			st->m.udp_port);
	gw_xml_elem(t, "enc-algo", gw_enc_name(e->enc));
	gw_xml_elem(t, "hmac-algo", gw_hmac_name(e->hmac));
	oc_text_appendf(t, "<c2s-spi>0x%08X</c2s-spi>\n"
			"<s2c-spi>0x%08X</s2c-spi>\n", e->c2s.spi, e->s2c.spi);
	key_xml(t, "akey-s2c", e->s2c.akey, e->akey_len);
	key_xml(t, "ekey-s2c", e->s2c.ekey, e->ekey_len);
	key_xml(t, "akey-c2s", e->c2s.akey, e->akey_len);
	key_xml(t, "ekey-c2s", e->c2s.ekey, e->ekey_len);
	oc_text_append(t, "</ipsec>\n");
}
