/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The gateway's log: one line per request in the --log file (and on
 * stderr with -v), warnings, debug lines.
 *
 * A request line names the form fields but never shows their values:
 * they carry passwords, cookies and one-time codes. Tests grep the log to
 * see what a client sent, so the format is fixed:
 *
 *   METHOD PATH query=NAME,... fields=NAME,... -> STATUS OUTCOME
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>

#include "gw.h"

static void __attribute__((format(printf, 4, 0)))
emit(const struct gw_state *st, int to_stderr, const char *pfx,
     const char *fmt, va_list ap)
{
	va_list ap2;

	if (st->log) {
		va_copy(ap2, ap);
		fputs(pfx, st->log);
		vfprintf(st->log, fmt, ap2);
		fputc('\n', st->log);
		fflush(st->log);
		va_end(ap2);
	}
	if (to_stderr) {
		fprintf(stderr, "gp-testgw: %s", pfx);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
}

void gw_log(const struct gw_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(st, st->start.verbose > 0, "", fmt, ap);
	va_end(ap);
}

void gw_warn(const struct gw_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(st, 1, "warning: ", fmt, ap);
	va_end(ap);
}

void gw_debug(const struct gw_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->start.verbose < 2)
		return;
	va_start(ap, fmt);
	fputs("gp-testgw: debug: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* "METHOD PATH" made safe for a log line. */
static void req_name(struct oc_text *t, const struct gw_req *req)
{
	gw_log_safe(t, req->method ? req->method : "-", 16);
	oc_text_append(t, " ");
	gw_log_safe(t, req->path ? req->path : "-", 80);
}

void gw_log_request(const struct gw_state *st, const struct gw_req *req,
		    const struct gw_resp *r)
{
	struct oc_text t = OC_TEXT_INIT;

	req_name(&t, req);
	oc_text_append(&t, " query=");
	gw_form_names(&req->qform, &t);
	oc_text_append(&t, " fields=");
	gw_form_names(&req->form, &t);
	oc_text_appendf(&t, " -> %d %s", r->status, oc_text_str(&r->outcome));
	gw_log(st, "%s", oc_text_str(&t));
	oc_text_free(&t);
}

void gw_warn_req(const struct gw_state *st, const struct gw_req *req,
		 const char *fmt, ...)
{
	struct oc_text t = OC_TEXT_INIT;
	va_list ap;

	req_name(&t, req);
	oc_text_append(&t, ": ");
	va_start(ap, fmt);
	oc_text_vappendf(&t, fmt, ap);
	va_end(ap);
	gw_warn(st, "%s", oc_text_str(&t));
	oc_text_free(&t);
}
