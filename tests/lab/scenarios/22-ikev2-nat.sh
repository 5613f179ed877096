#!/bin/bash
# Lab scenario 22: NAT traversal. R1 sits behind a NAT namespace (nftables masquerade, source
# ports rewritten) and initiates IKEv2 to R2. Asserts that NAT is detected, the exchange moves
# to UDP 4500, the CHILD_SAs are UDP-encapsulated on both sides, LAN-to-LAN pings go through
# Tunnel1 as ESP-in-UDP (no cleartext, no plain ESP on the wire) and the ikegwctl counters equal
# the kernel's.
# lab-timeout: 900
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
lab_init
ikegw_init

PINGS=20
D=$RESULTS/conf
mkdir -p "$D"

# r1 (10.1.0.1, LAN 192.168.100.0/24) -- nat (10.1.0.254 | 192.168.0.254) -- r2 (192.168.0.2,
# LAN 192.168.200.0/24)
lab_ns_add r1
lab_ns_add nat
lab_ns_add r2
ip link add eth0 netns r1 type veth peer name eth0 netns nat
ip link add eth1 netns nat type veth peer name eth0 netns r2
ip -n r1 -batch - <<-EOF
	addr add 10.1.0.1/24 dev eth0
	link set eth0 up
	link add lan0 type dummy
	addr add 192.168.100.1/24 dev lan0
	link set lan0 up
	route add default via 10.1.0.254
EOF
ip -n nat -batch - <<-EOF
	addr add 10.1.0.254/24 dev eth0
	addr add 192.168.0.254/24 dev eth1
	link set eth0 up
	link set eth1 up
EOF
ip -n r2 -batch - <<-EOF
	addr add 192.168.0.2/24 dev eth0
	link set eth0 up
	link add lan0 type dummy
	addr add 192.168.200.1/24 dev lan0
	link set lan0 up
EOF
lab_nsx nat sysctl -q -w net.ipv4.ip_forward=1
# masquerade with rewritten source ports, as a home router or carrier NAT does
lab_nsx nat nft -f - <<-EOF
	table ip labnat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "eth1" meta l4proto udp masquerade to :30000-30999
			oifname "eth1" masquerade
		}
	}
EOF
lab_wait_for "links up" 60 lab_link_up r2 eth0 || lab_fail "r2 eth0 not up"
lab_counters_add r2 eth0
# plain ESP (protocol 50) must not appear once NAT-T is in use
lab_nsx r2 nft -f - <<-EOF
	table netdev labesp50 {
		counter esp50 {}
		chain in {
			type filter hook ingress device "eth0" priority 10;
			ip protocol esp counter name esp50
		}
		chain out {
			type filter hook egress device "eth0" priority 10;
			ip protocol esp counter name esp50
		}
	}
EOF
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"

common() {
	cat <<-EOF
		crypto ikev2 proposal PROP
		 encryption aes-gcm-256
		 prf sha384
		 group 19
		crypto ikev2 policy POL
		 proposal PROP
		crypto ikev2 keyring KR
		 peer PEER
		  address $1
		  pre-shared-key lab-secret-22
		crypto ikev2 profile PROF
		 match identity remote address $2 255.255.255.255
		 authentication remote pre-share
		 authentication local pre-share
		 keyring local KR
		 dpd 10 2 periodic
		crypto ipsec transform-set TS esp-gcm 256
		crypto ipsec profile IPP
		 set transform-set TS
		 set ikev2-profile PROF
	EOF
}
{
	echo "hostname R1"
	common 192.168.0.2 192.168.0.2
	cat <<-EOF
		interface Tunnel1
		 ip address 10.0.0.1 255.255.255.0
		 tunnel source 10.1.0.1
		 tunnel destination 192.168.0.2
		 tunnel protection ipsec profile IPP
		ip route 192.168.200.0 255.255.255.0 Tunnel1
	EOF
} >"$D/r1.conf"
# R2 knows R1 by the NAT's public address (keyring, tunnel) and by its ID (10.1.0.1)
{
	echo "hostname R2"
	common 192.168.0.254 10.1.0.1
	cat <<-EOF
		interface Tunnel1
		 ip address 10.0.0.2 255.255.255.0
		 tunnel source 192.168.0.2
		 tunnel destination 192.168.0.254
		 tunnel protection ipsec profile IPP
		 tunnel initiate never
		ip route 192.168.100.0 255.255.255.0 Tunnel1
	EOF
} >"$D/r2.conf"

ikegw_capture_start r2 eth0 ikev2-nat
ikegw_start r2 "$D/r2.conf"
ikegw_start r1 "$D/r1.conf"
ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "nat: tunnel up" false

ikegw_show_ike r1 nat
ikegw_show_ike r2 nat
lab_check "r1: IKE SA READY" test "${IG[r1:ike_state]}" = READY
for ns in r1 r2; do
	lab_check "$ns: IKE SA on UDP 4500 with NAT-T" test \
		"$(jq -r '.sas[0] | "\(.local_port)/\(.nat_t)"' "$RESULTS/ikev2-$ns-nat.json")" \
		= "4500/true"
done
lab_check "r2 sees R1 on a rewritten source port" test \
	"$(jq -r '.sas[0].remote_port' "$RESULTS/ikev2-r2-nat.json")" != 4500
lab_check "r2: peer 192.168.0.254 (the NAT)" test \
	"$(jq -r '.sas[0].remote' "$RESULTS/ikev2-r2-nat.json")" = 192.168.0.254
for ns in r1 r2; do
	lab_check "$ns: ESP SAs are UDP-encapsulated (kernel)" \
		grep -q "encap type espinudp" <(ip -n "$ns" xfrm state)
done

for ns in r1 r2; do
	ikegw_show_ipsec "$ns" nat-before
done
lab_counters_reset r2 eth0
got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
lab_check "R1 LAN -> R2 LAN through the NAT: $got/$PINGS replies" lab_eq "$got" $PINGS
lab_counters_read r2 eth0
lab_check "r2 eth0: $PINGS ESP-in-UDP in, $PINGS out" test \
	"${LAB_COUNTERS[r2:eth0:esp_in]:-}/${LAB_COUNTERS[r2:eth0:esp_out]:-}" = "$PINGS/$PINGS"
lab_check "r2 eth0: no cleartext" test \
	"${LAB_COUNTERS[r2:eth0:clear_in]:-x}/${LAB_COUNTERS[r2:eth0:clear_out]:-x}" = 0/0
lab_check "r2 eth0: no plain ESP (IP protocol 50) either way" test \
	"$(lab_nsx r2 nft list counter netdev labesp50 esp50 | awk '$1 == "packets" { print $2 }')" = 0
for ns in r1 r2; do
	ikegw_show_ipsec "$ns" nat-after
	lab_check "$ns: encaps +$PINGS decaps +$PINGS" test \
		"$((IG[$ns:encaps_pkts] - IGS[nat-before:$ns:encaps_pkts]))/$((IG[$ns:decaps_pkts] - IGS[nat-before:$ns:decaps_pkts]))" \
		= "$PINGS/$PINGS"
	lab_check "$ns: udp_encap in ikegwctl" test \
		"$(jq -r '.tunnels[0].sas[0].udp_encap' "$RESULTS/ipsec-$ns-nat-after.json")" = true
	ikegw_check_kernel_equal "$ns" nat
done
ikegw_stop r1
ikegw_stop r2
# the NAT-T exchange on UDP 4500 (non-ESP marker) as tshark sees it
ikegw_capture_check ikev2-nat 4
lab_finish
