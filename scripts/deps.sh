#!/usr/bin/env bash
# Installs everything ikegw needs to build, test and run its kernel lab on a fresh
# Debian 12 machine (as root). Idempotent; called by scripts/demo.sh and scripts/test.sh.
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
	strongswan-charon strongswan-swanctl
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
