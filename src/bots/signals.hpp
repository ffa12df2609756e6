#pragma once
// Signals, score and temperature (bots.md §8): numbers from slots alone, so a conversation's
// temperature can be recomputed from its slots at any time and always agrees.
#include <optional>
#include <string_view>

#include "bots/slots.hpp"

namespace jorge::bots {

struct Signals {
  double budget_quality = 0, timeline_urgency = 0, financing_readiness = 0, message_intent = 0;
};

enum class Temperature { kCold, kWarm, kHot };
std::string_view temperature_name(Temperature temperature);  // "COLD", "WARM", "HOT"
std::optional<Temperature> parse_temperature(std::string_view name);

struct SignalInputs {
  const Slots& slots;
  Role role = Role::kUnknown;
  double message_intent = 0;            // §8.4, kept by the conversation over the last five messages
  double market_floor = 200000;         // §8.1: budgets under it count at most 0.3
  std::optional<double> valuation;      // §8.1 seller: a CMA/AVM figure when the system holds one
  bool opted_out = false;
  std::optional<Intent> terminal_intent;  // the conversation's last not_interested / wrong_number / rent
};

Signals signals_of(const SignalInputs& inputs);
// §8.5: round(100 × (0.30·budget + 0.30·timeline + 0.25·financing + 0.15·intent)).
int score_of(const Signals& signals);
Temperature temperature_of(const SignalInputs& inputs);

// §8.4: how much one message says about intent to transact.
double message_intent_value(Intent intent, bool browsing, bool concrete_action, bool filled_a_slot);

}  // namespace jorge::bots
