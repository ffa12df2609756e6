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
# CI fuzzes each parser briefly (its seeds and the deep-nesting inputs, then what libFuzzer finds
# in 12 s) to stay within its 30 minutes with the sanitized server below; `make fuzz` goes deep.
fuzz_seconds="${FUZZ_SECONDS:-$([ "${CI:-}" = true ] && echo 12 || echo 30)}"
echo "== fuzzing every parser for $fuzz_seconds s each"
FUZZ_SECONDS="$fuzz_seconds" scripts/fuzz.sh "$fuzz_dir"
# The fuzz tree also holds the server built with ASan and UBSan (#14): the API tests of every
# input path and of score_lead (rules and a model) run against it; a sanitizer report stops
# the server, and a server that dies fails its test.
echo "== API tests against the server built with ASan and UBSan"
JORGE_TEST_BINARY="$PWD/$fuzz_dir/jorge" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
  ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600 \
  -R 'ScoreLeadEndpoint\.(RulesAnswer|ThePeers|EachNewLead)|(DeeplyNestedBodies|RejectsBadInputWithJsonErrors|AnInboundTextGetsOneReply|ABuyerGoesFromTheGreetingToABookedCall).*/Sqlite'
echo "== all tests passed"
