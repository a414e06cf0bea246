#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# More of the tunnel: IPv6 inside, Debian's own vpnc-script (with the
# namespace's own resolv.conf), SIGUSR2, -b with --pid-file, -U, and
# Debian's openconnect as the client of our gateway.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"
trap 'ns_cleanup; rm -rf "/etc/netns/$NS_CL"' EXIT
trap 'exit 1' INT TERM HUP PIPE

if ! ns_usable; then
	t_skip "more tunnel tests" "needs root, iproute2 and /dev/net/tun"
	t_done
	exit 0
fi
ns_setup || { t_fail "namespaces"; t_done; exit 1; }
ns_gateway --user alice:pw --ip6-pool 2001:db8:1::/64 --dns 198.19.0.53 \
	--dns-suffix corp.example || { t_fail "gateway"; t_done; exit 1; }
url=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
CL_STDIN="$ns_tmp/cookie"
export OC_TEST_ENVDIR="$ns_tmp"

login() {
	printf 'pw\n' | in_cl timeout 20 "$TOP_BUILDDIR/openconnect" \
		--protocol=gp --cafile "$CERTDIR/ca.pem" --no-system-trust \
		--resolve "gateway.test:$GW_IP" -u alice --cookieonly "$url" \
		>"$ns_tmp/cookie" 2>"$ns_tmp/login.err"
}
stop_client() {
	kill -INT "$cl_pid" 2>/dev/null
	wait "$cl_pid" 2>/dev/null
}

# IPv6 inside the tunnel.
login
ns_client "$ns_tmp/v6.log" --cookie-on-stdin --no-dtls -s "$script" "$url"
if wait_for "$ns_tmp/v6.log" "using HTTPS" 15 &&
   grep -q "^INTERNAL_IP6_NETMASK=2001:db8:1::" "$ns_tmp/env.connect"; then
	in_cl ping -6 -c 3 -i 0.3 -W 2 "$INNER_IP6" >"$ns_tmp/ping6" 2>&1 &&
		t_ok "IPv6 through the tunnel" ||
		t_fail "IPv6 ping" "$(cat "$ns_tmp/ping6")"
else
	t_fail "IPv6 address from the gateway" "$(grep IP6 "$ns_tmp/env.connect")"
fi

if command -v iperf3 >/dev/null; then
	in_gw iperf3 -s -B "$INNER_IP6" -1 -D >/dev/null 2>&1
	sleep 0.3
	in_cl timeout 20 iperf3 -6 -c "$INNER_IP6" -t 2 >"$ns_tmp/iperf6" 2>&1 &&
		t_ok "TCP over IPv6 inside the tunnel" ||
		t_fail "TCP over IPv6" "$(tail -3 "$ns_tmp/iperf6")"
fi

# A malformed frame from the gateway: the client reconnects.
control() {
	printf 'POST /testgw/control HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#1}" "$1" | in_cl timeout 5 openssl s_client -quiet \
		-connect "$GW_IP:443" 2>/dev/null | grep -q ok
}
control "malformed-frame=1"
if wait_for "$ns_tmp/v6.log" "Bad frame on the HTTPS tunnel" 10 &&
   wait_for "$ns_tmp/v6.log" "Reconnected" 15; then
	control "malformed-frame=0"
	sleep 1
	in_cl ping -c 2 -i 0.3 -W 2 "$INNER_IP" >/dev/null 2>&1 &&
		t_ok "a malformed frame leads to a reconnect, not a crash" ||
		t_fail "traffic after the malformed frame"
else
	t_fail "malformed frame" "$(tail -5 "$ns_tmp/v6.log")"
fi
control "malformed-frame=0"

# SIGUSR2: drop the connections and reconnect at once.
kill -USR2 "$cl_pid"
wait_for "$ns_tmp/v6.log" "Reconnected" 10 &&
	in_cl ping -c 2 -i 0.3 -W 2 "$INNER_IP" >/dev/null 2>&1 &&
	t_ok "SIGUSR2 reconnects" || t_fail "SIGUSR2" "$(tail -5 "$ns_tmp/v6.log")"
stop_client

# Debian's vpnc-script, with the namespace's own resolv.conf.
vs=/usr/share/vpnc-scripts/vpnc-script
if [ -x "$vs" ]; then
	mkdir -p "/etc/netns/$NS_CL"
	echo "nameserver 198.18.0.254" >"/etc/netns/$NS_CL/resolv.conf"
	login
	ns_client "$ns_tmp/vs.log" --cookie-on-stdin --no-dtls -s "$vs" "$url"
	if wait_for "$ns_tmp/vs.log" "using HTTPS" 15 &&
	   in_cl ping -c 2 -i 0.3 -W 2 "$INNER_IP" >"$ns_tmp/vsping" 2>&1 &&
	   in_cl grep -q "198.19.0.53" /etc/resolv.conf; then
		t_ok "Debian's vpnc-script sets up routes and DNS"
	else
		t_fail "Debian's vpnc-script" "$(tail -5 "$ns_tmp/vs.log")" \
			"$(in_cl cat /etc/resolv.conf)"
	fi
	stop_client
	in_cl grep -q "198.19.0.53" /etc/resolv.conf &&
		t_fail "resolv.conf restored after disconnect" ||
		t_ok "resolv.conf restored after disconnect"
else
	t_skip "Debian's vpnc-script" "vpnc-scripts not installed"
	t_skip "resolv.conf restored" "vpnc-scripts not installed"
fi

# -S: packets on the script's standard input and output. The script
# here answers nothing; the session must still come up and go down.
cat >"$ns_tmp/tunscript" <<'EOF2'
#!/bin/sh
env | sort >"$OC_TEST_ENVDIR/env.script-tun"
exec cat >/dev/null
EOF2
chmod +x "$ns_tmp/tunscript"
login
ns_client "$ns_tmp/st.log" --cookie-on-stdin --no-dtls -S -s "$ns_tmp/tunscript" "$url"
if wait_for "$ns_tmp/st.log" "using HTTPS" 15 &&
   wait_for "$ns_tmp/env.script-tun" "INTERNAL_IP4_ADDRESS=" 5; then
	t_ok "-S: the script gets the packets and the variables"
else
	t_fail "-S" "$(tail -5 "$ns_tmp/st.log")"
fi
stop_client

# --syslog: nothing on stderr.
login
ns_client "$ns_tmp/sl.log" --cookie-on-stdin --no-dtls -s "$script" -l "$url"
sleep 3
kill -0 "$cl_pid" 2>/dev/null && ! grep -q "using HTTPS" "$ns_tmp/sl.log" &&
	t_ok "--syslog keeps stderr quiet" || t_fail "--syslog" "$(cat "$ns_tmp/sl.log")"
stop_client

# -b and --pid-file; -U drops root for good.
login
in_cl "$TOP_BUILDDIR/openconnect" --protocol=gp --cafile "$CERTDIR/ca.pem" \
	--no-system-trust --resolve "gateway.test:$GW_IP" --cookie-on-stdin \
	--no-dtls -s "$script" -b --pid-file "$ns_tmp/oc.pid" -U nobody "$url" \
	<"$ns_tmp/cookie" >"$ns_tmp/bg.log" 2>&1
rc=$?
n=0
while [ ! -s "$ns_tmp/oc.pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
pid=$(cat "$ns_tmp/oc.pid" 2>/dev/null)
ns_pids="$ns_pids $pid"
if [ $rc -eq 0 ] && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	t_ok "-b detaches (exit 0) and --pid-file names the daemon"
else
	t_fail "-b / --pid-file (exit $rc)" "$(tail -5 "$ns_tmp/bg.log")"
fi
st=/proc/$pid/status
# Real, effective, saved and file-system ids all the target's, no
# supplementary group (the client clears them), no capability left.
u=$(id -u nobody)
g=$(id -g nobody)
if [ -r "$st" ] && grep -q "^Uid:[[:space:]]*$u[[:space:]]*$u[[:space:]]*$u[[:space:]]*$u[[:space:]]*$" "$st" &&
   grep -q "^Gid:[[:space:]]*$g[[:space:]]*$g[[:space:]]*$g[[:space:]]*$g[[:space:]]*$" "$st" &&
   grep -q "^Groups:[[:space:]]*$" "$st" &&
   grep -q "^CapPrm:[[:space:]]*0*$" "$st" &&
   grep -q "^CapEff:[[:space:]]*0*$" "$st" &&
   ! grep -q "^CapAmb:.*[1-9a-f]" "$st" &&
   in_cl ping -c 2 -i 0.3 -W 2 "$INNER_IP" >/dev/null 2>&1; then
	t_ok "-U: uids, gids (real, effective, saved, fs), groups and capabilities dropped; tunnel works"
else
	t_fail "-U" "$(grep -E '^(Uid|Gid|Groups|Cap)' "$st" 2>/dev/null)"
fi
kill -INT "$pid" 2>/dev/null
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done

# As NetworkManager runs us: an unprivileged process, a persistent TUN
# device made for it, the cookie on a pipe, syslog, a script that only
# reports (NetworkManager configures the device itself).
cat >"$ns_tmp/nmscript" <<'EOF2'
#!/bin/sh
[ "$reason" = connect ] && env | sort >"$OC_TEST_NMDIR/env.nm"
exit 0
EOF2
chmod 755 "$ns_tmp/nmscript"
nmdir=$(mktemp -d)
chmod 777 "$nmdir"
cp "$ns_tmp/nmscript" "$nmdir/nmscript"
in_cl ip tuntap add dev nmtun0 mode tun user nobody group nogroup
login
chmod 644 "$ns_tmp/cookie"
OC_TEST_NMDIR="$nmdir" ip netns exec "$NS_CL" setpriv --reuid=nobody \
	--regid=nogroup --clear-groups "$TOP_BUILDDIR/openconnect" \
	--protocol=gp --servercert "$gw_pin" --syslog --cookie-on-stdin \
	--script "$nmdir/nmscript" --interface nmtun0 \
	--resolve "gateway.test:$GW_IP" "$url" <"$ns_tmp/cookie" \
	>"$ns_tmp/nm.log" 2>&1 &
nm=$!
ns_pids="$ns_pids $nm"
n=0
while [ ! -s "$nmdir/env.nm" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
if [ -s "$nmdir/env.nm" ]; then
	addr=$(sed -n 's/^INTERNAL_IP4_ADDRESS=//p' "$nmdir/env.nm")
	in_cl ip addr add "$addr/32" dev nmtun0
	in_cl ip link set nmtun0 up
	in_cl ip route add 198.19.0.0/16 dev nmtun0
	sleep 1
	in_cl ping -c 3 -i 0.3 -W 2 "$INNER_IP" >"$ns_tmp/nmping" 2>&1 &&
		t_ok "unprivileged, on a persistent TUN device, as NetworkManager runs it" ||
		t_fail "NetworkManager-style run: ping" "$(cat "$ns_tmp/nmping")"
else
	t_fail "NetworkManager-style run" "$(tail -5 "$ns_tmp/nm.log")"
fi
kill -INT "$nm" 2>/dev/null
wait "$nm"
rc=$?
[ $rc -eq 0 ] && t_ok "SIGINT ends it with exit 0, as NetworkManager expects" ||
	t_fail "NetworkManager-style SIGINT (exit $rc)"
rm -rf "$nmdir"
in_cl ip link del nmtun0 2>/dev/null

# Debian's openconnect over our gateway's HTTPS tunnel.
if [ -x /usr/sbin/openconnect ]; then
	in_cl timeout 60 /usr/sbin/openconnect --protocol=gp --no-dtls \
		--servercert "$gw_pin" --resolve "gateway.test:$GW_IP" -u alice \
		--passwd-on-stdin -s "$script" -i debtun0 "$url" \
		<<EOF2 >"$ns_tmp/deb.log" 2>&1 &
pw
EOF2
	deb=$!
	ns_pids="$ns_pids $deb"
	if wait_for "$ns_tmp/deb.log" "Connected as\|Configured as" 20 &&
	   sleep 1 && in_cl ping -c 3 -i 0.3 -W 2 "$INNER_IP" >"$ns_tmp/debping" 2>&1; then
		t_ok "Debian's openconnect --no-dtls: tunnel and ping via our gateway"
	else
		t_fail "Debian's openconnect over HTTPS" "$(tail -8 "$ns_tmp/deb.log")"
	fi
	if command -v iperf3 >/dev/null; then
		in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
		sleep 0.3
		in_cl timeout 20 iperf3 -c "$INNER_IP" -t 2 >"$ns_tmp/debiperf" 2>&1 &&
			t_ok "Debian's openconnect: TCP transfer" ||
			t_fail "Debian's openconnect: TCP transfer" "$(tail -3 "$ns_tmp/debiperf")"
	fi
	kill -INT "$deb" 2>/dev/null
	wait "$deb" 2>/dev/null
else
	t_skip "Debian's openconnect" "/usr/sbin/openconnect missing"
fi
t_done
