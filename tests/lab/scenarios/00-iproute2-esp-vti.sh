#!/bin/bash
# Lab scenario 00: the VM's data plane with iproute2 only. Seed 001's two sites, manually keyed
# ESP SAs (AES-GCM one way, AES-CBC + HMAC-SHA256 the other) bound to a route-based VTI by mark,
# LAN-to-LAN pings both ways; asserts ESP on the wire, no cleartext, and moving SA/VTI counters.
# lab-timeout: 600
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
lab_init

KEY=1 # VTI key = XFRM mark
SPI12=0x00001001
SPI21=0x00002002
GCM_KEY=0x4a8f0d5e0b3c1d2e3f405162738495a6b7c8d9e0 # 128-bit AES key + 32-bit salt
CBC_KEY=0x0f1e2d3c4b5a69788796a5b4c3d2e1f0
HMAC_KEY=0x8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677
PINGS=5

lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0

# 1. The counters must see cleartext when there is some: route R1's LAN traffic in the clear once.
lab_log "oracle check: one cleartext LAN packet over eth0 must be counted"
ip -n r1 route add 192.168.200.0/24 via 192.168.0.2 dev eth0
lab_nsx r1 ping -n -q -c 1 -W 2 -I 192.168.100.1 192.168.200.1 >/dev/null 2>&1 || :
clear_seen() { lab_gt "$(lab_counter r2 eth0 clear_in)" 0; }
lab_wait_for "cleartext counted on r2 eth0" 60 clear_seen ||
	lab_fail "the counters on eth0 did not see a cleartext LAN packet"
lab_counters_read r1 eth0
lab_counters_read r2 eth0
lab_check "r1 eth0 counts the cleartext packet leaving (clear_out > 0)" \
	lab_gt "${LAB_COUNTERS[r1:eth0:clear_out]:-}" 0
lab_check "r2 eth0 counts the cleartext packet arriving (clear_in > 0)" \
	lab_gt "${LAB_COUNTERS[r2:eth0:clear_in]:-}" 0
lab_check "the cleartext ICMP packet is not counted as ESP" \
	lab_eq "${LAB_COUNTERS[r1:eth0:esp_out]:-}" 0
ip -n r1 route del 192.168.200.0/24 via 192.168.0.2 dev eth0
lab_counters_reset r1 eth0
lab_counters_reset r2 eth0

# 2. The tunnel: identical SAs on both sides, policies with the VTI's mark, VTI, route.
# tunnel_side NS LOCAL REMOTE TUNNEL_ADDR PEER_TUNNEL_ADDR PEER_LAN
tunnel_side() {
	local ns=$1 local=$2 remote=$3 addr=$4 peer=$5 peer_lan=$6
	ip -n "$ns" -batch - <<-EOF
		xfrm state add src 192.168.0.1 dst 192.168.0.2 proto esp spi $SPI12 mode tunnel mark $KEY aead rfc4106(gcm(aes)) $GCM_KEY 128
		xfrm state add src 192.168.0.2 dst 192.168.0.1 proto esp spi $SPI21 mode tunnel mark $KEY enc cbc(aes) $CBC_KEY auth-trunc hmac(sha256) $HMAC_KEY 128
		xfrm policy add dir out src 0.0.0.0/0 dst 0.0.0.0/0 mark $KEY tmpl src $local dst $remote proto esp mode tunnel
		xfrm policy add dir in src 0.0.0.0/0 dst 0.0.0.0/0 mark $KEY tmpl src $remote dst $local proto esp mode tunnel
		xfrm policy add dir fwd src 0.0.0.0/0 dst 0.0.0.0/0 mark $KEY tmpl src $remote dst $local proto esp mode tunnel
		link add Tunnel1 type vti local $local remote $remote key $KEY
	EOF
	lab_vti_sysctls "$ns" Tunnel1
	ip -n "$ns" -batch - <<-EOF
		addr add $addr dev Tunnel1
		link set Tunnel1 up
		route add $peer_lan via $peer dev Tunnel1
	EOF
}
lab_log "installing SAs, policies, Tunnel1 and routes"
tunnel_side r1 192.168.0.1 192.168.0.2 10.0.0.1/24 10.0.0.2 192.168.200.0/24
tunnel_side r2 192.168.0.2 192.168.0.1 10.0.0.2/24 10.0.0.1 192.168.100.0/24
lab_wait_for "Tunnel1 up in r1" 60 lab_link_up r1 Tunnel1 || lab_fail "r1 Tunnel1 not up"
lab_wait_for "Tunnel1 up in r2" 60 lab_link_up r2 Tunnel1 || lab_fail "r2 Tunnel1 not up"

for ns in r1 r2; do
	lab_xfrm_read "$ns"
	lab_check "$ns has 2 SAs" lab_eq "${LAB_SA[$ns:count]:-}" 2
	for spi in $SPI12 $SPI21; do
		lab_check "$ns SA $spi is installed and unused" lab_eq "${LAB_SA[$ns:$spi:packets]:-}" 0
	done
done
tx0=$(lab_link_stat r1 Tunnel1 tx_packets)
rx0=$(lab_link_stat r1 Tunnel1 rx_packets)

# 3. Traffic LAN to LAN, both directions.
lab_log "ping 192.168.100.1 -> 192.168.200.1 through Tunnel1"
got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
lab_check "R1 LAN -> R2 LAN: $got/$PINGS replies" lab_eq "$got" $PINGS
lab_log "ping 192.168.200.1 -> 192.168.100.1 through Tunnel1"
got=$(lab_ping r2 192.168.200.1 192.168.100.1 $PINGS)
lab_check "R2 LAN -> R1 LAN: $got/$PINGS replies" lab_eq "$got" $PINGS

# 4. Evidence on the wire and in the kernel.
lab_counters_read r1 eth0
lab_counters_read r2 eth0
lab_xfrm_read r1
lab_xfrm_read r2
lab_save link-r1.txt ip -n r1 -s -d link show Tunnel1
lab_save xfrm-policy-r1.txt ip -n r1 xfrm policy

min=$((2 * PINGS)) # each side sends PINGS requests and PINGS replies
for ns in r1 r2; do
	for c in clear_in clear_out ike_in ike_out; do
		lab_check "$ns eth0 $c = 0" lab_eq "${LAB_COUNTERS[$ns:eth0:$c]:-}" 0
	done
	for c in esp_in esp_out; do
		lab_check "$ns eth0 $c >= $min" lab_ge "${LAB_COUNTERS[$ns:eth0:$c]:-}" $min
	done
done
# Every ESP packet R1 sends is SA $SPI12, decrypted by R2 with the same SA (and back with $SPI21).
e12=${LAB_COUNTERS[r1:eth0:esp_out]:-}
e21=${LAB_COUNTERS[r2:eth0:esp_out]:-}
lab_check "r2 receives every ESP packet r1 sends ($e12)" lab_eq "${LAB_COUNTERS[r2:eth0:esp_in]:-}" "$e12"
lab_check "r1 receives every ESP packet r2 sends ($e21)" lab_eq "${LAB_COUNTERS[r1:eth0:esp_in]:-}" "$e21"
lab_check "r1 SA $SPI12 (out, AES-GCM) counted $e12 packets" lab_eq "${LAB_SA[r1:$SPI12:packets]:-}" "$e12"
lab_check "r2 SA $SPI12 (in, AES-GCM) counted $e12 packets" lab_eq "${LAB_SA[r2:$SPI12:packets]:-}" "$e12"
lab_check "r2 SA $SPI21 (out, AES-CBC/SHA256) counted $e21 packets" \
	lab_eq "${LAB_SA[r2:$SPI21:packets]:-}" "$e21"
lab_check "r1 SA $SPI21 (in, AES-CBC/SHA256) counted $e21 packets" \
	lab_eq "${LAB_SA[r1:$SPI21:packets]:-}" "$e21"
lab_check "r1 SA $SPI12 counted bytes" lab_gt "${LAB_SA[r1:$SPI12:bytes]:-}" 0
tx1=$(lab_link_stat r1 Tunnel1 tx_packets)
rx1=$(lab_link_stat r1 Tunnel1 rx_packets)
lab_check "r1 Tunnel1 tx_packets grew by >= $min ($tx0 -> $tx1)" lab_ge $((tx1 - tx0)) $min
lab_check "r1 Tunnel1 rx_packets grew by >= $min ($rx0 -> $rx1)" lab_ge $((rx1 - rx0)) $min

lab_log "R1 Tunnel1 and its SAs (ip -s xfrm state, ip -s link):"
sed 's/^/    /' "$RESULTS/xfrm-state-r1.txt" "$RESULTS/link-r1.txt"
lab_finish
