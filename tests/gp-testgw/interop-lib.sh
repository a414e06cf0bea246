# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by interop-tunnel.sh and interop-esp.sh: the gateway in one
# network namespace and two clients (Debian's openconnect) in two more,
# each joined to it by a veth pair:
#
#   $ns_a  198.18.0.2/30, 2001:db8:0:1::2/64  <->  198.18.0.1, 2001:db8:0:1::1
#   $ns_b  198.18.0.6/30                      <->  198.18.0.5        ($ns_gw)
#
# Before sourcing: tag (a short unique name prefix) and what (the name of
# the test, for a skip). Skips the whole test without root, ip, ping,
# curl, timeout, the client, /dev/net/tun or the gateway. Everything is
# removed on exit. GW_VALGRIND=1 runs the gateway under valgrind: any
# error or leak fails its stop.
. "$TOP_SRCDIR/tests/tap.sh"

gw="$TOP_BUILDDIR/tests/gp-testgw/gp-testgw"
oc=${OPENCONNECT:-/usr/sbin/openconnect}
ns_gw=${tag}g
ns_a=${tag}a
ns_b=${tag}b
tmp=$(mktemp -d)
gw_pid=
a_pid=
b_pid=
cap_pid=
pin=
vg=
[ -n "${GW_VALGRIND:-}" ] &&
	vg="valgrind -q --leak-check=full --error-exitcode=3 --log-file=$tmp/vg.%p"
url_a=https://198.18.0.1
url_b=https://198.18.0.5

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
	stop "$cap_pid" "$a_pid" "$b_pid"
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
	t_skip "$what" "$1"
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

# until_ok SECONDS COMMAND...: polls COMMAND every 0.2 s.
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
	[ "$(in_ns "$ns_a" curl -gsk --max-time 10 "$url_a/testgw/control" \
	     --data "$1")" = ok ]
}

stat_of() {	# NAME: a counter of GET /testgw/stats
	in_ns "$ns_a" curl -gsk --max-time 10 "$url_a/testgw/stats" |
		sed -n "s/^$1 //p"
}

logged() {	# COUNT PATTERN: at least COUNT log lines match
	[ "$(grep -c -e "$2" "$tmp/gw.log" 2>/dev/null)" -ge "$1" ] 2>/dev/null
}

said() {	# NAME PATTERN: client NAME's output has PATTERN
	grep -q -e "$2" "$tmp/$1.out" 2>/dev/null
}

cookie() {	# NS URL USER FILE
	echo secret | in_ns "$1" timeout 20 "$oc" --protocol=gp \
		--servercert "$pin" -u "$3" --cookieonly "$2/gateway" \
		>"$4" 2>"$4.err" && [ -s "$4" ]
}

# connect NAME NS URL COOKIE-FILE [ARGS...]: openconnect in the
# background with $connect_args, its output appended to $tmp/NAME.out
# (or written afresh when $connect_fresh is set);
# its connect script writes $tmp/NAME.<reason>. (Not through in_ns: $!
# must be the process itself, not a subshell. timeout --foreground: a
# plain timeout passes a signal on twice, to the client and to its
# process group, and the second one interrupts openconnect's logout.)
connect() {
	_c=$1 _ns=$2 _url=$3 _cf=$4
	shift 4
	rm -f "$tmp/$_c.connect"
	[ -z "${connect_fresh:-}" ] || rm -f "$tmp/$_c.out"
	GPT_OUT=$tmp/$_c ip netns exec "$_ns" timeout --foreground 120 "$oc" \
		--protocol=gp --servercert "$pin" --cookie-on-stdin $connect_args \
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
	in_ns "$1" timeout 20 ping $3 -c 3 -i 0.3 -W 3 "$2" >"$tmp/ping" 2>&1
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

start_gw() {	# LISTEN ARGS...
	_listen=$1
	shift
	rm -f "$tmp/port"
	pin=
	ip netns exec "$ns_gw" $vg "$gw" --listen "$_listen" \
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

# What the real vpnc-script does, as far as these tests need it; the MTU
# matters over ESP: packets over it would not leave the client.
cat >"$tmp/script" <<'EOS'
#!/bin/sh
env | grep -E '^(reason|TUNDEV|INTERNAL_IP|CISCO_|VPNGATEWAY)' | sort \
	>"$GPT_OUT.$reason"
[ "$reason" = connect ] || exit 0
ip link set dev "$TUNDEV" mtu "${INTERNAL_IP4_MTU:-1400}"
ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
ip link set dev "$TUNDEV" up
ip route add 198.19.0.0/16 dev "$TUNDEV"
if [ -n "$INTERNAL_IP6_ADDRESS" ]; then
	ip -6 addr add "$INTERNAL_IP6_ADDRESS/128" dev "$TUNDEV" nodad
	ip -6 route add 2001:db8:19::/64 dev "$TUNDEV"
fi
EOS
chmod +x "$tmp/script"

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
	ip -n "$ns_gw" addr add 2001:db8:0:1::1/64 dev "${tag}1" nodad &&
	ip -n "$ns_a" addr add 2001:db8:0:1::2/64 dev "${tag}c" nodad &&
	for ns in "$ns_gw" "$ns_a" "$ns_b"; do
		ip -n "$ns" link set lo up || return 1
	done &&
	ip -n "$ns_gw" link set "${tag}1" up &&
	ip -n "$ns_gw" link set "${tag}2" up &&
	ip -n "$ns_a" link set "${tag}c" up &&
	ip -n "$ns_b" link set "${tag}c" up
}
