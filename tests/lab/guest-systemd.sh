#!/bin/bash
# Kernel lab, stage 2 of a systemd boot (run.sh --systemd): the test service ikegw-lab-test
# (a oneshot that init-systemd.sh wrote; systemd is PID 1 and powers the VM off when it ends).
# Warms up the crypto algorithms in the background, runs each scenario of
# tests/lab/systemd-scenarios with its own timeout (RESULTS/NAME/{log,rc,seconds}), copies the
# journal into the results and writes RESULTS/summary and .lab/finished.
# Argument: the results directory (host path; run.sh wrote .lab/env there).

results=$1
# shellcheck source=/dev/null
source "$results/.lab/env" || {
	echo "lab: cannot read $results/.lab/env" >/dev/console
	exit 1
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

say "systemd stage 2 on $(uname -r), results in $results"
uptime_s >"$results/boot-seconds"

# Crypto warm-up (kernel-lab.md): the algorithms the systemd scenarios use, loaded and
# self-tested before the daemons need them (modprobe finds the kernel's modules through the
# /usr/lib/modules link init-systemd.sh made).
warmup() {
	local k32=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	echo "warm-up starts at $(uptime_s)s"
	modprobe -a xfrm_user esp4 ip_vti veth dummy nf_tables
	ip xfrm state add src 127.0.0.1 dst 127.0.0.2 proto esp spi 256 mode tunnel \
		enc 'cbc(aes)' $k32 auth-trunc 'hmac(sha256)' $k32 128 &&
		echo "ok   cbc(aes) hmac(sha256) at $(uptime_s)s"
	ip xfrm state flush
	echo "warm-up done at $(uptime_s)s"
	touch "$labrun/warm.done"
}
warmup >"$results/warmup.log" 2>&1 &

: >"$results/summary"
for entry in "${LAB_SCENARIOS[@]}"; do
	name=${entry%%:*} # NAME:SCRIPT:LIMIT (run.sh)
	limit=${entry##*:}
	script=${entry#*:}
	script=${script%:*}
	dir=$results/$name
	mkdir -p "$dir"
	say "scenario $name starts (timeout ${limit}s)"
	start=$(uptime_s)
	RESULTS=$dir IKEGW_SRC=$LAB_SRC IKEGW_BUILD=$LAB_BUILD LAB_SCENARIO=$name LAB_DEMO=0 \
		LAB_LIB=$LAB_SRC/tests/lab/lib.sh LAB_DEB=$LAB_DEB LAB_DEB_DEPS=$LAB_DEB_DEPS \
		timeout -k 20 "$limit" /bin/bash "$script" </dev/null >"$dir/log" 2>&1
	rc=$?
	end=$(uptime_s)
	secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
	[ "$rc" = 124 ] && echo "lab: scenario timed out after ${limit}s" >>"$dir/log"
	echo "$secs" >"$dir/seconds"
	echo "$rc" >"$dir/rc"
	echo "$name $rc $secs" >>"$results/summary"
	journalctl -b -o short-monotonic --no-pager >"$dir/journal.txt" 2>&1
	say "scenario $name rc=$rc (${secs}s)"
done

say "all scenarios done"
uptime_s >"$results/.lab/finished"
sync
exit 0
