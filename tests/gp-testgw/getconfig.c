/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * POST /ssl-vpn/getconfig.esp: the client's addresses, routes, DNS,
 * timers and ESP keys (PROTOCOL.md section 8). Every call makes fresh
 * ESP keys and allows one HTTPS tunnel (section 10: before getconfig the
 * tunnel is refused).
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "gw.h"

#define XML_TYPE	"application/xml; charset=UTF-8"

/* Fields official clients send (section 8); a miss is a warning. */
static int missing_fields(const struct gw_state *st, const struct gw_req *req)
{
	static const char *const wanted[] = {
		"client-type", "protocol-version", "app-version",
		"ipv6-support", "clientos", "os-version", "enc-algo",
		"hmac-algo", "computer",
	};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (gw_field(req, wanted[i]))
			continue;
		gw_warn_req(st, req, "missing field %s", wanted[i]);
		n++;
	}
	return n;
}

static void config_error(struct gw_resp *r, const char *text)
{
	gw_resp_set(r, 200, XML_TYPE, "");
	gw_xml_start(&r->body);
	oc_text_append(&r->body, "<response status=\"error\">\n");
	gw_xml_elem(&r->body, "error", text);
	oc_text_append(&r->body, "</response>\n");
	gw_resp_outcome(r, "getconfig error: %s", text);
}

static int is_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

/* <name><member>...</member></name> with the entries of one family;
 * nothing when there are none, unless @always. */
static void members(struct oc_text *t, const char *name,
		    const struct gw_list *l, int v6, int always)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += is_v6(l->v[i]) == v6;
	if (!n && !always)
		return;
	oc_text_appendf(t, "<%s>\n", name);
	for (i = 0; i < l->n; i++)
		if (is_v6(l->v[i]) == v6)
			gw_xml_elem(t, "member", l->v[i]);
	oc_text_appendf(t, "</%s>\n", name);
}

static void timers_xml(const struct gw_state *st, struct oc_text *t,
		       const struct gw_session *s)
{
	oc_text_append(t, "<need-tunnel>yes</need-tunnel>\n");
	gw_xml_elem(t, "ssl-tunnel-url", GW_TUNNEL_PATH);
	gw_xml_elem(t, "portal", s->portal);
	gw_xml_elem(t, "user", s->user);
	oc_text_appendf(t, "<quarantine>no</quarantine>\n"
			"<lifetime>%d</lifetime>\n<timeout>%d</timeout>\n"
			"<disconnect-on-idle>%d</disconnect-on-idle>\n"
			"<bw-c2s>1000</bw-c2s>\n<bw-s2c>1000</bw-s2c>\n",
			st->m.lifetime, st->m.timeout, st->m.idle);
}

/* By default the address the client reached: what real gateways put
 * there when they are not behind NAT. */
static const char *gw_address(const struct gw_state *st,
			      const struct gw_req *req)
{
	const char *a = st->m.gw_address ? st->m.gw_address : req->local;

	return a && *a ? a : "0.0.0.0";
}

static void gw_address_xml(const struct gw_state *st,
			   const struct gw_req *req, struct oc_text *t)
{
	const char *a = gw_address(st, req);

	gw_xml_elem(t, is_v6(a) ? "gw-address-v6" : "gw-address", a);
}

/* The ESP side answers probes sent to what this answer says. */
static void probe_address(const struct gw_state *st,
			  const struct gw_req *req, struct gw_session *s)
{
	const char *a = gw_address(st, req);
	int v6 = is_v6(a);

	memset(s->gw_addr, 0, sizeof(s->gw_addr));
	s->gw_family = inet_pton(v6 ? AF_INET6 : AF_INET, a, s->gw_addr) == 1 ?
		       (v6 ? 6 : 4) : 0;
}

static void addrs_xml(const struct gw_state *st, const struct gw_req *req,
		      struct oc_text *t, const struct gw_session *s, int v6)
{
	struct in_addr gw = { .s_addr = htonl(st->gw4) };
	char dflt[16];

	gw_address_xml(st, req, t);
	gw_xml_elem(t, "ipv6-connection", v6 ? "yes" : "no");
	gw_xml_elem(t, "ip-address", s->ip);
	oc_text_append(t, "<netmask>255.255.255.255</netmask>\n");
	gw_xml_elem(t, "ip-address-preferred",
		    gw_field(req, "preferred-ip") &&
		    !strcmp(gw_field(req, "preferred-ip"), s->ip) ?
		    "yes" : "no");
	if (v6)
		gw_xml_elem(t, "ip-address-v6", s->ip6);
	oc_text_append(t, "<mtu>0</mtu>\n");
	inet_ntop(AF_INET, &gw, dflt, sizeof(dflt));
	gw_xml_elem(t, "default-gateway", dflt);
}

static void lists_xml(const struct gw_state *st, struct oc_text *t, int v6)
{
	members(t, "dns", &st->m.dns, 0, 0);
	if (v6)
		members(t, "dns-v6", &st->m.dns, 1, 0);
	members(t, "wins", &st->m.wins, 0, 0);
	members(t, "dns-suffix", &st->m.suffix, 0, 0);
	oc_text_append(t, "<no-direct-access-to-local-network>no"
		       "</no-direct-access-to-local-network>\n");
	members(t, "access-routes", &st->m.routes, 0, 1);
	if (v6)
		members(t, "access-routes-v6", &st->m.routes, 1, 0);
	members(t, "exclude-access-routes", &st->m.exclude, 0, 0);
	if (v6)
		members(t, "exclude-access-routes-v6", &st->m.exclude, 1, 0);
}

static void config_body(const struct gw_state *st, const struct gw_req *req,
			struct oc_text *t, const struct gw_session *s, int v6)
{
	gw_xml_start(t);
	oc_text_append(t, "<response status=\"success\">\n");
	timers_xml(st, t, s);
	addrs_xml(st, req, t, s, v6);
	lists_xml(st, t, v6);
	if (s->esp.valid)
		gw_esp_xml(st, &s->esp, t);
	oc_text_append(t, "<panos-version>1</panos-version>\n");
	if (req->local && *req->local)
		gw_xml_elem(t, "connected-gw-ip", req->local);
	oc_text_append(t, "</response>\n");
}

/* Fresh keys and SAs, or none (--no-esp, nothing in common with the
 * offer). */
static int make_esp(struct gw_state *st, const struct gw_req *req,
		    struct gw_session *s)
{
	int ret;

	if (st->m.no_esp) {
		gw_esp_drop(&s->esp);
		s->esp.https_took_over = 0;
		gw_esp_end(s, "getconfig without ESP");
		return 0;
	}
	ret = gw_esp_new(st, gw_field(req, "enc-algo"),
			 gw_field(req, "hmac-algo"), &s->esp);
	if (!ret) {
		probe_address(st, req, s);
		ret = gw_esp_rekey(st, s);
	} else {
		gw_esp_end(s, "getconfig without ESP");
	}
	if (ret == -ENOENT) {
		gw_warn_req(st, req, "no ESP algorithm in common; no <ipsec>");
		ret = 0;
	}
	return ret;
}

/* The session of a good cookie, or NULL with @r holding the refusal. */
static struct gw_session *config_session(struct gw_state *st,
					 const struct gw_req *req,
					 struct gw_resp *r)
{
	const char *why = "reject-cookie";
	struct gw_session *s = NULL;

	if (!st->m.reject_cookie)
		s = gw_cookie_session(st, req, 0, &why);
	if (!s) {
		gw_cookie_refuse(st, r, why);
		st->stats.getconfigs_refused++;
	}
	return s;
}

static void config_outcome(struct gw_resp *r, const struct gw_session *s,
			   int v6)
{
	const char *ip6 = v6 ? s->ip6 : "no IPv6";

	if (s->esp.valid)
		gw_resp_outcome(r, "config (user %s, %s, %s, ESP %s/%s)",
				s->user, s->ip, ip6, gw_enc_name(s->esp.enc),
				gw_hmac_name(s->esp.hmac));
	else
		gw_resp_outcome(r, "config (user %s, %s, %s, no ESP)",
				s->user, s->ip, ip6);
}

void gw_getconfig(struct gw_state *st, const struct gw_req *req,
		  struct gw_resp *r)
{
	const char *v6s = gw_field(req, "ipv6-support");
	struct gw_session *s;
	int v6;

	st->stats.getconfigs++;
	if (gw_check_client(st, req) + missing_fields(st, req) &&
	    st->m.strict) {
		gw_resp_set(r, 400, "text/plain", "Incomplete request\n");
		gw_resp_outcome(r, "strict: request not as official "
				"clients send");
		return;
	}
	s = config_session(st, req, r);
	if (!s)
		return;
	if (st->m.getconfig_error) {
		config_error(r, st->m.getconfig_error);
		return;
	}
	if (gw_pool_assign4(st, s, gw_field(req, "preferred-ip"))) {
		config_error(r, "Assign private IP address failed");
		return;
	}
	v6 = v6s && !strcmp(v6s, "yes") && st->m.ip6_pool_len &&
	     !gw_pool_assign6(st, s, gw_field(req, "preferred-ipv6"));
	if (make_esp(st, req, s)) {
		gw_resp_set(r, 500, "text/plain", "No keys\n");
		gw_resp_outcome(r, "cannot make ESP keys");
		return;
	}
	s->tunnel_ok = 1;
	gw_resp_set(r, 200, XML_TYPE, "");
	config_body(st, req, &r->body, s, v6);
	config_outcome(r, s, v6);
}
