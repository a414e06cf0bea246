/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The getconfig answer: gp_config_parse(), then what the client does with
 * a parsed configuration: the public IP info, the reconnect comparison
 * with itself, each route formatted and parsed back, the MTU rules, and
 * the ESP security associations made from the parsed keys (which must be
 * accepted whenever the parser says ESP is usable).
 */
#include <config.h>

#include <errno.h>

#include "esp.h"
#include "fuzz.h"
#include "gp-config.h"
#include "ipconf.h"

static void check_routes(const struct oc_route_list *l)
{
	char text[OC_ROUTE_STRLEN];
	struct oc_route back;
	size_t i;

	for (i = 0; i < l->n; i++) {
		oc_route_format(&l->r[i], 0, text);
		FUZZ_CHECK(oc_route_parse(text, &back) == 0);
		FUZZ_CHECK(back.family == l->r[i].family &&
			   back.plen == l->r[i].plen &&
			   !memcmp(back.a, l->r[i].a, sizeof(back.a)));
		oc_route_format(&l->r[i], 1, text);
		FUZZ_CHECK(oc_route_parse(text, &back) == 0);
	}
}

static void check_esp(const struct gp_esp_config *e)
{
	struct oc_esp_sa sa = { 0 };
	struct oc_esp_sa_params p = {
		.enc = gp_enc_name(e->enc),
		.auth = gp_hmac_name(e->hmac),
	};
	int ret;

	p.spi = e->c2s_spi;
	p.ekey = e->ekey_c2s.k;
	p.ekey_len = e->ekey_c2s.len;
	p.akey = e->akey_c2s.k;
	p.akey_len = e->akey_c2s.len;
	ret = oc_esp_sa_init(&sa, OC_ESP_OUT, &p);
	FUZZ_CHECK(ret == 0 || ret == -ENOMEM);
	oc_esp_sa_free(&sa);
	p.spi = e->s2c_spi;
	p.ekey = e->ekey_s2c.k;
	p.ekey_len = e->ekey_s2c.len;
	p.akey = e->akey_s2c.k;
	p.akey_len = e->akey_s2c.len;
	ret = oc_esp_sa_init(&sa, OC_ESP_IN, &p);
	FUZZ_CHECK(ret == 0 || ret == -ENOMEM);
	oc_esp_sa_free(&sa);
	FUZZ_CHECK(e->udp_port > 0 && e->udp_port < 65536);
	FUZZ_CHECK(gp_esp_mtu(GP_MTU_MIN, 1, gp_hmac_icv_len(e->hmac)) > 0);
}

static void check_config(const struct oc_log *lg, struct oc_ipconf *ip,
			 const struct gp_config_extra *x)
{
	struct oc_ip_info info;
	struct oc_split_include *s;
	int n = 0;

	FUZZ_CHECK(x->ssl_tunnel_url);
	FUZZ_CHECK(ip->addr4.family || ip->addr6.family);
	FUZZ_CHECK(oc_ipconf_diff(ip, ip) == 0);
	FUZZ_CHECK(oc_ipconf_reconnect_check(lg, ip, ip) == 0);
	if (!oc_ipconf_fill_info(ip, &info)) {
		for (s = info.split_includes; s && n < 10000; s = s->next, n++)
			FUZZ_CHECK(s->route && *s->route);
		for (s = info.split_excludes; s && n < 10000; s = s->next, n++)
			FUZZ_CHECK(s->route && *s->route);
	}
	check_routes(&ip->inc4);
	check_routes(&ip->exc4);
	check_routes(&ip->inc6);
	check_routes(&ip->exc6);
	if (x->esp.present)
		check_esp(&x->esp);
	else
		FUZZ_CHECK(x->esp.err == 0 || x->esp.err == -EINVAL ||
			   x->esp.err == -EPROTONOSUPPORT);
	FUZZ_CHECK(gp_https_mtu(gp_base_mtu(0, ip->mtu), 0,
				GP_TLS_AEAD_OVERHEAD) > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_config_extra x;
	struct oc_ipconf ip;
	struct oc_log lg;
	char *body = fuzz_memdup(data, size);
	int ret;

	fuzz_log_init(&lg);
	ret = gp_config_parse(&lg, body, size, &ip, &x);
	FUZZ_CHECK(ret == 0 || ret == -EPERM || ret == -EAGAIN ||
		   ret == -EINVAL || ret == -ENOMEM);
	if (!ret) {
		check_config(&lg, &ip, &x);
		oc_ipconf_drop_ipv6(&ip);
		FUZZ_CHECK(!ip.addr6.family && !ip.inc6.n && !ip.exc6.n);
	} else {
		FUZZ_CHECK(!x.ssl_tunnel_url && !x.esp.present);
		FUZZ_CHECK(ret == -EPERM || ret == -EAGAIN || !x.error);
	}
	oc_ipconf_free(&ip);
	gp_config_extra_free(&x);
	free(body);
	return 0;
}
