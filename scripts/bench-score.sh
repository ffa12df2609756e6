#!/usr/bin/env bash
# POST /api/v1/score_lead over loopback, 2 cores shared with wrk, in one sitting: the peer
# (../shared/peer, FastAPI + XGBoost) without and with TreeSHAP, and Jorge with the peer's own
# model and exact reasons on every request, alternated ROUNDS times (this host's speed drifts
# from minute to minute, so only figures of one sitting compare). Then the server CPU each
# request costs Jorge (user + system time from /proc/PID/stat over a run ÷ requests answered)
# for /healthz, score_lead with the rules scorer, and score_lead with exact reasons.
# Prints RESULT lines; docs/benchmarks.md records them with this command.
# Knobs: DURATION (15s), WARMUP (5s), CONNS (32), ROUNDS (2).
set -euo pipefail
build_dir="$(cd "${1:-build}" && pwd)"
cd "$(dirname "$0")/.."
peer_dir="$(cd ../shared/peer && pwd)"
DURATION="${DURATION:-15s}"; WARMUP="${WARMUP:-5s}"; CONNS="${CONNS:-32}"; ROUNDS="${ROUNDS:-2}"
work="$(mktemp -d /tmp/jorge-bench-score-XXXXXX)"
pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
token="bench-$(date +%s%N)"
export PAYLOAD_DIR="$peer_dir/payloads" AUTH_TOKEN="$token"
port=18556
url="http://127.0.0.1:$port"

# No access log (the peer runs uvicorn at --log-level warning, without one either) and no
# pipeline workers: the endpoint alone.
config() {  # MODEL_LINE
  printf 'listen = "127.0.0.1:%s"\ndatabase = "sqlite://%s/j.db"\napi_token = "%s"\nworkers = 0\nhttp.access_log = false\n[ghl]\nverify_signatures = false\n%s\n' \
    "$port" "$work" "$token" "$1" > "$work/jorge.toml"
}
start() {
  rm -f "$work"/j.db*
  "$build_dir/jorge" serve --config "$work/jorge.toml" > "$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -fs "$url/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "jorge did not start:"; cat "$work/serve.log"; exit 1
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }
summarize() {  # NAME FILE
  awk -v name="$1" '/Requests\/sec:/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {printf "RESULT %-22s req/s=%-10s p50=%-9s p99=%-9s\n", name, rps, p50, p99}' "$2"
}
peer() {  # SHAP
  rm -rf "$work/peer"  # the peer's script appends to its summary
  OUT_DIR="$work/peer" PEER_SHAP=$1 DURATION="$DURATION" WARMUP="$WARMUP" CONNS="$CONNS" \
    "$peer_dir/run_peer_bench.sh" score > "$work/peer.log" 2>&1 || { echo "peer failed:"; tail "$work/peer.log"; return 0; }
  grep -E "^RESULT" "$work/peer/summary.txt" | sed "s/^RESULT /RESULT peer_shap$1 /"
}
jorge() {
  config "[scoring]
model = \"$peer_dir/model.json\""
  start
  echo "RSS jorge idle: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) kB"
  wrk -t2 -c"$CONNS" -d"$WARMUP" -s "$peer_dir/wrk/score.lua" "$url/api/v1/score_lead" > /dev/null
  wrk -t1 -c1 -d"$DURATION" --latency -s "$peer_dir/wrk/score.lua" "$url/api/v1/score_lead" > "$work/c1.txt"
  summarize jorge_score_c1 "$work/c1.txt"
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$peer_dir/wrk/score.lua" "$url/api/v1/score_lead" > "$work/c.txt"
  summarize "jorge_score_c$CONNS" "$work/c.txt"
  echo "RSS jorge after: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) kB"
  stop
}
cpu_per_request() {  # NAME PATH [LUA]
  local script=(); [ -z "${3:-}" ] || script=(-s "$3")
  wrk -t2 -c"$CONNS" -d3s "${script[@]}" "$url$2" > /dev/null
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  wrk -t2 -c"$CONNS" -d10s --latency "${script[@]}" "$url$2" > "$work/cpu.txt"
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  local requests; requests=$(awk '/requests in/ {print $1}' "$work/cpu.txt")
  local ticks; ticks=$(getconf CLK_TCK)
  echo "RESULT cpu_$1 $(awk -v t=$((after - before)) -v n="$requests" -v hz="$ticks" \
    'BEGIN {printf "us_per_request=%.1f", t / hz * 1e6 / n}') $(summarize x "$work/cpu.txt" | awk '{$1 = $2 = ""; print}')"
}

echo "# $(date -u +%FT%TZ) score_lead, $(nproc) cores, rounds=$ROUNDS"
for round in $(seq "$ROUNDS"); do
  peer 0
  jorge
  [ "$round" != 1 ] || peer 1
done
config ""
start
cpu_per_request healthz /healthz
cpu_per_request score_rules /api/v1/score_lead "$peer_dir/wrk/score.lua"
stop
config "[scoring]
model = \"$peer_dir/model.json\""
start
cpu_per_request score_exact_reasons /api/v1/score_lead "$peer_dir/wrk/score.lua"
stop
