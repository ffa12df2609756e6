#pragma once
// GET /api/v1/sources: leads, contacts and spend per source so far (analytics::source_spend).
#include <string>
#include <vector>

#include "analytics/source_spend.hpp"
#include "api/auth.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "store/lead_reads.hpp"

namespace jorge::api {

using analytics::SourceCost;

class SourcesApi {
 public:
  SourcesApi(store::LeadReads& store, Clock& clock, const BearerAuth& auth, std::vector<SourceCost> configured)
      : store_(store), clock_(clock), auth_(auth), configured_(std::move(configured)) {}
  void add_routes(http::Router& router);

 private:
  store::LeadReads& store_;
  Clock& clock_;
  const BearerAuth& auth_;
  std::vector<SourceCost> configured_;
};

}  // namespace jorge::api
