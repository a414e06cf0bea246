/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The frame of GlobalProtect's HTTPS tunnel (PROTOCOL.md section 11).
 * After START_TUNNEL, each direction of the TLS stream is a sequence of
 *
 *	magic 1a 2b 3c 4d (4) | ethertype (2) | payload length (2) |
 *	01 00 00 00 00 00 00 00 for data, zeros for a keepalive (8) |
 *	payload (the IP packet; none for a keepalive)
 *
 * all big-endian, with no alignment to TLS records. Pure: no I/O.
 */
#ifndef OC_GP_FRAME_H
#define OC_GP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define GP_FRAME_MAGIC		0x1a2b3c4dU
#define GP_FRAME_MAGIC_LEN	4
#define GP_FRAME_TYPE_LEN	2
#define GP_FRAME_LENGTH_LEN	2
#define GP_FRAME_TAG_LEN	8	/* bytes 8-15 */
#define GP_FRAME_HDR_LEN	(GP_FRAME_MAGIC_LEN + GP_FRAME_TYPE_LEN + \
				 GP_FRAME_LENGTH_LEN + GP_FRAME_TAG_LEN)
/* The length field's limit. */
#define GP_FRAME_MAX_PAYLOAD	0xffff

#define GP_ETHERTYPE_KEEPALIVE	0x0000
#define GP_ETHERTYPE_IPV4	0x0800
#define GP_ETHERTYPE_IPV6	0x86dd

enum gp_frame_kind {
	GP_FRAME_DATA_V4 = 1,
	GP_FRAME_DATA_V6,
	GP_FRAME_KEEPALIVE,
};

/*
 * The keepalive frame, sent as is and answered with the same bytes: the
 * magic, then twelve zero bytes (ethertype 0, length 0, tag all zero).
 */
extern const unsigned char gp_frame_keepalive[GP_FRAME_HDR_LEN];

/*
 * The ethertype for the IP packet at @ip (@len bytes), from its version
 * nibble: GP_ETHERTYPE_IPV4 or GP_ETHERTYPE_IPV6, or -EPROTO for any other
 * version or an empty packet.
 */
int gp_frame_ethertype(const unsigned char *ip, size_t len);

/*
 * Writes a data frame's header into @pkt's headroom, in front of the
 * packet at pkt->data (pkt->len bytes), so the frame is then
 * pkt->data/pkt->len. @ethertype is GP_ETHERTYPE_IPV4 or _IPV6 (see
 * gp_frame_ethertype()). Returns 0; -EINVAL for another ethertype and
 * -EMSGSIZE for a packet over GP_FRAME_MAX_PAYLOAD, both leaving @pkt as
 * it was; or @pkt's sticky error (-ENOSPC with less than
 * GP_FRAME_HDR_LEN bytes of headroom).
 */
int gp_frame_push_header(struct oc_buf *pkt, uint16_t ethertype);

/*
 * Takes the next frame from the unread bytes of @rx (pos to len), which
 * hold the received stream. Returns:
 *
 *   1  a whole frame: *kind is a gp_frame_kind, *payload and *len its
 *      payload (NULL and 0 for a keepalive; a data frame may have length
 *      0, which the caller drops), pointing into @rx and valid until @rx
 *      is next written or compacted; the frame is consumed.
 *   0  the frame is not complete yet: read more (nothing consumed).
 *   -EBADMSG   wrong magic
 *   -EMSGSIZE  length over @max_payload
 *   -EPROTO    unknown ethertype, or a keepalive with a length
 *   or @rx's sticky error, if it has one.
 *
 * Errors are found as soon as the 16 header bytes are in, consume
 * nothing and leave @rx's error unset; the stream cannot be resynchronised:
 * drop the connection. Bytes 8-15 are not checked (their meaning is not
 * known, so a gateway that fills them differently still works). The
 * caller appends to @rx, calls this until it returns 0, then runs
 * oc_buf_compact(@rx) to make room.
 */
int gp_frame_next(struct oc_buf *rx, size_t max_payload,
		  const unsigned char **payload, size_t *len, int *kind);

#endif
