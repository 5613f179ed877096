#!/bin/bash
# Lab scenario 21: two ikegwd (R1, R2 of seed 001) negotiate IKEv2 with each other and carry
# LAN-to-LAN traffic through Tunnel1 (a VTI each). Cases in one boot: pre-shared keys with R1
# initiating, the same with R2 initiating, RSA certificates (CA made here with openssl), CHILD_SA
# and IKE SA rekeys under a continuous ping (no loss), and a killed peer found dead by the
# liveness check and the tunnel back when it returns. Every case asserts the pings, ESP and no
# cleartext on the wire, and `ikegwctl --json show crypto ipsec sa` counters equal to the
# kernel's per-SA counters (ip -s xfrm state). Case espblock (seed 004, ESP blocked one way):
# `ikegwctl metrics` equals the JSON and the kernel, and `show crypto session` names the block
# from the counters.
# lab-timeout: 1800
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
lab_init
ikegw_init

PINGS=20
lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
D=$RESULTS/conf
mkdir -p "$D"

# conf NAME PEER SELF LANPEER TUNADDR INITIATE AUTH [EXTRA_PROFILE_LINES] [IPSEC_EXTRA]
conf() {
	local name=$1 peer=$2 self=$3 lanpeer=$4 tun=$5 init=$6 auth=$7 extra=${8:-} ipx=${9:-}
	{
		echo "hostname ${name^^}"
		echo "ip domain name lab.example"
		if [ "$auth" = rsa-sig ]; then
			echo "crypto pki trustpoint LABCA"
			echo " revocation-check none"
			echo " ca-certificate $D/ca.pem"
			echo " certificate $D/$name.pem"
			echo " private-key $D/$name.key"
		fi
		cat <<-EOF
			crypto ikev2 proposal PROP
			 encryption aes-cbc-256
			 integrity sha256
			 group 14
			crypto ikev2 policy POL
			 proposal PROP
			crypto ikev2 keyring KR
			 peer PEER
			  address $peer
			  pre-shared-key lab-secret-21
			crypto ikev2 profile PROF
			 match identity remote address $peer 255.255.255.255
			 authentication remote $auth
			 authentication local $auth
			 keyring local KR
			 dpd 10 2 periodic
		EOF
		# certificates carry the address (SAN IP): identify by it, as the peer matches it
		[ "$auth" = rsa-sig ] && printf ' pki trustpoint LABCA\n identity local address %s\n' "$self"
		[ -n "$extra" ] && printf '%s\n' "$extra"
		cat <<-EOF
			crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
			 mode tunnel
			crypto ipsec profile IPP
			 set transform-set TS
			 set ikev2-profile PROF
		EOF
		[ -n "$ipx" ] && printf '%s\n' "$ipx"
		cat <<-EOF
			interface Ethernet0/0
			 ip address $self 255.255.255.0
			interface Tunnel1
			 ip address $tun 255.255.255.0
			 tunnel source Ethernet0/0
			 tunnel destination $peer
			 tunnel mode ipsec ipv4
			 tunnel protection ipsec profile IPP
			 tunnel initiate $init
			ip route $lanpeer 255.255.255.0 Tunnel1
		EOF
	} >"$D/$name.conf"
}

# pair INIT1 INIT2 AUTH [EXTRA] [IPSEC_EXTRA]: configs for r1 and r2.
pair() {
	conf r1 192.168.0.2 192.168.0.1 192.168.200.0 10.0.0.1 "$1" "$3" "${4:-}" "${5:-}"
	conf r2 192.168.0.1 192.168.0.2 192.168.100.0 10.0.0.2 "$2" "$3" "${4:-}" "${5:-}"
}

# traffic TAG: PINGS pings LAN to LAN; asserts replies, ESP/no cleartext on the wire, and the
# JSON counters against the kernel's (growth by exactly PINGS each way on each side).
traffic() {
	local tag=$1 got ns
	for ns in r1 r2; do
		ikegw_show_ipsec "$ns" "$tag-before"
	done
	lab_counters_reset r1 eth0
	lab_counters_reset r2 eth0
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
	lab_check "$tag: R1 LAN -> R2 LAN $got/$PINGS replies" lab_eq "$got" $PINGS
	lab_counters_read r1 eth0
	lab_counters_read r2 eth0
	for ns in r1 r2; do
		lab_check "$tag: $ns eth0 esp_out = $PINGS" lab_eq "${LAB_COUNTERS[$ns:eth0:esp_out]:-}" $PINGS
		lab_check "$tag: $ns eth0 esp_in = $PINGS" lab_eq "${LAB_COUNTERS[$ns:eth0:esp_in]:-}" $PINGS
		lab_check "$tag: $ns eth0 no cleartext" test \
			"${LAB_COUNTERS[$ns:eth0:clear_in]:-x}/${LAB_COUNTERS[$ns:eth0:clear_out]:-x}" = 0/0
		ikegw_show_ipsec "$ns" "$tag-after"
		lab_check "$tag: $ns Tunnel1 status up" test "${IG[$ns:status]:-}" = up
		lab_check "$tag: $ns encaps_pkts +$PINGS" \
			lab_eq $((IG[$ns:encaps_pkts] - IGS[$tag-before:$ns:encaps_pkts])) $PINGS
		lab_check "$tag: $ns decaps_pkts +$PINGS" \
			lab_eq $((IG[$ns:decaps_pkts] - IGS[$tag-before:$ns:decaps_pkts])) $PINGS
		ikegw_check_kernel_equal "$ns" "$tag"
	done
}

case_psk() {
	lab_log "=== case psk-r1: pre-shared keys, R1 initiates"
	pair always never pre-share
	ikegw_start r1 "$D/r1.conf"
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "psk-r1: tunnel up" false
	traffic psk-r1
	if [ "${LAB_DEMO:-0}" = 1 ]; then
		# the README's main job: what an operator sees on R1
		lab_log "R1# show crypto ikev2 sa"
		ikegw_ctl r1 show crypto ikev2 sa >&2 || :
		lab_log "R1# show crypto ipsec sa"
		ikegw_ctl r1 show crypto ipsec sa >&2 || :
		lab_log "R2# show crypto ipsec sa"
		ikegw_ctl r2 show crypto ipsec sa >&2 || :
	fi
	ikegw_show_ike r1 psk-r1
	lab_check "psk-r1: r1 is the initiator, READY" test "${IG[r1:ike_state]}/${IG[r1:ike_role]}" = READY/initiator
	lab_check "psk-r1: r1 remote_id 192.168.0.2" test "${IG[r1:remote_id]}" = 192.168.0.2
	ikegw_stop r1
	ikegw_stop r2
	ikegw_check_clean r1 psk-r1
	ikegw_check_clean r2 psk-r1
}

case_psk_reverse() {
	lab_log "=== case psk-r2: pre-shared keys, R2 initiates"
	pair never always pre-share
	ikegw_start r1 "$D/r1.conf"
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r2 120 && ikegw_wait_up r1 30 || lab_check "psk-r2: tunnel up" false
	traffic psk-r2
	ikegw_show_ike r2 psk-r2
	lab_check "psk-r2: r2 is the initiator" test "${IG[r2:ike_role]}" = initiator
	ikegw_stop r1
	ikegw_stop r2
}

case_certs() {
	lab_log "=== case certs: RSA certificates from a lab CA, R1 initiates"
	ikegw_make_ca "$D" r1 192.168.0.1 r2 192.168.0.2
	pair always never rsa-sig
	ikegw_start r1 "$D/r1.conf"
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "certs: tunnel up" false
	traffic certs
	ikegw_show_ike r2 certs
	lab_check "certs: r2 authenticated the peer with RSA" test "${IG[r2:auth_remote]}" = RSA
	ikegw_stop r1
	ikegw_stop r2
}

# metric_of NS NAME: the value of NAME{tunnel="Tunnel1",...} in $RESULTS/metrics-NS.txt.
metric_of() {
	awk -v n="$2" 'index($0, n "{") == 1 && index($0, "tunnel=\"Tunnel1\"") { print $NF }' \
		"$RESULTS/metrics-$1.txt"
}

# session_look NS TAG: `show crypto session` of NS, JSON and text ($RESULTS/session-NS-TAG.*);
# Tunnel1's diagnosis_code and its counters' deltas into IG[NS:diag], IG[NS:d_encaps] ...
session_look() {
	local ns=$1 tag=$2 f="$RESULTS/session-$1-$2.json" k v
	ikegw_json "$ns" show crypto session >"$f"
	ikegw_ctl "$ns" show crypto session >"$RESULTS/session-$ns-$tag.txt" 2>&1 || :
	while read -r k v; do
		IG[$ns:$k]=$v
	done < <(jq -r '.sessions[] | select(.interface == "Tunnel1") |
		"diag \(.diagnosis_code)", "d_encaps \(.counters.delta.encaps_pkts)",
		"d_decaps \(.counters.delta.decaps_pkts)", "d_esp_rx \(.counters.delta.esp_rx_pkts)"' \
		"$f" 2>/dev/null)
	lab_log "$tag: $ns diagnosis ${IG[$ns:diag]:-none}: $(jq -r '.sessions[] |
		select(.interface == "Tunnel1") | .diagnosis' "$f" 2>/dev/null)"
}

# Tunnel1's last DPD round trip in microseconds (0: none measured yet).
dpd_rtt_of() {
	ikegw_json "$1" show crypto ipsec sa |
		jq -r '.tunnels[] | select(.interface == "Tunnel1") | .dpd_rtt_us // 0' 2>/dev/null
}

dpd_rtt_measured() {
	local v
	v=$(dpd_rtt_of "$1")
	[[ $v =~ ^[0-9]+$ ]] && ((v > 0))
}

# Seed 004's "ISP-blokkades ESP" in one direction: R1 drops inbound ESP (a table of this test
# at priority -100, before ikegw's counting chain at -10, as an upstream block would look).
# R1 pinging: R1 encapsulates, receives no ESP -> "ESP blocked inbound?"; R2 decapsulates the
# requests and encapsulates the replies, so its own counters look healthy ("ok": it cannot
# tell that its ESP is lost). R2 pinging: R2 encapsulates and receives nothing back -> R2 names
# the missing ESP, R1 sees no ESP at all ("idle"). Without the block both see "ok" again.
case_espblock() {
	local got ns
	lab_log "=== case espblock: ESP blocked inbound at R1 (seed 004), diagnosed from the counters"
	pair always never pre-share
	ikegw_start r1 "$D/r1.conf"
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "espblock: tunnel up" false
	traffic espblock
	# no ESP moves now (DPD is IKE): metrics, JSON (traffic's last look) and kernel agree
	for ns in r1 r2; do
		ikegw_ctl "$ns" metrics >"$RESULTS/metrics-$ns.txt" 2>&1
		lab_check "espblock: $ns metrics ends with # EOF" test "$(tail -n 1 "$RESULTS/metrics-$ns.txt")" = "# EOF"
		lab_check "espblock: $ns metrics TYPE line" grep -qx "# TYPE ikegw_tunnel_encaps_packets counter" "$RESULTS/metrics-$ns.txt"
		lab_check "espblock: $ns metrics up = 1" test "$(metric_of "$ns" ikegw_tunnel_up)" = 1
		lab_check "espblock: $ns metrics encaps = json (${IG[$ns:encaps_pkts]})" \
			lab_eq "$(metric_of "$ns" ikegw_tunnel_encaps_packets_total)" "${IG[$ns:encaps_pkts]}"
		lab_check "espblock: $ns metrics decaps = json (${IG[$ns:decaps_pkts]})" \
			lab_eq "$(metric_of "$ns" ikegw_tunnel_decaps_packets_total)" "${IG[$ns:decaps_pkts]}"
		lab_check "espblock: $ns metrics encaps bytes = json" \
			lab_eq "$(metric_of "$ns" ikegw_tunnel_encaps_bytes_total)" "${IG[$ns:encaps_bytes]}"
		lab_check "espblock: $ns metrics esp_rx (nftables) >= decaps" \
			lab_ge "$(metric_of "$ns" ikegw_tunnel_esp_rx_packets_total)" "${IG[$ns:decaps_pkts]}"
		lab_check "espblock: $ns metrics ike_rx (nftables) > 0" \
			lab_gt "$(metric_of "$ns" ikegw_tunnel_ike_rx_packets_total)" 0
		# dpd 10 2 periodic: wait for a liveness check answered at its first transmission
		# (every 10 s; the time since the tunnel came up depends on the VM's speed)
		lab_wait_for "$ns dpd round trip" 90 dpd_rtt_measured "$ns"
		lab_check "espblock: $ns dpd round trip measured ($(dpd_rtt_of "$ns") us)" \
			lab_gt "$(dpd_rtt_of "$ns")" 0
		session_look "$ns" espblock-base
	done
	lab_nsx r1 nft -f - <<-EOF
		table inet labblock {
			chain input {
				type filter hook input priority -100; policy accept;
				meta l4proto esp drop
			}
		}
	EOF
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 10)
	lab_check "espblock: R1 -> R2 pings lost under the block ($got/10 replies)" lab_eq "$got" 0
	session_look r1 espblock-r1ping
	session_look r2 espblock-r1ping
	lab_check "espblock: r1 diagnosis esp-not-received" test "${IG[r1:diag]}" = esp-not-received
	lab_check "espblock: r1 encapsulated the 10 requests" lab_eq "${IG[r1:d_encaps]}" 10
	lab_check "espblock: r1 decapsulated nothing" lab_eq "${IG[r1:d_decaps]}" 0
	lab_check "espblock: r1 nftables counted no ESP" lab_eq "${IG[r1:d_esp_rx]}" 0
	lab_check "espblock: r1 text names ESP blocked inbound" \
		grep -q "^  Diagnosis: ESP blocked inbound? 10 packets encapsulated for 192.168.0.2 in the last" \
		"$RESULTS/session-r1-espblock-r1ping.txt"
	lab_check "espblock: r2 diagnosis ok (its ESP both ways)" test "${IG[r2:diag]}" = ok
	lab_check "espblock: r2 nftables counted the 10 requests" lab_eq "${IG[r2:d_esp_rx]}" 10
	got=$(lab_ping r2 192.168.200.1 192.168.100.1 10)
	lab_check "espblock: R2 -> R1 pings lost under the block ($got/10 replies)" lab_eq "$got" 0
	session_look r1 espblock-r2ping
	session_look r2 espblock-r2ping
	lab_check "espblock: r2 diagnosis esp-not-received" test "${IG[r2:diag]}" = esp-not-received
	lab_check "espblock: r2 text names the ESP that does not come back" \
		grep -q "^  Diagnosis: ESP blocked inbound? 10 packets encapsulated for 192.168.0.1 in the last" \
		"$RESULTS/session-r2-espblock-r2ping.txt"
	lab_check "espblock: r1 diagnosis idle (nothing got through)" test "${IG[r1:diag]}" = idle
	lab_nsx r1 nft delete table inet labblock
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 10)
	lab_check "espblock: pings again without the block ($got/10)" lab_eq "$got" 10
	session_look r1 espblock-clear
	session_look r2 espblock-clear
	lab_check "espblock: r1 diagnosis ok again" test "${IG[r1:diag]}" = ok
	lab_check "espblock: r2 diagnosis ok again" test "${IG[r2:diag]}" = ok
	ikegw_stop r1
	ikegw_stop r2
}

# Rekeys of both the CHILD_SA (120 s lifetime) and the IKE SA (120 s) while a ping runs.
case_rekey() {
	local got answered
	lab_log "=== case rekey: CHILD_SA and IKE SA rekeys under a continuous ping"
	pair always never pre-share " lifetime 120" " set security-association lifetime seconds 120"
	ikegw_start r1 "$D/r1.conf"
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "rekey: tunnel up" false
	ikegw_show_ipsec r1 rekey-before
	# 160 s of pings, 0.1 s apart: both rekeys (at 90-95 % of 120 s) happen inside it
	lab_save xfrm-stat-r1-before lab_nsx r1 cat /proc/net/xfrm_stat
	lab_save xfrm-stat-r2-before lab_nsx r2 cat /proc/net/xfrm_stat
	lab_nsx r1 ping -n -D -c 1600 -i 0.1 -W 5 -I 192.168.100.1 192.168.200.1 >"$RESULTS/ping-rekey.txt" 2>&1
	got=$(awk '/packets transmitted/ { print $1 "/" $4 }' "$RESULTS/ping-rekey.txt")
	# evidence for any loss: the missing sequence numbers, both kernels' xfrm error counters
	awk 'match($0, /icmp_seq=[0-9]+/) { seen[substr($0, RSTART + 9, RLENGTH - 9)] = 1 }
	     END { for (i = 1; i <= 1600; i++) if (!(i in seen)) print "missing icmp_seq=" i }' \
		"$RESULTS/ping-rekey.txt" >&2
	lab_save xfrm-stat-r1-after lab_nsx r1 cat /proc/net/xfrm_stat
	lab_save xfrm-stat-r2-after lab_nsx r2 cat /proc/net/xfrm_stat
	lab_save xfrm-state-r1-rekey lab_nsx r1 ip -s xfrm state
	lab_save xfrm-state-r2-rekey lab_nsx r2 ip -s xfrm state
	lab_save ipsec-r2-rekey-after.json ikegw_json r2 show crypto ipsec sa
	lab_log "rekey: ping $got (sent/answered)"
	# Zero loss across a CHILD_SA and an IKE SA rekey (issue 4). Before the rekeyed inbound SA
	# lingered (ikev2_linger), 2 of 5 runs lost one reply; the missing icmp_seq, xfrm_stat and
	# xfrm state files above say where if it ever happens again.
	answered=${got#*/}
	[[ $answered =~ ^[0-9]+$ ]] || answered=0
	lab_check "rekey: no echo of 1600 lost across the rekeys ($got)" lab_eq "$answered" 1600
	ikegw_show_ipsec r1 rekey-after
	lab_check "rekey: r1 CHILD_SA rekeyed (SPI changed)" test "${IGS[rekey-before:r1:spi_out]}" != "${IG[r1:spi_out]}"
	lab_check "rekey: r1 log has the IKE SA rekey" grep -q "IKE SA rekeyed" "$RESULTS/ikegwd-r1.log"
	lab_check "rekey: r1 log has the CHILD_SA rekey" grep -q "CHILD_SA rekeyed" "$RESULTS/ikegwd-r1.log"
	lab_check "rekey: r1 encaps_pkts >= 1600 (counters survive rekeys)" lab_ge \
		$((IG[r1:encaps_pkts] - IGS[rekey-before:r1:encaps_pkts])) 1600
	ikegw_check_kernel_equal r1 rekey
	ikegw_stop r1
	ikegw_stop r2
}

# R2's daemon is killed (SIGKILL: no Delete); R1's liveness check finds it dead; R2 restarts
# and the tunnel comes back by R1's re-initiation.
case_dpd() {
	lab_log "=== case dpd: peer killed, found dead, tunnel back when it returns"
	pair always never pre-share
	ikegw_start r1 "$D/r1.conf"
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "dpd: tunnel up" false
	ikegw_kill r2
	lab_wait_for "r1 finds r2 dead" 120 grep -q "peer is dead" "$RESULTS/ikegwd-r1.log" ||
		lab_check "dpd: r1 log says the peer is dead" false
	lab_wait_for "r1 Tunnel1 down" 30 ikegw_is_down r1 || lab_check "dpd: r1 Tunnel1 down" false
	# r2 comes back (its stale kernel objects are flushed at start)
	ikegw_start r2 "$D/r2.conf"
	ikegw_wait_up r1 180 && ikegw_wait_up r2 30 || lab_check "dpd: tunnel back up" false
	traffic dpd-back
	ikegw_stop r1
	ikegw_stop r2
}

CASES=${IKEGW_LAB_CASES:-"psk espblock psk_reverse certs dpd rekey"}
ikegw_capture_start r1 eth0 ikev2-pair
for c in $CASES; do
	"case_$c"
done
# every exchange of every case, as tshark sees it: at least the 4 messages of each bring-up
ikegw_capture_check ikev2-pair 8
lab_finish
