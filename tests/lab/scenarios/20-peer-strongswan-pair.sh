#!/bin/bash
# Lab scenario 20: the reference-peer harness (lib-peers.sh) proves itself with two strongSwan
# charons on seed 001's two sites, route-based over a VTI (key 1) on both sides, r1 initiating:
#   psk-v2   IKEv2, PSK, AES-CBC-256/SHA-256/MODP-2048, ESP AES-CBC-256+HMAC-SHA256
#   cert-v2  IKEv2, ECDSA certificates from a CA made at run time, AES-GCM-128, ECP-256,
#            start_action = start (charon initiates when the connection is loaded)
#   psk-v1   IKEv1 Main Mode, PSK, AES-CBC-256/SHA-256/MODP-2048
#   pluto-v1 IKEv1 Main Mode, PSK, libreswan's pluto on r1 initiating, charon on r2 (only when
#            libreswan is unpacked, see scripts/deps.sh; skipped with a note otherwise)
# One charon per side serves the charon cases (process starts are what costs under TCG): each
# case loads a connection named after it (swanctl --load-all) and ends with swanctl --terminate.
# Each case asserts: SA ESTABLISHED/INSTALLED in swanctl --list-sas (pluto: whack), IKE seen on
# the wire during bring-up, then PINGS pings LAN to LAN each way: every one answered, each of
# the two kernel SAs in each namespace grew by exactly 2 x PINGS packets, ESP on the wire equal
# to that, zero cleartext LAN/tunnel packets on the wire; after terminate (pluto: stop) no SA
# and no tunnel policy left in either namespace. Per-case seconds are logged at the end.
# lab-timeout: 600
# shellcheck disable=SC2317 # helpers are called through lab_check and lab_wait_for
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-peers.sh
source "$(dirname "$0")/../lib-peers.sh"
lab_init

KEY=1    # VTI key = CHILD_SA mark
PINGS=5  # echo requests each way
PSK=lab-secret-0123456789
PKI=/var/tmp/ikegw-lab/pki-20 # outside /run: each daemon's /run is its own directory

since() { awk -v a="$1" -v b="$(lab_uptime)" 'BEGIN { printf "%.1f", b - a }'; }

peer_prewarm # page cache for charon, swanctl, pluto while the topology is built
lab_topology_seed001
lab_counters_add r1 eth0
lab_counters_add r2 eth0
peer_vti_add r1 vti0 192.168.0.1 192.168.0.2 $KEY 10.0.0.1/24 192.168.200.0/24 ||
	lab_fail "vti0 in r1"
peer_vti_add r2 vti0 192.168.0.2 192.168.0.1 $KEY 10.0.0.2/24 192.168.100.0/24 ||
	lab_fail "vti0 in r2"
lab_save vti0-r1.txt ip -n r1 -d link show dev vti0
# Certificates and daemons while the boot's crypto warm-up is still loading modules.
t=$(lab_uptime)
peer_pki_make "$PKI" r1 r2 || lab_fail "openssl CA and certificates"
mkdir -p "$RESULTS/pki" && cp "$PKI"/*.crt "$RESULTS/pki/"
lab_log "CA + 2 certificates in $(since "$t") s"
t=$(lab_uptime)
peer_charon_start r1 charon-r1 "$RESULTS/charon-r1" || lab_fail "charon in r1"
peer_charon_start r2 charon-r2 "$RESULTS/charon-r2" || lab_fail "charon in r2"
lab_log "two charons up in $(since "$t") s"
# The first SA of an algorithm loads its crypto modules (20 s and more under TCG).
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"

declare -A CASE_SECONDS=()

# xfrm_read NS: lab_xfrm_read with the namespace's earlier entries dropped first.
xfrm_read() {
	local k
	for k in "${!LAB_SA[@]}"; do
		[[ $k == "$1":* ]] && unset "LAB_SA[$k]"
	done
	lab_xfrm_read "$1"
}
# sas_each_grew NS N: NS has 2 SAs and each grew by exactly N packets since sas_keep.
declare -A SA_BEFORE=()
sas_keep() {
	local k
	SA_BEFORE=()
	for k in "${!LAB_SA[@]}"; do SA_BEFORE[$k]=${LAB_SA[$k]}; done
}
sas_each_grew() {
	local ns=$1 n=$2 k spi ok=0 count=0
	for k in "${!LAB_SA[@]}"; do
		[[ $k == "$ns":*:packets ]] || continue
		spi=${k#"$ns":}
		spi=${spi%:packets}
		count=$((count + 1))
		if ((LAB_SA[$k] - ${SA_BEFORE[$k]:-0} != n)); then
			lab_log "$ns SA $spi: ${SA_BEFORE[$k]:-0} -> ${LAB_SA[$k]} packets, wanted +$n"
			ok=1
		fi
	done
	((count == 2)) || { lab_log "$ns has $count SAs, wanted 2"; return 1; }
	return "$ok"
}

# traffic CASE: pings both ways and every data-plane assertion (SAs up in both namespaces).
traffic() {
	local c=$1 got ns
	xfrm_read r1
	xfrm_read r2
	sas_keep
	lab_counters_reset r1 eth0
	lab_counters_reset r2 eth0
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
	lab_check "$c: r1 LAN -> r2 LAN $got/$PINGS replies" lab_eq "$got" $PINGS
	got=$(lab_ping r2 192.168.200.1 192.168.100.1 $PINGS)
	lab_check "$c: r2 LAN -> r1 LAN $got/$PINGS replies" lab_eq "$got" $PINGS
	for ns in r1 r2; do
		lab_counters_read $ns eth0
		keep "counters-$ns-eth0.txt" "$c"
		xfrm_read $ns
		keep "xfrm-state-$ns.txt" "$c"
		lab_check "$c: $ns: both SAs grew by exactly $((2 * PINGS)) packets" \
			sas_each_grew $ns $((2 * PINGS))
		lab_check "$c: $ns eth0 ESP out = $((2 * PINGS)), in = $((2 * PINGS))" test \
			"${LAB_COUNTERS[$ns:eth0:esp_out]:-}/${LAB_COUNTERS[$ns:eth0:esp_in]:-}" = \
			"$((2 * PINGS))/$((2 * PINGS))"
		lab_check "$c: $ns eth0 no cleartext LAN/tunnel packets" \
			test "${LAB_COUNTERS[$ns:eth0:clear_in]:-x}/${LAB_COUNTERS[$ns:eth0:clear_out]:-x}" = 0/0
	done
}

# sa_listed CASE NAME VERSION: swanctl --list-sas --ike CASE of charon NAME shows the IKE_SA
# ESTABLISHED with VERSION (IKEv1|IKEv2) and the CHILD_SA INSTALLED (CASE/list-sas-NAME.txt).
sa_listed() {
	local c=$1 name=$2 v=$3 out
	out=$(peer_swanctl "$name" --list-sas --ike "$c") || return 1
	printf '%s\n' "$out" >"$RESULTS/$c/list-sas-$name.txt"
	[[ $out == *"ESTABLISHED, $v"* && $out == *"INSTALLED, TUNNEL"* ]]
}

# has TEXT STRING: TEXT contains STRING.
has() { [[ $1 == *"$2"* ]]; }
# keep FILE CASE: a copy of $RESULTS/FILE (the lib.sh helpers' snapshot) in CASE/.
keep() { printf '%s\n' "$(<"$RESULTS/$1")" >"$RESULTS/$2/$1"; }

# to FILE COMMAND...: COMMAND's output into FILE (for lab_check, whose own line must not go there).
to() {
	local f=$1
	shift
	"$@" >"$f" 2>&1
}

# kernel_leftovers: prints the SAs and policies left in r1 and r2, except per-socket policies
# (charon and pluto exempt their IKE sockets from IPsec: "socket in/out", gone with the daemon)
# and pluto's IPv6 neighbour discovery bypass (ipv6-icmp types 135/136, left after it exits).
kernel_leftovers() {
	local ns st line entry left
	for ns in r1 r2; do
		st=$(ip -n "$ns" xfrm state)
		[ -n "$st" ] && printf '%s: SAs:\n%s\n' "$ns" "$st"
		left='' entry=''
		while IFS= read -r line || [ -n "$entry" ]; do
			if [[ -z $line || $line != [[:space:]]* ]]; then # a new entry starts (or the end)
				if [[ $entry =~ [[:space:]]dir\ (in|out|fwd)\  && $entry != *"proto ipv6-icmp"* ]]; then
					left+=$entry
				fi
				entry=''
				[ -z "$line" ] && break
			fi
			entry+=$line$'\n'
		done < <(ip -n "$ns" xfrm policy)
		[ -n "$left" ] && printf '%s: policies:\n%s' "$ns" "$left"
	done
	return 0
}
# kernel_clean [CASE]: no SA and no (non-socket) policy left in r1 and r2; what is left goes to
# CASE/kernel-leftovers.txt.
kernel_clean() {
	local left
	left=$(kernel_leftovers)
	[ -z "$left" ] && return 0
	printf '%s\n' "$left" >"$RESULTS/${1:-.}/kernel-leftovers.txt"
	return 1
}

# charon_conf CASE NAME VERSION AUTH IKE ESP START LOCAL REMOTE: swanctl.conf of charon NAME
# for CASE (the connection and CHILD_SA are named CASE).
charon_conf() {
	local c=$1 name=$2 v=$3 auth=$4 ike=$5 esp=$6 start=$7 l=$8 r=$9 a=()
	if [ "$auth" = psk ]; then
		a=(auth=psk "psk=$PSK")
	else
		a=(auth=pubkey "cert=$PKI/$l.crt" "key=$PKI/$l.key" "cacert=$PKI/ca.crt"
			"local_id=$l" "remote_id=$r")
	fi
	declare -A addr=([r1]=192.168.0.1 [r2]=192.168.0.2)
	peer_swanctl_conf_v"$v" "$name" "conn=$c" "local=${addr[$l]}" "remote=${addr[$r]}" \
		mark=$KEY "ike=$ike" "esp=$esp" "start=$start" "${a[@]}"
}

# charon_case CASE VERSION AUTH IKE ESP [START]: charon-r1 initiates to charon-r2.
charon_case() {
	local c=$1 v=$2 auth=$3 ike=$4 esp=$5 start=${6:-none} t0 t1 vs=IKEv$2
	lab_log "=== case $c: charon <-> charon, $vs, $auth, IKE $ike, ESP $esp, start_action $start"
	t0=$(lab_uptime)
	mkdir -p "$RESULTS/$c"
	charon_conf "$c" charon-r2 "$v" "$auth" "$ike" "$esp" none r2 r1
	charon_conf "$c" charon-r1 "$v" "$auth" "$ike" "$esp" "$start" r1 r2
	printf '%s\n' "$(<"${PEER_DIR[charon-r1]}/swanctl/swanctl.conf")" >"$RESULTS/$c/swanctl-r1.conf"
	printf '%s\n' "$(<"${PEER_DIR[charon-r2]}/swanctl/swanctl.conf")" >"$RESULTS/$c/swanctl-r2.conf"
	peer_log_mark charon-r1
	peer_log_mark charon-r2
	lab_counters_reset r1 eth0
	peer_swanctl_load charon-r2 || lab_fail "$c: load r2"
	t1=$(lab_uptime)
	peer_swanctl_load charon-r1 || lab_fail "$c: load r1"
	if [ "$start" = start ]; then
		lab_check "$c: r1 initiated when loaded, CHILD_SA established" \
			peer_charon_wait_child charon-r1 "$c" 90
	else
		lab_check "$c: r1 swanctl --initiate" \
			to "$RESULTS/$c/initiate.out" peer_swanctl charon-r1 --initiate --child "$c" --timeout 90
	fi
	lab_log "$c: IKE + CHILD_SA up $(since "$t1") s after loading r1's connection"
	peer_charon_wait_child charon-r2 "$c" 30 || :
	lab_check "$c: r1 lists the SA ESTABLISHED $vs, CHILD INSTALLED" sa_listed "$c" charon-r1 "$vs"
	lab_check "$c: r2 lists the SA ESTABLISHED $vs, CHILD INSTALLED" sa_listed "$c" charon-r2 "$vs"
	lab_check "$c: IKE packets on the wire during bring-up" \
		lab_gt "$(lab_counter r1 eth0 ike_out || echo 0)" 0
	if [ "$v" = 1 ]; then
		lab_check "$c: r2 saw Main Mode" peer_log_has charon-r2 'initiating a Main Mode IKE_SA'
	fi
	traffic "$c"
	lab_check "$c: r1 swanctl --terminate --ike $c" \
		to "$RESULTS/$c/terminate.out" peer_swanctl charon-r1 --terminate --ike "$c" --timeout 30
	lab_check "$c: no SA or policy left in r1 and r2 after terminate" \
		lab_wait_for "$c: kernel state removed" 30 kernel_clean "$c"
	CASE_SECONDS[$c]=$(since "$t0")
	lab_log "=== case $c done in ${CASE_SECONDS[$c]} s"
}

# pluto_case CASE: libreswan's pluto on r1 (in place of charon-r1) initiates IKEv1 Main Mode PSK
# to charon-r2.
pluto_case() {
	local c=$1 t0 t1 out
	lab_log "=== case $c: pluto (r1) -> charon (r2), IKEv1 Main Mode, psk, AES-CBC-256/SHA-256"
	t0=$(lab_uptime)
	mkdir -p "$RESULTS/$c"
	peer_stop charon-r1
	peer_pluto_start r1 pluto-r1 "$RESULTS/pluto-r1" || lab_fail "$c: pluto in r1"
	peer_pluto_conf_v1_psk pluto-r1 "conn=$c" local=192.168.0.1 remote=192.168.0.2 \
		"psk=$PSK" mark=$KEY "ike=aes256-sha2_256;modp2048" esp=aes256-sha2_256
	charon_conf "$c" charon-r2 1 psk aes256-sha256-modp2048 aes256-sha256 none r2 r1
	peer_log_mark charon-r2
	lab_counters_reset r1 eth0
	peer_swanctl_load charon-r2 || lab_fail "$c: load r2"
	peer_pluto_add pluto-r1 "$c" || lab_fail "$c: addconn in pluto"
	t1=$(lab_uptime)
	out=$(peer_whack pluto-r1 --name "$c" --initiate 2>&1) || :
	printf '%s\n' "$out" >"$RESULTS/$c/initiate.out"
	lab_check "$c: pluto: IPsec SA established" has "$out" 'IPsec SA established tunnel mode'
	lab_log "$c: Main Mode + Quick Mode done $(since "$t1") s after whack --initiate"
	peer_charon_wait_child charon-r2 "$c" 30 || :
	lab_check "$c: r2 lists the SA ESTABLISHED IKEv1, CHILD INSTALLED" sa_listed "$c" charon-r2 IKEv1
	lab_check "$c: r2 saw Main Mode" peer_log_has charon-r2 'initiating a Main Mode IKE_SA'
	out=$(peer_whack pluto-r1 --trafficstatus 2>&1) || :
	printf '%s\n' "$out" >"$RESULTS/$c/trafficstatus-before.txt"
	lab_check "$c: pluto --trafficstatus lists the ESP SA" has "$out" "\"$c\", type=ESP"
	lab_check "$c: IKE packets on the wire during bring-up" \
		lab_gt "$(lab_counter r1 eth0 ike_out || echo 0)" 0
	traffic "$c"
	peer_whack pluto-r1 --trafficstatus >"$RESULTS/$c/trafficstatus-after.txt" 2>&1 || :
	peer_stop pluto-r1
	lab_check "$c: no SA or policy left in r1 and r2 after pluto stopped" \
		lab_wait_for "$c: kernel state removed" 30 kernel_clean "$c"
	CASE_SECONDS[$c]=$(since "$t0")
	lab_log "=== case $c done in ${CASE_SECONDS[$c]} s"
}

# IKEGW_LAB_CASES (run.sh, development only) runs a subset.
CASES=" ${IKEGW_LAB_CASES:-psk-v2 cert-v2 psk-v1 pluto-v1} "
want() { [[ $CASES == *" $1 "* ]]; }
want psk-v2 && charon_case psk-v2 2 psk aes256-sha256-modp2048 aes256-sha256
want cert-v2 && charon_case cert-v2 2 pubkey aes128gcm16-prfsha256-ecp256 aes128gcm16 start
want psk-v1 && charon_case psk-v1 1 psk aes256-sha256-modp2048 aes256-sha256
if want pluto-v1; then
	if peer_pluto_available; then
		pluto_case pluto-v1
	else
		lab_log "libreswan not unpacked in $PEER_LIBRESWAN (scripts/deps.sh): pluto case skipped"
	fi
fi
for name in charon-r1 charon-r2; do peer_stop "$name"; done
lab_check "no SA or policy left after the daemons stopped" kernel_clean

for c in "${!CASE_SECONDS[@]}"; do
	lab_log "case $c: ${CASE_SECONDS[$c]} s"
done | sort
lab_finish
