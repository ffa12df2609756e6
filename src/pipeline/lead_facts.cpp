#include "pipeline/lead_facts.hpp"

namespace jorge::pipeline {

scoring::LeadFacts lead_facts_of(const store::OutreachFacts& lead) {
  scoring::LeadFacts facts =
      scoring::lead_facts_from(lead.lead_source, lead.inbound_texts, lead.custom_fields, lead.created_at, lead.interactions);
  facts.lead_id = std::to_string(lead.id);
  facts.distinct_sources = lead.distinct_sources;
  facts.response_time_hours = lead.response_hours;
  return facts;
}

}  // namespace jorge::pipeline
