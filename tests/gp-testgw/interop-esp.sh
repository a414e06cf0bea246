#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian's openconnect, the reference client, through gp-testgw's ESP
# tunnel (PROTOCOL.md section 10). The gateway runs in a network namespace
# with a TUN device; two clients run in two more, each linked to it by a
# veth pair (198.18.0.1-2 and 198.18.0.5-6, 2001:db8:0:1::1-2; nothing
# outside 198.18.0.0/15 and 2001:db8::/32). openconnect runs with ESP
# allowed (no --no-dtls): its probes are answered, and ping, ping -6 and
# iperf3 go over ESP, which the gateway's counters and an independent
# decryption of a capture (tests/esp-decrypt.py with --keylog) confirm.
# Then two clients on ESP at once, a rekey on ESP, and the fault switches:
# esp-drop from the start and esp-ignore-probes (HTTPS after the hold-off),
# esp-stop-after (HTTPS after openconnect's DPD declares ESP dead), and
# last ESP over IPv6 with the gateway listening on IPv6.
#
# Needs root, ip netns, /dev/net/tun, ping, curl, timeout and
# /usr/sbin/openconnect (OPENCONNECT overrides it); skips without them.
# iperf3, tcpdump and python3 with cryptography are optional (their cases
# skip). Every command is bounded by timeout; the namespaces are deleted
# on exit. GW_VALGRIND=1 runs the gateway under valgrind: any error or
# leak fails its stop.
. "$TOP_SRCDIR/tests/tap.sh"

gw="$TOP_BUILDDIR/tests/gp-testgw/gp-testgw"
oc=${OPENCONNECT:-/usr/sbin/openconnect}
decrypt="$TOP_SRCDIR/tests/esp-decrypt.py"
tag=gpe$$
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
	t_skip "openconnect through the ESP tunnel" "$1"
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
have_iperf=$(command -v iperf3)
have_dump=$(command -v tcpdump)
have_crypto=
python3 -c 'import cryptography' 2>/dev/null && have_crypto=1

# ---- Helpers ---------------------------------------------------------------

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
# background, ESP allowed, verbose; its connect script writes
# $tmp/NAME.<reason>. (Not through in_ns: $! must be the process itself.)
connect() {
	_c=$1 _ns=$2 _url=$3 _cf=$4
	shift 4
	rm -f "$tmp/$_c.connect" "$tmp/$_c.out"
	GPT_OUT=$tmp/$_c ip netns exec "$_ns" timeout 120 "$oc" --protocol=gp \
		--servercert "$pin" --cookie-on-stdin -v -s "$tmp/script" \
		"$@" "$_url/gateway" <"$_cf" >"$tmp/$_c.out" 2>&1 &
	eval "${_c}_pid=\$!"
}

up() {	# NAME: the connect script ran
	until_ok 20 test -s "$tmp/$1.connect"
}

# on_esp NAME: openconnect says ESP is its transport.
on_esp() {
	until_ok 15 said "$1" 'ESP session established with server' &&
	until_ok 5 said "$1" 'with SSL disconnected and ESP established'
}

# on_https NAME: openconnect gave up on ESP and connected the HTTPS tunnel.
on_https() {
	until_ok 20 said "$1" 'Failed to connect ESP tunnel; using HTTPS' &&
	until_ok 10 logged 1 "START_TUNNEL (user $2"
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
		--port-file "$tmp/port" --keylog "$tmp/keylog" \
		--pin-file "$tmp/pin" --log "$tmp/gw.log" --control --strict \
		--user alice:secret --user bob:secret \
		--ip6-pool 2001:db8:1::/64 --tun gpetun0 \
		--tun-addr 198.19.0.1/16 "$@" 2>>"$tmp/gw.err" &
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

# What the real vpnc-script does, as far as these tests need it; the
# MTU matters here: ESP packets over it would not leave the client.
cat >"$tmp/script" <<'EOF'
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

url_a=https://198.18.0.1
url_b=https://198.18.0.5

t_plan 24
check "namespaces and veth links" links
check "gateway starts in its namespace, TUN device, ESP on UDP 4501" \
	start_gw 0.0.0.0:443
if [ -z "$pin" ]; then
	echo "Bail out! no gateway: $(tail -n 2 "$tmp/gw.err" 2>/dev/null)"
	exit 1
fi

# ---- One client on ESP -------------------------------------------------------

a_up() {
	up a && on_esp a &&
	grep -q '^INTERNAL_IP4_ADDRESS=198\.18\.128\.' "$tmp/a.connect" &&
	logged 1 'esp (user alice): client at 198.18.0.2:'
}

check "client A: --cookieonly" cookie "$ns_a" "$url_a" alice "$tmp/a.cookie"
connect a "$ns_a" "$url_a" "$tmp/a.cookie"
check "client A: ESP session established, no HTTPS tunnel" a_up
check "client A: ping 198.19.0.1 over ESP" pings "$ns_a" 198.19.0.1
check "client A: ping 2001:db8:19::1 over ESP" pings "$ns_a" 2001:db8:19::1 -6

iperf() {	# NS [-R]: a 2-second TCP stream to the gateway's side
	in_ns "$ns_gw" timeout 30 iperf3 -s -B 198.19.0.1 -1 >/dev/null 2>&1 &
	_srv=$!
	sleep 0.5
	in_ns "$1" timeout 20 iperf3 -c 198.19.0.1 -t 2 $2 >"$tmp/iperf" 2>&1
	_rc=$?
	wait $_srv
	[ $_rc -eq 0 ] && grep -q 'receiver' "$tmp/iperf"
}

if [ -n "$have_iperf" ]; then
	check "client A: iperf3 to the gateway's side over ESP" iperf "$ns_a"
	check "client A: iperf3 from the gateway's side (-R) over ESP" \
		iperf "$ns_a" -R
else
	t_skip "client A: iperf3 over ESP" "no iperf3"
	t_skip "client A: iperf3 -R over ESP" "no iperf3"
fi

# The traffic went over ESP: thousands of packets with iperf3, a few
# without; the HTTPS tunnel was never started.
esp_counted() {
	_min=10
	[ -n "$have_iperf" ] && _min=1000
	_in=$(stat_of esp-packets-in) _out=$(stat_of esp-packets-out)
	echo "# ESP packets in $_in, out $_out; HTTPS frames in" \
		"$(stat_of frames-in), out $(stat_of frames-out)"
	[ "$_in" -ge $_min ] && [ "$_out" -ge $_min ] &&
	[ "$(stat_of esp-probes)" -ge 1 ] &&
	[ "$(stat_of tunnels-started)" = 0 ] &&
	[ "$(stat_of frames-in)" -le 2 ] &&
	[ "$(stat_of esp-bad-icv)" = 0 ] && [ "$(stat_of esp-bad)" = 0 ]
}

check "gateway: ESP packets in and out, no HTTPS frames" esp_counted

# tcpdump on A's link, then tests/esp-decrypt.py with the key log: both
# directions decrypt (ICV, padding, next header) without our ESP code.
# (Pings of 12 bytes carry no timestamp: the pattern starts the payload.)
decrypted() {
	rm -f "$tmp/esp.pcap"
	in_ns "$ns_a" timeout 20 tcpdump -i "${tag}c" -w "$tmp/esp.pcap" -U \
		udp port 4501 >/dev/null 2>&1 &
	cap_pid=$!
	sleep 1
	in_ns "$ns_a" timeout 20 ping -c 4 -i 0.2 -W 2 -s 12 -p 5ca1ab1e \
		198.19.0.1 >"$tmp/ping" 2>&1
	_rc=$?
	sleep 0.5
	stop "$cap_pid"
	cap_pid=
	[ $_rc -eq 0 ] || return 1
	timeout 60 python3 "$decrypt" "$tmp/esp.pcap" "$tmp/keylog" \
		>"$tmp/decrypted" 2>&1 || return 1
	_cl='198\.18\.128\.[0-9]*' _gw='198\.19\.0\.1' _p=payload=5ca1ab1e
	_req=$(grep -c " $_cl $_gw .* icmp 8 $_p" "$tmp/decrypted")
	_rep=$(grep -c " $_gw $_cl .* icmp 0 $_p" "$tmp/decrypted")
	echo "# decrypted: $_req echo requests, $_rep replies"
	[ "$_req" -ge 4 ] && [ "$_rep" -ge 4 ]
}

if [ -n "$have_dump" ] && [ -n "$have_crypto" ]; then
	check "capture decrypts with --keylog (esp-decrypt.py), both ways" \
		decrypted
else
	t_skip "capture decrypts with --keylog" "no tcpdump or python3 cryptography"
fi

# ---- A second client, with a short timeout: it rekeys on ESP ----------------

b_up() {
	up b && on_esp b && [ "$(stat_of esp-sessions)" = 2 ]
}

b_rekeyed() {
	until_ok 20 logged 2 'esp (user bob): SAs in' &&
	until_ok 10 sh -c '[ "$(grep -c "ESP session established" "$1")" -ge 2 ]' \
		- "$tmp/b.out"
}

ctl timeout=65
check "client B: --cookieonly" cookie "$ns_b" "$url_b" bob "$tmp/b.cookie"
connect b "$ns_b" "$url_b" "$tmp/b.cookie"
check "client B: on ESP too, each client its own SAs" b_up
check "client B: ping over ESP" pings "$ns_b" 198.19.0.1
check "client B: rekey after timeout - 60 s, new SAs, ESP again" b_rekeyed
check "client B: ping after the rekey" pings "$ns_b" 198.19.0.1
check "client A: ping still over ESP" pings "$ns_a" 198.19.0.1
ctl timeout=3600
finish b

a_logout() {
	finish a && until_ok 5 logged 1 'logout (user alice)' &&
	logged 1 'esp (user alice): SAs dropped: session ended'
}

check "client A: SIGTERM logs out, its SAs go" a_logout

# ---- Faults ------------------------------------------------------------------

# UDP dropped from the start: openconnect's probes go unanswered; after
# its hold-off it connects the HTTPS tunnel, which takes the keys away.
esp_drop() {
	ctl esp-drop=1 && cookie "$ns_a" "$url_a" alice "$tmp/a2.cookie" &&
	connect a "$ns_a" "$url_a" "$tmp/a2.cookie" && up a &&
	on_https a alice && pings "$ns_a" 198.19.0.1 &&
	logged 1 'esp (user alice): SAs dropped: the HTTPS tunnel took over' &&
	[ "$(stat_of esp-dropped)" -ge 1 ]
	_rc=$?
	finish a
	ctl esp-drop=0
	return $_rc
}

check "esp-drop from the start: openconnect falls back to HTTPS, ping" \
	esp_drop

# ESP dies 3 s after its first packet: openconnect's DPD (2 s here)
# declares it dead and it connects the HTTPS tunnel, mid-session.
stop_after() {
	_was=$(grep -c 'START_TUNNEL (user alice' "$tmp/gw.log")
	ctl esp-stop-after=3 && cookie "$ns_a" "$url_a" alice "$tmp/a3.cookie" &&
	connect a "$ns_a" "$url_a" "$tmp/a3.cookie" --force-dpd 2 && up a &&
	on_esp a && pings "$ns_a" 198.19.0.1 &&
	until_ok 10 logged 1 'alice): fault: esp-stop-after 3 s' &&
	until_ok 30 said a 'ESP detected dead peer' &&
	until_ok 15 logged $((_was + 1)) 'START_TUNNEL (user alice' &&
	pings "$ns_a" 198.19.0.1
	_rc=$?
	finish a
	ctl esp-stop-after=0
	return $_rc
}

check "esp-stop-after: ESP dies mid-session, openconnect moves to HTTPS" \
	stop_after

ignore_probes() {
	ctl esp-ignore-probes=1 &&
	cookie "$ns_a" "$url_a" alice "$tmp/a4.cookie" &&
	connect a "$ns_a" "$url_a" "$tmp/a4.cookie" && up a &&
	on_https a alice && pings "$ns_a" 198.19.0.1 &&
	[ "$(stat_of esp-probes-ignored)" -ge 1 ]
	_rc=$?
	finish a
	ctl esp-ignore-probes=0
	return $_rc
}

check "esp-ignore-probes: no answer, openconnect uses HTTPS" ignore_probes
check "gateway stops cleanly, no warnings (--strict)" stop_gw

# ---- ESP over IPv6 -----------------------------------------------------------

url_a=https://[2001:db8:0:1::1]

over_ipv6() {
	cookie "$ns_a" "$url_a" alice "$tmp/a5.cookie" &&
	connect a "$ns_a" "$url_a" "$tmp/a5.cookie" && up a && on_esp a &&
	pings "$ns_a" 198.19.0.1 &&
	logged 1 'esp (user alice): client at \[2001:db8:0:1::2\]:' &&
	[ "$(stat_of esp-packets-in)" -ge 3 ]
	_rc=$?
	finish a
	return $_rc
}

check "gateway listening on IPv6: ESP socket on [::]:4501" start_gw '[::]:443'
check "openconnect over IPv6: ESP established, ping" over_ipv6
check "gateway stops cleanly again" stop_gw
t_done
