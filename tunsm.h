/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tunnel choice: which transport carries the packets, the datagram
 * transport (ESP over UDP) or the stream transport (the HTTPS tunnel), and
 * when to probe, keep alive, fall back, rekey and reconnect.
 *
 * This is a pure state machine: no I/O, no clock, no logging, no memory.
 * The caller feeds it events with the time (oc_now_ms()), performs the
 * actions it returns, logs the reason once at info level when there is
 * one, and calls again with OC_TEV_TICK no later than next_wake_ms.
 *
 * States (the table of DESIGN.md):
 *
 *	NONE          before the first configuration
 *	ESP_PROBING   the configuration has ESP keys: probes go out, and the
 *	              HTTPS tunnel is never connected while the hold-off
 *	              still runs (connecting it kills the keys)
 *	ESP_UP        a probe was answered: data on ESP, DPD probes when quiet
 *	HTTPS_UP      no ESP (none offered, disabled, no answer in the
 *	              hold-off, or silent for 2 x DPD): data on HTTPS
 *	REKEYING      the configuration's timeout is near: a new getconfig
 *	              runs while data stays on the transport it was on
 *	RECONNECTING  the HTTPS tunnel failed or a rekey failed: the caller
 *	              re-runs getconfig with the cookie, backing off, and gives
 *	              up on its own terms
 *
 * Which transport carries data is a separate "carrier" (see
 * oc_tunsm_data_on_esp()), because across a rekey or a reconnect the state
 * and the carrier differ.
 *
 * Transitions (state: event or timer -> new state, actions; data on):
 *
 *	any: CONFIG with ESP -> ESP_PROBING, SEND_PROBE; carrier unchanged
 *	     (NONE and RECONNECTING: none)
 *	any: CONFIG without ESP -> HTTPS_UP, CONNECT_HTTPS (+ DROP_ESP
 *	     when keys were held); HTTPS
 *	ESP_PROBING: a probe every probe_interval_ms; ESP_RX or
 *	     PROBE_ANSWER -> ESP_UP, CLOSE_CONFIG_TLS (+ CLOSE_HTTPS when
 *	     data was on HTTPS); ESP. Hold-off over -> HTTPS_UP, DROP_ESP +
 *	     CONNECT_HTTPS. HTTPS_FAILED (data on HTTPS) -> CLOSE_HTTPS,
 *	     carrier none, probing goes on. ESP_FAILED: ignored, the
 *	     hold-off runs on (the caller may reopen the socket).
 *	ESP_UP: DPD probes; 2 x dpd_ms silent, or ESP_FAILED -> HTTPS_UP,
 *	     DROP_ESP + CONNECT_HTTPS. Rekey due -> REKEYING, START_REKEY.
 *	HTTPS_UP: keepalives; HTTPS_FAILED (or silent for https_dead_ms)
 *	     -> RECONNECTING, RECONNECT. Rekey due -> REKEYING, START_REKEY.
 *	REKEYING: the carrier's timers go on; CONFIG_FAILED ->
 *	     RECONNECTING, RECONNECT. The carrier dying (ESP silent or
 *	     failed: DROP_ESP; HTTPS failed or silent: CLOSE_HTTPS) leaves
 *	     no carrier until the CONFIG: no fallback is started while a
 *	     getconfig is under way, since a new HTTPS tunnel would void
 *	     the keys it brings.
 *	RECONNECTING: no timers; waits for CONFIG.
 *
 * Events not listed for a state are ignored.
 *
 * Assumption (not confirmed against a real gateway): after a rekey from
 * HTTPS_UP, the old HTTPS tunnel keeps carrying data while the new ESP keys
 * are probed, and the new keys stay valid as long as no HTTPS tunnel is
 * connected afresh. If ESP answers, the HTTPS tunnel is closed; if not, the
 * HTTPS tunnel is connected again under the new configuration.
 */
#ifndef OC_TUNSM_H
#define OC_TUNSM_H

#include <stdint.h>

/* next_wake_ms when no timer runs. */
#define OC_TUNSM_NEVER		INT64_MAX

/* Longest reason string, with its NUL. */
#define OC_TUNSM_REASON_MAX	96

/*
 * Timings, all in milliseconds. A value <= 0 means the default, except
 * https_dead_ms, where 0 (the default) turns the check off. Values are
 * clamped to [minimum, one day]: probe_interval_ms >= 100, dpd_ms and
 * https_keepalive_ms >= 1000.
 */
struct oc_tunsm_conf {
	int64_t holdoff_ms;		/* 5000: probing time before HTTPS */
	int64_t probe_interval_ms;	/* 1000: probes while probing */
	/*
	 * 10000: with nothing valid received on ESP for dpd_ms, send a
	 * probe, then one every dpd_ms / 2; after 2 * dpd_ms, ESP is dead.
	 */
	int64_t dpd_ms;
	int64_t rekey_before_ms;	/* 60000: see oc_tunsm_rekey_delay() */
	int64_t https_keepalive_ms;	/* 10000: keepalive frame period */
	/*
	 * 0 (off): when > 0, an HTTPS tunnel from which nothing (data or a
	 * keepalive answer, OC_TEV_HTTPS_RX) arrived for this long has
	 * failed. Set it well above https_keepalive_ms.
	 */
	int64_t https_dead_ms;
};

enum oc_tun_state {
	OC_TS_NONE = 0,
	OC_TS_ESP_PROBING,
	OC_TS_ESP_UP,
	OC_TS_HTTPS_UP,
	OC_TS_REKEYING,
	OC_TS_RECONNECTING,
};

/* The transport that carries data now. */
enum oc_tun_carrier {
	OC_TC_NONE = 0,
	OC_TC_ESP,
	OC_TC_HTTPS,
};

enum oc_tun_event_type {
	/*
	 * A getconfig finished (first, rekey, reconnect, or any other):
	 * has_esp says it gave usable ESP keys and ESP is allowed;
	 * timeout_s is its <timeout> (<= 0: none, no rekey).
	 */
	OC_TEV_CONFIG = 1,
	/* A getconfig for a rekey failed (any other failure is ignored). */
	OC_TEV_CONFIG_FAILED,
	/*
	 * A valid ESP packet (ICV good, not replayed) under the current
	 * inbound SA; packets under the previous SA, still in flight
	 * across a rekey, must not be reported (they prove nothing about
	 * the new keys).
	 */
	OC_TEV_ESP_RX,
	/* A probe answer (gp_probe_is_answer()); also a valid ESP packet. */
	OC_TEV_PROBE_ANSWER,
	/* The ESP socket failed for good (the caller decides what is fatal). */
	OC_TEV_ESP_FAILED,
	/* A frame (data or keepalive) arrived on the HTTPS tunnel. */
	OC_TEV_HTTPS_RX,
	/* The HTTPS tunnel dropped or could not be connected. */
	OC_TEV_HTTPS_FAILED,
	/* Time passed: timers only. */
	OC_TEV_TICK,
};

struct oc_tun_event {
	enum oc_tun_event_type type;
	int has_esp;			/* OC_TEV_CONFIG */
	int64_t timeout_s;		/* OC_TEV_CONFIG */
};

/*
 * Actions, to be performed in this (bit) order when several are set.
 */
/* Forget the ESP keys and stop sending on ESP (the gateway forgets them
 * when an HTTPS tunnel connects). */
#define OC_TA_DROP_ESP			0x0001
/* Close the HTTPS tunnel, if one is open. */
#define OC_TA_CLOSE_HTTPS		0x0002
/* ESP is up: the TLS connection used for getconfig may be closed. */
#define OC_TA_CLOSE_CONFIG_TLS		0x0004
/*
 * Tear everything down (ESP keys, HTTPS tunnel, getconfig connection),
 * then run getconfig with the cookie again with back-off; report
 * OC_TEV_CONFIG on success, or give up.
 */
#define OC_TA_RECONNECT			0x0008
/* Run getconfig again on a new TLS connection; report OC_TEV_CONFIG or
 * OC_TEV_CONFIG_FAILED. Data keeps flowing meanwhile. */
#define OC_TA_START_REKEY		0x0010
/* Connect the HTTPS tunnel under the current configuration; an open one
 * is closed first. The getconfig TLS connection may be reused for it. */
#define OC_TA_CONNECT_HTTPS		0x0020
/* Send the ESP probe (gp-probe.h) under the current SA. */
#define OC_TA_SEND_PROBE		0x0040
/* Send a keepalive frame on the HTTPS tunnel. */
#define OC_TA_SEND_HTTPS_KEEPALIVE	0x0080

struct oc_tunsm_out {
	unsigned int actions;		/* OC_TA_* */
	/*
	 * When to call again with OC_TEV_TICK at the latest (an event may
	 * come sooner); never before now_ms, OC_TUNSM_NEVER when no timer
	 * runs. Equal to now_ms when a second transition is already due:
	 * tick again at once.
	 */
	int64_t next_wake_ms;
	/*
	 * NULL, or why the state or the carrier changed, for the caller to
	 * log once at info level (e.g. "ESP tunnel up after 38 ms"). At
	 * most one change per call. Points into buf.
	 */
	const char *reason;
	char buf[OC_TUNSM_REASON_MAX];
};

struct oc_tunsm {
	struct oc_tunsm_conf conf;	/* after defaults and clamping */
	enum oc_tun_state state;
	enum oc_tun_carrier carrier;
	int64_t since_ms;		/* when the state was entered */
	int have_esp;			/* the caller holds usable ESP keys */
	int64_t config_ms;		/* when the last OC_TEV_CONFIG came */
	int64_t rekey_at_ms;		/* 0: no rekey */
	int64_t last_rx_ms;		/* last valid ESP packet */
	int64_t next_probe_ms;		/* next probe (probing and DPD) */
	int64_t last_https_rx_ms;	/* last frame on the HTTPS tunnel */
	int64_t next_keepalive_ms;	/* next HTTPS keepalive */
};

/* Fills @conf with the defaults. */
void oc_tunsm_conf_default(struct oc_tunsm_conf *conf);

/* Starts in OC_TS_NONE; @conf NULL means the defaults. */
void oc_tunsm_init(struct oc_tunsm *sm, const struct oc_tunsm_conf *conf);

/*
 * Feeds one event at @now_ms (monotonic, never going back) and fills
 * @out (always, completely). Timers are checked on every event, not only
 * on OC_TEV_TICK.
 */
void oc_tunsm_step(struct oc_tunsm *sm, const struct oc_tun_event *ev,
		   int64_t now_ms, struct oc_tunsm_out *out);

/*
 * Milliseconds from a getconfig to its rekey, for a <timeout> of
 * @timeout_s seconds: timeout - rekey_before_ms, but never less than half
 * the timeout (so a 30 s timeout rekeys after 15 s, not never);
 * 0 for @timeout_s <= 0 (no rekey). Timeouts beyond 2^31 s are clamped.
 */
int64_t oc_tunsm_rekey_delay(const struct oc_tunsm_conf *conf,
			     int64_t timeout_s);

/* Where to send data now: at most one of them is true. */
static inline int oc_tunsm_data_on_esp(const struct oc_tunsm *sm)
{
	return sm->carrier == OC_TC_ESP;
}

static inline int oc_tunsm_data_on_https(const struct oc_tunsm *sm)
{
	return sm->carrier == OC_TC_HTTPS;
}

/* "ESP_PROBING" etc., for debug logs; "?" for an unknown value. */
const char *oc_tunsm_state_name(enum oc_tun_state state);

#endif
