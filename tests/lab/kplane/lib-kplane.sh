# Kernel lab helpers for the kplane scenarios (source after lib.sh): run kplane-lab in a
# namespace, snapshot a tunnel's counters as our APIs report them (KP[...]) and as the oracles
# report them (ORA[...]: ip -s xfrm state, ip -s -j link, /proc/net/xfrm_stat), compare both,
# and print the counter table. Every helper is prefixed kplane_.
# shellcheck shell=bash

KPLANE_BIN=${IKEGW_BUILD:-}/tests/lab/kplane/kplane-lab
# shellcheck disable=SC2034 # read by the scenarios
declare -A KP=()
# shellcheck disable=SC2034 # read by the scenarios
declare -A ORA=()

# kplane_init: after lab_init; fails the scenario when kplane-lab was not built.
kplane_init() {
	[ -x "$KPLANE_BIN" ] || lab_fail "$KPLANE_BIN missing: build the kplane-lab target first"
}

# kplane NS ARGS...: runs kplane-lab inside namespace NS.
kplane() {
	local ns=$1
	shift
	ip netns exec "$ns" "$KPLANE_BIN" "$@"
}

# kplane_read NS DEV [TAG]: one snapshot of DEV's counters through our APIs (kplane-lab counters
# --json, saved as $RESULTS/kplane-NS-TAG.json). Fills KP[NS:sa_count], KP[NS:sa_spis] (comma
# list, outbound first), KP[NS:sa:SPI:FIELD] (dir reqid transform bytes packets replay_window
# replay_window_errors replay_errors integrity_errors), KP[NS:link:FIELD] (rx/tx_packets,
# _bytes, _errors, _dropped), KP[NS:stat:NAME] and KP[NS:encaps_pkts|decaps_pkts|...].
kplane_read() {
	local ns=$1 dev=$2 tag=${3:-last} f k v
	f=$RESULTS/kplane-$ns-$tag.json
	kplane "$ns" counters --name "$dev" --json >"$f" || return 1
	for k in "${!KP[@]}"; do
		[[ $k == "$ns":* ]] && unset "KP[$k]"
	done
	while read -r k v; do
		KP[$ns:$k]=$v
	done < <(jq -r '
		"sa_count \(.sas | length)",
		"sa_spis \([.sas[].spi] | join(","))",
		(.sas[] | . as $s | ("dir", "reqid", "bytes", "packets", "replay_window",
			"replay_window_errors", "replay_errors", "integrity_errors")
			| "sa:\($s.spi):\(.) \($s[.])"),
		(.sas[] | "sa:\(.spi):transform \(.transform | gsub(" "; "+"))"),
		(.link | to_entries[] | "link:\(.key) \(.value)"),
		(.xfrm_stat | to_entries[] | "stat:\(.key) \(.value)"),
		("encaps_pkts", "decaps_pkts", "encaps_bytes", "decaps_bytes") as $t
			| "\($t) \(.[$t])"' "$f")
}

# kplane_oracle_read NS DEV [TAG]: the same facts from iproute2 and procfs (saved, keys masked,
# as $RESULTS/oracle-NS-TAG.txt): ORA[NS:sa_count], ORA[NS:sa:SPI:bytes|packets|replay_window_errors
# |replay_errors|integrity_errors] (ip -s xfrm state: "lifetime current" and "stats"),
# ORA[NS:link:FIELD] (ip -s -j link, stats64), ORA[NS:stat:NAME] (/proc/net/xfrm_stat).
kplane_oracle_read() {
	local ns=$1 dev=$2 tag=${3:-last} f k v n=0 spi bytes packets rw rp fail
	f=$RESULTS/oracle-$ns-$tag.txt
	for k in "${!ORA[@]}"; do
		[[ $k == "$ns":* ]] && unset "ORA[$k]"
	done
	# Keys are masked before anything is saved.
	ip -n "$ns" -s xfrm state |
		sed -E 's/^([[:space:]]*(aead|enc|auth|auth-trunc) [^ ]+) 0x[0-9a-f]+/\1 (key masked)/' >"$f"
	while read -r spi bytes packets rw rp fail; do
		ORA[$ns:sa:$spi:bytes]=$bytes
		ORA[$ns:sa:$spi:packets]=$packets
		ORA[$ns:sa:$spi:replay_window_errors]=$rw
		ORA[$ns:sa:$spi:replay_errors]=$rp
		ORA[$ns:sa:$spi:integrity_errors]=$fail
		n=$((n + 1))
	done < <(awk '
		function flush() { if (spi != "") print spi, b, p, rw, rp, f; spi = "" }
		$1 == "proto" && $3 == "spi" { flush(); spi = $4; sub(/\(.*/, "", spi); next }
		/lifetime current:/ { cur = 1; next }
		cur && /\(bytes\),/ {
			line = $0; gsub(/\(bytes\),|\(packets\)/, " ", line); split(line, v, " ")
			b = v[1]; p = v[2]; cur = 0; next
		}
		/^[[:space:]]*stats:/ { st = 1; next }
		st && $1 == "replay-window" { rw = $2; rp = $4; f = $6; st = 0; next }
		END { flush() }' "$f")
	ORA[$ns:sa_count]=$n
	{
		echo "--- ip -s -j link show dev $dev"
		ip -n "$ns" -s -j link show dev "$dev"
		echo
		echo "--- /proc/net/xfrm_stat"
		ip netns exec "$ns" cat /proc/net/xfrm_stat
	} >>"$f"
	while read -r k v; do
		ORA[$ns:$k]=$v
	done < <(sed -n '/^--- ip -s -j link/{n;p}' "$f" | jq -r '.[0].stats64 as $s
		| ("rx", "tx") as $d | ("packets", "bytes", "errors", "dropped") as $w
		| "link:\($d)_\($w) \($s[$d][$w])"')
	while read -r k v; do
		[[ $k =~ ^Xfrm ]] && ORA[$ns:stat:$k]=$v
	done < <(sed -n '/^--- \/proc\/net\/xfrm_stat/,$p' "$f")
	return 0
}

# kplane_compare NS: asserts (lab_check) that the last kplane_read and kplane_oracle_read of NS
# agree on every SA's bytes, packets, replay and integrity counters, the SA count, the link's
# stats64 and every xfrm_stat counter.
kplane_compare() {
	local ns=$1 spi ours theirs k f
	local fields=(bytes packets replay_window_errors replay_errors integrity_errors)
	lab_check "$ns: SA count, ours ${KP[$ns:sa_count]:-?} = ip's ${ORA[$ns:sa_count]:-?}" \
		lab_eq "${KP[$ns:sa_count]:-x}" "${ORA[$ns:sa_count]:-y}"
	for spi in ${KP[$ns:sa_spis]//,/ }; do
		ours='' theirs=''
		for f in "${fields[@]}"; do
			ours+="$f=${KP[$ns:sa:$spi:$f]:-?} "
			theirs+="$f=${ORA[$ns:sa:$spi:$f]:-?} "
		done
		lab_check "$ns: SA $spi counters equal ip -s xfrm state (${ours% })" \
			test "$ours" = "$theirs"
		[ "$ours" = "$theirs" ] || lab_log "    ip -s xfrm state: ${theirs% }"
	done
	ours='' theirs=''
	for k in rx_packets tx_packets rx_bytes tx_bytes rx_errors tx_errors rx_dropped tx_dropped; do
		ours+="$k=${KP[$ns:link:$k]:-?} "
		theirs+="$k=${ORA[$ns:link:$k]:-?} "
	done
	lab_check "$ns: link stats equal ip -s link (${ours% })" test "$ours" = "$theirs"
	[ "$ours" = "$theirs" ] || lab_log "    ip -s link: ${theirs% }"
	ours='' theirs=''
	for k in "${!ORA[@]}"; do
		[[ $k == "$ns":stat:* ]] || continue
		[ "${KP[$k]:-?}" = "${ORA[$k]}" ] || theirs+="${k#"$ns":stat:}=${ORA[$k]}/ours:${KP[$k]:-?} "
		ours+=x
	done
	lab_check "$ns: ${#ours} xfrm_stat counters equal /proc/net/xfrm_stat${theirs:+ (differ: $theirs)}" \
		test -n "$ours" -a -z "$theirs"
}

# kplane_snapshot NS DEV TAG: kplane_read + kplane_oracle_read + kplane_compare.
kplane_snapshot() {
	kplane_read "$1" "$2" "$3" || lab_fail "kplane-lab counters failed in $1"
	kplane_oracle_read "$1" "$2" "$3"
	kplane_compare "$1"
}

# kplane_table DEV NS...: a side-by-side table of the last kplane_read of each namespace.
kplane_table() {
	local dev=$1 ns row
	shift
	local rows=(encaps_pkts encaps_bytes decaps_pkts decaps_bytes link:tx_packets link:tx_bytes
		link:rx_packets link:rx_bytes link:tx_errors link:rx_errors sa_count)
	printf '    %-22s' "$dev counters"
	for ns in "$@"; do printf ' %14s' "$ns"; done
	printf '\n'
	for row in "${rows[@]}"; do
		printf '    %-22s' "${row#link:}"
		for ns in "$@"; do printf ' %14s' "${KP[$ns:$row]:-?}"; done
		printf '\n'
	done
}
