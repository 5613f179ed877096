#!/usr/bin/env bash
# IKEv2 engine benchmark (docs/benchmarks.md "IKEv2 engine"): handshake rate and memory per
# IKE SA of bench-ikev2's two in-process engines, OpenSSL's X25519 rate for the crypto bound,
# and, as root with charon's kernel-libipsec plugin, our responder and strongSwan's charon side
# by side over UDP in two network namespaces, driven by the same initiator (ours).
#
#   tests/bench/ikev2/run-bench.sh [--build DIR] [--handshakes N] [--memory N] [--udp N]
#                                  [--udp-round R] [--no-strongswan]
# Defaults (about 1 minute): 5000 handshakes, 10000 IKE SAs, 5000 handshakes per UDP peer in
# rounds of 500 against a fresh responder each (charon's kernel-libipsec keeps its SAs in
# lists: its cost per handshake grows with the SAs it holds). --memory 100000: 4-7 minutes.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=$SRC/build-bench
HS=5000
MEM=10000
UDP=5000
ROUND=500
SWAN=1
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$(realpath -m "$2"); shift 2 ;;
	--handshakes) HS=$2; shift 2 ;;
	--memory) MEM=$2; shift 2 ;;
	--udp) UDP=$2; shift 2 ;;
	--udp-round) ROUND=$2; shift 2 ;;
	--no-strongswan) SWAN=0; shift ;;
	*) sed -n '2,12p' "$0" >&2; exit 2 ;;
	esac
done

BIN=$BUILD/tests/bench/ikev2/bench-ikev2
if [ ! -x "$BIN" ] || [ -n "$(find "$SRC/tests/bench/ikev2" "$SRC/daemon" -newer "$BIN" \
	-name '*.[ch]' -print -quit)" ]; then
	[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$BUILD" -j"$(nproc)" --target bench-ikev2 >/dev/null
fi
OUT=$BUILD/bench-ikev2
mkdir -p "$OUT"
LOG=$OUT/log
: >"$LOG"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)$(pgrep -f qemu-system >/dev/null && echo ', a QEMU VM running')"

echo "# openssl speed -seconds 3 ecdhx25519" | tee -a "$LOG"
X25519=$(openssl speed -seconds 3 ecdhx25519 2>/dev/null | tee -a "$LOG" | awk '/X25519/ {v=$NF} END {print v}')

echo "# bench-ikev2 --handshakes $HS" | tee -a "$LOG"
"$BIN" --handshakes "$HS" | tee -a "$LOG" >/dev/null
echo "# bench-ikev2 --memory $MEM" | tee -a "$LOG"
"$BIN" --memory "$MEM" | tee -a "$LOG" >/dev/null

# ---- over UDP: our responder, then charon, against our initiator ----
NSI=ikbi$$
NSR=ikbr$$
RP= # the responder running now (ours or charon), killed by its pid only
cleanup() {
	[ -z "$RP" ] || kill "$RP" 2>/dev/null || true
	sleep 0.5
	ip netns del "$NSI" 2>/dev/null || true
	ip netns del "$NSR" 2>/dev/null || true
}
udp_ok=0
swan_ok=0
if [ "$SWAN" = 1 ] && [ "$(id -u)" = 0 ]; then
	udp_ok=1
	trap cleanup EXIT
	ip netns add "$NSI"
	ip netns add "$NSR"
	ip link add "v$NSI" netns "$NSI" type veth peer name "v$NSR" netns "$NSR"
	ip -n "$NSI" addr add 192.0.2.1/24 dev "v$NSI"
	ip -n "$NSR" addr add 192.0.2.2/24 dev "v$NSR"
	for ns in "$NSI" "$NSR"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set "v$ns" up
	done
	# the initiator's tunnels come from 10.0.0.0+k: all of 10/8 is local in its namespace
	ip -n "$NSI" route add local 10.0.0.0/8 dev lo
	ip -n "$NSR" route add 10.0.0.0/8 via 192.0.2.1

	ROUNDS=$(((UDP + ROUND - 1) / ROUND))
	round() { # round PEER-NAME: our initiator against the responder $RP, then stop it
		ip netns exec "$NSI" "$BIN" --udp-initiate "$ROUND" --peer-pid "$RP" --peer-name "$1" \
			| tee -a "$LOG" >/dev/null
		kill "$RP"
		wait "$RP" || true
		RP=
	}
	echo "# ours over UDP: $ROUNDS x bench-ikev2 --udp-respond $ROUND / --udp-initiate $ROUND" \
		| tee -a "$LOG"
	for _ in $(seq "$ROUNDS"); do
		ip netns exec "$NSR" "$BIN" --udp-respond "$ROUND" >>"$LOG" 2>&1 &
		RP=$!
		sleep 0.5
		round ikegw
	done

	if [ -x /usr/lib/ipsec/charon ] && [ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ]; then
		swan_ok=1
		SW=$OUT/strongswan
		mkdir -p "$SW"
		: >"$SW/charon.log"
		# kernel-libipsec: this host's kernel has no ESP; charon keeps its CHILD_SAs in
		# userspace (and fakes a NAT to get UDP encapsulation). No routes into its TUN device:
		# they would loop charon's own ESP packets.
		cat >"$SW/strongswan.conf" <<-EOF
		charon {
			load = random nonce openssl kdf sha2 hmac gcm aes pem pkcs1 pubkey x509 kernel-libipsec kernel-netlink socket-default vici
			install_routes = no
			routing_table = 0
			cookie_threshold = 1000000
			block_threshold = 1000000
			init_limit_half_open = 0
			syslog {
				daemon {
					default = -1
				}
			}
			filelog {
				charon {
					path = $SW/charon.log
					default = 0
				}
			}
			plugins {
				vici {
					socket = unix://$SW/charon.vici
				}
			}
		}
		EOF
		cat >"$SW/swanctl.conf" <<-EOF
		connections {
			bench {
				version = 2
				local_addrs = 192.0.2.2
				remote_addrs = 10.0.0.0/8
				proposals = aes128gcm16-prfsha256-x25519
				unique = never
				mobike = no
				local {
					auth = psk
					id = 192.0.2.2
				}
				remote {
					auth = psk
				}
				children {
					c {
						esp_proposals = aes128gcm16
						local_ts = 0.0.0.0/0
						remote_ts = 0.0.0.0/0
						mode = tunnel
					}
				}
			}
		}
		secrets {
			ike-bench {
				secret = bench-s3cret
			}
		}
		EOF
		echo "# charon $(/usr/lib/ipsec/charon --version 2>/dev/null | head -1) over UDP:" \
			"$ROUNDS rounds of $ROUND" | tee -a "$LOG"
		for _ in $(seq "$ROUNDS"); do
			rm -f "$SW/charon.vici"
			# a mount namespace of its own: charon's pid file goes to a private /run
			ip netns exec "$NSR" unshare -m sh -c \
				"mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$SW/strongswan.conf /usr/lib/ipsec/charon" \
				>"$SW/charon.out" 2>&1 &
			RP=$!
			for _ in $(seq 50); do [ -S "$SW/charon.vici" ] && break; sleep 0.2; done
			swanctl --load-all --file "$SW/swanctl.conf" --uri "unix://$SW/charon.vici" >>"$LOG" 2>&1
			ip -n "$NSR" rule del pref 220 2>/dev/null || true
			round charon
		done
	fi
fi

# ---- the table ----
val() { # val RESULT-KIND KEY [n=N]
	grep "^RESULT $1 ${3:-}" "$LOG" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
echo
echo "| figure | value |"
echo "|---|---:|"
echo "| responder handshakes/s per core (in-process, CPU inside the engine) | $(val handshakes resp_hs_per_s) |"
echo "| initiator handshakes/s per core (in-process) | $(val handshakes init_hs_per_s) |"
echo "| responder µs per handshake | $(val handshakes resp_us) |"
echo "| X25519 keygen / derive µs (ike_dh_*) | $(val handshakes dh_keygen_us) / $(val handshakes dh_derive_us) |"
echo "| crypto bound: 1 / (keygen + derive) handshakes/s | $(val handshakes bound_hs_per_s) |"
echo "| openssl speed ecdhx25519 op/s (half: the bound if keygen = derive) | ${X25519:-?} |"
for n in $(printf "%s\n" 1000 10000 100000 "$MEM" | sort -nu); do
	[ -n "$(val memory resp_us_per_hs "n=$n ")" ] || continue
	echo "| at $n IKE SAs: responder µs/handshake, µs/liveness check, ns/lookup hit/miss | $(val memory resp_us_per_hs "n=$n "), $(val memory resp_us_per_liveness "n=$n "), $(val memory lookup_hit_ns "n=$n ")/$(val memory lookup_miss_ns "n=$n ") |"
done
echo "| heap per IKE SA, responder / initiator (bytes, $MEM SAs) | $(val memory-sides resp_heap_per_sa) / $(val memory-sides init_heap_per_sa) |"
udp_sum() { # udp_sum PEER: handshakes/s per core over all rounds, handshakes, RSS bytes/SA
	grep "^RESULT udp peer=$1 " "$LOG" | tr ' ' '\n' | awk -F= '
		$1 == "up" { up += $2 } $1 == "resp_cpu_s" { cpu += $2 }
		$1 == "resp_rss_per_sa" { rss += $2; n++ }
		END { if (cpu > 0) printf "%.0f (%d handshakes, %.2f s CPU), %.0f", up / cpu, up, cpu, rss / n }'
}
if [ "$udp_ok" = 1 ]; then
	echo "| UDP, ikegw responder: handshakes/s per core (process CPU), RSS bytes per IKE SA | $(udp_sum ikegw) |"
fi
if [ "$swan_ok" = 1 ]; then
	echo "| UDP, strongSwan charon responder (kernel-libipsec): handshakes/s per core, RSS bytes per IKE SA | $(udp_sum charon) |"
elif [ "$SWAN" = 1 ]; then
	echo "| strongSwan | not run: needs root, /usr/lib/ipsec/charon and the kernel-libipsec plugin (scripts/deps.sh bench) |"
fi
echo
echo "details: $LOG"
