/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GET /testgw/stats (with --control): the counters, one "name value" line
 * each, so a test can check what the gateway saw with grep. The first
 * lines are not counters: what is live now, and the ESP port (which may
 * be an ephemeral one).
 */
#include <config.h>

#include <inttypes.h>

#include "gw.h"

struct counter {
	const char *name;
	size_t off;		/* in struct gw_stats */
};

#define C(name, field)	{ name, offsetof(struct gw_stats, field) }

static const struct counter counters[] = {
	C("logins", logins),
	C("getconfigs", getconfigs),
	C("getconfigs-refused", getconfigs_refused),
	C("hip-checks", hip_checks),
	C("hip-reports", hip_reports),
	C("tunnels-started", tunnels),
	C("tunnels-refused", tunnels_refused),
	C("frames-in", frames_in),
	C("frames-out", frames_out),
	C("bytes-in", bytes_in),
	C("bytes-out", bytes_out),
	C("keepalives", keepalives),
	C("bad-frames", bad_frames),
	C("pings", pings),
	C("dropped", dropped),
	C("logouts", logouts),
	C("logouts-ignored", logouts_ignored),
	C("esp-packets-in", esp_in),
	C("esp-packets-out", esp_out),
	C("esp-bytes-in", esp_bytes_in),
	C("esp-bytes-out", esp_bytes_out),
	C("esp-probes", esp_probes),
	C("esp-probes-ignored", esp_probes_ignored),
	C("esp-bad-icv", esp_bad_icv),
	C("esp-replays", esp_replays),
	C("esp-unknown-spi", esp_unknown_spi),
	C("esp-bad", esp_bad),
	C("esp-dropped", esp_dropped),
	C("esp-reordered", esp_reordered),
	C("esp-duplicated", esp_duplicated),
	C("hostile-esp", hostile_esp),
};

void gw_stats(struct gw_state *st, const struct gw_req *req,
	      struct gw_resp *r)
{
	const char *base = (const char *)&st->stats;
	struct oc_text *t = &r->body;
	size_t i;

	gw_resp_set(r, 200, "text/plain", "");
	oc_text_appendf(t, "sessions %zu\ntunnels %zu\nesp-sessions %zu\n"
			"udp-port %d\n", gw_sessions_live(st),
			gw_tunnels_live(st), gw_esp_live(st), st->m.udp_port);
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		oc_text_appendf(t, "%s %" PRIu64 "\n", counters[i].name,
				*(const uint64_t *)(const void *)
				(base + counters[i].off));
	gw_resp_outcome(r, "stats");
}
