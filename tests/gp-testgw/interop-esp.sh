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
# on exit (interop-lib.sh has the namespaces and the helpers).
tag=gpe$$
what="openconnect through the ESP tunnel"
connect_args=-v
connect_fresh=1
. "$TOP_SRCDIR/tests/gp-testgw/interop-lib.sh"

decrypt="$TOP_SRCDIR/tests/esp-decrypt.py"
esp_gw_args="--keylog $tmp/keylog --tun gpetun0 --tun-addr 198.19.0.1/16"
have_iperf=$(command -v iperf3)
have_dump=$(command -v tcpdump)
have_crypto=
python3 -c 'import cryptography' 2>/dev/null && have_crypto=1

# on_esp NAME: openconnect says ESP is its transport.
on_esp() {
	until_ok 15 said "$1" 'ESP session established with server' &&
	until_ok 15 said "$1" 'with SSL disconnected and ESP established'
}

# on_https NAME: openconnect gave up on ESP and connected the HTTPS tunnel.
on_https() {
	until_ok 20 said "$1" 'Failed to connect ESP tunnel; using HTTPS' &&
	until_ok 10 logged 1 "START_TUNNEL (user $2"
}

t_plan 24
check "namespaces and veth links" links
check "gateway starts in its namespace, TUN device, ESP on UDP 4501" \
	start_gw 0.0.0.0:443 $esp_gw_args
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
	finish a && until_ok 20 logged 1 'logout (user alice)' &&
	logged 1 'esp (user alice): SAs dropped: session ended' ||
		{ _st=$?; tail -n 5 "$tmp/a.out" | sed 's/^/# a: /'; return $_st; }
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

check "gateway listening on IPv6: ESP socket on [::]:4501" start_gw '[::]:443' $esp_gw_args
check "openconnect over IPv6: ESP established, ping" over_ipv6
check "gateway stops cleanly again" stop_gw
t_done
