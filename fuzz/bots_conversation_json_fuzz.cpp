// A stored conversation (#19) is read back before every turn: any bytes, as JSON or not, load
// into a conversation whose turn runs, and what it writes back loads again unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bots/conversation_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jorge::bots;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || parsed.is_object() == false) return 0;
  const Conversation loaded = conversation_from_json(parsed);
  const Turn turn = take_turn(loaded, {"fuzz", "we want to buy in kyle around 300k", {}}, {}, {});
  const nlohmann::json stored = conversation_json(turn.conversation);
  if (conversation_json(conversation_from_json(nlohmann::json::parse(stored.dump()))) != stored) __builtin_trap();
  return 0;
}
