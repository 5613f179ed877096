#!/bin/bash
# Lab scenario 24: seed 001's IKEv2 stories for real, two ikegwd with the configurations of
# tests/unit/ike/fixtures (as printed in the seed) and the seed's PKI made now with openssl (CA1,
# CA2, enrollment order as in the seed). Under `crypto compat ios`: overlapping profiles -> R2
# binds profile3 and answers TS unacceptable; the initiator without a pki trustpoint fails to
# build its certificate payload; R2 with TP1+TP2 initiating to R1 with TP1 fails authentication.
# Under the default behaviour the overlap and TP1+TP2 cases come up and carry traffic. Every
# outcome is first predicted by `ikegwctl check A --peer B`, and must match.
# lab-timeout: 1500
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
lab_init
ikegw_init

FIX=$IKEGW_SRC/tests/unit/ike/fixtures
D=$RESULTS/seed
mkdir -p "$D"
lab_topology_seed001
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
ikegw_seed_pki "$D" || lab_fail "seed PKI (see $D/openssl.err)"

# place FIXTURE NAME COMPAT INITIATE: $D/NAME.conf from the fixture, under `crypto compat ios`
# when COMPAT is ios, with `tunnel initiate INITIATE` in Tunnel1.
place() {
	local fix=$1 name=$2 compat=$3 init=$4
	{
		[ "$compat" = ios ] && echo "crypto compat ios"
		sed "/^interface Tunnel1\$/a\\ tunnel initiate $init" "$FIX/$fix"
	} >"$D/$name.conf"
}

# predict A B: `ikegwctl check A.conf --peer B.conf`; sets PRED_AB / PRED_BA (ok|fails).
predict() {
	local out
	out=$(cd "$D" && "$IKEGWCTL_BIN" check "$1.conf" --peer "$2.conf" 2>&1) || :
	printf '%s\n' "$out" >"$RESULTS/check-$1-$2.txt"
	PRED_AB=$(awk '/^initiate [^ ]*->[^ ]*: / { n++; if (n == 1) print ($3 == "ok" ? "ok" : "fails") }' <<<"$out")
	PRED_BA=$(awk '/^initiate [^ ]*->[^ ]*: / { n++; if (n == 2) print ($3 == "ok" ? "ok" : "fails") }' <<<"$out")
	lab_log "check $1 --peer $2: $PRED_AB / $PRED_BA"
}

# start both daemons, responder first, debug on, then wait until the initiator's log shows a
# fresh attempt (the first one may come before `debug crypto ikev2`).
start_pair() {
	local init_ns=$1 resp_ns=$2
	: >"$RESULTS/ikegwd-r1.log"
	: >"$RESULTS/ikegwd-r2.log"
	ikegw_start "$resp_ns" "$D/$resp_ns.conf"
	ikegw_ctl "$resp_ns" debug crypto ikev2 >/dev/null
	ikegw_start "$init_ns" "$D/$init_ns.conf"
	ikegw_ctl "$init_ns" debug crypto ikev2 >/dev/null
}

logged() { grep -qF "$2" "$RESULTS/ikegwd-$1.log"; }

# expect_line TAG NS TEXT: NS's daemon logs TEXT (waits for it).
expect_line() {
	lab_wait_for "$1: $2 logs '$3'" 120 logged "$2" "$3" ||
		lab_check "$1: $2 logs '$3'" false
	logged "$2" "$3" && lab_log "ok: $1: $2 logs '$3'"
}

# up_and_ping TAG NS SRC DST: both tunnels up, 10 pings from SRC to DST in NS through Tunnel1.
up_and_ping() {
	local tag=$1 ns=$2 src=$3 dst=$4 got
	ikegw_wait_up r1 120 && ikegw_wait_up r2 30 || lab_check "$tag: Tunnel1 up" false
	got=$(lab_ping "$ns" "$src" "$dst" 10)
	lab_check "$tag: $src -> $dst through Tunnel1: $got/10" lab_eq "$got" 10
}

stop_pair() {
	cp "$RESULTS/ikegwd-r1.log" "$RESULTS/ikegwd-r1-$1.log"
	cp "$RESULTS/ikegwd-r2.log" "$RESULTS/ikegwd-r2-$1.log"
	ikegw_stop r1
	ikegw_stop r2
}

case_overlap_ios() {
	lab_log "=== overlap-ios: R1 initiates; R2 has profile1..3 matching R1 (crypto compat ios)"
	place v2-overlap-r1.conf r1 ios always
	place v2-overlap-r2.conf r2 ios never
	predict r1 r2
	lab_check "overlap-ios: check predicts R1->R2 fails" test "$PRED_AB" = fails
	start_pair r1 r2
	expect_line overlap-ios r2 "found matching IKEv2 profile 'profile3'"
	expect_line overlap-ios r2 "Sending TS unacceptable notify"
	expect_line overlap-ios r1 "TS_UNACCEPTABLE"
	lab_check "overlap-ios: R1 Tunnel1 is not up" ikegw_is_down r1
	lab_check "overlap-ios: no SA in R1's kernel" test -z "$(ip -n r1 xfrm state)"
	stop_pair overlap-ios
}

case_overlap_default() {
	lab_log "=== overlap-default: the same configs without compat"
	place v2-overlap-r1.conf r1 default always
	place v2-overlap-r2.conf r2 default never
	predict r1 r2
	lab_check "overlap-default: check predicts R1->R2 ok" test "$PRED_AB" = ok
	start_pair r1 r2
	# the seed's routes: R1's Loopback0 to R2's through the tunnel
	up_and_ping overlap-default r1 192.168.100.1 192.168.200.1
	expect_line overlap-default r2 "found matching IKEv2 profile 'profile1'"
	stop_pair overlap-default
}

case_notp() {
	lab_log "=== notp: R1's profile has no pki trustpoint (crypto compat ios)"
	place v2-notp-r1.conf r1 ios always
	place v2-tp12-r2.conf r2 ios never
	predict r1 r2
	lab_check "notp: check predicts R1->R2 fails" test "$PRED_AB" = fails
	start_pair r1 r2
	expect_line notp r1 "Failed to build certificate payload"
	lab_check "notp: R1 Tunnel1 is not up" ikegw_is_down r1
	stop_pair notp
}

case_tp12_ios() {
	lab_log "=== tp12-ios: R2 (TP1+TP2) initiates to R1 (TP1) (crypto compat ios)"
	place v2-tp1-r1.conf r1 ios never
	place v2-tp12-r2.conf r2 ios always
	predict r1 r2
	lab_check "tp12-ios: check predicts R2->R1 fails" test "$PRED_BA" = fails
	start_pair r2 r1
	expect_line tp12-ios r2 "Retrieved trustpoint(s): 'TP2'"
	expect_line tp12-ios r1 "Validation of certificate chain FAILED"
	expect_line tp12-ios r1 "Sending authentication failure notify"
	expect_line tp12-ios r2 "AUTHENTICATION_FAILED"
	lab_check "tp12-ios: R2 Tunnel1 is not up" ikegw_is_down r2
	stop_pair tp12-ios
}

case_tp12_default() {
	lab_log "=== tp12-default: the same without compat"
	place v2-tp1-r1.conf r1 default never
	place v2-tp12-r2.conf r2 default always
	predict r1 r2
	lab_check "tp12-default: check predicts R2->R1 ok" test "$PRED_BA" = ok
	start_pair r2 r1
	# no routes in these configs (as printed): the tunnel addresses
	up_and_ping tp12-default r2 10.0.0.2 10.0.0.1
	stop_pair tp12-default
}

CASES=${IKEGW_LAB_CASES:-"overlap_ios overlap_default notp tp12_ios tp12_default"}
for c in $CASES; do
	"case_$c"
done
lab_finish
