#!/bin/bash
# Kernel lab, stage 2: PID 1 inside the VM (chrooted into the host's read-only root by init.sh).
# Points the kernel's modprobe at the unpacked modules, warms up the crypto algorithms in the
# background, runs each scenario with its own timeout (RESULTS/NAME/{log,rc,seconds}), cleans up
# between scenarios, writes RESULTS/summary and .lab/finished, and powers the VM off.
# Argument: the results directory (host path; run.sh wrote .lab/env there).

results=$1
# shellcheck source=/dev/null
source "$results/.lab/env" || {
	echo "lab: cannot read $results/.lab/env" >/dev/console
	/bin/busybox poweroff -f
}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb
cd /

labrun=/var/tmp/ikegw-lab
mkdir -p "$labrun"
uptime_s() {
	local up rest
	read -r up rest </proc/uptime
	printf '%s' "$up"
}
say() {
	printf '[%8ss] lab: %s\n' "$(uptime_s)" "$*" >/dev/console
}

say "stage 2 on $(uname -r), results in $results"
uptime_s >"$results/boot-seconds"
hostname lab
ip link set lo up
printf '#!/bin/sh\nexec /sbin/modprobe -d %q "$@"\n' "$LAB_KDIR" >"$labrun/modprobe"
chmod 755 "$labrun/modprobe"
echo "$labrun/modprobe" >/proc/sys/kernel/modprobe

# Crypto warm-up (kernel-lab.md): the first SA using an algorithm loads and self-tests its
# modules (about 20 s under TCG). Throw-away SAs in the root namespace, then flushed.
warmup() {
	local k16=0x000102030405060708090a0b0c0d0e0f
	local k20=0x000102030405060708090a0b0c0d0e0f10111213
	local k24=0x000102030405060708090a0b0c0d0e0f1011121314151617
	local k32=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	local k36=${k32}20212223
	local k64=$k32${k32#0x}
	local spi=256
	local sas=(
		"enc cbc(aes) $k16 auth-trunc hmac(sha256) $k32 128"
		"enc cbc(aes) $k32 auth-trunc hmac(sha1) $k20 96"
		"aead rfc4106(gcm(aes)) $k20 128"
		"aead rfc4106(gcm(aes)) $k36 128"
		"enc cbc(des3_ede) $k24 auth-trunc hmac(md5) $k16 96"
		"enc cbc(aes) $k32 auth-trunc hmac(sha384) ${k32}${k16#0x} 192"
		"enc cbc(aes) $k32 auth-trunc hmac(sha512) $k64 256"
		"aead rfc7539esp(chacha20,poly1305) $k36 128"
	)
	local sa t0
	echo "warm-up starts at $(uptime_s)s"
	/sbin/modprobe -d "$LAB_KDIR" -a xfrm_user esp4 ip_vti veth dummy nf_tables
	for sa in "${sas[@]}"; do
		t0=$(uptime_s)
		# shellcheck disable=SC2086 # word splitting of the algorithm spec is intended
		if ip xfrm state add src 127.0.0.1 dst 127.0.0.2 proto esp spi $((spi++)) mode tunnel \
			$sa; then
			echo "ok   $sa (${t0}s -> $(uptime_s)s)"
		else
			echo "FAIL $sa"
		fi
	done
	ip xfrm state flush
	echo "warm-up done at $(uptime_s)s"
	touch "$labrun/warm.done"
}
warmup >"$results/warmup.log" 2>&1 &

# Links present at boot; anything else left in the root namespace is removed between scenarios.
mapfile -t boot_links < <(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')

# sweep: kills what a scenario left in namespaces, deletes them, stray root links and root
# nftables rules (the warm-up's SAs in the root namespace are left alone).
sweep() {
	local ns pid link keep
	for ns in $(ip netns list | awk '{ print $1 }'); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	for link in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		for keep in "${boot_links[@]}"; do
			[ "$link" = "$keep" ] && continue 2
		done
		ip link del "$link" 2>/dev/null
	done
	nft flush ruleset
}

: >"$results/summary"
for entry in "${LAB_SCENARIOS[@]}"; do
	name=${entry%%:*}  # NAME:SCRIPT:LIMIT (run.sh)
	limit=${entry##*:}
	script=${entry#*:}
	script=${script%:*}
	[ "$script" = "$limit" ] && script=$LAB_SRC/tests/lab/scenarios/$name.sh # NAME:LIMIT
	dir=$results/$name
	mkdir -p "$dir"
	say "scenario $name starts (timeout ${limit}s)"
	start=$(uptime_s)
	RESULTS=$dir IKEGW_SRC=$LAB_SRC IKEGW_BUILD=$LAB_BUILD LAB_SCENARIO=$name LAB_DEMO=$LAB_DEMO \
		LAB_LIB=$LAB_SRC/tests/lab/lib.sh \
		timeout -k 20 "$limit" /bin/bash "$script" \
		</dev/null >"$dir/log" 2>&1 &
	pid=$!
	tailpid=
	if [ "$LAB_DEMO" = 1 ]; then
		tail -n +1 -s 0.5 -f --pid="$pid" "$dir/log" >/dev/console &
		tailpid=$!
	fi
	wait "$pid"
	rc=$?
	[ -n "$tailpid" ] && wait "$tailpid"
	end=$(uptime_s)
	secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
	[ "$rc" = 124 ] && echo "lab: scenario timed out after ${limit}s" >>"$dir/log"
	echo "$secs" >"$dir/seconds"
	echo "$rc" >"$dir/rc"
	echo "$name $rc $secs" >>"$results/summary"
	sweep
	say "scenario $name rc=$rc (${secs}s)"
done

say "all scenarios done"
uptime_s >"$results/.lab/finished"
sync
/bin/busybox poweroff -f
