/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tunsm.h"

#define DEF_HOLDOFF_MS		5000
#define DEF_PROBE_INTERVAL_MS	1000
#define DEF_DPD_MS		10000
#define DEF_REKEY_BEFORE_MS	60000
#define DEF_KEEPALIVE_MS	10000

#define MIN_PROBE_INTERVAL_MS	100
#define MIN_DPD_MS		1000
#define MIN_KEEPALIVE_MS	1000
/* Keeps every sum of a time and an interval far from overflow. */
#define MAX_INTERVAL_MS		(24 * 3600 * 1000LL)
#define MAX_TIMEOUT_S		0x7fffffffLL

void oc_tunsm_conf_default(struct oc_tunsm_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->holdoff_ms = DEF_HOLDOFF_MS;
	conf->probe_interval_ms = DEF_PROBE_INTERVAL_MS;
	conf->dpd_ms = DEF_DPD_MS;
	conf->rekey_before_ms = DEF_REKEY_BEFORE_MS;
	conf->https_keepalive_ms = DEF_KEEPALIVE_MS;
	conf->https_dead_ms = 0;
}

static int64_t conf_value(int64_t v, int64_t def, int64_t min)
{
	if (v <= 0)
		return def;
	if (v < min)
		return min;
	return v > MAX_INTERVAL_MS ? MAX_INTERVAL_MS : v;
}

void oc_tunsm_init(struct oc_tunsm *sm, const struct oc_tunsm_conf *conf)
{
	struct oc_tunsm_conf c;

	oc_tunsm_conf_default(&c);
	if (conf) {
		c.holdoff_ms = conf_value(conf->holdoff_ms, DEF_HOLDOFF_MS, 1);
		c.probe_interval_ms = conf_value(conf->probe_interval_ms,
						 DEF_PROBE_INTERVAL_MS,
						 MIN_PROBE_INTERVAL_MS);
		c.dpd_ms = conf_value(conf->dpd_ms, DEF_DPD_MS, MIN_DPD_MS);
		c.rekey_before_ms = conf_value(conf->rekey_before_ms,
					       DEF_REKEY_BEFORE_MS, 1);
		c.https_keepalive_ms = conf_value(conf->https_keepalive_ms,
						  DEF_KEEPALIVE_MS,
						  MIN_KEEPALIVE_MS);
		c.https_dead_ms = conf_value(conf->https_dead_ms, 0, 1);
	}
	memset(sm, 0, sizeof(*sm));
	sm->conf = c;
	sm->state = OC_TS_NONE;
	sm->carrier = OC_TC_NONE;
}

int64_t oc_tunsm_rekey_delay(const struct oc_tunsm_conf *conf,
			     int64_t timeout_s)
{
	int64_t timeout_ms, delay;

	if (timeout_s <= 0)
		return 0;
	if (timeout_s > MAX_TIMEOUT_S)
		timeout_s = MAX_TIMEOUT_S;
	timeout_ms = timeout_s * 1000;
	delay = timeout_ms - conf->rekey_before_ms;
	if (delay < timeout_ms / 2)
		delay = timeout_ms / 2;
	return delay;
}

const char *oc_tunsm_state_name(enum oc_tun_state state)
{
	switch (state) {
	case OC_TS_NONE:		return "NONE";
	case OC_TS_ESP_PROBING:		return "ESP_PROBING";
	case OC_TS_ESP_UP:		return "ESP_UP";
	case OC_TS_HTTPS_UP:		return "HTTPS_UP";
	case OC_TS_REKEYING:		return "REKEYING";
	case OC_TS_RECONNECTING:	return "RECONNECTING";
	}
	return "?";
}

/* ---- Transitions ------------------------------------------------------- */

/* One change per step: the first reason wins, and later ones are refused
 * (can_change()), so their timers stay due and the caller ticks again. */
static int can_change(const struct oc_tunsm_out *out)
{
	return out->reason == NULL;
}

static void __attribute__((format(printf, 2, 3)))
set_reason(struct oc_tunsm_out *out, const char *fmt, ...)
{
	va_list ap;

	if (out->reason)
		return;
	va_start(ap, fmt);
	vsnprintf(out->buf, sizeof(out->buf), fmt, ap);
	va_end(ap);
	out->reason = out->buf;
}

static void enter(struct oc_tunsm *sm, enum oc_tun_state state,
		  int64_t now)
{
	sm->state = state;
	sm->since_ms = now;
}

static void start_probing(struct oc_tunsm *sm, int64_t now,
			  struct oc_tunsm_out *out)
{
	enter(sm, OC_TS_ESP_PROBING, now);
	sm->have_esp = 1;
	sm->next_probe_ms = now + sm->conf.probe_interval_ms;
	out->actions |= OC_TA_SEND_PROBE;
}

static void esp_alive(struct oc_tunsm *sm, int64_t now)
{
	sm->last_rx_ms = now;
	sm->next_probe_ms = now + sm->conf.dpd_ms;
}

static void start_esp(struct oc_tunsm *sm, int64_t now,
		      struct oc_tunsm_out *out)
{
	out->actions |= OC_TA_CLOSE_CONFIG_TLS;
	if (sm->carrier == OC_TC_HTTPS)
		out->actions |= OC_TA_CLOSE_HTTPS;
	set_reason(out, "ESP tunnel up after %lld ms",
		   (long long)(now - sm->since_ms));
	enter(sm, OC_TS_ESP_UP, now);
	sm->carrier = OC_TC_ESP;
	esp_alive(sm, now);
}

static void https_alive(struct oc_tunsm *sm, int64_t now)
{
	sm->last_https_rx_ms = now;
}

static void start_https(struct oc_tunsm *sm, int64_t now,
			struct oc_tunsm_out *out)
{
	if (sm->have_esp)
		out->actions |= OC_TA_DROP_ESP;
	out->actions |= OC_TA_CONNECT_HTTPS;
	sm->have_esp = 0;
	enter(sm, OC_TS_HTTPS_UP, now);
	sm->carrier = OC_TC_HTTPS;
	sm->next_keepalive_ms = now + sm->conf.https_keepalive_ms;
	https_alive(sm, now);
}

static void start_reconnect(struct oc_tunsm *sm, int64_t now,
			    struct oc_tunsm_out *out)
{
	out->actions |= OC_TA_RECONNECT;
	enter(sm, OC_TS_RECONNECTING, now);
	sm->carrier = OC_TC_NONE;
	sm->have_esp = 0;
	sm->rekey_at_ms = 0;
}

/* ESP dies while no fallback may start (a getconfig is under way). */
static void lose_esp(struct oc_tunsm *sm, struct oc_tunsm_out *out)
{
	out->actions |= OC_TA_DROP_ESP;
	sm->carrier = OC_TC_NONE;
	sm->have_esp = 0;
}

/* The HTTPS tunnel dies while probing or rekeying: the pending ESP or
 * getconfig decides what comes next, so no reconnect. */
static void lose_https(struct oc_tunsm *sm, struct oc_tunsm_out *out)
{
	out->actions |= OC_TA_CLOSE_HTTPS;
	sm->carrier = OC_TC_NONE;
}

/* ---- Events ------------------------------------------------------------ */

static const char *config_prefix(enum oc_tun_state state)
{
	switch (state) {
	case OC_TS_NONE:		return "";
	case OC_TS_REKEYING:		return "rekey done; ";
	case OC_TS_RECONNECTING:	return "reconnected; ";
	default:			return "new configuration; ";
	}
}

static void on_config(struct oc_tunsm *sm, const struct oc_tun_event *ev,
		      int64_t now, struct oc_tunsm_out *out)
{
	int64_t delay = oc_tunsm_rekey_delay(&sm->conf, ev->timeout_s);
	const char *prefix = config_prefix(sm->state);

	sm->config_ms = now;
	sm->rekey_at_ms = delay ? now + delay : 0;
	if (ev->has_esp) {
		set_reason(out, "%sprobing ESP for up to %lld ms", prefix,
			   (long long)sm->conf.holdoff_ms);
		start_probing(sm, now, out);
	} else {
		set_reason(out, "%sno ESP; using HTTPS", prefix);
		start_https(sm, now, out);
	}
}

static void on_esp_rx(struct oc_tunsm *sm, int64_t now,
		      struct oc_tunsm_out *out)
{
	if (sm->state == OC_TS_ESP_PROBING)
		start_esp(sm, now, out);
	else if (sm->carrier == OC_TC_ESP)
		esp_alive(sm, now);
}

/*
 * While probing, a socket error does not end the hold-off: UDP errors
 * (ECONNREFUSED from a stray ICMP, ENETUNREACH while routes settle) are
 * often passing, and connecting HTTPS would destroy the keys for good.
 */
static void on_esp_failed(struct oc_tunsm *sm, int64_t now,
			  struct oc_tunsm_out *out)
{
	if (sm->state == OC_TS_ESP_UP) {
		set_reason(out, "ESP failed; falling back to HTTPS");
		start_https(sm, now, out);
	} else if (sm->state == OC_TS_REKEYING &&
		   sm->carrier == OC_TC_ESP) {
		set_reason(out, "ESP failed; waiting for the rekey");
		lose_esp(sm, out);
	}
}

static void on_https_failed(struct oc_tunsm *sm, int64_t now,
			    struct oc_tunsm_out *out)
{
	if (sm->state == OC_TS_HTTPS_UP) {
		set_reason(out, "HTTPS tunnel failed; reconnecting");
		start_reconnect(sm, now, out);
	} else if (sm->carrier == OC_TC_HTTPS) {
		set_reason(out, "HTTPS tunnel failed; waiting for %s",
			   sm->state == OC_TS_REKEYING ? "the rekey" : "ESP");
		lose_https(sm, out);
	}
}

static void on_config_failed(struct oc_tunsm *sm, int64_t now,
			     struct oc_tunsm_out *out)
{
	if (sm->state != OC_TS_REKEYING)
		return;
	set_reason(out, "rekey failed; reconnecting");
	start_reconnect(sm, now, out);
}

static void on_event(struct oc_tunsm *sm, const struct oc_tun_event *ev,
		     int64_t now, struct oc_tunsm_out *out)
{
	switch (ev->type) {
	case OC_TEV_CONFIG:
		on_config(sm, ev, now, out);
		break;
	case OC_TEV_CONFIG_FAILED:
		on_config_failed(sm, now, out);
		break;
	case OC_TEV_ESP_RX:
	case OC_TEV_PROBE_ANSWER:
		on_esp_rx(sm, now, out);
		break;
	case OC_TEV_ESP_FAILED:
		on_esp_failed(sm, now, out);
		break;
	case OC_TEV_HTTPS_RX:
		if (sm->carrier == OC_TC_HTTPS)
			https_alive(sm, now);
		break;
	case OC_TEV_HTTPS_FAILED:
		on_https_failed(sm, now, out);
		break;
	case OC_TEV_TICK:
		break;
	}
}

/* ---- Timers ------------------------------------------------------------ */

static int64_t esp_dead_at(const struct oc_tunsm *sm)
{
	return sm->last_rx_ms + 2 * sm->conf.dpd_ms;
}

static int64_t https_dead_at(const struct oc_tunsm *sm)
{
	if (!sm->conf.https_dead_ms)
		return OC_TUNSM_NEVER;
	return sm->last_https_rx_ms + sm->conf.https_dead_ms;
}

static void probing_timers(struct oc_tunsm *sm, int64_t now,
			   struct oc_tunsm_out *out)
{
	if (now >= sm->since_ms + sm->conf.holdoff_ms) {
		if (!can_change(out))
			return;
		set_reason(out, "no ESP answer in %lld ms; using HTTPS",
			   (long long)(now - sm->since_ms));
		start_https(sm, now, out);
		return;
	}
	if (now >= sm->next_probe_ms) {
		out->actions |= OC_TA_SEND_PROBE;
		sm->next_probe_ms = now + sm->conf.probe_interval_ms;
	}
}

/* Returns 1 when ESP was found dead (and handled). */
static int dpd_timers(struct oc_tunsm *sm, int64_t now,
		      struct oc_tunsm_out *out)
{
	long long silent = now - sm->last_rx_ms;

	if (now >= esp_dead_at(sm)) {
		if (!can_change(out))
			return 1;
		if (sm->state == OC_TS_ESP_UP) {
			set_reason(out, "ESP silent for %lld ms; "
				   "falling back to HTTPS", silent);
			start_https(sm, now, out);
		} else {
			set_reason(out, "ESP silent for %lld ms; "
				   "waiting for the rekey", silent);
			lose_esp(sm, out);
		}
		return 1;
	}
	if (now >= sm->next_probe_ms) {
		out->actions |= OC_TA_SEND_PROBE;
		sm->next_probe_ms = now + sm->conf.dpd_ms / 2;
	}
	return 0;
}

/* Returns 1 when the tunnel was found dead (and handled). */
static int https_timers(struct oc_tunsm *sm, int64_t now,
			struct oc_tunsm_out *out)
{
	long long silent = now - sm->last_https_rx_ms;

	if (now >= https_dead_at(sm)) {
		if (!can_change(out))
			return 1;
		if (sm->state == OC_TS_HTTPS_UP) {
			set_reason(out, "HTTPS tunnel silent for %lld ms; "
				   "reconnecting", silent);
			start_reconnect(sm, now, out);
		} else {
			set_reason(out, "HTTPS tunnel silent for %lld ms",
				   silent);
			lose_https(sm, out);
		}
		return 1;
	}
	if (now >= sm->next_keepalive_ms) {
		out->actions |= OC_TA_SEND_HTTPS_KEEPALIVE;
		sm->next_keepalive_ms = now + sm->conf.https_keepalive_ms;
	}
	return 0;
}

static void carrier_timers(struct oc_tunsm *sm, int64_t now,
			   struct oc_tunsm_out *out)
{
	if (sm->carrier == OC_TC_HTTPS)
		https_timers(sm, now, out);
}

static void rekey_timer(struct oc_tunsm *sm, int64_t now,
			struct oc_tunsm_out *out)
{
	if (!sm->rekey_at_ms || now < sm->rekey_at_ms || !can_change(out))
		return;
	set_reason(out, "rekey due");
	enter(sm, OC_TS_REKEYING, now);
	out->actions |= OC_TA_START_REKEY;
}

static void run_timers(struct oc_tunsm *sm, int64_t now,
		       struct oc_tunsm_out *out)
{
	switch (sm->state) {
	case OC_TS_ESP_PROBING:
		probing_timers(sm, now, out);
		if (sm->state == OC_TS_ESP_PROBING)
			carrier_timers(sm, now, out);
		break;
	case OC_TS_ESP_UP:
		if (!dpd_timers(sm, now, out))
			rekey_timer(sm, now, out);
		break;
	case OC_TS_HTTPS_UP:
		if (!https_timers(sm, now, out))
			rekey_timer(sm, now, out);
		break;
	case OC_TS_REKEYING:
		if (sm->carrier == OC_TC_ESP)
			dpd_timers(sm, now, out);
		carrier_timers(sm, now, out);
		break;
	case OC_TS_NONE:
	case OC_TS_RECONNECTING:
		break;
	}
}

/* ---- Next wake-up ------------------------------------------------------ */

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t carrier_wake(const struct oc_tunsm *sm)
{
	if (sm->carrier == OC_TC_ESP)
		return min64(sm->next_probe_ms, esp_dead_at(sm));
	if (sm->carrier == OC_TC_HTTPS)
		return min64(sm->next_keepalive_ms, https_dead_at(sm));
	return OC_TUNSM_NEVER;
}

static int64_t next_wake(const struct oc_tunsm *sm, int64_t now)
{
	int64_t w = OC_TUNSM_NEVER;

	switch (sm->state) {
	case OC_TS_ESP_PROBING:
		w = min64(sm->next_probe_ms,
			  sm->since_ms + sm->conf.holdoff_ms);
		if (sm->carrier == OC_TC_HTTPS)
			w = min64(w, carrier_wake(sm));
		break;
	case OC_TS_ESP_UP:
	case OC_TS_HTTPS_UP:
		w = carrier_wake(sm);
		if (sm->rekey_at_ms)
			w = min64(w, sm->rekey_at_ms);
		break;
	case OC_TS_REKEYING:
		w = carrier_wake(sm);
		break;
	case OC_TS_NONE:
	case OC_TS_RECONNECTING:
		break;
	}
	return w < now ? now : w;
}

void oc_tunsm_step(struct oc_tunsm *sm, const struct oc_tun_event *ev,
		   int64_t now_ms, struct oc_tunsm_out *out)
{
	memset(out, 0, sizeof(*out));
	out->reason = NULL;
	on_event(sm, ev, now_ms, out);
	run_timers(sm, now_ms, out);
	out->next_wake_ms = next_wake(sm, now_ms);
}
