# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/guest-soak and scripts/guest-compare: two end
# namespaces, sa (198.51.100.1) and sb (203.0.113.1), routed through a
# third, sr, whose two interfaces carry netem, so that an impairment
# applies in both directions.  $offload (txoff, gso, gro) sets the
# veths' offloads as guest-soak describes.

# Commands run as one ip per namespace (ip -batch) and one tc each: an
# exec costs over a second on the debug kernel.  A sleeper held in each
# end namespace lets its counters and sockets be read through
# /proc/PID/net without a process per reading.
topology_up() {
	ip -batch - <<-EOF || return 1
		netns add sa
		netns add sb
		netns add sr
		link add ra netns sr type veth peer name ea netns sa
		link add rb netns sr type veth peer name eb netns sb
	EOF
	ip -n sa -batch - <<-EOF || return 1
		addr add 198.51.100.1/24 dev ea
		link set lo up
		link set ea up
		route add default via 198.51.100.2
	EOF
	ip -n sb -batch - <<-EOF || return 1
		addr add 203.0.113.1/24 dev eb
		link set lo up
		link set eb up
		route add default via 203.0.113.2
	EOF
	ip -n sr -batch - <<-EOF || return 1
		addr add 198.51.100.2/24 dev ra
		addr add 203.0.113.2/24 dev rb
		link set lo up
		link set ra up
		link set rb up
	EOF
	ip netns exec sr sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' || return 1
	ip netns exec sa sleep 1000000 & holder_sa=$!
	ip netns exec sb sleep 1000000 & holder_sb=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ "/proc/$holder_sa/ns/net" -ef /run/netns/sa ] &&
			[ "/proc/$holder_sb/ns/net" -ef /run/netns/sb ] && break
		sleep 0.1
	done
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
	kill "${holder_sa:-}" "${holder_sb:-}" 2>/dev/null
	wait "${holder_sa:-}" "${holder_sb:-}" 2>/dev/null
	ip -force -batch - <<-EOF 2>/dev/null
		netns del sa
		netns del sb
		netns del sr
	EOF
}

# /proc/net of end namespace NS (sa or sb), read through its sleeper.
ns_proc() { local h=holder_$1; echo "/proc/${!h}/net"; }

counter() {	# NS NAME
	local k v
	while read -r k v; do
		[ "$k" = "$2" ] && { echo "$v"; return; }
	done < "$(ns_proc "$1")/xtcp_snmp"
}

netem() {	# ARGS... on both router interfaces
	tc -n sr qdisc replace dev ra root netem "$@" &&
	tc -n sr qdisc replace dev rb root netem "$@"
}
