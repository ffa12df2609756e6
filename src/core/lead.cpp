#include "core/lead.hpp"

#include <algorithm>
#include <cmath>

namespace jorge {

Money Money::from_dollars(double dollars) {
  // Beyond a trillion dollars is a typo or an attack, not a house: clamp instead of overflowing.
  constexpr double kLimit = 1e12;
  if (!std::isfinite(dollars)) return Money{0};
  dollars = std::clamp(dollars, -kLimit, kLimit);
  return Money{static_cast<int64_t>(std::llround(dollars * 100.0))};
}

namespace {
constexpr std::string_view kStageNames[] = {"new", "engaged", "opportunity", "won", "lost", "abandoned", "appointment_set"};
constexpr std::string_view kOutcomeNames[] = {"open", "won", "lost", "abandoned"};
}  // namespace

std::string_view stage_name(Stage stage) { return kStageNames[static_cast<int>(stage)]; }

std::optional<Stage> parse_stage(std::string_view name) {
  for (size_t i = 0; i < std::size(kStageNames); ++i)
    if (kStageNames[i] == name) return static_cast<Stage>(i);
  return std::nullopt;
}

std::string_view outcome_name(Outcome outcome) { return kOutcomeNames[static_cast<int>(outcome)]; }

std::optional<Outcome> parse_outcome(std::string_view name) {
  for (int i = 0; i < 4; ++i)
    if (kOutcomeNames[i] == name) return static_cast<Outcome>(i);
  return std::nullopt;
}

std::string_view direction_name(Direction direction) {
  return direction == Direction::kInbound ? "inbound" : "outbound";
}

bool is_jorge_tag(std::string_view tag) {
  return tag == "jorge" || tag.rfind("jorge-", 0) == 0 || tag == "opted-out";
}

Stage stage_for_outcome(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOpen: return Stage::kOpportunity;
    case Outcome::kWon: return Stage::kWon;
    case Outcome::kLost: return Stage::kLost;
    case Outcome::kAbandoned: return Stage::kAbandoned;
  }
  return Stage::kOpportunity;
}

std::string_view field_type_name(const FieldValue& value) {
  constexpr std::string_view kNames[] = {"text", "number", "bool", "list"};
  return kNames[value.index()];
}

}  // namespace jorge
