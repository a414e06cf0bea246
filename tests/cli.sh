#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line: options, help, version, exit codes, and the server
# certificate checks against a local TLS server.
. "$TOP_SRCDIR/tests/tap.sh"

oc="$TOP_BUILDDIR/openconnect"
tmp=$(mktemp -d)
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# run EXPECTED_CODE ARGS...: runs the client, output in $tmp/out.
run() {
	want=$1
	shift
	timeout 20 "$oc" "$@" </dev/null >"$tmp/out" 2>&1
	code=$?
	[ "$code" -eq "$want" ] || { echo "# exit $code, wanted $want"; sed 's/^/# /' "$tmp/out"; return 1; }
}
has() { grep -q -e "$1" "$tmp/out" || { echo "# no '$1' in:"; sed 's/^/# /' "$tmp/out"; return 1; }; }
lacks() { ! grep -q -e "$1" "$tmp/out" || { echo "# unexpected '$1'"; return 1; }; }

t_plan 14

run 0 --version && has "version" && has "TLS library"
[ $? -eq 0 ] && t_ok "--version" || t_fail "--version"

helpok=0
run 0 --help || helpok=1
for o in --protocol --servercert --cafile --no-system-trust --resolve \
	 --sni --non-inter --verbose --quiet --timestamp \
	 --dump-http-traffic --help --version; do
	has "$o" >/dev/null || { echo "# help lacks $o"; helpok=1; }
done
# Options that do not exist yet must not be offered.
for o in --cookie --user --script --interface; do
	lacks "$o" || helpok=1
done
[ $helpok -eq 0 ] && t_ok "--help lists the options that exist" || t_fail "--help"

run 1 && has "no server" && t_ok "no server: exit 1" || t_fail "no server"
run 1 a b && has "more than one" && t_ok "two servers: exit 1" || t_fail "two servers"
run 1 --bogus x && t_ok "unknown option: exit 1" || t_fail "unknown option"
run 1 --protocol=anyconnect x && has "only gp" && t_ok "other protocol refused" || t_fail "other protocol"
run 1 ftp://x && has "https" && t_ok "non-https URL refused" || t_fail "non-https URL"
run 1 --servercert=md5:00 x && has "Invalid --servercert" && t_ok "malformed pin refused" || t_fail "malformed pin"
run 1 --resolve=nocolon x && has "Invalid --resolve" && t_ok "malformed --resolve refused" || t_fail "malformed --resolve"

# A local TLS server with the test certificates.
port=
for try in 1 2 3 4 5 6 7 8; do
	p=$(( 20000 + ($$ * 7 + try * 977) % 20000 ))
	openssl s_server -quiet -accept "127.0.0.1:$p" -cert "$CERTDIR/server.pem" \
		-key "$CERTDIR/server-key.pem" -www >/dev/null 2>&1 &
	srv_pid=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] && break
	kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; srv_pid=
done
if [ -z "$port" ]; then
	for n in 1 2 3 4 5; do t_skip "certificate check $n" "no TLS server (openssl s_server)"; done
	exit 0
fi
url="https://localhost:$port/"
pin=$(openssl x509 -in "$CERTDIR/server.pem" -pubkey -noout |
      openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64)

run 1 --non-inter --no-system-trust "$url" && has "verify failed" &&
	has "pin-sha256:$pin" && t_ok "untrusted server: refused, pin shown" ||
	t_fail "untrusted server"
run 1 --non-inter --no-system-trust --cafile="$CERTDIR/ca.pem" "$url" &&
	has "certificate is trusted" && t_ok "--cafile trusts the server" ||
	t_fail "--cafile"
run 1 --non-inter --no-system-trust --servercert="pin-sha256:$pin" "$url" &&
	has "certificate is trusted" && t_ok "matching --servercert accepted" ||
	t_fail "matching --servercert"
short=$(printf %s "$pin" | cut -c1-12)
run 1 --non-inter --cafile="$CERTDIR/ca.pem" --servercert="pin-sha256:AAAA$short" "$url" &&
	lacks "certificate is trusted" && t_ok "mismatched --servercert is fatal" ||
	t_fail "mismatched --servercert"
run 1 --non-inter --no-system-trust --cafile="$CERTDIR/ca.pem" \
	--resolve="gateway.test:127.0.0.1" "https://gateway.test:$port/" &&
	has "certificate is trusted" && t_ok "--resolve" || t_fail "--resolve"
t_done
