#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Client certificates against a test gateway that requires one (on
# loopback): PEM with a separate key, one file holding both, an encrypted
# key, PKCS#12; each wrong password, a missing file, a key of another
# certificate, a certificate the gateway does not trust; the HTTPS tunnel
# over a certificate-checked connection; no key password in any log.
. "$TOP_SRCDIR/tests/gw-lib.sh"

c=$CERTDIR
pw='s3cret-pw
'
gw_must --user alice:s3cret-pw --client-ca "$c/ca.pem"

# login NAME CODE PATTERN ARGS...: --authenticate with ARGS; exit CODE,
# and PATTERN on stderr (or COOKIE= on stdout when CODE is 0).
login() {
	_name=$1 _code=$2 _pat=$3
	shift 3
	if oc_run "$_code" "$pw" -u alice --authenticate "$@" "$url/gateway" &&
	   if [ "$_code" -eq 0 ]; then out_has "^COOKIE='authcookie="; else err_has "$_pat"; fi
	then
		t_ok "$_name"
	else
		t_fail "$_name"
	fi
}

login "no certificate: refused, the user told why" 1 \
	"asked for a client certificate; give one with --certificate"
login "PEM certificate, separate key" 0 "" \
	-c "$c/client.pem" -k "$c/client-key.pem"
login "PEM certificate and key in one file" 0 "" -c "$c/client-both.pem"
login "encrypted key with its password" 0 "" \
	-c "$c/client.pem" -k "$c/client-enc-key.pem" -p keypass
login "encrypted key without a password: asked for one" 1 \
	"is encrypted: give its password with --key-password" \
	-c "$c/client.pem" -k "$c/client-enc-key.pem"
login "encrypted key, wrong password" 1 "wrong password" \
	-c "$c/client.pem" -k "$c/client-enc-key.pem" -p n0pe-pw
login "PKCS#12 with its password" 0 "" --certificate="$c/client.p12" \
	--key-password=keypass
login "PKCS#12 without a password: asked for one" 1 \
	"is protected: give its password with --key-password" -c "$c/client.p12"
login "PKCS#12, wrong password" 1 "wrong password" -c "$c/client.p12" -p n0pe-pw
login "missing certificate file" 1 "Cannot read certificate $c/none.pem" \
	-c "$c/none.pem"
login "a key of another certificate" 1 "do not match" \
	-c "$c/client.pem" -k "$c/server-key.pem"
login "a certificate file without a key" 1 "No private key in" \
	-c "$c/client.pem"
login "a certificate the gateway does not trust: refused" 1 \
	"it may not accept the client certificate" \
	-c "$c/other-client.pem" -k "$c/other-client-key.pem"
login "not a certificate file" 1 "neither PEM nor PKCS#12" \
	-c "$TOP_SRCDIR/tests/README.md"
oc_run 1 "" -k "$c/client-key.pem" "$url/gateway" &&
	err_has "needs --certificate" &&
	t_ok "--sslkey without --certificate: usage error" ||
	t_fail "--sslkey alone"

# The key password never shows, even with everything logged.
oc_run 0 "$pw" -u alice --cookieonly -vvv --dump-http-traffic \
	-c "$c/client.pem" -k "$c/client-enc-key.pem" -p keypass "$url/gateway"
if [ -s "$tmp/err" ] && ! grep -q keypass "$tmp/err" "$tmp/out"; then
	t_ok "no key password in a -vvv --dump-http-traffic log"
else
	t_fail "key password in the log" "$(grep -n keypass "$tmp/err" | head -n 3)"
fi

# The tunnel's connections show the certificate too: -S with a script
# that swallows the packets, so no TUN device or root is needed.
if tunnel_up "$(cat "$tmp/out")" -c "$c/client-both.pem" "$url/gateway" &&
   gwlog_has "START_TUNNEL"; then
	t_ok "getconfig and the HTTPS tunnel over certificate-checked TLS"
else
	t_fail "tunnel with a client certificate"
fi
tunnel_down
t_done
