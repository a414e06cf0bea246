/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "gp-frame.h"

const unsigned char gp_frame_keepalive[GP_FRAME_HDR_LEN] = {
	0x1a, 0x2b, 0x3c, 0x4d,
};

static const unsigned char data_tag[GP_FRAME_TAG_LEN] = { 0x01 };

int gp_frame_ethertype(const unsigned char *ip, size_t len)
{
	if (!len)
		return -EPROTO;
	switch (ip[0] >> 4) {
	case 4:
		return GP_ETHERTYPE_IPV4;
	case 6:
		return GP_ETHERTYPE_IPV6;
	}
	return -EPROTO;
}

static void put_be16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

int gp_frame_push_header(struct oc_buf *pkt, uint16_t ethertype)
{
	size_t len = pkt->len;
	unsigned char *p;

	if (oc_buf_error(pkt))
		return oc_buf_error(pkt);
	if (ethertype != GP_ETHERTYPE_IPV4 && ethertype != GP_ETHERTYPE_IPV6)
		return -EINVAL;
	if (len > GP_FRAME_MAX_PAYLOAD)
		return -EMSGSIZE;
	p = oc_buf_push(pkt, GP_FRAME_HDR_LEN);
	if (!p)
		return oc_buf_error(pkt);
	put_be32(p, GP_FRAME_MAGIC);
	put_be16(p + GP_FRAME_MAGIC_LEN, ethertype);
	put_be16(p + GP_FRAME_MAGIC_LEN + GP_FRAME_TYPE_LEN, (uint16_t)len);
	memcpy(p + GP_FRAME_HDR_LEN - GP_FRAME_TAG_LEN, data_tag,
	       GP_FRAME_TAG_LEN);
	return 0;
}

/* Validates a complete header; returns 0 with *kind set, or the error. */
static int check_header(uint32_t magic, uint16_t type, uint16_t plen,
			size_t max_payload, int *kind)
{
	if (magic != GP_FRAME_MAGIC)
		return -EBADMSG;
	switch (type) {
	case GP_ETHERTYPE_KEEPALIVE:
		if (plen)
			return -EPROTO;
		*kind = GP_FRAME_KEEPALIVE;
		return 0;
	case GP_ETHERTYPE_IPV4:
		*kind = GP_FRAME_DATA_V4;
		break;
	case GP_ETHERTYPE_IPV6:
		*kind = GP_FRAME_DATA_V6;
		break;
	default:
		return -EPROTO;
	}
	return plen > max_payload ? -EMSGSIZE : 0;
}

/*
 * The header is read from a read-only view of the unread bytes, so a
 * frame that is not complete yet leaves @rx untouched.
 */
int gp_frame_next(struct oc_buf *rx, size_t max_payload,
		  const unsigned char **payload, size_t *len, int *kind)
{
	struct oc_buf h;
	uint32_t magic;
	uint16_t type, plen;
	int ret;

	*payload = NULL;
	*len = 0;
	*kind = 0;
	if (oc_buf_error(rx))
		return oc_buf_error(rx);
	if (oc_buf_avail(rx) < GP_FRAME_HDR_LEN)
		return 0;

	oc_buf_init_ro(&h, oc_buf_cur(rx), oc_buf_avail(rx));
	oc_buf_get_be32(&h, &magic);
	oc_buf_get_be16(&h, &type);
	oc_buf_get_be16(&h, &plen);
	oc_buf_skip(&h, GP_FRAME_TAG_LEN);
	ret = check_header(magic, type, plen, max_payload, kind);
	if (ret || oc_buf_avail(&h) < plen) {
		*kind = 0;
		return ret;
	}

	oc_buf_skip(rx, GP_FRAME_HDR_LEN);
	if (*kind != GP_FRAME_KEEPALIVE) {
		*payload = oc_buf_pull(rx, plen);
		*len = plen;
	}
	return 1;
}
