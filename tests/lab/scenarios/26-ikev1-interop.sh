#!/bin/bash
# Lab scenario 26 (IKEv1 acceptance, issue 5): IKEv1 interop over seed 001's
# topology, ikegwd in r1, a reference peer in r2 with its own VTI (vti0, key = SA mark 42):
#   sw_mm_psk   strongSwan charon, Main Mode, PSK, AES-CBC-256/SHA-256/group 14,
#               ESP esp-aes 256 esp-sha256-hmac
#   sw_mm_cert  charon, Main Mode, RSA certificates (lab CA made with openssl, FQDN identities),
#               AES-128/SHA-1/group 14, ESP esp-aes esp-sha-hmac
#   sw_am_psk   charon, Aggressive Mode, PSK, 3DES/SHA-1/group 2 (the classic IOS policy),
#               ESP esp-3des esp-sha-hmac
#   ls_mm_psk   libreswan pluto, Main Mode, PSK, AES-CBC-256/SHA-256/group 14 (skipped with a
#               note when libreswan is not unpacked, see scripts/deps.sh)
# each with the suffix _i (ikegwd initiates: tunnel initiate always) and _r (the peer initiates,
# ikegwd: tunnel initiate never). Each case: the ikegwd config passes `ikegwctl check`; the peer
# lists its SA (charon: ESTABLISHED IKEv1 + INSTALLED; pluto: trafficstatus); ikegwctl shows the
# ISAKMP SA in QM_IDLE with the product.md fields and the right role; PINGS pings each way LAN to
# LAN through both VTIs, ESP and no cleartext on the wire, ikegwctl encaps/decaps equal to the
# kernel's SAs, the peer's vti0 counters moved; after ikegwd stops nothing is left in either
# kernel. tshark dissects the whole capture (r1 eth0) with no malformed packet or expert warning.
#
# Self-test of the peer side (not in the default list): selftest_CASE runs the same case with
# the same peer configuration, but with another reference implementation in r1 in ikegwd's place
# (configured like the ikegwd config: same identities, keys, proposals, initiator), so that a
# mistake in a peer's configuration shows without our engine:
#   sw_mm_psk: pluto in r1;  sw_mm_cert, sw_am_psk, ls_mm_psk: charon in r1.
# IKEGW_LAB_CASES_26 (else IKEGW_LAB_CASES) selects cases, e.g. "selftest_sw_mm_psk_i selftest_ls_mm_psk_r".
# lab-timeout: 1800
# shellcheck disable=SC2317 # cases and helpers are called indirectly (lab_check, lab_wait_for)
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
# shellcheck source=tests/lab/lib-peers.sh
source "$(dirname "$0")/../lib-peers.sh"
lab_init
ikegw_init

PINGS=10
KEY=42  # the peer's VTI key in r2 = its SA mark
SKEY=43 # the stand-in's VTI key in r1 (self-test only)
PSK=lab-secret-26-0123456789 # 16 bytes or more: pluto warns about shorter ones
# charon answers Aggressive Mode PSK (sw_am_psk with ikegwd initiating)
# shellcheck disable=SC2034 # read by peer_charon_start (lib-peers.sh)
PEER_CHARON_AGGRESSIVE_PSK=yes
D=$RESULTS/conf
PKI=/var/tmp/ikegw-lab/pki-26 # outside /run: each daemon's /run is its own directory
mkdir -p "$D" "$PKI"

lab_topology_seed001
lab_counters_add r1 eth0
peer_prewarm
ikegw_make_ca "$PKI" r1 192.168.0.1 r2 192.168.0.2 || lab_fail "lab CA (openssl)"
cp "$PKI"/*.pem "$D/"
peer_vti_add r2 vti0 192.168.0.2 192.168.0.1 $KEY 10.0.0.2/24 192.168.100.0/24 ||
	lab_fail "the peer's VTI in r2"
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"

# --- the case families -------------------------------------------------------------------------
# fam FAMILY: sets PKIND (charon|pluto, in r2), AUTH (psk|cert), AGGR (yes|no), IKEGW_ARGS
# (ikegw_conf_v1 suite), SW_IKE/SW_ESP (charon proposals), LS_IKE/LS_ESP (pluto proposals),
# STANDIN (charon|pluto: ikegwd's stand-in in r1 for the self-test).
fam() {
	AGGR=no AUTH=psk
	case $1 in
	sw_mm_psk | ls_mm_psk)
		IKEGW_ARGS=("encr=aes 256" hash=sha256 group=14 "ts=esp-aes 256 esp-sha256-hmac")
		SW_IKE=aes256-sha256-modp2048 SW_ESP=aes256-sha256
		LS_IKE="aes256-sha2_256;modp2048" LS_ESP=aes256-sha2_256
		PKIND=charon STANDIN=pluto
		if [ "$1" = ls_mm_psk ]; then PKIND=pluto STANDIN=charon; fi
		;;
	sw_mm_cert)
		IKEGW_ARGS=(encr=aes hash=sha group=14 "ts=esp-aes esp-sha-hmac")
		SW_IKE=aes128-sha1-modp2048 SW_ESP=aes128-sha1
		PKIND=charon STANDIN=charon AUTH=cert
		;;
	sw_am_psk)
		IKEGW_ARGS=(encr=3des hash=sha group=2 "ts=esp-3des esp-sha-hmac")
		SW_IKE=3des-sha1-modp1024 SW_ESP=3des-sha1
		PKIND=charon STANDIN=charon AGGR=yes
		;;
	*) lab_fail "unknown case family $1" ;;
	esac
	return 0
}

# --- reference daemons ------------------------------------------------------------------------
# One daemon per namespace at a time (they all want UDP 500): use NS KIND starts KIND there
# (stopping the other kind first) unless it already runs. Instances: r2-charon, r2-pluto (the
# peers) and r1-charon, r1-pluto (self-test stand-ins).
declare -A RUNNING=()
use() {
	local ns=$1 kind=$2 other=charon
	[ "$kind" = charon ] && other=pluto
	[ "${RUNNING[$ns]:-}" = "$kind" ] && return 0
	if [ "${RUNNING[$ns]:-}" = "$other" ]; then
		peer_stop "$ns-$other"
		RUNNING[$ns]=
	fi
	if [ "$kind" = charon ]; then
		peer_charon_start "$ns" "$ns-charon" "$RESULTS/$ns-charon" || return 1
	else
		peer_pluto_start "$ns" "$ns-pluto" "$RESULTS/$ns-pluto" || return 1
	fi
	RUNNING[$ns]=$kind
}

# inst_conf NAME KIND CONN SELF PEER SELF_ID PEER_ID MARK: the family's connection for
# instance NAME (charon: swanctl.conf; pluto: ipsec.d/CONN.conf), route-based with mark MARK;
# nothing starts by itself (start_action none, auto=add): inst_initiate says when.
inst_conf() {
	local name=$1 kind=$2 conn=$3 self=$4 peer=$5 sid=$6 pid=$7 mark=$8 n=${1%%-*}
	if [ "$kind" = charon ]; then
		local auth=(auth=psk "psk=$PSK")
		[ "$AUTH" = cert ] && auth=(auth=pubkey "cert=$PKI/$n.pem" "key=$PKI/$n.key"
			"cacert=$PKI/ca.pem" "local_id=$sid" "remote_id=$pid")
		peer_swanctl_conf_v1 "$name" "conn=$conn" "local=$self" "remote=$peer" "mark=$mark" \
			"ike=$SW_IKE" "esp=$SW_ESP" "aggressive=$AGGR" start=none rekey=1200 \
			ike_rekey=3600 "${auth[@]}"
	else
		[ "$AUTH" = psk ] || lab_fail "pluto cases are PSK only"
		peer_pluto_conf_v1_psk "$name" "conn=$conn" "local=$self" "remote=$peer" "psk=$PSK" \
			"mark=$mark" "ike=$LS_IKE" "esp=$LS_ESP" "aggressive=$AGGR" rekey=1200 \
			ike_rekey=3600
	fi
}

inst_load() { # NAME KIND CONN
	if [ "$2" = charon ]; then peer_swanctl_load "$1"; else peer_pluto_add "$1" "$3"; fi
}

# inst_initiate TAG NAME KIND CONN: the instance initiates (blocking; output TAG-initiate-NAME).
inst_initiate() {
	local out=$RESULTS/$1-initiate-$2.txt
	if [ "$3" = charon ]; then
		peer_swanctl "$2" --initiate --child "$4" --timeout 90 >"$out" 2>&1
	else
		peer_whack "$2" --name "$4" --initiate >"$out" 2>&1
		grep -q 'IPsec SA established' "$out"
	fi
}

# inst_up NAME KIND CONN: the instance reports the IPsec SA of CONN.
inst_up() {
	local out
	if [ "$2" = charon ]; then
		out=$(peer_swanctl "$1" --list-sas --ike "$3" 2>&1) || return 1
		[[ $out == *"ESTABLISHED, IKEv1"* && $out == *"INSTALLED, TUNNEL"* ]]
	else
		out=$(peer_whack "$1" --trafficstatus 2>&1) || return 1
		[[ $out == *"\"$3\""*"type=ESP"* ]]
	fi
}

# inst_down NAME KIND CONN: the instance forgets CONN and its SAs.
inst_down() {
	if [ "$2" = charon ]; then
		peer_swanctl "$1" --terminate --ike "$3" --force >/dev/null 2>&1 || :
	else
		peer_whack "$1" --name "$3" --delete >/dev/null 2>&1 || :
	fi
}

# --- one case ---------------------------------------------------------------------------------
# run_case FAMILY DIR [selftest]: DIR i = r1's side initiates, r = the peer in r2 initiates.
# r1's side is ikegwd, or with selftest the family's stand-in.
run_case() {
	local f=$1 dir=$2 st=${3:-} tag conn peer standin rx tx n p1
	fam "$f"
	tag=${st:+selftest-}$f-$dir
	tag=${tag//_/-}
	conn=${tag//-/_}
	n=$((2 * PINGS))
	lab_log "=== case $tag: peer $PKIND (r2), r1 $(if [ -n "$st" ]; then echo "stand-in $STANDIN"; else echo ikegwd; fi), $([ "$dir" = i ] && echo r1 || echo the peer) initiates, $AUTH, aggressive=$AGGR"
	if [ "$PKIND" = pluto ] && ! peer_pluto_available; then
		lab_log "$tag: libreswan not unpacked in $PEER_LIBRESWAN (scripts/deps.sh): skipped"
		return 0
	fi
	use r2 "$PKIND" || { lab_check "$tag: $PKIND starts in r2" false; return 0; }
	peer=r2-$PKIND
	local sid=192.168.0.1 pid=192.168.0.2
	[ "$AUTH" = cert ] && sid=R1.lab.example pid=R2.lab.example
	# the peer's side, the same in a real case and in the self-test
	inst_conf "$peer" "$PKIND" "$conn" 192.168.0.2 192.168.0.1 "$pid" "$sid" $KEY
	peer_log_mark "$peer"
	# r1's side
	if [ -n "$st" ]; then
		use r1 "$STANDIN" || { lab_check "$tag: stand-in $STANDIN starts in r1" false; return 0; }
		standin=r1-$STANDIN
		peer_vti_add r1 vti1 192.168.0.1 192.168.0.2 $SKEY 10.0.0.1/24 192.168.200.0/24 ||
			lab_check "$tag: stand-in VTI in r1" false
		inst_conf "$standin" "$STANDIN" "$conn" 192.168.0.1 192.168.0.2 "$sid" "$pid" $SKEY
		lab_check "$tag: stand-in loads its config" inst_load "$standin" "$STANDIN" "$conn"
	else
		local args=()
		[ "$AUTH" = cert ] && args=(auth=rsa-sig "ca=$PKI/ca.pem" "cert=$PKI/r1.pem"
			"key=$PKI/r1.key" "match=host R2.lab.example")
		[ "$AGGR" = yes ] && args+=(aggressive=yes pskmode=keyring)
		ikegw_conf_v1 "$D/r1.conf" name=R1 self=192.168.0.1 peer=192.168.0.2 tun=10.0.0.1 \
			lanpeer=192.168.200.0 "init=$([ "$dir" = i ] && echo always || echo never)" \
			"psk=$PSK" "${IKEGW_ARGS[@]}" "${args[@]}"
		cp "$D/r1.conf" "$RESULTS/r1-$tag.conf"
		lab_check "$tag: ikegwctl check r1.conf passes" ikegw_check_conf "$D/r1.conf"
		mv "$RESULTS/check-r1.txt" "$RESULTS/check-r1-$tag.txt" 2>/dev/null || :
	fi
	lab_counters_reset r1 eth0
	if [ "$dir" = i ]; then
		lab_check "$tag: the peer loads its config" inst_load "$peer" "$PKIND" "$conn"
		if [ -n "$st" ]; then
			lab_check "$tag: stand-in initiates" inst_initiate "$tag" "$standin" "$STANDIN" "$conn"
		else
			ikegw_start r1 "$D/r1.conf"
		fi
	else
		[ -z "$st" ] && ikegw_start r1 "$D/r1.conf"
		lab_check "$tag: the peer loads its config" inst_load "$peer" "$PKIND" "$conn"
		lab_check "$tag: the peer initiates" inst_initiate "$tag" "$peer" "$PKIND" "$conn"
	fi
	# both sides up
	if [ -n "$st" ]; then
		lab_check "$tag: stand-in reports the SA" lab_wait_for "$tag: stand-in SA" 120 \
			inst_up "$standin" "$STANDIN" "$conn"
	else
		ikegw_wait_up r1 120 || lab_check "$tag: ikegwd Tunnel1 up" false
		lab_wait_for "$tag: r1 QM_IDLE" 30 ikegw_qm_idle r1 || :
	fi
	lab_check "$tag: the peer reports the SA" lab_wait_for "$tag: peer SA" 60 \
		inst_up "$peer" "$PKIND" "$conn"
	lab_check "$tag: IKE on the wire" lab_gt "$(lab_counter r1 eth0 ike_out || echo 0)" 0
	if [ "$PKIND" = charon ]; then
		peer_swanctl "$peer" --list-sas >"$RESULTS/$tag-list-sas.txt" 2>&1 || :
		p1="Main Mode"
		[ "$AGGR" = yes ] && p1="Aggressive Mode"
		# the initiator logs "initiating Main Mode IKE_SA", the responder "X is initiating a ..."
		lab_check "$tag: charon's log: $p1" peer_log_has "$peer" "initiating (an? )?$p1 IKE_SA"
	else
		peer_whack "$peer" --trafficstatus >"$RESULTS/$tag-trafficstatus.txt" 2>&1 || :
	fi
	if [ -z "$st" ]; then
		ikegw_check_isakmp "$tag" r1 192.168.0.1 192.168.0.2 PROF \
			"$([ "$dir" = i ] && echo initiator || echo responder)"
		[ "$AUTH" = cert ] && lab_check "$tag: ikegwd authenticated the peer by RSA signature" \
			test "${IG[r1:v1_auth_remote]:-}" = RSA
	fi
	rx=$(lab_link_stat r2 vti0 rx_packets || echo 0)
	tx=$(lab_link_stat r2 vti0 tx_packets || echo 0)
	if [ -n "$st" ]; then
		ikegw_traffic "$tag" "$PINGS" wire:r1
	else
		ikegw_traffic "$tag" "$PINGS" r1
	fi
	lab_check "$tag: the peer's vti0 rx/tx +$n/+$n" test \
		"$(($(lab_link_stat r2 vti0 rx_packets || echo 0) - rx))/$(($(lab_link_stat r2 vti0 tx_packets || echo 0) - tx))" \
		= "$n/$n"
	# teardown, the initiator first (the responder's Deletes would make an initiator that must
	# keep the tunnel up, as pluto and ikegwd's `tunnel initiate always`, negotiate again)
	[ "$dir" = r ] && inst_down "$peer" "$PKIND" "$conn"
	if [ -n "$st" ]; then
		inst_down "$standin" "$STANDIN" "$conn"
		ip -n r1 link del vti1 2>/dev/null || :
	else
		cp "$RESULTS/ikegwd-r1.log" "$RESULTS/ikegwd-r1-$tag.log" 2>/dev/null || :
		ikegw_stop r1
	fi
	[ "$dir" = i ] && inst_down "$peer" "$PKIND" "$conn"
	lab_check "$tag: no SA left in r1" lab_wait_for "$tag: r1 SAs gone" 45 no_sa r1
	lab_check "$tag: no SA left in r2" lab_wait_for "$tag: r2 SAs gone" 45 no_sa r2
	lab_save "xfrm-state-$tag-end.txt" sh -c 'ip -n r1 xfrm state; ip -n r2 xfrm state'
	[ -z "$st" ] && ikegw_check_clean r1 "$tag"
	return 0
}
no_sa() { [ -z "$(ip -n "$1" xfrm state)" ]; }

CASES=${IKEGW_LAB_CASES_26:-${IKEGW_LAB_CASES:-"sw_mm_psk_i sw_mm_psk_r sw_mm_cert_i sw_mm_cert_r sw_am_psk_i sw_am_psk_r ls_mm_psk_i ls_mm_psk_r"}}
ikegw_capture_start r1 eth0 ikev1-interop
for c in $CASES; do
	st=
	if [[ $c == selftest_* ]]; then
		st=selftest
		c=${c#selftest_}
	fi
	case $c in
	*_i | *_r) run_case "${c%_?}" "${c##*_}" $st ;;
	*) lab_fail "unknown case $c" ;;
	esac
done
for ns in r1 r2; do
	[ -n "${RUNNING[$ns]:-}" ] && peer_stop "$ns-${RUNNING[$ns]}"
done
# every exchange of every case: at least one Main/Aggressive Mode and Quick Mode
ikegw_capture_check ikev1-interop 6
lab_finish
