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
