#pragma once
// POST /api/v1/score_lead: the seed's contract (docs/api.md), answered by the active model.
#include "api/auth.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "scoring/active_model.hpp"

namespace jorge::api {

class ScoreApi {
 public:
  ScoreApi(const scoring::ActiveLeadModel& model, Clock& clock, const BearerAuth& auth)
      : model_(model), clock_(clock), auth_(auth) {}
  void add_routes(http::Router& router);

 private:
  const scoring::ActiveLeadModel& model_;
  Clock& clock_;
  const BearerAuth& auth_;
};

}  // namespace jorge::api
