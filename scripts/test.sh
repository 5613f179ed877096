#!/usr/bin/env bash
# The whole test suite, as the README gives it and as CI runs it (.ci/run):
#   1. install dependencies (scripts/deps.sh)
#   2. gcc build: unit tests, fuzz corpus replay, kernel-lab scenarios (one VM boot)
#   3. ASan/UBSan build: unit tests and fuzz corpus replay
#   4. clang libFuzzer build: a short fuzz run per target
# Ends with one line "N passed, N failed". Environment: IKEGW_SKIP_LAB=1 skips the VM,
# IKEGW_SKIP_DEPS=1 skips apt (for quick local iterations only).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc)

if [ "${IKEGW_SKIP_DEPS:-0}" != 1 ]; then
	scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
fi

total_pass=0
total_fail=0
failed_steps=()

# step NAME BUILDDIR "CMAKE ARGS" "CTEST ARGS"
step() {
	local name=$1 dir=$2 cargs=$3 targs=$4 log
	log="$top/$dir/ctest.log"
	echo "=== $name: configure + build ($dir)"
	if ! cmake -S "$top" -B "$top/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo $cargs >/dev/null ||
		! cmake --build "$top/$dir" -j "$jobs" >"$top/$dir.build.log" 2>&1; then
		tail -50 "$top/$dir.build.log" 2>/dev/null
		echo "=== $name: BUILD FAILED"
		total_fail=$((total_fail + 1))
		failed_steps+=("$name:build")
		return
	fi
	echo "=== $name: ctest $targs"
	(cd "$top/$dir" && ctest --output-on-failure -j "$jobs" $targs) 2>&1 | tee "$log"
	local line pass fail all
	line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "=== $name: no ctest summary (nothing ran?)"
		total_fail=$((total_fail + 1))
		failed_steps+=("$name:no-tests")
		return
	fi
	fail=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
	all=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
	pass=$((all - fail))
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	[ "$fail" -eq 0 ] || failed_steps+=("$name")
}

lab_args=""
[ "${IKEGW_SKIP_LAB:-0}" = 1 ] && lab_args="-LE lab"
step "gcc" build "" "$lab_args"
step "asan+ubsan" build-asan "-DIKEGW_SANITIZE=ON" "-L unit|fuzz"
step "libfuzzer-smoke" build-fuzz "-DIKEGW_FUZZ=ON -DCMAKE_C_COMPILER=clang" "-L fuzzsmoke"

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
	echo "failed steps: ${failed_steps[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
