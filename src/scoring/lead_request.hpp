#pragma once
// The body of POST /api/v1/score_lead (the seed's contract, as the seed's peer accepts it):
// lead_id and the lead's fields and message. Strict: unknown fields, wrong types, negative
// counts and over-long texts are errors that say which field and why.
#include <string_view>

#include "core/result.hpp"
#include "scoring/lead_features.hpp"

namespace jorge::scoring {

Result<LeadFacts> parse_score_request(std::string_view body);

}  // namespace jorge::scoring
