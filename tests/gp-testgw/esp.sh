#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs esp.py (packet-level checks of the gateway's ESP side: probes,
# replays, bad ICVs, rekey, faults, two clients) against a gp-testgw on
# loopback, with its key log. Needs python3 with the cryptography
# package; skips without it. GW_VALGRIND=1 runs the gateway under
# valgrind and fails on any error or leak.
. "$TOP_SRCDIR/tests/gw-lib.sh"

if ! python3 -c 'import cryptography' >/dev/null 2>&1; then
	t_skip "ESP packets" "no python3 with the cryptography package"
	t_done
	exit 0
fi
gw_start --keylog "$tmp/keylog" --user alice:secret ||
	{ echo "Bail out! no gateway"; exit 1; }

# esp.py prints its plan last; ours, with two more cases, replaces it.
timeout 120 python3 "$TOP_SRCDIR/tests/gp-testgw/esp.py" "$port" \
	"$tmp/keylog" | sed '/^1\.\.[0-9]*$/d' >"$tmp/tap"
cat "$tmp/tap"
t_num=$(grep -c '^\(not \)\?ok ' "$tmp/tap")
t_failed=$(grep -c '^not ok ' "$tmp/tap")
grep -q '^Bail out!' "$tmp/tap" && exit 1

# The key log holds keys: only its owner may read it.
perm=$(stat -c %a "$tmp/keylog" 2>/dev/null)
if [ "$perm" = 600 ]; then
	t_ok "key log created with mode 600"
else
	t_fail "key log created with mode 600" "mode $perm"
fi

if gw_finish && gw_quiet; then
	t_ok "gateway stops cleanly, no warnings${gw_vg:+ (valgrind: no errors, no leaks)}"
else
	t_fail "gateway stops cleanly, no warnings"
fi
t_done
