#!/bin/bash
# Lab scenario 25 (IKEv1 acceptance, issue 5): two ikegwd (R1, R2 of seed
# 001) negotiate IKEv1 with each other and carry LAN-to-LAN traffic through Tunnel1 (a VTI
# each). Cases in one boot:
#   psk_r1      Main Mode, pre-shared key (crypto isakmp key), R1 initiates
#   psk_r2      Main Mode, pre-shared key (crypto keyring in the profile), R2 initiates
#   aggressive  Aggressive Mode (initiate mode aggressive), keyring, R1 initiates; a capture on
#               R2 must show Aggressive Mode and no Main Mode
#   certs       Main Mode, RSA signatures, certificates of a lab CA made here with openssl,
#               FQDN identities (self-identity fqdn, match identity host)
#   rekey       Quick Mode lifetime 120 s, ISAKMP lifetime 200 s, 2600 pings 0.1 s apart:
#               two Quick Mode rekeys and a new ISAKMP SA inside the ping, no echo lost
#   dpd         crypto isakmp keepalive 10 2 periodic; R2 SIGKILLed: R1 finds it dead and takes
#               Tunnel1 down; R2 restarts and the tunnel comes back (R1 re-initiates)
# Every config is first checked with `ikegwctl check R1 --peer R2` (both directions predicted
# ok). Every bring-up asserts: Tunnel1 up on both sides, `show crypto isakmp sa --json` in
# QM_IDLE with the product.md fields, pings both ways all answered, ESP and no cleartext on the
# wire, `show crypto ipsec sa --json` encaps/decaps +2 x PINGS and equal to the kernel's SAs
# (ip -s xfrm state); after SIGTERM no SA, policy or VTI left. tshark dissects every exchange
# (capture on R1's eth0 over all cases) with no malformed packet or expert warning.
# IKEGW_LAB_CASES_NN (else IKEGW_LAB_CASES) selects cases (default: all of the above).
# lab-timeout: 1800
# shellcheck disable=SC2317 # cases are called as case_$c, helpers through lab_check/lab_wait_for
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
lab_init
ikegw_init

PINGS=10
PSK=lab-secret-25
lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
D=$RESULTS/conf
mkdir -p "$D"

# pair TAG INIT_R1 INIT_R2 KEY=VALUE...: $D/r1.conf and $D/r2.conf (ikegw_conf_v1 with the
# same KEY=VALUEs; auth=rsa-sig adds each side's certificate and FQDN match), predicted by
# `ikegwctl check r1 --peer r2`: both directions must be ok.
pair() {
	local tag=$1 i1=$2 i2=$3 a1=() a2=()
	shift 3
	if [[ " $* " == *" auth=rsa-sig "* ]]; then
		a1=("ca=$D/ca.pem" "cert=$D/r1.pem" "key=$D/r1.key" "match=host R2.lab.example")
		a2=("ca=$D/ca.pem" "cert=$D/r2.pem" "key=$D/r2.key" "match=host R1.lab.example")
	fi
	ikegw_conf_v1 "$D/r1.conf" name=R1 self=192.168.0.1 peer=192.168.0.2 tun=10.0.0.1 \
		lanpeer=192.168.200.0 init="$i1" "psk=$PSK" "${a1[@]}" "$@"
	ikegw_conf_v1 "$D/r2.conf" name=R2 self=192.168.0.2 peer=192.168.0.1 tun=10.0.0.2 \
		lanpeer=192.168.100.0 init="$i2" "psk=$PSK" "${a2[@]}" "$@"
	cp "$D/r1.conf" "$RESULTS/r1-$tag.conf"
	cp "$D/r2.conf" "$RESULTS/r2-$tag.conf"
	ikegw_predict "$D" r1 r2 "$tag"
	lab_check "$tag: ikegwctl check r1 --peer r2 predicts R1->R2 ok, R2->R1 ok ($PRED_AB, $PRED_BA)" \
		test "$PRED_AB/$PRED_BA" = ok/ok
}

# start RESPONDER INITIATOR: the responder's daemon first (it must listen), then the initiator.
start() {
	ikegw_start "$1" "$D/$1.conf"
	ikegw_start "$2" "$D/$2.conf"
}

# up TAG INITIATOR RESPONDER [SECS]: Tunnel1 up and the ISAKMP SA in QM_IDLE on both sides.
up() {
	local tag=$1 i=$2 r=$3 secs=${4:-120}
	if ! ikegw_wait_up "$i" "$secs" || ! ikegw_wait_up "$r" 30; then
		lab_check "$tag: Tunnel1 up on both sides" false
		return 1
	fi
	lab_wait_for "$tag: QM_IDLE in $i and $r" 30 both_qm_idle "$i" "$r" || :
}
both_qm_idle() { ikegw_qm_idle "$1" && ikegw_qm_idle "$2"; }

declare -A ADDR=([r1]=192.168.0.1 [r2]=192.168.0.2)

# isakmp TAG INITIATOR RESPONDER: both sides' `show crypto isakmp sa --json`.
isakmp() {
	local tag=$1 i=$2 r=$3
	ikegw_check_isakmp "$tag" "$i" "${ADDR[$i]}" "${ADDR[$r]}" PROF initiator
	ikegw_check_isakmp "$tag" "$r" "${ADDR[$r]}" "${ADDR[$i]}" PROF responder
	lab_check "$tag: both sides show the same cookies" test \
		"${IG[$i:v1_initiator_spi]:-}/${IG[$i:v1_responder_spi]:-}" = \
		"${IG[$r:v1_initiator_spi]:-x}/${IG[$r:v1_responder_spi]:-x}"
}

# stop TAG: SIGTERM both; nothing of ours left in either kernel.
stop() {
	cp "$RESULTS/ikegwd-r1.log" "$RESULTS/ikegwd-r1-$1.log" 2>/dev/null || :
	cp "$RESULTS/ikegwd-r2.log" "$RESULTS/ikegwd-r2-$1.log" 2>/dev/null || :
	ikegw_stop r1
	ikegw_stop r2
	ikegw_check_clean r1 "$1"
	ikegw_check_clean r2 "$1"
}

case_psk_r1() {
	lab_log "=== case psk-r1: Main Mode, crypto isakmp key, R1 initiates"
	pair psk-r1 always never auth=pre-share pskmode=key
	start r2 r1
	up psk-r1 r1 r2 && {
		isakmp psk-r1 r1 r2
		lab_check "psk-r1: r2 authenticated R1 by pre-shared key" test "${IG[r2:v1_auth_remote]:-}" = PSK
		ikegw_traffic psk-r1 "$PINGS" r1 r2
	}
	stop psk-r1
}

case_psk_r2() {
	lab_log "=== case psk-r2: Main Mode, crypto keyring in the profile, R2 initiates"
	pair psk-r2 never always auth=pre-share pskmode=keyring
	start r1 r2
	up psk-r2 r2 r1 && {
		isakmp psk-r2 r2 r1
		ikegw_traffic psk-r2 "$PINGS" r1 r2
	}
	stop psk-r2
}

case_aggressive() {
	local n
	lab_log "=== case aggressive: Aggressive Mode, keyring, R1 initiates"
	pair aggressive always never auth=pre-share pskmode=keyring aggressive=yes
	ikegw_capture_start r2 eth0 ikev1-aggressive
	start r2 r1
	if up aggressive r1 r2; then
		isakmp aggressive r1 r2
		ikegw_traffic aggressive "$PINGS" r1 r2
	fi
	# AM1..AM3 (and Quick Mode) only: the capture on R2 has no Main Mode message
	ikegw_capture_check ikev1-aggressive 5
	n=$(ikegw_capture_count ikev1-aggressive 'isakmp.exchangetype == 4')
	lab_check "aggressive: tshark sees $n >= 3 Aggressive Mode messages" lab_ge "$n" 3
	n=$(ikegw_capture_count ikev1-aggressive 'isakmp.exchangetype == 2')
	lab_check "aggressive: tshark sees no Main Mode message ($n)" lab_eq "$n" 0
	stop aggressive
}

case_certs() {
	lab_log "=== case certs: Main Mode, RSA signatures, lab CA, FQDN identities, R1 initiates"
	ikegw_make_ca "$D" r1 192.168.0.1 r2 192.168.0.2
	pair certs always never auth=rsa-sig
	start r2 r1
	up certs r1 r2 && {
		isakmp certs r1 r2
		lab_check "certs: r2 authenticated R1 by RSA signature" test "${IG[r2:v1_auth_remote]:-}" = RSA
		lab_check "certs: r2 sees R1's FQDN identity (${IG[r2:v1_remote_id]:-})" \
			grep -qi '^R1\.lab\.example$' <<<"${IG[r2:v1_remote_id]:-}"
		lab_check "certs: r1 sees R2's FQDN identity (${IG[r1:v1_remote_id]:-})" \
			grep -qi '^R2\.lab\.example$' <<<"${IG[r1:v1_remote_id]:-}"
		ikegw_traffic certs "$PINGS" r1 r2
	}
	stop certs
}

# new_isakmp_sa NS COOKIE: NS has an ISAKMP SA in QM_IDLE whose initiator cookie is not COOKIE.
new_isakmp_sa() {
	ikegw_isakmp_json "$1" | jq -e --arg c "$2" \
		'[.sas[] | select(.state == "QM_IDLE" and .initiator_spi != $c)] | length > 0' \
		>/dev/null 2>&1
}

# Quick Mode rekeys (lifetime 120 s: about every 108 s) and an ISAKMP SA renewed (lifetime
# 200 s: by 200 s, or at the second Quick Mode rekey at the latest) while a ping runs 260 s.
case_rekey() {
	local got answered cookie n=2600
	lab_log "=== case rekey: Quick Mode and ISAKMP SA renewals under a continuous ping"
	pair rekey always never auth=pre-share sa_life=120 lifetime=200
	start r2 r1
	if ! up rekey r1 r2; then
		stop rekey
		return
	fi
	ikegw_show_ipsec r1 rekey-before
	ikegw_show_isakmp r1 rekey-before
	cookie=${IG[r1:v1_initiator_spi]:-}
	lab_save xfrm-stat-r1-rekey-before lab_nsx r1 cat /proc/net/xfrm_stat
	lab_save xfrm-stat-r2-rekey-before lab_nsx r2 cat /proc/net/xfrm_stat
	lab_nsx r1 ping -n -D -c "$n" -i 0.1 -W 5 -I 192.168.100.1 192.168.200.1 \
		>"$RESULTS/ping-rekey.txt" 2>&1 || :
	got=$(awk '/packets transmitted/ { print $1 "/" $4 }' "$RESULTS/ping-rekey.txt")
	# evidence for any loss: the missing sequence numbers, both kernels' xfrm error counters
	awk -v n="$n" 'match($0, /icmp_seq=[0-9]+/) { seen[substr($0, RSTART + 9, RLENGTH - 9)] = 1 }
	     END { for (i = 1; i <= n; i++) if (!(i in seen)) print "missing icmp_seq=" i }' \
		"$RESULTS/ping-rekey.txt" >&2
	lab_save xfrm-stat-r1-rekey-after lab_nsx r1 cat /proc/net/xfrm_stat
	lab_save xfrm-stat-r2-rekey-after lab_nsx r2 cat /proc/net/xfrm_stat
	lab_save xfrm-state-r1-rekey lab_nsx r1 ip -s xfrm state
	lab_save xfrm-state-r2-rekey lab_nsx r2 ip -s xfrm state
	lab_save ipsec-r2-rekey-after.json ikegw_json r2 show crypto ipsec sa
	lab_log "rekey: ping $got (sent/answered)"
	answered=${got#*/}
	[[ $answered =~ ^[0-9]+$ ]] || answered=0
	lab_check "rekey: no echo lost across the rekeys ($got)" lab_eq "$answered" "$n"
	ikegw_show_ipsec r1 rekey-after
	lab_check "rekey: r1 Quick Mode rekeyed (SPI ${IGS[rekey-before:r1:spi_out]:-} -> ${IG[r1:spi_out]:-})" \
		test "${IGS[rekey-before:r1:spi_out]:-}" != "${IG[r1:spi_out]:-}"
	lab_log "rekey: r1 show crypto ipsec sa counts $(jq -r '.tunnels[] |
		select(.interface == "Tunnel1") | .rekeys // "no"' "$RESULTS/ipsec-r1-rekey-after.json" \
		2>/dev/null) rekeys (two expected)"
	lab_check "rekey: r1 has a new ISAKMP SA in QM_IDLE (old initiator cookie $cookie)" \
		new_isakmp_sa r1 "$cookie"
	lab_check "rekey: r1 encaps_pkts >= $n (counters survive rekeys)" lab_ge \
		$((${IG[r1:encaps_pkts]:-0} - ${IGS[rekey-before:r1:encaps_pkts]:-0})) "$n"
	ikegw_check_kernel_equal r1 rekey
	lab_save isakmp-r1-rekey-after.json ikegw_isakmp_json r1
	stop rekey
}

# R2's daemon is SIGKILLed (no Delete); R1's keepalives (DPD R-U-THERE every 10 s, retries 2 s
# apart) find it dead; R2 restarts and R1's `tunnel initiate always` brings the tunnel back.
case_dpd() {
	lab_log "=== case dpd: crypto isakmp keepalive; peer killed, found dead, tunnel back"
	pair dpd always never auth=pre-share "keepalive=10 2 periodic"
	start r2 r1
	if ! up dpd r1 r2; then
		stop dpd
		return
	fi
	ikegw_kill r2
	lab_log "dpd: r2 killed"
	lab_check "dpd: r1 takes Tunnel1 down (peer found dead)" lab_wait_for "r1 Tunnel1 down" 120 \
		ikegw_is_down r1
	lab_check "dpd: r1 has no ISAKMP SA in QM_IDLE left" lab_wait_for "r1 no QM_IDLE" 30 \
		not_qm_idle r1
	lab_check "dpd: r1's kernel has no IPsec SA left" lab_wait_for "r1 SAs removed" 30 \
		no_xfrm_state r1
	lab_save isakmp-r1-dpd-dead.json ikegw_isakmp_json r1
	# r2 comes back (its stale kernel objects are flushed at start)
	ikegw_start r2 "$D/r2.conf"
	up dpd-back r1 r2 180 && {
		isakmp dpd-back r1 r2
		ikegw_traffic dpd-back "$PINGS" r1 r2
	}
	stop dpd
}
not_qm_idle() { ! ikegw_qm_idle "$1"; }
no_xfrm_state() { [ -z "$(ip -n "$1" xfrm state)" ]; }

CASES=${IKEGW_LAB_CASES_25:-${IKEGW_LAB_CASES:-"psk_r1 psk_r2 aggressive certs rekey dpd"}}
ikegw_capture_start r1 eth0 ikev1-pair
for c in $CASES; do
	"case_$c"
done
# every exchange of every case, as tshark sees it: at least Main Mode + Quick Mode (9 messages)
ikegw_capture_check ikev1-pair 9
lab_finish
