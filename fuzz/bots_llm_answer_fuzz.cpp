// bots.md §11: whatever a model answers (any bytes) is read as extraction JSON and as a
// phrasing; nothing it says may crash the engine, produce a slot outside §3, or pass a phrasing
// that fails the persona checks. The first byte splits the input into message and answer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bots/extract.hpp"
#include "bots/llm.hpp"
#include "bots/persona.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace jorge::bots;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = std::min<size_t>(data[0], rest.size());
  const std::string_view message = rest.substr(0, split), answer = rest.substr(split);
  ExtractContext context;
  context.role = Role::kBuyer;
  const Extraction rules = extract(message, context);
  const LlmExtraction read = read_extraction(answer, message, rules);
  for (const auto& [slot, value] : read.values)
    if (static_cast<size_t>(slot) >= kSlotCount || rules.states(slot)) __builtin_trap();
  if (read.intent && (*read.intent == Intent::kOptOut || *read.intent == Intent::kOptIn || *read.intent == Intent::kHelp))
    __builtin_trap();
  const std::string draft = "Got it. What's the most you want to spend?";
  if (const auto phrased = checked_phrasing(answer, draft, {}))
    if (!persona_violations(*phrased, {}).empty()) __builtin_trap();
  (void)without_contact_details(answer);
  return 0;
}
