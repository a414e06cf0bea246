#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs frames.py (frame-level checks of the HTTPS tunnel, getconfig, HIP
# and logout) against a gp-testgw on loopback. Needs python3; skips
# without it. GW_VALGRIND=1 runs the gateway under valgrind and fails on
# any error or leak.
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

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..1"
	t_skip "tunnel frames" "no python3"
	exit 0
fi
vg=
[ -n "${GW_VALGRIND:-}" ] &&
	vg="valgrind -q --leak-check=full --error-exitcode=3 --log-file=$tmp/vg"

$vg "$gw" --port-file "$tmp/port" --log "$tmp/log" --control \
	--user alice:secret 2>"$tmp/err" &
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

# frames.py prints its plan last; ours, with one more case, replaces it.
python3 "$TOP_SRCDIR/tests/gp-testgw/frames.py" "$(cat "$tmp/port")" |
	sed '/^1\.\.[0-9]*$/d' >"$tmp/tap"
cat "$tmp/tap"
t_num=$(grep -c '^\(not \)\?ok ' "$tmp/tap")
t_failed=$(grep -c '^not ok ' "$tmp/tap")
grep -q '^Bail out!' "$tmp/tap" && exit 1

kill "$pid"
status=0
wait "$pid" || status=$?
pid=
if [ $status -eq 0 ]; then
	t_ok "gateway stops cleanly${vg:+ (valgrind: no errors, no leaks)}"
else
	t_fail "gateway stops cleanly" "exit $status" \
		"$(cat "$tmp/vg" 2>/dev/null | head -n 20)"
fi
t_done
