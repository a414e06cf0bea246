/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HIP (PROTOCOL.md section 9): the check says whether a report is needed
 * (--hip-needed, until the session sent one); the report is accepted
 * when it carries the fields official clients send. Only field names are
 * logged; the report itself describes the user's machine.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gw.h"

#define XML_TYPE	"application/xml; charset=UTF-8"

/* The fields both requests carry besides the cookie's. The report
 * request of Debian's openconnect 9.01 has no md5 field: its md5 is the
 * report's <md5-sum>. */
static const char *const hip_fields[] = {
	"client-role", "client-ip", "md5",
};

static int md5_ok(const char *v)
{
	size_t i;

	if (!v || strlen(v) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!strchr("0123456789abcdefABCDEF", v[i]))
			return 0;
	return 1;
}

static int hip_checks(const struct gw_state *st, const struct gw_req *req,
		      int report)
{
	const char *role = gw_field(req, "client-role");
	size_t i;
	int bad = gw_check_client(st, req);

	for (i = 0; i < sizeof(hip_fields) / sizeof(hip_fields[0]); i++) {
		if (report && !strcmp(hip_fields[i], "md5"))
			continue;
		if (!gw_field(req, hip_fields[i])) {
			gw_warn_req(st, req, "missing field %s", hip_fields[i]);
			bad++;
		}
	}
	if (role && strcmp(role, "global-protect-full")) {
		gw_warn_req(st, req, "client-role is not global-protect-full");
		bad++;
	}
	if (gw_field(req, "md5") && !md5_ok(gw_field(req, "md5"))) {
		gw_warn_req(st, req, "md5 is not 32 hex digits");
		bad++;
	}
	if (report && !gw_field(req, "report")) {
		gw_warn_req(st, req, "missing field report");
		bad++;
	}
	return bad;
}

/* The session, or NULL with @r holding the refusal. */
static struct gw_session *hip_session(struct gw_state *st,
				      const struct gw_req *req,
				      struct gw_resp *r, int report)
{
	struct gw_session *s;
	const char *why;

	if (hip_checks(st, req, report) && st->m.strict) {
		gw_resp_set(r, 400, "text/plain", "Incomplete request\n");
		gw_resp_outcome(r, "strict: request not as official "
				"clients send");
		return NULL;
	}
	s = gw_cookie_session(st, req, 0, &why);
	if (!s)
		gw_cookie_refuse(st, r, why);
	return s;
}

void gw_hip_check(struct gw_state *st, const struct gw_req *req,
		  struct gw_resp *r)
{
	struct gw_session *s = hip_session(st, req, r, 0);
	const char *md5 = gw_field(req, "md5");
	int needed;

	if (!s)
		return;
	st->stats.hip_checks++;
	snprintf(s->hip_md5, sizeof(s->hip_md5), "%s", md5_ok(md5) ? md5 : "");
	needed = st->m.hip_needed && !s->hip_reported;
	gw_resp_set(r, 200, XML_TYPE, "");
	gw_xml_start(&r->body);
	oc_text_appendf(&r->body, "<response status=\"success\">\n"
			"<hip-report-needed>%s</hip-report-needed>\n"
			"</response>\n", needed ? "yes" : "no");
	gw_resp_outcome(r, "HIP report needed: %s (user %s)",
			needed ? "yes" : "no", s->user);
}

/* The report's <md5-sum>, or the md5 field, copied to @out. */
static void report_md5(const struct gw_req *req, const char *report,
		       char out[33])
{
	const char *p = report ? strstr(report, "<md5-sum>") : NULL;
	const char *md5 = gw_field(req, "md5");

	out[0] = '\0';
	if (p && strlen(p + 9) >= 32 && !strncmp(p + 41, "</md5-sum>", 10)) {
		memcpy(out, p + 9, 32);
		out[32] = '\0';
	} else if (md5_ok(md5)) {
		snprintf(out, 33, "%s", md5);
	}
}

void gw_hip_report(struct gw_state *st, const struct gw_req *req,
		   struct gw_resp *r)
{
	struct gw_session *s = hip_session(st, req, r, 1);
	const char *report = gw_field(req, "report");
	char md5[33];

	if (!s)
		return;
	report_md5(req, report, md5);
	if (s->hip_md5[0] && md5[0] && strcasecmp(md5, s->hip_md5))
		gw_warn_req(st, req, "md5 differs from the HIP check's");
	if (report && !strstr(report, "<hip-report"))
		gw_warn_req(st, req, "report has no <hip-report> element");
	st->stats.hip_reports++;
	s->hip_reported = 1;
	gw_resp_set(r, 200, XML_TYPE, "");
	gw_xml_start(&r->body);
	oc_text_append(&r->body, "<response status=\"success\">\n"
		       "</response>\n");
	gw_resp_outcome(r, "HIP report accepted (user %s, %zu bytes)",
			s->user, report ? strlen(report) : 0);
}
