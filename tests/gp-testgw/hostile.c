/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A hostile gateway: --hostile NAME (or hostile=NAME at run time) makes
 * the gateway misbehave in one way, so the tests can show the client
 * answers each with a clear error and a clean exit or reconnect. The
 * modes, by where they strike:
 *
 *   HTTP (every answer but /testgw/...): a header of several MB, headers
 *   that never end, a Content-Length shorter or longer than the body,
 *   negative or garbage, 10 GB, a chunked body that never ends (fast, or
 *   one byte a second), an answer that stalls half-way, a gzip bomb.
 *   XML (every answer but /testgw/...): billion laughs, an external
 *   entity naming /etc/passwd, 100k levels of nesting, an 8 MB text or
 *   attribute.
 *   getconfig: absurd MTUs, 20000 routes, short keys, SPI 0, a garbage
 *   or missing address, garbage list members.
 *   HTTPS tunnel (one frame, once: the mode then goes back to none): a
 *   length larger than what follows, 0, 65535; a wrong magic, an
 *   unknown ethertype, a payload that is no IP packet.
 *   ESP (a few seconds, once): floods of packets with unknown SPIs or
 *   bad ICVs to every client with an ESP address.
 *
 * Streams are bounded in bytes and time, so the gateway itself never
 * runs away: HGEN_MAX bytes, and each has an end time.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "clock.h"
#include "gw.h"

#define PIECE		(64 * 1024)	/* bytes appended per call */
#define HGEN_MAX	(64u * 1024 * 1024)	/* longest stream */
#define HBLOB_MAX	(32u * 1024 * 1024)	/* longest built answer */
#define HUGE_HEADER	(6u * 1024 * 1024)
#define HUGE_XML	(8u * 1024 * 1024)
#define DEEP_LEVELS	100000
#define BOMB_ZEROS	(64u * 1024 * 1024)	/* inflated size */
#define STALL_MS	60000
#define SLOW_MS		120000
#define SLOW_EVERY_MS	1000
#define FAST_MS		60000
#define ROUTES		20000
#define FLOOD_MS	3000
#define FLOOD_TICK_MS	1
#define FLOOD_BURST	24

enum hkind { K_NONE, K_HTTP, K_XML, K_CONFIG, K_FRAME, K_ESP };

static const struct {
	const char *name;
	enum hkind kind;
} modes[] = {
	[GW_H_NONE] = { "none", K_NONE },
	[GW_H_HUGE_HEADER] = { "huge-header", K_HTTP },
	[GW_H_ENDLESS_HEADERS] = { "endless-headers", K_HTTP },
	[GW_H_SHORT_LENGTH] = { "short-length", K_HTTP },
	[GW_H_LONG_LENGTH] = { "long-length", K_HTTP },
	[GW_H_NEGATIVE_LENGTH] = { "negative-length", K_HTTP },
	[GW_H_GARBAGE_LENGTH] = { "garbage-length", K_HTTP },
	[GW_H_HUGE_LENGTH] = { "huge-length", K_HTTP },
	[GW_H_CHUNKED_FOREVER] = { "chunked-forever", K_HTTP },
	[GW_H_SLOW_BODY] = { "slow-body", K_HTTP },
	[GW_H_STALL] = { "stall", K_HTTP },
	[GW_H_GZIP_BOMB] = { "gzip-bomb", K_HTTP },
	[GW_H_XML_LAUGHS] = { "xml-laughs", K_XML },
	[GW_H_XML_XXE] = { "xml-xxe", K_XML },
	[GW_H_XML_DEEP] = { "xml-deep", K_XML },
	[GW_H_XML_HUGE_TEXT] = { "xml-huge-text", K_XML },
	[GW_H_XML_HUGE_ATTR] = { "xml-huge-attr", K_XML },
	[GW_H_MTU_70000] = { "mtu-70000", K_CONFIG },
	[GW_H_MTU_9000] = { "mtu-9000", K_CONFIG },
	[GW_H_ROUTES] = { "routes-20000", K_CONFIG },
	[GW_H_SHORT_KEYS] = { "short-keys", K_CONFIG },
	[GW_H_SPI_0] = { "spi-0", K_CONFIG },
	[GW_H_BAD_IP] = { "bad-ip", K_CONFIG },
	[GW_H_NO_IP] = { "no-ip", K_CONFIG },
	[GW_H_GARBAGE_LISTS] = { "garbage-lists", K_CONFIG },
	[GW_H_FRAME_LONG] = { "frame-long", K_FRAME },
	[GW_H_FRAME_ZERO] = { "frame-zero", K_FRAME },
	[GW_H_FRAME_HUGE] = { "frame-huge", K_FRAME },
	[GW_H_FRAME_MAGIC] = { "frame-magic", K_FRAME },
	[GW_H_FRAME_TYPE] = { "frame-type", K_FRAME },
	[GW_H_FRAME_GARBAGE] = { "frame-garbage", K_FRAME },
	[GW_H_ESP_FLOOD_SPI] = { "esp-flood-spi", K_ESP },
	[GW_H_ESP_FLOOD_ICV] = { "esp-flood-icv", K_ESP },
};

#define NMODES	(sizeof(modes) / sizeof(modes[0]))

/* What a stream does once its built bytes (the blob) are out. */
enum hgen {
	G_NONE,		/* done: close, or keep alive (short-length) */
	G_HEADERS,	/* header lines, never the blank one */
	G_CHUNKS,	/* 16 KiB chunks, as fast as the client reads */
	G_DRIP,		/* one 1-byte chunk a second */
	G_STALL,	/* nothing, until the end time */
};

static enum hkind kind_of(int mode)
{
	return mode > 0 && (size_t)mode < NMODES ? modes[mode].kind : K_NONE;
}

int gw_hostile_set(struct gw_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < NMODES; i++) {
		if (strcmp(name, modes[i].name))
			continue;
		st->m.hostile = (int)i;
		st->hostile_flood_end = 0;
		if (modes[i].kind == K_ESP && st->udp)
			gw_udp_arm(st, oc_now_ms());
		return 0;
	}
	return -EINVAL;
}

const char *gw_hostile_name(int mode)
{
	return mode >= 0 && (size_t)mode < NMODES ? modes[mode].name : "?";
}

void gw_hstream_free(struct gw_hstream *hs)
{
	oc_text_free(&hs->blob);
	memset(hs, 0, sizeof(*hs));
}

/* ---- Building blocks --------------------------------------------------- */

static void fill(struct oc_text *t, char c, size_t n)
{
	char run[4096];
	size_t k;

	memset(run, c, sizeof(run));
	while (n && !oc_text_error(t)) {
		k = n > sizeof(run) ? sizeof(run) : n;
		oc_text_append_len(t, run, k);
		n -= k;
	}
}

/* The body of @r with @dtd after the XML declaration and @payload just
 * inside the root element. */
static void xml_insert(struct gw_resp *r, const char *dtd,
		       const char *payload)
{
	struct oc_text t = OC_TEXT_INIT;
	const char *s = oc_text_str(&r->body), *decl, *root, *gt;
	size_t at_decl = 0, at_root;

	decl = strstr(s, "?>");
	if (decl)
		at_decl = (size_t)(decl + 2 - s);
	root = strchr(s + at_decl, '<');
	gt = root ? strchr(root, '>') : NULL;
	if (!gt)
		return;
	at_root = (size_t)(gt + 1 - s);
	t.secret = 1;
	t.max = HBLOB_MAX;
	oc_text_append_len(&t, s, at_decl);
	oc_text_append(&t, dtd);
	oc_text_append_len(&t, s + at_decl, at_root - at_decl);
	oc_text_append(&t, payload);
	oc_text_append(&t, s + at_root);
	if (!oc_text_error(&t)) {
		oc_text_free(&r->body);
		r->body = t;
	} else {
		oc_text_free(&t);
	}
}

static const char laughs_dtd[] =
	"\n<!DOCTYPE response [\n"
	"<!ENTITY lol \"lol\">\n"
	"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	"]>\n";

static const char xxe_dtd[] =
	"\n<!DOCTYPE response [\n"
	"<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
	"]>\n";

/* Pre-login gets an error whose message holds the entity: a client that
 * expanded it would print the file. */
static void xxe_prelogin(struct gw_resp *r)
{
	oc_text_truncate(&r->body, 0);
	oc_text_append(&r->body,
		       "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n");
	oc_text_append(&r->body, "<!DOCTYPE prelogin-response [\n"
		       "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
		       "<prelogin-response>\n<status>Error</status>\n"
		       "<msg>hostile-xxe [&xxe;]</msg>\n"
		       "</prelogin-response>\n");
}

static void xml_mode(int mode, const struct gw_req *req, struct gw_resp *r)
{
	struct oc_text p = OC_TEXT_INIT;
	size_t i;

	p.max = HBLOB_MAX;
	switch (mode) {
	case GW_H_XML_LAUGHS:
		xml_insert(r, laughs_dtd, "<hostile>&lol9;</hostile>\n");
		return;
	case GW_H_XML_XXE:
		if (strstr(req->path, "prelogin"))
			xxe_prelogin(r);
		else
			xml_insert(r, xxe_dtd, "<hostile>&xxe;</hostile>\n");
		return;
	case GW_H_XML_DEEP:
		for (i = 0; i < DEEP_LEVELS; i++)
			oc_text_append_len(&p, "<a>", 3);
		for (i = 0; i < DEEP_LEVELS; i++)
			oc_text_append_len(&p, "</a>", 4);
		break;
	case GW_H_XML_HUGE_TEXT:
		oc_text_append(&p, "<hostile>");
		fill(&p, 'x', HUGE_XML);
		oc_text_append(&p, "</hostile>\n");
		break;
	case GW_H_XML_HUGE_ATTR:
		oc_text_append(&p, "<hostile a=\"");
		fill(&p, 'x', HUGE_XML);
		oc_text_append(&p, "\"/>\n");
		break;
	}
	if (!oc_text_error(&p))
		xml_insert(r, "", oc_text_str(&p));
	oc_text_free(&p);
}

/* ---- getconfig --------------------------------------------------------- */

/* Replaces the text of the first <@name> element with @val, or removes
 * the element when @val is NULL. */
static void replace_elem(struct oc_text *body, const char *name,
			 const char *val)
{
	struct oc_text t = OC_TEXT_INIT;
	const char *s = oc_text_str(body), *open, *close;
	char otag[64], ctag[64];

	snprintf(otag, sizeof(otag), "<%s>", name);
	snprintf(ctag, sizeof(ctag), "</%s>", name);
	open = strstr(s, otag);
	close = open ? strstr(open, ctag) : NULL;
	if (!close)
		return;
	t.secret = 1;
	t.max = HBLOB_MAX;
	if (val) {
		oc_text_append_len(&t, s, (size_t)(open - s) + strlen(otag));
		oc_text_append(&t, val);
		oc_text_append(&t, close);
	} else {
		oc_text_append_len(&t, s, (size_t)(open - s));
		oc_text_append(&t, close + strlen(ctag));
	}
	if (!oc_text_error(&t)) {
		oc_text_free(body);
		*body = t;
	} else {
		oc_text_free(&t);
	}
}

/* The real routes first, so traffic still flows, then 20000 more. */
static void many_routes(struct oc_text *body)
{
	struct oc_text m = OC_TEXT_INIT;
	const char *s = oc_text_str(body), *open, *close;
	size_t i;

	open = strstr(s, "<access-routes>");
	close = open ? strstr(open, "</access-routes>") : NULL;
	if (!close)
		return;
	m.max = HBLOB_MAX;
	oc_text_append_len(&m, open + 15, (size_t)(close - open) - 15);
	for (i = 0; i < ROUTES; i++)
		oc_text_appendf(&m, "<member>10.%zu.%zu.0/24</member>\n",
				i / 256 % 256, i % 256);
	if (!oc_text_error(&m))
		replace_elem(body, "access-routes", oc_text_str(&m));
	oc_text_free(&m);
}

/* The c2s cipher key one byte short, its bit count to match. */
static void short_key(struct oc_text *body)
{
	const char *s = oc_text_str(body), *k = strstr(s, "<ekey-c2s>");
	char val[2 * GW_ESP_KEY_MAX + 1], *end;
	struct oc_text t = OC_TEXT_INIT;
	const char *v;
	size_t n;

	v = k ? strstr(k, "<val>") : NULL;
	end = v ? strstr(v, "</val>") : NULL;
	if (!end)
		return;
	v += 5;
	n = (size_t)(end - v);
	if (n < 4 || n >= sizeof(val))
		return;
	memcpy(val, v, n - 2);
	val[n - 2] = '\0';
	t.secret = 1;
	t.max = HBLOB_MAX;
	oc_text_append_len(&t, s, (size_t)(k - s));
	oc_text_appendf(&t, "<ekey-c2s>\n<bits>%zu</bits>\n<val>%s", 4 * (n - 2),
			val);
	oc_text_append(&t, end);
	oc_wipe(val, sizeof(val));
	if (!oc_text_error(&t)) {
		oc_text_free(body);
		*body = t;
	} else {
		oc_text_free(&t);
	}
}

static void config_mode(int mode, struct gw_resp *r)
{
	struct oc_text *b = &r->body;

	switch (mode) {
	case GW_H_MTU_70000:
		replace_elem(b, "mtu", "70000");
		break;
	case GW_H_MTU_9000:
		replace_elem(b, "mtu", "9000");
		break;
	case GW_H_ROUTES:
		many_routes(b);
		break;
	case GW_H_SHORT_KEYS:
		short_key(b);
		break;
	case GW_H_SPI_0:
		replace_elem(b, "c2s-spi", "0x00000000");
		break;
	case GW_H_BAD_IP:
		replace_elem(b, "ip-address", "999.300.1.x");
		break;
	case GW_H_NO_IP:
		replace_elem(b, "ip-address", NULL);
		break;
	case GW_H_GARBAGE_LISTS:
		replace_elem(b, "exclude-access-routes", NULL);
		replace_elem(b, "dns", NULL);
		xml_insert(r, "", "<dns><member>not-an-address</member>"
			   "<member>300.1.1.1</member></dns>\n"
			   "<exclude-access-routes><member>1.2.3.4/99</member>"
			   "<member>garbage</member><member>/</member>"
			   "</exclude-access-routes>\n"
			   "<wins><member>::zz</member></wins>\n"
			   "<dns-suffix><member>bad domain!</member>"
			   "</dns-suffix>\n");
		break;
	}
}

/* ---- HTTP -------------------------------------------------------------- */

static void status_line(struct oc_text *t, const struct gw_resp *r)
{
	oc_text_appendf(t, "HTTP/1.1 %d Hostile\r\nContent-Type: %s\r\n",
			r->status, r->ctype);
}

static int gzip_bomb(struct oc_text *t)
{
	static const unsigned char zeros[PIECE];
	unsigned char out[PIECE];
	size_t left = BOMB_ZEROS;
	z_stream zs;
	int zr = Z_OK;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 9,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	while (zr != Z_STREAM_END && !oc_text_error(t)) {
		zs.next_in = (Bytef *)zeros;
		zs.avail_in = left > PIECE ? PIECE : (uInt)left;
		left -= zs.avail_in;
		do {
			zs.next_out = out;
			zs.avail_out = sizeof(out);
			zr = deflate(&zs, left ? Z_NO_FLUSH : Z_FINISH);
			oc_text_append_len(t, (const char *)out,
					   sizeof(out) - zs.avail_out);
		} while (!zs.avail_out);
	}
	deflateEnd(&zs);
	return oc_text_error(t);
}

/* The answer's bytes as the mode sends them; @body is the real body. */
static void http_mode(struct gw_state *st, int mode, struct gw_resp *r,
		      struct gw_hstream *hs)
{
	struct oc_text *t = &hs->blob;
	const char *body = oc_text_str(&r->body);
	size_t len = r->body.len;
	int64_t now = oc_now_ms();

	status_line(t, r);
	r->close = 1;
	hs->until_ms = now + FAST_MS;
	switch (mode) {
	case GW_H_HUGE_HEADER:
		oc_text_append(t, "X-Hostile: ");
		fill(t, 'h', HUGE_HEADER);
		oc_text_appendf(t, "\r\nContent-Length: %zu\r\n\r\n", len);
		oc_text_append_len(t, body, len);
		break;
	case GW_H_ENDLESS_HEADERS:
		hs->gen = G_HEADERS;
		break;
	case GW_H_SHORT_LENGTH:
		oc_text_appendf(t, "Content-Length: %zu\r\n\r\n", len / 2);
		oc_text_append_len(t, body, len);
		r->close = 0;
		break;
	case GW_H_LONG_LENGTH:
		oc_text_appendf(t, "Content-Length: %zu\r\n\r\n", len + 1000);
		oc_text_append_len(t, body, len);
		break;
	case GW_H_NEGATIVE_LENGTH:
		oc_text_append(t, "Content-Length: -1\r\n\r\n");
		oc_text_append_len(t, body, len);
		break;
	case GW_H_GARBAGE_LENGTH:
		oc_text_append(t, "Content-Length: 0x20 bytes\r\n\r\n");
		oc_text_append_len(t, body, len);
		break;
	case GW_H_HUGE_LENGTH:
		oc_text_append(t, "Content-Length: 10737418240\r\n\r\n");
		oc_text_append_len(t, body, len);
		hs->gen = G_CHUNKS;	/* raw bytes after the body */
		break;
	case GW_H_CHUNKED_FOREVER:
		oc_text_append(t, "Transfer-Encoding: chunked\r\n\r\n");
		hs->gen = G_CHUNKS;
		break;
	case GW_H_SLOW_BODY:
		oc_text_append(t, "Transfer-Encoding: chunked\r\n\r\n");
		hs->gen = G_DRIP;
		hs->until_ms = now + SLOW_MS;
		break;
	case GW_H_STALL:
		oc_text_appendf(t, "Content-Length: %zu\r\nX-Hos", len);
		hs->gen = G_STALL;
		hs->until_ms = now + STALL_MS;
		break;
	case GW_H_GZIP_BOMB: {
		struct oc_text z = OC_TEXT_INIT;

		z.max = HBLOB_MAX;
		if (gzip_bomb(&z))
			gw_warn(st, "hostile: cannot make the gzip bomb");
		oc_text_appendf(t, "Content-Encoding: gzip\r\n"
				"Content-Length: %zu\r\n\r\n", z.len);
		oc_text_append_len(t, oc_text_str(&z), z.len);
		oc_text_free(&z);
		break;
	}
	}
}

int gw_hostile_answer(struct gw_state *st, const struct gw_req *req,
		      struct gw_resp *r, struct oc_buf *out,
		      struct gw_hstream *hs)
{
	int mode = st->m.hostile;
	enum hkind k = kind_of(mode);

	if (!req->path || !strncmp(req->path, "/testgw/", 8))
		return 0;
	if (k == K_CONFIG && r->status == 200 &&
	    !strcmp(req->path, "/ssl-vpn/getconfig.esp") &&
	    strstr(oc_text_str(&r->body), "status=\"success\"")) {
		r->body.max = HBLOB_MAX;
		config_mode(mode, r);
	} else if (k == K_XML && r->body.len) {
		r->body.max = HBLOB_MAX;
		xml_mode(mode, req, r);
	} else if (k != K_HTTP) {
		return 0;
	}
	/* What still fits goes out as usual. */
	if (k != K_HTTP && r->body.len <= out->max / 2)
		return 0;
	gw_hstream_free(hs);
	hs->blob.secret = 1;
	hs->blob.max = HBLOB_MAX;
	if (k == K_HTTP) {
		http_mode(st, mode, r, hs);
	} else {
		/* Built answers may outgrow the output buffer: stream them. */
		status_line(&hs->blob, r);
		oc_text_appendf(&hs->blob, "Content-Length: %zu\r\n"
				"Connection: %s\r\n\r\n", r->body.len,
				r->close ? "close" : "Keep-Alive");
		oc_text_append_len(&hs->blob, oc_text_str(&r->body),
				   r->body.len);
		hs->until_ms = oc_now_ms() + FAST_MS;
	}
	if (oc_text_error(&hs->blob)) {
		gw_warn(st, "hostile: answer could not be built");
		gw_hstream_free(hs);
		return 0;
	}
	hs->on = 1;
	gw_log(st, "hostile: %s: %zu bytes, then %s", modes[mode].name,
	       hs->blob.len, hs->gen == G_NONE ? (r->close ? "close" :
	       "keep-alive") : "more");
	return gw_hostile_more(st, hs, out, oc_now_ms()) < 0 ? 0 : 1;
}

/* The next generated piece into @out; 0 when it is not due yet. */
static int generate(struct gw_hstream *hs, struct oc_buf *out, int64_t now)
{
	char line[64];
	size_t start = out->len;
	int n;

	switch (hs->gen) {
	case G_HEADERS:
		while (out->len - start < PIECE && !oc_buf_error(out)) {
			n = snprintf(line, sizeof(line), "X-Hostile-%llu: %s\r\n",
				     (unsigned long long)hs->made,
				     "and-another-one");
			oc_buf_put(out, line, (size_t)n);
			hs->made += (uint64_t)n;
		}
		return 1;
	case G_CHUNKS:
		oc_buf_put(out, "4000\r\n", 6);
		oc_buf_put_zero(out, 0x4000);
		oc_buf_put(out, "\r\n", 2);
		hs->made += 0x4000;
		return 1;
	case G_DRIP:
		if (now < hs->next_ms)
			return 0;
		oc_buf_put(out, "1\r\nx\r\n", 6);
		hs->made++;
		hs->next_ms = now + SLOW_EVERY_MS;
		return 1;
	case G_STALL:
		hs->next_ms = hs->until_ms;
		return 0;
	default:
		return -1;
	}
}

int gw_hostile_more(struct gw_state *st, struct gw_hstream *hs,
		    struct oc_buf *out, int64_t now)
{
	size_t n;
	int ret;

	if (!hs->on)
		return -1;
	if (hs->pos < hs->blob.len) {
		n = hs->blob.len - hs->pos;
		if (n > PIECE)
			n = PIECE;
		oc_buf_put(out, oc_text_str(&hs->blob) + hs->pos, n);
		hs->pos += n;
		return oc_buf_error(out) ? -1 : 1;
	}
	if (now >= hs->until_ms || hs->made >= HGEN_MAX) {
		if (hs->gen != G_NONE)
			gw_log(st, "hostile: stream over after %llu bytes",
			       (unsigned long long)hs->made);
		return -1;
	}
	ret = generate(hs, out, now);
	return ret > 0 && oc_buf_error(out) ? -1 : ret;
}

/* ---- The HTTPS tunnel --------------------------------------------------- */

static size_t header(unsigned char *b, uint32_t magic, uint16_t type,
		     uint16_t len)
{
	memset(b, 0, 16);
	b[0] = magic >> 24;
	b[1] = (magic >> 16) & 0xff;
	b[2] = (magic >> 8) & 0xff;
	b[3] = magic & 0xff;
	b[4] = type >> 8;
	b[5] = type & 0xff;
	b[6] = len >> 8;
	b[7] = len & 0xff;
	b[8] = 0x01;
	return 16;
}

size_t gw_hostile_frame(struct gw_state *st, unsigned char *b, size_t max)
{
	int mode = st->m.hostile;
	size_t n;

	if (kind_of(mode) != K_FRAME || max < 64)
		return 0;
	switch (mode) {
	case GW_H_FRAME_LONG:	/* 1000 announced, 20 follow */
		n = header(b, 0x1a2b3c4d, 0x0800, 1000);
		memset(b + n, 0, 20);
		n += 20;
		break;
	case GW_H_FRAME_ZERO:
		n = header(b, 0x1a2b3c4d, 0x0800, 0);
		break;
	case GW_H_FRAME_HUGE:
		n = header(b, 0x1a2b3c4d, 0x0800, 65535);
		break;
	case GW_H_FRAME_MAGIC:
		n = header(b, 0xdeadbeef, 0x0800, 0);
		break;
	case GW_H_FRAME_TYPE:
		n = header(b, 0x1a2b3c4d, 0x1234, 20);
		memset(b + n, 0x45, 20);
		n += 20;
		break;
	default:		/* frame-garbage: no IP packet */
		n = header(b, 0x1a2b3c4d, 0x0800, 40);
		memset(b + n, 0xff, 40);
		n += 40;
		break;
	}
	gw_log(st, "hostile: %s: one frame of %zu bytes", modes[mode].name, n);
	st->m.hostile = GW_H_NONE;	/* once */
	return n;
}

/* ---- ESP floods -------------------------------------------------------- */

/* One bogus ESP packet for @s: an unknown SPI, or the session's own SPI
 * with a sequence number far ahead and an ICV that cannot match. */
static size_t bogus(struct gw_state *st, const struct gw_session *s,
		    unsigned char *p, uint64_t i)
{
	uint32_t spi = s->esp.s2c.spi, seq = 1000000 + (uint32_t)i;
	size_t icv = s->esp.hmac == GW_HMAC_SHA256 ? 16 : 12;
	size_t n = 8 + 16 + 64 + icv;

	if (st->m.hostile == GW_H_ESP_FLOOD_SPI)
		spi = (spi ^ 0x5a5a0000u ^ (uint32_t)(i & 0xffff)) | 0x100;
	p[0] = spi >> 24;
	p[1] = (spi >> 16) & 0xff;
	p[2] = (spi >> 8) & 0xff;
	p[3] = spi & 0xff;
	p[4] = seq >> 24;
	p[5] = (seq >> 16) & 0xff;
	p[6] = (seq >> 8) & 0xff;
	p[7] = seq & 0xff;
	memcpy(p + 8, st->hostile_noise, n - 8);
	p[8] = (unsigned char)i;
	p[n - 1] = (unsigned char)(i >> 8);
	return n;
}

static void burst(struct gw_state *st)
{
	unsigned char pkt[128];
	struct gw_session *s;
	const struct gw_udp_addr *to;
	size_t i, j, n;

	for (i = 0; i < GW_MAX_SESSIONS; i++) {
		s = &st->sess[i];
		if (!s->in_use || !(to = gw_esp_peer(s)))
			continue;
		for (j = 0; j < FLOOD_BURST; j++) {
			n = bogus(st, s, pkt, st->stats.hostile_esp++);
			gw_udp_send(st, to, pkt, n);
		}
	}
}

int64_t gw_hostile_esp(struct gw_state *st, int64_t now)
{
	if (kind_of(st->m.hostile) != K_ESP)
		return 0;
	if (!st->hostile_flood_end) {
		st->hostile_flood_end = now + FLOOD_MS;
		st->hostile_flood_start = st->stats.hostile_esp;
		if (gw_random(st->hostile_noise, sizeof(st->hostile_noise)))
			memset(st->hostile_noise, 0xa5,
			       sizeof(st->hostile_noise));
		gw_log(st, "hostile: %s for %d ms",
		       modes[st->m.hostile].name, FLOOD_MS);
	}
	if (now >= st->hostile_flood_end) {
		gw_log(st, "hostile: %s over: %llu packets",
		       modes[st->m.hostile].name,
		       (unsigned long long)(st->stats.hostile_esp -
					    st->hostile_flood_start));
		st->m.hostile = GW_H_NONE;	/* once */
		st->hostile_flood_end = 0;
		return 0;
	}
	burst(st);
	return now + FLOOD_TICK_MS;
}
