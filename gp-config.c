/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <libxml/tree.h>
#include <libxml/dict.h>

#include "buf.h"
#include "gp-config.h"
#include "ipconf.h"
#include "log.h"
#include "num.h"
#include "secret.h"
#include "url.h"
#include "xml.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Longest server error text we keep; the rest is cut. */
#define GP_ERROR_MAX	512
/* Longest ssl-tunnel-url we put in a request line. */
#define GP_URL_MAX	255

/* ---- The request ------------------------------------------------------ */

/* Whether the form segment @seg (@len bytes, "name=value") is @name. */
static int seg_is(const char *seg, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len >= n && !memcmp(seg, name, n) && (len == n || seg[n] == '=');
}

/* Copies the cookie fields as they are, minus the ones we override. */
static void put_cookie_fields(struct oc_text *t, const char *s, int drop_ip,
			      int drop_ip6)
{
	size_t len;

	while (*s) {
		len = strcspn(s, "&");
		if (len && !(drop_ip && seg_is(s, len, "preferred-ip")) &&
		    !(drop_ip6 && seg_is(s, len, "preferred-ipv6"))) {
			if (t->len)
				oc_text_append_len(t, "&", 1);
			oc_text_append_len(t, s, len);
		}
		s += len;
		if (*s == '&')
			s++;
	}
}

static int is_set(const char *s)
{
	return s && *s;
}

int gp_getconfig_body(const struct gp_getconfig_req *r, struct oc_text *out)
{
	int has_ip = is_set(r->preferred_ip);
	int has_ip6 = is_set(r->preferred_ipv6);

	if (!is_set(r->cookie_fields) || !is_set(r->clientos))
		return -EINVAL;
	out->secret = 1;
	put_cookie_fields(out, r->cookie_fields, has_ip, has_ip6);
	oc_form_add(out, "client-type", "1");
	oc_form_add(out, "protocol-version", "p1");
	oc_form_add(out, "app-version", is_set(r->app_version) ?
		    r->app_version : GP_DEFAULT_APP_VERSION);
	oc_form_add(out, "internal", "no");
	oc_form_add(out, "ipv6-support", r->ipv6_support ? "yes" : "no");
	oc_form_add(out, "clientos", r->clientos);
	oc_form_add(out, "os-version", r->os_version ? r->os_version : "");
	oc_form_add(out, "enc-algo", is_set(r->enc_algos) ?
		    r->enc_algos : GP_DEFAULT_ENC_OFFER);
	oc_form_add(out, "hmac-algo", is_set(r->hmac_algos) ?
		    r->hmac_algos : GP_DEFAULT_HMAC_OFFER);
	if (has_ip)
		oc_form_add(out, "preferred-ip", r->preferred_ip);
	if (has_ip6)
		oc_form_add(out, "preferred-ipv6", r->preferred_ipv6);
	return oc_text_error(out);
}

/* ---- Algorithms ------------------------------------------------------- */

static const struct {
	const char *name;
	enum gp_enc_algo a;
} enc_names[] = {
	{ "aes-128-cbc", GP_ENC_AES128_CBC },
	{ "aes128", GP_ENC_AES128_CBC },
	{ "aes-256-cbc", GP_ENC_AES256_CBC },
	{ "aes256", GP_ENC_AES256_CBC },
};

static const struct {
	const char *name;
	enum gp_hmac_algo a;
} hmac_names[] = {
	{ "md5", GP_HMAC_MD5 },
	{ "sha1", GP_HMAC_SHA1 },
	{ "sha256", GP_HMAC_SHA256 },
};

enum gp_enc_algo gp_enc_from_name(const char *s)
{
	size_t i;

	for (i = 0; s && i < NELEM(enc_names); i++)
		if (!strcasecmp(s, enc_names[i].name))
			return enc_names[i].a;
	return GP_ENC_NONE;
}

enum gp_hmac_algo gp_hmac_from_name(const char *s)
{
	size_t i;

	for (i = 0; s && i < NELEM(hmac_names); i++)
		if (!strcasecmp(s, hmac_names[i].name))
			return hmac_names[i].a;
	return GP_HMAC_NONE;
}

const char *gp_enc_name(enum gp_enc_algo a)
{
	switch (a) {
	case GP_ENC_AES128_CBC:
		return "aes-128-cbc";
	case GP_ENC_AES256_CBC:
		return "aes-256-cbc";
	default:
		return "none";
	}
}

const char *gp_hmac_name(enum gp_hmac_algo a)
{
	switch (a) {
	case GP_HMAC_MD5:
		return "md5";
	case GP_HMAC_SHA1:
		return "sha1";
	case GP_HMAC_SHA256:
		return "sha256";
	default:
		return "none";
	}
}

size_t gp_enc_key_len(enum gp_enc_algo a)
{
	switch (a) {
	case GP_ENC_AES128_CBC:
		return 16;
	case GP_ENC_AES256_CBC:
		return 32;
	default:
		return 0;
	}
}

size_t gp_hmac_icv_len(enum gp_hmac_algo a)
{
	switch (a) {
	case GP_HMAC_MD5:
	case GP_HMAC_SHA1:
		return 12;	/* RFC 2403, RFC 2404 */
	case GP_HMAC_SHA256:
		return 16;	/* RFC 4868 */
	default:
		return 0;
	}
}

/* HMAC key bytes the SA takes: RFC 2403, 2404, 4868. */
static size_t hmac_key_len(enum gp_hmac_algo a)
{
	switch (a) {
	case GP_HMAC_MD5:
		return 16;
	case GP_HMAC_SHA1:
		return 20;
	case GP_HMAC_SHA256:
		return 32;
	default:
		return 0;
	}
}

/* ---- Parse state ------------------------------------------------------ */

struct gp_parse {
	const struct oc_log *lg;
	struct oc_ipconf *ip;
	struct gp_config_extra *x;
	char *addr4;
	char *mask4;
};

static const char *elem_name(const xmlNode *n)
{
	return n->name ? (const char *)n->name : "?";
}

/* ---- Server errors ---------------------------------------------------- */

/* The texts that mean the cookie is no good (PROTOCOL.md section 8). */
static const char *const cookie_errors[] = {
	"Invalid authentication cookie",
	"Portal name not found",
	"Valid client certificate is required",
	"Allow Automatic Restoration of SSL VPN is disabled",
};

static const char body_error_text[] = "errors getting SSL/VPN config";

/* A copy fit for a log line: cut, and no control characters. */
static char *clean_copy(const char *s, size_t len)
{
	char *c;
	size_t i;

	if (len > GP_ERROR_MAX)
		len = GP_ERROR_MAX;
	c = strndup(s, len);
	for (i = 0; c && c[i]; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = ' ';
	return c;
}

static int server_error(struct gp_parse *p, const char *text)
{
	int ret = -EAGAIN;
	size_t i;

	if (!text)
		text = "(no error text)";
	for (i = 0; i < NELEM(cookie_errors); i++)
		if (!strcasecmp(text, cookie_errors[i]))
			ret = -EPERM;
	p->x->error = clean_copy(text, strlen(text));
	if (!p->x->error)
		return -ENOMEM;
	if (ret == -EPERM)
		oc_err(p->lg, "getconfig: the gateway refused the cookie: %s",
		       p->x->error);
	else
		oc_err(p->lg, "getconfig: the gateway reported an error: %s",
		       p->x->error);
	return ret;
}

/* The plain-text answer some gateways give instead of XML. */
static int body_error(struct gp_parse *p, const char *body, size_t len)
{
	size_t n = sizeof(body_error_text) - 1;

	while (len && (*body == ' ' || *body == '\t' || *body == '\r' ||
		       *body == '\n')) {
		body++;
		len--;
	}
	while (len && (body[len - 1] == ' ' || body[len - 1] == '\t' ||
		       body[len - 1] == '\r' || body[len - 1] == '\n'))
		len--;
	if (len != n || memcmp(body, body_error_text, n))
		return 0;
	return server_error(p, body_error_text);
}

/* ---- Simple elements -------------------------------------------------- */

static int take_text(const xmlNode *n, char **field)
{
	free(*field);
	*field = oc_xml_text(n);
	return 0;
}

static int h_addr4(struct gp_parse *p, const xmlNode *n)
{
	return take_text(n, &p->addr4);
}

static int h_mask4(struct gp_parse *p, const xmlNode *n)
{
	return take_text(n, &p->mask4);
}

static int h_addr6(struct gp_parse *p, const xmlNode *n)
{
	char *s = oc_xml_text(n);

	if (s && oc_ipconf_set_addr6(p->ip, s))
		oc_info(p->lg, "getconfig: ignoring invalid ip-address-v6 "
			"'%.64s'", s);
	free(s);
	return 0;
}

/* Seconds, or 0 for missing; a malformed value is logged and ignored. */
static void get_secs(struct gp_parse *p, const xmlNode *n, int *out)
{
	char *s = oc_xml_text(n);

	if (s && oc_parse_int(s, 0, INT_MAX, out)) {
		oc_dbg(p->lg, "getconfig: ignoring invalid <%s> '%.32s'",
		       elem_name(n), s);
		*out = 0;
	}
	free(s);
}

static int h_timeout(struct gp_parse *p, const xmlNode *n)
{
	get_secs(p, n, &p->x->timeout);
	return 0;
}

static int h_lifetime(struct gp_parse *p, const xmlNode *n)
{
	get_secs(p, n, &p->x->lifetime);
	return 0;
}

static int h_idle(struct gp_parse *p, const xmlNode *n)
{
	get_secs(p, n, &p->x->disconnect_on_idle);
	return 0;
}

static int h_mtu(struct gp_parse *p, const xmlNode *n)
{
	char *s = oc_xml_text(n);
	int mtu = 0;

	/* 0 means "compute it"; below 576 no IPv4 host must go. */
	if (s && (oc_parse_int(s, 0, 65535, &mtu) || (mtu && mtu < 576))) {
		oc_dbg(p->lg, "getconfig: ignoring invalid mtu '%.32s'", s);
		mtu = 0;
	}
	p->ip->mtu = mtu;
	free(s);
	return 0;
}

/* It goes into a request line, so no spaces, controls or query. */
static int url_path_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (!len || len > GP_URL_MAX || s[0] != '/')
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '?' || s[i] == '#')
			return 0;
	return 1;
}

static int h_tunnel_url(struct gp_parse *p, const xmlNode *n)
{
	char *s = oc_xml_text(n);

	if (s && !url_path_ok(s)) {
		oc_info(p->lg, "getconfig: ignoring invalid ssl-tunnel-url");
		free(s);
		s = NULL;
	}
	if (s) {
		free(p->x->ssl_tunnel_url);
		p->x->ssl_tunnel_url = s;
	}
	return 0;
}

static void get_gw(struct gp_parse *p, const xmlNode *n, int family,
		   char **field)
{
	struct oc_ipaddr a;
	char *s = oc_xml_text(n);

	free(*field);
	*field = NULL;
	if (s && oc_ipaddr_parse(s, family, &a))
		oc_dbg(p->lg, "getconfig: ignoring invalid <%s> '%.64s'",
		       elem_name(n), s);
	else if (s)
		*field = strdup(a.str);
	free(s);
}

static int h_gw4(struct gp_parse *p, const xmlNode *n)
{
	get_gw(p, n, AF_INET, &p->x->gw_address);
	return 0;
}

static int h_gw6(struct gp_parse *p, const xmlNode *n)
{
	get_gw(p, n, AF_INET6, &p->x->gw_address_v6);
	return 0;
}

/* ---- Lists of <member> ------------------------------------------------ */

enum list_kind { L_DNS, L_NBNS, L_DOMAIN, L_INC, L_EXC };

static const struct {
	const char *name;
	enum list_kind kind;
} list_elems[] = {
	{ "dns", L_DNS },
	{ "dns-v6", L_DNS },
	{ "wins", L_NBNS },
	{ "dns-suffix", L_DOMAIN },
	{ "access-routes", L_INC },
	{ "access-routes-v6", L_INC },
	{ "exclude-access-routes", L_EXC },
	{ "exclude-access-routes-v6", L_EXC },
};

static int add_member(struct oc_ipconf *ip, enum list_kind k, const char *s)
{
	switch (k) {
	case L_DNS:
		return oc_ipconf_add_dns(ip, s);
	case L_NBNS:
		return oc_ipconf_add_nbns(ip, s);
	case L_DOMAIN:
		return oc_ipconf_add_domain(ip, s);
	case L_INC:
		return oc_ipconf_add_route(ip, 0, s);
	default:
		return oc_ipconf_add_route(ip, 1, s);
	}
}

static void report_member(struct gp_parse *p, const xmlNode *list,
			  const char *s, int ret)
{
	const char *name = elem_name(list);

	if (ret == OC_IPCONF_DUP)
		oc_dbg(p->lg, "getconfig: dropping duplicate %s entry %.64s",
		       name, s);
	else if (ret == OC_IPCONF_FULL)
		oc_dbg(p->lg, "getconfig: %s %s: all traffic into the tunnel",
		       name, s);
	else if (ret == -EINVAL)
		oc_info(p->lg, "getconfig: ignoring invalid %s entry '%.64s'",
			name, s);
}

/* Invalid entries named one by one, at most this many per list. */
#define LIST_BAD_SHOWN	8

/* A list over its limit is cut, and said once: a gateway may send
 * thousands of entries. */
static int h_list(struct gp_parse *p, const xmlNode *n, enum list_kind k)
{
	size_t over = 0, bad = 0;
	const xmlNode *m;
	char *s;
	int ret;

	for (m = oc_xml_child(n, "member"); m; m = oc_xml_next(m, "member")) {
		s = oc_xml_text(m);
		if (!s)
			continue;
		ret = add_member(p->ip, k, s);
		if (ret == -ENOSPC)
			over++;
		else if (ret != -EINVAL || bad++ < LIST_BAD_SHOWN)
			report_member(p, n, s, ret);
		free(s);
		if (ret == -ENOMEM)
			return ret;
	}
	if (bad > LIST_BAD_SHOWN)
		oc_info(p->lg, "getconfig: ignoring %zu more invalid %s entries",
			bad - LIST_BAD_SHOWN, elem_name(n));
	if (over)
		oc_info(p->lg, "getconfig: too many %s entries; ignoring the "
			"last %zu", elem_name(n), over);
	return 0;
}

/* ---- <ipsec> ---------------------------------------------------------- */

struct ipsec_state {
	struct gp_esp_config *esp;
	char *enc;
	char *hmac;
	char *port;
	unsigned int keys;	/* bit i: key_elems[i] parsed */
	int have_c2s, have_s2c;
	const char *bad;	/* first malformed element */
};

static const struct {
	const char *name;
	size_t off;
} key_elems[] = {
	{ "ekey-c2s", offsetof(struct gp_esp_config, ekey_c2s) },
	{ "ekey-s2c", offsetof(struct gp_esp_config, ekey_s2c) },
	{ "akey-c2s", offsetof(struct gp_esp_config, akey_c2s) },
	{ "akey-s2c", offsetof(struct gp_esp_config, akey_s2c) },
};

#define ALL_KEYS	((1u << NELEM(key_elems)) - 1)

/* <bits>N</bits><val>HEX</val>: N a multiple of 8, 4 * hex digits = N. */
static int parse_key(const xmlNode *n, struct gp_esp_key *k)
{
	char *bits_s = oc_xml_find_text(n, "bits");
	char *val = oc_xml_find_text(n, "val");
	int bits, ret = -EINVAL;
	size_t hexlen;

	if (!bits_s || !val ||
	    oc_parse_int(bits_s, 8, 8 * GP_ESP_KEY_MAX, &bits) || bits % 8)
		goto out;
	hexlen = strlen(val);
	if (hexlen != (size_t)bits / 4)
		goto out;
	if (oc_hex_decode(val, hexlen, k->k, sizeof(k->k), &k->len))
		goto out;
	ret = 0;
out:
	free(bits_s);
	oc_free_str_secret(val);
	if (ret)
		oc_wipe(k, sizeof(*k));
	return ret;
}

static int parse_spi(const xmlNode *n, uint32_t *spi)
{
	char *s = oc_xml_text(n);
	int ret = -EINVAL;

	/* SPI 0 never appears on the wire (RFC 4303 section 2.1). */
	if (s && !oc_parse_u32(s, 16, spi) && *spi)
		ret = 0;
	free(s);
	return ret;
}

static int ipsec_key(struct ipsec_state *st, const xmlNode *n)
{
	size_t i;

	for (i = 0; i < NELEM(key_elems); i++) {
		if (!oc_xml_is(n, key_elems[i].name))
			continue;
		if (parse_key(n, (struct gp_esp_key *)((char *)st->esp +
						       key_elems[i].off)))
			st->bad = key_elems[i].name;
		else
			st->keys |= 1u << i;
		return 1;
	}
	return 0;
}

static void ipsec_child(struct gp_parse *p, struct ipsec_state *st,
			const xmlNode *n)
{
	struct gp_esp_config *esp = st->esp;

	if (oc_xml_is(n, "udp-port"))
		take_text(n, &st->port);
	else if (oc_xml_is(n, "ipsec-mode"))
		take_text(n, &esp->mode);
	else if (oc_xml_is(n, "enc-algo"))
		take_text(n, &st->enc);
	else if (oc_xml_is(n, "hmac-algo"))
		take_text(n, &st->hmac);
	else if (oc_xml_is(n, "c2s-spi")) {
		st->have_c2s = !parse_spi(n, &esp->c2s_spi);
		if (!st->have_c2s && !st->bad)
			st->bad = "c2s-spi";
	} else if (oc_xml_is(n, "s2c-spi")) {
		st->have_s2c = !parse_spi(n, &esp->s2c_spi);
		if (!st->have_s2c && !st->bad)
			st->bad = "s2c-spi";
	} else if (!ipsec_key(st, n))
		oc_dbg(p->lg, "getconfig: unknown element <ipsec/%.64s>",
		       elem_name(n));
}

/* The algorithms, or -EPROTONOSUPPORT after saying which one. */
static int ipsec_algos(struct gp_parse *p, struct ipsec_state *st)
{
	struct gp_esp_config *esp = st->esp;

	esp->enc = gp_enc_from_name(st->enc);
	esp->hmac = gp_hmac_from_name(st->hmac);
	if (esp->enc == GP_ENC_NONE) {
		oc_info(p->lg, "getconfig: ESP encryption '%.32s' is not "
			"supported; not using ESP", st->enc ? st->enc : "");
		return -EPROTONOSUPPORT;
	}
	if (esp->hmac == GP_HMAC_NONE) {
		oc_info(p->lg, "getconfig: ESP authentication '%.32s' is not "
			"supported; not using ESP", st->hmac ? st->hmac : "");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static const char *ipsec_problem(struct ipsec_state *st)
{
	struct gp_esp_config *esp = st->esp;
	size_t klen = gp_enc_key_len(esp->enc);
	int port;

	if (st->bad)
		return st->bad;
	if (!st->have_c2s)
		return "c2s-spi";
	if (!st->have_s2c)
		return "s2c-spi";
	if (st->keys != ALL_KEYS)
		return "keys";
	if (esp->ekey_c2s.len != klen || esp->ekey_s2c.len != klen)
		return "encryption key length";
	klen = hmac_key_len(esp->hmac);
	if (esp->akey_c2s.len != klen || esp->akey_s2c.len != klen)
		return "authentication key length";
	esp->udp_port = GP_DEFAULT_ESP_PORT;
	if (st->port) {
		if (oc_parse_int(st->port, 1, 65535, &port))
			return "udp-port";
		esp->udp_port = port;
	}
	return NULL;
}

static int ipsec_check(struct gp_parse *p, struct ipsec_state *st)
{
	struct gp_esp_config *esp = st->esp;
	const char *why;
	int ret;

	ret = ipsec_algos(p, st);
	if (ret)
		return ret;
	why = ipsec_problem(st);
	if (why) {
		oc_err(p->lg, "getconfig: malformed ESP parameters (%s); "
		       "not using ESP", why);
		return -EINVAL;
	}
	if (!esp->mode || strcmp(esp->mode, "esp-tunnel"))
		oc_info(p->lg, "getconfig: unexpected ipsec-mode '%.32s'; "
			"trying ESP anyway", esp->mode ? esp->mode : "");
	oc_dbg(p->lg, "getconfig: ESP %s/%s on UDP port %d, SPI out 0x%08x "
	       "in 0x%08x", gp_enc_name(esp->enc), gp_hmac_name(esp->hmac),
	       esp->udp_port, esp->c2s_spi, esp->s2c_spi);
	return 0;
}

static void esp_clear(struct gp_esp_config *esp, int err)
{
	free(esp->mode);
	oc_wipe(esp, sizeof(*esp));
	esp->err = err;
}

static int h_ipsec(struct gp_parse *p, const xmlNode *n)
{
	struct ipsec_state st;
	const xmlNode *c;
	int ret;

	esp_clear(&p->x->esp, 0);
	memset(&st, 0, sizeof(st));
	st.esp = &p->x->esp;
	for (c = oc_xml_child(n, NULL); c; c = oc_xml_next(c, NULL))
		ipsec_child(p, &st, c);
	ret = ipsec_check(p, &st);
	if (ret)
		esp_clear(&p->x->esp, ret);
	else
		p->x->esp.present = 1;
	free(st.enc);
	free(st.hmac);
	free(st.port);
	return 0;
}

/*
 * The key text is in the document's text nodes; wipe it there too. Strings
 * interned in the parser's dictionary are shared and must not be written,
 * but libxml2 interns only short or blank text, never a key.
 */
static void wipe_text(xmlDocPtr doc, xmlNode *n, int depth)
{
	for (; n; n = n->next) {
		if ((n->type == XML_TEXT_NODE ||
		     n->type == XML_CDATA_SECTION_NODE) && n->content &&
		    !(doc->dict && xmlDictOwns(doc->dict, n->content) == 1))
			oc_wipe(n->content, strlen((char *)n->content));
		if (n->children && depth < 8)
			wipe_text(doc, n->children, depth + 1);
	}
}

/* ---- The answer ------------------------------------------------------- */

/* Elements we know to carry nothing we use. */
static const char *const info_elems[] = {
	"need-tunnel", "bw-c2s", "bw-s2c", "portal", "user", "quarantine",
	"connected-gw-ip", "panos-version", "default-gateway",
	"no-direct-access-to-local-network", "ip-address-preferred",
	"ipv6-connection",
};

static const struct {
	const char *name;
	int (*fn)(struct gp_parse *p, const xmlNode *n);
} handlers[] = {
	{ "ip-address", h_addr4 },
	{ "netmask", h_mask4 },
	{ "ip-address-v6", h_addr6 },
	{ "mtu", h_mtu },
	{ "timeout", h_timeout },
	{ "lifetime", h_lifetime },
	{ "disconnect-on-idle", h_idle },
	{ "ssl-tunnel-url", h_tunnel_url },
	{ "gw-address", h_gw4 },
	{ "gw-address-v6", h_gw6 },
	{ "ipsec", h_ipsec },
};

static int handle_elem(struct gp_parse *p, const xmlNode *n)
{
	size_t i;

	for (i = 0; i < NELEM(handlers); i++)
		if (oc_xml_is(n, handlers[i].name))
			return handlers[i].fn(p, n);
	for (i = 0; i < NELEM(list_elems); i++)
		if (oc_xml_is(n, list_elems[i].name))
			return h_list(p, n, list_elems[i].kind);
	for (i = 0; i < NELEM(info_elems); i++)
		if (oc_xml_is(n, info_elems[i]))
			return 0;
	oc_dbg(p->lg, "getconfig: unknown element <%.64s>", elem_name(n));
	return 0;
}

/* Success, error answer, or not a getconfig answer at all. */
static int check_root(struct gp_parse *p, const xmlNode *root)
{
	char *status, *text;
	int ret = 0;

	if (!oc_xml_is(root, "response")) {
		oc_err(p->lg, "getconfig: unexpected answer <%.64s>",
		       root ? elem_name(root) : "");
		return -EINVAL;
	}
	status = oc_xml_attr(root, "status");
	if (status && !strcasecmp(status, "error")) {
		text = oc_xml_find_text(root, "error");
		ret = server_error(p, text);
		free(text);
	} else if (status && strcasecmp(status, "success")) {
		oc_dbg(p->lg, "getconfig: unexpected status '%.32s'", status);
	}
	free(status);
	return ret;
}

static int finish(struct gp_parse *p)
{
	struct oc_ipconf *ip = p->ip;
	struct gp_config_extra *x = p->x;

	if (p->addr4 && oc_ipconf_set_addr4(ip, p->addr4, p->mask4)) {
		oc_err(p->lg, "getconfig: invalid ip-address '%.64s' or "
		       "netmask '%.64s'", p->addr4,
		       p->mask4 ? p->mask4 : "");
		return -EINVAL;
	}
	if (!ip->addr4.family && !ip->addr6.family) {
		oc_err(p->lg, "getconfig: the answer has no IP address");
		return -EINVAL;
	}
	ip->idle_timeout = x->disconnect_on_idle;
	if (!x->ssl_tunnel_url)
		x->ssl_tunnel_url = strdup(GP_DEFAULT_TUNNEL_URL);
	if (!x->ssl_tunnel_url)
		return -ENOMEM;
	return 0;
}

static int walk(struct gp_parse *p, const xmlNode *root)
{
	const xmlNode *n;
	int ret;

	for (n = oc_xml_child(root, NULL); n; n = oc_xml_next(n, NULL)) {
		ret = handle_elem(p, n);
		if (ret)
			return ret;
	}
	return finish(p);
}

/* On failure only the server's error text is kept. */
static void fail_cleanup(struct oc_ipconf *ip, struct gp_config_extra *x)
{
	char *error = x->error;

	x->error = NULL;
	gp_config_extra_free(x);
	x->error = error;
	oc_ipconf_free(ip);
}

int gp_config_parse(const struct oc_log *lg, const char *body, size_t len,
		    struct oc_ipconf *ip, struct gp_config_extra *x)
{
	struct gp_parse p = { lg, ip, x, NULL, NULL };
	xmlDocPtr doc = NULL;
	xmlNode *root;
	int ret;

	oc_ipconf_init(ip);
	memset(x, 0, sizeof(*x));
	ret = body ? body_error(&p, body, len) : -EINVAL;
	if (ret)
		goto out;
	if (oc_xml_parse(lg, body, len, &doc)) {
		oc_err(lg, "getconfig: the answer is not XML");
		ret = -EINVAL;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	ret = check_root(&p, root);
	if (!ret)
		ret = walk(&p, root);
	wipe_text(doc, oc_xml_child(root, "ipsec"), 0);
out:
	oc_xml_free(doc);
	free(p.addr4);
	free(p.mask4);
	if (ret)
		fail_cleanup(ip, x);
	return ret;
}

void gp_config_extra_free(struct gp_config_extra *x)
{
	free(x->ssl_tunnel_url);
	free(x->gw_address);
	free(x->gw_address_v6);
	free(x->error);
	esp_clear(&x->esp, 0);
	memset(x, 0, sizeof(*x));
}

/* ---- MTU -------------------------------------------------------------- */

#define IP4_HDR		20
#define IP6_HDR		40
#define UDP_HDR		8
#define TCP_HDR		20
#define ESP_HDR		8	/* SPI, sequence */
#define ESP_IV		16
#define ESP_BLOCK	16	/* AES */
#define ESP_TRAILER	2	/* pad length, next header */
#define GP_FRAME_HDR	16

int gp_base_mtu(int user_base, int path_mtu)
{
	int base = GP_MTU_DEFAULT_BASE;

	if (user_base > 0)
		base = user_base;
	else if (path_mtu > 0)
		base = path_mtu;
	return base < GP_MTU_MIN ? GP_MTU_MIN : base;
}

int gp_esp_mtu(int base_mtu, int ipv6_transport, size_t icv_len)
{
	long room = base_mtu;

	if (icv_len > GP_ESP_KEY_MAX)
		return -EINVAL;
	room -= (ipv6_transport ? IP6_HDR : IP4_HDR) + UDP_HDR + ESP_HDR +
		ESP_IV + (long)icv_len;
	room -= room % ESP_BLOCK;
	room -= ESP_TRAILER;
	return room > 0 ? (int)room : -EINVAL;
}

int gp_https_mtu(int base_mtu, int ipv6_transport, size_t tls_overhead)
{
	long room = base_mtu;

	if (tls_overhead > (size_t)base_mtu)
		return -EINVAL;
	room -= (ipv6_transport ? IP6_HDR : IP4_HDR) + TCP_HDR +
		(long)tls_overhead + GP_FRAME_HDR;
	return room > 0 ? (int)room : -EINVAL;
}

int gp_choose_mtu(int user_mtu, int server_mtu, int computed)
{
	if (user_mtu > 0)
		return user_mtu;
	if (server_mtu > 0)
		return server_mtu;
	return computed;
}
