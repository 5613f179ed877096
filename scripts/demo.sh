#!/usr/bin/env bash
# The main job: installs dependencies, builds ikegw and brings up the two-site
# topology of seed 001 in the kernel lab (a VM with Debian's stock kernel when the
# running kernel has no ESP/VTI): two ikegwd (R1, R2) negotiate IKEv2 with pre-shared
# keys, traffic goes LAN to LAN through Tunnel1, and `ikegwctl show crypto ikev2 sa` /
# `show crypto ipsec sa` print the SAs and their moving counters.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "${IKEGW_SKIP_DEPS:-0}" = 1 ] || scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
exec tests/lab/run.sh --demo
