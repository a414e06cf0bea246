/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the gateway remembers: users, the portal's gateway list, sessions
 * and one-time tokens (2FA challenges, HTTP and portal cookies).
 *
 * Tokens and sessions live in fixed rings: a test that logs in a million
 * times makes the gateway forget the oldest, never grow without bound.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "esp.h"
#include "gw.h"
#include "num.h"

/* The tests' gateway-side network: what --route and --tun-addr default
 * to (PROTOCOL-free choices, from the benchmarking and documentation
 * ranges that DESIGN.md gives the namespaces). */
static const char *const default_routes[] = {
	"198.19.0.0/16", "2001:db8:19::/64",
};

static int default_lists(struct gw_state *st)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (gw_list_add(&st->m.routes, default_routes[i]))
			return -ENOMEM;
	st->m.routes.dflt = 1;
	st->m.exclude.dflt = 1;
	st->m.dns.dflt = 1;
	st->m.wins.dflt = 1;
	st->m.suffix.dflt = 1;
	return 0;
}

static void default_numbers(struct gw_modes *m)
{
	m->roles = GW_ROLE_PORTAL | GW_ROLE_GATEWAY;
	m->hip_interval = 3600;
	m->ip_pool = 0xc6128002;	/* 198.18.128.2 */
	m->ip_pool_len = 17;
	m->timeout = 3600;
	m->lifetime = 30 * 24 * 3600;
	m->idle = 3 * 3600;
	m->udp_port = 4501;
	m->esp_enc = GW_ENC_AES128_CBC | GW_ENC_AES256_CBC;
	m->esp_hmac = GW_HMAC_SHA1 | GW_HMAC_MD5 | GW_HMAC_SHA256;
}

int gw_state_init(struct gw_state *st)
{
	memset(st, 0, sizeof(*st));
	st->tun_fd = -1;
	st->gw4 = 0xc6130001;		/* 198.19.0.1 */
	inet_pton(AF_INET6, "2001:db8:19::1", st->gw6);
	default_numbers(&st->m);
	st->start.tun_addr = strdup("198.19.0.1/16");
	st->start.tun_addr6 = strdup("2001:db8:19::1/64");
	if (!st->start.tun_addr || !st->start.tun_addr6 || default_lists(st))
		return -ENOMEM;
	st->m.region = strdup("US");
	st->m.portal_name = strdup("testgw");
	st->m.portal_version = strdup("6.3.0-33");
	st->m.domain = strdup("(empty_domain)");
	st->start.listen = strdup("127.0.0.1:0");
	st->tok = calloc(GW_MAX_TOKENS, sizeof(*st->tok));
	st->sess = calloc(GW_MAX_SESSIONS, sizeof(*st->sess));
	if (!st->m.region || !st->m.portal_name || !st->m.portal_version ||
	    !st->m.domain || !st->start.listen || !st->tok || !st->sess ||
	    oc_secret_set_str(&st->m.saml_cookie, "samlcookie"))
		return -ENOMEM;
	/* Room for the largest datagram's packet, ESP around it. */
	return oc_buf_init_room(&st->esp_tx, OC_ESP_HEADROOM,
				GW_UDP_MAX + OC_ESP_TAILROOM);
}

static void modes_free(struct gw_modes *m)
{
	free(m->region);
	free(m->portal_name);
	free(m->portal_version);
	free(m->domain);
	free(m->refuse_os);
	free(m->gw_address);
	free(m->getconfig_error);
	gw_list_clear(&m->routes);
	gw_list_clear(&m->exclude);
	gw_list_clear(&m->dns);
	gw_list_clear(&m->wins);
	gw_list_clear(&m->suffix);
	oc_secret_clear(&m->totp_key);
	oc_secret_clear(&m->saml_cookie);
}

static void startup_free(struct gw_startup *s)
{
	free(s->listen);
	free(s->port_file);
	free(s->pin_file);
	free(s->cert);
	free(s->key);
	free(s->log_path);
	free(s->tun_name);
	free(s->tun_addr);
	free(s->tun_addr6);
	free(s->keylog_path);
	free(s->client_ca);
}

void gw_state_free(struct gw_state *st)
{
	size_t i;

	gw_users_clear(st);
	gw_gateways_clear(st);
	gw_sessions_clear(st);
	for (i = 0; st->tok && i < GW_MAX_TOKENS; i++)
		gw_token_drop(&st->tok[i]);
	free(st->tok);
	free(st->sess);
	modes_free(&st->m);
	startup_free(&st->start);
	if (st->log)
		fclose(st->log);
	if (st->keylog)
		fclose(st->keylog);
	oc_buf_free(&st->esp_tx);
	memset(st, 0, sizeof(*st));
}

/* ---- Users ------------------------------------------------------------- */

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static struct gw_user *user_slot(struct gw_state *st, const char *name)
{
	struct gw_user *u;
	size_t i;

	for (i = 0; i < st->nusers; i++)
		if (!strcmp(st->users[i].name, name))
			return &st->users[i];
	u = realloc(st->users, (st->nusers + 1) * sizeof(*u));
	if (!u)
		return NULL;
	st->users = u;
	u = &st->users[st->nusers];
	memset(u, 0, sizeof(*u));
	u->name = strdup(name);
	if (!u->name)
		return NULL;
	st->nusers++;
	return u;
}

int gw_user_add(struct gw_state *st, const char *spec)
{
	const char *colon = strchr(spec, ':');
	struct gw_user *u;
	char *name;
	int ret = -ENOMEM;

	if (!colon || colon == spec || !colon[1])
		return -EINVAL;
	name = strndup(spec, (size_t)(colon - spec));
	if (!name)
		return ret;
	lower(name);
	u = user_slot(st, name);
	if (u)
		ret = oc_secret_set_str(&u->pass, colon + 1);
	free(name);
	return ret;
}

int gw_users_load(struct gw_state *st, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && (n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n && line[0] != '#')
			ret = gw_user_add(st, line);
	}
	if (line)
		oc_wipe(line, cap);
	free(line);
	fclose(f);
	return ret;
}

void gw_users_clear(struct gw_state *st)
{
	size_t i;

	for (i = 0; i < st->nusers; i++) {
		free(st->users[i].name);
		oc_secret_clear(&st->users[i].pass);
	}
	free(st->users);
	st->users = NULL;
	st->nusers = 0;
}

const struct gw_user *gw_user_find(const struct gw_state *st,
				   const char *name)
{
	size_t i;

	for (i = 0; name && i < st->nusers; i++)
		if (!strcasecmp(st->users[i].name, name))
			return &st->users[i];
	return NULL;
}

/* ---- The portal's gateway list ----------------------------------------- */

static int add_rule(struct gw_entry *e, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	struct gw_prio *r;
	char num[16];
	size_t nlen;
	int ret;

	if (!eq || eq == s || (size_t)(s + len - eq) > sizeof(num))
		return -EINVAL;
	nlen = (size_t)(s + len - eq - 1);
	memcpy(num, eq + 1, nlen);
	num[nlen] = '\0';
	r = realloc(e->rules, (e->nrules + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	e->rules = r;
	r = &e->rules[e->nrules];
	ret = oc_parse_int(num, 0, 1000000, &r->prio);
	if (ret)
		return ret;
	r->region = strndup(s, (size_t)(eq - s));
	if (!r->region)
		return -ENOMEM;
	e->nrules++;
	return 0;
}

static int parse_rules(struct gw_entry *e, const char *s)
{
	size_t len;
	int ret = 0;

	while (*s && !ret) {
		len = strcspn(s, ",");
		ret = add_rule(e, s, len);
		s += len;
		if (*s)
			s++;
	}
	return ret;
}

static void entry_free(struct gw_entry *e)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		free(e->rules[i].region);
	free(e->rules);
	free(e->addr);
	free(e->label);
}

static int parse_entry(struct gw_entry *e, const char *spec)
{
	const char *bar = strchr(spec, '|'), *bar2;

	if (!bar || bar == spec || !bar[1] || bar[1] == '|')
		return -EINVAL;
	bar2 = strchr(bar + 1, '|');
	e->addr = strndup(spec, (size_t)(bar - spec));
	e->label = bar2 ? strndup(bar + 1, (size_t)(bar2 - bar - 1))
			: strdup(bar + 1);
	if (!e->addr || !e->label)
		return -ENOMEM;
	return bar2 ? parse_rules(e, bar2 + 1) : 0;
}

int gw_gateway_add(struct gw_state *st, const char *spec)
{
	struct gw_entry e = { 0 }, *n;
	int ret = parse_entry(&e, spec);

	if (!ret) {
		n = realloc(st->gws, (st->ngws + 1) * sizeof(*n));
		if (n) {
			st->gws = n;
			st->gws[st->ngws++] = e;
			return 0;
		}
		ret = -ENOMEM;
	}
	entry_free(&e);
	return ret;
}

void gw_gateways_clear(struct gw_state *st)
{
	size_t i;

	for (i = 0; i < st->ngws; i++)
		entry_free(&st->gws[i]);
	free(st->gws);
	st->gws = NULL;
	st->ngws = 0;
}

/* ---- One-time tokens --------------------------------------------------- */

struct gw_token *gw_token_new(struct gw_state *st, int kind,
			      const char *user, int64_t ttl_ms)
{
	struct gw_token *t = &st->tok[st->tok_next];

	gw_token_drop(t);
	if (gw_random_hex(t->val, GW_TOKEN_BYTES))
		return NULL;
	if (user) {
		t->user = strdup(user);
		if (!t->user)
			return NULL;
	}
	t->kind = kind;
	t->expires = oc_now_ms() + ttl_ms;
	st->tok_next = (st->tok_next + 1) % GW_MAX_TOKENS;
	return t;
}

struct gw_token *gw_token_find(struct gw_state *st, int kind,
			       const char *val)
{
	int64_t now = oc_now_ms();
	struct gw_token *t;
	size_t i;

	if (!val || strlen(val) != GW_TOKEN_HEX)
		return NULL;
	for (i = 0; i < GW_MAX_TOKENS; i++) {
		t = &st->tok[i];
		if (t->kind == kind && t->expires > now &&
		    oc_ct_memeq(t->val, val, GW_TOKEN_HEX))
			return t;
	}
	return NULL;
}

void gw_token_drop(struct gw_token *t)
{
	free(t->user);
	oc_wipe(t, sizeof(*t));
}

/* ---- Sessions ---------------------------------------------------------- */

static void session_clear(struct gw_session *s)
{
	free(s->user);
	free(s->computer);
	free(s->clientos);
	free(s->os_version);
	free(s->portal);
	free(s->domain);
	oc_wipe(s, sizeof(*s));
}

void gw_session_drop(struct gw_session *s)
{
	if (s->tun)
		gw_tunnel_end(s->tun, "session ended");
	gw_esp_end(s, "session ended");
	session_clear(s);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int session_strings(struct gw_state *st, struct gw_session *s,
			   const struct gw_login_info *li)
{
	s->user = strdup(li->user);
	s->computer = dup_or_null(li->computer);
	s->clientos = dup_or_null(li->clientos);
	s->os_version = dup_or_null(li->os_version);
	s->portal = strdup(st->m.portal_name);
	s->domain = strdup(st->m.domain);
	if (!s->user || !s->portal || !s->domain ||
	    (li->computer && !s->computer) ||
	    (li->clientos && !s->clientos) ||
	    (li->os_version && !s->os_version))
		return -ENOMEM;
	return 0;
}

struct gw_session *gw_session_new(struct gw_state *st,
				  const struct gw_login_info *li)
{
	struct gw_session *s = &st->sess[st->sess_next];

	gw_session_drop(s);
	if (session_strings(st, s, li) ||
	    gw_random_hex(s->authcookie, GW_AUTHCOOKIE_BYTES) ||
	    gw_random_hex(s->persistent, GW_PERSIST_BYTES)) {
		session_clear(s);
		return NULL;
	}
	s->in_use = 1;
	/* A full pool is not fatal here: getconfig reports it. */
	gw_pool_assign4(st, s, li->pref_ip);
	gw_pool_assign6(st, s, li->pref_ip6);
	s->created = oc_now_ms();
	st->sess_next = (st->sess_next + 1) % GW_MAX_SESSIONS;
	return s;
}

struct gw_session *gw_session_find(struct gw_state *st,
				   const char *authcookie)
{
	size_t i, n = sizeof(st->sess[0].authcookie) - 1;

	if (!authcookie || strlen(authcookie) != n)
		return NULL;
	for (i = 0; i < GW_MAX_SESSIONS; i++)
		if (st->sess[i].in_use &&
		    oc_ct_memeq(st->sess[i].authcookie, authcookie, n))
			return &st->sess[i];
	return NULL;
}

void gw_sessions_clear(struct gw_state *st)
{
	size_t i;

	for (i = 0; st->sess && i < GW_MAX_SESSIONS; i++)
		gw_session_drop(&st->sess[i]);
	st->sess_next = 0;
}

size_t gw_sessions_live(const struct gw_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < GW_MAX_SESSIONS; i++)
		n += st->sess[i].in_use != 0;
	return n;
}

/* ---- Lists of option values -------------------------------------------- */

int gw_list_add(struct gw_list *l, const char *val)
{
	char **v, *dup;

	if (l->dflt) {
		gw_list_clear(l);
		l->dflt = 0;
	}
	dup = strdup(val);
	v = dup ? realloc(l->v, (l->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(dup);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->n++] = dup;
	return 0;
}

void gw_list_clear(struct gw_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
