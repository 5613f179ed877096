#!/bin/bash
# Lab scenario 11: make-before-break rekey through ikegw's kernel adapters (kplane-lab) under a
# continuous ping: new inbound SAs on both sides, then new outbound SAs (same reqid: the kernel
# must switch to the newest outbound SA by itself), then the old pair is deleted. Asserts zero
# lost packets, the old outbound SAs frozen after the switch, the new ones carrying everything.
# lab-timeout: 600
# shellcheck disable=SC2317 # functions called through lab_wait_for
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/kplane/lib-kplane.sh
source "$(dirname "$0")/../kplane/lib-kplane.sh"
lab_init
kplane_init

KEY=1
REQID=300
ALG=aes-cbc-256+hmac-sha256
SEED=lab-seed-rekey
OLD12=0x0000a012 OLD21=0x0000a021 # generation 1: r1 -> r2, r2 -> r1
NEW12=0x0000b012 NEW21=0x0000b021 # generation 2
COUNT=3000    # echo requests of the continuous ping
INTERVAL=0.04 # seconds between them: 120 s of traffic (the rekey took 15-20 s on an idle
              # host and over 40 s on a loaded one: the stream must outlast it)
DEADLINE=480  # ping gives up after this many seconds

lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"

kplane r1 tunnel-up --name Tunnel1 --local 192.168.0.1 --remote 192.168.0.2 --key $KEY \
	--addr 10.0.0.1/24 --route 192.168.200.0/24 --spi-out $OLD12 --spi-in $OLD21 \
	--alg $ALG --keyseed $SEED --reqid $REQID || lab_fail "tunnel-up r1"
kplane r2 tunnel-up --name Tunnel1 --local 192.168.0.2 --remote 192.168.0.1 --key $KEY \
	--addr 10.0.0.2/24 --route 192.168.100.0/24 --spi-out $OLD21 --spi-in $OLD12 \
	--alg $ALG --keyseed $SEED --reqid $REQID || lab_fail "tunnel-up r2"
lab_wait_for "Tunnel1 up in r1" 60 lab_link_up r1 Tunnel1 || lab_fail "r1 Tunnel1 not up"
lab_wait_for "Tunnel1 up in r2" 60 lab_link_up r2 Tunnel1 || lab_fail "r2 Tunnel1 not up"
got=$(lab_ping r1 192.168.100.1 192.168.200.1 1)
[ "$got" = 1 ] || lab_fail "the tunnel does not carry a first ping"

# kp NS SPI FIELD: one field of the tunnel's SA as kplane-lab reads it now ("" if absent).
kp() {
	kplane_read "$1" Tunnel1 >/dev/null || return 1
	printf '%s' "${KP[$1:sa:$2:$3]:-}"
}
# grown NS SPI MIN: the SA's packet counter is at least MIN.
grown() {
	local v
	v=$(kp "$1" "$2" packets) || return 1
	[ -n "$v" ] && ((v >= $3))
}

lab_log "continuous ping: $COUNT echo requests every ${INTERVAL}s, 192.168.100.1 -> 192.168.200.1"
ping_out=$RESULTS/ping.txt
lab_nsx r1 ping -n -q -c $COUNT -i $INTERVAL -W 5 -w $DEADLINE -I 192.168.100.1 192.168.200.1 \
	>"$ping_out" 2>&1 &
lab_wait_for "traffic on the old SA $OLD12" 60 grown r1 $OLD12 30 ||
	lab_fail "the ping does not flow through the old SAs"

# 1. make: new inbound SAs first on both sides, so no packet can arrive before its SA.
t0=$(lab_uptime)
kplane r1 sa-add --name Tunnel1 --dir in --spi $NEW21 --alg $ALG --keyseed $SEED --reqid $REQID ||
	lab_fail "sa-add r1 in"
kplane r2 sa-add --name Tunnel1 --dir in --spi $NEW12 --alg $ALG --keyseed $SEED --reqid $REQID ||
	lab_fail "sa-add r2 in"
# 2. switch: new outbound SAs; the old ones stay installed (no policy change).
kplane r1 sa-add --name Tunnel1 --dir out --spi $NEW12 --alg $ALG --keyseed $SEED --reqid $REQID ||
	lab_fail "sa-add r1 out"
kplane r2 sa-add --name Tunnel1 --dir out --spi $NEW21 --alg $ALG --keyseed $SEED --reqid $REQID ||
	lab_fail "sa-add r2 out"
lab_log "new SA pair installed on both sides in $(awk -v a="$t0" -v b="$(lab_uptime)" 'BEGIN { printf "%.1f", b - a }') s"
lab_wait_for "r1 sends on the new SA $NEW12" 60 grown r1 $NEW12 1 || lab_fail "r1 did not switch"
lab_wait_for "r2 sends on the new SA $NEW21" 60 grown r2 $NEW21 1 || lab_fail "r2 did not switch"

# The kernel picks the newest outbound SA: from now on the old outbound SAs must not move.
kplane_read r1 Tunnel1 switched
kplane_read r2 Tunnel1 switched
o12=${KP[r1:sa:$OLD12:packets]} o21=${KP[r2:sa:$OLD21:packets]}
n12=${KP[r1:sa:$NEW12:packets]} n21=${KP[r2:sa:$NEW21:packets]}
lab_log "after the switch: r1 old out $OLD12 $o12 pkts, new out $NEW12 $n12 pkts;" \
	"r2 old out $OLD21 $o21, new out $NEW21 $n21"
lab_check "both sides still have 4 SAs during make-before-break" \
	test "${KP[r1:sa_count]}/${KP[r2:sa_count]}" = 4/4
lab_wait_for "20 more packets on the new SAs" 60 grown r1 $NEW12 $((n12 + 20)) ||
	lab_fail "the new SA stopped carrying the ping"
lab_wait_for "20 more packets on the new SAs (r2)" 60 grown r2 $NEW21 $((n21 + 20)) ||
	lab_fail "the new SA of r2 stopped carrying the ping"
kplane_read r1 Tunnel1 frozen
kplane_read r2 Tunnel1 frozen
lab_check "r1 old outbound SA $OLD12 frozen at $o12 packets (now ${KP[r1:sa:$OLD12:packets]})" \
	lab_eq "${KP[r1:sa:$OLD12:packets]}" "$o12"
lab_check "r2 old outbound SA $OLD21 frozen at $o21 packets (now ${KP[r2:sa:$OLD21:packets]})" \
	lab_eq "${KP[r2:sa:$OLD21:packets]}" "$o21"
lab_check "r2 old inbound SA $OLD12 received exactly what r1 sent on it ($o12)" \
	lab_eq "${KP[r2:sa:$OLD12:packets]}" "$o12"
lab_check "r1 old inbound SA $OLD21 received exactly what r2 sent on it ($o21)" \
	lab_eq "${KP[r1:sa:$OLD21:packets]}" "$o21"

# 3. break: the old outbound SAs, then the old inbound ones.
for ns in r1 r2; do
	if [ $ns = r1 ]; then old_out=$OLD12 old_in=$OLD21; else old_out=$OLD21 old_in=$OLD12; fi
	kplane $ns sa-del --name Tunnel1 --dir out --spi $old_out || lab_fail "sa-del $ns out"
done
for ns in r1 r2; do
	if [ $ns = r1 ]; then old_in=$OLD21; else old_in=$OLD12; fi
	kplane $ns sa-del --name Tunnel1 --dir in --spi $old_in || lab_fail "sa-del $ns in"
done
# Re-asserting the policies (as a daemon does after a reload) must not disturb the traffic.
kplane r1 policy-update --name Tunnel1 --reqid $REQID || lab_fail "policy-update r1"
kplane r2 policy-update --name Tunnel1 --reqid $REQID || lab_fail "policy-update r2"
ping_done() { grep -q 'packets transmitted' "$ping_out"; }
lab_check "the ping was still running when the old SAs were gone" eval '! ping_done'
lab_log "old SAs deleted, policies updated; the ping goes on"
lab_wait_for "the continuous ping to end" $((DEADLINE + 30)) ping_done || lab_fail "ping did not end"
sed 's/^/    /' "$ping_out"
read -r tx rx < <(awk '/packets transmitted/ { print $1, $4 }' "$ping_out")
lab_check "ping: $tx transmitted = $rx received (zero loss across the rekey)" \
	test -n "$tx" -a "$tx" = "$rx"
lab_check "ping: all $COUNT echo requests answered" lab_eq "${rx:-}" $COUNT

# After: exactly the new pair; every packet is accounted for by old + new SAs.
lab_counters_read r1 eth0
lab_counters_read r2 eth0
for ns in r1 r2; do
	kplane_snapshot "$ns" Tunnel1 final
done
lab_check "r1 has only the new SAs ($NEW12,$NEW21)" test "${KP[r1:sa_spis]}" = "$NEW12,$NEW21"
lab_check "r2 has only the new SAs ($NEW21,$NEW12)" test "${KP[r2:sa_spis]}" = "$NEW21,$NEW12"
lab_save policies-r1.txt ip -n r1 xfrm policy
lab_check "r1 still has its 3 policies, reqid $REQID" \
	test "$(grep -c "reqid $REQID " "$RESULTS/policies-r1.txt")" = 3
sent12=$((o12 + ${KP[r1:sa:$NEW12:packets]}))
sent21=$((o21 + ${KP[r2:sa:$NEW21:packets]}))
lab_log "r1 -> r2: $o12 on the old SA + ${KP[r1:sa:$NEW12:packets]} on the new = $sent12 ESP packets"
lab_log "r2 -> r1: $o21 on the old SA + ${KP[r2:sa:$NEW21:packets]} on the new = $sent21 ESP packets"
lab_check "r1 -> r2: old + new SA packets ($sent12) = ESP on the wire (${LAB_COUNTERS[r1:eth0:esp_out]})" \
	lab_eq "$sent12" "${LAB_COUNTERS[r1:eth0:esp_out]}"
lab_check "r2 -> r1: old + new SA packets ($sent21) = ESP on the wire (${LAB_COUNTERS[r2:eth0:esp_out]})" \
	lab_eq "$sent21" "${LAB_COUNTERS[r2:eth0:esp_out]}"
lab_check "r2 received on the new SA all r1 sent on it" \
	lab_eq "${KP[r2:sa:$NEW12:packets]}" "${KP[r1:sa:$NEW12:packets]}"
lab_check "r1 received on the new SA all r2 sent on it" \
	lab_eq "${KP[r1:sa:$NEW21:packets]}" "${KP[r2:sa:$NEW21:packets]}"
lab_check "ESP packets r1 -> r2 = 1 + $COUNT echo requests" lab_eq "$sent12" $((COUNT + 1))
for ns in r1 r2; do
	lab_check "$ns eth0: no cleartext" \
		test "${LAB_COUNTERS[$ns:eth0:clear_in]}/${LAB_COUNTERS[$ns:eth0:clear_out]}" = 0/0
	# shellcheck disable=SC2016 # awk's $2
	lab_check "$ns: xfrm_stat all 0 (no XfrmInNoStates, no errors)" \
		test -z "$(ip netns exec $ns awk '$2 != 0' /proc/net/xfrm_stat)"
done
kplane r1 counters --name Tunnel1 | sed 's/^/    /'
lab_finish
