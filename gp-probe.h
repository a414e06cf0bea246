/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GlobalProtect's ESP probe (PROTOCOL.md section 10): an ICMP echo request
 * from the client's tunnel address to the configuration's gw-address,
 * sent through ESP, whose payload starts with 16 magic bytes. The gateway
 * answers with an echo reply carrying the same payload; that answer proves
 * the ESP path and is not delivered to the TUN device. The same probe
 * serves as keepalive and dead-peer check. Pure: no I/O.
 */
#ifndef OC_GP_PROBE_H
#define OC_GP_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "buf.h"

/* "monitor", two NULs, "pan ha ": what gateways look for. */
#define GP_PROBE_MAGIC_LEN	16
extern const unsigned char gp_probe_magic[GP_PROBE_MAGIC_LEN];

/* Official clients send 32 more bytes after the magic; we send zeros
 * there (their content is not known to matter). */
#define GP_PROBE_EXTRA_LEN	32
#define GP_PROBE_PAYLOAD_LEN	(GP_PROBE_MAGIC_LEN + GP_PROBE_EXTRA_LEN)

#define GP_PROBE_IPV4_HDR_LEN	20
#define GP_PROBE_IPV6_HDR_LEN	40
#define GP_PROBE_ICMP_HDR_LEN	8	/* type, code, checksum, id, seq */
#define GP_PROBE_HOP_LIMIT	64
#define GP_PROBE_V4_LEN		(GP_PROBE_IPV4_HDR_LEN + \
				 GP_PROBE_ICMP_HDR_LEN + GP_PROBE_PAYLOAD_LEN)
#define GP_PROBE_V6_LEN		(GP_PROBE_IPV6_HDR_LEN + \
				 GP_PROBE_ICMP_HDR_LEN + GP_PROBE_PAYLOAD_LEN)

/*
 * Appends the IPv4 probe (GP_PROBE_V4_LEN bytes) to @b: source @src (the
 * tunnel address), destination @dst (gw-address), TTL 64, DF set (so the
 * IP id may be 0, RFC 6864), ICMP echo request (type 8) with @id and
 * @seq, both checksums filled in. Returns 0 or @b's sticky error.
 */
int gp_probe_build_v4(struct oc_buf *b, const struct in_addr *src,
		      const struct in_addr *dst, uint16_t id, uint16_t seq);

/*
 * Appends the IPv6 probe (GP_PROBE_V6_LEN bytes): hop limit 64, ICMPv6
 * echo request (type 128) with the checksum over the pseudo-header, no
 * extension headers. Returns 0 or @b's sticky error.
 */
int gp_probe_build_v6(struct oc_buf *b, const struct in6_addr *src,
		      const struct in6_addr *dst, uint16_t id, uint16_t seq);

/*
 * 1 when the inbound IP packet at @pkt (@len bytes) is a probe answer:
 * an unfragmented IPv4 ICMP echo reply (type 0, code 0) from @gw4, or an
 * ICMPv6 echo reply (type 129, code 0) from @gw6 directly after the IPv6
 * header, whose payload starts with the magic; else 0, and the packet is
 * traffic. A NULL address means no probes of that family were sent: no
 * answer. An unspecified address (0.0.0.0, ::), which some gateways hand
 * out as gw-address, matches any source, the magic still required.
 * Truncated packets, or ones whose length field says more than @len, give
 * 0. Checksums are not verified: ESP's ICV already vouched for the bytes.
 */
int gp_probe_is_answer(const unsigned char *pkt, size_t len,
		       const struct in_addr *gw4, const struct in6_addr *gw6);

#endif
