#!/usr/bin/env bash
# Runs lab benchmarks (tests/lab/bench/NAME.sh) in the kernel lab VM, as root. tests/lab/run.sh
# only runs scenarios by name from tests/lab/scenarios/, and benchmarks must stay out of the
# default suite, so this stages a copy of the harness (run.sh, init.sh, guest.sh, lib.sh,
# kplane/lib-kplane.sh) under BUILD/lab-bench-stage whose only scenarios are the benchmarks.
set -euo pipefail

usage() {
	cat <<USAGE
usage: tests/lab/bench/run-bench.sh [--build DIR] [--results DIR] [BENCH...]
  BENCH     a file name in tests/lab/bench/ without .sh (default: xfrm-install)
  --build   the cmake build directory with kplane-lab built (default ./build)
  --results where results land (default BUILD/lab-bench); emptied first, as run.sh does
USAGE
}

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
lab=$(dirname "$bench")
src=$(cd "$lab/../.." && pwd -P)
build=$src/build
results=
names=()
while (($#)); do
	case $1 in
	--build) build=${2:?--build needs a directory}; shift ;;
	--results) results=${2:?--results needs a directory}; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) names+=("$(basename "$1" .sh)") ;;
	esac
	shift
done
((${#names[@]})) || names=(xfrm-install)
build=$(cd "$build" && pwd -P)
results=${results:-$build/lab-bench}
[ -x "$build/tests/lab/kplane/kplane-lab" ] ||
	{ echo "run-bench: build kplane-lab in $build first" >&2; exit 2; }

# The stage lives in the build tree (not under /tmp: run.sh shares it with the guest by path).
stage=$build/lab-bench-stage
rm -rf "$stage"
mkdir -p "$stage/tests/lab/scenarios" "$stage/tests/lab/kplane"
cp "$lab/run.sh" "$lab/init.sh" "$lab/guest.sh" "$lab/lib.sh" "$stage/tests/lab/"
cp "$lab/kplane/lib-kplane.sh" "$stage/tests/lab/kplane/"
i=90
picked=()
for n in "${names[@]}"; do
	[ -r "$bench/$n.sh" ] || { echo "run-bench: no $bench/$n.sh" >&2; exit 2; }
	cp "$bench/$n.sh" "$stage/tests/lab/scenarios/$i-bench-$n.sh"
	picked+=("$i-bench-$n")
	i=$((i + 1))
done
exec "$stage/tests/lab/run.sh" --build "$build" --results "$results" "${picked[@]}"
