#!/bin/bash
# Lab scenario 27 (IKEv1 acceptance, issue 5): seed 001's IKEv1 story for real,
# two ikegwd with the R1/R2 configurations of the seed as printed (tests/unit/ike/fixtures
# v1-r1.conf, v1-r2.conf: 3DES/MD5/group 2, RSA signatures, FQDN identities, two trust-points
# each; R1's profile trusts IOSCA1 only) and the seed's PKI made now with openssl (CA1, CA2;
# R1's newest certificate is its CA2 one, as in the seed). Cases:
#   ios_r1          crypto compat ios, R1 initiates: tunnel up, traffic flows; R1's MM3 asks
#                   for CA1 only, R2 chooses IOSCA1, binds prof1 and validates
#   ios_r2          crypto compat ios, R2 initiates: phase 1 fails on R1: R1's MM4 lists CA2
#                   first, R2 chooses IOSCA2, R1 binds prof1 (IOSCA1 only) and logs
#                   "Certificate received from 192.168.0.2 is bad"; no SA anywhere
#   ios_swapped_r2  crypto compat ios, R1 enrolled with CA1 again (now its newest): R2 initiates
#                   and the tunnel comes up (MM4 lists CA1 first)
#   ios_swapped_r1  the same order, R1 initiates: up
#   default_r1      the seed's order without compat: R1 initiates: up
#   default_r2      the seed's order without compat: R2 initiates: up (ikegw's MM4 puts the
#                   trust-points of the profiles that can match the peer first)
# Every outcome is first predicted by `ikegwctl check R1 --peer R2` (ok / fails) and must match
# what happens. CERTREQ orders are also read from the wire with tshark (MM3/MM4 are not
# encrypted): an independent check of the debug lines. Every capture dissects cleanly.
# IKEGW_LAB_CASES_NN (else IKEGW_LAB_CASES) selects cases (default: all of the above).
# lab-timeout: 2400
# shellcheck disable=SC2317 # cases are called as case_$c, helpers through lab_check/lab_wait_for
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
lab_init
ikegw_init

FIX=$IKEGW_SRC/tests/unit/ike/fixtures
PINGS=10
D=$RESULTS/seed    # the seed's enrollment order
S=$RESULTS/swapped # R1 enrolled with CA1 again, after CA2
mkdir -p "$D" "$S"
lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
ikegw_seed_pki "$D" || lab_fail "seed PKI (see $D/openssl.err)"
cp -a "$D/." "$S/"
ikegw_seed_pki_reenroll "$S" r1 ca1 || lab_fail "R1 enrolls with CA1 again (see $S/openssl.err)"
for d in "$D" "$S"; do
	openssl x509 -in "$d/r1-ca1.pem" -noout -serial -startdate >"$RESULTS/r1-certs-$(basename "$d").txt"
	openssl x509 -in "$d/r1-ca2.pem" -noout -serial -startdate >>"$RESULTS/r1-certs-$(basename "$d").txt"
done

# place DIR FIXTURE NAME COMPAT INITIATE: DIR/NAME.conf from the fixture, under `crypto compat
# ios` when COMPAT is ios, with `tunnel initiate INITIATE` in Tunnel1.
place() {
	local d=$1 fix=$2 name=$3 compat=$4 init=$5
	{
		[ "$compat" = ios ] && echo "crypto compat ios"
		sed "/^interface Tunnel1\$/a\\ tunnel initiate $init" "$FIX/$fix"
	} >"$d/$name.conf"
}

logged() { grep -qF -- "$2" "$RESULTS/ikegwd-$1.log"; }
not_logged() { ! logged "$@"; }
# like TEXT GLOB: TEXT matches the shell pattern GLOB.
# shellcheck disable=SC2053 # the glob is the point
like() { [[ $1 == $2 ]]; }

# expect_line TAG NS TEXT: NS's daemon logs TEXT (waits for it: up to 120 s, 10 s once a line
# of the case did not come, so that a broken engine fails the case without waiting for each).
EXPECT_WAIT=120
expect_line() {
	lab_check "$1: $2 logs '$3'" lab_wait_for "$1: $2 logs '$3'" "$EXPECT_WAIT" logged "$2" "$3"
	logged "$2" "$3" || EXPECT_WAIT=10
}

# first_line_with NS TEXT: the first line of NS's log containing TEXT.
first_line_with() { grep -F -m1 -- "$2" "$RESULTS/ikegwd-$1.log" || :; }

# run TAG DIR COMPAT INITIATOR RESPONDER: the seed's configs in DIR under COMPAT, INITIATOR with
# `tunnel initiate always`, the other `never`; prediction first (PRED: the initiator's
# direction), then both daemons started with the responder's IKE held back until
# `debug crypto isakmp` is on in both (so the first exchange is logged in full), a capture on
# r1 (TAG.pcapng).
run() {
	local tag=$1 d=$2 compat=$3 i=$4 r=$5
	place "$d" v1-r1.conf r1 "$compat" "$([ "$i" = r1 ] && echo always || echo never)"
	place "$d" v1-r2.conf r2 "$compat" "$([ "$i" = r2 ] && echo always || echo never)"
	cp "$d/r1.conf" "$RESULTS/r1-$tag.conf"
	cp "$d/r2.conf" "$RESULTS/r2-$tag.conf"
	EXPECT_WAIT=120
	ikegw_predict "$d" r1 r2 "$tag"
	PRED=$PRED_AB
	[ "$i" = r2 ] && PRED=$PRED_BA
	: >"$RESULTS/ikegwd-r1.log"
	: >"$RESULTS/ikegwd-r2.log"
	ikegw_capture_start r1 eth0 "$tag"
	ikegw_hold_ike "$r" on
	ikegw_start "$r" "$d/$r.conf"
	ikegw_ctl "$r" debug crypto isakmp >/dev/null || lab_check "$tag: debug crypto isakmp on $r" false
	ikegw_start "$i" "$d/$i.conf"
	ikegw_ctl "$i" debug crypto isakmp >/dev/null || lab_check "$tag: debug crypto isakmp on $i" false
	ikegw_hold_ike "$r" off
	lab_log "$tag: $i initiates; debug on, $r's IKE released"
}

# outcome_up TAG INITIATOR RESPONDER: the tunnel comes up; traffic; QM_IDLE on both sides.
outcome_up() {
	local tag=$1 i=$2 r=$3
	lab_check "$tag: the prediction says $i initiates ok ($PRED)" test "$PRED" = ok
	if ikegw_wait_up "$i" 150 && ikegw_wait_up "$r" 30; then
		lab_log "$tag: tunnel up, as predicted"
	else
		lab_check "$tag: Tunnel1 up on both sides (predicted: $PRED)" false
		EXPECT_WAIT=10 # the lines that follow will not come either
		return 0
	fi
	lab_wait_for "$tag: QM_IDLE on both" 30 both_qm_idle "$i" "$r" || :
	ikegw_check_isakmp "$tag" "$i" "$(addr "$i")" "$(addr "$r")" prof1 initiator
	lab_check "$tag: $i authenticated $r by RSA signature" test "${IG[$i:v1_auth_remote]:-}" = RSA
	ikegw_check_isakmp "$tag" "$r" "$(addr "$r")" "$(addr "$i")" prof1 responder
	lab_check "$tag: $r sees ${i^^}.cisco.com (${IG[$r:v1_remote_id]:-})" \
		grep -qi "^${i}\.cisco\.com\$" <<<"${IG[$r:v1_remote_id]:-}"
	# the seed's routes: each Loopback0 (lan0 here) to the other's through the tunnel
	ikegw_traffic "$tag" "$PINGS" r1 r2
}
addr() { [ "$1" = r1 ] && echo 192.168.0.1 || echo 192.168.0.2; }
both_qm_idle() { ikegw_qm_idle "$1" && ikegw_qm_idle "$2"; }

# certreqs TAG SRC: the CAs (CN) requested by the first message from SRC that carries CERTREQ
# payloads, in payload order, as tshark dissects them (e.g. "CA2 CA1").
certreqs() {
	tshark -n -r "$RESULTS/$1.pcapng" -V -Y "ip.src == $2 && isakmp.certreq.type" 2>/dev/null |
		awk '/^Frame [0-9]+:/ { if (seen) exit } /rdnSequence: .*id-at-commonName=/ {
			seen = 1; s = $0; sub(/.*id-at-commonName=/, "", s); sub(/[,)].*/, "", s)
			printf "%s%s", (n++ ? " " : ""), s } END { print "" }'
}

# finish TAG MIN: stop both daemons (logs kept per case), judge the capture.
finish() {
	cp "$RESULTS/ikegwd-r1.log" "$RESULTS/ikegwd-r1-$1.log"
	cp "$RESULTS/ikegwd-r2.log" "$RESULTS/ikegwd-r2-$1.log"
	ikegw_stop r1
	ikegw_stop r2
	ikegw_capture_check "$1" "$2"
}

case_ios_r1() {
	local tag=ios-r1 got
	lab_log "=== $tag: crypto compat ios, the seed's enrollment order, R1 initiates"
	run "$tag" "$D" ios r1 r2
	lab_check "$tag: check predicts R1->R2 ok, R2->R1 fails ($PRED_AB, $PRED_BA)" \
		test "$PRED_AB/$PRED_BA" = ok/fails
	outcome_up "$tag" r1 r2
	# the seed's debug lines, R1 initiating (from MM3 on: MM1 may leave before debug is on)
	expect_line "$tag" r1 "constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com"
	lab_check "$tag: R1's MM3 asks for CA1 only (profile's ca trust-point)" \
		lab_eq "$(grep -cF "constructing CERT_REQ for issuer cn=CA2" "$RESULTS/ikegwd-r1.log")" 0
	expect_line "$tag" r2 "peer wants cert issued by cn=CA1,o=cisco,o=com"
	expect_line "$tag" r2 "Choosing trustpoint IOSCA1 as issuer"
	expect_line "$tag" r2 "peer matches prof1 profile"
	expect_line "$tag" r1 "Choosing trustpoint IOSCA1 as issuer"
	expect_line "$tag" r1 "Creating CERT validation list: IOSCA1,"
	expect_line "$tag" r1 "IKE_P1_COMPLETE"
	# the seed's lines with the state names: R1 sends MM3, R2 sends MM4
	expect_line "$tag" r1 "sending packet to 192.168.0.2 my_port 500 peer_port 500 (I) MM_SA_SETUP"
	expect_line "$tag" r2 "sending packet to 192.168.0.1 my_port 500 peer_port 500 (R) MM_KEY_EXCH"
	finish "$tag" 9
	got=$(certreqs "$tag" 192.168.0.1)
	lab_check "$tag: on the wire R1's MM3 requests: $got (want CA1)" test "$got" = CA1
	got=$(certreqs "$tag" 192.168.0.2)
	lab_check "$tag: on the wire R2's MM4 requests: $got (want CA1 and CA2)" \
		test "$(tr ' ' '\n' <<<"$got" | sort | tr '\n' ' ')" = "CA1 CA2 "
}

case_ios_r2() {
	local tag=ios-r2 got
	lab_log "=== $tag: crypto compat ios, the seed's enrollment order, R2 initiates"
	run "$tag" "$D" ios r2 r1
	lab_check "$tag: check predicts R2->R1 fails ($PRED_BA: $PRED_WHY_BA)" test "$PRED_BA" = fails
	lab_check "$tag: the prediction names the seed's cause (IOSCA2 chosen, prof1 validates against IOSCA1 only)" \
		like "$PRED_WHY_BA" '*chose trust-point IOSCA2*IOSCA1 only*'
	# the seed's lines: R1's MM4 lists CA2 first, R2 picks IOSCA2, R1 rejects it
	expect_line "$tag" r1 "constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com"
	lab_check "$tag: R1's first CERT_REQ in MM4 is for CA2 ($(first_line_with r1 "constructing CERT_REQ for issuer"))" \
		like "$(first_line_with r1 "constructing CERT_REQ for issuer")" '*cn=CA2,o=cisco,o=com*'
	expect_line "$tag" r2 "peer wants cert issued by cn=CA2,o=cisco,o=com"
	expect_line "$tag" r2 "Choosing trustpoint IOSCA2 as issuer"
	expect_line "$tag" r2 "using the IOSCA2 trustpoint's keypair to sign"
	expect_line "$tag" r1 "peer matches prof1 profile"
	expect_line "$tag" r1 "Creating CERT validation list: IOSCA1,"
	expect_line "$tag" r1 "Certificate received from 192.168.0.2 is bad"
	# and it stays that way (R2 keeps retrying): no tunnel, no SA in either kernel
	lab_check "$tag: R2 Tunnel1 is not up (predicted: fails)" ikegw_is_down r2
	lab_check "$tag: R1 Tunnel1 is not up" ikegw_is_down r1
	lab_check "$tag: no ISAKMP SA in QM_IDLE on R1" not_qm_idle r1
	lab_check "$tag: no IPsec SA in R1's kernel" test -z "$(ip -n r1 xfrm state)"
	lab_check "$tag: no IPsec SA in R2's kernel" test -z "$(ip -n r2 xfrm state)"
	lab_save "isakmp-r1-$tag.json" ikegw_isakmp_json r1
	finish "$tag" 5
	got=$(certreqs "$tag" 192.168.0.1)
	lab_check "$tag: on the wire R1's MM4 requests: $got (want CA2 first)" \
		like "$got" 'CA2 CA1*'
}
not_qm_idle() { ! ikegw_qm_idle "$1"; }

case_ios_swapped_r2() {
	local tag=ios-swapped-r2 got
	lab_log "=== $tag: crypto compat ios, R1 enrolled with CA1 again (newest), R2 initiates"
	run "$tag" "$S" ios r2 r1
	lab_check "$tag: check predicts both directions ok ($PRED_AB, $PRED_BA)" \
		test "$PRED_AB/$PRED_BA" = ok/ok
	outcome_up "$tag" r2 r1
	expect_line "$tag" r1 "constructing CERT_REQ for issuer cn=CA1,o=cisco,o=com"
	lab_check "$tag: R1's first CERT_REQ in MM4 is for CA1 ($(first_line_with r1 "constructing CERT_REQ for issuer"))" \
		like "$(first_line_with r1 "constructing CERT_REQ for issuer")" '*cn=CA1,o=cisco,o=com*'
	expect_line "$tag" r2 "Choosing trustpoint IOSCA1 as issuer"
	expect_line "$tag" r1 "peer matches prof1 profile"
	finish "$tag" 9
	got=$(certreqs "$tag" 192.168.0.1)
	lab_check "$tag: on the wire R1's MM4 requests: $got (want CA1 first)" \
		like "$got" 'CA1 CA2*'
}

case_ios_swapped_r1() {
	local tag=ios-swapped-r1
	lab_log "=== $tag: crypto compat ios, R1 enrolled with CA1 again (newest), R1 initiates"
	run "$tag" "$S" ios r1 r2
	lab_check "$tag: check predicts both directions ok ($PRED_AB, $PRED_BA)" \
		test "$PRED_AB/$PRED_BA" = ok/ok
	outcome_up "$tag" r1 r2
	expect_line "$tag" r2 "Choosing trustpoint IOSCA1 as issuer"
	finish "$tag" 9
}

case_default_r1() {
	local tag=default-r1
	lab_log "=== $tag: no compat, the seed's enrollment order, R1 initiates"
	run "$tag" "$D" default r1 r2
	lab_check "$tag: check predicts both directions ok ($PRED_AB, $PRED_BA)" \
		test "$PRED_AB/$PRED_BA" = ok/ok
	outcome_up "$tag" r1 r2
	finish "$tag" 9
}

case_default_r2() {
	local tag=default-r2 got
	lab_log "=== $tag: no compat, the seed's enrollment order, R2 initiates"
	run "$tag" "$D" default r2 r1
	lab_check "$tag: check predicts both directions ok ($PRED_AB, $PRED_BA)" \
		test "$PRED_AB/$PRED_BA" = ok/ok
	outcome_up "$tag" r2 r1
	expect_line "$tag" r2 "Choosing trustpoint IOSCA1 as issuer"
	lab_check "$tag: R1 never rejected R2's certificate" \
		not_logged r1 "Certificate received from 192.168.0.2 is bad"
	finish "$tag" 9
	got=$(certreqs "$tag" 192.168.0.1)
	lab_check "$tag: on the wire R1's MM4 requests: $got (want CA1 first: prof1's trust-point)" \
		like "$got" 'CA1*'
}

CASES=${IKEGW_LAB_CASES_27:-${IKEGW_LAB_CASES:-"ios_r1 ios_r2 ios_swapped_r2 ios_swapped_r1 default_r1 default_r2"}}
for c in $CASES; do
	"case_$c"
done
lab_finish
