#!/usr/bin/env bash
# Kernel lab launcher (host side, as root): fetches and caches Debian's stock kernel, builds a
# busybox initramfs, boots it in QEMU (TCG) with the host root shared read-only over 9p, runs the
# scenarios tests/lab/scenarios/NN-name.sh in one boot and prints a per-scenario summary.
# With --systemd: builds the Debian package, boots with systemd as PID 1 on a writable overlay
# root and runs tests/lab/systemd-scenarios/NN-name.sh instead.
# See tests/lab/README.md. Usage: run.sh --help
set -euo pipefail

lab=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
src=$(cd "$lab/../.." && pwd -P)
# The scenario --demo runs (the README's main job).
demo_scenario=21-ikev2-ikegw-pair
demo_cases=psk # the demo: the first case only (two ikegwd, PSK, pings, counters)
cache=${IKEGW_LAB_CACHE:-/var/cache/ikegw-lab}
default_limit=300

usage() {
	cat <<EOF
usage: tests/lab/run.sh [--demo | --systemd] [--results DIR] [--build DIR] [--timeout SECS]
                        [--fixture] [SCENARIO...]
       tests/lab/run.sh --check NAME --results DIR

Boots the kernel lab VM once and runs the given scenarios (default: all of
tests/lab/scenarios/NN-name.sh; a SCENARIO is a name, a file or its NN prefix; a file or
name may also be one of tests/lab/scenarios-pending/, which run only when named).
  --demo          run only the demo scenario ($demo_scenario), its output on the terminal
  --systemd       systemd as PID 1 on a writable overlay root, the Debian package built
                  (scripts/package.sh BUILD) and available to the scenarios of
                  tests/lab/systemd-scenarios/ (default results: BUILD/lab-systemd-results)
  --results DIR   where results land (default BUILD/lab-results, BUILD/lab-demo with --demo);
                  emptied first, must be empty or a previous lab results directory
  --build DIR     the cmake build directory, given to scenarios as IKEGW_BUILD (default ./build)
  --timeout SECS  limit for the whole VM run (default: 240 + the sum of scenario timeouts)
  --fixture       exit status only says whether the VM ran every scenario to its end
                  (ctest's lab-boot; the lab-NAME tests judge each scenario)
  --check NAME    no VM: exit 0 if RESULTS/NAME/rc is 0, else print the scenario's log
Environment: IKEGW_LAB_CACHE (default /var/cache/ikegw-lab) caches kernel and initramfs.
IKEGW_LAB_CASES limits scenarios with cases (e.g. 21) to those cases (development only);
IKEGW_LAB_CASES_NN does it for scenario NN only (those that read it: the pending 25-27).
EOF
}

die() {
	echo "lab: $*" >&2
	exit 2
}

demo=0
systemd=0
fixture=0
check=
results=
build=
timeout=
want=()
while (($#)); do
	case $1 in
	--demo) demo=1 ;;
	--systemd) systemd=1 ;;
	--fixture) fixture=1 ;;
	--results) results=${2:?--results needs a directory}; shift ;;
	--build) build=${2:?--build needs a directory}; shift ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift ;;
	--check) check=${2:?--check needs a scenario name}; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) want+=("$1") ;;
	esac
	shift
done

# check_one NAME: the verdict of one scenario from a finished run (ctest lab-NAME).
check_one() {
	local dir=$results/$1 rc
	if [ ! -r "$dir/rc" ]; then
		echo "lab: scenario $1 did not run (no $dir/rc); see lab-boot and $results/console.log"
		[ -r "$results/console.log" ] && tail -n 30 "$results/console.log"
		return 1
	fi
	rc=$(cat "$dir/rc")
	if [ "$rc" = 0 ]; then
		echo "lab: scenario $1 passed in $(cat "$dir/seconds" 2>/dev/null)s"
		return 0
	fi
	echo "lab: scenario $1 FAILED (rc=$rc); its log ($dir/log):"
	cat "$dir/log"
	return 1
}

if [ -n "$check" ]; then
	[ -n "$results" ] || die "--check needs --results"
	check_one "$check"
	exit
fi

((demo && systemd)) && die "--demo and --systemd exclude each other"
[ "$(id -u)" = 0 ] || die "must run as root (9p share of /, kernel cache in $cache)"
for tool in qemu-system-x86_64 busybox depmod modprobe cpio apt-get dpkg flock timeout; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/deps.sh)"
done

# --- scenarios --------------------------------------------------------------------------------
# A scenario is NAME (its file's name without .sh) and SCRIPT (its path). By default every
# tests/lab/scenarios/NN-name.sh runs; a SCENARIO argument may also be a script file anywhere
# visible in the guest (not under /tmp), e.g. tests/lab/scenarios-pending/NN-name.sh, or the
# name or NN prefix of one in scenarios-pending/ (scenarios that do not pass yet: not in ctest).
all=()
declare -A script_of=()
scen_dir=$lab/scenarios
((systemd)) && scen_dir=$lab/systemd-scenarios
for f in "$scen_dir"/[0-9][0-9]-*.sh; do
	[ -e "$f" ] || continue
	all+=("$(basename "$f" .sh)")
	script_of[$(basename "$f" .sh)]=$f
done
((${#all[@]})) || die "no scenarios in $scen_dir"
pending=()
for f in "$lab"/scenarios-pending/[0-9][0-9]-*.sh; do
	((systemd)) && break
	[ -e "$f" ] && pending+=("$(basename "$f" .sh)")
done
((demo)) && want=("$demo_scenario")
selected=()
if ((${#want[@]} == 0)); then
	selected=("${all[@]}")
else
	for w in "${want[@]}"; do
		match=
		if [[ $w == */* || $w == *.sh ]] && [ -f "$w" ]; then
			match=$(basename "$w" .sh)
			f=$(cd "$(dirname "$w")" && pwd -P)/$(basename "$w")
			if [ -n "${script_of[$match]:-}" ] && [ "${script_of[$match]}" != "$f" ]; then
				die "two scenarios named $match: ${script_of[$match]} and $f"
			fi
			script_of[$match]=$f
		else
			w=$(basename "$w" .sh)
			for s in "${all[@]}" "${pending[@]}"; do
				if [ "$s" = "$w" ] || [ "${s%%-*}" = "$w" ]; then
					match=$s
					break
				fi
			done
			[ -n "$match" ] && [ -z "${script_of[$match]:-}" ] &&
				script_of[$match]=$lab/scenarios-pending/$match.sh
		fi
		[ -n "$match" ] || die "no scenario '$w' (have: ${all[*]}; pending: ${pending[*]})"
		selected+=("$match")
	done
fi

# Per-scenario timeout: a "# lab-timeout: SECS" line in the scenario, else $default_limit.
# An entry for the guest is NAME:SCRIPT:LIMIT.
entries=()
total_limit=0
for s in "${selected[@]}"; do
	limit=$(sed -n 's/^# lab-timeout: *\([0-9][0-9]*\).*/\1/p' "${script_of[$s]}" | head -n 1)
	limit=${limit:-$default_limit}
	entries+=("$s:${script_of[$s]}:$limit")
	total_limit=$((total_limit + limit))
done
vm_limit=$((240 + total_limit))
if [ -n "$timeout" ]; then
	[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
	((timeout < vm_limit)) && vm_limit=$timeout
fi

# --- directories ------------------------------------------------------------------------------
build=${build:-$src/build}
mkdir -p "$build"
build=$(cd "$build" && pwd -P)
if [ -z "$results" ]; then
	results=$build/lab-results
	((demo)) && results=$build/lab-demo
	((systemd)) && results=$build/lab-systemd-results
fi
mkdir -p "$results"
results=$(cd "$results" && pwd -P)
under=${results%/}/
for keep in "$src" "$build" "$cache"; do
	case $keep/ in
	"$under"*) die "refusing to use $results as the results directory: it holds $keep" ;;
	esac
done
if [ -n "$(ls -A "$results")" ] && [ ! -e "$results/.lab" ]; then
	die "$results is not empty and holds no previous lab results; refusing to empty it"
fi
find "$results" -mindepth 1 -delete
mkdir -p "$results/.lab"

# --- kernel and initramfs (cached; the lock serialises concurrent runs) ---------------------
mkdir -p "$cache"
exec 9>"$cache/lock"
flock -w 1800 9 || die "could not lock $cache/lock"

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }') || pkg=
if [ -n "$pkg" ]; then
	krel=${pkg#linux-image-}
else
	# No apt metadata: use the newest kernel already in the cache.
	krel=$(find "$cache" -maxdepth 2 -name .complete -path '*/kernel-*' -printf '%h\n' |
		sed 's|.*/kernel-||' | sort -V | tail -n 1)
	[ -n "$krel" ] || die "apt-cache knows no linux-image-amd64 and $cache has no kernel"
fi
kdir=$cache/kernel-$krel
if [ ! -e "$kdir/.complete" ]; then
	echo "lab: fetching kernel package $pkg into $kdir" >&2
	rm -rf "$kdir"
	tmp=$(mktemp -d "$cache/.kernel-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed"
	dpkg -x "$tmp"/*.deb "$tmp/root" || die "dpkg -x $pkg failed"
	if [ ! -r "$tmp/root/boot/vmlinuz-$krel" ] || [ ! -d "$tmp/root/lib/modules/$krel" ]; then
		die "$pkg has no boot/vmlinuz-$krel or lib/modules/$krel"
	fi
	depmod -b "$tmp/root" "$krel" || die "depmod failed"
	mv "$tmp/root" "$kdir"
	rm -rf "$tmp"
	trap - EXIT
	touch "$kdir/.complete"
fi

modules=(virtio_pci 9pnet_virtio 9p)
init_script=$lab/init.sh
if ((systemd)); then
	modules+=(overlay)
	init_script=$lab/init-systemd.sh
fi
key=$( (
	echo "$krel ${modules[*]}"
	cat "$init_script" "$(command -v busybox)"
) | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$krel-$key.cpio.gz
if [ ! -e "$initrd" ]; then
	echo "lab: building $initrd" >&2
	tmp=$(mktemp -d "$cache/.initrd-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/root/bin" "$tmp/root/modules" "$tmp/root/proc" "$tmp/root/sys" \
		"$tmp/root/dev"
	cp "$(command -v busybox)" "$tmp/root/bin/busybox"
	cp "$init_script" "$tmp/root/init"
	chmod 755 "$tmp/root/init"
	# Dependency order from modprobe itself; each module once.
	for m in "${modules[@]}"; do
		modprobe -d "$kdir" -S "$krel" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$tmp/order.full"
	[ -s "$tmp/order.full" ] || die "modprobe found none of ${modules[*]} in $kdir"
	while read -r ko; do
		cp "$ko" "$tmp/root/modules/"
		basename "$ko" >>"$tmp/root/modules/order"
	done <"$tmp/order.full"
	(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initrd"
	mv "$tmp/initrd" "$initrd"
	rm -rf "$tmp"
	trap - EXIT
fi
exec 9>&-

# --- the Debian package (--systemd) -----------------------------------------------------------
# Built from the tree into BUILD; dependencies the host has not installed are downloaded here
# (the guest has no network) and installed in the same dpkg -i (kernel-lab.md).
deb=
deb_deps=
if ((systemd)); then
	echo "lab: building the Debian package (scripts/package.sh $build)" >&2
	deb=$("$src/scripts/package.sh" "$build") || die "scripts/package.sh failed"
	deb_deps=$results/.lab/debs
	mkdir -p "$deb_deps"
	mapfile -t missing < <(apt-get install -s -q "$deb" 2>/dev/null |
		awk '$1 == "Inst" && $2 != "ikegw" { print $2 }')
	if ((${#missing[@]})); then
		echo "lab: downloading ${missing[*]} for the guest's dpkg -i" >&2
		(cd "$deb_deps" && apt-get download -q -o APT::Sandbox::User=root "${missing[@]}" \
			>/dev/null) || die "apt-get download ${missing[*]} failed"
	fi
fi

# --- what the guest needs to know -------------------------------------------------------------
# Extra 9p shares mounted at their host paths after the guest's tmpfs mounts, so the checkout,
# the build and the kernel modules are visible even when they live under /tmp.
# Parents first (sorted by length); the results share is the writable one.
{
	echo "${#kdir} p0 ro $kdir"
	echo "${#src} p1 ro $src"
	[ "$build" = "$src" ] || echo "${#build} p2 ro $build"
	echo "${#results} results rw $results"
} | sort -n -s | cut -d' ' -f2- >"$results/.lab/mounts"
if ((systemd)); then
	# init-systemd.sh: stage 2 script, results, the test service's time limit, the kernel
	printf '%s\n%s\n%s\n%s\n' "$lab/guest-systemd.sh" "$results" "$vm_limit" "$kdir" \
		>"$results/.lab/stage2"
else
	printf '%s\n%s\n' "$lab/guest.sh" "$results" >"$results/.lab/stage2"
fi
{
	printf 'LAB_SRC=%q\n' "$src"
	printf 'LAB_BUILD=%q\n' "$build"
	printf 'LAB_KDIR=%q\n' "$kdir"
	printf 'LAB_DEMO=%q\n' "$demo"
	printf 'LAB_DEB=%q\nLAB_DEB_DEPS=%q\n' "$deb" "$deb_deps"
	# a subset of a scenario's cases, for development (scenarios that have cases read it)
	((demo)) && IKEGW_LAB_CASES=${IKEGW_LAB_CASES:-$demo_cases}
	[ -z "${IKEGW_LAB_CASES:-}" ] || printf 'export IKEGW_LAB_CASES=%q\n' "$IKEGW_LAB_CASES"
	# per scenario (IKEGW_LAB_CASES_25=...), for scenarios that read it
	for v in ${!IKEGW_LAB_CASES_@}; do
		printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'LAB_SCENARIOS=('
	printf ' %q' "${entries[@]}"
	printf ' )\n'
} >"$results/.lab/env"

qemu_path() { printf '%s' "${1//,/,,}"; }
# shellcheck disable=SC2054 # commas separate QEMU sub-options
args=(
	-accel tcg,thread=multi -cpu max -m 2048 -smp 2 -nographic -no-reboot -nic none
	-kernel "$kdir/boot/vmlinuz-$krel" -initrd "$initrd"
	-append "console=ttyS0 quiet panic=-1"
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
)
while read -r tag mode path; do
	ro=
	[ "$mode" = ro ] && ro=,readonly=on
	args+=(-virtfs "local,path=$(qemu_path "$path"),mount_tag=$tag,security_model=none$ro,multidevs=remap")
done <"$results/.lab/mounts"

echo "lab: kernel $krel, ${#selected[@]} scenario(s), VM limit ${vm_limit}s, results in $results"
t0=$(date +%s.%N)
set +e
timeout -k 15 "$vm_limit" qemu-system-x86_64 "${args[@]}" </dev/null 2>&1 |
	tr -d '\r' | sed -u -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$results/console.log"
qemu_rc=${PIPESTATUS[0]}
set -e
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# --- verdict ----------------------------------------------------------------------------------
echo
echo "lab: summary (results in $results)"
failed=0
for s in "${selected[@]}"; do
	dir=$results/$s
	if [ -r "$dir/rc" ]; then
		rc=$(cat "$dir/rc")
		secs=$(cat "$dir/seconds")
		case $rc in
		0) verdict=PASS ;;
		124) verdict="FAIL (timed out)" ;;
		*) verdict="FAIL (rc=$rc)" ;;
		esac
	else
		secs=
		verdict="NOT RUN"
	fi
	[ "$verdict" = PASS ] || failed=$((failed + 1))
	printf '  %-40s %-18s %9s\n' "$s" "$verdict" "${secs:+${secs}s}"
done
finished=0
[ -r "$results/.lab/finished" ] && finished=1
if ((finished)); then
	echo "lab: VM finished: $wall s wall time, guest uptime $(cat "$results/.lab/finished") s," \
		"stage 2 reached at $(cat "$results/boot-seconds" 2>/dev/null) s"
else
	echo "lab: VM did NOT finish (qemu exit $qemu_rc after $wall s; 124 = VM limit" \
		"${vm_limit}s hit); see $results/console.log"
fi
((finished)) || exit 1
((fixture)) && exit 0
((failed == 0)) || exit 1
