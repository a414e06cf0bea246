#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's openconnect, the reference client, through gp-testgw's HTTPS
# tunnel. The gateway runs in a network namespace with a TUN device; two
# clients run in two more, each linked to it by a veth pair (addresses of
# 198.18.0.0/15 only, as DESIGN.md asks). Pings to the gateway's tunnel
# address go through the tunnel and the gateway's kernel. Then rekey,
# reconnect, logout, the fault switches and the built-in ping responder.
#
# Needs root, ip netns, /dev/net/tun, ping, curl and /usr/sbin/openconnect
# (OPENCONNECT overrides it); skips without them. The namespaces and the
# helpers are interop-lib.sh's.
tag=gpt$$
what="openconnect through the HTTPS tunnel"
connect_args=--no-dtls
. "$TOP_SRCDIR/tests/gp-testgw/interop-lib.sh"
hip=/usr/libexec/openconnect/hipreport.sh

t_plan 24
check "namespaces and veth links" links
check "gateway starts in its namespace with a TUN device" \
	start_gw 0.0.0.0:443 --tun gpttun0 --tun-addr 198.19.0.1/16
if [ -z "$pin" ]; then
	echo "Bail out! no gateway: $(tail -n 2 "$tmp/gw.err" 2>/dev/null)"
	exit 1
fi

# ---- One client --------------------------------------------------------------

a_up() {
	up a && grep -q '^INTERNAL_IP4_ADDRESS=198\.18\.128\.' "$tmp/a.connect"
}

a_logged() {
	logged 1 'getconfig.esp .* -> 200 config (user alice' &&
	logged 1 'hipreportcheck.esp .* -> 200 HIP report needed: no' &&
	logged 1 'START_TUNNEL (user alice' &&
	[ "$(stat_of frames-in)" -ge 6 ] && [ "$(stat_of frames-out)" -ge 6 ]
}

check "client A: --cookieonly" cookie "$ns_a" "$url_a" alice "$tmp/a.cookie"
connect a "$ns_a" "$url_a" "$tmp/a.cookie"
check "client A: HTTPS tunnel up, address from the pool" a_up
check "client A: ping 198.19.0.1 through the tunnel" pings "$ns_a" 198.19.0.1
check "client A: ping 2001:db8:19::1 through the tunnel" \
	pings "$ns_a" 2001:db8:19::1 -6
check "gateway: getconfig, HIP check, START_TUNNEL, frames" a_logged

# ---- A second client, with a short timeout: it rekeys ------------------------

b_up() {
	up b && [ "$(addr_of b)" != "$(addr_of a)" ] &&
	grep -q '^INTERNAL_IP4_ADDRESS=198\.18\.128\.' "$tmp/b.connect"
}

# openconnect rekeys 60 s before <timeout>: after 5 s here.
b_rekeyed() {
	until_ok 20 logged 2 'START_TUNNEL (user bob' &&
	logged 2 'getconfig.esp .* -> 200 config (user bob'
}

ctl timeout=65
check "client B: --cookieonly" cookie "$ns_b" "$url_b" bob "$tmp/b.cookie"
connect b "$ns_b" "$url_b" "$tmp/b.cookie"
check "client B: tunnel up with another address" b_up
check "client B: ping through the tunnel" pings "$ns_b" 198.19.0.1
check "client B: rekey (getconfig, new tunnel) after timeout - 60 s" b_rekeyed
check "client B: ping after the rekey" pings "$ns_b" 198.19.0.1
check "both tunnels live at once" sh -c '[ "$1" = 2 ]' - "$(stat_of tunnels)"
ctl timeout=3600

# ---- Faults ------------------------------------------------------------------

# The gateway cuts A's tunnel; openconnect gets a new config and tunnel.
a_reconnects() {
	_was=$(grep -c 'START_TUNNEL (user alice' "$tmp/gw.log")
	ctl close-tls-after=1 &&
	until_ok 10 logged 1 'alice): closed: fault: close-tls-after' &&
	ctl close-tls-after=0 &&
	until_ok 20 logged $((_was + 1)) 'START_TUNNEL (user alice'
}

check "close-tls-after: client A reconnects" a_reconnects
check "client A: ping after the reconnect" pings "$ns_a" 198.19.0.1

# SIGTERM: openconnect logs out, and the cookie is dead for good.
a_logout() {
	finish a && until_ok 20 logged 1 'logout (user alice)'
}

old_cookie_refused() {
	in_ns "$ns_a" timeout 20 "$oc" --protocol=gp --servercert "$pin" \
		--cookie-on-stdin --no-dtls -s "$tmp/script" "$url_a/gateway" \
		<"$tmp/a.cookie" >"$tmp/a2.out" 2>&1
	[ $? -eq 2 ]
}

check "client A: SIGTERM logs out, exit 0" a_logout
check "client A: the logged-out cookie is refused (exit 2)" old_cookie_refused

reject_cookie() {
	cookie "$ns_a" "$url_a" alice "$tmp/a3.cookie" && ctl reject-cookie=1 &&
	in_ns "$ns_a" timeout 20 "$oc" --protocol=gp --servercert "$pin" \
		--cookie-on-stdin --no-dtls -s "$tmp/script" "$url_a/gateway" \
		<"$tmp/a3.cookie" >"$tmp/a3.out" 2>&1
	code=$?
	ctl reject-cookie=0
	[ $code -eq 2 ]
}

check "reject-cookie: openconnect exits 2" reject_cookie

# openconnect 9.01 treats a bad frame as fatal (it logs out and exits);
# either that or a reconnect is fine here: the tunnel must end.
b_bad_frame() {
	ctl malformed-frame=1 &&
	until_ok 10 logged 1 'fault: sent a frame with bad magic' &&
	until_ok 10 logged 1 'bob): closed:'
	code=$?
	ctl malformed-frame=0
	return $code
}

check "malformed-frame: client B's tunnel ends" b_bad_frame
finish b

# ---- HIP report through openconnect's own wrapper ----------------------------

hip_report() {
	[ -x "$hip" ] || return 0
	ctl hip-needed=yes && cookie "$ns_a" "$url_a" alice "$tmp/a4.cookie" &&
	connect a "$ns_a" "$url_a" "$tmp/a4.cookie" --csd-wrapper="$hip" &&
	up a && logged 1 'HIP report accepted (user alice' && finish a
}

if [ -x "$hip" ]; then
	check "HIP report needed: openconnect's hipreport.sh sends one" \
		hip_report
else
	t_skip "HIP report needed: hipreport.sh sends one" "no $hip"
fi
ctl hip-needed=no

# ---- Without a TUN device: the built-in ping responder -----------------------

responder() {
	cookie "$ns_a" "$url_a" alice "$tmp/a5.cookie" &&
	connect a "$ns_a" "$url_a" "$tmp/a5.cookie" && up a &&
	pings "$ns_a" 198.19.0.1 && pings "$ns_a" 2001:db8:19::1 -6 &&
	[ "$(stat_of pings)" -ge 6 ] && finish a
}

check "gateway stops cleanly, no warnings (--strict)" stop_gw
check "gateway starts again without a TUN device" start_gw 0.0.0.0:443
check "built-in responder answers pings (IPv4, IPv6)" responder
check "gateway stops cleanly again" stop_gw
t_done
