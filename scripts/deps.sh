#!/usr/bin/env bash
# Installs everything ikegw needs to build, test and run its kernel lab on a fresh
# Debian 12 machine (as root). Idempotent; called by scripts/demo.sh and scripts/test.sh.
# `scripts/deps.sh bench` also installs what the benchmarks' strongSwan runs need.
set -euo pipefail

PKGS=(
	# build
	build-essential cmake pkg-config clang libclang-rt-14-dev
	libmnl-dev libnftnl-dev libssl-dev libsystemd-dev libjson-c-dev libcmocka-dev
	# runtime tools and test oracles
	openssl iproute2 iputils-ping nftables tshark
	# kernel lab (see docs/kernel-lab-notes in tests/lab/README.md)
	qemu-system-x86 busybox-static kmod cpio
	# reference peers
	strongswan-charon strongswan-swanctl jq
)

if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/deps.sh: must run as root (apt-get install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps: apt-get update" >&2
apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
echo "deps: apt-get install ${#PKGS[@]} packages" >&2
apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${PKGS[@]}" >/dev/null

# lab_libreswan: libreswan for the kernel lab's interop scenarios (tests/lab/lib-peers.sh).
# It conflicts with strongswan-charon in apt, so its package is downloaded and unpacked with
# dpkg -x into $IKEGW_LAB_CACHE/libreswan/root (default /var/cache/ikegw-lab) if absent; its
# runtime libraries are installed normally.
lab_libreswan() {
	local dir=${IKEGW_LAB_CACHE:-/var/cache/ikegw-lab}/libreswan deb
	apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 \
		libnss3-tools libnss3 libnspr4 libldns3 libevent-core-2.1-7 libevent-pthreads-2.1-7 \
		libunbound8 libcurl3-nss libcap-ng0 libaudit1 libldap-2.5-0 >/dev/null
	[ -e "$dir/root/.complete" ] && return 0
	echo "deps: libreswan into $dir" >&2
	mkdir -p "$dir"
	rm -rf "$dir/root" "$dir"/*.deb
	(cd "$dir" && apt-get download -q libreswan >/dev/null)
	deb=$(ls "$dir"/libreswan_*.deb)
	dpkg -x "$deb" "$dir/root"
	touch "$dir/root/.complete"
}
lab_libreswan

# bench_strongswan: charon's kernel-libipsec plugin (libcharon-extra-plugins) for the strongSwan
# side of tests/bench/ikev2/run-bench.sh: this host's kernel has no ESP, so charon keeps its
# CHILD_SAs in userspace there. Not needed to build or test: only with `scripts/deps.sh bench`.
# The lab's charon instances load an explicit plugin list (tests/lab/lib-peers.sh), so the
# extra plugins' load = yes snippets in /etc/strongswan.d do not reach them.
bench_strongswan() {
	apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 \
		libcharon-extra-plugins >/dev/null
}
if [ "${1:-}" = bench ]; then
	bench_strongswan
fi
