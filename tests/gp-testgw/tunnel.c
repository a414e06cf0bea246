/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTTPS tunnel (PROTOCOL.md section 11). A connection that asked for
 * GET /ssl-tunnel-connect.sslvpn with a good cookie, after a getconfig,
 * leaves HTTP: we send START_TUNNEL and from then on both sides exchange
 * frames, a 16-byte header and an IP packet each.
 *
 * Frames do not follow TLS records: the input buffer collects bytes
 * until a whole frame is in, and one read may hold several. A bad magic
 * or a length over GW_FRAME_MAX drops the connection, as the client
 * must expect. Starting a tunnel wipes the session's ESP keys (section
 * 10: the two tunnels are mutually exclusive).
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "gw.h"

#define FRAME_MAGIC	0x1a2b3c4d
#define BAD_MAGIC	0xdeadbeef	/* the malformed-frame fault */
#define TYPE_IPV4	0x0800
#define TYPE_IPV6	0x86dd
#define READ_CHUNK	16384
#define READ_ROUNDS	16	/* per wake-up: one client cannot hog us */
#define IN_MAX		(2 * (GW_FRAME_HDR + GW_FRAME_MAX))
#define OUT_MAX		(GW_TUNNEL_QUEUE + GW_FRAME_HDR + GW_FRAME_MAX + 64)

struct gw_tunnel {
	struct gw_watch w;	/* first, so a watch is its tunnel */
	struct gw_state *st;
	struct gw_tls *tls;
	struct gw_session *s;	/* NULL once the session is gone */
	struct oc_buf in;
	struct oc_buf out;
	int64_t started;	/* oc_now_ms() of START_TUNNEL */
	int64_t heard;		/* of the last bytes from the client */
	short want_r;		/* poll events TLS waits for, reading */
	short want_w;		/* and writing */
	int bad_sent;		/* the malformed-frame fault is done */
	size_t unit_left;	/* bytes of the frame being written */
	uint64_t frames_in;
	uint64_t frames_out;
	char peer[64];
	char user[64];		/* for log lines after the session went */
	struct gw_tunnel *next;	/* st->tunnels */
};

int gw_tunnel_wanted(const struct gw_req *req)
{
	return !strcmp(req->method, "GET") &&
	       !strcmp(req->path, GW_TUNNEL_PATH);
}

struct gw_session *gw_tunnel_session(const struct gw_tunnel *t)
{
	return t->s;
}

size_t gw_tunnels_live(const struct gw_state *st)
{
	const struct gw_tunnel *t;
	size_t n = 0;

	for (t = st->tunnels; t; t = t->next)
		n += !t->w.closed;
	return n;
}

/* ---- Ending ------------------------------------------------------------ */

/* @notify: send our close_notify first (not after a TLS error). */
static void tunnel_close(struct gw_tunnel *t, const char *why, int notify)
{
	if (t->w.closed)
		return;
	if (notify)
		gw_tls_shutdown(t->tls);
	gw_log(t->st, "tunnel %s (user %s): closed: %s; frames in %llu, "
	       "out %llu", t->peer, t->user, why,
	       (unsigned long long)t->frames_in,
	       (unsigned long long)t->frames_out);
	if (t->s)
		t->s->tun = NULL;
	t->s = NULL;
	gw_watch_close(&t->w);
}

void gw_tunnel_end(struct gw_tunnel *t, const char *why)
{
	tunnel_close(t, why, 1);
}

static void tunnel_release(struct gw_watch *w)
{
	struct gw_tunnel *t = (struct gw_tunnel *)w, **pp;

	for (pp = &t->st->tunnels; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	if (t->s)
		t->s->tun = NULL;
	gw_tls_free(t->tls);
	close(t->w.fd);
	oc_buf_free(&t->in);
	oc_buf_free(&t->out);
	free(t);
}

/* ---- Output ------------------------------------------------------------ */

static void put_header(struct oc_buf *b, uint32_t magic, uint16_t type,
		       size_t len)
{
	oc_buf_put_be32(b, magic);
	oc_buf_put_be16(b, type);
	oc_buf_put_be16(b, (uint16_t)len);
	oc_buf_put_be32(b, len ? 0x01000000 : 0);
	oc_buf_put_be32(b, 0);
}

/* Room for @need more bytes in the queue, or 0 (the client is slow). */
static int queue_room(struct gw_tunnel *t, size_t need)
{
	if (oc_buf_avail(&t->out) + need > GW_TUNNEL_QUEUE)
		return 0;
	if (t->out.len + need > t->out.max)
		oc_buf_compact(&t->out);
	return 1;
}

int gw_tunnel_send(struct gw_tunnel *t, const unsigned char *pkt,
		   size_t len)
{
	uint16_t type = len && pkt[0] >> 4 == 6 ? TYPE_IPV6 : TYPE_IPV4;

	if (t->w.closed || len > GW_FRAME_MAX ||
	    !queue_room(t, GW_FRAME_HDR + len)) {
		t->st->stats.dropped++;
		return -ENOBUFS;
	}
	put_header(&t->out, FRAME_MAGIC, type, len);
	oc_buf_put(&t->out, pkt, len);
	t->frames_out++;
	t->st->stats.frames_out++;
	t->st->stats.bytes_out += len;
	t->w.events |= POLLOUT;
	return 0;
}

static void send_raw(struct gw_tunnel *t, const unsigned char *p, size_t n)
{
	if (!queue_room(t, n))
		return;
	oc_buf_put(&t->out, p, n);
	t->frames_out++;
	t->st->stats.frames_out++;
}

/* Bytes of the next unit to write at the cursor: a whole frame, so each
 * frame goes out in a TLS record of its own as real gateways send them
 * (and as OpenConnect 9 expects); anything else (START_TUNNEL, a
 * malformed frame) as it is. */
static size_t next_unit(const struct oc_buf *out)
{
	const unsigned char *p = oc_buf_cur(out);
	size_t n = oc_buf_avail(out);

	if (n >= 16 && p[0] == 0x1a && p[1] == 0x2b && p[2] == 0x3c &&
	    p[3] == 0x4d && 16 + (size_t)(p[6] << 8 | p[7]) <= n)
		return 16 + (size_t)(p[6] << 8 | p[7]);
	return n > READ_CHUNK ? READ_CHUNK : n;
}

/* 0 once everything queued is written, -EAGAIN when TLS must wait. */
static int tunnel_flush(struct gw_tunnel *t)
{
	ssize_t w;

	if (oc_buf_error(&t->out))
		return oc_buf_error(&t->out);
	while (oc_buf_avail(&t->out)) {
		if (!t->unit_left)
			t->unit_left = next_unit(&t->out);
		w = gw_tls_write(t->tls, oc_buf_cur(&t->out), t->unit_left);
		if (w < 0) {
			t->want_w = gw_tls_want(t->tls);
			return (int)w;
		}
		oc_buf_skip(&t->out, (size_t)w);
		t->unit_left -= (size_t)w;
	}
	oc_buf_reset(&t->out);
	return 0;
}

/* ---- Input ------------------------------------------------------------- */

static int bad_frame(struct gw_tunnel *t, const char *why)
{
	t->st->stats.bad_frames++;
	tunnel_close(t, why, 1);
	return -EBADMSG;
}

/* A keepalive is answered with an identical frame. */
static void keepalive(struct gw_tunnel *t, const unsigned char *hdr)
{
	t->st->stats.keepalives++;
	if (!t->st->m.no_keepalive_reply)
		send_raw(t, hdr, GW_FRAME_HDR);
}

static void data_frame(struct gw_tunnel *t, uint16_t type,
		       unsigned char *pkt, size_t len)
{
	int version = len ? pkt[0] >> 4 : 0;

	if ((type == TYPE_IPV4 && version == 4) ||
	    (type == TYPE_IPV6 && version == 6)) {
		t->st->stats.bytes_in += len;
		gw_packet_from_client(t->st, t->s, pkt, len);
		return;
	}
	/* Counted, not fatal: section 11 only calls magic and length
	 * errors protocol errors. */
	t->st->stats.bad_frames++;
	gw_debug(t->st, "tunnel %s: frame type %04x with %zu bytes dropped",
		 t->peer, type, len);
}

/* 1 when a frame was handled, 0 when more bytes are needed, -EBADMSG
 * when the connection was dropped. */
static int next_frame(struct gw_tunnel *t)
{
	unsigned char *hdr = t->in.data + t->in.pos;
	size_t avail = oc_buf_avail(&t->in);
	uint32_t magic;
	uint16_t type, len;
	struct oc_buf f;

	if (avail < GW_FRAME_HDR)
		return 0;
	oc_buf_init_ro(&f, hdr, GW_FRAME_HDR);
	oc_buf_get_be32(&f, &magic);
	oc_buf_get_be16(&f, &type);
	oc_buf_get_be16(&f, &len);
	if (magic != FRAME_MAGIC)
		return bad_frame(t, "bad frame magic");
	if (len > GW_FRAME_MAX)
		return bad_frame(t, "frame longer than the tunnel buffer");
	if (avail < GW_FRAME_HDR + (size_t)len)
		return 0;
	oc_buf_skip(&t->in, GW_FRAME_HDR + (size_t)len);
	t->frames_in++;
	t->st->stats.frames_in++;
	if (!type && !len)
		keepalive(t, hdr);
	else
		data_frame(t, type, hdr + GW_FRAME_HDR, len);
	return 1;
}

static int handle_frames(struct gw_tunnel *t)
{
	int i, ret = 1;

	/* Bounded by what the buffer holds: each frame takes >= 16 bytes. */
	for (i = 0; i < IN_MAX / GW_FRAME_HDR && ret > 0 && !t->w.closed; i++)
		ret = next_frame(t);
	oc_buf_compact(&t->in);
	return ret < 0 ? ret : 0;
}

static int tunnel_fill(struct gw_tunnel *t)
{
	size_t room = t->in.max - t->in.len;
	unsigned char *p;
	ssize_t n;

	if (room > READ_CHUNK)
		room = READ_CHUNK;
	p = oc_buf_reserve(&t->in, room);
	if (!p)
		return -ENOMEM;
	n = gw_tls_read(t->tls, p, room);
	if (n > 0) {
		oc_buf_commit(&t->in, (size_t)n);
		t->heard = oc_now_ms();
		return 0;
	}
	if (n == -EAGAIN)
		t->want_r = gw_tls_want(t->tls);
	return n ? (int)n : -ECONNRESET;
}

/* Reads and handles frames until TLS would block; *more when it stopped
 * only because of READ_ROUNDS. */
static int tunnel_input(struct gw_tunnel *t, int *more)
{
	int i, ret = handle_frames(t);

	for (i = 0; i < READ_ROUNDS && !ret; i++) {
		ret = tunnel_fill(t);
		if (!ret)
			ret = handle_frames(t);
	}
	*more = !ret;
	return ret;
}

/* ---- The watch --------------------------------------------------------- */

static void faults(struct gw_tunnel *t)
{
	static const unsigned char bad[GW_FRAME_HDR] = {
		BAD_MAGIC >> 24, (BAD_MAGIC >> 16) & 0xff,
		(BAD_MAGIC >> 8) & 0xff, BAD_MAGIC & 0xff, 0x08, 0x00,
	};

	unsigned char hostile[64];
	size_t n;

	if (t->st->m.malformed_frame && !t->bad_sent) {
		send_raw(t, bad, sizeof(bad));
		t->bad_sent = 1;
		gw_log(t->st, "tunnel %s: fault: sent a frame with bad magic",
		       t->peer);
	}
	n = gw_hostile_frame(t->st, hostile, sizeof(hostile));
	if (n)
		send_raw(t, hostile, n);
}

static int64_t tunnel_deadline(const struct gw_tunnel *t)
{
	int64_t d = t->heard + GW_TUNNEL_IDLE_MS, c;

	if (t->st->m.close_tls_after > 0) {
		c = t->started + 1000LL * t->st->m.close_tls_after;
		if (c < d)
			d = c;
	}
	return d;
}

static void tunnel_run(struct gw_tunnel *t)
{
	int more = 0, ret;

	faults(t);
	ret = tunnel_input(t, &more);
	if (t->w.closed)
		return;
	if (ret == -EAGAIN)
		ret = 0;
	if (!ret)
		ret = tunnel_flush(t);
	if (ret && ret != -EAGAIN) {
		tunnel_close(t, ret == -ECONNRESET ? "client went away" :
			     "TLS error", 0);
		return;
	}
	t->w.events = (t->want_r ? t->want_r : POLLIN) |
		      (oc_buf_avail(&t->out) ? t->want_w | POLLOUT : 0);
	t->want_r = 0;
	t->w.deadline = more ? oc_now_ms() : tunnel_deadline(t);
}

static void tunnel_cb(struct gw_watch *w, short revents)
{
	struct gw_tunnel *t = (struct gw_tunnel *)w;
	int64_t now = oc_now_ms();

	if (!revents && t->st->m.close_tls_after > 0 &&
	    now >= t->started + 1000LL * t->st->m.close_tls_after) {
		tunnel_close(t, "fault: close-tls-after", 1);
		return;
	}
	if (!revents && now >= t->heard + GW_TUNNEL_IDLE_MS) {
		tunnel_close(t, "client silent", 1);
		return;
	}
	tunnel_run(t);
}

void gw_tunnels_poke(struct gw_state *st)
{
	struct gw_tunnel *t;

	for (t = st->tunnels; t; t = t->next)
		if (!t->w.closed)
			t->w.deadline = oc_now_ms();
}

struct gw_tunnel *gw_tunnel_by_addr(const struct gw_state *st, int family,
				    const unsigned char *addr)
{
	struct gw_tunnel *t;
	uint32_t a4;

	if (family == 4) {
		a4 = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
		     (uint32_t)addr[2] << 8 | addr[3];
		for (t = st->tunnels; t; t = t->next)
			if (t->s && t->s->ip4 == a4)
				return t;
		return NULL;
	}
	for (t = st->tunnels; t; t = t->next)
		if (t->s && t->s->ip6[0] && !memcmp(t->s->ip6_bin, addr, 16))
			return t;
	return NULL;
}

/* ---- Starting ---------------------------------------------------------- */

/* The session the query names, or NULL with *why. */
static struct gw_session *tunnel_session(struct gw_state *st,
					 const struct gw_req *req,
					 const char **why)
{
	const char *user = gw_form_get(&req->qform, "user");
	struct gw_session *s;

	*why = "reject-cookie";
	if (st->m.reject_cookie)
		return NULL;
	s = gw_session_find(st, gw_form_get(&req->qform, "authcookie"));
	*why = !s ? "unknown authcookie" :
	       !user || strcmp(user, s->user) ? "user differs" :
	       !s->tunnel_ok ? "no getconfig since the last tunnel" : NULL;
	return *why ? NULL : s;
}

static struct gw_tunnel *tunnel_new(struct gw_loop *l, struct gw_session *s,
				    const char *peer)
{
	struct gw_tunnel *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->st = l->st;
	oc_buf_init(&t->in, IN_MAX);
	oc_buf_init(&t->out, OUT_MAX);
	t->started = t->heard = oc_now_ms();
	snprintf(t->peer, sizeof(t->peer), "%s", peer ? peer : "?");
	snprintf(t->user, sizeof(t->user), "%s", s->user);
	t->w.events = POLLIN | POLLOUT;
	t->w.deadline = tunnel_deadline(t);
	t->w.cb = tunnel_cb;
	t->w.release = tunnel_release;
	return t;
}

/* The session's one tunnel is @t now; its ESP keys and SAs are gone, so
 * ESP packets under them meet an unknown SPI from now on. */
static void tunnel_attach(struct gw_tunnel *t, struct gw_session *s)
{
	if (s->tun)
		gw_tunnel_end(s->tun, "replaced by a new tunnel");
	s->tun = t;
	t->s = s;
	s->tunnel_ok = 0;
	if (s->esp.valid)
		gw_esp_drop(&s->esp);
	s->esp.https_took_over = 1;
	gw_esp_end(s, "the HTTPS tunnel took over");
	t->next = t->st->tunnels;
	t->st->tunnels = t;
}

static int refuse(struct gw_state *st, struct gw_req *req, struct gw_resp *r,
		  const char *why)
{
	gw_resp_set(r, 502, "text/plain", "");
	gw_resp_outcome(r, "tunnel refused: %s", why);
	r->close = 1;
	st->stats.tunnels_refused++;
	gw_log_request(st, req, r);
	return -EACCES;
}

int gw_tunnel_start(struct gw_loop *l, struct gw_req *req,
		    struct gw_tls *tls, int fd, const void *rest, size_t n,
		    struct gw_resp *r)
{
	struct gw_state *st = l->st;
	struct gw_session *s = NULL;
	struct gw_tunnel *t;
	const char *why = "malformed query";

	if (!gw_http_set_body(req, "", 0))
		s = tunnel_session(st, req, &why);
	if (!s)
		return refuse(st, req, r, why);
	t = tunnel_new(l, s, req->peer);
	if (!t)
		return refuse(st, req, r, "out of memory");
	t->tls = tls;
	t->w.fd = fd;
	oc_buf_put(&t->out, "START_TUNNEL", 12);
	oc_buf_put(&t->in, rest, n);
	tunnel_attach(t, s);
	gw_loop_add(l, &t->w);
	st->stats.tunnels++;
	gw_resp_outcome(r, "START_TUNNEL (user %s, %s%s%s)", s->user, s->ip,
			s->ip6[0] ? " " : "", s->ip6);
	gw_log_request(st, req, r);
	return 0;
}
