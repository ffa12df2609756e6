#include "bots/signals.hpp"

#include <cmath>

namespace jorge::bots {
namespace {

double rounded(double value) { return std::round(value * 100) / 100; }

bool buyer_side(Role role) { return role == Role::kBuyer || role == Role::kBoth || role == Role::kUnknown; }
bool seller_side(Role role) { return role == Role::kSeller || role == Role::kBoth; }

// B of §8.1: the figure the buyer's budget is read as.
std::optional<double> budget_figure(const Slots& slots) {
  if (auto max = slots.number(Slot::kBudgetMax)) return max;
  if (auto approved = slots.number(Slot::kPreapprovalAmount)) return approved;
  return slots.number(Slot::kBudgetMin);
}

double buyer_budget_quality(const Slots& slots, double floor) {
  const auto b = budget_figure(slots);
  if (!b) return 0;
  double quality = 0.5;
  const auto max = slots.number(Slot::kBudgetMax), min = slots.number(Slot::kBudgetMin);
  if (max && (!min || *max - *min <= 0.2 * *max)) quality += 0.2;
  const auto status = slots.text(Slot::kFinancingStatus);
  const auto approved = slots.number(Slot::kPreapprovalAmount);
  if ((status && *status == "cash") || (approved && *approved >= 0.95 * *b)) quality += 0.3;
  if (*b < floor) quality = std::min(quality, 0.3);
  return quality;
}

double seller_price_clarity(const Slots& slots, std::optional<double> valuation) {
  const auto price = slots.number(Slot::kPriceExpectation);
  if (!price) return 0;
  if (valuation && *valuation > 0) {
    if (std::abs(*price - *valuation) <= 0.15 * *valuation) return 1.0;
    if (*price > 1.25 * *valuation) return 0.4;
  }
  return 0.7;
}

double urgency(const Slots& slots) {
  const auto months = slots.number(Slot::kTimelineMonths);
  if (!months || slots.flag(Slot::kBrowsing).value_or(false)) return 0;
  if (*months <= 0) return 1.0;
  if (*months <= 1) return 0.95;
  if (*months <= 2) return 0.9;
  if (*months <= 3) return 0.8;
  if (*months <= 6) return 0.6;
  if (*months <= 12) return 0.3;
  return 0.1;
}

double buyer_readiness(const Slots& slots) {
  const auto status = slots.text(Slot::kFinancingStatus);
  double value = 0;
  if (status) {
    if (*status == "cash") value = 1.0;
    else if (*status == "preapproved") value = 0.9;
    else if (*status == "prequalified") value = 0.6;
    else if (*status == "in_progress") value = 0.5;
    else if (*status == "not_started") value = 0.2;
  }
  if (slots.flag(Slot::kNeedsToSellFirst).value_or(false)) value *= 0.7;
  return value;
}

double seller_readiness(const Slots& slots) {
  if (slots.flag(Slot::kListedWithAgent).value_or(false)) return 0;
  const auto motivation = slots.text(Slot::kMotivation);
  if (!motivation) return 0;
  for (std::string_view must : {"relocation", "divorce", "inherited", "financial_distress", "tired_landlord", "health"})
    if (*motivation == must) return 1.0;
  return 0.6;
}

}  // namespace

std::string_view temperature_name(Temperature temperature) {
  switch (temperature) {
    case Temperature::kHot: return "HOT";
    case Temperature::kWarm: return "WARM";
    case Temperature::kCold: break;
  }
  return "COLD";
}

std::optional<Temperature> parse_temperature(std::string_view name) {
  if (name == "HOT") return Temperature::kHot;
  if (name == "WARM") return Temperature::kWarm;
  if (name == "COLD") return Temperature::kCold;
  return std::nullopt;
}

Signals signals_of(const SignalInputs& in) {
  Signals signals;
  // A lead selling only is judged as a seller; a lead that also buys by its purchase (the
  // budget and financing it states), with the seller's figures when it has no buyer's ones.
  const bool seller = in.role == Role::kSeller;
  signals.budget_quality = seller ? seller_price_clarity(in.slots, in.valuation)
                                  : buyer_budget_quality(in.slots, in.market_floor);
  if (in.role == Role::kBoth && signals.budget_quality == 0)
    signals.budget_quality = seller_price_clarity(in.slots, in.valuation);
  signals.timeline_urgency = urgency(in.slots);
  signals.financing_readiness = seller ? seller_readiness(in.slots) : buyer_readiness(in.slots);
  if (in.role == Role::kBoth && signals.financing_readiness == 0)
    signals.financing_readiness = seller_readiness(in.slots);
  signals.message_intent = in.message_intent;
  signals.budget_quality = rounded(signals.budget_quality);
  signals.timeline_urgency = rounded(signals.timeline_urgency);
  signals.financing_readiness = rounded(signals.financing_readiness);
  signals.message_intent = rounded(signals.message_intent);
  return signals;
}

int score_of(const Signals& s) {
  return static_cast<int>(std::lround(100 * (0.30 * s.budget_quality + 0.30 * s.timeline_urgency +
                                             0.25 * s.financing_readiness + 0.15 * s.message_intent)));
}

Temperature temperature_of(const SignalInputs& in) {
  const Slots& slots = in.slots;
  const auto months = slots.number(Slot::kTimelineMonths);
  // 1. COLD whatever else is known.
  if (in.opted_out) return Temperature::kCold;
  if (in.terminal_intent && (*in.terminal_intent == Intent::kNotInterested || *in.terminal_intent == Intent::kWrongNumber ||
                             *in.terminal_intent == Intent::kRent))
    return Temperature::kCold;
  if (buyer_side(in.role) && slots.flag(Slot::kWorkingWithAgent).value_or(false)) return Temperature::kCold;
  if (seller_side(in.role) && slots.flag(Slot::kListedWithAgent).value_or(false)) return Temperature::kCold;
  if (months && *months > 12) return Temperature::kCold;
  const auto status = slots.text(Slot::kFinancingStatus);
  const bool ready_money = status && (*status == "cash" || *status == "preapproved");
  const bool answered_four = slots.known(Slot::kMotivation) && slots.known(Slot::kPropertyCondition) &&
                             slots.known(Slot::kPriceExpectation);
  // 2. HOT.
  if ((in.role == Role::kBuyer || in.role == Role::kBoth) && ready_money && months && *months <= 3) return Temperature::kHot;
  if (seller_side(in.role) && months && *months <= 3 && answered_four) return Temperature::kHot;
  // 3. WARM.
  if (in.role == Role::kBuyer || in.role == Role::kBoth || in.role == Role::kUnknown) {
    int points = 0;
    if (budget_figure(slots)) ++points;
    if (months && *months <= 6) ++points;
    if (status && (*status == "prequalified" || *status == "in_progress")) ++points;
    if (ready_money) points += 2;
    if (points >= 2) return Temperature::kWarm;
  }
  if (seller_side(in.role)) {
    const int known = slots.known(Slot::kMotivation) + slots.known(Slot::kPropertyCondition) +
                      slots.known(Slot::kPriceExpectation);
    if ((months && *months <= 6) || (known >= 2 && (!months || *months <= 12))) return Temperature::kWarm;
  }
  return Temperature::kCold;
}

double message_intent_value(Intent intent, bool browsing, bool concrete_action, bool filled_a_slot) {
  switch (intent) {
    case Intent::kBuy: case Intent::kSell: case Intent::kBoth:
      if (browsing) return 0.2;
      if (concrete_action) return 1.0;
      return filled_a_slot ? 0.8 : 0.6;
    case Intent::kRent: return 0.1;
    case Intent::kNotInterested: case Intent::kWrongNumber: case Intent::kOptOut: return 0.0;
    default: return browsing ? 0.2 : 0.3;
  }
}

}  // namespace jorge::bots
