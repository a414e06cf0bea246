# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the loopback end-to-end tests: start the test gateway, run a
# client against it, check output; everything is cleaned up on exit.
# Needs TOP_BUILDDIR, TOP_SRCDIR and CERTDIR (set by make check).

. "$TOP_SRCDIR/tests/tap.sh"

oc="$TOP_BUILDDIR/openconnect"
gwbin="$TOP_BUILDDIR/tests/gp-testgw/gp-testgw"
tmp=$(mktemp -d)
gw_pid=
# GW_VALGRIND=1: the gateway runs under valgrind; gw_finish fails on any
# error or leak.
gw_vg=
[ -n "${GW_VALGRIND:-}" ] &&
	gw_vg="valgrind -q --leak-check=full --error-exitcode=3 --log-file=$tmp/vg.%p"

gw_stop() {
	if [ -n "$gw_pid" ]; then
		kill "$gw_pid" 2>/dev/null
		wait "$gw_pid" 2>/dev/null
	fi
	gw_pid=
}
tun_pid=
# On exit: the client of tunnel_up, the gateway, the files.
gw_cleanup() {
	[ -n "$tun_pid" ] && kill "$tun_pid" 2>/dev/null
	gw_stop
	rm -rf "$tmp"
}
trap gw_cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

# gw_start ARGS...: a fresh gateway on 127.0.0.1; sets $port, $pin, $url.
gw_start() {
	gw_stop
	rm -f "$tmp/port" "$tmp/pin" "$tmp/gw.log"
	$gw_vg "$gwbin" --port-file "$tmp/port" --pin-file "$tmp/pin" \
		--log "$tmp/gw.log" --control "$@" 2>"$tmp/gw.err" &
	gw_pid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 400 ]; do
		kill -0 "$gw_pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	port=$(cat "$tmp/port" 2>/dev/null)
	pin=$(cat "$tmp/pin" 2>/dev/null)
	url="https://localhost:$port"
	[ -n "$port" ] || { sed 's/^/# gw: /' "$tmp/gw.err"; return 1; }
}

# gw_finish: stops the gateway; 0 when it exited cleanly (under valgrind:
# with no error and no leak).
gw_finish() {
	_st=0
	[ -n "$gw_pid" ] || return 1
	kill "$gw_pid" 2>/dev/null
	wait "$gw_pid" || _st=$?
	gw_pid=
	[ $_st -eq 0 ] && return 0
	echo "# gateway exit status $_st"
	cat "$tmp"/vg.* 2>/dev/null | head -n 20 | sed 's/^/# /'
	return 1
}

# gw_quiet: 0 when the gateway logged no warning.
gw_quiet() {
	grep '^warning' "$tmp/gw.log" 2>/dev/null | head -n 5 | sed 's/^/# /'
	! grep -q '^warning' "$tmp/gw.log" 2>/dev/null
}

# gw_must ARGS...: gw_start, or end the test as failed.
gw_must() {
	gw_start "$@" && return 0
	t_fail "the test gateway starts: $*"
	t_done
	exit 1
}

# oc_run EXPECTED_CODE STDIN ARGS...: our client against the gateway, with
# its output in $tmp/out (stdout) and $tmp/err (stderr).
oc_run() {
	want=$1
	input=$2
	shift 2
	printf '%s' "$input" | timeout 30 "$oc" --protocol=gp \
		--cafile "$CERTDIR/ca.pem" --no-system-trust "$@" \
		>"$tmp/out" 2>"$tmp/err"
	code=$?
	if [ "$code" -ne "$want" ]; then
		echo "# exit $code, wanted $want: $*"
		sed 's/^/# out: /' "$tmp/out"
		sed 's/^/# err: /' "$tmp/err"
		return 1
	fi
}

# tunnel_up COOKIE ARGS...: our client on the cookie with --no-dtls and
# -S, its packets going to a script that swallows them (no TUN device, no
# root), in the background ($tun_pid; output in $tmp/tun.out and
# $tmp/tun.err). 0 once the HTTPS tunnel is connected, within 20 s.
tunnel_up() {
	_cookie=$1
	shift
	printf '%s\n' "$_cookie" | timeout --foreground 60 "$oc" --protocol=gp \
		--cafile "$CERTDIR/ca.pem" --no-system-trust --cookie-on-stdin \
		--no-dtls -S -s "exec cat >/dev/null" -v "$@" \
		>"$tmp/tun.out" 2>"$tmp/tun.err" &
	tun_pid=$!
	_i=0
	until grep -q "HTTPS tunnel connected" "$tmp/tun.err" 2>/dev/null; do
		[ $_i -lt 200 ] && kill -0 "$tun_pid" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "HTTPS tunnel connected" "$tmp/tun.err" ||
		{ sed 's/^/# tunnel: /' "$tmp/tun.err" | tail -n 5; return 1; }
}

# tunnel_down: SIGINT to the client of tunnel_up, and its exit status.
tunnel_down() {
	kill -INT "$tun_pid" 2>/dev/null
	wait "$tun_pid"
}

# out_has / err_has PATTERN: grep the last run's stdout / stderr.
out_has() { grep -q -e "$1" "$tmp/out" || { echo "# stdout lacks '$1'"; sed 's/^/# out: /' "$tmp/out"; return 1; }; }
err_has() { grep -q -e "$1" "$tmp/err" || { echo "# stderr lacks '$1'"; sed 's/^/# err: /' "$tmp/err"; return 1; }; }
gwlog_has() { grep -q -e "$1" "$tmp/gw.log" || { echo "# gateway log lacks '$1'"; sed 's/^/# gw: /' "$tmp/gw.log"; return 1; }; }

# control FIELDS: switch the running gateway (form fields, e.g. 2fa=js).
control() {
	printf 'POST /testgw/control HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#1}" "$1" |
		timeout 10 openssl s_client -quiet -connect "127.0.0.1:$port" \
			-servername localhost 2>/dev/null | grep -q '^ok'
}
