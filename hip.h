/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HIP (host information) check and report (PROTOCOL.md section 9).
 */
#ifndef GP_HIP_H
#define GP_HIP_H

#include "openconnect-internal.h"

#define GP_HIP_DEFAULT_INTERVAL	3600	/* seconds between reports */
#define GP_HIP_REPORT_MAX	(1024 * 1024)
#define GP_HIP_WRAPPER_TIMEOUT_MS	30000

/*
 * Asks whether the gateway wants a report and, when it does and a
 * wrapper is set, runs it and posts its report. Without a wrapper it
 * warns once and goes on. Returns 0, or a negative errno when the check
 * or the report failed (the tunnel may still work: servers rarely
 * enforce HIP).
 */
int gp_hip(struct openconnect_info *v);

/* The seconds until the next report is due. */
int gp_hip_interval(const struct openconnect_info *v);

/*
 * Runs @argv (no shell) with @envp, as @uid when it is not (uid_t)-1,
 * and collects its standard output (at most @max bytes) into @out.
 * Returns 0 when it exited 0; -EIO for another exit, -ETIMEDOUT when it
 * did not end in time (it is killed), -E2BIG when it printed too much.
 */
int gp_run_capture(const struct oc_log *lg, char *const argv[],
		   char *const envp[], uid_t uid, int timeout_ms, size_t max,
		   struct oc_text *out);

#endif
