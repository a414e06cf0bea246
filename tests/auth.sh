#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Login flows end to end against the test gateway on loopback: portal,
# gateway, gateway choice, 2FA in each shape, SAML cookies, portal
# cookies, wrong passwords, --authenticate, and no secret in any log.
. "$TOP_SRCDIR/tests/gw-lib.sh"

SECRET=JBSWY3DPEHPK3PXP

cookie_re='^authcookie=[0-9a-f]\{32\}&portal=testgw&user=alice&domain=%28empty_domain%29&'

gw_must --user Alice:s3cret-pw
oc_run 0 's3cret-pw
' -u alice --cookieonly "$url/gateway" && out_has "$cookie_re" &&
	t_ok "gateway login prints the cookie" || t_fail "gateway login"

oc_run 0 's3cret-pw
' -u ALICE --cookieonly "$url/gateway" && out_has "user=alice&" &&
	t_ok "the user name the gateway returns is used" || t_fail "canonical user name"

oc_run 0 's3cret-pw
' -u alice --authenticate "$url/portal" &&
	out_has "^COOKIE='authcookie=" && out_has "^HOST='localhost'" &&
	out_has "^CONNECT_URL='https://localhost:$port/gateway'" &&
	out_has "^FINGERPRINT='$pin'" && out_has "^RESOLVE='localhost:127.0.0.1'" &&
	t_ok "portal login, --authenticate output" || t_fail "--authenticate"

oc_run 0 's3cret-pw
' -u alice --cookieonly "$url" && err_has "Logged in to gateway" &&
	gwlog_has "/global-protect/getconfig.esp" &&
	t_ok "bare host: portal first, then its gateway" || t_fail "portal then gateway"

oc_run 1 'wr0ng-pw
' -u alice --cookieonly "$url/gateway" && err_has "Invalid user name or password" &&
	t_ok "wrong password: exit 1 with the reason" || t_fail "wrong password"

oc_run 0 'wr0ng-pw
s3cret-pw
' -u alice --cookieonly "$url/gateway" && err_has "Invalid user name or password" &&
	out_has "$cookie_re" && t_ok "HTTP 512 asks again" || t_fail "512 asks again"

oc_run 1 '' -u alice --non-inter --cookieonly "$url/gateway" &&
	err_has "non-inter" && t_ok "--non-inter does not prompt" || t_fail "--non-inter"

oc_run 0 '' -u alice -F _login:passwd=s3cret-pw --cookieonly "$url/gateway" &&
	out_has "$cookie_re" && t_ok "-F answers the login form" || t_fail "-F"

oc_run 0 's3cret-pw' -u alice --passwd-on-stdin --cookieonly "$url/gateway" &&
	out_has "$cookie_re" && t_ok "--passwd-on-stdin" || t_fail "--passwd-on-stdin"

# Gateway choice.
gw_must --user alice:pw --region Europe \
	--portal-gateway '@self|US East|Any=5' \
	--portal-gateway '@self|Europe West|Europe=1,Any=9' \
	--portal-gateway '@self|Europe North|Any=7'
oc_run 0 'pw
' -u alice --cookieonly --authgroup='europe n' "$url/portal" &&
	err_has "Using gateway Europe North" &&
	t_ok "--authgroup: case-insensitive prefix" || t_fail "--authgroup prefix"
oc_run 1 'pw
' -u alice --cookieonly --authgroup=europe "$url/portal" &&
	err_has "Europe West" && t_ok "--authgroup: ambiguous prefix refused" ||
	t_fail "--authgroup ambiguous"
oc_run 0 'pw
' -u alice --cookieonly --non-inter -F _login:passwd=pw "$url/portal" &&
	err_has "Using gateway Europe West" &&
	t_ok "no choice: the best ranked for the region" || t_fail "gateway ranking"

# 2FA in each shape, answered by the soft token.
for shape in xml js html; do
	gw_must --user alice:pw --2fa "$shape" --totp-secret "$SECRET"
	oc_run 0 'pw
' -u alice --cookieonly --token-mode=totp --token-secret="$SECRET" "$url/gateway" &&
		out_has "$cookie_re" && err_has "second factor" &&
		t_ok "2FA challenge ($shape) answered by TOTP" || t_fail "2FA $shape"
done
gw_must --user alice:pw --2fa js
oc_run 0 'pw
' -u alice --cookieonly -F _challenge:passwd=123456 "$url/gateway" &&
	out_has "$cookie_re" && t_ok "2FA answered by -F" || t_fail "2FA by -F"

# SAML: the cookie comes from elsewhere.
gw_must --user alice:pw --saml both --saml-cookie SAMLXYZ
oc_run 1 '' -u alice --cookieonly "$url/gateway" &&
	err_has "prelogin-cookie" && t_ok "SAML without a cookie: the remedy is named" ||
	t_fail "SAML remedy"
oc_run 0 'SAMLXYZ
' -u alice --cookieonly "$url/gateway:prelogin-cookie" &&
	out_has "$cookie_re" && t_ok "SAML prelogin-cookie via the gateway" || t_fail "SAML gateway"
oc_run 0 'SAMLXYZ
' -u alice --cookieonly --usergroup=portal:prelogin-cookie "$url" &&
	out_has "$cookie_re" && t_ok "SAML prelogin-cookie via the portal" || t_fail "SAML portal"

# Portal cookies carried into the gateway login.
gw_must --user alice:pw --portal-cookie
oc_run 0 'pw
' -u alice --cookieonly "$url/portal" && out_has "$cookie_re" &&
	grep '/ssl-vpn/login.esp' "$tmp/gw.log" | grep -q portal-userauthcookie &&
	t_ok "portal cookie carried into the gateway login" || t_fail "portal cookie"

# Broken XML and HTTP cookies.
gw_must --user alice:pw --broken-xml --require-http-cookie
oc_run 0 'pw
' -u alice --cookieonly "$url" && out_has "$cookie_re" &&
	t_ok "broken XML and HTTP cookies" || t_fail "broken XML / HTTP cookies"

gw_must --user alice:pw --has-config-no
oc_run 1 'pw
' -u alice --cookieonly "$url/portal" && err_has "\-\-os" &&
	t_ok "portal refusing the client names --os" || t_fail "has-config no"

gw_must --user alice:pw --refuse-os Linux
oc_run 1 'pw
' -u alice --cookieonly "$url/portal" && err_has "\-\-os" &&
oc_run 0 'pw
' -u alice --cookieonly --os=win --local-hostname=wks-17 "$url/portal" &&
	out_has "&computer=wks-17" &&
	t_ok "--os and --local-hostname are what the server sees" || t_fail "--os"
oc_run 1 '' --os=beos --cookieonly "$url" && err_has "mac-intel" &&
	t_ok "unknown --os lists the choices" || t_fail "unknown --os"

# Nothing secret at the highest verbosity with traffic dumps.
gw_must --user alice:Pw-Secret-77 --portal-cookie --2fa js --totp-secret "$SECRET"
oc_run 0 'Pw-Secret-77
' -u alice -vvv --dump-http-traffic --token-mode=totp --token-secret="$SECRET" \
	--cookieonly "$url" || true
ac=$(sed -n 's/^authcookie=\([0-9a-f]*\).*/\1/p' "$tmp/out")
leak=
for s in Pw-Secret-77 "$SECRET" "$ac"; do
	[ -n "$s" ] && grep -q -e "$s" "$tmp/err" && leak="$leak $s"
done
[ -n "$ac" ] && [ -z "$leak" ] && grep -q "(hidden)" "$tmp/err" &&
	t_ok "no password, token secret or cookie in a -vvv dump" ||
	t_fail "secrets in the log:${leak:- (no cookie?)}"
t_done
