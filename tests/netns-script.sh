#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A small vpnc-script for the namespace tests: records its environment in
# $OC_TEST_ENVDIR/env.<reason> and configures the device with ip.
[ -n "$OC_TEST_ENVDIR" ] && env | sort >"$OC_TEST_ENVDIR/env.$reason"
case $reason in
connect)
	ip link set "$TUNDEV" up mtu "${INTERNAL_IP4_MTU:-1400}"
	[ -n "$INTERNAL_IP4_ADDRESS" ] &&
		ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
	[ -n "$INTERNAL_IP6_NETMASK" ] &&
		ip -6 addr add "$INTERNAL_IP6_NETMASK" dev "$TUNDEV" nodad
	i=0
	while [ $i -lt "${CISCO_SPLIT_INC:-0}" ]; do
		eval ip route add "\$CISCO_SPLIT_INC_${i}_ADDR/\$CISCO_SPLIT_INC_${i}_MASKLEN" dev "$TUNDEV"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "${CISCO_IPV6_SPLIT_INC:-0}" ]; do
		eval ip -6 route add "\$CISCO_IPV6_SPLIT_INC_${i}_ADDR/\$CISCO_IPV6_SPLIT_INC_${i}_MASKLEN" dev "$TUNDEV"
		i=$((i + 1))
	done
	;;
disconnect)
	;;
esac
exit 0
