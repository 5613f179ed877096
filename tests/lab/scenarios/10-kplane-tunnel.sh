#!/bin/bash
# Lab scenario 10: seed 001's two-site tunnel built only through ikegw's kernel adapters
# (kplane-lab: ikegw_vti + ikegw_xfrm), for AES-CBC-256+HMAC-SHA256 and for AES-GCM-128.
# Asserts LAN-to-LAN pings through Tunnel1, ESP and no cleartext on the wire, counters read
# through our APIs equal to ip -s xfrm state / ip -s link / xfrm_stat, and exact growth.
# lab-timeout: 600
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/kplane/lib-kplane.sh
source "$(dirname "$0")/../kplane/lib-kplane.sh"
lab_init
kplane_init

KEY=1        # VTI key = XFRM mark
PINGS=20     # exactly this many echo requests, and as many replies
PING_SIZE=56 # ICMP payload: 84-byte IP packets inside the tunnel
INNER=$((PING_SIZE + 8 + 20))

lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
# The first SA of an algorithm waits for its crypto modules: let the boot's warm-up finish.
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"

# tunnel_up ALG SPI12 SPI21 REQID: Tunnel1 on both sides (r1 sends with SPI12, r2 with SPI21).
tunnel_up() {
	local alg=$1 spi12=$2 spi21=$3 reqid=$4 seed="lab-seed-$1"
	kplane r1 tunnel-up --name Tunnel1 --local 192.168.0.1 --remote 192.168.0.2 --key $KEY \
		--addr 10.0.0.1/24 --route 192.168.200.0/24 --spi-out "$spi12" --spi-in "$spi21" \
		--alg "$alg" --keyseed "$seed" --reqid "$reqid" || lab_fail "tunnel-up r1 ($alg)"
	kplane r2 tunnel-up --name Tunnel1 --local 192.168.0.2 --remote 192.168.0.1 --key $KEY \
		--addr 10.0.0.2/24 --route 192.168.100.0/24 --spi-out "$spi21" --spi-in "$spi12" \
		--alg "$alg" --keyseed "$seed" --reqid "$reqid" || lab_fail "tunnel-up r2 ($alg)"
	lab_wait_for "Tunnel1 up in r1" 60 lab_link_up r1 Tunnel1 || lab_fail "r1 Tunnel1 not up"
	lab_wait_for "Tunnel1 up in r2" 60 lab_link_up r2 Tunnel1 || lab_fail "r2 Tunnel1 not up"
}

# d NS FIELD TAG0 TAG1: the growth of a KP field between two saved snapshots.
declare -A SNAP=()
snap_save() { # snap_save TAG NS...: copies the current KP values under TAG
	local tag=$1 ns k
	shift
	for ns in "$@"; do
		for k in "${!KP[@]}"; do
			if [[ $k == "$ns":* ]]; then
				SNAP[$tag:$k]=${KP[$k]}
			fi
		done
	done
}
d() { echo $((${KP[$1:$2]:-0} - ${SNAP[$3:$1:$2]:-0})); }

# suite ALG SPI12 SPI21 REQID: the whole proof for one algorithm suite.
suite() {
	local alg=$1 spi12=$2 spi21=$3 reqid=$4 got ns tf
	lab_log "=== suite $alg: Tunnel1 through kplane-lab, r1 SPI $spi12, r2 SPI $spi21"
	tunnel_up "$alg" "$spi12" "$spi21" "$reqid"
	lab_save "policies-$alg.txt" ip -n r1 xfrm policy
	tf=${alg/+/ } # the transform as counters prints it
	for ns in r1 r2; do
		kplane_snapshot "$ns" Tunnel1 "$alg-before"
		lab_check "$ns: 2 SAs ($spi12, $spi21)" \
			test "${KP[$ns:sa_spis]}" = "$([ $ns = r1 ] && echo "$spi12,$spi21" || echo "$spi21,$spi12")"
		lab_check "$ns: SA transform is '$tf'" test "${KP[$ns:sa:$spi12:transform]//+/ }" = "$tf"
		lab_check "$ns: SA reqid $reqid" lab_eq "${KP[$ns:sa:$spi12:reqid]:-}" "$((reqid))"
		lab_check "$ns: SAs start at 0 packets" \
			test "${KP[$ns:sa:$spi12:packets]}/${KP[$ns:sa:$spi21:packets]}" = 0/0
	done
	snap_save before r1 r2
	lab_counters_reset r1 eth0
	lab_counters_reset r2 eth0

	lab_log "ping -c $PINGS -s $PING_SIZE 192.168.100.1 -> 192.168.200.1 through Tunnel1"
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
	lab_check "R1 LAN -> R2 LAN: $got/$PINGS replies" lab_eq "$got" $PINGS

	lab_counters_read r1 eth0
	lab_counters_read r2 eth0
	for ns in r1 r2; do
		kplane_snapshot "$ns" Tunnel1 "$alg-after"
		for c in clear_in clear_out ike_in ike_out; do
			lab_check "$ns eth0 $c = 0" lab_eq "${LAB_COUNTERS[$ns:eth0:$c]:-}" 0
		done
		for c in esp_in esp_out; do
			lab_check "$ns eth0 $c = $PINGS" lab_eq "${LAB_COUNTERS[$ns:eth0:$c]:-}" $PINGS
		done
	done
	# Exact growth: requests leave r1 on SPI12 and arrive at r2 on SPI12, replies the other way.
	lab_check "r1 SA $spi12 (out) +$PINGS packets" lab_eq "$(d r1 sa:"$spi12":packets before)" $PINGS
	lab_check "r2 SA $spi12 (in) +$PINGS packets" lab_eq "$(d r2 sa:"$spi12":packets before)" $PINGS
	lab_check "r2 SA $spi21 (out) +$PINGS packets" lab_eq "$(d r2 sa:"$spi21":packets before)" $PINGS
	lab_check "r1 SA $spi21 (in) +$PINGS packets" lab_eq "$(d r1 sa:"$spi21":packets before)" $PINGS
	lab_check "r1 encaps_pkts +$PINGS, decaps_pkts +$PINGS" \
		test "$(d r1 encaps_pkts before)/$(d r1 decaps_pkts before)" = "$PINGS/$PINGS"
	# The VTI counts the inner packets: 84 bytes each.
	for ns in r1 r2; do
		for c in tx rx; do
			lab_check "$ns Tunnel1 ${c}_packets +$PINGS" \
				lab_eq "$(d $ns link:${c}_packets before)" $PINGS
			lab_check "$ns Tunnel1 ${c}_bytes +$((PINGS * INNER)) ($PINGS x $INNER)" \
				lab_eq "$(d $ns link:${c}_bytes before)" $((PINGS * INNER))
		done
		for c in tx_errors rx_errors tx_dropped rx_dropped; do
			lab_check "$ns Tunnel1 $c = 0" lab_eq "${KP[$ns:link:$c]}" 0
		done
		for spi in $spi12 $spi21; do
			lab_check "$ns SA $spi: no replay or integrity errors" test \
				"${KP[$ns:sa:$spi:replay_window_errors]}/${KP[$ns:sa:$spi:replay_errors]}/${KP[$ns:sa:$spi:integrity_errors]}" = 0/0/0
		done
	done
	# Bytes: the kernel counts an SA's bytes on the inner packet (before encapsulation on the
	# way out, after decapsulation on the way in), so each SA grows by exactly PINGS x 84 on
	# both gateways, whatever the ESP overhead of the suite.
	local b
	for spi in $spi12 $spi21; do
		for ns in r1 r2; do
			b=$(d "$ns" "sa:$spi:bytes" before)
			lab_check "$ns SA $spi bytes +$b = $PINGS x $INNER" lab_eq "$b" $((PINGS * INNER))
		done
	done
	# On the wire each packet is RFC 4303 tunnel-mode ESP around the 84-byte inner packet:
	# outer IPv4 20 + SPI/seq 8 + IV + payload padded (with pad length and next header) to the
	# cipher's block + ICV. AES-CBC: IV 16, block 16, HMAC-SHA256-128 ICV 16; GCM: IV 8, block 4,
	# ICV 16. Ingress netdev counters count the IP packet (egress adds the 14-byte MAC header).
	local iv=16 blk=16 icv=16 esp wire
	[[ $alg == aes-gcm-* ]] && iv=8 blk=4
	esp=$((20 + 8 + iv + (INNER + 2 + blk - 1) / blk * blk + icv))
	for ns in r1 r2; do
		wire=${LAB_COUNTERS[$ns:eth0:esp_in:bytes]:-}
		lab_check "$ns eth0: ESP in = $PINGS x $esp bytes ($wire)" lab_eq "$wire" $((PINGS * esp))
	done
}

suite aes-cbc-256+hmac-sha256 0x00001001 0x00002002 100

# tunnel-down removes exactly our objects: SAs and policies of reqid 100, and the VTI.
for ns in r1 r2; do
	out=$(kplane $ns tunnel-down --name Tunnel1 --reqid 100) || lab_fail "tunnel-down $ns"
	lab_log "$ns: $out"
	lab_check "$ns tunnel-down deleted 3 policies, 2 SAs" \
		test "$out" != "${out/3 policies, 2 SAs/}"
	lab_check "$ns: no SA left" test -z "$(ip -n $ns xfrm state)"
	lab_check "$ns: no policy left" test -z "$(ip -n $ns xfrm policy)"
	lab_check "$ns: Tunnel1 gone" test -z "$(ip -n $ns -o link show dev Tunnel1 2>/dev/null)"
done

suite aes-gcm-128 0x00003003 0x00004004 200

lab_log "Tunnel1, both sides, read through ikegw's adapters (kplane-lab counters):"
kplane_table Tunnel1 r1 r2
for ns in r1 r2; do
	lab_log "$ns:"
	kplane $ns counters --name Tunnel1 | sed 's/^/    /'
done
lab_finish
