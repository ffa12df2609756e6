#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for FUZZ_SECONDS,
# seeded from the integration fixtures. Crashes are saved in build-fuzz/artifacts/.
set -euo pipefail
fuzz_dir="${1:-build-fuzz}"
seconds="${FUZZ_SECONDS:-30}"
cd "$(dirname "$0")/.."
fixtures="${JORGE_FIXTURES_DIR:-../shared/specs/fixtures}"
if [ ! -f "$fuzz_dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$fuzz_dir" -G Ninja -DJORGE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$fuzz_dir" -j "$(nproc)"
mkdir -p "$fuzz_dir/artifacts"
# Every JSON target also starts from deep nesting (#14) and mutates with JSON tokens.
mkdir -p "$fuzz_dir/seeds/deep"
python3 - "$fuzz_dir/seeds/deep" <<'PY'
import sys
d = sys.argv[1]
open(f"{d}/array", "w").write('{"customFields":[{"id":"f","value":' + "[" * 30000 + "]" * 30000 + "}]}")
open(f"{d}/object", "w").write('{"raw":' + '{"a":' * 10000 + "1" + "}" * 10001)
PY
json_targets=" ghl_webhook_fuzz manual_lead_fuzz portal_lead_fuzz facebook_fuzz score_request_fuzz "
run() {  # target seed_dir...
  local target="$1"; shift
  local dict=()
  if [[ "$json_targets" == *" $target "* ]]; then dict=(-dict=fuzz/json.dict); set -- "$@" "$fuzz_dir"/seeds/deep/*; fi
  local corpus="$fuzz_dir/corpus/$target"
  mkdir -p "$corpus"
  for seed in "$@"; do [ -e "$seed" ] && cp -n "$seed" "$corpus/" 2>/dev/null || true; done
  echo "-- $target for ${seconds}s"
  "$fuzz_dir/fuzz/$target" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 -print_final_stats=0 \
    -artifact_prefix="$fuzz_dir/artifacts/$target-" "$corpus" > "$fuzz_dir/$target.log" 2>&1 || true
  grep -E "^(Done|SUMMARY)" "$fuzz_dir/$target.log" || true
  if grep -q "SUMMARY: " "$fuzz_dir/$target.log"; then
    echo "fuzzing $target found a sanitizer error, see $fuzz_dir/$target.log"; exit 1
  fi
  if ls "$fuzz_dir/artifacts/$target-"* >/dev/null 2>&1; then
    echo "fuzzing $target found a crash: $(ls "$fuzz_dir/artifacts/$target-"*)"; exit 1
  fi
}
run ghl_webhook_fuzz "$fixtures"/ghl/*.json
run manual_lead_fuzz tests/ingest/manual/*.json
run portal_lead_fuzz "$fixtures"/zillow/*.json "$fixtures"/realtor/*.json
run facebook_fuzz "$fixtures"/facebook/*.json
mkdir -p "$fuzz_dir/seeds/normalise"
printf '%s' '$400k-$500k' > "$fuzz_dir/seeds/normalise/money"
printf '%s' '3-6 months' > "$fuzz_dir/seeds/normalise/timeline"
printf '%s' 'DELGADO, Maria' > "$fuzz_dir/seeds/normalise/name"
printf '%s' '4407 South Lamar Boulevard, Apartment 3' > "$fuzz_dir/seeds/normalise/address"
run normalise_fuzz "$fuzz_dir"/seeds/normalise/*
run lead_email_fuzz "$fixtures"/email/*.eml
run import_fuzz tests/ingest/import/*.csv tests/scoring/data/csv_seeds/*.csv
mkdir -p "$fuzz_dir/seeds"
python3 - "$fixtures/sms/inbound_keyword_cases.json" "$fuzz_dir/seeds" <<'PY' 2>/dev/null || true
import json, sys
for i, case in enumerate(json.load(open(sys.argv[1]))["cases"]):
    open(f"{sys.argv[2]}/keyword_{i}", "w").write(case["body"])
for i, line in enumerate(open("tests/bots/data/inbound_keywords.tsv", encoding="utf-8")):
    if line.strip() and not line.startswith("#"):
        open(f"{sys.argv[2]}/keyword_tsv_{i}", "w", encoding="utf-8").write(line.rsplit("\t", 1)[0])
PY
run inbound_keyword_fuzz "$fuzz_dir"/seeds/keyword_*
run csv_fuzz tests/scoring/data/csv_seeds/*.csv
mkdir -p "$fuzz_dir/seeds/bots"
python3 - tests/bots/data/cases "$fuzz_dir/seeds/bots" <<'PY'
import json, os, sys
cases, out = sys.argv[1], sys.argv[2]
texts = []
for name in sorted(os.listdir(cases)):
    for line in open(os.path.join(cases, name), encoding="utf-8"):
        if line.strip() and "text" in json.loads(line):
            texts.append(json.loads(line)["text"])
for i, text in enumerate(texts):
    open(f"{out}/message_{i}", "w", encoding="utf-8").write(chr(i % 128) + text)
for i in range(0, len(texts) - 3, 4):
    open(f"{out}/conversation_{i}", "w", encoding="utf-8").write("\n".join(texts[i:i + 4]))
PY
run bots_extract_fuzz "$fuzz_dir"/seeds/bots/message_*
run bots_turn_fuzz "$fuzz_dir"/seeds/bots/conversation_*
mkdir -p "$fuzz_dir/seeds/llm"
printf '%s' '!we could do four fifty in hutto{"slots":{"beds_min":4,"areas":["Hutto"],"budget_max":450000},"intent":"buy","opt_out":false}' > "$fuzz_dir/seeds/llm/extraction"
printf '%s' '!no need to reach out againMakes sense. So what is the most you want to spend?' > "$fuzz_dir/seeds/llm/phrasing"
run bots_llm_answer_fuzz "$fuzz_dir"/seeds/llm/*
mkdir -p "$fuzz_dir/seeds/conversation"
printf '%s' '{"contact_id":"1","bot":"seller","state":"qualifying","role":"both","pending":"price","slots":{"areas":{"value":["Kyle"],"message_id":"m1","extractor":"rules","at":"2026-03-10T16:00:00.000Z"},"budget_max":{"value":400000}},"asks":{"budget":1},"variants":{"level":"extra_direct"},"recent_intents":[0.8],"seen_messages":["m1"]}' > "$fuzz_dir/seeds/conversation/state"
run bots_conversation_json_fuzz "$fuzz_dir"/seeds/conversation/*
mkdir -p "$fuzz_dir/seeds/meeting"
printf '%s' '0000tomorrow at 3:30 pm' > "$fuzz_dir/seeds/meeting/tomorrow"
printf '%s' '0000el jueves en la tarde, 12/5 a las 5' > "$fuzz_dir/seeds/meeting/spanish"
printf '%s' '0001the second one, 2pm' > "$fuzz_dir/seeds/meeting/offered"
run bots_meeting_time_fuzz "$fuzz_dir"/seeds/meeting/*
run score_request_fuzz ../shared/peer/payloads/score_*.json fuzz/seeds/score_request/*
