#pragma once
// A lead as the Graph API returns it (GET /{leadgen_id}, specs/integrations.md §3.5) turned
// into a contact event, and Graph error bodies (§3.7) turned into what to do next.
#include <map>
#include <string>

#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::ingest {

// Form question name -> where its answer goes: a contact field ("first_name", "last_name",
// "full_name", "email", "phone", "address", "city", "state", "postal_code", "country") or, for
// anything else, the custom field key to keep it under ("when_are_you_looking_to_buy?" ->
// "timeline"). Facebook's standard questions are mapped without configuration.
using FormFieldMap = std::map<std::string, std::string, std::less<>>;

// kInvalidArgument when the body is not a Graph lead. Unmapped answers stay custom fields
// under their question key (one answer: text; several: a list).
Result<InboundEvent> parse_graph_lead(std::string_view body, const FormFieldMap& mapping);

// The Graph API fields Jorge asks for.
inline constexpr std::string_view kGraphLeadFields =
    "id,created_time,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,is_organic,platform,"
    "field_data";

enum class GraphFailure {
  kRetry,       // transient (codes 1, 2, is_transient) or unknown: try again with backoff
  kThrottled,   // 4, 17, 32, 613, 80000-range: back off longer
  kTokenBroken, // 190: the page access token expired or was revoked; retrying cannot help until it is replaced
  kPermission,  // 10, 200-299: a permission is missing
  kNotFound,    // 100: bad parameter or the lead was deleted: dead letter
};
struct GraphError {
  GraphFailure failure = GraphFailure::kRetry;
  int code = 0;
  std::string message;  // Meta's message, safe to log (no personal data)
};
// Reads `{"error":{...}}`; decides on `code` (and `is_transient`), not on the HTTP status.
GraphError classify_graph_error(int http_status, std::string_view body);

}  // namespace jorge::ingest
