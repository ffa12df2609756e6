#include "pipeline/lead_facts.hpp"

namespace jorge::pipeline {

scoring::LeadFacts lead_facts_of(const store::LeadDetail& lead) {
  std::string messages;
  for (const auto& stored : lead.interactions)
    if (stored.record.direction == Direction::kInbound && !stored.record.body.empty())
      messages += (messages.empty() ? "" : " ") + stored.record.body;
  scoring::LeadFacts facts = scoring::lead_facts_from(lead.lead_source, messages, lead.custom_fields,
                                                      lead.summary.created_at,
                                                      static_cast<int64_t>(lead.interactions.size()));
  facts.lead_id = std::to_string(lead.summary.id);
  return facts;
}

}  // namespace jorge::pipeline
