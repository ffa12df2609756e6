#pragma once
// Reading one inbound text by rules (bots.md §3-5, §9.1, §10.4): the slots it states, its
// intent, and the signals that make a human take over. Pure and fast: no clock, no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bots/slots.hpp"
#include "core/clock.hpp"

namespace jorge::bots {

struct ExtractContext {
  Role role = Role::kUnknown;             // the conversation's role so far (or the source's hint)
  bool role_is_hint = false;              // a source's hint: a text naming one side overrules it (§5)
  std::optional<SlotGroup> pending;       // what the bot's last question asked
  bool opted_out = false;                 // START means something only then
  SystemTime local_now{};                 // the message's time on the lead's wall clock (as if UTC)
};

struct Extraction {
  std::vector<std::pair<Slot, SlotValue>> values;  // what this message states, normalised
  Intent intent = Intent::kUnknown;
  Role role = Role::kUnknown;  // the role after this message (sticky, upgraded to both)
  std::string language = "en";
  // What makes a human take over (§9.1) or changes the answer.
  bool showing_request = false, fees = false, legal = false, fair_housing = false, angry = false;
  bool listing_question = false;  // a task, no handoff (§9.2)
  std::string listing_address;
  bool bot_question = false, identity_question = false;
  bool concrete_action = false;  // a tour, an offer, "ready to list", a deadline (§8.4)
  bool vague = false;            // "soon", "depends", "not sure": the pending question was not answered
  bool small_talk = false;       // "ok", "hi", "thanks": not off-topic
  bool no_call = false;          // "don't call me, text is fine"

  const SlotValue* value(Slot slot) const;
  bool states(Slot slot) const { return value(slot) != nullptr; }
};

Extraction extract(std::string_view text, const ExtractContext& context);

}  // namespace jorge::bots
