#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A real tunnel over HTTPS between two network namespaces: ping and a TCP
# transfer both ways, the vpnc-script's variables, SIGUSR1, and the
# difference between SIGINT (logs out) and SIGHUP (keeps the cookie).
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"
trap 'ns_cleanup; rm -rf "$hipdir"' EXIT
trap 'exit 1' INT TERM HUP PIPE

hipdir=
if ! ns_usable; then
	t_skip "tunnel over HTTPS" "needs root, iproute2 and /dev/net/tun"
	t_done
	exit 0
fi
ns_setup || { t_fail "namespaces"; t_done; exit 1; }
ns_gateway --user alice:pw || { t_fail "the gateway starts"; t_done; exit 1; }
t_ok "namespaces and gateway up"

url=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
export OC_TEST_ENVDIR="$ns_tmp"
CL_STDIN="$ns_tmp/cookie"

cookie() {
	printf 'pw\n' | in_cl timeout 20 "$TOP_BUILDDIR/openconnect" \
		--protocol=gp --cafile "$CERTDIR/ca.pem" --no-system-trust \
		--resolve "gateway.test:$GW_IP" -u alice --cookieonly "$url" \
		2>"$ns_tmp/login.err"
}

# connect LOG: a tunnel with a fresh cookie; waits for the device.
connect() {
	c=$(cookie) || return 1
	printf '%s\n' "$c" >"$ns_tmp/cookie"
	ns_client "$1" --cookie-on-stdin --no-dtls -s "$script" -i octun0 \
		-v "$url"
	wait_for "$1" "TUN device octun0 is up" 10 &&
		wait_for "$1" "HTTPS" 10
}

connect "$ns_tmp/c1.log" && t_ok "client connects over HTTPS" ||
	t_fail "client connects" "$(sed 's/^/  /' "$ns_tmp/c1.log")"

in_cl ping -c 3 -i 0.2 -W 2 "$INNER_IP" >"$ns_tmp/ping" 2>&1 &&
	t_ok "ping through the tunnel" ||
	t_fail "ping through the tunnel" "$(cat "$ns_tmp/ping")"

e="$ns_tmp/env.connect"
ok=1
for want in "reason=connect" "TUNDEV=octun0" "VPNGATEWAY=$GW_IP" \
	    "INTERNAL_IP4_ADDRESS=198.1[89]." "INTERNAL_IP4_NETMASK=255.255.255.255" \
	    "INTERNAL_IP4_MTU=" "CISCO_SPLIT_INC=" "CISCO_SPLIT_INC_0_ADDR=198.19.0.0" \
	    "CISCO_SPLIT_INC_0_MASKLEN=16" "VPNPID=" "LOG_LEVEL="; do
	grep -q "^$want" "$e" 2>/dev/null || { ok=0; echo "# env lacks $want:"; grep "^${want%%=*}" "$e" | sed "s/^/#   /"; }
done
[ $ok -eq 1 ] && t_ok "vpnc-script variables at connect" || t_fail "vpnc-script variables"

if command -v iperf3 >/dev/null; then
	in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
	sleep 0.3
	in_cl timeout 20 iperf3 -c "$INNER_IP" -t 2 -J >"$ns_tmp/up.json" 2>&1 &&
		t_ok "TCP transfer upload" || t_fail "TCP upload" "$(tail -5 "$ns_tmp/up.json")"
	in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
	sleep 0.3
	in_cl timeout 20 iperf3 -c "$INNER_IP" -t 2 -R -J >"$ns_tmp/down.json" 2>&1 &&
		t_ok "TCP transfer download" || t_fail "TCP download" "$(tail -5 "$ns_tmp/down.json")"
else
	t_skip "TCP transfer upload" "iperf3 missing"
	t_skip "TCP transfer download" "iperf3 missing"
fi

kill -USR1 "$cl_pid"
wait_for "$ns_tmp/c1.log" "Sent [0-9]* packets" 5 && t_ok "SIGUSR1 prints the counters" ||
	t_fail "SIGUSR1"

kill -INT "$cl_pid"
wait "$cl_pid"
rc=$?
[ $rc -eq 0 ] && grep -q "Logged out" "$ns_tmp/c1.log" &&
	[ -f "$ns_tmp/env.disconnect" ] &&
	t_ok "SIGINT: logout, disconnect script, exit 0" || t_fail "SIGINT (exit $rc)"
ns_client "$ns_tmp/c2.log" --cookie-on-stdin --no-dtls -s "$script" "$url"
wait "$cl_pid"
rc=$?
[ $rc -eq 2 ] && t_ok "after logout the cookie is rejected: exit 2" ||
	t_fail "cookie after logout (exit $rc)" "$(tail -3 "$ns_tmp/c2.log")"

connect "$ns_tmp/c3.log" || t_fail "second connect"
kill -INT "$cl_pid"
wait "$cl_pid"

# HIP: the gateway wants a report; the wrapper writes it.
hipdir=$(mktemp -d)
chmod 777 "$hipdir"
export OC_TEST_HIPDIR="$hipdir"
CL_HIP="--csd-wrapper $TOP_SRCDIR/tests/hip-wrapper.sh --csd-user nobody"
c=$(cookie) && printf '%s\n' "$c" >"$ns_tmp/cookie"
printf 'POST /testgw/control HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\nConnection: close\r\n\r\nhip-needed=yes' |
	in_cl timeout 5 openssl s_client -quiet -connect "$GW_IP:443" >/dev/null 2>&1
ns_client "$ns_tmp/c5.log" --cookie-on-stdin --no-dtls -s "$script" $CL_HIP "$url"
if wait_for "$ns_tmp/c5.log" "HIP report sent" 10 &&
   grep -q "^--client-ip" "$hipdir/hip.args" && grep -q "^--md5" "$hipdir/hip.args" &&
   grep -q "^APP_VERSION=." "$hipdir/hip.args" &&
   grep -q "^uid=$(id -u nobody)" "$hipdir/hip.args" &&
   grep -q "hipreport.esp" "$ns_tmp/gw.log"; then
	t_ok "HIP report from --csd-wrapper, run as --csd-user"
else
	t_fail "HIP report" "$(cat "$hipdir/hip.args" 2>/dev/null)" "$(tail -5 "$ns_tmp/c5.log")"
fi
kill -INT "$cl_pid"
wait "$cl_pid"
connect "$ns_tmp/c6.log" || t_fail "third connect"
kill -HUP "$cl_pid"
wait "$cl_pid"
rc=$?
ns_client "$ns_tmp/c4.log" --cookie-on-stdin --no-dtls -s "$script" -i octun0 "$url"
if [ $rc -eq 0 ] && wait_for "$ns_tmp/c4.log" "TUN device octun0 is up" 10; then
	t_ok "SIGHUP keeps the cookie valid"
else
	t_fail "SIGHUP (exit $rc)" "$(tail -3 "$ns_tmp/c4.log")"
fi
kill -INT "$cl_pid" 2>/dev/null
wait "$cl_pid" 2>/dev/null
t_done
