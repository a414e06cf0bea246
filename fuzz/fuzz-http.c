/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HTTP responses from bytes: oc_http_fetch() over an in-memory transport
 * (the struct oc_http_io seam), so the whole client path runs: status
 * line and headers, Content-Length, chunked and close-delimited bodies,
 * gzip, keep-alive and read-ahead, Set-Cookie into the jar, redirects
 * (Location parsed, other servers), and with --dump-http-traffic the
 * redacted log of every response. Then oc_http_read_response() alone on
 * the same bytes, and the redaction of the body as a form.
 *
 * Input: byte 0 the most bytes per read (0: no limit), byte 1 flags
 * (bit 0 dump, bits 1-2 the method, bit 3 a small body limit), then the
 * server's byte stream.
 */
#include <config.h>

#include <errno.h>
#include <sys/types.h>

#include "buf.h"
#include "fuzz.h"
#include "http.h"

struct mem_io {
	const uint8_t *p;
	size_t len, off, piece;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len, int timeout_ms)
{
	struct mem_io *m = ctx;
	size_t n = m->len - m->off;

	if (!n)
		return 0;
	if (m->piece && n > m->piece)
		n = m->piece;
	if (n > len)
		n = len;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static int mem_write(void *ctx, const void *buf, size_t len, int timeout_ms)
{
	return 0;
}

static void check_resp(const struct oc_http_resp *r)
{
	size_t i;

	FUZZ_CHECK(r->status >= 100 && r->status <= 999);
	FUZZ_CHECK(r->body.len == 0 || r->body.data[r->body.len] == '\0');
	for (i = 0; i < r->nhdrs; i++)
		FUZZ_CHECK(r->hdrs[i].name && r->hdrs[i].value);
}

static void fetch(const struct oc_log *lg, struct mem_io *m, unsigned flags)
{
	static const char *const methods[] = { "GET", "POST", "HEAD", "GET" };
	const char *method = methods[(flags >> 1) & 3];
	const char *body = strcmp(method, "POST") ? NULL : "user=u&passwd=p";
	struct oc_text jar = OC_TEXT_INIT;
	struct oc_http_io io = { mem_read, mem_write, m };
	struct oc_http_resp resp;
	struct oc_http h;
	char *final = NULL;
	int ret;

	oc_http_init(&h, lg, NULL);
	h.io = &io;
	h.dump = flags & 1;
	h.lim.max_body = flags & 8 ? 64 : 1024 * 1024;
	h.lim.timeout_ms = 1000;
	if (oc_http_set_server(&h, "vpn.example.com", 443))
		abort();
	ret = oc_http_fetch(&h, method, "/global-protect/prelogin.esp?x=1",
			    NULL, body, body ? strlen(body) : 0, &resp,
			    &final);
	if (!ret) {
		check_resp(&resp);
		FUZZ_CHECK(final && final[0] == '/');
		FUZZ_CHECK(resp.body.len <= h.lim.max_body);
		FUZZ_CHECK(h.host && h.port > 0 && h.port <= 65535);
	} else {
		FUZZ_CHECK(!final && !resp.nhdrs && !resp.body.len);
	}
	oc_jar_header(&h.jar, &jar);
	oc_jar_get(&h.jar, "SESSID");
	oc_text_free(&jar);
	oc_http_resp_free(&resp);
	free(final);
	oc_http_free(&h);
}

/* One response straight from the reader, its headers and body redacted. */
static void read_one(const struct oc_log *lg, struct mem_io *m,
		     unsigned flags)
{
	struct oc_http_limits lim = { OC_HTTP_MAX_HEADER, 64 * 1024, 1000 };
	struct oc_http_io io = { mem_read, mem_write, m };
	struct oc_text red = OC_TEXT_INIT;
	struct oc_http_resp resp;
	struct oc_buf rb;
	size_t i;
	int ret;

	oc_buf_init(&rb, OC_HTTP_MAX_HEADER + 16 * 1024);
	ret = oc_http_read_response(lg, &io, &rb, &lim, (flags >> 1 & 3) == 2,
				    &resp);
	if (!ret) {
		check_resp(&resp);
		for (i = 0; i < resp.nhdrs; i++)
			oc_redact_header(&red, resp.hdrs[i].name,
					 resp.hdrs[i].value);
		oc_redact_body(&red, (const char *)resp.body.data,
			       resp.body.len);
		oc_redact_form(&red, (const char *)resp.body.data,
			       resp.body.len);
	}
	oc_text_free(&red);
	oc_http_resp_free(&resp);
	oc_buf_free(&rb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_io m;
	struct oc_log lg;
	unsigned flags;

	if (size < 2)
		return 0;
	fuzz_log_init(&lg);
	flags = data[1];
	memset(&m, 0, sizeof(m));
	m.piece = data[0];
	m.p = data + 2;
	m.len = size - 2;
	fetch(&lg, &m, flags);
	m.off = 0;
	read_one(&lg, &m, flags);
	return 0;
}
