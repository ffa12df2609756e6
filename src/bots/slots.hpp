#pragma once
// What the bots know about a lead (bots.md §3): slots with normalised values and where each
// came from, the lead's role, a message's intent, and the question groups the bots ask.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"

namespace jorge::bots {

enum class Slot {
  // buyers (§3.2)
  kBudgetMin, kBudgetMax, kMonthlyPaymentMax, kDownPayment, kFinancingStatus, kPreapproved, kPreapprovalAmount,
  kLoanType, kNeedsToSellFirst, kFirstTimeBuyer, kTimelineMonths, kBrowsing, kAreas, kZips, kAreasOther,
  kPropertyType, kBedsMin, kBedsMax, kBathsMin, kMotivation, kWorkingWithAgent,
  // sellers (§3.3)
  kPropertyAddress, kPropertyZip, kPropertyArea, kPropertyTypeSold, kPropertyBeds, kPropertyBaths,
  kPropertyCondition, kPriceExpectation, kListed, kListedWithAgent, kOccupancy,
  kCount
};
inline constexpr size_t kSlotCount = static_cast<size_t>(Slot::kCount);
// The spec's name ("budget_max"); parse_slot reads it back.
std::string_view slot_name(Slot slot);
std::optional<Slot> parse_slot(std::string_view name);

// Money and counts are numbers (whole dollars, months), enums and addresses strings, areas and
// ZIPs sets (sorted, unique), the rest flags.
using SlotValue = std::variant<bool, double, std::string, std::vector<std::string>>;
enum class SlotKind { kFlag, kNumber, kText, kSet };  // the alternative of SlotValue a slot holds
SlotKind slot_kind(Slot slot);

struct Provenance {
  std::string message_id;
  std::string extractor = "rules";  // "rules", "llm" or "portal"
  SystemTime at{};
};

struct SlotEntry {
  SlotValue value;
  Provenance provenance;
};

class Slots {
 public:
  const std::optional<SlotEntry>& operator[](Slot slot) const { return entries_[static_cast<size_t>(slot)]; }
  bool known(Slot slot) const { return (*this)[slot].has_value(); }
  std::optional<double> number(Slot slot) const;
  std::optional<bool> flag(Slot slot) const;
  std::optional<std::string> text(Slot slot) const;
  std::vector<std::string> list(Slot slot) const;  // empty when unknown
  bool non_empty(Slot slot) const { return !list(slot).empty(); }
  void set(Slot slot, SlotValue value, Provenance provenance);
  void clear(Slot slot) { entries_[static_cast<size_t>(slot)].reset(); }

 private:
  std::array<std::optional<SlotEntry>, kSlotCount> entries_;
};

enum class Role { kUnknown, kBuyer, kSeller, kBoth };
std::string_view role_name(Role role);  // "unknown", "buyer", "seller", "both"
std::optional<Role> parse_role(std::string_view name);

enum class Intent {
  kBuy, kSell, kBoth, kRent, kQuestion, kHumanRequest, kNotInterested, kWrongNumber, kOptOut, kOptIn, kHelp, kUnknown
};
std::string_view intent_name(Intent intent);
std::optional<Intent> parse_intent(std::string_view name);

// The question groups of §7 (the pending slot group of a conversation).
enum class SlotGroup { kRole, kTimeline, kBudget, kFinancing, kArea, kProperty, kMotivation, kCondition, kPrice, kAddress, kListed };
inline constexpr size_t kSlotGroupCount = 11;
std::string_view group_name(SlotGroup group);
std::optional<SlotGroup> parse_group(std::string_view name);

}  // namespace jorge::bots
