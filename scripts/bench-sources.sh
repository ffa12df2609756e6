#!/usr/bin/env bash
# Sources over loopback on SQLite, 2 cores shared with the load generator: unique, signed
# Zillow, Realtor.com and Facebook deliveries through wrk (each committed before its 2xx), a
# 100,000-row `jorge import`, and how soon a lead e-mail dropped in a real Dovecot mailbox is
# a scored contact. Prints RESULT lines; docs/benchmarks.md records them with this command.
# Knobs: DURATION (10s), CONNS (32), PER_SOURCE (400000 deliveries each), ROWS (100000).
set -euo pipefail
build_dir="$(cd "${1:-build}" && pwd)"
cd "$(dirname "$0")/.."
fixtures="${JORGE_FIXTURES_DIR:-../shared/specs/fixtures}"
DURATION="${DURATION:-10s}"; CONNS="${CONNS:-32}"; PER_SOURCE="${PER_SOURCE:-400000}"; ROWS="${ROWS:-100000}"
work="$(mktemp -d /tmp/jorge-bench-sources-XXXXXX)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
secret="bench-shared-secret"

# Templates: every id and e-mail made unique per delivery (a new contact each time).
/usr/bin/python3 - "$fixtures" "$work" <<'PY'
import json, sys
fixtures, work = sys.argv[1], sys.argv[2]
z = json.load(open(f"{fixtures}/zillow/lead.json"))
z["lead_id"] = "__WEBHOOK_ID__"; z["contact"]["email"] = "__WEBHOOK_ID__@example.com"; del z["contact"]["phone"]
open(f"{work}/zillow.json", "w").write(json.dumps(z))
r = json.load(open(f"{fixtures}/realtor/lead.json"))
r["lead_id"] = "__WEBHOOK_ID__"; r["contact"]["email"] = "__WEBHOOK_ID__@example.com"; del r["contact"]["phone"]
open(f"{work}/realtor.json", "w").write(json.dumps(r))
f = json.load(open(f"{fixtures}/facebook/leadgen_webhook.json"))
f["entry"][0]["changes"][0]["value"]["leadgen_id"] = "__WEBHOOK_ID__"
open(f"{work}/facebook.json", "w").write(json.dumps(f, separators=(",", ":")))
PY

run_source() {  # NAME PATH HEADER
  local name="$1" path="$2" header="$3" port=18095 dir="$work/$1"
  mkdir -p "$dir"
  "$build_dir/bench/sign_deliveries" --hmac "$secret" "$dir" "$PER_SOURCE" "$work/$name.json" 2>/dev/null
  cat > "$dir/jorge.toml" <<TOML
listen = "127.0.0.1:$port"
database = "sqlite://$dir/jorge.db"
api_token = "bench-token-0123456789abcdef"
workers = 0
[http]
access_log = false
[ghl]
verify_signatures = false
[sources.zillow]
secret = "$secret"
[sources.realtor]
secret = "$secret"
[sources.facebook]
app_secret = "$secret"
TOML
  (cd "$dir" && exec "$build_dir/jorge" serve --config jorge.toml > serve.out 2> serve.log) &
  local pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  local half=$((PER_SOURCE / 8))
  DELIVERIES="$dir/deliveries.txt" FIRST=1 COUNT=$half WRK_THREADS=2 WEBHOOK_PATH="$path" SIGNATURE_HEADER="$header" \
    wrk -t2 -c"$CONNS" -d3s -s bench/wrk/ingest_signed.lua "http://127.0.0.1:$port" > "$dir/warmup.txt"
  DELIVERIES="$dir/deliveries.txt" FIRST=$((half + 1)) COUNT=$((PER_SOURCE - half)) WRK_THREADS=2 \
    WEBHOOK_PATH="$path" SIGNATURE_HEADER="$header" COUNTS_FILE="$dir/run.counts" \
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/ingest_signed.lua "http://127.0.0.1:$port" > "$dir/run.txt"
  kill -TERM $pid 2>/dev/null || true; wait $pid || true
  read -r sent ok bad exhausted < "$dir/run.counts"
  local warm_ok; warm_ok=$(sed -n 's/.*ok2xx=\([0-9]*\).*/\1/p' "$dir/warmup.txt")
  local committed; committed=$("$build_dir/jorge" stats --database "sqlite://$dir/jorge.db" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
  awk -v name="$name" -v ok="$ok" -v bad="$bad" -v ex="$exhausted" -v committed="$committed" -v acked="$((ok + warm_ok))" '
    /Requests\/sec:/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {printf "RESULT webhook_%-9s deliveries/s=%-9s p50=%-8s p99=%-8s 2xx=%s non2xx=%s committed=%s/%s acknowledged%s\n",
         name, rps, p50, p99, ok, bad, committed, acked, (ex > 0 ? " EXHAUSTED" : "")}' "$dir/run.txt"
}

echo "== webhooks: unique signed deliveries, wrk -t2 -c$CONNS -d$DURATION, SQLite"
run_source zillow /webhooks/zillow X-Jorge-Signature
run_source realtor /webhooks/realtor X-Jorge-Signature
run_source facebook /webhooks/facebook X-Hub-Signature-256

echo "== jorge import: $ROWS generated rows into SQLite, then the same file again"
/usr/bin/python3 - "$work/import.csv" "$ROWS" <<'PY'
import random, sys
random.seed(7)
first = ["Maria", "Jamal", "Elena", "Oliver", "Ana", "Sam", "Kim", "Jose", "Priya", "Tasha"]
last = ["Delgado", "Brooks", "Vasquez", "Grant", "Ferreira", "Osei", "Pena", "Raman", "Nguyen"]
with open(sys.argv[1], "w") as f:
    f.write("First Name,Last Name,Email,Phone,Zip,Budget,Timeline,Notes\n")
    for i in range(int(sys.argv[2])):
        a, b = random.choice(first), random.choice(last)
        f.write(f"{a},{b},{a.lower()}.{b.lower()}{i}@example.com,(512) 555-{i % 10000:04d},787{i % 100:02d},"
                f"${random.randint(200, 900)}k,{random.randint(1, 12)} months,\"Looking near Zilker\"\n")
PY
for pass in first again; do
  "$build_dir/jorge" import --source csv_bench --data "$work/import.csv" --database "sqlite://$work/import.db" \
    > "$work/import-$pass.out" 2> "$work/import-$pass.err"
  parsed=$(sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p' "$work/import-$pass.err")
  committed=$(sed -n 's/.*s: \([0-9]*\) rows\/s committed/\1/p' "$work/import-$pass.out")
  echo "RESULT import_$pass rows=$ROWS parsed_rows/s=$parsed committed_rows/s=$committed $(sed -n 's/^imported \([0-9]*\) new.*(\([0-9]*\) already.*/new=\1 already_there=\2/p' "$work/import-$pass.out")"
done

echo "== e-mail: a lead e-mail delivered to a real Dovecot, until it is a scored contact"
"$build_dir/bench/email_bench" "$fixtures" 2>&1 | grep -E "^RESULT"
