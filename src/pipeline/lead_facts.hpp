#pragma once
// A stored person as the scorer sees them: everything they wrote (oldest first), where they
// came from, their custom fields, when they arrived and how much has passed between us. Used
// by the workers when they score a lead and by training on the team's own outcomes, so both
// see leads the same way.
#include "scoring/lead_features.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

scoring::LeadFacts lead_facts_of(const store::OutreachFacts& lead);

}  // namespace jorge::pipeline
