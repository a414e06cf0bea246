/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The UDP socket ESP arrives on (PROTOCOL.md section 10): bound on the
 * host of --listen, in its family, at --udp-port. Datagrams go to esp.c
 * one by one; answers leave from the address the client sent to
 * (IP_PKTINFO), since clients connect() their UDP socket and would drop
 * an answer from another of our addresses.
 *
 * The watch's deadline serves esp.c's timers (held-back packets, the
 * previous SAs' end).
 */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "gw.h"
#include "num.h"

#define UDP_BATCH	64		/* datagrams per wake-up */
#define UDP_BUF		(4 * 1024 * 1024)	/* socket buffers */
#define DEFAULT_PORT	4501

struct gw_udp {
	struct gw_watch w;
	int family;			/* AF_INET or AF_INET6 */
	struct oc_buf rx;
};

union cmsg_room {
	struct cmsghdr align;
	char v4[CMSG_SPACE(sizeof(struct in_pktinfo))];
	char v6[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* ---- Receiving --------------------------------------------------------- */

static void local_addr(struct msghdr *mh, struct gw_udp_addr *a)
{
	struct cmsghdr *c;
	struct in_pktinfo pi;
	struct in6_pktinfo pi6;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			a->local.v4 = pi.ipi_addr;
			a->has_local = 1;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			a->local.v6 = pi6.ipi6_addr;
			a->has_local = 1;
		}
	}
}

/* One datagram into u->rx: 1, 0 when there is none, or a negative errno. */
static int udp_recv(struct gw_udp *u, struct gw_udp_addr *from)
{
	union cmsg_room room;
	struct iovec iov;
	struct msghdr mh = { 0 };
	unsigned char *p;
	ssize_t n;

	oc_buf_reset(&u->rx);
	p = oc_buf_reserve(&u->rx, GW_UDP_MAX);
	if (!p)
		return -ENOMEM;
	memset(from, 0, sizeof(*from));
	iov.iov_base = p;
	iov.iov_len = GW_UDP_MAX;
	mh.msg_name = &from->peer;
	mh.msg_namelen = sizeof(from->peer);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &room;
	mh.msg_controllen = sizeof(room);
	n = recvmsg(u->w.fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	from->peer_len = mh.msg_namelen;
	local_addr(&mh, from);
	oc_buf_commit(&u->rx, (size_t)n);
	return 1;
}

static void udp_cb(struct gw_watch *w, short revents)
{
	struct gw_udp *u = (struct gw_udp *)w;
	struct gw_state *st = w->loop->st;
	struct gw_udp_addr from;
	int i, ret = 0;

	for (i = 0; revents && i < UDP_BATCH; i++) {
		ret = udp_recv(u, &from);
		if (ret <= 0)
			break;
		gw_esp_input(st, &u->rx, &from);
	}
	/* Errors queued by ICMP (a client that went away) are not ours. */
	if (ret < 0 && ret != -EINTR && ret != -ECONNREFUSED)
		gw_debug(st, "UDP receive: %s", strerror(-ret));
	w->deadline = gw_esp_timers(st, oc_now_ms());
}

static void udp_release(struct gw_watch *w)
{
	struct gw_udp *u = (struct gw_udp *)w;

	w->loop->st->udp = NULL;
	close(w->fd);
	oc_buf_free(&u->rx);
	free(u);
}

void gw_udp_arm(struct gw_state *st, int64_t when)
{
	struct gw_watch *w = st->udp ? &st->udp->w : NULL;

	if (w && (!w->deadline || when < w->deadline))
		w->deadline = when;
}

/* ---- Sending ----------------------------------------------------------- */

static size_t from_local(const struct gw_udp *u, const struct gw_udp_addr *to,
			 union cmsg_room *room)
{
	struct in_pktinfo pi = { 0 };
	struct in6_pktinfo pi6 = { 0 };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;

	memset(room, 0, sizeof(*room));
	mh.msg_control = room;
	mh.msg_controllen = u->family == AF_INET ?
			    CMSG_SPACE(sizeof(pi)) : CMSG_SPACE(sizeof(pi6));
	c = CMSG_FIRSTHDR(&mh);
	if (u->family == AF_INET) {
		pi.ipi_spec_dst = to->local.v4;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		pi6.ipi6_addr = to->local.v6;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
	}
	return mh.msg_controllen;
}

int gw_udp_send(struct gw_state *st, const struct gw_udp_addr *to,
		const void *p, size_t n)
{
	struct gw_udp *u = st->udp;
	union cmsg_room room;
	struct iovec iov = { (void *)p, n };
	struct msghdr mh = { 0 };

	if (!u)
		return -ENOTCONN;
	mh.msg_name = (void *)&to->peer;
	mh.msg_namelen = to->peer_len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (to->has_local) {
		mh.msg_control = &room;
		mh.msg_controllen = from_local(u, to, &room);
	}
	if (sendmsg(u->w.fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

/* ---- Start-up ---------------------------------------------------------- */

/* Big buffers: iperf3 bursts must not overflow them. Root may exceed
 * the system's limits; anyone else gets what the limits allow. */
static void sock_options(int fd, int family)
{
	int one = 1, size = UDP_BUF, dont = IP_PMTUDISC_DONT;
	int dont6 = IPV6_PMTUDISC_DONT;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* Packets from the TUN device may make datagrams over the path MTU:
	 * let the kernel fragment them rather than refuse them. */
	if (family == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont,
			   sizeof(dont));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &dont6,
			   sizeof(dont6));
	}
}

static int bind_udp(const char *host, int port, int *fd_out, int *family)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char serv[8];
	int fd, ret = 0;

	snprintf(serv, sizeof(serv), "%d", port);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, serv, &hints, &ai))
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		ret = -errno;
	if (!ret) {
		sock_options(fd, ai->ai_family);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen))
			ret = -errno;
	}
	*family = ai->ai_family;
	freeaddrinfo(ai);
	if (ret && fd >= 0)
		close(fd);
	if (!ret)
		*fd_out = fd;
	return ret;
}

/* The port asked for; the default one falls back to an ephemeral port
 * when taken, so that several gateways can share a loopback. */
static int udp_socket(struct gw_state *st, int *fd, int *family)
{
	const char *port;
	char host[64];
	int ret;

	if (gw_split_hostport(st->start.listen, host, sizeof(host), &port))
		return -EINVAL;
	ret = bind_udp(host, st->m.udp_port, fd, family);
	if (ret == -EADDRINUSE && !st->start.udp_port_given &&
	    st->m.udp_port == DEFAULT_PORT) {
		gw_log(st, "UDP port %d taken: ESP on an ephemeral port",
		       DEFAULT_PORT);
		ret = bind_udp(host, 0, fd, family);
	}
	return ret;
}

int gw_udp_start(struct gw_loop *l)
{
	struct gw_state *st = l->st;
	struct gw_udp *u = NULL;
	int fd = -1, family = 0, port, ret = udp_socket(st, &fd, &family);

	if (!ret) {
		port = gw_bound_port(fd);
		ret = port < 0 ? port : 0;
	}
	if (!ret) {
		u = calloc(1, sizeof(*u));
		ret = u ? oc_buf_init_room(&u->rx, 0, GW_UDP_MAX) : -ENOMEM;
	}
	if (ret) {
		fprintf(stderr, "gp-testgw: ESP on UDP port %d: %s\n",
			st->m.udp_port, strerror(-ret));
		if (u)
			oc_buf_free(&u->rx);
		free(u);
		if (fd >= 0)
			close(fd);
		return ret;
	}
	u->family = family;
	u->w.fd = fd;
	u->w.events = POLLIN;
	u->w.cb = udp_cb;
	u->w.release = udp_release;
	gw_loop_add(l, &u->w);
	st->udp = u;
	st->m.udp_port = port;
	gw_log(st, "ESP on UDP port %d", port);
	return 0;
}
