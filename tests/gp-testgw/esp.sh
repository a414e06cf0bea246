#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs esp.py (packet-level checks of the gateway's ESP side: probes,
# replays, bad ICVs, rekey, faults, two clients) against a gp-testgw on
# loopback, with its key log. Needs python3 with the cryptography
# package; skips without it. GW_VALGRIND=1 runs the gateway under
# valgrind and fails on any error or leak.
. "$TOP_SRCDIR/tests/tap.sh"

gw="$TOP_BUILDDIR/tests/gp-testgw/gp-testgw"
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

if ! python3 -c 'import cryptography' >/dev/null 2>&1; then
	echo "1..1"
	t_skip "ESP packets" "no python3 with the cryptography package"
	exit 0
fi
vg=
[ -n "${GW_VALGRIND:-}" ] &&
	vg="valgrind -q --leak-check=full --error-exitcode=3 --log-file=$tmp/vg"

$vg "$gw" --port-file "$tmp/port" --log "$tmp/log" --control \
	--keylog "$tmp/keylog" --user alice:secret 2>"$tmp/err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null
do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -s "$tmp/port" ]; then
	echo "Bail out! no gateway: $(tail -n 2 "$tmp/err")"
	exit 1
fi

# esp.py prints its plan last; ours, with two more cases, replaces it.
timeout 120 python3 "$TOP_SRCDIR/tests/gp-testgw/esp.py" \
	"$(cat "$tmp/port")" "$tmp/keylog" | sed '/^1\.\.[0-9]*$/d' >"$tmp/tap"
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

kill "$pid"
status=0
wait "$pid" || status=$?
pid=
if [ $status -eq 0 ] && ! grep -q '^warning' "$tmp/log"; then
	t_ok "gateway stops cleanly, no warnings${vg:+ (valgrind: no errors, no leaks)}"
else
	t_fail "gateway stops cleanly, no warnings" "exit $status" \
		"$(grep '^warning' "$tmp/log" | head -n 5)" \
		"$(cat "$tmp/vg" 2>/dev/null | head -n 20)"
fi
t_done
