/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The portal's configuration: gp_parse_portal() (gateway list, priority
 * rules, cookies, settings) with a few regions, then gp_choose_gateway()
 * with no, exact and prefix --authgroup values.
 */
#include <config.h>

#include <errno.h>
#include <strings.h>

#include "fuzz.h"
#include "gp-parse.h"

static void check_portal(const struct gp_portal *p)
{
	size_t i;

	FUZZ_CHECK(p->n_gw > 0 && p->n_gw <= GP_PORTAL_MAX_GATEWAYS);
	for (i = 0; i < p->n_gw; i++) {
		FUZZ_CHECK(p->gw[i].name && p->gw[i].label);
		/* Ranked: matched ones first, by ascending priority. */
		if (i && p->gw[i].matched)
			FUZZ_CHECK(p->gw[i - 1].matched &&
				   p->gw[i - 1].priority <= p->gw[i].priority);
	}
}

static void choose(const struct oc_log *lg, const struct gp_portal *p,
		   const char *authgroup)
{
	const struct gp_gateway *gw = NULL;
	int ret;

	ret = gp_choose_gateway(lg, p, authgroup, &gw);
	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EEXIST || ret == -ENOENT);
	if (ret >= 0)
		FUZZ_CHECK(gw >= p->gw && gw < p->gw + p->n_gw);
	if (ret == 0 && authgroup && *authgroup)
		FUZZ_CHECK(!strncasecmp(gw->label, authgroup,
					strlen(authgroup)) ||
			   !strcasecmp(gw->name, authgroup));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = { "US", NULL };
	struct gp_portal p;
	struct oc_log lg;
	char *body = fuzz_memdup(data, size);
	char prefix[3];
	size_t r;
	int ret;

	fuzz_log_init(&lg);
	for (r = 0; r < sizeof(regions) / sizeof(regions[0]); r++) {
		ret = gp_parse_portal(&lg, body, size, regions[r], &p);
		FUZZ_CHECK(ret == 0 || ret == -EACCES || ret == -EINVAL ||
			   ret == -ENOENT || ret == -ENOMEM);
		if (ret) {
			FUZZ_CHECK(!p.gw && !p.n_gw && !p.version);
			gp_portal_free(&p);
			break;
		}
		check_portal(&p);
		choose(&lg, &p, NULL);
		choose(&lg, &p, "");
		choose(&lg, &p, p.gw[p.n_gw - 1].label);
		choose(&lg, &p, p.gw[0].name);
		snprintf(prefix, sizeof(prefix), "%s", p.gw[0].label);
		choose(&lg, &p, prefix);
		choose(&lg, &p, "no such gateway");
		gp_portal_free(&p);
	}
	free(body);
	return 0;
}
