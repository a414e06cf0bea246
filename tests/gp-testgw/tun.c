/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The gateway's TUN device (--tun): IP packets from the tunnels go to the
 * kernel of the namespace the gateway runs in, and what the kernel routes
 * back to the client pools comes to us, to go to the owning client.
 *
 * The device gets its address and routes from `ip`, run without a shell
 * in the gateway's own namespace: the gateway never touches another one.
 * It goes away when the gateway exits (it is not made persistent), and
 * its addresses and routes with it.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gw.h"

#define TUN_BATCH	64		/* packets per wake-up */
#define TUN_PKT_MAX	65535
#define IP_WAIT_MS	5000		/* for one `ip` command */

extern char **environ;

struct tun_watch {
	struct gw_watch w;
	unsigned char pkt[TUN_PKT_MAX];
};

static void tun_cb(struct gw_watch *w, short revents)
{
	struct tun_watch *tw = (struct tun_watch *)w;
	ssize_t n;
	int i;

	for (i = 0; i < TUN_BATCH; i++) {
		n = read(w->fd, tw->pkt, sizeof(tw->pkt));
		if (n <= 0)
			break;
		gw_packet_to_client(w->loop->st, tw->pkt, (size_t)n);
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		gw_warn(w->loop->st, "TUN read: %s", strerror(errno));
}

static void tun_release(struct gw_watch *w)
{
	w->loop->st->tun_fd = -1;
	close(w->fd);
	free(w);
}

int gw_tun_write(struct gw_state *st, const unsigned char *pkt, size_t len)
{
	ssize_t n = write(st->tun_fd, pkt, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int tun_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* ---- Running `ip` ------------------------------------------------------ */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The child gets default signal handling: we block SIGINT/SIGTERM and
 * ignore SIGPIPE, which exec would pass on. */
static int spawn_attr(posix_spawnattr_t *a)
{
	sigset_t none, dflt;

	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	if (posix_spawnattr_init(a))
		return -ENOMEM;
	posix_spawnattr_setsigmask(a, &none);
	posix_spawnattr_setsigdefault(a, &dflt);
	posix_spawnattr_setflags(a, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	return 0;
}

/* Waits at most IP_WAIT_MS; a hung command is killed. */
static int reap(pid_t pid)
{
	int status, i;
	pid_t r = 0;

	for (i = 0; i < IP_WAIT_MS / 10 && !r; i++) {
		r = waitpid(pid, &status, WNOHANG);
		if (!r)
			sleep_ms(10);
	}
	if (!r) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -ETIMEDOUT;
	}
	if (r < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static int run_ip(const struct gw_state *st, char *const argv[])
{
	posix_spawnattr_t a;
	pid_t pid;
	int ret = spawn_attr(&a);

	if (ret)
		return ret;
	ret = -posix_spawnp(&pid, "ip", NULL, &a, argv, environ);
	posix_spawnattr_destroy(&a);
	if (!ret)
		ret = reap(pid);
	gw_debug(st, "ip %s %s %s %s: %s", argv[1], argv[2], argv[3],
		 argv[4] ? argv[4] : "", ret ? strerror(-ret) : "ok");
	return ret;
}

/* The network of the IPv4 pool, as "ADDR/LEN". */
static void pool4_net(const struct gw_modes *m, char *out, size_t len)
{
	uint32_t mask = m->ip_pool_len ? ~(uint32_t)0 << (32 - m->ip_pool_len)
				       : 0;
	struct in_addr a = { .s_addr = htonl(m->ip_pool & mask) };
	char s[16];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	snprintf(out, len, "%s/%d", s, m->ip_pool_len);
}

static void pool6_net(const struct gw_modes *m, char *out, size_t len)
{
	char s[46];

	inet_ntop(AF_INET6, m->ip6_pool, s, sizeof(s));
	snprintf(out, len, "%s/%d", s, m->ip6_pool_len);
}

/* A failed route is a warning: the pool may lie in the device's own
 * network, whose route the kernel already added. */
static int configure(struct gw_state *st)
{
	char *dev = st->start.tun_name, net[64], net6[80];
	char *addr4[] = { "ip", "addr", "add", st->start.tun_addr, "dev",
			  dev, NULL };
	char *up[] = { "ip", "link", "set", "dev", dev, "up", NULL };
	char *route4[] = { "ip", "route", "add", net, "dev", dev, NULL };
	char *addr6[] = { "ip", "-6", "addr", "add", st->start.tun_addr6,
			  "dev", dev, "nodad", NULL };
	char *route6[] = { "ip", "-6", "route", "add", net6, "dev", dev,
			   NULL };
	int ret;

	pool4_net(&st->m, net, sizeof(net));
	pool6_net(&st->m, net6, sizeof(net6));
	ret = run_ip(st, addr4);
	if (!ret && st->m.ip6_pool_len)
		ret = run_ip(st, addr6);
	if (!ret)
		ret = run_ip(st, up);
	if (ret)
		return ret;
	if (run_ip(st, route4))
		gw_warn(st, "TUN %s: no route to %s added", dev, net);
	if (st->m.ip6_pool_len && run_ip(st, route6))
		gw_warn(st, "TUN %s: no route to %s added", dev, net6);
	return 0;
}

int gw_tun_start(struct gw_loop *l)
{
	struct gw_state *st = l->st;
	struct tun_watch *tw;
	int fd, ret;

	if (!st->start.tun_name)
		return 0;
	fd = tun_open(st->start.tun_name);
	if (fd < 0) {
		fprintf(stderr, "gp-testgw: TUN %s: %s\n", st->start.tun_name,
			strerror(-fd));
		return fd;
	}
	tw = calloc(1, sizeof(*tw));
	if (!tw) {
		close(fd);
		return -ENOMEM;
	}
	tw->w.fd = fd;
	tw->w.events = POLLIN;
	tw->w.cb = tun_cb;
	tw->w.release = tun_release;
	gw_loop_add(l, &tw->w);
	st->tun_fd = fd;
	ret = configure(st);
	if (ret)
		fprintf(stderr, "gp-testgw: TUN %s: cannot configure it with "
			"ip: %s\n", st->start.tun_name, strerror(-ret));
	else
		gw_log(st, "TUN %s up, %s", st->start.tun_name,
		       st->start.tun_addr);
	return ret;
}
