/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTTPS tunnel's data path: frames from the TLS stream to the TUN
 * queue, packets from the queue into frames.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "gp-frame.h"
#include "mainloop.h"

#define HTTPS_READ_CHUNK	16384
/* Rounds of TLS reads per wake-up, so one transport cannot starve the
 * others. */
#define HTTPS_READ_ROUNDS	8

/* Queues a keepalive; answers to ours are not answered again. */
void oc_https_send_keepalive(struct openconnect_info *v)
{
	struct oc_https *h = &v->run.https;

	if (!h->tls)
		return;
	oc_buf_put(&h->tx, gp_frame_keepalive, GP_FRAME_HDR_LEN);
	h->keepalives_out++;
}

static void on_keepalive(struct openconnect_info *v)
{
	struct oc_https *h = &v->run.https;

	v->run.ctr.https_keepalives++;
	if (h->keepalives_out) {
		h->keepalives_out--;
		return;
	}
	/* The gateway asks: answer with the same frame. */
	oc_buf_put(&h->tx, gp_frame_keepalive, GP_FRAME_HDR_LEN);
}

/* A data frame must carry an IP packet of the version its ethertype
 * names: an empty or foreign payload never reaches the TUN device. */
static int payload_ok(int kind, const unsigned char *p, size_t len)
{
	int version = len ? p[0] >> 4 : 0;

	return (kind == GP_FRAME_DATA_V4 && version == 4) ||
	       (kind == GP_FRAME_DATA_V6 && version == 6);
}

/* Moves complete frames from h->rx to the TUN queue. 0, or a negative
 * errno for a protocol error (the tunnel must be reconnected). */
static int parse_frames(struct openconnect_info *v)
{
	struct oc_https *h = &v->run.https;
	const unsigned char *payload;
	struct oc_pkt *p;
	size_t len;
	int kind, ret;

	while (!oc_pktq_full(&v->run.to_tun)) {
		ret = gp_frame_next(&h->rx, v->run.pool.mtu, &payload, &len,
				    &kind);
		if (ret <= 0)
			return ret;
		v->run.https_rx_frames++;
		if (kind == GP_FRAME_KEEPALIVE) {
			on_keepalive(v);
			continue;
		}
		if (!payload_ok(kind, payload, len)) {
			v->run.ctr.https_bad_frames++;
			oc_dbg(&v->log, "Dropping a frame of %zu bytes that holds "
			       "no IPv%d packet", len,
			       kind == GP_FRAME_DATA_V4 ? 4 : 6);
			continue;
		}
		p = oc_pktpool_get(&v->run.pool);
		if (!p) {
			v->run.ctr.no_carrier++;
			continue;
		}
		oc_buf_put(&p->b, payload, len);
		oc_pktq_push(&v->run.to_tun, p);
	}
	return 0;
}

int oc_https_rx(struct openconnect_info *v)
{
	struct oc_https *h = &v->run.https;
	unsigned char *room;
	ssize_t n;
	int i, ret = 0;

	for (i = 0; h->tls && i < HTTPS_READ_ROUNDS; i++) {
		ret = parse_frames(v);
		if (ret || oc_pktq_full(&v->run.to_tun))
			break;
		oc_buf_compact(&h->rx);
		room = oc_buf_reserve(&h->rx, HTTPS_READ_CHUNK);
		if (!room)
			return oc_buf_error(&h->rx);
		n = oc_tls_read(h->tls, room, HTTPS_READ_CHUNK);
		if (n == -EAGAIN)
			break;
		if (n <= 0)
			return n ? (int)n : -ECONNRESET;
		oc_buf_commit(&h->rx, (size_t)n);
		h->last_rx_ms = oc_now_ms();
	}
	if (ret < 0) {
		v->run.ctr.https_bad_frames++;
		oc_err(&v->log, "Bad frame on the HTTPS tunnel (%s); reconnecting",
		       oc_strerr(ret));
	}
	return ret;
}

/* Frames queued packets into h->tx (when @take_packets) and writes what
 * the socket takes. */
int oc_https_tx(struct openconnect_info *v, int take_packets)
{
	struct oc_https *h = &v->run.https;
	struct oc_pkt *p;
	ssize_t n;
	int et;

	while (take_packets && oc_buf_avail(&h->tx) < HTTPS_TX_LOW &&
	       (p = oc_pktq_pop(&v->run.to_net))) {
		et = gp_frame_ethertype(p->b.data, p->b.len);
		if (et > 0 && !gp_frame_push_header(&p->b, (uint16_t)et)) {
			oc_buf_put(&h->tx, p->b.data, p->b.len);
			v->run.stats.tx_pkts++;
			v->run.stats.tx_bytes += p->b.len - GP_FRAME_HDR_LEN;
		}
		oc_pktpool_put(&v->run.pool, p);
	}
	if (oc_buf_error(&h->tx))
		return oc_buf_error(&h->tx);
	while (h->tls && oc_buf_avail(&h->tx)) {
		n = oc_tls_write(h->tls, oc_buf_cur(&h->tx), oc_buf_avail(&h->tx));
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return (int)n;
		oc_buf_skip(&h->tx, (size_t)n);
		h->last_tx_ms = oc_now_ms();
	}
	oc_buf_reset(&h->tx);
	return 0;
}

int oc_https_wants_write(const struct openconnect_info *v)
{
	const struct oc_https *h = &v->run.https;

	return h->tls && (oc_buf_avail(&h->tx) ||
			  oc_tls_backend_wants_write(h->tls));
}
