# SPDX-License-Identifier: LGPL-2.1-or-later
# The network-namespace harness shared by the tunnel tests, tools/demo
# and the benchmarks. Two namespaces joined by a veth pair:
#
#   client ns  $NS_CL  veth 198.18.0.2/24, 2001:db8::2/64
#   gateway ns $NS_GW  veth 198.18.0.1/24, 2001:db8::1/64
#                      TUN of the gateway 198.19.0.1/16, 2001:db8:19::1/64
#
# Clients get tunnel addresses from the gateway's pool (198.18.128.0/17)
# and reach 198.19.0.1 through the VPN. Nothing touches the root
# namespace; everything is removed on exit, even after a failure.
# Needs TOP_BUILDDIR, CERTDIR; root.

NS_CL=occl$$
NS_GW=ocgw$$
GW_IP=198.18.0.1
GW_IP6=2001:db8::1
INNER_IP=198.19.0.1
INNER_IP6=2001:db8:19::1
ns_tmp=$(mktemp -d)
ns_pids=

ns_cleanup() {
	for p in $ns_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $ns_pids; do
		wait "$p" 2>/dev/null
	done
	ns_pids=
	for ns in "$NS_CL" "$NS_GW"; do
		# Whatever still runs inside goes with the namespace.
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$ns_tmp"
}

# ns_usable: 0 when namespaces can be made here (root, iproute2, TUN).
ns_usable() {
	[ "$(id -u)" -eq 0 ] && command -v ip >/dev/null &&
		[ -c /dev/net/tun ]
}

ns_setup() {
	ip netns add "$NS_CL" && ip netns add "$NS_GW" || return 1
	ip link add "v$NS_CL" netns "$NS_CL" type veth peer name "v$NS_GW" \
		netns "$NS_GW" || return 1
	ip -n "$NS_CL" link set lo up
	ip -n "$NS_GW" link set lo up
	ip -n "$NS_CL" addr add 198.18.0.2/24 dev "v$NS_CL"
	ip -n "$NS_GW" addr add "$GW_IP/24" dev "v$NS_GW"
	ip -n "$NS_CL" addr add 2001:db8::2/64 dev "v$NS_CL" nodad
	ip -n "$NS_GW" addr add "$GW_IP6/64" dev "v$NS_GW" nodad
	ip -n "$NS_CL" link set "v$NS_CL" up
	ip -n "$NS_GW" link set "v$NS_GW" up
}

in_cl() { ip netns exec "$NS_CL" "$@"; }
in_gw() { ip netns exec "$NS_GW" "$@"; }

# ns_gateway ARGS...: the test gateway in its namespace, on $GW_IP:443,
# with its TUN device; waits until it listens.
ns_gateway() {
	rm -f "$ns_tmp/port" "$ns_tmp/pin"
	ip netns exec "$NS_GW" "$TOP_BUILDDIR/tests/gp-testgw/gp-testgw" \
		--listen "$GW_IP:443" --port-file "$ns_tmp/port" \
		--pin-file "$ns_tmp/pin" --control \
		--cert "$CERTDIR/server.pem" --key "$CERTDIR/server-key.pem" \
		--tun gptun0 --tun-addr "$INNER_IP/16" \
		--log "$ns_tmp/gw.log" "$@" >"$ns_tmp/gw.out" 2>&1 &
	ns_pids="$ns_pids $!"
	gw_ns_pid=$!
	i=0
	while [ ! -s "$ns_tmp/port" ] && [ $i -lt 100 ]; do
		kill -0 "$gw_ns_pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$ns_tmp/port" ] || { sed 's/^/# gw: /' "$ns_tmp/gw.out"; return 1; }
	gw_pin=$(cat "$ns_tmp/pin")
}

# ns_client LOG ARGS...: our client in the client namespace, in the
# background, logging to LOG, its standard input from $CL_STDIN (default
# /dev/null); its pid in $cl_pid.
ns_client() {
	log=$1
	shift
	ip netns exec "$NS_CL" "$TOP_BUILDDIR/openconnect" --protocol=gp \
		--cafile "$CERTDIR/ca.pem" --no-system-trust \
		--resolve "gateway.test:$GW_IP" "$@" \
		<"${CL_STDIN:-/dev/null}" >"$log" 2>&1 &
	cl_pid=$!
	ns_pids="$ns_pids $cl_pid"
}

# wait_for FILE PATTERN SECONDS: 0 once PATTERN shows up in FILE.
wait_for() {
	n=$(( $3 * 20 ))
	while [ $n -gt 0 ]; do
		grep -q -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}
