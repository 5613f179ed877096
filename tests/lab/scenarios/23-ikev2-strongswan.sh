#!/bin/bash
# Lab scenario 23: IKEv2 interop with strongSwan (charon + swanctl from Debian) over seed 001's
# topology: ikegwd in r1, charon in r2 with its own VTI (mark = key). Cases: pre-shared keys
# with ikegwd initiating (AES-CBC-256/SHA-256/MODP-2048, ESP AES-CBC-256/HMAC-SHA-256) and
# with charon initiating (AES-GCM-256/PRF-SHA-384/ECP-256, ESP AES-GCM-256); ECDSA certificates
# (a lab CA made with openssl, FQDN identities) both ways. Each case: the peer reports the
# CHILD_SA, pings go LAN to LAN through both VTIs as ESP, ikegwctl counters equal the kernel's.
# lab-timeout: 1500
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
# shellcheck source=tests/lab/lib-peers.sh
source "$(dirname "$0")/../lib-peers.sh"
lab_init
ikegw_init

PINGS=20
KEY=42 # charon's VTI key and CHILD_SA mark
lab_topology_seed001
lab_counters_add r1 eth0
peer_prewarm
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
D=$RESULTS/conf
PKI=$RESULTS/pki
mkdir -p "$D"
peer_pki_make "$PKI" r1 r2 || lab_fail "lab PKI"
peer_vti_add r2 vti0 192.168.0.2 192.168.0.1 $KEY 10.0.0.2/24 192.168.100.0/24 ||
	lab_fail "charon's VTI"
peer_charon_start r2 sw "$RESULTS/sw" || lab_fail "charon does not start"

# ikegw_conf INITIATE ENCR_LINES TRANSFORM AUTH: r1's config.
ikegw_conf() {
	local init=$1 prop=$2 ts=$3 auth=$4
	{
		echo "hostname R1"
		if [ "$auth" = ecdsa-sig ]; then
			cat <<-EOF
				crypto pki trustpoint LABCA
				 revocation-check none
				 ca-certificate $PKI/ca.crt
				 certificate $PKI/r1.crt
				 private-key $PKI/r1.key
			EOF
		fi
		echo "crypto ikev2 proposal PROP"
		printf '%s\n' "$prop"
		cat <<-EOF
			crypto ikev2 policy POL
			 proposal PROP
			crypto ikev2 keyring KR
			 peer SW
			  address 192.168.0.2
			  pre-shared-key lab-secret-23
			crypto ikev2 profile PROF
		EOF
		if [ "$auth" = ecdsa-sig ]; then
			printf ' match identity remote fqdn r2\n identity local fqdn r1\n pki trustpoint LABCA\n'
		else
			printf ' match identity remote address 192.168.0.2 255.255.255.255\n'
		fi
		cat <<-EOF
			 authentication remote $auth
			 authentication local $auth
			 keyring local KR
			 dpd 10 2 periodic
			crypto ipsec transform-set TS $ts
			crypto ipsec profile IPP
			 set transform-set TS
			 set ikev2-profile PROF
			interface Tunnel1
			 ip address 10.0.0.1 255.255.255.0
			 tunnel source 192.168.0.1
			 tunnel destination 192.168.0.2
			 tunnel protection ipsec profile IPP
			 tunnel initiate $init
			ip route 192.168.200.0 255.255.255.0 Tunnel1
		EOF
	} >"$D/r1.conf"
}

# interop TAG: traffic and counters once both sides report the CHILD_SA.
interop() {
	local tag=$1 got
	ikegw_wait_up r1 120 || lab_check "$tag: ikegwd Tunnel1 up" false
	peer_charon_wait_child sw site 60 || lab_check "$tag: charon CHILD_SA established" false
	peer_swanctl sw --list-sas >"$RESULTS/$tag-list-sas.txt" 2>&1 || :
	lab_check "$tag: charon lists the IKE SA ESTABLISHED" grep -q ESTABLISHED "$RESULTS/$tag-list-sas.txt"
	lab_check "$tag: charon lists the CHILD_SA INSTALLED" grep -q INSTALLED "$RESULTS/$tag-list-sas.txt"
	ikegw_show_ipsec r1 "$tag-before"
	lab_counters_reset r1 eth0
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
	lab_check "$tag: R1 LAN -> R2 LAN $got/$PINGS replies" lab_eq "$got" $PINGS
	lab_counters_read r1 eth0
	lab_check "$tag: r1 eth0 ESP out/in $PINGS/$PINGS" test \
		"${LAB_COUNTERS[r1:eth0:esp_out]:-}/${LAB_COUNTERS[r1:eth0:esp_in]:-}" = "$PINGS/$PINGS"
	lab_check "$tag: r1 eth0 no cleartext" test \
		"${LAB_COUNTERS[r1:eth0:clear_in]:-x}/${LAB_COUNTERS[r1:eth0:clear_out]:-x}" = 0/0
	ikegw_show_ipsec r1 "$tag-after"
	lab_check "$tag: ikegwctl encaps +$PINGS decaps +$PINGS" test \
		"$((IG[r1:encaps_pkts] - IGS[$tag-before:r1:encaps_pkts]))/$((IG[r1:decaps_pkts] - IGS[$tag-before:r1:decaps_pkts]))" \
		= "$PINGS/$PINGS"
	ikegw_check_kernel_equal r1 "$tag"
	lab_check "$tag: charon's SAs carry the traffic (vti0 rx $PINGS)" lab_ge \
		"$(lab_link_stat r2 vti0 rx_packets)" "$PINGS"
}

# case TAG WHO AUTH IKEGW_PROP IKEGW_TS SW_IKE SW_ESP: WHO = ikegw|charon initiates.
run_case() {
	local tag=$1 who=$2 auth=$3 prop=$4 ts=$5 swike=$6 swesp=$7 swauth=psk start=none init=always
	lab_log "=== case $tag: $who initiates, $auth, charon ike=$swike esp=$swesp"
	[ "$who" = charon ] && start=start init=never
	ikegw_conf "$init" "$prop" "$ts" "$auth"
	if [ "$auth" = ecdsa-sig ]; then
		peer_swanctl_conf_v2 sw local=192.168.0.2 remote=192.168.0.1 mark=$KEY auth=pubkey \
			cert="$PKI/r2.crt" key="$PKI/r2.key" cacert="$PKI/ca.crt" local_id=r2 \
			remote_id=r1 ike="$swike" esp="$swesp" start=$start dpd=10
	else
		peer_swanctl_conf_v2 sw local=192.168.0.2 remote=192.168.0.1 mark=$KEY auth=$swauth \
			psk=lab-secret-23 ike="$swike" esp="$swesp" start=$start dpd=10
	fi
	peer_log_mark sw
	# ikegwd first when charon initiates (it must be listening), last otherwise
	[ "$who" = charon ] && ikegw_start r1 "$D/r1.conf"
	peer_swanctl_load sw || lab_check "$tag: swanctl loads the config" false
	[ "$who" = ikegw ] && ikegw_start r1 "$D/r1.conf"
	interop "$tag"
	cp "$RESULTS/ikegwd-r1.log" "$RESULTS/ikegwd-r1-$tag.log" 2>/dev/null || :
	ikegw_stop r1
	# charon's side of the SA goes with ikegwd's Delete; unload the connection for the next case
	peer_swanctl sw --terminate --ike site --force >/dev/null 2>&1 || :
}

GCM_PROP=$' encryption aes-gcm-256\n prf sha384\n group 19'
CBC_PROP=$' encryption aes-cbc-256\n integrity sha256\n group 14'
CASES=${IKEGW_LAB_CASES:-"psk_i psk_r cert_i cert_r"}
ikegw_capture_start r1 eth0 ikev2-strongswan
for c in $CASES; do
	case $c in
	psk_i) run_case psk-i ikegw pre-share "$CBC_PROP" "esp-aes 256 esp-sha256-hmac" \
		aes256-sha256-modp2048 aes256-sha256 ;;
	psk_r) run_case psk-r charon pre-share "$GCM_PROP" "esp-gcm 256" \
		aes256gcm16-prfsha384-ecp256 aes256gcm16 ;;
	cert_i) run_case cert-i ikegw ecdsa-sig "$CBC_PROP" "esp-aes 256 esp-sha256-hmac" \
		aes256-sha256-modp2048 aes256-sha256 ;;
	cert_r) run_case cert-r charon ecdsa-sig "$GCM_PROP" "esp-gcm 256" \
		aes256gcm16-prfsha384-ecp256 aes256gcm16 ;;
	*) lab_fail "unknown case $c" ;;
	esac
done
peer_stop sw
ikegw_capture_check ikev2-strongswan 8
lab_finish
