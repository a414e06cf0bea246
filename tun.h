/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The TUN device, or (--script-tun) a script that carries the packets on
 * its standard input and output instead.
 *
 * Opening a device by name attaches to it when it already exists. That is
 * how NetworkManager runs us: it creates a persistent device owned by an
 * unprivileged user and starts us as that user, and the kernel lets the
 * owner (or a member of the owning group) attach without any privilege.
 * So this module never makes a device persistent, never changes its owner
 * and never calls any other ioctl that needs CAP_NET_ADMIN: configuring
 * the device is the vpnc-script's job.
 *
 * Every descriptor here is non-blocking and close-on-exec.
 */
#ifndef OC_TUN_H
#define OC_TUN_H

#include <stddef.h>
#include <sys/types.h>
#include <net/if.h>
#include "log.h"

struct oc_tun {
	int fd;			/* -1 when closed */
	char ifname[IFNAMSIZ];	/* the device's name; "" for a script */
	pid_t script_pid;	/* --script-tun: the script; else 0 */
	int is_socket;		/* fd is our end of the script's socket */
};

void oc_tun_init(struct oc_tun *t);

/*
 * Opens /dev/net/tun as an IPv4/IPv6 TUN device without packet
 * information (IFF_TUN | IFF_NO_PI). @name NULL or "" lets the kernel
 * choose ("tun0", ...); a name containing "%d" is a pattern. An existing
 * device of that name is attached to, a missing one created (which needs
 * CAP_NET_ADMIN). The name ends up in t->ifname.
 *
 * Returns 0, or a negative errno after logging an error that names the
 * likely cause: -EPERM (device owned by another user, or creating one
 * needs root), -EBUSY (in use by another process), -EINVAL (the device
 * exists but is not a TUN device we can use, or a bad name),
 * -ENAMETOOLONG, -ENOENT (no /dev/net/tun).
 */
int oc_tun_open(const struct oc_log *lg, const char *name, struct oc_tun *t);

/*
 * --script-tun: spawns "/bin/sh -c @script" with @envp, with one end of a
 * SOCK_SEQPACKET socket pair as its standard input and output, so each
 * packet is one message. Our end goes to *fd (non-blocking, close-on-exec),
 * the script's process id to *pid. Returns 0 or a negative errno.
 */
int oc_tun_script_open(const char *script, char *const envp[], pid_t *pid,
		       int *fd);
/* The same, filling @t. */
int oc_tun_open_script(const struct oc_log *lg, const char *script,
		       char *const envp[], struct oc_tun *t);

/*
 * Reads one packet into @buf. Returns its length; -EAGAIN when none is
 * waiting; -EMSGSIZE when it was longer than @len (it is dropped); -EPIPE
 * when the script has closed its end; another negative errno.
 */
ssize_t oc_tun_read(const struct oc_tun *t, void *buf, size_t len);

/*
 * Writes one packet. Returns 0; -EAGAIN when the device cannot take it
 * now (poll for POLLOUT); -EPIPE when the script has gone; -EIO for a
 * short write; another negative errno.
 */
int oc_tun_write(const struct oc_tun *t, const void *pkt, size_t len);

/*
 * Closes the device (a device we created goes away with it; a persistent
 * one stays). For a script, closing our end is its end of file: it is
 * given @timeout_ms (<= 0: 5 s) to exit, then killed. Leaves @t closed.
 */
void oc_tun_close(const struct oc_log *lg, struct oc_tun *t, int timeout_ms);

#endif
