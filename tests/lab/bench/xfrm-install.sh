#!/bin/bash
# Benchmark (not a test, not in the default lab suite): ESP SA installs per second in the lab VM,
# N SAs (AES-GCM-128, tunnel mode, distinct SPIs and reqids) through ikegw_xfrm with one batch
# (xfrm_batch_*) and with one request per SA, against iproute2 as `ip -batch` and as a loop of
# `ip xfrm state add`, all in the same boot. Run by tests/lab/bench/run-bench.sh; the table lands
# in the log and in RESULTS/bench.md. See docs/benchmarks.md.
# lab-timeout: 2700
# shellcheck source=tests/lab/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lab/kplane/lib-kplane.sh
source "$(dirname "$0")/../kplane/lib-kplane.sh"
lab_init
kplane_init

SMALL=1000 # every method
LARGE=5000 # every method but the loop of processes (0.5-0.8 s per process under TCG)
KEY=0x0102030405060708090a0b0c0d0e0f1011121314 # 128-bit AES key + 32-bit salt (ip only)
table=$RESULTS/bench.md

lab_ns_add bench
lab_wait_crypto_warm 300 || lab_fail "crypto warm-up did not finish"
# The first SA of the namespace pays for nothing the others would not: add and drop one.
lab_nsx bench "$KPLANE_BIN" bench 1 --mode single >/dev/null || lab_fail "kplane-lab bench 1"

{
	echo "kernel $(uname -r), $(nproc) vCPU(s), QEMU TCG; AES-GCM-128 tunnel-mode SAs"
	echo
	echo "| method | N | seconds | SAs per second |"
	echo "|---|---:|---:|---:|"
} >"$table"
row() { # row METHOD N SECONDS
	local rate
	rate=$(awk -v n="$2" -v s="$3" 'BEGIN { r = n / s; printf (r < 100 ? "%.2f" : "%.0f"), r }')
	echo "| $1 | $2 | $3 | $rate |" >>"$table"
	lab_log "$1: $2 SAs in $3 s = $rate SAs/s"
}

# ikegw_xfrm: the tool times the installs itself (CLOCK_MONOTONIC), verifies the count with a
# dump and removes them with the ownership flush.
ours() { # ours N MODE
	local out secs
	out=$(lab_nsx bench "$KPLANE_BIN" bench "$1" --mode "$2") || lab_fail "kplane-lab bench $1 $2"
	lab_log "$out"
	[[ $out =~ installed\ $1\ install_s\ ([0-9.]+) ]] || lab_fail "unexpected output: $out"
	secs=${BASH_REMATCH[1]}
	row "ikegw_xfrm, $2 (\`kplane-lab bench --mode $2\`)" "$1" "$secs"
	[[ $out =~ delete_s\ ([0-9.]+) ]] && lab_log "  removal (dump + batched deletes): ${BASH_REMATCH[1]} s"
	lab_check "no SA left after kplane-lab bench $1 $2" test -z "$(ip -n bench xfrm state)"
}

# sa_lines N: `xfrm state add` arguments for N SAs, the same SAs the tool installs.
sa_lines() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf 'xfrm state add src 198.51.100.1 dst 198.51.100.2 proto esp spi %d reqid %d' \
			$((0x00100000 + i)) $((0x7e000000 + i))
		printf ' mode tunnel replay-window 32 aead rfc4106(gcm(aes)) %s 128\n' "$KEY"
	done
}

# iproute2: timed inside the namespace with bash's EPOCHREALTIME (no extra process), counted
# with `ip xfrm state count`, then flushed (the namespace holds nothing else).
iproute2() { # iproute2 N batch|loop
	local n=$1 how=$2 file=/tmp/bench-sa-$1.txt out secs count
	sa_lines "$n" >"$file"
	if [ "$how" = batch ]; then
		# shellcheck disable=SC2016 # expanded by the inner bash
		out=$(lab_nsx bench bash -c 't0=$EPOCHREALTIME; ip -batch "$1" || exit 1
			echo "$t0 $EPOCHREALTIME"' _ "$file") || lab_fail "ip -batch $n"
	else
		# shellcheck disable=SC2016 # expanded by the inner bash
		out=$(lab_nsx bench bash -c 't0=$EPOCHREALTIME
			while read -r -a a; do ip "${a[@]}" || exit 1; done <"$1"
			echo "$t0 $EPOCHREALTIME"' _ "$file") || lab_fail "ip xfrm state add loop $n"
	fi
	secs=$(awk '{ printf "%.6f", $2 - $1 }' <<<"$out")
	count=$(ip -n bench xfrm state count | awk '{ print $NF }')
	lab_check "ip $how: $count SAs in the kernel (want $n)" lab_eq "$count" "$n"
	if [ "$how" = batch ]; then
		row "iproute2 \`ip -batch\` (one process)" "$n" "$secs"
	else
		row "iproute2 \`ip xfrm state add\` loop (one process per SA)" "$n" "$secs"
	fi
	ip -n bench xfrm state flush
	rm -f "$file"
}

# The kernel's SA hash tables grow (and never shrink) as SAs are added: grow them once to the
# largest size first, so that no method pays for the resizes the others then benefit from.
lab_log "warm-up: $LARGE SAs, not counted"
lab_nsx bench "$KPLANE_BIN" bench $LARGE --mode batch >/dev/null || lab_fail "warm-up"
# Two rounds, ours in both orders, to show the spread within one boot; the process loop once.
for round in 1 2; do
	for n in $SMALL $LARGE; do
		if [ $round = 1 ]; then
			ours "$n" batch
			ours "$n" single
		else
			ours "$n" single
			ours "$n" batch
		fi
		iproute2 "$n" batch
	done
done
iproute2 $SMALL loop

lab_log "results (also in $table):"
sed 's/^/    /' "$table"
lab_finish
