#!/usr/bin/env bash
# Builds the Debian package (CPack DEB, packaging/Packaging.cmake) from the tree and prints
# the path of the .deb on stdout. Usage: scripts/package.sh [BUILDDIR] (default
# ./build-package, made if absent; an existing build directory is reused).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${1:-$src/build-package}
for tool in cmake cpack dpkg-deb dpkg-shlibdeps; do
	command -v "$tool" >/dev/null || {
		echo "package: $tool not found (scripts/deps.sh installs it)" >&2
		exit 2
	}
done
mkdir -p "$build"
build=$(cd "$build" && pwd -P)
# A new build directory is configured for the package alone (cpack's install step would
# otherwise build every test first); an existing one is used as it is (its tests get built).
# The install prefix does not matter: CPack installs under /usr (CPACK_PACKAGING_INSTALL_PREFIX).
if [ ! -e "$build/CMakeCache.txt" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >"$build/package-cmake.log" ||
		{ cat "$build/package-cmake.log" >&2; exit 1; }
fi
cmake --build "$build" -j"$(nproc)" --target ikegwd ikegwctl ikegw_man >"$build/package-build.log" 2>&1 ||
	{ tail -n 40 "$build/package-build.log" >&2; exit 1; }
rm -f "$build"/ikegw_*.deb
(cd "$build" && cpack -G DEB -B "$build" >"$build/package-cpack.log" 2>&1) ||
	{ cat "$build/package-cpack.log" >&2; exit 1; }
deb=$(ls "$build"/ikegw_*.deb)
[ -f "$deb" ] || { echo "package: cpack made no .deb" >&2; exit 1; }
echo "$deb"
