/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One client connection: TLS handshake, then HTTP/1.1 requests answered
 * one at a time (keep-alive; pipelined requests wait their turn), then a
 * TLS close and a short linger so our last answer is not lost to a reset.
 *
 * Every step runs until it would block, and says which poll events it
 * waits for; a deadline bounds each state, so a client that stalls or
 * vanishes mid-request costs nothing but its slot until it expires.
 */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "gw.h"

#define READ_CHUNK	4096
#define MAX_STEPS	64	/* per wake-up, so one client cannot hog us */

enum conn_state {
	C_HANDSHAKE,
	C_READ,
	C_WRITE,
	C_SHUTDOWN,
	C_LINGER,
	C_HOSTILE,		/* a hostile answer waits for its next piece */
	C_HANDED_OVER,		/* the HTTPS tunnel owns socket and TLS now */
};

struct gw_conn {
	struct gw_watch w;	/* first, so a watch is its connection */
	struct gw_tls *tls;
	enum conn_state state;
	struct oc_buf in;
	struct oc_buf out;
	struct gw_req req;
	struct gw_hstream hs;	/* a hostile answer being sent */
	size_t head_len;	/* 0 until the request's head is parsed */
	int continue_sent;
	int closing;		/* close after the answer being written */
	char peer[64];
	char local[64];		/* our address the client reached */
};

static struct gw_state *conn_st(struct gw_conn *c)
{
	return c->w.loop->st;
}

/* Queues an answer built in @r; the state moves on to writing it. */
static void conn_queue(struct gw_conn *c, struct gw_resp *r)
{
	if (!gw_hostile_answer(conn_st(c), &c->req, r, &c->out, &c->hs))
		gw_resp_write(r, &c->out);
	if (r->close)
		c->closing = 1;
	c->state = C_WRITE;
}

static void conn_refuse(struct gw_conn *c, int status, const char *why)
{
	struct gw_resp r;

	gw_resp_init(&r);
	c->req.peer = c->peer;
	c->req.local = c->local;
	gw_refuse(conn_st(c), &c->req, &r, status, why);
	conn_queue(c, &r);
	gw_resp_free(&r);
}

static void conn_answer(struct gw_conn *c, const char *body)
{
	struct gw_resp r;

	gw_resp_init(&r);
	c->req.peer = c->peer;
	c->req.local = c->local;
	gw_dispatch(conn_st(c), &c->req, body, c->req.clen, &r);
	conn_queue(c, &r);
	gw_resp_free(&r);
	oc_buf_skip(&c->in, c->head_len + c->req.clen);
	oc_buf_compact(&c->in);
	gw_req_free(&c->req);
	c->head_len = 0;
	c->continue_sent = 0;
}

/* The HTTPS tunnel's request: either the tunnel takes the connection
 * over, bytes after the request included, or we answer its 502. */
static void conn_tunnel(struct gw_conn *c)
{
	const unsigned char *rest = oc_buf_cur(&c->in) + c->head_len;
	size_t n = oc_buf_avail(&c->in) - c->head_len;
	struct gw_resp r;

	gw_resp_init(&r);
	c->req.peer = c->peer;
	c->req.local = c->local;
	if (!gw_tunnel_start(c->w.loop, &c->req, c->tls, c->w.fd, rest, n,
			     &r)) {
		c->tls = NULL;
		c->w.fd = -1;
		c->state = C_HANDED_OVER;
	} else {
		conn_queue(c, &r);
	}
	gw_resp_free(&r);
	oc_buf_reset(&c->in);
	gw_req_free(&c->req);
	c->head_len = 0;
}

/* 1 when an answer was queued, 0 when more bytes are needed. */
static int conn_request(struct gw_conn *c)
{
	const char *p = (const char *)oc_buf_cur(&c->in);
	size_t n = oc_buf_avail(&c->in);
	int ret, status;

	if (!c->head_len) {
		ret = gw_http_parse_head(p, n, &c->req, &status);
		if (ret < 0) {
			conn_refuse(c, status, "Bad request");
			return 1;
		}
		if (!ret)
			return 0;
		c->head_len = (size_t)ret;
		if (gw_tunnel_wanted(&c->req)) {
			conn_tunnel(c);
			return 1;
		}
	}
	if (n - c->head_len >= c->req.clen) {
		conn_answer(c, p + c->head_len);
		return 1;
	}
	if (c->req.expect_continue && !c->continue_sent) {
		oc_buf_put(&c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		c->continue_sent = 1;
		c->state = C_WRITE;
		return 1;
	}
	return 0;
}

/* Reads what TLS has; 0 when something came. */
static int conn_fill(struct gw_conn *c)
{
	size_t room = c->in.max - c->in.len;
	unsigned char *p;
	ssize_t n;

	if (room > READ_CHUNK)
		room = READ_CHUNK;
	p = room ? oc_buf_reserve(&c->in, room) : NULL;
	if (!p)
		return -E2BIG;
	n = gw_tls_read(c->tls, p, room);
	if (n > 0) {
		oc_buf_commit(&c->in, (size_t)n);
		return 0;
	}
	return n ? (int)n : -ECONNRESET;
}

static int conn_read(struct gw_conn *c)
{
	int ret;

	if (conn_request(c))
		return 0;
	ret = conn_fill(c);
	if (ret == -E2BIG) {
		conn_refuse(c, 413, "Request too large");
		return 0;
	}
	if (ret == -ECONNRESET && oc_buf_avail(&c->in))
		gw_debug(conn_st(c), "%s: closed mid-request", c->peer);
	return ret;
}

/* The next piece of a hostile answer, or its end. */
static int conn_hostile(struct gw_conn *c)
{
	int ret = gw_hostile_more(conn_st(c), &c->hs, &c->out, oc_now_ms());

	if (ret > 0) {
		c->state = C_WRITE;
		return 0;
	}
	if (!ret) {
		c->state = C_HOSTILE;
		return -EAGAIN;
	}
	gw_hstream_free(&c->hs);
	c->state = c->closing ? C_SHUTDOWN : C_READ;
	return 0;
}

static int conn_write(struct gw_conn *c)
{
	ssize_t n;

	if (oc_buf_error(&c->out))
		return oc_buf_error(&c->out);
	while (oc_buf_avail(&c->out)) {
		n = gw_tls_write(c->tls, oc_buf_cur(&c->out),
				 oc_buf_avail(&c->out));
		if (n < 0)
			return (int)n;
		oc_buf_skip(&c->out, (size_t)n);
	}
	oc_buf_reset(&c->out);
	if (c->hs.on)
		return conn_hostile(c);
	c->state = c->closing ? C_SHUTDOWN : C_READ;
	return 0;
}

static int conn_handshake(struct gw_conn *c)
{
	int ret = gw_tls_handshake(c->tls);

	if (ret == -EPROTO)
		gw_debug(conn_st(c), "%s: TLS handshake failed: %s", c->peer,
			 gw_tls_error(c->tls));
	if (!ret)
		c->state = C_READ;
	return ret;
}

static int conn_shutdown(struct gw_conn *c)
{
	int ret = gw_tls_shutdown(c->tls);

	if (ret)
		return ret;
	shutdown(c->w.fd, SHUT_WR);
	c->state = C_LINGER;
	c->w.deadline = oc_now_ms() + GW_LINGER_MS;
	return 0;
}

/* Discards what the peer still sends until it closes too. */
static int conn_linger(struct gw_conn *c)
{
	char junk[READ_CHUNK];
	ssize_t n;

	do
		n = read(c->w.fd, junk, sizeof(junk));
	while (n > 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		c->w.events = POLLIN;
		return -EAGAIN;
	}
	return -ECONNRESET;
}

static int conn_step(struct gw_conn *c)
{
	switch (c->state) {
	case C_HANDSHAKE:
		return conn_handshake(c);
	case C_READ:
		return conn_read(c);
	case C_WRITE:
		return conn_write(c);
	case C_SHUTDOWN:
		return conn_shutdown(c);
	case C_LINGER:
		return conn_linger(c);
	case C_HOSTILE:
		return conn_hostile(c);
	default:
		return -EPIPE;	/* nothing left to do here */
	}
}

static void conn_run(struct gw_conn *c)
{
	int i, ret = 0;

	for (i = 0; i < MAX_STEPS && !ret; i++)
		ret = conn_step(c);
	if (ret == -EAGAIN && c->state == C_HOSTILE) {
		c->w.events = 0;	/* only hang-ups wake us */
		c->w.deadline = c->hs.next_ms;
		return;
	}
	if (ret == -EAGAIN) {
		if (c->state != C_LINGER)
			c->w.events = gw_tls_want(c->tls);
	} else if (!ret) {
		c->w.events = POLLIN | POLLOUT;	/* more to do: come back */
	} else {
		gw_watch_close(&c->w);
		return;
	}
	if (i > 1 && c->state != C_LINGER)
		c->w.deadline = oc_now_ms() + (c->state == C_HANDSHAKE ?
					       GW_HANDSHAKE_MS : GW_IDLE_MS);
}

static void conn_cb(struct gw_watch *w, short revents)
{
	struct gw_conn *c = (struct gw_conn *)w;

	if (c->state == C_HOSTILE && revents) {
		gw_watch_close(w);	/* the client hung up */
		return;
	}
	if (!revents && c->state != C_HOSTILE) {
		if (c->state != C_LINGER)
			gw_debug(conn_st(c), "%s: timed out", c->peer);
		gw_watch_close(w);
		return;
	}
	conn_run(c);
}

static void conn_release(struct gw_watch *w)
{
	struct gw_conn *c = (struct gw_conn *)w;

	c->w.loop->nconns--;
	gw_tls_free(c->tls);
	if (c->w.fd >= 0)
		close(c->w.fd);
	gw_req_free(&c->req);
	gw_hstream_free(&c->hs);
	oc_buf_free(&c->in);
	oc_buf_free(&c->out);
	free(c);
}

/* Numeric, without brackets or port: what getconfig's gw-address shows. */
static void local_name(int fd, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	out[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) ||
	    getnameinfo((struct sockaddr *)&ss, sl, out, (socklen_t)len, NULL,
			0, NI_NUMERICHOST))
		out[0] = '\0';
}

static void conn_bufs(struct gw_conn *c)
{
	oc_buf_init(&c->in, GW_MAX_HEAD + GW_MAX_BODY);
	oc_buf_init(&c->out, GW_MAX_OUT);
	/* Requests carry passwords, answers cookies. */
	c->in.flags |= OC_BUF_SECRET;
	c->out.flags |= OC_BUF_SECRET;
}

void gw_conn_start(struct gw_loop *l, int fd, const char *peer)
{
	struct gw_conn *c;

	if (l->nconns >= GW_MAX_CONNS) {
		gw_warn(l->st, "too many connections; refusing %s", peer);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || gw_tls_new(l->st->tls, fd, &c->tls)) {
		free(c);
		close(fd);
		return;
	}
	conn_bufs(c);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	local_name(fd, c->local, sizeof(c->local));
	c->w.fd = fd;
	c->w.events = POLLIN;
	c->w.deadline = oc_now_ms() + GW_HANDSHAKE_MS;
	c->w.cb = conn_cb;
	c->w.release = conn_release;
	l->nconns++;
	gw_loop_add(l, &c->w);
	gw_debug(l->st, "%s: connected", peer);
}
