/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The gateway's ESP tunnel (PROTOCOL.md section 10), on the project's own
 * ESP code (esp.h). Each session with keys has a link: the IN SA of the
 * c2s keys, the OUT SA of the s2c keys, the IN SA of the getconfig before
 * (for packets in flight, GW_ESP_PREV_MS long), and the client's UDP
 * address, learnt from its valid packets (the latest wins: NAT may move
 * it) and kept across getconfigs, so traffic to the client goes on after
 * a rekey at once.
 *
 * A datagram goes: SPI lookup, faults, decrypt (ICV, replay window,
 * padding), then its inner packet is a probe (answered here) or traffic
 * (packet.c). Starting the HTTPS tunnel ends the link (tunnel.c), so the
 * client's packets under those keys meet an unknown SPI.
 *
 * Faults: esp-drop and esp-stop-after drop both ways; esp-ignore-probes
 * leaves probes unanswered; esp-reorder holds back every Nth outbound
 * packet until the next one has gone (or GW_ESP_HOLD_MS passed);
 * esp-duplicate sends every Nth twice. The Nth counts per link.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "esp.h"
#include "gw.h"
#include "num.h"

struct gw_esp_link {
	struct gw_state *st;
	struct gw_session *s;
	struct oc_esp_sa in;		/* c2s: we decrypt */
	struct oc_esp_sa out;		/* s2c: we encrypt */
	struct oc_esp_sa prev_in;	/* the getconfig before's, or unset */
	int64_t prev_until;
	struct gw_udp_addr peer;	/* valid only with have_peer */
	int have_peer;
	uint64_t sent;			/* packets made, for the faults */
	unsigned char *held;		/* esp-reorder: a packet held back */
	size_t held_len;
	int64_t held_until;
	uint64_t pkts_in;
	uint64_t pkts_out;
	int stop_logged;
	struct gw_esp_link *next;	/* st->links */
};

size_t gw_esp_live(const struct gw_state *st)
{
	const struct gw_esp_link *k;
	size_t n = 0;

	for (k = st->links; k; k = k->next)
		n++;
	return n;
}

int gw_esp_ready(const struct gw_session *s)
{
	return s->link && s->link->have_peer;
}

const struct gw_udp_addr *gw_esp_peer(const struct gw_session *s)
{
	return gw_esp_ready(s) ? &s->link->peer : NULL;
}

struct gw_session *gw_esp_by_addr(const struct gw_state *st, int family,
				  const unsigned char *addr)
{
	struct gw_esp_link *k;
	uint32_t a4;

	if (family == 4) {
		a4 = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
		     (uint32_t)addr[2] << 8 | addr[3];
		for (k = st->links; k; k = k->next)
			if (k->s->ip4 && k->s->ip4 == a4)
				return k->s;
		return NULL;
	}
	for (k = st->links; k; k = k->next)
		if (k->s->ip6[0] && !memcmp(k->s->ip6_bin, addr, 16))
			return k->s;
	return NULL;
}

/* ---- The key log ------------------------------------------------------- */

int gw_keylog_open(struct gw_state *st)
{
	int fd;

	if (!st->start.keylog_path)
		return 0;
	fd = open(st->start.keylog_path,
		  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	st->keylog = fdopen(fd, "a");
	if (!st->keylog) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

static void keylog_dir(FILE *f, const struct gw_esp *e,
		       const struct gw_esp_dir *d, const char *name)
{
	char ekey[2 * GW_ESP_KEY_MAX + 1], akey[2 * GW_ESP_KEY_MAX + 1];

	oc_hex_encode(d->ekey, e->ekey_len, ekey);
	oc_hex_encode(d->akey, e->akey_len, akey);
	fprintf(f, "spi=0x%08x dir=%s enc=%s ekey=%s hmac=%s akey=%s\n",
		d->spi, name, gw_enc_name(e->enc), ekey, gw_hmac_name(e->hmac),
		akey);
	oc_wipe(ekey, sizeof(ekey));
	oc_wipe(akey, sizeof(akey));
}

/* The keys, on purpose: --keylog exists so tests can decrypt captures. */
static void keylog(struct gw_state *st, const struct gw_esp *e)
{
	if (!st->keylog)
		return;
	keylog_dir(st->keylog, e, &e->c2s, "c2s");
	keylog_dir(st->keylog, e, &e->s2c, "s2c");
	if (fflush(st->keylog))
		gw_warn(st, "--keylog: cannot write");
}

/* ---- Setting up and ending --------------------------------------------- */

static int sa_make(struct oc_esp_sa *sa, enum oc_esp_dir dir,
		   const struct gw_esp *e, const struct gw_esp_dir *d)
{
	struct oc_esp_sa_params p = {
		.spi = d->spi,
		.enc = gw_enc_name(e->enc),
		.auth = gw_hmac_name(e->hmac),
		.ekey = d->ekey,
		.ekey_len = e->ekey_len,
		.akey = d->akey,
		.akey_len = e->akey_len,
	};

	return oc_esp_sa_init(sa, dir, &p);
}

static void held_drop(struct gw_esp_link *k)
{
	free(k->held);
	k->held = NULL;
	k->held_len = 0;
}

static void link_free(struct gw_esp_link *k)
{
	oc_esp_sa_free(&k->in);
	oc_esp_sa_free(&k->out);
	oc_esp_sa_free(&k->prev_in);
	held_drop(k);
	oc_wipe(k, sizeof(*k));
	free(k);
}

static struct gw_esp_link *link_new(struct gw_state *st,
				    struct gw_session *s)
{
	struct gw_esp_link *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->st = st;
	k->s = s;
	k->next = st->links;
	st->links = k;
	s->link = k;
	return k;
}

void gw_esp_end(struct gw_session *s, const char *why)
{
	struct gw_esp_link *k = s->link, **pp;

	if (!k)
		return;
	for (pp = &k->st->links; *pp; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	}
	gw_log(k->st, "esp (user %s): SAs dropped: %s; packets in %llu, "
	       "out %llu", s->user ? s->user : "?", why,
	       (unsigned long long)k->pkts_in,
	       (unsigned long long)k->pkts_out);
	s->link = NULL;
	link_free(k);
}

/* The new SAs take over; the old IN SA lives on a little. */
static void link_rekey(struct gw_esp_link *k, struct oc_esp_sa *in,
		       struct oc_esp_sa *out)
{
	if (oc_esp_sa_isset(&k->in)) {
		oc_esp_sa_move(&k->prev_in, &k->in);
		k->prev_until = oc_now_ms() + GW_ESP_PREV_MS;
		gw_udp_arm(k->st, k->prev_until);
	}
	oc_esp_sa_move(&k->in, in);
	oc_esp_sa_move(&k->out, out);
	k->sent = 0;
	held_drop(k);
}

int gw_esp_rekey(struct gw_state *st, struct gw_session *s)
{
	struct oc_esp_sa in = { 0 }, out = { 0 };
	struct gw_esp_link *k = s->link;
	int ret;

	ret = sa_make(&in, OC_ESP_IN, &s->esp, &s->esp.c2s);
	if (!ret)
		ret = sa_make(&out, OC_ESP_OUT, &s->esp, &s->esp.s2c);
	if (!ret && !k) {
		k = link_new(st, s);
		ret = k ? 0 : -ENOMEM;
	}
	if (ret) {
		oc_esp_sa_free(&in);
		oc_esp_sa_free(&out);
		gw_esp_drop(&s->esp);
		gw_esp_end(s, "cannot set up the new SAs");
		return ret;
	}
	link_rekey(k, &in, &out);
	keylog(st, &s->esp);
	gw_log(st, "esp (user %s): SAs in 0x%08x, out 0x%08x (%s/%s)",
	       s->user, s->esp.c2s.spi, s->esp.s2c.spi, gw_enc_name(s->esp.enc),
	       gw_hmac_name(s->esp.hmac));
	return 0;
}

/* ---- Sending ----------------------------------------------------------- */

/* esp-stop-after: from N seconds after the session's first valid
 * packet on, its ESP is gone both ways. */
static int stopped(struct gw_esp_link *k, int64_t now)
{
	int n = k->st->m.esp_stop_after;

	if (!n || !k->s->esp_first || now < k->s->esp_first + 1000LL * n)
		return 0;
	if (!k->stop_logged)
		gw_log(k->st, "esp (user %s): fault: esp-stop-after %d s: "
		       "ESP dropped from now on", k->s->user, n);
	k->stop_logged = 1;
	return 1;
}

static void udp_out(struct gw_esp_link *k, const unsigned char *p, size_t n)
{
	int ret = gw_udp_send(k->st, &k->peer, p, n);

	if (ret) {
		k->st->stats.dropped++;
		gw_debug(k->st, "esp (user %s): send: %s", k->s->user,
			 strerror(-ret));
	}
}

static void held_send(struct gw_esp_link *k)
{
	udp_out(k, k->held, k->held_len);
	held_drop(k);
}

/* 1 when the packet at @p was held back (esp-reorder). */
static int hold(struct gw_esp_link *k, const unsigned char *p, size_t n)
{
	int every = k->st->m.esp_reorder;

	if (!every || k->held || k->sent % (uint64_t)every)
		return 0;
	k->held = malloc(n);
	if (!k->held)
		return 0;
	memcpy(k->held, p, n);
	k->held_len = n;
	k->held_until = oc_now_ms() + GW_ESP_HOLD_MS;
	gw_udp_arm(k->st, k->held_until);
	k->st->stats.esp_reordered++;
	return 1;
}

static void transmit(struct gw_esp_link *k, const unsigned char *p,
		     size_t n)
{
	int every = k->st->m.esp_duplicate;
	int had = k->held != NULL;

	k->sent++;
	if (hold(k, p, n))
		return;
	udp_out(k, p, n);
	if (every && k->sent % (uint64_t)every == 0) {
		udp_out(k, p, n);
		k->st->stats.esp_duplicated++;
	}
	if (had)
		held_send(k);
}

int gw_esp_send(struct gw_state *st, struct gw_session *s,
		const unsigned char *pkt, size_t len)
{
	struct gw_esp_link *k = s->link;
	struct oc_buf *b = &st->esp_tx;
	int ret;

	if (!k || !k->have_peer)
		return -ENOTCONN;
	if (st->m.esp_drop || stopped(k, oc_now_ms())) {
		st->stats.esp_dropped++;
		return -EPERM;
	}
	oc_buf_reset(b);
	oc_buf_put(b, pkt, len);
	ret = oc_buf_error(b);
	if (!ret)
		ret = oc_esp_encrypt(&k->out, b, len && pkt[0] >> 4 == 6 ?
				     OC_ESP_NH_IPV6 : OC_ESP_NH_IPV4);
	if (ret) {
		st->stats.dropped++;
		gw_debug(st, "esp (user %s): %zu bytes not sent: %s", s->user,
			 len, oc_esp_strerr(ret));
		return ret;
	}
	k->pkts_out++;
	st->stats.esp_out++;
	st->stats.esp_bytes_out += len;
	transmit(k, b->data, b->len);
	return 0;
}

int64_t gw_esp_timers(struct gw_state *st, int64_t now)
{
	int64_t next = gw_hostile_esp(st, now);
	struct gw_esp_link *k;

	for (k = st->links; k; k = k->next) {
		if (k->held && k->held_until <= now)
			held_send(k);
		if (oc_esp_sa_isset(&k->prev_in) && k->prev_until <= now)
			oc_esp_sa_free(&k->prev_in);
		if (k->held && (!next || k->held_until < next))
			next = k->held_until;
		if (oc_esp_sa_isset(&k->prev_in) &&
		    (!next || k->prev_until < next))
			next = k->prev_until;
	}
	return next;
}

/* ---- Receiving --------------------------------------------------------- */

/* The SA whose SPI @spi is, current or previous, and its link. */
static struct oc_esp_sa *find_sa(struct gw_state *st, uint32_t spi,
				 struct gw_esp_link **out)
{
	int64_t now = oc_now_ms();
	struct gw_esp_link *k;

	for (k = st->links; k; k = k->next) {
		*out = k;
		if (k->in.spi == spi && oc_esp_sa_isset(&k->in))
			return &k->in;
		if (oc_esp_sa_isset(&k->prev_in) && k->prev_in.spi == spi &&
		    now < k->prev_until)
			return &k->prev_in;
	}
	return NULL;
}

static void count_error(struct gw_state *st, int ret)
{
	if (ret == -EBADMSG)
		st->stats.esp_bad_icv++;
	else if (ret == -EALREADY || ret == -ETIME)
		st->stats.esp_replays++;
	else
		st->stats.esp_bad++;
}

static int same_peer(const struct gw_udp_addr *a, const struct gw_udp_addr *b)
{
	return a->peer_len == b->peer_len &&
	       !memcmp(&a->peer, &b->peer, a->peer_len);
}

/* A valid packet tells where the client is now. */
static void learn_peer(struct gw_esp_link *k, const struct oc_esp_sa *sa,
		       const struct gw_udp_addr *from)
{
	char name[80];

	if (k->have_peer && same_peer(&k->peer, from)) {
		k->peer = *from;	/* the address it reached may move */
		return;
	}
	gw_sockaddr_name(&from->peer, name, sizeof(name));
	gw_log(k->st, "esp (user %s): client at %s (SPI 0x%08x)",
	       k->s->user, name, sa->spi);
	k->peer = *from;
	k->have_peer = 1;
}

static void probe(struct gw_esp_link *k, const unsigned char *pkt,
		  size_t len)
{
	struct gw_state *st = k->st;

	if (st->m.esp_ignore_probes) {
		st->stats.esp_probes_ignored++;
		return;
	}
	if (!gw_esp_send(st, k->s, pkt, len))
		st->stats.esp_probes++;
}

/* The next header must say what the packet is. */
static int inner_ok(const unsigned char *pkt, size_t len, uint8_t nh)
{
	int v = len ? pkt[0] >> 4 : 0;

	return (v == 4 && nh == OC_ESP_NH_IPV4) ||
	       (v == 6 && nh == OC_ESP_NH_IPV6);
}

static void accepted(struct gw_esp_link *k, struct oc_esp_sa *sa,
		     struct oc_buf *b, const struct gw_udp_addr *from)
{
	struct gw_state *st = k->st;
	struct gw_session *s = k->s;
	size_t n;

	k->pkts_in++;
	st->stats.esp_in++;
	st->stats.esp_bytes_in += b->len;
	if (!s->esp_first)
		s->esp_first = oc_now_ms();
	learn_peer(k, sa, from);
	n = gw_probe_answer(s, b->data, b->len);
	if (n)
		probe(k, b->data, n);
	else
		gw_packet_from_client(st, s, b->data, b->len);
}

void gw_esp_input(struct gw_state *st, struct oc_buf *b,
		  const struct gw_udp_addr *from)
{
	uint32_t spi = oc_esp_peek_spi(b);
	struct gw_esp_link *k = NULL;
	struct oc_esp_sa *sa;
	uint8_t nh = 0;
	int ret;

	if (st->m.esp_drop) {
		st->stats.esp_dropped++;
		return;
	}
	sa = spi ? find_sa(st, spi, &k) : NULL;
	if (!sa) {
		if (spi)
			st->stats.esp_unknown_spi++;
		else
			st->stats.esp_bad++;
		gw_debug(st, "esp: SPI 0x%08x unknown, %zu bytes", spi, b->len);
		return;
	}
	if (stopped(k, oc_now_ms())) {
		st->stats.esp_dropped++;
		return;
	}
	ret = oc_esp_decrypt(sa, b, &nh);
	if (!ret && !inner_ok(b->data, b->len, nh))
		ret = -EPROTO;
	if (ret) {
		count_error(st, ret);
		gw_debug(st, "esp (user %s): SPI 0x%08x: %s", k->s->user, spi,
			 oc_esp_strerr(ret));
		return;
	}
	accepted(k, sa, b, from);
}
