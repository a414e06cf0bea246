#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# How a test starts gp-testgw, finds its port, talks to it, and stops it.
#
#   CERTDIR=build/tests/certs tests/gp-testgw/run-example.sh [GATEWAY]
#
# GATEWAY defaults to $TOP_BUILDDIR/tests/gp-testgw/gp-testgw. Needs curl;
# uses Debian's openconnect too when it is installed. Exits 0 when every
# step did what it should.
set -eu

gw=${1:-${TOP_BUILDDIR:-.}/tests/gp-testgw/gp-testgw}
: "${CERTDIR:?set CERTDIR to a directory written by tests/mkcerts}"

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Port 0: the kernel picks a free port; the gateway writes it to the port
# file (atomically, by rename) once it listens.
"$gw" --port-file "$tmp/port" --pin-file "$tmp/pin" --log "$tmp/log" \
	--user alice:secret --control &
pid=$!

i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "no port file after 10 s"
	kill -0 "$pid" 2>/dev/null || fail "gateway exited at start-up"
	sleep 0.1
done
port=$(cat "$tmp/port")
url=https://127.0.0.1:$port
echo "gateway pid $pid listening on port $port"

login='user=Alice&passwd=secret&computer=box&clientos=Linux'
login="$login&jnlpReady=jnlpReady&ok=Login&direct=yes"

post() {	# PATH BODY: prints the HTTP status
	curl -sk -o "$tmp/body" -w '%{http_code}' -A 'PAN GlobalProtect' \
		--max-time 10 "$url$1" -d "$2"
}

[ "$(post /ssl-vpn/prelogin.esp cas-support=yes)" = 200 ] ||
	fail "pre-login"
[ "$(post /ssl-vpn/login.esp "$login")" = 200 ] || fail "login"
grep -q '<argument>alice</argument>' "$tmp/body" ||
	fail "user name not canonicalised"
cookie=$(sed -n 's/^<argument>\([0-9a-f]\{32\}\)<\/argument>$/\1/p' \
	"$tmp/body" | head -n 1)
[ "$(post /ssl-vpn/login.esp "${login%%&*}&passwd=wrong")" = 512 ] ||
	fail "wrong password not refused with 512"

# The cookie fields of the login make a getconfig: address, keys, timers.
fields="authcookie=$cookie&portal=testgw&user=alice"
fields="$fields&domain=%28empty_domain%29&computer=box"
[ "$(post /ssl-vpn/getconfig.esp "$fields&enc-algo=aes-256-cbc")" = 200 ] ||
	fail "getconfig"
grep -q '<ip-address>198.18.128.2</ip-address>' "$tmp/body" ||
	fail "no address from the pool"
grep -q '<enc-algo>aes-256-cbc</enc-algo>' "$tmp/body" ||
	fail "the client's offer not honoured"
curl -sk --max-time 10 "$url/testgw/stats" | grep -q '^getconfigs 1$' ||
	fail "stats"

# One process serves a whole script: switch modes at run time.
[ "$(post /testgw/control '2fa=js')" = 200 ] || fail "control"
[ "$(post /ssl-vpn/login.esp "$login")" = 200 ] || fail "challenge"
grep -q 'respStatus = "Challenge"' "$tmp/body" || fail "no JS challenge"
post /testgw/control '2fa=none' >/dev/null

if command -v openconnect >/dev/null 2>&1; then
	echo secret | openconnect --protocol=gp --servercert "$(cat "$tmp/pin")" \
		-u alice --authenticate "$url/gateway" >"$tmp/oc" 2>&1 ||
		fail "openconnect: $(tail -1 "$tmp/oc")"
	grep -q '^COOKIE=' "$tmp/oc" || fail "openconnect printed no cookie"
	echo "openconnect authenticated"
fi

# SIGTERM stops the gateway cleanly, with exit status 0.
kill "$pid"
status=0
wait "$pid" || status=$?
pid=
[ $status = 0 ] || fail "gateway exit status $status"

echo "request log:"
sed 's/^/  /' "$tmp/log"
echo "all ok"
