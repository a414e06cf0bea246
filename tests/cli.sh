#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line: options, help, version, exit codes, and the server
# certificate checks against a local TLS server.
. "$TOP_SRCDIR/tests/gw-lib.sh"

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


run 0 --version && has "version" && has "TLS library"
[ $? -eq 0 ] && t_ok "--version" || t_fail "--version"

helpok=0
run 0 --help || helpok=1
for o in --protocol --servercert --cafile --no-system-trust --resolve \
	 --sni --non-inter --verbose --quiet --timestamp \
	 --dump-http-traffic --help --version --user --usergroup --authgroup \
	 --form-entry --passwd-on-stdin --cookieonly --printcookie \
	 --authenticate --cookie --cookie-on-stdin --os --local-hostname \
	 --token-mode --token-secret --disable-ipv6 --script --script-tun \
	 --interface --no-dtls --dtls-local-port --mtu --base-mtu --force-dpd \
	 --reconnect-timeout --queue-len --background --pid-file --setuid \
	 --syslog --csd-wrapper --csd-user --force-trojan --certificate \
	 --sslkey --key-password --useragent --proxy --no-proxy; do
	has "$o" >/dev/null || { echo "# help lacks $o"; helpok=1; }
done
# --libproxy only when built with libproxy.
if grep -q '^#define HAVE_LIBPROXY 1' "$TOP_BUILDDIR/config.h"; then
	has --libproxy >/dev/null || helpok=1
else
	lacks --libproxy || helpok=1
fi
[ $helpok -eq 0 ] && t_ok "--help lists the options that exist" || t_fail "--help"

run 1 && has "no server" && t_ok "no server: exit 1" || t_fail "no server"
run 1 a b && has "more than one" && t_ok "two servers: exit 1" || t_fail "two servers"
run 1 --bogus x && t_ok "unknown option: exit 1" || t_fail "unknown option"
run 1 --protocol=anyconnect x && has "only gp" && t_ok "other protocol refused" || t_fail "other protocol"
run 1 ftp://x && has "https" && t_ok "non-https URL refused" || t_fail "non-https URL"
run 1 --servercert=md5:00 x && has "Invalid --servercert" && t_ok "malformed pin refused" || t_fail "malformed pin"
run 1 --resolve=nocolon x && has "Invalid --resolve" && t_ok "malformed --resolve refused" || t_fail "malformed --resolve"

# Certificate checks against the test gateway.
gw_must --user alice:pw
b64=${pin#pin-sha256:}
run_cert() {
	want=$1
	shift
	timeout 20 "$oc" --non-inter -u alice -F _login:passwd=pw --cookieonly \
		"$@" </dev/null >"$tmp/out" 2>&1
	code=$?
	[ "$code" -eq "$want" ] || { echo "# exit $code, wanted $want"; sed 's/^/# /' "$tmp/out"; return 1; }
}
run_cert 1 --no-system-trust "$url/gateway" && has "verify failed" &&
	has "$pin" && t_ok "untrusted server: refused, pin shown" ||
	t_fail "untrusted server"
run_cert 0 --no-system-trust --cafile="$CERTDIR/ca.pem" "$url/gateway" &&
	has "authcookie=" && t_ok "--cafile trusts the server" || t_fail "--cafile"
run_cert 0 --no-system-trust --servercert="$pin" "$url/gateway" &&
	has "authcookie=" && t_ok "matching --servercert accepted" ||
	t_fail "matching --servercert"
short=$(printf %s "$b64" | cut -c1-12)
run_cert 1 --cafile="$CERTDIR/ca.pem" --servercert="pin-sha256:AAAA$short" \
	"$url/gateway" && lacks "authcookie=" &&
	t_ok "mismatched --servercert is fatal" || t_fail "mismatched --servercert"
run_cert 0 --no-system-trust --cafile="$CERTDIR/ca.pem" \
	--resolve="gateway.test:127.0.0.1" "https://gateway.test:$port/gateway" &&
	has "authcookie=" && t_ok "--resolve" || t_fail "--resolve"
t_done
