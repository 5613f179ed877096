# Kernel lab helpers for scenarios that run ikegwd (source after lib.sh): start and stop a
# daemon in a namespace, wait for its tunnel, read `ikegwctl --json` (jq) into IG[...] and
# compare its counters with the kernel's (ip -s xfrm state). Prefixed ikegw_.
# shellcheck shell=bash

IKEGWD_BIN=${IKEGW_BUILD:-}/daemon/main/ikegwd
IKEGWCTL_BIN=${IKEGW_BUILD:-}/daemon/main/ikegwctl
# shellcheck disable=SC2034 # read by the scenarios
declare -A IG=()
# shellcheck disable=SC2034 # read by the scenarios
declare -A IGS=()

# ikegw_init: after lab_init; the binaries must have been built.
ikegw_init() {
	[ -x "$IKEGWD_BIN" ] || lab_fail "$IKEGWD_BIN missing: build ikegwd first"
	[ -x "$IKEGWCTL_BIN" ] || lab_fail "$IKEGWCTL_BIN missing: build ikegwctl first"
	command -v jq >/dev/null || lab_fail "jq missing (scripts/deps.sh installs it)"
}

ikegw_sock() { echo "/run/ikegw-lab-$1.sock"; }

# ikegw_ctl NS ARGS...: ikegwctl against the daemon of namespace NS.
ikegw_ctl() {
	local ns=$1
	shift
	lab_nsx "$ns" "$IKEGWCTL_BIN" -S "$(ikegw_sock "$ns")" "$@"
}

# ikegw_pid NS: the pid of the ikegwd running in NS (none: returns 1).
ikegw_pid() {
	local pid exe
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
		if [[ $exe == */ikegwd ]]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

# ikegw_start NS CONFIG [ARGS...]: ikegwd -d [ARGS...] in NS, log appended to
# $RESULTS/ikegwd-NS.log; waits until its control socket answers.
ikegw_start() {
	local ns=$1 conf=$2 log="$RESULTS/ikegwd-$1.log"
	shift 2
	echo "---- start $(lab_uptime) $conf $*" >>"$log"
	# every line stamped with the wall clock (as ping -D prints it) to line events up
	lab_nsx "$ns" "$IKEGWD_BIN" -f "$conf" -S "$(ikegw_sock "$ns")" -d "$@" 2>&1 |
		while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >>"$log" &
	lab_wait_for "ikegwd in $ns answers" 60 ikegw_ctl "$ns" --json show crypto ikev2 sa \
		>/dev/null 2>&1 || lab_fail "ikegwd in $ns did not start (see ikegwd-$ns.log)"
}

# ikegw_stop NS: SIGTERM (tunnels torn down), waits for the exit.
ikegw_stop() {
	local pid
	pid=$(ikegw_pid "$1") || return 0
	kill -TERM "$pid"
	lab_wait_for "ikegwd in $1 exits" 60 test ! -e "/proc/$pid" ||
		lab_check "ikegwd in $1 exits on SIGTERM" false
}

# ikegw_kill NS: SIGKILL, as a crash would.
ikegw_kill() {
	local pid
	pid=$(ikegw_pid "$1") || return 0
	kill -KILL "$pid"
	lab_wait_for "ikegwd in $1 gone" 30 test ! -e "/proc/$pid"
}

# ikegw_json NS ARGS...: the --json output of a show command (empty on failure).
ikegw_json() {
	local ns=$1
	shift
	ikegw_ctl "$ns" --json "$@" 2>/dev/null || :
}

ikegw_status() {
	ikegw_json "$1" show crypto ipsec sa | jq -r '.tunnels[] | select(.interface == "Tunnel1") | .status' 2>/dev/null
}

ikegw_is_up() { [ "$(ikegw_status "$1")" = up ]; }
ikegw_is_down() { [ "$(ikegw_status "$1")" = down ]; }

# ikegw_wait_up NS SECONDS
ikegw_wait_up() {
	lab_wait_for "Tunnel1 up in $1 (ikegwctl)" "$2" ikegw_is_up "$1"
}

# ikegw_show_ipsec NS TAG: `show crypto ipsec sa --json` of Tunnel1 into IG[NS:field] (status,
# encaps_pkts, decaps_pkts, encaps_bytes, decaps_bytes, spi_in, spi_out, n_sas) and a copy in
# IGS[TAG:NS:field]; the JSON is saved as $RESULTS/ipsec-NS-TAG.json.
ikegw_show_ipsec() {
	local ns=$1 tag=$2 f="$RESULTS/ipsec-$1-$2.json" k v
	ikegw_json "$ns" show crypto ipsec sa >"$f"
	while read -r k v; do
		IG[$ns:$k]=$v
		IGS[$tag:$ns:$k]=$v
	done < <(jq -r '.tunnels[] | select(.interface == "Tunnel1") |
		"status \(.status)", "encaps_pkts \(.encaps_pkts)", "decaps_pkts \(.decaps_pkts)",
		"encaps_bytes \(.encaps_bytes)", "decaps_bytes \(.decaps_bytes)",
		"n_sas \(.sas | length)",
		"spi_in \([.sas[] | select(.state != "rekeyed")][0].spi_in // "none")",
		"spi_out \([.sas[] | select(.state != "rekeyed")][0].spi_out // "none")",
		"spis_in \([.sas[].spi_in] | join(","))", "spis_out \([.sas[].spi_out] | join(","))"' \
		"$f" 2>/dev/null)
}

# ikegw_show_ike NS TAG: the first IKEv2 SA into IG[NS:ike_state|ike_role|remote_id|local_id|
# auth_remote|profile]; saved as $RESULTS/ikev2-NS-TAG.json.
ikegw_show_ike() {
	local ns=$1 tag=$2 f="$RESULTS/ikev2-$1-$2.json" k v
	ikegw_json "$ns" show crypto ikev2 sa >"$f"
	while read -r k v; do
		IG[$ns:$k]=$v
	done < <(jq -r '.sas[0] | "ike_state \(.state)", "ike_role \(.role)",
		"remote_id \(.remote_id)", "local_id \(.local_id)", "auth_remote \(.auth_remote)",
		"profile \(.profile)"' "$f" 2>/dev/null)
}

# ikegw_check_kernel_equal NS TAG: JSON encaps/decaps packets and bytes against the kernel's SAs
# of the JSON's sas[] (ip -s xfrm state): equal when the tunnel never rekeyed, else the JSON
# counts at least what the live SAs count (the rest are the retired SAs' final counts).
ikegw_check_kernel_equal() {
	local ns=$1 tag=$2 spi out_p=0 in_p=0 out_b=0 in_b=0 rk
	lab_xfrm_read "$ns"
	for spi in ${IG[$ns:spis_out]//,/ }; do
		out_p=$((out_p + ${LAB_SA[$ns:$spi:packets]:-0}))
		out_b=$((out_b + ${LAB_SA[$ns:$spi:bytes]:-0}))
	done
	for spi in ${IG[$ns:spis_in]//,/ }; do
		in_p=$((in_p + ${LAB_SA[$ns:$spi:packets]:-0}))
		in_b=$((in_b + ${LAB_SA[$ns:$spi:bytes]:-0}))
	done
	rk=$(jq -r '.tunnels[] | select(.interface == "Tunnel1") | .rekeys // 0' \
		"$RESULTS/ipsec-$ns-$tag-after.json" 2>/dev/null || echo 0)
	lab_log "$tag: $ns json encaps ${IG[$ns:encaps_pkts]}/${IG[$ns:encaps_bytes]} decaps ${IG[$ns:decaps_pkts]}/${IG[$ns:decaps_bytes]}; kernel SAs out $out_p/$out_b in $in_p/$in_b; rekeys $rk"
	if [ "${rk:-0}" = 0 ]; then
		lab_check "$tag: $ns encaps_pkts = kernel ($out_p)" lab_eq "${IG[$ns:encaps_pkts]}" $out_p
		lab_check "$tag: $ns decaps_pkts = kernel ($in_p)" lab_eq "${IG[$ns:decaps_pkts]}" $in_p
		lab_check "$tag: $ns encaps_bytes = kernel ($out_b)" lab_eq "${IG[$ns:encaps_bytes]}" $out_b
		lab_check "$tag: $ns decaps_bytes = kernel ($in_b)" lab_eq "${IG[$ns:decaps_bytes]}" $in_b
	else
		lab_check "$tag: $ns encaps_pkts >= live kernel SAs ($out_p)" lab_ge "${IG[$ns:encaps_pkts]}" $out_p
		lab_check "$tag: $ns decaps_pkts >= live kernel SAs ($in_p)" lab_ge "${IG[$ns:decaps_pkts]}" $in_p
	fi
}

# ikegw_check_clean NS TAG: after a stop, no SA, policy or VTI of ours is left in NS.
ikegw_check_clean() {
	local ns=$1 tag=$2
	lab_check "$tag: $ns no xfrm state left" test -z "$(ip -n "$ns" xfrm state)"
	lab_check "$tag: $ns no xfrm policy left" test -z "$(ip -n "$ns" xfrm policy)"
	lab_check "$tag: $ns no Tunnel1 left" test -z "$(ip -n "$ns" -o link show Tunnel1 2>/dev/null)"
}

# ikegw_make_ca DIR NAME1 ADDR1 NAME2 ADDR2: a lab CA (ca.pem) and one RSA certificate per name
# (NAME.pem, NAME.key) with the address as subjectAltName, valid from yesterday.
ikegw_make_ca() {
	local d=$1 name addr
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 30 \
		-subj "/O=ikegw lab/CN=Lab CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	shift
	while (($# >= 2)); do
		name=$1 addr=$2
		shift 2
		openssl req -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
			-subj "/O=ikegw lab/CN=${name^^}.lab.example" 2>/dev/null
		printf 'subjectAltName=IP:%s,DNS:%s.lab.example\nkeyUsage=digitalSignature\n' \
			"$addr" "${name^^}" >"$d/$name.ext"
		openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
			-CAcreateserial -out "$d/$name.pem" -days 30 -extfile "$d/$name.ext" 2>/dev/null
	done
}

# ikegw_capture_start NS DEV NAME: dumpcap on DEV in NS (IKE and NAT-T ports) into
# $RESULTS/NAME.pcapng, in the background; ikegw_capture_check stops it and judges it.
declare -A IKEGW_CAP=()
ikegw_capture_start() {
	local ns=$1 dev=$2 name=$3 f="$RESULTS/$3.pcapng"
	lab_nsx "$ns" dumpcap -q -i "$dev" -f "udp port 500 or udp port 4500" -w "$f" \
		>"$RESULTS/$name.dumpcap.log" 2>&1 &
	IKEGW_CAP[$name]=$ns
	lab_wait_for "dumpcap $name running" 60 test -s "$f" ||
		lab_check "capture $name starts" false
}

# ikegw_capture_check NAME MIN: stops the capture, then tshark (the independent dissector) must
# find at least MIN IKE messages (isakmp) and no malformed packet or expert warning/error.
ikegw_capture_check() {
	local name=$1 min=$2 f="$RESULTS/$1.pcapng" pid n bad pids=() args=()
	# this capture's dumpcap only (others may run in the same or another namespace)
	for pid in $(ip netns pids "${IKEGW_CAP[$name]}" 2>/dev/null); do
		[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */dumpcap ]] || continue
		mapfile -d '' -t args <"/proc/$pid/cmdline" 2>/dev/null || continue
		[[ " ${args[*]} " == *" $f "* ]] || continue
		kill -INT "$pid" && pids+=("$pid")
	done
	lab_wait_for "dumpcap $name stops" 30 ikegw_gone "${pids[@]}" || :
	tshark -n -r "$f" -V >"$RESULTS/$name.tshark.txt" 2>&1 || :
	n=$(tshark -n -r "$f" -Y isakmp 2>/dev/null | wc -l)
	bad=$(grep -cE 'Malformed|Expert Info \((Error|Warning)' "$RESULTS/$name.tshark.txt" || :)
	lab_log "capture $name: $n IKE messages, $bad malformed/expert lines (tshark)"
	lab_check "capture $name: tshark dissects $n >= $min IKE messages" lab_ge "$n" "$min"
	lab_check "capture $name: no malformed packet or expert warning/error" lab_eq "$bad" 0
}

# ikegw_gone PID...: none of the processes exists any more.
ikegw_gone() {
	local pid
	for pid in "$@"; do
		[ ! -e "/proc/$pid" ] || return 1
	done
}

# ikegw_capture_count NAME FILTER: how many packets of the stopped capture NAME match the
# tshark display filter FILTER (e.g. isakmp.exchangetype == 4: Aggressive Mode).
ikegw_capture_count() {
	tshark -n -r "$RESULTS/$1.pcapng" -Y "$2" 2>/dev/null | wc -l
}

# ikegw_seed_pki DIR: seed 001's PKI made now with the openssl CLI, under the names the
# tests/unit/ike/fixtures configs use: ca1.pem, ca2.pem (+ empty CRLs ca1.crl, ca2.crl), r1.key,
# r2.key, r1-ca1.pem, r1-ca2.pem, r2-ca1.pem, r2-ca2.pem. Subjects as IOS enrolls them
# (ipaddress=/hostname= attributes); enrollment times in the seed's order: R1's CA2 certificate
# is its newest (R1 lists CA2 first), R2's CA1 certificate is its newest.
ikegw_seed_pki() {
	local d=$1 ca now r nb
	now=$(date +%s)
	for ca in ca1 ca2; do
		mkdir -p "$d/$ca.db"
		: >"$d/$ca.db/index.txt"
		echo 1000 >"$d/$ca.db/serial"
		echo 1000 >"$d/$ca.db/crlnumber"
		cat >"$d/$ca.cnf" <<-CNF
			[ ca ]
			default_ca = this
			[ this ]
			dir = $d/$ca.db
			database = \$dir/index.txt
			new_certs_dir = \$dir
			serial = \$dir/serial
			crlnumber = \$dir/crlnumber
			certificate = $d/$ca.pem
			private_key = $d/$ca.key
			default_md = sha256
			default_days = 30
			default_crl_days = 30
			policy = any
			preserve = yes
			unique_subject = no
			email_in_dn = yes
			[ any ]
			organizationName = optional
			organizationalUnitName = optional
			commonName = optional
			serialNumber = optional
			unstructuredAddress = optional
			unstructuredName = optional
			[ router ]
			keyUsage = critical,digitalSignature,keyEncipherment
		CNF
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/$ca.key" -out "$d/$ca.pem" \
			-days 60 -subj "/O=com/O=cisco/CN=${ca^^}" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" 2>>"$d/openssl.err" || return 1
	done
	for r in r1 r2; do
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/$r.key" \
			2>>"$d/openssl.err" || return 1
	done
	# router CA minutes-after-base as in the seed: r1-ca1 21, r2-ca2 22, r2-ca1 23, r1-ca2 25
	for r in "r1 ca1 1260 100 1" "r2 ca2 1320 101 2" "r2 ca1 1380 101 2" "r1 ca2 1500 100 1"; do
		set -- $r
		nb=$(date -u -d "@$((now - 7200 + $3))" +%y%m%d%H%M%SZ)
		openssl req -new -key "$d/$1.key" -out "$d/$1-$2.csr" -multivalue-rdn \
			-subj "/O=com/O=cisco/OU=IT/CN=${1^^}/serialNumber=$4+unstructuredAddress=192.168.0.$5+unstructuredName=${1^^}.cisco.com" \
			2>>"$d/openssl.err" &&
			openssl ca -batch -config "$d/$2.cnf" -in "$d/$1-$2.csr" -out "$d/$1-$2.pem" \
				-startdate "$nb" -extensions router -notext >>"$d/openssl.err" 2>&1 ||
			return 1
	done
	for ca in ca1 ca2; do
		openssl ca -batch -config "$d/$ca.cnf" -gencrl -out "$d/$ca.crl" >>"$d/openssl.err" 2>&1 ||
			return 1
	done
}

# --- IKEv1 (issue 5; scenarios-pending/25-27) ---------------------------------------------------

# ikegw_conf_v1 FILE KEY=VALUE...: an IOS-syntax IKEv1 config for one seed-001 side with one
# route-based Tunnel1. Keys (defaults in brackets):
#   name=R1 (hostname; FQDN NAME.lab.example)  self=ADDR peer=ADDR tun=ADDR (required)
#   lanpeer=PREFIX (route PREFIX/24 via Tunnel1) []  init=always|never|on-demand [always]
#   compat=ios|default [default]  auth=pre-share|rsa-sig [pre-share]
#   psk=SECRET  pskmode=key|keyring [key] (crypto isakmp key / crypto keyring KR in the profile)
#   encr="aes 256" hash=sha256 group=14 [as shown]  lifetime=SECS (phase 1) []
#   ts="esp-aes 256 esp-sha256-hmac" (transform-set)  sa_life=SECS (phase 2) []  pfs=groupN []
#   aggressive=yes|no [no] (initiate mode aggressive)  keepalive="10 2 periodic" (crypto
#   isakmp keepalive) []  self_id=address|fqdn [address; rsa-sig: fqdn]
#   match="address A 255.255.255.255"|"host FQDN" [address PEER 255.255.255.255]
#   ca=PEM cert=PEM key=PEM (rsa-sig: trust-point LABCA)
ikegw_conf_v1() {
	local f=$1 kv
	shift
	local -A o=([name]=R1 [init]=always [compat]=default [auth]=pre-share [pskmode]=key
		[encr]="aes 256" [hash]=sha256 [group]=14 [ts]="esp-aes 256 esp-sha256-hmac"
		[aggressive]=no)
	for kv in "$@"; do
		[[ $kv == *=* ]] || { lab_log "ikegw_conf_v1: not KEY=VALUE: $kv"; return 1; }
		o[${kv%%=*}]=${kv#*=}
	done
	for kv in self peer tun; do
		[ -n "${o[$kv]:-}" ] || { lab_log "ikegw_conf_v1: $kv= is required"; return 1; }
	done
	local selfid=${o[self_id]:-address}
	[ "${o[auth]}" = rsa-sig ] && selfid=${o[self_id]:-fqdn}
	{
		[ "${o[compat]}" = ios ] && echo "crypto compat ios"
		printf 'hostname %s\nip domain name lab.example\n' "${o[name]}"
		if [ "${o[auth]}" = rsa-sig ]; then
			printf 'crypto pki trustpoint LABCA\n revocation-check none\n'
			printf ' ca-certificate %s\n certificate %s\n private-key %s\n' \
				"${o[ca]:?ca= needed}" "${o[cert]:?cert= needed}" "${o[key]:?key= needed}"
		fi
		printf 'crypto isakmp policy 10\n encr %s\n hash %s\n authentication %s\n group %s\n' \
			"${o[encr]}" "${o[hash]}" "${o[auth]}" "${o[group]}"
		[ -n "${o[lifetime]:-}" ] && printf ' lifetime %s\n' "${o[lifetime]}"
		if [ "${o[auth]}" = pre-share ]; then
			if [ "${o[pskmode]}" = keyring ]; then
				printf 'crypto keyring KR\n pre-shared-key address %s key %s\n' \
					"${o[peer]}" "${o[psk]:?psk= needed}"
			else
				printf 'crypto isakmp key %s address %s\n' "${o[psk]:?psk= needed}" "${o[peer]}"
			fi
		fi
		[ -n "${o[keepalive]:-}" ] && printf 'crypto isakmp keepalive %s\n' "${o[keepalive]}"
		printf 'crypto isakmp profile PROF\n match identity %s\n self-identity %s\n' \
			"${o[match]:-address ${o[peer]} 255.255.255.255}" "$selfid"
		[ "${o[auth]}" = pre-share ] && [ "${o[pskmode]}" = keyring ] && echo " keyring KR"
		[ "${o[auth]}" = rsa-sig ] && echo " ca trust-point LABCA"
		[ "${o[aggressive]}" = yes ] && echo " initiate mode aggressive"
		printf 'crypto ipsec transform-set TS %s\n mode tunnel\n' "${o[ts]}"
		printf 'crypto ipsec profile IPP\n set transform-set TS\n set isakmp-profile PROF\n'
		[ -n "${o[sa_life]:-}" ] &&
			printf ' set security-association lifetime seconds %s\n' "${o[sa_life]}"
		[ -n "${o[pfs]:-}" ] && printf ' set pfs %s\n' "${o[pfs]}"
		printf 'interface Ethernet0/0\n ip address %s 255.255.255.0\n' "${o[self]}"
		printf 'interface Tunnel1\n ip address %s 255.255.255.0\n' "${o[tun]}"
		printf ' tunnel source Ethernet0/0\n tunnel destination %s\n' "${o[peer]}"
		printf ' tunnel mode ipsec ipv4\n tunnel protection ipsec profile IPP\n'
		printf ' tunnel initiate %s\n' "${o[init]}"
		[ -n "${o[lanpeer]:-}" ] && printf 'ip route %s 255.255.255.0 Tunnel1\n' "${o[lanpeer]}"
		:
	} >"$f"
}

# ikegw_check_conf FILE [PEER_FILE]: `ikegwctl check FILE [--peer PEER_FILE]` must exit 0 (no
# error; with a peer: both directions predicted ok); output in $RESULTS/check-BASENAME.txt.
ikegw_check_conf() {
	local out
	out=$RESULTS/check-$(basename "$1" .conf)${2:+-$(basename "$2" .conf)}.txt
	"$IKEGWCTL_BIN" check "$1" ${2:+--peer "$2"} >"$out" 2>&1
}

# ikegw_predict DIR A B [TAG]: `ikegwctl check A.conf --peer B.conf` in DIR (relative PEM paths
# are read from the configs' directory); PRED_AB / PRED_BA = ok|fails from its two closing lines,
# PRED_WHY_AB / PRED_WHY_BA the reasons; the output is saved as $RESULTS/check-A-B[-TAG].txt.
ikegw_predict() {
	local d=$1 a=$2 b=$3 tag=${4:+-$4} out
	out=$(cd "$d" && "$IKEGWCTL_BIN" check "$a.conf" --peer "$b.conf" 2>&1) || :
	printf '%s\n' "$out" >"$RESULTS/check-$a-$b$tag.txt"
	PRED_AB=$(awk '/^initiate [^ ]*->[^ ]*: / { if (++n == 1) print ($3 == "ok" ? "ok" : "fails") }' <<<"$out")
	PRED_BA=$(awk '/^initiate [^ ]*->[^ ]*: / { if (++n == 2) print ($3 == "ok" ? "ok" : "fails") }' <<<"$out")
	# shellcheck disable=SC2034 # read by the scenarios
	PRED_WHY_AB=$(awk '/^initiate [^ ]*->[^ ]*: / { if (++n == 1 && $3 != "ok") { sub(/^[^:]*: fails: /, ""); print } }' <<<"$out")
	# shellcheck disable=SC2034 # read by the scenarios
	PRED_WHY_BA=$(awk '/^initiate [^ ]*->[^ ]*: / { if (++n == 2 && $3 != "ok") { sub(/^[^:]*: fails: /, ""); print } }' <<<"$out")
	lab_log "check $a --peer $b: $a->$b ${PRED_AB:-?}, $b->$a ${PRED_BA:-?}"
}

# ikegw_isakmp_json NS: `show crypto isakmp sa --json` (empty on failure).
ikegw_isakmp_json() { ikegw_json "$1" show crypto isakmp sa; }

# ikegw_qm_idle NS: NS's daemon has an ISAKMP SA in state QM_IDLE.
ikegw_qm_idle() {
	ikegw_isakmp_json "$1" | jq -e '[.sas[] | select(.state == "QM_IDLE")] | length > 0' \
		>/dev/null 2>&1
}

# ikegw_show_isakmp NS TAG: the ISAKMP SA in QM_IDLE (else the first one) of
# `show crypto isakmp sa --json` into IG[NS:v1_FIELD] (FIELD: state, role, local, remote,
# profile, local_id, remote_id, initiator_spi, responder_spi, auth_remote) and IG[NS:v1_count]
# (how many ISAKMP SAs); saved as $RESULTS/isakmp-NS-TAG.json.
ikegw_show_isakmp() {
	local ns=$1 tag=$2 f="$RESULTS/isakmp-$1-$2.json" k v
	ikegw_isakmp_json "$ns" >"$f"
	for k in state role local remote profile local_id remote_id initiator_spi responder_spi \
		auth_remote count; do
		IG[$ns:v1_$k]=
	done
	while read -r k v; do
		IG[$ns:v1_$k]=$v
	done < <(jq -r '(.sas | length) as $n | ([.sas[] | select(.state == "QM_IDLE")] + .sas)[0] //
		{} | "count \($n)", "state \(.state)", "role \(.role)", "local \(.local)",
		"remote \(.remote)", "profile \(.profile)", "local_id \(.local_id)",
		"remote_id \(.remote_id)", "initiator_spi \(.initiator_spi)",
		"responder_spi \(.responder_spi)", "auth_remote \(.auth_remote)"' "$f" 2>/dev/null)
}

# ikegw_spi_set SPI: an ISAKMP cookie as ikegwctl prints it: hex digits, not all zero.
ikegw_spi_set() { [[ ${1#0x} =~ ^[0-9a-fA-F]{8,16}$ && ! ${1#0x} =~ ^0+$ ]]; }
# ikegw_cookies_set NS: both cookies of IG[NS:v1_*] (ikegw_show_isakmp) are set.
ikegw_cookies_set() {
	ikegw_spi_set "${IG[$1:v1_initiator_spi]:-}" && ikegw_spi_set "${IG[$1:v1_responder_spi]:-}"
}

# ikegw_check_isakmp TAG NS LOCAL REMOTE PROFILE [ROLE]: `show crypto isakmp sa --json` of NS
# lists an ISAKMP SA in QM_IDLE with product.md's fields: local, remote, profile, a local and a
# remote identity, both cookies (initiator_spi, responder_spi); ROLE initiator|responder.
ikegw_check_isakmp() {
	local tag=$1 ns=$2 local=$3 remote=$4 prof=$5 role=${6:-}
	ikegw_show_isakmp "$ns" "$tag"
	lab_check "$tag: $ns show crypto isakmp sa: state QM_IDLE (${IG[$ns:v1_state]:-none})" \
		test "${IG[$ns:v1_state]:-}" = QM_IDLE
	lab_check "$tag: $ns isakmp local/remote $local/$remote (${IG[$ns:v1_local]:-}/${IG[$ns:v1_remote]:-})" \
		test "${IG[$ns:v1_local]:-}/${IG[$ns:v1_remote]:-}" = "$local/$remote"
	lab_check "$tag: $ns isakmp profile $prof (${IG[$ns:v1_profile]:-})" \
		test "${IG[$ns:v1_profile]:-}" = "$prof"
	lab_check "$tag: $ns isakmp local_id and remote_id set (${IG[$ns:v1_local_id]:-}, ${IG[$ns:v1_remote_id]:-})" \
		test -n "${IG[$ns:v1_local_id]:-}" -a "${IG[$ns:v1_local_id]:-}" != null -a \
		-n "${IG[$ns:v1_remote_id]:-}" -a "${IG[$ns:v1_remote_id]:-}" != null
	lab_check "$tag: $ns isakmp cookies set (${IG[$ns:v1_initiator_spi]:-} ${IG[$ns:v1_responder_spi]:-})" \
		ikegw_cookies_set "$ns"
	[ -z "$role" ] || lab_check "$tag: $ns isakmp role $role (${IG[$ns:v1_role]:-})" \
		test "${IG[$ns:v1_role]:-}" = "$role"
}

# ikegw_traffic TAG COUNT NS...: COUNT pings R1 LAN -> R2 LAN, then COUNT R2 LAN -> R1 LAN
# (seed 001 addressing), all answered; then for every NS (each running ikegwd, each with
# lab_counters_add NS eth0): ESP on the wire 2 x COUNT each way and no cleartext, Tunnel1 up,
# `show crypto ipsec sa --json` encaps and decaps +2 x COUNT, equal to the kernel's SAs.
# NS written wire:NS gets the wire checks only (a namespace where another daemon runs).
ikegw_traffic() {
	local tag=$1 count=$2 got ns n w
	shift 2
	n=$((2 * count))
	for w in "$@"; do
		ns=${w#wire:}
		[ "$w" = "$ns" ] && ikegw_show_ipsec "$ns" "$tag-before"
		lab_counters_reset "$ns" eth0
	done
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 "$count")
	lab_check "$tag: R1 LAN -> R2 LAN $got/$count replies" lab_eq "$got" "$count"
	got=$(lab_ping r2 192.168.200.1 192.168.100.1 "$count")
	lab_check "$tag: R2 LAN -> R1 LAN $got/$count replies" lab_eq "$got" "$count"
	for w in "$@"; do
		ns=${w#wire:}
		lab_counters_read "$ns" eth0
		lab_check "$tag: $ns eth0 ESP out/in $n/$n" test \
			"${LAB_COUNTERS[$ns:eth0:esp_out]:-}/${LAB_COUNTERS[$ns:eth0:esp_in]:-}" = "$n/$n"
		lab_check "$tag: $ns eth0 no cleartext" test \
			"${LAB_COUNTERS[$ns:eth0:clear_in]:-x}/${LAB_COUNTERS[$ns:eth0:clear_out]:-x}" = 0/0
		[ "$w" = "$ns" ] || continue
		ikegw_show_ipsec "$ns" "$tag-after"
		lab_check "$tag: $ns Tunnel1 status up" test "${IG[$ns:status]:-}" = up
		lab_check "$tag: $ns encaps_pkts +$n decaps_pkts +$n" test \
			"$((${IG[$ns:encaps_pkts]:-0} - ${IGS[$tag-before:$ns:encaps_pkts]:-0}))/$((${IG[$ns:decaps_pkts]:-0} - ${IGS[$tag-before:$ns:decaps_pkts]:-0}))" \
			= "$n/$n"
		ikegw_check_kernel_equal "$ns" "$tag"
	done
}

# ikegw_hold_ike NS on|off: drop (on) or let through again (off) IKE arriving in NS (UDP 500 and
# 4500, nftables table inet lab_hold). Holding the responder's IKE while both daemons start and
# `debug crypto ...` is switched on makes every line of the first exchange show in both logs.
ikegw_hold_ike() {
	if [ "$2" = on ]; then
		lab_nsx "$1" nft -f - <<-EOF
			table inet lab_hold {
				chain in {
					type filter hook input priority -10; policy accept;
					udp dport { 500, 4500 } counter drop
				}
			}
		EOF
	else
		lab_nsx "$1" nft delete table inet lab_hold 2>/dev/null || :
	fi
}

# ikegw_seed_pki_reenroll DIR ROUTER CA: ROUTER (r1|r2) enrolls again with CA (ca1|ca2) of an
# ikegw_seed_pki: a new DIR/ROUTER-CA.pem from the same key, not before a minute ago, so that it
# is the router's most recent certificate (IOS lists it first and its CA leads MM4's CERTREQs).
ikegw_seed_pki_reenroll() {
	local d=$1 r=$2 ca=$3 nb
	nb=$(date -u -d "@$(($(date +%s) - 60))" +%y%m%d%H%M%SZ)
	openssl ca -batch -config "$d/$ca.cnf" -in "$d/$r-$ca.csr" -out "$d/$r-$ca.pem" \
		-startdate "$nb" -extensions router -notext >>"$d/openssl.err" 2>&1
}
