/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The gateway's event loop: a list of watches (fd, events, deadline),
 * one poll() per round, callbacks, then the closed watches released.
 *
 * Releasing only between rounds lets any callback close any watch,
 * itself included, without the loop touching freed memory. The UDP
 * socket of ESP and the TUN device are watches too.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "gw.h"
#include "num.h"

#define ACCEPT_BATCH	16

void gw_loop_init(struct gw_loop *l, struct gw_state *st)
{
	memset(l, 0, sizeof(*l));
	l->st = st;
}

void gw_loop_add(struct gw_loop *l, struct gw_watch *w)
{
	w->loop = l;
	w->closed = 0;
	w->next = l->watches;
	l->watches = w;
}

void gw_watch_close(struct gw_watch *w)
{
	w->closed = 1;
}

static int loop_room(struct gw_loop *l, size_t n)
{
	struct pollfd *pfd;
	struct gw_watch **pw;

	if (n <= l->cap)
		return 0;
	pfd = realloc(l->pfd, n * sizeof(*pfd));
	if (!pfd)
		return -ENOMEM;
	l->pfd = pfd;
	pw = realloc(l->pw, n * sizeof(*pw));
	if (!pw)
		return -ENOMEM;
	l->pw = pw;
	l->cap = n;
	return 0;
}

/* Fills the poll set; returns its size and the timeout in *timeout. */
static int loop_collect(struct gw_loop *l, size_t *n, int *timeout)
{
	int64_t now = oc_now_ms(), next = -1;
	struct gw_watch *w;
	size_t i = 0, count = 0;

	for (w = l->watches; w; w = w->next)
		count++;
	if (loop_room(l, count))
		return -ENOMEM;
	for (w = l->watches; w; w = w->next) {
		if (w->closed)
			continue;
		l->pfd[i].fd = w->fd;
		l->pfd[i].events = w->events;
		l->pfd[i].revents = 0;
		l->pw[i++] = w;
		if (w->deadline && (next < 0 || w->deadline < next))
			next = w->deadline;
	}
	*n = i;
	*timeout = next < 0 ? -1 : next <= now ? 0 :
		   next - now > 60000 ? 60000 : (int)(next - now);
	return 0;
}

static void loop_fire(struct gw_loop *l, size_t n)
{
	int64_t now = oc_now_ms();
	struct gw_watch *w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = l->pw[i];
		if (w->closed)
			continue;
		if (l->pfd[i].revents)
			w->cb(w, l->pfd[i].revents);
		else if (w->deadline && w->deadline <= now)
			w->cb(w, 0);
	}
}

static void loop_reap(struct gw_loop *l, int all)
{
	struct gw_watch **pp = &l->watches, *w;

	while ((w = *pp)) {
		if (!w->closed && !all) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->release(w);
	}
}

int gw_loop_run(struct gw_loop *l)
{
	int timeout, ret;
	size_t n;

	while (!l->stop) {
		ret = loop_collect(l, &n, &timeout);
		if (ret)
			return ret;
		ret = poll(l->pfd, n, timeout);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret >= 0)
			loop_fire(l, n);
		loop_reap(l, 0);
	}
	return 0;
}

void gw_loop_free(struct gw_loop *l)
{
	loop_reap(l, 1);
	free(l->pfd);
	free(l->pw);
	l->pfd = NULL;
	l->pw = NULL;
	l->cap = 0;
}

/* ---- The listening socket ---------------------------------------------- */

struct listener {
	struct gw_watch w;
};

void gw_sockaddr_name(const struct sockaddr_storage *ss, char *out,
		      size_t len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host,
			sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(out, len, "?");
	else if (ss->ss_family == AF_INET6)
		snprintf(out, len, "[%s]:%s", host, serv);
	else
		snprintf(out, len, "%s:%s", host, serv);
}

static void listener_cb(struct gw_watch *w, short revents)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char peer[NI_MAXHOST + NI_MAXSERV + 4];
	int i, fd;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		sl = sizeof(ss);
		fd = accept4(w->fd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				gw_warn(w->loop->st, "accept: %s",
					strerror(errno));
			return;
		}
		gw_sockaddr_name(&ss, peer, sizeof(peer));
		gw_conn_start(w->loop, fd, peer);
	}
}

static void listener_release(struct gw_watch *w)
{
	close(w->fd);
	free(w);
}

int gw_split_hostport(const char *spec, char *host, size_t hlen,
		      const char **port)
{
	const char *colon, *h = spec;
	size_t n;

	if (*spec == '[') {
		colon = strstr(spec, "]:");
		h = spec + 1;
		n = colon ? (size_t)(colon - h) : 0;
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = strrchr(spec, ':');
		n = colon ? (size_t)(colon - spec) : 0;
	}
	if (!colon || !n || n >= hlen)
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int bind_socket(const char *spec, int *out)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char host[64];
	const char *port;
	int fd, one = 1, p, ret;

	ret = gw_split_hostport(spec, host, sizeof(host), &port);
	if (!ret)
		ret = oc_parse_int(port, 0, 65535, &p);
	if (ret)
		return -EINVAL;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai))
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	ret = fd < 0 ? -errno : 0;
	if (!ret)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!ret && ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (!ret && (bind(fd, ai->ai_addr, ai->ai_addrlen) ||
		     listen(fd, 64)))
		ret = -errno;
	freeaddrinfo(ai);
	if (ret && fd >= 0)
		close(fd);
	if (!ret)
		*out = fd;
	return ret;
}

int gw_bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -errno;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int gw_listen(struct gw_loop *l, const char *spec, int *port)
{
	struct listener *li;
	int fd, ret = bind_socket(spec, &fd);

	if (ret)
		return ret;
	li = calloc(1, sizeof(*li));
	if (!li) {
		close(fd);
		return -ENOMEM;
	}
	li->w.fd = fd;
	li->w.events = POLLIN;
	li->w.cb = listener_cb;
	li->w.release = listener_release;
	gw_loop_add(l, &li->w);
	*port = gw_bound_port(fd);
	return *port < 0 ? *port : 0;
}
