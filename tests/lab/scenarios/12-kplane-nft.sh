#!/bin/bash
# Lab scenario 12: ikegw's nftables table (ikegw_nft through kplane-lab) on both gateways of
# seed 001's tunnel: the expected rules (nft -j as the oracle), per-peer ESP counters that grow
# with the tunnel traffic, IKE counters that grow with UDP 500/4500 datagrams, "any" counting
# strangers, set-up again is idempotent, removal is clean and leaves other tables alone.
# lab-timeout: 600
# shellcheck disable=SC2317 # functions called through lab_wait_for
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/kplane/lib-kplane.sh
source "$(dirname "$0")/../kplane/lib-kplane.sh"
lab_init
kplane_init

PINGS=10
ALG=aes-gcm-128
# IP lengths of what udp-send sends: 20 (IPv4) + 8 (UDP) + payload
IKE500_LEN=$((20 + 8 + 28))      # IKE header
IKE4500_LEN=$((20 + 8 + 4 + 28)) # non-ESP marker + IKE header
ESPUDP_LEN=$((20 + 8 + 24))      # SPI, sequence number, 16 bytes

lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
kplane r1 tunnel-up --name Tunnel1 --local 192.168.0.1 --remote 192.168.0.2 --key 1 \
	--addr 10.0.0.1/24 --route 192.168.200.0/24 --spi-out 0x5012 --spi-in 0x5021 \
	--alg $ALG --keyseed lab-seed-nft --reqid 500 || lab_fail "tunnel-up r1"
kplane r2 tunnel-up --name Tunnel1 --local 192.168.0.2 --remote 192.168.0.1 --key 1 \
	--addr 10.0.0.2/24 --route 192.168.100.0/24 --spi-out 0x5021 --spi-in 0x5012 \
	--alg $ALG --keyseed lab-seed-nft --reqid 500 || lab_fail "tunnel-up r2"
lab_wait_for "Tunnel1 up in r1" 60 lab_link_up r1 Tunnel1 || lab_fail "r1 Tunnel1 not up"
lab_wait_for "Tunnel1 up in r2" 60 lab_link_up r2 Tunnel1 || lab_fail "r2 Tunnel1 not up"

# rules NS: "comment:verdict" of every rule of chain input, in order (oracle: nft -j).
rules() {
	lab_nsx "$1" nft -j list table inet ikegw | jq -r '[.nftables[] | select(.rule)
		| .rule | select(.chain == "input")
		| "\(.comment):\([.expr[] | select(has("accept") or has("drop")) | keys[0]][0])"]
		| join(" ")'
}
# expected_rules PEER: what docs/nftables.md says the chain holds for one peer.
expected_rules() {
	local k out=
	for k in ike500 ike4500 espudp udp4500 esp; do out+="ikegw:$k:$1:accept "; done
	for k in ike500 ike4500 espudp udp4500 esp; do out+="ikegw:$k:any:drop "; done
	printf '%s' "${out% }"
}
# nft_oracle NS: sums of nft -j's rule counters per peer, lines as nft-counters prints them.
nft_oracle() {
	lab_nsx "$1" nft -j list table inet ikegw | jq -r '
		[.nftables[] | select(.rule) | .rule
			| {c: (.comment | split(":")), n: ([.expr[] | select(.counter) | .counter][0])}
			| select(.n != null)
			| {peer: .c[2], kind: (if .c[1] == "ike500" or .c[1] == "ike4500" then "ike"
				else "esp" end), p: .n.packets, b: .n.bytes}]
		| group_by(.peer) | sort_by(if .[0].peer == "any" then 1 else 0 end)[]
		| "peer \(.[0].peer) ike_pkts \(map(select(.kind == "ike") | .p) | add // 0)"
		+ " ike_bytes \(map(select(.kind == "ike") | .b) | add // 0)"
		+ " esp_pkts \(map(select(.kind == "esp") | .p) | add // 0)"
		+ " esp_bytes \(map(select(.kind == "esp") | .b) | add // 0)"'
}
# counters_match NS: nft-counters (our parser of the rule dump) equals the nft -j sums.
counters_match() {
	local ours theirs
	ours=$(kplane "$1" nft-counters)
	theirs=$(nft_oracle "$1")
	lab_log "$1 nft-counters:"
	printf '    %s\n' "${ours//$'\n'/$'\n    '}"
	lab_check "$1: nft-counters equal the sums of nft -j list table inet ikegw" \
		test "$ours" = "$theirs"
	[ "$ours" = "$theirs" ] || printf '    nft -j: %s\n' "${theirs//$'\n'/$'\n    nft -j: '}"
}
# field NS PEER NAME: one value of nft-counters.
field() {
	kplane "$1" nft-counters | awk -v p="$2" -v f="$3" '$2 == p {
		for (i = 3; i < NF; i += 2) if ($i == f) { print $(i + 1); found = 1 } }
		END { exit !found }'
}

# 1. Set-up and the rules.
kplane r1 nft-setup --peer 192.168.0.2 || lab_fail "nft-setup r1"
kplane r2 nft-setup --peer 192.168.0.1 || lab_fail "nft-setup r2"
lab_save table-r2.txt lab_nsx r2 nft list table inet ikegw
lab_save table-r2.json lab_nsx r2 nft -j list table inet ikegw
sed 's/^/    /' "$RESULTS/table-r2.txt"
lab_check "r1: chain input holds the peer block and the any block" \
	test "$(rules r1)" = "$(expected_rules 192.168.0.2)"
lab_check "r2: chain input holds the peer block and the any block" \
	test "$(rules r2)" = "$(expected_rules 192.168.0.1)"
lab_check "r2: chain input: filter hook input priority -10 policy accept" test \
	"$(jq -r '.nftables[] | select(.chain.name == "input") | .chain | "\(.type) \(.hook) \(.prio) \(.policy)"' \
		"$RESULTS/table-r2.json")" = "filter input -10 accept"
lab_check "r2: no forward chain without MSS clamping" \
	test -z "$(jq -r '.nftables[] | select(.chain.name == "forward") | .chain.name' "$RESULTS/table-r2.json")"
counters_match r2
lab_check "r2: every counter starts at 0" test "$(kplane r2 nft-counters)" = \
	"$(printf 'peer 192.168.0.1 ike_pkts 0 ike_bytes 0 esp_pkts 0 esp_bytes 0\npeer any ike_pkts 0 ike_bytes 0 esp_pkts 0 esp_bytes 0')"

# 2. ESP: the tunnel's traffic, counted per peer on the receiving side.
lab_counters_reset r1 eth0
lab_counters_reset r2 eth0
got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
lab_check "R1 LAN -> R2 LAN through Tunnel1 with our table: $got/$PINGS" lab_eq "$got" $PINGS
lab_counters_read r1 eth0
lab_counters_read r2 eth0
lab_check "r2 counts $PINGS ESP packets from 192.168.0.1" \
	lab_eq "$(field r2 192.168.0.1 esp_pkts)" $PINGS
lab_check "r2 ESP bytes from 192.168.0.1 = the wire's esp_in bytes (${LAB_COUNTERS[r2:eth0:esp_in:bytes]})" \
	lab_eq "$(field r2 192.168.0.1 esp_bytes)" "${LAB_COUNTERS[r2:eth0:esp_in:bytes]}"
lab_check "r1 counts $PINGS ESP packets (the replies) from 192.168.0.2" \
	lab_eq "$(field r1 192.168.0.2 esp_pkts)" $PINGS
lab_check "r1 ESP bytes from 192.168.0.2 = the wire's esp_in bytes (${LAB_COUNTERS[r1:eth0:esp_in:bytes]})" \
	lab_eq "$(field r1 192.168.0.2 esp_bytes)" "${LAB_COUNTERS[r1:eth0:esp_in:bytes]}"
lab_check "no IKE counted yet on r2" lab_eq "$(field r2 192.168.0.1 ike_pkts)" 0
esp_before=$(field r2 192.168.0.1 esp_bytes)

# 3. IKE: UDP 500 and 4500 (zero marker) from the peer, ESP-in-UDP, a keepalive, a stranger.
lab_counters_reset r2 eth0
kplane r1 udp-send --dst 192.168.0.2 --port 500 --sport 500 --count 3 || lab_fail "udp-send 500"
kplane r1 udp-send --dst 192.168.0.2 --port 4500 --sport 4500 --count 2 || lab_fail "udp-send 4500"
kplane r1 udp-send --dst 192.168.0.2 --port 4500 --sport 4500 --payload esp ||
	lab_fail "udp-send esp-in-udp"
kplane r1 udp-send --dst 192.168.0.2 --port 4500 --sport 4500 --payload keepalive ||
	lab_fail "udp-send keepalive"
kplane r1 udp-send --src 192.168.100.1 --dst 192.168.0.2 --port 500 || lab_fail "udp-send stranger"
ike_seen() { lab_eq "$(lab_counter r2 eth0 ike_in)" 6; }
lab_wait_for "6 IKE datagrams on r2 eth0" 30 ike_seen || lab_log "r2 eth0 did not see 6 IKE datagrams"
lab_counters_read r2 eth0
counters_match r2
lab_check "r2: IKE from 192.168.0.1: 3 x UDP 500 + 2 x UDP 4500 = 5 packets" \
	lab_eq "$(field r2 192.168.0.1 ike_pkts)" 5
lab_check "r2: IKE bytes from 192.168.0.1 = 3 x $IKE500_LEN + 2 x $IKE4500_LEN" \
	lab_eq "$(field r2 192.168.0.1 ike_bytes)" $((3 * IKE500_LEN + 2 * IKE4500_LEN))
lab_check "r2: ESP-in-UDP counted as ESP: $PINGS + 1 packets" \
	lab_eq "$(field r2 192.168.0.1 esp_pkts)" $((PINGS + 1))
lab_check "r2: ESP bytes grew by the ESP-in-UDP datagram ($ESPUDP_LEN)" \
	lab_eq "$(field r2 192.168.0.1 esp_bytes)" $((esp_before + ESPUDP_LEN))
lab_check "r2: the stranger 192.168.100.1 counted under any: 1 IKE packet, $IKE500_LEN bytes" \
	test "$(field r2 any ike_pkts)/$(field r2 any ike_bytes)" = "1/$IKE500_LEN"
lab_check "r2: the wire saw the same IKE packets (eth0 ike_in 6, $((3 * IKE500_LEN + 2 * IKE4500_LEN + IKE500_LEN)) bytes)" \
	test "${LAB_COUNTERS[r2:eth0:ike_in]}/${LAB_COUNTERS[r2:eth0:ike_in:bytes]}" = \
	"6/$((3 * IKE500_LEN + 2 * IKE4500_LEN + IKE500_LEN))"

# 4. Set-up again: the same table (counters restart from 0, as documented).
kplane r2 nft-setup --peer 192.168.0.1 || lab_fail "nft-setup r2 again"
lab_check "r2: set-up again gives exactly the same rules" \
	test "$(rules r2)" = "$(expected_rules 192.168.0.1)"
lab_check "r2: still one table named ikegw" \
	lab_eq "$(lab_nsx r2 nft -j list tables | jq '[.nftables[] | select(.table.name == "ikegw")] | length')" 1
lab_check "r2: counters restarted from 0" \
	test "$(field r2 192.168.0.1 ike_pkts)/$(field r2 192.168.0.1 esp_pkts)/$(field r2 any ike_pkts)" = 0/0/0
kplane r1 udp-send --dst 192.168.0.2 --port 500 --sport 500 --count 2 || lab_fail "udp-send 500"
two_ike() { lab_eq "$(field r2 192.168.0.1 ike_pkts)" 2; }
lab_wait_for "2 IKE packets counted after the second set-up" 30 two_ike ||
	lab_log "r2 did not count 2 IKE packets"
lab_check "r2: the rebuilt table counts (2 IKE packets)" lab_eq "$(field r2 192.168.0.1 ike_pkts)" 2
counters_match r2

# 5. Removal: our table gone, nothing else touched, idempotent, the tunnel unaffected.
for ns in r1 r2; do
	kplane $ns nft-remove || lab_fail "nft-remove $ns"
	lab_check "$ns: table inet ikegw is gone" \
		lab_eq "$(lab_nsx $ns nft -j list tables | jq '[.nftables[] | select(.table.name == "ikegw")] | length')" 0
	lab_check "$ns: the lab's netdev table is still there" \
		lab_eq "$(lab_nsx $ns nft -j list tables | jq '[.nftables[] | select(.table.name == "lab_eth0")] | length')" 1
	lab_check "$ns: nft-remove again succeeds" kplane $ns nft-remove
	lab_check "$ns: nft-counters without the table prints nothing" test -z "$(kplane $ns nft-counters)"
done
got=$(lab_ping r1 192.168.100.1 192.168.200.1 3)
lab_check "the tunnel still carries traffic after the removal: $got/3" lab_eq "$got" 3
lab_finish
