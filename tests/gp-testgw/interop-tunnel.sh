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
# (OPENCONNECT overrides it); skips without them. Touches nothing outside
# the namespaces it creates, and deletes them on exit. GW_VALGRIND=1 runs
# the gateway under valgrind: any error or leak fails its stop.
. "$TOP_SRCDIR/tests/tap.sh"

gw="$TOP_BUILDDIR/tests/gp-testgw/gp-testgw"
oc=${OPENCONNECT:-/usr/sbin/openconnect}
hip=/usr/libexec/openconnect/hipreport.sh
tag=gpt$$
ns_gw=${tag}g
ns_a=${tag}a
ns_b=${tag}b
tmp=$(mktemp -d)
gw_pid=
a_pid=
b_pid=
pin=
vg=
[ -n "${GW_VALGRIND:-}" ] &&
	vg="valgrind -q --leak-check=full --error-exitcode=3 --log-file=$tmp/vg.%p"

stop() {	# PID...: TERM, then wait for each
	for p in "$@"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
	for p in "$@"; do
		[ -n "$p" ] && wait "$p" 2>/dev/null
	done
}

# Whatever still runs in our namespaces was started by this script.
cleanup() {
	stop "$a_pid" "$b_pid"
	stop "$gw_pid"
	for ns in "$ns_a" "$ns_b" "$ns_gw"; do
		stop $(ip netns pids "$ns" 2>/dev/null)
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

skip_all() {
	echo "1..1"
	t_skip "openconnect through the HTTPS tunnel" "$1"
	exit 0
}

[ "$(id -u)" = 0 ] || skip_all "not root"
for cmd in ip ping curl timeout; do
	command -v $cmd >/dev/null 2>&1 || skip_all "no $cmd"
done
[ -x "$oc" ] || skip_all "no $oc (Debian package openconnect)"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
[ -x "$gw" ] || skip_all "no gateway at $gw"
ip netns add "$ns_gw" 2>/dev/null || skip_all "cannot create namespaces"

# ---- Helpers ---------------------------------------------------------------

# until SECONDS COMMAND...: polls COMMAND every 0.2 s.
until_ok() {
	_tries=$(($1 * 5))
	shift
	while [ $_tries -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_tries=$((_tries - 1))
	done
	return 1
}

check() {	# NAME COMMAND...
	_check=$1
	shift
	if "$@"; then
		t_ok "$_check"
	else
		t_fail "$_check" "failed: $*" \
			"$(tail -n 4 "$tmp/gw.log" "$tmp/gw.err" 2>/dev/null)"
	fi
}

in_ns() {
	_in=$1
	shift
	ip netns exec "$_in" "$@"
}

ctl() {
	[ "$(in_ns "$ns_a" curl -sk --max-time 10 "$url_a/testgw/control" \
	     --data "$1")" = ok ]
}

stat_of() {	# NAME: a counter of GET /testgw/stats
	in_ns "$ns_a" curl -sk --max-time 10 "$url_a/testgw/stats" |
		sed -n "s/^$1 //p"
}

logged() {	# COUNT PATTERN: at least COUNT log lines match
	[ "$(grep -c -e "$2" "$tmp/gw.log" 2>/dev/null)" -ge "$1" ] 2>/dev/null
}

cookie() {	# NS URL USER FILE
	echo secret | in_ns "$1" timeout 20 "$oc" --protocol=gp \
		--servercert "$pin" -u "$3" --cookieonly "$2/gateway" \
		>"$4" 2>"$4.err" && [ -s "$4" ]
}

# connect NAME NS URL COOKIE-FILE [ARGS...]: openconnect in the
# background; its connect script writes $tmp/NAME.<reason>. (Not through
# in_ns: $! must be the process itself, not a subshell.)
connect() {
	_c=$1 _ns=$2 _url=$3 _cf=$4
	shift 4
	rm -f "$tmp/$_c.connect"
	GPT_OUT=$tmp/$_c ip netns exec "$_ns" timeout 120 "$oc" --protocol=gp \
		--servercert "$pin" --cookie-on-stdin --no-dtls \
		-s "$tmp/script" "$@" "$_url/gateway" <"$_cf" \
		>>"$tmp/$_c.out" 2>&1 &
	eval "${_c}_pid=\$!"
}

up() {	# NAME: the connect script ran
	until_ok 20 test -s "$tmp/$1.connect"
}

addr_of() {	# NAME
	sed -n 's/^INTERNAL_IP4_ADDRESS=//p' "$tmp/$1.connect"
}

pings() {	# NS ADDR [-6]
	in_ns "$1" ping $3 -c 3 -i 0.3 -W 3 "$2" >"$tmp/ping" 2>&1
}

finish() {	# NAME: SIGTERM, then its exit status
	eval "_p=\$${1}_pid"
	_status=0
	[ -n "$_p" ] || return 1
	kill "$_p" 2>/dev/null
	wait "$_p" || _status=$?
	eval "${1}_pid="
	return $_status
}

start_gw() {	# ARGS...
	rm -f "$tmp/port"
	pin=
	ip netns exec "$ns_gw" $vg "$gw" --listen 0.0.0.0:443 \
		--port-file "$tmp/port" \
		--pin-file "$tmp/pin" --log "$tmp/gw.log" --control --strict \
		--user alice:secret --user bob:secret \
		--ip6-pool 2001:db8:1::/64 "$@" 2>>"$tmp/gw.err" &
	gw_pid=$!
	until_ok 20 test -s "$tmp/port" && pin=$(cat "$tmp/pin")
}

stop_gw() {
	status=0
	kill "$gw_pid"
	wait "$gw_pid" || status=$?
	gw_pid=
	[ $status -eq 0 ] || cat "$tmp"/vg.* 2>/dev/null | sed 's/^/# /'
	[ $status -eq 0 ] && ! grep -q '^warning' "$tmp/gw.log"
}

# What the real vpnc-script would do, as far as these tests need it.
cat >"$tmp/script" <<'EOF'
#!/bin/sh
env | grep -E '^(reason|TUNDEV|INTERNAL_IP|CISCO_|VPNGATEWAY)' | sort \
	>"$GPT_OUT.$reason"
[ "$reason" = connect ] || exit 0
ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
ip link set dev "$TUNDEV" up
ip route add 198.19.0.0/16 dev "$TUNDEV"
if [ -n "$INTERNAL_IP6_ADDRESS" ]; then
	ip -6 addr add "$INTERNAL_IP6_ADDRESS/128" dev "$TUNDEV" nodad
	ip -6 route add 2001:db8:19::/64 dev "$TUNDEV"
fi
EOF
chmod +x "$tmp/script"

# ---- The namespaces ----------------------------------------------------------

links() {
	ip netns add "$ns_a" && ip netns add "$ns_b" &&
	ip link add "${tag}1" netns "$ns_gw" type veth peer name "${tag}c" \
		netns "$ns_a" &&
	ip link add "${tag}2" netns "$ns_gw" type veth peer name "${tag}c" \
		netns "$ns_b" &&
	ip -n "$ns_gw" addr add 198.18.0.1/30 dev "${tag}1" &&
	ip -n "$ns_gw" addr add 198.18.0.5/30 dev "${tag}2" &&
	ip -n "$ns_a" addr add 198.18.0.2/30 dev "${tag}c" &&
	ip -n "$ns_b" addr add 198.18.0.6/30 dev "${tag}c" &&
	for ns in "$ns_gw" "$ns_a" "$ns_b"; do
		ip -n "$ns" link set lo up || return 1
	done &&
	ip -n "$ns_gw" link set "${tag}1" up &&
	ip -n "$ns_gw" link set "${tag}2" up &&
	ip -n "$ns_a" link set "${tag}c" up &&
	ip -n "$ns_b" link set "${tag}c" up
}

url_a=https://198.18.0.1
url_b=https://198.18.0.5

t_plan 24
check "namespaces and veth links" links
check "gateway starts in its namespace with a TUN device" \
	start_gw --tun gpttun0 --tun-addr 198.19.0.1/16
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
	finish a && until_ok 5 logged 1 'logout (user alice)'
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
check "gateway starts again without a TUN device" start_gw
check "built-in responder answers pings (IPv4, IPv6)" responder
check "gateway stops cleanly again" stop_gw
t_done
