#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs frames.py (frame-level checks of the HTTPS tunnel, getconfig, HIP
# and logout) against a gp-testgw on loopback. Needs python3; skips
# without it. GW_VALGRIND=1 runs the gateway under valgrind and fails on
# any error or leak.
. "$TOP_SRCDIR/tests/gw-lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "tunnel frames" "no python3"
	t_done
	exit 0
fi
gw_start --user alice:secret || { echo "Bail out! no gateway"; exit 1; }

# frames.py prints its plan last; ours, with one more case, replaces it.
timeout 120 python3 "$TOP_SRCDIR/tests/gp-testgw/frames.py" "$port" |
	sed '/^1\.\.[0-9]*$/d' >"$tmp/tap"
cat "$tmp/tap"
t_num=$(grep -c '^\(not \)\?ok ' "$tmp/tap")
t_failed=$(grep -c '^not ok ' "$tmp/tap")
grep -q '^Bail out!' "$tmp/tap" && exit 1

if gw_finish; then
	t_ok "gateway stops cleanly${gw_vg:+ (valgrind: no errors, no leaks)}"
else
	t_fail "gateway stops cleanly"
fi
t_done
