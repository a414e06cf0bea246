/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GlobalProtect after the login: getconfig, HIP, logout (PROTOCOL.md
 * sections 8, 9 and 12). The HTTPS tunnel itself is in gp-tunnel.c.
 */
#ifndef GPST_H
#define GPST_H

#include "openconnect-internal.h"

/*
 * Fetches the configuration with the cookie (a new one replaces v->cfg).
 * On a second call the addresses must stay the same. Returns 0; -EPERM
 * when the gateway rejected the cookie (log in again, do not retry);
 * -EAGAIN for an error a retry may cure; -EINVAL when the answer is
 * unusable or the addresses changed; transport errors as negative errno.
 */
int gp_getconfig(struct openconnect_info *v);

/* Logs out, so the cookie stops working. Failures are logged. */
int gp_logout(struct openconnect_info *v);

/* The MTU of the tunnel over ESP (@esp) or HTTPS, per PROTOCOL.md. */
int gp_tunnel_mtu(const struct openconnect_info *v, int esp);

#endif
