#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The tunnel through rekeys, a gateway that cuts TCP, a gateway that is
# gone (--reconnect-timeout) and a cookie rejected on reconnect (exit 2).
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"
trap 'ns_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE

if ! ns_usable; then
	t_skip "tunnel faults" "needs root, iproute2 and /dev/net/tun"
	t_done
	exit 0
fi
ns_setup || { t_fail "namespaces"; t_done; exit 1; }
url=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
CL_STDIN="$ns_tmp/cookie"

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

# up LOG ARGS...: a client with a fresh cookie, up on HTTPS.
up() {
	log=$1
	shift
	login || return 1
	ns_client "$log" --cookie-on-stdin --no-dtls -s "$script" -v "$@" "$url"
	wait_for "$log" "using HTTPS" 15
}

stop_client() {
	kill -INT "$cl_pid" 2>/dev/null
	wait "$cl_pid" 2>/dev/null
}

# Rekey: getconfig's timeout of 16 s means a rekey at 8 s.
ns_gateway --user alice:pw --timeout 16 || { t_fail "gateway"; t_done; exit 1; }
up "$ns_tmp/rekey.log" || t_fail "client up for the rekey test"
if command -v iperf3 >/dev/null; then
	in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
	sleep 0.3
	in_cl timeout 30 iperf3 -c "$INNER_IP" -t 12 -b 20M >"$ns_tmp/iperf" 2>&1
	rc=$?
else
	in_cl ping -c 24 -i 0.5 -W 2 "$INNER_IP" >"$ns_tmp/iperf" 2>&1
	rc=$?
fi
grep -q "rekey" "$ns_tmp/rekey.log" && [ $rc -eq 0 ] &&
	t_ok "a transfer lasts through a rekey" ||
	t_fail "rekey under traffic (rc $rc)" "$(grep -i rekey "$ns_tmp/rekey.log")" "$(tail -3 "$ns_tmp/iperf")"
stop_client

# The gateway cuts the tunnel's TCP connection: the client reconnects.
up "$ns_tmp/cut.log" || t_fail "client up for the cut test"
control "close-tls-after=2"
if wait_for "$ns_tmp/cut.log" "Reconnected" 20 &&
   wait_for "$ns_tmp/cut.log" "using HTTPS" 20; then
	control "close-tls-after=0"
	sleep 1
	in_cl ping -c 3 -i 0.3 -W 2 "$INNER_IP" >"$ns_tmp/ping" 2>&1 &&
		t_ok "reconnect after the gateway cuts TCP; traffic flows" ||
		t_fail "traffic after the reconnect" "$(cat "$ns_tmp/ping")"
else
	t_fail "reconnect after a cut" "$(tail -8 "$ns_tmp/cut.log")"
fi
control "close-tls-after=0"
stop_client

# The cookie is rejected when the client comes back: exit 2.
up "$ns_tmp/reject.log" || t_fail "client up for the reject test"
control "reject-cookie=1" && control "close-tls-after=1"
n=0
while kill -0 "$cl_pid" 2>/dev/null && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
wait "$cl_pid"
rc=$?
[ $rc -eq 2 ] && t_ok "cookie rejected on reconnect: exit 2" ||
	t_fail "cookie rejected on reconnect (exit $rc)" "$(tail -5 "$ns_tmp/reject.log")"
control "reject-cookie=0"
control "close-tls-after=0"

# The gateway disappears: the client gives up after --reconnect-timeout.
up "$ns_tmp/gone.log" --reconnect-timeout 4 || t_fail "client up for the gone test"
kill "$gw_ns_pid"
wait "$gw_ns_pid" 2>/dev/null
start=$(date +%s)
n=0
while kill -0 "$cl_pid" 2>/dev/null && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
wait "$cl_pid"
rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 1 ] && grep -q "Giving up" "$ns_tmp/gone.log" && [ $took -lt 40 ] &&
	t_ok "gateway gone: gives up after --reconnect-timeout ($took s), exit 1" ||
	t_fail "reconnect timeout (exit $rc after $took s)" "$(tail -5 "$ns_tmp/gone.log")"
t_done
