#pragma once
// The JSON shapes of leads in the API (docs/api.md).
#include <nlohmann/json_fwd.hpp>

#include "store/store.hpp"

namespace jorge::api {

nlohmann::json lead_summary_json(const store::LeadSummary& lead);
nlohmann::json lead_detail_json(const store::LeadDetail& lead);

}  // namespace jorge::api
