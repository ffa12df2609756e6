#!/usr/bin/env bash
# `make bench`: Google Benchmark for per-delivery CPU costs, then the ingest load over loopback
# with wrk — unique, RSA-4096-signed GoHighLevel deliveries — against Jorge on SQLite and on
# PostgreSQL, and the same load against the peer (../shared/peer, FastAPI) in both of its
# durable modes, in one sitting. Prints req/s, p50/p99, RSS, and checks that every 2xx was
# committed. Then the pipeline (bench/pipeline_bench.cpp): jobs/s with GoHighLevel's limit
# lifted, and speed to lead for 1,000 leads in a minute under it (about 5 minutes).
# Knobs: DURATION (10s), WARMUP (3s), CONNS (32), BENCH_DELIVERIES (340000), LEADS (1000),
# SPREAD (60), JOBS (20000), SKIP_PEER=1, SKIP_POSTGRES=1, SKIP_PIPELINE=1, SKIP_SCORING=1, SKIP_SOURCES=1.
# Then scoring: TreeSHAP in process, and POST /api/v1/score_lead against the peer's scorer.
set -euo pipefail
build_dir="$(cd "${1:-build}" && pwd)"
cd "$(dirname "$0")/.."
root="$(pwd)"
peer_dir="$(cd ../shared/peer 2>/dev/null && pwd || true)"
DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-3s}"; CONNS="${CONNS:-32}"
total="${BENCH_DELIVERIES:-340000}"
n_warm=$((total * 12 / 100)); n_c1=$((total * 12 / 100)); n_c32=$((total - n_warm - n_c1))
cache="$build_dir/bench-cache"; out="$build_dir/bench-results"
mkdir -p "$cache" "$out"
summary="$out/summary.txt"
echo "# $(date -u +%FT%TZ) duration=$DURATION conns=$CONNS $(nproc) cores" | tee "$summary"

echo "== per-delivery CPU costs (Google Benchmark)"
"$build_dir/bench/ingest_bench" --benchmark_min_time=0.5 2>&1 | grep -E "^(BM_|-|Benchmark)" | tee -a "$summary"
echo "== store alone: events committed per second on SQLite, 1 and 32 in flight"
"$build_dir/bench/store_bench" 2>&1 | grep -E "^BM_" | tee -a "$summary"

if [ "$(cat "$cache/count" 2>/dev/null)" != "$total" ]; then
  echo "== signing $total unique deliveries once (cached in $cache)"
  [ -n "$peer_dir" ] || { echo "../shared/peer is missing: its payloads are the benchmark's load"; exit 1; }
  templates=("$peer_dir"/payloads/ingest_contact_create.json "$peer_dir"/payloads/ingest_inbound_message.json "$peer_dir"/payloads/ingest_inbound_short.json)
  "$build_dir/bench/sign_deliveries" "$cache" "$total" "${templates[@]}"
  echo "$total" > "$cache/count"
fi

summarize() {  # NAME FILE
  awk -v name="$1" '
    /Requests\/sec:/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {printf "RESULT %-28s req/s=%-10s p50=%-9s p99=%-9s\n", name, rps, p50, p99}' "$2"
}

rss_kb() { awk "/^$2:/ {print \$2}" "/proc/$1/status"; }

run_jorge() {  # BACKEND DATABASE_URL
  local backend="$1" database="$2" port=18090
  local dir="$out/$backend"; rm -rf "$dir"; mkdir -p "$dir"
  cat > "$dir/jorge.toml" <<TOML
listen = "127.0.0.1:$port"
database = "$database"
api_token = "bench-token-0123456789abcdef"
# Ingest alone (issue 2's measure): no pipeline workers claiming jobs beside the writer.
workers = 0
[ghl]
webhook_public_key_file = "$cache/bench-rsa.pub"
TOML
  (cd "$dir" && exec "$build_dir/jorge" serve --config jorge.toml > serve.out 2> serve.log) &
  local pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 1
  local idle_rss; idle_rss=$(rss_kb $pid VmRSS)
  local url="http://127.0.0.1:$port"
  DELIVERIES="$cache/deliveries.txt" FIRST=1 COUNT=$n_warm WRK_THREADS=2 \
    wrk -t2 -c"$CONNS" -d"$WARMUP" -s bench/wrk/ingest_signed.lua "$url" > "$dir/warmup.txt"
  DELIVERIES="$cache/deliveries.txt" FIRST=$((n_warm + 1)) COUNT=$n_c1 WRK_THREADS=1 COUNTS_FILE="$dir/c1.counts" \
    wrk -t1 -c1 -d"$DURATION" --latency -s bench/wrk/ingest_signed.lua "$url" > "$dir/c1.txt"
  DELIVERIES="$cache/deliveries.txt" FIRST=$((n_warm + n_c1 + 1)) COUNT=$n_c32 WRK_THREADS=2 COUNTS_FILE="$dir/c$CONNS.counts" \
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/ingest_signed.lua "$url" > "$dir/c$CONNS.txt"
  sleep 1
  local peak_rss; peak_rss=$(rss_kb $pid VmHWM)
  kill -TERM $pid; wait $pid || true
  summarize "jorge_${backend}_c1" "$dir/c1.txt" | tee -a "$summary"
  summarize "jorge_${backend}_c$CONNS" "$dir/c$CONNS.txt" | tee -a "$summary"
  local committed; committed=$("$build_dir/jorge" stats --database "$database" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
  local sent=0 ok=0 bad=0 exhausted=0
  for run in warmup c1 "c$CONNS"; do
    [ -f "$dir/$run.counts" ] || continue
    read -r s o b e < "$dir/$run.counts"; sent=$((sent + s)); ok=$((ok + o)); bad=$((bad + b)); exhausted=$((exhausted + e))
  done
  local warm_ok; warm_ok=$(sed -n 's/.*ok2xx=\([0-9]*\).*/\1/p' "$dir/warmup.txt")
  ok=$((ok + warm_ok))
  local verdict=OK
  (( committed < ok )) && verdict="LOST-ACKNOWLEDGED-DELIVERIES"
  (( exhausted > 0 )) && verdict="$verdict EXHAUSTED(raise BENCH_DELIVERIES)"
  echo "INGEST jorge_$backend 2xx=$ok non2xx=$bad events_committed=$committed $verdict" | tee -a "$summary"
  echo "RSS jorge_$backend idle=$((idle_rss / 1024))MB peak_under_load=$((peak_rss / 1024))MB" | tee -a "$summary"
}

echo "== Jorge on SQLite"
run_jorge sqlite "sqlite://$out/sqlite/jorge.db"

if [ -z "${SKIP_POSTGRES:-}" ]; then
  echo "== Jorge on PostgreSQL"
  pg_dir="$(mktemp -d /tmp/jorge-bench-pg-XXXXXX)"
  trap 'scripts/postgres.sh stop "$pg_dir"' EXIT
  scripts/postgres.sh "$pg_dir" 55439 >/dev/null
  # Over the Unix socket, as a PostgreSQL on the same host would be reached.
  run_jorge postgres "postgresql://postgres@/postgres?host=/tmp&port=55439"
  scripts/postgres.sh stop "$pg_dir"  # idle or not, it would share the cores with the peer's run
fi

if [ -z "${SKIP_SOURCES:-}" ]; then
  echo "== sources: Zillow, Realtor.com and Facebook webhooks, jorge import, lead e-mails (SQLite)"
  DURATION="$DURATION" CONNS="$CONNS" scripts/bench-sources.sh "$build_dir" 2>&1 | grep -E "^RESULT" | tee -a "$summary"
fi

if [ -z "${SKIP_PIPELINE:-}" ]; then
  echo "== pipeline: throughput with the rate limit lifted, then speed to lead under it (SQLite)"
  "$build_dir/bench/pipeline_bench" sqlite all 2>&1 | grep -E "^(RESULT|speed)" | tee -a "$summary"
  if [ -z "${SKIP_POSTGRES:-}" ]; then
    pg_dir="$(mktemp -d /tmp/jorge-bench-pg-XXXXXX)"
    export JORGE_TEST_POSTGRES_URL="$(scripts/postgres.sh "$pg_dir" 55441)"
    "$build_dir/bench/pipeline_bench" postgres throughput 2>&1 | grep -E "^RESULT" | tee -a "$summary"
    scripts/postgres.sh stop "$pg_dir"
  fi
fi

if [ -z "${SKIP_PEER:-}" ] && [ -n "$peer_dir" ]; then
  for mode in 0 1; do
    echo "== peer (FastAPI + SQLite), PEER_GROUP_COMMIT=$mode"
    rm -rf "$out/peer-gc$mode"
    OUT_DIR="$out/peer-gc$mode" PEER_GROUP_COMMIT=$mode DURATION="$DURATION" WARMUP="$WARMUP" CONNS="$CONNS" \
      "$peer_dir/run_peer_bench.sh" ingest > "$out/peer-gc$mode.log" 2>&1 || { echo "peer failed: $out/peer-gc$mode.log"; continue; }
    grep -E "^(RESULT|INGEST)" "$out/peer-gc$mode/summary.txt" | sed "s/^/peer_gc$mode /" | tee -a "$summary"
  done
fi
if [ -z "${SKIP_SCORING:-}" ] && [ -n "$peer_dir" ]; then
  echo "== scoring in process: TreeSHAP and the whole explained score on the seed's model"
  "$build_dir/bench/scoring_bench" 2>&1 | grep -E "^BM_" | tee -a "$summary"
  echo "== scoring over HTTP: the peer with and without TreeSHAP, Jorge with exact reasons, CPU per request"
  DURATION="$DURATION" WARMUP="$WARMUP" CONNS="$CONNS" ROUNDS=1 scripts/bench-score.sh "$build_dir" 2>&1 |
    grep -E "^(RESULT|RSS)" | tee -a "$summary"
fi
echo "summary: $summary"
