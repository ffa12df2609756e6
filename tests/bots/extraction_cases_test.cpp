// The data-driven cases of bots.md, one file per section in data/cases/: each line a message,
// the conversation it arrives in (role, pending question, time) and what must come out.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "bots/engine.hpp"
#include "bots/slots_json.hpp"

namespace jorge::bots {
namespace {

using nlohmann::json;

std::vector<json> cases_of(const std::string& name) {
  std::ifstream in(std::string(JORGE_BOTS_TEST_DATA) + "/cases/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<json> cases;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) cases.push_back(json::parse(line));
  return cases;
}

// One message as the next message of a conversation in the case's role and pending question.
json run_case(const json& item) {
  Role role = Role::kUnknown;
  if (item.contains("role") && item["role"].is_string()) role = *parse_role(item["role"].get<std::string>());
  Conversation conversation = start_conversation("case", role);
  conversation.state = role == Role::kUnknown ? State::kAwaitingRole : State::kQualifying;
  if (item.contains("pending")) {
    conversation.pending = parse_group(item["pending"].get<std::string>());
    ++conversation.asks[static_cast<size_t>(*conversation.pending)];
  }
  SystemTime at;
  EXPECT_TRUE(parse_iso8601(item.value("at", "2026-05-14T16:00:00Z"), at));
  const Turn turn = take_turn(conversation, {"m1", item["text"].get<std::string>(), at}, {}, EngineConfig{});
  json result = slots_json(turn.conversation.slots);
  result["intent"] = std::string(intent_name(turn.intent));
  result["opt_out"] = turn.opt_out;
  result["handoff"] = turn.handoff.has_value();
  if (turn.handoff) result["handoff_reason"] = *turn.handoff;
  return result;
}

void expect_case(const json& item, const json& result) {
  for (const auto& [key, want] : item["expect"].items()) {
    const auto found = result.find(key);
    const std::string label = item.value("note", "") + " | " + item.value("text", "") + " | " + key;
    if (want.is_null()) {
      if (found != result.end()) ADD_FAILURE() << label << " must not be extracted, got " << found->dump();
    } else if (found == result.end()) {
      ADD_FAILURE() << label << ": expected " << want.dump() << ", nothing extracted";
    } else if (want.is_number()) {
      EXPECT_NEAR(found->get<double>(), want.get<double>(), 1e-9) << label;
    } else {
      EXPECT_EQ(*found, want) << label;
    }
  }
}

class ExtractionCases : public testing::TestWithParam<std::string> {};

TEST_P(ExtractionCases, EveryCaseOfTheSection) {
  const auto cases = cases_of(GetParam());
  ASSERT_FALSE(cases.empty());
  for (const json& item : cases) expect_case(item, run_case(item));
}

INSTANTIATE_TEST_SUITE_P(BotsSpec, ExtractionCases,
                         testing::Values("money.jsonl", "timeline.jsonl", "places.jsonl", "property.jsonl",
                                         "intents.jsonl", "handoff.jsonl"),
                         [](const auto& info) { return info.param.substr(0, info.param.find('.')); });

// §8: every rule of signals and temperature, from slots alone.
TEST(SignalsAndTemperature, EveryRuleOfSection8) {
  for (const json& item : cases_of("temperature.jsonl")) {
    const Slots slots = slots_from_json(item["slots"], {});
    SignalInputs inputs{slots, *parse_role(item["role"].get<std::string>())};
    inputs.opted_out = item.value("opted_out", false);
    inputs.message_intent = item.value("intent", 0.0);
    if (item.contains("valuation")) inputs.valuation = item["valuation"].get<double>();
    const Signals signals = signals_of(inputs);
    const json result = {{"temperature", std::string(temperature_name(temperature_of(inputs)))},
                         {"budget_quality", signals.budget_quality},
                         {"timeline_urgency", signals.timeline_urgency},
                         {"financing_readiness", signals.financing_readiness},
                         {"message_intent", signals.message_intent},
                         {"score", score_of(signals)}};
    expect_case(item, result);
  }
}

}  // namespace
}  // namespace jorge::bots
