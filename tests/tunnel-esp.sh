#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The tunnel over ESP between two namespaces: ESP chosen and timed, ping
# and TCP over it, fallback to HTTPS when UDP is dropped from the start
# (within the hold-off plus a second) and in the middle (within the DPD
# bound, with a TCP connection surviving), a rekey under traffic, and an
# independent decryption of our packets captured on the wire.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"
trap 'ns_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE

if ! ns_usable; then
	t_skip "tunnel over ESP" "needs root, iproute2 and /dev/net/tun"
	t_done
	exit 0
fi
ns_setup || { t_fail "namespaces"; t_done; exit 1; }
ns_gateway --user alice:pw --keylog "$ns_tmp/keylog" --timeout 3600 \
	--ip6-pool 2001:db8:1::/64 ||
	{ t_fail "gateway"; t_done; exit 1; }
url=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
CL_STDIN="$ns_tmp/cookie"
have_iperf=$(command -v iperf3)

login() {
	printf 'pw\n' | in_cl timeout 20 "$TOP_BUILDDIR/openconnect" \
		--protocol=gp --cafile "$CERTDIR/ca.pem" --no-system-trust \
		--resolve "gateway.test:$GW_IP" -u alice --cookieonly "$url" \
		>"$ns_tmp/cookie" 2>"$ns_tmp/login.err"
}
control() {
	printf 'POST /testgw/control HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#1}" "$1" | in_cl timeout 5 openssl s_client -quiet \
		-connect "$GW_IP:443" 2>/dev/null | grep -q ok
}
stop_client() {
	kill -INT "$cl_pid" 2>/dev/null
	wait "$cl_pid" 2>/dev/null
}
# iperf_bg SECONDS: a TCP stream to the gateway side, in the background.
iperf_bg() {
	in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
	sleep 0.3
	in_cl timeout $(( $1 + 20 )) iperf3 -c "$INNER_IP" -t "$1" -b 20M \
		>"$ns_tmp/iperf" 2>&1 &
	iperf_pid=$!
}

# ESP comes up, and carries ping and TCP.
login
ns_client "$ns_tmp/esp.log" --cookie-on-stdin -s "$script" -v "$url"
if wait_for "$ns_tmp/esp.log" "ESP tunnel up after" 10; then
	t_ok "ESP chosen: $(grep -o 'ESP tunnel up after [0-9]* ms' "$ns_tmp/esp.log")"
else
	t_fail "ESP chosen" "$(tail -5 "$ns_tmp/esp.log")"
fi
# No MTU from the gateway: the base is the TCP route's (the veth's 1500),
# so ESP over IPv4 with HMAC-SHA1 carries 1422 (PROTOCOL.md, MTU).
if grep -q "MTU 1422" "$ns_tmp/esp.log"; then
	t_ok "tunnel MTU from the route to the gateway: 1422"
else
	t_fail "tunnel MTU from the route" "$(grep -m1 'MTU' "$ns_tmp/esp.log")"
fi
ip netns exec "$NS_CL" tcpdump -i "v$NS_CL" -w "$ns_tmp/esp.pcap" -U \
	udp port 4501 >/dev/null 2>"$ns_tmp/tcpdump.err" &
tcpdump_pid=$!
ns_pids="$ns_pids $tcpdump_pid"
wait_for "$ns_tmp/tcpdump.err" "listening on" 5
in_cl ping -c 5 -i 0.2 -W 2 -p 0123456789abcdef "$INNER_IP" >"$ns_tmp/ping" 2>&1 &&
	t_ok "ping over ESP" || t_fail "ping over ESP" "$(cat "$ns_tmp/ping")"
sleep 0.5
kill -INT "$tcpdump_pid" 2>/dev/null
wait "$tcpdump_pid" 2>/dev/null
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import cryptography' 2>/dev/null; then
	/usr/bin/python3 "$TOP_SRCDIR/tests/esp-decrypt.py" "$ns_tmp/esp.pcap" \
		"$ns_tmp/keylog" >"$ns_tmp/decrypted" 2>&1
	rc=$?
	n=$(grep -c " 1 198.18.128.[0-9]* $INNER_IP [0-9]* icmp 8 payload=.*0123456789abcdef" "$ns_tmp/decrypted")
	[ $rc -eq 0 ] && [ "$n" -ge 5 ] &&
		t_ok "our ESP packets decrypt independently ($n echo requests, ICV and padding checked)" ||
		t_fail "independent decryption (rc $rc, $n requests)" "$(head -5 "$ns_tmp/decrypted")"
else
	t_skip "independent decryption" "python3-cryptography missing"
fi
if [ -n "$have_iperf" ]; then
	iperf_bg 3
	wait "$iperf_pid" && t_ok "TCP over ESP" || t_fail "TCP over ESP" "$(tail -3 "$ns_tmp/iperf")"
fi
in_cl ping -6 -c 3 -i 0.2 -W 2 "$INNER_IP6" >"$ns_tmp/ping6" 2>&1 &&
	t_ok "IPv6 over ESP" || t_fail "IPv6 over ESP" "$(cat "$ns_tmp/ping6")"
kill -USR1 "$cl_pid"
wait_for "$ns_tmp/esp.log" "transport ESP" 5 && t_ok "SIGUSR1 reports ESP as the transport" ||
	t_fail "SIGUSR1 on ESP"

# Duplicates are dropped by the replay window and counted; reordered
# packets within the window are delivered.
control "esp-duplicate=2"
in_cl ping -c 6 -i 0.2 -W 2 "$INNER_IP" >"$ns_tmp/dup" 2>&1
rc=$?
control "esp-duplicate=0"
kill -USR1 "$cl_pid"
sleep 0.5
rep=$(sed -n 's/.* \([0-9]*\) replayed.*/\1/p' "$ns_tmp/esp.log" | tail -1)
[ $rc -eq 0 ] && ! grep -q "DUP!" "$ns_tmp/dup" && [ "${rep:-0}" -ge 1 ] &&
	t_ok "duplicated ESP packets dropped and counted ($rep replayed)" ||
	t_fail "duplicates (ping rc $rc, replayed ${rep:-none})" "$(tail -3 "$ns_tmp/dup")"
control "esp-reorder=2"
in_cl ping -c 6 -i 0.2 -W 2 "$INNER_IP" >"$ns_tmp/reorder" 2>&1 &&
	t_ok "reordered ESP packets within the window are delivered" ||
	t_fail "reordering" "$(tail -3 "$ns_tmp/reorder")"
control "esp-reorder=0"
stop_client

# --dtls-local-port: ESP leaves from that port.
login
ns_client "$ns_tmp/port.log" --cookie-on-stdin -s "$script" --dtls-local-port 40123 "$url"
if wait_for "$ns_tmp/port.log" "ESP tunnel up after" 10 &&
   in_cl ss -u -a -n | grep -q ":40123 "; then
	t_ok "--dtls-local-port"
else
	t_fail "--dtls-local-port" "$(in_cl ss -u -a -n)"
fi
stop_client

# UDP dropped from the start: HTTPS within the hold-off plus a second.
control "esp-drop=1"
login
start=$(date +%s%N)
ns_client "$ns_tmp/drop.log" --cookie-on-stdin -s "$script" -v "$url"
if wait_for "$ns_tmp/drop.log" "HTTPS tunnel connected" 15; then
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	in_cl ping -c 3 -i 0.3 -W 2 "$INNER_IP" >"$ns_tmp/ping" 2>&1
	rc=$?
	[ $ms -le 6500 ] && [ $rc -eq 0 ] &&
		t_ok "UDP blocked: HTTPS after $ms ms, traffic flows" ||
		t_fail "UDP blocked: HTTPS after $ms ms (ping rc $rc)"
else
	t_fail "UDP blocked from the start" "$(tail -5 "$ns_tmp/drop.log")"
fi
stop_client

# The same while packets pile up during the hold-off (more than the queue
# holds): they must flow as soon as the HTTPS tunnel is up.
login
ns_client "$ns_tmp/pile.log" --cookie-on-stdin -s "$script" -v "$url"
wait_for "$ns_tmp/pile.log" "probing ESP" 10
in_cl timeout 30 ping -D -i 0.05 -c 300 -W 1 "$INNER_IP" >"$ns_tmp/pile.ping" 2>&1 &
ping_pid=$!
if wait_for "$ns_tmp/pile.log" "HTTPS tunnel connected" 15; then
	t0=$(date +%s.%N)
	wait_for "$ns_tmp/pile.ping" "bytes from" 5 &&
		t_ok "packets queued during the hold-off flow at once on HTTPS" ||
		t_fail "queued packets stuck after the fallback" "$(tail -3 "$ns_tmp/pile.ping")"
else
	t_fail "fallback with packets queued" "$(tail -5 "$ns_tmp/pile.log")"
fi
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
stop_client
control "esp-drop=0"

# UDP dropped mid-session: HTTPS within 2 x DPD; a TCP stream survives.
login
ns_client "$ns_tmp/mid.log" --cookie-on-stdin -s "$script" -v --force-dpd 2 "$url"
wait_for "$ns_tmp/mid.log" "ESP tunnel up after" 10 || t_fail "ESP up before the drop"
if [ -n "$have_iperf" ]; then
	iperf_bg 10
	sleep 2
	control "esp-drop=1"
	start=$(date +%s%N)
	wait_for "$ns_tmp/mid.log" "HTTPS tunnel connected" 15
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	wait "$iperf_pid"
	rc=$?
	[ $rc -eq 0 ] && grep -q "HTTPS tunnel connected" "$ns_tmp/mid.log" &&
		[ $ms -le 6000 ] &&
		t_ok "UDP blocked mid-session: HTTPS after $ms ms, the TCP stream survived" ||
		t_fail "UDP blocked mid-session ($ms ms, iperf rc $rc)" \
			"$(tail -4 "$ns_tmp/mid.log")" "$(tail -3 "$ns_tmp/iperf")"
else
	t_skip "UDP blocked mid-session" "iperf3 missing"
fi
stop_client
control "esp-drop=0"

# Rekey on ESP under traffic: timeout 16 s, rekey at 8 s.
control "timeout=16"
login
ns_client "$ns_tmp/rekey.log" --cookie-on-stdin -s "$script" -v "$url"
wait_for "$ns_tmp/rekey.log" "ESP tunnel up after" 10 || t_fail "ESP up before the rekey"
if [ -n "$have_iperf" ]; then
	iperf_bg 12
	wait "$iperf_pid"
	rc=$?
	ups=$(grep -c "ESP tunnel up after" "$ns_tmp/rekey.log")
	[ $rc -eq 0 ] && grep -qi "rekey" "$ns_tmp/rekey.log" && [ "$ups" -ge 2 ] &&
		t_ok "rekey on ESP under traffic: back on ESP, TCP stream intact" ||
		t_fail "rekey on ESP (iperf rc $rc, ESP up $ups times)" \
			"$(grep -i 'rekey\|ESP\|HTTPS' "$ns_tmp/rekey.log" | tail -6)"
else
	t_skip "rekey on ESP under traffic" "iperf3 missing"
fi
stop_client

# A session that fell back to HTTPS gets ESP back at the next rekey.
control "esp-drop=1"
login
ns_client "$ns_tmp/back.log" --cookie-on-stdin -s "$script" -v "$url"
if wait_for "$ns_tmp/back.log" "HTTPS tunnel connected" 15; then
	control "esp-drop=0"
	wait_for "$ns_tmp/back.log" "ESP tunnel up after" 20 &&
		in_cl ping -c 2 -i 0.3 -W 2 "$INNER_IP" >/dev/null 2>&1 &&
		t_ok "after a fallback to HTTPS, the rekey brings ESP back" ||
		t_fail "ESP back after the rekey" "$(tail -6 "$ns_tmp/back.log")"
else
	t_fail "fallback before the rekey" "$(tail -5 "$ns_tmp/back.log")"
fi
stop_client
control "esp-drop=0"
control "timeout=3600"
t_done
