#!/bin/bash
# Lab scenario 28 (issue 6): the Wireshark key export. Two ikegwd (R1, R2 of seed 001) run with
# --export-keys DIR: first an IKEv2 PSK tunnel, then an IKEv1 PSK tunnel (Main Mode), PINGS
# LAN-to-LAN pings through each, everything on R1's eth0 captured (IKE and ESP). Then tshark,
# given only the tables R1 wrote (WIRESHARK_CONFIG_DIR), must show what is encrypted on the wire:
# IKE_AUTH's IDi and IDr, Main Mode's IDii, and the inner ICMP echoes of every ESP packet (as
# many as were pinged, ICVs checked good); without the tables it must show none of them. Also:
# the tables are 0600, one IKE SA record per version, the same records on both sides; the
# operator is told (LOG_WARNING at start and at a reload, "key_export" in the show JSON, a line
# in `show crypto ipsec sa`); a world-writable DIR is refused at start.
# lab-timeout: 600
# shellcheck disable=SC2317 # helpers are called through lab_check/lab_wait_for
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/lib-ikegw.sh
source "$(dirname "$0")/../lib-ikegw.sh"
lab_init
ikegw_init
command -v tshark >/dev/null || lab_fail "tshark missing (scripts/deps.sh installs it)"

PINGS=5
lab_topology_seed001
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
D=$RESULTS/conf
mkdir -p "$D"
# the tables live in the guest's tmpfs (real modes), copied to RESULTS at the end
declare -A KX=([r1]=/tmp/lab28-keys-r1 [r2]=/tmp/lab28-keys-r2)
rm -rf "${KX[r1]}" "${KX[r2]}" /tmp/lab28-ww /tmp/lab28-nokeys
mkdir -m 0700 "${KX[r1]}" "${KX[r2]}" /tmp/lab28-nokeys
mkdir -m 1777 /tmp/lab28-ww

# v2conf NAME SELF PEER LANPEER TUN INIT: an IKEv2 PSK tunnel (AES-CBC-256, SHA-256, group 14).
v2conf() {
	cat >"$D/$1-v2.conf" <<-EOF
		hostname ${1^^}
		crypto ikev2 proposal PROP
		 encryption aes-cbc-256
		 integrity sha256
		 group 14
		crypto ikev2 policy POL
		 proposal PROP
		crypto ikev2 keyring KR
		 peer PEER
		  address $3
		  pre-shared-key lab-secret-28
		crypto ikev2 profile PROF
		 match identity remote address $3 255.255.255.255
		 authentication remote pre-share
		 authentication local pre-share
		 keyring local KR
		crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
		 mode tunnel
		crypto ipsec profile IPP
		 set transform-set TS
		 set ikev2-profile PROF
		interface Ethernet0/0
		 ip address $2 255.255.255.0
		interface Tunnel1
		 ip address $5 255.255.255.0
		 tunnel source Ethernet0/0
		 tunnel destination $3
		 tunnel mode ipsec ipv4
		 tunnel protection ipsec profile IPP
		 tunnel initiate $6
		ip route $4 255.255.255.0 Tunnel1
	EOF
}
v2conf r1 192.168.0.1 192.168.0.2 192.168.200.0 10.0.0.1 always
v2conf r2 192.168.0.2 192.168.0.1 192.168.100.0 10.0.0.2 never
ikegw_conf_v1 "$D/r1-v1.conf" name=R1 self=192.168.0.1 peer=192.168.0.2 tun=10.0.0.1 \
	lanpeer=192.168.200.0 init=always psk=lab-secret-28
ikegw_conf_v1 "$D/r2-v1.conf" name=R2 self=192.168.0.2 peer=192.168.0.1 tun=10.0.0.2 \
	lanpeer=192.168.100.0 init=never psk=lab-secret-28

# --- a world-writable directory is refused (the daemon does not start) ---
rc=0
out=$(lab_nsx r1 "$IKEGWD_BIN" -f "$D/r1-v2.conf" -S /run/lab28-refused.sock \
	--export-keys /tmp/lab28-ww 2>&1) || rc=$?
printf '%s\n' "$out" >"$RESULTS/refused.txt"
lab_check "world-writable DIR: ikegwd exits 1 ($rc)" lab_eq "$rc" 1
lab_check "world-writable DIR: it says why ($out)" grep -q \
	"key export directory /tmp/lab28-ww is world-writable (mode 1777): refused" "$RESULTS/refused.txt"

# --- capture: IKE and ESP on R1's wire ---
CAP=$RESULTS/keys.pcapng
lab_nsx r1 dumpcap -q -i eth0 -f "udp port 500 or udp port 4500 or esp" -w "$CAP" \
	>"$RESULTS/dumpcap.log" 2>&1 &
lab_wait_for "dumpcap running" 60 test -s "$CAP" || lab_fail "dumpcap did not start"

# run TAG VERSION: both daemons with --export-keys on VERSION's configs, tunnel up, pings.
run() {
	local tag=$1 v=$2 got
	lab_log "=== $tag"
	ikegw_start r2 "$D/r2-$v.conf" --export-keys "${KX[r2]}"
	ikegw_start r1 "$D/r1-$v.conf" --export-keys "${KX[r1]}"
	if ! ikegw_wait_up r1 120 || ! ikegw_wait_up r2 30; then
		lab_check "$tag: tunnel up" false
	fi
	got=$(lab_ping r1 192.168.100.1 192.168.200.1 $PINGS)
	lab_check "$tag: R1 LAN -> R2 LAN $got/$PINGS replies" lab_eq "$got" $PINGS
}

run ikev2 v2
# the operator sees it: show JSON, show text, the log (at start and at a reload)
lab_save show-ipsec-r1.json ikegw_json r1 show crypto ipsec sa
lab_check "ikev2: show crypto ipsec sa --json has key_export = ${KX[r1]}" test \
	"$(jq -r .key_export "$RESULTS/show-ipsec-r1.json")" = "${KX[r1]}"
lab_check "ikev2: show crypto ikev2 sa --json has key_export" test \
	"$(ikegw_json r1 show crypto ikev2 sa | jq -r .key_export)" = "${KX[r1]}"
lab_save show-ipsec-r1.txt ikegw_ctl r1 show crypto ipsec sa
lab_check "ikev2: show crypto ipsec sa says the key export is ON" grep -q \
	"^% key export to ${KX[r1]} is ON: anyone who can read it can decrypt" "$RESULTS/show-ipsec-r1.txt"
warn="key export to ${KX[r1]} is ON: anyone who can read it can decrypt this gateway's traffic"
lab_check "ikev2: r1 logged the warning at start" grep -qF "$warn" "$RESULTS/ikegwd-r1.log"
ikegw_ctl r1 reload >"$RESULTS/reload-r1.txt" 2>&1 || :
warned_twice() { [ "$(grep -cF "$warn" "$RESULTS/ikegwd-r1.log")" = 2 ]; }
lab_wait_for "r1 logs the warning again at the reload" 30 warned_twice ||
	lab_check "ikev2: r1 logged it again at the reload" false
ikegw_stop r1
ikegw_stop r2

run ikev1 v1
ikegw_stop r1
ikegw_stop r2

# stop the capture
pids=()
for pid in $(ip netns pids r1); do
	[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */dumpcap ]] || continue
	kill -INT "$pid" && pids+=("$pid")
done
lab_wait_for "dumpcap stops" 30 ikegw_gone "${pids[@]}" || :

# --- the tables ---
for ns in r1 r2; do
	cp -a "${KX[$ns]}" "$RESULTS/keys-$ns"
	for f in ikev2_decryption_table ikev1_decryption_table esp_sa; do
		lab_check "$ns $f mode 600 ($(stat -c %a "${KX[$ns]}/$f" 2>&1))" \
			test "$(stat -c %a "${KX[$ns]}/$f" 2>&1)" = 600
	done
	lab_check "$ns: one IKEv2 SA record" lab_eq "$(wc -l <"${KX[$ns]}/ikev2_decryption_table")" 1
	lab_check "$ns: one ISAKMP SA record" lab_eq "$(wc -l <"${KX[$ns]}/ikev1_decryption_table")" 1
	# two tunnels, an SA each way
	lab_check "$ns: four ESP SA records" lab_eq "$(wc -l <"${KX[$ns]}/esp_sa")" 4
done
lab_check "both sides exported the same IKEv2 SA keys" \
	cmp -s "${KX[r1]}/ikev2_decryption_table" "${KX[r2]}/ikev2_decryption_table"
lab_check "both sides exported the same ISAKMP SA key" \
	cmp -s "${KX[r1]}/ikev1_decryption_table" "${KX[r2]}/ikev1_decryption_table"
lab_check "both sides exported the same ESP SAs" \
	test "$(sort "${KX[r1]}/esp_sa")" = "$(sort "${KX[r2]}/esp_sa")"

# --- tshark with R1's tables, and without ---
# One tshark pass per configuration directory (each costs 10-30 s under TCG): per packet the
# fields below (all occurrences, comma-separated), saved as keys.fields-TAG.txt; counts of what
# would match these display filters into the array named by COUNTS:
#   v2_idi  isakmp.exchangetype == 35 && isakmp.id.data.ipv4_addr == 192.168.0.1 (IKE_AUTH IDi)
#   v2_idr  isakmp.exchangetype == 35 && isakmp.id.data.ipv4_addr == 192.168.0.2 (IKE_AUTH IDr)
#   v1_id   isakmp.exchangetype == 2 && isakmp.id.data.ipv4_addr == 192.168.0.1 (MM5's IDii)
#   echo    esp && icmp.type == 8 && ip.src == 192.168.100.1 && ip.dst == 192.168.200.1
#   reply   esp && icmp.type == 0 && ip.src == 192.168.200.1 && ip.dst == 192.168.100.1
#   esp, icv_good, icv_bad   esp, esp.icv_good, esp.icv_bad
# decode DIR TAG COUNTS
decode() {
	local dir=$1 tag=$2 k v
	local -n counts=$3
	HOME=/nonexistent WIRESHARK_CONFIG_DIR=$dir tshark -n -r "$CAP" \
		-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE \
		-T fields -E occurrence=a -e frame.number -e isakmp.exchangetype \
		-e isakmp.id.data.ipv4_addr -e esp.spi -e icmp.type -e ip.src -e ip.dst \
		-e esp.icv_good -e esp.icv_bad >"$RESULTS/keys.fields-$tag.txt" \
		2>"$RESULTS/tshark-$tag.err" || :
	while read -r k v; do
		# shellcheck disable=SC2034,SC2004 # counts is the caller's array (nameref)
		counts[$k]=$v
	done < <(awk -F'\t' '
		function has(list, v,   a, n, i) {
			n = split(list, a, ",")
			for (i = 1; i <= n; i++)
				if (a[i] == v)
					return 1
			return 0
		}
		function yes(x) { return x == "1" || x == "True" }
		{
			c["v2_idi"] += has($2, "35") && has($3, "192.168.0.1")
			c["v2_idr"] += has($2, "35") && has($3, "192.168.0.2")
			c["v1_id"] += has($2, "2") && has($3, "192.168.0.1")
			c["echo"] += $4 != "" && has($5, "8") && has($6, "192.168.100.1") && has($7, "192.168.200.1")
			c["reply"] += $4 != "" && has($5, "0") && has($6, "192.168.200.1") && has($7, "192.168.100.1")
			c["esp"] += $4 != ""
			c["icv_good"] += yes($8)
			c["icv_bad"] += yes($9)
		}
		END {
			split("v2_idi v2_idr v1_id echo reply esp icv_good icv_bad", k, " ")
			for (i = 1; i <= 8; i++)
				print k[i], c[k[i]] + 0
		}' "$RESULTS/keys.fields-$tag.txt")
}
declare -A WITH=() WITHOUT=()
decode "${KX[r1]}" with WITH
decode /tmp/lab28-nokeys without WITHOUT
lab_check "tshark loads the tables without error" \
	test -z "$(grep -i 'error' "$RESULTS/tshark-with.err" "$RESULTS/tshark-without.err")"
for k in v2_idi v2_idr v1_id echo reply esp icv_good icv_bad; do
	lab_log "tshark $k: ${WITH[$k]:-?} with the tables, ${WITHOUT[$k]:-?} without"
done
lab_check "IKE_AUTH decrypted: IDi 192.168.0.1 (${WITH[v2_idi]})" lab_ge "${WITH[v2_idi]}" 1
lab_check "IKE_AUTH decrypted: IDr 192.168.0.2 (${WITH[v2_idr]})" lab_ge "${WITH[v2_idr]}" 1
lab_check "Main Mode decrypted: IDii 192.168.0.1 (${WITH[v1_id]})" lab_ge "${WITH[v1_id]}" 1
lab_check "ESP decrypted: $((2 * PINGS)) inner echo requests (${WITH[echo]})" \
	lab_eq "${WITH[echo]}" $((2 * PINGS))
lab_check "ESP decrypted: $((2 * PINGS)) inner echo replies (${WITH[reply]})" \
	lab_eq "${WITH[reply]}" $((2 * PINGS))
lab_check "ESP: every ICV checked good (${WITH[icv_good]} of ${WITH[esp]}), none bad (${WITH[icv_bad]})" \
	test "${WITH[icv_good]}/${WITH[icv_bad]}" = "${WITH[esp]}/0"
lab_check "ESP packets on the wire: at least $((4 * PINGS)) (${WITH[esp]})" lab_ge "${WITH[esp]}" $((4 * PINGS))
for k in v2_idi v2_idr v1_id echo reply icv_good; do
	lab_check "without the tables tshark shows no $k (${WITHOUT[$k]})" lab_eq "${WITHOUT[$k]}" 0
done
lab_finish
