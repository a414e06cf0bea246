/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every setting of the gateway, in one table: it drives the command line,
 * --help, and POST /testgw/control, so a test can switch a mode at run
 * time with the same name and value it would give on the command line.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"
#include "num.h"

enum opt_kind {
	OPT_STR,	/* char * at off; "" clears when OPT_NULLABLE */
	OPT_BOOL,	/* int at off */
	OPT_INT,	/* int at off, from lo to hi */
	OPT_LIST,	/* struct gw_list at off; fn checks a value; "" clears */
	OPT_FN,
};

#define OPT_NULLABLE	0x10

struct gw_opt {
	const char *name;
	const char *arg;	/* NULL: a flag on the command line */
	unsigned int flags;	/* GW_OPT_START, GW_OPT_CTL, OPT_NULLABLE */
	enum opt_kind kind;
	size_t off;		/* in struct gw_state */
	int (*fn)(struct gw_state *st, const char *val);
	const char *help;
	int lo, hi;		/* OPT_INT */
};

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			*out = !strcmp(v, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int set_verbose(struct gw_state *st, const char *v)
{
	st->start.verbose++;
	return 0;
}

static int set_user(struct gw_state *st, const char *v)
{
	return gw_user_add(st, v);
}

static int set_users(struct gw_state *st, const char *v)
{
	return gw_users_load(st, v);
}

static int set_gateway(struct gw_state *st, const char *v)
{
	return gw_gateway_add(st, v);
}

/* The "clear" commands take "1" so a form field always has a value. */
static int set_clear_users(struct gw_state *st, const char *v)
{
	if (strcmp(v, "1"))
		return -EINVAL;
	gw_users_clear(st);
	return 0;
}

static int set_clear_gateways(struct gw_state *st, const char *v)
{
	if (strcmp(v, "1"))
		return -EINVAL;
	gw_gateways_clear(st);
	return 0;
}

static int set_drop_sessions(struct gw_state *st, const char *v)
{
	if (strcmp(v, "1"))
		return -EINVAL;
	gw_sessions_clear(st);
	return 0;
}

static int set_2fa(struct gw_state *st, const char *v)
{
	static const char *const names[] = { "none", "xml", "js", "html" };
	int i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(v, names[i])) {
			st->m.tfa = (enum gw_2fa)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int set_saml(struct gw_state *st, const char *v)
{
	static const char *const names[] = {
		"none", "portal", "gateway", "both",
	};
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(v, names[i])) {
			st->m.saml = i;	/* the GW_ROLE_* bits */
			return 0;
		}
	}
	return -EINVAL;
}

static int set_totp(struct gw_state *st, const char *v)
{
	unsigned char key[128];
	size_t len;
	int ret;

	if (!*v) {
		oc_secret_clear(&st->m.totp_key);
		return 0;
	}
	ret = oc_base32_decode(v, strlen(v), key, sizeof(key), &len);
	if (!ret && !len)
		ret = -EINVAL;
	if (!ret)
		ret = oc_secret_set(&st->m.totp_key, key, len);
	oc_wipe(key, sizeof(key));
	return ret;
}

static int set_saml_cookie(struct gw_state *st, const char *v)
{
	return *v ? oc_secret_set_str(&st->m.saml_cookie, v) : -EINVAL;
}

static int set_only(struct gw_state *st, const char *v, unsigned int role)
{
	int on, ret = parse_bool(v, &on);

	if (!ret)
		st->m.roles = on ? role : GW_ROLE_PORTAL | GW_ROLE_GATEWAY;
	return ret;
}

static int set_portal_only(struct gw_state *st, const char *v)
{
	return set_only(st, v, GW_ROLE_PORTAL);
}

static int set_gateway_only(struct gw_state *st, const char *v)
{
	return set_only(st, v, GW_ROLE_GATEWAY);
}

static int set_hip_interval(struct gw_state *st, const char *v)
{
	return oc_parse_int(v, 1, 7 * 24 * 3600, &st->m.hip_interval);
}

static int set_ip_pool(struct gw_state *st, const char *v)
{
	return gw_pool_set4(st, v);
}

static int set_ip6_pool(struct gw_state *st, const char *v)
{
	return gw_pool_set6(st, v);
}

/* The address goes to the ping responder, the CIDR string to `ip`. */
static int set_tun_addr(struct gw_state *st, const char *v)
{
	unsigned char a[4];
	int len;
	char *s;

	if (gw_parse_cidr(v, AF_INET, a, &len) || !strchr(v, '/'))
		return -EINVAL;
	s = strdup(v);
	if (!s)
		return -ENOMEM;
	free(st->start.tun_addr);
	st->start.tun_addr = s;
	st->gw4 = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		  (uint32_t)a[2] << 8 | a[3];
	return 0;
}

static int set_tun_addr6(struct gw_state *st, const char *v)
{
	unsigned char a[16];
	int len;
	char *s;

	if (gw_parse_cidr(v, AF_INET6, a, &len) || !strchr(v, '/'))
		return -EINVAL;
	s = strdup(v);
	if (!s)
		return -ENOMEM;
	free(st->start.tun_addr6);
	st->start.tun_addr6 = s;
	memcpy(st->gw6, a, 16);
	return 0;
}

static int check_cidr(struct gw_state *st, const char *v)
{
	unsigned char a[16];
	int len;

	return gw_parse_cidr(v, strchr(v, ':') ? AF_INET6 : AF_INET, a, &len);
}

static int check_addr(struct gw_state *st, const char *v)
{
	unsigned char a[16];

	return inet_pton(strchr(v, ':') ? AF_INET6 : AF_INET, v, a) == 1 ?
	       0 : -EINVAL;
}

static int check_addr4(struct gw_state *st, const char *v)
{
	unsigned char a[4];

	return inet_pton(AF_INET, v, a) == 1 ? 0 : -EINVAL;
}

static int check_domain(struct gw_state *st, const char *v)
{
	size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

	return n && !v[n] ? 0 : -EINVAL;
}

static int set_gw_address(struct gw_state *st, const char *v)
{
	char *s = NULL;

	if (*v && check_addr(st, v))
		return -EINVAL;
	if (*v && !(s = strdup(v)))
		return -ENOMEM;
	free(st->m.gw_address);
	st->m.gw_address = s;
	return 0;
}

static int set_esp_enc(struct gw_state *st, const char *v)
{
	return gw_esp_parse_algos(v, 0, &st->m.esp_enc);
}

static int set_esp_hmac(struct gw_state *st, const char *v)
{
	return gw_esp_parse_algos(v, 1, &st->m.esp_hmac);
}

/* 0 (an ephemeral port) only before the socket is bound; a port given
 * before then must be free (see gw_udp_start). */
static int set_udp_port(struct gw_state *st, const char *v)
{
	int ret = oc_parse_int(v, st->udp ? 1 : 0, 65535, &st->m.udp_port);

	if (!ret && !st->udp)
		st->start.udp_port_given = 1;
	return ret;
}

static int set_hostile(struct gw_state *st, const char *v)
{
	return gw_hostile_set(st, v);
}

static int set_cookie_error(struct gw_state *st, const char *v)
{
	if (strcmp(v, "xml") && strcmp(v, "plain"))
		return -EINVAL;
	st->m.cookie_plain = !strcmp(v, "plain");
	return 0;
}

#define S(f)	offsetof(struct gw_state, f)
#define START	GW_OPT_START
#define CTL	GW_OPT_CTL

static const struct gw_opt opts[] = {
	{ "listen", "ADDR:PORT", START, OPT_STR, S(start.listen), NULL,
	  "address to listen on (default 127.0.0.1:0; IPv6 as [::1]:PORT)" },
	{ "port-file", "FILE", START, OPT_STR, S(start.port_file), NULL,
	  "write the bound port here once listening" },
	{ "pin-file", "FILE", START, OPT_STR, S(start.pin_file), NULL,
	  "write the certificate's pin-sha256:... here" },
	{ "cert", "FILE", START, OPT_STR, S(start.cert), NULL,
	  "server certificate chain, PEM (default $CERTDIR/server.pem)" },
	{ "key", "FILE", START, OPT_STR, S(start.key), NULL,
	  "server key, PEM (default $CERTDIR/server-key.pem)" },
	{ "client-ca", "FILE", START, OPT_STR, S(start.client_ca), NULL,
	  "require a client certificate that this CA file (PEM) verifies" },
	{ "log", "FILE", START, OPT_STR, S(start.log_path), NULL,
	  "one line per request: method, path, field names, outcome" },
	{ "control", NULL, START, OPT_BOOL, S(start.control), NULL,
	  "enable POST /testgw/control (fields: these names, no --)" },
	{ "verbose", NULL, START, OPT_FN, 0, set_verbose,
	  "(-v) log requests on stderr; twice: debug lines too" },
	{ "user", "NAME:PASSWORD", 0, OPT_FN, 0, set_user,
	  "add a user (repeatable); names are lower-cased" },
	{ "users", "FILE", 0, OPT_FN, 0, set_users,
	  "add the users of FILE, lines NAME:PASSWORD" },
	{ "clear-users", "1", CTL, OPT_FN, 0, set_clear_users,
	  "forget all users" },
	{ "portal-gateway", "'HOST[:PORT]|LABEL[|REGION=PRIO,...]'", 0,
	  OPT_FN, 0, set_gateway,
	  "add a gateway to the portal's list (repeatable); HOST @self is "
	  "the host the client reached; default: only @self" },
	{ "clear-portal-gateways", "1", CTL, OPT_FN, 0, set_clear_gateways,
	  "empty the portal's gateway list" },
	{ "region", "NAME", 0, OPT_STR, S(m.region), NULL,
	  "the client's region in pre-login answers (default US)" },
	{ "portal-name", "NAME", 0, OPT_STR, S(m.portal_name), NULL,
	  "portal name in logins and config (default testgw)" },
	{ "domain", "DOMAIN", 0, OPT_STR, S(m.domain), NULL,
	  "login argument 7, sent URL-encoded (default (empty_domain))" },
	{ "portal-version", "VER", 0, OPT_STR, S(m.portal_version), NULL,
	  "the portal config's <version> (default 6.3.0-33)" },
	{ "hip-interval", "SECONDS", 0, OPT_FN, 0, set_hip_interval,
	  "<hip-report-interval> of the portal config (default 3600)" },
	{ "portal-cookie", NULL, 0, OPT_BOOL, S(m.portal_cookie), NULL,
	  "portal hands out portal-userauthcookie and "
	  "portal-prelogonuserauthcookie, which the gateway login accepts "
	  "instead of a password" },
	{ "2fa", "none|xml|js|html", 0, OPT_FN, 0, set_2fa,
	  "gateway login answers a challenge of that shape first; the "
	  "second login carries the code as passwd, the token as inputStr" },
	{ "totp-secret", "BASE32", 0, OPT_FN, 0, set_totp,
	  "the code must be this secret's TOTP (SHA-1, 30 s, 6 digits, one "
	  "step of slack); without it the code is 123456" },
	{ "saml", "none|portal|gateway|both", 0, OPT_FN, 0, set_saml,
	  "pre-login announces SAML (REDIRECT); login then needs user and "
	  "prelogin-cookie (or portal-userauthcookie) instead of passwd" },
	{ "saml-cookie", "VALUE", 0, OPT_FN, 0, set_saml_cookie,
	  "the SAML cookie logins must carry (default samlcookie)" },
	{ "portal-only", NULL, 0, OPT_FN, 0, set_portal_only,
	  "the gateway role says it does not exist" },
	{ "gateway-only", NULL, 0, OPT_FN, 0, set_gateway_only,
	  "the portal role says it does not exist" },
	{ "require-http-cookie", NULL, 0, OPT_BOOL,
	  S(m.require_http_cookie), NULL,
	  "pre-login sets a cookie; a login without it gets 403" },
	{ "broken-xml", NULL, 0, OPT_BOOL, S(m.broken_xml), NULL,
	  "answers carry a stray '&' and a mismatched closing tag" },
	{ "has-config-no", NULL, 0, OPT_BOOL, S(m.has_config_no), NULL,
	  "the portal refuses the client: <has-config>no</has-config>" },
	{ "refuse-os", "CLIENTOS", OPT_NULLABLE, OPT_STR, S(m.refuse_os),
	  NULL, "the portal refuses this clientos with has-config no" },
	{ "strict", NULL, 0, OPT_BOOL, S(m.strict), NULL,
	  "what is only a warning otherwise is a 400: a User-Agent other "
	  "than PAN GlobalProtect, a missing login field, a body that is "
	  "not a form, clientVer other than 4100, an unknown clientos" },
	{ "ip-pool", "ADDR[/LEN]", 0, OPT_FN, 0, set_ip_pool,
	  "client IPv4 addresses: from ADDR on, at most 1024, within the "
	  "network ADDR/LEN (LEN default 24); each session keeps its own "
	  "(default 198.18.128.2/17)" },
	{ "ip6-pool", "PREFIX/LEN", OPT_NULLABLE, OPT_FN, 0, set_ip6_pool,
	  "give IPv6 too (<ip-address-v6>), PREFIX::2 on, to clients that "
	  "send ipv6-support=yes, e.g. 2001:db8:1::/64 (default none)" },
	{ "drop-sessions", "1", CTL, OPT_FN, 0, set_drop_sessions,
	  "forget every session (authcookie); their tunnels end" },
	{ "route", "CIDR", 0, OPT_LIST, S(m.routes), check_cidr,
	  "access route, IPv4 or IPv6 (repeatable; default 198.19.0.0/16 "
	  "and 2001:db8:19::/64; control route= clears)" },
	{ "exclude-route", "CIDR", 0, OPT_LIST, S(m.exclude), check_cidr,
	  "exclude-access-routes member, IPv4 or IPv6 (repeatable)" },
	{ "dns", "ADDR", 0, OPT_LIST, S(m.dns), check_addr,
	  "DNS server; IPv6 ones go to <dns-v6> (repeatable)" },
	{ "wins", "ADDR", 0, OPT_LIST, S(m.wins), check_addr4,
	  "WINS server (repeatable)" },
	{ "dns-suffix", "DOMAIN", 0, OPT_LIST, S(m.suffix), check_domain,
	  "search domain (repeatable)" },
	{ "timeout", "SECONDS", 0, OPT_INT, S(m.timeout), NULL,
	  "getconfig's <timeout>: clients rekey before it (default 3600)",
	  1, 365 * 24 * 3600 },
	{ "lifetime", "SECONDS", 0, OPT_INT, S(m.lifetime), NULL,
	  "getconfig's <lifetime> (default 2592000)", 1, 365 * 24 * 3600 },
	{ "disconnect-on-idle", "SECONDS", 0, OPT_INT, S(m.idle), NULL,
	  "getconfig's <disconnect-on-idle> (default 10800)", 1,
	  365 * 24 * 3600 },
	{ "gw-address", "ADDR", 0, OPT_FN, 0, set_gw_address,
	  "getconfig's <gw-address> (<gw-address-v6> for IPv6; default the "
	  "address the client reached)" },
	{ "udp-port", "PORT", 0, OPT_FN, 0, set_udp_port,
	  "the ESP socket's port and <ipsec><udp-port> (default 4501, or "
	  "an ephemeral port when 4501 is taken; 0: ephemeral); at run "
	  "time only what getconfig says changes" },
	{ "esp-enc", "LIST", 0, OPT_FN, 0, set_esp_enc,
	  "ESP ciphers allowed, of aes-128-cbc,aes-256-cbc; the first of "
	  "the client's offer that is allowed wins (default both)" },
	{ "esp-hmac", "LIST", 0, OPT_FN, 0, set_esp_hmac,
	  "ESP HMACs allowed, of sha1,md5,sha256 (default all)" },
	{ "no-esp", NULL, 0, OPT_BOOL, S(m.no_esp), NULL,
	  "getconfig offers no <ipsec>" },
	{ "hip-needed", "yes|no", 0, OPT_BOOL, S(m.hip_needed), NULL,
	  "hipreportcheck says a report is needed, until the session sent "
	  "one (default no)" },
	{ "cookie-error", "xml|plain", 0, OPT_FN, 0, set_cookie_error,
	  "a bad cookie gets <error>Invalid authentication cookie</error> "
	  "(xml, default) or the body 'errors getting SSL/VPN config'" },
	{ "getconfig-error", "TEXT", OPT_NULLABLE, OPT_STR,
	  S(m.getconfig_error), NULL,
	  "fault: every getconfig with a good cookie answers this <error>, "
	  "e.g. 'Assign private IP address failed'; '' stops it" },
	{ "reject-cookie", NULL, 0, OPT_BOOL, S(m.reject_cookie), NULL,
	  "fault: refuse every cookie: portal cookies at login, the "
	  "authcookie at getconfig and at the tunnel" },
	{ "close-tls-after", "SECONDS", 0, OPT_INT, S(m.close_tls_after),
	  NULL, "fault: close each HTTPS tunnel this long after "
	  "START_TUNNEL (0: never, the default)", 0, 24 * 3600 },
	{ "no-keepalive-reply", NULL, 0, OPT_BOOL, S(m.no_keepalive_reply),
	  NULL, "fault: keepalive frames get no answer" },
	{ "malformed-frame", NULL, 0, OPT_BOOL, S(m.malformed_frame), NULL,
	  "fault: each HTTPS tunnel gets one frame with a bad magic" },
	{ "esp-drop", NULL, 0, OPT_BOOL, S(m.esp_drop), NULL,
	  "fault: drop all UDP, both ways (a firewall)" },
	{ "esp-stop-after", "SECONDS", 0, OPT_INT, S(m.esp_stop_after), NULL,
	  "fault: this long after a session's first valid ESP packet, drop "
	  "its ESP both ways (0: off, the default)", 0, 24 * 3600 },
	{ "esp-ignore-probes", NULL, 0, OPT_BOOL, S(m.esp_ignore_probes),
	  NULL, "fault: ESP probes get no answer; other packets pass" },
	{ "esp-reorder", "N", 0, OPT_INT, S(m.esp_reorder), NULL,
	  "fault: hold back every Nth outbound ESP packet and send it after "
	  "the next one (0: off)", 0, 1000000 },
	{ "esp-duplicate", "N", 0, OPT_INT, S(m.esp_duplicate), NULL,
	  "fault: send every Nth outbound ESP packet twice (0: off)", 0,
	  1000000 },
	{ "hostile", "NAME", 0, OPT_FN, 0, set_hostile,
	  "fault: misbehave on purpose (see README.md): huge-header "
	  "endless-headers short-length long-length negative-length "
	  "garbage-length huge-length chunked-forever slow-body stall "
	  "gzip-bomb xml-laughs xml-xxe xml-deep xml-huge-text "
	  "xml-huge-attr mtu-70000 mtu-9000 routes-20000 short-keys spi-0 "
	  "bad-ip no-ip garbage-lists frame-long frame-zero frame-huge "
	  "frame-magic frame-type frame-garbage (one frame) esp-flood-spi "
	  "esp-flood-icv (3 s); none (the default) turns it off" },
	{ "keylog", "FILE", START, OPT_STR, S(start.keylog_path), NULL,
	  "append two lines per getconfig to FILE, 'spi=0x... dir=c2s|s2c "
	  "enc=... ekey=HEX hmac=... akey=HEX': a test aid to decrypt "
	  "captures; FILE holds the ESP keys on purpose" },
	{ "tun", "NAME", START, OPT_STR, S(start.tun_name), NULL,
	  "create TUN device NAME in this namespace, give it --tun-addr "
	  "(and --tun-addr6 with an IPv6 pool), route the pools to it; "
	  "without it the gateway answers pings to its address itself" },
	{ "tun-addr", "CIDR", START, OPT_FN, 0, set_tun_addr,
	  "the gateway's tunnel-side address (default 198.19.0.1/16)" },
	{ "tun-addr6", "CIDR", START, OPT_FN, 0, set_tun_addr6,
	  "and IPv6 (default 2001:db8:19::1/64)" },
};

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static const struct gw_opt *find_opt(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (!strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

static int set_str(char **dst, const char *val, int nullable)
{
	char *s = NULL;

	if (!*val && !nullable)
		return -EINVAL;
	if (*val) {
		s = strdup(val);
		if (!s)
			return -ENOMEM;
	}
	free(*dst);
	*dst = s;
	return 0;
}

static int set_list(struct gw_state *st, const struct gw_opt *o,
		    struct gw_list *l, const char *val)
{
	int ret;

	if (!*val) {
		gw_list_clear(l);
		l->dflt = 0;
		return 0;
	}
	ret = o->fn(st, val);
	return ret ? ret : gw_list_add(l, val);
}

int gw_option_set(struct gw_state *st, const char *name, const char *val,
		  int from_control)
{
	const struct gw_opt *o = find_opt(name);
	char *base = (char *)st;

	if (!o)
		return -ENOENT;
	if ((o->flags & GW_OPT_START && from_control) ||
	    (o->flags & GW_OPT_CTL && !from_control))
		return -EPERM;
	switch (o->kind) {
	case OPT_STR:
		return set_str((char **)(void *)(base + o->off), val,
			       o->flags & OPT_NULLABLE);
	case OPT_BOOL:
		return parse_bool(val, (int *)(void *)(base + o->off));
	case OPT_INT:
		return oc_parse_int(val, o->lo, o->hi,
				    (int *)(void *)(base + o->off));
	case OPT_LIST:
		return set_list(st, o,
				(struct gw_list *)(void *)(base + o->off), val);
	default:
		return o->fn(st, val);
	}
}

/* ---- Command line ------------------------------------------------------ */

static void help(void)
{
	size_t i;

	printf("Usage: gp-testgw [options]\n"
	       "A GlobalProtect portal and gateway for tests.\n\n");
	for (i = 0; i < NOPTS; i++) {
		if (opts[i].flags & GW_OPT_CTL)
			continue;
		printf("  --%s%s%s\n      %s%s\n", opts[i].name,
		       opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "",
		       opts[i].flags & GW_OPT_START ? "(start-up) " : "",
		       opts[i].help);
	}
	printf("  -h, --help\n      this text\n\n"
	       "Control-only settings (POST /testgw/control):\n");
	for (i = 0; i < NOPTS; i++)
		if (opts[i].flags & GW_OPT_CTL)
			printf("  %s=%s\n      %s\n", opts[i].name,
			       opts[i].arg, opts[i].help);
	printf("\nWith --control every setting above but the (start-up) "
	       "ones is also a control\nfield, e.g. 2fa=js; flags take 1 "
	       "or 0. GET /testgw/stats shows the counters.\n");
}

static struct option *long_options(void)
{
	struct option *lo = calloc(NOPTS + 2, sizeof(*lo));
	size_t i, n = 0;

	if (!lo)
		return NULL;
	for (i = 0; i < NOPTS; i++) {
		if (opts[i].flags & GW_OPT_CTL)
			continue;
		lo[n].name = opts[i].name;
		lo[n].has_arg = opts[i].arg ? required_argument : no_argument;
		lo[n].val = 256 + (int)i;
		n++;
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	return lo;
}

/* Why a setting was refused; never its value, which may be a secret. */
static const char *refusal(int err)
{
	switch (err) {
	case -ENOENT:
		return "unknown setting";
	case -EPERM:
		return "start-up only";
	case -EINVAL:
	case -ERANGE:
		return "bad value";
	default:
		return strerror(-err);
	}
}

static int apply_arg(struct gw_state *st, int c)
{
	const struct gw_opt *o;
	int ret;

	if (c == 'v')
		c = 256 + (int)(find_opt("verbose") - opts);
	if (c < 256 || c >= 256 + (int)NOPTS)
		return -EINVAL;
	o = &opts[c - 256];
	ret = gw_option_set(st, o->name, o->arg ? optarg : "1", 0);
	if (ret)
		fprintf(stderr, "gp-testgw: --%s: %s\n", o->name,
			ret == -EINVAL || ret == -ERANGE ? "bad value" :
			strerror(-ret));
	return ret;
}

int gw_options_parse(struct gw_state *st, int argc, char **argv)
{
	struct option *lo = long_options();
	int c, ret = 0;

	if (!lo)
		return -ENOMEM;
	while (!ret && (c = getopt_long(argc, argv, "hv", lo, NULL)) != -1) {
		if (c == 'h') {
			help();
			ret = 1;
		} else {
			ret = apply_arg(st, c);
		}
	}
	if (!ret && optind < argc) {
		fprintf(stderr, "gp-testgw: unexpected argument %s\n",
			argv[optind]);
		ret = -EINVAL;
	}
	free(lo);
	return ret;
}

/* ---- POST /testgw/control ---------------------------------------------- */

void gw_control(struct gw_state *st, const struct gw_req *req,
		struct gw_resp *r)
{
	struct oc_text name = OC_TEXT_INIT;
	const struct gw_field *f;
	size_t i;
	int ret;

	for (i = 0; i < req->form.n; i++) {
		f = &req->form.f[i];
		ret = gw_option_set(st, f->name, f->value, 1);
		if (!ret)
			continue;
		gw_log_safe(&name, f->name, 40);
		gw_resp_set(r, 400, "text/plain", "");
		oc_text_appendf(&r->body, "%s: %s\n", oc_text_str(&name),
				refusal(ret));
		gw_resp_outcome(r, "control: %s: %s", oc_text_str(&name),
				refusal(ret));
		oc_text_free(&name);
		gw_tunnels_poke(st);	/* the fields before it did apply */
		return;
	}
	gw_resp_set(r, 200, "text/plain", "ok");
	gw_resp_outcome(r, "control: %zu settings applied", req->form.n);
	gw_tunnels_poke(st);
}
