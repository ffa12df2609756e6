#include "bots/slots.hpp"

#include <algorithm>

namespace jorge::bots {
namespace {

constexpr std::array<std::string_view, kSlotCount> kSlotNames = {
    "budget_min", "budget_max", "monthly_payment_max", "down_payment", "financing_status", "preapproved",
    "preapproval_amount", "loan_type", "needs_to_sell_first", "first_time_buyer", "timeline_months", "browsing",
    "areas", "zips", "areas_other", "property_type", "beds_min", "beds_max", "baths_min", "motivation",
    "working_with_agent", "property_address", "property_zip", "property_area", "property_type_sold",
    "property_beds", "property_baths", "property_condition", "price_expectation", "listed", "listed_with_agent",
    "occupancy"};
constexpr std::array<std::string_view, 4> kRoleNames = {"unknown", "buyer", "seller", "both"};
constexpr std::array<std::string_view, 12> kIntentNames = {
    "buy", "sell", "both", "rent", "question", "human_request", "not_interested", "wrong_number", "opt_out",
    "opt_in", "help", "unknown"};
constexpr std::array<std::string_view, kSlotGroupCount> kGroupNames = {
    "role", "timeline", "budget", "financing", "area", "property", "motivation", "condition", "price", "address",
    "listed"};

template <typename Enum, size_t N>
std::optional<Enum> parse_of(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return std::nullopt;
  return static_cast<Enum>(found - names.begin());
}

}  // namespace

std::string_view slot_name(Slot slot) { return kSlotNames[static_cast<size_t>(slot)]; }
std::optional<Slot> parse_slot(std::string_view name) { return parse_of<Slot>(kSlotNames, name); }
std::string_view role_name(Role role) { return kRoleNames[static_cast<size_t>(role)]; }
std::optional<Role> parse_role(std::string_view name) { return parse_of<Role>(kRoleNames, name); }
std::string_view intent_name(Intent intent) { return kIntentNames[static_cast<size_t>(intent)]; }
std::optional<Intent> parse_intent(std::string_view name) { return parse_of<Intent>(kIntentNames, name); }
std::string_view group_name(SlotGroup group) { return kGroupNames[static_cast<size_t>(group)]; }
std::optional<SlotGroup> parse_group(std::string_view name) { return parse_of<SlotGroup>(kGroupNames, name); }

std::optional<double> Slots::number(Slot slot) const {
  const auto& entry = (*this)[slot];
  if (!entry) return std::nullopt;
  if (const double* value = std::get_if<double>(&entry->value)) return *value;
  return std::nullopt;
}

std::optional<bool> Slots::flag(Slot slot) const {
  const auto& entry = (*this)[slot];
  if (!entry) return std::nullopt;
  if (const bool* value = std::get_if<bool>(&entry->value)) return *value;
  return std::nullopt;
}

std::optional<std::string> Slots::text(Slot slot) const {
  const auto& entry = (*this)[slot];
  if (!entry) return std::nullopt;
  if (const std::string* value = std::get_if<std::string>(&entry->value)) return *value;
  return std::nullopt;
}

std::vector<std::string> Slots::list(Slot slot) const {
  const auto& entry = (*this)[slot];
  if (!entry) return {};
  if (const auto* value = std::get_if<std::vector<std::string>>(&entry->value)) return *value;
  return {};
}

void Slots::set(Slot slot, SlotValue value, Provenance provenance) {
  if (auto* list = std::get_if<std::vector<std::string>>(&value)) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  entries_[static_cast<size_t>(slot)] = SlotEntry{std::move(value), std::move(provenance)};
}

SlotKind slot_kind(Slot slot) {
  switch (slot) {
    case Slot::kBudgetMin: case Slot::kBudgetMax: case Slot::kMonthlyPaymentMax: case Slot::kDownPayment:
    case Slot::kPreapprovalAmount: case Slot::kTimelineMonths: case Slot::kBedsMin: case Slot::kBedsMax:
    case Slot::kBathsMin: case Slot::kPropertyBeds: case Slot::kPropertyBaths: case Slot::kPriceExpectation:
      return SlotKind::kNumber;
    case Slot::kAreas: case Slot::kZips: return SlotKind::kSet;
    case Slot::kFinancingStatus: case Slot::kLoanType: case Slot::kPropertyType: case Slot::kMotivation:
    case Slot::kPropertyAddress: case Slot::kPropertyZip: case Slot::kPropertyArea: case Slot::kPropertyTypeSold:
    case Slot::kPropertyCondition: case Slot::kOccupancy: case Slot::kAreasOther:
      return SlotKind::kText;
    default: return SlotKind::kFlag;
  }
}

}  // namespace jorge::bots
