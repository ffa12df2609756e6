#include "bots/conversation_json.hpp"

#include <nlohmann/json.hpp>

#include "bots/slots_json.hpp"

namespace jorge::bots {

nlohmann::json conversation_json(const Conversation& c) {
  nlohmann::json asks = nlohmann::json::object();
  for (size_t i = 0; i < kSlotGroupCount; ++i)
    if (c.asks[i] > 0) asks[std::string(group_name(static_cast<SlotGroup>(i)))] = c.asks[i];
  nlohmann::json out = {
      {"contact_id", c.contact_id},
      {"bot", std::string(bot_name(c.bot))},
      {"state", std::string(state_name(c.state))},
      {"role", std::string(role_name(c.role))},
      {"role_from_hint", c.role_from_hint},
      {"pending", c.pending ? nlohmann::json(std::string(group_name(*c.pending))) : nlohmann::json()},
      {"slots", slots_with_provenance_json(c.slots)},
      {"asks", asks},
      {"language", c.language},
      {"variants",
       {{"greeting", c.variants.greeting},
        {"question_order", c.variants.question_order},
        {"response_speed", c.variants.response_speed},
        {"level", std::string(level_name(c.variants.level))}}},
      {"last_automated_at", c.last_automated_at ? nlohmann::json(format_iso8601(*c.last_automated_at)) : nlohmann::json()},
      {"recent_intents", c.recent_intents},
      {"intent_zeroed", c.intent_zeroed},
      {"terminal_intent", c.terminal_intent ? nlohmann::json(std::string(intent_name(*c.terminal_intent))) : nlohmann::json()},
      {"temperature", std::string(temperature_name(c.temperature))},
      {"off_topic_in_row", c.off_topic_in_row},
      {"turns_without_facts", c.turns_without_facts},
      {"turns_without_role", c.turns_without_role},
      {"inbound_count", c.inbound_count},
      {"llm_calls", c.llm_calls},
      {"llm_day", c.llm_day},
      {"seen_messages", c.seen_messages},
      {"asked_call_time", c.asked_call_time}};
  return out;
}

namespace {

template <typename T>
T field(const nlohmann::json& object, const char* name, T fallback) {
  const auto found = object.find(name);
  if (found == object.end()) return fallback;
  if constexpr (std::is_same_v<T, bool>) return found->is_boolean() ? found->get<bool>() : fallback;
  else if constexpr (std::is_arithmetic_v<T>) return found->is_number() ? found->get<T>() : fallback;
  else return found->is_string() ? found->get<std::string>() : fallback;
}

}  // namespace

Conversation conversation_from_json(const nlohmann::json& object) {
  Conversation c;
  if (!object.is_object()) return c;
  c.contact_id = field<std::string>(object, "contact_id", "");
  c.bot = parse_bot(field<std::string>(object, "bot", "lead")).value_or(Bot::kLead);
  c.state = parse_state(field<std::string>(object, "state", "new")).value_or(State::kNew);
  c.role = parse_role(field<std::string>(object, "role", "unknown")).value_or(Role::kUnknown);
  c.role_from_hint = field(object, "role_from_hint", false);
  c.pending = parse_group(field<std::string>(object, "pending", ""));
  if (const auto slots = object.find("slots"); slots != object.end() && slots->is_object())
    for (const auto& [name, entry] : slots->items()) {
      if (!entry.is_object() || !entry.contains("value")) continue;
      Provenance provenance{field<std::string>(entry, "message_id", ""), field<std::string>(entry, "extractor", "rules"), {}};
      parse_iso8601(field<std::string>(entry, "at", ""), provenance.at);
      const Slots one = slots_from_json(nlohmann::json{{name, entry["value"]}}, provenance);
      if (const auto slot = parse_slot(name); slot && one[*slot]) c.slots.set(*slot, one[*slot]->value, provenance);
    }
  if (const auto asks = object.find("asks"); asks != object.end() && asks->is_object())
    for (const auto& [name, count] : asks->items())
      if (const auto group = parse_group(name); group && count.is_number_integer())
        c.asks[static_cast<size_t>(*group)] = count.get<int>();
  c.language = field<std::string>(object, "language", "en") == "es" ? "es" : "en";
  if (const auto variants = object.find("variants"); variants != object.end() && variants->is_object()) {
    c.variants.greeting = field<std::string>(*variants, "greeting", c.variants.greeting);
    c.variants.question_order = field<std::string>(*variants, "question_order", c.variants.question_order);
    c.variants.response_speed = field<std::string>(*variants, "response_speed", c.variants.response_speed);
    c.variants.level = parse_level(field<std::string>(*variants, "level", "standard")).value_or(Level::kStandard);
  }
  if (SystemTime at; parse_iso8601(field<std::string>(object, "last_automated_at", ""), at)) c.last_automated_at = at;
  if (const auto intents = object.find("recent_intents"); intents != object.end() && intents->is_array())
    for (const auto& value : *intents)
      if (value.is_number()) c.recent_intents.push_back(value.get<double>());
  c.intent_zeroed = field(object, "intent_zeroed", false);
  c.terminal_intent = parse_intent(field<std::string>(object, "terminal_intent", ""));
  c.temperature = parse_temperature(field<std::string>(object, "temperature", "COLD")).value_or(Temperature::kCold);
  c.off_topic_in_row = field(object, "off_topic_in_row", 0);
  c.turns_without_facts = field(object, "turns_without_facts", 0);
  c.turns_without_role = field(object, "turns_without_role", 0);
  c.inbound_count = field(object, "inbound_count", 0);
  c.llm_calls = field(object, "llm_calls", 0);
  c.llm_day = field<int64_t>(object, "llm_day", 0);
  if (const auto seen = object.find("seen_messages"); seen != object.end() && seen->is_array())
    for (const auto& id : *seen)
      if (id.is_string()) c.seen_messages.push_back(id.get<std::string>());
  c.asked_call_time = field(object, "asked_call_time", false);
  return c;
}

}  // namespace jorge::bots
