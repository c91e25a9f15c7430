# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/guest-soak and scripts/guest-compare: two end
# namespaces, sa (198.51.100.1) and sb (203.0.113.1), routed through a
# third, sr, whose two interfaces carry netem, so that an impairment
# applies in both directions.  $offload (txoff, gso, gro) sets the
# veths' offloads as guest-soak describes.

topology_up() {
	ip netns add sa && ip netns add sb && ip netns add sr &&
	ip link add ra netns sr type veth peer name ea netns sa &&
	ip link add rb netns sr type veth peer name eb netns sb &&
	ip -n sa addr add 198.51.100.1/24 dev ea &&
	ip -n sr addr add 198.51.100.2/24 dev ra &&
	ip -n sr addr add 203.0.113.2/24 dev rb &&
	ip -n sb addr add 203.0.113.1/24 dev eb &&
	for ns in sa sb sr; do ip -n $ns link set lo up || return 1; done &&
	ip -n sa link set ea up && ip -n sb link set eb up &&
	ip -n sr link set ra up && ip -n sr link set rb up &&
	ip -n sa route add default via 198.51.100.2 &&
	ip -n sb route add default via 203.0.113.2 &&
	ip netns exec sr sysctl -qw net.ipv4.ip_forward=1 || return 1
	[ "$offload" = gso ] && return 0
	if [ "$offload" = gro ]; then
		ip netns exec sa ethtool -K ea tso off gro on >/dev/null &&
		ip netns exec sb ethtool -K eb tso off gro on >/dev/null &&
		ip netns exec sr ethtool -K ra tso off gro on >/dev/null &&
		ip netns exec sr ethtool -K rb tso off gro on >/dev/null
		return
	fi
	ip netns exec sa ethtool -K ea tx off >/dev/null &&
	ip netns exec sb ethtool -K eb tx off >/dev/null
}

topology_down() {
	ip netns del sa 2>/dev/null
	ip netns del sb 2>/dev/null
	ip netns del sr 2>/dev/null
}

counter() {	# NS NAME
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/xtcp_snmp
}

netem() {	# ARGS... on both router interfaces
	ip netns exec sr tc qdisc replace dev ra root netem "$@" &&
	ip netns exec sr tc qdisc replace dev rb root netem "$@"
}

