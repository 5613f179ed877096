#!/bin/sh
# CLI tests of `ikegwd --check` and `ikegwctl check` on real files: seed 001's configurations
# (tests/unit/ike/fixtures) with a PKI valid now (gen_pki), asserting the exact closing lines
# and exit statuses.
# usage: run_check.sh CASE IKEGWD IKEGWCTL GEN_PKI FIXTURE_DIR
set -u
name=$1 ikegwd=$2 ikegwctl=$3 gen=$4 fix=$5

dir=$(mktemp -d /tmp/ikegw-check-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

fail() {
	echo "FAIL ($name): $*"
	echo "--- stdout"
	cat out 2>/dev/null
	echo "--- stderr"
	cat err 2>/dev/null
	exit 1
}

# run STATUS COMMAND...: run it, stdout in ./out, stderr in ./err, check the exit status
run() {
	want=$1
	shift
	"$@" >out 2>err
	got=$?
	[ "$got" = "$want" ] || fail "exit status $got, expected $want: $*"
}

# tail_is LINE...: the last lines of ./out are exactly these
tail_is() {
	printf '%s\n' "$@" >want
	tail -n $# out | cmp -s - want || {
		echo "--- expected last lines"
		cat want
		fail "last lines differ"
	}
}

# has_line LINE: ./out contains exactly this line
has_line() {
	grep -qxF -- "$1" out || fail "missing line: $1"
}

# conf FIXTURE NAME [compat]: copy a fixture, optionally with `crypto compat ios` on top
conf() {
	if [ "${3:-}" = compat ]; then
		{
			echo "crypto compat ios"
			cat "$fix/$1"
		} >"$2"
	else
		cp "$fix/$1" "$2"
	fi
}

"$gen" "$dir" || fail "gen_pki failed"

REASON_R2R1="R1 requested CAs in this order: cn=CA2,o=cisco,o=com (IOSCA2), cn=CA1,o=cisco,o=com (IOSCA1); R2 chose trust-point IOSCA2 (first match) and sent its certificate (serial 02, issuer cn=CA2,o=cisco,o=com); R1 bound R2 (R2.cisco.com) to isakmp profile prof1, which validates against IOSCA1 only: certificate rejected (no suitable trustpoint in validation list (IOSCA1): unable to get local issuer certificate (issuer cn=CA2,o=cisco,o=com))"

case $name in
seed001-ios)
	conf v1-r1.conf r1.conf compat
	conf v1-r2.conf r2.conf compat
	run 1 "$ikegwctl" check r1.conf --peer r2.conf
	tail_is "initiate R1->R2: ok" "initiate R2->R1: fails: $REASON_R2R1"
	has_line "  R1: constructing CERT_REQ for issuer cn=CA2,o=cisco,o=com"
	has_line "  R2: Choosing trustpoint IOSCA2 as issuer"
	has_line "  R1: Creating CERT validation list: IOSCA1,"
	has_line "=== initiate R2->R1 via Tunnel1 (192.168.0.2 -> 192.168.0.1, IKEv1, ipsec profile prof1)"
	# the same through the daemon's --check --peer, and from the other side
	run 1 "$ikegwd" -f r1.conf --check --peer r2.conf
	tail_is "initiate R1->R2: ok" "initiate R2->R1: fails: $REASON_R2R1"
	run 1 "$ikegwctl" check r2.conf --peer r1.conf
	tail_is "initiate R2->R1: fails: $REASON_R2R1" "initiate R1->R2: ok"
	# JSON: one object per direction
	run 1 "$ikegwctl" --json check r1.conf --peer r2.conf
	[ "$(grep -c '"result":"fails"' out)" = 1 ] || fail "json: one failing direction"
	[ "$(grep -c '"result":"ok"' out)" = 1 ] || fail "json: one working direction"
	has_line '      "from":"R2",'
	;;
seed001-ios-other-order)
	# R1's CA1 certificate enrolled after its CA2 one: R1's MM4 names CA1 first
	conf v1-r1.conf r1.conf compat
	sed -i 's/certificate r1-ca1.pem/certificate r1-ca1-new.pem/' r1.conf
	conf v1-r2.conf r2.conf compat
	run 0 "$ikegwctl" check r1.conf --peer r2.conf
	tail_is "initiate R1->R2: ok" "initiate R2->R1: ok"
	has_line "  R2: Choosing trustpoint IOSCA1 as issuer"
	;;
seed001-default)
	conf v1-r1.conf r1.conf
	conf v1-r2.conf r2.conf
	run 0 "$ikegwctl" check r1.conf --peer r2.conf
	tail_is "initiate R1->R2: ok" "initiate R2->R1: ok"
	has_line "  R1: ordering CERT_REQ: trust-points of the profiles that can match 192.168.0.2 first (IOSCA1)"
	;;
ikev2-overlap)
	conf v2-overlap-r1.conf r1.conf compat
	conf v2-overlap-r2.conf r2.conf compat
	run 1 "$ikegwctl" check r1.conf --peer r2.conf
	tail_is "initiate R1->R2: fails: R2 bound R1 (identity '192.168.0.1' of type 'IPv4 address') to IKEv2 profile profile3, but Tunnel1 uses IKEv2 profile profile1: the child SA fails (TS unacceptable)" \
		"initiate R2->R1: ok"
	has_line "  R2: found matching IKEv2 profile 'profile3'"
	has_line "  R2: Sending TS unacceptable notify"
	conf v2-overlap-r1.conf r1.conf
	conf v2-overlap-r2.conf r2.conf
	run 0 "$ikegwctl" check r1.conf --peer r2.conf
	tail_is "initiate R1->R2: ok" "initiate R2->R1: ok"
	has_line "  R2: found matching IKEv2 profile 'profile1'"
	;;
ikev2-no-trustpoint)
	conf v2-notp-r1.conf r1.conf compat
	conf v2-tp12-r2.conf r2.conf compat
	run 1 "$ikegwctl" check r1.conf --peer r2.conf
	tail_is "initiate R1->R2: fails: R1's IKEv2 profile profile1 has no pki trustpoint: an IKEv2 initiator must name the trust-point it signs with (Failed to build certificate payload)" \
		"initiate R2->R1: ok"
	has_line "  R1: Failed to build certificate payload"
	;;
bad-config)
	printf 'hostname BAD\ncrypto isakmp policy 10\n encr aes\ncrypto foo bar\n' >bad.conf
	printf 'interface Tunnel1\n tunnel protection ipsec profile NOPE\n' >>bad.conf
	run 1 "$ikegwd" -f bad.conf --check
	tail_is "bad.conf:4: error: unknown command 'crypto foo'" \
		"bad.conf:6: error: interface Tunnel1: tunnel protection ipsec profile NOPE is not defined"
	run 1 "$ikegwctl" check bad.conf
	tail_is "bad.conf:4: error: unknown command 'crypto foo'" \
		"bad.conf:6: error: interface Tunnel1: tunnel protection ipsec profile NOPE is not defined"
	# a PEM file that is missing is an error at its trust-point's line
	conf v1-r2.conf r2.conf
	sed -i 's/certificate r2-ca2.pem/certificate nothere.pem/' r2.conf
	run 1 "$ikegwd" -f r2.conf --check
	has_line "r2.conf:18: error: trustpoint IOSCA2: certificate ./nothere.pem: no such file"
	# with --peer, the broken config stops the simulation
	conf v1-r1.conf r1.conf
	run 1 "$ikegwctl" check r1.conf --peer bad.conf
	tail_is "bad.conf:4: error: unknown command 'crypto foo'" \
		"bad.conf:6: error: interface Tunnel1: tunnel protection ipsec profile NOPE is not defined"
	grep -q '^initiate ' out && fail "no simulation with a broken config"
	run 1 "$ikegwd" -f missing.conf --check
	tail_is "missing.conf: error: cannot open: No such file or directory"
	;;
single-warnings)
	conf v1-r1.conf r1.conf compat
	run 0 "$ikegwd" -f r1.conf --check
	tail_is "r1.conf:33: warning: crypto isakmp policy 10: weak algorithms: encryption 3des, hash md5, group 2 (use aes 256 or aes-gcm, sha256 or stronger, group 14/19/20/31)" \
		"r1.conf:40: warning: crypto isakmp profile prof1: ca trust-point IOSCA1 is narrower than the global trust-points (IOSCA2, IOSCA1, in store order): as responder, MM4 requests all of them before the peer's identity binds this profile, IOSCA2 (cn=CA2,o=cisco,o=com) first, which this profile rejects: a peer that picks it fails validation at MM5 (seed 001: only this side can initiate)"
	[ "$(wc -l <out)" = 2 ] || fail "two warnings expected"
	run 0 "$ikegwctl" check r1.conf
	[ "$(wc -l <out)" = 2 ] || fail "ikegwctl check: two warnings expected"
	;;
daemon-cli)
	# ikegwd refuses what it cannot run, before touching the kernel: a missing file, a broken
	# file (every error with file:line), a bad option; ikegwctl with no daemon listening.
	run 1 "$ikegwd" -f "$dir/missing.conf" -d
	grep -qxF "$dir/missing.conf: error: cannot open: No such file or directory" err ||
		fail "ikegwd must name the missing file"
	printf 'hostname R1\nfrobnicate now\n' >broken.conf
	run 1 "$ikegwd" -f broken.conf -d
	grep -qxF "broken.conf:2: error: unknown command 'frobnicate'" err ||
		fail "ikegwd must give file:line for a broken config"
	run 2 "$ikegwd" --bogus
	grep -q "^usage: ikegwd -f CONFIG" err || fail "ikegwd must print its usage"
	# ikegwctl's daemon commands with no daemon listening (tests/unit/ctl has the rest).
	run 3 "$ikegwctl" -S "$dir/none.sock" show crypto isakmp sa
	grep -qxF "ikegwctl: cannot connect to $dir/none.sock: No such file or directory (is ikegwd running?)" err ||
		fail "ikegwctl must say the daemon is not reachable"
	run 2 "$ikegwctl"
	;;
*)
	fail "unknown case"
	;;
esac
echo "ok ($name)"
