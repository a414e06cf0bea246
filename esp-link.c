/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ESP data path over UDP: socket, SAs from getconfig, packets both
 * ways, and the probe that tells whether ESP works.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gp-probe.h"
#include "mainloop.h"

void oc_esp_link_init(struct oc_esp_link *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

void oc_esp_link_drop_keys(struct oc_esp_link *l)
{
	oc_esp_sa_free(&l->out);
	oc_esp_sa_free(&l->in);
	oc_esp_sa_free(&l->prev_in);
	l->keys = 0;
}

void oc_esp_link_close(struct oc_esp_link *l)
{
	oc_esp_link_drop_keys(l);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* A UDP socket connected to the gateway's ESP port. */
static int open_socket(struct openconnect_info *v, int port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	if (inet_pton(AF_INET, v->tls.peer_ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, v->tls.peer_ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		len = sizeof(*s6);
	} else {
		return -EHOSTUNREACH;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (v->tls.protect)
		v->tls.protect(v->tls.cb_priv, fd);
	if (v->cfg.esp_local_port) {
		struct sockaddr_storage local = { .ss_family = ss.ss_family };

		/* Port at the same offset in both address families. */
		s4 = (struct sockaddr_in *)&local;
		s4->sin_port = htons((uint16_t)v->cfg.esp_local_port);
		if (bind(fd, (struct sockaddr *)&local, len)) {
			oc_err(&v->log, "Cannot bind UDP port %d: %s",
			       v->cfg.esp_local_port, oc_strerr(-errno));
			close(fd);
			return -EADDRINUSE;
		}
	}
	((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static int sa_from_config(struct oc_esp_sa *sa, enum oc_esp_dir dir,
			  const struct gp_esp_config *e)
{
	const struct gp_esp_key *ek = dir == OC_ESP_OUT ? &e->ekey_c2s
							: &e->ekey_s2c;
	const struct gp_esp_key *ak = dir == OC_ESP_OUT ? &e->akey_c2s
							: &e->akey_s2c;
	struct oc_esp_sa_params p = {
		.spi = dir == OC_ESP_OUT ? e->c2s_spi : e->s2c_spi,
		.enc = gp_enc_name(e->enc),
		.auth = gp_hmac_name(e->hmac),
		.ekey = ek->k,
		.ekey_len = ek->len,
		.akey = ak->k,
		.akey_len = ak->len,
	};

	return oc_esp_sa_init(sa, dir, &p);
}

/* Where probes go: gw-address, or the gateway itself when the server
 * gives none (or 0.0.0.0). */
static void probe_addresses(struct openconnect_info *v)
{
	struct oc_esp_link *l = &v->run.esp;
	const struct gp_config_extra *x = &v->cfg.gpx;
	const char *gw4 = x->gw_address;

	if (!gw4 || !strcmp(gw4, "0.0.0.0"))
		gw4 = v->tls.peer_ip;
	l->have4 = v->cfg.ip.addr4.family == AF_INET &&
		   inet_pton(AF_INET, gw4, &l->gw4) == 1;
	if (l->have4)
		memcpy(&l->src4, v->cfg.ip.addr4.a, 4);
	l->have6 = v->cfg.ip.addr6.family == AF_INET6 && x->gw_address_v6 &&
		   inet_pton(AF_INET6, x->gw_address_v6, &l->gw6) == 1;
	if (l->have6)
		memcpy(&l->src6, v->cfg.ip.addr6.a, 16);
}

static int install_sas(struct openconnect_info *v)
{
	struct oc_esp_link *l = &v->run.esp;
	struct oc_esp_sa out = { 0 }, in = { 0 };
	int ret;

	ret = sa_from_config(&out, OC_ESP_OUT, &v->cfg.gpx.esp);
	if (!ret)
		ret = sa_from_config(&in, OC_ESP_IN, &v->cfg.gpx.esp);
	if (ret) {
		oc_esp_sa_free(&out);
		oc_esp_sa_free(&in);
		return ret;
	}
	/* Packets in flight under the old keys stay welcome for a while. */
	if (oc_esp_sa_isset(&l->in)) {
		oc_esp_sa_move(&l->prev_in, &l->in);
		l->prev_until_ms = oc_now_ms() + OC_ESP_PREV_GRACE_MS;
	}
	oc_esp_sa_move(&l->out, &out);
	oc_esp_sa_move(&l->in, &in);
	l->keys = 1;
	return 0;
}

int oc_esp_setup(struct openconnect_info *v)
{
	const struct gp_esp_config *e = &v->cfg.gpx.esp;
	struct oc_esp_link *l = &v->run.esp;
	int ret;

	if (v->cfg.no_esp || !e->present) {
		oc_esp_link_drop_keys(l);
		return -ENOENT;
	}
	if (l->fd < 0) {
		ret = open_socket(v, e->udp_port);
		if (ret < 0) {
			oc_err(&v->log, "No ESP: cannot open the UDP socket: %s",
			       oc_strerr(ret));
			return ret;
		}
		l->fd = ret;
		l->tos = 0;
	}
	ret = install_sas(v);
	if (ret) {
		oc_err(&v->log, "No ESP: cannot set up %s/%s: %s",
		       gp_enc_name(e->enc), gp_hmac_name(e->hmac),
		       oc_strerr(ret));
		return ret;
	}
	probe_addresses(v);
	snprintf(v->run.dtls_cipher, sizeof(v->run.dtls_cipher), "ESP %s/%s",
		 gp_enc_name(e->enc), gp_hmac_name(e->hmac));
	return 0;
}

/* The outer packets take the inner one's TOS (set only when it changes). */
static void pass_tos(struct oc_esp_link *l, int tos)
{
	if (tos == l->tos)
		return;
	if (!setsockopt(l->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)))
		l->tos = tos;
}

static int send_packet(struct openconnect_info *v, struct oc_pkt *p)
{
	struct oc_esp_link *l = &v->run.esp;
	uint8_t nh = (p->b.data[0] >> 4) == 6 ? OC_ESP_NH_IPV6
					       : OC_ESP_NH_IPV4;
	int ret;

	if (v->cfg.pass_tos && nh == OC_ESP_NH_IPV4 && p->b.len > 1)
		pass_tos(l, p->b.data[1]);
	ret = oc_esp_encrypt(&l->out, &p->b, nh);
	if (ret)
		return ret;
	if (send(l->fd, p->b.data, p->b.len, 0) < 0)
		return -errno;
	return 0;
}

int oc_esp_send_probe(struct openconnect_info *v)
{
	struct oc_esp_link *l = &v->run.esp;
	struct oc_pkt *p;
	int ret = 0;

	if (!l->keys || l->fd < 0)
		return -ENOTCONN;
	p = oc_pktpool_get(&v->run.pool);
	if (!p)
		return -ENOBUFS;
	l->probe_seq++;
	if (l->have4)
		ret = gp_probe_build_v4(&p->b, &l->src4, &l->gw4, 0x4750,
					l->probe_seq);
	if (l->have4 && !ret)
		ret = send_packet(v, p);
	if (l->have6 && !ret) {
		oc_pkt_reset(p);
		ret = gp_probe_build_v6(&p->b, &l->src6, &l->gw6, 0x4750,
					l->probe_seq);
		if (!ret)
			ret = send_packet(v, p);
	}
	oc_pktpool_put(&v->run.pool, p);
	if (!ret)
		l->ctr.probes_sent++;
	else if (ret != -EAGAIN && ret != -ENOBUFS)
		oc_dbg(&v->log, "ESP probe not sent: %s", oc_strerr(ret));
	return ret;
}

int oc_esp_tx(struct openconnect_info *v)
{
	struct oc_pkt *p;
	size_t len;
	int i, ret;

	for (i = 0; i < OC_BATCH && (p = oc_pktq_pop(&v->run.to_net)); i++) {
		len = p->b.len;
		ret = send_packet(v, p);
		if (ret == -EAGAIN || ret == -ENOBUFS) {
			/* Encrypted already: the packet is lost, counted. */
			v->run.ctr.no_carrier++;
			oc_pktpool_put(&v->run.pool, p);
			return 0;
		}
		oc_pktpool_put(&v->run.pool, p);
		if (ret == -EOVERFLOW)
			return ret;
		if (!ret) {
			v->run.stats.tx_pkts++;
			v->run.stats.tx_bytes += len;
		}
	}
	return 0;
}

static void count_rx_error(struct oc_esp_link *l, int ret)
{
	switch (ret) {
	case -EBADMSG:
		l->ctr.rx_bad_icv++;
		break;
	case -EALREADY:
	case -ETIME:
		l->ctr.rx_replayed++;
		break;
	case -ENOENT:
		l->ctr.rx_bad_spi++;
		break;
	default:
		l->ctr.rx_malformed++;
	}
}

/* Decrypts one datagram in place; 1 when it came under the current SA. */
static int decrypt(struct openconnect_info *v, struct oc_pkt *p)
{
	struct oc_esp_link *l = &v->run.esp;
	uint32_t spi = oc_esp_peek_spi(&p->b);
	uint8_t nh;
	int ret;

	if (oc_esp_sa_isset(&l->prev_in) && spi == l->prev_in.spi &&
	    oc_now_ms() < l->prev_until_ms) {
		ret = oc_esp_decrypt(&l->prev_in, &p->b, &nh);
		if (!ret)
			return 0;
	} else {
		ret = oc_esp_decrypt(&l->in, &p->b, &nh);
		if (!ret)
			return 1;
	}
	count_rx_error(l, ret);
	return ret;
}

/* Hands a decrypted packet on: a probe answer is consumed. */
static void deliver(struct openconnect_info *v, struct oc_pkt *p, int cur)
{
	struct oc_esp_link *l = &v->run.esp;

	if (cur)
		v->run.esp_rx_valid++;
	if (gp_probe_is_answer(p->b.data, p->b.len, l->have4 ? &l->gw4 : NULL,
			       l->have6 ? &l->gw6 : NULL)) {
		l->ctr.probes_answered++;
		v->run.ctr.probe_answers++;
		oc_pktpool_put(&v->run.pool, p);
		return;
	}
	oc_pktq_push(&v->run.to_tun, p);
}

/* Packets for one recvmmsg(): as many as the queue to the TUN device
 * still takes, at most a batch, each with room for a datagram. */
static unsigned int rx_buffers(struct openconnect_info *v, struct oc_pkt **pk,
			       struct iovec *iov, struct mmsghdr *msg)
{
	const struct oc_pktq *q = &v->run.to_tun;
	unsigned int n, want = q->max > q->n ? q->max - q->n : 0;
	unsigned char *room;

	if (want > OC_BATCH)
		want = OC_BATCH;
	for (n = 0; n < want; n++) {
		pk[n] = oc_pktpool_get(&v->run.pool);
		room = pk[n] ? oc_buf_reserve(&pk[n]->b, v->run.pool.mtu) : NULL;
		if (!room) {
			if (pk[n])
				oc_pktpool_put(&v->run.pool, pk[n]);
			break;
		}
		iov[n].iov_base = room;
		iov[n].iov_len = v->run.pool.mtu;
		memset(&msg[n], 0, sizeof(msg[n]));
		msg[n].msg_hdr.msg_iov = &iov[n];
		msg[n].msg_hdr.msg_iovlen = 1;
	}
	return n;
}

/* Reads what waits on the ESP socket, a batch per system call. */
int oc_esp_rx(struct openconnect_info *v)
{
	struct oc_esp_link *l = &v->run.esp;
	struct oc_pkt *pk[OC_BATCH];
	struct iovec iov[OC_BATCH];
	struct mmsghdr msg[OC_BATCH];
	unsigned int i, n;
	int got, ret = 0;

	if (l->fd < 0)
		return 0;
	n = rx_buffers(v, pk, iov, msg);
	if (!n)
		return 0;
	got = recvmmsg(l->fd, msg, n, MSG_DONTWAIT, NULL);
	if (got < 0) {
		ret = errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		/* ICMP errors from the path are not fatal to ESP. */
		if (ret == -ECONNREFUSED)
			ret = 0;
		got = 0;
	}
	for (i = 0; i < (unsigned int)got; i++) {
		oc_buf_commit(&pk[i]->b, msg[i].msg_len);
		if (!l->keys || (ret = decrypt(v, pk[i])) < 0) {
			oc_pktpool_put(&v->run.pool, pk[i]);
			continue;
		}
		deliver(v, pk[i], ret);
	}
	for (; i < n; i++)
		oc_pktpool_put(&v->run.pool, pk[i]);
	return got > 0 ? 0 : ret;
}
