#pragma once
// GET /api/v1/sources: leads, contacts and spend per source so far (the analytics issue builds
// ROI on it). Spend is cost_per_lead × leads plus monthly_spend prorated by the days since
// the source's first lead (a month is 30.44 days, at least one day counted).
#include <string>
#include <vector>

#include "api/auth.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace jorge::api {

struct SourceCost {
  std::string name, kind;
  int64_t cost_per_lead_cents = 0, monthly_spend_cents = 0;
  std::string campaign;
};

class SourcesApi {
 public:
  SourcesApi(store::Store& store, Clock& clock, const BearerAuth& auth, std::vector<SourceCost> configured)
      : store_(store), clock_(clock), auth_(auth), configured_(std::move(configured)) {}
  void add_routes(http::Router& router);

 private:
  store::Store& store_;
  Clock& clock_;
  const BearerAuth& auth_;
  std::vector<SourceCost> configured_;
};

}  // namespace jorge::api
