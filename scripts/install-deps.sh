#!/usr/bin/env bash
# Installs the Debian packages Jorge needs, only those that are missing (see ../shared/DEPENDENCIES.md).
# Never installs npm: the image's Node.js already bundles it and Debian's npm conflicts with it.
set -euo pipefail
build_packages=(build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev curl
  libboost-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libpqxx-dev libphonenumber-dev libicu-dev
  libtomlplusplus-dev libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libsimdjson-dev libxgboost-dev libfasttext-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgmime-3.0-dev)
test_packages=(postgresql curl dovecot-imapd)
bench_packages=(wrk python3-fastapi python3-uvicorn python3-ujson python3-httptools python3-uvloop python3-xgboost
  python3-sklearn python3-pandas python3-numpy)
wanted=("${build_packages[@]}")
case "${1:-build}" in
  test) wanted+=("${test_packages[@]}") ;;
  bench) wanted+=("${test_packages[@]}" "${bench_packages[@]}") ;;
esac
# The ZIP -> time zone table for quiet hours (#15): the npm package zipcode-to-timezone (MIT),
# fetched from the npm registry as a tarball (no npm needed), checked, and compiled into the
# binary by tools/zip_zones_table.cpp. Kept out of git (third_party/ is ignored).
zip_zones_dir="$(cd "$(dirname "$0")/.." && pwd)/third_party/zipcode-to-timezone"
if [ ! -s "$zip_zones_dir/zipcodes.json" ]; then
  command -v curl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl; }
  tarball="$(mktemp)"
  curl -fsSL https://registry.npmjs.org/zipcode-to-timezone/-/zipcode-to-timezone-0.0.9.tgz -o "$tarball"
  echo "9849b2a85596786c1278b249fed5e614ecddd0353f4836c38bd23810e38a0831  $tarball" | sha256sum -c --quiet -
  mkdir -p "$zip_zones_dir"
  tar xzf "$tarball" -C "$zip_zones_dir" --strip-components=1 package/zipcodes.json package/index.js package/LICENSE
  rm -f "$tarball"
  echo "fetched zipcode-to-timezone 0.0.9 into $zip_zones_dir"
fi
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
