#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The HTTPS connections through a proxy (tests/proxy.py on loopback):
# HTTP CONNECT and SOCKS5, each without and with a user name and password,
# their refusals, a proxy that is not there, the HTTPS tunnel through it,
# and the proxy's password in no log.
. "$TOP_SRCDIR/tests/gw-lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "proxies" "no python3"
	t_done
	exit 0
fi
proxy_pid=
stop_proxy() {
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
	proxy_pid=
}
trap 'stop_proxy; gw_cleanup' EXIT

# start_proxy http|socks5 [USER:PASS]: sets $purl's host and port part.
start_proxy() {
	stop_proxy
	rm -f "$tmp/pport" "$tmp/proxy.log"
	python3 "$TOP_SRCDIR/tests/proxy.py" "$1" "$tmp/pport" \
		"$tmp/proxy.log" ${2:-} 2>"$tmp/proxy.err" &
	proxy_pid=$!
	i=0
	while [ ! -s "$tmp/pport" ] && [ $i -lt 200 ]; do
		kill -0 "$proxy_pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	pport=$(cat "$tmp/pport" 2>/dev/null)
	[ -n "$pport" ] || { sed 's/^/# proxy: /' "$tmp/proxy.err"; return 1; }
}
proxy_has() {
	grep -q -e "$1" "$tmp/proxy.log" 2>/dev/null ||
		{ echo "# proxy log lacks '$1'"; sed 's/^/# proxy: /' "$tmp/proxy.log"; return 1; }
}

pw='s3cret-pw
'
gw_must --user alice:s3cret-pw
via() {	# CODE PROXY-URL ARGS...
	_code=$1 _p=$2
	shift 2
	oc_run "$_code" "$pw" -u alice --authenticate -P "$_p" "$@" \
		"$url/gateway"
}

start_proxy http || { t_fail "the proxy starts"; t_done; exit 1; }
via 0 "http://127.0.0.1:$pport" --useragent "tester/1.0" &&
	out_has "^COOKIE='authcookie=" &&
	out_has "^RESOLVE='localhost:127.0.0.1'" &&
	proxy_has "CONNECT localhost:$port ua=tester/1.0 auth=no" &&
	t_ok "HTTP CONNECT proxy, with --useragent" || t_fail "HTTP CONNECT"
before=$(wc -l <"$tmp/proxy.log")
via 0 "http://127.0.0.1:$pport" --no-proxy &&
	[ "$(wc -l <"$tmp/proxy.log")" -eq "$before" ] &&
	t_ok "--no-proxy after -P: straight to the server" || t_fail "--no-proxy"
via 1 "http://127.0.0.1:1" && err_has "Failed to connect to 127.0.0.1 port 1" &&
	t_ok "no proxy there: a clear error" || t_fail "proxy not there"
via 1 "ftp://127.0.0.1:$pport" && err_has "Invalid proxy 'ftp://" &&
	t_ok "a proxy URL of an unknown kind: refused" || t_fail "bad proxy URL"

start_proxy http bob:pr0xy-pw
via 1 "http://127.0.0.1:$pport" &&
	err_has "wants a user name and password" &&
	t_ok "HTTP proxy asks for credentials: told so" || t_fail "407"
via 1 "http://bob:wr0ng-pw@127.0.0.1:$pport" && err_has "wants other credentials" &&
	t_ok "HTTP proxy, wrong password: told so" || t_fail "407 wrong"
via 0 "http://bob:pr0xy-pw@127.0.0.1:$pport" -vvv --dump-http-traffic &&
	proxy_has "auth=yes" && ! grep -q "pr0xy-pw" "$tmp/err" "$tmp/out" &&
	t_ok "HTTP proxy with Basic credentials; the password in no log" ||
	t_fail "Basic"

start_proxy socks5
via 0 "socks5://127.0.0.1:$pport" && proxy_has "SOCKS5 localhost:$port" &&
	t_ok "SOCKS5 proxy" || t_fail "SOCKS5"
start_proxy socks5 bob:pr0xy-pw
via 1 "socks5://127.0.0.1:$pport" && err_has "may want a user name and password" &&
	t_ok "SOCKS5 proxy wants credentials: told so" || t_fail "SOCKS5 no auth"
via 1 "socks5://bob:n0pe-pw@127.0.0.1:$pport" &&
	err_has "refused the user name and password" &&
	t_ok "SOCKS5 proxy, wrong password: told so" || t_fail "SOCKS5 bad auth"
via 0 "socks5://bob:pr0xy-pw@127.0.0.1:$pport" -vvv &&
	! grep -q "pr0xy-pw" "$tmp/err" "$tmp/out" &&
	t_ok "SOCKS5 with a user name and password; the password in no log" ||
	t_fail "SOCKS5 auth"

# --libproxy: the system's configuration, here libproxy's environment
# variables.
start_proxy http
if grep -q '^#define HAVE_LIBPROXY 1' "$TOP_BUILDDIR/config.h"; then
	https_proxy="http://127.0.0.1:$pport" oc_run 0 "$pw" -u alice \
		--authenticate --libproxy "$url/gateway" &&
		proxy_has "CONNECT localhost:$port" &&
		t_ok "--libproxy: the proxy the system names" || t_fail "--libproxy"
else
	t_skip "--libproxy" "built without libproxy"
fi

# The tunnel through the proxy: -S with a script that swallows packets.
start_proxy http
oc_run 0 "$pw" -u alice --cookieonly -P "http://127.0.0.1:$pport" "$url/gateway"
if tunnel_up "$(cat "$tmp/out")" -P "http://127.0.0.1:$pport" "$url/gateway" &&
   gwlog_has "START_TUNNEL" &&
   [ "$(grep -c "CONNECT localhost:$port" "$tmp/proxy.log")" -ge 3 ]; then
	t_ok "getconfig and the HTTPS tunnel through the proxy"
else
	t_fail "tunnel through the proxy"
fi
tunnel_down
t_done
