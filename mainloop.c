/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event loop: one thread, poll(), batches per wake-up.
 *
 * Each round waits for the TUN device, the transports, the command pipe
 * or the next timer; moves what it can between the bounded queues; then
 * feeds what happened to the tunnel state machine (tunsm.c) and carries
 * out the actions it asks for. The state machine alone decides which
 * transport carries data, so the ESP/HTTPS exclusion lives in one place.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "gpst.h"
#include "hip.h"
#include "mainloop.h"
#include "openconnect-priv.h"

#define MAX_WAIT_MS		10000
/* Events a single round may feed to the state machine. */
#define MAX_STEPS		8
#define BACKOFF_MAX_S		60

enum { FD_CMD, FD_TUN, FD_ESP, FD_HTTPS, NFDS };

static void quit(struct openconnect_info *v, int ret)
{
	if (!v->run.quit) {
		v->run.quit = 1;
		v->run.quit_ret = ret;
	}
}

/* ---- Reporting ------------------------------------------------------------ */

static void report_stats(struct openconnect_info *v)
{
	const struct oc_run *r = &v->run;
	const struct oc_esp_counters *e = &r->esp.ctr;

	oc_info(&v->log, "Connected to %s (%s) as %s; transport %s",
		v->http.host, v->tls.peer_ip, v->cfg.ip.addr4.str,
		oc_tunsm_data_on_esp(&r->sm) ? r->dtls_cipher :
		oc_tunsm_data_on_https(&r->sm) ? "HTTPS" : "none");
	oc_info(&v->log, "Sent %llu packets (%llu bytes), received %llu (%llu bytes)",
		(unsigned long long)r->stats.tx_pkts,
		(unsigned long long)r->stats.tx_bytes,
		(unsigned long long)r->stats.rx_pkts,
		(unsigned long long)r->stats.rx_bytes);
	oc_info(&v->log, "ESP dropped: %llu bad ICV, %llu replayed, "
		"%llu unknown SPI, %llu malformed; probes %llu sent, "
		"%llu answered",
		(unsigned long long)e->rx_bad_icv,
		(unsigned long long)e->rx_replayed,
		(unsigned long long)e->rx_bad_spi,
		(unsigned long long)e->rx_malformed,
		(unsigned long long)e->probes_sent,
		(unsigned long long)e->probes_answered);
	oc_info(&v->log, "Other: %llu bad HTTPS frames, %llu keepalives, "
		"%llu lost without a tunnel, %llu rekeys, %llu reconnects",
		(unsigned long long)r->ctr.https_bad_frames,
		(unsigned long long)r->ctr.https_keepalives,
		(unsigned long long)r->ctr.no_carrier,
		(unsigned long long)r->ctr.rekeys,
		(unsigned long long)r->ctr.reconnects);
	if (r->stats_fn)
		r->stats_fn(v->cbdata, &r->stats);
}

void openconnect_get_counters(struct openconnect_info *v)
{
	report_stats(v);
}

/* ---- Commands --------------------------------------------------------------- */

static void reconnect_now(struct openconnect_info *v);

static void handle_cmd(struct openconnect_info *v)
{
	char cmd[16];
	ssize_t n, i;

	n = read(v->run.cmd_rd, cmd, sizeof(cmd));
	for (i = 0; i < n; i++) {
		switch (cmd[i]) {
		case OC_CMD_CANCEL:
			oc_info(&v->log, "Disconnecting");
			quit(v, -EINTR);
			break;
		case OC_CMD_DETACH:
			oc_info(&v->log, "Detaching; the session stays valid");
			quit(v, -ECONNABORTED);
			break;
		case OC_CMD_PAUSE:
			quit(v, 0);
			break;
		case OC_CMD_STATS:
			report_stats(v);
			break;
		case 'r':
			oc_info(&v->log, "Reconnecting on request");
			reconnect_now(v);
			break;
		}
	}
}

/* ---- The TUN device ------------------------------------------------------- */

static int tun_rx(struct openconnect_info *v)
{
	struct oc_run *r = &v->run;
	struct oc_pkt *p;
	unsigned char *room;
	ssize_t n;
	int i;

	for (i = 0; i < OC_BATCH && !oc_pktq_full(&r->to_net); i++) {
		p = oc_pktpool_get(&r->pool);
		if (!p)
			return 0;
		room = oc_buf_reserve(&p->b, r->pool.mtu);
		n = room ? oc_tun_read(&r->tun, room, r->pool.mtu) : -ENOMEM;
		if (n <= 0) {
			oc_pktpool_put(&r->pool, p);
			if (n == -EAGAIN || n == 0)
				return 0;
			r->ctr.tun_read_errors++;
			return (int)n;
		}
		oc_buf_commit(&p->b, (size_t)n);
		oc_pktq_push(&r->to_net, p);
	}
	return 0;
}

static int tun_tx(struct openconnect_info *v)
{
	struct oc_run *r = &v->run;
	struct oc_pkt *p;
	int ret;

	while ((p = oc_pktq_pop(&r->to_tun))) {
		ret = oc_tun_write(&r->tun, p->b.data, p->b.len);
		if (ret == -EAGAIN) {
			oc_pktq_unpop(&r->to_tun, p);
			return 0;
		}
		if (ret) {
			r->ctr.tun_write_errors++;
		} else {
			r->stats.rx_pkts++;
			r->stats.rx_bytes += p->b.len;
		}
		oc_pktpool_put(&r->pool, p);
		if (ret == -EPIPE)
			return ret;
	}
	return 0;
}

/* ---- The state machine and its actions ---------------------------------- */

static void step(struct openconnect_info *v, const struct oc_tun_event *ev);

static void config_event(struct openconnect_info *v)
{
	struct oc_tun_event ev = { .type = OC_TEV_CONFIG };

	ev.has_esp = !oc_esp_setup(v);
	ev.timeout_s = v->cfg.gpx.timeout;
	if (ev.has_esp)
		v->run.esp_up_ms = 0;
	step(v, &ev);
}

static void simple_event(struct openconnect_info *v,
			 enum oc_tun_event_type type)
{
	struct oc_tun_event ev = { .type = type };

	step(v, &ev);
}

static void connect_https(struct openconnect_info *v)
{
	int ret = gp_https_connect(v, &v->run.https);

	if (ret == -EPERM) {
		oc_err(&v->log, "The gateway rejected the cookie");
		quit(v, -EPERM);
		return;
	}
	if (ret) {
		oc_err(&v->log, "HTTPS tunnel failed: %s", oc_strerr(ret));
		simple_event(v, OC_TEV_HTTPS_FAILED);
		return;
	}
	oc_dbg(&v->log, "HTTPS tunnel connected");
}

/* A HIP check (and report) now, and the next one in an interval. */
static void hip_now(struct openconnect_info *v)
{
	gp_hip(v);
	v->run.next_hip_ms = oc_now_ms() + (int64_t)gp_hip_interval(v) * 1000;
}

static void rekey(struct openconnect_info *v)
{
	int ret;

	v->run.ctr.rekeys++;
	oc_http_close(&v->http);
	ret = gp_getconfig(v);
	if (ret == -EPERM) {
		quit(v, -EPERM);
		return;
	}
	if (ret) {
		oc_err(&v->log, "Rekey failed: %s", oc_strerr(ret));
		simple_event(v, OC_TEV_CONFIG_FAILED);
		return;
	}
	hip_now(v);
	config_event(v);
}

static void start_reconnect(struct openconnect_info *v)
{
	struct oc_run *r = &v->run;
	int64_t now = oc_now_ms();

	oc_https_close(&r->https);
	oc_esp_link_drop_keys(&r->esp);
	oc_http_close(&v->http);
	if (!r->reconnect_start_ms) {
		r->reconnect_start_ms = now;
		r->backoff_s = 1;
	}
	r->next_reconnect_ms = now;
}

/* One reconnect attempt when it is due: getconfig with the cookie. */
static void try_reconnect(struct openconnect_info *v, int64_t now)
{
	struct oc_run *r = &v->run;
	int ret;

	if (!r->reconnect_start_ms || now < r->next_reconnect_ms)
		return;
	oc_run_script(v, OC_SCRIPT_ATTEMPT_RECONNECT);
	ret = gp_getconfig(v);
	if (ret == -EPERM || ret == -EADDRNOTAVAIL) {
		quit(v, ret == -EPERM ? -EPERM : -EINVAL);
		return;
	}
	if (ret) {
		now = oc_now_ms();
		if (now - r->reconnect_start_ms >=
		    (int64_t)r->reconnect_timeout_s * 1000) {
			oc_err(&v->log, "Giving up: no reconnect in %d s",
			       r->reconnect_timeout_s);
			quit(v, -ETIMEDOUT);
			return;
		}
		oc_info(&v->log, "Reconnect failed (%s); next try in %d s",
			oc_strerr(ret), r->backoff_s);
		r->next_reconnect_ms = now + (int64_t)r->backoff_s * 1000;
		if (r->backoff_s * 2 <= r->reconnect_interval_s)
			r->backoff_s *= 2;
		return;
	}
	r->reconnect_start_ms = 0;
	r->ctr.reconnects++;
	oc_info(&v->log, "Reconnected");
	hip_now(v);
	oc_run_script(v, OC_SCRIPT_RECONNECT);
	if (r->reconnected_fn)
		r->reconnected_fn(v->cbdata);
	config_event(v);
}

static void reconnect_now(struct openconnect_info *v)
{
	start_reconnect(v);
	try_reconnect(v, oc_now_ms());
}

static void do_actions(struct openconnect_info *v, unsigned int a)
{
	if (a & OC_TA_DROP_ESP)
		oc_esp_link_drop_keys(&v->run.esp);
	if (a & OC_TA_CLOSE_HTTPS)
		oc_https_close(&v->run.https);
	if (a & OC_TA_CLOSE_CONFIG_TLS)
		oc_http_close(&v->http);
	if (a & OC_TA_SEND_PROBE)
		oc_esp_send_probe(v);
	if (a & OC_TA_SEND_HTTPS_KEEPALIVE)
		oc_https_send_keepalive(v);
	if (a & OC_TA_CONNECT_HTTPS)
		connect_https(v);
	if (a & OC_TA_START_REKEY)
		rekey(v);
	if (a & OC_TA_RECONNECT)
		start_reconnect(v);
}

static void step(struct openconnect_info *v, const struct oc_tun_event *ev)
{
	struct oc_run *r = &v->run;
	struct oc_tunsm_out out;
	int64_t now = oc_now_ms();

	oc_tunsm_step(&r->sm, ev, now, &out);
	if (out.reason)
		oc_info(&v->log, "%s", out.reason);
	r->next_tick_ms = out.next_wake_ms;
	do_actions(v, out.actions);
}

/* Reports news from the transports, then fires due timers. */
static void feed_sm(struct openconnect_info *v, uint64_t esp_before,
		    uint64_t https_before, uint64_t answers_before)
{
	struct oc_run *r = &v->run;
	int i;

	if (r->ctr.probe_answers != answers_before)
		simple_event(v, OC_TEV_PROBE_ANSWER);
	else if (r->esp_rx_valid != esp_before)
		simple_event(v, OC_TEV_ESP_RX);
	if (r->https_rx_frames != https_before)
		simple_event(v, OC_TEV_HTTPS_RX);
	for (i = 0; i < MAX_STEPS && !r->quit &&
	     oc_now_ms() >= r->next_tick_ms; i++)
		simple_event(v, OC_TEV_TICK);
}

/* ---- One round ------------------------------------------------------------ */

static int poll_timeout(const struct openconnect_info *v, int64_t now)
{
	int64_t t = v->run.next_tick_ms;

	if (v->run.reconnect_start_ms && v->run.next_reconnect_ms < t)
		t = v->run.next_reconnect_ms;
	if (v->run.next_hip_ms && v->run.next_hip_ms < t)
		t = v->run.next_hip_ms;
	if (t <= now)
		return 0;
	return t - now > MAX_WAIT_MS ? MAX_WAIT_MS : (int)(t - now);
}

static void build_pollfds(const struct openconnect_info *v,
			  struct pollfd *pfd)
{
	const struct oc_run *r = &v->run;
	int room = !oc_pktq_full(&r->to_tun);
	/* Queued packets wake us as soon as their transport can take them;
	 * waiting for the TUN device would not do when the queue is full. */
	int queued = r->to_net.n > 0;

	memset(pfd, 0, NFDS * sizeof(*pfd));
	pfd[FD_CMD].fd = r->cmd_rd;
	pfd[FD_CMD].events = POLLIN;
	pfd[FD_TUN].fd = r->tun.fd;
	pfd[FD_TUN].events = (oc_pktq_full(&r->to_net) ? 0 : POLLIN) |
			     (r->to_tun.n ? POLLOUT : 0);
	pfd[FD_ESP].fd = r->esp.fd;
	pfd[FD_ESP].events = (room ? POLLIN : 0) |
			     (queued && oc_tunsm_data_on_esp(&r->sm) ? POLLOUT
								     : 0);
	pfd[FD_HTTPS].fd = r->https.tls ? oc_tls_fd(r->https.tls) : -1;
	pfd[FD_HTTPS].events = (room ? POLLIN : 0) |
			       (oc_https_wants_write(v) ||
				(queued && oc_tunsm_data_on_https(&r->sm)) ?
				POLLOUT : 0);
}

static void https_failed(struct openconnect_info *v, int ret)
{
	oc_info(&v->log, "HTTPS tunnel lost: %s", oc_strerr(ret));
	oc_https_close(&v->run.https);
	simple_event(v, OC_TEV_HTTPS_FAILED);
}

static void move_packets(struct openconnect_info *v, const struct pollfd *pfd)
{
	struct oc_run *r = &v->run;
	int ret = 0;

	if (pfd[FD_TUN].revents & (POLLIN | POLLERR | POLLHUP))
		ret = tun_rx(v);
	if (ret == -EPIPE || (pfd[FD_TUN].revents & POLLHUP && r->tun.is_socket))
		quit(v, -EPIPE);
	if (pfd[FD_ESP].revents)
		oc_esp_rx(v);
	if (r->https.tls && (pfd[FD_HTTPS].revents ||
			     oc_tls_pending(r->https.tls))) {
		ret = oc_https_rx(v);
		if (ret)
			https_failed(v, ret);
	}
	if (tun_tx(v) == -EPIPE)
		quit(v, -EPIPE);
	if (oc_tunsm_data_on_esp(&r->sm) && oc_esp_tx(v) == -EOVERFLOW)
		reconnect_now(v);
	if (r->https.tls && (oc_tunsm_data_on_https(&r->sm) ||
			     oc_buf_avail(&r->https.tx))) {
		ret = oc_https_tx(v, oc_tunsm_data_on_https(&r->sm));
		if (ret)
			https_failed(v, ret);
	}
}

static void round_once(struct openconnect_info *v)
{
	struct oc_run *r = &v->run;
	uint64_t esp0 = r->esp_rx_valid, https0 = r->https_rx_frames;
	uint64_t ans0 = r->ctr.probe_answers;
	struct pollfd pfd[NFDS];
	int n;

	build_pollfds(v, pfd);
	n = poll(pfd, NFDS, poll_timeout(v, oc_now_ms()));
	if (n < 0 && errno != EINTR) {
		quit(v, -errno);
		return;
	}
	if (n > 0 && pfd[FD_CMD].revents)
		handle_cmd(v);
	if (r->quit)
		return;
	if (n > 0)
		move_packets(v, pfd);
	feed_sm(v, esp0, https0, ans0);
	try_reconnect(v, oc_now_ms());
	if (r->next_hip_ms && oc_now_ms() >= r->next_hip_ms &&
	    !r->reconnect_start_ms)
		hip_now(v);
}

/* ---- Start and end ---------------------------------------------------------- */

static int start(struct openconnect_info *v)
{
	struct oc_run *r = &v->run;
	struct oc_tunsm_conf conf;

	if (r->tun.fd < 0) {
		oc_err(&v->log, "No TUN device: set one up first");
		return -EINVAL;
	}
	if (r->cmd_rd < 0 && openconnect_setup_cmd_pipe(v) < 0)
		return -EIO;
	if (!r->pool.max) {
		oc_pktpool_init(&r->pool, OC_PKT_ROOM,
				2 * (unsigned int)r->queue_len + 2 * OC_BATCH);
		oc_pktq_init(&r->to_net, (unsigned int)r->queue_len);
		oc_pktq_init(&r->to_tun, (unsigned int)r->queue_len);
	}
	if (r->sm.state == OC_TS_NONE) {
		oc_tunsm_conf_default(&conf);
		conf.holdoff_ms = r->holdoff_ms;
		/* --force-dpd is the dead peer check of either transport:
		 * ESP probes, or HTTPS keepalives. */
		if (v->cfg.dpd_s) {
			conf.dpd_ms = (int64_t)v->cfg.dpd_s * 1000;
			conf.https_keepalive_ms = conf.dpd_ms;
		}
		conf.https_dead_ms = 3 * conf.https_keepalive_ms;
		oc_tunsm_init(&r->sm, &conf);
		r->next_hip_ms = oc_now_ms() +
				 (int64_t)gp_hip_interval(v) * 1000;
		config_event(v);
	}
	return 0;
}

static void finish(struct openconnect_info *v, int ret)
{
	struct oc_run *r = &v->run;

	if (ret == 0)
		return;		/* paused: everything stays */
	oc_https_close(&r->https);
	oc_esp_link_close(&r->esp);
	if (ret == -EINTR)
		gp_logout(v);
	oc_http_close(&v->http);
	oc_run_script(v, OC_SCRIPT_DISCONNECT);
	oc_tun_close(&v->log, &r->tun, 1000);
}

int openconnect_mainloop(struct openconnect_info *v, int reconnect_timeout,
			 int reconnect_interval)
{
	struct oc_run *r = &v->run;
	int ret;

	r->reconnect_timeout_s = reconnect_timeout > 0 ? reconnect_timeout : 300;
	r->reconnect_interval_s = reconnect_interval > 0 ? reconnect_interval
							 : BACKOFF_MAX_S;
	r->quit = 0;
	ret = start(v);
	if (ret)
		return ret;
	while (!r->quit)
		round_once(v);
	finish(v, r->quit_ret);
	return r->quit_ret;
}
