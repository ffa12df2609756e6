#pragma once
// A quick rules score of a new lead, 0-100, in microseconds and without a model: it decides
// how soon the pipeline looks at the lead (hot > 80, warm > 50, else cold). The trained model
// (scoring issue) replaces it; the tiers and their meaning stay.
#include <string>
#include <vector>

#include "core/lead.hpp"
#include "core/work.hpp"

namespace jorge::scoring {

struct PreScore {
  int score = 0;  // 0..100
  Tier tier = Tier::kCold;
  std::vector<std::string> reasons;  // short, no personal data: "budget stated", "pre-approved"
};

// Looks at what the event says: a stated budget (custom field or "$525k" in the text), a
// timeline (and how near), pre-approval or cash, and what the message asks for.
PreScore pre_score(const InboundEvent& event);

}  // namespace jorge::scoring
