/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "log.h"
#include "num.h"
#include "script.h"
#include "tun.h"

#define TUN_DEVICE		"/dev/net/tun"
#define TUN_SCRIPT_EXIT_MS	5000

void oc_tun_init(struct oc_tun *t)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

/* The owner or group the kernel shows for a TUN device, or -1. Only a
 * hint for the message: sysfs may show another network namespace. */
static long sysfs_id(const char *ifname, const char *what)
{
	char path[96], buf[32];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (oc_parse_long(buf, -1, LONG_MAX, &v))
			v = -1;
	}
	fclose(f);
	return v;
}

static void explain_eperm(const struct oc_log *lg, const char *name,
			  int existed)
{
	long owner, group;
	char who[64];

	if (!existed) {
		oc_err(lg, "Cannot create TUN device %s: permission denied. "
		       "Creating a device needs root (CAP_NET_ADMIN); "
		       "otherwise create a persistent one owned by this user "
		       "first (ip tuntap add dev NAME mode tun user USER) "
		       "and pass its name with --interface",
		       name && *name ? name : "");
		return;
	}
	owner = sysfs_id(name, "owner");
	group = sysfs_id(name, "group");
	if (owner >= 0 || group >= 0)
		snprintf(who, sizeof(who), "owner %ld, group %ld; ", owner,
			 group);
	else
		who[0] = '\0';
	oc_err(lg, "Cannot attach to TUN device %s: permission denied. The "
	       "device belongs to another user or group (%swe are uid %ld, "
	       "gid %ld): run as its owner, or as root", name, who,
	       (long)geteuid(), (long)getegid());
}

static void explain(const struct oc_log *lg, const char *name, int existed,
		    int err)
{
	const char *n = name && *name ? name : "(any)";

	if (err == -EPERM || err == -EACCES)
		explain_eperm(lg, name, existed);
	else if (err == -EBUSY)
		oc_err(lg, "TUN device %s is in use by another process", n);
	else if (err == -EINVAL && existed)
		oc_err(lg, "Device %s exists but is not a TUN device we can "
		       "use (a TAP or multi-queue device?)", n);
	else
		oc_err(lg, "Cannot open TUN device %s: %s", n, oc_strerr(err));
}

static int open_dev(const struct oc_log *lg)
{
	int fd, ret;

	fd = open(TUN_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0)
		return fd;
	ret = -errno;
	oc_err(lg, "Cannot open %s: %s%s", TUN_DEVICE, oc_strerr(ret),
	       ret == -ENOENT ? " (is the tun module loaded?)" : "");
	return ret;
}

int oc_tun_open(const struct oc_log *lg, const char *name, struct oc_tun *t)
{
	struct ifreq ifr;
	int fd, existed, ret;

	oc_tun_init(t);
	if (name && strlen(name) >= IFNAMSIZ) {
		oc_err(lg, "TUN device name '%s' is too long (at most %d "
		       "characters)", name, IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	fd = open_dev(lg);
	if (fd < 0)
		return fd;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (name)
		memcpy(ifr.ifr_name, name, strlen(name));
	/* Only to choose the message: TUNSETIFF itself attaches or creates. */
	existed = name && *name && if_nametoindex(name) != 0;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		explain(lg, name, existed, ret);
		close(fd);
		return ret;
	}
	memcpy(t->ifname, ifr.ifr_name, IFNAMSIZ);
	t->ifname[IFNAMSIZ - 1] = '\0';
	t->fd = fd;
	oc_dbg(lg, "%s TUN device %s", existed ? "Attached to" : "Created",
	       t->ifname);
	return 0;
}

int oc_tun_script_open(const char *script, char *const envp[], pid_t *pid,
		       int *fd)
{
	int sv[2], fl, ret;

	/* Not SOCK_NONBLOCK: the script's end must stay blocking. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fl = fcntl(sv[0], F_GETFL);
	if (fl < 0 || fcntl(sv[0], F_SETFL, fl | O_NONBLOCK) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = oc_script_spawn(script, envp, sv[1], sv[1], pid);
	if (ret)
		goto fail;
	close(sv[1]);
	*fd = sv[0];
	return 0;
fail:
	close(sv[0]);
	close(sv[1]);
	return ret;
}

int oc_tun_open_script(const struct oc_log *lg, const char *script,
		       char *const envp[], struct oc_tun *t)
{
	int ret;

	oc_tun_init(t);
	ret = oc_tun_script_open(script, envp, &t->script_pid, &t->fd);
	if (ret) {
		oc_err(lg, "Cannot start the --script-tun script: %s",
		       oc_strerr(ret));
		t->fd = -1;
		t->script_pid = 0;
		return ret;
	}
	t->is_socket = 1;
	oc_dbg(lg, "Packets go to script '%s' (pid %ld)", script,
	       (long)t->script_pid);
	return 0;
}

static int io_error(void)
{
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

ssize_t oc_tun_read(const struct oc_tun *t, void *buf, size_t len)
{
	ssize_t n;

	/*
	 * Both report the packet's real length when it did not fit: recv
	 * with MSG_TRUNC by definition, the TUN driver by returning the
	 * length it would have copied.
	 */
	if (t->is_socket)
		n = recv(t->fd, buf, len, MSG_TRUNC);
	else
		n = read(t->fd, buf, len);
	if (n < 0)
		return io_error();
	if (n == 0)
		return t->is_socket ? -EPIPE : -EAGAIN;
	if ((size_t)n > len)
		return -EMSGSIZE;
	return n;
}

int oc_tun_write(const struct oc_tun *t, const void *pkt, size_t len)
{
	ssize_t n;

	if (t->is_socket)
		n = send(t->fd, pkt, len, MSG_NOSIGNAL);
	else
		n = write(t->fd, pkt, len);
	if (n < 0)
		return io_error();
	return (size_t)n == len ? 0 : -EIO;
}

void oc_tun_close(const struct oc_log *lg, struct oc_tun *t, int timeout_ms)
{
	int ret;

	if (t->fd >= 0)
		close(t->fd);
	if (t->script_pid > 0) {
		ret = oc_script_wait(lg, t->script_pid, timeout_ms > 0 ?
				     timeout_ms : TUN_SCRIPT_EXIT_MS);
		if (ret < 0)
			oc_dbg(lg, "--script-tun script: %s", oc_strerr(ret));
		else if (ret)
			oc_dbg(lg, "--script-tun script exited with status %d",
			       ret);
	}
	oc_tun_init(t);
}
