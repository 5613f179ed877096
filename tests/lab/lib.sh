# Kernel lab: shell library for scenarios (source it; bash only). Network namespaces with seed
# 001's addressing, waits with deadlines, nftables netdev counters on the wire (ESP, IKE and
# cleartext LAN/tunnel addresses), counter dumps into $RESULTS, assertions and cleanup.
# Every helper is prefixed lab_; lab_check records failures, lab_finish turns them into exit 1.
# shellcheck shell=bash

LAB_NAMESPACES=()
# shellcheck disable=SC2034 # filled by lab_counters_read, read by scenarios
declare -A LAB_COUNTERS=()
# shellcheck disable=SC2034 # filled by lab_xfrm_read, read by scenarios
declare -A LAB_SA=()
LAB_FAILURES=0
# Prefixes that must never appear as source or destination of a packet on the wire (seed 001).
LAB_INNER_PREFIXES=(192.168.100.0/24 192.168.200.0/24 10.0.0.0/24)

lab_uptime() {
	local up rest
	read -r up rest </proc/uptime
	printf '%s' "$up"
}

lab_log() {
	printf '[%8ss] %s\n' "$(lab_uptime)" "$*"
}

lab_fail() {
	lab_log "FAIL: $*"
	exit 1
}

# lab_check DESCRIPTION COMMAND...: runs the command, logs "ok" or "FAIL" and counts failures
# (the scenario keeps going so that one run shows every broken assertion; lab_finish reports).
lab_check() {
	local what=$1
	shift
	if "$@"; then
		lab_log "ok: $what"
	else
		lab_log "FAIL: $what"
		LAB_FAILURES=$((LAB_FAILURES + 1))
	fi
}

# Numeric comparisons for lab_check: lab_eq A B, lab_ge A B (A >= B), lab_gt A B.
lab_eq() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && (($1 == $2)); }
lab_ge() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && (($1 >= $2)); }
lab_gt() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && (($1 > $2)); }

# lab_finish: the scenario's last line; exits 0 only if every lab_check passed.
lab_finish() {
	if ((LAB_FAILURES > 0)); then
		lab_log "scenario FAILED: $LAB_FAILURES check(s) failed"
		exit 1
	fi
	lab_log "scenario passed"
	exit 0
}

# lab_wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds
# (returns 0) or SECONDS have passed (logs and returns 1). The only way to wait in a scenario.
lab_wait_for() {
	local what=$1 secs=$2 up rest deadline
	shift 2
	read -r up rest </proc/uptime
	deadline=$((10#${up/./} + secs * 100)) # uptime in centiseconds
	while ! "$@"; do
		read -r up rest </proc/uptime
		if ((10#${up/./} > deadline)); then
			lab_log "timed out after ${secs}s waiting for: $what"
			return 1
		fi
		sleep 0.2
	done
}

# lab_wait_crypto_warm [SECONDS]: waits until the boot-time crypto warm-up (guest.sh) is done,
# so that a timed exchange does not pay for loading and self-testing the algorithms.
lab_wait_crypto_warm() {
	lab_wait_for "crypto warm-up" "${1:-300}" test -e /var/tmp/ikegw-lab/warm.done
}

# lab_init: call first. Strict mode, checks the runner's environment, cleanup on exit.
lab_init() {
	set -euo pipefail
	: "${RESULTS:?RESULTS not set (run scenarios through tests/lab/run.sh)}"
	: "${IKEGW_SRC:?IKEGW_SRC not set}"
	: "${IKEGW_BUILD:?IKEGW_BUILD not set}"
	mkdir -p "$RESULTS"
	trap lab_cleanup EXIT
	lab_log "scenario ${LAB_SCENARIO:-$(basename "$0" .sh)} starts; results in $RESULTS"
}

# lab_ns_add NS: a fresh network namespace with lo up, removed again by lab_cleanup.
lab_ns_add() {
	local ns=$1
	ip netns add "$ns"
	LAB_NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
}

# lab_nsx NS COMMAND...: runs COMMAND inside namespace NS.
lab_nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# lab_link_up NS DEV: DEV is administratively up and has carrier (flags UP and LOWER_UP).
lab_link_up() {
	local out
	out=$(ip -n "$1" -o link show dev "$2" 2>/dev/null) || return 1
	[[ $out =~ \<([^>]*)\> ]] || return 1
	[[ ,${BASH_REMATCH[1]}, == *,UP,* && ,${BASH_REMATCH[1]}, == *,LOWER_UP,* ]]
}

# lab_topology_seed001: namespaces r1 and r2 joined by a veth (eth0 on both sides),
# r1 eth0 192.168.0.1/24 + lan0 (dummy) 192.168.100.1/24,
# r2 eth0 192.168.0.2/24 + lan0 (dummy) 192.168.200.1/24. Waits until both ends are up.
# Few processes on purpose: every exec costs 0.2-3 s in the emulated VM.
lab_topology_seed001() {
	lab_ns_add r1
	lab_ns_add r2
	ip link add eth0 netns r1 type veth peer name eth0 netns r2
	ip -n r1 -batch - <<-EOF
		addr add 192.168.0.1/24 dev eth0
		link add lan0 type dummy
		addr add 192.168.100.1/24 dev lan0
		link set eth0 up
		link set lan0 up
	EOF
	ip -n r2 -batch - <<-EOF
		addr add 192.168.0.2/24 dev eth0
		link add lan0 type dummy
		addr add 192.168.200.1/24 dev lan0
		link set eth0 up
		link set lan0 up
	EOF
	lab_wait_for "r1 eth0 up" 60 lab_link_up r1 eth0 || lab_fail "r1 eth0 not up"
	lab_wait_for "r2 eth0 up" 60 lab_link_up r2 eth0 || lab_fail "r2 eth0 not up"
}

# lab_vti_sysctls NS DEV: what a route-based VTI needs (kernel-lab.md): no reverse-path filter,
# no policy check on the VTI itself (the VTI's mark selects the SA).
lab_vti_sysctls() {
	local ns=$1 dev=$2
	lab_nsx "$ns" sysctl -q -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		"net.ipv4.conf.$dev.rp_filter=0" "net.ipv4.conf.$dev.disable_policy=1"
}

# lab_counters_add NS DEV [PREFIX...]: nftables netdev table lab_DEV in NS counting, per direction
# (suffix _in on ingress, _out on egress): all (every packet), esp (IP protocol 50 and ESP in
# UDP 4500, i.e. a non-zero first payload word), ike (UDP 500 and UDP 4500 with the zero marker),
# clear (source or destination inside PREFIXes: default seed 001's LANs and tunnel subnet;
# must stay 0 when everything goes through the tunnel).
lab_counters_add() {
	local ns=$1 dev=$2
	shift 2
	local prefixes=("$@")
	((${#prefixes[@]})) || prefixes=("${LAB_INNER_PREFIXES[@]}")
	local elems dir hook
	elems=$(
		IFS=,
		printf '%s' "${prefixes[*]}"
	)
	{
		printf 'table netdev lab_%s {\n' "$dev"
		printf '\tset inner { type ipv4_addr; flags interval; elements = { %s } }\n' "$elems"
		for dir in in out; do
			printf '\tcounter all_%s { }\n\tcounter esp_%s { }\n' "$dir" "$dir"
			printf '\tcounter ike_%s { }\n\tcounter clear_%s { }\n' "$dir" "$dir"
		done
		for dir in in out; do
			hook=ingress
			[[ $dir == out ]] && hook=egress
			printf '\tchain %s {\n' "$dir"
			printf '\t\ttype filter hook %s device "%s" priority 0; policy accept;\n' "$hook" "$dev"
			printf '\t\tcounter name all_%s\n' "$dir"
			printf '\t\tmeta l4proto esp counter name esp_%s\n' "$dir"
			printf '\t\tudp dport 4500 @th,64,32 != 0 counter name esp_%s\n' "$dir"
			printf '\t\tudp sport 4500 udp dport != 4500 @th,64,32 != 0 counter name esp_%s\n' "$dir"
			printf '\t\tudp dport 500 counter name ike_%s\n' "$dir"
			printf '\t\tudp sport 500 udp dport != 500 counter name ike_%s\n' "$dir"
			printf '\t\tudp dport 4500 @th,64,32 0 counter name ike_%s\n' "$dir"
			printf '\t\tudp sport 4500 udp dport != 4500 @th,64,32 0 counter name ike_%s\n' "$dir"
			printf '\t\tip saddr @inner counter name clear_%s return\n' "$dir"
			printf '\t\tip daddr @inner counter name clear_%s\n' "$dir"
			printf '\t}\n'
		done
		printf '}\n'
	} | lab_nsx "$ns" nft -f -
}

# lab_counters_list NS DEV: prints "NAME PACKETS BYTES" for every counter of table lab_DEV.
lab_counters_list() {
	lab_nsx "$1" nft list counters table netdev "lab_$2" | awk '
		$1 == "counter" { name = $2 }
		$1 == "packets" && name != "" { print name, $2, $4; name = "" }' | sort
}

# lab_counter NS DEV NAME: prints the packet count of one counter (e.g. esp_out).
lab_counter() {
	local out
	out=$(lab_nsx "$1" nft list counter netdev "lab_$2" "$3") || return 1
	awk '$1 == "packets" { print $2; found = 1 } END { exit !found }' <<<"$out"
}

# lab_counters_reset NS DEV: zeroes the counters of table lab_DEV.
lab_counters_reset() {
	lab_nsx "$1" nft reset counters table netdev "lab_$2" >/dev/null
}

# lab_counters_read NS DEV: one snapshot of table lab_DEV: LAB_COUNTERS[NS:DEV:NAME] = packets,
# LAB_COUNTERS[NS:DEV:NAME:bytes] = bytes; written to $RESULTS/counters-NS-DEV.txt and printed.
lab_counters_read() {
	local ns=$1 dev=$2 f="$RESULTS/counters-$1-$2.txt" name packets bytes
	lab_counters_list "$ns" "$dev" >"$f"
	while read -r name packets bytes; do
		LAB_COUNTERS[$ns:$dev:$name]=$packets
		LAB_COUNTERS[$ns:$dev:$name:bytes]=$bytes
	done <"$f"
	lab_log "counters $ns $dev (name packets bytes):"
	sed 's/^/    /' "$f"
}

# lab_xfrm_sa_stat NS SPI packets|bytes: the SA's "lifetime current" counter from ip -s xfrm.
lab_xfrm_sa_stat() {
	local ns=$1 spi=$2 what=$3 out
	out=$(ip -n "$ns" -s xfrm state list spi "$spi") || return 1
	awk -v w="$what" '
		/lifetime current:/ { cur = 1; next }
		cur && /\(bytes\),/ {
			gsub(/\(bytes\),|\(packets\)/, " ")
			print (w == "bytes" ? $1 : $2); found = 1; exit
		}
		END { exit !found }' <<<"$out"
}

# lab_xfrm_read NS: one snapshot of ip -s xfrm state in NS, saved as $RESULTS/xfrm-state-NS.txt:
# LAB_SA[NS:SPI:packets], LAB_SA[NS:SPI:bytes] per SA (SPI as ip prints it, 0x%08x) and
# LAB_SA[NS:count], the number of SAs.
lab_xfrm_read() {
	local ns=$1 f="$RESULTS/xfrm-state-$1.txt" spi bytes packets n=0
	ip -n "$ns" -s xfrm state >"$f"
	while read -r spi bytes packets; do
		LAB_SA[$ns:$spi:bytes]=$bytes
		LAB_SA[$ns:$spi:packets]=$packets
		n=$((n + 1))
	done < <(awk '
		$1 == "proto" && $3 == "spi" { spi = $4; sub(/\(.*/, "", spi); cur = 0 }
		/lifetime current:/ { cur = 1; next }
		cur && /\(bytes\),/ {
			gsub(/\(bytes\),|\(packets\)/, " ")
			print spi, $1, $2; cur = 0
		}' "$f")
	LAB_SA[$ns:count]=$n
}

# lab_link_stat NS DEV STAT: a link counter, STAT one of {rx,tx}_{bytes,packets,errors,dropped}.
lab_link_stat() {
	local out
	out=$(ip -n "$1" -s -o link show dev "$2") || return 1
	awk -v want="$3" '{
		n = split($0, part, /\\/)
		for (i = 1; i < n; i++) {
			if (part[i] ~ /^ *(RX|TX):/) {
				d = (part[i] ~ /RX:/) ? "rx" : "tx"
				split(part[i + 1], v, " ")
				val[d "_bytes"] = v[1]; val[d "_packets"] = v[2]
				val[d "_errors"] = v[3]; val[d "_dropped"] = v[4]
			}
		}
	} END { if (!(want in val)) exit 1; print val[want] }' <<<"$out"
}

# lab_ping NS SRC DST COUNT: sends COUNT echo requests to DST from source address SRC (0.2 s
# apart, up to 10 s for a reply); prints the number of replies.
lab_ping() {
	local ns=$1 src=$2 dst=$3 count=$4 out
	out=$(lab_nsx "$ns" ping -n -q -c "$count" -i 0.2 -W 10 -I "$src" "$dst" 2>&1) || :
	sed -e '/^$/d' -e 's/^/    /' <<<"$out" >&2
	awk '/packets transmitted/ { print $4; found = 1 } END { if (!found) print 0 }' <<<"$out"
}

# lab_save NAME COMMAND...: runs COMMAND and saves its output as $RESULTS/NAME (for the record).
lab_save() {
	local name=$1
	shift
	"$@" >"$RESULTS/$name" 2>&1
}

# lab_cleanup: kills every process left in the scenario's namespaces and deletes them.
lab_cleanup() {
	local ns pid
	set +e
	for ns in "${LAB_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	LAB_NAMESPACES=()
# shellcheck disable=SC2034 # filled by lab_counters_read, read by scenarios
declare -A LAB_COUNTERS=()
# shellcheck disable=SC2034 # filled by lab_xfrm_read, read by scenarios
declare -A LAB_SA=()
}
