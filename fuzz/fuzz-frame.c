/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HTTPS tunnel frame reassembly: the input is the received TLS stream,
 * appended to the receive buffer in pieces as the tunnel's reader does
 * (reserve, commit, take frames until none is complete, compact). Every
 * data frame taken is framed again with gp_frame_push_header() and must
 * parse back to the same payload.
 *
 * Input: byte 0 sets the piece size, byte 1 the payload limit (the
 * tunnel passes its MTU), then the stream.
 */
#include <config.h>

#include <errno.h>

#include "buf.h"
#include "fuzz.h"
#include "gp-frame.h"

#define RX_MAX		(256 * 1024)	/* as the tunnel's buffer */
#define READ_CHUNK	16384

static void reframe(const unsigned char *payload, size_t len, int kind)
{
	const unsigned char *p2;
	struct oc_buf b;
	size_t len2;
	int kind2;
	uint16_t et = kind == GP_FRAME_DATA_V4 ? GP_ETHERTYPE_IPV4
					       : GP_ETHERTYPE_IPV6;

	if (oc_buf_init_room(&b, GP_FRAME_HDR_LEN, len ? len : 1))
		abort();
	oc_buf_put(&b, payload, len);
	FUZZ_CHECK(gp_frame_push_header(&b, et) == 0);
	FUZZ_CHECK(b.len == len + GP_FRAME_HDR_LEN);
	FUZZ_CHECK(gp_frame_next(&b, GP_FRAME_MAX_PAYLOAD, &p2, &len2,
				 &kind2) == 1);
	FUZZ_CHECK(kind2 == kind && len2 == len && !memcmp(p2, payload, len));
	FUZZ_CHECK(gp_frame_next(&b, GP_FRAME_MAX_PAYLOAD, &p2, &len2,
				 &kind2) == 0);
	oc_buf_free(&b);
}

/* Takes frames until none is complete: 0, or the error. */
static int take_frames(struct oc_buf *rx, size_t max_payload)
{
	const unsigned char *payload;
	size_t len;
	int kind, ret;

	for (;;) {
		ret = gp_frame_next(rx, max_payload, &payload, &len, &kind);
		if (ret <= 0)
			return ret;
		FUZZ_CHECK(ret == 1);
		FUZZ_CHECK(len <= max_payload);
		if (kind == GP_FRAME_KEEPALIVE) {
			FUZZ_CHECK(!payload && !len);
			continue;
		}
		FUZZ_CHECK(kind == GP_FRAME_DATA_V4 ||
			   kind == GP_FRAME_DATA_V6);
		FUZZ_CHECK(payload >= rx->data &&
			   payload + len <= rx->data + rx->pos);
		reframe(payload, len, kind);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[] = { GP_FRAME_MAX_PAYLOAD, 1400, 0, 20 };
	size_t piece, max_payload, off = 0, n;
	unsigned char *room;
	struct oc_buf rx;
	int ret = 0;

	if (size < 2)
		return 0;
	piece = data[0] ? data[0] : READ_CHUNK;
	max_payload = limits[data[1] & 3];
	data += 2;
	size -= 2;
	oc_buf_init(&rx, RX_MAX);
	while (off < size) {
		ret = take_frames(&rx, max_payload);
		if (ret)
			break;
		oc_buf_compact(&rx);
		room = oc_buf_reserve(&rx, READ_CHUNK);
		FUZZ_CHECK(room != NULL);
		n = size - off < piece ? size - off : piece;
		memcpy(room, data + off, n);
		oc_buf_commit(&rx, n);
		off += n;
	}
	if (!ret)
		ret = take_frames(&rx, max_payload);
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG || ret == -EMSGSIZE ||
		   ret == -EPROTO);
	FUZZ_CHECK(!oc_buf_error(&rx));
	oc_buf_free(&rx);
	return 0;
}
