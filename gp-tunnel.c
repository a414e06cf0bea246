/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Setting up the HTTPS tunnel.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "gp-tunnel.h"
#include "openconnect-internal.h"

#define START_TUNNEL		"START_TUNNEL"
#define START_TUNNEL_LEN	(sizeof(START_TUNNEL) - 1)
/* Frames are at most 16 + 64 KiB; keep room for a few. */
#define HTTPS_RX_MAX		(256 * 1024)
#define HTTPS_TX_MAX		(256 * 1024)

void oc_https_init(struct oc_https *h)
{
	memset(h, 0, sizeof(*h));
	oc_buf_init(&h->rx, HTTPS_RX_MAX);
	oc_buf_init(&h->tx, HTTPS_TX_MAX);
}

void oc_https_close(struct oc_https *h)
{
	oc_tls_close(h->tls);
	h->tls = NULL;
	oc_buf_reset(&h->rx);
	oc_buf_reset(&h->tx);
}

/* "GET URL?user=U&authcookie=C HTTP/1.1\r\n\r\n", no headers at all. */
static int tunnel_request(struct openconnect_info *v, struct oc_text *t)
{
	const char *url = v->cfg.gpx.ssl_tunnel_url;

	t->secret = 1;
	oc_text_appendf(t, "GET %s?user=", url ? url : GP_DEFAULT_TUNNEL_URL);
	oc_form_encode(t, v->auth.gpc.user ? v->auth.gpc.user : "");
	oc_text_append(t, "&authcookie=");
	oc_form_encode(t, oc_secret_get(&v->auth.gpc.authcookie));
	oc_text_append(t, " HTTP/1.1\r\n\r\n");
	return oc_text_error(t);
}

/* Reads until START_TUNNEL or a complete refusal has arrived. */
static int read_answer(struct openconnect_info *v, struct oc_https *h)
{
	unsigned char *p;
	ssize_t n;
	int i;

	for (i = 0; i < 64 && h->rx.len < START_TUNNEL_LEN; i++) {
		p = oc_buf_reserve(&h->rx, 4096);
		if (!p)
			return oc_buf_error(&h->rx);
		n = oc_tls_read_wait(h->tls, p, 4096, v->tls.timeout_ms);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0)
			return (int)n;
		oc_buf_commit(&h->rx, (size_t)n);
	}
	if (h->rx.len < START_TUNNEL_LEN)
		return -EPROTO;
	return 0;
}

static int check_answer(struct openconnect_info *v, struct oc_https *h)
{
	const char *a = (const char *)h->rx.data;

	if (!memcmp(a, START_TUNNEL, START_TUNNEL_LEN)) {
		oc_buf_skip(&h->rx, START_TUNNEL_LEN);
		oc_buf_compact(&h->rx);
		return 0;
	}
	if (!memcmp(a, "HTTP/", 5)) {
		oc_err(&v->log, "The gateway refused the HTTPS tunnel: %.12s",
		       a);
		return strstr(a, " 502") == a + 8 ? -EPERM : -EPROTO;
	}
	oc_err(&v->log, "Unexpected answer to the tunnel request");
	return -EPROTO;
}

int gp_https_connect(struct openconnect_info *v, struct oc_https *h)
{
	struct oc_text req = OC_TEXT_INIT;
	int ret;

	oc_https_close(h);
	ret = tunnel_request(v, &req);
	if (!ret)
		ret = oc_tls_connect(&v->log, &v->tls, v->http.host,
				     v->http.port, &h->tls);
	if (!ret)
		ret = oc_tls_write_all(h->tls, oc_text_str(&req), req.len,
				       v->tls.timeout_ms);
	if (!ret)
		ret = read_answer(v, h);
	if (!ret)
		ret = check_answer(v, h);
	oc_text_free(&req);
	if (ret) {
		oc_https_close(h);
		return ret;
	}
	h->last_rx_ms = h->last_tx_ms = oc_now_ms();
	return 0;
}
