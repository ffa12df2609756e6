#pragma once
// What a lead source has cost so far: cost_per_lead × leads plus its monthly spend prorated by
// the days since its first lead (a month is 30.44 days; at least one day counts). Pure.
#include <cstdint>
#include <string>

#include "core/clock.hpp"

namespace jorge::analytics {

// A source's price as configured ([sources.NAME] cost_per_lead, monthly_spend, campaign).
struct SourceCost {
  std::string name, kind;
  int64_t cost_per_lead_cents = 0, monthly_spend_cents = 0;
  std::string campaign;
};

// Dollars spent on `cost` for `leads` leads, the first of them at `first_lead_at`.
double source_spend(const SourceCost& cost, int64_t leads, SystemTime first_lead_at, SystemTime now);

}  // namespace jorge::analytics
