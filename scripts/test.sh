#!/usr/bin/env bash
# `make test`: every test on both backends (a real PostgreSQL started here), then a bounded
# fuzzing run of every parser.
set -euo pipefail
build_dir="${1:-build}"
fuzz_dir="${2:-build-fuzz}"
cd "$(dirname "$0")/.."
pg_dir="$(mktemp -d /tmp/jorge-pg-XXXXXX)"
pg_port=$((50000 + RANDOM % 10000))
cleanup() { scripts/postgres.sh stop "$pg_dir"; }
trap cleanup EXIT
echo "== starting PostgreSQL on port $pg_port"
export JORGE_TEST_POSTGRES_URL="$(scripts/postgres.sh "$pg_dir" "$pg_port")"
echo "== unit, store, end-to-end and crash tests"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
echo "== fuzzing every parser for ${FUZZ_SECONDS:-30} s each"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" scripts/fuzz.sh "$fuzz_dir"
echo "== all tests passed"
