// bots.md §3-5: any text through the rule extractor, with every pending question and role.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bots/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace jorge::bots;
  const auto group = static_cast<SlotGroup>(data[0] % kSlotGroupCount);
  const auto role = static_cast<Role>((data[0] >> 4) % 4);
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ExtractContext context;
  context.role = role;
  context.pending = group;
  const Extraction extraction = extract(text, context);
  for (const auto& [slot, value] : extraction.values)
    if (static_cast<size_t>(slot) >= kSlotCount) __builtin_trap();
  return 0;
}
