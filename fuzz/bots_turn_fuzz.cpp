// bots.md §2: a whole turn — extraction, merge, signals, templates, persona, quiet hours — on
// any text after a few earlier messages. Invariants: an opted-out conversation only ever answers
// START and HELP; every reply passes the persona checks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bots/engine.hpp"
#include "bots/persona.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jorge::bots;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Conversation conversation = start_conversation("fuzz", size % 2 ? Role::kSeller : Role::kUnknown);
  const EngineConfig config;
  const LeadFacts facts;
  jorge::SystemTime now = jorge::from_unix_millis(1'770'000'000'000LL);
  int number = 0;
  // Messages separated by newlines, each one turn.
  while (!input.empty() && number < 8) {
    const size_t end = input.find('\n');
    const std::string_view text = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    const bool opted_out = conversation.state == State::kOptedOut;
    now += std::chrono::minutes(7);
    const Turn turn = take_turn(conversation, {"m" + std::to_string(++number), std::string(text), now}, facts, config);
    if (turn.reply) {
      const std::string& key = turn.reply->template_key;
      if (opted_out && key != "help" && key != "start_confirm") __builtin_trap();
      PersonaCheck check;
      check.language = turn.conversation.language;
      check.greeting = false;
      check.fair_housing_redirect = key == "fair_housing_redirect";
      // Language aside (a name or a place may read as either), every reply passes the persona.
      for (const std::string& problem : persona_violations(turn.reply->text, check))
        if (problem.rfind("language", 0) != 0) __builtin_trap();
    }
    conversation = turn.conversation;
  }
  return 0;
}
